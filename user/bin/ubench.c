/*
 * ubench: micro-benchmarks of the system calls and process machinery.
 * Each prints one line, "ubench: NAME: FIGURE UNIT (N runs)", timed with
 * CLOCK_MONOTONIC. The same binary runs on Linux, so `make bench` shows
 * Kestrel's figures beside the host's. ubench [NAME...] runs only those.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void report(const char *name, double figure, const char *unit, long n)
{
	printf("ubench: %s: %.1f %s (%ld runs)\n", name, figure, unit, n);
	fflush(stdout);
}

static void bench_syscall(void)
{
	long n = 100000;
	double t = now_ns();

	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	report("syscall", (now_ns() - t) / n, "ns/call", n);
}

/* A 1-byte read of /dev/zero: a system call through the file layer to a
 * character device, and a copy out. */
static void bench_zeroread(void)
{
	long n = 50000;
	int fd = open("/dev/zero", O_RDONLY);
	char c;
	double t;

	if (fd < 0)
		return;
	t = now_ns();
	for (long i = 0; i < n; i++)
		if (read(fd, &c, 1) != 1)
			break;
	report("read 1 byte /dev/zero", (now_ns() - t) / n, "ns/call", n);
	close(fd);
}

/* A 1-byte write then read on a pipe in one process: two system calls
 * through the pipe's lock and buffer, no switch. */
static void bench_pipe1(void)
{
	long n = 30000;
	int fds[2];
	char c = 'x';
	double t;

	if (pipe(fds) < 0)
		return;
	t = now_ns();
	for (long i = 0; i < n; i++)
		if (write(fds[1], &c, 1) != 1 || read(fds[0], &c, 1) != 1)
			break;
	report("pipe write+read 1 byte", (now_ns() - t) / n, "ns/pair", n);
	close(fds[0]);
	close(fds[1]);
}

/* The null call again with raw_syscalls:sys_enter and sys_exit on (two
 * events a call, docs/tracing.md); against "syscall", where every
 * tracepoint is off, it gives an enabled tracepoint's cost. Kestrel only:
 * Linux has no /dev/trace. */
static void bench_syscall_traced(void)
{
	long n = 100000;
	int fd = open("/dev/trace", O_WRONLY);
	double t;

	if (fd < 0 || write(fd, "raw_syscalls:*\n", 15) != 15) {
		if (fd >= 0)
			close(fd);
		return;
	}
	t = now_ns();
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	t = now_ns() - t;
	if (write(fd, "!raw_syscalls:*\n", 16) != 16)
		perror("ubench: /dev/trace");
	close(fd);
	report("syscall traced", t / n, "ns/call", n);
}

static void bench_fork(void)
{
	long n = 300;
	double t = now_ns();

	for (long i = 0; i < n; i++) {
		pid_t p = fork();

		if (p == 0)
			_exit(0);
		waitpid(p, NULL, 0);
	}
	report("fork+exit+wait", (now_ns() - t) / n / 1000, "us", n);
}

static void bench_exec(void)
{
	long n = 100;
	double t = now_ns();

	for (long i = 0; i < n; i++) {
		pid_t p = fork();

		if (p == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		waitpid(p, NULL, 0);
	}
	report("fork+exec+wait", (now_ns() - t) / n / 1000, "us", n);
}

/* One byte back and forth between two processes: two context switches
 * and four pipe calls per round. */
static void bench_pingpong(void)
{
	long n = 2000;
	int ab[2], ba[2];
	char c = 'x';
	double t;
	pid_t p;

	if (pipe(ab) < 0 || pipe(ba) < 0)
		return;
	p = fork();
	if (p == 0) {
		close(ab[1]); /* or it never sees the end of the file */
		close(ba[0]);
		while (read(ab[0], &c, 1) == 1)
			if (write(ba[1], &c, 1) != 1)
				break;
		_exit(0);
	}
	t = now_ns();
	for (long i = 0; i < n; i++)
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
			break;
	t = (now_ns() - t) / n;
	report("pipe round trip", t / 1000, "us", n);
	/* Each round is two switches between the processes, plus the pipe
	 * calls: an upper bound on one switch. */
	report("context switch", t / 2 / 1000, "us", n * 2);
	close(ab[1]);
	waitpid(p, NULL, 0);
	close(ab[0]);
	close(ba[0]);
	close(ba[1]);
}

/* Both processes on CPU 0, so that every switch is on one CPU (on Linux
 * too). */
static void pin_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Two processes on one CPU calling sched_yield in turn: each call is a
 * switch to the other (and a system call). */
static void bench_yield(void)
{
	long n = 20000;
	double t;
	pid_t p;

	pin_cpu0();
	p = fork();
	if (p == 0) {
		for (long i = 0; i < n; i++)
			sched_yield();
		_exit(0);
	}
	t = now_ns();
	for (long i = 0; i < n; i++)
		sched_yield();
	t = now_ns() - t;
	waitpid(p, NULL, 0);
	report("yield switch", t / (2 * n), "ns", 2 * n);
}

/* A child asleep in read(2) on one CPU: the time from the parent's
 * write (the stamp it sends) to the child running again after read,
 * average and worst. The parent blocks in read at once, so the figure is
 * the wakeup path, the rest of the write call, at most one switch and
 * the return from read. */
static void bench_wakeup(void)
{
	long n = 2000;
	int ab[2], ba[2];
	double stamp, sum = 0, worst = 0;
	pid_t p;

	if (pipe(ab) < 0 || pipe(ba) < 0)
		return;
	pin_cpu0();
	p = fork();
	if (p == 0) {
		close(ab[1]);
		close(ba[0]);
		while (read(ab[0], &stamp, sizeof(stamp)) == sizeof(stamp)) {
			double late = now_ns() - stamp;

			if (write(ba[1], &late, sizeof(late)) != sizeof(late))
				break;
		}
		_exit(0);
	}
	close(ab[0]);
	close(ba[1]);
	for (long i = 0; i < n; i++) {
		double late;

		stamp = now_ns();
		if (write(ab[1], &stamp, sizeof(stamp)) != sizeof(stamp) ||
		    read(ba[0], &late, sizeof(late)) != sizeof(late))
			break;
		sum += late;
		if (late > worst)
			worst = late;
	}
	close(ab[1]);
	waitpid(p, NULL, 0);
	close(ba[0]);
	report("wakeup latency", sum / n / 1000, "us", n);
	report("wakeup latency worst", worst / 1000, "us", n);
}

static void bench_pipe_throughput(void)
{
	long total = 32 << 20, chunk = 64 << 10;
	char *buf = malloc(chunk);
	int fds[2];
	double t;
	pid_t p;

	if (!buf || pipe(fds) < 0)
		return;
	memset(buf, 'p', chunk);
	t = now_ns();
	p = fork();
	if (p == 0) {
		close(fds[0]);
		for (long done = 0; done < total;) {
			ssize_t w = write(fds[1], buf, chunk);

			if (w <= 0)
				_exit(1);
			done += w;
		}
		_exit(0);
	}
	close(fds[1]);
	for (ssize_t r; (r = read(fds[0], buf, chunk)) > 0;)
		;
	waitpid(p, NULL, 0);
	report("pipe throughput", total / ((now_ns() - t) / 1e9) / 1e6, "MB/s",
	       1);
	close(fds[0]);
	free(buf);
}

static void bench_faults(void)
{
	long pages = 4096;
	char *m = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double t;

	if (m == MAP_FAILED)
		return;
	t = now_ns();
	for (long i = 0; i < pages; i++)
		m[i * 4096] = 1;
	report("demand-zero fault", (now_ns() - t) / pages, "ns/page", pages);
	munmap(m, pages * 4096);
}

static void bench_file(void)
{
	long total = 8 << 20, chunk = 64 << 10;
	char path[] = "/tmp/ubench.XXXXXX", *buf = malloc(chunk);
	int fd = mkstemp(path);
	double t;

	if (fd < 0 || !buf)
		return;
	memset(buf, 'f', chunk);
	t = now_ns();
	for (long done = 0; done < total; done += chunk)
		if (write(fd, buf, chunk) != chunk)
			break;
	fsync(fd);
	report("file write+fsync", total / ((now_ns() - t) / 1e9) / 1e6, "MB/s",
	       1);
	lseek(fd, 0, SEEK_SET);
	t = now_ns();
	while (read(fd, buf, chunk) > 0)
		;
	report("file read (cached)", total / ((now_ns() - t) / 1e9) / 1e6,
	       "MB/s", 1);
	close(fd);
	unlink(path);
	free(buf);
}

/* The null call under ptrace, as strace makes it: a child runs getppid n
 * times with its parent stopping it at each call's entry and exit
 * (PTRACE_SYSCALL, waitpid, PTRACE_SYSCALL, waitpid): the cost per call,
 * to set beside "syscall". */
static void bench_ptrace(void)
{
	long n = 5000, stops = 0;
	double t;
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return;
	if (pid == 0) {
		if (syscall(SYS_ptrace, 0 /* TRACEME */, 0, 0, 0) != 0)
			_exit(1);
		kill(getpid(), SIGSTOP);
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st)) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		return;
	}
	t = now_ns();
	while (syscall(SYS_ptrace, 24 /* SYSCALL */, pid, 0, 0) == 0 &&
	       waitpid(pid, &st, 0) == pid && WIFSTOPPED(st))
		stops++;
	t = now_ns() - t;
	if (!WIFEXITED(st) || stops < 2 * n)
		return; /* not traced to its end: no figure */
	report("syscall under ptrace", t / n, "ns/call", n);
}

static const struct {
	const char *name;
	void (*fn)(void);
} benches[] = {
	{ "syscall", bench_syscall },   { "traced", bench_syscall_traced },
	{ "zeroread", bench_zeroread }, { "pipe1", bench_pipe1 },
	{ "fork", bench_fork },         { "exec", bench_exec },
	{ "pingpong", bench_pingpong }, { "yield", bench_yield },
	{ "wakeup", bench_wakeup },     { "pipe", bench_pipe_throughput },
	{ "faults", bench_faults },     { "file", bench_file },
	{ "ptrace", bench_ptrace },
};

int main(int argc, char **argv)
{
	for (size_t i = 0; i < sizeof(benches) / sizeof(benches[0]); i++) {
		int chosen = argc < 2;

		for (int a = 1; a < argc; a++)
			chosen |= strcmp(argv[a], benches[i].name) == 0;
		if (chosen)
			benches[i].fn();
	}
	return 0;
}
