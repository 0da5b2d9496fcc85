/*
 * strace: trace a program's system calls and signals with ptrace(2), and
 * print them in Linux strace's format, line for line, so that the same
 * program traced on Linux and on Kestrel can be compared. The parts, one
 * file each:
 *
 *   main.c      options, starting or attaching to the tracees, ^C
 *   trace.c     the tracing loop: waitpid, the stops, entry and exit of
 *               each call, the line being printed and <unfinished ...>
 *   syscalls.c  the table: each x86-64 number's name, class (%file,
 *               %process ...) and the kind of each argument
 *   decode.c    printing one argument of a kind: strings, buffers,
 *               structures (stat, timespec, iovec, sockaddr ...)
 *   flags.c     the symbolic names of flags and enumerations
 *   signals.c   signal names, signal sets and siginfo
 *   summary.c   -c: the time, calls and errors of each system call
 *
 * docs/userland.md ("strace") tells how to use it and reads a trace.
 */
#ifndef STRACE_H
#define STRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#define MAX_ARGS 6
#define NR_SYSCALL_TABLE 451 /* x86-64 numbers 0..450 */

/*
 * The kind of one argument: how decode.c prints it. Kinds named O... are
 * written by the call, so they are printed when it returns.
 */
enum arg_kind {
	A_DEC,     /* int, signed decimal */
	A_LDEC,    /* long, signed decimal */
	A_UDEC,    /* unsigned long, decimal */
	A_HEX,     /* unsigned long, 0x... */
	A_PTR,     /* an address read by the call: NULL or 0x... */
	A_OPTR,    /* an address written by the call, printed at exit */
	A_OCT,     /* a mode_t: 0644 */
	A_FD,      /* a descriptor; -y adds its path */
	A_DIRFD,   /* a descriptor or AT_FDCWD */
	A_PATH,    /* a file name, never truncated */
	A_STR,     /* a NUL-terminated string, truncated per -s */
	A_CWD,     /* getcwd's buffer */
	A_BUF_IN,  /* bytes read by the call, the count is the next argument */
	A_BUF_OUT, /* bytes written by the call: as many as it returned */
	A_OFLAGS,  /* open(2) flags */
	A_CREATMODE, /* open's mode, printed only with O_CREAT or O_TMPFILE */
	A_PROT,
	A_MFLAGS,
	A_MREMAPF,
	A_MSYNCF,
	A_MADV,
	A_SIG,
	A_SIGSET,
	A_OSIGSET,
	A_SIGACT,
	A_OSIGACT,
	A_HOW,
	A_SIGRETURN, /* the mask in the signal frame on the stack */
	A_STACK,
	A_OSTACK,
	A_STAT,
	A_STATX,
	A_STATFS, /* struct statfs written */
	A_STATXMASK,
	A_TS,
	A_OTS,
	A_REMTS, /* nanosleep's remainder: a struct only if interrupted */
	A_OTV,
	A_TV,       /* struct timeval read at entry */
	A_FDSET,    /* select's fd_set, nfds (the first argument) bits */
	A_OSIGINFO, /* siginfo_t written (waitid) */
	A_PSELSIG,  /* pselect6's {sigset_t *, size} */
	A_CLOSERANGEF,
	A_ITIMER,
	A_ITV,
	A_OITV,
	A_UTIMES,
	A_TIMEF,
	A_CLOCK,
	A_WSTATUS,
	A_WOPTS,
	A_WAITID,
	A_IOV,
	A_OIOV,
	A_AMODE,
	A_ATFLAGS,
	A_FCNTL,
	A_FCNTLARG,
	A_FLOCKOP,
	A_IOCTL,
	A_IOCTLARG,
	A_ARGV,
	A_ENVP,
	A_CLONE, /* clone's five arguments, printed as strace names them */
	A_PIPE,
	A_POLL,
	A_SADDR,
	A_OSADDR,
	A_OSOCKLEN,
	A_FAMILY,
	A_SOCKTYPE,
	A_SOCKFLAGS,
	A_PROTO,
	A_MSGFLAGS,
	A_SHUTHOW,
	A_SOCKLEVEL,
	A_SOCKOPT,
	A_SOCKOPTVAL,
	A_OSOCKOPTVAL,
	A_UTS,
	A_ARCH,
	A_WHENCE,
	A_DENTS,
	A_FUTEX,
	A_RESOURCE,
	A_RLIM,
	A_ORLIM,
	A_RUSAGEWHO,
	A_ORUSAGE,
	A_OTMS,
	A_OINT, /* an int written by the call: [N] */
	A_RANDF,
	A_RENAMEF,
	A_PRCTL,
	A_PTRACEREQ,
	A_MKNODMODE,
	A_DEV,
	A_PRIOWHICH,
	A_SCHEDPOLICY,
	A_SCHEDPARAM,
	A_OSCHEDPARAM,
	A_MOUNTF,
	A_UMOUNTF,
	A_CPUSET,
	A_OCPUSET,
	A_SYSINFO,
};

/* What a call's return value is. */
enum ret_kind { R_DEC, R_HEX, R_FD, R_OCT, R_NONE, R_SIG, R_SCHEDPOLICY };

/* The classes of -e trace=%NAME. */
enum {
	C_FILE = 1,
	C_PROCESS = 2,
	C_NETWORK = 4,
	C_SIGNAL = 8,
	C_MEMORY = 16,
	C_DESC = 32,
	C_STAT = 64,
};

struct syscall_desc {
	const char *name;
	unsigned char nargs;
	unsigned char ret; /* enum ret_kind */
	unsigned short class;
	unsigned char arg[MAX_ARGS]; /* enum arg_kind */
};

extern const struct syscall_desc syscall_table[NR_SYSCALL_TABLE];
const char *syscall_name(long nr, char *buf, size_t len);
long syscall_lookup(const char *name);

/* One traced thread or process. */
struct tracee {
	pid_t pid;
	bool in_use;
	bool in_syscall;     /* between its entry and exit stop */
	bool attach_pending; /* a new child: its first stop is ours */
	bool traced_call;    /* the current call passes -e trace */
	bool line_open;      /* its entry half is printed, exit to come */
	bool unfinished;     /* ... and was cut by "<unfinished ...>" */
	long nr;
	unsigned long args[MAX_ARGS];
	int first_out; /* the first argument printed at exit */
	struct timespec entry_ts;
	struct out *out;
	long prev_nr;     /* for restart_syscall's comment */
	unsigned long sp; /* the stack pointer at entry */
	long saved;       /* a value read at entry for exit (socklen) */
};

/* An output stream: stderr, the -o file, or one -ff file per process. */
struct out {
	FILE *fp;
	int column;
	struct tracee *open_line; /* whose line is unfinished here */
};

/* Options. */
struct options {
	int follow; /* -f: 1, -ff: 2 */
	const char *outname;
	int count;         /* -c */
	int strsize;       /* -s */
	int timestamps;    /* -t: 1, -tt: 2, -ttt: 3 */
	bool syscall_time; /* -T */
	bool relative;     /* -r */
	bool paths;        /* -y */
	bool failed_only;  /* -e status=failed (or -Z) */
	bool verbose;      /* -v: environments, stat and uname in full */
	bool trace_set[NR_SYSCALL_TABLE];
	bool signal_set[65];
};
extern struct options opt;

/* trace.c */
int trace_loop(void);
void tracee_start(struct tracee *t);
FILE *output_file(void);
struct tracee *tracee_add(pid_t pid, bool attach_pending);
void tprintf(struct tracee *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tputs(struct tracee *t, const char *s);
extern int ntracees;
extern volatile int interrupted;
extern pid_t child_pid;
extern int child_status;

/* decode.c */
void print_arg(struct tracee *t, int i, long ret);
void print_return(struct tracee *t, long ret);
void print_str(struct tracee *t, unsigned long addr, long len, bool nul_term,
	       long limit);
void print_path(struct tracee *t, unsigned long addr);
void print_ptr(struct tracee *t, unsigned long addr);
int read_mem(pid_t pid, unsigned long addr, void *buf, size_t len);
bool arg_at_exit(struct tracee *t, int i);
int effective_nargs(struct tracee *t);

/* flags.c */
struct flag_name {
	unsigned long value;
	const char *name;
};
void print_flags(struct tracee *t, const struct flag_name *names,
		 unsigned long value, const char *none);
bool print_enum(struct tracee *t, const struct flag_name *names,
		unsigned long value);
extern const struct flag_name open_flags[], prot_flags[], map_flags[],
	map_types[], mremap_flags[], msync_flags[], madv_advices[], at_flags[],
	access_modes[], wait_options[], waitid_types[], clone_flags[],
	fcntl_cmds[], fd_flags[], flock_ops[], lock_types[], ioctl_reqs[],
	sig_hows[], arch_codes[], whences[], clock_ids[], timer_flags[],
	itimers[], futex_ops[], resources[], rusage_whos[], families[],
	sock_types[], sock_flags[], protocols[], msg_flags[], shut_hows[],
	sock_levels[], sock_opts[], tcp_opts[], random_flags[], rename_flags[],
	prctl_opts[], ptrace_reqs[], statx_masks[], sa_flags[], poll_events[],
	mode_types[], prio_whichs[], sched_policies[], mount_flags[],
	umount_flags[], fs_magics[], statfs_flags[], close_range_flags[];
const char *errno_name(int err);
const char *errno_message(int err);

/* signals.c */
const char *signal_name(int sig);
int signal_lookup(const char *name);
void print_sigset(struct tracee *t, const uint64_t *set, size_t bytes);
void print_siginfo(struct tracee *t, const siginfo_t *si);

/* summary.c */
void summary_add(long nr, const struct timespec *time, bool failed);
void summary_print(FILE *fp);

#endif
