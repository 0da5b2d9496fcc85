/*
 * The system calls sysfuzz makes, by their Linux x86-64 numbers, and the
 * type of each argument (sysfuzz.h's enum arg_kind), with the lists of
 * valid flags and commands that A_FLAGS and A_ENUM arguments draw from.
 *
 * Left out, because they would hurt the test's surroundings rather than
 * test the kernel (the program also runs on the Linux host, maybe as
 * root):
 *   reboot               powers the machine off with the right magic
 *   mount, umount2       a mount left by a killed child outlives it, and
 *                        an unmount of /proc or /dev breaks the test
 *   sethostname,         change the machine's names for everyone
 *   setdomainname
 *   rt_sigreturn         restores registers from garbage: the child runs
 *                        off anywhere (t_signal tests the real frames)
 *   setpriority          only for the child itself: PRIO_USER would
 *   (PRIO_USER)          renice every process of uid 0
 * Constrained, in gen.c: path arguments name things inside the child's
 * scratch directory (read-only calls may also look at /, /proc, /dev);
 * pids are the child's own, its group's, its children's or no one's
 * (never -1, never another process); fd arguments of calls that change an
 * inode are checked to be a scratch file first; MAP_FIXED lands only in
 * the child's own arena.
 * On Linux, besides (C_KESTREL_ONLY, and the closed value lists): syslog
 * (clears or silences the host's log), madvise's MADV_HWPOISON and
 * MADV_SOFT_OFFLINE (poison real memory), ioctl and fcntl commands other
 * than the listed ones (FS_IOC_SETFLAGS could make a file immutable,
 * F_SETOWN send SIGIO to anyone), RLIMIT_CORE (a core dump on the host),
 * SCHED_FIFO and SCHED_RR (a real-time busy child), clone's namespace
 * flags.
 */
#include "sysfuzz.h"

#include <kestrel/ring.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>

#define VALS(name, closed, ...)                                          \
	static const long name##_v[] = { __VA_ARGS__ };                  \
	static const struct values name = {                              \
		sizeof(name##_v) / sizeof(name##_v[0]), closed, name##_v \
	}

VALS(open_flags, false, 01, 02, 0100, 0200, 0400, 01000, 02000, 04000, 010000,
     040000, 0100000, 0200000, 0400000, 01000000, 02000000, 04010000, 010000000,
     020200000);
VALS(modes, false, 0, 0644, 0755, 0777, 07777, 0100644, 0170000, 04000, 01000);
VALS(prot, false, 1, 2, 4, 8, 0x01000000, 0x02000000);
VALS(map_flags, false, 0x01, 0x02, 0x03, 0x10, 0x20, 0x100, 0x800, 0x1000,
     0x2000, 0x4000, 0x8000, 0x10000, 0x20000, 0x40000, 0x100000);
VALS(madvice, true, 0, 1, 2, 3, 4, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
     20, 21, -1);
VALS(msync_flags, false, 1, 2, 4);
VALS(whence, false, 0, 1, 2, 3, 4, 5, -1);
VALS(at_flags, false, 0x100, 0x200, 0x400, 0x800, 0x1000, 0x2000, 0x4000);
VALS(rename_flags, false, 1, 2, 4);
VALS(amode, false, 0, 1, 2, 4);
VALS(sig_how, false, 0, 1, 2, 3, -1);
VALS(sigset_size, false, 8, 0, 4, 16, 128, -1);
VALS(iov_count, false, 0, 1, 2, 3, 8, 1024, 1025, -1, 0x7fffffff);
VALS(nfds, false, 0, 1, 2, 3, 8, 64, 1024, 1025, 1 << 20, -1);
VALS(poll_timeout, false, 0, 1, 10, -1);
VALS(wait_options, false, 1, 2, 4, 8, 0x01000000, 0x20000000, 0x40000000,
     (long)0x80000000UL);
VALS(idtype, false, 0, 1, 2, 3, -1);
VALS(clocks, false, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, -1, -6, 100);
VALS(timer_flags, false, 1);
VALS(itimer_which, false, 0, 1, 2, 3, -1);
VALS(rlimit_res, true, 0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
     -1, 100);
VALS(rusage_who, false, 0, -1, 1, 2, -2);
VALS(prio_which, true, 0, 1, 3, -1);
VALS(prio_which_ro, false, 0, 1, 2, 3, -1);
VALS(nice, false, 0, 1, 5, 19, 20, -1, -20, -21, 100);
VALS(policy, true, 0, 3, 5, 6, 7, -1, 0x40000000);
VALS(policy_all, false, 0, 1, 2, 3, 5, 6, 7, -1, 0x40000000);
VALS(pipe_flags, false, 04000, 02000000, 040000);
VALS(dup3_flags, false, 02000000);
VALS(grnd_flags, false, 1, 2, 4);
VALS(ioctl_cmds, true, 0x541b /* FIONREAD */, 0x5421 /* FIONBIO */,
     0x5451 /* FIOCLEX */, 0x5450 /* FIONCLEX */, 0x5401 /* TCGETS */,
     0x5402 /* TCSETS */, 0x5413 /* TIOCGWINSZ */, 0x5414 /* TIOCSWINSZ */,
     0x540f /* TIOCGPGRP */, 0x5410 /* TIOCSPGRP */, 0x540b /* TCFLSH */,
     0x2 /* FIGETBSZ */, (long)0x80086601UL /* FS_IOC_GETFLAGS */,
     RING_GET_STATS, RING_RESET, RING_SET_CAPACITY, 0, -1);
VALS(fcntl_cmds, true, 0 /* F_DUPFD */, 1, 2, 3, 4 /* F_SETFL */,
     5 /* F_GETLK */, 6 /* F_SETLK */, 7 /* F_SETLKW */, 9 /* F_GETOWN */,
     11 /* F_GETSIG */, 1030 /* F_DUPFD_CLOEXEC */, 1031 /* F_SETPIPE_SZ */,
     1032 /* F_GETPIPE_SZ */, 1033 /* F_ADD_SEALS */, 1034, -1, 100);
VALS(clone_flags, true, 17 /* SIGCHLD */, 0x4100 | 17 /* VM|VFORK */,
     0x8000 | 17 /* PARENT */, 0x400 | 17 /* FILES */, 0x200 | 17 /* FS */,
     0x800 /* SIGHAND: EINVAL */, 0x10000 /* THREAD: EINVAL */, 0,
     0x80000 | 17 /* SETTLS */, 0x100000 | 0x200000 | 17 /* SETTIDs */);
/* Sockets (Kestrel only: on the host a random address would reach the
 * network), FIFOs left out of mknod (an open of one waits for the other
 * side), futexes on the child's own words. */
VALS(sock_domain, false, 2 /* AF_INET */, 1 /* AF_UNIX */, 10, 16, 0);
VALS(sock_type, false, 1 /* SOCK_STREAM */, 2 /* SOCK_DGRAM */, 3, 5,
     04000 /* SOCK_NONBLOCK */, 02000000 /* SOCK_CLOEXEC */);
VALS(sock_proto, false, 0, 1 /* ICMP */, 6 /* TCP */, 17 /* UDP */, 255);
VALS(sock_level, false, 1 /* SOL_SOCKET */, 6 /* SOL_TCP */, 0, 17);
VALS(sock_opt, false, 1, 2, 3, 4, 6, 7, 8, 9, 20, 21, 30, 38, 39, -1);
VALS(msg_flags, false, 0x2 /* PEEK */, 0x20, 0x40 /* DONTWAIT */,
     0x100 /* WAITALL */, 0x4000 /* NOSIGNAL */);
VALS(shut_how, false, 0, 1, 2, 3, -1);
VALS(backlog, false, 0, 1, 5, 128, 100000, -1);
VALS(accept_flags, false, 04000, 02000000, 1);
VALS(mknod_modes, true, 0100644 /* a file */, 0140644 /* a socket */,
     040755 /* EPERM */, 0, 0170000 /* EINVAL */);
VALS(futex_ops, false, 0 /* WAIT */, 1 /* WAKE */, 3 /* REQUEUE */,
     4 /* CMP_REQUEUE */, 5 /* WAKE_OP */, 9 /* WAIT_BITSET */,
     10 /* WAKE_BITSET */, 128 /* PRIVATE */, 256 /* CLOCK_REALTIME */, 13);
VALS(syslog_type, false, 0, 1, 3, 9, 10, -1, 100);
VALS(arch_prctl_code, true, 0x1001, 0x1002, 0x1003, 0x1004, 0x1011, 0x1012, 0,
     -1);

#define NOARG                \
	{                    \
		A_NONE, NULL \
	}
#define K(kind)                \
	{                      \
		A_##kind, NULL \
	}
#define F(vals)                \
	{                      \
		A_FLAGS, &vals \
	}
#define E(vals)               \
	{                     \
		A_ENUM, &vals \
	}
#define CALL(nr, flags, n, ...)          \
	{                                \
		SYS_##nr, #nr, flags, n, \
		{                        \
			__VA_ARGS__      \
		}                        \
	}

/* clang-format off */
const struct call calls[] = {
	CALL(read, C_BLOCKS, 3, K(FD), K(BUF), K(LEN)),
	CALL(write, C_BLOCKS, 3, K(FD), K(BUF), K(LEN)),
	CALL(open, 0, 3, K(PATH_OPEN), F(open_flags), F(modes)),
	CALL(close, 0, 1, K(FD)),
	CALL(stat, 0, 2, K(PATH_RO), K(BUF)),
	CALL(fstat, 0, 2, K(FD), K(BUF)),
	CALL(lstat, 0, 2, K(PATH_RO), K(BUF)),
	CALL(poll, C_BLOCKS, 3, K(POLLFD), E(nfds), E(poll_timeout)),
	CALL(lseek, 0, 3, K(FD), K(OFF), E(whence)),
	CALL(mmap, 0, 6, K(ADDR), K(MAPLEN), F(prot), F(map_flags), K(FD), K(OFF)),
	CALL(mprotect, 0, 3, K(ADDR), K(MAPLEN), F(prot)),
	CALL(munmap, 0, 2, K(ADDR), K(MAPLEN)),
	CALL(brk, 0, 1, K(ADDR)),
	CALL(rt_sigaction, 0, 4, K(SIG), K(SIGACT), K(BUF), E(sigset_size)),
	CALL(rt_sigprocmask, 0, 4, E(sig_how), K(SIGSET), K(BUF), E(sigset_size)),
	CALL(ioctl, C_BLOCKS, 3, K(FD), E(ioctl_cmds), K(ANY)),
	CALL(pread64, C_BLOCKS, 4, K(FD), K(BUF), K(LEN), K(OFF)),
	CALL(pwrite64, C_BLOCKS, 4, K(FD), K(BUF), K(LEN), K(OFF)),
	CALL(readv, C_BLOCKS, 3, K(FD), K(IOVEC), E(iov_count)),
	CALL(writev, C_BLOCKS, 3, K(FD), K(IOVEC), E(iov_count)),
	CALL(access, 0, 2, K(PATH_RO), F(amode)),
	CALL(pipe, 0, 1, K(BUF)),
	CALL(select, C_BLOCKS, 5, E(nfds), K(FDSET), K(FDSET), K(FDSET), K(TIMESPEC)),
	CALL(sched_yield, 0, 0),
	CALL(mincore, 0, 3, K(ADDR), K(MAPLEN), K(BUF)),
	CALL(madvise, 0, 3, K(ADDR), K(MAPLEN), E(madvice)),
	CALL(dup, 0, 1, K(FD)),
	CALL(dup2, 0, 2, K(FD), K(FD)),
	CALL(pause, C_BLOCKS, 0),
	CALL(nanosleep, C_BLOCKS, 2, K(TIMESPEC), K(BUF)),
	CALL(getitimer, 0, 2, E(itimer_which), K(BUF)),
	CALL(alarm, 0, 1, K(INT)),
	CALL(setitimer, 0, 3, E(itimer_which), K(ITIMER), K(BUF)),
	CALL(getpid, 0, 0),
	CALL(clone, C_FORKS, 5, F(clone_flags), K(ADDR), K(BUF), K(BUF), K(ANY)),
	CALL(fork, C_FORKS, 0),
	CALL(vfork, C_FORKS, 0),
	CALL(execve, 0, 3, K(PATH), K(ARGV), K(ARGV)),
	CALL(exit, C_RARE, 1, K(INT)),
	CALL(wait4, C_BLOCKS, 4, K(PID), K(BUF), F(wait_options), K(BUF)),
	CALL(kill, 0, 2, K(PID), K(SIG)),
	CALL(uname, 0, 1, K(BUF)),
	CALL(fcntl, C_BLOCKS, 3, K(FD), E(fcntl_cmds), K(ANY)),
	CALL(fsync, 0, 1, K(FD)),
	CALL(fdatasync, 0, 1, K(FD)),
	CALL(truncate, 0, 2, K(PATH), K(OFF)),
	CALL(ftruncate, C_MUTATES, 2, K(FD), K(OFF)),
	CALL(getdents64, 0, 3, K(FD), K(BUF), K(LEN)),
	CALL(getcwd, 0, 2, K(BUF), K(LEN)),
	CALL(chdir, 0, 1, K(PATH)),
	CALL(fchdir, 0, 1, K(FD)),
	CALL(rename, 0, 2, K(PATH), K(PATH)),
	CALL(mkdir, 0, 2, K(PATH), F(modes)),
	CALL(rmdir, 0, 1, K(PATH)),
	CALL(creat, 0, 2, K(PATH), F(modes)),
	CALL(link, 0, 2, K(PATH), K(PATH)),
	CALL(unlink, 0, 1, K(PATH)),
	CALL(symlink, 0, 2, K(PATH), K(PATH)),
	CALL(readlink, 0, 3, K(PATH_RO), K(BUF), K(LEN)),
	CALL(chmod, 0, 2, K(PATH), F(modes)),
	CALL(fchmod, C_MUTATES, 2, K(FD), F(modes)),
	CALL(chown, 0, 3, K(PATH), K(UID), K(UID)),
	CALL(fchown, C_MUTATES, 3, K(FD), K(UID), K(UID)),
	CALL(lchown, 0, 3, K(PATH), K(UID), K(UID)),
	CALL(umask, 0, 1, F(modes)),
	CALL(gettimeofday, 0, 2, K(BUF), K(BUF)),
	CALL(getrlimit, 0, 2, E(rlimit_res), K(BUF)),
	CALL(getrusage, 0, 2, E(rusage_who), K(BUF)),
	CALL(sysinfo, 0, 1, K(BUF)),
	CALL(times, 0, 1, K(BUF)),
	CALL(getuid, 0, 0),
	CALL(getgid, 0, 0),
	CALL(setuid, 0, 1, K(UID)),
	CALL(setgid, 0, 1, K(UID)),
	CALL(geteuid, 0, 0),
	CALL(getegid, 0, 0),
	CALL(setpgid, 0, 2, K(PID), K(PID)),
	CALL(getppid, 0, 0),
	CALL(getpgrp, 0, 0),
	CALL(setsid, 0, 0),
	CALL(getgroups, 0, 2, K(INT), K(BUF)),
	CALL(getresuid, 0, 3, K(BUF), K(BUF), K(BUF)),
	CALL(getresgid, 0, 3, K(BUF), K(BUF), K(BUF)),
	CALL(getpgid, 0, 1, K(PID_RO)),
	CALL(getsid, 0, 1, K(PID_RO)),
	CALL(rt_sigpending, 0, 2, K(BUF), E(sigset_size)),
	CALL(rt_sigsuspend, C_BLOCKS, 2, K(SIGSET), E(sigset_size)),
	CALL(sigaltstack, 0, 2, K(BUF), K(BUF)),
	CALL(statfs, 0, 2, K(PATH_RO), K(BUF)),
	CALL(fstatfs, 0, 2, K(FD), K(BUF)),
	CALL(getpriority, 0, 2, E(prio_which_ro), K(PID_RO)),
	CALL(setpriority, 0, 3, E(prio_which), K(PID), E(nice)),
	CALL(sched_setparam, 0, 2, K(PID), K(BUF)),
	CALL(sched_getparam, 0, 2, K(PID_RO), K(BUF)),
	CALL(sched_setscheduler, 0, 3, K(PID), E(policy), K(BUF)),
	CALL(sched_getscheduler, 0, 1, K(PID_RO)),
	CALL(sched_get_priority_max, 0, 1, E(policy_all)),
	CALL(sched_get_priority_min, 0, 1, E(policy_all)),
	CALL(sched_rr_get_interval, 0, 2, K(PID_RO), K(BUF)),
	CALL(arch_prctl, C_RARE, 2, E(arch_prctl_code), K(ANY)),
	CALL(sync, C_RARE, 0),
	CALL(gettid, 0, 0),
	CALL(tkill, 0, 2, K(PID), K(SIG)),
	CALL(time, 0, 1, K(BUF)),
	CALL(sched_setaffinity, 0, 3, K(PID), K(LEN), K(BUF)),
	CALL(sched_getaffinity, 0, 3, K(PID_RO), K(LEN), K(BUF)),
	CALL(set_tid_address, 0, 1, K(BUF)),
	CALL(clock_gettime, 0, 2, E(clocks), K(BUF)),
	CALL(clock_getres, 0, 2, E(clocks), K(BUF)),
	CALL(clock_nanosleep, C_BLOCKS, 4, E(clocks), F(timer_flags), K(TIMESPEC), K(BUF)),
	CALL(exit_group, C_RARE, 1, K(INT)),
	CALL(tgkill, 0, 3, K(PID), K(PID), K(SIG)),
	CALL(waitid, C_BLOCKS, 5, E(idtype), K(PID), K(BUF), F(wait_options), K(BUF)),
	CALL(openat, 0, 4, K(DIRFD), K(PATH_OPEN), F(open_flags), F(modes)),
	CALL(mkdirat, 0, 3, K(DIRFD), K(PATH), F(modes)),
	CALL(fchownat, C_MUTATES, 5, K(DIRFD), K(PATH), K(UID), K(UID), F(at_flags)),
	CALL(newfstatat, 0, 4, K(DIRFD), K(PATH_RO), K(BUF), F(at_flags)),
	CALL(unlinkat, 0, 3, K(DIRFD), K(PATH), F(at_flags)),
	CALL(renameat, 0, 4, K(DIRFD), K(PATH), K(DIRFD), K(PATH)),
	CALL(linkat, C_MUTATES, 5, K(DIRFD), K(PATH), K(DIRFD), K(PATH), F(at_flags)),
	CALL(symlinkat, 0, 3, K(PATH), K(DIRFD), K(PATH)),
	CALL(readlinkat, 0, 4, K(DIRFD), K(PATH_RO), K(BUF), K(LEN)),
	CALL(fchmodat, C_MUTATES, 4, K(DIRFD), K(PATH), F(modes), F(at_flags)),
	CALL(faccessat, 0, 3, K(DIRFD), K(PATH_RO), F(amode)),
	CALL(pselect6, C_BLOCKS, 6, E(nfds), K(FDSET), K(FDSET), K(FDSET), K(TIMESPEC), K(ANY)),
	CALL(ppoll, C_BLOCKS, 5, K(POLLFD), E(nfds), K(TIMESPEC), K(SIGSET), E(sigset_size)),
	CALL(utimensat, C_MUTATES, 4, K(DIRFD), K(PATH), K(TIMESPEC), F(at_flags)),
	CALL(dup3, 0, 3, K(FD), K(FD), F(dup3_flags)),
	CALL(pipe2, 0, 2, K(BUF), F(pipe_flags)),
	CALL(preadv, C_BLOCKS, 4, K(FD), K(IOVEC), E(iov_count), K(OFF)),
	CALL(pwritev, C_BLOCKS, 4, K(FD), K(IOVEC), E(iov_count), K(OFF)),
	CALL(prlimit64, 0, 4, K(PID), E(rlimit_res), K(RLIMIT), K(BUF)),
	CALL(syncfs, 0, 1, K(FD)),
	CALL(renameat2, 0, 5, K(DIRFD), K(PATH), K(DIRFD), K(PATH), F(rename_flags)),
	CALL(getrandom, C_BLOCKS, 3, K(BUF), K(LEN), F(grnd_flags)),
	CALL(statx, 0, 5, K(DIRFD), K(PATH_RO), F(at_flags), K(INT), K(BUF)),
	CALL(close_range, C_RARE, 3, K(FD), K(FD), F(dup3_flags)),
	CALL(faccessat2, 0, 4, K(DIRFD), K(PATH_RO), F(amode), F(at_flags)),
	CALL(msync, 0, 3, K(ADDR), K(MAPLEN), F(msync_flags)),
	CALL(syslog, C_KESTREL_ONLY, 3, E(syslog_type), K(BUF), K(LEN)),
	CALL(socket, C_KESTREL_ONLY, 3, E(sock_domain), F(sock_type), E(sock_proto)),
	CALL(bind, C_KESTREL_ONLY, 3, K(FD), K(BUF), K(LEN)),
	CALL(listen, C_KESTREL_ONLY, 2, K(FD), E(backlog)),
	CALL(connect, C_KESTREL_ONLY | C_BLOCKS, 3, K(FD), K(BUF), K(LEN)),
	CALL(accept4, C_KESTREL_ONLY | C_BLOCKS, 4, K(FD), K(BUF), K(BUF), F(accept_flags)),
	CALL(sendto, C_KESTREL_ONLY | C_BLOCKS, 6, K(FD), K(BUF), K(LEN), F(msg_flags), K(BUF), K(LEN)),
	CALL(recvfrom, C_KESTREL_ONLY | C_BLOCKS, 6, K(FD), K(BUF), K(LEN), F(msg_flags), K(BUF), K(BUF)),
	CALL(shutdown, C_KESTREL_ONLY, 2, K(FD), E(shut_how)),
	CALL(getsockname, C_KESTREL_ONLY, 3, K(FD), K(BUF), K(BUF)),
	CALL(getpeername, C_KESTREL_ONLY, 3, K(FD), K(BUF), K(BUF)),
	CALL(setsockopt, C_KESTREL_ONLY, 5, K(FD), E(sock_level), E(sock_opt), K(BUF), K(LEN)),
	CALL(getsockopt, C_KESTREL_ONLY, 5, K(FD), E(sock_level), E(sock_opt), K(BUF), K(BUF)),
	CALL(mknodat, 0, 4, K(DIRFD), K(PATH), E(mknod_modes), K(ANY)),
	CALL(futex, C_BLOCKS, 6, K(BUF), F(futex_ops), K(INT), K(TIMESPEC), K(BUF), K(INT)),
	CALL(set_robust_list, 0, 2, K(BUF), K(LEN)),
	CALL(get_robust_list, 0, 3, K(PID_RO), K(BUF), K(BUF)),
	/* A number no kernel has: the "no such call" path. */
	{ -1, "nosys", C_NOSYS, 6, { K(ANY), K(ANY), K(ANY), K(ANY), K(ANY), K(ANY) } },
};
/* clang-format on */

const unsigned int ncalls = sizeof(calls) / sizeof(calls[0]);

const struct call *call_by_nr(long nr)
{
	for (unsigned int i = 0; i < ncalls; i++)
		if (calls[i].nr == nr)
			return &calls[i];
	return NULL;
}

const struct call *call_by_name(const char *name)
{
	for (unsigned int i = 0; i < ncalls; i++)
		if (strcmp(calls[i].name, name) == 0)
			return &calls[i];
	return NULL;
}
