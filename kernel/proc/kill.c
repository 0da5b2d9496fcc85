#include "proc/proc.h"
#include "proc/table.h"

/* ---- signals to processes and groups --------------------------------- */

int proc_kill(int pid, int sig, const struct ksiginfo *info)
{
	struct proc *self = proc_current();
	struct proc *targets[64];
	int found = 0, skip = 0;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (pid > 0) {
		struct proc *p = proc_get(pid);

		if (!p)
			return -ESRCH;
		if (sig)
			signal_send(p, sig, info);
		proc_put(p);
		return 0;
	}
	/* A group or everyone: gather referenced targets in batches (the
	 * sends happen without proc_lock). */
	for (;;) {
		struct proc *q;
		int idx = 0, n = 0;

		spin_lock(&proc_lock);
		for_each_proc_locked(q) {
			bool match;

			if (q->state != PROC_ALIVE)
				continue;
			if (pid == -1)
				match = !proc_is_init(q) && q != self;
			else
				match = q->pgid ==
					(pid == 0 ? self->pgid : -pid);
			if (!match || idx++ < skip ||
			    n == (int)ARRAY_SIZE(targets))
				continue;
			q->refcount++;
			targets[n++] = q;
		}
		spin_unlock(&proc_lock);
		for (int i = 0; i < n; i++) {
			if (sig)
				signal_send(targets[i], sig, info);
			proc_put(targets[i]);
		}
		found += n;
		skip += n;
		if (n < (int)ARRAY_SIZE(targets))
			break;
	}
	if (!found && pid == -1 && sig)
		return 0; /* nobody else: Linux says ESRCH only for groups */
	return found ? 0 : -ESRCH;
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
	info.kill.pid = proc_current()->pid;
	return proc_kill((int)pid, (int)sig, &info);
}
SYSCALL(kill, sys_kill);

static long sys_tgkill(int64_t tgid, int64_t tid, uint64_t sig)
{
	if ((int)tid <= 0 || ((int)tgid != -1 && tgid != tid))
		return (int)tid <= 0 ? -EINVAL : -ESRCH;
	return sys_kill(tid, sig);
}
SYSCALL(tgkill, sys_tgkill);

static long sys_tkill(int64_t tid, uint64_t sig)
{
	if ((int)tid <= 0)
		return -EINVAL;
	return sys_kill(tid, sig);
}
SYSCALL(tkill, sys_tkill);
