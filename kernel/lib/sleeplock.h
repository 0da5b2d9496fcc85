/*
 * Sleep locks: locks that may be held across disk I/O, with interrupts
 * on (a spinlock keeps interrupts off, so the completion interrupt of the
 * I/O could never arrive). A CPU that finds one taken waits with
 * interrupts on. Until there are processes it waits by halting between
 * checks; the processes issue makes it sleep on the lock instead, with no
 * change for the code that uses these. Never take one in an interrupt
 * handler or while holding a spinlock.
 */
#ifndef KESTREL_SLEEPLOCK_H
#define KESTREL_SLEEPLOCK_H

#include "lib/spinlock.h"

struct sleeplock {
	struct spinlock lock; /* protects the two fields below */
	bool locked;
	struct cpu *holder;
	const char *name;
};

#define SLEEPLOCK_INIT(n)                                                  \
	{                                                                  \
		.lock = SPINLOCK_INIT(n), .locked = false, .holder = NULL, \
		.name = (n)                                                \
	}

void sleep_lock_init(struct sleeplock *sl, const char *name);
void sleep_lock(struct sleeplock *sl);
void sleep_unlock(struct sleeplock *sl);
bool sleep_held(struct sleeplock *sl);

#endif
