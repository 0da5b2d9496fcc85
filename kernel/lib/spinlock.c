/*
 * Spinlocks as in xv6: an atomic exchange loop, with interrupts off on
 * this CPU for as long as any lock is held. See spinlock.h.
 */
#include "lib/spinlock.h"
#include "arch/x86_64/arch.h"

void spin_init(struct spinlock *lk, const char *name)
{
	lk->locked = 0;
	lk->name = name;
	lk->holder = NULL;
	lk->taken_at = 0;
}

bool spin_held(struct spinlock *lk)
{
	bool held;

	irq_push_off();
	held = lk->locked && lk->holder == this_cpu();
	irq_pop_off();
	return held;
}

void spin_lock(struct spinlock *lk)
{
	irq_push_off();
	if (lk->locked && lk->holder == this_cpu())
		panic("spin_lock: %s already held by this CPU (taken at %p)",
		      lk->name, (void *)lk->taken_at);
	while (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE))
		while (lk->locked)
			cpu_relax();
	lk->holder = this_cpu();
	lk->taken_at = (uintptr_t)__builtin_return_address(0);
}

void spin_unlock(struct spinlock *lk)
{
	if (!lk->locked || lk->holder != this_cpu())
		panic("spin_unlock: %s not held by this CPU", lk->name);
	lk->holder = NULL;
	lk->taken_at = 0;
	__atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
	irq_pop_off();
}
