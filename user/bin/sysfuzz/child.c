/*
 * One child: it builds its world (gen.c), then makes its calls, each
 * written into its ring in the shared memory before it is made (with
 * ret = NO_RETURN) and completed after, so that the parent can show the
 * last calls of a child that hung or died by a signal.
 *
 * Calls are made with the syscall instruction directly, not through the
 * C library: nothing between the generator and the kernel changes an
 * argument, and a process made by fork, vfork or clone leaves at once
 * without touching memory (it may share its parent's stack).
 *
 * A call that may sleep (C_BLOCKS) runs under a 100 ms ITIMER_REAL whose
 * SIGALRM handler only returns: the call ends with EINTR instead of
 * waiting for the parent's watchdog. The generators keep SIGALRM out of
 * masks and rt_sigaction, so the timer keeps working.
 */
#include "sysfuzz.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

/* The syscall instruction with nr and a[0..5] in Linux's registers (rax;
 * rdi, rsi, rdx, r10, r8, r9). THEN runs right after it, while rax holds
 * the result. */
#define RAW_SYSCALL(ret, nr, a, then)                                      \
	__asm__ volatile("mov %5, %%r10\n\t"                               \
			 "mov %6, %%r8\n\t"                                \
			 "mov %7, %%r9\n\t"                                \
			 "syscall\n\t" then                                \
			 : "=a"(ret)                                       \
			 : "a"(nr), "D"((a)[0]), "S"((a)[1]), "d"((a)[2]), \
			   "r"((a)[3]), "r"((a)[4]), "r"((a)[5])           \
			 : "rcx", "r8", "r9", "r10", "r11", "memory")

static long raw_call(long nr, const uint64_t a[6])
{
	long ret;

	RAW_SYSCALL(ret, nr, a, "");
	return ret;
}

/* The same, for calls that make a process: the new one (rax 0) calls
 * exit(0) straight away, without touching memory (it may share its
 * parent's stack). */
static long raw_fork_call(long nr, const uint64_t a[6])
{
	long ret;

	RAW_SYSCALL(ret, nr, a,
		    "test %%rax, %%rax\n\t"
		    "jnz 1f\n\t"
		    "mov $60, %%eax\n\t"
		    "xor %%edi, %%edi\n\t"
		    "syscall\n"
		    "1:");
	return ret;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void arm_timer(long usec)
{
	struct itimerval it = { { 0, 0 }, { 0, usec } };

	setitimer(ITIMER_REAL, &it, NULL);
}

static const char *const errno_names[] = {
	[EPERM] = "EPERM",
	[ENOENT] = "ENOENT",
	[ESRCH] = "ESRCH",
	[EINTR] = "EINTR",
	[EIO] = "EIO",
	[ENXIO] = "ENXIO",
	[E2BIG] = "E2BIG",
	[ENOEXEC] = "ENOEXEC",
	[EBADF] = "EBADF",
	[ECHILD] = "ECHILD",
	[EAGAIN] = "EAGAIN",
	[ENOMEM] = "ENOMEM",
	[EACCES] = "EACCES",
	[EFAULT] = "EFAULT",
	[EBUSY] = "EBUSY",
	[EEXIST] = "EEXIST",
	[EXDEV] = "EXDEV",
	[ENODEV] = "ENODEV",
	[ENOTDIR] = "ENOTDIR",
	[EISDIR] = "EISDIR",
	[EINVAL] = "EINVAL",
	[ENFILE] = "ENFILE",
	[EMFILE] = "EMFILE",
	[ENOTTY] = "ENOTTY",
	[EFBIG] = "EFBIG",
	[ENOSPC] = "ENOSPC",
	[ESPIPE] = "ESPIPE",
	[EROFS] = "EROFS",
	[EMLINK] = "EMLINK",
	[EPIPE] = "EPIPE",
	[ERANGE] = "ERANGE",
	[ENAMETOOLONG] = "ENAMETOOLONG",
	[ENOSYS] = "ENOSYS",
	[ENOTEMPTY] = "ENOTEMPTY",
	[ELOOP] = "ELOOP",
	[EOVERFLOW] = "EOVERFLOW",
	[EOPNOTSUPP] = "EOPNOTSUPP",
	[ETIMEDOUT] = "ETIMEDOUT",
};

/* "EFAULT", or "E<n>" in BUF for one without a name here. */
const char *errno_name(int e, char *buf, size_t size)
{
	if (e > 0 && e < (int)(sizeof(errno_names) / sizeof(errno_names[0])) &&
	    errno_names[e])
		return errno_names[e];
	snprintf(buf, size, "E%d", e);
	return buf;
}

/* One record as "#12 read(3, 0x7f..., 4096) = -14 EFAULT". Small
 * numbers in decimal, the rest in hex. */
void format_record(char *out, size_t size, const struct record *r)
{
	const struct call *c = call_by_nr(r->nr);
	unsigned int nargs = c ? c->nargs : 6;
	size_t n;
	char e[16];

	n = (size_t)snprintf(out, size, "#%llu %s(", (unsigned long long)r->seq,
			     c ? c->name : "nosys");
	if (!c)
		n += (size_t)snprintf(out + n, size - n, "nr %ld: ", r->nr);
	for (unsigned int i = 0; i < nargs && n < size; i++) {
		int64_t v = (int64_t)r->arg[i];

		n += (size_t)snprintf(out + n, size - n,
				      v > -4096 && v < 4096 ? "%s%lld"
							    : "%s%#llx",
				      i ? ", " : "", (long long)v);
	}
	if (n >= size)
		return;
	if (r->ret == NO_RETURN_YET)
		snprintf(out + n, size - n, ") ...");
	else if (r->ret < 0 && r->ret >= -MAX_ERRNO)
		snprintf(out + n, size - n, ") = %ld %s", r->ret,
			 errno_name((int)-r->ret, e, sizeof(e)));
	else
		snprintf(out + n, size - n, ") = %#lx", r->ret);
}

static const struct call *pick_call(struct world *w)
{
	for (;;) {
		unsigned int i = (unsigned int)(rnd(w) % ncalls);
		const struct call *c = &calls[i];

		if (opt.excluded[i] || !world_allows(w, c))
			continue;
		if ((c->flags & C_KESTREL_ONLY) && opt.on_linux)
			continue;
		if ((c->flags & C_RARE) && rnd(w) % 16)
			continue;
		return c;
	}
}

static void count_result(struct slot *s, long ret)
{
	if (ret >= 0 || ret < -MAX_ERRNO)
		s->ok++;
	else
		s->errors[-ret]++;
}

void child_main(struct slot *s, uint64_t child, uint64_t planned, int logfd)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct rlimit no_core = { 0, 0 };
	struct world *w;
	char name[32], line[512];

	setsid(); /* kill(0, ...) reaches only this child and its own */
	setrlimit(RLIMIT_CORE, &no_core);
	sigaction(SIGALRM, &sa, NULL);
	snprintf(name, sizeof(name), "c%llu", (unsigned long long)child);
	w = world_make(child_seed(opt.seed, child), name);
	for (uint64_t i = 0; i < planned; i++) {
		const struct call *c = pick_call(w);
		struct record *r = &s->ring[i % RING_LEN];
		uint64_t a[6];
		long ret;

		gen_args(w, c, a);
		r->ret = NO_RETURN_YET;
		r->seq = i + 1;
		r->nr = c->flags & C_NOSYS ? (long)a[5] : c->nr;
		memcpy(r->arg, a, sizeof(a));
		if (logfd >= 0) {
			format_record(line, sizeof(line), r);
			dprintf(logfd, "sysfuzz: child %llu: %s\n",
				(unsigned long long)child, line);
		}
		if (c->flags & C_BLOCKS)
			arm_timer(100000);
		if (c->flags & C_FORKS)
			ret = raw_fork_call(r->nr, a);
		else
			ret = raw_call(r->nr, a);
		if (c->flags & C_BLOCKS)
			arm_timer(0);
		r->ret = ret;
		count_result(s, ret);
		s->made = i + 1;
		world_note_result(w, c, ret);
	}
	_exit(0);
}
