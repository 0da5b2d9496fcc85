/*
 * A process's limits, usage and identity: getrlimit, setrlimit,
 * prlimit64 and getrusage (the ids are cred.c's, the nice value is the
 * scheduler's: kernel/sched/sys_sched.c).
 * Linux's structures and errno values.
 *
 * Limits are p->rlim[]; they are changed by the process
 * itself or by prlimit64 from another, so rlimit_lock serializes the
 * changes (readers elsewhere read one 64-bit word at a time).
 * docs/syscalls.md.
 */
#include "fs/fdtable.h"
#include "proc/proc.h"
#include "proc/sys_abi.h"

#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1

#define USEC_PER_SEC 1000000ULL

static struct spinlock rlimit_lock = SPINLOCK_INIT("rlimit");

/* ---- limits -------------------------------------------------------------- */

/* Set p's limit (if new is not NULL) and give the old one (if old is not
 * NULL): 0, -EINVAL (cur above max), -EPERM (more files than FD_MAX, or
 * a hard limit raised by anyone but root). */
static int rlimit_exchange(struct proc *p, unsigned int resource,
			   const struct rlimit64 *new, struct rlimit64 *old)
{
	int err = 0;

	if (new &&new->cur > new->max)
		return -EINVAL;
	if (new &&resource == RLIMIT_NOFILE &&new->max > FD_MAX)
		return -EPERM;
	spin_lock(&rlimit_lock);
	if (new &&new->max > p->rlim[resource].max && !cred_capable())
		err = -EPERM; /* CAP_SYS_RESOURCE */
	if (old)
		*old = p->rlim[resource];
	if (new && !err)
		p->rlim[resource] = *new;
	spin_unlock(&rlimit_lock);
	return err;
}

/* prlimit64 on another process: root, or a caller whose real uid and
 * gid are all of p's uids and gids (Linux's check_prlimit_permission),
 * so a user cannot read or lower the limits of a set-user-ID program. */
static bool may_prlimit(struct proc *p)
{
	const struct cred *me = cred_current();
	struct cred them;

	if (p == proc_current() || me->euid == 0)
		return true;
	cred_snapshot(p, &them);
	return me->uid == them.uid && me->uid == them.euid &&
	       me->uid == them.suid && me->gid == them.gid &&
	       me->gid == them.egid && me->gid == them.sgid;
}

static long sys_prlimit64(int64_t pid, uint64_t resource, uaddr_t unew,
			  uaddr_t uold)
{
	struct rlimit64 new, old;
	struct proc *p;
	int err;

	if (resource >= RLIM_NLIMITS)
		return -EINVAL;
	if (unew && copy_from_user(&new, unew, sizeof(new)))
		return -EFAULT;
	pid = (int)pid;
	p = pid == 0 ? proc_current() : proc_get((int)pid);
	if (!p)
		return -ESRCH;
	if (!may_prlimit(p))
		err = -EPERM;
	else
		err = rlimit_exchange(p, (unsigned int)resource,
				      unew ? &new : NULL, uold ? &old : NULL);
	if (pid != 0)
		proc_put(p);
	if (!err && uold && copy_to_user(uold, &old, sizeof(old)))
		err = -EFAULT;
	return err;
}
SYSCALL(prlimit64, sys_prlimit64);

static long sys_getrlimit(uint64_t resource, uaddr_t rlim)
{
	return sys_prlimit64(0, resource, 0, rlim);
}
SYSCALL(getrlimit, sys_getrlimit);

static long sys_setrlimit(uint64_t resource, uaddr_t rlim)
{
	if (!rlim)
		return -EFAULT;
	return sys_prlimit64(0, resource, rlim, 0);
}
SYSCALL(setrlimit, sys_setrlimit);

/* ---- usage --------------------------------------------------------------- */

static struct linux_timeval to_timeval(uint64_t ns)
{
	uint64_t us = ns / NS_PER_USEC;

	return (struct linux_timeval){ (int64_t)(us / USEC_PER_SEC),
				       (int64_t)(us % USEC_PER_SEC) };
}

/* The process's own: CPU time, faults, and its resident size now (the
 * peak is not kept, so maxrss is at least right as a lower bound). */
static void usage_self(struct proc *p, struct linux_rusage *ru)
{
	uint64_t resident = 0, virt;

	ru->utime = to_timeval(__atomic_load_n(&p->utime_ns, __ATOMIC_RELAXED));
	ru->stime = to_timeval(__atomic_load_n(&p->stime_ns, __ATOMIC_RELAXED));
	ru->minflt = (int64_t)__atomic_load_n(&p->mm->minflt, __ATOMIC_RELAXED);
	ru->majflt = (int64_t)__atomic_load_n(&p->mm->majflt, __ATOMIC_RELAXED);
	mm_usage(p->mm, &resident, &virt);
	ru->maxrss = (int64_t)(resident * (PAGE_SIZE / 1024));
}

/* Reaped children: their CPU time and page faults. */
static long sys_getrusage(int64_t who, uaddr_t usage)
{
	struct proc *p = proc_current();
	struct linux_rusage ru;

	memset(&ru, 0, sizeof(ru));
	switch ((int)who) {
	case RUSAGE_SELF:
	case RUSAGE_THREAD:
		usage_self(p, &ru);
		break;
	case RUSAGE_CHILDREN:
		ru.utime = to_timeval(p->cutime_ns);
		ru.stime = to_timeval(p->cstime_ns);
		ru.minflt = (int64_t)p->cminflt;
		ru.majflt = (int64_t)p->cmajflt;
		break;
	default:
		return -EINVAL;
	}
	return copy_to_user(usage, &ru, sizeof(ru));
}
SYSCALL(getrusage, sys_getrusage);
