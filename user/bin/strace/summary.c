/*
 * -c: per system call, how many calls, how many failed and how long they
 * took, printed at the end as strace's table, busiest first. The time of
 * a call is what this tracer sees of it: from its entry stop to its exit
 * stop (strace -w's latency; Linux strace's default counts the tracee's
 * system time instead, which Kestrel does not report per call).
 */
#include "strace.h"

#include <stdlib.h>

struct call_count {
	long nr;
	unsigned long calls, errors;
	double seconds;
};

static struct call_count counts[NR_SYSCALL_TABLE];

void summary_add(long nr, const struct timespec *time, bool failed)
{
	if (nr < 0 || nr >= NR_SYSCALL_TABLE)
		return;
	counts[nr].nr = nr;
	counts[nr].calls++;
	counts[nr].errors += failed;
	counts[nr].seconds += time->tv_sec + time->tv_nsec / 1e9;
}

static int by_time(const void *a, const void *b)
{
	const struct call_count *x = a, *y = b;
	if (x->seconds != y->seconds)
		return x->seconds < y->seconds ? 1 : -1;
	if (x->calls != y->calls)
		return x->calls < y->calls ? 1 : -1;
	return x->nr < y->nr ? -1 : 1;
}

static void print_row(FILE *fp, double percent, double seconds,
		      unsigned long calls, unsigned long errors,
		      const char *name)
{
	unsigned long usecs = calls ? (unsigned long)(seconds * 1e6 / calls)
				    : 0;
	fprintf(fp, "%6.2f %11.6f %11lu %9lu ", percent, seconds, usecs, calls);
	if (errors)
		fprintf(fp, "%9lu", errors);
	else
		fprintf(fp, "%9s", "");
	fprintf(fp, " %s\n", name);
}

void summary_print(FILE *fp)
{
	static struct call_count sorted[NR_SYSCALL_TABLE];
	static const char *const rule =
		"------ ----------- ----------- --------- --------- "
		"----------------\n";
	int n = 0;
	double total = 0;
	unsigned long calls = 0, errors = 0;
	for (int i = 0; i < NR_SYSCALL_TABLE; i++) {
		if (!counts[i].calls)
			continue;
		sorted[n++] = counts[i];
		total += counts[i].seconds;
		calls += counts[i].calls;
		errors += counts[i].errors;
	}
	qsort(sorted, n, sizeof(sorted[0]), by_time);
	fprintf(fp, "%% time     seconds  usecs/call     calls    errors "
		    "syscall\n");
	fputs(rule, fp);
	for (int i = 0; i < n; i++) {
		char name[32];
		print_row(fp, total > 0 ? 100 * sorted[i].seconds / total : 0,
			  sorted[i].seconds, sorted[i].calls, sorted[i].errors,
			  syscall_name(sorted[i].nr, name, sizeof(name)));
	}
	fputs(rule, fp);
	print_row(fp, 100, total, calls, errors, "total");
}
