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
/* Give the size classes' cached empty slab pages back to the frame
 * allocator, so that frame counts can be compared exactly (tests). */
void kmalloc_trim(void);

struct kmalloc_stats {
	uint64_t allocs, frees; /* calls that succeeded */
	uint64_t bytes_in_use;  /* live objects: requested sizes with
				    * heapdebug, class or block sizes
				    * without */
	uint64_t slab_frames;   /* frames held by the size classes */
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
};

extern struct vm_space kernel_space;

/* A new address space for a process: an empty user half, and the kernel
 * half shared with kernel_space (its PML4 entries copied; vm_init gave
 * each a PDPT, so they never change). 0 or -ENOMEM. */
int vm_space_create(struct vm_space *vs);
/* Free the user half's page tables and every frame mapped there (an
 * address space owns its user frames), then the PML4. vs must not be
 * loaded in any CPU's CR3. */
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
