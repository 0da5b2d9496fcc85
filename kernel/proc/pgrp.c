/*
 * Process groups and sessions: getpgid, getpgrp, getsid, setpgid and
 * setsid, with POSIX's rules. A group is the processes that share a pgid
 * (the pid of the process that made the group), and a session is the
 * groups that share a sid. Neither is an object of its own, only ids in
 * struct proc under proc_lock, which is why pid allocation (proc.c)
 * skips an id that a group or session still uses. A fork joins its
 * parent's group and session. The terminal signals its foreground group
 * (signal_send_pgrp, kill.c). docs/processes.md, "Process groups,
 * sessions, the terminal".
 */
#include "proc/proc.h"
#include "proc/table.h"

static long sys_getpgid(int64_t pid)
{
	struct proc *p = pid ? proc_get((int)pid) : NULL;
	int pgid;

	if (!pid)
		return proc_current()->pgid;
	if (!p)
		return -ESRCH;
	spin_lock(&proc_lock);
	pgid = p->pgid;
	spin_unlock(&proc_lock);
	proc_put(p);
	return pgid;
}
SYSCALL(getpgid, sys_getpgid);

static long sys_getpgrp(void)
{
	return sys_getpgid(0);
}
SYSCALL(getpgrp, sys_getpgrp);

static long sys_getsid(int64_t pid)
{
	struct proc *p = pid ? proc_get((int)pid) : NULL;
	int sid;

	if (!pid)
		return proc_current()->sid;
	if (!p)
		return -ESRCH;
	spin_lock(&proc_lock);
	sid = p->sid;
	spin_unlock(&proc_lock);
	proc_put(p);
	return sid;
}
SYSCALL(getsid, sys_getsid);

/* Every thread of p's group gets the new ids. Caller holds proc_lock. */
static void set_ids_locked(struct proc *p, int pgid, int sid)
{
	p->pgid = pgid;
	p->sid = sid;
	for (struct proc *t = p->tg->threads; t; t = t->thread_next) {
		t->pgid = pgid;
		t->sid = sid;
	}
}

/* Has session sid a live process in group pgid? Caller holds proc_lock. */
static bool group_in_session_locked(int pgid, int sid)
{
	struct proc *q;

	for_each_proc_locked(q)
		if (q->pgid == pgid && q->sid == sid && q->state == PROC_ALIVE)
			return true;
	return false;
}

/* setpgid(pid, pgid), with POSIX's rules: the process is the caller or
 * one of its children that has not exec'd (Kestrel does not track that:
 * any child), in the caller's session, not a session leader; the group
 * is its own pid or an existing group in the same session. */
static long sys_setpgid(int64_t upid, int64_t upgid)
{
	struct proc *self = proc_leader(proc_current()), *p;
	int pid = (int)upid ? (int)upid : self->pid;
	int pgid = (int)upgid ? (int)upgid : pid;
	long err = 0;

	if (pgid < 0)
		return -EINVAL;
	spin_lock(&proc_lock);
	p = proc_lookup_locked(pid);
	if (p)
		p = p->tg->leader; /* a thread's id names its process */
	if (!p || (p != self && p->parent != self)) {
		err = -ESRCH;
	} else if (p->sid != self->sid) {
		err = -EPERM;
	} else if (p->sid == p->pid) {
		err = -EPERM; /* a session leader */
	} else if (pgid != pid && !group_in_session_locked(pgid, self->sid)) {
		err = -EPERM;
	}
	if (!err)
		set_ids_locked(p, pgid, p->sid);
	spin_unlock(&proc_lock);
	return err;
}
SYSCALL(setpgid, sys_setpgid);

static long sys_setsid(void)
{
	struct proc *self = proc_leader(proc_current()), *q;
	long err = self->pid;

	spin_lock(&proc_lock);
	for_each_proc_locked(q) {
		if (q->pgid == self->pid) {
			err = -EPERM; /* already a group leader */
			break;
		}
	}
	if (err > 0)
		set_ids_locked(self, self->pid, self->pid);
	spin_unlock(&proc_lock);
	return err;
}
SYSCALL(setsid, sys_setsid);
