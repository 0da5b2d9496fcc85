/*
 * Channels, after Go's: a FIFO of fixed-size values between threads,
 * with room for CAPACITY of them in a ring buffer; with capacity 0 a
 * send and a receive meet, and the value goes straight from the
 * sender's memory to the receiver's.
 *
 * A thread that cannot go ahead leaves a waiter record (on its own
 * stack) on the channel's queue of senders or receivers, and the thread
 * that later can finish the operation does it for it: copies the value
 * and wakes it. A select leaves one record on each of its channels,
 * tied together by one struct selection; the first one finished takes
 * every record of the selection off every queue at once, so a
 * selection is finished exactly once. A plain send or receive is a
 * selection of one case. Everything runs inside the guard.
 *
 * Invariants (docs/uthread.md): a channel never has waiting receivers
 * while it holds values, nor waiting senders while it has room; every
 * record on a queue belongs to a selection that has not fired.
 */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct chan_waiter;

struct chan_waitq {
	struct chan_waiter *head, *tail;
};

struct selection {
	struct uthread *thread;
	struct chan_waiter *waiters; /* one per case */
	int n;
	int fired; /* the case finished, -1 until then */
};

struct chan_waiter {
	struct selection *sel;
	struct uthread_chan *chan; /* NULL: a nil case, on no queue */
	enum uthread_op op;
	void *value;
	int ok; /* 1 done, 0 the channel was closed */
	struct chan_waiter *prev, *next;
};

struct uthread_chan {
	size_t elem_size, capacity;
	size_t head, count; /* the buffer's oldest slot, values in it */
	int closed;
	struct chan_waitq senders, receivers;
	char buf[];
};

static struct chan_waitq *queue_of(struct chan_waiter *w)
{
	return w->op == UTHREAD_SEND ? &w->chan->senders : &w->chan->receivers;
}

static void waitq_add(struct chan_waitq *q, struct chan_waiter *w)
{
	w->next = NULL;
	w->prev = q->tail;
	if (q->tail)
		q->tail->next = w;
	else
		q->head = w;
	q->tail = w;
}

static void waitq_remove(struct chan_waitq *q, struct chan_waiter *w)
{
	if (w->prev)
		w->prev->next = w->next;
	else
		q->head = w->next;
	if (w->next)
		w->next->prev = w->prev;
	else
		q->tail = w->prev;
	w->prev = w->next = NULL;
}

/* LAB uthread: begin */
/* W's operation is done (OK 1) or its channel closed (OK 0): fire its
 * selection, take all its records off their queues, wake its thread. */
static void finish(struct chan_waiter *w, int ok)
{
	struct selection *sel = w->sel;

	w->ok = ok;
	sel->fired = (int)(w - sel->waiters);
	for (int i = 0; i < sel->n; i++)
		if (sel->waiters[i].chan)
			waitq_remove(queue_of(&sel->waiters[i]),
				     &sel->waiters[i]);
	ut_make_runnable(sel->thread);
}

static void *slot(struct uthread_chan *c, size_t i)
{
	return c->buf + ((c->head + i) % c->capacity) * c->elem_size;
}

/* Send without waiting: 1 done, 0 it would wait, -1 closed. */
static int try_send(struct uthread_chan *c, const void *value)
{
	struct chan_waiter *w;

	if (c->closed)
		return -1;
	w = c->receivers.head;
	if (w) {
		memcpy(w->value, value, c->elem_size);
		finish(w, 1);
		return 1;
	}
	if (c->count < c->capacity) {
		memcpy(slot(c, c->count), value, c->elem_size);
		c->count++;
		return 1;
	}
	return 0;
}

/* Receive without waiting: 1 a value, 0 it would wait, -1 closed and
 * empty (VALUE zeroed). A value taken from a full buffer makes room for
 * the first waiting sender's. */
static int try_recv(struct uthread_chan *c, void *value)
{
	struct chan_waiter *w = c->senders.head;

	if (c->count > 0) {
		memcpy(value, slot(c, 0), c->elem_size);
		c->head = (c->head + 1) % c->capacity;
		c->count--;
		if (w) {
			memcpy(slot(c, c->count), w->value, c->elem_size);
			c->count++;
			finish(w, 1);
		}
		return 1;
	}
	if (w) {
		memcpy(value, w->value, c->elem_size);
		finish(w, 1);
		return 1;
	}
	if (c->closed) {
		memset(value, 0, c->elem_size);
		return -1;
	}
	return 0;
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

/* The buffer's slot I places after the oldest value. */
static void *slot(struct uthread_chan *c, size_t i)
{
	return c->buf + ((c->head + i) % c->capacity) * c->elem_size;
}

/*
 * Lab uthread, task 4: W's operation is done (OK 1) or its channel
 * closed (OK 0): fire W's selection (sel->fired is W's case), take every
 * record of that selection off its channel's queue (queue_of,
 * waitq_remove), and make the selection's thread runnable.
 */
static void finish(struct chan_waiter *w, int ok)
{
	(void)w;
	(void)ok;
	(void)waitq_remove;
	todo("finish (chan.c, task 4)");
}

/* Lab uthread, task 4: send without waiting: 1 done, 0 it would wait, -1
 * closed. A waiting receiver gets the value straight; else the buffer
 * takes it if it has room. */
static int try_send(struct uthread_chan *c, const void *value)
{
	(void)c;
	(void)value;
	(void)slot;
	todo("try_send (chan.c, task 4)");
}

/* Lab uthread, task 4: receive without waiting: 1 a value, 0 it would
 * wait, -1 closed and empty (VALUE zeroed). The oldest buffered value
 * first; the room it leaves goes to the first waiting sender's value;
 * with an empty buffer, straight from a waiting sender. */
static int try_recv(struct uthread_chan *c, void *value)
{
	(void)c;
	(void)value;
	todo("try_recv (chan.c, task 4)");
}

#endif /* LAB uthread: end */

struct uthread_chan *uthread_chan_create(size_t elem_size, size_t capacity)
{
	struct uthread_chan *c;

	if (elem_size == 0 ||
	    (capacity && elem_size > ((size_t)-1 - sizeof(*c)) / capacity)) {
		errno = EINVAL;
		return NULL;
	}
	lib_enter();
	c = calloc(1, sizeof(*c) + elem_size * capacity);
	lib_leave();
	if (!c)
		return NULL;
	c->elem_size = elem_size;
	c->capacity = capacity;
	return c;
}

int uthread_chan_destroy(struct uthread_chan *c)
{
	int err = 0;

	lib_enter();
	if (c->senders.head || c->receivers.head)
		err = EBUSY;
	else
		free(c);
	lib_leave();
	return err;
}

size_t uthread_chan_len(const struct uthread_chan *c)
{
	return c->count;
}

int uthread_chan_close(struct uthread_chan *c)
{
	int err = 0;

	lib_enter();
	if (c->closed) {
		err = EPIPE;
		goto out;
	}
	/* LAB uthread: begin */
	c->closed = 1;
	while (c->receivers.head) {
		memset(c->receivers.head->value, 0, c->elem_size);
		finish(c->receivers.head, 0);
	}
	while (c->senders.head)
		finish(c->senders.head, 0);
#if 0 /* LAB uthread: stub */
	/* Lab uthread, task 5: mark the channel closed, and finish every
	 * waiting receiver (a zeroed value, ok 0) and sender (ok 0). */
	(void)finish;
	todo("uthread_chan_close (chan.c, task 5)");

#endif /* LAB uthread: end */
out:
	lib_leave();
	return err;
}

/* A small xorshift generator: which ready case a select takes. */
static unsigned next_random(void)
{
	static unsigned x = 2463534242u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

static int try_case(struct uthread_case *k)
{
	if (!k->chan)
		return 0;
	if (k->op == UTHREAD_SEND)
		return try_send(k->chan, k->value);
	return try_recv(k->chan, k->value);
}

int uthread_select(struct uthread_case *cases, int n, int nonblock)
{
	int start, chosen = -1;

	if (n < 0)
		return -1;
	lib_enter();
	start = n ? (int)(next_random() % (unsigned)n) : 0;
	for (int i = 0; i < n; i++) {
		int k = (start + i) % n, r = try_case(&cases[k]);

		if (r) {
			cases[k].ok = r > 0;
			chosen = k;
			goto out;
		}
	}
	/* LAB uthread: begin */
	if (!nonblock) {
		struct chan_waiter waiters[n > 0 ? n : 1];
		struct selection sel = { ut_current, waiters, n, -1 };

		for (int k = 0; k < n; k++) {
			waiters[k] = (struct chan_waiter){
				.sel = &sel,
				.chan = cases[k].chan,
				.op = cases[k].op,
				.value = cases[k].value,
			};
			if (cases[k].chan)
				waitq_add(queue_of(&waiters[k]), &waiters[k]);
		}
		ut_current->state = UT_BLOCKED;
		ut_schedule();
		chosen = sel.fired;
		cases[chosen].ok = waiters[chosen].ok;
	}
#if 0 /* LAB uthread: stub */
	if (!nonblock) {
		/* Lab uthread, task 5: no case is ready. Leave a waiter
		 * record (on this stack) on the queue of each case's channel
		 * (queue_of, waitq_add; a NULL channel is on none), all tied
		 * to one struct selection, block, and after the wakeup return
		 * the case that fired with its ok. */
		(void)waitq_add;
		(void)queue_of;
		todo("uthread_select's wait (chan.c, task 5)");
	}

#endif /* LAB uthread: end */
out:
	lib_leave();
	return chosen;
}

int uthread_chan_send(struct uthread_chan *c, const void *value)
{
	struct uthread_case k = { c, UTHREAD_SEND, (void *)value, 0 };

	uthread_select(&k, 1, 0);
	return k.ok ? 0 : EPIPE;
}

int uthread_chan_recv(struct uthread_chan *c, void *value)
{
	struct uthread_case k = { c, UTHREAD_RECV, value, 0 };

	uthread_select(&k, 1, 0);
	return k.ok;
}
