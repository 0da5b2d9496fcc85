/*
 * User address spaces, first version: every page is mapped eagerly (exec
 * maps the program and its stack in full) and fork copies every page.
 * No areas, no demand paging, no copy on write yet: mm_fault resolves
 * nothing. The user-memory work replaces this file (uvm.h is the
 * interface it keeps).
 */
#include "mm/uvm.h"
#include "arch/x86_64/arch.h"

#define PTE_PRESENT (1UL << 0)
#define PTE_WRITE (1UL << 1)
#define PTE_NX (1UL << 63)
#define PTE_ADDR 0x000ffffffffff000UL

struct mm *mm_create(void)
{
	struct mm *mm = kzalloc(sizeof(*mm));

	if (!mm)
		return NULL;
	if (vm_space_create(&mm->vs)) {
		kfree(mm);
		return NULL;
	}
	sleep_lock_init(&mm->lock, "mm");
	mm->refcount = 1;
	return mm;
}

void mm_get(struct mm *mm)
{
	__atomic_add_fetch(&mm->refcount, 1, __ATOMIC_RELAXED);
}

void mm_put(struct mm *mm)
{
	if (__atomic_sub_fetch(&mm->refcount, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	vm_space_destroy(&mm->vs);
	kfree(mm);
}

/* Copy one present user page of src into dst at va. */
static int copy_page(struct mm *dst, uint64_t va, uint64_t pte)
{
	unsigned int prot = VM_USER;
	physaddr_t pa = frame_alloc();
	int err;

	if (!pa)
		return -ENOMEM;
	memcpy(phys_to_virt(pa), phys_to_virt(pte & PTE_ADDR), PAGE_SIZE);
	if (pte & PTE_WRITE)
		prot |= VM_WRITE;
	if (!(pte & PTE_NX))
		prot |= VM_EXEC;
	err = vm_map(&dst->vs, va, pa, PAGE_SIZE, prot);
	if (err)
		frame_free(pa);
	return err;
}

struct mm *mm_fork(struct mm *src)
{
	struct mm *dst = mm_create();
	uint64_t *pml4 = phys_to_virt(src->vs.pml4);

	if (!dst)
		return NULL;
	for (uint64_t i = 0; i < 256; i++) {
		uint64_t *pdpt;

		if (!(pml4[i] & PTE_PRESENT))
			continue;
		pdpt = phys_to_virt(pml4[i] & PTE_ADDR);
		for (uint64_t j = 0; j < 512; j++) {
			uint64_t *pd;

			if (!(pdpt[j] & PTE_PRESENT))
				continue;
			pd = phys_to_virt(pdpt[j] & PTE_ADDR);
			for (uint64_t k = 0; k < 512; k++) {
				uint64_t *pt;

				if (!(pd[k] & PTE_PRESENT))
					continue;
				pt = phys_to_virt(pd[k] & PTE_ADDR);
				for (uint64_t l = 0; l < 512; l++) {
					uint64_t va = i << 39 | j << 30 |
						      k << 21 | l << 12;

					if ((pt[l] & PTE_PRESENT) &&
					    copy_page(dst, va, pt[l])) {
						mm_put(dst);
						return NULL;
					}
				}
			}
		}
	}
	dst->brk_start = src->brk_start;
	dst->brk = src->brk;
	return dst;
}

int mm_fault(struct mm *mm, uint64_t addr, uint64_t error)
{
	return -EFAULT;
}

size_t mm_format_maps(struct mm *mm, char *buf, size_t size)
{
	if (size)
		buf[0] = 0;
	return 0;
}

void mm_usage(struct mm *mm, uint64_t *resident_pages, uint64_t *virt_bytes)
{
	*resident_pages = 0;
	*virt_bytes = 0;
}
