/*
 * t_fdsig: signals, events and timers as file descriptors. An eventfd
 * adds what is written and read takes it all (or 1 with
 * EFD_SEMAPHORE), EAGAIN when empty or full with EFD_NONBLOCK, EINVAL
 * for short buffers and the value 2^64-1, and a reader blocked in read
 * is woken by a child's write; a timerfd counts its expiries (one-shot,
 * periodic, TIMER_ABSTIME), timerfd_gettime and the old value, EINVAL
 * and EBADF; a signalfd reads blocked signals with their siginfo
 * (kill's si_pid and si_uid, sigqueue's value, queued real-time signals
 * in order), several in one read, EAGAIN when none, a changed mask;
 * each of them wakes poll, select and a blocked read. docs/signals.md
 * and docs/files.md.
 */
#include "t.h"
#include <poll.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>

#define MS (1000 * 1000L)

static int readable(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

static void eventfd_counts(void)
{
	uint64_t v = 0;
	int fd = eventfd(3, EFD_NONBLOCK);

	CHECK(fd >= 0);
	CHECK(readable(fd, 0));
	v = 4;
	CHECK_EQ(write(fd, &v, 8), 8);
	CHECK_EQ(read(fd, &v, 8), 8);
	CHECK_EQ(v, 7);
	CHECK(!readable(fd, 0));
	CHECK_ERR(read(fd, &v, 8), EAGAIN);
	CHECK_ERR(read(fd, &v, 4), EINVAL);
	CHECK_ERR(write(fd, &v, 4), EINVAL);
	v = UINT64_MAX;
	CHECK_ERR(write(fd, &v, 8), EINVAL);
	v = UINT64_MAX - 1; /* the most it holds */
	CHECK_EQ(write(fd, &v, 8), 8);
	v = 1;
	CHECK_ERR(write(fd, &v, 8), EAGAIN);
	{
		struct pollfd p = { fd, POLLOUT, 0 };

		CHECK_EQ(poll(&p, 1, 0), 0);
	}
	CHECK_EQ(read(fd, &v, 8), 8);
	CHECK_EQ(v, UINT64_MAX - 1);
	CHECK_OK(close(fd));
	/* A semaphore gives 1 at a time. */
	fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
	CHECK_EQ(read(fd, &v, 8), 8);
	CHECK_EQ(v, 1);
	CHECK_EQ(read(fd, &v, 8), 8);
	CHECK_EQ(v, 1);
	CHECK_ERR(read(fd, &v, 8), EAGAIN);
	CHECK_OK(close(fd));
	CHECK_ERR(syscall(SYS_eventfd2, 0, 0x10), EINVAL);
}

static void eventfd_wakes_a_blocked_reader(void)
{
	int fd = eventfd(0, 0);
	uint64_t v = 0;
	fd_set rd;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		uint64_t one = 41;
		struct timespec ts = { 0, 20 * MS };

		nanosleep(&ts, NULL);
		write(fd, &one, 8);
		nanosleep(&ts, NULL);
		one = 1;
		write(fd, &one, 8);
		_exit(0);
	}
	CHECK_EQ(read(fd, &v, 8), 8); /* sleeps until the child writes */
	CHECK_EQ(v, 41);
	FD_ZERO(&rd);
	FD_SET(fd, &rd);
	CHECK_EQ(select(fd + 1, &rd, NULL, NULL, NULL), 1);
	CHECK_EQ(read(fd, &v, 8), 8);
	CHECK_EQ(v, 1);
	CHECK_EQ(t_wait(pid), 0);
	CHECK_OK(close(fd));
}

static void timerfd_counts_expiries(void)
{
	struct itimerspec its = { { 0, 0 }, { 0, 10 * MS } }, cur, old;
	struct timespec now;
	uint64_t n = 0;
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);

	CHECK(fd >= 0);
	CHECK_OK(timerfd_gettime(fd, &cur));
	CHECK_EQ(cur.it_value.tv_sec + cur.it_value.tv_nsec, 0);
	CHECK_OK(timerfd_settime(fd, 0, &its, NULL));
	CHECK_EQ(read(fd, &n, 8), 8); /* sleeps until it fires */
	CHECK_EQ(n, 1);
	CHECK_OK(timerfd_gettime(fd, &cur)); /* one-shot: disarmed */
	CHECK_EQ(cur.it_value.tv_sec + cur.it_value.tv_nsec, 0);
	/* Periodic: at least 60 ms pass, so several expiries are read
	 * at once. */
	its.it_interval.tv_nsec = 5 * MS;
	its.it_value.tv_nsec = 5 * MS;
	CHECK_OK(timerfd_settime(fd, 0, &its, NULL));
	{
		struct timespec ts = { 0, 60 * MS };

		nanosleep(&ts, NULL);
	}
	CHECK(readable(fd, 0));
	CHECK_EQ(read(fd, &n, 8), 8);
	CHECK(n >= 5);
	its.it_value.tv_sec = 100;
	CHECK_OK(timerfd_settime(fd, 0, &its, &old));
	CHECK_EQ(old.it_interval.tv_nsec, 5 * MS);
	CHECK_OK(timerfd_gettime(fd, &cur));
	CHECK(cur.it_value.tv_sec >= 98 && cur.it_value.tv_sec <= 100);
	CHECK(!readable(fd, 0)); /* settime dropped the count */
	CHECK_OK(close(fd));
	/* TIMER_ABSTIME on the wall clock, read through poll. */
	fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
	CHECK_ERR(read(fd, &n, 8), EAGAIN);
	CHECK_OK(clock_gettime(CLOCK_REALTIME, &now));
	its = (struct itimerspec){ { 0, 0 }, now };
	its.it_value.tv_nsec += 10 * MS;
	if (its.it_value.tv_nsec >= 1000 * MS) {
		its.it_value.tv_sec++;
		its.it_value.tv_nsec -= 1000 * MS;
	}
	CHECK_OK(timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL));
	CHECK(readable(fd, 5000));
	CHECK_EQ(read(fd, &n, 8), 8);
	CHECK_EQ(n, 1);
	CHECK_ERR(read(fd, &n, 4), EINVAL);
	its.it_value.tv_nsec = 1000 * MS;
	CHECK_ERR(timerfd_settime(fd, 0, &its, NULL), EINVAL);
	CHECK_OK(close(fd));
	CHECK_ERR(timerfd_create(99, 0), EINVAL);
	CHECK_ERR(timerfd_create(CLOCK_MONOTONIC, 0x10), EINVAL);
	CHECK_ERR(timerfd_gettime(0, &cur), EINVAL); /* not a timerfd */
	CHECK_ERR(timerfd_gettime(999, &cur), EBADF);
}

static void signalfd_reads_signals(void)
{
	struct signalfd_siginfo si[4];
	int r = SIGRTMIN + 1;
	sigset_t set;
	int fd;

	t_block_signal(SIGUSR1);
	t_block_signal(r);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	fd = signalfd(-1, &set, SFD_NONBLOCK);
	CHECK(fd >= 0);
	CHECK_ERR(read(fd, si, sizeof(si)), EAGAIN);
	CHECK(!readable(fd, 0));
	CHECK_OK(kill(getpid(), SIGUSR1));
	CHECK(readable(fd, 0));
	CHECK_ERR(read(fd, si, 100), EINVAL);
	CHECK_EQ(read(fd, si, sizeof(si)), (long)sizeof(si[0]));
	CHECK_EQ(si[0].ssi_signo, SIGUSR1);
	CHECK_EQ(si[0].ssi_code, SI_USER);
	CHECK_EQ(si[0].ssi_pid, getpid());
	CHECK_EQ(si[0].ssi_uid, getuid());
	/* A new mask on the same descriptor: queued values, in order, all
	 * in one read. */
	sigaddset(&set, r);
	CHECK_EQ(signalfd(fd, &set, 0), fd);
	for (int i = 0; i < 3; i++) {
		union sigval v = { .sival_int = 70 + i };

		CHECK_OK(sigqueue(getpid(), r, v));
	}
	CHECK_EQ(read(fd, si, sizeof(si)), 3 * (long)sizeof(si[0]));
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(si[i].ssi_signo, r);
		CHECK_EQ(si[i].ssi_code, SI_QUEUE);
		CHECK_EQ(si[i].ssi_int, 70 + i);
	}
	CHECK_ERR(signalfd(0, &set, 0), EINVAL); /* not a signalfd */
	CHECK_ERR(syscall(SYS_signalfd4, -1, &set, 4, 0), EINVAL);
	CHECK_OK(close(fd));
	t_unblock_signal(SIGUSR1);
	t_unblock_signal(r);
}

static void signalfd_wakes_a_blocked_reader(void)
{
	struct signalfd_siginfo si;
	sigset_t set;
	pid_t pid;
	int fd;

	t_block_signal(SIGUSR2);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	fd = signalfd(-1, &set, 0);
	pid = fork();
	if (pid == 0) {
		struct timespec ts = { 0, 20 * MS };

		nanosleep(&ts, NULL);
		kill(getppid(), SIGUSR2);
		_exit(0);
	}
	CHECK_EQ(read(fd, &si, sizeof(si)), (long)sizeof(si));
	CHECK_EQ(si.ssi_signo, SIGUSR2);
	CHECK_EQ(si.ssi_pid, pid);
	CHECK_EQ(t_wait(pid), 0);
	CHECK_OK(close(fd));
	t_unblock_signal(SIGUSR2);
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 120);
	RUN(eventfd_counts);
	RUN(eventfd_wakes_a_blocked_reader);
	RUN(timerfd_counts_expiries);
	RUN(signalfd_reads_signals);
	RUN(signalfd_wakes_a_blocked_reader);
	return t_end();
}
