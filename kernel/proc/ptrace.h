/*
 * ptrace: one process (the tracer) stops, inspects and changes another
 * (the tracee), with Linux's requests, numbers, structures and wait
 * statuses. The tracee always stops itself, in its own context, at one
 * of a few places (syscall entry and exit, signal delivery, fork, exec,
 * exit); it then sleeps until the tracer resumes it, and while it sleeps
 * the tracer reads and writes its saved user registers and its memory.
 * ptrace.c has the code, docs/ptrace.md the picture of a stop's journey.
 *
 * What a struct proc carries (struct ptrace_link, embedded as
 * proc->ptrace) is all under proc_lock, except where said.
 */
#ifndef KESTREL_PROC_PTRACE_H
#define KESTREL_PROC_PTRACE_H

#include "lib/lib.h"
#include "proc/signal.h"
#include "sched/sched.h"

struct proc;
struct trapframe;

/* What kind of stop a tracee is in (for GETSIGINFO and
 * GET_SYSCALL_INFO). */
enum ptrace_stop_kind {
	PTRACE_STOP_NONE,
	PTRACE_STOP_SIGNAL,        /* signal-delivery stop: tracer picks */
	PTRACE_STOP_GROUP,         /* group stop (SIGSTOP's default action) */
	PTRACE_STOP_SYSCALL_ENTRY, /* before a system call runs */
	PTRACE_STOP_SYSCALL_EXIT,  /* after it, result in rax */
	PTRACE_STOP_EVENT,         /* PTRACE_EVENT_* (fork, exec, exit...) */
};

/* Every field under proc_lock. The tracee itself also reads options,
 * seized and singlestep without it: the tracer changes them only at
 * attach and while the tracee is stopped (whose wakeup passes through
 * proc_lock). */
struct ptrace_link {
	struct proc *tracer;      /* the tracing group's leader, or NULL */
	struct proc *tracee_next; /* on tracer->ptrace.tracees */
	struct proc *tracees;     /* (a tracer's) those it traces */
	unsigned int options;     /* PTRACE_O_* */
	bool seized;              /* attached by PTRACE_SEIZE */
	bool stopped;             /* in a ptrace stop, until resumed */
	unsigned int busy;        /* tracer requests using regs right now */
	int report;               /* wait status not yet seen by the tracer */
	enum ptrace_stop_kind kind;
	struct trapframe *regs;  /* the user registers, while stopped */
	struct ksiginfo siginfo; /* of the stop (signal stops: the signal) */
	uint64_t event_msg;      /* PTRACE_GETEVENTMSG */
	int resume_sig;          /* the signal the tracer resumed with */
	/* SETFPREGS' new SSE state (kmalloc), or NULL: written by the
	 * tracer while busy, put into the registers by the tracee as it
	 * leaves the stop (only a task changes its own registers). */
	struct fpu_state *fpu_set;
	bool singlestep; /* the tracer set the trap flag */
	/* PTRACE_LISTEN: stopped, but not reported, until the group stop
	 * ends or the tracer interrupts; then a new PTRACE_EVENT_STOP. */
	bool listening;
	bool listen_interrupted; /* PTRACE_INTERRUPT came while listening */
	int group_sig;           /* the stop signal of a group stop */
	/* Written under proc_lock, read by the tracee without it (a hint
	 * it re-checks under the lock): */
	bool syscall_work;     /* stop at syscall entry and exit */
	bool trap_pending;     /* PTRACE_INTERRUPT or a new seized child */
	struct waitqueue wait; /* the stopped tracee sleeps here */
};

/* Is p traced? (A racy read, fine as a hint: every decision that
 * matters is taken again under proc_lock.) */
bool ptrace_traced(struct proc *p);

/* ---- hooks, each a line in the file that calls it -------------------- */

/* syscall.c, when p->ptrace.syscall_work is set. Entry stop: the
 * tracer may change the number (p->syscall_nr, orig_rax) and the
 * arguments; false means skip the call (number -1, or killed), leaving
 * rax as the tracer set it (-ENOSYS unless changed). Exit stop: the
 * tracer may change rax. */
bool ptrace_syscall_entry(struct trapframe *tf);
void ptrace_syscall_exit(struct trapframe *tf);
/* signal.c: sig was dequeued for a traced thread: the tracer sees it
 * (signal-delivery stop) and says which signal to deliver instead (0:
 * none); *info may be replaced. */
int ptrace_signal(struct trapframe *tf, int sig, struct ksiginfo *info);
/* signal.c: a traced thread stops for a group stop; returns when the
 * tracer resumes it (not at SIGCONT). */
void ptrace_group_stop(struct trapframe *tf, int sig);
/* signal.c: a PTRACE_INTERRUPT or new-seized-child trap, if pending. */
void ptrace_take_trap(struct trapframe *tf);
/* fork.c: child c (published, not started) of the running process:
 * if the caller is traced and its options ask for this kind of child,
 * attach c to the same tracer (it stops before its first instruction)
 * and return the event to report (PTRACE_EVENT_FORK, VFORK, CLONE);
 * else 0. */
int ptrace_fork_attach(struct proc *c, bool vfork);
/* fork.c, after starting the child: the event stop in the parent. */
void ptrace_fork_report(int event, int child_pid);
/* exec.c: a traced process's execve succeeded (old_pid: its thread id
 * before). */
void ptrace_exec(int old_pid);
/* exit.c: the running thread is about to exit with this status. */
void ptrace_exit(int wait_status);
/* exit.c: the group of tracer l has ended: detach (or kill) its
 * tracees. Caller holds proc_lock. */
void ptrace_tracer_exit_locked(struct proc *l);
/* proc.c: p leaves the table: off its tracer's list. Caller holds
 * proc_lock. */
void ptrace_unlink_locked(struct proc *p);
/* proc.c: execve by a non-leader moves the leader's tracees to self. */
void ptrace_takeover_locked(struct proc *self, struct proc *old_leader);
/* exit.c: thread p, not its group's leader, has ended with wait_status.
 * If it is traced, it stays a zombie until its tracer waits for it (as
 * on Linux) and this returns true; else false and the caller reaps it.
 * Caller holds proc_lock. */
bool ptrace_thread_zombie_locked(struct proc *p, int wait_status);
/* exit.c: zombie l is traced by someone other than its parent: tell the
 * tracer. Caller holds proc_lock. */
bool ptrace_exit_notify_locked(struct proc *l);
/* exit.c's wait: does the tracer self have a tracee to report? */
struct wait_result;
int ptrace_wait_scan_locked(struct proc *self, int idtype, int id, int options,
			    struct wait_result *r);
/* exit.c's wait: is child c's state for its tracer (not its parent) to
 * report first? */
bool ptrace_hides_child_locked(const struct proc *self, struct proc *c);
/* procfs: the tracer's pid, or 0. */
int ptrace_tracer_pid(struct proc *p);

#endif
