/*
 * Signals, with Linux's numbers, structures and semantics: each process
 * has an action per signal (default, ignore, or a handler), a mask of
 * blocked signals and a set of pending ones. A signal is sent by kill,
 * by the terminal (^C, ^Z), by the kernel (SIGCHLD, SIGPIPE, faults);
 * it is delivered when the process next returns to user mode, by running
 * its handler on a frame built on the user stack (rt_sigreturn undoes it)
 * or by the default action. docs/signals.md.
 *
 * A task that sleeps in the kernel on behalf of a process (a pipe read,
 * wait4, nanosleep) must come back when a signal arrives: it loops on
 *
 *	while (!cond) {
 *		if (signal_pending())
 *			return -ERESTARTSYS;
 *		sleep_on(&wq, &lk);
 *	}
 *
 * signal_send wakes the task from any wait queue (task_interrupt). On the
 * way out, -ERESTARTSYS becomes -EINTR, or restarts the call when the
 * handler has SA_RESTART (or there is no handler).
 */
#ifndef KESTREL_SIGNAL_H
#define KESTREL_SIGNAL_H

#include "lib/lib.h"
#include "lib/spinlock.h"
#include "sched/sched.h"

#define NSIG 64 /* signals 1..64 */

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO 29
#define SIGPWR 30
#define SIGSYS 31
/* The real-time signals, SIGRTMIN..SIGRTMAX (the kernel's numbers; musl
 * keeps 32 and 33 for itself, so its SIGRTMIN is 34): each send is
 * queued with its value, where a standard signal merges with one
 * already pending. */
#define SIGRTMIN 32
#define SIGRTMAX 64

#define SIG_DFL 0
#define SIG_IGN 1

#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO 0x00000004
#define SA_RESTORER 0x04000000
#define SA_ONSTACK 0x08000000
#define SA_RESTART 0x10000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

#define SS_ONSTACK 1
#define SS_DISABLE 2
#define MINSIGSTKSZ 2048

/* si_code values. */
#define SI_USER 0
#define SI_KERNEL 0x80
#define SI_QUEUE (-1)
#define SI_TIMER (-2)
#define SI_TKILL (-6)
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define BUS_ADRERR 2
#define ILL_ILLOPN 2
#define FPE_INTDIV 1
#define TRAP_BRKPT 1
#define TRAP_TRACE 2
#define CLD_EXITED 1
#define CLD_KILLED 2
#define CLD_DUMPED 3
#define CLD_TRAPPED 4
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

/* The return value a blocking call gives when a signal interrupts it
 * (never seen by user space). */
#define ERESTARTSYS 512

#define SIGBIT(sig) (1ULL << ((sig)-1))

/* struct sigaction as the rt_sigaction system call passes it (the
 * kernel's layout, not libc's). */
struct k_sigaction {
	uint64_t handler; /* SIG_DFL, SIG_IGN or a user address */
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

/* Linux's siginfo_t, 128 bytes; the fields Kestrel fills. */
struct ksiginfo {
	int32_t si_signo;
	int32_t si_errno;
	int32_t si_code;
	int32_t pad0;
	union {
		struct {
			int32_t pid;
			uint32_t uid;
			int32_t status; /* SIGCHLD */
			int32_t pad1;
			int64_t utime, stime;
		} kill;
		struct {
			int32_t pid;
			uint32_t uid;
			uint64_t value; /* sigval: int or pointer */
		} rt;                   /* sigqueue */
		struct {
			int32_t tid; /* the timer's id */
			int32_t overrun;
			uint64_t value;
		} timer; /* SI_TIMER */
		struct {
			uint64_t addr; /* faults */
		} fault;
		uint8_t pad[112];
	};
};

/* One queued real-time signal, in a pending set's queue (sending order).
 * It counts against its user's RLIMIT_SIGPENDING. A POSIX timer's entry
 * (timer: set) is the timer's own, made when the timer is and queued
 * for each expiry that finds it out of the queue; one that finds it
 * queued counts an overrun. Under the signal lock of the group it is
 * sent to, but next and info, which are written only before a send. */
struct sigqueue {
	struct sigqueue *next;
	struct ksiginfo info;
	uint32_t uid;                  /* whose count it is in */
	bool timer;                    /* a timer's: never freed by the queue */
	bool queued;                   /* timer's: in a queue now */
	int32_t overrun, overrun_last; /* timer's: now, at the last delivery */
};

/* The handlers, shared by the threads of a group (and by processes made
 * with CLONE_SIGHAND). Its lock is the group's signal lock: it protects
 * the actions here, every signal_state that points here, and the
 * group's shared pending set and stop (struct thread_group). */
struct sighand {
	struct spinlock lock;
	unsigned int refcount; /* atomic: the signal_states pointing here */
	struct k_sigaction action[NSIG];
};

/* One thread's signals; under hand->lock. */
struct signal_state {
	struct sighand *hand;     /* changed only by execve (see old_hand) */
	struct sighand *old_hand; /* the one execve left, kept until freed */
	uint64_t blocked;
	uint64_t pending;           /* thread-directed (tkill, faults) */
	struct ksiginfo info[NSIG]; /* for each pending standard signal */
	struct sigqueue *queue;     /* pending real-time ones, oldest first */
	uint64_t saved_mask; /* rt_sigsuspend's, restored after delivery */
	bool restore_mask;
	uint64_t altstack_sp, altstack_size;
	int altstack_flags;
	bool dead;             /* exiting: its task may be gone, send nothing */
	struct waitqueue wait; /* sigsuspend and pause */
};

struct proc;
struct trapframe;
struct thread_group;

/* Initial state: every action SIG_DFL, nothing blocked or pending;
 * -ENOMEM. */
int signal_state_init(struct signal_state *s);
/* fork: the child inherits the mask, and the actions (a copy, or the
 * same sighand with share) and, unless thread, the alternate stack.
 * -ENOMEM. */
int signal_state_fork(struct signal_state *child, struct signal_state *parent,
		      bool share, bool thread);
/* exec: handlers go back to SIG_DFL (ignored stay ignored); a sighand
 * shared with another process is copied first. */
void signal_state_exec(struct signal_state *s);
/* Take and drop the signal lock of p's group (procfs, poll). */
struct sighand *signal_lock(struct proc *p);
void signal_unlock(struct sighand *h);
/* Drop s's sighand reference and its queued signals (proc_free). */
void signal_state_free(struct signal_state *s);
/* Free the group's queued signals (when the group goes). */
void signal_group_free(struct thread_group *tg);

/* Send sig to p's process (0 tests only): any thread of its group that
 * does not block it takes it. info may be NULL (SI_USER from the
 * kernel). SIGKILL and SIGCONT wake a stopped process; a stop signal
 * discards a pending SIGCONT and the reverse. */
void signal_send(struct proc *p, int sig, const struct ksiginfo *info);
/* Send sig to the thread p only (tkill, tgkill, pthread_kill). */
void signal_send_thread(struct proc *p, int sig, const struct ksiginfo *info);
/* sigqueue: as signal_send (thread: signal_send_thread), but a real-time
 * signal whose queue is full (RLIMIT_SIGPENDING) is not sent: -EAGAIN.
 * 0 otherwise. */
int signal_queue(struct proc *p, int sig, const struct ksiginfo *info,
		 bool thread);
/* POSIX timers (posix_timer.c). Count q, a timer's entry, against the
 * caller's user (0, or -EAGAIN at RLIMIT_SIGPENDING), and uncount it;
 * take it out of the queue of thread (if not NULL) or of the group tg
 * whose signal lock is h (a signal it carried stays pending); send it
 * there (an expiry: queued, or an overrun if it still is); the overruns
 * at its last delivery. missed: expiries the tick passed over, overruns
 * too. */
int signal_timer_entry_init(struct sigqueue *q);
void signal_timer_entry_free(struct sigqueue *q);
void signal_timer_unqueue(struct sighand *h, struct thread_group *tg,
			  struct proc *thread, struct sigqueue *q);
void signal_send_timer(struct sighand *h, struct thread_group *tg,
		       struct proc *thread, struct sigqueue *q,
		       uint64_t missed);
int signal_timer_overrun(struct sighand *h, const struct sigqueue *q);
/* The sighand of the running thread, referenced (a timer keeps it);
 * and the reference dropped. */
struct sighand *signal_hand_get(void);
void signal_hand_put(struct sighand *h);

/* How many real-time signals user uid has queued (RLIMIT_SIGPENDING
 * counts them; /proc/PID/status's SigQ). */
unsigned int signal_user_queued(uint32_t uid);
/* Is p's group stopped (for /proc)? */
bool signal_stopped(struct proc *p);
/* exit_group and exec: SIGKILL to every thread of the caller's group but
 * itself. Caller holds proc_lock. */
void signal_kill_other_threads_locked(struct proc *self);
/* kill.c: send to every process in group pgid; -ESRCH if there is
 * none. */
int signal_send_pgrp(int pgid, int sig);
/* exit: no more signals to p (its task is about to go). */
void signal_exit(struct proc *p);
/* signalfd: take the running thread's first pending signal in mask
 * (its own, then its process's), with its siginfo: the signal or 0; is
 * one of mask pending? */
int signal_dequeue(uint64_t mask, struct ksiginfo *info);
bool signal_pending_in(uint64_t mask);
/* Has the running process an unblocked pending signal? */
bool signal_pending(void);
/* Does parent (its SIGCHLD action) ask for children to be reaped
 * without a zombie (SIG_IGN or SA_NOCLDWAIT), or for no SIGCHLD on stop
 * (SA_NOCLDSTOP)? */
bool signal_child_autoreap(struct proc *parent);
bool signal_nocldstop(struct proc *parent);
/* Deliver what is pending (proc_return_to_user). */
void signal_deliver(struct trapframe *tf);

#endif
