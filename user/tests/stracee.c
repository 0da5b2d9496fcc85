/*
 * stracee: programs for strace to trace (tools/hosttest/strace.sh, and
 * lab strace inside Kestrel), each a fixed sequence of system calls whose
 * trace is the same run after run, so that Kestrel's strace and Linux's
 * can be compared line for line.
 *
 *   stracee calls     one call each of the kinds strace decodes: files,
 *                     descriptors, directories, pipes, poll, iovecs,
 *                     signals' actions and masks, times, limits, a
 *                     socket; in a directory of its own (stracee.d)
 *   stracee forksig   a child that exits 3, one killed by SIGSEGV, a
 *                     SIGUSR1 to itself caught by a handler; SIGCHLD is
 *                     blocked while it waits, so that it arrives at a
 *                     known point (when unblocked), not whenever the
 *                     child happens to die
 *   stracee decode    calls with structures or encodings beyond the
 *                     common: sysinfo, ioctl requests strace knows only
 *                     by their _IOC fields
 *   stracee sleep N   sleeps N seconds, for strace -p
 *   stracee loop N    N getppid calls, for strace -c
 *
 * Raw syscall(2) where libc would pick a different call on another libc
 * or kernel; no stdio, so each write is one call.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void say(const char *s)
{
	if (write(1, s, strlen(s)) < 0)
		_exit(1);
}

static void decode(void)
{
	struct sysinfo si;
	char buf[16];
	int fd = open("/dev/null", O_RDONLY);

	say("decode\n");
	sysinfo(&si);
	ioctl(fd, _IOC(_IOC_READ | _IOC_WRITE, 0xfe, 0x12, sizeof(buf)), buf);
	ioctl(fd, _IOC(_IOC_NONE, 0xfe, 0x13, 0), 0);
	ioctl(fd, _IOW(0xfe, 0x14, int), buf);
	ioctl(fd, _IOR(0xfe, 0x15, long), buf);
	close(fd);
}

static void calls(void)
{
	char buf[64];
	struct stat st;
	int fds[2];

	mkdir("stracee.d", 0755);
	if (chdir("stracee.d") < 0)
		_exit(1);
	umask(022);
	int fd = open("f", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	say("calls\n");
	if (write(fd,
		  "a \"quoted\"\tline\n\001\002\3777 and more bytes than "
		  "-s shows\n",
		  54) < 0)
		_exit(1);
	close(fd);
	fd = openat(AT_FDCWD, "f", O_RDONLY | O_CLOEXEC);
	if (read(fd, buf, sizeof(buf)) < 0 || pread(fd, buf, 4, 2) < 0)
		_exit(1);
	lseek(fd, 0, SEEK_END);
	fstat(fd, &st);
	fcntl(fd, F_GETFD);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	dup2(fd, 10);
	close(10);
	close(fd);
	stat("f", &st);
	lstat("missing", &st);
	access("f", R_OK | W_OK);
	open("missing", O_RDONLY);
	rename("f", "g");
	link("g", "h");
	symlink("g", "s");
	if (readlink("s", buf, sizeof(buf)) < 0)
		_exit(1);
	chmod("g", 0600);
	unlink("h");
	unlink("s");
	unlink("g");
	mkdir("sub", 0700);
	rmdir("sub");
	if (getcwd(buf, sizeof(buf)) == NULL)
		_exit(1);
	if (syscall(SYS_pipe2, fds, O_CLOEXEC) < 0)
		_exit(1);
	struct iovec iov[2] = { { "io", 2 }, { "vec\n", 4 } };
	if (writev(fds[1], iov, 2) < 0)
		_exit(1);
	struct pollfd p = { fds[0], POLLIN, 0 };
	poll(&p, 1, 0);
	char a[3], b[8];
	struct iovec in[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	if (readv(fds[0], in, 2) < 0)
		_exit(1);
	close(fds[0]);
	close(fds[1]);
	struct timespec ts = { 0, 1000 };
	nanosleep(&ts, NULL);
	struct utsname u;
	uname(&u);
	struct rlimit rl;
	syscall(SYS_getrlimit, RLIMIT_NOFILE, &rl);
	syscall(SYS_getpid);
	syscall(SYS_getuid);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	close(s);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	syscall(SYS_kill, syscall(SYS_getpid), 0);
	if (chdir("..") < 0)
		_exit(1);
	rmdir("stracee.d");
}

static void on_usr1(int sig)
{
	(void)sig;
	say("usr1\n");
}

static void forksig(void)
{
	sigset_t chld, none;
	int status;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &chld, NULL);

	pid_t pid = fork();
	if (pid == 0) {
		say("child\n");
		_exit(3);
	}
	waitpid(pid, &status, 0);
	sigprocmask(SIG_SETMASK, &none, NULL);

	sigprocmask(SIG_BLOCK, &chld, NULL);
	pid = fork();
	if (pid == 0) {
		struct rlimit no_core = { 0, 0 };
		setrlimit(RLIMIT_CORE, &no_core);
		/* cppcheck-suppress nullPointer */
		*(volatile int *)0 = 1;
		_exit(0);
	}
	waitpid(pid, &status, 0);
	sigprocmask(SIG_SETMASK, &none, NULL);

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	kill(getpid(), SIGUSR1);
	say("done\n");
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "decode")) {
		decode();
	} else if (argc >= 2 && !strcmp(argv[1], "calls")) {
		calls();
	} else if (argc >= 2 && !strcmp(argv[1], "forksig")) {
		forksig();
	} else if (argc >= 3 && !strcmp(argv[1], "sleep")) {
		sleep(atoi(argv[2]));
	} else if (argc >= 3 && !strcmp(argv[1], "loop")) {
		for (int i = atoi(argv[2]); i > 0; i--)
			syscall(SYS_getppid);
	} else {
		say("usage: stracee calls|decode|forksig|sleep N|loop N\n");
		return 1;
	}
	return 0;
}
