/*
 * The scheduling system calls, as Linux has them: nice values
 * (getpriority, setpriority; nice(3) is setpriority in libc), policies
 * and real-time priorities (sched_setscheduler, sched_getscheduler,
 * sched_setparam, sched_getparam, sched_get_priority_max/min,
 * sched_rr_get_interval), CPU affinity (sched_setaffinity,
 * sched_getaffinity) and sched_yield. A zombie has no task left to
 * schedule: ESRCH.
 *
 * Who may change whom, as Linux without capabilities: root (euid 0)
 * anyone; a user only processes whose real or effective uid is the
 * caller's euid (else EPERM), and may raise its nice value but not
 * lower it again (EACCES: Linux's RLIMIT_NICE is 0 by default).
 *
 * A process's task is only touched under proc_lock (proc_for_each) after
 * checking the process is alive: an exiting process becomes a zombie
 * under that lock before its task goes. docs/sched.md.
 */
#include "proc/cred.h"
#include "proc/proc.h"
#include "sched/policy.h"

#define PRIO_PROCESS 0
#define PRIO_PGRP 1
#define PRIO_USER 2
#define NICE_TO_PRIO_OFFSET 20 /* getpriority returns 20 - nice */

/* struct sched_param (include/uapi/linux/sched/types.h). */
struct linux_sched_param {
	int32_t sched_priority;
};

struct linux_timespec {
	int64_t sec, nsec;
};

/* ---- finding tasks ------------------------------------------------------- */

/* Which processes a call is about, and what to do to each. */
struct target {
	int which;   /* PRIO_* */
	int who;     /* pid, pgid or uid; 0 resolved to the caller's */
	bool change; /* fn changes the task: the caller must own it */
	int (*fn)(struct task *t, void *arg);
	void *arg;
	int err;            /* the first error fn gave */
	unsigned int found; /* processes matched */
};

/* May the caller change p's scheduling? Root, or p's real or effective
 * uid is the caller's euid (Linux's set_one_prio and check_same_owner). */
static bool may_change(struct proc *p)
{
	const struct cred *me = cred_current();
	struct cred them;

	if (me->euid == 0)
		return true;
	cred_snapshot(p, &them);
	return them.uid == me->euid || them.euid == me->euid;
}

/* Under proc_lock: an alive process's task is there (see above). */
static void visit(struct proc *p, void *arg)
{
	struct target *tg = arg;
	int err;

	if (p->state != PROC_ALIVE || p->thread_exited)
		return; /* (a leader whose own thread has gone) */
	if (tg->which == PRIO_PROCESS && p->pid != tg->who)
		return;
	if (tg->which == PRIO_PGRP && p->pgid != tg->who)
		return;
	if (tg->which == PRIO_USER) {
		struct cred c;

		cred_snapshot(p, &c);
		if (c.uid != (uint32_t)tg->who)
			return;
	}
	tg->found++;
	if (tg->change && !may_change(p))
		err = -EPERM;
	else
		err = tg->fn(p->task, tg->arg);
	if (err && !tg->err)
		tg->err = err;
}

/* Call fn on each process (which, who) names: fn's first error, or
 * -ESRCH if none matched. fn runs under proc_lock: it must not sleep. */
static int for_each_target(int which, int who, bool change,
			   int (*fn)(struct task *t, void *arg), void *arg)
{
	struct target tg = { which, who, change, fn, arg, 0, 0 };
	struct proc *me = proc_current();

	switch (which) {
	case PRIO_PROCESS:
		if (who == 0)
			tg.who = me->pid;
		break;
	case PRIO_PGRP:
		if (who == 0)
			tg.who = me->pgid;
		break;
	case PRIO_USER: /* by real uid, as Linux */
		if (who == 0)
			tg.who = (int)cred_current()->uid;
		break;
	default:
		return -EINVAL;
	}
	if (tg.who < 0)
		return -ESRCH;
	proc_for_each(visit, &tg);
	return tg.found ? tg.err : -ESRCH;
}

/* The sched_* calls' pid: 0 the caller, < 0 EINVAL. */
static int for_pid(int64_t pid, bool change,
		   int (*fn)(struct task *t, void *arg), void *arg)
{
	if ((int)pid < 0)
		return -EINVAL;
	return for_each_target(PRIO_PROCESS, (int)pid, change, fn, arg);
}

static int get_info(struct task *t, void *arg)
{
	task_sched_info(t, arg);
	return 0;
}

/* ---- nice ---------------------------------------------------------------- */

/* The lowest nice among the matches: the highest priority. */
static int lowest_nice(struct task *t, void *arg)
{
	struct task_sched_info info = { 0 };
	int *nice = arg;

	task_sched_info(t, &info);
	*nice = MIN(*nice, info.nice);
	return 0;
}

/* Linux's system call returns 20 - nice (1..40), so that no success is
 * negative; libc turns it back into the nice value. */
static long sys_getpriority(int64_t which, int64_t who)
{
	int nice = NICE_MAX, err;

	err = for_each_target((int)which, (int)who, false, lowest_nice, &nice);
	return err ? err : NICE_TO_PRIO_OFFSET - nice;
}
SYSCALL(getpriority, sys_getpriority);

/* Only root may lower a nice value (raise the priority). */
static int set_nice(struct task *t, void *arg)
{
	struct task_sched_info info = { 0 };
	int nice = *(int *)arg;

	task_sched_info(t, &info);
	if (nice < info.nice && !cred_capable())
		return -EACCES;
	task_set_nice(t, nice);
	return 0;
}

static long sys_setpriority(int64_t which, int64_t who, int64_t niceval)
{
	int nice = (int)MAX(NICE_MIN, MIN(NICE_MAX, (int)niceval));

	return for_each_target((int)which, (int)who, true, set_nice, &nice);
}
SYSCALL(setpriority, sys_setpriority);

/* ---- policies ------------------------------------------------------------ */

struct policy_change {
	int policy; /* -1: keep the task's (sched_setparam) */
	unsigned int priority;
};

static int set_policy(struct task *t, void *arg)
{
	struct policy_change *c = arg;
	struct task_sched_info info = { 0 };

	if (c->policy >= 0)
		return task_set_policy(t, c->policy, c->priority);
	task_sched_info(t, &info);
	if ((info.policy == SCHED_FIFO || info.policy == SCHED_RR) &&
	    !cred_capable())
		return -EPERM; /* a real-time priority: root's */
	return task_set_policy(t, info.policy, c->priority);
}

static long set_scheduler(int64_t pid, int policy, uaddr_t uparam)
{
	struct linux_sched_param param;
	struct policy_change c;

	if ((int)pid < 0 || !uparam)
		return -EINVAL;
	if (copy_from_user(&param, uparam, sizeof(param)))
		return -EFAULT;
	if (param.sched_priority < 0)
		return -EINVAL;
	if ((policy == SCHED_FIFO || policy == SCHED_RR) && !cred_capable())
		return -EPERM; /* real time: root's (CAP_SYS_NICE) */
	c.policy = policy;
	c.priority = (unsigned int)param.sched_priority;
	return for_pid(pid, true, set_policy, &c);
}

static long sys_sched_setscheduler(int64_t pid, int64_t policy, uaddr_t uparam)
{
	if ((int)policy < 0)
		return -EINVAL;
	return set_scheduler(pid, (int)policy, uparam);
}
SYSCALL(sched_setscheduler, sys_sched_setscheduler);

static long sys_sched_setparam(int64_t pid, uaddr_t uparam)
{
	return set_scheduler(pid, -1, uparam);
}
SYSCALL(sched_setparam, sys_sched_setparam);

static long sys_sched_getscheduler(int64_t pid)
{
	struct task_sched_info info = { 0 };
	int err = for_pid(pid, false, get_info, &info);

	return err ? err : info.policy;
}
SYSCALL(sched_getscheduler, sys_sched_getscheduler);

static long sys_sched_getparam(int64_t pid, uaddr_t uparam)
{
	struct task_sched_info info = { 0 };
	struct linux_sched_param param;
	int err;

	if (!uparam)
		return -EINVAL;
	err = for_pid(pid, false, get_info, &info);
	if (err)
		return err;
	param.sched_priority = (int32_t)info.rt_priority;
	return copy_to_user(uparam, &param, sizeof(param));
}
SYSCALL(sched_getparam, sys_sched_getparam);

static long sys_sched_get_priority_max(int64_t policy)
{
	switch (policy) {
	case SCHED_FIFO:
	case SCHED_RR:
		return RT_PRIO_MAX;
	case SCHED_NORMAL:
	case SCHED_BATCH:
	case SCHED_IDLE:
		return 0;
	default:
		return -EINVAL;
	}
}
SYSCALL(sched_get_priority_max, sys_sched_get_priority_max);

static long sys_sched_get_priority_min(int64_t policy)
{
	switch (policy) {
	case SCHED_FIFO:
	case SCHED_RR:
		return RT_PRIO_MIN;
	case SCHED_NORMAL:
	case SCHED_BATCH:
	case SCHED_IDLE:
		return 0;
	default:
		return -EINVAL;
	}
}
SYSCALL(sched_get_priority_min, sys_sched_get_priority_min);

/* The slice: the fair class's share of its period, RR's fixed slice, 0
 * for FIFO (it runs until it blocks). */
static long sys_sched_rr_get_interval(int64_t pid, uaddr_t uts)
{
	struct task_sched_info info = { 0 };
	struct linux_timespec ts;
	int err = for_pid(pid, false, get_info, &info);

	if (err)
		return err;
	ts.sec = (int64_t)(info.timeslice_ns / NS_PER_SEC);
	ts.nsec = (int64_t)(info.timeslice_ns % NS_PER_SEC);
	return copy_to_user(uts, &ts, sizeof(ts));
}
SYSCALL(sched_rr_get_interval, sys_sched_rr_get_interval);

static long sys_sched_yield(void)
{
	sched_yield();
	return 0;
}
SYSCALL(sched_yield, sys_sched_yield);

/* ---- affinity ------------------------------------------------------------ */

/* The kernel's CPU mask is one 64-bit word (cpumask_size() in Linux). */
#define CPUMASK_BYTES sizeof(uint64_t)

static int set_affinity(struct task *t, void *arg)
{
	return task_set_affinity(t, *(uint64_t *)arg);
}

/* As Linux: a shorter mask is zero-extended, a longer one's extra bytes
 * are ignored; a mask with no running CPU in it is EINVAL. */
static long sys_sched_setaffinity(int64_t pid, uint64_t len, uaddr_t umask)
{
	uint64_t mask = 0;

	if (copy_from_user(&mask, umask, MIN(len, CPUMASK_BYTES)))
		return -EFAULT;
	return for_pid(pid, true, set_affinity, &mask);
}
SYSCALL(sched_setaffinity, sys_sched_setaffinity);

/* The raw call returns the bytes written (8); len must hold the mask and
 * be a multiple of a long, as in Linux. */
static long sys_sched_getaffinity(int64_t pid, uint64_t len, uaddr_t umask)
{
	struct task_sched_info info = { 0 };
	uint64_t mask;
	int err;

	if (len < CPUMASK_BYTES || len % sizeof(uint64_t))
		return -EINVAL;
	err = for_pid(pid, false, get_info, &info);
	if (err)
		return err;
	mask = info.affinity & sched_online_mask();
	if (copy_to_user(umask, &mask, CPUMASK_BYTES))
		return -EFAULT;
	return CPUMASK_BYTES;
}
SYSCALL(sched_getaffinity, sys_sched_getaffinity);
