/*
 * Advisory file locks (lock.h): what fcntl's F_SETLK and flock(2) give,
 * with Linux's semantics. Nothing stops a read or a write: a lock only
 * makes other lockers wait or fail.
 *
 * Every lock in the system is one struct file_lock in one list, and
 * every request that waits for one is queued in a second list, both
 * under the spinlock "file_locks":
 *
 *   file_locks ─> [ino 12 POSIX owner=T1 WRITE 0..99] ─> [ino 12 FLOCK
 *                  owner=F2 READ 0..EOF] ─> [ino 40 OFD owner=F3 ...] ─> NULL
 *   blocked    ─> [ino 12 POSIX owner=T2 wants WRITE 50..60] ─> NULL
 *
 * Three kinds, told apart by who owns a lock:
 *   POSIX  fcntl F_SETLK: owned by the process's descriptor table (so
 *          threads share them, and fork's child has none); a byte range;
 *          gone when the owner closes *any* descriptor of the file, and
 *          at exit.
 *   OFD    fcntl F_OFD_SETLK: the same ranges, owned by the open file
 *          (so dup'd descriptors and fork's child share them); gone with
 *          the file's last close.
 *   FLOCK  flock(2): the whole file, owned by the open file; never meets
 *          the other two kinds.
 * Two locks conflict when their owners differ, they overlap, and one of
 * them is a write lock (LOCK_EX). One owner's record locks on a file
 * never overlap: setting a range splits, shrinks or removes what the
 * owner had there, and merges with its touching locks of the same type.
 *
 * A waiter (F_SETLKW, flock without LOCK_NB) queues its request on
 * `blocked` and sleeps on one wait queue that every change wakes; it
 * then looks again. Before sleeping on a POSIX lock it follows the chain
 * "the owner of the lock I wait for waits for a lock whose owner ..."
 * for a few steps: if the chain comes back to itself, sleeping would
 * never end, and it fails with EDEADLK as Linux does.
 *
 * One list for the whole system keeps this short; a system with
 * thousands of locks would want them per inode (as Linux's
 * file_lock_context). A lock's inode stays alive while it is held: the
 * owner keeps an open file of it, and closing that file drops the lock.
 * docs/ipc.md.
 */
#include "fs/lock.h"
#include "fs/fdtable.h"
#include "mm/mm.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "sched/sched.h"
#include "syscall.h"

/* fcntl's lock commands and types (asm-generic/fcntl.h). */
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2

/* flock's operations (asm-generic/fcntl.h). */
#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8

#define OFFSET_MAX INT64_MAX /* a lock "to the end of the file" ends here */
/* Steps followed in the wait-for chain before giving up (Linux's
 * MAX_DEADLK_ITERATIONS): a longer cycle is not found. */
#define DEADLOCK_STEPS 10

/* struct flock as user space passes it (x86-64). */
struct linux_flock {
	int16_t l_type;
	int16_t l_whence;
	int64_t l_start;
	int64_t l_len;
	int32_t l_pid;
};
_Static_assert(sizeof(struct linux_flock) == 32, "struct flock is 32 bytes");

enum lock_kind { LOCK_KIND_POSIX, LOCK_KIND_OFD, LOCK_KIND_FLOCK };

struct file_lock {
	/* All fields are under file_locks_lock while the lock is in a list;
	 * a request being built is its caller's alone. */
	struct file_lock *next;
	struct inode *inode;
	const void *owner; /* struct fdtable (POSIX) or struct file */
	enum lock_kind kind;
	int type;           /* F_RDLCK or F_WRLCK (F_UNLCK in a request) */
	int pid;            /* the tgid that set it, for F_GETLK */
	int64_t start, end; /* bytes start..end; end OFFSET_MAX: to EOF */
};

static struct spinlock file_locks_lock = SPINLOCK_INIT("file_locks");
/* The locks held, and the requests waiting: file_locks_lock. */
static struct file_lock *file_locks;
static struct file_lock *blocked;
/* How many locks are held: changed under file_locks_lock, read without
 * it so that a close with no locks anywhere costs nothing. */
static unsigned int lock_count;
/* Every waiter sleeps here; every change wakes them all. */
static struct waitqueue lock_wq = WAITQUEUE_INIT;

static bool is_record(const struct file_lock *l)
{
	return l->kind != LOCK_KIND_FLOCK;
}

static bool overlap(const struct file_lock *a, const struct file_lock *b)
{
	return a->start <= b->end && b->start <= a->end;
}

static bool conflicts(const struct file_lock *held,
		      const struct file_lock *want)
{
	return held->inode == want->inode && held->owner != want->owner &&
	       is_record(held) == is_record(want) && overlap(held, want) &&
	       (held->type == F_WRLCK || want->type == F_WRLCK);
}

/* The first lock that stands in want's way, or NULL. Caller holds
 * file_locks_lock. */
static struct file_lock *find_conflict(const struct file_lock *want)
{
	for (struct file_lock *l = file_locks; l; l = l->next)
		if (conflicts(l, want))
			return l;
	return NULL;
}

/* A request of owner's that waits, or NULL. Caller holds
 * file_locks_lock. */
static struct file_lock *waiting_request(const void *owner)
{
	for (struct file_lock *w = blocked; w; w = w->next)
		if (w->owner == owner && w->kind == LOCK_KIND_POSIX)
			return w;
	return NULL;
}

/* Would want, blocked by the POSIX lock blocker, wait for ever? Follow
 * who waits for whom, from blocker's owner on. Caller holds
 * file_locks_lock. */
static bool would_deadlock(const struct file_lock *want,
			   const struct file_lock *blocker)
{
	for (int step = 0; step < DEADLOCK_STEPS; step++) {
		const struct file_lock *w = waiting_request(blocker->owner);

		if (!w)
			return false;
		blocker = find_conflict(w);
		if (!blocker || blocker->kind != LOCK_KIND_POSIX)
			return false;
		if (blocker->owner == want->owner)
			return true;
	}
	return false;
}

/* Unlink *pp and put it on *freed (freed once the spinlock is let go). */
static void drop_lock(struct file_lock **pp, struct file_lock **freed)
{
	struct file_lock *l = *pp;

	*pp = l->next;
	l->next = *freed;
	*freed = l;
	lock_count--;
}

static struct file_lock *take_spare(struct file_lock **spare)
{
	for (int i = 0; i < 2; i++) {
		if (spare[i]) {
			struct file_lock *l = spare[i];

			spare[i] = NULL;
			return l;
		}
	}
	panic("lock: more than two records for one request");
}

/*
 * Give want's owner want's range, with want's type (F_UNLCK: nothing).
 * What the owner had there is cut away; its touching or overlapping
 * locks of the same type merge into the new one. At most one old lock
 * splits in two (one that covers the range and more on both sides), and
 * at most one new record goes in: spare's two records suffice. Caller
 * holds file_locks_lock.
 */
static void apply_record(const struct file_lock *want, struct file_lock **spare,
			 struct file_lock **freed)
{
	int64_t start = want->start, end = want->end;
	struct file_lock **pp = &file_locks, *l;

	while ((l = *pp)) {
		if (l->inode != want->inode || l->owner != want->owner ||
		    !is_record(l)) {
			pp = &l->next;
		} else if (l->type == want->type) {
			/* Same type: overlapping or touching ranges merge
			 * (start - 1 and l->start - 1 cannot overflow). */
			if (l->end < want->start - 1 ||
			    l->start - 1 > want->end) {
				pp = &l->next;
				continue;
			}
			start = MIN(start, l->start);
			end = MAX(end, l->end);
			drop_lock(pp, freed);
		} else if (!overlap(l, want)) {
			pp = &l->next;
		} else if (l->start < want->start && l->end > want->end) {
			struct file_lock *right = take_spare(spare);

			*right = *l;
			right->start = want->end + 1;
			l->end = want->start - 1;
			l->next = right;
			lock_count++;
			pp = &right->next;
		} else if (l->start < want->start) {
			l->end = want->start - 1;
			pp = &l->next;
		} else if (l->end > want->end) {
			l->start = want->end + 1;
			pp = &l->next;
		} else {
			drop_lock(pp, freed);
		}
	}
	if (want->type != F_UNLCK) {
		struct file_lock *n = take_spare(spare);

		*n = *want;
		n->start = start;
		n->end = end;
		n->next = file_locks;
		file_locks = n;
		lock_count++;
	}
}

/* flock: the owner's lock on the file goes first, unless it already has
 * the type asked for (so converting is not atomic, as on Linux: another
 * waiter may get in between). True if it has that type. Caller holds
 * file_locks_lock. */
static bool drop_own_flock(const struct file_lock *want,
			   struct file_lock **freed)
{
	for (struct file_lock **pp = &file_locks; *pp; pp = &(*pp)->next) {
		struct file_lock *l = *pp;

		if (l->kind != LOCK_KIND_FLOCK || l->owner != want->owner ||
		    l->inode != want->inode)
			continue;
		if (l->type == want->type)
			return true;
		drop_lock(pp, freed);
		wake_up(&lock_wq);
		return false;
	}
	return false;
}

static void free_list(struct file_lock *l)
{
	while (l) {
		struct file_lock *next = l->next;

		kfree(l);
		l = next;
	}
}

/* Take want (or with F_UNLCK let go of it), waiting while another owner
 * holds a conflicting lock if wait: 0, -EAGAIN (a conflict and no
 * waiting), -EDEADLK, -ERESTARTSYS (a signal came while it waited),
 * -ENOLCK (no memory). */
static int set_lock(struct file_lock *want, bool wait)
{
	struct file_lock *spare[2], *freed = NULL;
	int err = 0;

	spare[0] = kmalloc(sizeof(struct file_lock));
	spare[1] = kmalloc(sizeof(struct file_lock));
	if (!spare[0] || !spare[1]) {
		kfree(spare[0]);
		kfree(spare[1]);
		return -ENOLCK;
	}
	spin_lock(&file_locks_lock);
	for (;;) {
		if (want->kind == LOCK_KIND_FLOCK &&
		    drop_own_flock(want, &freed))
			break;
		struct file_lock *blocker =
			want->type == F_UNLCK ? NULL : find_conflict(want);

		if (!blocker) {
			/* (A flock lock is one range, 0..EOF, whose owner
			 * has none left on the file: apply_record only adds
			 * it.) */
			apply_record(want, spare, &freed);
			wake_up(&lock_wq);
			break;
		}
		if (!wait) {
			err = -EAGAIN;
			break;
		}
		if (want->kind == LOCK_KIND_POSIX &&
		    blocker->kind == LOCK_KIND_POSIX &&
		    would_deadlock(want, blocker)) {
			err = -EDEADLK;
			break;
		}
		if (signal_pending()) {
			err = -ERESTARTSYS;
			break;
		}
		want->next = blocked;
		blocked = want;
		sleep_on(&lock_wq, &file_locks_lock);
		for (struct file_lock **pp = &blocked; *pp; pp = &(*pp)->next) {
			if (*pp == want) {
				*pp = want->next;
				break;
			}
		}
	}
	spin_unlock(&file_locks_lock);
	kfree(spare[0]);
	kfree(spare[1]);
	free_list(freed);
	return err;
}

/* ---- fcntl ---------------------------------------------------------------- */

bool lock_is_fcntl_cmd(unsigned int cmd)
{
	return cmd == F_GETLK || cmd == F_SETLK || cmd == F_SETLKW ||
	       cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
}

/* The byte range a struct flock names, from l_whence's origin (Linux's
 * flock_to_posix_lock): -EINVAL (bad whence, a range starting before
 * byte 0), -EOVERFLOW (past OFFSET_MAX). A length of 0 runs to the end
 * of the file however it grows; a negative one ends before l_start. */
static int flock_range(struct file *f, const struct linux_flock *fl,
		       struct file_lock *l)
{
	int64_t start;

	switch (fl->l_whence) {
	case SEEK_SET:
		start = 0;
		break;
	case SEEK_CUR:
		start = (int64_t)__atomic_load_n(&f->pos, __ATOMIC_RELAXED);
		break;
	case SEEK_END:
		start = (int64_t)__atomic_load_n(&f->inode->size,
						 __ATOMIC_RELAXED);
		break;
	default:
		return -EINVAL;
	}
	if (fl->l_start > OFFSET_MAX - start)
		return -EOVERFLOW;
	start += fl->l_start;
	if (start < 0)
		return -EINVAL;
	if (fl->l_len > 0) {
		if (fl->l_len - 1 > OFFSET_MAX - start)
			return -EOVERFLOW;
		l->start = start;
		l->end = start + fl->l_len - 1;
	} else if (fl->l_len < 0) {
		if (start + fl->l_len < 0)
			return -EINVAL;
		l->start = start + fl->l_len;
		l->end = start - 1;
	} else {
		l->start = start;
		l->end = OFFSET_MAX;
	}
	return 0;
}

/* F_GETLK and F_OFD_GETLK: the first lock that would stop fl, or
 * F_UNLCK in l_type if none would. */
static long get_lock(struct file_lock *want, struct linux_flock *fl,
		     uint64_t arg)
{
	struct file_lock *blocker;

	spin_lock(&file_locks_lock);
	blocker = find_conflict(want);
	if (blocker) {
		fl->l_type = (int16_t)blocker->type;
		fl->l_whence = SEEK_SET;
		fl->l_start = blocker->start;
		fl->l_len = blocker->end == OFFSET_MAX
				    ? 0
				    : blocker->end - blocker->start + 1;
		fl->l_pid = blocker->kind == LOCK_KIND_OFD ? -1 : blocker->pid;
	} else {
		fl->l_type = F_UNLCK;
	}
	spin_unlock(&file_locks_lock);
	return copy_to_user(arg, fl, sizeof(*fl));
}

long lock_fcntl(struct file *f, unsigned int cmd, uint64_t arg)
{
	bool ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK ||
		   cmd == F_OFD_SETLKW;
	bool get = cmd == F_GETLK || cmd == F_OFD_GETLK;
	struct linux_flock fl;
	struct file_lock want = { 0 };
	int accmode = f->flags & O_ACCMODE;
	int err;

	if (!lock_is_fcntl_cmd(cmd))
		return -EINVAL;
	if (copy_from_user(&fl, arg, sizeof(fl)))
		return -EFAULT;
	/* Pipes and sockets have no inode here to hang a lock on. */
	if (!f->inode)
		return -EINVAL;
	if (get && fl.l_type != F_RDLCK && fl.l_type != F_WRLCK)
		return -EINVAL;
	if (ofd && fl.l_pid != 0)
		return -EINVAL;
	err = flock_range(f, &fl, &want);
	if (err)
		return err;
	if (fl.l_type != F_RDLCK && fl.l_type != F_WRLCK &&
	    fl.l_type != F_UNLCK)
		return -EINVAL;
	want.inode = f->inode;
	want.kind = ofd ? LOCK_KIND_OFD : LOCK_KIND_POSIX;
	want.owner = ofd ? (const void *)f
			 : (const void *)proc_current()->files;
	want.type = fl.l_type;
	want.pid = proc_current()->tgid;
	if (get)
		return get_lock(&want, &fl, arg);
	/* A read lock needs the file open for reading, a write lock open
	 * for writing. */
	if ((fl.l_type == F_RDLCK && accmode == O_WRONLY) ||
	    (fl.l_type == F_WRLCK && accmode == O_RDONLY))
		return -EBADF;
	return set_lock(&want, cmd == F_SETLKW || cmd == F_OFD_SETLKW);
}

/* ---- flock ---------------------------------------------------------------- */

/* flock(fd, op): LOCK_SH or LOCK_EX on the whole file, owned by the open
 * file (so shared with dup and fork), or LOCK_UN; LOCK_NB fails with
 * EWOULDBLOCK instead of waiting. */
static long sys_flock(uint64_t fd, uint64_t op64)
{
	unsigned int op = (unsigned int)op64;
	struct file_lock want = { 0 };
	struct file *f = file_get((int)fd);
	long r;

	if (!f)
		return -EBADF;
	switch (op & ~(unsigned int)LOCK_NB) {
	case LOCK_SH:
		want.type = F_RDLCK;
		break;
	case LOCK_EX:
		want.type = F_WRLCK;
		break;
	case LOCK_UN:
		want.type = F_UNLCK;
		break;
	default:
		vfs_close(f);
		return -EINVAL;
	}
	if (!f->inode) {
		vfs_close(f);
		return -EINVAL;
	}
	want.inode = f->inode;
	want.kind = LOCK_KIND_FLOCK;
	want.owner = f;
	want.pid = proc_current()->tgid;
	want.start = 0;
	want.end = OFFSET_MAX;
	r = set_lock(&want, !(op & LOCK_NB));
	vfs_close(f);
	return r;
}
SYSCALL(flock, sys_flock);

/* ---- letting go at close ---------------------------------------------------- */

/* Remove every lock that match() picks, waking the waiters if any went. */
static void remove_locks(bool (*match)(const struct file_lock *l, const void *a,
				       const void *b),
			 const void *a, const void *b)
{
	struct file_lock *freed = NULL;

	if (!__atomic_load_n(&lock_count, __ATOMIC_RELAXED))
		return;
	spin_lock(&file_locks_lock);
	for (struct file_lock **pp = &file_locks; *pp;) {
		if (match(*pp, a, b))
			drop_lock(pp, &freed);
		else
			pp = &(*pp)->next;
	}
	if (freed)
		wake_up(&lock_wq);
	spin_unlock(&file_locks_lock);
	free_list(freed);
}

static bool posix_of(const struct file_lock *l, const void *inode,
		     const void *owner)
{
	return l->kind == LOCK_KIND_POSIX && l->inode == inode &&
	       l->owner == owner;
}

static bool owned_by_file(const struct file_lock *l, const void *f,
			  const void *unused)
{
	(void)unused;
	return l->kind != LOCK_KIND_POSIX && l->owner == f;
}

void lock_remove_posix(struct file *f, const struct fdtable *owner)
{
	if (f->inode)
		remove_locks(posix_of, f->inode, owner);
}

void lock_remove_file(struct file *f)
{
	remove_locks(owned_by_file, f, NULL);
}

/* ---- /proc/locks ------------------------------------------------------------ */

static const char *const kind_names[] = {
	[LOCK_KIND_POSIX] = "POSIX ",
	[LOCK_KIND_OFD] = "OFDLCK",
	[LOCK_KIND_FLOCK] = "FLOCK ",
};

/* One line per lock, as Linux's lock_get_status prints it:
 *   1: POSIX  ADVISORY  WRITE 123 00:01:14 0 EOF
 * the pid (-1 for an OFD lock), the device as major:minor in hex and
 * the inode number, then the range (flock locks: "0 EOF"). */
size_t lock_proc_text(char *buf, size_t size)
{
	size_t len = 0;
	unsigned int n = 0;

	spin_lock(&file_locks_lock);
	for (struct file_lock *l = file_locks; l; l = l->next) {
		uint64_t dev = l->inode->sb->dev_id;
		char line[160];
		int k;

		k = ksnprintf(line, sizeof(line),
			      "%u: %s ADVISORY  %s %d %02x:%02x:%llu ", ++n,
			      kind_names[l->kind],
			      l->type == F_WRLCK ? "WRITE" : "READ",
			      l->kind == LOCK_KIND_OFD ? -1 : l->pid,
			      (unsigned int)((dev >> 8) & 0xfff),
			      (unsigned int)((dev & 0xff) |
					     ((dev >> 12) & 0xfff00)),
			      (unsigned long long)l->inode->ino);
		if (l->end == OFFSET_MAX || !is_record(l))
			k += ksnprintf(line + k, sizeof(line) - (size_t)k,
				       "%lld EOF\n",
				       is_record(l) ? (long long)l->start
						    : 0LL);
		else
			k += ksnprintf(line + k, sizeof(line) - (size_t)k,
				       "%lld %lld\n", (long long)l->start,
				       (long long)l->end);
		if (len < size)
			memcpy(buf + len, line, MIN((size_t)k, size - len));
		len += (size_t)k;
	}
	spin_unlock(&file_locks_lock);
	return len;
}
