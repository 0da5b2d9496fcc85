/*
 * t_fd: the descriptor table. dup gives the lowest free number and shares
 * the offset; dup2 and dup3 replace a descriptor (dup2 of a descriptor onto
 * itself is a no-op, dup3 refuses it, and unknown flags: asked with the raw system call, as
 * musl's dup3 checks some of this itself); fcntl F_DUPFD and F_DUPFD_CLOEXEC
 * give the lowest number at or above the argument; F_GETFD and F_SETFD
 * with FD_CLOEXEC; F_GETFL and F_SETFL with O_NONBLOCK and O_APPEND (and
 * the access mode unchanged); close-on-exec really closes across execve
 * (the program re-executes itself to look); a new file gets the lowest
 * free descriptor; and the generic ioctls: FIOCLEX and FIONCLEX set and
 * clear close-on-exec, FIONBIO sets O_NONBLOCK, FIONREAD counts the bytes
 * left to read in a pipe and in a regular file, and a terminal ioctl on a
 * regular file is ENOTTY; close_range closes a range, or marks it
 * close-on-exec, and refuses a reversed range and unknown flags.
 */
#include "t.h"
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

static void dup_shares_the_offset(void)
{
	int fd = open("f", O_CREAT | O_RDWR | O_TRUNC, 0644), d;

	CHECK_EQ(write(fd, "abcdef", 6), 6);
	d = dup(fd);
	CHECK(d > fd);
	CHECK_EQ(lseek(d, 2, SEEK_SET), 2);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 2);
	CHECK_EQ(fcntl(d, F_GETFD), 0);
	CHECK_ERR(dup(-1), EBADF);
	CHECK_ERR(dup(1000), EBADF);
	close(d);
	close(fd);
	CHECK_OK(unlink("f"));
}

static void lowest_free_descriptor(void)
{
	int a = open("/", O_RDONLY), b = open("/", O_RDONLY);

	CHECK_OK(close(a));
	CHECK_EQ(open("/", O_RDONLY), a);
	CHECK_EQ(dup(b), b + 1);
	close(a);
	close(b);
	close(b + 1);
}

static void dup2_and_dup3(void)
{
	int a = open("/", O_RDONLY), b = open("/", O_RDONLY);

	CHECK_EQ(dup2(a, 100), 100);
	CHECK_EQ(fcntl(100, F_GETFD), 0);
	CHECK_EQ(dup2(a, a), a);
	CHECK_ERR(dup2(-1, 5), EBADF);
	CHECK_ERR(dup2(a, -1), EBADF);
	CHECK_ERR(dup2(a, 1 << 20), EBADF);
	CHECK_EQ(dup3(a, b, O_CLOEXEC), b);
	CHECK_EQ(fcntl(b, F_GETFD), FD_CLOEXEC);
	CHECK_ERR(syscall(SYS_dup3, a, a, 0), EINVAL);
	CHECK_ERR(syscall(SYS_dup3, a, b, 0x4), EINVAL);
	CHECK_ERR(dup2(200, a), EBADF);
	CHECK_EQ(fcntl(a, F_GETFD), 0);
	close(a);
	close(b);
	close(100);
}

static void fcntl_dupfd(void)
{
	int a = open("/", O_RDONLY), d;

	d = fcntl(a, F_DUPFD, 50);
	CHECK_EQ(d, 50);
	CHECK_EQ(fcntl(a, F_DUPFD, 50), 51);
	CHECK_EQ(fcntl(51, F_GETFD), 0);
	d = fcntl(a, F_DUPFD_CLOEXEC, 50);
	CHECK_EQ(d, 52);
	CHECK_EQ(fcntl(d, F_GETFD), FD_CLOEXEC);
	CHECK_ERR(fcntl(a, F_DUPFD, -1), EINVAL);
	CHECK_ERR(fcntl(-1, F_DUPFD, 0), EBADF);
	CHECK_ERR(fcntl(a, 9999), EINVAL);
	close(50);
	close(51);
	close(52);
	close(a);
}

static void fcntl_getfd_setfd(void)
{
	int a = open("/", O_RDONLY | O_CLOEXEC);

	CHECK_EQ(fcntl(a, F_GETFD), FD_CLOEXEC);
	CHECK_OK(fcntl(a, F_SETFD, 0));
	CHECK_EQ(fcntl(a, F_GETFD), 0);
	CHECK_OK(fcntl(a, F_SETFD, FD_CLOEXEC));
	CHECK_EQ(fcntl(a, F_GETFD), FD_CLOEXEC);
	CHECK_ERR(fcntl(-1, F_GETFD), EBADF);
	close(a);
}

static void fcntl_getfl_setfl(void)
{
	int p[2], fd;
	char c;

	fd = open("f", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	CHECK_EQ(fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK),
		 O_WRONLY);
	CHECK_OK(fcntl(fd, F_SETFL, O_APPEND | O_RDWR));
	CHECK_EQ(fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND),
		 O_WRONLY | O_APPEND);
	CHECK_EQ(write(fd, "ab", 2), 2);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(write(fd, "cd", 2), 2);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 4);
	close(fd);
	CHECK_OK(unlink("f"));
	CHECK_OK(pipe(p));
	CHECK_OK(fcntl(p[0], F_SETFL, O_NONBLOCK));
	CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
	CHECK_ERR(read(p[0], &c, 1), EAGAIN);
	CHECK_OK(fcntl(p[0], F_SETFL, 0));
	CHECK_EQ(fcntl(p[0], F_GETFL) & O_NONBLOCK, 0);
	close(p[0]);
	close(p[1]);
}

static void generic_ioctls(void)
{
	int fd = open("f", O_CREAT | O_RDWR | O_TRUNC, 0644), p[2], n = -1;
	int on = 1;
	char c, termios[64];

	CHECK_OK(ioctl(fd, FIOCLEX));
	CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	CHECK_OK(ioctl(fd, FIONCLEX));
	CHECK_EQ(fcntl(fd, F_GETFD), 0);
	CHECK_EQ(write(fd, "0123456789", 10), 10);
	CHECK_EQ(lseek(fd, 3, SEEK_SET), 3);
	CHECK_OK(ioctl(fd, FIONREAD, &n));
	CHECK_EQ(n, 7);
	CHECK_ERR(ioctl(fd, TCGETS, termios), ENOTTY);
	CHECK_ERR(ioctl(-1, FIONREAD, &n), EBADF);
	CHECK_OK(pipe(p));
	CHECK_EQ(write(p[1], "abcde", 5), 5);
	CHECK_OK(ioctl(p[0], FIONREAD, &n));
	CHECK_EQ(n, 5);
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_OK(ioctl(p[0], FIONREAD, &n));
	CHECK_EQ(n, 4);
	CHECK_OK(ioctl(p[0], FIONBIO, &on));
	CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
	on = 0;
	CHECK_OK(ioctl(p[0], FIONBIO, &on));
	CHECK_EQ(fcntl(p[0], F_GETFL) & O_NONBLOCK, 0);
	close(p[0]);
	close(p[1]);
	close(fd);
	CHECK_OK(unlink("f"));
}

static void close_range_closes_and_marks(void)
{
	int a = open("/", O_RDONLY);

	CHECK_EQ(dup2(a, 50), 50);
	CHECK_EQ(dup2(a, 51), 51);
	CHECK_EQ(dup2(a, 53), 53);
	CHECK_OK(syscall(SYS_close_range, 51, 60, 0));
	CHECK_EQ(fcntl(50, F_GETFD), 0);
	CHECK_ERR(fcntl(51, F_GETFD), EBADF);
	CHECK_ERR(fcntl(53, F_GETFD), EBADF);
	CHECK_OK(syscall(SYS_close_range, 50, ~0U, 1U << 2)); /* CLOEXEC */
	CHECK_EQ(fcntl(50, F_GETFD), FD_CLOEXEC);
	CHECK_ERR(syscall(SYS_close_range, 60, 50, 0), EINVAL);
	CHECK_ERR(syscall(SYS_close_range, 50, 60, 1U << 6), EINVAL);
	CHECK_OK(syscall(SYS_close_range, 50, 50, 1U << 1)); /* UNSHARE */
	CHECK_ERR(fcntl(50, F_GETFD), EBADF);
	CHECK_EQ(fcntl(a, F_GETFD), 0);
	close(a);
}

/* Exec ourselves with "probe FD": exit 0 if FD is closed, 1 if open. */
static int exec_probe(int fd)
{
	char arg[16];
	pid_t pid;

	snprintf(arg, sizeof(arg), "%d", fd);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { t_self, "probe", arg, NULL };

		execv(t_self, argv);
		_exit(99);
	}
	return t_wait(pid);
}

static void cloexec_closes_across_execve(void)
{
	int keep = open("/", O_RDONLY), gone = open("/", O_RDONLY | O_CLOEXEC);
	int status;

	status = exec_probe(keep);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	status = exec_probe(gone);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(keep);
	close(gone);
}

static void descriptor_limit_gives_emfile(void)
{
	struct rlimit old, rl;
	int fds[16], i, n = 0, fd;

	CHECK_OK(getrlimit(RLIMIT_NOFILE, &old));
	rl = old;
	rl.rlim_cur = 16;
	CHECK_OK(setrlimit(RLIMIT_NOFILE, &rl));
	while (n < 16 && (fd = open("/", O_RDONLY)) >= 0)
		fds[n++] = fd;
	CHECK(n < 16);
	CHECK_ERR(open("/", O_RDONLY), EMFILE);
	CHECK_ERR(open("new", O_CREAT | O_WRONLY, 0644), EMFILE);
	CHECK_ERR(access("new", F_OK), ENOENT); /* nothing was created */
	CHECK_ERR(dup(0), EMFILE);
	CHECK_ERR(fcntl(0, F_DUPFD, 16), EINVAL);
	for (i = 0; i < n; i++)
		close(fds[i]);
	CHECK_OK(setrlimit(RLIMIT_NOFILE, &old));
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "probe") == 0)
		return fcntl(atoi(argv[2]), F_GETFD) == -1 && errno == EBADF
			       ? 0
			       : 1;
	t_begin(argv[0], 60);
	RUN(dup_shares_the_offset);
	RUN(lowest_free_descriptor);
	RUN(dup2_and_dup3);
	RUN(fcntl_dupfd);
	RUN(fcntl_getfd_setfd);
	RUN(fcntl_getfl_setfl);
	RUN(cloexec_closes_across_execve);
	RUN(descriptor_limit_gives_emfile);
	RUN(generic_ioctls);
	RUN(close_range_closes_and_marks);
	return t_end();
}
