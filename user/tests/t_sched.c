/*
 * t_sched: the scheduler, from user space. The scheduling calls and
 * their errors; fairness (three equal CPU-bound processes on one CPU each
 * get a third within 10%, nice 0 against nice 5 in the ratio of their
 * weights within 20%); a SCHED_FIFO task runs before every normal one; a
 * task that sleeps and wakes runs within two ticks while CPU-bound tasks
 * load the CPU; nobody starves over a longer run; affinity is kept.
 *
 * musl leaves sched_setscheduler and its kind to return ENOSYS (they
 * are per thread on Linux, not per process as POSIX says), so those
 * calls are made raw.
 *
 * CPU shares are what the scheduler divides: under the fair class (and
 * on Linux) the CPU time the kernel charged each spinner
 * (/proc/PID/sched's se.sum_exec_runtime, in ns; utime + stime where that
 * file is missing); under Kestrel's rr, which promises turns of a tick,
 * the turns each got (wait_count, the times it was picked). Loop counts
 * would measure the host too: under TCG a spinner that runs while QEMU's
 * host thread is slowed down makes fewer loops in the same slice, and a
 * tick the host delays makes that turn longer in ns. Time windows are
 * the guest's CLOCK_MONOTONIC. Every spinner is pinned to CPU 0, so on
 * Linux too they share one CPU. Kestrel's
 * class for normal tasks (the "policy" line of /proc/schedstat) decides
 * what the nice test expects: weights under fair, equal shares under rr.
 */
#include "t.h"
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#define MAX_SPIN 4
#define NS_PER_MS 1000000LL
#define SLEEPS 20

/* Shared with the children (MAP_SHARED). */
struct shared {
	volatile uint64_t count[MAX_SPIN];
	volatile int64_t max_gap_ns[MAX_SPIN];
	volatile int stop;
	volatile uint64_t fifo_seen_before[MAX_SPIN], fifo_seen_after[MAX_SPIN];
};

static struct shared *sh;
static int count_turns; /* Kestrel's rr: shares in turns, not ns */

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * NS_PER_MS };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int pin_cpu0(pid_t pid)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	return sched_setaffinity(pid, sizeof(set), &set);
}

/* "fair" or "rr" on Kestrel; "linux" elsewhere. */
static const char *normal_policy(void)
{
	static char name[16];
	char line[256];
	FILE *f;

	if (t_on_linux())
		return "linux";
	strcpy(name, "?");
	f = fopen("/proc/schedstat", "r");
	if (!f)
		return name;
	while (fgets(line, sizeof(line), f))
		sscanf(line, "policy %15s", name);
	fclose(f);
	return name;
}

/* A spinner: count, and note the longest time between two iterations
 * (time off the CPU), until told to stop. */
static void spin(int i)
{
	int64_t last = now_ns();

	while (!sh->stop) {
		int64_t t = now_ns();

		if (t - last > sh->max_gap_ns[i])
			sh->max_gap_ns[i] = t - last;
		last = t;
		sh->count[i]++;
	}
	_exit(0);
}

/* Start n spinners at the given nice values, pinned to CPU 0. */
static void start_spinners(pid_t *pids, int n, const int *nice)
{
	memset((void *)sh, 0, sizeof(*sh));
	for (int i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			pin_cpu0(0);
			setpriority(PRIO_PROCESS, 0, nice ? nice[i] : 0);
			spin(i);
		}
	}
	/* Wait until each has run. */
	for (int i = 0; i < n; i++)
		while (sh->count[i] == 0)
			sleep_ms(5);
}

static void stop_spinners(pid_t *pids, int n)
{
	sh->stop = 1;
	for (int i = 0; i < n; i++)
		CHECK_EQ(t_wait(pids[i]), 0);
}

/* What pid got of the CPU: the CPU time the kernel charged it in ns, or
 * under rr the turns it had (see the top). */
static uint64_t cpu_used(pid_t pid)
{
	char path[64], line[256];
	double ms = -1, turns = -1;
	unsigned long long ut, st;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/sched", (int)pid);
	f = fopen(path, "r");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			if (strncmp(line, "se.sum_exec_runtime", 19) == 0)
				sscanf(strchr(line, ':') + 1, "%lf", &ms);
			if (strncmp(line, "wait_count", 10) == 0)
				sscanf(strchr(line, ':') + 1, "%lf", &turns);
		}
		fclose(f);
	}
	if (count_turns)
		return (uint64_t)turns;
	if (ms >= 0)
		return (uint64_t)(ms * NS_PER_MS);
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f || !fgets(line, sizeof(line), f) || !strrchr(line, ')') ||
	    sscanf(strrchr(line, ')') + 2,
		   "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
		   &st) != 2)
		ut = st = 0;
	if (f)
		fclose(f);
	return (ut + st) * (1000000000ULL / (uint64_t)sysconf(_SC_CLK_TCK));
}

/* The CPU time each spinner got in ms milliseconds. */
static void measure(const pid_t *pids, int n, long ms, uint64_t *got)
{
	uint64_t before[MAX_SPIN];

	for (int i = 0; i < n; i++)
		before[i] = cpu_used(pids[i]);
	sleep_ms(ms);
	for (int i = 0; i < n; i++)
		got[i] = cpu_used(pids[i]) - before[i];
}

/* ---- the calls ----------------------------------------------------------- */

static void calls(void)
{
	struct sched_param p = { 0 };
	struct timespec ts;
	cpu_set_t set;
	pid_t child;

	CHECK_EQ(sched_get_priority_max(SCHED_FIFO), 99);
	CHECK_EQ(sched_get_priority_min(SCHED_RR), 1);
	CHECK_EQ(sched_get_priority_max(SCHED_OTHER), 0);
	CHECK_ERR(sched_get_priority_max(42), EINVAL);
	CHECK_EQ(syscall(SYS_sched_getscheduler, 0), SCHED_OTHER);
	CHECK_OK(syscall(SYS_sched_getparam, 0, &p));
	CHECK_EQ(p.sched_priority, 0);
	p.sched_priority = 5;
	CHECK_ERR(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &p), EINVAL);
	p.sched_priority = 100;
	CHECK_ERR(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &p), EINVAL);
	CHECK_ERR(syscall(SYS_sched_setscheduler, 0, 77, &p), EINVAL);
	CHECK_ERR(syscall(SYS_sched_getscheduler, -1), EINVAL);
	CHECK_ERR(syscall(SYS_sched_getscheduler, 0x3fffffff), ESRCH);
	CHECK_ERR(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, 8), EFAULT);
	CHECK_OK(sched_rr_get_interval(0, &ts));
	CHECK_OK(sched_yield());

	/* nice: a child's own, through getpriority and /proc. */
	child = fork();
	if (child == 0) {
		int ok = setpriority(PRIO_PROCESS, 0, 7) == 0 &&
			 getpriority(PRIO_PROCESS, 0) == 7 &&
			 setpriority(PRIO_PROCESS, 0, 99) == 0 &&
			 getpriority(PRIO_PROCESS, 0) == 19 &&
			 syscall(SYS_getpriority, PRIO_PROCESS, 0) == 1;
		_exit(ok ? 0 : 1);
	}
	CHECK_EQ(t_wait(child), 0);
	CHECK_ERR(setpriority(PRIO_PROCESS, 0x3fffffff, 1), ESRCH);
	CHECK_ERR(setpriority(42, 0, 1), EINVAL);

	/* Affinity: the raw call returns the mask's size; an empty mask is
	 * EINVAL. */
	CHECK(syscall(SYS_sched_getaffinity, 0, sizeof(set), &set) >= 8);
	CHECK_OK(sched_getaffinity(0, sizeof(set), &set));
	CHECK(CPU_ISSET(0, &set));
	CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 3, &set), EINVAL);
	CPU_ZERO(&set);
	CHECK_ERR(sched_setaffinity(0, sizeof(set), &set), EINVAL);
}

/* ---- fairness ------------------------------------------------------------ */

static void equal_share(void)
{
	pid_t pids[3];
	uint64_t got[3], sum = 0;

	start_spinners(pids, 3, NULL);
	measure(pids, 3, 1500, got);
	stop_spinners(pids, 3);
	for (int i = 0; i < 3; i++)
		sum += got[i];
	for (int i = 0; i < 3; i++) {
		double share = (double)got[i] / (double)sum;

		printf("note: spinner %d: %.1f%% of the CPU\n", i, 100 * share);
		CHECK(share > (1.0 / 3) * 0.9 && share < (1.0 / 3) * 1.1);
	}
}

static void nice_ratio(void)
{
	static const int nice[2] = { 0, 5 };
	const char *policy = normal_policy();
	pid_t pids[2];
	uint64_t got[2];
	double ratio, want;

	start_spinners(pids, 2, nice);
	measure(pids, 2, 2000, got);
	stop_spinners(pids, 2);
	ratio = got[1] ? (double)got[0] / (double)got[1] : 1e9;
	/* Weights 1024 and 335 (Linux's table); rr ignores nice. */
	want = strcmp(policy, "rr") == 0 ? 1.0 : 1024.0 / 335.0;
	printf("note: nice 0 / nice 5 = %.2f (want %.2f, policy %s)\n", ratio,
	       want, policy);
	CHECK(ratio > want * 0.8 && ratio < want * 1.2);
}

/* A SCHED_FIFO child spins 300 ms: no normal spinner moves meanwhile. */
static void fifo_first(void)
{
	struct sched_param p = { .sched_priority = 10 };
	pid_t pids[2], rt;
	int status;

	start_spinners(pids, 2, NULL);
	rt = fork();
	if (rt == 0) {
		int64_t end;

		pin_cpu0(0);
		if (syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &p) != 0)
			_exit(errno == EPERM ? 2 : 1);
		end = now_ns() + 300 * NS_PER_MS;
		for (int i = 0; i < 2; i++)
			sh->fifo_seen_before[i] = sh->count[i];
		while (now_ns() < end)
			;
		for (int i = 0; i < 2; i++)
			sh->fifo_seen_after[i] = sh->count[i];
		_exit(syscall(SYS_sched_getscheduler, 0) == SCHED_FIFO ? 0 : 1);
	}
	status = t_wait(rt);
	stop_spinners(pids, 2);
	if (status == 2 << 8) {
		printf("skip (no permission for SCHED_FIFO here)\n");
		return;
	}
	CHECK_EQ(status, 0);
	for (int i = 0; i < 2; i++)
		CHECK_EQ(sh->fifo_seen_after[i], sh->fifo_seen_before[i]);
}

/* ---- latency ------------------------------------------------------------- */

/* Kestrel's longest wakeup-to-running time of this process, in ticks. */
static long wakeup_max_ticks(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/sched", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "wakeup_latency_max_ticks", 24) == 0)
			sscanf(strchr(line, ':') + 1, "%ld", &v);
	fclose(f);
	return v;
}

/* The last n scheduling events, to see what ran instead. */
static void show_trace_tail(int n)
{
	static char lines[64][160];
	int count = 0;
	FILE *f = fopen("/proc/schedtrace", "r");

	if (!f)
		return;
	while (fgets(lines[count % 64], sizeof(lines[0]), f))
		count++;
	fclose(f);
	for (int i = count > n ? count - n : 0; i < count; i++)
		printf("note: trace: %s", lines[i % 64]);
}

static void wakeup_latency(void)
{
	const char *policy = normal_policy();
	pid_t pids[3], child;
	int fd[2];
	long ticks = -1;
	int64_t worst = 0;

	CHECK_OK(pipe(fd));
	start_spinners(pids, 3, NULL);
	child = fork();
	if (child == 0) {
		/* The interactive task: sleeps 5 ms, wakes, 20 times. */
		pin_cpu0(0);
		for (int i = 0; i < SLEEPS; i++) {
			int64_t want = now_ns() + 5 * NS_PER_MS, late;

			sleep_ms(5);
			late = now_ns() - want;
			if (late > worst)
				worst = late;
		}
		ticks = wakeup_max_ticks();
		write(fd[1], &ticks, sizeof(ticks));
		write(fd[1], &worst, sizeof(worst));
		_exit(0);
	}
	CHECK_EQ(t_wait(child), 0);
	stop_spinners(pids, 3);
	CHECK_EQ(read(fd[0], &ticks, sizeof(ticks)), sizeof(ticks));
	CHECK_EQ(read(fd[0], &worst, sizeof(worst)), sizeof(worst));
	close(fd[0]);
	close(fd[1]);
	printf("note: worst lateness of a 5 ms sleep under load: %lld us\n",
	       (long long)(worst / 1000));
	if (t_on_linux()) {
		t_kestrel_only("wakeup latency in ticks (/proc/self/sched)");
		return;
	}
	printf("note: longest wakeup to running: %ld ticks (policy %s)\n",
	       ticks, policy);
	/* fair preempts at the wakeup; rr waits for the 3 spinners'
	 * slices at most. */
	CHECK(ticks >= 0 && ticks <= (strcmp(policy, "rr") == 0 ? 4 : 2));
	if (ticks > 2)
		show_trace_tail(40);
}

/* ---- starvation and affinity ---------------------------------------------- */

static void no_starvation(void)
{
	static const int nice[4] = { 0, 0, 5, 10 };
	static const double weight[4] = { 1024, 1024, 335, 110 };
	const char *policy = normal_policy();
	pid_t pids[4];
	uint64_t got[4], sum = 0;
	double wsum = 0;

	start_spinners(pids, 4, nice);
	measure(pids, 4, 3000, got);
	stop_spinners(pids, 4);
	for (int i = 0; i < 4; i++) {
		sum += got[i];
		wsum += weight[i];
	}
	for (int i = 0; i < 4; i++) {
		double share = (double)got[i] / (double)sum;
		double fair = strcmp(policy, "rr") == 0 ? 0.25
							: weight[i] / wsum;

		printf("note: nice %d: %.1f%% (fair share %.1f%%), longest "
		       "off the CPU %lld ms\n",
		       nice[i], 100 * share, 100 * fair,
		       (long long)(sh->max_gap_ns[i] / NS_PER_MS));
		CHECK(share >= fair / 2);
		/* Starved means never run, or run once and then not again:
		 * every task must run in both halves of the window. (A fixed
		 * bound such as 1 s was crossed on a busy host, where QEMU
		 * itself waits for a CPU while guest time goes on: the nice
		 * 10 task's normal gap here is some hundreds of ms.) */
		CHECK(sh->max_gap_ns[i] < 3000 / 2 * NS_PER_MS);
	}
}

/* The CPU field of /proc/self/stat (39th). */
static int stat_processor(void)
{
	char buf[1024], *s;
	int field = 3, cpu = -1;
	FILE *f = fopen("/proc/self/stat", "r");

	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	s = strrchr(buf, ')');
	if (!s)
		return -1;
	for (s = strtok(s + 2, " "); s; s = strtok(NULL, " "), field++)
		if (field == 39)
			cpu = atoi(s);
	return cpu;
}

static void affinity(void)
{
	cpu_set_t set;
	int last = -1;

	CHECK_OK(sched_getaffinity(0, sizeof(set), &set));
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set))
			last = c;
	CHECK(last >= 0);
	CPU_ZERO(&set);
	CPU_SET(last, &set);
	CHECK_OK(sched_setaffinity(0, sizeof(set), &set));
	for (int i = 0; i < 50; i++) {
		int64_t end = now_ns() + NS_PER_MS;

		while (now_ns() < end)
			;
		sched_yield();
		CHECK_EQ(stat_processor(), last);
	}
	CHECK_OK(sched_getaffinity(0, sizeof(set), &set));
	CHECK_EQ(CPU_COUNT(&set), 1);
	CHECK(CPU_ISSET(last, &set));
	printf("note: pinned to CPU %d\n", last);
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 60);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		printf("FAIL no shared memory\n");
		return 1;
	}
	count_turns = strcmp(normal_policy(), "rr") == 0;
	RUN(calls);
	RUN(equal_share);
	RUN(nice_ratio);
	RUN(fifo_first);
	RUN(wakeup_latency);
	RUN(no_starvation);
	RUN(affinity);
	return t_end();
}
