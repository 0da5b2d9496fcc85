/*
 * The library's insides, shared by its files: the thread structure, the
 * scheduler's entry points and the critical-section guard. Programs
 * include uthread.h only. docs/uthread.md has the pictures.
 *
 * One rule holds everything together: library state is touched only
 * inside lib_enter() ... lib_leave(). The timer signal that preempts
 * threads looks at ut_in_lib and, when it is set, only notes that a
 * switch is due (ut_preempt_pending); lib_leave() makes the switch. So
 * the run queue, the wait queues and the channels never change under a
 * signal handler's feet, and every context switch happens at depth 1.
 */
#ifndef UTHREAD_INTERNAL_H
#define UTHREAD_INTERNAL_H

#include "uthread.h"

#include <signal.h>
#include <stdint.h>

enum ut_state {
	UT_RUNNABLE, /* on the run queue */
	UT_RUNNING,  /* ut_current */
	UT_BLOCKED,  /* on a wait queue, a channel, the sleep or I/O list */
	UT_ZOMBIE,   /* ended; its result waits for a join */
};

/*
 * A thread. Its memory, from one mmap (docs/uthread.md):
 *
 *   map                                                     map + map_len
 *   | guard page (PROT_NONE) | stack, grows down <- | struct uthread |
 *
 * The main thread's struct is a static one, on no mapping (map NULL).
 * Every field is the library's, touched only inside lib_enter/leave.
 */
struct uthread {
	void *sp; /* saved stack pointer while switched out: switch.S */
	int id;
	enum ut_state state;
	char name[16];
	int saved_errno; /* errno is one per process: kept per thread */

	struct uthread *next; /* run queue or one wait queue */

	/* all threads that have a stack, for the overflow handler */
	struct uthread *all_prev, *all_next;

	void *(*fn)(void *);
	void *arg;
	void *result;
	int detached;
	struct uthread *joiner; /* waits in uthread_join */

	/* sleeping: on ut_sleepers, sorted by wake_at (ns) */
	uint64_t wake_at;
	struct uthread *sleep_next;

	/* waiting for a descriptor: on the I/O list */
	int wait_fd;
	short wait_events, wait_revents;
	struct uthread *io_next;

	char *map;
	size_t map_len;
	size_t guard_len;
};

/* The guard: nonzero while library state is being changed. */
extern volatile sig_atomic_t ut_in_lib;
extern struct uthread *ut_current;

void lib_enter(void);
void lib_leave(void);

/* Caller holds the guard. Put T on the run queue's tail. */
void ut_make_runnable(struct uthread *t);
/* Switch to the next runnable thread; the only function that switches.
 * Caller holds the guard (depth 1) and has put ut_current where it
 * belongs: on the run queue (a yield, which may pick it again at once),
 * on some wait list with state UT_BLOCKED (back here once someone makes
 * it runnable), or nowhere as a UT_ZOMBIE (never back). */
void ut_schedule(void);

/* Wait queues (struct uthread_waitq), FIFO through uthread.next. */
void ut_waitq_push(struct uthread_waitq *q, struct uthread *t);
struct uthread *ut_waitq_pop(struct uthread_waitq *q);

/* Caller holds the guard: put the caller to sleep on Q. */
void ut_wait_on(struct uthread_waitq *q);

uint64_t ut_now_ns(void);

/* io.c: the scheduler's look at the descriptors threads wait for. Wakes
 * the ready ones; waits at most TIMEOUT_MS (-1: forever). Returns 0 if
 * no thread waits for I/O. */
int ut_io_poll(int timeout_ms);

/* switch.S: save the callee-saved registers, MXCSR and x87 control word
 * on the current stack and its pointer in *SAVE_SP, then load TO_SP and
 * restore the same from there. ut_thread_entry is where a new thread's
 * first switch returns to: it calls ut_start(r12). */
void ut_switch(void **save_sp, void *to_sp);
void ut_thread_entry(void);
void ut_start(struct uthread *t) __attribute__((noreturn));

#endif
