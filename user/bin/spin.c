/*
 * spin: burn CPU for a while, at a chosen nice value or real-time
 * policy: the load for scheduler demonstrations (schedviz, top) and
 * tests.
 *
 *	spin [-c cpu] [-n nice] [-f prio | -r prio] [seconds]
 *
 * -c keeps it on one CPU (sched_setaffinity), -n sets the nice value,
 * -f SCHED_FIFO and -r SCHED_RR at priority 1..99; it spins for the given seconds (default 10) of CLOCK_MONOTONIC
 * and prints how many loops it made. musl's sched_setscheduler returns
 * ENOSYS (Linux's call is per thread), so the call is made raw.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct sched_param param = { .sched_priority = 0 };
	int opt, policy = -1, nice_set = 0, nice = 0, cpu = -1;
	double seconds = 10, end;
	unsigned long long loops = 0;

	while ((opt = getopt(argc, argv, "c:n:f:r:")) != -1) {
		switch (opt) {
		case 'c':
			cpu = atoi(optarg);
			break;
		case 'n':
			nice = atoi(optarg);
			nice_set = 1;
			break;
		case 'f':
		case 'r':
			policy = opt == 'f' ? SCHED_FIFO : SCHED_RR;
			param.sched_priority = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: spin [-c cpu] [-n nice] "
					"[-f prio | -r prio] [seconds]\n");
			return 2;
		}
	}
	if (optind < argc)
		seconds = atof(argv[optind]);
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) != 0) {
			fprintf(stderr, "spin: sched_setaffinity %d: %s\n", cpu,
				strerror(errno));
			return 1;
		}
	}
	if (nice_set && setpriority(PRIO_PROCESS, 0, nice) != 0) {
		fprintf(stderr, "spin: setpriority: %s\n", strerror(errno));
		return 1;
	}
	if (policy >= 0 &&
	    syscall(SYS_sched_setscheduler, 0, policy, &param) != 0) {
		fprintf(stderr, "spin: sched_setscheduler: %s\n",
			strerror(errno));
		return 1;
	}
	end = now_s() + seconds;
	while (now_s() < end)
		loops++;
	printf("spin: %d: %llu loops\n", (int)getpid(), loops);
	return 0;
}
