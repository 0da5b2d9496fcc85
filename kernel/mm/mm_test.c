/*
 * Tests of the memory managers, suite mm (ktest=mm runs all but the
 * crash tests; see kernel/lib/ktest.h). The frame tests take every free
 * frame and give it back, checking that the buddy allocator ends exactly
 * where it started; the heap tests do the same for kmalloc after a
 * million random operations; the page-table tests map a frame at
 * TEST_VA and watch the hardware obey. The crash tests each end in a
 * panic report the grader checks (ktest=mm.heap_double_free ...).
 * docs/memory.md lists them.
 */
#include "arch/x86_64/arch.h"
#include "lib/ktest.h"
#include "mm/mm.h"

/* A page no one else maps: the last 2 MiB of the MMIO window, which
 * vm_map_mmio would reach only after 256 GiB of device mappings. */
#define TEST_VA (MMIO_BASE + MMIO_SIZE - LARGE_PAGE_SIZE)

#define STRESS_OPS 1000000
#define STRESS_SLOTS 4096
#define PATTERN 0x5a3c96e1f00fd2b4UL

static bool frame_stats_equal(const struct frame_stats *a,
			      const struct frame_stats *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* ---- frames ---------------------------------------------------------- */

/* Allocate every free frame, chaining them through their own first
 * words; returns the chain and the count in *n. */
static physaddr_t take_all_frames(uint64_t *n)
{
	physaddr_t head = 0, pa;

	*n = 0;
	while ((pa = frame_alloc()) != 0) {
		*(physaddr_t *)phys_to_virt(pa) = head;
		head = pa;
		(*n)++;
	}
	return head;
}

static void free_frame_chain(physaddr_t head)
{
	while (head) {
		physaddr_t next = *(physaddr_t *)phys_to_virt(head);

		frame_free(head);
		head = next;
	}
}

KTEST(mm, frames_all)
{
	struct frame_stats before, empty, after;
	uint64_t n;
	physaddr_t chain, extra;

	frames_get_stats(&before);
	chain = take_all_frames(&n);
	frames_get_stats(&empty);
	extra = frames_alloc(0);
	free_frame_chain(chain);
	frames_get_stats(&after);
	kprintf("mm.frames_all: %lu frames (%lu MiB) taken and freed\n", n,
		n >> (20 - PAGE_SHIFT));
	KT_ASSERT_EQ(n, before.free);
	KT_ASSERT_EQ(empty.free, 0);
	KT_ASSERT_EQ(extra, 0);
	KT_ASSERT_EQ(after.free, before.free);
	for (unsigned int o = 0; o <= FRAME_MAX_ORDER; o++)
		KT_ASSERT_EQ(after.free_blocks[o], before.free_blocks[o]);
	KT_ASSERT(frame_stats_equal(&before, &after), "stats differ");
}

/* The value written into word w of the frame at pa. */
static uint64_t frame_word(physaddr_t pa, unsigned int w)
{
	return PATTERN ^ pa ^ w;
}

static void fill_frames(physaddr_t pa, unsigned int order)
{
	for (uint64_t i = 0; i < 1UL << order; i++) {
		physaddr_t f = pa + i * PAGE_SIZE;
		uint64_t *w = phys_to_virt(f);

		w[0] = frame_word(f, 0);
		w[PAGE_SIZE / 8 - 1] = frame_word(f, PAGE_SIZE / 8 - 1);
	}
}

static bool frames_intact(physaddr_t pa, unsigned int order)
{
	for (uint64_t i = 0; i < 1UL << order; i++) {
		physaddr_t f = pa + i * PAGE_SIZE;
		uint64_t *w = phys_to_virt(f);

		if (w[0] != frame_word(f, 0) ||
		    w[PAGE_SIZE / 8 - 1] != frame_word(f, PAGE_SIZE / 8 - 1))
			return false;
	}
	return true;
}

KTEST(mm, frames_contig)
{
	struct frame_stats before, after;
	physaddr_t blocks[FRAME_MAX_ORDER + 1];
	unsigned int o, bad_align = 0, bad_data = 0, missing = 0;

	frames_get_stats(&before);
	for (o = 0; o <= FRAME_MAX_ORDER; o++) {
		blocks[o] = frames_alloc(o);
		if (!blocks[o])
			missing++;
		else if (!IS_ALIGNED(blocks[o], (physaddr_t)PAGE_SIZE << o))
			bad_align++;
		else
			fill_frames(blocks[o], o);
	}
	for (o = 0; o <= FRAME_MAX_ORDER; o++)
		if (blocks[o] && !frames_intact(blocks[o], o))
			bad_data++;
	for (o = 0; o <= FRAME_MAX_ORDER; o++)
		if (blocks[o])
			frames_free(blocks[o], o);
	frames_get_stats(&after);
	KT_ASSERT_EQ(missing, 0);
	KT_ASSERT_EQ(bad_align, 0);
	KT_ASSERT_EQ(bad_data, 0);
	KT_ASSERT(frame_stats_equal(&before, &after), "stats differ");
}

/* ---- heap ------------------------------------------------------------ */

static bool all_bytes(const void *p, size_t n, uint8_t byte)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != byte)
			return false;
	return true;
}

static size_t heap_alignment(size_t size)
{
	return size >= PAGE_SIZE ? PAGE_SIZE : 16;
}

/* Every size from 1 to 8192, one at a time. */
static unsigned int heap_each_size(void)
{
	unsigned int bad = 0;

	for (size_t size = 1; size <= 8192; size++) {
		uint8_t *p = kmalloc(size);

		if (!p || !IS_ALIGNED((uintptr_t)p, heap_alignment(size))) {
			bad++;
			kfree(p);
			continue;
		}
		memset(p, size & 0xff, size);
		if (!all_bytes(p, size, size & 0xff))
			bad++;
		kfree(p);
	}
	return bad;
}

static const size_t odd_sizes[] = { 1,    3,    7,    15,   17,   31,
				    33,   100,  127,  129,  255,  257,
				    999,  1023, 1025, 2047, 2049, 3001,
				    4095, 4097, 5000, 8191, 12289 };

/* The empty slab pages /proc/meminfo reports as SReclaimable: one per
 * size class at most, each counted in slab_frames, none after a trim. */
KTEST(mm, heap_empty_pages)
{
	struct kmalloc_stats st;
	void *p;

	kmalloc_trim();
	kmalloc_get_stats(&st);
	KT_ASSERT_EQ(st.empty_frames, 0);
	/* An object allocated and freed: its class may keep its page. */
	p = kmalloc(2048);
	KT_ASSERT(p, "kmalloc(2048) failed");
	kfree(p);
	kmalloc_get_stats(&st);
	KT_ASSERT(st.empty_frames <= 8 && st.empty_frames <= st.slab_frames,
		  "%lu empty pages of %lu", st.empty_frames, st.slab_frames);
	kmalloc_trim();
	kmalloc_get_stats(&st);
	KT_ASSERT_EQ(st.empty_frames, 0);
}

KTEST(mm, heap_basic)
{
	struct kmalloc_stats before, live, after;
	struct frame_stats fbefore, fafter;
	uint8_t *p[ARRAY_SIZE(odd_sizes)];
	uint64_t sum = 0;
	unsigned int i, bad = 0;

	kmalloc_trim();
	kmalloc_get_stats(&before);
	frames_get_stats(&fbefore);
	KT_ASSERT_EQ(heap_each_size(), 0);
	for (i = 0; i < ARRAY_SIZE(odd_sizes); i++) {
		p[i] = kmalloc(odd_sizes[i]);
		KT_ASSERT(p[i], "kmalloc(%lu) failed", odd_sizes[i]);
		memset(p[i], i + 1, odd_sizes[i]);
		sum += odd_sizes[i];
	}
	kmalloc_get_stats(&live);
	for (i = 0; i < ARRAY_SIZE(odd_sizes); i++) {
		if (!all_bytes(p[i], odd_sizes[i], i + 1))
			bad++;
		kfree(p[i]);
	}
	KT_ASSERT_EQ(bad, 0);
	KT_ASSERT(live.bytes_in_use - before.bytes_in_use >= sum,
		  "bytes_in_use grew by %lu for %lu bytes",
		  live.bytes_in_use - before.bytes_in_use, sum);

	/* kzalloc must clear what the last user of the slot left. */
	for (i = 0; i < ARRAY_SIZE(odd_sizes); i++) {
		uint8_t *q = kmalloc(odd_sizes[i]);

		memset(q, 0xff, odd_sizes[i]);
		kfree(q);
		q = kzalloc(odd_sizes[i]);
		KT_ASSERT(q && all_bytes(q, odd_sizes[i], 0),
			  "kzalloc(%lu) not zeroed", odd_sizes[i]);
		kfree(q);
	}
	kfree(NULL);
	KT_ASSERT(kmalloc((PAGE_SIZE << FRAME_MAX_ORDER) + 1) == NULL,
		  "kmalloc larger than 4 MiB succeeded");

	kmalloc_trim();
	kmalloc_get_stats(&after);
	frames_get_stats(&fafter);
	KT_ASSERT_EQ(after.allocs - before.allocs,
		     8192 + 3 * ARRAY_SIZE(odd_sizes));
	KT_ASSERT_EQ(after.frees - before.frees,
		     8192 + 3 * ARRAY_SIZE(odd_sizes));
	KT_ASSERT_EQ(after.bytes_in_use, before.bytes_in_use);
	KT_ASSERT_EQ(after.slab_frames, before.slab_frames);
	KT_ASSERT(frame_stats_equal(&fbefore, &fafter), "frame stats differ");
}

struct stress_slot {
	uint8_t *p;
	size_t size;
};

static struct stress_slot stress[STRESS_SLOTS];

static uint64_t xorshift64(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

/* Mostly small objects, as a kernel asks for them; now and then a few
 * pages. */
static size_t stress_size(uint64_t r)
{
	unsigned int pick = r % 1000;

	r /= 1000;
	if (pick < 700)
		return 1 + r % 128;
	if (pick < 950)
		return 129 + r % 896;
	if (pick < 995)
		return 1025 + r % 3072;
	return 4097 + r % (3 * PAGE_SIZE);
}

static uint8_t stress_byte(unsigned int slot, size_t size)
{
	return (slot * 37 + size) | 1;
}

/* Does slot s hold its pattern? Whole words at a time: this runs a
 * million times. */
static bool stress_intact(unsigned int s)
{
	uint8_t b = stress_byte(s, stress[s].size);
	uint64_t word = b * 0x0101010101010101UL;
	const uint8_t *p = stress[s].p;
	size_t i = 0, n = stress[s].size;

	for (; i + 8 <= n; i += 8)
		if (*(const uint64_t *)(p + i) != word)
			return false;
	return all_bytes(p + i, n - i, b);
}

/* One operation on a random slot: free what is there, or fill it. */
static bool stress_step(uint64_t *rng, unsigned int *bad)
{
	uint64_t r = xorshift64(rng);
	unsigned int s = r % STRESS_SLOTS;
	struct stress_slot *slot = &stress[s];

	if (slot->p) {
		if (!stress_intact(s))
			(*bad)++;
		kfree(slot->p);
		slot->p = NULL;
		return true;
	}
	slot->size = stress_size(r / STRESS_SLOTS);
	slot->p = kmalloc(slot->size);
	if (!slot->p)
		return false;
	memset(slot->p, stress_byte(s, slot->size), slot->size);
	return true;
}

KTEST(mm, heap_stress)
{
	struct kmalloc_stats before, after;
	struct frame_stats fbefore, fafter;
	uint64_t rng = 0x2545f4914f6cdd1dUL, start = time_ns();
	unsigned int bad = 0, failed = 0;

	kmalloc_trim();
	kmalloc_get_stats(&before);
	frames_get_stats(&fbefore);
	for (unsigned long op = 0; op < STRESS_OPS; op++)
		if (!stress_step(&rng, &bad))
			failed++;
	for (unsigned int s = 0; s < STRESS_SLOTS; s++) {
		if (stress[s].p && !stress_intact(s))
			bad++;
		kfree(stress[s].p);
		stress[s].p = NULL;
	}
	kmalloc_trim();
	kmalloc_get_stats(&after);
	frames_get_stats(&fafter);
	kprintf("mm.heap_stress: %u operations in %lu ms\n", STRESS_OPS,
		(time_ns() - start) / 1000000);
	KT_ASSERT_EQ(failed, 0);
	KT_ASSERT_EQ(bad, 0);
	KT_ASSERT_EQ(after.allocs - before.allocs, after.frees - before.frees);
	KT_ASSERT_EQ(after.bytes_in_use, before.bytes_in_use);
	KT_ASSERT_EQ(after.slab_frames, before.slab_frames);
	KT_ASSERT_EQ(fafter.free, fbefore.free);
	KT_ASSERT(frame_stats_equal(&fbefore, &fafter), "frame stats differ");
}

/* Two objects of size in the same slab page: a is freed in the crash
 * tests, b keeps the page from going back to the frame allocator. */
static void *object_with_neighbour(size_t size)
{
	uint8_t *a = kmalloc(size), *b = kmalloc(size);

	while (ALIGN_DOWN((uintptr_t)a, PAGE_SIZE) !=
	       ALIGN_DOWN((uintptr_t)b, PAGE_SIZE)) {
		a = b;
		b = kmalloc(size);
	}
	return a;
}

KTEST_CRASH(mm, heap_use_after_free)
{
	uint8_t *p = object_with_neighbour(100);

	kfree(p);
	p[42] = 0x42;
	kprintf("wrote to %p after kfree; allocating until it comes back\n", p);
	for (int i = 0; i < 100000; i++)
		if (kmalloc(100) == p)
			break;
}

KTEST_CRASH(mm, heap_double_free)
{
	void *p = object_with_neighbour(64);

	kfree(p);
	kprintf("freeing %p a second time\n", p);
	kfree(p);
	kprintf("kfree returned: the double free went unnoticed\n");
}

KTEST_CRASH(mm, heap_overrun)
{
	uint8_t *p = kmalloc(24);

	p[24] = 'x';
	kprintf("wrote one byte past the 24 bytes at %p; freeing it\n", p);
	kfree(p);
	kprintf("kfree returned: the overrun went unnoticed\n");
}

KTEST_CRASH(mm, heap_bad_pointer)
{
	uint8_t *p = kmalloc(PAGE_SIZE);

	kprintf("freeing %p, inside the large object at %p\n", p + 64, p);
	kfree(p + 64);
	kprintf("kfree returned: the bad pointer went unnoticed\n");
}

/* ---- page tables ----------------------------------------------------- */

static const uint64_t rodata_word = PATTERN;
static uint64_t data_word = PATTERN;

KTEST(mm, vm_map_walk)
{
	physaddr_t pa = frame_alloc(), got;
	volatile uint64_t *v = (volatile uint64_t *)TEST_VA;
	uint64_t x = PATTERN, y = 0;
	unsigned int prot;

	KT_ASSERT(pa, "no frame");
	KT_ASSERT_EQ(vm_walk(&kernel_space, TEST_VA, NULL, NULL), -ENOENT);
	KT_ASSERT_EQ(vm_map(&kernel_space, TEST_VA + 1, pa, PAGE_SIZE,
			    VM_WRITE),
		     -EINVAL);
	KT_ASSERT_EQ(vm_map(&kernel_space, TEST_VA, pa, PAGE_SIZE, VM_WRITE),
		     0);
	*v = x;
	KT_ASSERT_EQ(*(uint64_t *)phys_to_virt(pa), x);
	KT_ASSERT_EQ(vm_walk(&kernel_space, TEST_VA + 8, &got, &prot), 0);
	KT_ASSERT_EQ(got, pa + 8);
	KT_ASSERT_EQ(prot, VM_WRITE);
	KT_ASSERT_EQ(vm_map(&kernel_space, TEST_VA, pa, PAGE_SIZE, 0), -EEXIST);

	KT_ASSERT_EQ(vm_protect(&kernel_space, TEST_VA, PAGE_SIZE, 0), 0);
	KT_ASSERT_EQ(vm_walk(&kernel_space, TEST_VA, NULL, &prot), 0);
	KT_ASSERT_EQ(prot, 0);
	KT_ASSERT_EQ(copy_nofault((void *)TEST_VA, &x, 8), -EFAULT);
	KT_ASSERT_EQ(copy_nofault(&y, (void *)TEST_VA, 8), 0);
	KT_ASSERT_EQ(y, x);

	KT_ASSERT_EQ(vm_unmap(&kernel_space, TEST_VA, PAGE_SIZE), 0);
	KT_ASSERT_EQ(vm_walk(&kernel_space, TEST_VA, NULL, NULL), -ENOENT);
	KT_ASSERT_EQ(copy_nofault(&y, (void *)TEST_VA, 8), -EFAULT);
	KT_ASSERT_EQ(vm_protect(&kernel_space, TEST_VA, PAGE_SIZE, 0), -ENOENT);
	frame_free(pa);

	/* W^X in the kernel image: text is not writable, data not
	 * executable. */
	data_word++; /* written, so it stays in .data */
	KT_ASSERT_EQ(vm_walk(&kernel_space, (uintptr_t)vm_walk, NULL, &prot),
		     0);
	KT_ASSERT_EQ(prot, VM_EXEC);
	KT_ASSERT_EQ(vm_walk(&kernel_space, (uintptr_t)&data_word, NULL, &prot),
		     0);
	KT_ASSERT_EQ(prot, VM_WRITE);
}

KTEST(mm, vm_kernel_image)
{
	extern char boot_stack_guard[];
	unsigned int prot;

	KT_ASSERT_EQ(vm_walk(&kernel_space, (uintptr_t)&rodata_word, NULL,
			     &prot),
		     0);
	KT_ASSERT_EQ(prot, 0);
	KT_ASSERT_EQ(vm_walk(&kernel_space, (uintptr_t)boot_stack_guard, NULL,
			     NULL),
		     -ENOENT);
	KT_ASSERT_EQ(vm_walk(&kernel_space, 0x100000, NULL, NULL), -ENOENT);
}

/* The direct map uses 2 MiB pages; protecting one 4 KiB page inside one
 * must split it and leave its neighbours alone. */
KTEST(mm, vm_direct_map)
{
	physaddr_t pa = frames_alloc(FRAME_MAX_ORDER), got;
	uintptr_t va = (uintptr_t)phys_to_virt(pa) + LARGE_PAGE_SIZE / 2;
	uint64_t x = PATTERN;
	unsigned int prot;

	KT_ASSERT(pa, "no 4 MiB block");
	KT_ASSERT_EQ(vm_walk(&kernel_space, va + 0x123, &got, &prot), 0);
	KT_ASSERT_EQ(got, virt_to_phys((void *)va) + 0x123);
	KT_ASSERT_EQ(prot, VM_WRITE);
	KT_ASSERT_EQ(vm_protect(&kernel_space, va, PAGE_SIZE, 0), 0);
	KT_ASSERT_EQ(copy_nofault((void *)va, &x, 8), -EFAULT);
	KT_ASSERT_EQ(copy_nofault((void *)(va + PAGE_SIZE), &x, 8), 0);
	KT_ASSERT_EQ(copy_nofault((void *)(va - 8), &x, 8), 0);
	KT_ASSERT_EQ(vm_protect(&kernel_space, va, PAGE_SIZE, VM_WRITE), 0);
	KT_ASSERT_EQ(copy_nofault((void *)va, &x, 8), 0);
	frames_free(pa, FRAME_MAX_ORDER);
}

KTEST(mm, vm_mmio)
{
	physaddr_t pa = 0xfee00000; /* the local APIC (SDM vol. 3A, 11.4.1) */
	uint8_t *a = vm_map_mmio(pa + 0x20, 4);
	uint8_t *b = vm_map_mmio(pa + 0x30, 4);
	physaddr_t got;
	unsigned int prot;

	KT_ASSERT(a && b, "vm_map_mmio failed");
	KT_ASSERT_EQ(b - a, 0x10);
	KT_ASSERT((uintptr_t)a >= MMIO_BASE, "%p not in the MMIO window", a);
	KT_ASSERT_EQ(vm_walk(&kernel_space, (uintptr_t)a, &got, &prot), 0);
	KT_ASSERT_EQ(got, pa + 0x20);
	KT_ASSERT_EQ(prot, VM_WRITE | VM_NOCACHE);
}

KTEST_CRASH(mm, vm_fault_after_unmap)
{
	physaddr_t pa = frame_alloc();
	volatile uint64_t *v = (volatile uint64_t *)TEST_VA;

	vm_map(&kernel_space, TEST_VA, pa, PAGE_SIZE, VM_WRITE);
	*v = PATTERN;
	vm_unmap(&kernel_space, TEST_VA, PAGE_SIZE);
	kprintf("reading %p after vm_unmap\n", (void *)v);
	kprintf("read %lx: the mapping is still there\n", *v);
}
