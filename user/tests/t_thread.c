/*
 * t_thread: threads through musl's pthreads. Thread ids and the group id
 * (gettid, getpid, getppid); 1,000 threads created and joined, detached
 * threads; mutexes, condition variables, rwlocks, barriers and
 * semaphores under contention; __thread variables; cancellation; a
 * signal to one thread (pthread_kill) and one to the process, taken by
 * the thread that does not block it; exit from one thread (the process
 * goes on) and exit_group (it ends), a fault in a thread killing the
 * process, the main thread leaving first; wait seeing one child however
 * many threads it had; exec and fork from a thread; a process-shared
 * robust mutex whose owner dies (the kernel's robust-list walk); clone's
 * flag checks and tgkill's errors; /proc/PID/status's Threads line and
 * /proc/PID/task; MemFree back where it was once the threads are
 * joined.
 */
#include "t.h"
#include <dirent.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define CLONE_VM 0x00000100
#define CLONE_SIGHAND 0x00000800
#define CLONE_THREAD 0x00010000

static pid_t tid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* ---- ids ----------------------------------------------------------------- */

struct ids {
	pid_t pid, tid, ppid;
};

static void *report_ids(void *arg)
{
	struct ids *ids = arg;

	ids->pid = getpid();
	ids->tid = tid();
	ids->ppid = getppid();
	return NULL;
}

static void thread_ids(void)
{
	struct ids ids;
	pthread_t t;

	CHECK_EQ(tid(), getpid()); /* the main thread's id is the pid */
	CHECK_EQ(pthread_create(&t, NULL, report_ids, &ids), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(ids.pid, getpid());
	CHECK_EQ(ids.ppid, getppid());
	CHECK(ids.tid != getpid());
	CHECK(ids.tid > 0);
}

/* ---- many threads ----------------------------------------------------- */

static atomic_int counter;

static void *add_one(void *arg)
{
	atomic_fetch_add(&counter, 1);
	return (void *)((long)arg * 2);
}

#define MANY 1000
#define BATCH 50

static void create_join_many(void)
{
	pthread_t t[BATCH];
	int bad = 0;

	atomic_store(&counter, 0);
	for (int i = 0; i < MANY; i += BATCH) {
		for (int j = 0; j < BATCH; j++)
			if (pthread_create(&t[j], NULL, add_one,
					   (void *)(long)(i + j)))
				bad++;
		for (int j = 0; j < BATCH; j++) {
			void *r;

			if (pthread_join(t[j], &r) || (long)r != 2L * (i + j))
				bad++;
		}
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(atomic_load(&counter), MANY);
}

static sem_t detached_done;

static void *detached(void *arg)
{
	(void)arg;
	atomic_fetch_add(&counter, 1);
	sem_post(&detached_done);
	return NULL;
}

static void detached_threads(void)
{
	pthread_attr_t a;
	int bad = 0;

	atomic_store(&counter, 0);
	CHECK_EQ(sem_init(&detached_done, 0, 0), 0);
	CHECK_EQ(pthread_attr_init(&a), 0);
	CHECK_EQ(pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED), 0);
	for (int i = 0; i < 200; i++) {
		pthread_t t;

		if (pthread_create(&t, &a, detached, NULL))
			bad++;
		if (i % 20 == 19)
			for (int j = 0; j < 20; j++)
				sem_wait(&detached_done);
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(atomic_load(&counter), 200);
	/* One more, detached after it started. */
	{
		pthread_t t;

		CHECK_EQ(pthread_create(&t, NULL, detached, NULL), 0);
		CHECK_EQ(pthread_detach(t), 0);
		sem_wait(&detached_done);
	}
	pthread_attr_destroy(&a);
}

/* ---- synchronization -------------------------------------------------- */

#define WORKERS 8

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static long shared_sum;

static void *mutex_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 5000; i++) {
		pthread_mutex_lock(&mutex);
		long v = shared_sum;

		if (i % 64 == 0)
			sched_yield(); /* inside the lock: others must wait */
		shared_sum = v + 1;
		pthread_mutex_unlock(&mutex);
	}
	return NULL;
}

static void mutexes(void)
{
	pthread_t t[WORKERS];

	shared_sum = 0;
	for (int i = 0; i < WORKERS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, mutex_worker, NULL), 0);
	for (int i = 0; i < WORKERS; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(shared_sum, WORKERS * 5000L);
	CHECK_EQ(pthread_mutex_trylock(&mutex), 0);
	CHECK_EQ(pthread_mutex_trylock(&mutex), EBUSY);
	CHECK_EQ(pthread_mutex_unlock(&mutex), 0);
}

/* A bounded queue: producers and consumers on two condition variables. */
#define QSIZE 4
#define ITEMS 2000

static struct {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	int items[QSIZE];
	int head, count;
	long consumed_sum;
	int consumed;
} q = { .lock = PTHREAD_MUTEX_INITIALIZER,
	.not_empty = PTHREAD_COND_INITIALIZER,
	.not_full = PTHREAD_COND_INITIALIZER };

static void *producer(void *arg)
{
	int base = (int)(long)arg;

	for (int i = 1; i <= ITEMS; i++) {
		pthread_mutex_lock(&q.lock);
		while (q.count == QSIZE)
			pthread_cond_wait(&q.not_full, &q.lock);
		q.items[(q.head + q.count++) % QSIZE] = base + i;
		pthread_cond_signal(&q.not_empty);
		pthread_mutex_unlock(&q.lock);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&q.lock);
		while (q.count == 0 && q.consumed < 2 * ITEMS)
			pthread_cond_wait(&q.not_empty, &q.lock);
		if (q.consumed == 2 * ITEMS) {
			pthread_mutex_unlock(&q.lock);
			return NULL;
		}
		q.consumed_sum += q.items[q.head];
		q.head = (q.head + 1) % QSIZE;
		q.count--;
		if (++q.consumed == 2 * ITEMS)
			pthread_cond_broadcast(&q.not_empty);
		pthread_cond_signal(&q.not_full);
		pthread_mutex_unlock(&q.lock);
	}
}

static void condition_variables(void)
{
	pthread_t p[2], c[3];
	long want = 0;

	for (int i = 1; i <= ITEMS; i++)
		want += i + (100000 + i);
	CHECK_EQ(pthread_create(&p[0], NULL, producer, (void *)0L), 0);
	CHECK_EQ(pthread_create(&p[1], NULL, producer, (void *)100000L), 0);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(pthread_create(&c[i], NULL, consumer, NULL), 0);
	for (int i = 0; i < 2; i++)
		CHECK_EQ(pthread_join(p[i], NULL), 0);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(pthread_join(c[i], NULL), 0);
	CHECK_EQ(q.consumed, 2 * ITEMS);
	CHECK_EQ(q.consumed_sum, want);
}

/* Timed wait: nobody signals, ETIMEDOUT after the deadline. */
static void condvar_timeout(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t c = PTHREAD_COND_INITIALIZER;
	struct timespec at, now;

	clock_gettime(CLOCK_REALTIME, &at);
	at.tv_nsec += 50 * 1000 * 1000;
	if (at.tv_nsec >= 1000000000) {
		at.tv_sec++;
		at.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&m);
	CHECK_EQ(pthread_cond_timedwait(&c, &m, &at), ETIMEDOUT);
	pthread_mutex_unlock(&m);
	clock_gettime(CLOCK_REALTIME, &now);
	CHECK(now.tv_sec > at.tv_sec ||
	      (now.tv_sec == at.tv_sec && now.tv_nsec >= at.tv_nsec));
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int rw_a, rw_b; /* equal whenever no writer holds the lock */
static atomic_int rw_bad;

static void *rw_worker(void *arg)
{
	int writer = (int)(long)arg;

	for (int i = 0; i < 2000; i++) {
		if (writer && i % 4 == 0) {
			pthread_rwlock_wrlock(&rw);
			rw_a++;
			if (i % 64 == 0)
				sched_yield();
			rw_b++;
			pthread_rwlock_unlock(&rw);
		} else {
			pthread_rwlock_rdlock(&rw);
			if (rw_a != rw_b)
				atomic_fetch_add(&rw_bad, 1);
			pthread_rwlock_unlock(&rw);
		}
	}
	return NULL;
}

static void rwlocks(void)
{
	pthread_t t[WORKERS];

	for (int i = 0; i < WORKERS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, rw_worker,
					(void *)(long)(i < 3)),
			 0);
	for (int i = 0; i < WORKERS; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(atomic_load(&rw_bad), 0);
	CHECK_EQ(rw_a, 3 * 500);
	CHECK_EQ(rw_a, rw_b);
}

#define ROUNDS 50
static pthread_barrier_t barrier;
static atomic_int arrived[ROUNDS];
static atomic_int barrier_bad, serial_count;

static void *barrier_worker(void *arg)
{
	(void)arg;
	for (int r = 0; r < ROUNDS; r++) {
		atomic_fetch_add(&arrived[r], 1);
		if (pthread_barrier_wait(&barrier) ==
		    PTHREAD_BARRIER_SERIAL_THREAD)
			atomic_fetch_add(&serial_count, 1);
		/* Past the barrier, everyone has arrived for this round. */
		if (atomic_load(&arrived[r]) != WORKERS)
			atomic_fetch_add(&barrier_bad, 1);
	}
	return NULL;
}

static void barriers(void)
{
	pthread_t t[WORKERS];

	CHECK_EQ(pthread_barrier_init(&barrier, NULL, WORKERS), 0);
	for (int i = 0; i < WORKERS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, barrier_worker, NULL), 0);
	for (int i = 0; i < WORKERS; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(atomic_load(&barrier_bad), 0);
	CHECK_EQ(atomic_load(&serial_count), ROUNDS);
	CHECK_EQ(pthread_barrier_destroy(&barrier), 0);
}

static sem_t ping, pong;

static void *ponger(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++) {
		sem_wait(&ping);
		sem_post(&pong);
	}
	return NULL;
}

static void semaphores(void)
{
	pthread_t t;
	struct timespec at;
	int v = -1;

	CHECK_EQ(sem_init(&ping, 0, 0), 0);
	CHECK_EQ(sem_init(&pong, 0, 0), 0);
	CHECK_EQ(pthread_create(&t, NULL, ponger, NULL), 0);
	for (int i = 0; i < 1000; i++) {
		sem_post(&ping);
		sem_wait(&pong);
	}
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(sem_getvalue(&ping, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_ERR(sem_trywait(&ping), EAGAIN);
	clock_gettime(CLOCK_REALTIME, &at);
	at.tv_nsec += 20 * 1000 * 1000;
	if (at.tv_nsec >= 1000000000) {
		at.tv_sec++;
		at.tv_nsec -= 1000000000;
	}
	CHECK_ERR(sem_timedwait(&ping, &at), ETIMEDOUT);
}

/* ---- thread-local storage ---------------------------------------------- */

static __thread long tls_value = 7;
static __thread char tls_buf[64];

static void *tls_worker(void *arg)
{
	long me = (long)arg;

	if (tls_value != 7 || tls_buf[0] != 0)
		return (void *)-1L;
	tls_value = me;
	snprintf(tls_buf, sizeof(tls_buf), "thread %ld", me);
	for (int i = 0; i < 100; i++)
		sched_yield();
	if (tls_value != me)
		return (void *)-2L;
	return (void *)(long)atoi(tls_buf + 7);
}

static void thread_local_storage(void)
{
	pthread_t t[WORKERS];

	tls_value = 99;
	for (long i = 0; i < WORKERS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, tls_worker, (void *)i), 0);
	for (long i = 0; i < WORKERS; i++) {
		void *r;

		CHECK_EQ(pthread_join(t[i], &r), 0);
		CHECK_EQ((long)r, i);
	}
	CHECK_EQ(tls_value, 99);
}

/* ---- cancellation --------------------------------------------------------- */

static void *sleeps_forever(void *arg)
{
	(void)arg;
	for (;;)
		pause(); /* a cancellation point */
	return NULL;
}

static void unlock_mutex(void *m)
{
	pthread_mutex_unlock(m);
}

static void *waits_on_cond(void *arg)
{
	static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	static pthread_cond_t c = PTHREAD_COND_INITIALIZER;

	(void)arg;
	pthread_mutex_lock(&m);
	pthread_cleanup_push(unlock_mutex, &m);
	for (;;)
		pthread_cond_wait(&c, &m);
	pthread_cleanup_pop(1);
	return NULL;
}

static void cancellation(void)
{
	pthread_t t;
	void *r = NULL;
	struct timespec pause_ts = { 0, 20 * 1000 * 1000 };

	CHECK_EQ(pthread_create(&t, NULL, sleeps_forever, NULL), 0);
	nanosleep(&pause_ts, NULL);
	CHECK_EQ(pthread_cancel(t), 0);
	CHECK_EQ(pthread_join(t, &r), 0);
	CHECK(r == PTHREAD_CANCELED);
	r = NULL;
	CHECK_EQ(pthread_create(&t, NULL, waits_on_cond, NULL), 0);
	nanosleep(&pause_ts, NULL);
	CHECK_EQ(pthread_cancel(t), 0);
	CHECK_EQ(pthread_join(t, &r), 0);
	CHECK(r == PTHREAD_CANCELED);
}

/* ---- signals ---------------------------------------------------------------- */

static atomic_int sig_tid, sig_hits;

static void note_tid(int sig)
{
	(void)sig;
	atomic_store(&sig_tid, tid());
	atomic_fetch_add(&sig_hits, 1);
}

static atomic_int worker_tid, worker_stop;

static void *spin_until_stopped(void *arg)
{
	sigset_t s;

	(void)arg;
	sigemptyset(&s);
	pthread_sigmask(SIG_SETMASK, &s, NULL);
	atomic_store(&worker_tid, tid());
	while (!atomic_load(&worker_stop)) {
		struct timespec ts = { 0, 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void wait_for_hits(int n)
{
	struct timespec ts = { 0, 1000 * 1000 };

	for (int i = 0; i < 5000 && atomic_load(&sig_hits) < n; i++)
		nanosleep(&ts, NULL);
}

static void signals_to_threads(void)
{
	struct sigaction sa = { 0 };
	sigset_t block, old;
	pthread_t t;

	sa.sa_handler = note_tid;
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	CHECK_OK(sigaction(SIGUSR2, &sa, NULL));
	atomic_store(&worker_stop, 0);
	atomic_store(&worker_tid, 0);
	atomic_store(&sig_hits, 0);
	CHECK_EQ(pthread_create(&t, NULL, spin_until_stopped, NULL), 0);
	while (!atomic_load(&worker_tid))
		sched_yield();

	/* To one thread: pthread_kill (tgkill). */
	CHECK_EQ(pthread_kill(t, SIGUSR1), 0);
	wait_for_hits(1);
	CHECK_EQ(atomic_load(&sig_hits), 1);
	CHECK_EQ(atomic_load(&sig_tid), atomic_load(&worker_tid));

	/* To the process, while the main thread blocks it: the worker,
	 * which does not, takes it. */
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	CHECK_OK(kill(getpid(), SIGUSR2));
	wait_for_hits(2);
	CHECK_EQ(atomic_load(&sig_hits), 2);
	CHECK_EQ(atomic_load(&sig_tid), atomic_load(&worker_tid));

	/* The mask is the thread's own: the worker's is still empty, the
	 * main thread's still blocks SIGUSR2. */
	{
		sigset_t now;

		pthread_sigmask(SIG_SETMASK, NULL, &now);
		CHECK(sigismember(&now, SIGUSR2));
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	/* To the main thread by tgkill. */
	CHECK_OK(syscall(SYS_tgkill, getpid(), getpid(), SIGUSR1));
	wait_for_hits(3);
	CHECK_EQ(atomic_load(&sig_tid), getpid());

	atomic_store(&worker_stop, 1);
	CHECK_EQ(pthread_join(t, NULL), 0);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);

	/* tgkill and tkill's errors. */
	CHECK_ERR(syscall(SYS_tgkill, getpid(), 0, 0), EINVAL);
	CHECK_ERR(syscall(SYS_tgkill, 0, getpid(), 0), EINVAL);
	CHECK_ERR(syscall(SYS_tgkill, getpid(), getpid(), 1000), EINVAL);
	CHECK_ERR(syscall(SYS_tgkill, getpid(), 4000000, 0), ESRCH);
	CHECK_ERR(syscall(SYS_tgkill, getppid(), getpid(), 0), ESRCH);
	CHECK_ERR(syscall(SYS_tkill, -5, 0), EINVAL);
	CHECK_OK(syscall(SYS_tkill, tid(), 0));
}

/* Per-thread alternate stacks: a new thread has none. */
static void *altstack_of_new_thread(void *arg)
{
	stack_t ss;

	(void)arg;
	if (sigaltstack(NULL, &ss))
		return (void *)-1L;
	return (void *)(long)ss.ss_flags;
}

static void alternate_stacks(void)
{
	static char stack[16384];
	stack_t ss = { .ss_sp = stack, .ss_size = sizeof(stack) }, old;
	pthread_t t;
	void *r;

	CHECK_OK(sigaltstack(&ss, &old));
	CHECK_EQ(pthread_create(&t, NULL, altstack_of_new_thread, NULL), 0);
	CHECK_EQ(pthread_join(t, &r), 0);
	CHECK_EQ((long)r, SS_DISABLE);
	ss.ss_flags = SS_DISABLE;
	CHECK_OK(sigaltstack(&ss, NULL));
}

/* ---- exits ------------------------------------------------------------------ */

static void *exit_process_with_6(void *arg)
{
	(void)arg;
	exit(6);
}

static void *sleep_then_return(void *arg)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	(void)arg;
	nanosleep(&ts, NULL);
	return NULL;
}

static void *exit_thread_only(void *arg)
{
	(void)arg;
	syscall(SYS_exit, 3); /* this thread alone */
	return NULL;
}

static volatile int *volatile nowhere; /* NULL */

static void *fault(void *arg)
{
	(void)arg;
	*nowhere = 1;
	return NULL;
}

/* Run fn in a child process and return its wait status. */
static int in_child(void (*fn)(void))
{
	pid_t pid = fork();

	if (pid == 0) {
		fn();
		_exit(100);
	}
	return t_wait(pid);
}

static void child_thread_exits_process(void)
{
	pthread_t t;

	pthread_create(&t, NULL, exit_process_with_6, NULL);
	pthread_join(t, NULL);
	_exit(1); /* not reached: exit(6) ended every thread */
}

/* In a program of its own: musl's pthread_exit in the main thread
 * needs the tid address that only program start sets (a forked child
 * has none, on Linux as here). */
static void child_main_exits_first(void)
{
	execl(t_self, t_self, "main-exits-first", (char *)NULL);
}

static void main_exits_first(void)
{
	pthread_t t;

	pthread_create(&t, NULL, sleep_then_return, NULL);
	pthread_exit(NULL); /* the process lives until the thread ends */
}

static void child_thread_exit_alone(void)
{
	pthread_t t;
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	t = 0;
	pthread_create(&t, NULL, exit_thread_only, NULL);
	nanosleep(&ts, NULL);
	_exit(11); /* still here after the thread's exit(2) */
}

static void child_thread_faults(void)
{
	pthread_t t;

	pthread_create(&t, NULL, fault, NULL);
	pthread_join(t, NULL);
	_exit(1);
}

static void child_many_threads_exit(void)
{
	pthread_t t[5];

	for (int i = 0; i < 5; i++)
		pthread_create(&t[i], NULL, sleep_then_return, NULL);
	exit(4); /* while they sleep */
}

static void exits(void)
{
	int st;

	st = in_child(child_thread_exits_process);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 6);
	st = in_child(child_main_exits_first);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = in_child(child_thread_exit_alone);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 11);
	st = in_child(child_thread_faults);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
	/* wait sees the process once, not its threads. */
	pid_t pid = fork();

	if (pid == 0) {
		child_many_threads_exit();
		_exit(1);
	}
	CHECK_EQ(waitpid(-1, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 4);
	CHECK_ERR(waitpid(-1, &st, WNOHANG), ECHILD);
}

/* ---- exec and fork from a thread ------------------------------------- */

static char exec_pid_arg[32];

static void *exec_self(void *arg)
{
	(void)arg;
	execl(t_self, t_self, "execd", exec_pid_arg, (char *)NULL);
	return NULL;
}

static void *sleep_forever(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void child_execs_from_thread(void)
{
	pthread_t t, s;

	snprintf(exec_pid_arg, sizeof(exec_pid_arg), "%d", getpid());
	pthread_create(&s, NULL, sleep_forever, NULL);
	pthread_create(&t, NULL, exec_self, NULL);
	pthread_join(t, NULL);
	_exit(1); /* not reached */
}

static atomic_int fork_status = -1;

static void *fork_from_thread(void *arg)
{
	pid_t parent = getpid(), pid;
	int st;

	(void)arg;
	pid = fork();
	if (pid == 0) {
		/* Only this thread came along: it is the child's main one. */
		_exit(getppid() == parent && tid() == getpid() ? 7 : 1);
	}
	st = t_wait(pid);
	atomic_store(&fork_status, st);
	return NULL;
}

static void exec_and_fork_from_threads(void)
{
	pthread_t t;
	int st;

	st = in_child(child_execs_from_thread);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 42);

	CHECK_EQ(pthread_create(&t, NULL, fork_from_thread, NULL), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	st = atomic_load(&fork_status);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
}

/* ---- robust mutexes ------------------------------------------------------ */

static void robust_mutex_owner_dies(void)
{
	pthread_mutex_t *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_mutexattr_t a;
	pid_t pid;
	int fds[2];
	char c;

	CHECK(m != MAP_FAILED);
	if (m == MAP_FAILED)
		return;
	CHECK_EQ(pthread_mutexattr_init(&a), 0);
	CHECK_EQ(pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED), 0);
	CHECK_EQ(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST), 0);
	CHECK_EQ(pthread_mutex_init(m, &a), 0);
	CHECK_OK(pipe(fds));
	pid = fork();
	if (pid == 0) {
		/* Lock it and die holding it: only the kernel's walk of the
		 * robust list can tell the waiter. */
		pthread_mutex_lock(m);
		if (write(fds[1], "x", 1) != 1)
			_exit(2);
		pause();
		_exit(1);
	}
	CHECK_EQ(read(fds[0], &c, 1), 1);
	CHECK_OK(kill(pid, SIGKILL));
	CHECK_EQ(pthread_mutex_lock(m), EOWNERDEAD);
	CHECK_EQ(pthread_mutex_consistent(m), 0);
	CHECK_EQ(pthread_mutex_unlock(m), 0);
	CHECK_EQ(pthread_mutex_lock(m), 0);
	CHECK_EQ(pthread_mutex_unlock(m), 0);
	t_wait(pid);
	close(fds[0]);
	close(fds[1]);
	munmap(m, 4096);
}

/* ---- clone's checks ---------------------------------------------------- */

static void clone_flag_checks(void)
{
	/* A thread without shared handlers; shared handlers without shared
	 * memory: both EINVAL, before anything is made. */
	CHECK_ERR(syscall(SYS_clone, CLONE_THREAD | CLONE_VM, 0, 0, 0, 0),
		  EINVAL);
	CHECK_ERR(syscall(SYS_clone, CLONE_SIGHAND, 0, 0, 0, 0), EINVAL);
	CHECK_ERR(syscall(SYS_clone, CLONE_THREAD | CLONE_SIGHAND, 0, 0, 0, 0),
		  EINVAL);
}

/* ---- /proc -------------------------------------------------------------- */

static sem_t hold, held;
static atomic_int held_tids[3];

static void *hold_until_released(void *arg)
{
	atomic_store(&held_tids[(long)arg], tid());
	sem_post(&held);
	sem_wait(&hold);
	return NULL;
}

/* The value of "Key:" in a /proc status file, or -1. */
static long status_field(const char *path, const char *key)
{
	char line[256];
	long v = -1;
	size_t n = strlen(key);
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, n) == 0 && line[n] == ':')
			v = atol(line + n + 1);
	fclose(f);
	return v;
}

/* The Threads: count once it reaches want, or what it is after 10 s. */
static long settled_threads(long want)
{
	struct timespec pause_ts = { 0, 10 * 1000 * 1000 };
	long n = status_field("/proc/self/status", "Threads");

	for (int i = 0; i < 1000 && n != want; i++) {
		nanosleep(&pause_ts, NULL);
		n = status_field("/proc/self/status", "Threads");
	}
	return n;
}

static void proc_files(void)
{
	pthread_t t[3];
	char path[64];
	int seen = 0, found[3] = { 0 };
	DIR *d;
	struct dirent *e;

	sem_init(&hold, 0, 0);
	sem_init(&held, 0, 0);
	for (long i = 0; i < 3; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, hold_until_released,
					(void *)i),
			 0);
	for (int i = 0; i < 3; i++)
		sem_wait(&held);
	CHECK_EQ(status_field("/proc/self/status", "Threads"), 4);
	CHECK_EQ(status_field("/proc/self/status", "Tgid"), getpid());
	d = opendir("/proc/self/task");
	CHECK(d != NULL);
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		seen++;
		for (int i = 0; i < 3; i++)
			if (atoi(e->d_name) == atomic_load(&held_tids[i]))
				found[i] = 1;
	}
	if (d)
		closedir(d);
	CHECK_EQ(seen, 4);
	CHECK(found[0] && found[1] && found[2]);
	/* A thread's own files: its id as Pid, the process's as Tgid. */
	snprintf(path, sizeof(path), "/proc/self/task/%d/status",
		 atomic_load(&held_tids[1]));
	CHECK_EQ(status_field(path, "Pid"), atomic_load(&held_tids[1]));
	CHECK_EQ(status_field(path, "Tgid"), getpid());
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat",
		 atomic_load(&held_tids[2]));
	{
		FILE *f = fopen(path, "r");
		int first = -1;

		CHECK(f != NULL);
		if (f) {
			CHECK_EQ(fscanf(f, "%d", &first), 1);
			fclose(f);
		}
		CHECK_EQ(first, atomic_load(&held_tids[2]));
	}
	/* Another process's thread is not ours. */
	CHECK_ERR(access("/proc/self/task/1/status", F_OK), ENOENT);
	for (int i = 0; i < 3; i++)
		sem_post(&hold);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	/* pthread_join returns at the CLONE_CHILD_CLEARTID wake, which a
	 * thread gives a moment before it leaves its group (Linux's
	 * mm_release comes before release_task too): the count drops
	 * soon after, not at once. */
	CHECK_EQ(settled_threads(1), 1);
}

/* ---- memory ------------------------------------------------------------ */

/* MemFree once it has stopped moving: threads that exited on another
 * CPU give their kernel stacks back at that CPU's next switch, a moment
 * later. */
static long settled_memfree(void)
{
	struct timespec pause_ts = { 0, 20 * 1000 * 1000 };
	long last = t_memfree_kib();

	for (int i = 0; i < 100; i++) {
		long now;

		nanosleep(&pause_ts, NULL);
		now = t_memfree_kib();
		if (now == last)
			break;
		last = now;
	}
	return last;
}

static void memory_given_back(void)
{
	long before, after;
	pthread_t t[BATCH];

	/* Warm up: musl keeps nothing per thread after a join, but the
	 * first threads grow the heap for good. */
	for (int j = 0; j < BATCH; j++)
		pthread_create(&t[j], NULL, add_one, NULL);
	for (int j = 0; j < BATCH; j++)
		pthread_join(t[j], NULL);
	before = settled_memfree();
	CHECK(before > 0);
	for (int i = 0; i < 4; i++) {
		for (int j = 0; j < BATCH; j++)
			pthread_create(&t[j], NULL, add_one, NULL);
		for (int j = 0; j < BATCH; j++)
			pthread_join(t[j], NULL);
	}
	after = t_memfree_back_to(before);
	if (t_on_linux()) {
		t_kestrel_only("MemFree back to its start after the joins");
	} else {
		if (after < before)
			after = settled_memfree();
		/* No frame kept: all of it back (more, if something from
		 * before the start was given back meanwhile). */
		CHECK(after >= before);
		if (after < before)
			printf("MemFree %ld kB before, %ld kB after\n", before,
			       after);
	}
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "execd") == 0) {
		/* Exec'd by a thread of process argv[2]: the same pid, one
		 * thread, whose id is the pid. */
		return getpid() == atoi(argv[2]) && tid() == getpid() ? 42 : 1;
	}
	if (argc == 2 && strcmp(argv[1], "main-exits-first") == 0)
		main_exits_first();
	t_begin(argv[0], 600);
	RUN(thread_ids);
	RUN(create_join_many);
	RUN(detached_threads);
	RUN(mutexes);
	RUN(condition_variables);
	RUN(condvar_timeout);
	RUN(rwlocks);
	RUN(barriers);
	RUN(semaphores);
	RUN(thread_local_storage);
	RUN(cancellation);
	RUN(signals_to_threads);
	RUN(alternate_stacks);
	RUN(exits);
	RUN(exec_and_fork_from_threads);
	RUN(robust_mutex_owner_dies);
	RUN(clone_flag_checks);
	RUN(proc_files);
	RUN(memory_given_back);
	return t_end();
}
