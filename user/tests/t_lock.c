/*
 * t_lock: advisory file locks. fcntl's POSIX record locks: another
 * process sees them with F_GETLK and is refused with F_SETLK (EAGAIN);
 * a process's own ranges split and merge; l_len 0 runs to the end of
 * the file, a negative one ends before l_start, SEEK_CUR and SEEK_END
 * count from the offset and the size; they are not inherited by fork,
 * and go when the process closes any descriptor of the file, and at
 * exit; F_SETLKW waits for the holder, is interrupted by a signal
 * (EINTR without SA_RESTART), and one of two processes that would wait
 * for each other gets EDEADLK. flock(2) locks belong to the open file:
 * shared by dup and fork, gone with the last close, blind to fcntl's;
 * LOCK_NB gives EWOULDBLOCK. OFD locks conflict between two opens in
 * one process and with POSIX locks, and report l_pid -1. /proc/locks
 * lists them in Linux's format. Errors: EBADF, EINVAL, EOVERFLOW,
 * EFAULT. docs/ipc.md.
 */
#include "t.h"
#include <sys/file.h>
#include <sys/syscall.h>

static void on_signal(int sig)
{
	(void)sig;
}

static int setlk(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type,
			    .l_whence = SEEK_SET,
			    .l_start = start,
			    .l_len = len };

	return fcntl(fd, cmd, &fl);
}

/* What F_GETLK (or F_OFD_GETLK) says about a type-lock of
 * [start, start+len) in a new child process, as it sees fd: that process
 * holds nothing, so every lock counts. */
static struct flock probe(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type,
			    .l_whence = SEEK_SET,
			    .l_start = start,
			    .l_len = len };
	int p[2];
	pid_t pid;

	if (pipe(p) != 0)
		return (struct flock){ .l_type = -1 };
	pid = fork();
	if (pid == 0) {
		if (fcntl(fd, cmd, &fl) != 0)
			fl.l_type = -2;
		_exit(write(p[1], &fl, sizeof(fl)) == sizeof(fl) ? 0 : 1);
	}
	close(p[1]);
	if (read(p[0], &fl, sizeof(fl)) != sizeof(fl))
		fl.l_type = -1;
	close(p[0]);
	t_wait(pid);
	return fl;
}

/* Is [start, start+len) free for a write lock, as another process sees
 * it? */
static int range_free(int fd, off_t start, off_t len)
{
	return probe(fd, F_GETLK, F_WRLCK, start, len).l_type == F_UNLCK;
}

static void setlk_and_getlk(void)
{
	int fd = open("f", O_RDWR | O_CREAT, 0600);
	struct flock fl;
	pid_t pid;

	CHECK(fd >= 0);
	CHECK_OK(setlk(fd, F_SETLK, F_WRLCK, 0, 100));
	fl = probe(fd, F_GETLK, F_RDLCK, 50, 1);
	CHECK_EQ(fl.l_type, F_WRLCK);
	CHECK_EQ(fl.l_whence, SEEK_SET);
	CHECK_EQ(fl.l_start, 0);
	CHECK_EQ(fl.l_len, 100);
	CHECK_EQ(fl.l_pid, getpid());
	CHECK(range_free(fd, 100, 10));
	/* Our own locks never stand in our way. */
	fl = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET };
	CHECK_OK(fcntl(fd, F_GETLK, &fl));
	CHECK_EQ(fl.l_type, F_UNLCK);
	pid = fork();
	if (pid == 0) {
		int bad = 0;

		errno = 0;
		bad |= setlk(fd, F_SETLK, F_RDLCK, 50, 10) != -1 ||
		       errno != EAGAIN;
		bad |= setlk(fd, F_SETLK, F_WRLCK, 100, 10) != 0;
		/* A child cannot let go of its parent's lock. */
		bad |= setlk(fd, F_SETLK, F_UNLCK, 0, 0) != 0;
		_exit(bad);
	}
	CHECK_EQ(t_wait(pid), 0);
	CHECK(!range_free(fd, 0, 100));
	CHECK(range_free(fd, 100, 10)); /* the child's went at its exit */
	CHECK_OK(close(fd));
	CHECK_OK(unlink("f"));
}

/* Read locks share; a write lock conflicts with them. */
static void readers_share(void)
{
	int fd = open("f", O_RDWR | O_CREAT, 0600);
	struct flock fl;

	CHECK_OK(setlk(fd, F_SETLK, F_RDLCK, 10, 10));
	CHECK_EQ(probe(fd, F_GETLK, F_RDLCK, 0, 0).l_type, F_UNLCK);
	fl = probe(fd, F_GETLK, F_WRLCK, 0, 0);
	CHECK_EQ(fl.l_type, F_RDLCK);
	CHECK_EQ(fl.l_start, 10);
	CHECK_EQ(fl.l_len, 10);
	CHECK_OK(close(fd));
	CHECK_OK(unlink("f"));
}

/* Unlocking the middle splits a lock; a different type in the middle
 * splits it in three; the same type again merges it back. */
static void split_and_merge(void)
{
	int fd = open("f", O_RDWR | O_CREAT, 0600);
	struct flock fl;

	CHECK_OK(setlk(fd, F_SETLK, F_WRLCK, 0, 100));
	CHECK_OK(setlk(fd, F_SETLK, F_UNLCK, 40, 20));
	fl = probe(fd, F_GETLK, F_WRLCK, 0, 0);
	CHECK_EQ(fl.l_start, 0);
	CHECK_EQ(fl.l_len, 40);
	CHECK(range_free(fd, 40, 20));
	fl = probe(fd, F_GETLK, F_WRLCK, 40, 0);
	CHECK_EQ(fl.l_start, 60);
	CHECK_EQ(fl.l_len, 40);
	/* A read lock in the hole: readers get in there, not elsewhere. */
	CHECK_OK(setlk(fd, F_SETLK, F_RDLCK, 40, 20));
	CHECK_EQ(probe(fd, F_GETLK, F_RDLCK, 40, 20).l_type, F_UNLCK);
	fl = probe(fd, F_GETLK, F_WRLCK, 45, 1);
	CHECK_EQ(fl.l_type, F_RDLCK);
	CHECK_EQ(fl.l_start, 40);
	CHECK_EQ(fl.l_len, 20);
	/* Write again over it: one lock 0..99. */
	CHECK_OK(setlk(fd, F_SETLK, F_WRLCK, 40, 20));
	fl = probe(fd, F_GETLK, F_RDLCK, 0, 0);
	CHECK_EQ(fl.l_type, F_WRLCK);
	CHECK_EQ(fl.l_start, 0);
	CHECK_EQ(fl.l_len, 100);
	/* A read lock inside a write lock splits it in three. */
	CHECK_OK(setlk(fd, F_SETLK, F_RDLCK, 10, 5));
	fl = probe(fd, F_GETLK, F_WRLCK, 10, 5);
	CHECK_EQ(fl.l_type, F_RDLCK);
	CHECK_EQ(fl.l_start, 10);
	CHECK_EQ(fl.l_len, 5);
	fl = probe(fd, F_GETLK, F_RDLCK, 15, 0);
	CHECK_EQ(fl.l_start, 15);
	CHECK_EQ(fl.l_len, 85);
	/* Touching ranges of one type merge. */
	CHECK_OK(setlk(fd, F_SETLK, F_UNLCK, 0, 0));
	CHECK_OK(setlk(fd, F_SETLK, F_WRLCK, 0, 10));
	CHECK_OK(setlk(fd, F_SETLK, F_WRLCK, 10, 10));
	fl = probe(fd, F_GETLK, F_WRLCK, 0, 0);
	CHECK_EQ(fl.l_start, 0);
	CHECK_EQ(fl.l_len, 20);
	CHECK_OK(close(fd));
	CHECK_OK(unlink("f"));
}

/* l_len 0 (to the end, reported as 0), negative lengths, SEEK_CUR and
 * SEEK_END. */
static void ranges_and_whence(void)
{
	int fd = open("f", O_RDWR | O_CREAT, 0600);
	struct flock fl;

	CHECK_EQ(write(fd, "0123456789", 10), 10);
	CHECK_OK(setlk(fd, F_SETLK, F_WRLCK, 1000, 0));
	fl = probe(fd, F_GETLK, F_WRLCK, 5000000, 1);
	CHECK_EQ(fl.l_start, 1000);
	CHECK_EQ(fl.l_len, 0);
	CHECK_OK(setlk(fd, F_SETLK, F_UNLCK, 0, 0));
	/* l_len -5 at 20: bytes 15..19. */
	CHECK_OK(setlk(fd, F_SETLK, F_WRLCK, 20, -5));
	fl = probe(fd, F_GETLK, F_WRLCK, 0, 0);
	CHECK_EQ(fl.l_start, 15);
	CHECK_EQ(fl.l_len, 5);
	CHECK_OK(setlk(fd, F_SETLK, F_UNLCK, 0, 0));
	/* SEEK_CUR: from the offset (10 after the write); SEEK_END: from
	 * the size (10). */
	fl = (struct flock){ .l_type = F_WRLCK,
			     .l_whence = SEEK_CUR,
			     .l_start = -2,
			     .l_len = 1 };
	CHECK_OK(fcntl(fd, F_SETLK, &fl));
	CHECK_EQ(probe(fd, F_GETLK, F_WRLCK, 0, 0).l_start, 8);
	fl = (struct flock){ .l_type = F_WRLCK,
			     .l_whence = SEEK_END,
			     .l_start = 5,
			     .l_len = 1 };
	CHECK_OK(fcntl(fd, F_SETLK, &fl));
	CHECK_EQ(probe(fd, F_GETLK, F_WRLCK, 9, 0).l_start, 15);
	CHECK_OK(close(fd));
	CHECK_OK(unlink("f"));
}

static void fcntl_errors(void)
{
	int fd = open("f", O_RDWR | O_CREAT, 0600);
	int ro = open("f", O_RDONLY), wo = open("f", O_WRONLY);
	struct flock fl;

	CHECK_ERR(setlk(-1, F_SETLK, F_WRLCK, 0, 0), EBADF);
	CHECK_ERR(setlk(99, F_GETLK, F_WRLCK, 0, 0), EBADF);
	CHECK_ERR(setlk(fd, F_SETLK, 7, 0, 0), EINVAL);
	CHECK_ERR(setlk(fd, F_GETLK, F_UNLCK, 0, 0), EINVAL);
	CHECK_ERR(setlk(fd, F_SETLK, F_WRLCK, -1, 0), EINVAL);
	CHECK_ERR(setlk(fd, F_SETLK, F_WRLCK, 5, -6), EINVAL);
	CHECK_ERR(setlk(fd, F_SETLK, F_WRLCK, 0x7fffffffffffffffLL, 2),
		  EOVERFLOW);
	fl = (struct flock){ .l_type = F_WRLCK, .l_whence = 3 };
	CHECK_ERR(fcntl(fd, F_SETLK, &fl), EINVAL);
	CHECK_ERR(setlk(ro, F_SETLK, F_WRLCK, 0, 0), EBADF);
	CHECK_ERR(setlk(wo, F_SETLK, F_RDLCK, 0, 0), EBADF);
	CHECK_OK(setlk(ro, F_SETLK, F_RDLCK, 0, 0));
	CHECK_OK(setlk(wo, F_SETLK, F_WRLCK, 0, 0));
	CHECK_ERR(syscall(SYS_fcntl, fd, F_SETLK, (void *)16), EFAULT);
	CHECK_ERR(syscall(SYS_fcntl, fd, F_GETLK, (void *)0xffff800000000000),
		  EFAULT);
	fl = (struct flock){ .l_type = F_WRLCK, .l_pid = 1 };
	CHECK_ERR(fcntl(fd, F_OFD_SETLK, &fl), EINVAL);
	CHECK_OK(close(ro));
	CHECK_OK(close(wo));
	CHECK_OK(close(fd));
	CHECK_OK(unlink("f"));
}

/* Closing any descriptor of the file drops the process's POSIX locks
 * on it, even one opened separately; exit drops them too. */
static void close_and_exit_release(void)
{
	int fd = open("f", O_RDWR | O_CREAT, 0600), other;
	pid_t pid;

	CHECK_OK(setlk(fd, F_SETLK, F_WRLCK, 0, 0));
	other = open("f", O_RDONLY);
	CHECK(!range_free(fd, 0, 0));
	CHECK_OK(close(other));
	CHECK(range_free(fd, 0, 0));
	/* dup2 over a descriptor of the file is a close too. */
	CHECK_OK(setlk(fd, F_SETLK, F_WRLCK, 0, 0));
	other = open("f", O_RDONLY);
	CHECK_OK(dup2(fd, other));
	CHECK(range_free(fd, 0, 0));
	CHECK_OK(close(other));
	pid = fork();
	if (pid == 0) {
		_exit(setlk(fd, F_SETLK, F_WRLCK, 0, 0) != 0);
	}
	CHECK_EQ(t_wait(pid), 0);
	CHECK_OK(setlk(fd, F_SETLK, F_WRLCK, 0, 0));
	CHECK_OK(close(fd));
	CHECK_OK(unlink("f"));
}

/* F_SETLKW sleeps until the holder lets go: the byte the holder wrote
 * just before is there when the waiter gets the lock. */
static void setlkw_waits(void)
{
	int fd = open("f", O_RDWR | O_CREAT, 0600), p[2];
	char c = 0;
	pid_t pid;

	CHECK_OK(pipe(p));
	pid = fork();
	if (pid == 0) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		setlk(fd, F_SETLK, F_WRLCK, 0, 1);
		write(p[1], "x", 1);
		nanosleep(&ts, NULL);
		pwrite(fd, "L", 1, 0);
		_exit(0);
	}
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_OK(setlk(fd, F_SETLKW, F_WRLCK, 0, 1));
	CHECK_EQ(pread(fd, &c, 1, 0), 1);
	CHECK_EQ(c, 'L');
	CHECK_EQ(t_wait(pid), 0);
	close(p[0]);
	close(p[1]);
	CHECK_OK(close(fd));
	CHECK_OK(unlink("f"));
}

/* A signal whose handler has no SA_RESTART ends the wait with EINTR.
 * A second child sends it over and over, so it also lands while the
 * parent is asleep. */
static void setlkw_interrupted(void)
{
	int fd = open("f", O_RDWR | O_CREAT, 0600), p[2];
	struct sigaction sa = { .sa_handler = on_signal }, old;
	pid_t holder, nagger, parent = getpid();
	char c;

	CHECK_OK(pipe(p));
	holder = fork();
	if (holder == 0) {
		setlk(fd, F_SETLK, F_WRLCK, 0, 0);
		write(p[1], "x", 1);
		pause();
		_exit(0);
	}
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_OK(sigaction(SIGUSR1, &sa, &old));
	nagger = fork();
	if (nagger == 0) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		for (;;) {
			nanosleep(&ts, NULL);
			kill(parent, SIGUSR1);
		}
	}
	CHECK_ERR(setlk(fd, F_SETLKW, F_WRLCK, 0, 0), EINTR);
	kill(nagger, SIGKILL);
	kill(holder, SIGKILL);
	t_wait(nagger);
	t_wait(holder);
	CHECK_OK(sigaction(SIGUSR1, &old, NULL));
	CHECK_OK(setlk(fd, F_SETLK, F_WRLCK, 0, 0));
	close(p[0]);
	close(p[1]);
	CHECK_OK(close(fd));
	CHECK_OK(unlink("f"));
}

/* Parent holds byte 0, child byte 1; each then waits for the other's.
 * Whichever asks second closes the cycle and gets EDEADLK; it lets go,
 * and the other gets its lock. */
static void deadlock_detected(void)
{
	int fd = open("f", O_RDWR | O_CREAT, 0600), p[2];
	int parent_deadlk = 0, child_deadlk, status;
	char c;
	pid_t pid;

	CHECK_OK(pipe(p));
	CHECK_OK(setlk(fd, F_SETLK, F_WRLCK, 0, 1));
	pid = fork();
	if (pid == 0) {
		int r;

		setlk(fd, F_SETLK, F_WRLCK, 1, 1);
		write(p[1], "x", 1);
		r = setlk(fd, F_SETLKW, F_WRLCK, 0, 1);
		_exit(r == 0 ? 0 : errno == EDEADLK ? 1 : 2);
	}
	CHECK_EQ(read(p[0], &c, 1), 1);
	usleep(50000);
	if (setlk(fd, F_SETLKW, F_WRLCK, 1, 1) != 0) {
		CHECK_EQ(errno, EDEADLK);
		parent_deadlk = 1;
		setlk(fd, F_SETLK, F_UNLCK, 0, 1);
	}
	status = t_wait(pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) <= 1);
	child_deadlk = WIFEXITED(status) && WEXITSTATUS(status) == 1;
	CHECK_EQ(parent_deadlk + child_deadlk, 1);
	close(p[0]);
	close(p[1]);
	CHECK_OK(close(fd));
	CHECK_OK(unlink("f"));
}

static void flock_basics(void)
{
	int fd = open("f", O_RDWR | O_CREAT, 0600), fd2 = open("f", O_RDWR);
	int dupfd;
	pid_t pid;

	CHECK_OK(flock(fd, LOCK_EX));
	CHECK_ERR(flock(fd2, LOCK_EX | LOCK_NB), EWOULDBLOCK);
	CHECK_ERR(flock(fd2, LOCK_SH | LOCK_NB), EWOULDBLOCK);
	/* fcntl's locks do not see flock's. */
	CHECK(range_free(fd, 0, 0));
	/* The same open file, in a child: the same lock, so no conflict;
	 * another open of the file conflicts. */
	pid = fork();
	if (pid == 0) {
		int bad = flock(fd, LOCK_EX | LOCK_NB) != 0;
		int other = open("f", O_RDONLY);

		errno = 0;
		bad |= flock(other, LOCK_SH | LOCK_NB) != -1 ||
		       errno != EWOULDBLOCK;
		_exit(bad);
	}
	CHECK_EQ(t_wait(pid), 0);
	/* Shared locks share; a dup'd descriptor closed leaves it held. */
	CHECK_OK(flock(fd, LOCK_SH));
	CHECK_OK(flock(fd2, LOCK_SH | LOCK_NB));
	CHECK_ERR(flock(fd2, LOCK_EX | LOCK_NB), EWOULDBLOCK);
	CHECK_OK(flock(fd2, LOCK_UN));
	dupfd = dup(fd);
	CHECK_OK(close(dupfd));
	CHECK_ERR(flock(fd2, LOCK_EX | LOCK_NB), EWOULDBLOCK);
	CHECK_OK(close(fd));
	CHECK_OK(flock(fd2, LOCK_EX | LOCK_NB));
	CHECK_ERR(flock(fd2, 0), EINVAL);
	CHECK_ERR(flock(fd2, LOCK_SH | LOCK_EX), EINVAL);
	CHECK_ERR(flock(-1, LOCK_SH), EBADF);
	CHECK_OK(close(fd2));
	CHECK_OK(unlink("f"));
}

/* flock without LOCK_NB sleeps until the holder's last close. */
static void flock_waits(void)
{
	int fd = open("f", O_RDWR | O_CREAT, 0600), p[2];
	char c;
	pid_t pid;

	CHECK_OK(pipe(p));
	pid = fork();
	if (pid == 0) {
		int mine = open("f", O_RDWR);
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		flock(mine, LOCK_EX);
		write(p[1], "x", 1);
		nanosleep(&ts, NULL);
		pwrite(mine, "F", 1, 0);
		_exit(0);
	}
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_OK(flock(fd, LOCK_EX));
	CHECK_EQ(pread(fd, &c, 1, 0), 1);
	CHECK_EQ(c, 'F');
	CHECK_EQ(t_wait(pid), 0);
	close(p[0]);
	close(p[1]);
	CHECK_OK(close(fd));
	CHECK_OK(unlink("f"));
}

/* Open-file-description locks: two opens in one process conflict, and
 * with POSIX locks; closing another descriptor leaves them be. */
static void ofd_locks(void)
{
	int fd = open("f", O_RDWR | O_CREAT, 0600), fd2 = open("f", O_RDWR);
	struct flock fl;

	CHECK_OK(setlk(fd, F_OFD_SETLK, F_WRLCK, 0, 10));
	CHECK_ERR(setlk(fd2, F_OFD_SETLK, F_RDLCK, 5, 1), EAGAIN);
	CHECK_ERR(setlk(fd2, F_SETLK, F_RDLCK, 5, 1), EAGAIN);
	fl = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET };
	CHECK_OK(fcntl(fd2, F_OFD_GETLK, &fl));
	CHECK_EQ(fl.l_type, F_WRLCK);
	CHECK_EQ(fl.l_pid, -1);
	CHECK_EQ(fl.l_len, 10);
	CHECK_OK(close(fd2));
	CHECK_EQ(probe(fd, F_GETLK, F_WRLCK, 0, 0).l_type, F_WRLCK);
	/* Shared with a child through fork: it owns them too. */
	CHECK_EQ(probe(fd, F_OFD_GETLK, F_WRLCK, 0, 0).l_type, F_UNLCK);
	CHECK_OK(close(fd));
	CHECK_OK(unlink("f"));
}

/* /proc/locks: "N: POSIX  ADVISORY  WRITE pid maj:min:ino 0 EOF". */
static void proc_locks(void)
{
	int fd = open("f", O_RDWR | O_CREAT, 0600);
	char line[256], want[96], range[64];
	struct stat st;
	int seen = 0, seen_flock = 0;
	FILE *f;

	CHECK_OK(fstat(fd, &st));
	CHECK_OK(setlk(fd, F_SETLK, F_WRLCK, 0, 0));
	CHECK_OK(setlk(fd, F_SETLK, F_RDLCK, 5, 3));
	CHECK_OK(flock(fd, LOCK_SH));
	f = fopen("/proc/locks", "r");
	CHECK(f != NULL);
	snprintf(want, sizeof(want), ":%lu ", (unsigned long)st.st_ino);
	while (f && fgets(line, sizeof(line), f)) {
		char kind[16], adv[16], type[16], dev[64];
		int n, pid;

		if (!strstr(line, want) || strstr(line, "->"))
			continue;
		if (sscanf(line, "%d: %15s %15s %15s %d %63s %63[^\n]", &n,
			   kind, adv, type, &pid, dev, range) != 7)
			continue;
		CHECK(strcmp(adv, "ADVISORY") == 0);
		if (strcmp(kind, "FLOCK") == 0) {
			seen_flock++;
			CHECK(strcmp(type, "READ") == 0);
			CHECK(strcmp(range, "0 EOF") == 0);
			continue;
		}
		CHECK(strcmp(kind, "POSIX") == 0);
		CHECK_EQ(pid, getpid());
		if (strcmp(type, "READ") == 0) {
			CHECK(strcmp(range, "5 7") == 0);
		} else {
			CHECK(strcmp(type, "WRITE") == 0);
			CHECK(strcmp(range, "0 4") == 0 ||
			      strcmp(range, "8 EOF") == 0);
		}
		seen++;
	}
	if (f)
		fclose(f);
	CHECK_EQ(seen, 3);
	CHECK_EQ(seen_flock, 1);
	CHECK_OK(close(fd));
	CHECK_OK(unlink("f"));
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 60);
	RUN(setlk_and_getlk);
	RUN(readers_share);
	RUN(split_and_merge);
	RUN(ranges_and_whence);
	RUN(fcntl_errors);
	RUN(close_and_exit_release);
	RUN(setlkw_waits);
	RUN(setlkw_interrupted);
	RUN(deadlock_detected);
	RUN(flock_basics);
	RUN(flock_waits);
	RUN(ofd_locks);
	RUN(proc_locks);
	return t_end();
}
