/*
 * Signals (signal.h): sending, the system calls that set actions and
 * masks, and delivery on the way back to user mode.
 *
 * Delivery runs a handler by building Linux's rt_sigframe on the user
 * stack (or the alternate stack) and pointing the registers at the
 * handler; the frame's return address is the restorer the C library gave
 * (SA_RESTORER), which calls rt_sigreturn, which puts every register
 * back from the frame:
 *
 *   higher addresses   the interrupted code's stack
 *                      (128-byte red zone, left alone)
 *                      fxsave area (512 bytes): SSE/x87 registers
 *                      siginfo (128 bytes)            <- rsi
 *                      ucontext: flags, link, stack,
 *                        sigcontext (registers), mask <- rdx
 *   rsp ->             return address = sa_restorer
 *
 * The lock order is proc_lock, then a process's sig.lock, then the sched
 * lock. docs/signals.md.
 */
#include "proc/proc.h"
#include "arch/x86_64/cpu.h"
#include "fs/poll.h"

enum sig_default { DEF_TERM, DEF_IGNORE, DEF_CORE, DEF_STOP, DEF_CONT };

#define STOP_SIGNALS \
	(SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))
#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
#define VEC_SYSCALL 256

static enum sig_default default_action(int sig)
{
	switch (sig) {
	case SIGCHLD:
	case SIGURG:
	case SIGWINCH:
		return DEF_IGNORE;
	case SIGCONT:
		return DEF_CONT;
	case SIGSTOP:
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
		return DEF_STOP;
	case SIGQUIT:
	case SIGILL:
	case SIGTRAP:
	case SIGABRT:
	case SIGBUS:
	case SIGFPE:
	case SIGSEGV:
	case SIGXCPU:
	case SIGXFSZ:
	case SIGSYS:
		return DEF_CORE;
	}
	return DEF_TERM;
}

/* Would sig be thrown away on arrival? Caller holds h->lock. */
static bool is_ignored(struct sighand *h, int sig)
{
	uint64_t handler = h->action[sig - 1].handler;

	if (sig == SIGKILL || sig == SIGSTOP)
		return false;
	return handler == SIG_IGN ||
	       (handler == SIG_DFL && (default_action(sig) == DEF_IGNORE ||
				       default_action(sig) == DEF_CONT));
}

/* Take the signal lock of s (its sighand's). s->hand changes only when
 * an execve gives its last thread a sighand of its own; the old one
 * stays allocated until s's proc is freed (old_hand), so a sender that
 * read the old pointer locks live memory and then sees the change. */
static struct sighand *lock_hand(struct signal_state *s)
{
	for (;;) {
		struct sighand *h = __atomic_load_n(&s->hand, __ATOMIC_ACQUIRE);

		spin_lock(&h->lock);
		if (h == s->hand)
			return h;
		spin_unlock(&h->lock);
	}
}

struct sighand *signal_lock(struct proc *p)
{
	return lock_hand(&p->sig);
}

void signal_unlock(struct sighand *h)
{
	spin_unlock(&h->lock);
}

static void flush_queue(struct sigqueue **queue, uint64_t bits);

static struct sighand *sighand_alloc(void)
{
	struct sighand *h = kzalloc(sizeof(*h));

	if (!h)
		return NULL;
	h->lock = (struct spinlock)SPINLOCK_INIT("signal");
	h->refcount = 1;
	return h;
}

static void sighand_put(struct sighand *h)
{
	if (h && __atomic_sub_fetch(&h->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		kfree(h);
}

int signal_state_init(struct signal_state *s)
{
	memset(s, 0, sizeof(*s));
	s->wait = (struct waitqueue)WAITQUEUE_INIT;
	s->altstack_flags = SS_DISABLE;
	s->hand = sighand_alloc();
	return s->hand ? 0 : -ENOMEM;
}

int signal_state_fork(struct signal_state *child, struct signal_state *parent,
		      bool share, bool thread)
{
	struct sighand *h;

	memset(child, 0, sizeof(*child));
	child->wait = (struct waitqueue)WAITQUEUE_INIT;
	child->altstack_flags = SS_DISABLE;
	if (!share) {
		child->hand = sighand_alloc();
		if (!child->hand)
			return -ENOMEM;
	}
	h = lock_hand(parent);
	if (share) {
		__atomic_add_fetch(&h->refcount, 1, __ATOMIC_RELAXED);
		child->hand = h;
	} else {
		memcpy(child->hand->action, h->action, sizeof(h->action));
	}
	child->blocked = parent->blocked;
	if (!thread) {
		/* A thread starts on a stack of its own, without the
		 * alternate stack (Linux's CLONE_VM rule). */
		child->altstack_sp = parent->altstack_sp;
		child->altstack_size = parent->altstack_size;
		child->altstack_flags = parent->altstack_flags;
	}
	spin_unlock(&h->lock);
	return 0;
}

void signal_state_exec(struct signal_state *s)
{
	struct sighand *h = lock_hand(s), *mine = NULL;

	/* Handlers shared with another process (CLONE_SIGHAND without
	 * CLONE_THREAD; the caller's own other threads are gone by now)
	 * are not ours to reset: take a copy. */
	if (__atomic_load_n(&h->refcount, __ATOMIC_RELAXED) > 1) {
		spin_unlock(&h->lock);
		mine = sighand_alloc();
		h = lock_hand(s);
	}
	if (mine && !s->old_hand) {
		memcpy(mine->action, h->action, sizeof(h->action));
		s->old_hand = h; /* dropped in signal_state_free */
		__atomic_store_n(&s->hand, mine, __ATOMIC_RELEASE);
		spin_unlock(&h->lock);
		h = lock_hand(s);
		mine = NULL;
	}
	for (int i = 0; i < NSIG; i++) {
		if (h->action[i].handler != SIG_IGN)
			h->action[i].handler = SIG_DFL;
		h->action[i].flags = 0;
		h->action[i].mask = 0;
		h->action[i].restorer = 0;
	}
	s->altstack_sp = s->altstack_size = 0;
	s->altstack_flags = SS_DISABLE;
	spin_unlock(&h->lock);
	kfree(mine); /* not needed after all */
}

void signal_state_free(struct signal_state *s)
{
	flush_queue(&s->queue, ~0ULL);
	sighand_put(s->hand);
	sighand_put(s->old_hand);
	s->hand = s->old_hand = NULL;
}

/* ---- sending ----------------------------------------------------------- */

/* Would thread t take sig now? Caller holds the group's signal lock. */
static bool takes(struct proc *t, uint64_t bit)
{
	return !t->sig.dead && !(t->sig.blocked & bit);
}

/* A process-directed signal in bits waits in tg's shared set: interrupt
 * one thread that would take it, preferring first. Caller holds the
 * group's signal lock. */
static void wake_taker_locked(struct thread_group *tg, struct proc *first,
			      uint64_t bits)
{
	for (int sig = 1; sig <= NSIG; sig++) {
		uint64_t bit = SIGBIT(sig);

		if (!(bits & bit))
			continue;
		if (first && takes(first, bit) && first->task) {
			task_interrupt(first->task);
			continue;
		}
		for (struct proc *t = tg->threads; t; t = t->thread_next) {
			if (takes(t, bit)) {
				task_interrupt(t->task);
				break;
			}
		}
	}
}

/* The group stop of tg ends: a traced thread that waits in its ptrace
 * stop (PTRACE_LISTEN), not on stop_wait, is interrupted to report the
 * end to its tracer. Caller holds tg's signal lock (threads). */
static void interrupt_listeners_locked(struct thread_group *tg)
{
	for (struct proc *t = tg->threads; t; t = t->thread_next)
		if (ptrace_traced(t))
			task_interrupt(t->task);
}

/* ---- queued real-time signals ------------------------------------------ */

/* How many real-time signals each user has queued: RLIMIT_SIGPENDING
 * counts them per user (the receiver's real uid), as Linux does. A slot
 * with count 0 is free. The lock is taken alone or under a signal lock,
 * and takes no other. */
#define SIGPENDING_USERS 64
static struct spinlock sigpending_lock = SPINLOCK_INIT("sigpending");
static struct {
	uint32_t uid;
	unsigned int count;
} sigpending_users[SIGPENDING_USERS];

/* Count one more queued signal for uid unless it has limit already (or
 * the table is full): whether it was counted. */
static bool charge_user(uint32_t uid, uint64_t limit)
{
	int i, free_slot = -1;
	bool ok = false;

	spin_lock(&sigpending_lock);
	for (i = 0; i < SIGPENDING_USERS; i++) {
		if (!sigpending_users[i].count) {
			if (free_slot < 0)
				free_slot = i;
		} else if (sigpending_users[i].uid == uid) {
			break;
		}
	}
	if (i < SIGPENDING_USERS) {
		ok = sigpending_users[i].count < limit;
		sigpending_users[i].count += ok;
	} else if (free_slot >= 0 && limit > 0) {
		sigpending_users[free_slot].uid = uid;
		sigpending_users[free_slot].count = 1;
		ok = true;
	}
	spin_unlock(&sigpending_lock);
	return ok;
}

static void uncharge_user(uint32_t uid)
{
	spin_lock(&sigpending_lock);
	for (int i = 0; i < SIGPENDING_USERS; i++) {
		if (sigpending_users[i].count &&
		    sigpending_users[i].uid == uid) {
			sigpending_users[i].count--;
			break;
		}
	}
	spin_unlock(&sigpending_lock);
}

unsigned int signal_user_queued(uint32_t uid)
{
	unsigned int n = 0;

	spin_lock(&sigpending_lock);
	for (int i = 0; i < SIGPENDING_USERS; i++)
		if (sigpending_users[i].count && sigpending_users[i].uid == uid)
			n = sigpending_users[i].count;
	spin_unlock(&sigpending_lock);
	return n;
}

/* A queue entry for a real-time signal to p, counted against p's user,
 * or NULL when its user has RLIMIT_SIGPENDING queued (or memory runs
 * out). Called without locks: it allocates. */
static struct sigqueue *sigqueue_alloc(struct proc *p)
{
	/* The uid is read racily: a setuid racing with a send may count
	 * the signal against either user, and its dequeue uncounts the
	 * same one (q->uid). */
	uint32_t uid = __atomic_load_n(&p->cred.uid, __ATOMIC_RELAXED);
	uint64_t limit = __atomic_load_n(&p->rlim[RLIMIT_SIGPENDING].cur,
					 __ATOMIC_RELAXED);
	struct sigqueue *q = kzalloc(sizeof(*q));

	if (!q)
		return NULL;
	if (!charge_user(uid, limit)) {
		kfree(q);
		return NULL;
	}
	q->uid = uid;
	return q;
}

/* q leaves its queue: freed, or a timer's kept for its next expiry. */
static void sigqueue_free(struct sigqueue *q)
{
	if (q->timer) {
		q->queued = false;
		return;
	}
	uncharge_user(q->uid);
	kfree(q);
}

/* Free every entry of a queue whose signal is in bits. Caller holds the
 * signal lock (or the queue is no longer reachable). */
static void flush_queue(struct sigqueue **queue, uint64_t bits)
{
	while (*queue) {
		struct sigqueue *q = *queue;

		if (bits & SIGBIT(q->info.si_signo)) {
			*queue = q->next;
			sigqueue_free(q);
		} else {
			queue = &q->next;
		}
	}
}

void signal_group_free(struct thread_group *tg)
{
	flush_queue(&tg->shared_queue, ~0ULL);
}

/* Take sig out of a pending set (its bits, the standard signals' infos,
 * the queue) into *info: its oldest queue entry if it has one (a
 * real-time signal, or a timer's), else its info. A signal stays
 * pending while more of it are queued. Caller holds the signal lock. */
static void collect_locked(uint64_t *pending, const struct ksiginfo *infos,
			   struct sigqueue **queue, int sig,
			   struct ksiginfo *info)
{
	struct sigqueue *q = NULL;
	bool more = false;

	for (; *queue; queue = &(*queue)->next) {
		if ((*queue)->info.si_signo == sig)
			break;
	}
	if (*queue) {
		q = *queue;
		*queue = q->next;
		*info = q->info;
		if (q->timer) {
			info->timer.overrun = q->overrun;
			q->overrun_last = q->overrun;
			q->overrun = 0;
		}
		for (struct sigqueue *r = *queue; r && !more; r = r->next)
			more = r->info.si_signo == sig;
		sigqueue_free(q);
	} else if (sig < SIGRTMIN) {
		*info = infos[sig - 1];
	} else {
		/* Sent by kill when its user's queue was full: the signal
		 * came, its sender's details were lost (as in Linux). */
		memset(info, 0, sizeof(*info));
		info->si_signo = sig;
		info->si_code = SI_USER;
	}
	if (!more)
		*pending &= ~SIGBIT(sig);
}

/* The lowest signal in pend, SIGKILL first. */
static int first_signal(uint64_t pend)
{
	return (pend & SIGBIT(SIGKILL)) ? SIGKILL : __builtin_ctzll(pend) + 1;
}

/* Take the first signal of thread p not in mask (the thread's own first,
 * then its group's), with its siginfo: the signal, or 0 if none. Caller
 * holds the signal lock. */
static int dequeue_locked(struct proc *p, uint64_t mask, struct ksiginfo *info)
{
	struct signal_state *s = &p->sig;
	struct thread_group *tg = p->tg;
	int sig;

	if (s->pending & ~mask) {
		sig = first_signal(s->pending & ~mask);
		collect_locked(&s->pending, s->info, &s->queue, sig, info);
		return sig;
	}
	if (tg->shared_pending & ~mask) {
		sig = first_signal(tg->shared_pending & ~mask);
		collect_locked(&tg->shared_pending, tg->shared_info,
			       &tg->shared_queue, sig, info);
		return sig;
	}
	return 0;
}

/* Drop the signals in bits from the group's and every thread's pending
 * sets. Caller holds the group's signal lock. */
static void discard_locked(struct thread_group *tg, struct proc *p,
			   uint64_t bits)
{
	tg->shared_pending &= ~bits;
	flush_queue(&tg->shared_queue, bits);
	p->sig.pending &= ~bits;
	flush_queue(&p->sig.queue, bits);
	for (struct proc *t = tg->threads; t; t = t->thread_next) {
		t->sig.pending &= ~bits;
		flush_queue(&t->sig.queue, bits);
	}
}

/* Make sig pending in a set, with info (NULL: from the kernel). A
 * standard signal already pending merges; a real-time one is queued in
 * q (NULL when its user's queue is full: then it is pending once more
 * without its details), as is a timer's entry whatever its signal.
 * Caller holds the signal lock; q is used or freed. */
static void pend_locked(uint64_t *pending, struct ksiginfo *infos,
			struct sigqueue **queue, int sig,
			const struct ksiginfo *info, struct sigqueue *q)
{
	struct ksiginfo k = { 0 };

	if (info) {
		k = *info;
	} else {
		k.si_signo = sig;
		k.si_code = SI_KERNEL;
	}
	if (q && (sig >= SIGRTMIN || q->timer)) {
		if (sig < SIGRTMIN && !(*pending & SIGBIT(sig)))
			infos[sig - 1] = k;
		*pending |= SIGBIT(sig);
		q->info = k;
		q->queued = true;
		while (*queue)
			queue = &(*queue)->next;
		*queue = q;
		return;
	}
	if (!(*pending & SIGBIT(sig))) {
		*pending |= SIGBIT(sig);
		infos[sig - 1] = k;
	}
	if (q)
		sigqueue_free(q);
}

/* The body of a send, with the group's signal lock h held and p (the
 * thread sent to, or any thread of the group) alive: whether the group
 * was continued (the caller tells the parent once h is dropped). q: a
 * queue entry for a real-time signal or a timer's, or NULL. */
static bool send_locked(struct proc *p, struct sighand *h, int sig,
			const struct ksiginfo *info, bool force, bool thread,
			struct sigqueue *q)
{
	struct signal_state *s = &p->sig;
	struct thread_group *tg = p->tg;
	uint64_t bit = SIGBIT(sig);
	bool continued = false;

	if (force &&
	    ((s->blocked & bit) || h->action[sig - 1].handler == SIG_IGN)) {
		/* A fault the thread cannot take: the process dies of it. */
		s->blocked &= ~bit;
		h->action[sig - 1].handler = SIG_DFL;
	}
	if (sig == SIGCONT || sig == SIGKILL) {
		discard_locked(tg, p, STOP_SIGNALS);
		continued = tg->stopped && sig == SIGCONT;
		if (tg->stopped) {
			tg->stopped = false;
			wake_up(&tg->stop_wait);
			interrupt_listeners_locked(tg);
		}
	}
	if (bit & STOP_SIGNALS)
		discard_locked(tg, p, SIGBIT(SIGCONT));
	/* An ignored signal is dropped here, unless a tracer is to see
	 * it (at delivery, ptrace_signal). */
	if ((s->blocked & bit) == 0 && is_ignored(h, sig) &&
	    !ptrace_traced(p)) {
		if (q)
			sigqueue_free(q);
	} else if (thread) {
		pend_locked(&s->pending, s->info, &s->queue, sig, info, q);
	} else {
		pend_locked(&tg->shared_pending, tg->shared_info,
			    &tg->shared_queue, sig, info, q);
	}
	poll_notify(); /* a signalfd may be waiting for it */
	/* Wake a thread that will take it if it sleeps, so a blocking call
	 * sees the signal. A thread on the list is alive: it leaves the
	 * list under this lock before its task goes. A process-wide
	 * SIGKILL wakes them all: each must go. */
	if (thread) {
		if (p->task && (s->pending & bit) && !(s->blocked & bit))
			task_interrupt(p->task);
	} else if (sig == SIGKILL && (tg->shared_pending & bit)) {
		for (struct proc *t = tg->threads; t; t = t->thread_next)
			task_interrupt(t->task);
	} else if (tg->shared_pending & bit) {
		wake_taker_locked(tg, p->sig.dead ? NULL : p, bit);
	}
	return continued;
}

/* Send sig to p's group (or, thread, to p alone). force: a fault, which
 * the thread cannot block or ignore. A real-time signal is queued;
 * must_queue (sigqueue) makes it -EAGAIN when the user's queue is full
 * rather than send it without its details. 0 or -EAGAIN. */
static int send(struct proc *p, int sig, const struct ksiginfo *info,
		bool force, bool thread, bool must_queue)
{
	struct sigqueue *q = NULL;
	struct sighand *h;
	bool continued;

	if (sig <= 0 || sig > NSIG)
		return 0;
	if (sig >= SIGRTMIN) {
		q = sigqueue_alloc(p);
		if (!q && must_queue)
			return -EAGAIN;
	}
	h = lock_hand(&p->sig);
	if (thread ? p->sig.dead : p->tg->live == 0) {
		spin_unlock(&h->lock);
		if (q)
			sigqueue_free(q);
		return 0;
	}
	continued = send_locked(p, h, sig, info, force, thread, q);
	spin_unlock(&h->lock);
	if (continued)
		proc_notify_continue(p);
	return 0;
}

/* ---- a POSIX timer's signal ------------------------------------------- */

#define DELAYTIMER_MAX 0x7fffffff /* overruns counted at most (POSIX) */

int signal_timer_entry_init(struct sigqueue *q)
{
	struct proc *p = proc_current();

	memset(q, 0, sizeof(*q));
	q->timer = true;
	q->uid = cred_current()->uid;
	if (!charge_user(q->uid,
			 __atomic_load_n(&p->rlim[RLIMIT_SIGPENDING].cur,
					 __ATOMIC_RELAXED)))
		return -EAGAIN;
	return 0;
}

/* Take q out of queue if it is there. */
static void unlink_entry(struct sigqueue **queue, const struct sigqueue *q)
{
	for (; *queue; queue = &(*queue)->next) {
		if (*queue == q) {
			*queue = q->next;
			return;
		}
	}
}

/* A signal still queued stays pending without its entry, as in Linux
 * (a real-time one then comes as SI_USER, a standard one with its
 * info). */
void signal_timer_unqueue(struct sighand *h, struct thread_group *tg,
			  struct proc *thread, struct sigqueue *q)
{
	spin_lock(&h->lock);
	if (q->queued) {
		unlink_entry(thread ? &thread->sig.queue : &tg->shared_queue,
			     q);
		q->queued = false;
	}
	spin_unlock(&h->lock);
}

void signal_timer_entry_free(struct sigqueue *q)
{
	uncharge_user(q->uid);
}

void signal_send_timer(struct sighand *h, struct thread_group *tg,
		       struct proc *thread, struct sigqueue *q, uint64_t missed)
{
	int sig = q->info.si_signo;
	struct proc *p;

	spin_lock(&h->lock);
	p = thread ? thread : tg->threads;
	if (!p || (thread && p->sig.dead) || tg->live == 0) {
		spin_unlock(&h->lock);
		return;
	}
	if (q->queued) {
		missed++;
	} else {
		struct ksiginfo info = q->info;

		q->overrun = 0;
		/* SIGCONT from a timer continues the group; its parent is
		 * not told (CLD_CONTINUED): docs/signals.md. */
		send_locked(p, h, sig, &info, false, thread != NULL, q);
	}
	if (q->queued)
		q->overrun = (int32_t)MIN((uint64_t)q->overrun + missed,
					  (uint64_t)DELAYTIMER_MAX);
	spin_unlock(&h->lock);
}

int signal_timer_overrun(struct sighand *h, const struct sigqueue *q)
{
	int n;

	spin_lock(&h->lock);
	n = q->overrun_last;
	spin_unlock(&h->lock);
	return n;
}

struct sighand *signal_hand_get(void)
{
	struct sighand *h = lock_hand(&proc_current()->sig);

	__atomic_add_fetch(&h->refcount, 1, __ATOMIC_RELAXED);
	spin_unlock(&h->lock);
	return h;
}

void signal_hand_put(struct sighand *h)
{
	sighand_put(h);
}

void signal_send(struct proc *p, int sig, const struct ksiginfo *info)
{
	send(p, sig, info, false, false, false);
}

void signal_send_thread(struct proc *p, int sig, const struct ksiginfo *info)
{
	send(p, sig, info, false, true, false);
}

int signal_queue(struct proc *p, int sig, const struct ksiginfo *info,
		 bool thread)
{
	return send(p, sig, info, false, thread, true);
}

void signal_kill_other_threads_locked(struct proc *self)
{
	struct thread_group *tg = self->tg;
	struct sighand *h = lock_hand(&self->sig);

	for (struct proc *t = tg->threads; t; t = t->thread_next) {
		if (t == self)
			continue;
		t->sig.pending |= SIGBIT(SIGKILL);
		memset(&t->sig.info[SIGKILL - 1], 0, sizeof(struct ksiginfo));
		t->sig.info[SIGKILL - 1].si_signo = SIGKILL;
		t->sig.info[SIGKILL - 1].si_code = SI_KERNEL;
		task_interrupt(t->task);
	}
	if (tg->stopped) {
		tg->stopped = false;
		wake_up(&tg->stop_wait);
	}
	spin_unlock(&h->lock);
}

bool signal_stopped(struct proc *p)
{
	return __atomic_load_n(&p->tg->stopped, __ATOMIC_RELAXED);
}

/* The signals waiting for thread p: its own and its group's. */
static uint64_t pending_for(struct proc *p)
{
	return __atomic_load_n(&p->sig.pending, __ATOMIC_RELAXED) |
	       __atomic_load_n(&p->tg->shared_pending, __ATOMIC_RELAXED);
}

bool signal_pending(void)
{
	struct proc *p = proc_current();

	if (!p)
		return false;
	return (pending_for(p) &
		~__atomic_load_n(&p->sig.blocked, __ATOMIC_RELAXED)) != 0 ||
	       __atomic_load_n(&p->ptrace.trap_pending, __ATOMIC_RELAXED);
}

int signal_dequeue(uint64_t mask, struct ksiginfo *info)
{
	struct proc *p = proc_current();
	struct sighand *h = lock_hand(&p->sig);
	int sig = dequeue_locked(p, ~(mask & ~UNBLOCKABLE), info);

	spin_unlock(&h->lock);
	return sig;
}

bool signal_pending_in(uint64_t mask)
{
	return (pending_for(proc_current()) & mask) != 0;
}

bool signal_child_autoreap(struct proc *parent)
{
	struct sighand *h = lock_hand(&parent->sig);
	struct k_sigaction *a = &h->action[SIGCHLD - 1];
	bool r = a->handler == SIG_IGN || (a->flags & SA_NOCLDWAIT);

	spin_unlock(&h->lock);
	return r;
}

bool signal_nocldstop(struct proc *parent)
{
	struct sighand *h;
	bool r;

	if (!parent)
		return true;
	h = lock_hand(&parent->sig);
	r = h->action[SIGCHLD - 1].flags & SA_NOCLDSTOP;
	spin_unlock(&h->lock);
	return r;
}

void signal_exit(struct proc *p)
{
	struct sighand *h = lock_hand(&p->sig);

	p->sig.dead = true;
	/* A signal for the whole process that this thread was to take goes
	 * to another one. */
	wake_taker_locked(p->tg, NULL, p->tg->shared_pending);
	spin_unlock(&h->lock);
}

/* ---- faults ------------------------------------------------------------ */

/* The signal Linux sends for an exception, and its si_code. */
static int fault_signal(uint64_t vector, int *code)
{
	switch (vector) {
	case 0: /* #DE */
		*code = FPE_INTDIV;
		return SIGFPE;
	case 16: /* #MF */
	case 19: /* #XM */
		*code = 0;
		return SIGFPE;
	case 6: /* #UD */
		*code = ILL_ILLOPN;
		return SIGILL;
	case 3: /* #BP */
	case 1: /* #DB */
		*code = TRAP_BRKPT;
		return SIGTRAP;
	case 17: /* #AC */
		*code = BUS_ADRERR;
		return SIGBUS;
	}
	*code = SI_KERNEL;
	return SIGSEGV;
}

/* Will sig, forced, end the process (no handler to catch it)? */
static bool fatal(struct proc *p, int sig)
{
	struct sighand *h = lock_hand(&p->sig);
	bool r = h->action[sig - 1].handler == SIG_DFL ||
		 h->action[sig - 1].handler == SIG_IGN ||
		 (p->sig.blocked & SIGBIT(sig));

	spin_unlock(&h->lock);
	return r;
}

void proc_user_fault(struct trapframe *tf)
{
	struct proc *p = proc_current();
	struct ksiginfo info = { 0 };
	uint64_t addr = tf->rip;
	int sig, code;

	if (tf->vector == EXC_PAGE_FAULT) {
		int err;

		addr = read_cr2();
		irq_enable();
		err = mm_fault(p->mm, addr, tf->error, tf->rip);
		if (err == 0)
			return;
		if (err == -ENOMEM) {
			kprintf("pid %d (%s): out of memory at address %#lx: "
				"killed\n",
				p->pid, p->name, addr);
			send(p, SIGKILL, NULL, true, true, false);
			return;
		}
		sig = err == -EIO ? SIGBUS : SIGSEGV;
		code = err == -EIO      ? BUS_ADRERR
		       : err == -EACCES ? SEGV_ACCERR
					: SEGV_MAPERR;
	} else {
		irq_enable();
		sig = fault_signal(tf->vector, &code);
	}
	if (!ptrace_traced(p) && fatal(p, sig)) {
		kprintf("pid %d (%s): %s at rip %#lx, rsp %#lx", p->pid,
			p->name,
			tf->vector < 32 ? exception_name(tf->vector)
					: "return to a kernel address",
			tf->rip, tf->rsp);
		if (tf->vector == EXC_PAGE_FAULT)
			kprintf(", address %#lx", addr);
		kprintf(": killed (signal %d)\n", sig);
	}
	info.si_signo = sig;
	info.si_code = code;
	info.fault.addr = addr;
	send(p, sig, &info, true, true, false);
}

/* ---- delivery ------------------------------------------------------------ */

struct k_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate; /* user address of the fxsave area, or 0 */
	uint64_t reserved1[8];
};

struct k_stack {
	uint64_t ss_sp;
	int32_t ss_flags;
	int32_t pad;
	uint64_t ss_size;
};

/* uc_flags and uc_link stay 0; the C library reads them. */
struct k_ucontext {
	/* cppcheck-suppress unusedStructMember */
	uint64_t uc_flags;
	/* cppcheck-suppress unusedStructMember */
	uint64_t uc_link;
	struct k_stack uc_stack;
	struct k_sigcontext mc;
	uint64_t uc_sigmask;
};

struct rt_sigframe {
	uint64_t pretcode;
	struct k_ucontext uc;
	struct ksiginfo info;
};

_Static_assert(sizeof(struct k_sigcontext) == 256, "Linux's sigcontext");
_Static_assert(sizeof(struct ksiginfo) == 128, "Linux's siginfo_t");

static bool on_altstack(struct signal_state *s, uint64_t sp)
{
	return s->altstack_flags != SS_DISABLE && sp > s->altstack_sp &&
	       sp - s->altstack_sp <= s->altstack_size;
}

/* Build the frame and point tf at the handler: 0 or -EFAULT. */
static int setup_frame(struct proc *p, struct trapframe *tf, int sig,
		       const struct k_sigaction *act,
		       const struct ksiginfo *info, uint64_t old_mask)
{
	struct signal_state *s = &p->sig;
	struct rt_sigframe f;
	struct fpu_state fpu;
	uint64_t sp = tf->rsp, fp_addr, frame_addr;

	if ((act->flags & SA_ONSTACK) && s->altstack_flags != SS_DISABLE &&
	    !on_altstack(s, sp))
		sp = s->altstack_sp + s->altstack_size;
	else
		sp -= 128; /* the red zone */
	fp_addr = (sp - sizeof(fpu)) & ~63UL;
	frame_addr = ((fp_addr - sizeof(f)) & ~15UL) - 8;

	memset(&f, 0, sizeof(f));
	f.pretcode = act->restorer;
	f.info = *info;
	f.uc.uc_stack.ss_sp = s->altstack_sp;
	f.uc.uc_stack.ss_size = s->altstack_size;
	f.uc.uc_stack.ss_flags = s->altstack_flags == SS_DISABLE ? SS_DISABLE
				 : on_altstack(s, tf->rsp)       ? SS_ONSTACK
								 : 0;
	f.uc.mc = (struct k_sigcontext){
		.r8 = tf->r8,
		.r9 = tf->r9,
		.r10 = tf->r10,
		.r11 = tf->r11,
		.r12 = tf->r12,
		.r13 = tf->r13,
		.r14 = tf->r14,
		.r15 = tf->r15,
		.rdi = tf->rdi,
		.rsi = tf->rsi,
		.rbp = tf->rbp,
		.rbx = tf->rbx,
		.rdx = tf->rdx,
		.rax = tf->rax,
		.rcx = tf->rcx,
		.rsp = tf->rsp,
		.rip = tf->rip,
		.eflags = tf->rflags,
		.cs = SEL_UCODE,
		.ss = SEL_UDATA,
		.err = tf->error,
		.trapno = tf->vector < 32 ? tf->vector : 0,
		.oldmask = old_mask,
		.cr2 = tf->vector == EXC_PAGE_FAULT ? info->fault.addr : 0,
		.fpstate = fp_addr,
	};
	f.uc.uc_sigmask = old_mask;
	irq_push_off();
	fpu_save(&fpu); /* the user's registers: the kernel never uses them */
	irq_pop_off();
	if (copy_to_user(fp_addr, &fpu, sizeof(fpu)) ||
	    copy_to_user(frame_addr, &f, sizeof(f)))
		return -EFAULT;
	if (act->handler >= USER_TOP)
		return -EFAULT;
	tf->rip = act->handler;
	tf->rsp = frame_addr;
	tf->rdi = (uint64_t)sig;
	tf->rsi = frame_addr + offsetof(struct rt_sigframe, info);
	tf->rdx = frame_addr + offsetof(struct rt_sigframe, uc);
	tf->rax = 0;
	tf->rflags &= ~(RFLAGS_TF | RFLAGS_DF);
	tf->cs = SEL_UCODE;
	tf->ss = SEL_UDATA;
	return 0;
}

/* A system call interrupted by a signal (-ERESTARTSYS) either returns
 * -EINTR or is made again: rax back to its number, rip back over the
 * two-byte syscall instruction. */
static void fix_restart(struct proc *p, struct trapframe *tf, bool handler,
			uint64_t flags)
{
	if (tf->vector != VEC_SYSCALL || (int64_t)tf->rax != -ERESTARTSYS)
		return;
	if (handler && !(flags & SA_RESTART)) {
		tf->rax = (uint64_t)-EINTR;
	} else {
		tf->rax = p->syscall_nr;
		tf->rip -= 2;
	}
}

/* Sleep while the group is stopped, until SIGCONT or SIGKILL (both
 * clear stopped and wake stop_wait; a SIGKILL for this thread alone
 * interrupts the sleep). A traced thread does not sleep here: its
 * tracer runs it (ptrace_group_stop), and an attach wakes it. Caller
 * holds h, the group's signal lock. */
static void stopped_wait_locked(struct proc *p, struct sighand *h)
{
	while (p->tg->stopped && !(p->sig.pending & SIGBIT(SIGKILL)) &&
	       !ptrace_traced(p))
		sleep_on(&p->tg->stop_wait, &h->lock);
}

/* Default action "stop": the whole group stops; tell the parent, sleep
 * until SIGCONT or SIGKILL (a traced thread: until its tracer resumes
 * it). */
static void do_stop(struct proc *p, struct trapframe *tf, int sig)
{
	struct sighand *h = lock_hand(&p->sig);
	bool first = !p->tg->stopped;

	if (first) {
		p->tg->stopped = true;
		/* The other threads join the stop on their way out. */
		for (struct proc *t = p->tg->threads; t; t = t->thread_next)
			if (t != p)
				task_interrupt(t->task);
	}
	spin_unlock(&h->lock);
	if (first)
		proc_notify_stop(p, sig);
	if (ptrace_traced(p)) {
		ptrace_group_stop(tf, sig);
		return;
	}
	h = lock_hand(&p->sig);
	stopped_wait_locked(p, h);
	spin_unlock(&h->lock);
}

/* Nothing to deliver, no mask to restore, no group stop: the common
 * case on every return to user space, read without the lock. A sender
 * that sets a bit (or stops the group) just after this look interrupts
 * the task (task_interrupt), so the signal comes at the next entry, as
 * it would had it come just after a look under the lock; and
 * restore_mask is only ever set by the thread itself (rt_sigsuspend),
 * so it cannot change under this look. */
static bool nothing_to_deliver(struct proc *p)
{
	uint64_t blocked = __atomic_load_n(&p->sig.blocked, __ATOMIC_RELAXED);

	return !(pending_for(p) & ~blocked) && !p->sig.restore_mask &&
	       !__atomic_load_n(&p->tg->stopped, __ATOMIC_RELAXED);
}

void signal_deliver(struct trapframe *tf)
{
	struct proc *p = proc_current();
	struct signal_state *s = &p->sig;
	struct thread_group *tg = p->tg;

	if (nothing_to_deliver(p) &&
	    !__atomic_load_n(&p->ptrace.trap_pending, __ATOMIC_RELAXED)) {
		fix_restart(p, tf, false, 0);
		return;
	}
	ptrace_take_trap(tf);
	for (;;) {
		struct k_sigaction act;
		struct ksiginfo info;
		struct sighand *h;
		uint64_t pend, old_mask;
		int sig;

		h = lock_hand(s);
		stopped_wait_locked(p, h); /* another thread stopped us */
		pend = (s->pending | tg->shared_pending) & ~s->blocked;
		if (!pend) {
			if (s->restore_mask) {
				s->blocked = s->saved_mask;
				s->restore_mask = false;
			}
			spin_unlock(&h->lock);
			break;
		}
		/* SIGKILL first; then the thread's own, lowest first. */
		if (pend & SIGBIT(SIGKILL))
			pend = SIGBIT(SIGKILL);
		sig = dequeue_locked(p, ~pend, &info);
		/* A tracer sees every signal but SIGKILL first, and says
		 * which to deliver; one now blocked waits again. */
		if (sig != SIGKILL && ptrace_traced(p)) {
			spin_unlock(&h->lock);
			sig = ptrace_signal(tf, sig, &info);
			if (!sig)
				continue;
			h = lock_hand(s);
			if (s->blocked & SIGBIT(sig)) {
				spin_unlock(&h->lock);
				signal_send_thread(p, sig, &info);
				continue;
			}
		}
		act = h->action[sig - 1];
		if (act.handler == SIG_IGN) {
			spin_unlock(&h->lock);
			continue;
		}
		if (act.handler == SIG_DFL) {
			spin_unlock(&h->lock);
			switch (default_action(sig)) {
			case DEF_IGNORE:
			case DEF_CONT:
				continue;
			case DEF_STOP:
				do_stop(p, tf, sig);
				continue;
			case DEF_TERM:
			case DEF_CORE:
				proc_exit(WAIT_SIGNALED(sig));
			}
		}
		if (act.flags & SA_RESETHAND)
			h->action[sig - 1].handler = SIG_DFL;
		old_mask = s->restore_mask ? s->saved_mask : s->blocked;
		s->restore_mask = false;
		s->blocked |= act.mask;
		if (!(act.flags & SA_NODEFER))
			s->blocked |= SIGBIT(sig);
		s->blocked &= ~UNBLOCKABLE;
		/* What this thread now blocks may be another's to take. */
		wake_taker_locked(tg, NULL, tg->shared_pending & s->blocked);
		spin_unlock(&h->lock);
		fix_restart(p, tf, true, act.flags);
		if (setup_frame(p, tf, sig, &act, &info, old_mask)) {
			kprintf("pid %d (%s): cannot build the frame for "
				"signal %d (stack at %#lx): killed (signal "
				"11)\n",
				p->pid, p->name, sig, tf->rsp);
			proc_exit(WAIT_SIGNALED(SIGSEGV));
		}
		p->frame_rewritten = true;
		return; /* one handler at a time; the next on its return */
	}
	fix_restart(p, tf, false, 0);
}

void proc_return_to_user(struct trapframe *tf)
{
	irq_enable();
	if (sched_should_yield())
		sched_preempt();
	signal_deliver(tf);
	irq_disable();
}

/* ---- system calls -------------------------------------------------------- */

static long sys_rt_sigaction(uint64_t sig, uaddr_t uact, uaddr_t uold,
			     uint64_t setsize)
{
	struct proc *p = proc_current();
	struct k_sigaction act, old;
	struct sighand *h;

	if (setsize != sizeof(uint64_t) || sig == 0 || sig > NSIG)
		return -EINVAL;
	if (uact && copy_from_user(&act, uact, sizeof(act)))
		return -EFAULT;
	if (uact && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	h = lock_hand(&p->sig);
	old = h->action[sig - 1];
	if (uact) {
		act.mask &= ~UNBLOCKABLE;
		h->action[sig - 1] = act;
		/* Setting a pending signal to be ignored discards it, in
		 * every thread. */
		if (is_ignored(h, (int)sig))
			discard_locked(p->tg, p, SIGBIT(sig));
	}
	spin_unlock(&h->lock);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}
SYSCALL(rt_sigaction, sys_rt_sigaction);

static long sys_rt_sigprocmask(uint64_t how, uaddr_t uset, uaddr_t uold,
			       uint64_t setsize)
{
	struct proc *p = proc_current();
	struct signal_state *s = &p->sig;
	struct sighand *h;
	uint64_t set = 0, old;

	if (setsize != sizeof(uint64_t))
		return -EINVAL;
	if (uset && copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	if (uset && how > SIG_SETMASK)
		return -EINVAL;
	h = lock_hand(s);
	old = s->blocked;
	if (uset) {
		if (how == SIG_BLOCK)
			s->blocked |= set;
		else if (how == SIG_UNBLOCK)
			s->blocked &= ~set;
		else
			s->blocked = set;
		s->blocked &= ~UNBLOCKABLE;
		/* Process signals this thread now blocks: another's. */
		wake_taker_locked(p->tg, NULL,
				  p->tg->shared_pending & s->blocked & ~old);
	}
	spin_unlock(&h->lock);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}
SYSCALL(rt_sigprocmask, sys_rt_sigprocmask);

static long sys_rt_sigpending(uaddr_t uset, uint64_t setsize)
{
	struct proc *p = proc_current();
	struct sighand *h;
	uint64_t set;

	if (setsize > sizeof(uint64_t))
		return -EINVAL;
	h = lock_hand(&p->sig);
	set = (p->sig.pending | p->tg->shared_pending) & p->sig.blocked;
	spin_unlock(&h->lock);
	return copy_to_user(uset, &set, setsize);
}
SYSCALL(rt_sigpending, sys_rt_sigpending);

/* Sleep with mask in place until a signal comes; the handler runs with
 * it, and the old mask comes back after (restore_mask). */
static long sys_rt_sigsuspend(uaddr_t umask, uint64_t setsize)
{
	struct proc *p = proc_current();
	struct signal_state *s = &p->sig;
	struct sighand *h;
	uint64_t mask;

	if (setsize != sizeof(uint64_t))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	h = lock_hand(s);
	s->saved_mask = s->blocked;
	s->restore_mask = true;
	s->blocked = mask & ~UNBLOCKABLE;
	while (!((s->pending | p->tg->shared_pending) & ~s->blocked))
		sleep_on(&s->wait, &h->lock);
	spin_unlock(&h->lock);
	return -EINTR;
}
SYSCALL(rt_sigsuspend, sys_rt_sigsuspend);

/* A timeout from user space as a deadline on time_ns(): 0, -EFAULT,
 * -EINVAL. */
static int read_deadline(uaddr_t uts, uint64_t *deadline)
{
	struct {
		int64_t sec, nsec;
	} ts;
	uint64_t now = time_ns();

	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (int64_t)NS_PER_SEC)
		return -EINVAL;
	if ((uint64_t)ts.sec >= (UINT64_MAX - now) / NS_PER_SEC - 1)
		*deadline = UINT64_MAX; /* centuries: forever */
	else
		*deadline =
			now + (uint64_t)ts.sec * NS_PER_SEC + (uint64_t)ts.nsec;
	return 0;
}

/*
 * rt_sigtimedwait (sigwaitinfo, sigtimedwait, sigwait): take a pending
 * signal of set, with its siginfo, without running its handler; if none
 * is pending, wait for one until the timeout (none: forever). The set is
 * unblocked while the thread waits, so that a signal of it sent to the
 * process picks this thread and wakes it. The signal, or -EAGAIN (the
 * time ran out), -EINTR (another signal came: its handler runs).
 */
static long sys_rt_sigtimedwait(uaddr_t uset, uaddr_t uinfo, uaddr_t uts,
				uint64_t setsize)
{
	struct proc *p = proc_current();
	struct signal_state *s = &p->sig;
	uint64_t set, saved, deadline = UINT64_MAX;
	struct ksiginfo info;
	struct sighand *h;
	int sig, err;

	if (setsize != sizeof(uint64_t))
		return -EINVAL;
	if (copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	if (uts && (err = read_deadline(uts, &deadline)))
		return err;
	set &= ~UNBLOCKABLE;
	h = lock_hand(s);
	sig = dequeue_locked(p, ~set, &info);
	if (!sig && time_ns() < deadline) {
		saved = s->blocked;
		s->blocked &= ~set;
		while (!((s->pending | p->tg->shared_pending) & ~s->blocked) &&
		       time_ns() < deadline)
			sleep_on_until(&s->wait, &h->lock, deadline);
		s->blocked = saved;
		sig = dequeue_locked(p, ~set, &info);
		/* What this thread blocks again may be another's to take. */
		wake_taker_locked(p->tg, NULL, p->tg->shared_pending & saved);
	}
	spin_unlock(&h->lock);
	if (!sig)
		return time_ns() >= deadline ? -EAGAIN : -EINTR;
	if (uinfo && copy_to_user(uinfo, &info, sizeof(info)))
		return -EFAULT;
	return sig;
}
SYSCALL(rt_sigtimedwait, sys_rt_sigtimedwait);

static long sys_pause(void)
{
	struct proc *p = proc_current();
	struct signal_state *s = &p->sig;
	struct sighand *h = lock_hand(s);
	bool sig;

	while (!(sig = (s->pending | p->tg->shared_pending) & ~s->blocked) &&
	       !__atomic_load_n(&p->ptrace.trap_pending, __ATOMIC_RELAXED))
		sleep_on(&s->wait, &h->lock);
	spin_unlock(&h->lock);
	/* Woken by a tracer's PTRACE_INTERRUPT alone: pause again after
	 * the stop. */
	return sig ? -EINTR : -ERESTARTSYS;
}
SYSCALL(pause, sys_pause);

static long sys_sigaltstack(uaddr_t uss, uaddr_t uold)
{
	struct signal_state *s = &proc_current()->sig;
	struct trapframe *tf = user_frame();
	struct k_stack ss, old;
	struct sighand *h;
	bool on;

	if (uss && copy_from_user(&ss, uss, sizeof(ss)))
		return -EFAULT;
	h = lock_hand(s);
	on = on_altstack(s, tf->rsp);
	old = (struct k_stack){ .ss_sp = s->altstack_sp,
				.ss_size = s->altstack_size,
				.ss_flags = on ? SS_ONSTACK
					       : s->altstack_flags };
	if (uss) {
		long err = 0;

		if (on)
			err = -EPERM;
		else if (ss.ss_flags != 0 && ss.ss_flags != SS_DISABLE &&
			 ss.ss_flags != SS_ONSTACK)
			err = -EINVAL;
		else if (ss.ss_flags != SS_DISABLE && ss.ss_size < MINSIGSTKSZ)
			err = -ENOMEM;
		if (err) {
			spin_unlock(&h->lock);
			return err;
		}
		if (ss.ss_flags == SS_DISABLE) {
			s->altstack_flags = SS_DISABLE;
			s->altstack_sp = s->altstack_size = 0;
		} else {
			s->altstack_flags = 0;
			s->altstack_sp = ss.ss_sp;
			s->altstack_size = ss.ss_size;
		}
	}
	spin_unlock(&h->lock);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}
SYSCALL(sigaltstack, sys_sigaltstack);

static long sys_rt_sigreturn(void)
{
	struct proc *p = proc_current();
	struct trapframe *tf = user_frame();
	uint64_t frame = tf->rsp - 8; /* the handler's ret popped pretcode */
	struct rt_sigframe f;
	struct k_sigcontext *mc = &f.uc.mc;

	if (copy_from_user(&f, frame, sizeof(f)))
		goto bad;
	if (mc->fpstate) {
		struct fpu_state fpu;

		if (copy_from_user(&fpu, mc->fpstate, sizeof(fpu)))
			goto bad;
		/* MXCSR (bytes 24..27): reserved bits set would make fxrstor
		 * fault in the kernel. */
		fpu.bytes[26] = fpu.bytes[27] = 0;
		irq_push_off();
		fpu_restore(&fpu);
		irq_pop_off();
	}
	tf->r8 = mc->r8;
	tf->r9 = mc->r9;
	tf->r10 = mc->r10;
	tf->r11 = mc->r11;
	tf->r12 = mc->r12;
	tf->r13 = mc->r13;
	tf->r14 = mc->r14;
	tf->r15 = mc->r15;
	tf->rdi = mc->rdi;
	tf->rsi = mc->rsi;
	tf->rbp = mc->rbp;
	tf->rbx = mc->rbx;
	tf->rdx = mc->rdx;
	tf->rcx = mc->rcx;
	tf->rsp = mc->rsp;
	tf->rip = mc->rip;
	tf->rflags = (tf->rflags & ~RFLAGS_USER_CHANGEABLE) |
		     (mc->eflags & RFLAGS_USER_CHANGEABLE) | RFLAGS_IF;
	tf->cs = SEL_UCODE;
	tf->ss = SEL_UDATA;
	tf->vector = 0; /* not a syscall to restart any more */
	{
		struct sighand *h = lock_hand(&p->sig);

		p->sig.blocked = f.uc.uc_sigmask & ~UNBLOCKABLE;
		spin_unlock(&h->lock);
	}
	p->frame_rewritten = true;
	return (long)mc->rax;
bad:
	kprintf("pid %d (%s): rt_sigreturn with a bad frame at %#lx: killed "
		"(signal 11)\n",
		p->pid, p->name, frame);
	proc_exit(WAIT_SIGNALED(SIGSEGV));
}
SYSCALL(rt_sigreturn, sys_rt_sigreturn);
