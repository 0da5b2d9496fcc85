/*
 * Sleep locks (see sleeplock.h). The waiting loop checks with the inner
 * spinlock held and halts with interrupts on: whatever frees the lock is
 * either another CPU or code that an interrupt lets run.
 */
#include "lib/sleeplock.h"
#include "arch/x86_64/arch.h"

void sleep_lock_init(struct sleeplock *sl, const char *name)
{
	spin_init(&sl->lock, name);
	sl->locked = false;
	sl->holder = NULL;
	sl->name = name;
}

void sleep_lock(struct sleeplock *sl)
{
	if (!irq_enabled())
		panic("sleep_lock: %s taken with interrupts off (a spinlock "
		      "held?)",
		      sl->name);
	spin_lock(&sl->lock);
	if (sl->locked && sl->holder == this_cpu())
		panic("sleep_lock: %s already held by this CPU", sl->name);
	while (sl->locked) {
		spin_unlock(&sl->lock);
		cpu_relax();
		spin_lock(&sl->lock);
	}
	sl->locked = true;
	sl->holder = this_cpu();
	spin_unlock(&sl->lock);
}

void sleep_unlock(struct sleeplock *sl)
{
	spin_lock(&sl->lock);
	if (!sl->locked || sl->holder != this_cpu())
		panic("sleep_unlock: %s not held by this CPU", sl->name);
	sl->locked = false;
	sl->holder = NULL;
	spin_unlock(&sl->lock);
}

bool sleep_held(struct sleeplock *sl)
{
	bool held;

	spin_lock(&sl->lock);
	held = sl->locked && sl->holder == this_cpu();
	spin_unlock(&sl->lock);
	return held;
}
