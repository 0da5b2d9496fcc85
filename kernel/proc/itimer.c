/*
 * The real-time interval timer (alarm, setitimer/getitimer ITIMER_REAL):
 * SIGALRM to the process when its deadline passes, again every interval
 * if it has one. Armed processes sit on one list sorted by deadline,
 * which the timer interrupt looks at the head of (itimer_tick), so a tick
 * with nothing due costs one comparison. A process leaves the list when
 * it disarms the timer or exits. docs/signals.md.
 */
#include "proc/proc.h"

#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2

/* The armed processes, soonest first; each one's alarm_at, alarm_every
 * and alarm_next. Taken from the timer interrupt (it is a spinlock, so
 * interrupts are off while held); before any process's signal lock. */
static struct spinlock alarm_lock = SPINLOCK_INIT("alarm");
static struct proc *alarms;

static void unlink_locked(struct proc *p)
{
	struct proc **pp = &alarms;

	while (*pp && *pp != p)
		pp = &(*pp)->alarm_next;
	if (*pp)
		*pp = p->alarm_next;
	p->alarm_next = NULL;
	p->alarm_at = 0;
}

static void insert_locked(struct proc *p, uint64_t at)
{
	struct proc **pp = &alarms;

	while (*pp && (*pp)->alarm_at <= at)
		pp = &(*pp)->alarm_next;
	p->alarm_at = at;
	p->alarm_next = *pp;
	*pp = p;
}

void itimer_tick(void)
{
	uint64_t now = time_ns();

	spin_lock(&alarm_lock);
	while (alarms && alarms->alarm_at <= now) {
		struct proc *p = alarms;

		alarms = p->alarm_next;
		p->alarm_next = NULL;
		p->alarm_at = 0;
		signal_send(p, SIGALRM, NULL);
		if (p->alarm_every)
			insert_locked(p, now + p->alarm_every);
	}
	spin_unlock(&alarm_lock);
}

void itimer_exit(struct proc *p)
{
	spin_lock(&alarm_lock);
	unlink_locked(p);
	p->alarm_every = 0;
	spin_unlock(&alarm_lock);
}

/* Set the timer (value 0 disarms); the old value and interval. */
static void set_alarm(uint64_t value_ns, uint64_t every_ns, uint64_t *old_ns,
		      uint64_t *old_every)
{
	struct proc *p = proc_leader(proc_current());
	uint64_t now = time_ns();

	spin_lock(&alarm_lock);
	*old_ns = p->alarm_at > now ? p->alarm_at - now : p->alarm_at ? 1 : 0;
	*old_every = p->alarm_every;
	unlink_locked(p);
	p->alarm_every = every_ns;
	if (value_ns)
		insert_locked(p, now + value_ns);
	spin_unlock(&alarm_lock);
}

struct k_timeval {
	int64_t sec, usec;
};

struct k_itimerval {
	struct k_timeval interval, value;
};

static uint64_t tv_to_ns(const struct k_timeval *tv)
{
	return (uint64_t)tv->sec * NS_PER_SEC + (uint64_t)tv->usec * 1000;
}

static struct k_timeval ns_to_tv(uint64_t ns)
{
	/* Round up, as Linux does, so a running timer never reads 0. */
	ns += 999;
	return (struct k_timeval){ (int64_t)(ns / NS_PER_SEC),
				   (int64_t)(ns % NS_PER_SEC / 1000) };
}

static long sys_setitimer(uint64_t which, uaddr_t unew, uaddr_t uold)
{
	struct k_itimerval new = { 0 }, old;
	uint64_t old_ns, old_every;

	if (which != ITIMER_REAL)
		return which <= ITIMER_PROF ? -ENOSYS : -EINVAL;
	if (unew && copy_from_user(&new, unew, sizeof(new)))
		return -EFAULT;
	if (new.value.sec < 0 || new.value.usec < 0 ||
	    new.value.usec >= 1000000 || new.interval.sec < 0 ||
	    new.interval.usec < 0 || new.interval.usec >= 1000000)
		return -EINVAL;
	set_alarm(tv_to_ns(&new.value), tv_to_ns(&new.interval), &old_ns,
		  &old_every);
	old.value = old_ns ? ns_to_tv(old_ns) : (struct k_timeval){ 0, 0 };
	old.interval = old_every ? ns_to_tv(old_every)
				 : (struct k_timeval){ 0, 0 };
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}
SYSCALL(setitimer, sys_setitimer);

static long sys_getitimer(uint64_t which, uaddr_t uval)
{
	struct proc *p = proc_leader(proc_current());
	struct k_itimerval v = { 0 };
	uint64_t now = time_ns();

	if (which != ITIMER_REAL)
		return which <= ITIMER_PROF ? -ENOSYS : -EINVAL;
	spin_lock(&alarm_lock);
	if (p->alarm_at)
		v.value = ns_to_tv(p->alarm_at > now ? p->alarm_at - now : 1);
	if (p->alarm_every)
		v.interval = ns_to_tv(p->alarm_every);
	spin_unlock(&alarm_lock);
	return copy_to_user(uval, &v, sizeof(v));
}
SYSCALL(getitimer, sys_getitimer);

/* alarm(2): seconds; the old timer's remaining seconds, rounded to the
 * nearest (at least 1 while one runs), as Linux gives. */
static long sys_alarm(uint64_t seconds)
{
	uint64_t old_ns, old_every;

	set_alarm((uint64_t)(unsigned int)seconds * NS_PER_SEC, 0, &old_ns,
		  &old_every);
	if (!old_ns)
		return 0;
	return old_ns < NS_PER_SEC ? 1
				   : (long)((old_ns + 500000000) / NS_PER_SEC);
}
SYSCALL(alarm, sys_alarm);
