/*
 * kill(2), tkill and tgkill, and signal_send_pgrp for the terminal: a
 * signal to one process, to a process group, or to everyone but init and
 * the caller. Sending is signal.c's (signal_send); this file chooses the
 * targets, which for a group or everyone means walking the table in
 * batches without holding proc_lock across the sends (the comment above
 * proc_kill argues that no target is skipped). A user may signal only
 * its own processes unless it is root (kill_permission). docs/signals.md.
 */
#include "proc/proc.h"
#include "proc/table.h"

#define KILL_BATCH 64

/* Does kill(pid) with pid <= 0, sent by self, reach q? Caller holds
 * proc_lock. */
static bool kill_reaches_locked(int pid, struct proc *self, struct proc *q)
{
	if (q->state != PROC_ALIVE || q->pid != q->tgid)
		return false; /* a process is reached once, by its leader */
	if (pid == -1)
		return !proc_is_init(q) && q->tg != self->tg;
	return q->pgid == (pid == 0 ? self->pgid : -pid);
}

/* May the thread self send sig to p (Linux's check_kill_permission)?
 * Root may signal anyone; others a process whose real or saved uid is
 * their real or effective uid; SIGCONT also any process of their
 * session. 0 or -EPERM. */
static int kill_permission(struct proc *self, struct proc *p, int sig)
{
	const struct cred *me = cred_current();
	struct cred them;

	if (!self || me->euid == 0)
		return 0;
	cred_snapshot(p, &them);
	if (me->euid == them.suid || me->euid == them.uid ||
	    me->uid == them.suid || me->uid == them.uid)
		return 0;
	if (sig == SIGCONT && p->sid == self->sid)
		return 0;
	return -EPERM;
}

/* The next batch for kill(pid): into batch, in pid order and referenced,
 * the (at most KILL_BATCH) processes it reaches with the smallest pids
 * above after; how many. Takes proc_lock. */
static int gather_batch(int pid, struct proc *self, int after,
			struct proc **batch)
{
	struct proc *q;
	int n = 0;

	spin_lock(&proc_lock);
	for_each_proc_locked(q) {
		int j;

		if (q->pid <= after || !kill_reaches_locked(pid, self, q))
			continue;
		if (n == KILL_BATCH && q->pid > batch[n - 1]->pid)
			continue;
		/* Insert q in pid order; when full, the largest drops out. */
		j = n < KILL_BATCH ? n++ : KILL_BATCH - 1;
		while (j > 0 && batch[j - 1]->pid > q->pid) {
			batch[j] = batch[j - 1];
			j--;
		}
		batch[j] = q;
	}
	for (int i = 0; i < n; i++)
		batch[i]->refcount++;
	spin_unlock(&proc_lock);
	return n;
}

/*
 * kill(-pgrp) and kill(-1) reach many processes, but signal_send must
 * not run under proc_lock (a SIGCONT takes it to tell the parent). So
 * the targets are gathered under the lock, referenced, KILL_BATCH at a
 * time, and signalled after it is dropped. Between two batches processes
 * exit, are reaped and fork (the first batch's targets may be dying of
 * this very signal), so a batch is found by pid, not by position: each
 * takes the targets with the smallest pids above the largest pid the
 * batch before it took (`after`).
 *
 * Why no target is skipped. Let T be a process that kill reaches from
 * the start of the call to its end, with pid t. The batches cover the
 * pid ranges (a0, a1], (a1, a2], ... with a0 = 0 and each a(i+1) the
 * largest pid batch i took, so a0 < a1 < a2 ...; the loop ends after the
 * first batch that is not full. Let batch i be the first with t <=
 * a(i+1), or the last batch if there is none; then a(i) < t. In batch i,
 * T is a candidate: alive, reached, pid above a(i). If the batch is not
 * full it took every candidate, T among them. If it is full it took the
 * KILL_BATCH candidates with the smallest pids, the largest a(i+1) >= t,
 * so T, a candidate with a pid no larger, is among them. And T is sent
 * the signal once: the ranges do not overlap.
 *
 * (Counting positions instead, as this code once did, skips: when a
 * process signalled in one batch exits before the next, every later
 * target moves one place forward, and as many as left are never reached.
 * user/tests/t_signal.c's kill_reaches_every_group_member saw it.)
 * A process that joins or is born during the call may or may not be
 * reached, and one that leaves may not be; Linux holds its task list
 * lock across the whole walk and so is exact for those too.
 */
int proc_kill(int pid, int sig, const struct ksiginfo *info)
{
	struct proc *self = proc_current();
	struct proc *batch[KILL_BATCH];
	int found = 0, allowed = 0, after = 0, n;
	/* A user's kill (SI_USER) is checked; the kernel's own are not. */
	bool check = info && info->si_code <= 0; /* SI_USER, SI_QUEUE... */

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (pid > 0) {
		struct proc *p = proc_get(pid);
		int err;

		if (!p)
			return -ESRCH;
		err = check ? kill_permission(self, p, sig) : 0;
		if (!err && sig)
			signal_send(p, sig, info);
		proc_put(p);
		return err;
	}
	do {
		n = gather_batch(pid, self, after, batch);
		for (int i = 0; i < n; i++) {
			bool ok = !check ||
				  !kill_permission(self, batch[i], sig);

			if (ok && sig)
				signal_send(batch[i], sig, info);
			allowed += ok;
			after = batch[i]->pid;
			proc_put(batch[i]);
		}
		found += n;
	} while (n == KILL_BATCH);
	if (!found && pid == -1 && sig)
		return 0; /* nobody else: Linux says ESRCH only for groups */
	if (!found)
		return -ESRCH;
	return allowed ? 0 : -EPERM; /* some reached: success (Linux) */
}

int signal_send_pgrp(int pgid, int sig)
{
	if (pgid <= 0)
		return -ESRCH;
	return proc_kill(-pgid, sig, NULL);
}

static long sys_kill(int64_t pid, uint64_t sig)
{
	struct ksiginfo info = { 0 };

	info.si_signo = (int)sig;
	info.si_code = SI_USER;
	info.kill.pid = proc_current()->tgid;
	info.kill.uid = cred_current()->uid;
	return proc_kill((int)pid, (int)sig, &info);
}
SYSCALL(kill, sys_kill);

/* Send sig with info to thread tid of group tgid (-1: any group): tkill,
 * tgkill, rt_tgsigqueueinfo. queue: a real-time signal is not sent when
 * its user's queue is full (-EAGAIN). 0, -EINVAL, -ESRCH, -EPERM,
 * -EAGAIN. */
static long thread_send(int tgid, int tid, uint64_t sig,
			const struct ksiginfo *info, bool queue)
{
	struct proc *p;
	long err = 0;

	p = proc_get(tid);
	if (!p)
		return -ESRCH;
	spin_lock(&proc_lock);
	if (p->thread_exited || p->state != PROC_ALIVE ||
	    (tgid != -1 && p->tgid != tgid))
		err = -ESRCH;
	spin_unlock(&proc_lock);
	if (!err && sig > NSIG)
		err = -EINVAL;
	if (!err)
		err = kill_permission(proc_current(), p, (int)sig);
	if (!err && sig && queue)
		err = signal_queue(p, (int)sig, info, true);
	else if (!err && sig)
		signal_send_thread(p, (int)sig, info);
	proc_put(p);
	return err;
}

/* tkill, tgkill: the kernel writes the siginfo (SI_TKILL). */
static long thread_kill(int tgid, int tid, uint64_t sig)
{
	struct ksiginfo info = { 0 };

	if (tid <= 0 || sig > NSIG)
		return -EINVAL;
	info.si_signo = (int)sig;
	info.si_code = SI_TKILL;
	info.kill.pid = proc_current()->tgid;
	info.kill.uid = cred_current()->uid;
	return thread_send(tgid, tid, sig, &info, false);
}

static long sys_tgkill(int64_t tgid, int64_t tid, uint64_t sig)
{
	if ((int)tgid <= 0)
		return -EINVAL;
	return thread_kill((int)tgid, (int)tid, sig);
}
SYSCALL(tgkill, sys_tgkill);

static long sys_tkill(int64_t tid, uint64_t sig)
{
	return thread_kill(-1, (int)tid, sig);
}
SYSCALL(tkill, sys_tkill);

/* sigqueue's siginfo comes from user space, which may not pass off a
 * signal to another process as the kernel's (si_code > 0) or as a kill
 * or tkill (SI_USER, SI_TKILL), which say who sent them (Linux's rule).
 * to: the process (or thread) sent to. 0 or -EPERM. */
static int user_info_ok(const struct ksiginfo *info, int to, int self)
{
	if ((info->si_code >= 0 || info->si_code == SI_TKILL) && to != self)
		return -EPERM;
	return 0;
}

/* rt_sigqueueinfo (sigqueue): sig with the caller's siginfo (its value)
 * to process pid; a real-time one is queued. */
static long sys_rt_sigqueueinfo(int64_t pid, uint64_t sig, uaddr_t uinfo)
{
	struct proc *p;
	struct ksiginfo info;
	long err;

	if (copy_from_user(&info, uinfo, sizeof(info)))
		return -EFAULT;
	info.si_signo = (int)sig;
	err = user_info_ok(&info, (int)pid, proc_current()->tgid);
	if (err)
		return err;
	p = (int)pid > 0 ? proc_get((int)pid) : NULL;
	if (!p)
		return -ESRCH;
	err = sig > NSIG ? -EINVAL
			 : kill_permission(proc_current(), p, (int)sig);
	if (!err && sig)
		err = signal_queue(p, (int)sig, &info, false);
	proc_put(p);
	return err;
}
SYSCALL(rt_sigqueueinfo, sys_rt_sigqueueinfo);

/* rt_tgsigqueueinfo (pthread_sigqueue): the same to thread tid of group
 * tgid. */
static long sys_rt_tgsigqueueinfo(int64_t tgid, int64_t tid, uint64_t sig,
				  uaddr_t uinfo)
{
	struct ksiginfo info;
	long err;

	if (copy_from_user(&info, uinfo, sizeof(info)))
		return -EFAULT;
	if ((int)tgid <= 0 || (int)tid <= 0)
		return -EINVAL;
	info.si_signo = (int)sig;
	err = user_info_ok(&info, (int)tid, proc_current()->pid);
	if (err)
		return err;
	return thread_send((int)tgid, (int)tid, sig, &info, true);
}
SYSCALL(rt_tgsigqueueinfo, sys_rt_tgsigqueueinfo);
