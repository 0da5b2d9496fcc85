/*
 * Mutex, condition variable and semaphore. With one kernel thread under
 * all green threads, nothing here needs an atomic instruction: the guard
 * (lib_enter) keeps the timer from switching threads halfway through, and
 * a thread that must wait goes on the structure's FIFO wait queue.
 *
 * A mutex is handed over: unlock gives it straight to the first waiter,
 * which wakes up owning it. So a thread that unlocks and locks again at
 * once cannot overtake the ones waiting (no barging), and a waiter never
 * has to look again. docs/uthread.md.
 */
#include "internal.h"

#include <errno.h>

int uthread_mutex_lock(struct uthread_mutex *m)
{
	int err = 0;

	lib_enter();
	if (m->owner == ut_current)
		err = EDEADLK;
	else if (!m->owner)
		m->owner = ut_current;
	else
		ut_wait_on(&m->waiting); /* wakes up as the owner */
	lib_leave();
	return err;
}

int uthread_mutex_trylock(struct uthread_mutex *m)
{
	int err = 0;

	lib_enter();
	if (m->owner)
		err = EBUSY;
	else
		m->owner = ut_current;
	lib_leave();
	return err;
}

/* Caller holds the guard. */
static int unlock_locked(struct uthread_mutex *m)
{
	struct uthread *t;

	if (m->owner != ut_current)
		return EPERM;
	t = ut_waitq_pop(&m->waiting);
	m->owner = t;
	if (t)
		ut_make_runnable(t);
	return 0;
}

int uthread_mutex_unlock(struct uthread_mutex *m)
{
	int err;

	lib_enter();
	err = unlock_locked(m);
	lib_leave();
	return err;
}

/* Releasing M and going to sleep on C is one step under the guard, so a
 * signal between them cannot be lost. */
int uthread_cond_wait(struct uthread_cond *c, struct uthread_mutex *m)
{
	int err;

	lib_enter();
	err = unlock_locked(m);
	if (!err) {
		ut_wait_on(&c->waiting);
		if (!m->owner)
			m->owner = ut_current;
		else
			ut_wait_on(&m->waiting);
	}
	lib_leave();
	return err;
}

void uthread_cond_signal(struct uthread_cond *c)
{
	struct uthread *t;

	lib_enter();
	t = ut_waitq_pop(&c->waiting);
	if (t)
		ut_make_runnable(t);
	lib_leave();
}

void uthread_cond_broadcast(struct uthread_cond *c)
{
	struct uthread *t;

	lib_enter();
	while ((t = ut_waitq_pop(&c->waiting)))
		ut_make_runnable(t);
	lib_leave();
}

void uthread_sem_init(struct uthread_sem *s, unsigned long count)
{
	s->count = count;
	s->waiting.head = s->waiting.tail = NULL;
}

/* A post with a waiter hands the unit straight to it (count stays 0). */
void uthread_sem_wait(struct uthread_sem *s)
{
	lib_enter();
	if (s->count > 0)
		s->count--;
	else
		ut_wait_on(&s->waiting);
	lib_leave();
}

int uthread_sem_trywait(struct uthread_sem *s)
{
	int err = 0;

	lib_enter();
	if (s->count > 0)
		s->count--;
	else
		err = EAGAIN;
	lib_leave();
	return err;
}

void uthread_sem_post(struct uthread_sem *s)
{
	struct uthread *t;

	lib_enter();
	t = ut_waitq_pop(&s->waiting);
	if (t)
		ut_make_runnable(t);
	else
		s->count++;
	lib_leave();
}
