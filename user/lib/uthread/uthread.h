/*
 * uthread: green threads for Kestrel's user programs (and Linux's: the
 * same static binary runs on both). Many threads share one process and
 * one kernel thread (M:1); the library switches between them itself, at
 * the calls below, or, with uthread_preempt(), also when a timer signal
 * arrives. Go is the model for channels and select; xv6's uthread lab for
 * the context switch. The whole design, with pictures: docs/uthread.md.
 *
 * The thread that runs main() is thread 0, "main". When main() returns
 * the process ends, whatever other threads are doing (as in Go); a main
 * that calls uthread_exit() instead lets the others run, and the process
 * exits with status 0 once the last thread has exited.
 *
 * Errors: functions that can fail return 0 or an errno value (EINVAL,
 * EDEADLK, EPIPE, ...), never -1 with errno, except the I/O wrappers,
 * which behave like the system calls they wrap.
 */
#ifndef UTHREAD_H
#define UTHREAD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

struct uthread;
struct uthread_chan;

#define UTHREAD_STACK_DEFAULT (64 * 1024) /* bytes, under one guard page */

/* ---- threads ------------------------------------------------------------ */

/* Start FN(ARG) in a new thread called NAME (kept to 15 characters) with
 * the default stack; it runs when the scheduler gets to it. NULL with
 * errno set (ENOMEM) if its stack cannot be mapped. */
struct uthread *uthread_spawn(const char *name, void *(*fn)(void *), void *arg);
/* The same with a stack of STACK_SIZE bytes (rounded up to pages). */
struct uthread *uthread_spawn_stack(const char *name, void *(*fn)(void *),
				    void *arg, size_t stack_size);

/* Let the other runnable threads run; back here after them. */
void uthread_yield(void);

/* End the calling thread with RESULT, as if its function returned it. */
void uthread_exit(void *result) __attribute__((noreturn));

/* Wait for T to end, store its result in *RESULT (if not NULL) and free
 * it. EINVAL if T is detached or someone already waits for it, EDEADLK
 * for the calling thread itself. */
int uthread_join(struct uthread *t, void **result);

/* Nobody will join T: its memory goes back when it ends. EINVAL if it was
 * already detached or is being joined. */
int uthread_detach(struct uthread *t);

/* Block the calling thread (only it) for NS nanoseconds or MS
 * milliseconds of CLOCK_MONOTONIC. */
void uthread_sleep_ns(uint64_t ns);
void uthread_sleep_ms(unsigned ms);

/* The calling thread, its number (main is 0, then 1, 2, ... in order of
 * spawning) and its name. */
struct uthread *uthread_self(void);
int uthread_id(const struct uthread *t);
const char *uthread_name(const struct uthread *t);

/* ---- preemption --------------------------------------------------------- */

/* Preempt the running thread every SLICE_US microseconds (SIGALRM from
 * setitimer ITIMER_REAL); 0 turns preemption off. 0 or an errno value.
 * A preempted thread can be stopped anywhere outside the library, also
 * inside a C library function that keeps state between calls (malloc,
 * stdio): call those between uthread_preempt_off() and _on(), which nest.
 * docs/uthread.md, "Preemption". */
int uthread_preempt(unsigned slice_us);
void uthread_preempt_off(void);
void uthread_preempt_on(void);

/* ---- mutex, condition variable, semaphore ------------------------------- */

/* A mutex or condition variable starts as all zeros (a static one, or
 * = { 0 }), a semaphore from uthread_sem_init. Their fields are the
 * library's; waiting is first come, first served. */
struct uthread_waitq {
	struct uthread *head, *tail;
};

struct uthread_mutex {
	struct uthread *owner;
	struct uthread_waitq waiting;
};

struct uthread_cond {
	struct uthread_waitq waiting;
};

struct uthread_sem {
	unsigned long count;
	struct uthread_waitq waiting;
};

/* lock: 0, or EDEADLK if the caller holds it already. unlock: 0, or
 * EPERM if the caller does not hold it. An unlock hands the mutex to the
 * first waiter. */
int uthread_mutex_lock(struct uthread_mutex *m);
int uthread_mutex_trylock(struct uthread_mutex *m); /* 0 or EBUSY */
int uthread_mutex_unlock(struct uthread_mutex *m);

/* wait: release M (held by the caller), sleep until signalled, take M
 * back. signal wakes the longest waiter, broadcast all of them. */
int uthread_cond_wait(struct uthread_cond *c, struct uthread_mutex *m);
void uthread_cond_signal(struct uthread_cond *c);
void uthread_cond_broadcast(struct uthread_cond *c);

void uthread_sem_init(struct uthread_sem *s, unsigned long count);
void uthread_sem_wait(struct uthread_sem *s);
int uthread_sem_trywait(struct uthread_sem *s); /* 0 or EAGAIN */
void uthread_sem_post(struct uthread_sem *s);

/* ---- channels ----------------------------------------------------------- */

/* A channel of ELEM_SIZE-byte values holding up to CAPACITY of them; 0 is
 * unbuffered: a send waits for a receiver and hands the value over.
 * NULL with errno set (EINVAL for ELEM_SIZE 0, ENOMEM). */
struct uthread_chan *uthread_chan_create(size_t elem_size, size_t capacity);
/* Free a channel nobody waits on (EBUSY otherwise). */
int uthread_chan_destroy(struct uthread_chan *c);

/* Copy *VALUE into the channel: 0, or EPIPE if it is (or gets) closed. */
int uthread_chan_send(struct uthread_chan *c, const void *value);
/* Take the next value into *VALUE: 1, or 0 (and *VALUE zeroed) once the
 * channel is closed and empty. */
int uthread_chan_recv(struct uthread_chan *c, void *value);
/* No more sends: waiting receivers get 0, waiting senders EPIPE. EPIPE
 * if it was closed already. */
int uthread_chan_close(struct uthread_chan *c);
/* Values in the buffer now. */
size_t uthread_chan_len(const struct uthread_chan *c);

enum uthread_op { UTHREAD_SEND, UTHREAD_RECV };

/* One case of a select. A NULL chan is never ready (Go's nil channel). */
struct uthread_case {
	struct uthread_chan *chan;
	enum uthread_op op;
	void *value; /* what to send, or where to receive */
	int ok;      /* set by select for the case taken: 1 done, 0 closed */
};

/* Wait until one of the N cases can go ahead, do it, and return its
 * index; when several can, one of them at random. With NONBLOCK set,
 * return -1 at once if none can (Go's default case). */
int uthread_select(struct uthread_case *cases, int n, int nonblock);

/* ---- I/O that blocks only the calling thread ---------------------------- */

/* Like the system calls, but a call that would block parks the calling
 * thread until poll() says the descriptor is ready. They set O_NONBLOCK
 * on FD (the file description: shared with other processes holding it),
 * and the library clears it again at exit. */
ssize_t uthread_read(int fd, void *buf, size_t len);
ssize_t uthread_write(int fd, const void *buf, size_t len);
int uthread_accept(int fd, struct sockaddr *addr, socklen_t *addr_len);
int uthread_connect(int fd, const struct sockaddr *addr, socklen_t addr_len);
/* Park until FD has one of EVENTS (POLLIN, POLLOUT); the revents. */
int uthread_wait_fd(int fd, short events);

#endif
