/*
 * Kernel stacks for tasks. Each stack lives in a slot of the stack area
 * (memlayout.h): the first page of a slot is never mapped, the next
 * KSTACK_SIZE bytes are the stack, mapped page by page to frames of their
 * own. A task that runs off the bottom of its stack faults on the guard
 * page; the CPU cannot push the page fault there either, so it raises a
 * double fault on its own IST stack, and the report says "kernel stack
 * overflow" (kstack_in_guard) instead of the heap being silently
 * overwritten.
 *
 *   slot n:  | guard (unmapped) | stack page | stack page | ... |
 *            ^ KSTACK_AREA_BASE + n * KSTACK_SLOT
 */
#include "arch/x86_64/arch.h"
#include "mm/mm.h"

#define KSTACK_SLOT (PAGE_SIZE + KSTACK_SIZE)
#define KSTACK_MAX 4096 /* tasks at once: the system's limit */
#define KSTACK_PAGES (KSTACK_SIZE / PAGE_SIZE)

_Static_assert((uint64_t)KSTACK_MAX *KSTACK_SLOT <= KSTACK_AREA_SIZE,
	       "the stack area holds every slot");

/* Which slots are taken: bit n for slot n. */
static struct spinlock kstack_lock = SPINLOCK_INIT("kstacks");
static uint64_t slot_used[KSTACK_MAX / 64]; /* kstack_lock */

static uintptr_t slot_base(unsigned int n)
{
	return KSTACK_AREA_BASE + (uintptr_t)n * KSTACK_SLOT;
}

static int slot_take(void)
{
	int found = -1;

	spin_lock(&kstack_lock);
	for (unsigned int w = 0; w < ARRAY_SIZE(slot_used) && found < 0; w++) {
		if (slot_used[w] == ~0ULL)
			continue;
		unsigned int bit = __builtin_ctzll(~slot_used[w]);
		slot_used[w] |= 1ULL << bit;
		found = w * 64 + bit;
	}
	spin_unlock(&kstack_lock);
	return found;
}

static void slot_give_back(unsigned int n)
{
	spin_lock(&kstack_lock);
	slot_used[n / 64] &= ~(1ULL << (n % 64));
	spin_unlock(&kstack_lock);
}

/* Unmap and free the first `pages` pages of the stack at stack. */
static void release_pages(uintptr_t stack, unsigned int pages)
{
	for (unsigned int i = 0; i < pages; i++) {
		uintptr_t va = stack + (uintptr_t)i * PAGE_SIZE;
		physaddr_t pa;

		if (vm_walk(&kernel_space, va, &pa, NULL) < 0)
			panic("kstack: stack page %#lx not mapped", va);
		vm_unmap(&kernel_space, va, PAGE_SIZE);
		frame_free(pa);
	}
}

void *kstack_alloc(void)
{
	int n = slot_take();
	uintptr_t stack;

	if (n < 0)
		return NULL;
	stack = slot_base(n) + PAGE_SIZE;
	for (unsigned int i = 0; i < KSTACK_PAGES; i++) {
		physaddr_t pa = frame_alloc();
		uintptr_t va = stack + (uintptr_t)i * PAGE_SIZE;

		if (!pa || vm_map(&kernel_space, va, pa, PAGE_SIZE, VM_WRITE)) {
			if (pa)
				frame_free(pa);
			release_pages(stack, i);
			slot_give_back(n);
			return NULL;
		}
	}
	return (void *)stack;
}

void kstack_free(void *stack)
{
	uintptr_t s = (uintptr_t)stack;
	unsigned int n = (s - KSTACK_AREA_BASE) / KSTACK_SLOT;

	if (s < KSTACK_AREA_BASE || n >= KSTACK_MAX ||
	    s != slot_base(n) + PAGE_SIZE)
		panic("kstack_free: %p is not a kernel stack", stack);
	release_pages(s, KSTACK_PAGES);
	slot_give_back(n);
}

bool kstack_in_guard(uintptr_t va)
{
	extern char boot_stack_guard[];

	/* A fault a little below the guard (a big frame jumping over it)
	 * counts too. */
	if (va >= (uintptr_t)boot_stack_guard - 256 &&
	    va < (uintptr_t)boot_stack_guard + PAGE_SIZE)
		return true;
	if (va < KSTACK_AREA_BASE ||
	    va >= KSTACK_AREA_BASE + (uintptr_t)KSTACK_MAX * KSTACK_SLOT)
		return false;
	return (va - KSTACK_AREA_BASE) % KSTACK_SLOT < PAGE_SIZE;
}
