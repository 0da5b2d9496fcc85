/*
 * t_rtsig: queued real-time signals and waiting for signals. SIGRTMIN..
 * SIGRTMAX sent several times are all kept, in sending order, each with
 * its sigqueue value, while a standard signal sent twice is pending once;
 * sigqueue (rt_sigqueueinfo) and rt_tgsigqueueinfo with their errors
 * (EPERM for a forged si_code, ESRCH, EINVAL); sigtimedwait and
 * sigwaitinfo take a signal with the siginfo Linux fills (si_code,
 * si_pid, si_uid, si_value), time out with EAGAIN, and end with EINTR
 * when another signal runs its handler; RLIMIT_SIGPENDING caps the queue
 * (sigqueue: EAGAIN; kill: sent, its details lost). docs/signals.md.
 */
#include "t.h"
#include <sys/resource.h>
#include <sys/syscall.h>

static volatile sig_atomic_t hits;
static int values[16];

static void record_value(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (hits < 16)
		values[hits] = si->si_value.sival_int;
	hits++;
}

static void count_hit(int sig)
{
	(void)sig;
	hits++;
}

/* Take sig now if pending (a zero timeout): the signal or -1. */
static int take_now(int sig, siginfo_t *si)
{
	struct timespec zero = { 0, 0 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	return sigtimedwait(&set, si, &zero);
}

static int queue_value(pid_t pid, int sig, int value)
{
	union sigval v = { .sival_int = value };

	return sigqueue(pid, sig, v);
}

/* The kernel's rt_tgsigqueueinfo, as pthread_sigqueue would call it. */
static long tgsigqueue(pid_t tgid, pid_t tid, int sig, int code, int value)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = code;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_int = value;
	return syscall(SYS_rt_tgsigqueueinfo, tgid, tid, sig, &si);
}

static void rt_signals_queue_in_order(void)
{
	siginfo_t si;
	int r = SIGRTMIN;

	t_block_signal(r);
	t_block_signal(r + 1);
	CHECK_OK(queue_value(getpid(), r + 1, 10));
	for (int i = 1; i <= 3; i++)
		CHECK_OK(queue_value(getpid(), r, i));
	/* The lower signal first, each of its sends in order. */
	for (int i = 1; i <= 3; i++) {
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, r);
		sigaddset(&set, r + 1);
		CHECK_OK(sigpending(&set));
		CHECK(sigismember(&set, r));
		memset(&si, 0, sizeof(si));
		CHECK_EQ(take_now(r, &si), r);
		CHECK_EQ(si.si_signo, r);
		CHECK_EQ(si.si_code, SI_QUEUE);
		CHECK_EQ(si.si_pid, getpid());
		CHECK_EQ(si.si_uid, getuid());
		CHECK_EQ(si.si_value.sival_int, i);
	}
	CHECK_ERR(take_now(r, &si), EAGAIN);
	CHECK_EQ(take_now(r + 1, &si), r + 1);
	CHECK_EQ(si.si_value.sival_int, 10);
	CHECK_ERR(take_now(r + 1, &si), EAGAIN);
	/* kill of a real-time signal is queued too, one per kill. */
	CHECK_OK(kill(getpid(), r));
	CHECK_OK(kill(getpid(), r));
	CHECK_EQ(take_now(r, &si), r);
	CHECK_EQ(si.si_code, SI_USER);
	CHECK_EQ(si.si_pid, getpid());
	CHECK_EQ(take_now(r, &si), r);
	CHECK_ERR(take_now(r, &si), EAGAIN);
	t_unblock_signal(r);
	t_unblock_signal(r + 1);
}

static void standard_signals_merge(void)
{
	siginfo_t si;

	t_block_signal(SIGUSR1);
	CHECK_OK(kill(getpid(), SIGUSR1));
	CHECK_OK(queue_value(getpid(), SIGUSR1, 7));
	CHECK_OK(kill(getpid(), SIGUSR1));
	/* One pending, with the first sender's details. */
	CHECK_EQ(take_now(SIGUSR1, &si), SIGUSR1);
	CHECK_EQ(si.si_code, SI_USER);
	CHECK_EQ(si.si_pid, getpid());
	CHECK_EQ(si.si_uid, getuid());
	CHECK_ERR(take_now(SIGUSR1, &si), EAGAIN);
	/* tgkill says so in si_code. */
	CHECK_OK(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1));
	CHECK_EQ(take_now(SIGUSR1, &si), SIGUSR1);
	CHECK_EQ(si.si_code, SI_TKILL);
	CHECK_EQ(si.si_pid, getpid());
	t_unblock_signal(SIGUSR1);
}

static void handler_sees_each_value(void)
{
	struct sigaction sa, old;
	int r = SIGRTMIN + 2;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = record_value;
	sa.sa_flags = SA_SIGINFO;
	CHECK_OK(sigaction(r, &sa, &old));
	hits = 0;
	t_block_signal(r);
	for (int i = 0; i < 5; i++)
		CHECK_OK(queue_value(getpid(), r, 100 + i));
	CHECK_EQ(hits, 0);
	t_unblock_signal(r); /* all five run before sigprocmask returns */
	CHECK_EQ(hits, 5);
	for (int i = 0; i < 5; i++)
		CHECK_EQ(values[i], 100 + i);
	CHECK_OK(sigaction(r, &old, NULL));
}

static void sigwaitinfo_waits_for_a_child(void)
{
	int r = SIGRTMIN + 3;
	siginfo_t si;
	sigset_t set;
	pid_t pid;

	t_block_signal(r);
	pid = fork();
	if (pid == 0) {
		queue_value(getppid(), r, 42);
		_exit(0);
	}
	sigemptyset(&set);
	sigaddset(&set, r);
	memset(&si, 0, sizeof(si));
	CHECK_EQ(sigwaitinfo(&set, &si), r);
	CHECK_EQ(si.si_pid, pid);
	CHECK_EQ(si.si_code, SI_QUEUE);
	CHECK_EQ(si.si_value.sival_int, 42);
	CHECK_EQ(t_wait(pid), 0);
	t_unblock_signal(r);
}

static void sigtimedwait_times_out_and_is_interrupted(void)
{
	struct timespec ten_ms = { 0, 10 * 1000 * 1000 };
	struct timespec bad = { 0, 1000 * 1000 * 1000 };
	struct itimerval it = { { 0, 0 }, { 0, 20 * 1000 } };
	struct sigaction sa, old;
	int r = SIGRTMIN + 4;
	siginfo_t si;
	sigset_t set;

	t_block_signal(r);
	sigemptyset(&set);
	sigaddset(&set, r);
	CHECK_ERR(sigtimedwait(&set, &si, &ten_ms), EAGAIN);
	CHECK_ERR(sigtimedwait(&set, &si, &bad), EINVAL);
	CHECK_ERR(sigtimedwait((sigset_t *)8, &si, &ten_ms), EFAULT);
	CHECK_ERR(syscall(SYS_rt_sigtimedwait, &set, &si, &ten_ms, 4), EINVAL);
	/* A signal outside the set, with a handler: EINTR, not restarted
	 * (the system call's; musl's sigwaitinfo calls it again). */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = count_hit;
	sa.sa_flags = SA_RESTART;
	CHECK_OK(sigaction(SIGALRM, &sa, &old));
	hits = 0;
	CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
	CHECK_ERR(syscall(SYS_rt_sigtimedwait, &set, &si, NULL, 8), EINTR);
	CHECK_EQ(hits, 1);
	CHECK_OK(sigaction(SIGALRM, &old, NULL));
	/* A NULL siginfo is allowed. */
	CHECK_OK(queue_value(getpid(), r, 1));
	CHECK_EQ(sigtimedwait(&set, NULL, &ten_ms), r);
	t_unblock_signal(r);
}

static void sigqueue_errors(void)
{
	int r = SIGRTMIN + 5;
	siginfo_t si;
	pid_t pid;

	CHECK_ERR(queue_value(getpid(), 65, 0), EINVAL);
	pid = fork();
	if (pid == 0)
		_exit(0);
	CHECK_EQ(t_wait(pid), 0);
	CHECK_ERR(queue_value(pid, r, 0), ESRCH); /* reaped */
	CHECK_OK(queue_value(getpid(), 0, 0));    /* only checks */
	/* Passing a signal off as a kill or the kernel's: only to oneself. */
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	memset(&si, 0, sizeof(si));
	si.si_code = SI_USER;
	CHECK_ERR(syscall(SYS_rt_sigqueueinfo, pid, SIGTERM, &si), EPERM);
	si.si_code = SI_KERNEL;
	CHECK_ERR(syscall(SYS_rt_sigqueueinfo, pid, SIGTERM, &si), EPERM);
	CHECK_ERR(syscall(SYS_rt_sigqueueinfo, pid, SIGTERM, (void *)8),
		  EFAULT);
	kill(pid, SIGKILL);
	CHECK_EQ(t_wait(pid), SIGKILL);
	t_block_signal(r);
	si.si_code = SI_USER;
	CHECK_OK(syscall(SYS_rt_sigqueueinfo, getpid(), r, &si));
	CHECK_EQ(take_now(r, &si), r);
	CHECK_EQ(si.si_code, SI_USER);
	/* To one thread. */
	CHECK_OK(tgsigqueue(getpid(), gettid(), r, SI_QUEUE, 77));
	CHECK_EQ(take_now(r, &si), r);
	CHECK_EQ(si.si_code, SI_QUEUE);
	CHECK_EQ(si.si_value.sival_int, 77);
	CHECK_ERR(tgsigqueue(0, gettid(), r, SI_QUEUE, 0), EINVAL);
	CHECK_ERR(tgsigqueue(getpid(), 0, r, SI_QUEUE, 0), EINVAL);
	CHECK_ERR(tgsigqueue(getpid() + 100000, gettid(), r, SI_QUEUE, 0),
		  ESRCH);
	CHECK_ERR(tgsigqueue(getpid(), gettid(), 65, SI_QUEUE, 0), EINVAL);
	t_unblock_signal(r);
}

/* How many signals this user has queued now, from /proc/self/status's
 * SigQ line ("SigQ: queued/limit"); -1 if there is none. */
static long queued_now(void)
{
	char line[128];
	long n = -1, lim;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SigQ: %ld/%ld", &n, &lim) == 2)
			break;
	fclose(f);
	return n;
}

/* The limit counts all of a user's queued signals, others' too (on a
 * Linux host some may be pending already): 4 more than now. In a child,
 * as its limit cannot be raised again by a user. */
static void rlimit_sigpending_caps_the_queue(void)
{
	long before = queued_now();
	pid_t pid;

	CHECK(before >= 0);
	pid = fork();
	if (pid == 0) {
		struct rlimit lim = { before + 4, before + 4 };
		int r = SIGRTMIN, sent = 0;
		siginfo_t si;

		t_block_signal(r);
		t_block_signal(r + 1);
		if (setrlimit(RLIMIT_SIGPENDING, &lim) != 0)
			_exit(10);
		if (queued_now() != before)
			_exit(16);
		while (sent < 10 && queue_value(getpid(), r, sent) == 0)
			sent++;
		if (sent != 4 || errno != EAGAIN)
			_exit(11);
		/* kill still sends it, without its details. */
		if (kill(getpid(), r + 1) != 0)
			_exit(12);
		for (int i = 0; i < 4; i++)
			if (take_now(r, &si) != r || si.si_value.sival_int != i)
				_exit(13);
		if (take_now(r + 1, &si) != r + 1 || si.si_code != SI_USER ||
		    si.si_pid != 0)
			_exit(14);
		/* Room again. */
		if (queue_value(getpid(), r, 9) != 0 || take_now(r, &si) != r)
			_exit(15);
		_exit(0);
	}
	CHECK_EQ(t_wait(pid), 0);
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 120);
	RUN(rt_signals_queue_in_order);
	RUN(standard_signals_merge);
	RUN(handler_sees_each_value);
	RUN(sigwaitinfo_waits_for_a_child);
	RUN(sigtimedwait_times_out_and_is_interrupted);
	RUN(sigqueue_errors);
	RUN(rlimit_sigpending_caps_the_queue);
	return t_end();
}
