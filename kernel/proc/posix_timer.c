/*
 * POSIX per-process timers: timer_create, timer_settime, timer_gettime,
 * timer_getoverrun and timer_delete, as Linux has them for the
 * CLOCK_REALTIME, CLOCK_MONOTONIC and CLOCK_BOOTTIME clocks.
 *
 * A timer belongs to a thread group (tg->timers) and names its signal
 * (SIGEV_SIGNAL: to the process; SIGEV_THREAD_ID: to one of its
 * threads; SIGEV_NONE: none, the timer only counts down). Armed timers
 * sit on one list sorted by deadline (time_ns()), whose head the timer
 * interrupt looks at (posix_timer_tick), as itimer.c's alarms do. An
 * expiry queues the timer's own signal queue entry (struct sigqueue,
 * made with the timer, so an expiry never allocates); an expiry that
 * finds the entry still queued (the signal not yet taken) counts an
 * overrun instead, and the count at the last delivery is what
 * timer_getoverrun gives. Expiries a periodic timer missed between two
 * ticks are overruns too. docs/signals.md, "POSIX timers".
 *
 * Timers go with their group: all of them at exec and when the group
 * is freed; a SIGEV_THREAD_ID timer whose thread exits stays but sends
 * nothing more (its thread is forgotten: posix_timer_thread_exit).
 */
#include "proc/proc.h"
#include "proc/sys_abi.h"

#define SIGEV_SIGNAL 0
#define SIGEV_NONE 1
#define SIGEV_THREAD 2 /* the C library's; the kernel sends a signal */
#define SIGEV_THREAD_ID 4

struct posix_timer {
	/* Set at creation, constant afterwards: */
	int id;
	int clock;
	int notify;
	struct thread_group *tg;
	struct sighand *hand; /* referenced: the group's signal lock */

	/* posix_timer_lock: */
	struct proc *target; /* SIGEV_THREAD_ID's thread; NULL once gone */
	uint64_t expires;    /* time_ns() deadline; 0 when disarmed */
	uint64_t interval;   /* ns; 0 for a one-shot timer */
	struct posix_timer *armed_next;
	struct posix_timer *group_next;

	/* The group's signal lock (hand), but info, written here before it
	 * is first sent: */
	struct sigqueue entry;
};

/* The armed timers, soonest first, and every group's timer list (and its
 * next id). Taken from the timer interrupt; before any signal lock,
 * never under proc_lock. */
static struct spinlock posix_timer_lock = SPINLOCK_INIT("posix_timer");
static struct posix_timer *armed;

static void disarm_locked(struct posix_timer *t)
{
	struct posix_timer **pp = &armed;

	while (*pp && *pp != t)
		pp = &(*pp)->armed_next;
	if (*pp)
		*pp = t->armed_next;
	t->armed_next = NULL;
	t->expires = 0;
}

static void arm_locked(struct posix_timer *t, uint64_t at)
{
	struct posix_timer **pp = &armed;

	while (*pp && (*pp)->expires <= at)
		pp = &(*pp)->armed_next;
	t->expires = at ? at : 1; /* 0 means disarmed */
	t->armed_next = *pp;
	*pp = t;
}

void posix_timer_tick(void)
{
	uint64_t now = time_ns();

	spin_lock(&posix_timer_lock);
	while (armed && armed->expires <= now) {
		struct posix_timer *t = armed;
		uint64_t missed = 0;

		armed = t->armed_next;
		t->armed_next = NULL;
		if (t->interval) {
			missed = (now - t->expires) / t->interval;
			arm_locked(t, t->expires + (missed + 1) * t->interval);
		} else {
			t->expires = 0;
		}
		if (t->notify == SIGEV_NONE ||
		    (t->notify == SIGEV_THREAD_ID && !t->target))
			continue;
		signal_send_timer(t->hand, t->tg, t->target, &t->entry, missed);
	}
	spin_unlock(&posix_timer_lock);
}

/* The caller's timer id, or NULL. Caller holds posix_timer_lock. */
static struct posix_timer *lookup_locked(int64_t id)
{
	struct posix_timer *t = proc_current()->tg->timers;

	while (t && t->id != id)
		t = t->group_next;
	return t;
}

/* Unlink t from its group's list. Caller holds posix_timer_lock. */
static void unlink_group_locked(struct posix_timer *t)
{
	struct posix_timer **pp = &t->tg->timers;

	while (*pp != t)
		pp = &(*pp)->group_next;
	*pp = t->group_next;
}

/* Disarm t and take its signal out of any queue. Caller holds
 * posix_timer_lock (so that t->target cannot go meanwhile). */
static void stop_locked(struct posix_timer *t)
{
	disarm_locked(t);
	signal_timer_unqueue(t->hand, t->tg, t->target, &t->entry);
}

/* Free a timer already off every list. */
static void timer_free(struct posix_timer *t)
{
	signal_timer_entry_free(&t->entry);
	signal_hand_put(t->hand);
	kfree(t);
}

void posix_timer_group_exit(struct thread_group *tg)
{
	struct posix_timer *list;

	spin_lock(&posix_timer_lock);
	list = tg->timers;
	tg->timers = NULL;
	for (struct posix_timer *t = list; t; t = t->group_next)
		stop_locked(t);
	spin_unlock(&posix_timer_lock);
	while (list) {
		struct posix_timer *t = list;

		list = t->group_next;
		timer_free(t);
	}
}

void posix_timer_thread_exit(struct proc *p)
{
	spin_lock(&posix_timer_lock);
	for (struct posix_timer *t = p->tg->timers; t; t = t->group_next) {
		if (t->target == p) {
			signal_timer_unqueue(t->hand, t->tg, p, &t->entry);
			t->target = NULL;
		}
	}
	spin_unlock(&posix_timer_lock);
}

/* ---- system calls -------------------------------------------------------- */

static bool timer_clock_ok(int64_t clk)
{
	return clk == CLOCK_REALTIME || clk == CLOCK_MONOTONIC ||
	       clk == CLOCK_BOOTTIME;
}

/* The thread tid of the caller's group, referenced, or NULL. */
static struct proc *group_thread(int tid)
{
	struct proc *p = tid > 0 ? proc_get(tid) : NULL;

	if (p && p->tgid != proc_current()->tgid) {
		proc_put(p);
		return NULL;
	}
	return p;
}

/* Check a sigevent as Linux's good_sigevent does: 0 or -EINVAL. */
static int sigevent_ok(const struct linux_sigevent *ev)
{
	switch (ev->notify) {
	case SIGEV_SIGNAL:
	case SIGEV_THREAD:
	case SIGEV_THREAD_ID:
		return ev->signo > 0 && ev->signo <= NSIG ? 0 : -EINVAL;
	case SIGEV_NONE:
		return 0;
	}
	return -EINVAL;
}

static long sys_timer_create(int64_t clk, uaddr_t uevent, uaddr_t uid)
{
	struct thread_group *tg = proc_current()->tg;
	struct linux_sigevent ev = { .signo = SIGALRM, .notify = SIGEV_SIGNAL };
	struct proc *target = NULL;
	struct posix_timer *t;
	int err;

	if (!timer_clock_ok((int)clk))
		return -EINVAL;
	if (uevent && copy_from_user(&ev, uevent, sizeof(ev)))
		return -EFAULT;
	err = sigevent_ok(&ev);
	if (!err && ev.notify == SIGEV_THREAD_ID) {
		target = group_thread(ev.tid);
		if (!target)
			err = -EINVAL;
	}
	if (err)
		return err;
	t = kzalloc(sizeof(*t));
	err = t ? signal_timer_entry_init(&t->entry) : -ENOMEM;
	if (err) {
		kfree(t);
		goto out;
	}
	t->clock = (int)clk;
	t->notify = ev.notify == SIGEV_THREAD ? SIGEV_SIGNAL : ev.notify;
	t->tg = tg;
	t->hand = signal_hand_get();
	t->entry.info.si_signo = ev.signo;
	t->entry.info.si_code = SI_TIMER;
	t->entry.info.timer.value = ev.value;
	spin_lock(&posix_timer_lock);
	/* A thread that exits checks the list after it is dead: it is
	 * either not dead yet here, or gone from this timer's future. */
	if (target && __atomic_load_n(&target->sig.dead, __ATOMIC_ACQUIRE)) {
		spin_unlock(&posix_timer_lock);
		timer_free(t);
		err = -EINVAL;
		goto out;
	}
	t->target = target;
	t->id = tg->next_timer_id++;
	t->entry.info.timer.tid = t->id;
	if (!uevent)
		t->entry.info.timer.value = (uint64_t)t->id;
	t->group_next = tg->timers;
	tg->timers = t;
	spin_unlock(&posix_timer_lock);
	if (copy_to_user(uid, &t->id, sizeof(int))) {
		spin_lock(&posix_timer_lock);
		unlink_group_locked(t);
		stop_locked(t);
		spin_unlock(&posix_timer_lock);
		timer_free(t);
		err = -EFAULT;
	}
out:
	if (target)
		proc_put(target);
	return err;
}
SYSCALL(timer_create, sys_timer_create);

static int read_itimerspec(uaddr_t u, struct linux_itimerspec *its)
{
	if (copy_from_user(its, u, sizeof(*its)))
		return -EFAULT;
	if (its->value.sec < 0 || its->value.nsec < 0 ||
	    its->value.nsec >= (int64_t)NS_PER_SEC || its->interval.sec < 0 ||
	    its->interval.nsec < 0 || its->interval.nsec >= (int64_t)NS_PER_SEC)
		return -EINVAL;
	return 0;
}

static uint64_t timespec_ns(const struct linux_timespec *ts)
{
	if ((uint64_t)ts->sec >= UINT64_MAX / 4 / NS_PER_SEC)
		return UINT64_MAX / 4; /* centuries: as good as never */
	return (uint64_t)ts->sec * NS_PER_SEC + (uint64_t)ts->nsec;
}

static struct linux_timespec ns_timespec(uint64_t ns)
{
	return (struct linux_timespec){ (int64_t)(ns / NS_PER_SEC),
					(int64_t)(ns % NS_PER_SEC) };
}

/* What is left of t and its interval. Caller holds posix_timer_lock. */
static void current_setting_locked(const struct posix_timer *t,
				   struct linux_itimerspec *its)
{
	uint64_t now = time_ns();

	memset(its, 0, sizeof(*its));
	if (t->expires)
		/* Due but not yet fired: 1 ns, as Linux says. */
		its->value =
			ns_timespec(t->expires > now ? t->expires - now : 1);
	its->interval = ns_timespec(t->interval);
}

static long sys_timer_settime(int64_t id, uint64_t flags, uaddr_t unew,
			      uaddr_t uold)
{
	struct linux_itimerspec new, old;
	struct posix_timer *t;
	uint64_t value, now;
	int err = read_itimerspec(unew, &new);

	if (err)
		return err;
	value = timespec_ns(&new.value);
	spin_lock(&posix_timer_lock);
	t = lookup_locked((int)id);
	if (!t) {
		spin_unlock(&posix_timer_lock);
		return -EINVAL;
	}
	current_setting_locked(t, &old);
	disarm_locked(t);
	t->interval = value ? timespec_ns(&new.interval) : 0;
	now = time_ns();
	if (value && ((int)flags & TIMER_ABSTIME)) {
		/* A time on the timer's clock; the wall clock moves with
		 * the monotonic one, so a time of day converts. */
		uint64_t offset = t->clock == CLOCK_REALTIME
					  ? time_realtime_ns() - now
					  : 0;

		arm_locked(t, value > offset ? value - offset : now);
	} else if (value) {
		arm_locked(t, now + value);
	}
	spin_unlock(&posix_timer_lock);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}
SYSCALL(timer_settime, sys_timer_settime);

static long sys_timer_gettime(int64_t id, uaddr_t ucur)
{
	struct linux_itimerspec cur;
	struct posix_timer *t;

	spin_lock(&posix_timer_lock);
	t = lookup_locked((int)id);
	if (t)
		current_setting_locked(t, &cur);
	spin_unlock(&posix_timer_lock);
	if (!t)
		return -EINVAL;
	return copy_to_user(ucur, &cur, sizeof(cur));
}
SYSCALL(timer_gettime, sys_timer_gettime);

static long sys_timer_getoverrun(int64_t id)
{
	struct posix_timer *t;
	int n = -EINVAL;

	spin_lock(&posix_timer_lock);
	t = lookup_locked((int)id);
	if (t)
		n = signal_timer_overrun(t->hand, &t->entry);
	spin_unlock(&posix_timer_lock);
	return n;
}
SYSCALL(timer_getoverrun, sys_timer_getoverrun);

static long sys_timer_delete(int64_t id)
{
	struct posix_timer *t;

	spin_lock(&posix_timer_lock);
	t = lookup_locked((int)id);
	if (t) {
		unlink_group_locked(t);
		stop_locked(t);
	}
	spin_unlock(&posix_timer_lock);
	if (!t)
		return -EINVAL;
	timer_free(t);
	return 0;
}
SYSCALL(timer_delete, sys_timer_delete);
