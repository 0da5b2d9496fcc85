/*
 * Between the files of kernel/proc: the process table's lock and the
 * operations on the table that fork, exit, wait, the group calls and
 * kill share. proc.c owns the table; nothing outside kernel/proc
 * includes this header (others use proc.h). docs/processes.md.
 */
#ifndef KESTREL_PROC_TABLE_H
#define KESTREL_PROC_TABLE_H

#include "proc/proc.h"

/* Guards the pid hash, every process's family links, state and ids, and
 * the counts (struct proc says which fields). Taken before any
 * process's sig.lock, and before the sched lock. */
extern struct spinlock proc_lock;

/*
 * Every process in the table, zombies included, in the hash's order:
 *
 *	struct proc *p;
 *
 *	spin_lock(&proc_lock);
 *	for_each_proc_locked(p)
 *		...;
 *	spin_unlock(&proc_lock);
 *
 * The rule: the caller holds proc_lock from the first step to the last
 * (a process could leave the table, and p with it, while it is
 * dropped), and the body neither publishes nor reaps a process, since
 * either changes the chain the walk is on. break and continue work as
 * in any for loop. Outside kernel/proc, proc_for_each (proc.h) does the
 * same with a callback.
 */
#define for_each_proc_locked(p) \
	for ((p) = proc_first_locked(); (p); (p) = proc_next_locked(p))
struct proc *proc_first_locked(void);
struct proc *proc_next_locked(struct proc *p);

/* The process with this pid, zombies included, or NULL. Caller holds
 * proc_lock. */
struct proc *proc_lookup_locked(int pid);
/* Put p (from fork.c's proc_alloc) in the table under parent (NULL: made
 * by the kernel), with a new pid: 0, or -EAGAIN at the process limit.
 * The first process with is_init is init, pid 1. Takes proc_lock. */
int proc_publish(struct proc *p, struct proc *parent, bool is_init);
/* Put the thread c (from fork.c, its tg set) in the table, in self's
 * group, with a new thread id: 0, or -EAGAIN at the process limit or
 * when the group is exiting. Takes proc_lock. */
int proc_publish_thread(struct proc *c, struct proc *self);
/* The thread p has exited: off its group's list (live goes down),
 * thread_exited set. Caller holds proc_lock (takes the signal lock). */
void proc_thread_unlink_locked(struct proc *p);
/* The exited thread p, not its group's leader: its times count as the
 * process's (added to the leader's, which must still be there: call it
 * as the thread ends). Caller holds proc_lock. */
void proc_thread_account_locked(struct proc *p);
/* Remove an exited thread that is not its group's leader from the
 * table, its times counted already: no one waits for it, or its tracer
 * has (the leader may be gone by then: this never touches it). Caller
 * holds proc_lock. */
void proc_thread_reap_locked(struct proc *p);
/* execve by a thread that is not the leader, the others gone: it takes
 * the leader's pid and place (parent, children, ids), and the old
 * leader's struct goes. Caller holds proc_lock. */
void proc_exec_takeover_locked(struct proc *self);
/* Free a struct proc whose last reference is gone. */
void proc_free(struct proc *p);
/* Make p a zombie with this wait status; its children go to init.
 * Caller holds proc_lock. */
void proc_make_zombie_locked(struct proc *p, int wait_status);
/* Remove a zombie from the table (its times go to its parent's
 * children's times) and drop the table's and the parent's references.
 * Caller holds proc_lock. */
void proc_reap_locked(struct proc *p);
/* Is p init (pid 1)? */
bool proc_is_init(const struct proc *p);

/* wait4's and waitid's options, and waitid's id types: Linux's
 * (include/uapi/linux/wait.h). */
#define WNOHANG 0x00000001
#define WUNTRACED 0x00000002
#define WSTOPPED WUNTRACED
#define WEXITED 0x00000004
#define WCONTINUED 0x00000008
#define WNOWAIT 0x01000000
#define __WNOTHREAD 0x20000000
#define __WALL 0x40000000
#define __WCLONE 0x80000000

#define P_ALL 0
#define P_PID 1
#define P_PGID 2

/* What wait found (exit.c, and ptrace.c for tracees). */
struct wait_result {
	int pid;
	int status; /* wait status */
	int code;   /* CLD_* */
	uint64_t utime_ns, stime_ns;
};

/* Does process c match wait's (idtype, id)? Caller holds proc_lock. */
bool proc_wait_matches(struct proc *c, int idtype, int id);
/* Zombie l goes to its parent: reaped at once if the parent asked for
 * no zombies, else the parent's SIGCHLD and wait. Caller holds
 * proc_lock. */
void proc_release_zombie_locked(struct proc *l);

/* A new program's name (the base name of path) and command line (argv);
 * by the process itself, in spawn and execve. */
void proc_set_name(struct proc *p, const char *path);
void proc_set_cmdline(struct proc *p, char *const argv[]);
/* fork.c: p has let go of the memory it shared with a vfork parent (it
 * exec'd or is exiting): wake that parent. Takes proc_lock. */
void proc_vfork_release(struct proc *p);

#endif
