/*
 * top: processes sorted by CPU use. Reads every /proc/PID/stat twice, an
 * interval apart (utime + stime, fields 14 and 15, in clock ticks), and
 * prints the busiest first with their state, nice, CPU and name.
 *
 *	top [-d seconds] [-n frames]
 *
 * On a terminal it redraws until interrupted (or -n frames); otherwise
 * it prints one frame, for scripts. The same files exist on Linux, where
 * it works unchanged.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_PROCS 512

struct sample {
	int pid, nice, cpu;
	char state;
	char name[32];
	unsigned long long ticks; /* utime + stime */
	double pct;
};

static int read_stat(int pid, struct sample *s)
{
	char path[64], buf[1024], *open_paren, *close_paren;
	unsigned long long ut, st;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fgets(buf, sizeof(buf), f) != NULL;
	fclose(f);
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (!n || !open_paren || !close_paren)
		return -1;
	*close_paren = '\0';
	snprintf(s->name, sizeof(s->name), "%s", open_paren + 1);
	s->pid = pid;
	/* After ")": state(3) ppid pgrp session tty tpgid flags minflt
	 * cminflt majflt cmajflt utime(14) stime cutime cstime priority
	 * nice(19) ... exit_signal(38) processor(39). */
	if (sscanf(close_paren + 2,
		   "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu "
		   "%*d %*d %*d %d %*d %*d %*u %*u %*d %*u %*u %*u %*u %*u "
		   "%*u %*u %*u %*u %*u %*u %*u %*u %*d %d",
		   &s->state, &ut, &st, &s->nice, &s->cpu) != 5)
		return -1;
	s->ticks = ut + st;
	return 0;
}

static int snapshot(struct sample *out, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) && n < max)
		if (isdigit((unsigned char)e->d_name[0]) &&
		    read_stat(atoi(e->d_name), &out[n]) == 0)
			n++;
	closedir(d);
	return n;
}

static int by_cpu(const void *a, const void *b)
{
	const struct sample *x = a, *y = b;

	if (x->pct != y->pct)
		return x->pct < y->pct ? 1 : -1;
	return x->pid - y->pid;
}

static struct sample before[MAX_PROCS], after[MAX_PROCS];

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void frame(double seconds, int clear)
{
	long hz = sysconf(_SC_CLK_TCK);
	double start = now_s();
	int nb = snapshot(before, MAX_PROCS), na;

	usleep((useconds_t)(seconds * 1e6));
	na = snapshot(after, MAX_PROCS);
	/* The snapshots take time too, more on a busy machine. */
	seconds = now_s() - start;
	if (nb < 0 || na < 0) {
		fprintf(stderr, "top: cannot read /proc\n");
		exit(1);
	}
	for (int i = 0; i < na; i++) {
		unsigned long long prev = after[i].ticks;

		for (int j = 0; j < nb; j++)
			if (before[j].pid == after[i].pid)
				prev = before[j].ticks;
		after[i].pct = 100.0 * (double)(after[i].ticks - prev) /
			       ((double)hz * seconds);
	}
	qsort(after, (size_t)na, sizeof(after[0]), by_cpu);
	if (clear)
		printf("\033[H\033[J");
	printf("%6s %1s %4s %3s %6s %9s  %s\n", "PID", "S", "NI", "CPU", "%CPU",
	       "TIME", "COMMAND");
	for (int i = 0; i < na; i++)
		printf("%6d %c %4d %3d %6.1f %8.2fs  %s\n", after[i].pid,
		       after[i].state, after[i].nice, after[i].cpu,
		       after[i].pct, (double)after[i].ticks / (double)hz,
		       after[i].name);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	double seconds = 1.0;
	int frames, opt, tty = isatty(1);

	frames = tty ? -1 : 1;
	while ((opt = getopt(argc, argv, "d:n:")) != -1) {
		switch (opt) {
		case 'd':
			seconds = atof(optarg);
			break;
		case 'n':
			frames = atoi(optarg);
			break;
		default:
			fprintf(stderr,
				"usage: top [-d seconds] [-n frames]\n");
			return 2;
		}
	}
	if (seconds <= 0)
		seconds = 1.0;
	for (int i = 0; frames < 0 || i < frames; i++)
		frame(seconds, tty);
	return 0;
}
