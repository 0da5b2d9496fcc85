/*
 * Futexes (futex.h): a thread sleeps on a user word while it holds the
 * value it expects, and another thread that changes the word wakes it.
 * The kernel keeps no state per word, only the sleepers, in a hash
 * table of FUTEX_BUCKETS chains, each under its own spinlock:
 *
 *   bucket[hash(key)] ─lock─ waiter ──> waiter ──> waiter ──> NULL
 *                              │ key (mm, address) or (NULL, physical)
 *                              │ bitset, woken, bucket
 *                              └ wq: where its task sleeps
 *
 * A waiter lives on its thread's kernel stack for the length of the
 * call. A word in a private mapping (or any word with FUTEX_PRIVATE) is
 * keyed by its address space and address; one in a shared mapping by
 * its physical address, so that processes mapping it at different
 * addresses meet (mm_futex_key).
 *
 * No lost wake-up: a waiter queues itself *before* it reads the word,
 * with a full fence between; a waker writes the word *before* it takes
 * the bucket lock to look for waiters. Either the waiter reads the new
 * value (EAGAIN), or the waker finds it queued. Reading the word under
 * the bucket lock, as Linux does, would need a read that cannot sleep
 * on a page fault; this order needs none.
 *
 * Locks: each bucket's "futex" lock guards its chain and every queued
 * waiter's woken and bucket fields; REQUEUE holds two, lower address
 * first (one class: the checker does not order locks of a class). A
 * waker calls wake_up under the bucket lock, so a woken waiter (which
 * takes the lock again before it returns) cannot free its waiter while
 * the waker still touches it. Taken with no other spinlock held, and
 * before the sched lock. docs/threads.md.
 */
#include "proc/futex.h"
#include "fs/vfs.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_CMD_MASK (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_MATCH_ANY 0xffffffffU

/* WAKE_OP's operations and comparisons (val3's fields). */
#define FUTEX_OP_SET 0
#define FUTEX_OP_ADD 1
#define FUTEX_OP_OR 2
#define FUTEX_OP_ANDN 3
#define FUTEX_OP_XOR 4
#define FUTEX_OP_OPARG_SHIFT 8U
#define FUTEX_OP_CMP_EQ 0
#define FUTEX_OP_CMP_NE 1
#define FUTEX_OP_CMP_LT 2
#define FUTEX_OP_CMP_LE 3
#define FUTEX_OP_CMP_GT 4
#define FUTEX_OP_CMP_GE 5

/* Robust futexes: the owner's tid in the low bits of the word. */
#define FUTEX_WAITERS 0x80000000U
#define FUTEX_OWNER_DIED 0x40000000U
#define FUTEX_TID_MASK 0x3fffffffU
#define ROBUST_LIST_LIMIT 2048

#define FUTEX_BUCKETS 256

struct futex_key {
	const void *mm; /* the address space, or NULL: addr is physical */
	uint64_t addr;
};

struct futex_bucket;

struct futex_waiter {
	struct futex_waiter *next; /* in its bucket's chain */
	struct futex_key key;
	uint32_t bitset;
	bool woken;                  /* taken off the chain by a waker */
	struct futex_bucket *bucket; /* the chain it is on (REQUEUE moves) */
	struct waitqueue wq;         /* only its own task sleeps here */
};

struct futex_bucket {
	struct spinlock lock;
	struct futex_waiter *head; /* oldest first */
};

static struct futex_bucket buckets[FUTEX_BUCKETS] = {
	[0 ... FUTEX_BUCKETS - 1] = { SPINLOCK_INIT("futex"), NULL },
};

static struct futex_bucket *bucket_of(const struct futex_key *k)
{
	uint64_t h = (k->addr >> 2) ^ ((uint64_t)(uintptr_t)k->mm >> 6);

	h *= 0x9e3779b97f4a7c15ULL;
	return &buckets[h >> 56];
}

static bool key_eq(const struct futex_key *a, const struct futex_key *b)
{
	return a->mm == b->mm && a->addr == b->addr;
}

/* The key of the word at uaddr in mm: 0, -EINVAL (not aligned) or
 * -EFAULT (outside user space; or, for a shared key, nothing mapped). */
static int get_key(struct mm *mm, uaddr_t uaddr, bool private,
		   struct futex_key *k)
{
	uint64_t phys;
	int r;

	if (uaddr % 4)
		return -EINVAL;
	if (!user_range_ok(uaddr, sizeof(uint32_t)))
		return -EFAULT;
	k->mm = mm;
	k->addr = uaddr;
	if (private)
		return 0;
	r = mm_futex_key(mm, uaddr, &phys);
	if (r < 0)
		return r;
	if (r == 0) {
		k->mm = NULL;
		k->addr = phys;
	}
	return 0;
}

/* Caller holds b->lock. */
static void enqueue_locked(struct futex_bucket *b, struct futex_waiter *w)
{
	struct futex_waiter **pp = &b->head;

	while (*pp)
		pp = &(*pp)->next;
	w->next = NULL;
	w->bucket = b;
	*pp = w;
}

/* Caller holds b->lock. */
static void dequeue_locked(struct futex_bucket *b, struct futex_waiter *w)
{
	struct futex_waiter **pp = &b->head;

	while (*pp && *pp != w)
		pp = &(*pp)->next;
	if (*pp)
		*pp = w->next;
	w->next = NULL;
}

/* Lock the bucket w is queued on (REQUEUE may move it meanwhile). */
static struct futex_bucket *lock_waiter_bucket(struct futex_waiter *w)
{
	for (;;) {
		struct futex_bucket *b =
			__atomic_load_n(&w->bucket, __ATOMIC_ACQUIRE);

		spin_lock(&b->lock);
		if (w->bucket == b)
			return b;
		spin_unlock(&b->lock);
	}
}

/* Sleep on the word while it holds val, until woken (0), the deadline
 * passes (-ETIMEDOUT; deadline 0: none) or a signal comes; -EAGAIN if
 * the word holds something else, -EFAULT if it cannot be read. */
static int futex_wait(const struct futex_key *k, uaddr_t uaddr, uint32_t val,
		      uint32_t bitset, uint64_t deadline)
{
	struct futex_waiter w = { .key = *k, .bitset = bitset };
	struct futex_bucket *b = bucket_of(k);
	uint32_t cur;
	int err = 0;

	w.wq = (struct waitqueue)WAITQUEUE_INIT;
	spin_lock(&b->lock);
	enqueue_locked(b, &w);
	spin_unlock(&b->lock);
	/* Queued before the read: see the comment at the top. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (get_user(cur, uaddr))
		err = -EFAULT;
	else if (cur != val)
		err = -EAGAIN;
	b = lock_waiter_bucket(&w);
	for (;;) {
		if (w.woken) {
			err = 0;
			break;
		}
		if (err)
			break;
		if (deadline && time_ns() >= deadline) {
			err = -ETIMEDOUT;
			break;
		}
		if (signal_pending()) {
			/* Linux restarts an untimed wait (SA_RESTART or no
			 * handler); a timed one says EINTR. */
			err = deadline ? -EINTR : -ERESTARTSYS;
			break;
		}
		if (deadline)
			sleep_on_until(&w.wq, &b->lock, deadline);
		else
			sleep_on(&w.wq, &b->lock);
		if (w.bucket != b) {
			spin_unlock(&b->lock);
			b = lock_waiter_bucket(&w);
		}
	}
	if (!w.woken)
		dequeue_locked(b, &w);
	spin_unlock(&b->lock);
	return err;
}

/* Wake waiters on k whose bitset meets bitset: at least one if any
 * (Linux counts after waking), at most max(n, 1). Caller holds
 * bucket_of(k)'s lock; how many. */
static int wake_locked(struct futex_bucket *b, const struct futex_key *k, int n,
		       uint32_t bitset)
{
	struct futex_waiter **pp = &b->head;
	int woken = 0;

	while (*pp) {
		struct futex_waiter *w = *pp;

		if (!key_eq(&w->key, k) || !(w->bitset & bitset)) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		w->next = NULL;
		w->woken = true;
		wake_up(&w->wq);
		if (++woken >= n)
			break;
	}
	return woken;
}

static int futex_wake(const struct futex_key *k, int n, uint32_t bitset)
{
	struct futex_bucket *b = bucket_of(k);
	int woken;

	spin_lock(&b->lock);
	woken = wake_locked(b, k, n, bitset);
	spin_unlock(&b->lock);
	return woken;
}

int futex_wake_addr(struct mm *mm, uaddr_t uaddr, int n)
{
	struct futex_key k;

	if (get_key(mm, uaddr, false, &k))
		return 0;
	return futex_wake(&k, n, FUTEX_BITSET_MATCH_ANY);
}

static void lock_two(struct futex_bucket *a, struct futex_bucket *b)
{
	if (a == b) {
		spin_lock(&a->lock);
	} else if (a < b) {
		spin_lock(&a->lock);
		spin_lock(&b->lock);
	} else {
		spin_lock(&b->lock);
		spin_lock(&a->lock);
	}
}

static void unlock_two(struct futex_bucket *a, struct futex_bucket *b)
{
	spin_unlock(&a->lock);
	if (a != b)
		spin_unlock(&b->lock);
}

/* REQUEUE and CMP_REQUEUE: wake nr_wake waiters on k1, move up to
 * nr_requeue of the rest to k2; with cmp, first -EAGAIN unless the word
 * at uaddr1 holds cmpval. How many were woken and moved. */
static long futex_requeue(const struct futex_key *k1, uaddr_t uaddr1,
			  const struct futex_key *k2, int nr_wake,
			  int nr_requeue, bool cmp, uint32_t cmpval)
{
	struct futex_bucket *b1 = bucket_of(k1), *b2 = bucket_of(k2);
	struct futex_waiter **pp, *taken = NULL, **tail = &taken;
	int woken = 0, moved = 0;

	if (cmp) {
		uint32_t cur;

		/* The caller changed the word before: a waiter queued after
		 * this read sees the change itself. */
		if (get_user(cur, uaddr1))
			return -EFAULT;
		if (cur != cmpval)
			return -EAGAIN;
	}
	lock_two(b1, b2);
	/* Take the matching waiters off first, in order, so that a move to
	 * the same chain (or key) is not seen again by this walk. */
	pp = &b1->head;
	while (*pp && (long)woken + moved < (long)nr_wake + nr_requeue) {
		struct futex_waiter *w = *pp;

		if (!key_eq(&w->key, k1)) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		w->next = NULL;
		if (woken < nr_wake) {
			w->woken = true;
			wake_up(&w->wq);
			woken++;
			continue;
		}
		*tail = w;
		tail = &w->next;
		moved++;
	}
	while (taken) {
		struct futex_waiter *w = taken;

		taken = w->next;
		w->key = *k2;
		enqueue_locked(b2, w);
	}
	unlock_two(b1, b2);
	return woken + moved;
}

/* WAKE_OP's operation on the old value: -ENOSYS for an unknown one. */
static int wake_op_compute(uint32_t encoded, uint32_t old, uint32_t *new)
{
	int op = (encoded >> 28) & 7;
	uint32_t oparg = (uint32_t)((int32_t)(encoded << 8) >> 20);

	if (encoded & (FUTEX_OP_OPARG_SHIFT << 28))
		oparg = 1U << (oparg & 31);
	switch (op) {
	case FUTEX_OP_SET:
		*new = oparg;
		return 0;
	case FUTEX_OP_ADD:
		*new = old + oparg;
		return 0;
	case FUTEX_OP_OR:
		*new = old | oparg;
		return 0;
	case FUTEX_OP_ANDN:
		*new = old & ~oparg;
		return 0;
	case FUTEX_OP_XOR:
		*new = old ^ oparg;
		return 0;
	}
	return -ENOSYS;
}

static int wake_op_compare(uint32_t encoded, uint32_t old)
{
	int cmp = (encoded >> 24) & 15;
	int32_t cmparg = (int32_t)(encoded << 20) >> 20;
	int32_t o = (int32_t)old;

	switch (cmp) {
	case FUTEX_OP_CMP_EQ:
		return o == cmparg;
	case FUTEX_OP_CMP_NE:
		return o != cmparg;
	case FUTEX_OP_CMP_LT:
		return o < cmparg;
	case FUTEX_OP_CMP_LE:
		return o <= cmparg;
	case FUTEX_OP_CMP_GT:
		return o > cmparg;
	case FUTEX_OP_CMP_GE:
		return o >= cmparg;
	}
	return -ENOSYS;
}

/* WAKE_OP: atomically change the word at uaddr2 by val3's operation,
 * wake n waiters on k1 and, if the old value of uaddr2 passes val3's
 * comparison, n2 on k2. */
static long futex_wake_op(const struct futex_key *k1, uaddr_t uaddr2,
			  const struct futex_key *k2, int n, int n2,
			  uint32_t val3)
{
	struct futex_bucket *b1 = bucket_of(k1), *b2 = bucket_of(k2);
	uint32_t old, new, seen;
	int cmp, woken;

	if (wake_op_compute(val3, 0, &new) || wake_op_compare(val3, 0) < 0)
		return -ENOSYS;
	if (get_user(old, uaddr2))
		return -EFAULT;
	for (;;) {
		int err;

		wake_op_compute(val3, old, &new);
		err = user_cmpxchg32(uaddr2, old, new, &seen);
		if (err)
			return err;
		if (seen == old)
			break;
		old = seen;
	}
	cmp = wake_op_compare(val3, old);
	lock_two(b1, b2);
	woken = wake_locked(b1, k1, n, FUTEX_BITSET_MATCH_ANY);
	if (cmp)
		woken += wake_locked(b2, k2, n2, FUTEX_BITSET_MATCH_ANY);
	unlock_two(b1, b2);
	return woken;
}

/* A timeout argument as a deadline on time_ns(): relative (FUTEX_WAIT)
 * or absolute on CLOCK_MONOTONIC or, with realtime, CLOCK_REALTIME.
 * 0 and *deadline (0: none), -EFAULT, -EINVAL. */
static int read_deadline(uaddr_t uts, bool absolute, bool realtime,
			 uint64_t *deadline)
{
	struct timespec64 ts;
	uint64_t ns, now = time_ns();

	*deadline = 0;
	if (!uts)
		return 0;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= (int64_t)NS_PER_SEC)
		return -EINVAL;
	if ((uint64_t)ts.sec >= UINT64_MAX / NS_PER_SEC / 4)
		ns = UINT64_MAX / 4; /* as good as forever */
	else
		ns = (uint64_t)ts.sec * NS_PER_SEC + (uint64_t)ts.nsec;
	if (!absolute) {
		*deadline = now + ns;
	} else if (realtime) {
		uint64_t rt = time_realtime_ns();

		*deadline = ns > rt ? now + (ns - rt) : now;
	} else {
		*deadline = ns > now ? ns : now;
	}
	if (!*deadline)
		*deadline = 1; /* 0 means none */
	return 0;
}

static long sys_futex(uaddr_t uaddr, uint64_t op, uint64_t val, uint64_t a3,
		      uaddr_t uaddr2, uint64_t val3)
{
	struct mm *mm = proc_current()->mm;
	int cmd = (int)(op & FUTEX_CMD_MASK);
	bool private = op & FUTEX_PRIVATE_FLAG;
	bool realtime = op & FUTEX_CLOCK_REALTIME;
	struct futex_key k1, k2;
	uint64_t deadline;
	uint32_t bitset = FUTEX_BITSET_MATCH_ANY;
	int err;

	if (realtime && cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT_BITSET:
		bitset = (uint32_t)val3;
		if (!bitset)
			return -EINVAL;
		/* fallthrough */
	case FUTEX_WAIT:
		err = read_deadline(a3, cmd == FUTEX_WAIT_BITSET, realtime,
				    &deadline);
		if (!err)
			err = get_key(mm, uaddr, private, &k1);
		if (err)
			return err;
		return futex_wait(&k1, uaddr, (uint32_t)val, bitset, deadline);
	case FUTEX_WAKE_BITSET:
		bitset = (uint32_t)val3;
		if (!bitset)
			return -EINVAL;
		/* fallthrough */
	case FUTEX_WAKE:
		err = get_key(mm, uaddr, private, &k1);
		if (err)
			return err;
		return futex_wake(&k1, (int)val, bitset);
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		if ((int)val < 0 || (int)a3 < 0)
			return -EINVAL;
		err = get_key(mm, uaddr, private, &k1);
		if (!err)
			err = get_key(mm, uaddr2, private, &k2);
		if (err)
			return err;
		return futex_requeue(&k1, uaddr, &k2, (int)val, (int)a3,
				     cmd == FUTEX_CMP_REQUEUE, (uint32_t)val3);
	case FUTEX_WAKE_OP:
		err = get_key(mm, uaddr, private, &k1);
		if (!err)
			err = get_key(mm, uaddr2, private, &k2);
		if (err)
			return err;
		return futex_wake_op(&k1, uaddr2, &k2, (int)val, (int)a3,
				     (uint32_t)val3);
	}
	/* FUTEX_FD (gone from Linux), the priority-inheritance ops. */
	return -ENOSYS;
}
SYSCALL(futex, sys_futex);

/* ---- robust futexes and the tid word at exit ---------------------------- */

/* Linux's struct robust_list_head. */
struct robust_list_head {
	uint64_t list; /* the first entry; the list is circular, back here */
	int64_t futex_offset;     /* from an entry to its futex word */
	uint64_t list_op_pending; /* an entry being added or removed */
};

static long sys_set_robust_list(uaddr_t head, uint64_t len)
{
	struct proc *p = proc_current();

	if (len != sizeof(struct robust_list_head))
		return -EINVAL;
	p->robust_list = head;
	p->robust_len = len;
	return 0;
}
SYSCALL(set_robust_list, sys_set_robust_list);

static long sys_get_robust_list(int64_t tid, uaddr_t uhead, uaddr_t ulen)
{
	struct proc *p = tid ? proc_get((int)tid) : proc_current();
	uint64_t head, len;

	if (!p)
		return -ESRCH;
	head = p->robust_list;
	len = sizeof(struct robust_list_head);
	if (tid)
		proc_put(p);
	if (put_user(len, ulen) || put_user(head, uhead))
		return -EFAULT;
	return 0;
}
SYSCALL(get_robust_list, sys_get_robust_list);

/* The owner of the futex at uaddr (tid) died holding it: mark it
 * FUTEX_OWNER_DIED (keeping FUTEX_WAITERS) and wake a waiter, who then
 * gets EOWNERDEAD from pthread_mutex_lock. */
static void robust_death(struct proc *p, uaddr_t uaddr)
{
	uint32_t old, seen;

	if (uaddr % 4 || get_user(old, uaddr))
		return;
	for (;;) {
		uint32_t new = (old & FUTEX_WAITERS) | FUTEX_OWNER_DIED;

		if ((old & FUTEX_TID_MASK) != (uint32_t)p->pid)
			return;
		if (user_cmpxchg32(uaddr, old, new, &seen))
			return;
		if (seen == old)
			break;
		old = seen;
	}
	if (old & FUTEX_WAITERS)
		futex_wake_addr(p->mm, uaddr, 1);
}

static void robust_list_exit(struct proc *p)
{
	struct robust_list_head head;
	uint64_t entry, pending;
	int limit = ROBUST_LIST_LIMIT;

	if (!p->robust_list ||
	    copy_from_user(&head, p->robust_list, sizeof(head)))
		return;
	pending = head.list_op_pending & ~1ULL;
	entry = head.list & ~1ULL;
	while (entry != p->robust_list && entry && limit--) {
		uint64_t next;

		if (get_user(next, entry))
			return;
		if (entry != pending)
			robust_death(p, entry + (uint64_t)head.futex_offset);
		entry = next & ~1ULL;
	}
	if (pending)
		robust_death(p, pending + (uint64_t)head.futex_offset);
}

void futex_exit(struct proc *p)
{
	if (!p->mm)
		return;
	robust_list_exit(p);
	/* Only when others share the memory, as Linux does: a process's
	 * last thread has no one to tell. */
	if (p->clear_child_tid &&
	    __atomic_load_n(&p->mm->refcount, __ATOMIC_RELAXED) > 1) {
		if (!put_user((uint32_t)0, p->clear_child_tid))
			futex_wake_addr(p->mm, p->clear_child_tid, 1);
	}
}
