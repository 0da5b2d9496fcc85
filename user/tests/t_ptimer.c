/*
 * t_ptimer: POSIX timers. timer_create with SIGEV_SIGNAL (its value,
 * si_code SI_TIMER, si_timerid), with no sigevent (SIGALRM carrying the
 * timer's id), with SIGEV_THREAD_ID (the signal reaches that thread),
 * SIGEV_NONE (only counts down) and musl's SIGEV_THREAD (a thread runs
 * the function); timer_settime relative and TIMER_ABSTIME (a time
 * already past fires at once) and its old value; timer_gettime;
 * overruns of a periodic timer whose signal waits (si_overrun and
 * timer_getoverrun agree); timer_delete; the errors (EINVAL). The times
 * only bound what must have happened; nothing checks how long a call
 * took. docs/signals.md, "POSIX timers".
 */
#include "t.h"
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <sys/syscall.h>

#define MS (1000 * 1000L)

static int wait_for(int sig, siginfo_t *si)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	return sigwaitinfo(&set, si);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * MS };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int make_timer(clockid_t clk, int notify, int sig, int value,
		      timer_t *id)
{
	struct sigevent ev;

	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = notify;
	ev.sigev_signo = sig;
	ev.sigev_value.sival_int = value;
	return timer_create(clk, &ev, id);
}

static int arm(timer_t id, int flags, long value_ns, long interval_ns,
	       struct itimerspec *old)
{
	struct itimerspec its = {
		{ interval_ns / 1000000000, interval_ns % 1000000000 },
		{ value_ns / 1000000000, value_ns % 1000000000 }
	};

	return timer_settime(id, flags, &its, old);
}

static long ns_of(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000L + ts->tv_nsec;
}

static void one_shot_signal(void)
{
	int sig = SIGRTMIN + 1;
	struct itimerspec cur;
	siginfo_t si;
	timer_t id;

	t_block_signal(sig);
	CHECK_OK(make_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, sig, 1234, &id));
	CHECK_OK(arm(id, 0, 10 * MS, 0, NULL));
	memset(&si, 0, sizeof(si));
	CHECK_EQ(wait_for(sig, &si), sig);
	CHECK_EQ(si.si_code, SI_TIMER);
	CHECK_EQ(si.si_value.sival_int, 1234);
	CHECK_EQ(si.si_timerid, (int)(intptr_t)id);
	CHECK_EQ(si.si_overrun, 0);
	CHECK_OK(timer_gettime(id, &cur)); /* fired: disarmed */
	CHECK_EQ(ns_of(&cur.it_value), 0);
	CHECK_EQ(timer_getoverrun(id), 0);
	CHECK_OK(timer_delete(id));
	t_unblock_signal(sig);
}

static void gettime_and_old_value(void)
{
	struct itimerspec cur, old;
	timer_t id;

	CHECK_OK(make_timer(CLOCK_REALTIME, SIGEV_SIGNAL, SIGRTMIN, 0, &id));
	CHECK_OK(arm(id, 0, 10000 * MS, 500 * MS, &old));
	CHECK_EQ(ns_of(&old.it_value), 0);
	CHECK_OK(timer_gettime(id, &cur));
	CHECK(ns_of(&cur.it_value) > 0);
	CHECK(ns_of(&cur.it_value) <= 10000 * MS);
	CHECK_EQ(ns_of(&cur.it_interval), 500 * MS);
	CHECK_OK(arm(id, 0, 0, 0, &old)); /* disarm */
	CHECK(ns_of(&old.it_value) > 0);
	CHECK(ns_of(&old.it_value) <= 10000 * MS);
	CHECK_EQ(ns_of(&old.it_interval), 500 * MS);
	CHECK_OK(timer_gettime(id, &cur));
	CHECK_EQ(ns_of(&cur.it_value), 0);
	CHECK_EQ(ns_of(&cur.it_interval), 0);
	CHECK_OK(timer_delete(id));
}

static void default_sigevent_is_sigalrm_with_id(void)
{
	siginfo_t si;
	timer_t id;

	t_block_signal(SIGALRM);
	CHECK_OK(timer_create(CLOCK_MONOTONIC, NULL, &id));
	CHECK_OK(arm(id, 0, 5 * MS, 0, NULL));
	CHECK_EQ(wait_for(SIGALRM, &si), SIGALRM);
	CHECK_EQ(si.si_code, SI_TIMER);
	CHECK_EQ(si.si_value.sival_int, (int)(intptr_t)id);
	CHECK_OK(timer_delete(id));
	t_unblock_signal(SIGALRM);
}

static void periodic_overruns(void)
{
	int sig = SIGRTMIN + 2;
	siginfo_t si;
	timer_t id;

	t_block_signal(sig);
	CHECK_OK(make_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, sig, 0, &id));
	CHECK_OK(arm(id, 0, 5 * MS, 5 * MS, NULL));
	/* At least 80 ms pass: 16 expiries, one signal queued. */
	sleep_ms(80);
	CHECK_EQ(wait_for(sig, &si), sig);
	CHECK(si.si_overrun >= 8);
	CHECK_EQ(timer_getoverrun(id), si.si_overrun);
	/* Still running: another signal comes. */
	CHECK_EQ(wait_for(sig, &si), sig);
	CHECK_OK(timer_delete(id));
	CHECK_ERR(timer_getoverrun(id), EINVAL);
	t_unblock_signal(sig);
}

static void absolute_times(void)
{
	int sig = SIGRTMIN + 3;
	struct timespec now;
	siginfo_t si;
	timer_t id;

	t_block_signal(sig);
	CHECK_OK(make_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, sig, 5, &id));
	CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &now));
	CHECK_OK(arm(id, TIMER_ABSTIME, ns_of(&now) + 20 * MS, 0, NULL));
	CHECK_EQ(wait_for(sig, &si), sig);
	CHECK_OK(clock_gettime(CLOCK_MONOTONIC, &now));
	/* A time already past: at once. */
	CHECK_OK(arm(id, TIMER_ABSTIME, ns_of(&now) - 5 * MS, 0, NULL));
	CHECK_EQ(wait_for(sig, &si), sig);
	CHECK_OK(timer_delete(id));
	/* The wall clock too. */
	CHECK_OK(make_timer(CLOCK_REALTIME, SIGEV_SIGNAL, sig, 6, &id));
	CHECK_OK(clock_gettime(CLOCK_REALTIME, &now));
	CHECK_OK(arm(id, TIMER_ABSTIME, ns_of(&now) + 10 * MS, 0, NULL));
	CHECK_EQ(wait_for(sig, &si), sig);
	CHECK_EQ(si.si_value.sival_int, 6);
	CHECK_OK(timer_delete(id));
	t_unblock_signal(sig);
}

static void sigev_none_counts_down(void)
{
	struct itimerspec cur;
	timer_t id;

	CHECK_OK(make_timer(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0, &id));
	CHECK_OK(arm(id, 0, 20 * MS, 0, NULL));
	CHECK_OK(timer_gettime(id, &cur));
	CHECK(ns_of(&cur.it_value) > 0);
	sleep_ms(40);
	CHECK_OK(timer_gettime(id, &cur));
	CHECK_EQ(ns_of(&cur.it_value), 0);
	CHECK_OK(timer_delete(id));
}

static int thread_sig;
static pid_t thread_tid;
static sem_t thread_ready;

static void *waiter(void *arg)
{
	siginfo_t si;

	(void)arg;
	thread_tid = (pid_t)syscall(SYS_gettid);
	sem_post(&thread_ready);
	if (wait_for(thread_sig, &si) != thread_sig)
		return (void *)1;
	return si.si_code == SI_TIMER && si.si_value.sival_int == 99
		       ? NULL
		       : (void *)2;
}

static void thread_id_reaches_that_thread(void)
{
	struct sigevent ev;
	pthread_t th;
	void *ret = (void *)-1;
	timer_t id;

	thread_sig = SIGRTMIN + 4;
	t_block_signal(
		thread_sig); /* in every thread: only sigwaitinfo takes it */
	sem_init(&thread_ready, 0, 0);
	CHECK_EQ(pthread_create(&th, NULL, waiter, NULL), 0);
	sem_wait(&thread_ready);
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_THREAD_ID;
	ev.sigev_signo = thread_sig;
	ev.sigev_value.sival_int = 99;
	ev.sigev_notify_thread_id = thread_tid;
	CHECK_OK(timer_create(CLOCK_MONOTONIC, &ev, &id));
	CHECK_OK(arm(id, 0, 10 * MS, 0, NULL));
	CHECK_EQ(pthread_join(th, &ret), 0);
	CHECK(ret == NULL);
	CHECK_OK(timer_delete(id));
	/* Not a thread of this process. */
	ev.sigev_notify_thread_id = getppid();
	CHECK_ERR(timer_create(CLOCK_MONOTONIC, &ev, &id), EINVAL);
	t_unblock_signal(thread_sig);
}

static sem_t notified;
static int notify_value;

static void notify(union sigval v)
{
	notify_value = v.sival_int;
	sem_post(&notified);
}

static void sigev_thread_runs_the_function(void)
{
	struct sigevent ev;
	timer_t id;

	sem_init(&notified, 0, 0);
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_THREAD;
	ev.sigev_notify_function = notify;
	ev.sigev_value.sival_int = 31;
	CHECK_OK(timer_create(CLOCK_MONOTONIC, &ev, &id));
	CHECK_OK(arm(id, 0, 10 * MS, 0, NULL));
	CHECK_OK(sem_wait(&notified));
	CHECK_EQ(notify_value, 31);
	CHECK_OK(timer_delete(id));
}

static void errors(void)
{
	struct itimerspec bad = { { 0, 0 }, { 0, 1000000000 } };
	struct sigevent ev;
	timer_t id;

	CHECK_ERR(make_timer(99, SIGEV_SIGNAL, SIGRTMIN, 0, &id), EINVAL);
	CHECK_ERR(make_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, 65, 0, &id),
		  EINVAL);
	CHECK_ERR(make_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, 0, 0, &id), EINVAL);
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = 99;
	ev.sigev_signo = SIGRTMIN;
	CHECK_ERR(syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &id), EINVAL);
	CHECK_ERR(syscall(SYS_timer_create, CLOCK_MONOTONIC, (void *)8, &id),
		  EFAULT);
	CHECK_OK(make_timer(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0, &id));
	CHECK_ERR(timer_settime(id, 0, &bad, NULL), EINVAL);
	CHECK_OK(timer_delete(id));
	/* musl's timer_delete gives the raw -errno: call the kernel. */
	CHECK_ERR(syscall(SYS_timer_delete, (int)(intptr_t)id), EINVAL);
	CHECK_ERR(syscall(SYS_timer_delete, 12345), EINVAL);
	CHECK_ERR(syscall(SYS_timer_getoverrun, 12345), EINVAL);
	CHECK_ERR(syscall(SYS_timer_gettime, 12345, &bad), EINVAL);
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 120);
	RUN(one_shot_signal);
	RUN(gettime_and_old_value);
	RUN(default_sigevent_is_sigalrm_with_id);
	RUN(periodic_overruns);
	RUN(absolute_times);
	RUN(sigev_none_counts_down);
	RUN(thread_id_reaches_that_thread);
	RUN(sigev_thread_runs_the_function);
	RUN(errors);
	return t_end();
}
