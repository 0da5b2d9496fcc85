/*
 * ptrace (ptrace.h): Linux's process-tracing interface, and
 * process_vm_readv/writev.
 *
 * The one idea: a tracee always stops itself. When it reaches a point
 * the tracer asked to see (a system call's entry or exit, a signal about
 * to be delivered, a fork, an exec, its exit), it calls ptrace_stop,
 * which under proc_lock records what happened (the wait status in
 * ptrace.report, a pointer to its saved user registers in ptrace.regs),
 * wakes its tracer's wait4 and sends it SIGCHLD, and sleeps on
 * ptrace.wait until the tracer resumes it (stopped goes false) or a
 * SIGKILL comes. While it sleeps, its registers sit still in the
 * trapframe at the top of its kernel stack and its memory is reachable
 * through its mm, so the tracer's requests read and write them there.
 * A request marks the tracee busy while it works (proc_lock dropped,
 * for user copies that may fault), and the tracee does not leave its
 * stop, even for SIGKILL, until busy is back to 0: so the frame and the
 * struct never go away under a request.
 *
 *   tracer                              tracee (any CPU)
 *   ptrace(PTRACE_SYSCALL, pid, 0, 0)   runs...  syscall
 *   wait4(pid) sleeps on child_wait     syscall_dispatch
 *                                       ptrace_syscall_entry
 *                                         ptrace_stop: report, wake
 *   wait4 returns 0x857f  <-------------  tracer, sleep on ptrace.wait
 *   ptrace(GETREGS) reads regs
 *   ptrace(SYSCALL) stopped = false --->  wakes, runs the call
 *
 * The tracer is a thread group, recorded as its leader; any of its
 * threads may make requests and wait. docs/ptrace.md has the whole
 * journey of a stop, the data structures and the locking.
 */
#include "proc/proc.h"
#include "proc/table.h"
#include "proc/ptrace.h"

/* Requests (Linux's include/uapi/linux/ptrace.h, asm/ptrace-abi.h). */
#define PTRACE_TRACEME 0
#define PTRACE_PEEKTEXT 1
#define PTRACE_PEEKDATA 2
#define PTRACE_PEEKUSER 3
#define PTRACE_POKETEXT 4
#define PTRACE_POKEDATA 5
#define PTRACE_POKEUSER 6
#define PTRACE_CONT 7
#define PTRACE_KILL 8
#define PTRACE_SINGLESTEP 9
#define PTRACE_GETREGS 12
#define PTRACE_SETREGS 13
#define PTRACE_GETFPREGS 14
#define PTRACE_SETFPREGS 15
#define PTRACE_ATTACH 16
#define PTRACE_DETACH 17
#define PTRACE_SYSCALL 24
#define PTRACE_SETOPTIONS 0x4200
#define PTRACE_GETEVENTMSG 0x4201
#define PTRACE_GETSIGINFO 0x4202
#define PTRACE_SETSIGINFO 0x4203
#define PTRACE_GETREGSET 0x4204
#define PTRACE_SETREGSET 0x4205
#define PTRACE_SEIZE 0x4206
#define PTRACE_INTERRUPT 0x4207
#define PTRACE_LISTEN 0x4208
#define PTRACE_GET_SYSCALL_INFO 0x420e

#define PTRACE_O_TRACESYSGOOD 0x1
#define PTRACE_O_TRACEFORK 0x2
#define PTRACE_O_TRACEVFORK 0x4
#define PTRACE_O_TRACECLONE 0x8
#define PTRACE_O_TRACEEXEC 0x10
#define PTRACE_O_TRACEVFORKDONE 0x20
#define PTRACE_O_TRACEEXIT 0x40
#define PTRACE_O_EXITKILL 0x100000
/* What SETOPTIONS accepts: the above (no seccomp in Kestrel). */
#define PTRACE_O_MASK                                                         \
	(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |   \
	 PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEVFORKDONE | \
	 PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL)

#define PTRACE_EVENT_FORK 1
#define PTRACE_EVENT_VFORK 2
#define PTRACE_EVENT_CLONE 3
#define PTRACE_EVENT_EXEC 4
#define PTRACE_EVENT_EXIT 6
#define PTRACE_EVENT_STOP 128

#define PTRACE_SYSCALL_INFO_NONE 0
#define PTRACE_SYSCALL_INFO_ENTRY 1
#define PTRACE_SYSCALL_INFO_EXIT 2
#define AUDIT_ARCH_X86_64 0xc000003e

#define NT_PRSTATUS 1 /* GETREGSET: the general registers */
#define NT_PRFPREG 2  /* the fxsave area */
#define REGSET_UNIT 8 /* a regset's iov_len is a multiple of this */
/* In the fxsave area (Intel SDM vol. 1, 10.5.1, table 10-2): MXCSR, and
 * MXCSR_MASK, the bits this CPU lets MXCSR have (0: the default). */
#define FXSAVE_MXCSR 24
#define FXSAVE_MXCSR_MASK 28
#define MXCSR_MASK_DEFAULT 0xffbf

#define SYSCALL_STOP 0x80  /* with TRACESYSGOOD: SIGTRAP | 0x80 */
#define VEC_SYSCALL 256    /* a trapframe made by syscall.S */
#define LINUX_USER_CS 0x33 /* the selectors Linux's user_regs_struct */
#define LINUX_USER_SS 0x2b /* shows (Kestrel's GDT has others) */
#define USER_AREA_SIZE 928 /* sizeof(struct user) on x86-64 */
#define PROCESS_VM_IOV_MAX 1024

/* Linux's struct user_regs_struct (arch/x86/include/asm/user_64.h). */
struct user_regs {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	uint64_t rax, rcx, rdx, rsi, rdi, orig_rax;
	uint64_t rip, cs, eflags, rsp, ss;
	uint64_t fs_base, gs_base, ds, es, fs, gs;
};
_Static_assert(sizeof(struct user_regs) == 216, "user_regs_struct");

struct syscall_info {
	uint8_t op;
	/* cppcheck-suppress unusedStructMember */
	uint8_t pad[3];
	uint32_t arch;
	uint64_t instruction_pointer;
	uint64_t stack_pointer;
	union {
		struct {
			uint64_t nr;
			uint64_t args[6];
		} entry;
		struct {
			int64_t rval;
			uint8_t is_error;
		} exit;
	};
};

struct user_iovec {
	uint64_t base;
	uint64_t len;
};

bool ptrace_traced(struct proc *p)
{
	return __atomic_load_n(&p->ptrace.tracer, __ATOMIC_RELAXED) != NULL;
}

/* Has p a SIGKILL pending (its own, or its group's: exit_group and
 * fatal signals send one to every other thread)? Then it does not
 * stop, and leaves a stop it is in. */
static bool dying(struct proc *p)
{
	uint64_t pend =
		__atomic_load_n(&p->sig.pending, __ATOMIC_RELAXED) |
		__atomic_load_n(&p->tg->shared_pending, __ATOMIC_RELAXED);

	return pend & SIGBIT(SIGKILL);
}

/* ---- permission ---------------------------------------------------------- */

/* Is a an ancestor of t (a process of t's family line)? Caller holds
 * proc_lock. */
static bool is_ancestor_locked(const struct proc *a, struct proc *t)
{
	for (struct proc *q = t->tg->leader->parent; q; q = q->parent)
		if (q == a)
			return true;
	return false;
}

/* Root (euid 0) may trace anyone (Linux's CAP_SYS_PTRACE). */
static bool may_trace_anyone(struct proc *self)
{
	struct cred c;

	cred_snapshot(self, &c);
	return c.euid == 0;
}

/* Linux's rule for the others: the tracer's real uid and gid are each
 * of t's three (real, effective, saved), so a set-user-ID program that
 * gained another user's powers is out of reach. */
static bool same_user(struct proc *self, struct proc *t)
{
	struct cred a, b;

	cred_snapshot(self, &a);
	cred_snapshot(t, &b);
	return a.uid == b.uid && a.uid == b.euid && a.uid == b.suid &&
	       a.gid == b.gid && a.gid == b.egid && a.gid == b.sgid;
}

/* May self (a tracer's leader) look into t (trace it, read or write its
 * memory)? Its own threads; its descendants that are the same user (as
 * Linux with Yama's ptrace_scope 1); anyone for root. The one place the
 * rule lives. Caller holds proc_lock (the credentials' locks nest inside
 * it). */
static bool ptrace_may_access(struct proc *self, struct proc *t)
{
	return t->tg == self->tg || may_trace_anyone(self) ||
	       (is_ancestor_locked(self, t) && same_user(self, t));
}

/* ---- the tracer-tracee link: caller holds proc_lock ---------------------- */

static void link_locked(struct proc *t, struct proc *tracer, bool seized,
			unsigned int options)
{
	struct ptrace_link *pt = &t->ptrace;

	pt->tracee_next = tracer->ptrace.tracees;
	tracer->ptrace.tracees = t;
	pt->seized = seized;
	pt->options = options;
	pt->report = 0;
	pt->resume_sig = 0;
	pt->singlestep = false;
	__atomic_store_n(&pt->tracer, tracer, __ATOMIC_RELEASE);
}

void ptrace_unlink_locked(struct proc *t)
{
	struct ptrace_link *pt = &t->ptrace;
	struct proc **pp;

	if (!pt->tracer)
		return;
	for (pp = &pt->tracer->ptrace.tracees; *pp && *pp != t;
	     pp = &(*pp)->ptrace.tracee_next)
		;
	if (*pp)
		*pp = pt->tracee_next;
	pt->tracee_next = NULL;
	__atomic_store_n(&pt->tracer, NULL, __ATOMIC_RELEASE);
	__atomic_store_n(&pt->syscall_work, false, __ATOMIC_RELAXED);
	__atomic_store_n(&pt->trap_pending, false, __ATOMIC_RELAXED);
	pt->report = 0;
	pt->options = 0;
	if (pt->stopped) {
		if (pt->singlestep)
			pt->regs->rflags &= ~RFLAGS_TF;
		pt->stopped = false;
		wake_up(&pt->wait);
	}
	pt->singlestep = false;
}

void ptrace_takeover_locked(struct proc *self, struct proc *old_leader)
{
	struct proc **pp = &old_leader->ptrace.tracees;

	/* The tracees stay as they are (stopped ones stay stopped); only
	 * the leader they point at changes. */
	for (; *pp; pp = &(*pp)->ptrace.tracee_next)
		__atomic_store_n(&(*pp)->ptrace.tracer, self, __ATOMIC_RELEASE);
	*pp = self->ptrace.tracees;
	self->ptrace.tracees = old_leader->ptrace.tracees;
	old_leader->ptrace.tracees = NULL;
	ptrace_unlink_locked(old_leader);
}

void ptrace_tracer_exit_locked(struct proc *l)
{
	struct proc *t;

	while ((t = l->ptrace.tracees)) {
		if (t->ptrace.options & PTRACE_O_EXITKILL)
			signal_send(t, SIGKILL, NULL);
		t->ptrace.resume_sig = 0;
		ptrace_unlink_locked(t);
		/* An exit the tracer never collected goes to the parent; a
		 * thread's goes with the thread. */
		if (t->state == PROC_ZOMBIE && t == t->tg->leader)
			proc_release_zombie_locked(t);
		else if (t->state == PROC_ZOMBIE)
			proc_thread_reap_locked(t);
	}
}

int ptrace_tracer_pid(struct proc *p)
{
	struct proc *tracer;
	int pid;

	spin_lock(&proc_lock);
	tracer = p->ptrace.tracer;
	pid = tracer ? tracer->pid : 0;
	spin_unlock(&proc_lock);
	return pid;
}

/* ---- stops: the tracee, in its own context -------------------------------- */

/* Tell the tracer about a stop or an exit: a wakeup for its wait4, and
 * SIGCHLD. Caller holds proc_lock. */
static void notify_tracer_locked(struct proc *t, int code, int status)
{
	struct proc *tracer = t->ptrace.tracer;
	struct ksiginfo info = { 0 };

	wake_up(&tracer->child_wait);
	if (code == CLD_TRAPPED && signal_nocldstop(tracer))
		return;
	info.si_signo = SIGCHLD;
	info.si_code = code;
	info.kill.pid = t->pid;
	info.kill.status = status;
	signal_send(tracer, SIGCHLD, &info);
}

/* Does listening tracee p (caller holds proc_lock) report again: its
 * group stop is over (SIGCONT), or its tracer interrupted it? */
static bool listen_ends(struct proc *p)
{
	struct ptrace_link *pt = &p->ptrace;

	return pt->listening && pt->stopped && pt->tracer && !dying(p) &&
	       (pt->listen_interrupted ||
		!__atomic_load_n(&p->tg->stopped, __ATOMIC_RELAXED));
}

/* Record stop code (status>>8) of kind for the tracer, and tell it.
 * Caller holds proc_lock. */
static void report_locked(struct proc *p, int code, enum ptrace_stop_kind kind)
{
	struct ptrace_link *pt = &p->ptrace;

	pt->report = WAIT_STOPPED(code & 0xff) | ((code & ~0xff) << 8);
	pt->kind = kind;
	notify_tracer_locked(p, CLD_TRAPPED, code & 0x7f);
}

/* A listening tracee's new stop, as Linux's: PTRACE_EVENT_STOP with the
 * stop signal while the group is still stopped, SIGTRAP once it is
 * not. Caller holds proc_lock. */
static void listen_retrap_locked(struct proc *p)
{
	struct ptrace_link *pt = &p->ptrace;
	bool group = __atomic_load_n(&p->tg->stopped, __ATOMIC_RELAXED);
	int code = (group ? pt->group_sig : SIGTRAP) | PTRACE_EVENT_STOP << 8;

	pt->listening = false;
	pt->listen_interrupted = false;
	memset(&pt->siginfo, 0, sizeof(pt->siginfo));
	pt->siginfo.si_signo = SIGTRAP;
	pt->siginfo.si_code = code;
	report_locked(p, code, group ? PTRACE_STOP_GROUP : PTRACE_STOP_EVENT);
}

/*
 * The running tracee stops: the tracer sees wait status 0x7f | code << 8
 * and, with the registers tf, a stop of this kind; *info (if not NULL)
 * is its siginfo, and comes back as the tracer left it. Sleeps until
 * the tracer resumes it, a SIGKILL comes, or the tracer goes. Returns
 * the signal the tracer resumed with (0 for none), or -1 if there was
 * no stop (not traced, or dying). No locks held.
 */
static int ptrace_stop(struct trapframe *tf, int code,
		       enum ptrace_stop_kind kind, struct ksiginfo *info,
		       bool set_msg, uint64_t msg)
{
	struct proc *p = proc_current();
	struct ptrace_link *pt = &p->ptrace;
	struct fpu_state *fpu;
	int sig;

	/* The tracer reads the SSE registers from the task's save area:
	 * bring it up to date (the kernel itself never changes them). */
	irq_push_off();
	fpu_save(&task_arch(p->task)->fpu);
	irq_pop_off();
	spin_lock(&proc_lock);
	if (!pt->tracer || dying(p)) {
		spin_unlock(&proc_lock);
		return -1;
	}
	pt->stopped = true;
	pt->regs = tf;
	pt->resume_sig = 0;
	if (info) {
		pt->siginfo = *info;
	} else {
		memset(&pt->siginfo, 0, sizeof(pt->siginfo));
		pt->siginfo.si_signo = SIGTRAP;
		pt->siginfo.si_code = code;
	}
	if (set_msg)
		pt->event_msg = msg;
	report_locked(p, code, kind);
	for (;;) {
		while (((pt->stopped && pt->tracer && !dying(p)) || pt->busy) &&
		       !listen_ends(p))
			sleep_on(&pt->wait, &proc_lock);
		if (!listen_ends(p))
			break;
		listen_retrap_locked(p);
	}
	pt->stopped = false;
	pt->listening = false;
	pt->listen_interrupted = false;
	pt->report = 0;
	pt->regs = NULL;
	pt->kind = PTRACE_STOP_NONE;
	if (info)
		*info = pt->siginfo;
	sig = pt->resume_sig;
	fpu = pt->fpu_set;
	pt->fpu_set = NULL;
	spin_unlock(&proc_lock);
	if (fpu) {
		struct arch_task *a = task_arch(p->task);

		irq_push_off();
		memcpy(&a->fpu, fpu, sizeof(a->fpu));
		fpu_restore(&a->fpu);
		irq_pop_off();
		kfree(fpu);
	}
	return sig;
}

static bool sysgood(struct proc *p)
{
	return __atomic_load_n(&p->ptrace.options, __ATOMIC_RELAXED) &
	       PTRACE_O_TRACESYSGOOD;
}

/* A syscall stop resumed with a signal: Linux sends it. */
static void send_resume_signal(struct proc *p, int sig)
{
	if (sig > 0)
		signal_send_thread(p, sig, NULL);
}

bool ptrace_syscall_entry(struct trapframe *tf)
{
	struct proc *p = proc_current();
	int sig;

	if (!__atomic_load_n(&p->ptrace.syscall_work, __ATOMIC_RELAXED) ||
	    p->ptrace.singlestep)
		return true;
	tf->rax = (uint64_t)-ENOSYS;
	sig = ptrace_stop(tf, SIGTRAP | (sysgood(p) ? SYSCALL_STOP : 0),
			  PTRACE_STOP_SYSCALL_ENTRY, NULL, false, 0);
	if (sig < 0)
		return !dying(p);
	p->frame_rewritten = true; /* the tracer may have changed any */
	send_resume_signal(p, sig);
	return p->syscall_nr != (uint64_t)-1 && !dying(p);
}

void ptrace_syscall_exit(struct trapframe *tf)
{
	struct proc *p = proc_current();
	struct ksiginfo info = { 0 };
	int sig;

	if (p->ptrace.singlestep) {
		/* The syscall instruction cleared the trap flag: report the
		 * step here, as Linux does. */
		info.si_signo = SIGTRAP;
		info.si_code = TRAP_TRACE;
		signal_send_thread(p, SIGTRAP, &info);
		return;
	}
	sig = ptrace_stop(tf, SIGTRAP | (sysgood(p) ? SYSCALL_STOP : 0),
			  PTRACE_STOP_SYSCALL_EXIT, NULL, false, 0);
	if (sig < 0)
		return;
	p->frame_rewritten = true;
	send_resume_signal(p, sig);
}

int ptrace_signal(struct trapframe *tf, int sig, struct ksiginfo *info)
{
	struct proc *p = proc_current();
	int want;

	want = ptrace_stop(tf, sig, PTRACE_STOP_SIGNAL, info, false, 0);
	if (want < 0)
		return sig;
	if (want && want != info->si_signo) {
		/* The tracer asked for another signal: it sent it. */
		int tracer_pid = 0;

		spin_lock(&proc_lock);
		if (p->ptrace.tracer)
			tracer_pid = p->ptrace.tracer->pid;
		spin_unlock(&proc_lock);
		memset(info, 0, sizeof(*info));
		info->si_signo = want;
		info->si_code = SI_USER;
		info->kill.pid = tracer_pid;
	}
	return want;
}

void ptrace_group_stop(struct trapframe *tf, int sig)
{
	struct proc *p = proc_current();
	int code = sig;

	if (p->ptrace.seized)
		code |= PTRACE_EVENT_STOP << 8;
	p->ptrace.group_sig = sig;
	ptrace_stop(tf, code, PTRACE_STOP_GROUP, NULL, false, 0);
}

void ptrace_take_trap(struct trapframe *tf)
{
	struct proc *p = proc_current();

	if (!__atomic_exchange_n(&p->ptrace.trap_pending, false,
				 __ATOMIC_RELAXED))
		return;
	ptrace_stop(tf, SIGTRAP | PTRACE_EVENT_STOP << 8, PTRACE_STOP_EVENT,
		    NULL, false, 0);
}

/* An event stop: status>>8 == SIGTRAP | event<<8, GETEVENTMSG gives
 * msg. The signal the tracer resumes with is dropped (Linux's rule). */
static void event_stop(int event, uint64_t msg)
{
	ptrace_stop(user_frame(), SIGTRAP | event << 8, PTRACE_STOP_EVENT, NULL,
		    true, msg);
}

static bool wants(struct proc *p, unsigned int option)
{
	return __atomic_load_n(&p->ptrace.options, __ATOMIC_RELAXED) & option;
}

int ptrace_fork_attach(struct proc *c, bool vfork)
{
	struct proc *self = proc_current();
	struct ptrace_link *pt = &self->ptrace;
	int event;
	unsigned int option;

	if (!ptrace_traced(self))
		return 0;
	if (vfork) {
		event = PTRACE_EVENT_VFORK;
		option = PTRACE_O_TRACEVFORK;
	} else if (c->exit_signal != SIGCHLD) {
		event = PTRACE_EVENT_CLONE; /* threads, and odd exit signals */
		option = PTRACE_O_TRACECLONE;
	} else {
		event = PTRACE_EVENT_FORK;
		option = PTRACE_O_TRACEFORK;
	}
	spin_lock(&proc_lock);
	if (!pt->tracer || !(pt->options & option)) {
		spin_unlock(&proc_lock);
		return 0;
	}
	link_locked(c, pt->tracer, pt->seized, pt->options);
	/* Its first stop comes before its first instruction (fork.c's
	 * enter_user delivers): a SIGSTOP, or for a seized tracee an
	 * event stop. */
	if (pt->seized)
		c->ptrace.trap_pending = true;
	else
		signal_send_thread(c, SIGSTOP, NULL);
	spin_unlock(&proc_lock);
	return event;
}

void ptrace_fork_report(int event, int child_pid)
{
	event_stop(event, (uint64_t)child_pid);
}

void ptrace_exec(int old_pid)
{
	struct proc *p = proc_current();

	if (wants(p, PTRACE_O_TRACEEXEC))
		event_stop(PTRACE_EVENT_EXEC, (uint64_t)old_pid);
	else if (!p->ptrace.seized)
		signal_send_thread(p, SIGTRAP, NULL);
}

void ptrace_exit(int wait_status)
{
	if (wants(proc_current(), PTRACE_O_TRACEEXIT))
		event_stop(PTRACE_EVENT_EXIT, (uint64_t)wait_status);
}

bool ptrace_thread_zombie_locked(struct proc *p, int wait_status)
{
	int st = wait_status;

	if (!p->ptrace.tracer)
		return false;
	p->exit_status = st;
	p->state = PROC_ZOMBIE;
	notify_tracer_locked(p, (st & 0x7f) ? CLD_KILLED : CLD_EXITED,
			     (st & 0x7f) ? st & 0x7f : (st >> 8) & 0xff);
	return true;
}

bool ptrace_exit_notify_locked(struct proc *l)
{
	int st = l->exit_status;

	if (!l->ptrace.tracer || l->ptrace.tracer == l->parent)
		return false;
	notify_tracer_locked(l, (st & 0x7f) ? CLD_KILLED : CLD_EXITED,
			     (st & 0x7f) ? st & 0x7f : (st >> 8) & 0xff);
	return true;
}

/* ---- wait ------------------------------------------------------------------ */

bool ptrace_hides_child_locked(const struct proc *self, struct proc *c)
{
	struct proc *tracer = c->ptrace.tracer;

	if (!tracer)
		return false;
	/* Our own tracee: the tracee scan reports all of it. Another's:
	 * its exit goes to the tracer first. */
	return tracer == self || c->state == PROC_ZOMBIE;
}

/* Does wait's options select t? A thread (no exit signal) only with
 * __WALL or __WCLONE, a process unless __WCLONE alone. */
static bool wait_selects(struct proc *t, int options)
{
	bool clone_kind = t->exit_signal != SIGCHLD;

	if (options & __WALL)
		return true;
	return clone_kind == !!(options & __WCLONE);
}

int ptrace_wait_scan_locked(struct proc *self, int idtype, int id, int options,
			    struct wait_result *r)
{
	bool any = false;

	for (struct proc *t = self->ptrace.tracees; t;
	     t = t->ptrace.tracee_next) {
		if (!proc_wait_matches(t, idtype, id) ||
		    !wait_selects(t, options))
			continue;
		any = true;
		r->pid = t->pid;
		r->utime_ns = t->utime_ns;
		r->stime_ns = t->stime_ns;
		if (t->state == PROC_ZOMBIE) {
			if (!(options & WEXITED))
				continue;
			r->status = t->exit_status;
			r->code = (t->exit_status & 0x7f) ? CLD_KILLED
							  : CLD_EXITED;
			if (options & WNOWAIT)
				return 1;
			if (t != t->tg->leader) {
				proc_thread_reap_locked(t); /* a thread */
			} else if (t->parent == self) {
				proc_reap_locked(t);
			} else {
				ptrace_unlink_locked(t);
				proc_release_zombie_locked(t);
			}
			return 1;
		}
		if (t->ptrace.report) {
			r->status = t->ptrace.report;
			r->code = CLD_TRAPPED;
			if (!(options & WNOWAIT))
				t->ptrace.report = 0;
			return 1;
		}
	}
	return any ? 0 : -ECHILD;
}

/* ---- requests --------------------------------------------------------------- */

/* The running process's tracer identity: its group's leader. */
static struct proc *self_leader(void)
{
	return proc_current()->tg->leader;
}

/* The tracee pid, traced by the caller and stopped, marked busy so it
 * stays stopped: 0 with *out, or -ESRCH. tracee_put ends the use. */
static int tracee_get(int pid, struct proc **out)
{
	struct proc *t;

	spin_lock(&proc_lock);
	t = proc_lookup_locked(pid);
	if (!t || t->ptrace.tracer != self_leader() || !t->ptrace.stopped ||
	    t->ptrace.listening || t->state == PROC_ZOMBIE) {
		spin_unlock(&proc_lock);
		return -ESRCH;
	}
	t->ptrace.busy++;
	spin_unlock(&proc_lock);
	*out = t;
	return 0;
}

static void tracee_put(struct proc *t)
{
	spin_lock(&proc_lock);
	if (--t->ptrace.busy == 0)
		wake_up(&t->ptrace.wait);
	spin_unlock(&proc_lock);
}

static void regs_get(struct proc *t, struct user_regs *u)
{
	const struct trapframe *tf = t->ptrace.regs;

	memset(u, 0, sizeof(*u));
	u->r15 = tf->r15;
	u->r14 = tf->r14;
	u->r13 = tf->r13;
	u->r12 = tf->r12;
	u->rbp = tf->rbp;
	u->rbx = tf->rbx;
	u->r11 = tf->r11;
	u->r10 = tf->r10;
	u->r9 = tf->r9;
	u->r8 = tf->r8;
	u->rax = tf->rax;
	u->rcx = tf->rcx;
	u->rdx = tf->rdx;
	u->rsi = tf->rsi;
	u->rdi = tf->rdi;
	u->orig_rax = tf->vector == VEC_SYSCALL ? t->syscall_nr : (uint64_t)-1;
	u->rip = tf->rip;
	u->cs = LINUX_USER_CS;
	u->eflags = tf->rflags;
	u->rsp = tf->rsp;
	u->ss = LINUX_USER_SS;
	u->fs_base = task_arch(t->task)->fs_base;
}

static bool canonical(uint64_t a)
{
	return a < USER_TOP || a >= ~((uint64_t)USER_TOP - 1);
}

/* Put u into t's saved registers, after checking that nothing in it
 * can hurt the kernel: -EIO for a kernel or unknown code or stack
 * segment, a rip outside user space (iretq would fault in kernel mode),
 * a non-canonical rsp or an FS base beyond user space; rflags keeps
 * its privileged bits (IOPL, IF, VM...) whatever u says. */
static int regs_set(struct proc *t, const struct user_regs *u)
{
	struct trapframe *tf = t->ptrace.regs;

	if (u->cs != LINUX_USER_CS || u->ss != LINUX_USER_SS ||
	    u->rip >= USER_TOP || !canonical(u->rsp) ||
	    u->fs_base >= USER_TOP || u->gs_base != 0)
		return -EIO;
	tf->r15 = u->r15;
	tf->r14 = u->r14;
	tf->r13 = u->r13;
	tf->r12 = u->r12;
	tf->rbp = u->rbp;
	tf->rbx = u->rbx;
	tf->r11 = u->r11;
	tf->r10 = u->r10;
	tf->r9 = u->r9;
	tf->r8 = u->r8;
	tf->rax = u->rax;
	tf->rcx = u->rcx;
	tf->rdx = u->rdx;
	tf->rsi = u->rsi;
	tf->rdi = u->rdi;
	if (tf->vector == VEC_SYSCALL)
		t->syscall_nr = u->orig_rax;
	tf->rip = u->rip;
	tf->rflags = (tf->rflags & ~RFLAGS_USER_CHANGEABLE) |
		     (u->eflags & RFLAGS_USER_CHANGEABLE) | RFLAGS_IF;
	tf->rsp = u->rsp;
	task_arch(t->task)->fs_base = u->fs_base;
	t->frame_rewritten = true; /* back to user mode by iretq */
	return 0;
}

static long peek_user(struct proc *t, uint64_t off, uaddr_t data)
{
	struct user_regs u;
	uint64_t v = 0;

	if ((off & 7) || off >= USER_AREA_SIZE)
		return -EIO;
	if (off < sizeof(u)) {
		regs_get(t, &u);
		memcpy(&v, (uint8_t *)&u + off, 8);
	}
	return put_user(v, data) ? -EFAULT : 0;
}

static long poke_user(struct proc *t, uint64_t off, uint64_t v)
{
	struct user_regs u;

	if ((off & 7) || off >= sizeof(u))
		return -EIO;
	regs_get(t, &u);
	memcpy((uint8_t *)&u + off, &v, 8);
	return regs_set(t, &u);
}

static long get_syscall_info(struct proc *t, uint64_t size, uaddr_t data)
{
	const struct trapframe *tf = t->ptrace.regs;
	struct syscall_info si;
	size_t n = offsetof(struct syscall_info, entry);

	memset(&si, 0, sizeof(si));
	si.arch = AUDIT_ARCH_X86_64;
	si.instruction_pointer = tf->rip;
	si.stack_pointer = tf->rsp;
	if (t->ptrace.kind == PTRACE_STOP_SYSCALL_ENTRY) {
		si.op = PTRACE_SYSCALL_INFO_ENTRY;
		si.entry.nr = t->syscall_nr;
		si.entry.args[0] = tf->rdi;
		si.entry.args[1] = tf->rsi;
		si.entry.args[2] = tf->rdx;
		si.entry.args[3] = tf->r10;
		si.entry.args[4] = tf->r8;
		si.entry.args[5] = tf->r9;
		n = offsetof(struct syscall_info, entry.args) +
		    sizeof(si.entry.args);
	} else if (t->ptrace.kind == PTRACE_STOP_SYSCALL_EXIT) {
		si.op = PTRACE_SYSCALL_INFO_EXIT;
		si.exit.rval = (int64_t)tf->rax;
		si.exit.is_error = si.exit.rval < 0 && si.exit.rval >= -4095;
		n = offsetof(struct syscall_info, exit.is_error) + 1;
	}
	if (copy_to_user(data, &si, MIN(size, n)))
		return -EFAULT;
	return (long)n;
}

/* The SSE state a stopped tracee t will have: SETFPREGS' if it set
 * one, else what the tracee saved as it stopped. */
static struct fpu_state *fpu_of(struct proc *t)
{
	return t->ptrace.fpu_set ? t->ptrace.fpu_set : &task_arch(t->task)->fpu;
}

static uint32_t fxsave_word(const struct fpu_state *f, size_t off)
{
	uint32_t v;

	memcpy(&v, f->bytes + off, sizeof(v));
	return v;
}

/* SETFPREGS, SETREGSET NT_PRFPREG: the first n bytes of the fxsave area
 * from user space, the rest kept. An MXCSR with bits this CPU does not
 * have is EINVAL (fxrstor would fault), as on Linux. */
static long fpregs_set(struct proc *t, uaddr_t src, size_t n)
{
	struct fpu_state *f = kmalloc(sizeof(*f));
	uint32_t mask;

	if (!f)
		return -ENOMEM;
	*f = *fpu_of(t);
	mask = fxsave_word(&task_arch(t->task)->fpu, FXSAVE_MXCSR_MASK);
	if (!mask)
		mask = MXCSR_MASK_DEFAULT;
	if (copy_from_user(f, src, n)) {
		kfree(f);
		return -EFAULT;
	}
	if (fxsave_word(f, FXSAVE_MXCSR) & ~mask) {
		kfree(f);
		return -EINVAL;
	}
	/* busy keeps the tracee in its stop: no one else touches fpu_set. */
	kfree(t->ptrace.fpu_set);
	t->ptrace.fpu_set = f;
	return 0;
}

/* GETREGSET and SETREGSET with Linux's iovec rule: iov_len a multiple
 * of 8 (else EINVAL), at most the set's size; the bytes moved are
 * written back to iov_len. A short SETREGSET changes only the first
 * iov_len bytes. */
static long regset(struct proc *t, uint64_t type, uaddr_t uiov, bool set)
{
	struct user_iovec iov;
	struct user_regs u;
	size_t size = type == NT_PRFPREG ? sizeof(struct fpu_state) : sizeof(u);
	long err = 0;

	if (type != NT_PRSTATUS && type != NT_PRFPREG)
		return -EINVAL;
	if (copy_from_user(&iov, uiov, sizeof(iov)))
		return -EFAULT;
	if (iov.len % REGSET_UNIT)
		return -EINVAL;
	size = MIN(size, iov.len);
	if (type == NT_PRFPREG && set) {
		err = fpregs_set(t, iov.base, size);
	} else if (type == NT_PRFPREG) {
		err = copy_to_user(iov.base, fpu_of(t), size) ? -EFAULT : 0;
	} else {
		regs_get(t, &u);
		if (!set)
			err = copy_to_user(iov.base, &u, size) ? -EFAULT : 0;
		else if (copy_from_user(&u, iov.base, size))
			err = -EFAULT;
		else
			err = regs_set(t, &u);
	}
	if (err)
		return err;
	iov.len = size;
	return copy_to_user(uiov, &iov, sizeof(iov)) ? -EFAULT : 0;
}

/* Resume stopped tracee t (busy, by the caller): how, and with which
 * signal. */
static long resume(struct proc *t, long request, uint64_t sig)
{
	struct ptrace_link *pt = &t->ptrace;

	if (sig > NSIG)
		return -EIO;
	spin_lock(&proc_lock);
	if (pt->singlestep)
		pt->regs->rflags &= ~RFLAGS_TF;
	pt->singlestep = request == PTRACE_SINGLESTEP;
	if (pt->singlestep)
		pt->regs->rflags |= RFLAGS_TF;
	t->frame_rewritten = true;
	pt->resume_sig = (int)sig;
	if (request == PTRACE_DETACH) {
		ptrace_unlink_locked(t);
	} else {
		__atomic_store_n(&pt->syscall_work,
				 request == PTRACE_SYSCALL || pt->singlestep,
				 __ATOMIC_RELAXED);
		pt->stopped = false;
	}
	spin_unlock(&proc_lock);
	return 0;
}

static long traceme(void)
{
	struct proc *self = proc_current(), *parent;
	long err = 0;

	spin_lock(&proc_lock);
	parent = self->tg->leader->parent;
	if (self->ptrace.tracer || !parent || !ptrace_may_access(parent, self))
		err = -EPERM;
	else
		link_locked(self, parent, false, 0);
	spin_unlock(&proc_lock);
	return err;
}

static long attach(int pid, bool seize, uint64_t addr, uint64_t options)
{
	struct proc *me = self_leader(), *t;
	long err = 0;

	if (seize && (addr || (options & ~(uint64_t)PTRACE_O_MASK)))
		return -EIO; /* SETOPTIONS says EINVAL; SEIZE, EIO */
	spin_lock(&proc_lock);
	t = proc_lookup_locked(pid);
	if (!t || t->state == PROC_ZOMBIE)
		err = -ESRCH;
	else if (t->tg == me->tg || proc_is_init(t->tg->leader) ||
		 t->ptrace.tracer || t->tg->group_exit ||
		 !ptrace_may_access(me, t))
		err = -EPERM;
	if (err) {
		spin_unlock(&proc_lock);
		return err;
	}
	link_locked(t, me, seize, seize ? (unsigned int)options : 0);
	if (!seize)
		signal_send_thread(t, SIGSTOP, NULL);
	/* A thread asleep in a group stop comes out to report to us. */
	if (t->task && !t->thread_exited)
		task_interrupt(t->task);
	spin_unlock(&proc_lock);
	return 0;
}

/* KILL and INTERRUPT work on a running tracee too. */
static long kill_or_interrupt(int pid, bool interrupt)
{
	struct proc *t;
	long err = 0;

	spin_lock(&proc_lock);
	t = proc_lookup_locked(pid);
	if (!t || t->ptrace.tracer != self_leader()) {
		err = -ESRCH;
	} else if (!interrupt) {
		signal_send(t, SIGKILL, NULL);
	} else if (!t->ptrace.seized) {
		err = -EIO;
	} else if (t->ptrace.listening) {
		t->ptrace.listen_interrupted = true;
		wake_up(&t->ptrace.wait);
	} else if (!t->ptrace.stopped && t->task && !t->thread_exited) {
		__atomic_store_n(&t->ptrace.trap_pending, true,
				 __ATOMIC_RELAXED);
		task_interrupt(t->task);
	}
	spin_unlock(&proc_lock);
	return err;
}

/* Memory of another process: through a reference to its mm. forced is
 * PEEK and POKE's access, which ignores the area's protection (Linux's
 * FOLL_FORCE: a debugger writes breakpoints into text); process_vm_*
 * respect it. */
static int remote_access(struct proc *t, uint64_t addr, void *buf, size_t n,
			 bool write, bool forced)
{
	struct mm *mm = proc_mm_get(t);
	int err;

	if (!mm)
		return -ESRCH;
	if (forced)
		err = mm_access_forced(mm, addr, buf, n, write);
	else if (write)
		err = mm_write(mm, addr, buf, n);
	else
		err = mm_read(mm, addr, buf, n);
	mm_put(mm);
	return err;
}

/* PTRACE_LISTEN: a seized tracee in a group stop stays stopped but is
 * no longer reported (wait sees it as running, requests get ESRCH)
 * until its group stop ends or the tracer interrupts it. */
static long listen(struct proc *t)
{
	struct ptrace_link *pt = &t->ptrace;

	if (!pt->seized || pt->kind != PTRACE_STOP_GROUP)
		return -EIO;
	spin_lock(&proc_lock);
	pt->listening = true;
	pt->listen_interrupted = false;
	pt->report = 0;
	spin_unlock(&proc_lock);
	return 0;
}

static long request_on_stopped(struct proc *t, long request, uint64_t addr,
			       uint64_t data)
{
	struct user_regs u;
	uint64_t word;

	switch (request) {
	case PTRACE_PEEKTEXT:
	case PTRACE_PEEKDATA:
		if (remote_access(t, addr, &word, sizeof(word), false, true))
			return -EIO;
		return put_user(word, data) ? -EFAULT : 0;
	case PTRACE_POKETEXT:
	case PTRACE_POKEDATA:
		if (remote_access(t, addr, &data, sizeof(data), true, true))
			return -EIO;
		return 0;
	case PTRACE_PEEKUSER:
		return peek_user(t, addr, data);
	case PTRACE_POKEUSER:
		return poke_user(t, addr, data);
	case PTRACE_GETREGS:
		regs_get(t, &u);
		return copy_to_user(data, &u, sizeof(u)) ? -EFAULT : 0;
	case PTRACE_SETREGS:
		if (copy_from_user(&u, data, sizeof(u)))
			return -EFAULT;
		return regs_set(t, &u);
	case PTRACE_GETFPREGS:
		return copy_to_user(data, fpu_of(t), sizeof(struct fpu_state))
			       ? -EFAULT
			       : 0;
	case PTRACE_SETFPREGS:
		return fpregs_set(t, data, sizeof(struct fpu_state));
	case PTRACE_GETREGSET:
	case PTRACE_SETREGSET:
		return regset(t, addr, data, request == PTRACE_SETREGSET);
	case PTRACE_GETSIGINFO:
		if (t->ptrace.kind == PTRACE_STOP_GROUP)
			return -EINVAL;
		return copy_to_user(data, &t->ptrace.siginfo,
				    sizeof(struct ksiginfo))
			       ? -EFAULT
			       : 0;
	case PTRACE_SETSIGINFO:
		if (t->ptrace.kind == PTRACE_STOP_GROUP)
			return -EINVAL;
		return copy_from_user(&t->ptrace.siginfo, data,
				      sizeof(struct ksiginfo))
			       ? -EFAULT
			       : 0;
	case PTRACE_GETEVENTMSG:
		return put_user(t->ptrace.event_msg, data) ? -EFAULT : 0;
	case PTRACE_SETOPTIONS:
		if (data & ~(uint64_t)PTRACE_O_MASK)
			return -EINVAL;
		__atomic_store_n(&t->ptrace.options, (unsigned int)data,
				 __ATOMIC_RELAXED);
		return 0;
	case PTRACE_GET_SYSCALL_INFO:
		return get_syscall_info(t, addr, data);
	case PTRACE_LISTEN:
		return listen(t);
	case PTRACE_CONT:
	case PTRACE_SYSCALL:
	case PTRACE_SINGLESTEP:
	case PTRACE_DETACH:
		return resume(t, request, data);
	}
	return -EIO;
}

static long sys_ptrace(int64_t request, int64_t pid, uint64_t addr,
		       uint64_t data)
{
	struct proc *t;
	long err;

	switch (request) {
	case PTRACE_TRACEME:
		return traceme();
	case PTRACE_ATTACH:
	case PTRACE_SEIZE:
		return attach((int)pid, request == PTRACE_SEIZE, addr, data);
	case PTRACE_KILL:
	case PTRACE_INTERRUPT:
		return kill_or_interrupt((int)pid, request == PTRACE_INTERRUPT);
	}
	err = tracee_get((int)pid, &t);
	if (err)
		return err;
	err = request_on_stopped(t, request, addr, data);
	tracee_put(t);
	return err;
}
SYSCALL(ptrace, sys_ptrace);

/* ---- process_vm_readv and process_vm_writev ------------------------------ */

/* Copy between the caller's iovecs and pid's, in order, a page at a time
 * through a kernel buffer: the bytes copied (a remote fault ends the
 * copy early), or a negative errno if none were. */
static long process_vm(int pid, uaddr_t ulocal, uint64_t nlocal,
		       uaddr_t uremote, uint64_t nremote, uint64_t flags,
		       bool write)
{
	struct user_iovec l = { 0 }, r = { 0 };
	uint64_t li = 0, ri = 0;
	long done = 0, err = 0;
	struct proc *t;
	uint8_t *buf;

	if (flags || nlocal > PROCESS_VM_IOV_MAX ||
	    nremote > PROCESS_VM_IOV_MAX)
		return -EINVAL;
	t = proc_get(pid);
	if (!t)
		return -ESRCH;
	spin_lock(&proc_lock);
	if (!ptrace_may_access(self_leader(), t))
		err = -EPERM;
	spin_unlock(&proc_lock);
	buf = err ? NULL : kmalloc(PAGE_SIZE);
	if (!err && !buf)
		err = -ENOMEM;
	while (!err) {
		size_t n;

		while (!l.len && li < nlocal)
			if (copy_from_user(&l, ulocal + li++ * sizeof(l),
					   sizeof(l)))
				err = -EFAULT;
		while (!err && !r.len && ri < nremote)
			if (copy_from_user(&r, uremote + ri++ * sizeof(r),
					   sizeof(r)))
				err = -EFAULT;
		if (err || !l.len || !r.len)
			break;
		n = MIN(MIN(l.len, r.len), PAGE_SIZE);
		if (write) {
			if (copy_from_user(buf, l.base, n))
				err = -EFAULT;
			else if (remote_access(t, r.base, buf, n, true, false))
				break;
		} else {
			if (remote_access(t, r.base, buf, n, false, false))
				break;
			if (copy_to_user(l.base, buf, n))
				err = -EFAULT;
		}
		if (err)
			break;
		done += (long)n;
		l.base += n;
		l.len -= n;
		r.base += n;
		r.len -= n;
	}
	kfree(buf);
	proc_put(t);
	if (done)
		return done;
	if (err)
		return err;
	return (l.len && r.len) ? -EFAULT : 0;
}

static long sys_process_vm_readv(int64_t pid, uaddr_t local, uint64_t nlocal,
				 uaddr_t remote, uint64_t nremote,
				 uint64_t flags)
{
	return process_vm((int)pid, local, nlocal, remote, nremote, flags,
			  false);
}
SYSCALL(process_vm_readv, sys_process_vm_readv);

static long sys_process_vm_writev(int64_t pid, uaddr_t local, uint64_t nlocal,
				  uaddr_t remote, uint64_t nremote,
				  uint64_t flags)
{
	return process_vm((int)pid, local, nlocal, remote, nremote, flags,
			  true);
}
SYSCALL(process_vm_writev, sys_process_vm_writev);
