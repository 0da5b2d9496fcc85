/*
 * Sleep locks (see sleeplock.h): a flag and a wait queue under a
 * spinlock. Taking a held lock sleeps (kernel/sched) until the holder's
 * sleep_unlock wakes the waiters, who try again.
 */
#include "lib/sleeplock.h"
#include "arch/x86_64/arch.h"

void sleep_lock_init(struct sleeplock *sl, const char *name)
{
	spin_init(&sl->lock, name);
	sl->locked = false;
	sl->holder = NULL;
	sl->waiters = (struct waitqueue)WAITQUEUE_INIT;
	sl->name = name;
}

void sleep_lock(struct sleeplock *sl)
{
	struct task *me = current_task();

	if (!irq_enabled())
		panic("sleep_lock: %s taken with interrupts off (a spinlock "
		      "held?)",
		      sl->name);
	spin_lock(&sl->lock);
	if (sl->locked && sl->holder == me)
		panic("sleep_lock: %s already held by this task", sl->name);
	while (sl->locked)
		sleep_on(&sl->waiters, &sl->lock);
	sl->locked = true;
	sl->holder = me;
	spin_unlock(&sl->lock);
}

void sleep_unlock(struct sleeplock *sl)
{
	spin_lock(&sl->lock);
	if (!sl->locked || sl->holder != current_task())
		panic("sleep_unlock: %s not held by this task", sl->name);
	sl->locked = false;
	sl->holder = NULL;
	wake_up(&sl->waiters);
	spin_unlock(&sl->lock);
}

bool sleep_trylock(struct sleeplock *sl)
{
	bool taken;

	spin_lock(&sl->lock);
	taken = !sl->locked;
	if (taken) {
		sl->locked = true;
		sl->holder = current_task();
	}
	spin_unlock(&sl->lock);
	return taken;
}

bool sleep_held(struct sleeplock *sl)
{
	bool held;

	spin_lock(&sl->lock);
	held = sl->locked && sl->holder == current_task();
	spin_unlock(&sl->lock);
	return held;
}
