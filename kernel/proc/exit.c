/*
 * The end of a process, and its parent hearing of it:
 *
 *   exit     free memory and files at once, hand the children to init,
 *            become a zombie, tell the parent (its exit signal, SIGCHLD)
 *   wait4    the parent collects a zombie's status: then it is gone
 *   waitid   the same, with the report as a siginfo
 *
 * Stops and continues (signal.c's default actions) are reported to the
 * parent here too, and wait4 and waitid collect them on request.
 *
 * A process's address space cannot be freed while its CPU still runs on
 * it: exit switches the task to the kernel's page tables first. The task
 * itself (its kernel stack) is freed by the scheduler once it has
 * switched away, so a zombie's struct proc never points at a live task.
 * docs/processes.md has the pictures.
 */
#include "proc/proc.h"
#include "proc/table.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"
#include "proc/futex.h"
#include "ipc/ipc.h"

/* ---- exit ------------------------------------------------------------ */

/* Tell p's parent that p changed state (exit, stop, continue): its
 * signal, and a wakeup for wait4. Caller holds proc_lock. */
static void notify_parent_locked(struct proc *p, int code, int status)
{
	struct proc *parent = p->parent;
	struct ksiginfo info = { 0 };
	int sig = SIGCHLD;

	if (!parent)
		return;
	wake_up(&parent->child_wait);
	if (code == CLD_EXITED || code == CLD_KILLED || code == CLD_DUMPED) {
		sig = p->exit_signal;
		if (sig == SIGCONT || sig == SIGSTOP || sig < 0 || sig > NSIG)
			sig = SIGCHLD; /* those would need proc_lock again */
		if (!sig)
			return;
	}
	info.si_signo = SIGCHLD;
	info.si_code = code;
	info.kill.pid = p->pid;
	info.kill.status = status;
	info.kill.utime = (int64_t)(p->utime_ns / 10000000);
	info.kill.stime = (int64_t)(p->stime_ns / 10000000);
	signal_send(parent, sig, &info);
}

/* What every thread gives back when it ends: the robust futexes it
 * held, its tid word (CLONE_CHILD_CLEARTID, set_tid_address: 0, and a
 * futex wake for pthread_join), its references to the address space,
 * the files and the working directory. */
static void thread_release(struct proc *p)
{
	struct fdtable *files;
	struct fs_struct *fs;
	struct inode *exe;
	char *exe_path;
	struct mm *mm;

	futex_exit(p);
	signal_exit(p);
	/* Taken away under proc_lock: /proc may be reading them. */
	spin_lock(&proc_lock);
	files = p->files;
	p->files = NULL;
	spin_unlock(&proc_lock);
	fdtable_put(files);
	proc_vfork_release(p);
	task_set_vs(NULL);
	spin_lock(&proc_lock);
	mm = p->mm;
	p->mm = NULL;
	p->minflt = __atomic_load_n(&mm->minflt, __ATOMIC_RELAXED);
	p->majflt = __atomic_load_n(&mm->majflt, __ATOMIC_RELAXED);
	fs = p->fs;
	p->fs = NULL;
	exe = p->exe;
	exe_path = p->exe_path;
	p->exe = NULL;
	p->exe_path = NULL;
	spin_unlock(&proc_lock);
	mm_put(mm);
	fs_struct_put(fs);
	if (exe)
		vfs_iput(exe);
	kfree(exe_path);
}

/* Thread p, not its group's leader, has ended: it goes, unless a tracer
 * is to see its exit first (with exit_group's status if the group is
 * ending). Caller holds proc_lock. */
static void thread_gone_locked(struct proc *p, int wait_status)
{
	if (p->tg->group_exit)
		wait_status = p->tg->group_status;
	/* Now, while the leader is sure to be there: a tracer may reap
	 * the zombie after the process is gone. */
	proc_thread_account_locked(p);
	if (!ptrace_thread_zombie_locked(p, wait_status))
		proc_thread_reap_locked(p);
}

/* The running thread ends. If others of its group live on, that is
 * all (a leader's struct stays for wait); the last one to go ends the
 * process: the leader becomes a zombie and its parent hears of it. */
static __noreturn void thread_end(struct proc *p, int wait_status)
{
	struct thread_group *tg = p->tg;
	int own_status = wait_status;
	struct proc *l;

	if (ptrace_traced(p))
		ptrace_exit(wait_status); /* PTRACE_EVENT_EXIT */
	thread_release(p);
	posix_timer_thread_exit(p);
	spin_lock(&proc_lock);
	proc_thread_unlink_locked(p);
	l = tg->leader;
	if (p == l)
		p->exit_status = wait_status; /* the process's, unless */
	if (tg->live > 0) {
		/* An execve waits for the others to be gone. */
		if (tg->exec_thread && tg->live == 1)
			wake_up(&tg->exec_wait);
		if (p != l)
			thread_gone_locked(p, wait_status);
		task_exit_unlock(&proc_lock);
	}
	/* The last thread: the process ends, with exit_group's (or the
	 * fatal signal's) status, or else the leader's own (Linux's). */
	if (tg->group_exit)
		wait_status = tg->group_status;
	else if (p != l)
		wait_status = l->exit_status;
	if (p != l)
		thread_gone_locked(p, own_status);
	sem_exit(l->tgid); /* its SEM_UNDO adjustments (kernel/ipc) */
	if (proc_is_init(l))
		panic("init (pid 1) exited with wait status %#x: there is no "
		      "one left to reap orphans",
		      wait_status);
	itimer_exit(l);
	ptrace_tracer_exit_locked(l); /* its tracees go free */
	proc_make_zombie_locked(l, wait_status);
	/* A tracer that is not the parent hears of the exit first, and
	 * hands the zombie on when it has waited for it. */
	if (!ptrace_exit_notify_locked(l))
		proc_release_zombie_locked(l);
	/* Not preempted from here on: a parent reaping the zombie finds
	 * its task running (task_release waits) or dead, not runnable. */
	task_exit_unlock(&proc_lock);
}

void proc_release_zombie_locked(struct proc *l)
{
	int st = l->exit_status;

	/* A parent that ignores SIGCHLD (or set SA_NOCLDWAIT) leaves no
	 * zombies, as POSIX says. */
	if (l->kernel_child)
		wake_up(&l->child_wait); /* proc_wait */
	else if (!l->parent || signal_child_autoreap(l->parent))
		proc_reap_locked(l);
	else if (st & 0x7f)
		notify_parent_locked(l, CLD_KILLED, st & 0x7f);
	else
		notify_parent_locked(l, CLD_EXITED, (st >> 8) & 0xff);
}

__noreturn void proc_exit(int wait_status)
{
	struct proc *p = proc_current();
	struct thread_group *tg;

	assert(p);
	tg = p->tg;
	spin_lock(&proc_lock);
	/* The first to end the group sets its status and kills the rest;
	 * a thread killed by another's execve just goes. */
	if (!tg->group_exit && !(tg->exec_thread && tg->exec_thread != p)) {
		tg->group_exit = true;
		tg->group_status = wait_status;
		signal_kill_other_threads_locked(p);
	}
	spin_unlock(&proc_lock);
	thread_end(p, wait_status);
}

__noreturn void proc_thread_exit(int wait_status)
{
	struct proc *p = proc_current();

	assert(p);
	thread_end(p, wait_status);
}

static long sys_exit(uint64_t code)
{
	proc_thread_exit(WAIT_EXITED(code));
}
SYSCALL(exit, sys_exit);

static long sys_exit_group(uint64_t code)
{
	proc_exit(WAIT_EXITED(code));
}
SYSCALL(exit_group, sys_exit_group);

/* ---- stop and continue (signal.c's default actions) ------------------- */

void proc_notify_stop(struct proc *p, int sig)
{
	spin_lock(&proc_lock);
	p = p->tg->leader;
	p->stop_report = WAIT_STOPPED(sig);
	if (!signal_nocldstop(p->parent))
		notify_parent_locked(p, CLD_STOPPED, sig);
	else if (p->parent)
		wake_up(&p->parent->child_wait);
	spin_unlock(&proc_lock);
}

void proc_notify_continue(struct proc *p)
{
	spin_lock(&proc_lock);
	p = p->tg->leader;
	p->stop_report = WAIT_CONTINUED;
	if (!signal_nocldstop(p->parent))
		notify_parent_locked(p, CLD_CONTINUED, SIGCONT);
	else if (p->parent)
		wake_up(&p->parent->child_wait);
	spin_unlock(&proc_lock);
}

/* ---- wait ------------------------------------------------------------- */

bool proc_wait_matches(struct proc *c, int idtype, int id)
{
	switch (idtype) {
	case P_PID:
		return c->pid == id;
	case P_PGID:
		return c->pgid == id;
	}
	return true;
}

/* Find a child matching (idtype, id) with something to report under
 * options, and report it: 1 with *r, 0 if there are matching children
 * but none has anything yet, -ECHILD if there are none. */
static int wait_scan_locked(struct proc *self, int idtype, int id, int options,
			    struct wait_result *r)
{
	bool any = false;

	for (struct proc *c = self->children; c; c = c->sibling) {
		if (!proc_wait_matches(c, idtype, id))
			continue;
		any = true;
		if (ptrace_hides_child_locked(self, c))
			continue; /* the tracer's to report */
		r->pid = c->pid;
		r->utime_ns = c->utime_ns;
		r->stime_ns = c->stime_ns;
		if (c->state == PROC_ZOMBIE && (options & WEXITED)) {
			r->status = c->exit_status;
			r->code = (c->exit_status & 0x7f) ? CLD_KILLED
							  : CLD_EXITED;
			if (!(options & WNOWAIT))
				proc_reap_locked(c);
			return 1;
		}
		if (c->state == PROC_ZOMBIE)
			continue;
		if ((options & WSTOPPED) && (c->stop_report & 0xff) == 0x7f) {
			r->status = c->stop_report;
			r->code = CLD_STOPPED;
			if (!(options & WNOWAIT))
				c->stop_report = 0;
			return 1;
		}
		if ((options & WCONTINUED) &&
		    c->stop_report == WAIT_CONTINUED) {
			r->status = WAIT_CONTINUED;
			r->code = CLD_CONTINUED;
			if (!(options & WNOWAIT))
				c->stop_report = 0;
			return 1;
		}
	}
	return any ? 0 : -ECHILD;
}

static int do_wait(int idtype, int id, int options, struct wait_result *r)
{
	struct proc *self;
	int found;

	spin_lock(&proc_lock);
	/* Any thread waits for the process's children: the leader's. */
	self = proc_current()->tg->leader;
	if (idtype == P_PGID && id == 0)
		id = self->pgid;
	for (;;) {
		/* Tracees first (ptrace.c), then children. */
		found = ptrace_wait_scan_locked(self, idtype, id, options, r);
		if (found != 1) {
			int child =
				wait_scan_locked(self, idtype, id, options, r);

			if (child == 1 || found == -ECHILD)
				found = child;
		}
		if (found != 0 || (options & WNOHANG))
			break;
		if (signal_pending()) {
			found = -ERESTARTSYS;
			break;
		}
		sleep_on(&self->child_wait, &proc_lock);
	}
	spin_unlock(&proc_lock);
	return found;
}

/* Linux's struct rusage: the times, then 14 longs. */
struct k_rusage {
	int64_t utime_sec, utime_usec, stime_sec, stime_usec;
	int64_t rest[14];
};

static long sys_wait4(int64_t pid, uaddr_t ustatus, uint64_t options,
		      uaddr_t urusage)
{
	struct wait_result r;
	int idtype = P_PID, id = (int)pid;
	int found;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD |
			__WALL | __WCLONE))
		return -EINVAL;
	if ((int)pid == -1) {
		idtype = P_ALL;
	} else if ((int)pid == 0) {
		idtype = P_PGID;
		id = 0;
	} else if ((int)pid < -1) {
		idtype = P_PGID;
		id = -(int)pid;
	}
	found = do_wait(idtype, id, (int)options | WEXITED, &r);
	if (found <= 0)
		return found;
	if (ustatus && put_user((int32_t)r.status, ustatus))
		return -EFAULT;
	if (urusage) {
		struct k_rusage ru = { 0 };

		ru.utime_sec = (int64_t)(r.utime_ns / NS_PER_SEC);
		ru.utime_usec = (int64_t)(r.utime_ns % NS_PER_SEC / 1000);
		ru.stime_sec = (int64_t)(r.stime_ns / NS_PER_SEC);
		ru.stime_usec = (int64_t)(r.stime_ns % NS_PER_SEC / 1000);
		if (copy_to_user(urusage, &ru, sizeof(ru)))
			return -EFAULT;
	}
	return r.pid;
}
SYSCALL(wait4, sys_wait4);

static long sys_waitid(uint64_t idtype, uint64_t id, uaddr_t uinfo,
		       uint64_t options, uaddr_t urusage)
{
	struct wait_result r;
	struct ksiginfo info = { 0 };
	int found;

	if (idtype > P_PGID ||
	    (options & ~(WNOHANG | WSTOPPED | WEXITED | WCONTINUED | WNOWAIT |
			 __WNOTHREAD | __WALL | __WCLONE)) ||
	    !(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	found = do_wait((int)idtype, (int)id, (int)options, &r);
	if (found < 0)
		return found;
	if (found) {
		info.si_signo = SIGCHLD;
		info.si_code = r.code;
		info.kill.pid = r.pid;
		info.kill.status = r.code == CLD_EXITED ? (r.status >> 8) & 0xff
				   : r.code == CLD_CONTINUED ? SIGCONT
				   : r.code == CLD_STOPPED ||
						   r.code == CLD_TRAPPED
					   ? (r.status >> 8) & 0xff
					   : r.status & 0x7f;
		info.kill.utime = (int64_t)(r.utime_ns / 10000000);
		info.kill.stime = (int64_t)(r.stime_ns / 10000000);
	}
	/* WNOHANG with nothing to report: a zeroed siginfo (si_pid 0). */
	if (uinfo && copy_to_user(uinfo, &info, sizeof(info)))
		return -EFAULT;
	if (urusage && clear_user(urusage, sizeof(struct k_rusage)))
		return -EFAULT;
	return 0;
}
SYSCALL(waitid, sys_waitid);

int proc_wait(struct proc *p)
{
	int status;

	spin_lock(&proc_lock);
	while (p->state != PROC_ZOMBIE)
		sleep_on(&p->child_wait, &proc_lock);
	status = p->exit_status;
	proc_reap_locked(p);
	spin_unlock(&proc_lock);
	proc_put(p); /* proc_spawn's reference for the caller */
	return status;
}
