/*
 * t_fuzz: nothing from user space may panic or hang the kernel. Children
 * make thousands of system calls with random numbers and arguments (each
 * argument a small number, a random 64-bit word, NULL, a kernel or
 * non-canonical address, an unmapped user address, or a pointer into a
 * page of random bytes), each child under a time limit; a child may die
 * of what it does to itself (a random munmap, sigaction or exit), and
 * that is fine. What is checked is that the system is still whole after:
 * every child ended, and files, pipes and fork still work.
 *
 * Calls that could damage the machine or the test's surroundings are
 * left out even though they would only fail with these arguments: those
 * that remove, rename, create or truncate files by name, mount, reboot,
 * signal other processes, create processes, or change the host's
 * settings (the program also runs on the Linux host, perhaps as root).
 */
#include "t.h"

#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define CHILDREN 24
#define CALLS_PER_CHILD 3000

/* The system calls a child may make (Linux x86-64 numbers). */
static const long allowed[] = {
	0 /* read */,
	1 /* write */,
	3 /* close */,
	4 /* stat */,
	5 /* fstat */,
	6 /* lstat */,
	7 /* poll */,
	8 /* lseek */,
	9 /* mmap */,
	10 /* mprotect */,
	11 /* munmap */,
	12 /* brk */,
	13 /* rt_sigaction */,
	14 /* rt_sigprocmask */,
	16 /* ioctl */,
	17 /* pread64 */,
	18 /* pwrite64 */,
	19 /* readv */,
	20 /* writev */,
	21 /* access */,
	23 /* select */,
	24 /* sched_yield */,
	28 /* madvise */,
	32 /* dup */,
	33 /* dup2 */,
	35 /* nanosleep */,
	39 /* getpid */,
	61 /* wait4 */,
	63 /* uname */,
	72 /* fcntl */,
	74 /* fsync */,
	79 /* getcwd */,
	89 /* readlink */,
	95 /* umask */,
	96 /* gettimeofday */,
	97 /* getrlimit */,
	98 /* getrusage */,
	99 /* sysinfo */,
	100 /* times */,
	102 /* getuid */,
	110 /* getppid */,
	111 /* getpgrp */,
	121 /* getpgid */,
	124 /* getsid */,
	127 /* rt_sigpending */,
	131 /* sigaltstack */,
	137 /* statfs */,
	138 /* fstatfs */,
	186 /* gettid */,
	201 /* time */,
	217 /* getdents64 */,
	228 /* clock_gettime */,
	229 /* clock_getres */,
	247 /* waitid */,
	262 /* newfstatat */,
	267 /* readlinkat */,
	269 /* faccessat */,
	270 /* pselect6 */,
	271 /* ppoll */,
	292 /* dup3 */,
	318 /* getrandom */,
	500 /* none */,
	-1 /* none */,
};

static uint64_t rng;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t random_arg(char *junk)
{
	switch (next() % 8) {
	case 0:
		return next() % 64;
	case 1:
		return next();
	case 2:
		return 0;
	case 3:
		return 0xffffffff80000000ull +
		       (next() % 0x1000000); /* kernel */
	case 4:
		return 0x0000800000000000ull +
		       (next() % 0x1000); /* non-canonical */
	case 5:
		return 0x10000 + (next() % 0x1000); /* unmapped user page */
	case 6:
		return (uint64_t)(junk + next() % 8192); /* random bytes */
	}
	return (uint64_t)(junk + 4096 - next() % 64); /* near a page end */
}

static const uint64_t zero_time[2];

static void child(uint64_t seed)
{
	char *junk = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = open("/dev/null", O_RDWR);

	if (junk == MAP_FAILED || fd < 0)
		_exit(100);
	/* Nothing to scribble on: the standard descriptors are /dev/null. */
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	/* The third page is a guard: a buffer running off the end faults. */
	munmap(junk + 2 * 4096, 4096);
	rng = seed;
	for (size_t i = 0; i < 2 * 4096; i++)
		junk[i] = (char)next();
	for (int i = 0; i < CALLS_PER_CHILD; i++) {
		long nr =
			allowed[next() % (sizeof(allowed) / sizeof(allowed[0]))];
		uint64_t a[6];

		for (int j = 0; j < 6; j++)
			a[j] = random_arg(junk);
		/* Bounded sleeps and waits, so the run stays short: no
		 * descriptors and a zero timeout. */
		if (nr == 35 || nr == 7 || nr == 23 || nr == 270 || nr == 271) {
			a[0] = a[1] = a[3] = 0;
			a[2] = nr == 271 ? (uint64_t)zero_time : 0;
			a[4] = (uint64_t)zero_time;
		}
		if (nr == 61 || nr == 247)
			a[2] = a[3] = 1;             /* WNOHANG */
		if (nr == 0 || nr == 17 || nr == 19) /* reads: not stdin */
			a[0] = 3 + next() % 8;
		syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	_exit(0);
}

static void random_calls_leave_the_system_whole(void)
{
	int exited = 0, killed = 0;

	int stuck = 0, children = CHILDREN;
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	/* For exploring: T_FUZZ_CHILDREN=N T_FUZZ_SEED=S t_fuzz (run-all
	 * gives an empty environment: the graded run is always the same). */
	if (getenv("T_FUZZ_CHILDREN"))
		children = atoi(getenv("T_FUZZ_CHILDREN"));
	if (getenv("T_FUZZ_SEED"))
		seed = strtoull(getenv("T_FUZZ_SEED"), NULL, 0) | 1;
	for (int c = 0; c < children; c++) {
		struct timespec tick = { 0, 10 * 1000 * 1000 };
		pid_t pid = fork(), got = 0;
		int status = 0;

		if (pid == 0)
			child(seed * (c + 1));
		CHECK(pid > 0);
		if (pid < 0)
			break;
		/* A child that blocked itself (a sleep, a read) is ended
		 * after 3 s; SIGKILL works whatever it did to its signals. */
		for (int waited = 0; waited < 300 && got == 0; waited++) {
			got = waitpid(pid, &status, WNOHANG);
			if (got == 0)
				nanosleep(&tick, NULL);
		}
		if (got == 0) {
			stuck++;
			kill(pid, SIGKILL);
			got = waitpid(pid, &status, 0);
		}
		CHECK_EQ(got, pid);
		if (WIFEXITED(status))
			exited++;
		else if (WIFSIGNALED(status))
			killed++;
	}
	printf("note: %d children ran to the end, %d died of their own "
	       "calls or were ended (%d blocked for 3 s)\n",
	       exited, killed, stuck);
	CHECK_EQ(exited + killed, children);
}

static void system_still_works(void)
{
	char buf[16] = { 0 };
	int fds[2], fd, status;
	pid_t pid;

	fd = open("after", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "intact", 6), 6);
	CHECK_EQ(pread(fd, buf, 6, 0), 6);
	CHECK(strcmp(buf, "intact") == 0);
	close(fd);
	CHECK_OK(unlink("after"));
	CHECK_OK(pipe(fds));
	pid = fork();
	if (pid == 0) {
		_exit(write(fds[1], "p", 1) == 1 ? 7 : 1);
	}
	CHECK_EQ(read(fds[0], buf, 1), 1);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
	close(fds[0]);
	close(fds[1]);
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], getenv("T_FUZZ_CHILDREN") ? 3600 : 120);
	RUN(random_calls_leave_the_system_whole);
	RUN(system_still_works);
	return t_end();
}
