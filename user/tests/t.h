/*
 * t.h: the tiny harness every user test program shares. A program is a list
 * of cases, one function each, run by RUN(); a case makes checks with the
 * CHECK macros. A failed check prints "FAIL file:line what" at once; after
 * each case RUN prints "ok <case>" or "FAIL <case>"; t_end() prints
 * "<prog>: N passed, M failed" (N and M count checks) and gives the exit
 * status, 0 when nothing failed and 1 otherwise. The same binary runs on
 * Linux (the reference) and on Kestrel; the few checks that only mean
 * something on Kestrel say so with t_kestrel_only() and count neither way.
 * docs/usertests.md lists what each program checks.
 */
#ifndef KESTREL_USER_TESTS_T_H
#define KESTREL_USER_TESTS_T_H

#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int t_passed, t_failed;
static const char *t_prog;
static char t_dir[64];
static char t_self[512]; /* this program's absolute path, to re-exec */

static void t_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void t_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("FAIL %s:%d ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	t_failed++;
}

/* CHECK(cond): cond must be true. */
#define CHECK(cond)                                              \
	do {                                                     \
		if (cond)                                        \
			t_passed++;                              \
		else                                             \
			t_fail(__FILE__, __LINE__, "%s", #cond); \
	} while (0)

/* CHECK_EQ(a, b): two integers (or pointers) must be equal. */
#define CHECK_EQ(a, b)                                                        \
	do {                                                                  \
		long long t_a_ = (long long)(a), t_b_ = (long long)(b);       \
		if (t_a_ == t_b_)                                             \
			t_passed++;                                           \
		else                                                          \
			t_fail(__FILE__, __LINE__, "%s == %s (%lld != %lld)", \
			       #a, #b, t_a_, t_b_);                           \
	} while (0)

/* CHECK_OK(call): a system call must not return -1; its errno if it does. */
#define CHECK_OK(call)                                                      \
	do {                                                                \
		errno = 0;                                                  \
		long long t_r_ = (long long)(call);                         \
		if (t_r_ != -1)                                             \
			t_passed++;                                         \
		else                                                        \
			t_fail(__FILE__, __LINE__, "%s: -1, errno %d (%s)", \
			       #call, errno, strerror(errno));              \
	} while (0)

/* CHECK_ERR(call, err): a system call must fail with -1 and errno err. */
#define CHECK_ERR(call, err)                                             \
	do {                                                             \
		errno = 0;                                               \
		long long t_r_ = (long long)(call);                      \
		int t_e_ = errno;                                        \
		if (t_r_ == -1 && t_e_ == (err))                         \
			t_passed++;                                      \
		else                                                     \
			t_fail(__FILE__, __LINE__,                       \
			       "%s: want -1 %s, got %lld errno %d (%s)", \
			       #call, #err, t_r_, t_e_, strerror(t_e_)); \
	} while (0)

/* RUN(fn): run one case and say how it went. */
#define RUN(fn)                                                                \
	do {                                                                   \
		int t_before_ = t_failed;                                      \
		fn();                                                          \
		printf("%s %s\n", t_failed == t_before_ ? "ok" : "FAIL", #fn); \
	} while (0)

/* True on Linux, the reference system; Kestrel's uname says otherwise. */
static inline int t_on_linux(void)
{
	struct utsname u;

	return uname(&u) == 0 && strcmp(u.sysname, "Linux") == 0;
}

/* A check that only Kestrel can make: say so, count it neither way. */
static inline void t_kestrel_only(const char *what)
{
	printf("skip (Kestrel-only on this system): %s\n", what);
}

/*
 * Start a program: line-buffered output (so a fork never copies unwritten
 * lines), a time limit so a hang ends as a failure, the program's own
 * absolute path in t_self (for tests that re-execute themselves), and a
 * fresh scratch directory under /tmp that becomes the working directory.
 */
static inline void t_begin(const char *prog, unsigned seconds)
{
	char cwd[256];

	t_prog = strrchr(prog, '/') ? strrchr(prog, '/') + 1 : prog;
	if (prog[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		snprintf(t_self, sizeof(t_self), "%s", prog);
	else
		snprintf(t_self, sizeof(t_self), "%s/%s", cwd, prog);
	setvbuf(stdout, NULL, _IOLBF, 0);
	alarm(seconds);
	snprintf(t_dir, sizeof(t_dir), "/tmp/%s.XXXXXX", t_prog);
	if (!mkdtemp(t_dir) || chdir(t_dir) != 0) {
		printf("FAIL %s: no scratch directory under /tmp (%s)\n",
		       t_prog, strerror(errno));
		exit(1);
	}
}

/* End a program: remove the (by now empty) scratch directory and count. */
static inline int t_end(void)
{
	CHECK_OK(chdir("/"));
	CHECK_OK(rmdir(t_dir));
	printf("%s: %d passed, %d failed\n", t_prog, t_passed, t_failed);
	return t_failed ? 1 : 0;
}

/* Wait for one child and return its raw wait status (-1 if wait fails). */
/* Block or unblock one signal in the calling thread (the signal tests
 * take theirs with sigwaitinfo, signalfd or a handler). */
static inline void t_signal_mask(int how, int sig)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(how, &set, NULL);
}

static inline void t_block_signal(int sig)
{
	t_signal_mask(SIG_BLOCK, sig);
}

static inline void t_unblock_signal(int sig)
{
	t_signal_mask(SIG_UNBLOCK, sig);
}

static inline int t_wait(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

/* Memory in KiB that no process and no kernel object holds, from
 * /proc/meminfo: MemFree plus the caches of disk blocks and file pages
 * (Buffers, Cached), which grow as files are used and are not a leak,
 * and the kernel heap's pages kept empty for its next allocation
 * (SReclaimable); -1 if there is no MemFree line. */
static inline long t_memfree_kib(void)
{
	char line[128];
	long kib, free_kib = -1, caches = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "MemFree: %ld kB", &kib) == 1)
			free_kib = kib;
		else if (sscanf(line, "Buffers: %ld kB", &kib) == 1 ||
			 sscanf(line, "Cached: %ld kB", &kib) == 1 ||
			 sscanf(line, "SReclaimable: %ld kB", &kib) == 1)
			caches += kib;
	}
	fclose(f);
	return free_kib < 0 ? -1 : free_kib + caches;
}

/* After work that gave back all it took: t_memfree_kib() once it is
 * before again, or its last value after 2 s. Memory may come back a
 * moment after the last wait returns (a task that exited on another CPU
 * is freed at that CPU's next switch); a leak never does. On Linux, at
 * once: the caches there come and go on their own. */
static inline long t_memfree_back_to(long before)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	long now = t_memfree_kib();

	for (int i = 0; i < 200 && now != before && !t_on_linux(); i++) {
		nanosleep(&pause, NULL);
		now = t_memfree_kib();
	}
	return now;
}

#endif
