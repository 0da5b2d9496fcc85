/*
 * irqlat: interrupt handler times per source and CPU, from the kernel's
 * irq:irq_entry and irq:irq_exit tracepoints (/dev/trace,
 * docs/tracing.md). `irqlat [-s SECONDS]` (default 2) traces every
 * interrupt for that long and prints, per source (/proc/interrupts's
 * labels: an IRQ line, LOC, RES, TLB) and CPU, how many there were
 * beside /proc/interrupts's count over the same interval, and the time
 * from the handler's entry stamp to its exit stamp: min, average, max
 * and a log2 histogram. For the timer it also measures the latency from
 * the interrupt's raise to the handler's entry (the kernel reads the
 * local APIC timer's count since it reached zero: irq_entry's
 * delay_ns), with its own histogram; the devices here give no raise
 * time, so for them only the handler's duration is known.
 */
#include <err.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ulib.h"

#define MAX_CPUS 8
#define NSRC 20 /* IRQ lines 0-15, LOC, RES, TLB, other */
#define BUCKETS 24
#define VEC_TIMER 48 /* kernel/arch/x86_64/arch.h */
#define VEC_IPI_RESCHED 0xf0
#define VEC_IPI_TLB 0xf1

/* Times in ns: count, min, max, sum and a log2 histogram. */
struct times {
	long count;
	double min_ns, max_ns, sum_ns;
	long hist[BUCKETS]; /* [2^i, 2^(i+1)) ns; [0, 2) for i = 0 */
};

struct stat_row {
	long proc_count;
	struct times handler; /* entry stamp to exit stamp */
	struct times latency; /* raise to entry, where known */
};

static struct stat_row rows[NSRC][MAX_CPUS];
static double entry_ns[MAX_CPUS];
static double entry_delay[MAX_CPUS]; /* ns, or < 0: not known */
static int entry_src[MAX_CPUS] = { -1, -1, -1, -1, -1, -1, -1, -1 };

static const char *label(int src, char *buf)
{
	static const char *const named[] = { "LOC", "RES", "TLB", "other" };

	if (src < 16)
		sprintf(buf, "%d", src);
	else
		strcpy(buf, named[src - 16]);
	return buf;
}

static int source(int vector, int irq)
{
	if (irq >= 0 && irq < 16)
		return irq;
	if (vector == VEC_TIMER)
		return 16;
	if (vector == VEC_IPI_RESCHED)
		return 17;
	return vector == VEC_IPI_TLB ? 18 : 19;
}

static double mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* /proc/interrupts's count per source and CPU, added with sign (0:
 * only read). */
static void proc_interrupts(int sign)
{
	char line[512];
	FILE *f = fopen("/proc/interrupts", "r");

	if (!f)
		err(1, "/proc/interrupts");
	while (fgets(line, sizeof(line), f)) {
		char *p = strchr(line, ':');
		int src;

		if (!p)
			continue;
		*p++ = '\0';
		while (*line == ' ')
			memmove(line, line + 1, strlen(line));
		if (strcmp(line, "LOC") == 0)
			src = 16;
		else if (strcmp(line, "RES") == 0)
			src = 17;
		else if (strcmp(line, "TLB") == 0)
			src = 18;
		else if (*line >= '0' && *line <= '9')
			src = atoi(line);
		else
			continue;
		for (int cpu = 0; cpu < MAX_CPUS && src < 16 + 3; cpu++) {
			char *end;
			long n = strtol(p, &end, 10);

			if (end == p)
				break;
			rows[src][cpu].proc_count += sign * n;
			p = end;
		}
	}
	fclose(f);
}

static void add_time(struct times *t, double d)
{
	int b = 0;

	while (b < BUCKETS - 1 && d >= (double)(2L << b))
		b++;
	t->hist[b]++;
	if (!t->count || d < t->min_ns)
		t->min_ns = d;
	if (d > t->max_ns)
		t->max_ns = d;
	t->sum_ns += d;
	t->count++;
}

static void event(const char *line, double from, double to)
{
	long delay;
	int cpu, vector, irq;
	unsigned long s, ns;
	const char *what = strstr(line, ": ");
	double t;

	if (!what || sscanf(line, "%*d [%d] %lu.%lu", &cpu, &s, &ns) != 3 ||
	    cpu < 0 || cpu >= MAX_CPUS)
		return;
	t = s * 1e9 + ns;
	if (sscanf(what, ": irq:irq_entry vector=%d irq=%d delay_ns=%ld",
		   &vector, &irq, &delay) == 3) {
		entry_ns[cpu] = t;
		entry_delay[cpu] = (double)delay;
		entry_src[cpu] = t >= from && t < to ? source(vector, irq) : -1;
	} else if (sscanf(what, ": irq:irq_exit vector=%d irq=%d", &vector,
			  &irq) == 2 &&
		   entry_src[cpu] >= 0) {
		struct stat_row *r = &rows[entry_src[cpu]][cpu];

		add_time(&r->handler, t - entry_ns[cpu]);
		if (entry_delay[cpu] >= 0)
			add_time(&r->latency, entry_delay[cpu]);
		entry_src[cpu] = -1;
	}
}

static void drain(int fd, double from, double to)
{
	static char buf[16384];
	static size_t have;

	for (int reads = 0; reads < 64; reads++) {
		char *line = buf, *nl;
		ssize_t n = read(fd, buf + have, sizeof(buf) - 1 - have);

		if (n <= 0)
			break;
		have += (size_t)n;
		buf[have] = '\0';
		while ((nl = strchr(line, '\n'))) {
			*nl = '\0';
			event(line, from, to);
			line = nl + 1;
		}
		have -= (size_t)(line - buf);
		memmove(buf, line, have);
	}
}

/* The histogram's rows, "  handler    4.1 us+ 60": a bucket's lower
 * bound (0 for the first) and its count. */
static void histogram(const char *what, const struct times *t)
{
	for (int b = 0; b < BUCKETS; b++)
		if (t->hist[b])
			printf("  %-8s %8.1f us+ %ld\n", what,
			       b ? (double)(1L << b) / 1e3 : 0.0, t->hist[b]);
}

static void report(double seconds)
{
	char name[16];

	printf("irqlat: %.1f s, handler time from entry to exit stamp\n",
	       seconds);
	for (int src = 0; src < NSRC; src++)
		for (int cpu = 0; cpu < MAX_CPUS; cpu++) {
			struct stat_row *r = &rows[src][cpu];
			const struct times *h = &r->handler, *l = &r->latency;

			if (!h->count && !r->proc_count)
				continue;
			label(src, name);
			printf("%s cpu%d: %ld interrupts (/proc/interrupts "
			       "%ld)",
			       name, cpu, h->count, r->proc_count);
			if (h->count)
				printf(", min %.1f avg %.1f max %.1f us",
				       h->min_ns / 1e3,
				       h->sum_ns / h->count / 1e3,
				       h->max_ns / 1e3);
			printf("\n");
			histogram("handler", h);
			if (!h->count)
				continue;
			if (!l->count) {
				printf("%s cpu%d latency: not known (no raise "
				       "time from the device)\n",
				       name, cpu);
				continue;
			}
			printf("%s cpu%d latency: %ld from the raise, min %.1f "
			       "avg %.1f max %.1f us\n",
			       name, cpu, l->count, l->min_ns / 1e3,
			       l->sum_ns / l->count / 1e3, l->max_ns / 1e3);
			histogram("latency", l);
		}
}

int main(int argc, char **argv)
{
	double seconds = 2, from, to;
	int fd, opt;

	while ((opt = getopt(argc, argv, "s:")) != -1) {
		if (opt != 's' || (seconds = atof(optarg)) <= 0)
			usage("[-s SECONDS]");
	}
	fd = open("/dev/trace", O_RDWR | O_NONBLOCK);
	if (fd < 0)
		err(1, "/dev/trace (irqlat needs Kestrel's tracer)");
	if (write(fd, "irq:*\n", 6) != 6)
		err(1, "enable irq:*");
	/* A first reading, thrown away, faults in the code that reads:
	 * disk interrupts after from that the counts would not have. */
	proc_interrupts(0);
	usleep(50000);
	from = mono_ns();
	proc_interrupts(-1);
	to = from + seconds * 1e9;
	while (mono_ns() < to) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		drain(fd, from, to);
		poll(&p, 1, 20);
	}
	proc_interrupts(1);
	to = mono_ns();
	usleep(50000);
	drain(fd, from, to);
	drain(fd, from, to);
	if (write(fd, "!irq:*\n", 7) != 7)
		warn("disable irq:*");
	report(seconds);
	return 0;
}
