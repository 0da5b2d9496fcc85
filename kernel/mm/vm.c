/*
 * Page tables: the kernel's address space and the calls that change any
 * address space (map, unmap, protect, walk).
 *
 * x86-64 translates a virtual address through four tables of 512 entries
 * (PML4 -> PDPT -> PD -> PT), nine address bits per level, twelve for the
 * offset in a 4 KiB page; a PD entry with the PS bit maps a whole 2 MiB
 * page instead of pointing at a PT (Intel SDM vol. 3A, 4.5). vm_init
 * builds kernel_space: all physical memory at DIRECT_MAP_BASE, mostly
 * with 2 MiB pages, and the kernel image at KERNEL_VMA with 4 KiB pages
 * and W^X permissions. Every PML4 entry of the upper half gets its PDPT
 * now, so an address space made later shares the kernel by copying those
 * 256 entries, and a kernel mapping made later shows up in all of them.
 * docs/memory.md has the picture.
 */
#include "arch/x86_64/arch.h"
#include "mm/frame_internal.h"

/* Page-table entry bits (Intel SDM vol. 3A, 4.5, tables 4-15 to 4-20). */
#define PTE_PRESENT (1UL << 0)
#define PTE_WRITE (1UL << 1)
#define PTE_USER (1UL << 2)
#define PTE_PWT (1UL << 3)            /* page-level write-through */
#define PTE_PCD (1UL << 4)            /* page-level cache disable */
#define PTE_ACCESSED (1UL << 5)       /* set by the CPU on any access */
#define PTE_DIRTY (1UL << 6)          /* set by the CPU on a write */
#define PTE_LARGE (1UL << 7)          /* PS: this PD entry maps a 2 MiB page */
#define PTE_GLOBAL (1UL << 8)         /* survives CR3 loads (CR4.PGE is on) */
#define PTE_NX (1UL << 63)            /* execute-disable (EFER.NXE is on) */
#define PTE_ADDR 0x000ffffffffff000UL /* table or 4 KiB page */
#define PTE_LARGE_ADDR 0x000fffffffe00000UL /* 2 MiB page (bit 12 = PAT) */
#define PHYS_LIMIT (1UL << 52) /* architectural MAXPHYADDR (4.1.4) */

#define PT_ENTRIES 512
#define PT_INDEX_BITS 9
#define PML4_SHIFT 39 /* a PML4 entry covers 512 GiB */
#define PD_SHIFT 21   /* a PD entry covers 2 MiB */
#define PT_SHIFT 12   /* a PT entry covers 4 KiB */

/* Canonical halves: user space below USER_END, the kernel from
 * KERNEL_HALF up (PML4 entries 256..511). */
#define USER_END 0x0000800000000000UL
#define KERNEL_HALF 0xffff800000000000UL
#define PML4_KERNEL_FIRST 256

#define VM_PROT_ALL (VM_WRITE | VM_EXEC | VM_USER | VM_NOCACHE)

/* Bytes below 1 MiB: the BIOS area, VGA memory and the AP trampoline are
 * direct-mapped even where the memory map does not list them. */
#define LOW_MEMORY_END 0x100000

extern char _kernel_etext[], _kernel_rodata[], _kernel_erodata[];
extern char _kernel_data[], _kernel_edata[], _kernel_end[];
extern char boot_stack_guard[];

struct vm_space kernel_space = { .lock = SPINLOCK_INIT("kernel_space") };

static struct spinlock mmio_lock = SPINLOCK_INIT("mmio");
static uintptr_t mmio_next = MMIO_BASE; /* first unused byte; mmio_lock */

static unsigned int pt_index(uintptr_t va, unsigned int shift)
{
	return (va >> shift) & (PT_ENTRIES - 1);
}

static uint64_t *table_of(uint64_t entry)
{
	return phys_to_virt(entry & PTE_ADDR);
}

/* The bits of a leaf entry for va with protection prot. Kernel pages are
 * global: they are the same in every address space. */
static uint64_t leaf_flags(uintptr_t va, unsigned int prot)
{
	uint64_t f = PTE_PRESENT;

	if (prot & VM_WRITE)
		f |= PTE_WRITE;
	if (!(prot & VM_EXEC))
		f |= PTE_NX;
	if (prot & VM_USER)
		f |= PTE_USER;
	else if (va >= KERNEL_HALF)
		f |= PTE_GLOBAL;
	if (prot & VM_NOCACHE)
		f |= PTE_PCD | PTE_PWT;
	return f;
}

static unsigned int prot_of(uint64_t entry)
{
	unsigned int prot = 0;

	if (entry & PTE_WRITE)
		prot |= VM_WRITE;
	if (!(entry & PTE_NX))
		prot |= VM_EXEC;
	if (entry & PTE_USER)
		prot |= VM_USER;
	if (entry & PTE_PCD)
		prot |= VM_NOCACHE;
	return prot;
}

/* Point the empty entry *e, on the way to va, at a new zeroed table.
 * Tables allow everything; the leaf entry decides. */
static int table_alloc(uint64_t *e, uintptr_t va)
{
	physaddr_t pa = frame_alloc();

	if (!pa)
		return -ENOMEM;
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	*e = pa | PTE_PRESENT | PTE_WRITE | (va < USER_END ? PTE_USER : 0);
	return 0;
}

/*
 * The entry for va in the table whose entries cover 1 << *shift bytes
 * (PT_SHIFT: 4 KiB pages, PD_SHIFT: 2 MiB pages), or the entry of a
 * large page met on the way, in which case *shift becomes its size.
 * Missing tables are allocated if alloc is set; otherwise, and if that
 * fails, the answer is NULL. Caller holds vs->lock.
 */
static uint64_t *entry_walk(struct vm_space *vs, uintptr_t va,
			    unsigned int *shift, bool alloc)
{
	uint64_t *table = phys_to_virt(vs->pml4);
	unsigned int s;

	for (s = PML4_SHIFT; s > *shift; s -= PT_INDEX_BITS) {
		uint64_t *e = &table[pt_index(va, s)];

		if (!(*e & PTE_PRESENT) && (!alloc || table_alloc(e, va) < 0))
			return NULL;
		if (*e & PTE_LARGE) {
			*shift = s;
			return e;
		}
		table = table_of(*e);
	}
	return &table[pt_index(va, s)];
}

/* The present leaf entry mapping va, with *shift its page size, or NULL.
 * Caller holds vs->lock. */
static uint64_t *leaf_lookup(struct vm_space *vs, uintptr_t va,
			     unsigned int *shift)
{
	uint64_t *e;

	*shift = PT_SHIFT;
	e = entry_walk(vs, va, shift, false);
	return e && (*e & PTE_PRESENT) ? e : NULL;
}

/* Map one page of 1 << shift bytes. Caller holds vs->lock. */
static int map_one(struct vm_space *vs, uintptr_t va, physaddr_t pa,
		   unsigned int shift, uint64_t flags)
{
	unsigned int at = shift;
	uint64_t *e = entry_walk(vs, va, &at, true);

	if (!e)
		return -ENOMEM;
	if (*e & PTE_PRESENT)
		return -EEXIST;
	*e = pa | flags | (shift == PD_SHIFT ? PTE_LARGE : 0);
	return 0;
}

/*
 * Replace the 2 MiB page *e (containing va) by a page table of 512 4 KiB
 * pages with the same frames and bits, so that part of it can change.
 * The translations stay the same; one invlpg drops the large TLB entry.
 * Kestrel makes no 1 GiB pages, so only PD entries are ever split.
 * Caller holds the lock of the address space.
 */
static int split_large(uint64_t *e, uintptr_t va)
{
	uint64_t flags = *e & ~(PTE_ADDR | PTE_LARGE);
	physaddr_t base = *e & PTE_LARGE_ADDR;
	physaddr_t pt = frame_alloc();
	uint64_t *t;

	if (!pt)
		return -ENOMEM;
	t = phys_to_virt(pt);
	for (unsigned int i = 0; i < PT_ENTRIES; i++)
		t[i] = (base + i * PAGE_SIZE) | flags;
	*e = pt | PTE_PRESENT | PTE_WRITE | (va < USER_END ? PTE_USER : 0);
	invlpg(ALIGN_DOWN(va, LARGE_PAGE_SIZE));
	return 0;
}

/*
 * First pass of unmap and protect: split each 2 MiB page that [va, end)
 * covers only in part, so the second pass changes whole pages only.
 * With must_exist, -ENOENT at the first page that is not mapped.
 * Splitting changes no translation, so a failure leaves nothing changed.
 * Caller holds vs->lock.
 */
static int prepare_range(struct vm_space *vs, uintptr_t va, uintptr_t end,
			 bool must_exist)
{
	while (va < end) {
		unsigned int shift;
		uint64_t *e = leaf_lookup(vs, va, &shift);
		uintptr_t size = 1UL << shift;

		if (!e) {
			if (must_exist)
				return -ENOENT;
			va += PAGE_SIZE;
		} else if (shift == PT_SHIFT ||
			   (IS_ALIGNED(va, size) && end - va >= size)) {
			va += size;
		} else {
			int err = split_large(e, va);

			if (err)
				return err;
		}
	}
	return 0;
}

/* Clear the mappings of [va, end) after prepare_range. Caller holds
 * vs->lock. */
static void unmap_range(struct vm_space *vs, uintptr_t va, uintptr_t end)
{
	while (va < end) {
		unsigned int shift;
		uint64_t *e = leaf_lookup(vs, va, &shift);

		if (!e) {
			va += PAGE_SIZE;
			continue;
		}
		*e = 0;
		invlpg(va);
		va += 1UL << shift;
	}
}

/* Set the protection of the pages of [va, end) after prepare_range
 * found them all mapped. Caller holds vs->lock. */
static void protect_range(struct vm_space *vs, uintptr_t va, uintptr_t end,
			  unsigned int prot)
{
	while (va < end) {
		unsigned int shift;
		uint64_t *e = leaf_lookup(vs, va, &shift);

		if (shift == PT_SHIFT)
			*e = (*e & PTE_ADDR) | leaf_flags(va, prot);
		else
			*e = (*e & PTE_LARGE_ADDR) | leaf_flags(va, prot) |
			     PTE_LARGE;
		invlpg(va);
		va += 1UL << shift;
	}
}

/* Is [va, va+len) a page-aligned, non-empty range inside one canonical
 * half of the address space? */
static bool range_ok(uintptr_t va, size_t len)
{
	uintptr_t end = va + len;

	if (!len || !IS_ALIGNED(va, PAGE_SIZE) || !IS_ALIGNED(len, PAGE_SIZE) ||
	    end < va)
		return false;
	if (va < USER_END)
		return end <= USER_END;
	return va >= KERNEL_HALF;
}

/* User pages live in the lower half only. */
static bool prot_ok(uintptr_t va, unsigned int prot)
{
	return !(prot & ~VM_PROT_ALL) && (va < USER_END || !(prot & VM_USER));
}

/* -EEXIST if any page of [va, end) is mapped. Caller holds vs->lock. */
static int check_unmapped(struct vm_space *vs, uintptr_t va, uintptr_t end)
{
	for (; va < end; va += PAGE_SIZE) {
		unsigned int shift;

		if (leaf_lookup(vs, va, &shift))
			return -EEXIST;
	}
	return 0;
}

int vm_map(struct vm_space *vs, uintptr_t va, physaddr_t pa, size_t len,
	   unsigned int prot)
{
	uint64_t flags = leaf_flags(va, prot);
	int err;

	if (!range_ok(va, len) || !IS_ALIGNED(pa, PAGE_SIZE) ||
	    pa >= PHYS_LIMIT || len > PHYS_LIMIT - pa || !prot_ok(va, prot))
		return -EINVAL;
	spin_lock(&vs->lock);
	err = check_unmapped(vs, va, va + len);
	for (size_t off = 0; !err && off < len; off += PAGE_SIZE) {
		err = map_one(vs, va + off, pa + off, PT_SHIFT, flags);
		if (err)
			unmap_range(vs, va, va + off);
	}
	spin_unlock(&vs->lock);
	return err;
}

/* The kernel half is shared by every address space, so any CPU may hold
 * translations of it: a change there is shot down on all of them. A user
 * space's changes are flushed by their owner (mm_tlb_flush in uvm.c),
 * which knows when a batch of changes is done. */
static void kernel_shootdown(struct vm_space *vs, uintptr_t va, uintptr_t end)
{
	if (vs == &kernel_space)
		tlb_shootdown(vs, va, end);
}

int vm_unmap(struct vm_space *vs, uintptr_t va, size_t len)
{
	int err;

	if (!range_ok(va, len))
		return -EINVAL;
	spin_lock(&vs->lock);
	err = prepare_range(vs, va, va + len, false);
	if (!err)
		unmap_range(vs, va, va + len);
	spin_unlock(&vs->lock);
	if (!err)
		kernel_shootdown(vs, va, va + len);
	return err;
}

int vm_protect(struct vm_space *vs, uintptr_t va, size_t len, unsigned int prot)
{
	int err;

	if (!range_ok(va, len) || !prot_ok(va, prot))
		return -EINVAL;
	spin_lock(&vs->lock);
	err = prepare_range(vs, va, va + len, true);
	if (!err)
		protect_range(vs, va, va + len, prot);
	spin_unlock(&vs->lock);
	if (!err)
		kernel_shootdown(vs, va, va + len);
	return err;
}

int vm_walk(struct vm_space *vs, uintptr_t va, physaddr_t *pa,
	    unsigned int *prot)
{
	unsigned int shift;
	uint64_t *e;

	if (va >= USER_END && va < KERNEL_HALF)
		return -ENOENT; /* not canonical: never mapped */
	spin_lock(&vs->lock);
	e = leaf_lookup(vs, va, &shift);
	if (e && pa)
		*pa = (*e & PTE_ADDR & ~((1UL << shift) - 1)) |
		      (va & ((1UL << shift) - 1));
	if (e && prot)
		*prot = prot_of(*e);
	spin_unlock(&vs->lock);
	return e ? 0 : -ENOENT;
}

/* ---- the user half (for uvm.c) ---------------------------------------- */

typedef int (*leaf_fn)(uint64_t *e, uintptr_t va, void *arg);

/*
 * Call fn for each present leaf entry of [start, end) in the user half,
 * going down from the PML4 for each page but stepping over a whole
 * missing table at once, so a sparse 1 GiB area costs a few steps. Stops
 * at the first error fn returns. Caller holds vs->lock.
 */
static int user_leaves(struct vm_space *vs, uintptr_t start, uintptr_t end,
		       leaf_fn fn, void *arg)
{
	uintptr_t va = start;

	assert(end <= USER_END);
	while (va < end) {
		uint64_t *table = phys_to_virt(vs->pml4), *e;
		unsigned int s;

		for (s = PML4_SHIFT; s > PT_SHIFT; s -= PT_INDEX_BITS) {
			uint64_t up = table[pt_index(va, s)];

			if (!(up & PTE_PRESENT))
				break;
			table = table_of(up);
		}
		if (s > PT_SHIFT) { /* no table: skip what it would map */
			va = ALIGN_DOWN(va, 1UL << s) + (1UL << s);
			continue;
		}
		e = &table[pt_index(va, PT_SHIFT)];
		if (*e & PTE_PRESENT) {
			int err = fn(e, va, arg);

			if (err)
				return err;
		}
		va += PAGE_SIZE;
	}
	return 0;
}

int vm_user_set(struct vm_space *vs, uintptr_t va, physaddr_t pa,
		unsigned int prot, physaddr_t *old)
{
	unsigned int shift = PT_SHIFT;
	uint64_t *e;

	assert(va < USER_END && IS_ALIGNED(va, PAGE_SIZE));
	spin_lock(&vs->lock);
	e = entry_walk(vs, va, &shift, true);
	if (e) {
		*old = (*e & PTE_PRESENT) ? *e & PTE_ADDR : 0;
		*e = pa | leaf_flags(va, prot);
		if (prot & VM_EXEC)
			frame_mark_code(pa);
	}
	spin_unlock(&vs->lock);
	return e ? 0 : -ENOMEM;
}

int vm_user_allow_write(struct vm_space *vs, uintptr_t va)
{
	unsigned int shift;
	uint64_t *e;

	spin_lock(&vs->lock);
	e = leaf_lookup(vs, va, &shift);
	if (e)
		*e |= PTE_WRITE;
	spin_unlock(&vs->lock);
	return e ? 0 : -ENOENT;
}

static int unmap_leaf(uint64_t *e, uintptr_t va, void *arg)
{
	physaddr_t pa = *e & PTE_ADDR;

	(void)va;
	(void)arg;
	*e = 0;
	frame_unref(pa);
	return 0;
}

void vm_user_unmap(struct vm_space *vs, uintptr_t start, uintptr_t end)
{
	spin_lock(&vs->lock);
	user_leaves(vs, start, end, unmap_leaf, NULL);
	spin_unlock(&vs->lock);
}

static int protect_leaf(uint64_t *e, uintptr_t va, void *arg)
{
	unsigned int prot = *(unsigned int *)arg;
	uint64_t keep = *e & (PTE_ADDR | PTE_ACCESSED | PTE_DIRTY);

	if (!(*e & PTE_WRITE))
		prot &= ~VM_WRITE;
	*e = keep | leaf_flags(va, prot);
	if (prot & VM_EXEC)
		frame_mark_code(*e & PTE_ADDR);
	return 0;
}

void vm_user_protect(struct vm_space *vs, uintptr_t start, uintptr_t end,
		     unsigned int prot)
{
	spin_lock(&vs->lock);
	user_leaves(vs, start, end, protect_leaf, &prot);
	spin_unlock(&vs->lock);
}

struct copy_args {
	struct vm_space *dst;
	bool cow;
};

/* Caller holds the source's lock; takes the destination's. */
static int copy_leaf(uint64_t *e, uintptr_t va, void *arg)
{
	struct copy_args *c = arg;
	unsigned int shift = PT_SHIFT;
	uint64_t *to;

	spin_lock(&c->dst->lock);
	to = entry_walk(c->dst, va, &shift, true);
	if (to) {
		if (c->cow)
			*e &= ~PTE_WRITE;
		frame_ref(*e & PTE_ADDR);
		*to = *e & ~(PTE_ACCESSED | PTE_DIRTY);
	}
	spin_unlock(&c->dst->lock);
	return to ? 0 : -ENOMEM;
}

int vm_user_copy(struct vm_space *dst, struct vm_space *src, uintptr_t start,
		 uintptr_t end, bool cow)
{
	struct copy_args c = { dst, cow };
	int err;

	spin_lock(&src->lock);
	err = user_leaves(src, start, end, copy_leaf, &c);
	spin_unlock(&src->lock);
	return err;
}

struct clean_args {
	void (*fn)(void *arg, uintptr_t va);
	void *arg;
};

static int clean_leaf(uint64_t *e, uintptr_t va, void *arg)
{
	struct clean_args *c = arg;

	if (*e & PTE_DIRTY) {
		*e &= ~PTE_DIRTY;
		c->fn(c->arg, va);
	}
	return 0;
}

void vm_user_clean(struct vm_space *vs, uintptr_t start, uintptr_t end,
		   void (*fn)(void *arg, uintptr_t va), void *arg)
{
	struct clean_args c = { fn, arg };

	spin_lock(&vs->lock);
	user_leaves(vs, start, end, clean_leaf, &c);
	spin_unlock(&vs->lock);
}

static int count_leaf(uint64_t *e, uintptr_t va, void *arg)
{
	(void)e;
	(void)va;
	(*(uint64_t *)arg)++;
	return 0;
}

uint64_t vm_user_count(struct vm_space *vs, uintptr_t start, uintptr_t end)
{
	uint64_t n = 0;

	spin_lock(&vs->lock);
	user_leaves(vs, start, end, count_leaf, &n);
	spin_unlock(&vs->lock);
	return n;
}

/* ---- device registers ------------------------------------------------ */

/* Is [pa, pa+size) mapped page by page from va on? */
static bool mmio_maps(uintptr_t va, physaddr_t pa, size_t size)
{
	for (size_t off = 0; off < size; off += PAGE_SIZE) {
		physaddr_t got;

		if (vm_walk(&kernel_space, va + off, &got, NULL) < 0 ||
		    got != pa + off)
			return false;
	}
	return true;
}

/* Where the window already maps [pa, pa+size), or 0. Caller holds
 * mmio_lock. */
static uintptr_t mmio_find(physaddr_t pa, size_t size)
{
	for (uintptr_t va = MMIO_BASE; va + size <= mmio_next; va += PAGE_SIZE)
		if (mmio_maps(va, pa, size))
			return va;
	return 0;
}

void *vm_map_mmio(physaddr_t pa, size_t len)
{
	physaddr_t base = ALIGN_DOWN(pa, PAGE_SIZE);
	size_t size = ALIGN_UP(pa + len, PAGE_SIZE) - base;
	uintptr_t va;

	if (!len)
		return NULL;
	spin_lock(&mmio_lock);
	va = mmio_find(base, size);
	if (!va && MMIO_BASE + MMIO_SIZE - mmio_next >= size &&
	    vm_map(&kernel_space, mmio_next, base, size,
		   VM_WRITE | VM_NOCACHE) == 0) {
		va = mmio_next;
		mmio_next += size;
	}
	spin_unlock(&mmio_lock);
	return va ? (void *)(va + (pa - base)) : NULL;
}

/* ---- boot: the kernel's address space -------------------------------- */

/* Map [start, end) of physical memory at DIRECT_MAP_BASE, with 2 MiB
 * pages where a whole aligned one fits. */
static void map_direct_range(physaddr_t start, physaddr_t end)
{
	uint64_t flags = leaf_flags(DIRECT_MAP_BASE, VM_WRITE);

	while (start < end) {
		bool large = IS_ALIGNED(start, LARGE_PAGE_SIZE) &&
			     end - start >= LARGE_PAGE_SIZE;
		int err = map_one(&kernel_space, DIRECT_MAP_BASE + start, start,
				  large ? PD_SHIFT : PT_SHIFT, flags);

		if (err)
			panic("vm_init: cannot direct-map %#lx (error %d)",
			      start, err);
		start += large ? LARGE_PAGE_SIZE : PAGE_SIZE;
	}
}

/* Every range the memory map lists, and the first MiB. Reserved ranges
 * are mapped only below 4 GiB: firmware keeps its tables there (SeaBIOS
 * puts the ACPI tables in a reserved range), while a reserved range above
 * 4 GiB is an address hole, such as the 12 GiB HyperTransport hole QEMU
 * lists at 1012 GiB, and holds nothing to read. Returns the bytes
 * mapped. */
static uint64_t map_direct(void)
{
	struct phys_range r[BOOT_MAX_REGIONS + 1];
	unsigned int n = 0;
	uint64_t bytes = 0;

	r[n++] = (struct phys_range){ 0, LOW_MEMORY_END };
	for (unsigned int i = 0; i < bootinfo.nregions; i++) {
		const struct mem_region *m = &bootinfo.regions[i];

		if (m->type == MEM_RESERVED && m->base >= BOOT_DIRECT_MAP_SIZE)
			continue;
		if (m->length)
			r[n++] = (struct phys_range){
				ALIGN_DOWN(m->base, PAGE_SIZE),
				ALIGN_UP(m->base + m->length, PAGE_SIZE)
			};
	}
	n = phys_ranges_merge(r, n);
	for (unsigned int i = 0; i < n; i++) {
		map_direct_range(r[i].start, r[i].end);
		bytes += r[i].end - r[i].start;
	}
	return bytes;
}

/* Map [start, end) of the kernel image, widened to pages. */
static void map_image(uintptr_t start, uintptr_t end, unsigned int prot)
{
	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN_UP(end, PAGE_SIZE);
	if (end > start && vm_map(&kernel_space, start, start - KERNEL_VMA,
				  end - start, prot) < 0)
		panic("vm_init: cannot map the kernel image at %#lx", start);
}

/* The image section by section (kernel.ld): .boot and .text R-X,
 * .rodata R--, .data/.bss/boot stack RW- but for the guard page below
 * the stack, .ksyms R--. */
static void map_kernel_image(void)
{
	uintptr_t guard = (uintptr_t)boot_stack_guard;

	map_image(KERNEL_VMA + kernel_phys_start(), (uintptr_t)_kernel_etext,
		  VM_EXEC);
	map_image((uintptr_t)_kernel_rodata, (uintptr_t)_kernel_erodata, 0);
	map_image((uintptr_t)_kernel_data, guard, VM_WRITE);
	map_image(guard + PAGE_SIZE, (uintptr_t)_kernel_edata, VM_WRITE);
	map_image((uintptr_t)_kernel_edata, (uintptr_t)_kernel_end, 0);
}

int vm_space_create(struct vm_space *vs)
{
	physaddr_t pml4 = frame_alloc();
	uint64_t *new, *kernel;

	if (!pml4)
		return -ENOMEM;
	new = phys_to_virt(pml4);
	kernel = phys_to_virt(kernel_space.pml4);
	memset(new, 0, PML4_KERNEL_FIRST * sizeof(uint64_t));
	memcpy(new + PML4_KERNEL_FIRST, kernel + PML4_KERNEL_FIRST,
	       (PT_ENTRIES - PML4_KERNEL_FIRST) * sizeof(uint64_t));
	vs->pml4 = pml4;
	spin_init(&vs->lock, "vm_space");
	return 0;
}

/* Drop the user pages the table at level (3: PDPT, 2: PD, 1: PT) maps,
 * and free the tables below it. The user half has 4 KiB pages only. */
static void free_user_table(const uint64_t *table, int level)
{
	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		uint64_t e = table[i];

		if (!(e & PTE_PRESENT))
			continue;
		assert(!(e & PTE_LARGE));
		if (level == 1) {
			frame_unref(e & PTE_ADDR);
		} else {
			free_user_table(table_of(e), level - 1);
			frame_free(e & PTE_ADDR);
		}
	}
}

void vm_space_destroy(struct vm_space *vs)
{
	uint64_t *pml4 = phys_to_virt(vs->pml4);

	assert(read_cr3() != vs->pml4);
	if (__atomic_load_n(&vs->active_cpus, __ATOMIC_ACQUIRE))
		panic("vm_space_destroy: page tables at %#lx still in use "
		      "by CPUs %#x",
		      vs->pml4, vs->active_cpus);
	for (unsigned int i = 0; i < PML4_KERNEL_FIRST; i++) {
		if (!(pml4[i] & PTE_PRESENT))
			continue;
		free_user_table(table_of(pml4[i]), 3);
		frame_free(pml4[i] & PTE_ADDR);
	}
	frame_free(vs->pml4);
	vs->pml4 = 0;
}

/* Give every upper-half PML4 entry its PDPT now (see the top). */
static void share_kernel_half(void)
{
	uint64_t *pml4 = phys_to_virt(kernel_space.pml4);

	for (unsigned int i = PML4_KERNEL_FIRST; i < PT_ENTRIES; i++)
		if (table_alloc(&pml4[i], KERNEL_HALF) < 0)
			panic("vm_init: out of memory for page tables");
}

void vm_init(void)
{
	physaddr_t pml4 = frame_alloc();
	uint64_t direct;

	if (!pml4)
		panic("vm_init: out of memory for page tables");
	memset(phys_to_virt(pml4), 0, PAGE_SIZE);
	kernel_space.pml4 = pml4;
	share_kernel_half();
	direct = map_direct();
	map_kernel_image();
	write_cr3(pml4);
	kprintf("vm: kernel page tables at %#lx: %lu MiB direct-mapped, "
		"image W^X, boot stack guard at %p\n",
		pml4, direct >> 20, (void *)boot_stack_guard);
}
