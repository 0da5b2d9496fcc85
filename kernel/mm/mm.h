/*
 * Memory management's public face: physical frames (a buddy allocator),
 * the kernel heap (kmalloc), and page tables (vm_*). docs/memory.md has
 * the pictures and the locking.
 */
#ifndef KESTREL_MM_H
#define KESTREL_MM_H

#include "lib/lib.h"
#include "lib/spinlock.h"

/* ---- physical frames (frame.c) --------------------------------------- */

#define FRAME_MAX_ORDER 10 /* largest block: 2^10 frames = 4 MiB */

/* Boot: take the memory below 4 GiB from the Multiboot2 memory map (the
 * boot page tables map only that much), reserving the kernel image, the
 * boot information, the modules and the first MiB. */
void frames_init(void);
/* Boot, after vm_init has mapped all memory: add the memory above 4 GiB. */
void frames_init_high(void);

/* 2^order physically contiguous frames aligned to their size, for DMA and
 * page tables; returns the physical address, or 0 if there is no such
 * block (frame 0 is never handed out). Contents are not cleared. */
physaddr_t frames_alloc(unsigned int order);
void frames_free(physaddr_t pa, unsigned int order);
static inline physaddr_t frame_alloc(void)
{
	return frames_alloc(0);
}
static inline void frame_free(physaddr_t pa)
{
	frames_free(pa, 0);
}

/*
 * User pages: single frames with a reference count, since after fork or
 * through the page cache one frame can be mapped in many address spaces.
 * frame_alloc_user gives a frame with count 1 (contents not cleared);
 * frame_ref adds one; frame_unref drops one and frees the frame with the
 * last. The counts are atomic: no lock is needed to change them.
 */
physaddr_t frame_alloc_user(void);
void frame_ref(physaddr_t pa);
void frame_unref(physaddr_t pa);
/* The count now (it may change at once unless the caller knows better). */
unsigned int frame_refcount(physaddr_t pa);

struct frame_stats {
	uint64_t managed; /* frames the allocator owns (free or handed out) */
	uint64_t free;
	uint64_t free_blocks[FRAME_MAX_ORDER + 1]; /* free blocks per order */
};
void frames_get_stats(struct frame_stats *st);
/* Bytes of memory the firmware reported as available. */
uint64_t mem_available_bytes(void);

/* ---- kernel heap (kmalloc.c) ----------------------------------------- */

void kmalloc_init(void);
/* size bytes aligned to 16 (or to a page for sizes of a page or more),
 * or NULL when memory runs out. */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);
/* The bytes of memory kmalloc(size) takes: its slot in a size class, or
 * its block of frames, with heap debugging's header and red zone. */
size_t kmalloc_footprint(size_t size);
/* Give the size classes' cached empty slab pages back to the frame
 * allocator, so that frame counts can be compared exactly (tests). */
void kmalloc_trim(void);

struct kmalloc_stats {
	uint64_t allocs, frees; /* calls that succeeded */
	uint64_t bytes_in_use;  /* live objects: requested sizes with
				    * heapdebug, class or block sizes
				    * without */
	uint64_t slab_frames;   /* frames held by the size classes */
	uint64_t empty_frames;  /* of those, the empty pages each class
				 * keeps (one at most): kmalloc_trim's */
};
void kmalloc_get_stats(struct kmalloc_stats *st);

/* ---- page tables (vm.c) ---------------------------------------------- */

/* Protection bits for vm_map/vm_protect; readable is implied. */
#define VM_WRITE 0x1
#define VM_EXEC 0x2
#define VM_USER 0x4
#define VM_NOCACHE 0x8 /* device registers */

/* An address space: a 4-level page table. The upper half (the kernel)
 * is shared by all address spaces. */
struct vm_space {
	physaddr_t pml4;
	struct spinlock lock; /* protects the page-table pages */
	/* Bit i: CPU i has pml4 in CR3 (load_space, in arch_task.c, sets
	 * and clears its own bit, atomically); whom tlb_shootdown
	 * interrupts. */
	uint32_t active_cpus;
};

extern struct vm_space kernel_space;

/* A new address space for a process: an empty user half, and the kernel
 * half shared with kernel_space (its PML4 entries copied; vm_init gave
 * each a PDPT, so they never change). 0 or -ENOMEM. */
int vm_space_create(struct vm_space *vs);
/* Free the user half's page tables, drop the reference each of its
 * pages holds (frame_unref: they are user pages), then free the PML4.
 * vs must not be loaded in any CPU's CR3. */
void vm_space_destroy(struct vm_space *vs);

/* Boot: build the kernel's page tables (direct map of all memory, the
 * kernel image with W^X, an unmapped guard page below the boot stack)
 * and switch to them. */
void vm_init(void);

/* Map [va, va+len) to [pa, pa+len) with 4 KiB pages. va, pa, len page
 * aligned. -EEXIST if a page is already mapped (nothing is changed),
 * -ENOMEM if a page table cannot be allocated, -EINVAL on bad
 * arguments. */
int vm_map(struct vm_space *vs, uintptr_t va, physaddr_t pa, size_t len,
	   unsigned int prot);
/* Remove the mappings in [va, va+len) (pages not mapped are skipped) and
 * flush them from the TLB. Frames are not freed: they are the caller's. */
int vm_unmap(struct vm_space *vs, uintptr_t va, size_t len);
/* Change the protection of mapped pages; -ENOENT if one is not mapped
 * (nothing is changed). */
int vm_protect(struct vm_space *vs, uintptr_t va, size_t len,
	       unsigned int prot);
/* Translate va: 0 with *pa and *prot filled (either may be NULL), or
 * -ENOENT if not mapped. Works for 4 KiB and 2 MiB pages. */
int vm_walk(struct vm_space *vs, uintptr_t va, physaddr_t *pa,
	    unsigned int *prot);

/*
 * The user half, for kernel/mm/uvm.c: 4 KiB leaf entries, each holding
 * one reference to a user page (frame_alloc_user). prot is VM_WRITE and
 * VM_EXEC, with VM_USER unless the page must be out of the user's reach
 * (PROT_NONE). None of these flushes the TLB (the caller does, with
 * mm_tlb_flush), and the caller keeps them from racing each other on one
 * address space (the mm's lock).
 */
/* Point va at pa, whose reference passes to vs; the page that was there,
 * whose reference passes to the caller, in *old (0 if none). -ENOMEM if
 * a page table cannot be allocated. */
int vm_user_set(struct vm_space *vs, uintptr_t va, physaddr_t pa,
		unsigned int prot, physaddr_t *old);
/* Make the page at va writable: 0, or -ENOENT if none is mapped. */
int vm_user_allow_write(struct vm_space *vs, uintptr_t va);
/* Unmap [start, end), dropping each page's reference. */
void vm_user_unmap(struct vm_space *vs, uintptr_t start, uintptr_t end);
/* Give the pages of [start, end) protection prot, except that write
 * permission is kept where it is, never given (a read-only page may be
 * shared copy-on-write: the write fault decides). */
void vm_user_protect(struct vm_space *vs, uintptr_t start, uintptr_t end,
		     unsigned int prot);
/* fork: map into dst each page src maps in [start, end), with a new
 * reference; with cow, both lose write permission. -ENOMEM if dst's page
 * tables cannot grow (the pages copied so far stay in dst). */
int vm_user_copy(struct vm_space *dst, struct vm_space *src, uintptr_t start,
		 uintptr_t end, bool cow);
/* Call fn(arg, va) for each page of [start, end) written since the last
 * call (the CPU's dirty bit), clearing the bit. fn runs under vs->lock:
 * it must not sleep. */
void vm_user_clean(struct vm_space *vs, uintptr_t start, uintptr_t end,
		   void (*fn)(void *arg, uintptr_t va), void *arg);
/* How many pages of [start, end) are mapped. */
uint64_t vm_user_count(struct vm_space *vs, uintptr_t start, uintptr_t end);

/* Map device registers at pa uncached into the MMIO window; returns the
 * virtual address of pa (any offset within the page kept), or NULL. */
void *vm_map_mmio(physaddr_t pa, size_t len);

/* A kernel stack of KSTACK_SIZE bytes in the stack area, with an unmapped
 * guard page below it, so running off its end faults at once (and is
 * reported as a stack overflow) instead of overwriting other memory.
 * Returns its lowest address, or NULL when memory runs out. */
void *kstack_alloc(void);
void kstack_free(void *stack);
/* Is va in the guard page of a stack (the boot stack's or a task's)? */
bool kstack_in_guard(uintptr_t va);

#endif
