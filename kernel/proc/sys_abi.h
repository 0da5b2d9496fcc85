/*
 * Linux's x86-64 layouts of the structures the time, limit and
 * system-information calls copy out (sys_time.c, sys_limits.c,
 * kernel/sys_misc.c): what musl's <sys/time.h>, <sys/times.h>,
 * <sys/resource.h> and <sys/sysinfo.h> expect, field for field.
 */
#ifndef KESTREL_PROC_SYS_ABI_H
#define KESTREL_PROC_SYS_ABI_H

#include "lib/lib.h"

/* Linux's clock ids (include/uapi/linux/time.h). */
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7

#define TIMER_ABSTIME 1 /* clock_nanosleep, timer_settime */

struct linux_timeval {
	int64_t sec;
	int64_t usec;
};

struct linux_timezone {
	int32_t minuteswest;
	int32_t dsttime;
};

struct linux_timespec {
	int64_t sec, nsec;
};

/* timer_settime, timerfd_settime. */
struct linux_itimerspec {
	struct linux_timespec interval, value;
};

/* timer_create's struct sigevent, 64 bytes. */
struct linux_sigevent {
	uint64_t value; /* sigval */
	int32_t signo;
	int32_t notify;
	int32_t tid; /* SIGEV_THREAD_ID */
	int32_t pad[11];
};

/* times(2): clock_t ticks. */
struct linux_tms {
	int64_t utime, stime, cutime, cstime;
};

/* getrusage(2): two timevals and fourteen longs. */
struct linux_rusage {
	struct linux_timeval utime, stime;
	int64_t maxrss; /* kB */
	int64_t ixrss, idrss, isrss;
	int64_t minflt, majflt;
	int64_t nswap, inblock, oublock, msgsnd, msgrcv, nsignals;
	int64_t nvcsw, nivcsw;
};

/* sysinfo(2), 112 bytes. */
struct linux_sysinfo {
	int64_t uptime; /* seconds */
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram;
	uint64_t totalswap, freeswap;
	uint16_t procs;
	uint16_t pad;
	uint32_t pad2;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit; /* the unit of the memory sizes, in bytes */
	uint32_t pad3;
};

_Static_assert(sizeof(struct linux_sigevent) == 64, "struct sigevent");
_Static_assert(sizeof(struct linux_rusage) == 144, "struct rusage");
_Static_assert(sizeof(struct linux_sysinfo) == 112, "struct sysinfo");

#endif
