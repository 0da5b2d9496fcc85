/*
 * t_time: clocks and sleeping. CLOCK_REALTIME agrees with gettimeofday and
 * time; CLOCK_MONOTONIC never goes back, and CLOCK_BOOTTIME is not behind
 * it; clock_getres gives a resolution of at most a tick; the process's
 * CPU clock moves while it computes and not while it sleeps; nanosleep
 * and clock_nanosleep (relative, TIMER_ABSTIME on CLOCK_MONOTONIC and
 * CLOCK_REALTIME, a deadline already past) sleep at least as long as
 * asked; a signal interrupts nanosleep and clock_nanosleep with EINTR and
 * the time left; bad clocks and bad timespecs give EINVAL; sched_yield
 * returns 0. Setting the clock (clock_settime, settimeofday) refuses bad
 * times everywhere, and on Kestrel moves every wall-clock reading and not
 * the monotonic clock (on Linux it would move the host's clock: not
 * done). The clock device /dev/rtc0 reads the calendar time of the
 * wall clock, refuses dates that do not exist, and on Kestrel is set
 * without moving the system time.
 */
#include "t.h"
#include <fcntl.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

/* Linux's RTC interface (linux/rtc.h), not in musl's headers. */
struct rtc_time {
	int tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year;
	int tm_wday, tm_yday, tm_isdst;
};
#define RTC_RD_TIME _IOR('p', 0x09, struct rtc_time)
#define RTC_SET_TIME _IOW('p', 0x0a, struct rtc_time)

static long long ns(const struct timespec *t)
{
	return t->tv_sec * 1000000000LL + t->tv_nsec;
}

static long long now_ns(clockid_t clock)
{
	struct timespec t;

	clock_gettime(clock, &t);
	return ns(&t);
}

/* The three ways to read the wall clock agree. gettimeofday reads the
 * same clock as CLOCK_REALTIME, so read between two clock_gettime calls
 * it falls between them. time() may read a coarser clock that is
 * updated once a tick (Linux's does: CLOCK_REALTIME_COARSE), so it may
 * trail the fine clock by up to a tick and so, across a second, show the
 * second before: it is never ahead of the later reading, and never more
 * than one second behind the earlier one. */
static void realtime_agrees_with_gettimeofday_and_time(void)
{
	struct timespec before, after;
	struct timeval tv;
	long t;

	CHECK_OK(clock_gettime(CLOCK_REALTIME, &before));
	CHECK_OK(gettimeofday(&tv, NULL));
	t = syscall(SYS_time, NULL);
	CHECK_OK(clock_gettime(CLOCK_REALTIME, &after));
	CHECK(before.tv_sec > 1600000000);
	CHECK(before.tv_nsec >= 0 && before.tv_nsec < 1000000000);
	CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	CHECK(tv.tv_sec >= before.tv_sec && tv.tv_sec <= after.tv_sec);
	CHECK(t >= before.tv_sec - 1 && t <= after.tv_sec);
	CHECK_ERR(clock_gettime((clockid_t)12345, &before), EINVAL);
}

static void monotonic_never_goes_back(void)
{
	long long last = now_ns(CLOCK_MONOTONIC);
	int i, back = 0;

	for (i = 0; i < 10000; i++) {
		long long t = now_ns(CLOCK_MONOTONIC);

		back += t < last;
		last = t;
	}
	CHECK_EQ(back, 0);
}

static void boottime_and_resolution(void)
{
	struct timespec r = { -1, -1 };
	long long mono = now_ns(CLOCK_MONOTONIC);

	CHECK(now_ns(CLOCK_BOOTTIME) >= mono);
	CHECK_OK(clock_getres(CLOCK_MONOTONIC, &r));
	CHECK(r.tv_sec == 0 && r.tv_nsec > 0 && r.tv_nsec <= 10000000);
	CHECK_OK(clock_getres(CLOCK_REALTIME, &r));
	CHECK(r.tv_sec == 0 && r.tv_nsec > 0 && r.tv_nsec <= 10000000);
	CHECK_OK(clock_getres(CLOCK_PROCESS_CPUTIME_ID, NULL));
	CHECK_ERR(clock_getres((clockid_t)12345, &r), EINVAL);
}

/* Compute until the process's CPU clock has moved by ms milliseconds
 * (or 10 s have passed): the CPU time it took. */
static long long spin_cpu_ms(int ms)
{
	long long c0 = now_ns(CLOCK_PROCESS_CPUTIME_ID), c;
	long long end = now_ns(CLOCK_MONOTONIC) + 10000000000LL;

	do
		c = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	while (c - c0 < ms * 1000000LL && now_ns(CLOCK_MONOTONIC) < end);
	return c - c0;
}

/* CPU time moves while computing (never faster than the monotonic
 * clock, give or take a tick) and not while sleeping. */
static void cpu_clock_counts_work_not_sleep(void)
{
	struct timespec d = { 0, 100 * 1000 * 1000 };
	long long t0 = now_ns(CLOCK_MONOTONIC), cpu, c1;

	cpu = spin_cpu_ms(100);
	CHECK(cpu >= 100 * 1000000LL);
	CHECK(cpu <= now_ns(CLOCK_MONOTONIC) - t0 + 20 * 1000000LL);
	CHECK(now_ns(CLOCK_THREAD_CPUTIME_ID) > 0);
	c1 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	nanosleep(&d, NULL);
	CHECK(now_ns(CLOCK_PROCESS_CPUTIME_ID) - c1 < 50 * 1000000LL);
}

static void sleeps_last_long_enough(void)
{
	struct timespec d = { 0, 20 * 1000 * 1000 }, abs;
	long long t0 = now_ns(CLOCK_MONOTONIC), t1;

	CHECK_OK(nanosleep(&d, NULL));
	t1 = now_ns(CLOCK_MONOTONIC);
	CHECK(t1 - t0 >= 20 * 1000 * 1000);
	CHECK(t1 - t0 < 2000LL * 1000 * 1000);
	CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &d, NULL), 0);
	CHECK(now_ns(CLOCK_MONOTONIC) - t1 >= 20 * 1000 * 1000);
	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += 20 * 1000 * 1000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL),
		 0);
	CHECK(now_ns(CLOCK_MONOTONIC) >= ns(&abs));
	clock_gettime(CLOCK_REALTIME, &abs);
	abs.tv_sec += abs.tv_nsec >= 970000000;
	abs.tv_nsec = (abs.tv_nsec + 30 * 1000 * 1000) % 1000000000;
	CHECK_EQ(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &abs, NULL), 0);
	CHECK(now_ns(CLOCK_REALTIME) >= ns(&abs));
	abs.tv_sec = 1;
	abs.tv_nsec = 0;
	t1 = now_ns(CLOCK_MONOTONIC);
	CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL),
		 0);
	CHECK(now_ns(CLOCK_MONOTONIC) - t1 < 500 * 1000 * 1000);
	d.tv_nsec = 1000000000;
	CHECK_ERR(nanosleep(&d, NULL), EINVAL);
	d.tv_nsec = -1;
	CHECK_ERR(nanosleep(&d, NULL), EINVAL);
	CHECK_EQ(clock_nanosleep((clockid_t)12345, 0, &d, NULL), EINVAL);
	d.tv_nsec = 1000;
	CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC_COARSE, 0, &d, NULL),
		 EOPNOTSUPP);
	CHECK_EQ(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &d, NULL), EINVAL);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* The time left after an interrupted sleep of *asked is what was asked
 * less what passed: at most what was asked, and at least that less the
 * `elapsed` ns measured around the call, give or take a tick. This holds
 * however late the signal comes on a loaded machine. */
static int left_agrees(const struct timespec *asked,
		       const struct timespec *left, long long elapsed)
{
	long long l = ns(left), a = ns(asked);

	return left->tv_nsec >= 0 && left->tv_nsec < 1000000000 && l <= a &&
	       l >= a - elapsed - 20 * 1000000LL;
}

static void signal_interrupts_nanosleep(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct timespec d = { 20, 0 }, left = { 0, 0 };
	pid_t parent = getpid(), pid;
	long long t0;

	sigaction(SIGUSR1, &sa, NULL);
	pid = fork();
	if (pid == 0) {
		struct timespec w = { 0, 30 * 1000 * 1000 };

		nanosleep(&w, NULL);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	t0 = now_ns(CLOCK_MONOTONIC);
	CHECK_ERR(nanosleep(&d, &left), EINTR);
	CHECK(left_agrees(&d, &left, now_ns(CLOCK_MONOTONIC) - t0));
	CHECK_EQ(t_wait(pid), 0);
	pid = fork();
	if (pid == 0) {
		struct timespec w = { 0, 30 * 1000 * 1000 };

		nanosleep(&w, NULL);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	left.tv_sec = -1;
	t0 = now_ns(CLOCK_MONOTONIC);
	CHECK_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &d, &left), EINTR);
	CHECK(left_agrees(&d, &left, now_ns(CLOCK_MONOTONIC) - t0));
	CHECK_EQ(t_wait(pid), 0);
	signal(SIGUSR1, SIG_DFL);
}

/* Put the wall clock at 'at' seconds: 0 or -1. */
static int set_realtime(long long at_ns)
{
	struct timespec t = { at_ns / 1000000000, at_ns % 1000000000 };

	return (int)syscall(SYS_clock_settime, CLOCK_REALTIME, &t);
}

static void setting_the_clock(void)
{
	struct timespec bad_ns = { 2000000000, 1000000000 };
	struct timespec negative = { -1, 0 };
	struct timespec some = { 2000000000, 0 };
	struct timeval bad_us = { 2000000000, 1000000 };
	struct timeval neg_us = { 2000000000, -1 };
	struct timeval tv = { 1900000000, 500000 };
	long long offset, before, mono;

	/* Refused before any permission check, on Linux too. */
	CHECK_ERR(syscall(SYS_clock_settime, CLOCK_MONOTONIC, &some), EINVAL);
	CHECK_ERR(syscall(SYS_clock_settime, CLOCK_REALTIME, &bad_ns), EINVAL);
	CHECK_ERR(syscall(SYS_clock_settime, CLOCK_REALTIME, &negative),
		  EINVAL);
	CHECK_ERR(syscall(SYS_clock_settime, CLOCK_REALTIME, (void *)8),
		  EFAULT);
	CHECK_ERR(syscall(SYS_settimeofday, &bad_us, NULL), EINVAL);
	CHECK_ERR(syscall(SYS_settimeofday, &neg_us, NULL), EINVAL);
	CHECK_ERR(syscall(SYS_settimeofday, (void *)8, NULL), EFAULT);
	if (t_on_linux()) {
		t_kestrel_only("setting the clock (it is the host's)");
		return;
	}
	offset = now_ns(CLOCK_REALTIME) - now_ns(CLOCK_MONOTONIC);
	mono = now_ns(CLOCK_MONOTONIC);
	CHECK_OK(set_realtime(2000000000LL * 1000000000));
	before = now_ns(CLOCK_REALTIME);
	CHECK(before >= 2000000000LL * 1000000000 &&
	      before < 2000000060LL * 1000000000);
	CHECK(time(NULL) >= 2000000000 && time(NULL) < 2000000060);
	CHECK(now_ns(CLOCK_MONOTONIC) >= mono); /* not moved */
	CHECK_OK(syscall(SYS_settimeofday, &tv, NULL));
	gettimeofday(&tv, NULL);
	CHECK(tv.tv_sec >= 1900000000 && tv.tv_sec < 1900000060);
	CHECK(now_ns(CLOCK_REALTIME) >= 1900000000500000000LL);
	/* No time value: only the zone, which is forgotten. */
	CHECK_OK(syscall(SYS_settimeofday, NULL, NULL));
	/* Back to where it was. */
	CHECK_OK(set_realtime(now_ns(CLOCK_MONOTONIC) + offset));
	CHECK(now_ns(CLOCK_REALTIME) - now_ns(CLOCK_MONOTONIC) - offset <
	      1000000000LL);
}

/* The RTC's time as seconds since 1970, UTC. */
static long long rtc_seconds(const struct rtc_time *r)
{
	struct tm tm = { .tm_sec = r->tm_sec,
			 .tm_min = r->tm_min,
			 .tm_hour = r->tm_hour,
			 .tm_mday = r->tm_mday,
			 .tm_mon = r->tm_mon,
			 .tm_year = r->tm_year };

	return (long long)timegm(&tm);
}

static void clock_device(void)
{
	struct rtc_time r, feb30, now_r;
	struct tm check;
	time_t at;
	long long diff;
	int fd = open("/dev/rtc0", O_RDONLY);

	if (fd < 0 && t_on_linux()) {
		t_kestrel_only("/dev/rtc0 (this host has none to open)");
		return;
	}
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK_OK(ioctl(fd, RTC_RD_TIME, &r));
	/* The calendar fields are the wall clock's: a wrong field or zone
	 * would be hours or more away. */
	diff = rtc_seconds(&r) - (long long)time(NULL);
	CHECK(diff > -120 && diff < 120);
	at = (time_t)rtc_seconds(&r);
	gmtime_r(&at, &check);
	CHECK_EQ(r.tm_wday, check.tm_wday);
	CHECK_EQ(r.tm_yday, check.tm_yday);
	CHECK_ERR(ioctl(fd, RTC_RD_TIME, (void *)8), EFAULT);
	CHECK_ERR(ioctl(fd, RTC_SET_TIME, (void *)8), EFAULT);
	CHECK_ERR(ioctl(fd, _IO('p', 0x7f), 0), ENOTTY); /* no such */
	if (t_on_linux()) {
		t_kestrel_only("setting the RTC (it is the host's)");
		close(fd);
		return;
	}
	feb30 = r;
	feb30.tm_mon = 1;
	feb30.tm_mday = 30;
	CHECK_ERR(ioctl(fd, RTC_SET_TIME, &feb30), EINVAL);
	feb30.tm_mday = 1;
	feb30.tm_year = 69;
	CHECK_ERR(ioctl(fd, RTC_SET_TIME, &feb30), EINVAL);
	feb30.tm_year = 130;
	feb30.tm_mon = 12;
	CHECK_ERR(ioctl(fd, RTC_SET_TIME, &feb30), EINVAL);
	/* 2030-06-15 22:34:56 (an afternoon hour: a 12-hour CMOS mode would
	 * show a PM mistake). */
	r = (struct rtc_time){ .tm_sec = 56,
			       .tm_min = 34,
			       .tm_hour = 22,
			       .tm_mday = 15,
			       .tm_mon = 5,
			       .tm_year = 130 };
	CHECK_OK(ioctl(fd, RTC_SET_TIME, &r));
	CHECK_OK(ioctl(fd, RTC_RD_TIME, &now_r));
	diff = rtc_seconds(&now_r) - rtc_seconds(&r);
	CHECK(diff >= 0 && diff < 5);
	CHECK_EQ(now_r.tm_year, 130);
	CHECK_EQ(now_r.tm_hour, 22);
	/* The system time did not move. */
	CHECK(time(NULL) < 1900000000);
	/* Back to the system time, as hwclock --systohc does. */
	at = time(NULL);
	gmtime_r(&at, &check);
	r = (struct rtc_time){ .tm_sec = check.tm_sec,
			       .tm_min = check.tm_min,
			       .tm_hour = check.tm_hour,
			       .tm_mday = check.tm_mday,
			       .tm_mon = check.tm_mon,
			       .tm_year = check.tm_year };
	CHECK_OK(ioctl(fd, RTC_SET_TIME, &r));
	close(fd);
}

static void sched_yield_returns(void)
{
	CHECK_EQ(sched_yield(), 0);
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 60);
	RUN(realtime_agrees_with_gettimeofday_and_time);
	RUN(monotonic_never_goes_back);
	RUN(boottime_and_resolution);
	RUN(cpu_clock_counts_work_not_sleep);
	RUN(sleeps_last_long_enough);
	RUN(signal_interrupts_nanosleep);
	RUN(sched_yield_returns);
	RUN(setting_the_clock);
	RUN(clock_device);
	return t_end();
}
