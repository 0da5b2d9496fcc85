/*
 * Threads and the scheduler: spawning, switching, sleeping, ending, and
 * the two signal handlers (the timer that preempts, and the stack
 * overflow report). docs/uthread.md has the pictures.
 *
 * A thread is in exactly one place at a time:
 *
 *   RUNNING   ut_current (one thread)
 *   RUNNABLE  the run queue, FIFO: yield and every wakeup go to the tail
 *   BLOCKED   one wait queue (mutex, cond, sem, join), a channel's
 *             waiters, the sleep list (by deadline) or the I/O list
 *   ZOMBIE    ended: waiting for its joiner, or on the reap list when
 *             detached (freed by the next thread to run, since a thread
 *             cannot unmap the stack it stands on)
 *
 * ut_schedule() is the only place that switches: it takes the run queue's
 * head; with nothing runnable it wakes sleepers whose time has come and
 * waits in poll() for the descriptors threads wait on, at most until the
 * earliest deadline. With nothing runnable, no sleeper and no I/O
 * wait, every thread waits for another: a deadlock, reported.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
#define GUARD_LEN PAGE
#define ALTSTACK_LEN (64 * 1024)
#define MXCSR_DEFAULT 0x1f80  /* all SSE exceptions masked, round nearest */
#define X87_CW_DEFAULT 0x037f /* the same for the x87, 64-bit precision */
#define IO_CHECK_EVERY 32     /* switches between looks at waiting I/O */

static struct uthread main_thread = {
	.id = 0,
	.state = UT_RUNNING,
	.name = "main",
};

volatile sig_atomic_t ut_in_lib;
static volatile sig_atomic_t preempt_pending;
static volatile sig_atomic_t preempt_off_depth;

/* All below: inside the guard only. */
struct uthread *ut_current = &main_thread;
static struct uthread *runq_head, *runq_tail;
static struct uthread *sleepers;    /* sorted by wake_at */
static struct uthread *reap_list;   /* detached zombies, via next */
static struct uthread *all_threads; /* with a stack: the overflow check */
static int live_threads = 1;        /* not yet ZOMBIE, main included */
static int next_id = 1;
static unsigned long switches;
static int segv_handler_set;

static inline void barrier(void)
{
	asm volatile("" ::: "memory");
}

void lib_enter(void)
{
	ut_in_lib++;
	barrier();
}

/* Leaving the outermost critical section makes the switch a timer tick
 * asked for while we were inside. */
void lib_leave(void)
{
	barrier();
	if (--ut_in_lib == 0 && preempt_pending && !preempt_off_depth) {
		preempt_pending = 0;
		uthread_yield();
	}
}

uint64_t ut_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void ut_make_runnable(struct uthread *t)
{
	t->state = UT_RUNNABLE;
	t->next = NULL;
	if (runq_tail)
		runq_tail->next = t;
	else
		runq_head = t;
	runq_tail = t;
}

static struct uthread *runq_pop(void)
{
	struct uthread *t = runq_head;

	if (t) {
		runq_head = t->next;
		if (!runq_head)
			runq_tail = NULL;
		t->next = NULL;
	}
	return t;
}

void ut_waitq_push(struct uthread_waitq *q, struct uthread *t)
{
	t->next = NULL;
	if (q->tail)
		q->tail->next = t;
	else
		q->head = t;
	q->tail = t;
}

struct uthread *ut_waitq_pop(struct uthread_waitq *q)
{
	struct uthread *t = q->head;

	if (t) {
		q->head = t->next;
		if (!q->head)
			q->tail = NULL;
		t->next = NULL;
	}
	return t;
}

void ut_wait_on(struct uthread_waitq *q)
{
	ut_current->state = UT_BLOCKED;
	ut_waitq_push(q, ut_current);
	ut_schedule();
}

static void wake_sleepers(uint64_t now)
{
	while (sleepers && sleepers->wake_at <= now) {
		struct uthread *t = sleepers;

		sleepers = t->sleep_next;
		t->sleep_next = NULL;
		ut_make_runnable(t);
	}
}

static void free_thread(struct uthread *t)
{
	if (!t->map)
		return; /* main */
	if (t->all_prev)
		t->all_prev->all_next = t->all_next;
	else
		all_threads = t->all_next;
	if (t->all_next)
		t->all_next->all_prev = t->all_prev;
	munmap(t->map, t->map_len);
}

/* Run on the new thread's stack after every switch. */
static void after_switch(void)
{
	errno = ut_current->saved_errno;
	while (reap_list) {
		struct uthread *t = reap_list;

		reap_list = t->next;
		free_thread(t);
	}
}

static void __attribute__((noreturn)) deadlock(void)
{
	static const char msg[] =
		"uthread: deadlock: every thread is blocked for good\n";

	(void)!write(2, msg, sizeof(msg) - 1);
	abort();
}

/* Nothing is runnable: wait for a deadline or a descriptor. */
static void idle(void)
{
	int timeout_ms = -1;

	if (sleepers) {
		uint64_t now = ut_now_ns();

		if (sleepers->wake_at <= now)
			return;
		/* rounded up, so the wait never ends before the deadline */
		timeout_ms =
			(int)((sleepers->wake_at - now + 999999) / 1000000);
	}
	if (ut_io_poll(timeout_ms))
		return;
	if (!sleepers)
		deadlock();
	struct timespec ts = { timeout_ms / 1000,
			       (timeout_ms % 1000) * 1000000L };
	nanosleep(&ts, NULL); /* a signal may end it early: we look again */
}

/* LAB uthread: begin */
void ut_schedule(void)
{
	struct uthread *prev = ut_current, *next;

	for (;;) {
		if (sleepers)
			wake_sleepers(ut_now_ns());
		if (++switches % IO_CHECK_EVERY == 0)
			ut_io_poll(0);
		next = runq_pop();
		if (next)
			break;
		idle();
	}
	preempt_pending = 0;
	next->state = UT_RUNNING;
	if (next == prev)
		return;
	prev->saved_errno = errno;
	ut_current = next;
	ut_switch(&prev->sp, next->sp);
	after_switch();
}
#if 0 /* LAB uthread: stub */
/* The stubs' answer until the lab is done: say what is missing, abort. */
static void __attribute__((noreturn)) todo(const char *what)
{
	char msg[160];
	int n = snprintf(msg, sizeof(msg),
			 "uthread: %s is not written yet (lab uthread)\n",
			 what);

	(void)!write(2, msg, (size_t)n);
	abort();
}

/*
 * Lab uthread, task 2: pick the next thread and switch to it. Wake the
 * sleepers whose deadline has passed (wake_sleepers), look at the I/O
 * list now and then (ut_io_poll(0), every IO_CHECK_EVERY switches),
 * take the run queue's head (runq_pop) or, with nothing runnable, wait
 * (idle) and look again. Then the chosen thread is RUNNING; if it is
 * not the caller, keep the caller's errno, make the chosen one
 * ut_current and ut_switch to it. Whatever runs after the switch on the
 * chosen thread's stack finishes with after_switch().
 */
void ut_schedule(void)
{
	(void)wake_sleepers;
	(void)runq_pop;
	(void)idle;
	(void)switches;
	todo("ut_schedule (sched.c, task 2)");
}

#endif /* LAB uthread: end */

/* ---- the stack overflow report ------------------------------------------ */

static void put_str(char **p, const char *s)
{
	while (*s)
		*(*p)++ = *s++;
}

static void put_uint(char **p, unsigned long v)
{
	char digits[24];
	int n = 0;

	do
		digits[n++] = (char)('0' + v % 10);
	while (v /= 10);
	while (n)
		*(*p)++ = digits[--n];
}

/* SIGSEGV, on the alternate stack: a fault in a thread's guard page is a
 * stack overflow; say whose and die of the signal. Any other fault dies
 * the same way, unexplained. Uses only async-signal-safe calls. */
static void on_segv(int sig, siginfo_t *si, void *context)
{
	uintptr_t addr = (uintptr_t)si->si_addr;

	(void)sig;
	(void)context;

	for (struct uthread *t = all_threads; t; t = t->all_next) {
		uintptr_t guard = (uintptr_t)t->map;

		if (addr >= guard && addr < guard + t->guard_len) {
			char msg[96], *p = msg;

			put_str(&p, "uthread: stack overflow in thread ");
			put_uint(&p, (unsigned long)t->id);
			put_str(&p, " \"");
			put_str(&p, t->name);
			put_str(&p, "\"\n");
			(void)!write(2, msg, (size_t)(p - msg));
			break;
		}
	}
	/* Returning makes the access fault again, now with no handler. */
	signal(SIGSEGV, SIG_DFL);
}

static int set_segv_handler(void)
{
	struct sigaction sa;
	stack_t ss;

	ss.ss_sp = mmap(NULL, ALTSTACK_LEN, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ss.ss_sp == MAP_FAILED)
		return -1;
	ss.ss_size = ALTSTACK_LEN;
	ss.ss_flags = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	if (sigaltstack(&ss, NULL) < 0 || sigaction(SIGSEGV, &sa, NULL) < 0) {
		munmap(ss.ss_sp, ALTSTACK_LEN);
		return -1;
	}
	segv_handler_set = 1;
	return 0;
}

/* ---- threads -------------------------------------------------------------- */

void ut_start(struct uthread *t)
{
	after_switch();
	lib_leave();
	uthread_exit(t->fn(t->arg));
}

/* Make T's stack look as if T had called ut_switch from ut_thread_entry
 * (the picture in switch.S), with T itself in r12. */
/* LAB uthread: begin */
static void new_stack(struct uthread *t, uintptr_t top)
{
	uint64_t *sp = (uint64_t *)(top & ~15UL);

	*--sp = (uint64_t)ut_thread_entry; /* rsp % 16 == 0 after its ret */
	*--sp = 0;                         /* rbp */
	*--sp = 0;                         /* rbx */
	*--sp = (uint64_t)t;               /* r12 */
	*--sp = 0;                         /* r13 */
	*--sp = 0;                         /* r14 */
	*--sp = 0;                         /* r15 */
	*--sp = (uint64_t)MXCSR_DEFAULT << 32 | X87_CW_DEFAULT;
	t->sp = sp;
}
#if 0 /* LAB uthread: stub */
static void new_stack(struct uthread *t, uintptr_t top)
{
	/* Lab uthread, task 1: build the frame ut_switch pops (switch.S),
	 * so that T's first switch "returns" into ut_thread_entry with T in
	 * r12, the default MXCSR and x87 control word, and rsp 16-byte
	 * aligned after that ret. */
	(void)top;
	t->sp = NULL;
}

#endif /* LAB uthread: end */

struct uthread *uthread_spawn_stack(const char *name, void *(*fn)(void *),
				    void *arg, size_t stack_size)
{
	size_t stack = (stack_size + PAGE - 1) & ~(PAGE - 1);
	size_t top = (sizeof(struct uthread) + PAGE - 1) & ~(PAGE - 1);
	size_t len = GUARD_LEN + stack + top;
	struct uthread *t = NULL;
	char *map;

	if (stack == 0 || stack_size > (1UL << 40)) {
		errno = EINVAL;
		return NULL;
	}
	lib_enter();
	if (!segv_handler_set && set_segv_handler() < 0)
		goto out;
	map = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		goto out;
	if (mprotect(map, GUARD_LEN, PROT_NONE) < 0) {
		munmap(map, len);
		goto out;
	}
	t = (struct uthread *)(map + len - sizeof(*t));
	t = (struct uthread *)((uintptr_t)t & ~63UL);
	memset(t, 0, sizeof(*t));
	t->id = next_id++;
	snprintf(t->name, sizeof(t->name), "%s", name ? name : "");
	t->fn = fn;
	t->arg = arg;
	t->map = map;
	t->map_len = len;
	t->guard_len = GUARD_LEN;
	t->wait_fd = -1;
	t->all_next = all_threads;
	if (all_threads)
		all_threads->all_prev = t;
	all_threads = t;
	new_stack(t, (uintptr_t)t);
	live_threads++;
	ut_make_runnable(t);
out:
	lib_leave();
	return t;
}

struct uthread *uthread_spawn(const char *name, void *(*fn)(void *), void *arg)
{
	return uthread_spawn_stack(name, fn, arg, UTHREAD_STACK_DEFAULT);
}

/* LAB uthread: begin */
void uthread_yield(void)
{
	lib_enter();
	ut_make_runnable(ut_current);
	ut_schedule();
	lib_leave();
}
#if 0 /* LAB uthread: stub */
void uthread_yield(void)
{
	/* Lab uthread, task 2: the caller goes to the run queue's tail and
	 * the scheduler picks again, all inside the guard. */
	todo("uthread_yield (sched.c, task 2)");
}

#endif /* LAB uthread: end */

/* LAB uthread: begin */
void uthread_exit(void *result)
{
	struct uthread *t;

	lib_enter();
	t = ut_current;
	t->result = result;
	t->state = UT_ZOMBIE;
	if (--live_threads == 0)
		exit(0);
	if (t->joiner)
		ut_make_runnable(t->joiner);
	else if (t->detached) {
		t->next = reap_list;
		reap_list = t;
	}
	ut_schedule();
	abort(); /* a zombie is never scheduled again */
}

int uthread_join(struct uthread *t, void **result)
{
	int err = 0;

	lib_enter();
	if (t == ut_current) {
		err = EDEADLK;
		goto out;
	}
	if (t->detached || t->joiner) {
		err = EINVAL;
		goto out;
	}
	if (t->state != UT_ZOMBIE) {
		t->joiner = ut_current;
		ut_current->state = UT_BLOCKED;
		ut_schedule();
	}
	if (result)
		*result = t->result;
	free_thread(t);
out:
	lib_leave();
	return err;
}

int uthread_detach(struct uthread *t)
{
	int err = 0;

	lib_enter();
	if (t->detached || t->joiner)
		err = EINVAL;
	else if (t->state == UT_ZOMBIE && t != ut_current)
		free_thread(t);
	else
		t->detached = 1;
	lib_leave();
	return err;
}
#if 0 /* LAB uthread: stub */
/*
 * Lab uthread, task 3: a thread's end and its result. uthread_exit makes
 * the caller a zombie that keeps its result (the process exits 0 when
 * the last live thread ends), wakes its joiner or, if it is detached,
 * leaves its stack to be freed by the next thread (reap_list,
 * after_switch), and never comes back. uthread_join waits for a thread's
 * end, hands on its result and frees it: EDEADLK to join oneself,
 * EINVAL for a detached thread or one that already has a joiner.
 * uthread_detach: nobody will join this thread (EINVAL if someone does
 * or it was already detached); a zombie is freed at once.
 */
void uthread_exit(void *result)
{
	(void)result;
	(void)live_threads;
	todo("uthread_exit (sched.c, task 3)");
}

int uthread_join(struct uthread *t, void **result)
{
	(void)t;
	(void)result;
	todo("uthread_join (sched.c, task 3)");
}

int uthread_detach(struct uthread *t)
{
	(void)t;
	todo("uthread_detach (sched.c, task 3)");
}

#endif /* LAB uthread: end */
void uthread_sleep_ns(uint64_t ns)
{
	struct uthread **pp;

	lib_enter();
	ut_current->wake_at = ut_now_ns() + ns;
	for (pp = &sleepers; *pp && (*pp)->wake_at <= ut_current->wake_at;
	     pp = &(*pp)->sleep_next)
		;
	ut_current->sleep_next = *pp;
	*pp = ut_current;
	ut_current->state = UT_BLOCKED;
	ut_schedule();
	lib_leave();
}

void uthread_sleep_ms(unsigned ms)
{
	uthread_sleep_ns((uint64_t)ms * 1000000);
}

struct uthread *uthread_self(void)
{
	return ut_current;
}

int uthread_id(const struct uthread *t)
{
	return t->id;
}

const char *uthread_name(const struct uthread *t)
{
	return t->name;
}

/* ---- preemption ------------------------------------------------------------ */

/*
 * SIGALRM, on the running thread's own stack, installed with SA_NODEFER
 * so that the signal is not blocked while we are switched away from
 * inside this handler. Inside the library (or with preemption held off)
 * it only asks for a switch. Otherwise it puts the thread at the run
 * queue's tail and switches right here: the kernel's signal frame below
 * us on this stack holds every register of the interrupted code, and
 * when this thread is chosen again the switch returns here, the handler
 * returns, and rt_sigreturn puts them all back.
 */
static void on_tick(int sig)
{
	int saved = errno;

	(void)sig;
	if (ut_in_lib || preempt_off_depth) {
		preempt_pending = 1;
		return;
	}
	if (!runq_head && !sleepers)
		return;
	lib_enter();
	ut_make_runnable(ut_current);
	ut_schedule();
	lib_leave();
	errno = saved;
}

int uthread_preempt(unsigned slice_us)
{
	struct itimerval it;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = slice_us ? on_tick : SIG_IGN;
	sa.sa_flags = SA_NODEFER | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	memset(&it, 0, sizeof(it));
	it.it_interval.tv_sec = slice_us / 1000000;
	it.it_interval.tv_usec = slice_us % 1000000;
	it.it_value = it.it_interval;
	if (sigaction(SIGALRM, &sa, NULL) < 0 ||
	    setitimer(ITIMER_REAL, &it, NULL) < 0)
		return errno;
	return 0;
}

void uthread_preempt_off(void)
{
	preempt_off_depth++;
	barrier();
}

void uthread_preempt_on(void)
{
	barrier();
	if (--preempt_off_depth == 0 && !ut_in_lib && preempt_pending) {
		preempt_pending = 0;
		uthread_yield();
	}
}
