/*
 * Spinlocks. Taking one disables interrupts on this CPU (nested, see
 * irq_push_off), so an interrupt handler can never spin on a lock its own
 * CPU holds. Each lock records its holder, where and when it was taken; a
 * recursive acquire or a release by a CPU that does not hold it panics;
 * a CPU that spins on a lock too long says who holds it, and (with
 * spin_hold_timing, below) a lock held too long is reported when it is
 * let go of.
 *
 * The lock checker (lockdep=1 on the command line, on in the graded
 * tests) also learns the order locks are taken in and panics at the first
 * inversion. The lock order and the
 * checker are in docs/locking.md and docs/smp.md.
 */
#ifndef KESTREL_SPINLOCK_H
#define KESTREL_SPINLOCK_H

#include "lib/lib.h"

struct cpu;

struct spinlock {
	volatile uint32_t locked;
	const char *name;   /* for reports; also the checker's lock class */
	struct cpu *holder; /* CPU holding it, NULL when free */
	uintptr_t taken_at; /* return address of the spin_lock() call */
	uint64_t taken_ns;  /* time_ns() when it was taken; 0 when not timed */
	int class;          /* the checker's class + 1; 0 until first seen */
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

/* A lock spun on or held longer than this is reported. Not less: QEMU's
 * single-threaded TCG runs one virtual CPU at a time, for up to 100 ms
 * each, so a lock held across a few of those turns is not yet a bug. */
#define SPIN_TOO_LONG_MS 1000

/* The lock checker (lockdep.c). lockdep_init turns it on if the command
 * line says lockdep=1; called once by kmain while it holds no lock. */
void lockdep_init(void);
void lockdep_acquire(struct spinlock *lk, uintptr_t site);
void lockdep_release(const struct spinlock *lk);
extern bool lockdep_enabled;

/* Reports made so far, for the tests: spins and holds longer than
 * SPIN_TOO_LONG_MS. */
extern uint64_t spin_long_waits, spin_long_holds;

/* Are hold times measured (a TSC read at each acquire and release)? A
 * debugging aid, on with the lock checker (lockdep=1); off, a long hold
 * is not reported, and a long spin's report does not say for how
 * long the lock has been held. A spin is timed always: that costs only
 * the spinning CPU. */
extern bool spin_hold_timing;

#endif
