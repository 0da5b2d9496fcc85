/*
 * schedviz: watch the scheduler decide. Per CPU: what runs now, context
 * switches per second, run-queue depth, and a timeline of the last
 * switches (CPU0: sh(3) -> spin(7) -> sh(3)); and any task that starves
 * (runnable, state R, and not run for longer than a threshold: seen so
 * at a sample, or told so afterwards by the kernel's longest wait,
 * wait_max in /proc/PID/sched, growing during the period shown).
 *
 *	schedviz [-t starve_ms]          redraw every second until ^C
 *	schedviz -s seconds [-t ms]      one summary for that long (scripts)
 *	schedviz -e seconds              record the tracer's sched events for
 *	                                 that long: a per-CPU timeline and
 *	                                 each task's run and wait time
 *
 * Sources: Kestrel's /proc/schedstat (Linux's nine figures per CPU, then
 * switches, idle ns, tasks queued, the pid running), /proc/schedtrace
 * (the switch events of each CPU's ring) and /proc/PID/stat. On Linux
 * /proc/schedtrace does not exist (the kernel's trace is in tracefs and
 * needs root), nor do the extra schedstat figures: schedviz says so and
 * shows what /proc/stat and /proc/PID/stat give (switches for all CPUs
 * together, running tasks per CPU, starving tasks).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_CPUS 64
#define MAX_TASKS 512
#define TIMELINE 8

struct cpu_figures {
	unsigned long long switches, idle_ns, run_ns;
	unsigned int queued;
	int curr;
	int present;
	/* The timeline: the last TIMELINE tasks switched to. */
	char line[TIMELINE][40];
	int nline;
	unsigned long long seen_seq;
};

struct task_seen {
	int pid;
	char name[32];
	double cpu_ms; /* CPU time: /proc/PID/sched, else utime + stime */
	double last_progress; /* when its CPU time last grew (s) */
	double worst_wait_s;  /* longest runnable and not run, this period */
	double wait_max_ms;   /* /proc/PID/sched's wait_max, last sample */
	char state;
	int cpu; /* the CPU it runs or last ran on */
	int alive;
};

static struct cpu_figures cpus[MAX_CPUS];
static struct task_seen tasks[MAX_TASKS];
static int ntasks, ncpus, kestrel_stats, have_trace;
static char policy[16] = "?";
static unsigned long long ctxt_total; /* Linux: /proc/stat ctxt */
static volatile sig_atomic_t stop;

/* Linux's se.exec_start is its run queue's clock, not CLOCK_MONOTONIC:
 * there schedviz only trusts what it saw change. */
static int on_linux(void)
{
	static int linux_kernel = -1;

	if (linux_kernel < 0) {
		char buf[64] = "";
		FILE *f = fopen("/proc/sys/kernel/ostype", "r");

		if (f) {
			if (!fgets(buf, sizeof(buf), f))
				buf[0] = '\0';
			fclose(f);
		}
		linux_kernel = strncmp(buf, "Linux", 5) == 0;
	}
	return linux_kernel;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* /proc/schedstat: Kestrel's 13 figures per CPU, or Linux's 9. */
static void read_schedstat(void)
{
	char line[512];
	FILE *f = fopen("/proc/schedstat", "r");

	if (!f)
		return;
	ncpus = 0;
	kestrel_stats = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned int c;
		unsigned long long v[13];
		int n;

		sscanf(line, "policy %15s", policy);
		if (sscanf(line, "cpu%u", &c) != 1 || c >= MAX_CPUS)
			continue;
		memset(v, 0, sizeof(v));
		n = sscanf(line,
			   "cpu%*u %llu %llu %llu %llu %llu %llu %llu %llu "
			   "%llu %llu %llu %llu %llu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			   &v[7], &v[8], &v[9], &v[10], &v[11], &v[12]);
		cpus[c].present = 1;
		cpus[c].run_ns = v[6];
		if (n == 13) {
			kestrel_stats = 1;
			cpus[c].switches = v[9];
			cpus[c].idle_ns = v[10];
			cpus[c].queued = (unsigned int)v[11];
			cpus[c].curr = (int)v[12];
		}
		if (c + 1 > (unsigned int)ncpus)
			ncpus = (int)c + 1;
	}
	fclose(f);
}

/* Linux: the context switches of all CPUs together. */
static void read_proc_stat(void)
{
	char line[256];
	FILE *f = fopen("/proc/stat", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		sscanf(line, "ctxt %llu", &ctxt_total);
	fclose(f);
}

/* New switch events from /proc/schedtrace into each CPU's timeline. */
static void read_trace(void)
{
	char line[256], kind[16], comm[32], comm2[32];
	FILE *f = fopen("/proc/schedtrace", "r");

	have_trace = f != NULL;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned int c;
		unsigned long long seq, t;
		int pid, pid2;
		struct cpu_figures *cf;

		if (sscanf(line, "%u %llu %llu %15s %d %31s %d %31s", &c, &seq,
			   &t, kind, &pid, comm, &pid2, comm2) != 8 ||
		    strcmp(kind, "switch") != 0 || c >= MAX_CPUS)
			continue;
		cf = &cpus[c];
		if (seq <= cf->seen_seq)
			continue;
		cf->seen_seq = seq;
		if (cf->nline == TIMELINE) {
			memmove(cf->line[0], cf->line[1],
				sizeof(cf->line[0]) * (TIMELINE - 1));
			cf->nline--;
		}
		snprintf(cf->line[cf->nline++], sizeof(cf->line[0]), "%s(%d)",
			 comm2, pid2);
	}
	fclose(f);
}

static struct task_seen *task_find(int pid, double now)
{
	for (int i = 0; i < ntasks; i++)
		if (tasks[i].pid == pid)
			return &tasks[i];
	if (ntasks == MAX_TASKS)
		return NULL;
	memset(&tasks[ntasks], 0, sizeof(tasks[0]));
	tasks[ntasks].pid = pid;
	tasks[ntasks].last_progress = now;
	tasks[ntasks].wait_max_ms = -1;
	return &tasks[ntasks++];
}

/* From /proc/PID/sched (both Kestrel and Linux have it): the CPU time
 * in ms (ns precision), when the task last ran (se.exec_start, ms of the
 * scheduler's clock, CLOCK_MONOTONIC on Kestrel) and its longest wait in
 * a run queue (wait_max, ms); -1 for each the file does not have. */
static void read_pid_sched(const char *pid, double *sum_ms, double *ran_ms,
			   double *wait_max_ms)
{
	char path[300], line[256];
	FILE *f;

	*sum_ms = *ran_ms = *wait_max_ms = -1;
	snprintf(path, sizeof(path), "/proc/%s/sched", pid);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "se.sum_exec_runtime", 19) == 0)
			sscanf(strchr(line, ':') + 1, "%lf", sum_ms);
		if (strncmp(line, "se.exec_start", 13) == 0)
			sscanf(strchr(line, ':') + 1, "%lf", ran_ms);
		if (strncmp(line, "wait_max", 8) == 0 ||
		    strncmp(line, "se.statistics.wait_max", 22) == 0)
			sscanf(strchr(line, ':') + 1, "%lf", wait_max_ms);
	}
	fclose(f);
}

/* Every process's state, name and CPU time; note when it last ran (or
 * was not runnable). */
static void read_tasks(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	double now = now_s();

	for (int i = 0; i < ntasks; i++)
		tasks[i].alive = 0;
	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[300], buf[1024], *op, *cp;
		unsigned long long ut, st;
		struct task_seen *t;
		char state;
		int cpu = -1;
		double ms, ran_ms, wait_max_ms, wait_s;
		FILE *f;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
		op = strchr(buf, '(');
		cp = strrchr(buf, ')');
		/* state(3) ... utime(14) stime(15) ... exit_signal(38)
		 * processor(39) */
		if (!op || !cp ||
		    sscanf(cp + 2,
			   "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu "
			   "%*d %*d %*d %*d %*d %*d %*u %*u %*d %*u %*u %*u "
			   "%*u %*u %*u %*u %*u %*u %*u %*u %*u %*u %*d %d",
			   &state, &ut, &st, &cpu) < 3)
			continue;
		t = task_find(atoi(e->d_name), now);
		if (!t)
			continue;
		*cp = '\0';
		snprintf(t->name, sizeof(t->name), "%s", op + 1);
		read_pid_sched(e->d_name, &ms, &ran_ms, &wait_max_ms);
		if (ms < 0)
			ms = (double)(ut + st) * 1000 /
			     (double)sysconf(_SC_CLK_TCK);
		if (ms != t->cpu_ms || state != 'R' || t->pid == getpid())
			t->last_progress = now;
		t->cpu_ms = ms;
		/* Runnable, and not run since: since its last run if the
		 * kernel says when that was, else since its CPU time last
		 * grew as we saw it. */
		wait_s = now - t->last_progress;
		if (ran_ms >= 0 && !on_linux())
			wait_s = now - ran_ms / 1000;
		if (state == 'R' && t->pid != getpid() &&
		    wait_s > t->worst_wait_s)
			t->worst_wait_s = wait_s;
		/* A longer wait than any before ended since the last
		 * sample (a task first seen has no "before"). */
		if (t->wait_max_ms >= 0 && wait_max_ms > t->wait_max_ms &&
		    t->pid != getpid() && wait_max_ms / 1000 > t->worst_wait_s)
			t->worst_wait_s = wait_max_ms / 1000;
		t->wait_max_ms = wait_max_ms;
		t->state = state;
		t->cpu = cpu;
		t->alive = 1;
	}
	closedir(d);
}

static const char *task_name(int pid)
{
	for (int i = 0; i < ntasks; i++)
		if (tasks[i].pid == pid)
			return tasks[i].name;
	return pid == 0 ? "idle" : "?";
}

/* Print the tasks that starved this period, and start a new one; how
 * many. */
static int report_starving(double threshold_s)
{
	int n = 0;

	for (int i = 0; i < ntasks; i++) {
		struct task_seen *t = &tasks[i];

		if (t->worst_wait_s > threshold_s) {
			printf("starving: %s(%d) runnable, not run for %.0f "
			       "ms\n",
			       t->name, t->pid, t->worst_wait_s * 1000);
			n++;
		}
		t->worst_wait_s = 0;
	}
	return n;
}

struct totals {
	unsigned long long switches[MAX_CPUS], idle_ns[MAX_CPUS],
		run_ns[MAX_CPUS], ctxt;
};

static void take(struct totals *t)
{
	for (int c = 0; c < ncpus; c++) {
		t->switches[c] = cpus[c].switches;
		t->idle_ns[c] = cpus[c].idle_ns;
		t->run_ns[c] = cpus[c].run_ns;
	}
	t->ctxt = ctxt_total;
}

static void sample(void)
{
	read_schedstat();
	read_proc_stat();
	read_trace();
	read_tasks();
}

/* One screen or summary: figures since `from`, over `secs` seconds. */
static void show(const struct totals *from, double secs, double starve_s,
		 const double *queued_sum, int samples)
{
	printf("schedviz: %.1f s, policy %s, %d CPU%s\n", secs, policy, ncpus,
	       ncpus == 1 ? "" : "s");
	if (!kestrel_stats)
		printf("(no per-CPU switch counts in this /proc/schedstat: "
		       "all CPUs %.1f switches/s from /proc/stat)\n",
		       (double)(ctxt_total - from->ctxt) / secs);
	for (int c = 0; c < ncpus; c++) {
		struct cpu_figures *cf = &cpus[c];
		unsigned long long busy = cf->run_ns - from->run_ns[c];
		unsigned long long idle = cf->idle_ns - from->idle_ns[c];

		if (!cf->present)
			continue;
		if (!kestrel_stats) {
			/* Linux: the tasks in state R that last ran here. */
			printf("CPU%d: runnable here now:", c);
			for (int i = 0; i < ntasks; i++)
				if (tasks[i].alive && tasks[i].state == 'R' &&
				    tasks[i].cpu == c)
					printf(" %s(%d)", tasks[i].name,
					       tasks[i].pid);
			printf("\n");
		} else {
			double total = (double)(busy + idle);

			printf("CPU%d: now %s(%d), %.1f switches/s, run queue "
			       "%.1f (now %u), busy %.0f%%\n",
			       c, task_name(cf->curr), cf->curr,
			       (double)(cf->switches - from->switches[c]) /
				       secs,
			       samples ? queued_sum[c] / samples : 0.0,
			       cf->queued,
			       total > 0 ? 100.0 * (double)busy / total : 0.0);
		}
		if (cf->nline) {
			printf("CPU%d: ", c);
			for (int i = 0; i < cf->nline; i++)
				printf("%s%s", i ? " -> " : "", cf->line[i]);
			printf("\n");
		}
	}
	if (!have_trace)
		printf("(no /proc/schedtrace here: no timeline; on Linux the "
		       "switch trace is in tracefs)\n");
	if (report_starving(starve_s) == 0)
		printf("starving: none (threshold %.0f ms)\n", starve_s * 1000);
}

static void on_int(int sig)
{
	(void)sig;
	stop = 1;
}

/* ---- schedviz -e: the timeline from the tracer's events ----------------
 *
 * With -e SECONDS schedviz records the kernel's sched:sched_switch and
 * sched:sched_wakeup events (/dev/trace, docs/tracing.md) for that long
 * and replays them: each CPU runs one task from one switch to the next
 * (before its first switch, the one that switch leaves: its prev_pid),
 * and a task waits from its wakeup, or from a switch that leaves it
 * runnable (prev_state=R: preempted or yielding), until a switch puts it
 * on a CPU. Out of that come a per-CPU timeline of COLUMNS columns, each
 * the letter of the task that ran most of that slice, and per task its
 * run and wait time, slices (times it was switched in), wakeups and the
 * CPUs it ran on.
 */
#define COLUMNS 60
#define MAX_RUNS 32768
#define UNKNOWN_PID (-2) /* a CPU before its first switch */

struct ev_task {
	int pid;
	char name[16];
	double run_ns, wait_ns;
	double waiting_since; /* runnable and not running since, or < 0 */
	long slices, wakeups;
	unsigned long cpus; /* bit c: ran on CPU c */
	char letter;
};

/* One stretch of a CPU: pid ran from start to end (ns since boot). */
struct ev_run {
	int cpu, pid;
	double start, end;
};

static struct ev_task ev_tasks[MAX_TASKS];
static int ev_ntasks;
static struct ev_run ev_runs[MAX_RUNS];
static int ev_nruns;
static int ev_cur[MAX_CPUS];
static double ev_since[MAX_CPUS];
static long ev_switches, ev_wakeups, ev_lost;

/* pid's name from /proc/PID/stat ("42 (sh) S ..."), or "?" if it is
 * gone. */
static void ev_name(int pid, char *name, size_t size)
{
	char path[64], buf[256] = "";
	char *a, *b;
	FILE *f;

	snprintf(name, size, "?");
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (!(f = fopen(path, "r")))
		return;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	a = strchr(buf, '(');
	b = strrchr(buf, ')');
	if (a && b > a) {
		*b = '\0';
		snprintf(name, size, "%s", a + 1);
	}
}

static struct ev_task *ev_task(int pid)
{
	struct ev_task *t;

	for (int i = 0; i < ev_ntasks; i++)
		if (ev_tasks[i].pid == pid)
			return &ev_tasks[i];
	if (ev_ntasks == MAX_TASKS)
		return NULL;
	t = &ev_tasks[ev_ntasks++];
	memset(t, 0, sizeof(*t));
	t->pid = pid;
	t->waiting_since = -1;
	ev_name(pid, t->name, sizeof(t->name));
	return t;
}

/* cpu ran pid from ev_since[cpu] to t. */
static void ev_close_run(int cpu, int pid, double t)
{
	struct ev_task *k = pid > 0 ? ev_task(pid) : NULL;

	if (k) {
		k->run_ns += t - ev_since[cpu];
		k->cpus |= 1UL << cpu;
	}
	if (ev_nruns < MAX_RUNS)
		ev_runs[ev_nruns++] =
			(struct ev_run){ cpu, pid, ev_since[cpu], t };
}

static void ev_switch(int cpu, double t, int prev, int next, int runnable)
{
	struct ev_task *k;

	ev_switches++;
	if (ev_cur[cpu] == UNKNOWN_PID)
		ev_cur[cpu] = prev; /* it ran from the start */
	ev_close_run(cpu, prev, t);
	if (prev > 0 && runnable && (k = ev_task(prev)))
		k->waiting_since = t;
	if (next > 0 && (k = ev_task(next))) {
		k->slices++;
		if (k->waiting_since >= 0)
			k->wait_ns += t - k->waiting_since;
		k->waiting_since = -1;
	}
	ev_cur[cpu] = next;
	ev_since[cpu] = t;
}

static void ev_line(const char *line, double from, double to)
{
	int cpu, prev, next, pid, target;
	unsigned long s, ns;
	char state[4];
	const char *what = strstr(line, ": ");
	struct ev_task *k;
	long n;
	double t;

	if (sscanf(line, "# lost %ld", &n) == 1) {
		ev_lost += n;
		return;
	}
	if (!what || sscanf(line, "%*d [%d] %lu.%lu", &cpu, &s, &ns) != 3 ||
	    cpu < 0 || cpu >= ncpus)
		return;
	t = (double)s * 1e9 + (double)ns;
	if (t < from || t > to)
		return;
	if (sscanf(what,
		   ": sched:sched_switch prev_pid=%d next_pid=%d "
		   "prev_state=%3s",
		   &prev, &next, state) == 3)
		ev_switch(cpu, t, prev, next, strcmp(state, "R") == 0);
	else if (sscanf(what, ": sched:sched_wakeup pid=%d target_cpu=%d", &pid,
			&target) == 2 &&
		 pid > 0 && (k = ev_task(pid))) {
		ev_wakeups++;
		k->wakeups++;
		if (k->waiting_since < 0)
			k->waiting_since = t;
	}
}

static void ev_drain(int fd, double from, double to, int reads)
{
	static char buf[16384];
	static size_t have;
	ssize_t got;

	while (reads-- > 0 &&
	       (got = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
		char *line = buf, *nl;

		have += (size_t)got;
		buf[have] = '\0';
		for (; (nl = strchr(line, '\n')); line = nl + 1) {
			*nl = '\0';
			ev_line(line, from, to);
		}
		have -= (size_t)(line - buf);
		memmove(buf, line, have);
	}
}

static int ev_by_run(const void *a, const void *b)
{
	const struct ev_task *x = a, *y = b;

	return x->run_ns < y->run_ns ? 1 : x->run_ns > y->run_ns ? -1 : 0;
}

static char ev_letter(int pid)
{
	if (pid == 0)
		return '.';
	if (pid < 0)
		return pid == UNKNOWN_PID ? '?' : '~';
	for (int i = 0; i < ev_ntasks; i++)
		if (ev_tasks[i].pid == pid)
			return ev_tasks[i].letter;
	return '*';
}

/* CPU c's timeline: per column, the letter of the pid with the most
 * time in it. */
static void ev_timeline(int c, double from, double to)
{
	double width = (to - from) / COLUMNS;

	printf("cpu%d |", c);
	for (int col = 0; col < COLUMNS; col++) {
		double lo = from + col * width, hi = lo + width;
		double share[16] = { 0 }, best = 0;
		int pid[16], npid = 0;
		char letter = '?';

		for (int i = 0; i < ev_nruns; i++) {
			const struct ev_run *r = &ev_runs[i];
			double a = r->start > lo ? r->start : lo;
			double b = r->end < hi ? r->end : hi;
			int k = 0;

			if (r->cpu != c || b <= a)
				continue;
			while (k < npid && pid[k] != r->pid)
				k++;
			if (k == npid && npid == 16)
				continue;
			if (k == npid)
				pid[npid++] = r->pid;
			share[k] += b - a;
		}
		for (int k = 0; k < npid; k++)
			if (share[k] > best) {
				best = share[k];
				letter = ev_letter(pid[k]);
			}
		putchar(letter);
	}
	printf("|\n");
}

static void ev_report(double from, double to)
{
	double span = to - from;

	qsort(ev_tasks, (size_t)ev_ntasks, sizeof(ev_tasks[0]), ev_by_run);
	for (int i = 0; i < ev_ntasks; i++)
		ev_tasks[i].letter = i < 26 ? (char)('A' + i) : '*';
	printf("schedviz: %.2f s of sched_switch and sched_wakeup on %d CPU%s: "
	       "%ld switches, %ld wakeups, %ld events lost\n",
	       span / 1e9, ncpus, ncpus == 1 ? "" : "s", ev_switches,
	       ev_wakeups, ev_lost);
	printf("timeline, a column is %.1f ms (. idle, ~ a kernel task, ? not "
	       "known):\n",
	       span / COLUMNS / 1e6);
	for (int c = 0; c < ncpus; c++)
		ev_timeline(c, from, to);
	for (int i = 0; i < ev_ntasks && i < 26; i++)
		if (ev_tasks[i].run_ns > 0)
			printf("  %c %s(%d)\n", ev_tasks[i].letter,
			       ev_tasks[i].name, ev_tasks[i].pid);
	printf("  PID NAME             RUN_MS   WAIT_MS SLICES WAKEUPS "
	       "CPUS\n");
	for (int i = 0; i < ev_ntasks; i++) {
		const struct ev_task *k = &ev_tasks[i];
		const char *sep = "";

		printf("%5d %-15s %8.1f %9.1f %6ld %7ld ", k->pid, k->name,
		       k->run_ns / 1e6, k->wait_ns / 1e6, k->slices,
		       k->wakeups);
		for (int c = 0; c < ncpus; c++)
			if (k->cpus & (1UL << c)) {
				printf("%s%d", sep, c);
				sep = ",";
			}
		printf("%s\n", *sep ? "" : "-");
	}
}

/* Record for seconds, then the timeline and the summary. */
static int events_mode(double seconds)
{
	double from, to;
	int fd = open("/dev/trace", O_RDWR | O_NONBLOCK);

	if (fd < 0) {
		fprintf(stderr,
			"schedviz: /dev/trace: %s (-e needs Kestrel's "
			"tracer)\n",
			strerror(errno));
		return 1;
	}
	read_schedstat();
	if (ncpus < 1)
		ncpus = 1;
	if (write(fd, "sched:sched_switch\nsched:sched_wakeup\n", 38) != 38) {
		fprintf(stderr, "schedviz: enable sched events: %s\n",
			strerror(errno));
		return 1;
	}
	for (int c = 0; c < ncpus; c++)
		ev_cur[c] = UNKNOWN_PID;
	from = now_s() * 1e9;
	for (int c = 0; c < ncpus; c++)
		ev_since[c] = from;
	to = from + seconds * 1e9;
	while (!stop && now_s() * 1e9 < to) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		ev_drain(fd, from, to, 64);
		poll(&p, 1, 50);
	}
	to = now_s() * 1e9 < to ? now_s() * 1e9 : to;
	ev_drain(fd, from, to, 1 << 12);
	if (write(fd, "!sched:sched_switch\n!sched:sched_wakeup\n", 40) != 40)
		fprintf(stderr, "schedviz: disable sched events: %s\n",
			strerror(errno));
	close(fd);
	/* A CPU that never switched ran what schedstat saw there. */
	for (int c = 0; c < ncpus; c++) {
		if (ev_cur[c] == UNKNOWN_PID && cpus[c].present)
			ev_cur[c] = cpus[c].curr;
		if (ev_cur[c] != UNKNOWN_PID)
			ev_close_run(c, ev_cur[c], to);
	}
	for (int i = 0; i < ev_ntasks; i++)
		if (ev_tasks[i].waiting_since >= 0)
			ev_tasks[i].wait_ns += to - ev_tasks[i].waiting_since;
	ev_report(from, to);
	return 0;
}

int main(int argc, char **argv)
{
	double summary = 0, starve_s = 1.0, events = 0, start;
	double queued_sum[MAX_CPUS] = { 0 };
	struct totals from;
	int opt, samples = 0;

	while ((opt = getopt(argc, argv, "e:s:t:")) != -1) {
		switch (opt) {
		case 'e':
			events = atof(optarg);
			if (events <= 0)
				goto usage;
			break;
		case 's':
			summary = atof(optarg);
			break;
		case 't':
			starve_s = atof(optarg) / 1000;
			break;
		default:
			goto usage;
		}
	}
	setvbuf(stdout, NULL, _IOFBF, 8192);
	signal(SIGINT, on_int);
	if (events > 0)
		return events_mode(events);
	sample();
	if (ncpus == 0) {
		/* No /proc/schedstat (a Linux without CONFIG_SCHEDSTATS):
		 * the CPUs from sysconf, figures from /proc/stat. */
		ncpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
		if (ncpus < 1 || ncpus > MAX_CPUS)
			ncpus = 1;
		for (int c = 0; c < ncpus; c++)
			cpus[c].present = 1;
		printf("(no /proc/schedstat here)\n");
	}
	take(&from);
	start = now_s();
	while (!stop) {
		usleep(summary > 0 ? 250000 : 1000000);
		sample();
		for (int c = 0; c < ncpus; c++)
			queued_sum[c] += cpus[c].queued;
		samples++;
		if (summary > 0) {
			if (now_s() - start < summary)
				continue;
			show(&from, now_s() - start, starve_s, queued_sum,
			     samples);
			fflush(stdout);
			return 0;
		}
		printf("\033[H\033[J");
		show(&from, now_s() - start, starve_s, queued_sum, samples);
		fflush(stdout);
		take(&from);
		start = now_s();
		memset(queued_sum, 0, sizeof(queued_sum));
		samples = 0;
	}
	return 0;
usage:
	fprintf(stderr, "usage: schedviz [-s seconds] [-t starve_ms] | "
			"schedviz -e seconds\n");
	return 2;
}
