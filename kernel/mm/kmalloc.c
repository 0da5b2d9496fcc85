/*
 * The kernel heap: kmalloc and kfree.
 *
 * Requests up to 2048 bytes are served by eight size classes (16, 32, ...
 * 2048 bytes). A class carves single frames, "slab pages", into equal
 * slots and keeps the pages that have both free and used slots on a list;
 * free slots are chained inside the page. Larger requests get a block of
 * frames of their own from the buddy allocator. kfree needs no size: the
 * frame array entry of the object's page says whether it is a slab page
 * (and of which class) or a large object (and of which order).
 *
 * Heap debugging, on unless the command line says heapdebug=0, puts a
 * header (magic, requested size, who allocated and who freed it) before
 * each object and a red zone after it, and fills freed objects with
 * poison. kfree then catches double frees, bad pointers and overruns,
 * and kmalloc catches writes to freed objects when it hands one out
 * again. docs/memory.md has the layouts and how to read the reports.
 */
#include "arch/x86_64/arch.h"
#include "mm/frame_internal.h"

#define HEAP_ALIGN 16

#define HEAP_MAGIC_LIVE 0x4556494c /* "LIVE" */
#define HEAP_MAGIC_FREE 0x45455246 /* "FREE" */
#define POISON_BYTE 0x6b  /* fills freed objects (as Linux's POISON_FREE) */
#define REDZONE_BYTE 0xbb /* fills the bytes past an object's size */
#define REDZONE_SIZE 16   /* at least this much red zone after each slot */
#define SLAB_NONE 0xffff  /* frame.slab_free of a page with no free slot */

/*
 * With heap debugging, in front of every small object and at the end of
 * every large one. The first word of a free slot, header or not, is the
 * page offset of the next free slot in its page (SLAB_NONE ends).
 */
struct heap_header {
	uint32_t next_free;
	uint32_t magic;         /* HEAP_MAGIC_LIVE or HEAP_MAGIC_FREE */
	uint64_t size;          /* requested size */
	uintptr_t alloc_caller; /* return address of the kmalloc call */
	uintptr_t free_caller;  /* of the last kfree, 0 if never freed */
};

/* One size class. Each class has its own lock, so CPUs allocating
 * different sizes do not wait for each other. */
struct size_class {
	struct spinlock lock;
	unsigned int size;     /* object capacity */
	unsigned int stride;   /* bytes per slot (set by kmalloc_init) */
	unsigned int per_page; /* slots per slab page (kmalloc_init) */
	/* Protected by lock, with the slab_* fields of the class's pages. */
	uint32_t partial; /* pages with free and used slots (frame list) */
	uint32_t empty;   /* one cached page with no objects, or NONE */
	struct kmalloc_stats stats;
};

#define SIZE_CLASS(n)                                             \
	{                                                         \
		.lock = SPINLOCK_INIT("kmalloc-" #n), .size = (n) \
	}

static struct size_class classes[] = {
	SIZE_CLASS(16),  SIZE_CLASS(32),  SIZE_CLASS(64),   SIZE_CLASS(128),
	SIZE_CLASS(256), SIZE_CLASS(512), SIZE_CLASS(1024), SIZE_CLASS(2048),
};

static struct spinlock large_lock = SPINLOCK_INIT("kmalloc-large");
static struct kmalloc_stats large_stats; /* large_lock */

/* Set by kmalloc_init, read-only after. */
static bool heap_ready;
static bool heap_debug;

/* ---- reports --------------------------------------------------------- */

/* "function+0xoff" for a code address, or what if there is none. */
static const char *symbolize(char *buf, size_t size, uintptr_t addr,
			     const char *what)
{
	uint64_t off;
	const char *name;

	if (!addr)
		return what;
	name = ksym_lookup(addr, &off, NULL);
	if (name)
		ksnprintf(buf, size, "%s+0x%lx", name, off);
	else
		ksnprintf(buf, size, "%#lx", addr);
	return buf;
}

static __noreturn void report_double_free(void *p, struct heap_header *h)
{
	char at[64], freed[64];

	panic("kfree: double free of %p (size %lu, allocated at %s, freed "
	      "at %s)",
	      p, h->size, symbolize(at, sizeof(at), h->alloc_caller, "?"),
	      symbolize(freed, sizeof(freed), h->free_caller, "?"));
}

static __noreturn void report_overrun(void *p, struct heap_header *h,
				      size_t offset, uint8_t value)
{
	char at[64];

	panic("kfree: buffer overrun after %p (size %lu): byte %lu is %#x, "
	      "not the red zone's %#x; allocated at %s",
	      p, h->size, offset, value, REDZONE_BYTE,
	      symbolize(at, sizeof(at), h->alloc_caller, "?"));
}

static __noreturn void report_use_after_free(void *p, struct heap_header *h,
					     size_t offset)
{
	char freed[64];

	panic("kmalloc: use after free: object %p written at offset %lu "
	      "after it was freed at %s",
	      p, offset,
	      symbolize(freed, sizeof(freed), h->free_caller,
			"(never allocated)"));
}

static __noreturn void report_bad_pointer(const void *p, uintptr_t caller,
					  const char *why)
{
	char at[64];

	panic("kfree: bad pointer %p from %s: %s", p,
	      symbolize(at, sizeof(at), caller, "?"), why);
}

/* Offset of the first byte of [p, p+n) that is not byte, or -1. Words at
 * a time in the middle: this runs on every debug kmalloc and kfree. */
static long find_not(const void *p, size_t n, uint8_t byte)
{
	const uint8_t *b = p;
	uint64_t word = byte * 0x0101010101010101UL;
	size_t i = 0;

	for (; i < n && !IS_ALIGNED((uintptr_t)(b + i), 8); i++)
		if (b[i] != byte)
			return i;
	for (; i + 8 <= n && *(const uint64_t *)(b + i) == word; i += 8)
		;
	for (; i < n; i++)
		if (b[i] != byte)
			return i;
	return -1;
}

/* ---- debug checks (heap_debug only) ---------------------------------- */

/* Hand out the debug object p of capacity cap: its poison must be intact
 * since it was freed; then record the request and lay the red zone. */
static void debug_hand_out(void *p, struct heap_header *h, size_t cap,
			   size_t size, uintptr_t caller)
{
	long bad = find_not(p, cap + REDZONE_SIZE, POISON_BYTE);

	if (bad >= 0)
		report_use_after_free(p, h, bad);
	h->magic = HEAP_MAGIC_LIVE;
	h->size = size;
	h->alloc_caller = caller;
	memset((char *)p + size, REDZONE_BYTE, cap + REDZONE_SIZE - size);
}

/* Check the debug object p before it is freed: a live header and an
 * untouched red zone. */
static void debug_check_live(void *p, struct heap_header *h, size_t cap,
			     uintptr_t caller)
{
	long bad;

	if (h->magic == HEAP_MAGIC_FREE)
		report_double_free(p, h);
	if (h->magic != HEAP_MAGIC_LIVE || h->size > cap)
		report_bad_pointer(p, caller, "no live object header there");
	bad = find_not((char *)p + h->size, cap + REDZONE_SIZE - h->size,
		       REDZONE_BYTE);
	if (bad >= 0)
		report_overrun(p, h, h->size + bad,
			       ((uint8_t *)p)[h->size + bad]);
}

/* ---- slab pages (caller holds the class lock) ------------------------ */

static char *page_of(struct frame *f)
{
	return phys_to_virt((physaddr_t)frame_index(f) << PAGE_SHIFT);
}

/* Bytes in front of each object: its header, when debugging. */
static size_t header_size(void)
{
	return heap_debug ? sizeof(struct heap_header) : 0;
}

/* A new slab page with every slot free (and poisoned, when debugging). */
static struct frame *slab_new(struct size_class *c)
{
	physaddr_t pa = frame_alloc();
	struct frame *f;
	char *page;

	if (!pa)
		return NULL;
	f = frame_of(pa);
	f->owner = FRAME_OWNER_SLAB;
	f->slab_class = c - classes;
	f->slab_in_use = 0;
	f->slab_free = 0;
	page = phys_to_virt(pa);
	if (heap_debug)
		memset(page, POISON_BYTE, PAGE_SIZE);
	for (unsigned int i = 0; i < c->per_page; i++) {
		char *slot = page + i * c->stride;

		*(uint32_t *)slot = i + 1 < c->per_page ? (i + 1) * c->stride
							: SLAB_NONE;
		if (heap_debug) {
			struct heap_header *h = (struct heap_header *)slot;

			h->magic = HEAP_MAGIC_FREE;
			h->size = 0;
			h->alloc_caller = h->free_caller = 0;
		}
	}
	c->stats.slab_frames++;
	return f;
}

static void slab_release(struct size_class *c, struct frame *f)
{
	f->owner = FRAME_OWNER_NONE;
	frame_free((physaddr_t)frame_index(f) << PAGE_SHIFT);
	c->stats.slab_frames--;
}

/* A page with a free slot: the first partial one, else the cached empty
 * one, else a new one. */
static struct frame *slab_with_room(struct size_class *c)
{
	struct frame *f;

	if (c->partial != FRAME_NONE)
		return frame_at(c->partial);
	if (c->empty != FRAME_NONE) {
		f = frame_at(c->empty);
		c->empty = FRAME_NONE;
	} else {
		f = slab_new(c);
		if (!f)
			return NULL;
	}
	frame_list_push(&c->partial, f);
	return f;
}

static void *slab_take(struct size_class *c, struct frame *f)
{
	char *slot = page_of(f) + f->slab_free;
	uint32_t next = *(uint32_t *)slot;

	if (next != SLAB_NONE && (next >= PAGE_SIZE || next % c->stride))
		panic("kmalloc: free list of %s page %p corrupted at %p",
		      c->lock.name, page_of(f), slot);
	f->slab_free = next;
	if (++f->slab_in_use == c->per_page)
		frame_list_remove(&c->partial, f);
	return slot;
}

static void slab_put(struct size_class *c, struct frame *f, void *slot)
{
	*(uint32_t *)slot = f->slab_free;
	f->slab_free = (char *)slot - page_of(f);
	if (f->slab_in_use-- == c->per_page)
		frame_list_push(&c->partial, f);
	if (f->slab_in_use > 0)
		return;
	frame_list_remove(&c->partial, f);
	if (c->empty == FRAME_NONE)
		c->empty = frame_index(f);
	else
		slab_release(c, f);
}

static void *small_alloc(struct size_class *c, size_t size, uintptr_t caller)
{
	struct frame *f;
	void *p = NULL;

	spin_lock(&c->lock);
	f = slab_with_room(c);
	if (f) {
		void *slot = slab_take(c, f);

		p = (char *)slot + header_size();
		if (heap_debug)
			debug_hand_out(p, slot, c->size, size, caller);
		c->stats.allocs++;
		c->stats.bytes_in_use += heap_debug ? size : c->size;
	}
	spin_unlock(&c->lock);
	return p;
}

static void small_free(struct frame *f, void *p, uintptr_t caller)
{
	struct size_class *c = &classes[f->slab_class];
	char *slot = (char *)p - header_size();
	size_t offset = slot - page_of(f);
	struct heap_header *h = (struct heap_header *)slot;
	size_t size = c->size;

	if (offset % c->stride || offset / c->stride >= c->per_page)
		report_bad_pointer(p, caller, "not the start of an object");
	spin_lock(&c->lock);
	if (heap_debug) {
		debug_check_live(p, h, c->size, caller);
		size = h->size;
		memset(p, POISON_BYTE, c->size + REDZONE_SIZE);
		h->magic = HEAP_MAGIC_FREE;
		h->free_caller = caller;
	}
	if (f->slab_in_use == 0)
		report_bad_pointer(
			p, caller,
			"its page has no live objects (double free?)");
	slab_put(c, f, slot);
	c->stats.frees++;
	c->stats.bytes_in_use -= size;
	spin_unlock(&c->lock);
}

/* ---- large objects: whole blocks of frames --------------------------- */

/* The smallest order whose block holds bytes. */
static unsigned int order_for(size_t bytes)
{
	unsigned int order = 0;

	while (((size_t)PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

/* With debugging, a large object's header sits at the end of its block
 * (the object itself must start on a page), after the red zone. */
static struct heap_header *large_header(void *p, unsigned int order)
{
	return (struct heap_header *)((char *)p + ((size_t)PAGE_SIZE << order) -
				      sizeof(struct heap_header));
}

static size_t large_capacity(unsigned int order)
{
	return ((size_t)PAGE_SIZE << order) - header_size() - REDZONE_SIZE;
}

static void *large_alloc(size_t size, uintptr_t caller)
{
	unsigned int order;
	physaddr_t pa;
	void *p;

	if (size > ((size_t)PAGE_SIZE << FRAME_MAX_ORDER))
		return NULL;
	order = order_for(heap_debug ? size + REDZONE_SIZE + header_size()
				     : size);
	if (order > FRAME_MAX_ORDER || !(pa = frames_alloc(order)))
		return NULL;
	frame_of(pa)->owner = FRAME_OWNER_HEAP;
	p = phys_to_virt(pa);
	if (heap_debug) {
		struct heap_header *h = large_header(p, order);

		h->magic = HEAP_MAGIC_LIVE;
		h->size = size;
		h->alloc_caller = caller;
		h->free_caller = 0;
		memset((char *)p + size, REDZONE_BYTE,
		       large_capacity(order) + REDZONE_SIZE - size);
	}
	spin_lock(&large_lock);
	large_stats.allocs++;
	large_stats.bytes_in_use += heap_debug ? size
					       : (size_t)PAGE_SIZE << order;
	spin_unlock(&large_lock);
	return p;
}

/* The block goes straight back to the buddy allocator, so a second kfree
 * finds no owner and reports a bad pointer. */
static void large_free(struct frame *f, void *p, uintptr_t caller)
{
	unsigned int order = f->order;
	size_t size = (size_t)PAGE_SIZE << order;

	if (!IS_ALIGNED((uintptr_t)p, PAGE_SIZE))
		report_bad_pointer(p, caller, "inside a large object");
	if (heap_debug) {
		struct heap_header *h = large_header(p, order);

		debug_check_live(p, h, large_capacity(order), caller);
		size = h->size;
	}
	f->owner = FRAME_OWNER_NONE;
	frames_free(virt_to_phys(p), order);
	spin_lock(&large_lock);
	large_stats.frees++;
	large_stats.bytes_in_use -= size;
	spin_unlock(&large_lock);
}

/* ---- the interface --------------------------------------------------- */

static void *heap_alloc(size_t size, uintptr_t caller)
{
	assert(heap_ready);
	for (unsigned int i = 0; i < ARRAY_SIZE(classes); i++)
		if (size <= classes[i].size)
			return small_alloc(&classes[i], size, caller);
	return large_alloc(size, caller);
}

size_t kmalloc_footprint(size_t size)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(classes); i++)
		if (size <= classes[i].size)
			return classes[i].stride;
	return (size_t)PAGE_SIZE << order_for(
		       heap_debug ? size + REDZONE_SIZE + header_size() : size);
}

void *kmalloc(size_t size)
{
	return heap_alloc(size, (uintptr_t)__builtin_return_address(0));
}

void *kzalloc(size_t size)
{
	void *p = heap_alloc(size, (uintptr_t)__builtin_return_address(0));

	if (p)
		memset(p, 0, size);
	return p;
}

/* The frame entry of the kmalloc page p is in; panics if there is none. */
static struct frame *owner_frame(const void *p, uintptr_t caller)
{
	uintptr_t a = (uintptr_t)p;
	struct frame *f = NULL;

	if (a >= DIRECT_MAP_BASE && a < MMIO_BASE)
		f = frame_of(a - DIRECT_MAP_BASE);
	if (!f || f->owner == FRAME_OWNER_NONE)
		report_bad_pointer(p, caller,
				   "not in a kmalloc page (a wild pointer, or "
				   "a large object freed before)");
	return f;
}

void kfree(void *p)
{
	uintptr_t caller = (uintptr_t)__builtin_return_address(0);
	struct frame *f;

	if (!p)
		return;
	f = owner_frame(p, caller);
	if (f->owner == FRAME_OWNER_SLAB)
		small_free(f, p, caller);
	else
		large_free(f, p, caller);
}

void kmalloc_trim(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(classes); i++) {
		struct size_class *c = &classes[i];

		spin_lock(&c->lock);
		if (c->empty != FRAME_NONE) {
			slab_release(c, frame_at(c->empty));
			c->empty = FRAME_NONE;
		}
		spin_unlock(&c->lock);
	}
}

static void stats_add(struct kmalloc_stats *sum, const struct kmalloc_stats *s)
{
	sum->allocs += s->allocs;
	sum->frees += s->frees;
	sum->bytes_in_use += s->bytes_in_use;
	sum->slab_frames += s->slab_frames;
}

void kmalloc_get_stats(struct kmalloc_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (unsigned int i = 0; i < ARRAY_SIZE(classes); i++) {
		spin_lock(&classes[i].lock);
		stats_add(st, &classes[i].stats);
		st->empty_frames += classes[i].empty != FRAME_NONE;
		spin_unlock(&classes[i].lock);
	}
	spin_lock(&large_lock);
	stats_add(st, &large_stats);
	spin_unlock(&large_lock);
}

void kmalloc_init(void)
{
	char value[8];

	heap_debug = !(cmdline_option("heapdebug", value, sizeof(value)) == 0 &&
		       strcmp(value, "0") == 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(classes); i++) {
		struct size_class *c = &classes[i];

		c->stride = heap_debug ? ALIGN_UP(header_size() + c->size +
							  REDZONE_SIZE,
						  HEAP_ALIGN)
				       : c->size;
		c->per_page = PAGE_SIZE / c->stride;
		c->partial = c->empty = FRAME_NONE;
	}
	heap_ready = true;
	kprintf("kmalloc: %u size classes up to %u bytes, heap debugging "
		"%s\n",
		(unsigned int)ARRAY_SIZE(classes),
		classes[ARRAY_SIZE(classes) - 1].size,
		heap_debug ? "on (heapdebug=0 turns it off)" : "off");
}
