/*
 * Waiting on many files at once: poll, ppoll, select and pselect6.
 *
 * One generation counter stands for "something pollable changed": every
 * file that can change its readiness calls poll_notify(), which bumps the
 * counter and wakes every poller. A poller reads the counter, asks each
 * of its files what it is ready for, and if none is, sleeps until the
 * counter moves (or the timeout, or a signal). Reading the counter before
 * looking is what loses no wakeup: a change made after the look moved the
 * counter past the value read, so poll_wait returns at once. fs/poll.h;
 * docs/files.md.
 */
#include "fs/fs_syscalls.h"
#include "mm/mm.h"

#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_USEC 1000ULL
/* Timeouts beyond this (about 31 years) are as good as none. */
#define TIMEOUT_MAX_SEC 1000000000LL

static struct spinlock poll_lock = SPINLOCK_INIT("poll");
static uint64_t generation;                       /* poll_lock */
static struct waitqueue pollers = WAITQUEUE_INIT; /* poll_lock */

void poll_notify(void)
{
	spin_lock(&poll_lock);
	generation++;
	wake_up(&pollers);
	spin_unlock(&poll_lock);
}

uint64_t poll_generation(void)
{
	uint64_t gen;

	spin_lock(&poll_lock);
	gen = generation;
	spin_unlock(&poll_lock);
	return gen;
}

int poll_wait(uint64_t gen, uint64_t deadline_ns)
{
	int err = 0;

	spin_lock(&poll_lock);
	while (generation == gen) {
		if (signal_pending()) {
			err = -EINTR;
			break;
		}
		if (deadline_ns && time_ns() >= deadline_ns) {
			err = -ETIMEDOUT;
			break;
		}
		if (deadline_ns)
			sleep_on_until(&pollers, &poll_lock, deadline_ns);
		else
			sleep_on(&pollers, &poll_lock);
	}
	spin_unlock(&poll_lock);
	return err;
}

unsigned int file_poll(struct file *f)
{
	if (f->fops && f->fops->poll)
		return f->fops->poll(f);
	return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
}

/* ---- timeouts ------------------------------------------------------------ */

/*
 * A wait's end: deadline is a time_ns() value, 0 for "no limit"; zero
 * (a timeout of 0) means look once and return.
 */
struct timeout {
	uint64_t deadline;
	bool zero;
};

static void timeout_set(struct timeout *t, int64_t sec, int64_t nsec)
{
	t->zero = sec == 0 && nsec == 0;
	t->deadline = sec >= TIMEOUT_MAX_SEC
			      ? 0
			      : time_ns() + (uint64_t)sec * NSEC_PER_SEC +
					(uint64_t)nsec;
}

/* A struct timespec from user space (NULL: no limit). */
static int timeout_from_timespec(struct timeout *t, uaddr_t uts)
{
	struct timespec64 ts;

	*t = (struct timeout){ 0 };
	if (!uts)
		return 0;
	if (get_user(ts, uts))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || (uint64_t)ts.nsec >= NSEC_PER_SEC)
		return -EINVAL;
	timeout_set(t, ts.sec, ts.nsec);
	return 0;
}

/* The time left until t's deadline, written back to the user's timespec
 * (usec: as a struct timeval), as Linux does for select and ppoll. A
 * timeout of 0 or none is left alone, and so is a failed copy (the call
 * has done its work). */
static void timeout_write_back(const struct timeout *t, uaddr_t uts, bool usec)
{
	uint64_t now = time_ns(), left;
	struct timespec64 ts;

	if (!uts || t->zero || !t->deadline)
		return;
	left = t->deadline > now ? t->deadline - now : 0;
	ts.sec = (int64_t)(left / NSEC_PER_SEC);
	ts.nsec = (int64_t)(left % NSEC_PER_SEC);
	if (usec)
		ts.nsec /= (int64_t)NSEC_PER_USEC;
	(void)put_user(ts, uts);
}

/* Sleep until something changes: 0, or -ETIMEDOUT / -EINTR. */
static int timeout_wait(const struct timeout *t, uint64_t gen)
{
	if (t->zero)
		return -ETIMEDOUT;
	return poll_wait(gen, t->deadline);
}

/* ---- signal masks (ppoll, pselect6) -------------------------------------- */

/*
 * ppoll and pselect6 wait with a signal mask of the caller's choosing, so
 * that a signal can be unblocked exactly while waiting. The mask is
 * installed on entry. If the wait ends because of a signal, the old mask
 * must stay away until that signal's handler has been set up (else the
 * signal would be blocked again and never run): it goes to saved_mask,
 * which signal delivery restores, as rt_sigsuspend does. Otherwise it is
 * put back at once.
 */
struct sigmask_swap {
	bool active;
	uint64_t old;
};

static int sigmask_install(struct sigmask_swap *s, uaddr_t umask, size_t size)
{
	struct proc *p = proc_current();
	struct sighand *h;
	uint64_t mask;

	s->active = false;
	if (!umask)
		return 0;
	if (size != sizeof(mask))
		return -EINVAL;
	if (get_user(mask, umask))
		return -EFAULT;
	mask &= ~(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
	h = signal_lock(p);
	s->old = p->sig.blocked;
	p->sig.blocked = mask;
	signal_unlock(h);
	s->active = true;
	return 0;
}

static void sigmask_restore(struct sigmask_swap *s, long result)
{
	struct proc *p = proc_current();
	struct sighand *h;

	if (!s->active)
		return;
	h = signal_lock(p);
	if (result == -EINTR) {
		p->sig.saved_mask = s->old;
		p->sig.restore_mask = true;
	} else {
		p->sig.blocked = s->old;
	}
	signal_unlock(h);
}

/* ---- poll ---------------------------------------------------------------- */

struct pollfd {
	int32_t fd;
	int16_t events;
	int16_t revents;
};

/* Fill each revents; how many are nonzero. */
static int poll_scan(struct pollfd *fds, size_t n)
{
	int ready = 0;

	for (size_t i = 0; i < n; i++) {
		struct file *f;
		unsigned int mask;

		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		f = file_get(fds[i].fd);
		if (!f) {
			mask = POLLNVAL;
		} else {
			mask = file_poll(f) &
			       ((uint16_t)fds[i].events | POLLERR | POLLHUP);
			vfs_close(f);
		}
		fds[i].revents = (int16_t)mask;
		if (mask)
			ready++;
	}
	return ready;
}

static long do_poll(uaddr_t ufds, uint64_t nfds, struct timeout *t)
{
	size_t size = nfds * sizeof(struct pollfd);
	struct pollfd *fds;
	long r;

	if (nfds > (uint64_t)fd_limit())
		return -EINVAL;
	fds = kmalloc(MAX(size, 1));
	if (!fds)
		return -ENOMEM;
	if (copy_from_user(fds, ufds, size)) {
		r = -EFAULT;
		goto out;
	}
	for (;;) {
		uint64_t gen = poll_generation();

		r = poll_scan(fds, nfds);
		if (r > 0)
			break;
		r = timeout_wait(t, gen);
		if (r == -ETIMEDOUT) {
			r = 0;
			break;
		}
		if (r < 0)
			goto out;
	}
	if (copy_to_user(ufds, fds, size))
		r = -EFAULT;
out:
	kfree(fds);
	return r;
}

static long sys_poll(uaddr_t ufds, uint64_t nfds, int64_t timeout_ms)
{
	struct timeout t = { 0 };
	int ms = (int)timeout_ms;

	if (ms >= 0)
		timeout_set(&t, ms / 1000,
			    (int64_t)(ms % 1000) * NSEC_PER_MSEC);
	return do_poll(ufds, nfds, &t);
}
SYSCALL(poll, sys_poll);

static long sys_ppoll(uaddr_t ufds, uint64_t nfds, uaddr_t uts, uaddr_t umask,
		      uint64_t sigsetsize)
{
	struct sigmask_swap s;
	struct timeout t;
	long r;

	r = timeout_from_timespec(&t, uts);
	if (!r)
		r = sigmask_install(&s, umask, sigsetsize);
	if (r)
		return r;
	r = do_poll(ufds, nfds, &t);
	sigmask_restore(&s, r);
	timeout_write_back(&t, uts, false);
	return r;
}
SYSCALL(ppoll, sys_ppoll);

/* ---- select -------------------------------------------------------------- */

/* What counts as ready for each of select's three sets (Linux's
 * POLLIN_SET, POLLOUT_SET, POLLEX_SET). */
#define SELECT_IN (POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR)
#define SELECT_OUT (POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR)
#define SELECT_EX POLLPRI

#define FDSET_WORDS (FD_MAX / 64)

struct fdsets {
	uint64_t in[FDSET_WORDS], out[FDSET_WORDS], ex[FDSET_WORDS];
	uint64_t rin[FDSET_WORDS], rout[FDSET_WORDS], rex[FDSET_WORDS];
};

static bool fd_isset(const uint64_t *set, int fd)
{
	return set[fd / 64] & (1ULL << (fd % 64));
}

static void fd_set_bit(uint64_t *set, int fd)
{
	set[fd / 64] |= 1ULL << (fd % 64);
}

/* Fill the result sets for descriptors below n: how many bits are set,
 * or -EBADF if a descriptor in a set is not open. */
static int select_scan(struct fdsets *s, int n)
{
	int ready = 0;

	memset(s->rin, 0, sizeof(s->rin));
	memset(s->rout, 0, sizeof(s->rout));
	memset(s->rex, 0, sizeof(s->rex));
	for (int fd = 0; fd < n; fd++) {
		bool in = fd_isset(s->in, fd), out = fd_isset(s->out, fd);
		bool ex = fd_isset(s->ex, fd);
		struct file *f;
		unsigned int mask;

		if (!in && !out && !ex)
			continue;
		f = file_get(fd);
		if (!f)
			return -EBADF;
		mask = file_poll(f);
		vfs_close(f);
		if (in && (mask & SELECT_IN)) {
			fd_set_bit(s->rin, fd);
			ready++;
		}
		if (out && (mask & SELECT_OUT)) {
			fd_set_bit(s->rout, fd);
			ready++;
		}
		if (ex && (mask & SELECT_EX)) {
			fd_set_bit(s->rex, fd);
			ready++;
		}
	}
	return ready;
}

/* Copy one set in (NULL: empty); the set holds n bits in whole longs. */
static int set_from_user(uint64_t *set, uaddr_t uset, int n)
{
	memset(set, 0, FDSET_WORDS * sizeof(uint64_t));
	if (!uset)
		return 0;
	return copy_from_user(set, uset, ALIGN_UP((size_t)n, 64) / 8);
}

static int set_to_user(uaddr_t uset, const uint64_t *set, int n)
{
	if (!uset)
		return 0;
	return copy_to_user(uset, set, ALIGN_UP((size_t)n, 64) / 8);
}

static long do_select(int n, uaddr_t uin, uaddr_t uout, uaddr_t uex,
		      struct timeout *t)
{
	struct fdsets *s;
	long r;

	if (n < 0)
		return -EINVAL;
	n = MIN(n, FD_MAX);
	s = kmalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	r = -EFAULT;
	if (set_from_user(s->in, uin, n) || set_from_user(s->out, uout, n) ||
	    set_from_user(s->ex, uex, n))
		goto out;
	for (;;) {
		uint64_t gen = poll_generation();

		r = select_scan(s, n);
		if (r != 0)
			break;
		/* 0: something changed, look again (a change to another
		 * file is no reason to return). */
		r = timeout_wait(t, gen);
		if (r == -ETIMEDOUT) {
			r = 0;
			break;
		}
		if (r < 0)
			break;
	}
	if (r >= 0 &&
	    (set_to_user(uin, s->rin, n) || set_to_user(uout, s->rout, n) ||
	     set_to_user(uex, s->rex, n)))
		r = -EFAULT;
out:
	kfree(s);
	return r;
}

struct timeval64 {
	int64_t sec;
	int64_t usec;
};

static long sys_select(int64_t n, uaddr_t uin, uaddr_t uout, uaddr_t uex,
		       uaddr_t utv)
{
	struct timeout t = { 0 };
	long r;

	if (utv) {
		struct timeval64 tv;

		if (get_user(tv, utv))
			return -EFAULT;
		if (tv.sec < 0 || tv.usec < 0 || tv.usec >= 1000000)
			return -EINVAL;
		timeout_set(&t, tv.sec, tv.usec * (int64_t)NSEC_PER_USEC);
	}
	r = do_select((int)n, uin, uout, uex, &t);
	timeout_write_back(&t, utv, true);
	return r;
}
SYSCALL(select, sys_select);

/* pselect6's sixth argument: the mask and its size, in one struct. */
struct pselect_sigmask {
	uint64_t mask; /* a user address */
	uint64_t size;
};

static long sys_pselect6(int64_t n, uaddr_t uin, uaddr_t uout, uaddr_t uex,
			 uaddr_t uts, uaddr_t usig)
{
	struct pselect_sigmask sm = { 0, 0 };
	struct sigmask_swap s;
	struct timeout t;
	long r;

	r = timeout_from_timespec(&t, uts);
	if (!r && usig && get_user(sm, usig))
		r = -EFAULT;
	if (!r)
		r = sigmask_install(&s, sm.mask, sm.size);
	if (r)
		return r;
	r = do_select((int)n, uin, uout, uex, &t);
	sigmask_restore(&s, r);
	timeout_write_back(&t, uts, false);
	return r;
}
SYSCALL(pselect6, sys_pselect6);
