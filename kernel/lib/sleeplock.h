/*
 * Sleep locks: locks that may be held across disk I/O, with interrupts
 * on (a spinlock keeps interrupts off, so the completion interrupt of the
 * I/O could never arrive). A task that finds one taken sleeps on the
 * lock's wait queue until the holder lets go. Held by a task, not a CPU:
 * never take one in an interrupt handler or while holding a spinlock.
 */
#ifndef KESTREL_SLEEPLOCK_H
#define KESTREL_SLEEPLOCK_H

#include "lib/spinlock.h"
#include "sched/sched.h"

struct sleeplock {
	struct spinlock lock; /* protects the fields below */
	bool locked;
	struct task *holder;
	struct waitqueue waiters;
	const char *name;
};

#define SLEEPLOCK_INIT(n)                                                  \
	{                                                                  \
		.lock = SPINLOCK_INIT(n), .locked = false, .holder = NULL, \
		.waiters = WAITQUEUE_INIT, .name = (n)                     \
	}

void sleep_lock_init(struct sleeplock *sl, const char *name);
void sleep_lock(struct sleeplock *sl);
void sleep_unlock(struct sleeplock *sl);
/* Take sl if it is free, without sleeping: true if taken. */
bool sleep_trylock(struct sleeplock *sl);
/* Does the running task hold sl? For assertions. */
bool sleep_held(struct sleeplock *sl);

#endif
