/*
 * System V semaphores: semget makes (or finds by key) a set of
 * semaphores, semop and semtimedop apply a list of operations to a set
 * all at once or not at all, semctl reads, sets or removes.
 *
 *   sem_table ─ slot ─> struct sem_set: nsems, times, waiters (wq),
 *                       sems[0..nsems): value, last pid, ncnt, zcnt
 *   sem_undos ─> [tgid 12, set 32769, adj -1 0 +2] ─> ... (SEM_UNDO)
 *
 * An operation adds sem_op to a value (never below 0, never above
 * SEMVMX), or with sem_op 0 waits for the value to be 0. A call that
 * cannot apply every operation now changes nothing, and (without
 * IPC_NOWAIT) sleeps on the set's wait queue, counted in the blocking
 * semaphore's ncnt or zcnt; every change to a set wakes all its
 * sleepers, who try again. IPC_RMID wakes them too, with EIDRM: a
 * sleeper holds a reference (users), so the set is freed by the last
 * one out. A signal ends the wait with EINTR (semop is never restarted,
 * as on Linux); semtimedop's timeout with EAGAIN.
 *
 * SEM_UNDO: each process (thread group) keeps, per set, the sum of the
 * operations it made with SEM_UNDO, negated; when its last thread exits
 * (sem_exit) these are added back, clamped to 0..SEMVMX as Linux does.
 * SETVAL and SETALL clear the adjustments of what they set.
 *
 * Locking: the spinlock "sem" (sem_table.lock) guards the table, every
 * set and the undo list. sem_exit takes it under proc_lock.
 * docs/ipc.md.
 */
#include "ipc/ipc_internal.h"
#include "arch/x86_64/arch.h"
#include "mm/mm.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "sched/sched.h"
#include "syscall.h"

#define GETPID 11
#define GETVAL 12
#define GETALL 13
#define GETNCNT 14
#define GETZCNT 15
#define SETVAL 16
#define SETALL 17
#define SEM_STAT 18
#define SEM_INFO 19
#define SEM_UNDO 0x1000
/* Linux's limits (include/uapi/linux/sem.h). */
#define SEMMSL 32000 /* semaphores in a set */
#define SEMOPM 500   /* operations in one semop */
#define SEMVMX 32767 /* a semaphore's largest value */

struct sembuf {
	uint16_t sem_num;
	int16_t sem_op;
	int16_t sem_flg;
};

/* struct semid64_ds (x86-64). */
struct semid64_ds {
	struct ipc64_perm sem_perm;
	int64_t sem_otime;
	uint64_t unused1;
	int64_t sem_ctime;
	uint64_t unused2;
	uint64_t sem_nsems;
	uint64_t unused3, unused4;
};

struct semaphore {
	int value;
	int pid;                 /* the last to change it */
	unsigned int ncnt, zcnt; /* sleepers waiting for more, for 0 */
};

/* Everything under sem_table.lock. */
struct sem_set {
	struct ipc_object obj; /* first: the table holds &obj */
	int nsems;
	int64_t otime, ctime;
	unsigned int users;  /* sleepers inside semop: it is freed when
			       * removed and none is left */
	struct waitqueue wq; /* semop's sleepers */
	struct semaphore sems[];
};

struct sem_undo {
	struct sem_undo *next;
	int tgid;
	int semid;
	int nsems;
	int adj[];
};

static struct ipc_table sem_table = IPC_TABLE_INIT("sem");
static struct sem_undo *sem_undos; /* sem_table.lock */

static struct sem_set *sem_set_of(struct ipc_object *o)
{
	return container_of(o, struct sem_set, obj);
}

static long sys_semget(uint64_t key64, uint64_t nsems64, uint64_t flags64)
{
	int32_t key = (int32_t)key64;
	int nsems = (int)nsems64, flags = (int)flags64, err;
	struct ipc_object *o;
	struct sem_set *s;

	if (nsems < 0 || nsems > SEMMSL)
		return -EINVAL;
	spin_lock(&sem_table.lock);
	o = ipc_get_existing(&sem_table, key, flags, &err);
	if (o || err) {
		if (o && nsems > sem_set_of(o)->nsems)
			err = -EINVAL;
		spin_unlock(&sem_table.lock);
		return err ? err : o->id;
	}
	spin_unlock(&sem_table.lock);
	if (nsems == 0)
		return -EINVAL;
	s = kzalloc(sizeof(*s) + (size_t)nsems * sizeof(s->sems[0]));
	if (!s)
		return -ENOMEM;
	s->nsems = nsems;
	s->ctime = ipc_now();
	s->wq = (struct waitqueue)WAITQUEUE_INIT;
	spin_lock(&sem_table.lock);
	o = key == IPC_PRIVATE ? NULL : ipc_find_key(&sem_table, key);
	if (o)
		err = (flags & IPC_EXCL) ? -EEXIST : o->id;
	else
		err = ipc_add(&sem_table, &s->obj, key, flags);
	if (!o && !err)
		err = s->obj.id;
	spin_unlock(&sem_table.lock);
	if (o || err < 0)
		kfree(s);
	return err;
}
SYSCALL(semget, sys_semget);

/* The undo record of (tgid, semid), or NULL. Caller holds the lock. */
static struct sem_undo *find_undo(int tgid, int semid)
{
	for (struct sem_undo *u = sem_undos; u; u = u->next)
		if (u->tgid == tgid && u->semid == semid)
			return u;
	return NULL;
}

/* Remove (and free) the undo records of set semid. Caller holds the
 * lock. */
static void drop_undos(int semid)
{
	for (struct sem_undo **pp = &sem_undos; *pp;) {
		struct sem_undo *u = *pp;

		if (u->semid == semid) {
			*pp = u->next;
			kfree(u);
		} else {
			pp = &u->next;
		}
	}
}

/* Can every operation apply now? 0 (they did, if apply), -ERANGE, or
 * 1 with *blocker the one that must wait. Caller holds the lock. */
static int try_ops(struct sem_set *s, const struct sembuf *ops, size_t n,
		   bool apply, const struct sembuf **blocker)
{
	int vals[SEMOPM];

	/* Operations on one semaphore add up in order: work on the values
	 * as they would be, through the first op on each. */
	for (size_t i = 0; i < n; i++) {
		int v = s->sems[ops[i].sem_num].value;

		for (size_t j = 0; j < i; j++)
			if (ops[j].sem_num == ops[i].sem_num)
				v = vals[j];
		if (ops[i].sem_op == 0 && v != 0) {
			*blocker = &ops[i];
			return 1;
		}
		v += ops[i].sem_op;
		if (v < 0) {
			*blocker = &ops[i];
			return 1;
		}
		if (v > SEMVMX)
			return -ERANGE;
		vals[i] = v;
	}
	if (!apply)
		return 0;
	for (size_t i = 0; i < n; i++) {
		s->sems[ops[i].sem_num].value = vals[i];
		s->sems[ops[i].sem_num].pid = proc_current()->tgid;
	}
	return 0;
}

/* After a semop applied: record its SEM_UNDO operations in u. */
static void note_undo(struct sem_undo *u, const struct sembuf *ops, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ops[i].sem_flg & SEM_UNDO)
			u->adj[ops[i].sem_num] -= ops[i].sem_op;
}

static bool wants_undo(const struct sembuf *ops, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ops[i].sem_flg & SEM_UNDO)
			return true;
	return false;
}

/* Free s if it was removed and no sleeper is left in it. Caller holds
 * the lock. */
static void put_removed(struct sem_set *s)
{
	if (s->obj.removed && s->users == 0)
		kfree(s);
}

/* semop's loop, with the lock held: apply the operations or sleep
 * until they can be (deadline 0: no timeout). */
static long semop_locked(int id, const struct sembuf *ops, size_t n,
			 uint64_t deadline, struct sem_undo **spare)
{
	struct ipc_object *o = ipc_find_id(&sem_table, id);
	const struct sembuf *blocker;
	struct sem_undo *u = NULL;
	struct sem_set *s;
	long r;

	if (!o)
		return -EINVAL;
	s = sem_set_of(o);
	for (size_t i = 0; i < n; i++)
		if (ops[i].sem_num >= s->nsems)
			return -EFBIG;
	r = 0;
	for (size_t i = 0; i < n; i++)
		r |= ops[i].sem_op != 0; /* alters: write permission */
	r = ipc_permission(o, r ? IPC_WRITE : IPC_READ);
	if (r)
		return r;
	if (wants_undo(ops, n)) {
		u = find_undo(proc_current()->tgid, id);
		if (!u && (!*spare || (*spare)->nsems < s->nsems))
			return s->nsems; /* the caller allocates one */
		if (!u) {
			u = *spare;
			*spare = NULL;
			u->tgid = proc_current()->tgid;
			u->semid = id;
			u->next = sem_undos;
			sem_undos = u;
		}
	}
	s->users++;
	for (;;) {
		if (s->obj.removed) {
			r = -EIDRM;
			break;
		}
		r = try_ops(s, ops, n, true, &blocker);
		if (r <= 0) {
			if (r == 0) {
				if (u)
					note_undo(u, ops, n);
				s->otime = ipc_now();
				wake_up(&s->wq);
			}
			break;
		}
		if (blocker->sem_flg & IPC_NOWAIT ||
		    (deadline && time_ns() >= deadline)) {
			r = -EAGAIN;
			break;
		}
		if (signal_pending()) {
			r = -EINTR;
			break;
		}
		if (blocker->sem_op == 0)
			s->sems[blocker->sem_num].zcnt++;
		else
			s->sems[blocker->sem_num].ncnt++;
		if (deadline)
			sleep_on_until(&s->wq, &sem_table.lock, deadline);
		else
			sleep_on(&s->wq, &sem_table.lock);
		if (blocker->sem_op == 0)
			s->sems[blocker->sem_num].zcnt--;
		else
			s->sems[blocker->sem_num].ncnt--;
	}
	s->users--;
	put_removed(s);
	return r;
}

/* semtimedop(id, sops, nsops, timeout): timeout NULL waits for ever. */
static long do_semop(int id, uint64_t usops, uint64_t nsops, uint64_t uts)
{
	struct sembuf *ops;
	struct sem_undo *spare = NULL;
	uint64_t deadline = 0;
	long r;

	if (id < 0 || nsops < 1)
		return -EINVAL;
	if (nsops > SEMOPM)
		return -E2BIG;
	ops = kmalloc(nsops * sizeof(*ops));
	if (!ops)
		return -ENOMEM;
	r = copy_from_user(ops, usops, nsops * sizeof(*ops));
	if (!r && uts) {
		int64_t ts[2];

		r = copy_from_user(ts, uts, sizeof(ts));
		if (!r && (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000))
			r = -EINVAL;
		if (!r)
			deadline = time_ns() + (uint64_t)ts[0] * 1000000000ULL +
				   (uint64_t)ts[1] + 1;
	}
	while (!r) {
		spin_lock(&sem_table.lock);
		r = semop_locked(id, ops, nsops, deadline, &spare);
		spin_unlock(&sem_table.lock);
		if (r <= 0)
			break;
		/* An undo record of r semaphores is needed: allocate,
		 * and try again. */
		kfree(spare);
		spare = kzalloc(sizeof(*spare) + (size_t)r * sizeof(int));
		if (!spare) {
			r = -ENOMEM;
			break;
		}
		spare->nsems = (int)r;
		r = 0;
	}
	kfree(spare);
	kfree(ops);
	return r;
}

static long sys_semop(uint64_t id, uint64_t usops, uint64_t nsops)
{
	return do_semop((int)id, usops, nsops, 0);
}
SYSCALL(semop, sys_semop);

static long sys_semtimedop(uint64_t id, uint64_t usops, uint64_t nsops,
			   uint64_t uts)
{
	return do_semop((int)id, usops, nsops, uts);
}
SYSCALL(semtimedop, sys_semtimedop);

void sem_exit(int tgid)
{
	spin_lock(&sem_table.lock);
	for (struct sem_undo **pp = &sem_undos; *pp;) {
		struct sem_undo *u = *pp;
		struct ipc_object *o;

		if (u->tgid != tgid) {
			pp = &u->next;
			continue;
		}
		o = ipc_find_id(&sem_table, u->semid);
		if (o) {
			struct sem_set *s = sem_set_of(o);

			for (int i = 0; i < s->nsems && i < u->nsems; i++) {
				int v = s->sems[i].value + u->adj[i];

				if (!u->adj[i])
					continue;
				s->sems[i].value = v < 0        ? 0
						   : v > SEMVMX ? SEMVMX
								: v;
				s->sems[i].pid = tgid;
			}
			wake_up(&s->wq);
		}
		*pp = u->next;
		kfree(u);
	}
	spin_unlock(&sem_table.lock);
}

/* ---- semctl -------------------------------------------------------------- */

/* SETVAL and SETALL: the adjustments of the semaphores set (num, or all
 * with -1) are void in every process, as on Linux. Caller holds the
 * lock. */
static void clear_adjustments(int semid, int num)
{
	for (struct sem_undo *u = sem_undos; u; u = u->next) {
		if (u->semid != semid)
			continue;
		for (int i = 0; i < u->nsems; i++)
			if (num < 0 || i == num)
				u->adj[i] = 0;
	}
}

struct seminfo {
	/* cppcheck-suppress unusedStructMember ; Linux's layout */
	int32_t semmap, semmni, semmns, semmnu, semmsl, semopm, semume, semusz,
		/* cppcheck-suppress unusedStructMember ; Linux's layout */
		semvmx, semaem;
};

static long sem_info(int cmd, uint64_t ubuf)
{
	struct seminfo info = {
		.semmap = IPC_SLOTS,
		.semmni = IPC_SLOTS,
		.semmns = IPC_SLOTS * SEMMSL,
		.semmnu = IPC_SLOTS,
		.semmsl = SEMMSL,
		.semopm = SEMOPM,
		.semume = SEMOPM,
		.semusz = (int32_t)sizeof(struct sem_undo),
		.semvmx = SEMVMX,
		.semaem = SEMVMX,
	};
	int last = 0;

	spin_lock(&sem_table.lock);
	if (cmd == SEM_INFO) /* Linux's: sets in use, semaphores in them */
		info.semusz = info.semaem = 0;
	for (int i = 0; i < IPC_SLOTS; i++) {
		if (!sem_table.slots[i])
			continue;
		last = i;
		if (cmd == SEM_INFO) {
			info.semusz++;
			info.semaem += sem_set_of(sem_table.slots[i])->nsems;
		}
	}
	spin_unlock(&sem_table.lock);
	return copy_to_user(ubuf, &info, sizeof(info)) ? -EFAULT : last;
}

/* GETALL and SETALL copy the values through a kernel buffer, outside
 * the lock. */
static long sem_all(int id, int cmd, uint64_t ubuf)
{
	uint16_t *vals = NULL;
	struct ipc_object *o;
	int nsems = 0;
	long r = 0;

	spin_lock(&sem_table.lock);
	o = ipc_find_id(&sem_table, id);
	if (o)
		nsems = sem_set_of(o)->nsems;
	r = o ? ipc_permission(o, cmd == SETALL ? IPC_WRITE : IPC_READ)
	      : -EINVAL;
	spin_unlock(&sem_table.lock);
	if (r)
		return r;
	vals = kmalloc((size_t)nsems * sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	if (cmd == SETALL) {
		r = copy_from_user(vals, ubuf, (size_t)nsems * sizeof(*vals));
		for (int i = 0; !r && i < nsems; i++)
			if (vals[i] > SEMVMX)
				r = -ERANGE;
	}
	spin_lock(&sem_table.lock);
	o = r ? NULL : ipc_find_id(&sem_table, id);
	if (o) {
		struct sem_set *s = sem_set_of(o);

		for (int i = 0; i < nsems; i++) {
			if (cmd == GETALL) {
				vals[i] = (uint16_t)s->sems[i].value;
			} else {
				s->sems[i].value = vals[i];
				s->sems[i].pid = proc_current()->tgid;
			}
		}
		if (cmd == SETALL) {
			clear_adjustments(id, -1);
			s->ctime = ipc_now();
			wake_up(&s->wq);
		}
	} else if (!r) {
		r = -EIDRM;
	}
	spin_unlock(&sem_table.lock);
	if (!r && cmd == GETALL)
		r = copy_to_user(ubuf, vals, (size_t)nsems * sizeof(*vals));
	kfree(vals);
	return r;
}

static void fill_semid(const struct sem_set *s, struct semid64_ds *ds)
{
	*ds = (struct semid64_ds){
		.sem_otime = s->otime,
		.sem_ctime = s->ctime,
		.sem_nsems = (uint64_t)s->nsems,
	};
	ipc_fill_perm(&s->obj, &ds->sem_perm);
}

/* The commands on one semaphore, num, and on the set as a whole
 * (IPC_STAT, SEM_STAT, IPC_SET, IPC_RMID). Caller holds the lock. */
static long semctl_locked(struct ipc_object *o, int num, int cmd, uint64_t arg,
			  struct semid64_ds *ds)
{
	struct sem_set *s = sem_set_of(o);
	int val = (int)arg;
	int err = cmd == IPC_SET || cmd == IPC_RMID
			  ? ipc_owner_check(o)
			  : ipc_permission(o, cmd == SETVAL ? IPC_WRITE
							    : IPC_READ);

	if (err)
		return err;
	switch (cmd) {
	case IPC_STAT:
	case SEM_STAT:
		fill_semid(s, ds);
		return cmd == SEM_STAT ? o->id : 0;
	case IPC_SET:
		ipc_set_perm(o, &ds->sem_perm);
		s->ctime = ipc_now();
		return 0;
	case IPC_RMID:
		ipc_remove(&sem_table, o);
		drop_undos(o->id);
		wake_up(&s->wq);
		put_removed(s);
		return 0;
	}
	if (num < 0 || num >= s->nsems)
		return -EINVAL;
	switch (cmd) {
	case GETVAL:
		return s->sems[num].value;
	case GETPID:
		return s->sems[num].pid;
	case GETNCNT:
		return s->sems[num].ncnt;
	case GETZCNT:
		return s->sems[num].zcnt;
	case SETVAL:
		if (val < 0 || val > SEMVMX)
			return -ERANGE;
		s->sems[num].value = val;
		s->sems[num].pid = proc_current()->tgid;
		clear_adjustments(o->id, num);
		s->ctime = ipc_now();
		wake_up(&s->wq);
		return 0;
	}
	return -EINVAL;
}

static long sys_semctl(uint64_t id64, uint64_t num64, uint64_t cmd64,
		       uint64_t arg)
{
	int id = (int)id64, num = (int)num64, cmd = (int)cmd64;
	struct semid64_ds ds;
	struct ipc_object *o;
	long r;

	if (id < 0)
		return -EINVAL;
	switch (cmd) {
	case IPC_INFO:
	case SEM_INFO:
		return sem_info(cmd, arg);
	case GETALL:
	case SETALL:
		return sem_all(id, cmd, arg);
	case IPC_SET:
		if (copy_from_user(&ds, arg, sizeof(ds)))
			return -EFAULT;
		break;
	case IPC_STAT:
	case SEM_STAT:
	case IPC_RMID:
	case GETVAL:
	case GETPID:
	case GETNCNT:
	case GETZCNT:
	case SETVAL:
		break;
	default:
		return -EINVAL;
	}
	spin_lock(&sem_table.lock);
	if (cmd == SEM_STAT)
		o = id < IPC_SLOTS ? sem_table.slots[id] : NULL;
	else
		o = ipc_find_id(&sem_table, id);
	r = o ? semctl_locked(o, num, cmd, arg, &ds) : -EINVAL;
	spin_unlock(&sem_table.lock);
	if (r >= 0 && (cmd == IPC_STAT || cmd == SEM_STAT) &&
	    copy_to_user(arg, &ds, sizeof(ds)))
		return -EFAULT;
	return r;
}
SYSCALL(semctl, sys_semctl);

/* ---- /proc/sysvipc/sem ---------------------------------------------------- */

size_t sem_proc_text(char *buf, size_t size)
{
	static const char header[] =
		"       key      semid perms      nsems   uid   gid  cuid  "
		"cgid      otime      ctime\n";
	size_t len = 0;

	ipc_text_add(buf, size, &len, header, (int)sizeof(header) - 1);
	spin_lock(&sem_table.lock);
	for (int i = 0; i < IPC_SLOTS; i++) {
		const struct sem_set *s;
		char line[160];
		int n;

		if (!sem_table.slots[i])
			continue;
		s = sem_set_of(sem_table.slots[i]);
		n = ksnprintf(line, sizeof(line),
			      "%10d %10d  %4o %10d %5u %5u %5u %5u %10lld "
			      "%10lld\n",
			      s->obj.key, s->obj.id, s->obj.mode, s->nsems,
			      s->obj.uid, s->obj.gid, s->obj.cuid, s->obj.cgid,
			      (long long)s->otime, (long long)s->ctime);
		ipc_text_add(buf, size, &len, line, n);
	}
	spin_unlock(&sem_table.lock);
	return len;
}
