/*
 * Spinlocks. Taking one disables interrupts on this CPU (nested, see
 * irq_push_off), so an interrupt handler can never spin on a lock its own
 * CPU holds. Each lock records its holder and where it was taken, and a
 * recursive acquire or a release by a CPU that does not hold it panics.
 * The lock order is in docs/locking.md.
 */
#ifndef KESTREL_SPINLOCK_H
#define KESTREL_SPINLOCK_H

#include "lib/lib.h"

struct cpu;

struct spinlock {
	volatile uint32_t locked;
	const char *name;   /* for reports */
	struct cpu *holder; /* CPU holding it, NULL when free */
	uintptr_t taken_at; /* return address of the spin_lock() call */
};

#define SPINLOCK_INIT(n)                                 \
	{                                                \
		.locked = 0, .name = (n), .holder = NULL \
	}

void spin_init(struct spinlock *lk, const char *name);
void spin_lock(struct spinlock *lk);
void spin_unlock(struct spinlock *lk);
/* Does this CPU hold lk? For assertions. */
bool spin_held(struct spinlock *lk);

#endif
