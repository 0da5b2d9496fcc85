/*
 * Processes. A process is a task (kernel/sched) that runs a program in
 * user mode, with what Unix gives it: an address space (struct mm), open
 * files (struct fdtable), a working directory, a parent and children, a
 * process group and session, signals, limits and accounting. The first
 * one (init) is made from a file by proc_spawn_init; every other by fork.
 * docs/processes.md has the pictures and the locking, and which file
 * (proc.c, fork.c, exec.c, exit.c, pgrp.c, kill.c, signal.c) does what.
 *
 * Lifetime: alive, then a zombie once it exits (its memory and files are
 * freed at once; the struct stays for the parent's wait), then gone when
 * the parent reaps it. Children of a process that exits go to init.
 */
#ifndef KESTREL_PROC_H
#define KESTREL_PROC_H

#include "arch/x86_64/arch.h"
#include "mm/uvm.h"
#include "proc/cred.h"
#include "proc/ptrace.h"
#include "proc/signal.h"
#include "sched/sched.h"
#include "syscall.h"

/* Linux's wait status: exit code << 8, the signal that killed it (with
 * 0x80 for a core dump), or 0x7f | sig << 8 for a stop, 0xffff for a
 * continue. */
#define WAIT_EXITED(code) (((code)&0xff) << 8)
#define WAIT_SIGNALED(sig) ((sig)&0x7f)
#define WAIT_STOPPED(sig) ((((sig)&0xff) << 8) | 0x7f)
#define WAIT_CONTINUED 0xffff

#define PROC_NAME_MAX 16
#define PROC_CMDLINE_MAX 4096
#define PROC_MAX_DEFAULT 256    /* processes alive at once (proc.max=) */
#define SIGPENDING_DEFAULT 1024 /* RLIMIT_SIGPENDING's default */

/* Resource limits (getrlimit): Linux's numbers. */
#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_SIGPENDING 11 /* queued real-time signals, per user */
#define RLIM_NLIMITS 16
#define RLIM_INFINITY (~0ULL)

struct rlimit64 {
	uint64_t cur, max;
};

enum proc_state {
	PROC_ALIVE,
	PROC_ZOMBIE, /* exited, waiting to be reaped */
};

struct fdtable;
struct inode;

/* Where a process is in the file system, shared by clone(CLONE_FS)
 * (threads) and copied by fork: fs_struct.c, docs/threads.md. */
struct fs_struct {
	struct spinlock lock;
	unsigned int refcount; /* atomic: the struct procs pointing here */
	struct inode *cwd;     /* lock; referenced */
	unsigned int umask;    /* atomic */
};

/* A new one (refcount 1) taking over cwd's reference, or NULL. */
struct fs_struct *fs_struct_alloc(struct inode *cwd, unsigned int umask);
/* fork: a copy of old (the same directory, referenced), or NULL. */
struct fs_struct *fs_struct_copy(struct fs_struct *old);
void fs_struct_get(struct fs_struct *fs);
/* Drop a reference (NULL: nothing); the last drops the directory. */
void fs_struct_put(struct fs_struct *fs);
/* The working directory, referenced (vfs_iput it), or NULL. */
struct inode *fs_struct_cwd(struct fs_struct *fs);
/* Make dir (a reference it takes over) the working directory; the old
 * one, whose reference passes to the caller. */
struct inode *fs_struct_set_cwd(struct fs_struct *fs, struct inode *dir);
unsigned int fs_struct_umask(struct fs_struct *fs);
/* Set the umask; the old one. */
unsigned int fs_struct_set_umask(struct fs_struct *fs, unsigned int umask);

/*
 * A thread group: the threads (each a struct proc with its own task and
 * thread id, its pid field) that make one process, made by clone with
 * CLONE_THREAD. getpid is the group id (the leader's pid, tgid); wait,
 * kill, ps and /proc see the group through its leader. The leader's
 * struct proc stays in the table until the last thread has exited, even
 * when the leader itself exited first. docs/threads.md.
 */
struct thread_group {
	unsigned int refcount; /* atomic: the struct procs that point here */
	struct proc *leader; /* proc_lock: pid == tgid; changes only at exec */
	/* Written under proc_lock and the group's signal lock (sighand),
	 * read under either: */
	struct proc *threads; /* the threads not yet exited, by thread_next */
	unsigned int live;    /* how many */
	bool group_exit;      /* exit_group or a fatal signal: all go */
	int group_status;     /* its wait status */
	struct proc *exec_thread; /* an execve waits for the others to go */
	struct waitqueue exec_wait;
	/* The group's signal lock (sighand->lock): */
	uint64_t shared_pending; /* process-directed signals */
	struct ksiginfo shared_info[NSIG];
	struct sigqueue *shared_queue; /* real-time ones, oldest first */
	/* posix_timer.c's lock: */
	struct posix_timer *timers; /* timer_create's */
	int next_timer_id;
	bool stopped; /* group stop, until SIGCONT or SIGKILL */
	struct waitqueue stop_wait;
};

struct proc {
	/* Set at creation, constant afterwards (pid, tgid: except that an
	 * execve by a thread gives it the leader's pid, under proc_lock). */
	int pid;  /* the thread id (gettid); the group leader's is the pid */
	int tgid; /* the thread group's id (getpid) */
	struct thread_group *tg;
	struct task *task;
	uint64_t start_ns; /* time_ns() at fork */

	/* proc_lock (proc.c) protects the family, the state and the ids. */
	struct proc *parent;
	struct proc *children; /* newest first, linked by sibling */
	struct proc *sibling;
	struct proc *hash_next; /* pid hash chain */
	int pgid, sid;
	enum proc_state state;
	int exit_status;       /* wait status, once a zombie */
	int stop_report;       /* a stop or continue not yet seen by wait */
			       /* (whether it is stopped now: sig.stopped) */
	unsigned int refcount; /* the table's, the parent's, lookers' */
	struct waitqueue child_wait; /* the process sleeps here in wait4 */
	bool vfork_done;             /* a vfork parent sleeps until this */
	bool kernel_child; /* made by proc_spawn: proc_wait reaps it */
	struct waitqueue vfork_wait;
	bool thread_exited;       /* its task is gone (a leader that exited
			     * before the rest of its group) */
	struct proc *thread_next; /* tg->threads (see struct thread_group) */

	/* Changed only by the process itself (others may read them, racily,
	 * for /proc); cmdline and mm are replaced under proc_lock, so that
	 * others use them through proc_cmdline_copy and proc_mm_get: */
	char name[PROC_NAME_MAX]; /* the program's base name, as comm */
	char *cmdline;            /* argv, NUL-separated (kmalloc) */
	size_t cmdline_len;
	struct mm *mm;
	struct fdtable *files;
	struct fs_struct *fs; /* working directory, umask (fs_struct.c) */
	/* The program (/proc/PID/exe): its inode (referenced) and real
	 * path (kmalloc), set by execve, or NULL. Like files and cwd, set
	 * and cleared under proc_lock, so that others can take them with
	 * proc_files_get, proc_cwd_get and proc_exe_get. */
	struct inode *exe;
	char *exe_path;
	struct rlimit64 rlim[RLIM_NLIMITS];
	int exit_signal;         /* sent to the parent on exit: SIGCHLD, or 0 */
	uint64_t syscall_nr;     /* the call in progress, for restarts */
	uaddr_t set_child_tid;   /* CLONE_CHILD_SETTID: tid written at start */
	uaddr_t clear_child_tid; /* set_tid_address: 0 and a futex wake at
				  * exit (pthread_join) */
	uaddr_t robust_list;     /* set_robust_list's head */
	uint64_t robust_len;
	bool frame_rewritten; /* return by iretq (see syscall_dispatch) */

	/* CPU time, in ns (atomic adds, by the process and the tick). */
	uint64_t utime_ns, stime_ns;
	uint64_t cutime_ns, cstime_ns; /* reaped children's (proc_lock) */
	/* Page faults: its mm's counts once it has exited (mm->minflt,
	 * majflt before), and its reaped children's (proc_lock). */
	uint64_t minflt, majflt, cminflt, cmajflt;

	/* The real-time timer (itimer.c; its alarm lock). */
	uint64_t alarm_at, alarm_every; /* time_ns() deadline, interval */
	struct proc *alarm_next;

	/* Signals: under sig.lock (signal.h). */
	struct signal_state sig;

	/* Tracing: under proc_lock (ptrace.h says which are read without). */
	struct ptrace_link ptrace;

	/* Credentials: written by this thread only, under cred_lock
	 * (cred.h). */
	struct spinlock cred_lock;
	struct cred cred;
};

/* Boot: the process table's limit (proc.max= on the command line). */
void proc_init(void);
/* Load the static executable at path with argv and envp into a new
 * process with no parent, started at once: 0 with *out (referenced), or
 * a negative errno (-ENOENT, -ENOEXEC, ...). Kernel tests use it. */
int proc_spawn(const char *path, char *const argv[], char *const envp[],
	       struct proc **out);
/* Start init (pid 1) from path: 0 or a negative errno. */
int proc_spawn_init(const char *path, char *const argv[], char *const envp[]);
/* Kernel callers of proc_spawn: sleep until p exits and reap it; its wait
 * status. */
int proc_wait(struct proc *p);

/* The running process, or NULL in a kernel task. */
struct proc *proc_current(void);
/* The process with this pid, referenced (proc_put), or NULL. Zombies
 * included. */
struct proc *proc_get(int pid);
void proc_put(struct proc *p);
/* Call fn for each process (zombies included), under proc_lock: fn must
 * not sleep. */
void proc_for_each(void (*fn)(struct proc *p, void *arg), void *arg);
/* Snapshot of the pids in the table now (zombies included), ascending,
 * into pids (at most max); how many there are. For /proc and ps. */
int proc_list_pids(int *pids, int max);
/* The parent's pid (0 for init). */
int proc_ppid(struct proc *p);
/* For /proc, about another process: a reference to p's address space
 * (mm_put it), or NULL once p has exited; p's command line copied into
 * buf (at most size bytes), returning its whole length. */
struct mm *proc_mm_get(struct proc *p);
/* Another process's file table, working directory or program (and its
 * path, into buf of VFS_PATH_MAX bytes), referenced; NULL once it has
 * exited (or never exec'd, for exe). */
struct fdtable *proc_files_get(struct proc *p);
struct inode *proc_cwd_get(struct proc *p);
/* p's umask (0 once it has exited), for /proc. */
unsigned int proc_umask(struct proc *p);
/* chdir: make dir (a reference p takes over) p's working directory;
 * the old one, whose reference the caller drops. */
struct inode *proc_cwd_set(struct proc *p, struct inode *dir);
struct inode *proc_exe_get(struct proc *p, char *buf);
size_t proc_cmdline_copy(struct proc *p, char *buf, size_t size);

/* kill.c: kill(2): pid > 0 one process, 0 the caller's group, -1
 * everyone but init and the caller, < -1 the group -pid. 0, -ESRCH or
 * -EINVAL. */
int proc_kill(int pid, int sig, const struct ksiginfo *info);
/* exit.c: signal delivery stopped or continued p: tell its parent. */
void proc_notify_stop(struct proc *p, int sig);
void proc_notify_continue(struct proc *p);
/* itimer.c: send SIGALRM to those due (timer interrupt); disarm at
 * exit. */
void itimer_tick(void);
void itimer_exit(struct proc *p);
/* posix_timer.c: fire the POSIX timers due (timer interrupt); delete a
 * group's timers (exec, and when the group is freed); a thread exits:
 * SIGEV_THREAD_ID timers aimed at it send nothing more. */
void posix_timer_tick(void);
void posix_timer_group_exit(struct thread_group *tg);
void posix_timer_thread_exit(struct proc *p);
/* The timer's accounting: ns of CPU time to the running process. */
void proc_tick(bool user, uint64_t ns);

/* End the running process (every thread of its group) with a wait
 * status (never returns). */
__noreturn void proc_exit(int wait_status);
/* End the running thread only (exit(2)); the last thread's end is the
 * process's. */
__noreturn void proc_thread_exit(int wait_status);
/* The leader of p's thread group (the struct proc that wait, kill and
 * /proc see). */
struct proc *proc_leader(struct proc *p);
/* How many threads p's group has now (for /proc). */
unsigned int proc_thread_count(struct proc *p);
/* The thread ids of p's group, ascending, into tids (at most max); how
 * many there are. For /proc/PID/task. */
int proc_list_tids(struct proc *p, int *tids, int max);

struct proc_counts {
	unsigned int alive, zombies, max;
	uint64_t forks; /* since boot */
};
void proc_get_counts(struct proc_counts *c);

/* exec.c: load the program at path into mm (fresh, empty); on success
 * *entry and *user_rsp say where it starts, and *cred (the caller's on
 * entry) holds the credentials the program runs with (a set-user-ID
 * file's owner). A message on the console says why a file is not
 * runnable. */
int exec_load(struct mm *mm, const char *path, char *const argv[],
	      char *const envp[], struct cred *cred, uint64_t *entry,
	      uint64_t *user_rsp);

/* syscall.c, from syscall.S */
int syscall_dispatch(struct trapframe *tf);

/* A fault in user mode (trap.c): resolved by the page fault handler, or
 * turned into a signal. */
void proc_user_fault(struct trapframe *tf);
/* On every way back to user mode (syscall, trap, interrupt): deliver
 * pending signals, stop if stopped, preempt if asked. */
void proc_return_to_user(struct trapframe *tf);

#endif
