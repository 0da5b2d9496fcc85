/*
 * I/O that blocks only the calling green thread. Each wrapper makes the
 * descriptor non-blocking and tries the system call; when the kernel
 * says EAGAIN, the thread parks on the I/O list with the poll() events
 * it waits for, and the scheduler (sched.c) looks at the whole list
 * with one poll(): with a zero timeout every IO_CHECK_EVERY switches,
 * and with the earliest sleep deadline as the timeout when no thread is
 * runnable. A woken thread tries its call again.
 *
 * O_NONBLOCK belongs to the open file description, which a shell and
 * the programs it starts share (a terminal, a pipe): the library notes
 * each descriptor it changed and takes the flag off again at exit.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define RESTORE_MAX 256

/* All below: inside the guard only. */
static struct uthread *io_waiters; /* via io_next, newest first */
static int io_count;
static struct pollfd *pollfds; /* mmap'd: never malloc under the guard */
static size_t pollfds_cap;
static int restore_fds[RESTORE_MAX];
static int restore_count;

static void restore_blocking(void)
{
	for (int i = 0; i < restore_count; i++) {
		int flags = fcntl(restore_fds[i], F_GETFL);

		if (flags >= 0 && (flags & O_NONBLOCK))
			fcntl(restore_fds[i], F_SETFL, flags & ~O_NONBLOCK);
	}
}

/* One F_GETFL per call: the descriptor may have been closed and opened
 * again as another file since the last one. */
static void set_nonblocking(int fd)
{
	int flags;

	lib_enter();
	flags = fcntl(fd, F_GETFL);
	if (flags >= 0 && !(flags & O_NONBLOCK) &&
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 &&
	    restore_count < RESTORE_MAX) {
		if (restore_count == 0)
			atexit(restore_blocking);
		restore_fds[restore_count++] = fd;
	}
	lib_leave();
}

static int grow_pollfds(size_t want)
{
	size_t cap = pollfds_cap ? pollfds_cap : 64;
	struct pollfd *p;

	while (cap < want)
		cap *= 2;
	p = mmap(NULL, cap * sizeof(*p), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	if (pollfds)
		munmap(pollfds, pollfds_cap * sizeof(*p));
	pollfds = p;
	pollfds_cap = cap;
	return 0;
}

int ut_io_poll(int timeout_ms)
{
	struct uthread *t, **pp;
	int i = 0, n;

	if (!io_waiters)
		return 0;
	if ((size_t)io_count > pollfds_cap && grow_pollfds((size_t)io_count))
		return 1; /* no memory now: try again on the next look */
	for (t = io_waiters; t; t = t->io_next, i++) {
		pollfds[i].fd = t->wait_fd;
		pollfds[i].events = t->wait_events;
		pollfds[i].revents = 0;
	}
	n = poll(pollfds, (nfds_t)io_count, timeout_ms);
	if (n <= 0)
		return 1; /* nothing, or a signal: the caller looks again */
	i = 0;
	for (pp = &io_waiters; (t = *pp); i++) {
		if (pollfds[i].revents) {
			*pp = t->io_next;
			t->io_next = NULL;
			t->wait_revents = pollfds[i].revents;
			io_count--;
			ut_make_runnable(t);
		} else {
			pp = &t->io_next;
		}
	}
	return 1;
}

int uthread_wait_fd(int fd, short events)
{
	int revents;

	lib_enter();
	ut_current->wait_fd = fd;
	ut_current->wait_events = events;
	ut_current->wait_revents = 0;
	ut_current->io_next = io_waiters;
	io_waiters = ut_current;
	io_count++;
	ut_current->state = UT_BLOCKED;
	ut_schedule();
	revents = ut_current->wait_revents;
	lib_leave();
	return revents;
}

static int would_block(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK;
}

ssize_t uthread_read(int fd, void *buf, size_t len)
{
	ssize_t r;

	set_nonblocking(fd);
	while ((r = read(fd, buf, len)) < 0 && would_block())
		uthread_wait_fd(fd, POLLIN);
	return r;
}

/* Like a blocking write: returns once all LEN bytes are written (or on
 * an error, with what was written before it if anything was). */
ssize_t uthread_write(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	set_nonblocking(fd);
	while (done < len) {
		ssize_t r = write(fd, p + done, len - done);

		if (r >= 0)
			done += (size_t)r;
		else if (would_block())
			uthread_wait_fd(fd, POLLOUT);
		else
			return done ? (ssize_t)done : -1;
	}
	return (ssize_t)done;
}

int uthread_accept(int fd, struct sockaddr *addr, socklen_t *addr_len)
{
	int r;

	set_nonblocking(fd);
	while ((r = accept(fd, addr, addr_len)) < 0 && would_block())
		uthread_wait_fd(fd, POLLIN);
	return r;
}

/* A non-blocking connect goes on in the background (EINPROGRESS); the
 * socket turns writable when it is done, and SO_ERROR says how. */
int uthread_connect(int fd, const struct sockaddr *addr, socklen_t addr_len)
{
	int err = 0;
	socklen_t err_len = sizeof(err);

	set_nonblocking(fd);
	if (connect(fd, addr, addr_len) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return -1;
	uthread_wait_fd(fd, POLLOUT);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len) < 0)
		return -1;
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}
