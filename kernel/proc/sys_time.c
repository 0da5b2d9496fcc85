/*
 * Time system calls: the clocks (clock_gettime, clock_getres,
 * gettimeofday, time), sleeping (nanosleep, clock_nanosleep) and the
 * process's CPU times (times), and setting the time of day
 * (settimeofday, clock_settime). Linux's structures, clock ids and errno
 * values.
 *
 * Every clock is read from the TSC clock (time_ns, kernel/arch/x86_64/
 * time.c): CLOCK_MONOTONIC and CLOCK_BOOTTIME are time since boot (there
 * is no suspend, so they are equal); CLOCK_REALTIME is the CMOS clock read
 * at boot plus that (time_realtime_ns, rtc.c). CPU-time clocks are the
 * process's utime + stime. A sleep is a sleep_on_until on a wait queue of
 * its own, that only the deadline or a signal ends. docs/syscalls.md.
 */
#include "fs/vfs.h"
#include "proc/proc.h"
#include "proc/sys_abi.h"

#define USER_HZ 100 /* clock_t ticks (times) */

static struct timespec64 to_timespec(uint64_t ns)
{
	return (struct timespec64){ (int64_t)(ns / NS_PER_SEC),
				    (int64_t)(ns % NS_PER_SEC) };
}

static uint64_t process_cpu_ns(void)
{
	struct proc *p = proc_current();

	return __atomic_load_n(&p->utime_ns, __ATOMIC_RELAXED) +
	       __atomic_load_n(&p->stime_ns, __ATOMIC_RELAXED);
}

/* Clock clk's time now in *ns: 0, or -EINVAL for a clock Kestrel does
 * not have (Linux's negative ids name other processes' CPU clocks). */
static int clock_read(int64_t clk, uint64_t *ns)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns = time_realtime_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = time_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID: /* one thread per process */
		*ns = process_cpu_ns();
		return 0;
	default:
		return -EINVAL;
	}
}

static long sys_clock_gettime(int64_t clk, uaddr_t tp)
{
	struct timespec64 ts;
	uint64_t ns;
	int err = clock_read((int)clk, &ns);

	if (err)
		return err;
	ts = to_timespec(ns);
	return copy_to_user(tp, &ts, sizeof(ts));
}
SYSCALL(clock_gettime, sys_clock_gettime);

/* The TSC clocks count nanoseconds; the coarse ones, as Linux's, are
 * said to move once a timer tick. */
static long sys_clock_getres(int64_t clk, uaddr_t res)
{
	struct timespec64 ts = { 0, 1 };
	uint64_t ns;
	int err = clock_read((int)clk, &ns);

	if (err)
		return err;
	if (clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE)
		ts.nsec = (int64_t)(NS_PER_SEC / timer_hz);
	return res ? copy_to_user(res, &ts, sizeof(ts)) : 0;
}
SYSCALL(clock_getres, sys_clock_getres);

/* The time zone is always UTC. */
static long sys_gettimeofday(uaddr_t tv, uaddr_t tz)
{
	uint64_t ns = time_realtime_ns();
	struct linux_timeval t = { (int64_t)(ns / NS_PER_SEC),
				   (int64_t)(ns % NS_PER_SEC / NS_PER_USEC) };
	struct linux_timezone zone = { 0, 0 };

	if (tv && copy_to_user(tv, &t, sizeof(t)))
		return -EFAULT;
	if (tz && copy_to_user(tz, &zone, sizeof(zone)))
		return -EFAULT;
	return 0;
}
SYSCALL(gettimeofday, sys_gettimeofday);

static long sys_time(uaddr_t tloc)
{
	int64_t now = (int64_t)(time_realtime_ns() / NS_PER_SEC);

	if (tloc && put_user(now, tloc))
		return -EFAULT;
	return now;
}
SYSCALL(time, sys_time);

/* ---- sleeping ------------------------------------------------------------ */

/* A timespec from user space as a duration or time in ns: 0, -EFAULT, or
 * -EINVAL for a negative time or nanoseconds outside 0..999999999. */
static int read_timespec(uaddr_t uts, uint64_t *ns)
{
	struct timespec64 ts;

	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (int64_t)NS_PER_SEC)
		return -EINVAL;
	if ((uint64_t)ts.sec >= UINT64_MAX / NS_PER_SEC - 1)
		*ns = UINT64_MAX / 2; /* centuries: as good as forever */
	else
		*ns = (uint64_t)ts.sec * NS_PER_SEC + (uint64_t)ts.nsec;
	return 0;
}

/* Sleep until time_ns() reaches deadline, or a signal comes: 0, or
 * -EINTR with *left the time that was still to go. */
static int sleep_until(uint64_t deadline, uint64_t *left)
{
	struct waitqueue wq = WAITQUEUE_INIT;
	struct spinlock lk;
	uint64_t now;
	int err = 0;

	spin_init(&lk, "nanosleep");
	spin_lock(&lk);
	while ((now = time_ns()) < deadline) {
		if (signal_pending()) {
			*left = deadline - now;
			err = -EINTR;
			break;
		}
		sleep_on_until(&wq, &lk, deadline);
	}
	spin_unlock(&lk);
	return err;
}

/* Sleep for ns, writing what is left to rem (if any) when a signal cuts
 * the sleep short. Linux restarts the call if the signal ran no handler
 * (a stop and continue); Kestrel returns -EINTR in every case. */
static long sleep_relative(uint64_t ns, uaddr_t rem)
{
	uint64_t left = 0;
	struct timespec64 ts;
	int err = sleep_until(time_ns() + ns, &left);

	if (err == -EINTR && rem) {
		ts = to_timespec(left);
		if (copy_to_user(rem, &ts, sizeof(ts)))
			return -EFAULT;
	}
	return err;
}

static long sys_nanosleep(uaddr_t req, uaddr_t rem)
{
	uint64_t ns;
	int err = read_timespec(req, &ns);

	return err ? err : sleep_relative(ns, rem);
}
SYSCALL(nanosleep, sys_nanosleep);

/* Can clk be slept on? 0, -EOPNOTSUPP for a clock that exists but has
 * no timers (as Linux's coarse and raw clocks; and the process's CPU
 * clock, which Linux has but a one-thread process asleep never
 * advances), -EINVAL for any other id (the thread's CPU clock too, as
 * Linux). */
static int sleep_clock_ok(int64_t clk)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
		return 0;
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_PROCESS_CPUTIME_ID:
		return -EOPNOTSUPP;
	default:
		return -EINVAL;
	}
}

/* Sleeping on CLOCK_REALTIME until a time of day: the wall clock moves
 * with the monotonic one (nothing sets it), so the deadline converts. */
static long sys_clock_nanosleep(int64_t clk, uint64_t flags, uaddr_t req,
				uaddr_t rem)
{
	uint64_t ns, offset, left;
	int err;

	clk = (int)clk;
	err = sleep_clock_ok(clk);
	if (!err)
		err = read_timespec(req, &ns);
	if (err)
		return err;
	if (!((int)flags & TIMER_ABSTIME))
		return sleep_relative(ns, rem);
	offset = clk == CLOCK_REALTIME ? time_realtime_ns() - time_ns() : 0;
	return sleep_until(ns > offset ? ns - offset : 0, &left);
}
SYSCALL(clock_nanosleep, sys_clock_nanosleep);

/* ---- setting the clock ---------------------------------------------------- */

/* Only CLOCK_REALTIME can be set; the others are Linux's -EINVAL; only
 * root may (Linux's CAP_SYS_TIME), else -EPERM after the checks of the
 * time itself, in Linux's order. Clocks
 * asleep in clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME) keep the
 * deadline they converted at the start. */
static long sys_clock_settime(int64_t clk, uaddr_t tp)
{
	uint64_t ns;
	int err;

	if ((int)clk != CLOCK_REALTIME)
		return -EINVAL;
	err = read_timespec(tp, &ns);
	if (err)
		return err;
	if (!cred_capable())
		return -EPERM;
	time_set_realtime_ns(ns);
	return 0;
}
SYSCALL(clock_settime, sys_clock_settime);

/* The time zone argument is accepted and forgotten: the zone is UTC. */
static long sys_settimeofday(uaddr_t tv, uaddr_t tz)
{
	struct linux_timeval t;
	struct linux_timezone zone;

	/* Linux's order of checks. */
	if (tv && copy_from_user(&t, tv, sizeof(t)))
		return -EFAULT;
	if (tv && (t.sec < 0 || t.usec < 0 || t.usec >= 1000000))
		return -EINVAL;
	if (tz && copy_from_user(&zone, tz, sizeof(zone)))
		return -EFAULT;
	if (!cred_capable())
		return -EPERM;
	if (!tv)
		return 0;
	time_set_realtime_ns((uint64_t)t.sec * NS_PER_SEC +
			     (uint64_t)t.usec * NS_PER_USEC);
	return 0;
}
SYSCALL(settimeofday, sys_settimeofday);

/* ---- CPU times ----------------------------------------------------------- */

static int64_t ns_to_clock_t(uint64_t ns)
{
	return (int64_t)(ns / (NS_PER_SEC / USER_HZ));
}

/* The process's and its reaped children's CPU times, and the clock
 * ticks since boot (Linux's origin is arbitrary too). */
static long sys_times(uaddr_t buf)
{
	struct proc *p = proc_current();
	struct linux_tms t = {
		ns_to_clock_t(__atomic_load_n(&p->utime_ns, __ATOMIC_RELAXED)),
		ns_to_clock_t(__atomic_load_n(&p->stime_ns, __ATOMIC_RELAXED)),
		ns_to_clock_t(p->cutime_ns),
		ns_to_clock_t(p->cstime_ns),
	};

	if (buf && copy_to_user(buf, &t, sizeof(t)))
		return -EFAULT;
	return ns_to_clock_t(time_ns());
}
SYSCALL(times, sys_times);
