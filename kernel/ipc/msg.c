/*
 * System V message queues: msgget makes (or finds by key) a queue,
 * msgsnd appends a typed message, msgrcv takes the first message of a
 * type (or any, or the lowest type up to a bound), msgctl reads, changes
 * or removes the queue.
 *
 *   msg_table ─ slot ─> struct msg_queue: counts, times, pids, waiters
 *                        head ─> [type 1, "hi"] ─> [type 5, ...] ─> NULL
 *
 * A queue holds at most qbytes bytes of text (MSGMNB unless IPC_SET
 * changes it) and as many messages; a sender that does not fit sleeps,
 * and so does a receiver that finds nothing to take, both on the
 * queue's one wait queue, which every change wakes. IPC_RMID wakes them
 * with EIDRM; a sleeper holds a reference (users), so the last one out
 * frees the queue. A signal ends a wait with EINTR, as on Linux. The
 * message's text is copied in before and out after the lock is held, so
 * no user copy runs under it.
 *
 * Locking: the spinlock "msg" (msg_table.lock) guards the table, every
 * queue and its messages. docs/ipc.md.
 */
#include "ipc/ipc_internal.h"
#include "mm/mm.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "sched/sched.h"
#include "syscall.h"

#define MSG_STAT 11
#define MSG_INFO 12
#define MSG_NOERROR 010000
#define MSG_EXCEPT 020000
#define MSG_COPY 040000
/* Linux's limits (include/uapi/linux/msg.h). */
#define MSGMAX 8192  /* bytes in one message */
#define MSGMNB 16384 /* bytes in a queue, by default */

/* struct msqid64_ds (x86-64). */
struct msqid64_ds {
	struct ipc64_perm msg_perm;
	int64_t msg_stime, msg_rtime, msg_ctime;
	uint64_t msg_cbytes, msg_qnum, msg_qbytes;
	int32_t msg_lspid, msg_lrpid;
	uint64_t unused4, unused5;
};

struct msg {
	struct msg *next;
	int64_t type;
	size_t size;
	char text[];
};

/* Everything under msg_table.lock. */
struct msg_queue {
	struct ipc_object obj; /* first: the table holds &obj */
	int64_t stime, rtime, ctime;
	uint64_t cbytes, qnum, qbytes;
	int lspid, lrpid;
	struct msg *head, **tail;
	unsigned int users;  /* sleepers inside msgsnd and msgrcv */
	struct waitqueue wq; /* both kinds of sleepers */
};

static struct ipc_table msg_table = IPC_TABLE_INIT("msg");

static struct msg_queue *queue_of(struct ipc_object *o)
{
	return container_of(o, struct msg_queue, obj);
}

static long sys_msgget(uint64_t key64, uint64_t flags64)
{
	int32_t key = (int32_t)key64;
	int flags = (int)flags64, err;
	struct ipc_object *o;
	struct msg_queue *q;

	spin_lock(&msg_table.lock);
	o = ipc_get_existing(&msg_table, key, flags, &err);
	spin_unlock(&msg_table.lock);
	if (o || err)
		return err ? err : o->id;
	q = kzalloc(sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->qbytes = MSGMNB;
	q->ctime = ipc_now();
	q->tail = &q->head;
	q->wq = (struct waitqueue)WAITQUEUE_INIT;
	spin_lock(&msg_table.lock);
	o = key == IPC_PRIVATE ? NULL : ipc_find_key(&msg_table, key);
	if (o)
		err = (flags & IPC_EXCL) ? -EEXIST : o->id;
	else
		err = ipc_add(&msg_table, &q->obj, key, flags);
	if (!o && !err)
		err = q->obj.id;
	spin_unlock(&msg_table.lock);
	if (o || err < 0)
		kfree(q);
	return err;
}
SYSCALL(msgget, sys_msgget);

/* Free q if it was removed and no sleeper is left in it, with its
 * messages. Caller holds the lock. */
static void put_removed(struct msg_queue *q)
{
	if (!q->obj.removed || q->users)
		return;
	while (q->head) {
		struct msg *m = q->head;

		q->head = m->next;
		kfree(m);
	}
	kfree(q);
}

/* Sleep on q's wait queue unless told not to or a signal came: 0 after
 * a wakeup, or -EIDRM, or noblock_err, or -EINTR. Caller holds the lock
 * and has q->users raised. */
static int queue_wait(struct msg_queue *q, int flags, int noblock_err)
{
	if (flags & IPC_NOWAIT)
		return noblock_err;
	if (signal_pending())
		return -EINTR;
	sleep_on(&q->wq, &msg_table.lock);
	return q->obj.removed ? -EIDRM : 0;
}

static long sys_msgsnd(uint64_t id64, uint64_t umsg, uint64_t size,
		       uint64_t flags64)
{
	long err;
	int id = (int)id64, flags = (int)flags64;
	struct ipc_object *o;
	struct msg_queue *q;
	struct msg *m;
	int64_t type;
	long r = 0;

	if (get_user(type, umsg))
		return -EFAULT;
	if (size > MSGMAX || id < 0 || type < 1)
		return -EINVAL;
	m = kmalloc(sizeof(*m) + size);
	if (!m)
		return -ENOMEM;
	if (copy_from_user(m->text, umsg + sizeof(type), size)) {
		kfree(m);
		return -EFAULT;
	}
	m->type = type;
	m->size = size;
	m->next = NULL;
	spin_lock(&msg_table.lock);
	o = ipc_find_id(&msg_table, id);
	err = o ? ipc_permission(o, IPC_WRITE) : -EINVAL;
	if (err) {
		spin_unlock(&msg_table.lock);
		kfree(m);
		return err;
	}
	q = queue_of(o);
	q->users++;
	while (q->cbytes + size > q->qbytes || q->qnum + 1 > q->qbytes) {
		r = queue_wait(q, flags, -EAGAIN);
		if (r)
			break;
	}
	if (!r) {
		*q->tail = m;
		q->tail = &m->next;
		q->cbytes += size;
		q->qnum++;
		q->lspid = proc_current()->tgid;
		q->stime = ipc_now();
		m = NULL;
		wake_up(&q->wq);
	}
	q->users--;
	put_removed(q);
	spin_unlock(&msg_table.lock);
	kfree(m);
	return r;
}
SYSCALL(msgsnd, sys_msgsnd);

/* The link to the first message msgrcv's type and flags pick, or NULL.
 * Caller holds the lock. */
static struct msg **pick(struct msg_queue *q, int64_t type, int flags)
{
	struct msg **best = NULL;

	for (struct msg **pp = &q->head; *pp; pp = &(*pp)->next) {
		int64_t t = (*pp)->type;

		if (type == 0)
			return pp;
		if (type > 0 && ((flags & MSG_EXCEPT) ? t != type : t == type))
			return pp;
		if (type < 0 && t <= -type && (!best || t < (*best)->type))
			best = pp;
	}
	return best;
}

static long sys_msgrcv(uint64_t id64, uint64_t umsg, uint64_t size64,
		       uint64_t type64, uint64_t flags64)
{
	long err;
	int id = (int)id64, flags = (int)flags64;
	int64_t size = (int64_t)size64, type = (int64_t)type64;
	struct ipc_object *o;
	struct msg_queue *q;
	struct msg *m = NULL, **pp;
	long r = 0;

	if (size < 0 || id < 0)
		return -EINVAL;
	if (flags & MSG_COPY)
		return -ENOSYS; /* as Linux without checkpoint/restore */
	spin_lock(&msg_table.lock);
	o = ipc_find_id(&msg_table, id);
	err = o ? ipc_permission(o, IPC_READ) : -EINVAL;
	if (err) {
		spin_unlock(&msg_table.lock);
		return err;
	}
	q = queue_of(o);
	q->users++;
	for (;;) {
		pp = pick(q, type, flags);
		if (pp && (*pp)->size > (uint64_t)size &&
		    !(flags & MSG_NOERROR)) {
			r = -E2BIG;
			break;
		}
		if (pp)
			break;
		r = queue_wait(q, flags, -ENOMSG);
		if (r)
			break;
	}
	if (!r) {
		m = *pp;
		*pp = m->next;
		if (q->tail == &m->next)
			q->tail = pp;
		q->cbytes -= m->size;
		q->qnum--;
		q->lrpid = proc_current()->tgid;
		q->rtime = ipc_now();
		wake_up(&q->wq);
	}
	q->users--;
	put_removed(q);
	spin_unlock(&msg_table.lock);
	if (!m)
		return r;
	r = (long)MIN(m->size, (uint64_t)size);
	if (put_user(m->type, umsg) ||
	    copy_to_user(umsg + sizeof(m->type), m->text, (size_t)r))
		r = -EFAULT;
	kfree(m);
	return r;
}
SYSCALL(msgrcv, sys_msgrcv);

/* ---- msgctl ---------------------------------------------------------------- */

struct msginfo {
	/* cppcheck-suppress unusedStructMember ; Linux's layout */
	int32_t msgpool, msgmap, msgmax, msgmnb, msgmni, msgssz, msgtql;
	/* cppcheck-suppress unusedStructMember ; Linux's layout */
	uint16_t msgseg;
};

/* IPC_INFO: the limits, in Linux's fields; MSG_INFO: the same, but
 * msgpool, msgmap and msgtql count the queues, messages and bytes in
 * use (Linux's reuse of them). The answer is the highest slot used. */
static long msg_info(int cmd, uint64_t ubuf)
{
	struct msginfo info = {
		.msgpool = IPC_SLOTS * MSGMNB / 1024,
		.msgmap = MSGMNB,
		.msgmax = MSGMAX,
		.msgmnb = MSGMNB,
		.msgmni = IPC_SLOTS,
		.msgssz = 16,
		.msgtql = MSGMNB,
		.msgseg = 0xffff,
	};
	int last = 0;

	spin_lock(&msg_table.lock);
	if (cmd == MSG_INFO)
		info.msgpool = info.msgmap = info.msgtql = 0;
	for (int i = 0; i < IPC_SLOTS; i++) {
		const struct msg_queue *q;

		if (!msg_table.slots[i])
			continue;
		last = i;
		q = queue_of(msg_table.slots[i]);
		if (cmd == MSG_INFO) {
			info.msgpool++;
			info.msgmap += (int32_t)q->qnum;
			info.msgtql += (int32_t)q->cbytes;
		}
	}
	spin_unlock(&msg_table.lock);
	return copy_to_user(ubuf, &info, sizeof(info)) ? -EFAULT : last;
}

static void fill_msqid(const struct msg_queue *q, struct msqid64_ds *ds)
{
	*ds = (struct msqid64_ds){
		.msg_stime = q->stime,
		.msg_rtime = q->rtime,
		.msg_ctime = q->ctime,
		.msg_cbytes = q->cbytes,
		.msg_qnum = q->qnum,
		.msg_qbytes = q->qbytes,
		.msg_lspid = q->lspid,
		.msg_lrpid = q->lrpid,
	};
	ipc_fill_perm(&q->obj, &ds->msg_perm);
}

static long sys_msgctl(uint64_t id64, uint64_t cmd64, uint64_t ubuf)
{
	int id = (int)id64, cmd = (int)cmd64;
	struct msqid64_ds ds;
	struct ipc_object *o;
	struct msg_queue *q;
	long r = 0;

	if (id < 0)
		return -EINVAL;
	switch (cmd) {
	case IPC_INFO:
	case MSG_INFO:
		return msg_info(cmd, ubuf);
	case IPC_SET:
		if (copy_from_user(&ds, ubuf, sizeof(ds)))
			return -EFAULT;
		break;
	case IPC_STAT:
	case MSG_STAT:
	case IPC_RMID:
		break;
	default:
		return -EINVAL;
	}
	spin_lock(&msg_table.lock);
	if (cmd == MSG_STAT)
		o = id < IPC_SLOTS ? msg_table.slots[id] : NULL;
	else
		o = ipc_find_id(&msg_table, id);
	if (!o) {
		spin_unlock(&msg_table.lock);
		return -EINVAL;
	}
	r = cmd == IPC_STAT || cmd == MSG_STAT ? ipc_permission(o, IPC_READ)
					       : ipc_owner_check(o);
	if (r) {
		spin_unlock(&msg_table.lock);
		return r;
	}
	q = queue_of(o);
	switch (cmd) {
	case IPC_STAT:
	case MSG_STAT:
		fill_msqid(q, &ds);
		r = cmd == MSG_STAT ? o->id : 0;
		break;
	case IPC_SET:
		ipc_set_perm(o, &ds.msg_perm);
		q->qbytes = ds.msg_qbytes;
		q->ctime = ipc_now();
		wake_up(&q->wq);
		break;
	case IPC_RMID:
		ipc_remove(&msg_table, o);
		wake_up(&q->wq);
		put_removed(q);
		break;
	}
	spin_unlock(&msg_table.lock);
	if ((cmd == IPC_STAT || cmd == MSG_STAT) &&
	    copy_to_user(ubuf, &ds, sizeof(ds)))
		return -EFAULT;
	return r;
}
SYSCALL(msgctl, sys_msgctl);

/* ---- /proc/sysvipc/msg ---------------------------------------------------- */

size_t msg_proc_text(char *buf, size_t size)
{
	static const char header[] =
		"       key      msqid perms      cbytes       qnum lspid lrpid "
		"  uid   gid  cuid  cgid      stime      rtime      ctime\n";
	size_t len = 0;

	ipc_text_add(buf, size, &len, header, (int)sizeof(header) - 1);
	spin_lock(&msg_table.lock);
	for (int i = 0; i < IPC_SLOTS; i++) {
		const struct msg_queue *q;
		char line[200];
		int n;

		if (!msg_table.slots[i])
			continue;
		q = queue_of(msg_table.slots[i]);
		n = ksnprintf(line, sizeof(line),
			      "%10d %10d  %4o  %10llu %10llu %5d %5d %5u %5u "
			      "%5u %5u %10lld %10lld %10lld\n",
			      q->obj.key, q->obj.id, q->obj.mode,
			      (unsigned long long)q->cbytes,
			      (unsigned long long)q->qnum, q->lspid, q->lrpid,
			      q->obj.uid, q->obj.gid, q->obj.cuid, q->obj.cgid,
			      (long long)q->stime, (long long)q->rtime,
			      (long long)q->ctime);
		ipc_text_add(buf, size, &len, line, n);
	}
	spin_unlock(&msg_table.lock);
	return len;
}
