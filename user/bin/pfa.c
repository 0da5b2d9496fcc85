/*
 * pfa: the page-fault analyzer. `pfa [-v] PROGRAM [ARGS]` runs PROGRAM
 * under the kernel's mm:page_fault tracepoint (/dev/trace,
 * docs/tracing.md) and says which faults it and the children it forks
 * took: how many of each kind (demand-zero, stack growth, a file page
 * found in the page cache or read from the disk, copy on write), in
 * which region of the address space (text, data, heap, stack, anonymous
 * memory, each mapped file by name, from /proc/PID/maps read while the
 * program runs), and advice for the classic cases. -v lists each fault.
 * `pfa [-v] [-s SECONDS] -p PID` attaches to a running process instead:
 * it counts from then until the process ends (or SECONDS pass, or
 * Ctrl-C), for the process, its descendants already there (a shell's
 * background job is a subshell that runs the command as its child) and
 * the children they fork from then on.
 *
 * The kernel classifies each fault (kind and region); pfa only counts.
 * It needs Kestrel's /dev/trace: on Linux, use perf trace -F all.
 */
#include <ctype.h>
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ulib.h"

#define MAX_PIDS 256
#define MAX_MAPS 1024
#define MAX_ROWS 64
#define NAME_MAX_LEN 128
#define ADVICE_MIN 8 /* a pattern worth advice happens this often */

/* The kernel's names, in its order (kernel/trace/points.c). */
static const char *const kinds[] = {
	"demand-zero", "stack-grow", "file-minor", "file-major", "cow",
	"write-reuse", "protection", "no-area",    "spurious",
};
enum { DEMAND_ZERO, STACK_GROW, FILE_MINOR, FILE_MAJOR, COW, NKINDS = 9 };
static const char *const regions[] = { "text", "data", "heap", "stack",
				       "anon", "file", "none" };
enum { REGION_FILE = 5, NREGIONS = 7 };

/* One line of the summary: a region (a file region per file name). */
struct row {
	int region;
	char name[NAME_MAX_LEN];
	long count[NKINDS];
	long total, major;
};

/* A file mapping seen in /proc/PID/maps. */
struct map {
	int pid;
	unsigned long start, end;
	char name[NAME_MAX_LEN];
};

static int pids[MAX_PIDS], npids;
static struct map maps[MAX_MAPS];
static int nmaps;
static struct row rows[MAX_ROWS];
static int nrows;
static long lost, failed;
static int verbose;

static int traced(int pid)
{
	for (int i = 0; i < npids; i++)
		if (pids[i] == pid)
			return 1;
	return 0;
}

/* Note the file mappings of pid now, for faults seen later. */
static void read_maps(int pid)
{
	char path[64], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return; /* gone already */
	while (fgets(line, sizeof(line), f)) {
		struct map m = { .pid = pid };
		char *name = strchr(line, '/');
		int known = 0;

		if (!name || sscanf(line, "%lx-%lx", &m.start, &m.end) != 2)
			continue;
		name[strcspn(name, "\n")] = '\0';
		snprintf(m.name, sizeof(m.name), "%s", name);
		for (int i = 0; i < nmaps && !known; i++)
			known = maps[i].pid == pid &&
				maps[i].start == m.start &&
				maps[i].end == m.end &&
				strcmp(maps[i].name, m.name) == 0;
		if (!known && nmaps < MAX_MAPS)
			maps[nmaps++] = m;
	}
	fclose(f);
}

/* The newest file mapping of pid at addr, or "". */
static const char *file_at(int pid, unsigned long addr)
{
	for (int i = nmaps - 1; i >= 0; i--)
		if (maps[i].pid == pid && addr >= maps[i].start &&
		    addr < maps[i].end)
			return maps[i].name;
	return "";
}

static struct row *row_for(int region, const char *name)
{
	for (int i = 0; i < nrows; i++)
		if (rows[i].region == region && strcmp(rows[i].name, name) == 0)
			return &rows[i];
	if (nrows == MAX_ROWS)
		errx(1, "too many regions");
	rows[nrows].region = region;
	snprintf(rows[nrows].name, sizeof(rows[nrows].name), "%s", name);
	return &rows[nrows++];
}

static int index_of(const char *const *names, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

static void fault(int pid, const char *fields)
{
	unsigned long addr, ip;
	char kind[32], region[32];
	long result;
	int k, r;
	const char *name = "";
	struct row *row;

	if (sscanf(fields, " addr=%lx ip=%lx kind=%31s result=%ld region=%31s",
		   &addr, &ip, kind, &result, region) != 5)
		return;
	k = index_of(kinds, NKINDS, kind);
	r = index_of(regions, NREGIONS, region);
	if (k < 0 || r < 0)
		return;
	if (r == REGION_FILE)
		name = file_at(pid, addr);
	if (verbose)
		printf("fault pid %d addr %#lx ip %#lx %s %s%s%s%s\n", pid,
		       addr, ip, kind, region, *name ? " " : "", name,
		       result ? " failed" : "");
	if (result) {
		failed++;
		return;
	}
	row = row_for(r, name);
	row->count[k]++;
	row->total++;
	row->major += k == FILE_MAJOR;
}

/* One line of /dev/trace. */
static void event(const char *line)
{
	int pid, parent, child;
	long n;
	const char *what;

	if (sscanf(line, "# lost %ld events", &n) == 1) {
		lost += n;
		return;
	}
	if (sscanf(line, "%d [", &pid) != 1 || !(what = strstr(line, ": ")))
		return;
	what += 2;
	if (sscanf(what, "sched:sched_process_fork parent_pid=%d child_pid=%d",
		   &parent, &child) == 2) {
		if (traced(parent) && npids < MAX_PIDS)
			pids[npids++] = child;
	} else if (strncmp(what, "mm:page_fault", 13) == 0 && traced(pid)) {
		fault(pid, what + 13);
	}
}

/* Read and handle the events there are now, in at most reads reads
 * (someone else's raw_syscalls tracing makes our reads new events). */
static void drain(int fd, int reads)
{
	static char buf[8192];
	static size_t have;
	ssize_t n = 0;

	while (reads-- > 0 &&
	       (n = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
		char *line = buf, *nl;

		have += (size_t)n;
		buf[have] = '\0';
		while ((nl = strchr(line, '\n'))) {
			*nl = '\0';
			event(line);
			line = nl + 1;
		}
		have -= (size_t)(line - buf);
		memmove(buf, line, have);
	}
	if (n < 0 && errno != EAGAIN)
		err(1, "/dev/trace");
}

/* Was this tracepoint on before we came? Then leave it on. */
static int was_on(const char *event)
{
	char line[256];
	size_t len = strlen(event);
	int on = 0;
	FILE *f = fopen("/proc/trace_events", "r");

	if (!f)
		err(1, "/proc/trace_events");
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, event, len) == 0 && line[len] == ' ')
			on = strncmp(line + len + 1, "on", 2) == 0;
	fclose(f);
	return on;
}

/* The summary; its first line, "pfa: PROG: exit 0", is the caller's. */
static void report(void)
{
	long total = 0, major = 0, kind[NKINDS] = { 0 };

	for (int i = 0; i < nrows; i++) {
		total += rows[i].total;
		major += rows[i].major;
		for (int k = 0; k < NKINDS; k++)
			kind[k] += rows[i].count[k];
	}
	printf("faults: %ld (minor %ld, major %ld)", total, total - major,
	       major);
	if (failed)
		printf(", %ld failed (SIGSEGV or SIGBUS)", failed);
	printf("\n");
	for (int r = 0; r < NREGIONS; r++) {
		for (int i = 0; i < nrows; i++) {
			if (rows[i].region != r)
				continue;
			printf("%s%s%s: %ld", regions[r],
			       *rows[i].name ? " " : "", rows[i].name,
			       rows[i].total);
			for (int k = 0; k < NKINDS; k++)
				if (rows[i].count[k])
					printf(" %s %ld", kinds[k],
					       rows[i].count[k]);
			printf("\n");
		}
	}
	for (int i = 0; i < nrows; i++)
		if (rows[i].count[FILE_MAJOR] >= ADVICE_MIN)
			printf("advice: %ld major faults on %s: each read "
			       "one page from the disk; read the file "
			       "sequentially, or map it with MAP_POPULATE "
			       "or madvise(MADV_WILLNEED) to read it at "
			       "once\n",
			       rows[i].count[FILE_MAJOR],
			       *rows[i].name ? rows[i].name : "a file");
	if (kind[COW] >= ADVICE_MIN)
		printf("advice: %ld copy-on-write faults: after fork, parent "
		       "or child wrote to pages they shared, and each write "
		       "copied a page; exec soon after fork (or vfork), or "
		       "fork before filling memory\n",
		       kind[COW]);
	if (kind[STACK_GROW] >= ADVICE_MIN)
		printf("advice: the stack grew %ld times, a page at a time: "
		       "deep recursion or large local arrays; use the heap "
		       "for big buffers\n",
		       kind[STACK_GROW]);
	if (lost)
		printf("pfa: %ld events lost to overruns: the counts are "
		       "low\n",
		       lost);
}

static const char *const events[] = { "mm:page_fault",
				      "sched:sched_process_fork" };
static int events_were_on[2];

static int trace_start(void)
{
	int fd = open("/dev/trace", O_RDWR | O_NONBLOCK);

	if (fd < 0)
		err(1, "/dev/trace (pfa needs Kestrel's tracer)");
	for (int i = 0; i < 2; i++) {
		events_were_on[i] = was_on(events[i]);
		if (dprintf(fd, "%s\n", events[i]) < 0)
			err(1, "enable %s", events[i]);
	}
	return fd;
}

static void trace_stop(int fd)
{
	drain(fd, 4096);
	for (int i = 0; i < 2; i++)
		if (!events_were_on[i] && dprintf(fd, "!%s\n", events[i]) < 0)
			warn("disable %s", events[i]);
}

/* Run argv under the tracer until it ends. */
static int run(char **argv)
{
	int fd = trace_start(), status;
	pid_t pid = vfork(); /* vfork: no COW faults of ours before the exec */

	if (pid < 0)
		err(1, "vfork");
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	pids[npids++] = pid;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		drain(fd, 64);
		for (int i = 0; i < npids; i++)
			read_maps(pids[i]);
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		poll(&p, 1, 20);
	}
	trace_stop(fd);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		errx(127, "%s: cannot run it", argv[0]);
	printf("pfa: %s: %s %d, %d process%s\n", argv[0],
	       WIFEXITED(status) ? "exit" : "signal",
	       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
	       npids, npids == 1 ? "" : "es");
	report();
	return 0;
}

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* pid's name, state and parent from /proc/PID/stat ("42 (sh) S 1 ..."):
 * 0, or -1 if there is no such process. */
static int proc_stat(int pid, char *name, size_t size, char *state, int *ppid)
{
	char path[64], buf[512], *open_paren, *close_paren;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren || close_paren[1] != ' ')
		return -1;
	*close_paren = '\0';
	snprintf(name, size, "%s", open_paren + 1);
	*state = close_paren[2];
	*ppid = atoi(close_paren + 3);
	return 0;
}

/* Add the descendants of the traced processes that exist now, from the
 * parent links in /proc (a pass per generation, until one adds none). */
static void add_descendants(void)
{
	int added = 1;

	while (added) {
		DIR *d = opendir("/proc");
		struct dirent *de;

		if (!d)
			err(1, "/proc");
		added = 0;
		while ((de = readdir(d))) {
			char name[64], state;
			int pid, ppid;

			if (!isdigit((unsigned char)de->d_name[0]))
				continue;
			pid = atoi(de->d_name);
			if (traced(pid) || npids == MAX_PIDS ||
			    proc_stat(pid, name, sizeof(name), &state, &ppid))
				continue;
			if (traced(ppid)) {
				pids[npids++] = pid;
				added = 1;
			}
		}
		closedir(d);
	}
}

static double mono_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Trace the running process pid until it ends (a zombie has ended: its
 * parent may not have reaped it yet), seconds pass (0: no limit) or
 * Ctrl-C. */
static int attach(int pid, double seconds)
{
	char name[64], state;
	double start, waited;
	int fd, ppid, ended = 0;

	if (pid <= 0 || proc_stat(pid, name, sizeof(name), &state, &ppid) < 0)
		errx(1, "pid %d: no such process", pid);
	signal(SIGINT, on_interrupt);
	signal(SIGTERM, on_interrupt);
	pids[npids++] = pid;
	/* A walk before tracing starts finds the descendants that may
	 * fault as soon as it does; one after, those forked in between. */
	add_descendants();
	fd = trace_start();
	add_descendants();
	start = mono_seconds();
	while (!interrupted && (!seconds || mono_seconds() - start < seconds)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		drain(fd, 64);
		for (int i = 0; i < npids; i++)
			read_maps(pids[i]);
		if (proc_stat(pid, name, sizeof(name), &state, &ppid) < 0 ||
		    state == 'Z') {
			ended = 1;
			break;
		}
		poll(&p, 1, 20);
	}
	waited = mono_seconds() - start;
	trace_stop(fd);
	if (ended)
		printf("pfa: pid %d (%s): ended after %.1f s, ", pid, name,
		       waited);
	else
		printf("pfa: pid %d (%s): still running after %.1f s, ", pid,
		       name, waited);
	printf("%d process%s\n", npids, npids == 1 ? "" : "es");
	report();
	return 0;
}

int main(int argc, char **argv)
{
	const char *synopsis = "[-v] PROGRAM [ARGS] | [-v] [-s SECONDS] -p PID";
	double seconds = 0;
	int opt, pid = 0;
	char *end;

	while ((opt = getopt(argc, argv, "+vp:s:")) != -1) {
		switch (opt) {
		case 'v':
			verbose = 1;
			break;
		case 'p':
			pid = (int)strtol(optarg, &end, 10);
			if (*end || pid <= 0)
				usage(synopsis);
			break;
		case 's':
			seconds = strtod(optarg, &end);
			if (*end || seconds <= 0)
				usage(synopsis);
			break;
		default:
			usage(synopsis);
		}
	}
	if (pid && optind == argc)
		return attach(pid, seconds);
	if (pid || seconds || optind == argc)
		usage(synopsis);
	return run(argv + optind);
}
