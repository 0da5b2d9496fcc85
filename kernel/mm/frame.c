/*
 * The physical frame allocator: a binary buddy allocator over the memory
 * the Multiboot2 memory map calls available.
 *
 * Memory is handed out in blocks of 2^order frames (order 0 .. 10), each
 * aligned to its own size. A free block of order k at frame index i has a
 * "buddy" at i ^ 2^k; when both are free they merge into one block of
 * order k+1, so freeing undoes splitting. Everything the allocator knows
 * lives in the frame array (struct frame, frame_internal.h), one small
 * entry per physical frame: the free lists are linked through the array
 * by 32-bit frame index, never through the free frames themselves, so the
 * allocator works before memory above 4 GiB is mapped. docs/memory.md has
 * the picture.
 */
#include "arch/x86_64/arch.h"
#include "mm/frame_internal.h"
#include "mm/pagecache.h"

/* Stands for "every address" when adding the memory above 4 GiB. */
#define PHYS_END UINT64_MAX
/* The real-mode area, BIOS data and VGA memory are never handed out. */
#define LOW_MEMORY_END 0x100000

/* Written once by frames_init before any allocation, read-only after. */
static struct frame *frames; /* the frame array */
static uint32_t frame_count; /* entries in it */
static struct phys_range reserved[4 + BOOT_MAX_MODULES];
static unsigned int nreserved;
static struct phys_range available[BOOT_MAX_REGIONS]; /* sorted, merged */
static unsigned int navailable;

static struct spinlock frames_lock = SPINLOCK_INIT("frames");
/* Protected by frames_lock, with the entries of free blocks. */
static uint32_t free_lists[FRAME_MAX_ORDER + 1]; /* first frame, or NONE */
static struct frame_stats stats;

/*
 * Frames to scrub (zero) the next time frames_alloc hands them out: bit
 * i is frame i. Under QEMU's TCG a page that still holds translated code
 * makes every write to it take a slow path that looks for code to throw
 * away, for as long as some of that code is never overwritten: a kernel
 * stack, written only near its top, ran 20 to 90 times slower on such a
 * page. Two kinds of frame may hold translated code:
 * - every frame below 4 GiB until it is first handed out: the boot
 *   loader ran code there (GRUB keeps its modules at the top of memory);
 * - a user page that has been mapped executable (frame_mark_code): once
 *   freed, a program's text page can become the next command's kernel
 *   stack or a slab page.
 * The invariant: a frame the CPU may have executed is zeroed whole
 * before it is handed out again, which drops the stale code for good.
 * Set and cleared under frames_lock.
 */
static uint64_t *unscrubbed;

/* ---- the frame array ------------------------------------------------- */

struct frame *frame_of(physaddr_t pa)
{
	uint64_t i = pa >> PAGE_SHIFT;

	return i < frame_count ? &frames[i] : NULL;
}

struct frame *frame_at(uint32_t index)
{
	return &frames[index];
}

uint32_t frame_index(const struct frame *f)
{
	return f - frames;
}

void frame_list_push(uint32_t *head, struct frame *f)
{
	f->prev = FRAME_NONE;
	f->next = *head;
	if (f->next != FRAME_NONE)
		frames[f->next].prev = frame_index(f);
	*head = frame_index(f);
}

void frame_list_remove(uint32_t *head, struct frame *f)
{
	if (f->prev != FRAME_NONE)
		frames[f->prev].next = f->next;
	else
		*head = f->next;
	if (f->next != FRAME_NONE)
		frames[f->next].prev = f->prev;
}

/* ---- free lists (caller holds frames_lock) --------------------------- */

static void free_list_push(uint32_t i, unsigned int order)
{
	struct frame *f = &frames[i];

	f->flags = FRAME_FREE;
	f->order = order;
	frame_list_push(&free_lists[order], f);
	stats.free += 1UL << order;
	stats.free_blocks[order]++;
}

static void free_list_remove(uint32_t i)
{
	struct frame *f = &frames[i];

	frame_list_remove(&free_lists[f->order], f);
	f->flags = 0;
	stats.free -= 1UL << f->order;
	stats.free_blocks[f->order]--;
}

/* Put the block of 2^order frames at i on a free list, merged with its
 * buddy as long as the buddy is a free block of the same order. */
static void free_block(uint32_t i, unsigned int order)
{
	while (order < FRAME_MAX_ORDER) {
		uint64_t buddy = i ^ (1U << order);

		if (buddy >= frame_count || frames[buddy].flags != FRAME_FREE ||
		    frames[buddy].order != order)
			break;
		free_list_remove(buddy);
		i &= ~(1U << order);
		order++;
	}
	free_list_push(i, order);
}

/* ---- allocation ------------------------------------------------------ */

/* Does the block of 2^order frames at i hold a frame that may hold code
 * (unscrubbed)? Marks them all scrubbed. Caller holds frames_lock. */
static bool take_unscrubbed(uint32_t i, unsigned int order)
{
	bool any = false;

	for (uint32_t j = i; j < i + (1U << order); j++) {
		uint64_t bit = 1ULL << (j % 64);

		if (unscrubbed[j / 64] & bit) {
			unscrubbed[j / 64] &= ~bit;
			any = true;
		}
	}
	return any;
}

physaddr_t frames_alloc(unsigned int order)
{
	unsigned int o = order;
	uint32_t i;
	bool scrub;

	if (order > FRAME_MAX_ORDER)
		return 0;
	spin_lock(&frames_lock);
	while (o <= FRAME_MAX_ORDER && free_lists[o] == FRAME_NONE)
		o++;
	if (o > FRAME_MAX_ORDER) {
		spin_unlock(&frames_lock);
		return 0;
	}
	i = free_lists[o];
	free_list_remove(i);
	/* Split: the upper halves go back on the lists below. */
	while (o > order) {
		o--;
		free_list_push(i + (1U << o), o);
	}
	frames[i].flags = FRAME_ALLOCATED;
	frames[i].order = order;
	scrub = take_unscrubbed(i, order);
	spin_unlock(&frames_lock);
	if (scrub)
		memset(phys_to_virt((physaddr_t)i << PAGE_SHIFT), 0,
		       PAGE_SIZE << order);
	return (physaddr_t)i << PAGE_SHIFT;
}

/* A frames_free the allocator cannot make sense of is a kernel bug:
 * say exactly what is wrong. Caller holds frames_lock. */
static void check_free(physaddr_t pa, unsigned int order)
{
	struct frame *f = frame_of(pa);

	if (!f)
		panic("frames_free: %#lx is not a managed frame", pa);
	if (f->flags == FRAME_FREE)
		panic("frames_free: %#lx (order %u) is already free: "
		      "double free",
		      pa, order);
	if (f->flags != FRAME_ALLOCATED)
		panic("frames_free: %#lx was not handed out by frames_alloc",
		      pa);
	if (f->order != order)
		panic("frames_free: %#lx was allocated with order %u, freed "
		      "with order %u",
		      pa, f->order, order);
	if (f->owner != FRAME_OWNER_NONE)
		panic("frames_free: %#lx still belongs to kmalloc", pa);
}

void frames_free(physaddr_t pa, unsigned int order)
{
	if (order > FRAME_MAX_ORDER)
		panic("frames_free: order %u of %#lx is too large", order, pa);
	if (!IS_ALIGNED(pa, (physaddr_t)PAGE_SIZE << order))
		panic("frames_free: %#lx is not aligned to its order %u", pa,
		      order);
	spin_lock(&frames_lock);
	check_free(pa, order);
	frames[pa >> PAGE_SHIFT].flags = 0;
	free_block(pa >> PAGE_SHIFT, order);
	spin_unlock(&frames_lock);
}

/* ---- user pages: reference counted ------------------------------------ */

#define SHRINK_ON_FAIL 64 /* page-cache pages reclaimed at a time */

physaddr_t frame_alloc_user(void)
{
	physaddr_t pa = frame_alloc();

	/* Out of memory: clean page-cache pages go before anyone fails. */
	while (!pa && pagecache_shrink(SHRINK_ON_FAIL) > 0)
		pa = frame_alloc();

	if (pa) {
		struct frame *f = frame_of(pa);

		f->owner = FRAME_OWNER_USER;
		__atomic_store_n(&f->refcount, 1, __ATOMIC_RELAXED);
	}
	return pa;
}

/* The entry of the user page at pa; anything else is a kernel bug. */
static struct frame *user_frame(physaddr_t pa, const char *who)
{
	struct frame *f = frame_of(pa);

	if (!f || f->owner != FRAME_OWNER_USER || f->flags != FRAME_ALLOCATED)
		panic("%s: %#lx is not a user page", who, pa);
	return f;
}

void frame_ref(physaddr_t pa)
{
	struct frame *f = user_frame(pa, "frame_ref");

	__atomic_add_fetch(&f->refcount, 1, __ATOMIC_RELAXED);
}

void frame_unref(physaddr_t pa)
{
	struct frame *f = user_frame(pa, "frame_unref");
	uint32_t left = __atomic_sub_fetch(&f->refcount, 1, __ATOMIC_ACQ_REL);

	if (left == 0) {
		f->owner = FRAME_OWNER_NONE;
		frame_free(ALIGN_DOWN(pa, PAGE_SIZE));
	}
}

void frame_mark_code(physaddr_t pa)
{
	uint32_t i = user_frame(pa, "frame_mark_code") - frames;

	spin_lock(&frames_lock);
	unscrubbed[i / 64] |= 1ULL << (i % 64);
	spin_unlock(&frames_lock);
}

unsigned int frame_refcount(physaddr_t pa)
{
	return __atomic_load_n(&user_frame(pa, "frame_refcount")->refcount,
			       __ATOMIC_ACQUIRE);
}

void frames_get_stats(struct frame_stats *st)
{
	spin_lock(&frames_lock);
	*st = stats;
	spin_unlock(&frames_lock);
}

uint64_t mem_available_bytes(void)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < bootinfo.nregions; i++)
		if (bootinfo.regions[i].type == MEM_AVAILABLE)
			sum += bootinfo.regions[i].length;
	return sum;
}

/* ---- boot: what to manage -------------------------------------------- */

static void reserve(physaddr_t start, physaddr_t end)
{
	if (end <= start)
		return;
	assert(nreserved < ARRAY_SIZE(reserved));
	reserved[nreserved].start = ALIGN_DOWN(start, PAGE_SIZE);
	reserved[nreserved].end = ALIGN_UP(end, PAGE_SIZE);
	nreserved++;
}

static void reserve_boot_ranges(void)
{
	reserve(0, LOW_MEMORY_END);
	reserve(kernel_phys_start(), kernel_phys_end());
	reserve(bootinfo.info_start, bootinfo.info_end);
	for (unsigned int i = 0; i < bootinfo.nmodules; i++)
		reserve(bootinfo.modules[i].start, bootinfo.modules[i].end);
}

unsigned int phys_ranges_merge(struct phys_range *r, unsigned int n)
{
	unsigned int out = 0;

	for (unsigned int i = 1; i < n; i++) {
		struct phys_range x = r[i];
		unsigned int j = i;

		for (; j > 0 && r[j - 1].start > x.start; j--)
			r[j] = r[j - 1];
		r[j] = x;
	}
	for (unsigned int i = 0; i < n; i++) {
		if (out > 0 && r[i].start <= r[out - 1].end)
			r[out - 1].end = MAX(r[out - 1].end, r[i].end);
		else
			r[out++] = r[i];
	}
	return out;
}

/* available[]: the MEM_AVAILABLE regions shrunk to whole frames, sorted
 * and merged, so that firmware that lists a range twice cannot make the
 * allocator hand out a frame twice. */
static void collect_available(void)
{
	for (unsigned int r = 0; r < bootinfo.nregions; r++) {
		const struct mem_region *m = &bootinfo.regions[r];
		physaddr_t start = ALIGN_UP(m->base, PAGE_SIZE);
		physaddr_t end = ALIGN_DOWN(m->base + m->length, PAGE_SIZE);

		if (m->type == MEM_AVAILABLE && start < end)
			available[navailable++] =
				(struct phys_range){ start, end };
	}
	navailable = phys_ranges_merge(available, navailable);
}

static bool overlaps_reserved(physaddr_t start, physaddr_t end)
{
	for (unsigned int i = 0; i < nreserved; i++)
		if (reserved[i].start < end && start < reserved[i].end)
			return true;
	return false;
}

/* First fit for size bytes in available memory below 4 GiB (where the
 * boot page tables map it) that overlaps nothing reserved. A fit starts
 * at a range's start or just after a reserved range. */
static physaddr_t find_room_low(uint64_t size)
{
	for (unsigned int a = 0; a < navailable; a++) {
		physaddr_t lo = available[a].start;
		physaddr_t hi = MIN(available[a].end, BOOT_DIRECT_MAP_SIZE);

		for (unsigned int r = 0; r <= nreserved; r++) {
			physaddr_t c = r == nreserved ? lo : reserved[r].end;

			if (c >= lo && c + size <= hi &&
			    !overlaps_reserved(c, c + size))
				return c;
		}
	}
	panic("frames_init: no room below 4 GiB for the frame array "
	      "(%lu KiB)",
	      size / 1024);
}

static void place_frame_array(void)
{
	uint64_t highest = available[navailable - 1].end >> PAGE_SHIFT;
	uint64_t size;
	physaddr_t pa;

	if (highest > FRAME_NONE) {
		kprintf("frames: only the first 16 TiB are used\n");
		highest = FRAME_NONE;
	}
	frame_count = highest;
	size = ALIGN_UP(frame_count * sizeof(struct frame), PAGE_SIZE);
	pa = find_room_low(size);
	reserve(pa, pa + size);
	frames = phys_to_virt(pa);
	memset(frames, 0, size);
	kprintf("frames: array of %u frames (%lu KiB) at %#lx\n", frame_count,
		size / 1024, pa);
}

/* The bitmap of frames to scrub, a bit for every frame: set below 4 GiB,
 * where the boot loader runs, clear above. (Bits past the last frame
 * are never read.) */
static void place_unscrubbed(void)
{
	uint64_t boot_frames = frame_count;
	uint64_t size =
		ALIGN_UP(((uint64_t)frame_count + 63) / 64 * 8, PAGE_SIZE);
	physaddr_t pa = find_room_low(size);

	if (BOOT_DIRECT_MAP_SIZE >> PAGE_SHIFT < boot_frames)
		boot_frames = BOOT_DIRECT_MAP_SIZE >> PAGE_SHIFT;
	reserve(pa, pa + size);
	unscrubbed = phys_to_virt(pa);
	memset(unscrubbed, 0, size);
	memset(unscrubbed, 0xff, (boot_frames + 63) / 64 * 8);
}

/* Hand [first, end) (frame indices) to the allocator as the largest
 * aligned blocks that fit. */
static void add_frames(uint64_t first, uint64_t end)
{
	end = MIN(end, (uint64_t)frame_count);
	while (first < end) {
		unsigned int order = 0;

		while (order < FRAME_MAX_ORDER &&
		       IS_ALIGNED(first, 2UL << order) &&
		       first + (2UL << order) <= end)
			order++;
		stats.managed += 1UL << order;
		free_block(first, order);
		first += 1UL << order;
	}
}

/* Add [start, end) minus the reserved ranges from index r on. */
static void add_range(physaddr_t start, physaddr_t end, unsigned int r)
{
	for (; r < nreserved && start < end; r++) {
		if (reserved[r].end <= start || reserved[r].start >= end)
			continue;
		add_range(start, reserved[r].start, r + 1);
		start = reserved[r].end;
	}
	if (start < end)
		add_frames(start >> PAGE_SHIFT, end >> PAGE_SHIFT);
}

/* Add the available memory inside [lo, hi). */
static void add_available(physaddr_t lo, physaddr_t hi)
{
	spin_lock(&frames_lock);
	for (unsigned int a = 0; a < navailable; a++)
		add_range(MAX(available[a].start, lo),
			  MIN(available[a].end, hi), 0);
	spin_unlock(&frames_lock);
}

static void print_free(const char *when)
{
	struct frame_stats st;

	frames_get_stats(&st);
	kprintf("frames: %s: %lu MiB free of %lu MiB available\n", when,
		st.free >> (20 - PAGE_SHIFT), mem_available_bytes() >> 20);
}

void frames_init(void)
{
	for (unsigned int o = 0; o <= FRAME_MAX_ORDER; o++)
		free_lists[o] = FRAME_NONE;
	reserve_boot_ranges();
	collect_available();
	if (navailable == 0)
		panic("frames_init: the memory map lists no available memory");
	place_frame_array();
	place_unscrubbed();
	add_available(0, BOOT_DIRECT_MAP_SIZE);
	print_free("below 4 GiB");
}

void frames_init_high(void)
{
	if (available[navailable - 1].end <= BOOT_DIRECT_MAP_SIZE)
		return;
	add_available(BOOT_DIRECT_MAP_SIZE, PHYS_END);
	print_free("with memory above 4 GiB");
}
