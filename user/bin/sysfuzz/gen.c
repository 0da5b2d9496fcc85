/*
 * The argument generators: for each kind of argument (sysfuzz.h's enum
 * arg_kind) a value that is mostly good and now and then bad: a closed
 * or huge fd, a NULL, unmapped, kernel-half or non-canonical pointer, a
 * buffer that runs into a guard page, a huge or negative length, a
 * path too long, looping or missing. Good values point into the child's
 * world (world.c). Every choice comes from the child's own generator, so
 * one seed makes the same calls.
 *
 * Names are never absolute and never hold "..", and symbolic links made
 * by the calls point only at such names, so whatever a call creates,
 * removes or renames stays inside the child's directory (table.c lists
 * the rest of what is kept from the calls).
 */
#define _GNU_SOURCE
#include "sysfuzz.h"

#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static uint64_t pick(struct world *w, uint64_t n)
{
	return rnd(w) % n;
}

/* A handler that returns, and the restorer its return goes through. */
static void noop_handler(int sig)
{
	(void)sig;
}
void sysfuzz_restorer(void);
__asm__(".text\n"
	"sysfuzz_restorer:\n\t"
	"mov $15, %eax\n\t" /* rt_sigreturn */
	"syscall\n");

/* ---- pointers, lengths, numbers ----------------------------------------- */

static uint64_t bad_pointer(struct world *w)
{
	switch (pick(w, 10)) {
	case 0:
		return 0;
	case 1:
		return LOW_UNMAPPED + pick(w, PAGE);
	case 2:
		return (uint64_t)w->buf + BUF_SIZE + pick(w, PAGE); /* guard */
	case 3:
		return KERNEL_HALF + pick(w, 1 << 20) * PAGE;
	case 4:
		return KERNEL_IMAGE + pick(w, 1 << 24);
	case 5:
		return NON_CANONICAL + pick(w, 1 << 20) * 8;
	case 6:
		return 0x8000000000000000ULL;
	case 7:
		return (uint64_t)w->buf + BUF_SIZE - 1 - pick(w, 16);
	case 8:
		return (uint64_t)w->ro + pick(w, PAGE); /* read-only */
	}
	return ~0ULL;
}

static uint64_t good_buf(struct world *w)
{
	switch (pick(w, 4)) {
	case 0:
		return (uint64_t)w->buf;
	case 1:
		return (uint64_t)w->buf + pick(w, BUF_SIZE); /* misaligned */
	case 2:
		return (uint64_t)w->buf + BUF_SIZE - pick(w, 64) - 1; /* near
								     * guard */
	}
	return (uint64_t)w->buf + pick(w, BUF_PAGES) * PAGE;
}

static uint64_t gen_buf(struct world *w)
{
	return pick(w, 8) < 5 ? good_buf(w) : bad_pointer(w);
}

static uint64_t gen_len(struct world *w)
{
	switch (pick(w, 12)) {
	case 0:
		return 0;
	case 1:
		return 1 + pick(w, 16);
	case 2:
		return 64;
	case 3:
		return PAGE;
	case 4:
		return BUF_SIZE;
	case 5:
		return pick(w, BUF_SIZE);
	case 6:
		return pick(w, 65536);
	case 7:
		return 1ULL << 31;
	case 8:
		return ~0ULL;
	case 9:
		return (uint64_t)-PAGE;
	case 10:
		return 1ULL << 40;
	}
	return 1 + pick(w, 512);
}

static uint64_t gen_off(struct world *w)
{
	static const uint64_t offs[] = {
		0,
		1,
		4096,
		8192,
		1ULL << 31,
		1ULL << 40,
		1ULL << 62,
		~0ULL,
		(uint64_t)-PAGE,
		0x7fffffffffffffffULL,
	};

	if (pick(w, 3) == 0)
		return pick(w, 3 * PAGE);
	return offs[pick(w, sizeof(offs) / sizeof(offs[0]))];
}

static uint64_t gen_int(struct world *w)
{
	switch (pick(w, 9)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return (uint64_t)-1;
	case 3:
		return pick(w, 16);
	case 4:
		return pick(w, 256);
	case 5:
		return INT_MAX;
	case 6:
		return (uint64_t)(long)INT_MIN;
	case 7:
		return (uint32_t)rnd(w);
	}
	return rnd(w);
}

/* Linux with a closed list: only its values, never random ones. */
static bool closed_here(const struct values *v)
{
	return v->closed && opt.on_linux;
}

static uint64_t gen_flags(struct world *w, const struct values *v)
{
	uint64_t f = 0;
	unsigned int n = 1 + (unsigned int)pick(w, 3);

	switch (pick(w, 16)) {
	case 0:
		return 0;
	case 1:
		if (!closed_here(v))
			return pick(w, 2) ? ~0ULL : (uint32_t)rnd(w);
		break;
	case 2:
		if (!closed_here(v))
			f = 1ULL << pick(w, 32);
		break;
	}
	while (n--)
		f |= (uint64_t)v->v[pick(w, v->n)];
	return f;
}

static uint64_t gen_enum(struct world *w, const struct values *v)
{
	if (pick(w, 8) == 0 && !closed_here(v))
		return pick(w, 2) ? pick(w, 1024) : rnd(w);
	return (uint64_t)v->v[pick(w, v->n)];
}

/* ---- descriptors, processes, signals ------------------------------------ */

static uint64_t gen_fd(struct world *w)
{
	switch (pick(w, 16)) {
	case 10:
		return (uint64_t)-1;
	case 11:
		return 200; /* closed */
	case 12:
		return 1 << 20;
	case 13:
		return INT_MAX;
	case 14:
		return pick(w, 64);
	case 15:
		return pick(w, 3);
	}
	return (uint64_t)w->pool[pick(w, w->npool)];
}

static uint64_t gen_pid(struct world *w, bool ro)
{
	switch (pick(w, ro ? 9 : 7)) {
	case 0:
		return 0;
	case 1:
		return (uint64_t) - (long)w->self; /* the child's group */
	case 2:
		return w->last_child ? (uint64_t)w->last_child : 0;
	case 3:
		return 0x3fffffff; /* no such process */
	case 4:
		return (uint64_t)(long)INT_MIN;
	case 5:
		return (uint64_t)-0x3fffffffL;
	case 7:
		return 1;
	case 8:
		return (uint64_t)getppid();
	}
	return (uint64_t)w->self;
}

static uint64_t gen_sig(struct world *w)
{
	static const int harmless[] = { 0, SIGCHLD, SIGURG, SIGWINCH, SIGCONT };

	switch (pick(w, 10)) {
	case 0:
		return 65;
	case 1:
		return (uint64_t)-1;
	case 2:
	case 3:
	case 4:
		return 1 + pick(w, 64);
	}
	return (uint64_t)harmless[pick(w, sizeof(harmless) / sizeof(int))];
}

static uint64_t gen_uid(struct world *w)
{
	static const uint64_t ids[] = { 0, 65534, 1000, 0xffffffff,
					(uint64_t)-1 };

	if (pick(w, 8) == 0)
		return rnd(w);
	return ids[pick(w, sizeof(ids) / sizeof(ids[0]))];
}

/* ---- memory ------------------------------------------------------------- */

static uint64_t gen_addr(struct world *w)
{
	uint64_t arena = (uint64_t)w->arena;

	switch (pick(w, 12)) {
	case 0:
		return 0;
	case 1:
		return (uint64_t)w->buf;
	case 2:
		return arena + ARENA_PAGES * PAGE; /* the gap past the arena */
	case 3:
		return arena + 1 + pick(w, PAGE - 1); /* misaligned */
	case 4:
		return KERNEL_HALF + pick(w, 1 << 20) * PAGE;
	case 5:
		return NON_CANONICAL + pick(w, 1 << 20) * PAGE;
	case 6:
		return (uint64_t)w->ro;
	case 7:
		return LOW_UNMAPPED;
	}
	return arena + pick(w, ARENA_PAGES) * PAGE;
}

static uint64_t gen_maplen(struct world *w)
{
	switch (pick(w, 10)) {
	case 0:
		return 0;
	case 1:
		return PAGE - 1;
	case 2:
		return 5000;
	case 3:
		return 1 << 20;
	case 4:
		return 1ULL << 47;
	case 5:
		return ~0ULL;
	case 6:
		return (uint64_t)-PAGE;
	}
	return (1 + pick(w, ARENA_PAGES)) * PAGE;
}

/* A length for munmap, mprotect and the like at address a: inside one
 * of the child's own regions, to its end at most; at another user
 * address (NULL too), one page at most. A call may unmap or protect the arena, not
 * the shared ring, the stack or the code beside it. */
static uint64_t clamp_to_region(struct world *w, uint64_t a, uint64_t len)
{
	const uint64_t starts[3] = { (uint64_t)w->arena, (uint64_t)w->buf,
				     (uint64_t)w->ro };
	const uint64_t sizes[3] = { ARENA_PAGES * PAGE, BUF_SIZE, PAGE };

	for (int i = 0; i < 3; i++)
		if (a >= starts[i] && a < starts[i] + sizes[i])
			return len > starts[i] + sizes[i] - a
				       ? starts[i] + sizes[i] - a
				       : len;
	if (a < NON_CANONICAL && len > PAGE)
		return PAGE;
	return len;
}

/* ---- strings: paths and argument vectors -------------------------------- */

static const char *const scratch_names[] = {
	"file",     "dir",     "dir/sub",   "link", "loop1", "loop1/x",
	"dangling", "missing", "missing/x", "new0", "new1",  "new2",
	"dir/new0", ".",       "file/x",    "",     "dir/",  "link/x",
};
static const char *const open_names[] = {
	"/dev/null",
	"/dev/zero",
	"/proc/self/stat",
	"/proc/meminfo",
};
static const char *const ro_names[] = {
	"/",
	"/proc/self/maps",
	"/bin/sh",
	"/nonexistent/x",
	"/proc/self/fd/0",
	"/dev",
	"/proc",
	"/tmp",
};

static uint64_t gen_path(struct world *w, int i, enum arg_kind kind)
{
	char *s = w->str[i];
	size_t n;

	switch (pick(w, 16)) {
	case 0:
		return pick(w, 2) ? 0 : bad_pointer(w);
	case 1: /* a name longer than NAME_MAX */
		memset(s, 'a', 300);
		s[300] = '\0';
		return (uint64_t)s;
	case 2: /* a path longer than PATH_MAX */
		for (n = 0; n < PATH_MAX + 200; n += 2)
			memcpy(s + n, "d/", 2);
		s[n] = '\0';
		return (uint64_t)s;
	case 3: /* a name that runs into a guard page, no NUL */
		memcpy(w->edge + PAGE - 4, "file", 4);
		return (uint64_t)w->edge + PAGE - 4;
	case 4:
		if (kind == A_PATH_OPEN || kind == A_PATH_RO)
			return (uint64_t)open_names[pick(w, 4)];
		break;
	case 5:
		if (kind == A_PATH_RO)
			return (uint64_t)ro_names[pick(w, 8)];
		break;
	}
	return (uint64_t)scratch_names[pick(
		w, sizeof(scratch_names) / sizeof(scratch_names[0]))];
}

static uint64_t gen_argv(struct world *w, int i)
{
	uint64_t *v = (uint64_t *)w->area[i];

	switch (pick(w, 5)) {
	case 0:
		return 0;
	case 1:
		return bad_pointer(w);
	case 2:
		v[0] = bad_pointer(w);
		v[1] = 0;
		break;
	default:
		v[0] = (uint64_t) "x";
		v[1] = (uint64_t) "-y";
		v[2] = 0;
	}
	return (uint64_t)v;
}

/* ---- structures --------------------------------------------------------- */

static uint64_t gen_timespec(struct world *w, int i)
{
	static const int64_t ts[][2] = {
		{ 0, 0 },
		{ 0, 1000000 },
		{ 0, 50000000 },
		{ 1, 0 },
		{ -1, 0 },
		{ 0, -1 },
		{ 0, 1000000000 },
		{ 1LL << 40, 0 },
		{ 0, (1 << 30) - 1 },
		{ 0, (1 << 30) - 2 },
	};
	int64_t *t = (int64_t *)w->area[i];

	if (pick(w, 4) == 0)
		return bad_pointer(w);
	for (int k = 0; k < 2; k++) { /* utimensat takes two */
		unsigned int j =
			(unsigned int)pick(w, sizeof(ts) / sizeof(ts[0]));

		t[2 * k] = ts[j][0];
		t[2 * k + 1] = ts[j][1];
	}
	return (uint64_t)t;
}

static uint64_t gen_sigset(struct world *w, int i)
{
	uint64_t *set = (uint64_t *)w->area[i];

	if (pick(w, 4) == 0)
		return bad_pointer(w);
	set[0] = pick(w, 3) == 0 ? ~0ULL : rnd(w);
	set[0] &= ~(1ULL << (SIGALRM - 1)); /* the child's own timer */
	set[1] = rnd(w);
	return (uint64_t)set;
}

static uint64_t gen_sigact(struct world *w, int i)
{
	static const uint64_t sa_flags[] = { 1,          2,          4,
					     0x08000000, 0x10000000, 0x40000000,
					     0x80000000 };
	uint64_t *sa = (uint64_t *)w->area[i];

	if (pick(w, 4) == 0)
		return bad_pointer(w);
	switch (pick(w, 5)) {
	case 0:
		sa[0] = 0; /* SIG_DFL */
		break;
	case 1:
		sa[0] = 1; /* SIG_IGN */
		break;
	case 2:
		sa[0] = rnd(w);
		break;
	default:
		sa[0] = (uint64_t)noop_handler;
	}
	sa[1] = sa_flags[pick(w, 7)] | sa_flags[pick(w, 7)];
	if (pick(w, 8))
		sa[1] |= 0x04000000; /* SA_RESTORER */
	sa[2] = pick(w, 8) ? (uint64_t)sysfuzz_restorer : rnd(w);
	sa[3] = rnd(w) & ~(1ULL << (SIGALRM - 1));
	return (uint64_t)sa;
}

static uint64_t gen_iovec(struct world *w, int i)
{
	uint64_t *iov = (uint64_t *)w->area[i];
	unsigned int n = 1 + (unsigned int)pick(w, 8);

	if (pick(w, 5) == 0)
		return bad_pointer(w);
	for (unsigned int k = 0; k < n; k++) {
		iov[2 * k] = gen_buf(w);
		iov[2 * k + 1] = pick(w, 4) ? pick(w, PAGE) : gen_len(w);
	}
	return (uint64_t)iov;
}

static uint64_t gen_pollfd(struct world *w, int i)
{
	int32_t *p = (int32_t *)w->area[i];

	if (pick(w, 5) == 0)
		return bad_pointer(w);
	for (unsigned int k = 0; k < 8; k++) {
		p[2 * k] = (int32_t)gen_fd(w);
		p[2 * k + 1] = (int32_t)(rnd(w) & 0xffff); /* events, revents */
	}
	return (uint64_t)p;
}

static uint64_t gen_fdset(struct world *w, int i)
{
	uint64_t *set = (uint64_t *)w->area[i];

	switch (pick(w, 4)) {
	case 0:
		return 0;
	case 1:
		return bad_pointer(w);
	}
	memset(set, 0, 128);
	set[0] = rnd(w) & 0xffff;
	if (pick(w, 4) == 0)
		set[pick(w, 16)] = rnd(w);
	return (uint64_t)set;
}

static uint64_t gen_itimer(struct world *w, int i)
{
	static const int64_t tv[][2] = { { 0, 0 },        { 0, 1000 },
					 { 0, 100000 },   { 1, 0 },
					 { -1, 0 },       { 0, 1000000 },
					 { 1LL << 40, 0 } };
	int64_t *t = (int64_t *)w->area[i];

	if (pick(w, 4) == 0)
		return bad_pointer(w);
	for (int k = 0; k < 2; k++) {
		unsigned int j =
			(unsigned int)pick(w, sizeof(tv) / sizeof(tv[0]));

		t[2 * k] = tv[j][0];
		t[2 * k + 1] = tv[j][1];
	}
	return (uint64_t)t;
}

static uint64_t gen_rlimit(struct world *w, int i)
{
	static const uint64_t lim[][2] = { { 0, 0 },     { 1, 1 },
					   { 64, 1024 }, { ~0ULL, ~0ULL },
					   { 2, 1 },     { 1 << 20, ~0ULL } };
	uint64_t *r = (uint64_t *)w->area[i];
	unsigned int j = (unsigned int)pick(w, sizeof(lim) / sizeof(lim[0]));

	if (pick(w, 4) == 0)
		return pick(w, 2) ? 0 : bad_pointer(w);
	r[0] = lim[j][0];
	r[1] = lim[j][1];
	return (uint64_t)r;
}

static uint64_t gen_any(struct world *w)
{
	switch (pick(w, 4)) {
	case 0:
		return gen_int(w);
	case 1:
		return gen_buf(w);
	case 2:
		return bad_pointer(w);
	}
	return rnd(w);
}

/* ---- one call's arguments ----------------------------------------------- */

static uint64_t gen_one(struct world *w, const struct arg *a, int i)
{
	switch (a->kind) {
	case A_NONE:
		return rnd(w); /* registers the call does not read */
	case A_FD:
		return gen_fd(w);
	case A_DIRFD:
		return pick(w, 3) == 0 ? (uint64_t)AT_FDCWD : gen_fd(w);
	case A_PATH:
	case A_PATH_OPEN:
	case A_PATH_RO:
		return gen_path(w, i, a->kind);
	case A_BUF:
		return gen_buf(w);
	case A_LEN:
		return gen_len(w);
	case A_OFF:
		return gen_off(w);
	case A_FLAGS:
		return gen_flags(w, a->vals);
	case A_ENUM:
		return gen_enum(w, a->vals);
	case A_INT:
		return gen_int(w);
	case A_PID:
	case A_PID_RO:
		return gen_pid(w, a->kind == A_PID_RO);
	case A_SIG:
		return gen_sig(w);
	case A_ADDR:
		return gen_addr(w);
	case A_MAPLEN:
		return gen_maplen(w);
	case A_TIMESPEC:
		return gen_timespec(w, i);
	case A_SIGSET:
		return gen_sigset(w, i);
	case A_SIGACT:
		return gen_sigact(w, i);
	case A_IOVEC:
		return gen_iovec(w, i);
	case A_POLLFD:
		return gen_pollfd(w, i);
	case A_FDSET:
		return gen_fdset(w, i);
	case A_ITIMER:
		return gen_itimer(w, i);
	case A_RLIMIT:
		return gen_rlimit(w, i);
	case A_ARGV:
		return gen_argv(w, i);
	case A_UID:
		return gen_uid(w);
	case A_ANY:
		return gen_any(w);
	}
	return 0;
}

/* A descriptor a call may change the inode of (fchmod, ftruncate, ...):
 * a file or directory of the scratch file system, or else -1. */
static uint64_t scratch_fd_only(struct world *w, uint64_t fd)
{
	struct stat st;

	if ((long)fd == AT_FDCWD || fd >= (1 << 20) || fstat((int)fd, &st))
		return fd;
	if (st.st_dev != w->scratch_dev ||
	    !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
		return (uint64_t)-1;
	return fd;
}

/* A number for "no such call": in the hole Linux leaves between 334 and
 * 424, past 999, or negative. Never with bit 30 (x32 on Linux). */
static uint64_t nosys_number(struct world *w)
{
	switch (pick(w, 4)) {
	case 0:
		return 335 + pick(w, 424 - 335);
	case 1:
		return 1000 + pick(w, 1 << 20);
	case 2:
		return (uint64_t)-1;
	}
	return 0x80000000ULL + pick(w, 1 << 20);
}

void gen_args(struct world *w, const struct call *c, uint64_t a[6])
{
	for (int i = 0; i < 6; i++)
		a[i] = i < (int)c->nargs ? gen_one(w, &c->arg[i], i) : rnd(w);
	if (c->flags & C_NOSYS)
		a[5] = nosys_number(w); /* child.c takes the number from a[5] */
	if (c->flags & C_MUTATES)
		for (unsigned int i = 0; i < c->nargs; i++)
			if (c->arg[i].kind == A_FD || c->arg[i].kind == A_DIRFD)
				a[i] = scratch_fd_only(w, a[i]);
	switch (c->nr) {
	case SYS_rt_sigaction:
		if (a[0] == SIGALRM) /* the child's own timer */
			a[0] = SIGUSR1;
		break;
	case SYS_mmap:
		/* MAP_FIXED only inside the arena, or at a bad address. */
		if ((a[3] & (MAP_FIXED | MAP_FIXED_NOREPLACE)) &&
		    a[0] < NON_CANONICAL && a[0] % PAGE == 0)
			a[0] = (uint64_t)w->arena + pick(w, ARENA_PAGES) * PAGE;
		if (a[3] & (MAP_FIXED | MAP_FIXED_NOREPLACE))
			a[1] = clamp_to_region(w, a[0], a[1]);
		break;
	case SYS_munmap:
	case SYS_mprotect:
	case SYS_madvise:
	case SYS_msync:
	case SYS_mincore:
		a[1] = clamp_to_region(w, a[0], a[1]);
		break;
	}
}
