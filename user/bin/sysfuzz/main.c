/*
 * sysfuzz: random system calls with arguments that know their types,
 * made by children that are killed and replaced, until a number of calls
 * or a time is used up. The kernel must neither panic nor hang, and (with
 * -m) must give back all the memory the children took.
 *
 *	sysfuzz [-s SEED] [-n CALLS] [-c CHILDREN] [-t SECONDS] [-v]
 *		[-x NR,...] [-o NR,...] [-k CHILD] [-w SECONDS] [-m]
 *
 * The parent works in a scratch directory $TMPDIR/sysfuzz.PID (/tmp by
 * default) that it removes at the end. It keeps CHILDREN children
 * running; each makes a slice of SLICE calls (gen.c and child.c) in its
 * own directory c<N> and is seeded from SEED and N alone, so a seed
 * makes the same calls again. Calls a child did not make (it died, or
 * the watchdog killed it: no call for -w seconds) go to the next child.
 * The parent shares a ring of each child's last RING_LEN calls with it,
 * and prints it when a child dies by a signal or is killed.
 *
 * docs/testing.md has the whole story; table.c says which calls are left
 * out and why.
 */
#define _GNU_SOURCE
#include "sysfuzz.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SLICE 500         /* calls per child */
#define PROGRESS_S 10     /* a progress line at least this often */
#define STUCK_MIN_S 30    /* a SIGKILLed child still there: a hang */
#define ZERO_STREAK_MAX 8 /* children in a row that made no call */
#define SETTLE_TRIES 500  /* times 10 ms: memory coming back */

#define USAGE                                                             \
	"usage: sysfuzz [-s SEED] [-n CALLS] [-c CHILDREN] [-t SECONDS] " \
	"[-v] [-x NR,...] [-o NR,...] [-k CHILD] [-w SECONDS] [-m]\n"

struct options opt;

static struct {
	struct slot *slots;
	uint64_t total, assigned, next_child;
	uint64_t made, ok, errors[MAX_ERRNO + 1];
	unsigned int started, finished, signaled, early, killed, replaced;
	unsigned int stopped, zero_streak;
	/* Each slot's child, as the parent knows it (never from the
	 * shared memory, which the child's calls may overwrite). */
	struct {
		pid_t pid; /* 0: the slot is free */
		uint64_t child, planned, last_made;
		double last_progress, kill_time;
		bool killed, stuck;
	} kid[MAX_SLOTS];
	int scratch_fd;
	char scratch[256];
	bool stuck, gave_up;
} run;

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };

	nanosleep(&ts, NULL);
}

uint64_t child_seed(uint64_t seed, uint64_t k)
{
	uint64_t z = seed + (k + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ z >> 30) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ z >> 27) * 0x94d049bb133111ebULL;
	return z ^ z >> 31;
}

/* ---- options ------------------------------------------------------------ */

static void usage_exit(void)
{
	fputs(USAGE, stderr);
	exit(2);
}

static unsigned long number(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		usage_exit();
	return v;
}

/* -x and -o: a list of call numbers or names. */
static void mark_calls(const char *list, bool exclude)
{
	char buf[512], *save, *tok;

	if (!exclude)
		memset(opt.excluded, 1, sizeof(opt.excluded));
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		const struct call *c = call_by_name(tok);
		char *end;
		long nr = strtol(tok, &end, 0);

		if (!c && end != tok && !*end)
			c = call_by_nr(nr);
		if (!c) {
			fprintf(stderr, "sysfuzz: no call '%s' in the table\n",
				tok);
			exit(2);
		}
		opt.excluded[c - calls] = exclude;
	}
}

static void parse_options(int argc, char **argv)
{
	bool have_n = false;
	int o;

	opt.seed = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
	opt.calls = 10000;
	opt.children = 4;
	opt.watchdog = 10;
	opt.only_child = -1;
	while ((o = getopt(argc, argv, "s:n:c:t:vx:o:k:w:m")) != -1) {
		switch (o) {
		case 's':
			opt.seed = number(optarg);
			break;
		case 'n':
			opt.calls = number(optarg);
			have_n = true;
			break;
		case 'c':
			opt.children = (unsigned int)number(optarg);
			break;
		case 't':
			opt.seconds = (unsigned int)number(optarg);
			break;
		case 'v':
			opt.verbose = true;
			break;
		case 'x':
			mark_calls(optarg, true);
			break;
		case 'o':
			mark_calls(optarg, false);
			break;
		case 'k':
			opt.only_child = (long)number(optarg);
			break;
		case 'w':
			opt.watchdog = (unsigned int)number(optarg);
			break;
		case 'm':
			opt.memcheck = true;
			break;
		default:
			usage_exit();
		}
	}
	if (optind != argc || opt.children < 1 || opt.children > MAX_SLOTS ||
	    opt.watchdog < 1)
		usage_exit();
	if (opt.seconds && !have_n)
		opt.calls = UINT64_MAX; /* a soak: the time decides */
	if (opt.only_child >= 0)
		opt.children = 1;
}

/* ---- memory ------------------------------------------------------------- */

/* The sum of the kB figures of lines starting with names[0..n) in FILE
 * (each line counted once); -1 if the first name is missing. */
static long read_kib(const char *file, const char *const *names, int n)
{
	char buf[2048];
	long sum = 0;
	bool first = false;
	int fd = open(file, O_RDONLY);
	ssize_t got = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (got <= 0)
		return -1;
	buf[got] = '\0';
	for (char *line = buf; line && *line; line = strchr(line, '\n')) {
		line += *line == '\n';
		for (int i = 0; i < n; i++)
			if (strncmp(line, names[i], strlen(names[i])) == 0) {
				sum += strtol(line + strlen(names[i]), NULL,
					      10);
				first |= i == 0;
			}
	}
	return first ? sum : -1;
}

/* What no process or kernel object holds, MemFree + Buffers + Cached +
 * SReclaimable (the caches grow with use, and each kmalloc size class
 * keeps an empty page or not depending on the order of the last frees:
 * no leak, docs/procfs.md); the kernel heap's pages that hold objects,
 * SUnreclaim; and the parent's own resident pages, VmRSS; in KiB. */
struct memory {
	long free, heap, own;
};

static bool read_memory(struct memory *m)
{
	static const char *const free_names[] = { "MemFree:", "Buffers:",
						  "Cached:", "SReclaimable:" };
	static const char *const heap_names[] = { "SUnreclaim:" };
	static const char *const own_names[] = { "VmRSS:" };

	m->free = read_kib("/proc/meminfo", free_names, 4);
	m->heap = read_kib("/proc/meminfo", heap_names, 1);
	m->own = read_kib("/proc/self/status", own_names, 1);
	return m->free >= 0;
}

/* Touches every page of the program (reading the code, writing the
 * data back as it is) and 64 KiB of stack, before the first memory
 * reading: otherwise code run for the first time after it (the summary)
 * is paged in then, and the page cache's record of each page, in the
 * kernel heap, looks like a leak of a slab page. */
static void touch_image(void)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	size_t n = getauxval(AT_PHNUM);
	uintptr_t bias = 0;
	volatile char pad[64 * 1024];

	for (size_t i = 0; i < sizeof(pad); i += 4096)
		pad[i] = 0; /* volatile stores: a memset here would be elided */
	for (size_t i = 0; i < n; i++)
		if (ph[i].p_type == PT_PHDR)
			bias = (uintptr_t)ph - ph[i].p_vaddr;
	for (size_t i = 0; i < n; i++) {
		uintptr_t a = (bias + ph[i].p_vaddr) & ~(uintptr_t)4095;

		if (ph[i].p_type != PT_LOAD)
			continue;
		for (; a < bias + ph[i].p_vaddr + ph[i].p_memsz; a += 4096) {
			volatile char *p = (volatile char *)a;
			char c = *p;

			if (ph[i].p_flags & PF_W)
				*p = c;
		}
	}
}

/* ---- children ----------------------------------------------------------- */

/* The memory shared with the children, between two PROT_NONE pages: no
 * mapping a child makes can sit next to it, so a call that writes past
 * the end of a child's buffer faults there instead of overwriting the
 * slots. */
static bool map_slots(void)
{
	size_t size = (sizeof(struct slot) * MAX_SLOTS + 4095) & ~4095UL;
	char *p = mmap(NULL, size + 2 * 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect(p, 4096, PROT_NONE) ||
	    mprotect(p + 4096 + size, 4096, PROT_NONE))
		return false;
	run.slots = (struct slot *)(p + 4096);
	memset(run.slots, 0, size);
	return true;
}

static void spawn(unsigned int i)
{
	uint64_t left = run.total - run.assigned;
	uint64_t planned = opt.only_child >= 0 ? left
			   : left < SLICE      ? left
					       : SLICE;
	pid_t pid;

	memset(&run.slots[i], 0, sizeof(run.slots[i]));
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "sysfuzz: fork: %s\n", strerror(errno));
		return;
	}
	if (pid == 0) {
		int logfd = -1;

		if (opt.verbose)
			logfd = fcntl(2, F_DUPFD_CLOEXEC, 100);
		close(run.scratch_fd);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		child_main(&run.slots[i], run.next_child, planned, logfd);
	}
	run.kid[i].pid = pid;
	run.kid[i].child = run.next_child++;
	run.kid[i].planned = planned;
	run.kid[i].last_made = 0;
	run.kid[i].last_progress = now_s();
	run.kid[i].killed = run.kid[i].stuck = false;
	run.assigned += planned;
	run.started++;
}

/* The calls slot i's child has made, as its shared memory says, but no
 * more than it was given. */
static uint64_t made_by(unsigned int i)
{
	uint64_t made = run.slots[i].made;

	return made < run.kid[i].planned ? made : run.kid[i].planned;
}

/* Slot i's last calls from its ring, oldest first. */
static void print_ring(unsigned int i)
{
	const struct slot *s = &run.slots[i];
	uint64_t made = made_by(i), planned = run.kid[i].planned;
	uint64_t last = made < planned ? made + 1 : made;
	uint64_t first = last > RING_LEN ? last - RING_LEN + 1 : 1;
	char line[512];

	printf("sysfuzz: its last calls (reproduce: -s %llu -k %llu "
	       "-n %llu):\n",
	       (unsigned long long)opt.seed,
	       (unsigned long long)run.kid[i].child,
	       (unsigned long long)planned);
	for (uint64_t seq = first; seq <= last; seq++) {
		const struct record *r = &s->ring[(seq - 1) % RING_LEN];

		if (r->seq != seq)
			continue;
		format_record(line, sizeof(line), r);
		printf("sysfuzz:   %s%s\n", line,
		       r->ret == NO_RETURN_YET ? " (no return)" : "");
	}
}

/* Removes the child's directory, in a process of its own so that the
 * parent's memory stays as it was for the memory check. */
static void remove_child_dir(uint64_t child)
{
	char name[32];
	pid_t pid;
	int status;

	snprintf(name, sizeof(name), "c%llu", (unsigned long long)child);
	pid = fork();
	if (pid == 0)
		_exit(remove_tree(run.scratch_fd, name) ? 0 : 1);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0)
		printf("sysfuzz: could not remove %s/%s\n", run.scratch, name);
}

static void child_ended(unsigned int i, int status)
{
	const struct slot *s = &run.slots[i];
	unsigned long long k = run.kid[i].child, made = made_by(i);
	uint64_t planned = run.kid[i].planned;
	pid_t pid = run.kid[i].pid;
	bool early = true;

	run.made += made;
	run.ok += s->ok < made ? s->ok : made;
	for (int e = 0; e <= MAX_ERRNO; e++)
		run.errors[e] += s->errors[e] < made ? s->errors[e] : made;
	run.assigned -= planned - made;
	if (run.kid[i].killed) {
		run.killed++;
		printf("sysfuzz: child %llu (pid %d) made no call for %u s: "
		       "killed after %llu calls\n",
		       k, pid, opt.watchdog, made);
		print_ring(i);
	} else if (WIFSIGNALED(status)) {
		run.signaled++;
		printf("sysfuzz: child %llu (pid %d) killed by signal %d (%s) "
		       "after %llu calls\n",
		       k, pid, WTERMSIG(status), strsignal(WTERMSIG(status)),
		       made);
		print_ring(i);
	} else if (WEXITSTATUS(status) != 0 || made < planned) {
		run.early++;
		if (opt.verbose)
			printf("sysfuzz: child %llu (pid %d) exited with "
			       "status %d after %llu of %llu calls\n",
			       k, pid, WEXITSTATUS(status), made,
			       (unsigned long long)planned);
	} else {
		run.finished++;
		early = false;
	}
	if (early && run.assigned < run.total)
		run.replaced++;
	run.zero_streak = made ? 0 : run.zero_streak + 1;
	remove_child_dir(k);
	run.kid[i].pid = 0;
}

static int slot_of(pid_t pid)
{
	for (unsigned int i = 0; i < opt.children; i++)
		if (run.kid[i].pid == pid)
			return (int)i;
	return -1;
}

static void reap(void)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG | WUNTRACED | __WALL)) > 0) {
		int i = slot_of(pid);

		if (i < 0)
			continue; /* a clone(CLONE_PARENT) of a child */
		if (WIFSTOPPED(status)) {
			run.stopped++;
			kill(pid, SIGCONT);
			continue;
		}
		child_ended((unsigned int)i, status);
	}
}

/* The watchdog: SIGKILL for a child that made no call for -w seconds; a
 * child still there long after its SIGKILL means the kernel hangs. */
static void watch(void)
{
	double now = now_s(), stuck_s = 3.0 * opt.watchdog;

	if (stuck_s < STUCK_MIN_S)
		stuck_s = STUCK_MIN_S;
	for (unsigned int i = 0; i < opt.children; i++) {
		uint64_t made = made_by(i);

		if (!run.kid[i].pid)
			continue;
		if (made != run.kid[i].last_made) {
			run.kid[i].last_made = made;
			run.kid[i].last_progress = now;
		} else if (!run.kid[i].killed &&
			   now - run.kid[i].last_progress >= opt.watchdog) {
			kill(run.kid[i].pid, SIGKILL);
			run.kid[i].killed = true;
			run.kid[i].kill_time = now;
		} else if (run.kid[i].killed && !run.kid[i].stuck &&
			   now - run.kid[i].kill_time >= stuck_s) {
			printf("sysfuzz: child %llu (pid %d) is still there "
			       "%.0f s after SIGKILL: the kernel hangs\n",
			       (unsigned long long)run.kid[i].child,
			       run.kid[i].pid, stuck_s);
			print_ring(i);
			run.kid[i].stuck = run.stuck = true;
		}
	}
}

/* Children still to be reaped, but for those the kernel does not let
 * die (nothing more can be done about them). */
static unsigned int busy(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < opt.children; i++)
		n += run.kid[i].pid != 0 && !run.kid[i].stuck;
	return n;
}

static void run_children(void)
{
	double start = now_s(), progress = start;

	for (;;) {
		bool stop = interrupted || run.stuck ||
			    (opt.seconds && now_s() - start >= opt.seconds) ||
			    (opt.only_child >= 0 && run.started > 0);

		if (run.zero_streak >= ZERO_STREAK_MAX)
			stop = run.gave_up = true;
		for (unsigned int i = 0; i < opt.children && !stop; i++)
			if (!run.kid[i].pid && run.assigned < run.total)
				spawn(i);
		if (!busy())
			break;
		if (interrupted || run.stuck)
			for (unsigned int i = 0; i < opt.children; i++)
				if (run.kid[i].pid && !run.kid[i].stuck)
					kill(run.kid[i].pid, SIGKILL);
		reap();
		watch();
		if (now_s() - progress >= PROGRESS_S) {
			uint64_t made = run.made;

			for (unsigned int i = 0; i < opt.children; i++)
				made += run.kid[i].pid ? made_by(i) : 0;
			progress = now_s();
			printf("sysfuzz: %llu calls by %u children so far\n",
			       (unsigned long long)made, run.started);
			fflush(stdout);
		}
		pause_ms(20);
	}
}

/* ---- the end ------------------------------------------------------------ */

static void print_summary(void)
{
	unsigned int top[8] = { 0 }, ntop = 0;
	char name[16];

	/* The eight commonest errors, most first. */
	for (unsigned int n = 0; n < 8; n++) {
		unsigned int best = 0;

		for (unsigned int e = 1; e <= MAX_ERRNO; e++) {
			bool taken = false;

			for (unsigned int j = 0; j < ntop; j++)
				taken |= top[j] == e;
			if (!taken && run.errors[e] > run.errors[best])
				best = e;
		}
		if (!best)
			break;
		top[ntop++] = best;
	}
	printf("sysfuzz: %llu calls made, %llu succeeded",
	       (unsigned long long)run.made, (unsigned long long)run.ok);
	for (unsigned int j = 0; j < ntop; j++)
		printf(", %s %llu", errno_name((int)top[j], name, sizeof(name)),
		       (unsigned long long)run.errors[top[j]]);
	printf("\nsysfuzz: children: %u started, %u finished their calls, "
	       "%u died by a signal, %u exited early, %u killed by the "
	       "watchdog, %u replaced, %u times stopped and continued\n",
	       run.started, run.finished, run.signaled, run.early, run.killed,
	       run.replaced, run.stopped);
}

/* After the children: memory back where it was (free memory no lower,
 * but for pages the parent itself came to use, which are its own and
 * not the kernel's; the heap no larger), waiting up to SETTLE_TRIES * 10
 * ms for what the kernel frees a moment after a wait returns (a task
 * that ended on another CPU is freed at that CPU's next switch). A leak
 * never comes back; waiting longer only helps a slow machine. */
static bool memory_back(const struct memory *before)
{
	struct memory after = { 0, 0, 0 };
	long own_growth = 0;
	bool back = false;

	for (int i = 0; i < SETTLE_TRIES && !back; i++) {
		if (i)
			pause_ms(10);
		/* A process a child made with clone(CLONE_PARENT) is the
		 * parent's own, and may end after the last child did: a
		 * zombie holds its memory until it is reaped. */
		for (int reaped = 1; reaped > 0;)
			reaped = waitpid(-1, NULL, WNOHANG | __WALL);
		if (!read_memory(&after))
			break;
		own_growth = after.own > before->own ? after.own - before->own
						     : 0;
		back = after.free + own_growth >= before->free &&
		       after.heap <= before->heap;
	}
	printf("sysfuzz: memory: free %ld kB before, %ld kB after "
	       "(MemFree+Buffers+Cached+SReclaimable; sysfuzz itself %ld kB "
	       "more); heap %ld kB before, %ld kB after (SUnreclaim)\n",
	       before->free, after.free, own_growth, before->heap, after.heap);
	if (opt.on_linux) {
		printf("sysfuzz: memory: not judged on Linux (the rest of the "
		       "machine moves it)\n");
		return true;
	}
	if (back)
		printf("sysfuzz: memory: back to the starting level\n");
	else
		printf("sysfuzz: memory: NOT back: %ld kB missing, the heap "
		       "%ld kB larger\n",
		       before->free - after.free - own_growth,
		       after.heap - before->heap);
	return back;
}

int main(int argc, char **argv)
{
	struct utsname u;
	const char *tmp = getenv("TMPDIR");
	struct memory before = { 0, 0, 0 };
	bool ok, removed;

	opt.on_linux = uname(&u) == 0 && strcmp(u.sysname, "Linux") == 0;
	parse_options(argc, argv);
	run.total = opt.calls;
	run.next_child = opt.only_child >= 0 ? (uint64_t)opt.only_child : 0;
	if (!map_slots()) {
		perror("sysfuzz: mmap");
		return 1;
	}
	signal(SIGINT, on_interrupt);
	signal(SIGTERM, on_interrupt);
	printf("sysfuzz: seed %llu, %llu calls, %u children, %u s, "
	       "watchdog %u s%s\n",
	       (unsigned long long)opt.seed, (unsigned long long)opt.calls,
	       opt.children, opt.seconds, opt.watchdog,
	       opt.on_linux ? ", on Linux" : "");
	fflush(stdout);
	touch_image();
	if (opt.memcheck && !read_memory(&before)) {
		fprintf(stderr, "sysfuzz: no /proc/meminfo\n");
		return 1;
	}
	snprintf(run.scratch, sizeof(run.scratch), "%s/sysfuzz.%d",
		 tmp && *tmp ? tmp : "/tmp", getpid());
	if (mkdir(run.scratch, 0700) ||
	    (run.scratch_fd = open(run.scratch, O_RDONLY | O_DIRECTORY)) < 0 ||
	    fchdir(run.scratch_fd)) {
		fprintf(stderr, "sysfuzz: %s: %s\n", run.scratch,
			strerror(errno));
		return 1;
	}
	run_children();
	print_summary();
	removed = chdir("/") == 0 && close(run.scratch_fd) == 0 &&
		  rmdir(run.scratch) == 0;
	if (!removed)
		printf("sysfuzz: could not remove %s: %s\n", run.scratch,
		       strerror(errno));
	if (run.gave_up)
		printf("sysfuzz: %d children in a row made no call: gave up\n",
		       ZERO_STREAK_MAX);
	ok = !run.stuck && !run.gave_up && !interrupted && removed;
	if (ok && opt.memcheck)
		ok = memory_back(&before);
	printf("sysfuzz: %s\n", ok ? "done" : "FAILED");
	return ok ? 0 : 1;
}
