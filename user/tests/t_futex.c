/*
 * t_futex: the futex system call itself, without the C library's
 * wrappers. Each operation (WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAKE_OP,
 * WAIT_BITSET, WAKE_BITSET; private and shared; relative, absolute and
 * CLOCK_REALTIME timeouts) with good arguments and bad (EAGAIN,
 * ETIMEDOUT, EINTR, EINVAL, EFAULT, ENOSYS as Linux gives them); a word
 * shared between two processes; set_robust_list/get_robust_list; and two
 * stresses with a bounded number of rounds: a futex mutex hammered by
 * several threads, and a broadcast by REQUEUE that every waiter must
 * see. A lost wake-up hangs, and the time limit fails the program.
 *
 * To know a thread is asleep on a word without guessing at times, the
 * tests count the word's waiters with CMP_REQUEUE onto the same word
 * (wake none, requeue all: the count of waiters, none moved).
 */
#include "t.h"
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_FD 2
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_OP_SET 0
#define FUTEX_OP_ADD 1
#define FUTEX_OP_CMP_EQ 0
#define FUTEX_OP_CMP_GT 4
#define FUTEX_OP(op, oparg, cmp, cmparg)                                      \
	(((op & 0xf) << 28) | ((cmp & 0xf) << 24) | ((oparg & 0xfff) << 12) | \
	 (cmparg & 0xfff))

#define P FUTEX_PRIVATE_FLAG

static long futex(void *uaddr, int op, uint32_t val, const void *ts_or_val2,
		  void *uaddr2, uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts_or_val2, uaddr2, val3);
}

/* How many threads wait on word (with value val), counted without
 * moving them. */
static long waiters(atomic_uint *word, int flags)
{
	return futex(word, FUTEX_CMP_REQUEUE | flags, 0, (void *)(long)INT_MAX,
		     word, atomic_load(word));
}

static void wait_for_waiters(atomic_uint *word, int flags, long n)
{
	struct timespec ts = { 0, 1000 * 1000 };

	while (waiters(word, flags) < n)
		nanosleep(&ts, NULL);
}

/* ---- single-thread behaviour and errors ------------------------------ */

static void wait_errors(void)
{
	static atomic_uint word = 5;
	struct timespec rel = { 0, 10 * 1000 * 1000 }, bad = { 0, 2000000000 };
	struct timespec past = { 1, 0 }, neg = { -1, 0 };

	/* The value is not the expected one. */
	CHECK_ERR(futex(&word, FUTEX_WAIT, 4, NULL, NULL, 0), EAGAIN);
	CHECK_ERR(futex(&word, FUTEX_WAIT | P, 4, NULL, NULL, 0), EAGAIN);
	/* A relative timeout runs out. */
	CHECK_ERR(futex(&word, FUTEX_WAIT | P, 5, &rel, NULL, 0), ETIMEDOUT);
	CHECK_ERR(futex(&word, FUTEX_WAIT, 5, &rel, NULL, 0), ETIMEDOUT);
	/* Absolute deadlines in the past, on either clock. */
	CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET | P, 5, &past, NULL, ~0U),
		  ETIMEDOUT);
	CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET | P | FUTEX_CLOCK_REALTIME, 5,
			&past, NULL, ~0U),
		  ETIMEDOUT);
	/* Bad timeouts. */
	CHECK_ERR(futex(&word, FUTEX_WAIT | P, 5, &bad, NULL, 0), EINVAL);
	CHECK_ERR(futex(&word, FUTEX_WAIT | P, 5, &neg, NULL, 0), EINVAL);
	CHECK_ERR(futex(&word, FUTEX_WAIT | P, 5, (void *)8, NULL, 0), EFAULT);
	/* Bad words. */
	CHECK_ERR(futex((char *)&word + 1, FUTEX_WAIT | P, 5, NULL, NULL, 0),
		  EINVAL);
	CHECK_ERR(futex(NULL, FUTEX_WAIT | P, 0, NULL, NULL, 0), EFAULT);
	CHECK_ERR(futex(NULL, FUTEX_WAIT, 0, NULL, NULL, 0), EFAULT);
	CHECK_ERR(futex((void *)0xffffffff80000000UL, FUTEX_WAIT | P, 0, NULL,
			NULL, 0),
		  EFAULT);
	/* A zero bitset matches nothing: EINVAL. */
	CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET | P, 5, NULL, NULL, 0),
		  EINVAL);
	CHECK_ERR(futex(&word, FUTEX_WAKE_BITSET | P, 1, NULL, NULL, 0),
		  EINVAL);
}

static void other_errors(void)
{
	static atomic_uint word = 1, other = 2;

	/* Nobody waits: nothing woken. */
	CHECK_EQ(futex(&word, FUTEX_WAKE | P, 1, NULL, NULL, 0), 0);
	CHECK_EQ(futex(&word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0), 0);
	CHECK_EQ(futex(&word, FUTEX_WAKE_BITSET | P, 1, NULL, NULL, 1), 0);
	/* A shared wake must find the page; a private one need not. */
	CHECK_ERR(futex(NULL, FUTEX_WAKE, 1, NULL, NULL, 0), EFAULT);
	CHECK_EQ(futex((void *)0x1000, FUTEX_WAKE | P, 1, NULL, NULL, 0), 0);
	CHECK_ERR(futex((char *)&word + 2, FUTEX_WAKE | P, 1, NULL, NULL, 0),
		  EINVAL);
	/* Requeue: negative counts, a value that changed. */
	CHECK_ERR(futex(&word, FUTEX_REQUEUE | P, (uint32_t)-1, (void *)1L,
			&other, 0),
		  EINVAL);
	CHECK_ERR(futex(&word, FUTEX_CMP_REQUEUE | P, 1, (void *)-1L, &other,
			1),
		  EINVAL);
	CHECK_ERR(futex(&word, FUTEX_CMP_REQUEUE | P, 1, (void *)1L, &other, 7),
		  EAGAIN);
	CHECK_EQ(futex(&word, FUTEX_CMP_REQUEUE | P, 1, (void *)1L, &other, 1),
		 0);
	CHECK_EQ(futex(&word, FUTEX_REQUEUE | P, 1, (void *)1L, &other, 0), 0);
	CHECK_ERR(futex(&word, FUTEX_CMP_REQUEUE | P, 1, (void *)1L,
			(char *)&other + 1, 1),
		  EINVAL);
	/* WAKE_OP changes the second word even with nobody to wake. */
	atomic_store(&other, 10);
	CHECK_EQ(futex(&word, FUTEX_WAKE_OP | P, 1, (void *)1L, &other,
		       FUTEX_OP(FUTEX_OP_ADD, 5, FUTEX_OP_CMP_EQ, 10)),
		 0);
	CHECK_EQ(atomic_load(&other), 15);
	CHECK_ERR(futex(&word, FUTEX_WAKE_OP | P, 1, (void *)1L, NULL,
			FUTEX_OP(FUTEX_OP_ADD, 5, FUTEX_OP_CMP_EQ, 10)),
		  EFAULT);
	CHECK_ERR(futex(&word, FUTEX_WAKE_OP | P, 1, (void *)1L, &other,
			FUTEX_OP(7, 5, FUTEX_OP_CMP_EQ, 10)),
		  ENOSYS);
	/* No such operation; the realtime clock only for WAIT_BITSET. */
	CHECK_ERR(futex(&word, 99, 0, NULL, NULL, 0), ENOSYS);
	CHECK_ERR(futex(&word, FUTEX_FD, 0, NULL, NULL, 0), ENOSYS);
	CHECK_ERR(futex(&word, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL,
			0),
		  ENOSYS);
}

/* ---- with waiters ------------------------------------------------------- */

struct waiter {
	atomic_uint *word;
	uint32_t val;
	int op;
	uint32_t bitset;
	const struct timespec *ts;
	long result;
	int err;
	atomic_int done;
};

static void *do_wait(void *arg)
{
	struct waiter *w = arg;

	errno = 0;
	w->result = futex(w->word, w->op, w->val, w->ts, NULL, w->bitset);
	w->err = errno;
	atomic_store(&w->done, 1);
	return NULL;
}

static void start_waiter(pthread_t *t, struct waiter *w, atomic_uint *word,
			 int op, uint32_t bitset)
{
	memset(w, 0, sizeof(*w));
	w->word = word;
	w->val = atomic_load(word);
	w->op = op;
	w->bitset = bitset;
	pthread_create(t, NULL, do_wait, w);
}

static void wake_and_requeue(void)
{
	static atomic_uint word = 0, other = 0;
	pthread_t t[4];
	struct waiter w[4];

	for (int i = 0; i < 4; i++)
		start_waiter(&t[i], &w[i], &word, FUTEX_WAIT | P, 0);
	wait_for_waiters(&word, P, 4);
	CHECK_EQ(waiters(&word, P), 4);
	/* Wake one, move two to the other word, leave one. */
	CHECK_EQ(futex(&word, FUTEX_CMP_REQUEUE | P, 1, (void *)2L, &other, 0),
		 3);
	CHECK_EQ(waiters(&word, P), 1);
	CHECK_EQ(waiters(&other, P), 2);
	/* A wake on the old word now finds only the one left there. */
	CHECK_EQ(futex(&word, FUTEX_WAKE | P, INT_MAX, NULL, NULL, 0), 1);
	CHECK_EQ(futex(&other, FUTEX_WAKE | P, 1, NULL, NULL, 0), 1);
	CHECK_EQ(futex(&other, FUTEX_REQUEUE | P, 0, (void *)5L, &word, 0), 1);
	CHECK_EQ(futex(&word, FUTEX_WAKE | P, 5, NULL, NULL, 0), 1);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ(w[i].result, 0);
	}
	/* Shared (not private) waits and wakes meet too. */
	start_waiter(&t[0], &w[0], &word, FUTEX_WAIT, 0);
	wait_for_waiters(&word, 0, 1);
	CHECK_EQ(futex(&word, FUTEX_WAKE, 1, NULL, NULL, 0), 1);
	pthread_join(t[0], NULL);
	CHECK_EQ(w[0].result, 0);
}

static void bitsets(void)
{
	static atomic_uint word = 0;
	pthread_t a, b;
	struct waiter wa, wb;

	start_waiter(&a, &wa, &word, FUTEX_WAIT_BITSET | P, 1);
	start_waiter(&b, &wb, &word, FUTEX_WAIT_BITSET | P, 2);
	wait_for_waiters(&word, P, 2);
	/* Only b's bit. */
	CHECK_EQ(futex(&word, FUTEX_WAKE_BITSET | P, INT_MAX, NULL, NULL, 2),
		 1);
	pthread_join(b, NULL);
	CHECK_EQ(wb.result, 0);
	CHECK_EQ(atomic_load(&wa.done), 0);
	CHECK_EQ(waiters(&word, P), 1);
	/* A plain WAKE matches every bitset. */
	CHECK_EQ(futex(&word, FUTEX_WAKE | P, INT_MAX, NULL, NULL, 0), 1);
	pthread_join(a, NULL);
	CHECK_EQ(wa.result, 0);
}

static void wake_op(void)
{
	static atomic_uint w1 = 0, w2 = 5;
	pthread_t a, b;
	struct waiter wa, wb;

	start_waiter(&a, &wa, &w1, FUTEX_WAIT | P, 0);
	start_waiter(&b, &wb, &w2, FUTEX_WAIT | P, 0);
	wait_for_waiters(&w1, P, 1);
	wait_for_waiters(&w2, P, 1);
	/* w2 += 1; the old value (5) is > 100? no: only w1's waiter. */
	CHECK_EQ(futex(&w1, FUTEX_WAKE_OP | P, 1, (void *)1L, &w2,
		       FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_GT, 100)),
		 1);
	CHECK_EQ(atomic_load(&w2), 6);
	pthread_join(a, NULL);
	CHECK_EQ(wa.result, 0);
	/* w2 = 0; the old value is 6: wake w2's waiter too. */
	start_waiter(&a, &wa, &w1, FUTEX_WAIT | P, 0);
	wait_for_waiters(&w1, P, 1);
	CHECK_EQ(futex(&w1, FUTEX_WAKE_OP | P, 1, (void *)1L, &w2,
		       FUTEX_OP(FUTEX_OP_SET, 0, FUTEX_OP_CMP_EQ, 6)),
		 2);
	CHECK_EQ(atomic_load(&w2), 0);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	CHECK_EQ(wa.result, 0);
	CHECK_EQ(wb.result, 0);
}

static void on_usr1(int sig)
{
	(void)sig;
}

static void interrupted(void)
{
	static atomic_uint word = 0;
	struct sigaction sa = { 0 };
	struct timespec long_ts = { 100, 0 };
	pthread_t t;
	struct waiter w;

	sa.sa_handler = on_usr1; /* no SA_RESTART */
	CHECK_OK(sigaction(SIGUSR1, &sa, NULL));
	start_waiter(&t, &w, &word, FUTEX_WAIT | P, 0);
	wait_for_waiters(&word, P, 1);
	CHECK_EQ(pthread_kill(t, SIGUSR1), 0);
	pthread_join(t, NULL);
	CHECK_EQ(w.result, -1);
	CHECK_EQ(w.err, EINTR);
	/* A timed wait too. */
	memset(&w, 0, sizeof(w));
	w.word = &word;
	w.op = FUTEX_WAIT | P;
	w.ts = &long_ts;
	pthread_create(&t, NULL, do_wait, &w);
	wait_for_waiters(&word, P, 1);
	CHECK_EQ(pthread_kill(t, SIGUSR1), 0);
	pthread_join(t, NULL);
	CHECK_EQ(w.result, -1);
	CHECK_EQ(w.err, EINTR);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGUSR1, &sa, NULL);
}

/* A word in shared memory, waited on by a child process and woken by
 * its parent: the shared (not private) key is the page's. */
static void between_processes(void)
{
	atomic_uint *word = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid;
	int st;

	CHECK(word != MAP_FAILED);
	if (word == MAP_FAILED)
		return;
	atomic_store(word, 0);
	pid = fork();
	if (pid == 0) {
		while (atomic_load(word) == 0)
			futex(word, FUTEX_WAIT, 0, NULL, NULL, 0);
		_exit(atomic_load(word) == 1 ? 0 : 1);
	}
	wait_for_waiters(word, 0, 1);
	atomic_store(word, 1);
	CHECK_EQ(futex(word, FUTEX_WAKE, 1, NULL, NULL, 0), 1);
	st = t_wait(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	munmap(word, 4096);
}

static void robust_list_calls(void)
{
	/* Linux's struct robust_list_head: the list (empty: itself), the
	 * futex offset, the pending entry. */
	void *head[3] = { head, 0, NULL };
	void *got = NULL;
	size_t len = 0;

	CHECK_ERR(syscall(SYS_set_robust_list, &head, sizeof(head) + 1),
		  EINVAL);
	CHECK_OK(syscall(SYS_set_robust_list, &head, sizeof(head)));
	CHECK_OK(syscall(SYS_get_robust_list, 0, &got, &len));
	CHECK(got == &head);
	CHECK_EQ(len, sizeof(head));
	CHECK_ERR(syscall(SYS_get_robust_list, 0, NULL, &len), EFAULT);
	CHECK_ERR(syscall(SYS_get_robust_list, 4000000, &got, &len), ESRCH);
	/* head goes out of scope: no list to walk at exit. */
	CHECK_OK(syscall(SYS_set_robust_list, NULL, sizeof(head)));
}

/* ---- stress --------------------------------------------------------------- */

/* Drepper's futex mutex ("Futexes are tricky", mutex 2): 0 free, 1
 * locked, 2 locked with waiters. */
static atomic_uint mtx;
static long mtx_count;

static void mtx_lock(void)
{
	uint32_t c = 0;

	if (atomic_compare_exchange_strong(&mtx, &c, 1))
		return;
	if (c != 2)
		c = atomic_exchange(&mtx, 2);
	while (c != 0) {
		futex(&mtx, FUTEX_WAIT | P, 2, NULL, NULL, 0);
		c = atomic_exchange(&mtx, 2);
	}
}

static void mtx_unlock(void)
{
	if (atomic_fetch_sub(&mtx, 1) != 1) {
		atomic_store(&mtx, 0);
		futex(&mtx, FUTEX_WAKE | P, 1, NULL, NULL, 0);
	}
}

#define STRESS_THREADS 4
#define STRESS_ITERS 20000

static void *mtx_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < STRESS_ITERS; i++) {
		mtx_lock();
		mtx_count++;
		if (i % 128 == 0)
			sched_yield();
		mtx_unlock();
	}
	return NULL;
}

static void stress_mutex(void)
{
	pthread_t t[STRESS_THREADS];

	for (int i = 0; i < STRESS_THREADS; i++)
		pthread_create(&t[i], NULL, mtx_worker, NULL);
	for (int i = 0; i < STRESS_THREADS; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(mtx_count, (long)STRESS_THREADS * STRESS_ITERS);
	CHECK_EQ(atomic_load(&mtx), 0);
}

/* A broadcast by requeue: each round the main thread bumps gen, wakes
 * one waiter and moves the rest to gate, then wakes gate. Every waiter
 * must see every round (acks counts them); a waiter lost on either
 * word would leave the main thread waiting for its ack forever. */
#define ROUNDS 1000
static atomic_uint gen, gate, acks;

static void *round_waiter(void *arg)
{
	uint32_t seen = 0;

	(void)arg;
	for (uint32_t r = 1; r <= ROUNDS; r++) {
		uint32_t g;

		while ((g = atomic_load(&gen)) == seen)
			futex(&gen, FUTEX_WAIT | P, g, NULL, NULL, 0);
		seen = g;
		atomic_fetch_add(&acks, 1);
		futex(&acks, FUTEX_WAKE | P, 1, NULL, NULL, 0);
	}
	return NULL;
}

static void stress_requeue(void)
{
	pthread_t t[STRESS_THREADS];
	int bad = 0;

	for (int i = 0; i < STRESS_THREADS; i++)
		pthread_create(&t[i], NULL, round_waiter, NULL);
	for (uint32_t r = 1; r <= ROUNDS; r++) {
		uint32_t a;
		long n;

		atomic_store(&gen, r);
		n = futex(&gen, FUTEX_CMP_REQUEUE | P, 1, (void *)(long)INT_MAX,
			  &gate, r);
		if (n < 0)
			bad++;
		futex(&gate, FUTEX_WAKE | P, INT_MAX, NULL, NULL, 0);
		/* Moved to gate, they wait there for gen's value that has
		 * passed: a wake on gate is what ends their sleep. */
		while ((a = atomic_load(&acks)) < r * STRESS_THREADS)
			futex(&acks, FUTEX_WAIT | P, a, NULL, NULL, 0);
	}
	for (int i = 0; i < STRESS_THREADS; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(bad, 0);
	CHECK_EQ(atomic_load(&acks), ROUNDS * STRESS_THREADS);
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 600);
	RUN(wait_errors);
	RUN(other_errors);
	RUN(wake_and_requeue);
	RUN(bitsets);
	RUN(wake_op);
	RUN(interrupted);
	RUN(between_processes);
	RUN(robust_list_calls);
	RUN(stress_mutex);
	RUN(stress_requeue);
	return t_end();
}
