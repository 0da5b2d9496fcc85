/*
 * t_poll: waiting on descriptors. poll, ppoll and select report a pipe's
 * read end readable only when it holds data or its writers are gone
 * (POLLHUP), the write end writable, and a write end whose reader is gone
 * POLLERR; a closed descriptor is POLLNVAL for poll and EBADF for select; a
 * negative fd is ignored; a timeout of 0 returns at once and a timeout of
 * 50 ms waits at least that long; a poll with no timeout wakes when a
 * child writes; ppoll installs its signal mask only while it waits, and
 * pselect6 too; a regular file is always readable and writable; select
 * writes back the time left.
 */
#include "t.h"
#include <poll.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>

static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	       (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void poll_pipe_states(void)
{
	struct pollfd fds[2];
	int p[2];

	CHECK_OK(pipe(p));
	fds[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	CHECK_EQ(poll(fds, 2, 0), 1);
	CHECK_EQ(fds[0].revents, 0);
	CHECK_EQ(fds[1].revents, POLLOUT);
	CHECK_EQ(write(p[1], "x", 1), 1);
	CHECK_EQ(poll(fds, 2, 0), 2);
	CHECK_EQ(fds[0].revents, POLLIN);
	close(p[1]);
	CHECK_EQ(poll(fds, 1, 0), 1);
	CHECK_EQ(fds[0].revents & (POLLIN | POLLHUP), POLLIN | POLLHUP);
	close(p[0]);
	CHECK_OK(pipe(p));
	close(p[0]);
	fds[1].fd = p[1];
	CHECK_EQ(poll(&fds[1], 1, 0), 1);
	CHECK(fds[1].revents & POLLERR);
	close(p[1]);
}

static void poll_nval_and_negative_fd(void)
{
	struct pollfd fds[2] = { { .fd = 900, .events = POLLIN },
				 { .fd = -1, .events = POLLIN } };

	CHECK_EQ(poll(fds, 2, 0), 1);
	CHECK_EQ(fds[0].revents, POLLNVAL);
	CHECK_EQ(fds[1].revents, 0);
}

static void poll_timeout_waits(void)
{
	struct pollfd fd;
	struct timespec t0;
	int p[2];

	CHECK_OK(pipe(p));
	fd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_EQ(poll(&fd, 1, 50), 0);
	CHECK(elapsed_ms(&t0) >= 49);
	CHECK(elapsed_ms(&t0) < 2000);
	close(p[0]);
	close(p[1]);
}

static void poll_wakes_on_a_child_write(void)
{
	struct pollfd fd;
	int p[2];
	pid_t pid;

	CHECK_OK(pipe(p));
	pid = fork();
	if (pid == 0) {
		struct timespec d = { 0, 30 * 1000 * 1000 };

		nanosleep(&d, NULL);
		_exit(write(p[1], "x", 1) == 1 ? 0 : 1);
	}
	fd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	CHECK_EQ(poll(&fd, 1, -1), 1);
	CHECK_EQ(fd.revents, POLLIN);
	CHECK_EQ(t_wait(pid), 0);
	close(p[0]);
	close(p[1]);
}

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

static void ppoll_mask_only_while_waiting(void)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	sigset_t block, empty, now;
	struct pollfd fd;
	int p[2];

	CHECK_OK(pipe(p));
	signal(SIGUSR1, on_usr1);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&empty);
	sigprocmask(SIG_BLOCK, &block, NULL);
	fd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	CHECK_EQ(ppoll(&fd, 1, &ts, &empty), 0);
	kill(getpid(), SIGUSR1);
	CHECK_EQ(got_usr1, 0);
	ts.tv_sec = 5;
	CHECK_ERR(ppoll(&fd, 1, &ts, &empty), EINTR);
	CHECK_EQ(got_usr1, 1);
	sigprocmask(SIG_SETMASK, NULL, &now);
	CHECK(sigismember(&now, SIGUSR1));
	ts.tv_nsec = -1;
	CHECK_ERR(ppoll(&fd, 1, &ts, NULL), EINVAL);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	signal(SIGUSR1, SIG_DFL);
	close(p[0]);
	close(p[1]);
}

static void select_read_write_sets(void)
{
	struct timeval tv = { 0, 0 };
	fd_set r, w;
	int p[2];

	CHECK_OK(pipe(p));
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	CHECK_EQ(select(p[1] + 1, &r, &w, NULL, &tv), 1);
	CHECK(!FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w));
	CHECK_EQ(write(p[1], "x", 1), 1);
	FD_SET(p[0], &r);
	CHECK_EQ(select(p[1] + 1, &r, NULL, NULL, &tv), 1);
	CHECK(FD_ISSET(p[0], &r));
	tv.tv_usec = 30000;
	FD_ZERO(&r);
	FD_SET(p[1] + 1 + 3, &r);
	CHECK_ERR(select(p[1] + 5, &r, NULL, NULL, &tv), EBADF);
	CHECK_ERR(select(-1, NULL, NULL, NULL, &tv), EINVAL);
	tv.tv_usec = -1;
	CHECK_ERR(select(0, NULL, NULL, NULL, &tv), EINVAL);
	close(p[0]);
	close(p[1]);
}

/* select writes back the time left (Linux does; POSIX allows it): all
 * of it was used up by a timeout, and part of it when a pipe was ready.
 * The raw call: musl's select passes the kernel a copy of the timeval. */
static void select_writes_back_the_time_left(void)
{
	struct timespec t0;
	long left_ms;
	struct timeval tv = { 0, 30000 };
	fd_set r;
	int p[2];

	CHECK_OK(pipe(p));
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	CHECK_EQ(syscall(SYS_select, p[0] + 1, &r, NULL, NULL, &tv), 0);
	CHECK(tv.tv_sec == 0 && tv.tv_usec == 0);
	CHECK(!FD_ISSET(p[0], &r));
	/* Ready at once: the time left is the 5 s less what passed, give
	 * or take a tick, however slowly the machine runs. */
	CHECK_EQ(write(p[1], "x", 1), 1);
	tv = (struct timeval){ 5, 0 };
	FD_SET(p[0], &r);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_EQ(syscall(SYS_select, p[0] + 1, &r, NULL, NULL, &tv), 1);
	left_ms = tv.tv_sec * 1000 + tv.tv_usec / 1000;
	CHECK(left_ms <= 5000 && left_ms >= 5000 - elapsed_ms(&t0) - 20);
	close(p[0]);
	close(p[1]);
}

/* A regular file is always ready both ways; pselect6's mask works as
 * ppoll's (a signal blocked outside is let in while it waits). */
static void regular_files_and_pselect_mask(void)
{
	struct timespec ts = { 5, 0 };
	sigset_t block, empty;
	struct pollfd pfd;
	fd_set r, w;
	int fd = open("f", O_CREAT | O_RDWR, 0644);

	pfd = (struct pollfd){ .fd = fd, .events = POLLIN | POLLOUT };
	CHECK_EQ(poll(&pfd, 1, -1), 1);
	CHECK_EQ(pfd.revents, POLLIN | POLLOUT);
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(fd, &r);
	FD_SET(fd, &w);
	CHECK_EQ(select(fd + 1, &r, &w, NULL, NULL), 2);

	got_usr1 = 0;
	signal(SIGUSR1, on_usr1);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&empty);
	sigprocmask(SIG_BLOCK, &block, NULL);
	kill(getpid(), SIGUSR1);
	CHECK_EQ(got_usr1, 0);
	FD_ZERO(&r);
	CHECK_ERR(pselect(0, &r, NULL, NULL, &ts, &empty), EINTR);
	CHECK_EQ(got_usr1, 1);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	signal(SIGUSR1, SIG_DFL);
	close(fd);
	CHECK_OK(unlink("f"));
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 60);
	RUN(poll_pipe_states);
	RUN(poll_nval_and_negative_fd);
	RUN(poll_timeout_waits);
	RUN(poll_wakes_on_a_child_write);
	RUN(ppoll_mask_only_while_waiting);
	RUN(select_read_write_sets);
	RUN(select_writes_back_the_time_left);
	RUN(regular_files_and_pselect_mask);
	return t_end();
}
