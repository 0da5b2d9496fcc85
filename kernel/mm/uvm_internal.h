/*
 * Private to kernel/mm: the areas of an address space and the calls
 * uvm.c (areas, faults, fork) and mmap.c (the system calls) share.
 * Everyone else sees only uvm.h.
 */
#ifndef KESTREL_MM_UVM_INTERNAL_H
#define KESTREL_MM_UVM_INTERNAL_H

#include "mm/uvm.h"
#include <kestrel/mman.h>

/* vma.flags: MAP_SHARED, so writes go to the file, or to every process
 * sharing the memory after fork. */
#define VMA_SHARED 0x1

/* Nothing is mapped below this (Linux's default vm.mmap_min_addr), so a
 * NULL pointer with a small offset always faults. */
#define MMAP_MIN_ADDR 0x10000
/* mmap places areas top down from this far below the stack's top (or
 * below its limit, when that is larger), so the stack can grow. */
#define MMAP_STACK_GAP (128UL * 1024 * 1024)
/* The stack may grow down only to a page above the next area. */
#define STACK_GUARD_GAP PAGE_SIZE

/*
 * One area: [start, end), page aligned, with the same protection and
 * backing throughout. In mm->vmas, sorted by start, never overlapping.
 * All fields are protected by mm->lock.
 */
struct vma {
	uint64_t start, end;
	int prot;          /* PROT_READ | PROT_WRITE | PROT_EXEC, or NONE */
	int flags;         /* VMA_SHARED */
	struct file *file; /* referenced (vfs_file_ref), or NULL: anonymous */
	uint64_t offset;   /* the file offset that start maps */
	/* The address where the file's bytes end (exec: the segment's file
	 * size); from there on the area reads as zeros (bss). UINT64_MAX
	 * for mmap, where the file's own end gives SIGBUS instead. */
	uint64_t file_end;
	char *name; /* the file's path for /proc/PID/maps (mm_name_file), a
		     * copy of its own (kmalloc), or NULL */
	struct vma *next;
};

/* Caller holds mm->lock for all of these. */

/* The area containing addr, or NULL. */
struct vma *vma_find(struct mm *mm, uint64_t addr);
/* Is any of [start, end) mapped? */
bool mm_range_used(struct mm *mm, uint64_t start, uint64_t end);
/* Is all of [start, end) mapped? */
bool mm_range_mapped(struct mm *mm, uint64_t start, uint64_t end);
/* Make [start, end) unmapped (writing back shared file pages): 0 or
 * -ENOMEM (an area could not be split; nothing was unmapped). */
int mm_unmap_locked(struct mm *mm, uint64_t start, uint64_t end);
/* Add an area for [start, end), which must be unmapped; f is referenced
 * anew. 0 or -ENOMEM. */
int mm_map_locked(struct mm *mm, uint64_t start, uint64_t end, int prot,
		  int flags, struct file *f, uint64_t offset,
		  uint64_t file_end);
/* Where mmap puts len bytes: hint if that range is free and allowed,
 * else the highest free range below the stack's gap; 0 if none. */
uint64_t mm_find_space(struct mm *mm, uint64_t hint, uint64_t len);
/* mprotect of a mapped range: split the areas at start and end and set
 * prot on those between. 0, -EACCES (writing to a shared mapping of a
 * file not open for writing) or -ENOMEM. */
int mm_protect_locked(struct mm *mm, uint64_t start, uint64_t end, int prot);
/* Write back the pages of shared file mappings in [start, end) written
 * through this address space. 0 or the first error. */
int mm_sync_locked(struct mm *mm, uint64_t start, uint64_t end);
/* madvise(MADV_DONTNEED): drop the pages of private areas in [start,
 * end); they read as zeros (or the file) again. */
void mm_discard_locked(struct mm *mm, uint64_t start, uint64_t end);
/* Resolve a fault as mm_fault does. */
int mm_fault_locked(struct mm *mm, uint64_t addr, uint64_t error);

/* The TLB may still hold translations of [start, end) that the page
 * tables of mm no longer have: drop them. */
void mm_tlb_flush(struct mm *mm, uint64_t start, uint64_t end);

/* Page-fault error code bits (Intel SDM vol. 3A, 4.7). */
#define PF_PRESENT 0x1
#define PF_WRITE 0x2
#define PF_USER 0x4
#define PF_INSTR 0x10

#endif
