/*
 * The symbolic names strace prints for flags and enumerations, in
 * strace's order (print_flags walks a table in order, clears the bits of
 * each name that matches whole, and prints what is left in hex), and the
 * errno names with glibc's messages, which Linux strace prints whatever
 * libc the tracee uses.
 */
#include "strace.h"

#include <string.h>

#define NAME(x)       \
	{             \
		x, #x \
	}
#define END             \
	{               \
		0, NULL \
	}

/* The bits above O_ACCMODE; decode.c prints the access mode first. */
const struct flag_name open_flags[] = {
	{ 0100, "O_CREAT" },
	{ 0200, "O_EXCL" },
	{ 0400, "O_NOCTTY" },
	{ 01000, "O_TRUNC" },
	{ 02000, "O_APPEND" },
	{ 04000, "O_NONBLOCK" },
	{ 04010000, "O_SYNC" },
	{ 010000, "O_DSYNC" },
	{ 040000, "O_DIRECT" },
	{ 0100000, "O_LARGEFILE" },
	{ 0400000, "O_NOFOLLOW" },
	{ 01000000, "O_NOATIME" },
	{ 02000000, "O_CLOEXEC" },
	{ 010000000, "O_PATH" },
	{ 020200000, "O_TMPFILE" },
	{ 0200000, "O_DIRECTORY" },
	{ 020000, "FASYNC" },
	{ 020000000, "__O_TMPFILE" },
	END,
};

const struct flag_name prot_flags[] = {
	{ 1, "PROT_READ" },
	{ 2, "PROT_WRITE" },
	{ 4, "PROT_EXEC" },
	{ 8, "PROT_SEM" },
	{ 0x01000000, "PROT_GROWSDOWN" },
	{ 0x02000000, "PROT_GROWSUP" },
	END,
};

/* The bits above the mapping type (MAP_SHARED, MAP_PRIVATE ...). */
const struct flag_name map_flags[] = {
	{ 0x10, "MAP_FIXED" },
	{ 0x20, "MAP_ANONYMOUS" },
	{ 0x40, "MAP_32BIT" },
	{ 0x4000, "MAP_NORESERVE" },
	{ 0x8000, "MAP_POPULATE" },
	{ 0x10000, "MAP_NONBLOCK" },
	{ 0x100, "MAP_GROWSDOWN" },
	{ 0x800, "MAP_DENYWRITE" },
	{ 0x1000, "MAP_EXECUTABLE" },
	{ 0x2000, "MAP_LOCKED" },
	{ 0x20000, "MAP_STACK" },
	{ 0x40000, "MAP_HUGETLB" },
	{ 0x80000, "MAP_SYNC" },
	{ 0x100000, "MAP_FIXED_NOREPLACE" },
	END,
};

const struct flag_name map_types[] = {
	{ 1, "MAP_SHARED" },
	{ 2, "MAP_PRIVATE" },
	{ 3, "MAP_SHARED_VALIDATE" },
	END,
};

const struct flag_name mremap_flags[] = {
	{ 1, "MREMAP_MAYMOVE" },
	{ 2, "MREMAP_FIXED" },
	{ 4, "MREMAP_DONTUNMAP" },
	END,
};

const struct flag_name msync_flags[] = {
	{ 4, "MS_SYNC" },
	{ 1, "MS_ASYNC" },
	{ 2, "MS_INVALIDATE" },
	END,
};

const struct flag_name madv_advices[] = {
	{ 0, "MADV_NORMAL" },       { 1, "MADV_RANDOM" },
	{ 2, "MADV_SEQUENTIAL" },   { 3, "MADV_WILLNEED" },
	{ 4, "MADV_DONTNEED" },     { 8, "MADV_FREE" },
	{ 9, "MADV_REMOVE" },       { 10, "MADV_DONTFORK" },
	{ 11, "MADV_DOFORK" },      { 12, "MADV_MERGEABLE" },
	{ 13, "MADV_UNMERGEABLE" }, { 14, "MADV_HUGEPAGE" },
	{ 15, "MADV_NOHUGEPAGE" },  { 16, "MADV_DONTDUMP" },
	{ 17, "MADV_DODUMP" },      END,
};

const struct flag_name at_flags[] = {
	{ 0x2000, "AT_STATX_FORCE_SYNC" },
	{ 0x4000, "AT_STATX_DONT_SYNC" },
	{ 0x100, "AT_SYMLINK_NOFOLLOW" },
	{ 0x200, "AT_REMOVEDIR" },
	{ 0x400, "AT_SYMLINK_FOLLOW" },
	{ 0x800, "AT_NO_AUTOMOUNT" },
	{ 0x1000, "AT_EMPTY_PATH" },
	{ 0x8000, "AT_RECURSIVE" },
	END,
};

const struct flag_name access_modes[] = {
	{ 4, "R_OK" },
	{ 2, "W_OK" },
	{ 1, "X_OK" },
	END,
};

const struct flag_name wait_options[] = {
	{ 1, "WNOHANG" },
	{ 4, "WEXITED" },
	{ 2, "WSTOPPED" },
	{ 8, "WCONTINUED" },
	{ 0x01000000, "WNOWAIT" },
	{ 0x80000000, "__WCLONE" },
	{ 0x40000000, "__WALL" },
	{ 0x20000000, "__WNOTHREAD" },
	END,
};

const struct flag_name waitid_types[] = {
	{ 0, "P_ALL" }, { 1, "P_PID" }, { 2, "P_PGID" }, { 3, "P_PIDFD" }, END,
};

/* The low byte of clone's flags is the exit signal. */
const struct flag_name clone_flags[] = {
	{ 0x100, "CLONE_VM" },
	{ 0x200, "CLONE_FS" },
	{ 0x400, "CLONE_FILES" },
	{ 0x800, "CLONE_SIGHAND" },
	{ 0x1000, "CLONE_PIDFD" },
	{ 0x2000, "CLONE_PTRACE" },
	{ 0x4000, "CLONE_VFORK" },
	{ 0x8000, "CLONE_PARENT" },
	{ 0x10000, "CLONE_THREAD" },
	{ 0x20000, "CLONE_NEWNS" },
	{ 0x40000, "CLONE_SYSVSEM" },
	{ 0x80000, "CLONE_SETTLS" },
	{ 0x100000, "CLONE_PARENT_SETTID" },
	{ 0x200000, "CLONE_CHILD_CLEARTID" },
	{ 0x800000, "CLONE_UNTRACED" },
	{ 0x1000000, "CLONE_CHILD_SETTID" },
	{ 0x2000000, "CLONE_NEWCGROUP" },
	{ 0x4000000, "CLONE_NEWUTS" },
	{ 0x8000000, "CLONE_NEWIPC" },
	{ 0x10000000, "CLONE_NEWUSER" },
	{ 0x20000000, "CLONE_NEWPID" },
	{ 0x40000000, "CLONE_NEWNET" },
	{ 0x80000000, "CLONE_IO" },
	END,
};

const struct flag_name fcntl_cmds[] = {
	{ 0, "F_DUPFD" },         { 1, "F_GETFD" },
	{ 2, "F_SETFD" },         { 3, "F_GETFL" },
	{ 4, "F_SETFL" },         { 5, "F_GETLK" },
	{ 6, "F_SETLK" },         { 7, "F_SETLKW" },
	{ 8, "F_SETOWN" },        { 9, "F_GETOWN" },
	{ 10, "F_SETSIG" },       { 11, "F_GETSIG" },
	{ 1024, "F_SETLEASE" },   { 1025, "F_GETLEASE" },
	{ 1026, "F_NOTIFY" },     { 1030, "F_DUPFD_CLOEXEC" },
	{ 1031, "F_SETPIPE_SZ" }, { 1032, "F_GETPIPE_SZ" },
	{ 36, "F_OFD_GETLK" },    { 37, "F_OFD_SETLK" },
	{ 38, "F_OFD_SETLKW" },   END,
};

const struct flag_name fd_flags[] = {
	{ 1, "FD_CLOEXEC" },
	END,
};

const struct flag_name flock_ops[] = {
	{ 1, "LOCK_SH" },
	{ 2, "LOCK_EX" },
	{ 4, "LOCK_NB" },
	{ 8, "LOCK_UN" },
	END,
};

const struct flag_name lock_types[] = {
	{ 0, "F_RDLCK" },
	{ 1, "F_WRLCK" },
	{ 2, "F_UNLCK" },
	END,
};

const struct flag_name ioctl_reqs[] = {
	{ 0x5401, "TCGETS" },
	{ 0x5402, "TCSETS" },
	{ 0x5403, "TCSETSW" },
	{ 0x5404, "TCSETSF" },
	{ 0x5409, "TCSBRK" },
	{ 0x540a, "TCXONC" },
	{ 0x540b, "TCFLSH" },
	{ 0x540e, "TIOCSCTTY" },
	{ 0x540f, "TIOCGPGRP" },
	{ 0x5410, "TIOCSPGRP" },
	{ 0x5411, "TIOCOUTQ" },
	{ 0x5413, "TIOCGWINSZ" },
	{ 0x5414, "TIOCSWINSZ" },
	{ 0x541b, "FIONREAD" },
	{ 0x5421, "FIONBIO" },
	{ 0x5422, "TIOCNOTTY" },
	{ 0x5429, "TIOCGSID" },
	{ 0x5450, "FIONCLEX" },
	{ 0x5451, "FIOCLEX" },
	{ 0x5452, "FIOASYNC" },
	{ 0x8910, "SIOCGIFNAME" },
	{ 0x8912, "SIOCGIFCONF" },
	{ 0x8913, "SIOCGIFFLAGS" },
	{ 0x8914, "SIOCSIFFLAGS" },
	{ 0x8915, "SIOCGIFADDR" },
	{ 0x8916, "SIOCSIFADDR" },
	{ 0x891b, "SIOCGIFNETMASK" },
	{ 0x891c, "SIOCSIFNETMASK" },
	{ 0x8927, "SIOCGIFHWADDR" },
	{ 0x8933, "SIOCGIFINDEX" },
	END,
};

const struct flag_name sig_hows[] = {
	{ 0, "SIG_BLOCK" },
	{ 1, "SIG_UNBLOCK" },
	{ 2, "SIG_SETMASK" },
	END,
};

const struct flag_name arch_codes[] = {
	{ 0x1001, "ARCH_SET_GS" },
	{ 0x1002, "ARCH_SET_FS" },
	{ 0x1003, "ARCH_GET_FS" },
	{ 0x1004, "ARCH_GET_GS" },
	{ 0x1011, "ARCH_GET_CPUID" },
	{ 0x1012, "ARCH_SET_CPUID" },
	END,
};

const struct flag_name whences[] = {
	{ 0, "SEEK_SET" },  { 1, "SEEK_CUR" },  { 2, "SEEK_END" },
	{ 3, "SEEK_DATA" }, { 4, "SEEK_HOLE" }, END,
};

const struct flag_name clock_ids[] = {
	{ 0, "CLOCK_REALTIME" },
	{ 1, "CLOCK_MONOTONIC" },
	{ 2, "CLOCK_PROCESS_CPUTIME_ID" },
	{ 3, "CLOCK_THREAD_CPUTIME_ID" },
	{ 4, "CLOCK_MONOTONIC_RAW" },
	{ 5, "CLOCK_REALTIME_COARSE" },
	{ 6, "CLOCK_MONOTONIC_COARSE" },
	{ 7, "CLOCK_BOOTTIME" },
	{ 8, "CLOCK_REALTIME_ALARM" },
	{ 9, "CLOCK_BOOTTIME_ALARM" },
	{ 11, "CLOCK_TAI" },
	END,
};

const struct flag_name timer_flags[] = {
	{ 1, "TIMER_ABSTIME" },
	END,
};

const struct flag_name itimers[] = {
	{ 0, "ITIMER_REAL" },
	{ 1, "ITIMER_VIRTUAL" },
	{ 2, "ITIMER_PROF" },
	END,
};

/* The futex operation without FUTEX_PRIVATE_FLAG (128). */
const struct flag_name futex_ops[] = {
	{ 0, "FUTEX_WAIT" },         { 1, "FUTEX_WAKE" },
	{ 2, "FUTEX_FD" },           { 3, "FUTEX_REQUEUE" },
	{ 4, "FUTEX_CMP_REQUEUE" },  { 5, "FUTEX_WAKE_OP" },
	{ 6, "FUTEX_LOCK_PI" },      { 7, "FUTEX_UNLOCK_PI" },
	{ 8, "FUTEX_TRYLOCK_PI" },   { 9, "FUTEX_WAIT_BITSET" },
	{ 10, "FUTEX_WAKE_BITSET" }, END,
};

const struct flag_name resources[] = {
	{ 0, "RLIMIT_CPU" },
	{ 1, "RLIMIT_FSIZE" },
	{ 2, "RLIMIT_DATA" },
	{ 3, "RLIMIT_STACK" },
	{ 4, "RLIMIT_CORE" },
	{ 5, "RLIMIT_RSS" },
	{ 6, "RLIMIT_NPROC" },
	{ 7, "RLIMIT_NOFILE" },
	{ 8, "RLIMIT_MEMLOCK" },
	{ 9, "RLIMIT_AS" },
	{ 10, "RLIMIT_LOCKS" },
	{ 11, "RLIMIT_SIGPENDING" },
	{ 12, "RLIMIT_MSGQUEUE" },
	{ 13, "RLIMIT_NICE" },
	{ 14, "RLIMIT_RTPRIO" },
	{ 15, "RLIMIT_RTTIME" },
	END,
};

const struct flag_name rusage_whos[] = {
	{ 0, "RUSAGE_SELF" },
	{ (unsigned long)-1, "RUSAGE_CHILDREN" },
	{ 1, "RUSAGE_THREAD" },
	END,
};

const struct flag_name families[] = {
	{ 0, "AF_UNSPEC" },
	{ 1, "AF_UNIX" },
	{ 2, "AF_INET" },
	{ 10, "AF_INET6" },
	{ 16, "AF_NETLINK" },
	{ 17, "AF_PACKET" },
	END,
};

const struct flag_name sock_types[] = {
	{ 1, "SOCK_STREAM" },    { 2, "SOCK_DGRAM" },
	{ 3, "SOCK_RAW" },       { 4, "SOCK_RDM" },
	{ 5, "SOCK_SEQPACKET" }, { 6, "SOCK_DCCP" },
	{ 10, "SOCK_PACKET" },   END,
};

const struct flag_name sock_flags[] = {
	{ 02000000, "SOCK_CLOEXEC" },
	{ 04000, "SOCK_NONBLOCK" },
	END,
};

const struct flag_name protocols[] = {
	{ 0, "IPPROTO_IP" },    { 1, "IPPROTO_ICMP" },
	{ 6, "IPPROTO_TCP" },   { 17, "IPPROTO_UDP" },
	{ 41, "IPPROTO_IPV6" }, { 58, "IPPROTO_ICMPV6" },
	{ 255, "IPPROTO_RAW" }, END,
};

const struct flag_name msg_flags[] = {
	{ 1, "MSG_OOB" },
	{ 2, "MSG_PEEK" },
	{ 4, "MSG_DONTROUTE" },
	{ 8, "MSG_CTRUNC" },
	{ 0x10, "MSG_PROBE" },
	{ 0x20, "MSG_TRUNC" },
	{ 0x40, "MSG_DONTWAIT" },
	{ 0x80, "MSG_EOR" },
	{ 0x100, "MSG_WAITALL" },
	{ 0x200, "MSG_FIN" },
	{ 0x400, "MSG_SYN" },
	{ 0x800, "MSG_CONFIRM" },
	{ 0x1000, "MSG_RST" },
	{ 0x2000, "MSG_ERRQUEUE" },
	{ 0x4000, "MSG_NOSIGNAL" },
	{ 0x8000, "MSG_MORE" },
	{ 0x10000, "MSG_WAITFORONE" },
	END,
};

const struct flag_name shut_hows[] = {
	{ 0, "SHUT_RD" },
	{ 1, "SHUT_WR" },
	{ 2, "SHUT_RDWR" },
	END,
};

const struct flag_name sock_levels[] = {
	{ 1, "SOL_SOCKET" }, { 0, "SOL_IP" },    { 6, "SOL_TCP" },
	{ 17, "SOL_UDP" },   { 41, "SOL_IPV6" }, END,
};

const struct flag_name sock_opts[] = {
	{ 1, "SO_DEBUG" },
	{ 2, "SO_REUSEADDR" },
	{ 3, "SO_TYPE" },
	{ 4, "SO_ERROR" },
	{ 5, "SO_DONTROUTE" },
	{ 6, "SO_BROADCAST" },
	{ 7, "SO_SNDBUF" },
	{ 8, "SO_RCVBUF" },
	{ 9, "SO_KEEPALIVE" },
	{ 10, "SO_OOBINLINE" },
	{ 13, "SO_LINGER" },
	{ 15, "SO_REUSEPORT" },
	{ 20, "SO_RCVTIMEO_OLD" },
	{ 21, "SO_SNDTIMEO_OLD" },
	END,
};

const struct flag_name tcp_opts[] = {
	{ 1, "TCP_NODELAY" },
	{ 2, "TCP_MAXSEG" },
	{ 4, "TCP_KEEPIDLE" },
	END,
};

const struct flag_name random_flags[] = {
	{ 1, "GRND_NONBLOCK" },
	{ 2, "GRND_RANDOM" },
	{ 4, "GRND_INSECURE" },
	END,
};

const struct flag_name rename_flags[] = {
	{ 1, "RENAME_NOREPLACE" },
	{ 2, "RENAME_EXCHANGE" },
	{ 4, "RENAME_WHITEOUT" },
	END,
};

const struct flag_name prctl_opts[] = {
	{ 1, "PR_SET_PDEATHSIG" },
	{ 2, "PR_GET_PDEATHSIG" },
	{ 3, "PR_GET_DUMPABLE" },
	{ 4, "PR_SET_DUMPABLE" },
	{ 15, "PR_SET_NAME" },
	{ 16, "PR_GET_NAME" },
	{ 36, "PR_SET_CHILD_SUBREAPER" },
	{ 37, "PR_GET_CHILD_SUBREAPER" },
	{ 38, "PR_SET_NO_NEW_PRIVS" },
	{ 39, "PR_GET_NO_NEW_PRIVS" },
	END,
};

const struct flag_name ptrace_reqs[] = {
	{ 0, "PTRACE_TRACEME" },
	{ 1, "PTRACE_PEEKTEXT" },
	{ 2, "PTRACE_PEEKDATA" },
	{ 3, "PTRACE_PEEKUSER" },
	{ 4, "PTRACE_POKETEXT" },
	{ 5, "PTRACE_POKEDATA" },
	{ 6, "PTRACE_POKEUSER" },
	{ 7, "PTRACE_CONT" },
	{ 8, "PTRACE_KILL" },
	{ 9, "PTRACE_SINGLESTEP" },
	{ 12, "PTRACE_GETREGS" },
	{ 13, "PTRACE_SETREGS" },
	{ 14, "PTRACE_GETFPREGS" },
	{ 15, "PTRACE_SETFPREGS" },
	{ 16, "PTRACE_ATTACH" },
	{ 17, "PTRACE_DETACH" },
	{ 24, "PTRACE_SYSCALL" },
	{ 0x4200, "PTRACE_SETOPTIONS" },
	{ 0x4201, "PTRACE_GETEVENTMSG" },
	{ 0x4202, "PTRACE_GETSIGINFO" },
	{ 0x4203, "PTRACE_SETSIGINFO" },
	{ 0x4206, "PTRACE_SEIZE" },
	{ 0x4207, "PTRACE_INTERRUPT" },
	{ 0x4208, "PTRACE_LISTEN" },
	{ 0x420e, "PTRACE_GET_SYSCALL_INFO" },
	END,
};

const struct flag_name statx_masks[] = {
	{ 0xfff, "STATX_ALL" },
	{ 0x7ff, "STATX_BASIC_STATS" },
	{ 0x1, "STATX_TYPE" },
	{ 0x2, "STATX_MODE" },
	{ 0x4, "STATX_NLINK" },
	{ 0x8, "STATX_UID" },
	{ 0x10, "STATX_GID" },
	{ 0x20, "STATX_ATIME" },
	{ 0x40, "STATX_MTIME" },
	{ 0x80, "STATX_CTIME" },
	{ 0x100, "STATX_INO" },
	{ 0x200, "STATX_SIZE" },
	{ 0x400, "STATX_BLOCKS" },
	{ 0x800, "STATX_BTIME" },
	{ 0x1000, "STATX_MNT_ID" },
	{ 0x2000, "STATX_DIOALIGN" },
	END,
};

/* In strace's order. */
const struct flag_name sa_flags[] = {
	{ 0x04000000, "SA_RESTORER" },
	{ 0x08000000, "SA_ONSTACK" },
	{ 0x10000000, "SA_RESTART" },
	{ 0x40000000, "SA_NODEFER" },
	{ 0x80000000, "SA_RESETHAND" },
	{ 0x00000004, "SA_SIGINFO" },
	{ 0x00000001, "SA_NOCLDSTOP" },
	{ 0x00000002, "SA_NOCLDWAIT" },
	END,
};

const struct flag_name poll_events[] = {
	{ 0x1, "POLLIN" },
	{ 0x2, "POLLPRI" },
	{ 0x4, "POLLOUT" },
	{ 0x8, "POLLERR" },
	{ 0x10, "POLLHUP" },
	{ 0x20, "POLLNVAL" },
	{ 0x40, "POLLRDNORM" },
	{ 0x80, "POLLRDBAND" },
	{ 0x100, "POLLWRNORM" },
	{ 0x200, "POLLWRBAND" },
	{ 0x400, "POLLMSG" },
	{ 0x2000, "POLLRDHUP" },
	END,
};

const struct flag_name mode_types[] = {
	{ 0140000, "S_IFSOCK" }, { 0120000, "S_IFLNK" },
	{ 0100000, "S_IFREG" },  { 0060000, "S_IFBLK" },
	{ 0040000, "S_IFDIR" },  { 0020000, "S_IFCHR" },
	{ 0010000, "S_IFIFO" },  END,
};

const struct flag_name fs_magics[] = {
	{ 0xef53, "EXT2_SUPER_MAGIC" },
	{ 0x9fa0, "PROC_SUPER_MAGIC" },
	{ 0x62656572, "SYSFS_MAGIC" },
	{ 0x01021994, "TMPFS_MAGIC" },
	{ 0x858458f6, "RAMFS_MAGIC" },
	{ 0x1cd1, "DEVPTS_SUPER_MAGIC" },
	{ 0x63677270, "CGROUP2_SUPER_MAGIC" },
	{ 0x27e0eb, "CGROUP_SUPER_MAGIC" },
	{ 0x794c7630, "OVERLAYFS_SUPER_MAGIC" },
	{ 0x4d44, "MSDOS_SUPER_MAGIC" },
	{ 0x6969, "NFS_SUPER_MAGIC" },
	{ 0x9123683e, "BTRFS_SUPER_MAGIC" },
	{ 0x58465342, "XFS_SUPER_MAGIC" },
	END,
};

const struct flag_name statfs_flags[] = {
	{ 32, "ST_VALID" }, /* strace names it first */
	{ 1, "ST_RDONLY" },       { 2, "ST_NOSUID" },
	{ 4, "ST_NODEV" },        { 8, "ST_NOEXEC" },
	{ 16, "ST_SYNCHRONOUS" }, { 64, "ST_MANDLOCK" },
	{ 1024, "ST_NOATIME" },   { 2048, "ST_NODIRATIME" },
	{ 4096, "ST_RELATIME" },  END,
};

const struct flag_name close_range_flags[] = {
	{ 2, "CLOSE_RANGE_UNSHARE" },
	{ 4, "CLOSE_RANGE_CLOEXEC" },
	END,
};

const struct flag_name prio_whichs[] = {
	{ 0, "PRIO_PROCESS" },
	{ 1, "PRIO_PGRP" },
	{ 2, "PRIO_USER" },
	END,
};

const struct flag_name sched_policies[] = {
	{ 0, "SCHED_OTHER" },
	{ 1, "SCHED_FIFO" },
	{ 2, "SCHED_RR" },
	{ 3, "SCHED_BATCH" },
	{ 5, "SCHED_IDLE" },
	{ 6, "SCHED_DEADLINE" },
	END,
};

const struct flag_name mount_flags[] = {
	{ 1, "MS_RDONLY" },
	{ 2, "MS_NOSUID" },
	{ 4, "MS_NODEV" },
	{ 8, "MS_NOEXEC" },
	{ 16, "MS_SYNCHRONOUS" },
	{ 32, "MS_REMOUNT" },
	{ 64, "MS_MANDLOCK" },
	{ 128, "MS_DIRSYNC" },
	{ 1024, "MS_NOATIME" },
	{ 2048, "MS_NODIRATIME" },
	{ 4096, "MS_BIND" },
	{ 8192, "MS_MOVE" },
	{ 16384, "MS_REC" },
	{ 32768, "MS_SILENT" },
	END,
};

const struct flag_name umount_flags[] = {
	{ 1, "MNT_FORCE" },
	{ 2, "MNT_DETACH" },
	{ 4, "MNT_EXPIRE" },
	{ 8, "UMOUNT_NOFOLLOW" },
	END,
};

/*
 * No name matched: strace prints the value and the family of the names,
 * 0x40 and CLOSE_RANGE_??? in a comment: what the first two names
 * share, up to its last '_'. access(2)'s R_OK, W_OK ... are ?_OK.
 */
static void print_unknown_flags(struct tracee *t, const struct flag_name *names,
				unsigned long value)
{
	const char *a = names[0].name ? names[0].name : "";
	const char *b = names[0].name && names[1].name ? names[1].name : a;
	int n = 0, cut = 0;
	while (a[n] && a[n] == b[n])
		if (a[n++] == '_')
			cut = n;
	if (cut)
		n = cut;
	if (!strcmp(a + strlen(a) - (strlen(a) >= 3 ? 3 : 0), "_OK"))
		tprintf(t, "%#lx /* ?_OK */", value);
	else
		tprintf(t, "%#lx /* %.*s??? */", value, n, a);
}

/* Prints the names of the bits in value, '|' between, leftover bits in hex. */
void print_flags(struct tracee *t, const struct flag_name *names,
		 unsigned long value, const char *none)
{
	bool first = true;
	const struct flag_name *table = names;
	if (!value) {
		tputs(t, none);
		return;
	}
	for (; names->name; names++) {
		if (names->value && (value & names->value) == names->value) {
			tprintf(t, "%s%s", first ? "" : "|", names->name);
			value &= ~names->value;
			first = false;
		}
	}
	if (value && !first) {
		tprintf(t, "|%#lx", value);
	} else if (value) {
		print_unknown_flags(t, table, value);
	}
}

/* Prints the name of value; false (nothing printed) if it has none. */
bool print_enum(struct tracee *t, const struct flag_name *names,
		unsigned long value)
{
	for (; names->name; names++) {
		if (names->value == value) {
			tputs(t, names->name);
			return true;
		}
	}
	return false;
}

static const struct {
	const char *name, *message;
} errnos[] = {
	[1] = { "EPERM", "Operation not permitted" },
	[2] = { "ENOENT", "No such file or directory" },
	[3] = { "ESRCH", "No such process" },
	[4] = { "EINTR", "Interrupted system call" },
	[5] = { "EIO", "Input/output error" },
	[6] = { "ENXIO", "No such device or address" },
	[7] = { "E2BIG", "Argument list too long" },
	[8] = { "ENOEXEC", "Exec format error" },
	[9] = { "EBADF", "Bad file descriptor" },
	[10] = { "ECHILD", "No child processes" },
	[11] = { "EAGAIN", "Resource temporarily unavailable" },
	[12] = { "ENOMEM", "Cannot allocate memory" },
	[13] = { "EACCES", "Permission denied" },
	[14] = { "EFAULT", "Bad address" },
	[15] = { "ENOTBLK", "Block device required" },
	[16] = { "EBUSY", "Device or resource busy" },
	[17] = { "EEXIST", "File exists" },
	[18] = { "EXDEV", "Invalid cross-device link" },
	[19] = { "ENODEV", "No such device" },
	[20] = { "ENOTDIR", "Not a directory" },
	[21] = { "EISDIR", "Is a directory" },
	[22] = { "EINVAL", "Invalid argument" },
	[23] = { "ENFILE", "Too many open files in system" },
	[24] = { "EMFILE", "Too many open files" },
	[25] = { "ENOTTY", "Inappropriate ioctl for device" },
	[26] = { "ETXTBSY", "Text file busy" },
	[27] = { "EFBIG", "File too large" },
	[28] = { "ENOSPC", "No space left on device" },
	[29] = { "ESPIPE", "Illegal seek" },
	[30] = { "EROFS", "Read-only file system" },
	[31] = { "EMLINK", "Too many links" },
	[32] = { "EPIPE", "Broken pipe" },
	[33] = { "EDOM", "Numerical argument out of domain" },
	[34] = { "ERANGE", "Numerical result out of range" },
	[35] = { "EDEADLK", "Resource deadlock avoided" },
	[36] = { "ENAMETOOLONG", "File name too long" },
	[37] = { "ENOLCK", "No locks available" },
	[38] = { "ENOSYS", "Function not implemented" },
	[39] = { "ENOTEMPTY", "Directory not empty" },
	[40] = { "ELOOP", "Too many levels of symbolic links" },
	[42] = { "ENOMSG", "No message of desired type" },
	[43] = { "EIDRM", "Identifier removed" },
	[44] = { "ECHRNG", "Channel number out of range" },
	[45] = { "EL2NSYNC", "Level 2 not synchronized" },
	[46] = { "EL3HLT", "Level 3 halted" },
	[47] = { "EL3RST", "Level 3 reset" },
	[48] = { "ELNRNG", "Link number out of range" },
	[49] = { "EUNATCH", "Protocol driver not attached" },
	[50] = { "ENOCSI", "No CSI structure available" },
	[51] = { "EL2HLT", "Level 2 halted" },
	[52] = { "EBADE", "Invalid exchange" },
	[53] = { "EBADR", "Invalid request descriptor" },
	[54] = { "EXFULL", "Exchange full" },
	[55] = { "ENOANO", "No anode" },
	[56] = { "EBADRQC", "Invalid request code" },
	[57] = { "EBADSLT", "Invalid slot" },
	[59] = { "EBFONT", "Bad font file format" },
	[60] = { "ENOSTR", "Device not a stream" },
	[61] = { "ENODATA", "No data available" },
	[62] = { "ETIME", "Timer expired" },
	[63] = { "ENOSR", "Out of streams resources" },
	[64] = { "ENONET", "Machine is not on the network" },
	[65] = { "ENOPKG", "Package not installed" },
	[66] = { "EREMOTE", "Object is remote" },
	[67] = { "ENOLINK", "Link has been severed" },
	[68] = { "EADV", "Advertise error" },
	[69] = { "ESRMNT", "Srmount error" },
	[70] = { "ECOMM", "Communication error on send" },
	[71] = { "EPROTO", "Protocol error" },
	[72] = { "EMULTIHOP", "Multihop attempted" },
	[73] = { "EDOTDOT", "RFS specific error" },
	[74] = { "EBADMSG", "Bad message" },
	[75] = { "EOVERFLOW", "Value too large for defined data type" },
	[76] = { "ENOTUNIQ", "Name not unique on network" },
	[77] = { "EBADFD", "File descriptor in bad state" },
	[78] = { "EREMCHG", "Remote address changed" },
	[79] = { "ELIBACC", "Can not access a needed shared library" },
	[80] = { "ELIBBAD", "Accessing a corrupted shared library" },
	[81] = { "ELIBSCN", ".lib section in a.out corrupted" },
	[82] = { "ELIBMAX", "Attempting to link in too many shared libraries" },
	[83] = { "ELIBEXEC", "Cannot exec a shared library directly" },
	[84] = { "EILSEQ",
		 "Invalid or incomplete multibyte or wide character" },
	[85] = { "ERESTART", "Interrupted system call should be restarted" },
	[86] = { "ESTRPIPE", "Streams pipe error" },
	[87] = { "EUSERS", "Too many users" },
	[88] = { "ENOTSOCK", "Socket operation on non-socket" },
	[89] = { "EDESTADDRREQ", "Destination address required" },
	[90] = { "EMSGSIZE", "Message too long" },
	[91] = { "EPROTOTYPE", "Protocol wrong type for socket" },
	[92] = { "ENOPROTOOPT", "Protocol not available" },
	[93] = { "EPROTONOSUPPORT", "Protocol not supported" },
	[94] = { "ESOCKTNOSUPPORT", "Socket type not supported" },
	[95] = { "EOPNOTSUPP", "Operation not supported" },
	[96] = { "EPFNOSUPPORT", "Protocol family not supported" },
	[97] = { "EAFNOSUPPORT", "Address family not supported by protocol" },
	[98] = { "EADDRINUSE", "Address already in use" },
	[99] = { "EADDRNOTAVAIL", "Cannot assign requested address" },
	[100] = { "ENETDOWN", "Network is down" },
	[101] = { "ENETUNREACH", "Network is unreachable" },
	[102] = { "ENETRESET", "Network dropped connection on reset" },
	[103] = { "ECONNABORTED", "Software caused connection abort" },
	[104] = { "ECONNRESET", "Connection reset by peer" },
	[105] = { "ENOBUFS", "No buffer space available" },
	[106] = { "EISCONN", "Transport endpoint is already connected" },
	[107] = { "ENOTCONN", "Transport endpoint is not connected" },
	[108] = { "ESHUTDOWN",
		  "Cannot send after transport endpoint shutdown" },
	[109] = { "ETOOMANYREFS", "Too many references: cannot splice" },
	[110] = { "ETIMEDOUT", "Connection timed out" },
	[111] = { "ECONNREFUSED", "Connection refused" },
	[112] = { "EHOSTDOWN", "Host is down" },
	[113] = { "EHOSTUNREACH", "No route to host" },
	[114] = { "EALREADY", "Operation already in progress" },
	[115] = { "EINPROGRESS", "Operation now in progress" },
	[116] = { "ESTALE", "Stale file handle" },
	[117] = { "EUCLEAN", "Structure needs cleaning" },
	[118] = { "ENOTNAM", "Not a XENIX named type file" },
	[119] = { "ENAVAIL", "No XENIX semaphores available" },
	[120] = { "EISNAM", "Is a named type file" },
	[121] = { "EREMOTEIO", "Remote I/O error" },
	[122] = { "EDQUOT", "Disk quota exceeded" },
	[123] = { "ENOMEDIUM", "No medium found" },
	[124] = { "EMEDIUMTYPE", "Wrong medium type" },
	[125] = { "ECANCELED", "Operation canceled" },
	[126] = { "ENOKEY", "Required key not available" },
	[127] = { "EKEYEXPIRED", "Key has expired" },
	[128] = { "EKEYREVOKED", "Key has been revoked" },
	[129] = { "EKEYREJECTED", "Key was rejected by service" },
	[130] = { "EOWNERDEAD", "Owner died" },
	[131] = { "ENOTRECOVERABLE", "State not recoverable" },
	[132] = { "ERFKILL", "Operation not possible due to RF-kill" },
	[133] = { "EHWPOISON", "Memory page has hardware error" },
	[512] = { "ERESTARTSYS", "To be restarted if SA_RESTART is set" },
	[513] = { "ERESTARTNOINTR", "To be restarted" },
	[514] = { "ERESTARTNOHAND", "To be restarted if no handler" },
	[515] = { "ENOIOCTLCMD", "No ioctl command" },
	[516] = { "ERESTART_RESTARTBLOCK", "Interrupted by signal" },
};

const char *errno_name(int err)
{
	if (err > 0 && err < (int)(sizeof(errnos) / sizeof(errnos[0])))
		return errnos[err].name;
	return NULL;
}

const char *errno_message(int err)
{
	if (err > 0 && err < (int)(sizeof(errnos) / sizeof(errnos[0])))
		return errnos[err].message;
	return NULL;
}
