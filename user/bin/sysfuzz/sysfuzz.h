/*
 * sysfuzz: random system calls with typed arguments, in the style of
 * trinity. The parts, one file each:
 *
 *   table.c  the calls (Linux x86-64 numbers), each argument's type, and
 *            the lists of valid values (flags, commands) per type
 *   gen.c    the argument generators
 *   world.c  the child's scratch world: the files, directories, links,
 *            descriptors and buffers the generators point at
 *   child.c  one child: its calls, each logged in the shared ring first
 *   main.c   options, the parent: children started, watched, killed and
 *            replaced, the last-calls report, the summary, the memory
 *            check
 *
 * docs/testing.md tells how to run it and read what it prints.
 */
#ifndef SYSFUZZ_H
#define SYSFUZZ_H

#include <stdbool.h>
#include <stdint.h>
#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#define RING_LEN 16             /* last calls each child keeps */
#define MAX_SLOTS 16            /* children at once */
#define MAX_ERRNO 133           /* EHWPOISON, Linux's last errno */
#define NO_RETURN_YET INT64_MIN /* ring record: the call is running */

/* What an argument is, so the generator knows what to make. */
enum arg_kind {
	A_NONE,
	A_FD,        /* a descriptor: the child's own, closed, -1, huge */
	A_DIRFD,     /* A_FD or AT_FDCWD */
	A_PATH,      /* a name inside the child's scratch directory */
	A_PATH_OPEN, /* A_PATH, /dev/null, /dev/zero and /proc files */
	A_PATH_RO,   /* any path, for calls that only look (stat) */
	A_BUF,       /* memory: a good buffer or a bad pointer */
	A_LEN,       /* a length: 0, small, a page, huge, negative */
	A_OFF,       /* a file offset */
	A_FLAGS,     /* an OR of valid bits (vals), now and then more */
	A_ENUM,      /* one of vals, now and then anything */
	A_INT,       /* a small number, or an edge of int */
	A_PID,       /* the child, its group, its children, none */
	A_PID_RO,    /* A_PID, init and the parent too (calls that look) */
	A_SIG,       /* a signal number */
	A_ADDR,      /* an address to map, unmap or protect */
	A_MAPLEN,    /* a mapping length */
	A_TIMESPEC,  /* a struct timespec (or timeval) */
	A_SIGSET,    /* a signal mask, SIGALRM never blocked */
	A_SIGACT,    /* a struct sigaction */
	A_IOVEC,     /* an array of struct iovec; the count is A_ENUM */
	A_POLLFD,    /* an array of struct pollfd */
	A_FDSET,     /* an fd_set */
	A_ITIMER,    /* a struct itimerval */
	A_RLIMIT,    /* a struct rlimit */
	A_ARGV,      /* a NULL-ended array of strings */
	A_UID,       /* a user or group id */
	A_ANY,       /* any of the above's numbers and pointers */
};

/* A list of values for A_FLAGS and A_ENUM. closed: on Linux only these
 * (a random command or flag could do harm there, see table.c). */
struct values {
	unsigned int n;
	bool closed;
	const long *v;
};

struct arg {
	enum arg_kind kind;
	const struct values *vals;
};

/* Call flags. */
#define C_BLOCKS 0x01       /* may sleep: made under a 100 ms itimer */
#define C_RARE 0x02         /* picked 1 time in 16 (it ends the child) */
#define C_FORKS 0x04        /* makes a process: the new one exits at once */
#define C_MUTATES 0x08      /* changes the inode behind its fd arguments */
#define C_KESTREL_ONLY 0x10 /* never on Linux (see table.c) */
#define C_NOSYS 0x20        /* the number is made up: no such call */

struct call {
	long nr;
	const char *name;
	unsigned int flags;
	unsigned int nargs;
	struct arg arg[6];
};

extern const struct call calls[];
extern const unsigned int ncalls;
const struct call *call_by_nr(long nr);
const struct call *call_by_name(const char *name);

/* One call in a child's ring. */
struct record {
	uint64_t seq; /* call number within the child, from 1 */
	long nr;
	uint64_t arg[6];
	long ret; /* NO_RETURN_YET while the call runs */
};

/* One child's place in the memory the parent shares with it. The
 * parent trusts none of it: a call may write anywhere the child can (the
 * parent keeps its pids and counts apart, and takes made no higher than
 * planned). */
struct slot {
	uint64_t made;                  /* calls it has made */
	uint64_t ok;                    /* of those, how many succeeded */
	uint32_t errors[MAX_ERRNO + 1]; /* per errno */
	struct record ring[RING_LEN];   /* the last calls, by seq % RING_LEN */
};

/* The run's settings, from the options. */
struct options {
	uint64_t seed;
	uint64_t calls;
	unsigned int children;
	unsigned int seconds;  /* 0: no time limit */
	unsigned int watchdog; /* seconds without a call before SIGKILL */
	bool verbose;
	bool memcheck;
	long only_child; /* -k: run just this child, or -1 */
	bool on_linux;
	unsigned char excluded[1024]; /* by table index */
};

extern struct options opt;

/* The child's world (world.c) and its sizes. */
#define PAGE 4096UL
#define BUF_PAGES 4
#define BUF_SIZE (BUF_PAGES * PAGE)
#define ARENA_PAGES 64
#define NPOOL 10
#define MAX_FORKS 16
#define AREA_SIZE 1024 /* per argument, for the structures it points to */

#define KERNEL_HALF 0xffff800000000000ULL
#define KERNEL_IMAGE 0xffffffff80000000ULL
#define NON_CANONICAL 0x0000800000000000ULL
#define LOW_UNMAPPED 0x10000ULL

struct world {
	uint64_t rng;
	int pool[NPOOL];
	unsigned int npool;
	dev_t scratch_dev;
	char *buf, *ro, *arena;
	char *edge; /* a page before a guard page, for strings there */
	pid_t self, last_child;
	unsigned int forks;
	char str[6][PATH_MAX + 512]; /* strings, one per argument */
	char area[6][AREA_SIZE] __attribute__((aligned(16)));
};

/* world.c and gen.c */
struct world *world_make(uint64_t seed, const char *name);
uint64_t rnd(struct world *w);
bool world_allows(struct world *w, const struct call *c);
void gen_args(struct world *w, const struct call *c, uint64_t a[6]);
void world_note_result(struct world *w, const struct call *c, long ret);
bool remove_tree(int dirfd, const char *name);

/* child.c */
void child_main(struct slot *s, uint64_t child, uint64_t planned, int logfd)
	__attribute__((noreturn));
void format_record(char *out, size_t size, const struct record *r);
const char *errno_name(int e, char *buf, size_t size);

/* The seed of child number k: SEED and k mixed (splitmix64). */
uint64_t child_seed(uint64_t seed, uint64_t k);

#endif
