/*
 * eventfd and timerfd: two counters behind a file descriptor, as Linux
 * has them. An eventfd holds a 64-bit count that write adds to and read
 * takes (all of it, or 1 with EFD_SEMAPHORE); a timerfd counts the
 * expiries of its timer, which read takes. Both read and write 8-byte
 * numbers, block (or give EAGAIN with O_NONBLOCK) while there is nothing
 * to take or no room, and answer poll and select.
 *
 * Waiting uses poll's generation (fs/poll.h): a reader reads the
 * generation, looks, and sleeps in poll_wait only if nothing is there;
 * whoever changes a counter calls poll_notify, which wakes every poller
 * and every such reader. Armed timerfds sit on one list sorted by
 * deadline that the timer interrupt looks at (timerfd_tick), like the
 * POSIX timers' (kernel/proc/posix_timer.c). docs/files.md, "eventfd
 * and timerfd".
 */
#include "fs/fs_syscalls.h"
#include "fs/poll.h"
#include "proc/proc.h"
#include "proc/sys_abi.h"

#define EFD_SEMAPHORE 1
#define TFD_TIMER_ABSTIME 1
#define TFD_TIMER_CANCEL_ON_SET 2
#define COUNT_MAX (UINT64_MAX - 1) /* an eventfd's count never exceeds */

/* fstat of either: Linux's anonymous inode, read-write for its owner. */
static int counter_stat(struct file *f, struct kstat *st)
{
	(void)f;
	memset(st, 0, sizeof(*st));
	st->mode = 0600;
	st->nlink = 1;
	st->blksize = PAGE_SIZE;
	return 0;
}

/*
 * Wait until take() finds something (> 0: done, with that result; < 0:
 * an error), or give -EAGAIN for a non-blocking file. A signal ends the
 * wait with -ERESTARTSYS (restarted under SA_RESTART, as Linux's).
 */
static ssize_t wait_for(struct file *f,
			ssize_t (*take)(struct file *f, uint64_t *v),
			uint64_t *v)
{
	for (;;) {
		uint64_t gen = poll_generation();
		ssize_t r = take(f, v);

		if (r)
			return r;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (poll_wait(gen, 0) == -EINTR)
			return -ERESTARTSYS;
	}
}

/* ---- eventfd -------------------------------------------------------------- */

struct eventfd {
	struct spinlock lock;
	uint64_t count; /* lock */
	bool semaphore; /* constant */
};

static ssize_t eventfd_take(struct file *f, uint64_t *v)
{
	struct eventfd *e = f->private;

	spin_lock(&e->lock);
	if (!e->count) {
		spin_unlock(&e->lock);
		return 0;
	}
	*v = e->semaphore ? 1 : e->count;
	e->count -= *v;
	spin_unlock(&e->lock);
	poll_notify(); /* room for writers */
	return 8;
}

/* Add *v if it fits (wait_for's take: v is not written). */
/* cppcheck-suppress constParameter */
static ssize_t eventfd_add(struct file *f, uint64_t *v)
{
	struct eventfd *e = f->private;

	spin_lock(&e->lock);
	if (COUNT_MAX - e->count < *v) {
		spin_unlock(&e->lock);
		return 0;
	}
	e->count += *v;
	spin_unlock(&e->lock);
	poll_notify();
	return 8;
}

static ssize_t eventfd_read(struct file *f, uint64_t ubuf, size_t n,
			    uint64_t *pos)
{
	uint64_t v;
	ssize_t r;

	(void)pos;
	if (n < sizeof(v))
		return -EINVAL;
	r = wait_for(f, eventfd_take, &v);
	if (r > 0 && copy_to_user(ubuf, &v, sizeof(v)))
		return -EFAULT;
	return r;
}

static ssize_t eventfd_write(struct file *f, uint64_t ubuf, size_t n,
			     uint64_t *pos)
{
	uint64_t v;

	(void)pos;
	if (n < sizeof(v))
		return -EINVAL;
	if (copy_from_user(&v, ubuf, sizeof(v)))
		return -EFAULT;
	if (v == UINT64_MAX)
		return -EINVAL;
	return wait_for(f, eventfd_add, &v);
}

static unsigned int eventfd_poll(struct file *f)
{
	struct eventfd *e = f->private;
	uint64_t count = __atomic_load_n(&e->count, __ATOMIC_RELAXED);

	return (count ? POLLIN : 0) | (count < COUNT_MAX ? POLLOUT : 0);
}

static void counter_release(struct file *f)
{
	kfree(f->private);
}

static const struct file_operations eventfd_ops = {
	.release = counter_release,
	.read = eventfd_read,
	.write = eventfd_write,
	.poll = eventfd_poll,
	.stat = counter_stat,
};

/* Put a new file with ops and private (freed on failure) at the lowest
 * free descriptor: the descriptor or a negative errno. */
static long install_new(const struct file_operations *ops, void *private,
			uint64_t flags)
{
	struct file *f;
	int fd;

	if (!private)
		return -ENOMEM;
	f = vfs_file_alloc(ops, private, NULL, O_RDWR | (flags & O_NONBLOCK));
	if (!f) {
		kfree(private);
		return -ENOMEM;
	}
	fd = file_install(f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		vfs_close(f);
	return fd;
}

static long sys_eventfd2(uint64_t initval, uint64_t flags)
{
	struct eventfd *e;

	if (flags & ~(uint64_t)(EFD_SEMAPHORE | O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	e = kzalloc(sizeof(*e));
	if (e) {
		spin_init(&e->lock, "eventfd");
		e->count = (uint32_t)initval; /* an unsigned int, as Linux's */
		e->semaphore = flags & EFD_SEMAPHORE;
	}
	return install_new(&eventfd_ops, e, flags);
}
SYSCALL(eventfd2, sys_eventfd2);

static long sys_eventfd(uint64_t initval)
{
	return sys_eventfd2(initval, 0);
}
SYSCALL(eventfd, sys_eventfd);

/* ---- timerfd -------------------------------------------------------------- */

struct timerfd {
	int clock; /* constant */
	/* timerfd_lock: */
	uint64_t expires;  /* time_ns() deadline; 0: disarmed */
	uint64_t interval; /* ns; 0: one-shot */
	uint64_t ticks;    /* expiries not yet read */
	struct timerfd *armed_next;
};

/* Every timerfd's timer fields and the armed list, soonest first. Taken
 * from the timer interrupt; takes no other lock. */
static struct spinlock timerfd_lock = SPINLOCK_INIT("timerfd");
static struct timerfd *armed;

static void disarm_locked(struct timerfd *t)
{
	struct timerfd **pp = &armed;

	while (*pp && *pp != t)
		pp = &(*pp)->armed_next;
	if (*pp)
		*pp = t->armed_next;
	t->armed_next = NULL;
	t->expires = 0;
}

static void arm_locked(struct timerfd *t, uint64_t at)
{
	struct timerfd **pp = &armed;

	at = at ? at : 1; /* 0 means disarmed */
	while (*pp && (*pp)->expires <= at)
		pp = &(*pp)->armed_next;
	t->expires = at;
	t->armed_next = *pp;
	*pp = t;
}

void timerfd_tick(void)
{
	uint64_t now = time_ns();
	bool fired = false;

	spin_lock(&timerfd_lock);
	while (armed && armed->expires <= now) {
		struct timerfd *t = armed;
		uint64_t missed = 0;

		armed = t->armed_next;
		t->armed_next = NULL;
		if (t->interval) {
			missed = (now - t->expires) / t->interval;
			arm_locked(t, t->expires + (missed + 1) * t->interval);
		} else {
			t->expires = 0;
		}
		t->ticks += missed + 1;
		fired = true;
	}
	spin_unlock(&timerfd_lock);
	if (fired)
		poll_notify();
}

static ssize_t timerfd_take(struct file *f, uint64_t *v)
{
	struct timerfd *t = f->private;

	spin_lock(&timerfd_lock);
	*v = t->ticks;
	t->ticks = 0;
	spin_unlock(&timerfd_lock);
	return *v ? 8 : 0;
}

static ssize_t timerfd_read(struct file *f, uint64_t ubuf, size_t n,
			    uint64_t *pos)
{
	uint64_t v;
	ssize_t r;

	(void)pos;
	if (n < sizeof(v))
		return -EINVAL;
	r = wait_for(f, timerfd_take, &v);
	if (r > 0 && copy_to_user(ubuf, &v, sizeof(v)))
		return -EFAULT;
	return r;
}

static unsigned int timerfd_poll(struct file *f)
{
	struct timerfd *t = f->private;

	return __atomic_load_n(&t->ticks, __ATOMIC_RELAXED) ? POLLIN : 0;
}

static void timerfd_release(struct file *f)
{
	spin_lock(&timerfd_lock);
	disarm_locked(f->private);
	spin_unlock(&timerfd_lock);
	kfree(f->private);
}

static const struct file_operations timerfd_ops = {
	.release = timerfd_release,
	.read = timerfd_read,
	.poll = timerfd_poll,
	.stat = counter_stat,
};

static long sys_timerfd_create(int64_t clk, uint64_t flags)
{
	struct timerfd *t;

	clk = (int)clk;
	if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC &&
	    clk != CLOCK_BOOTTIME)
		return -EINVAL;
	if (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	t = kzalloc(sizeof(*t));
	if (t)
		t->clock = (int)clk;
	return install_new(&timerfd_ops, t, flags);
}
SYSCALL(timerfd_create, sys_timerfd_create);

/* The timerfd at fd, referenced: 0, -EBADF, or -EINVAL for another
 * kind of file. */
static int timerfd_get(int64_t fd, struct file **out)
{
	struct file *f = file_get((int)fd);

	if (!f)
		return -EBADF;
	if (f->fops != &timerfd_ops) {
		vfs_close(f);
		return -EINVAL;
	}
	*out = f;
	return 0;
}

static struct linux_timespec ns_timespec(uint64_t ns)
{
	return (struct linux_timespec){ (int64_t)(ns / NS_PER_SEC),
					(int64_t)(ns % NS_PER_SEC) };
}

static uint64_t timespec_ns(const struct linux_timespec *ts)
{
	if ((uint64_t)ts->sec >= UINT64_MAX / 4 / NS_PER_SEC)
		return UINT64_MAX / 4; /* centuries: as good as never */
	return (uint64_t)ts->sec * NS_PER_SEC + (uint64_t)ts->nsec;
}

/* What is left of t and its interval. Caller holds timerfd_lock. */
static void setting_locked(const struct timerfd *t,
			   struct linux_itimerspec *its)
{
	uint64_t now = time_ns();

	memset(its, 0, sizeof(*its));
	if (t->expires)
		its->value =
			ns_timespec(t->expires > now ? t->expires - now : 1);
	its->interval = ns_timespec(t->interval);
}

static bool itimerspec_ok(const struct linux_itimerspec *its)
{
	return its->value.sec >= 0 && its->value.nsec >= 0 &&
	       its->value.nsec < (int64_t)NS_PER_SEC &&
	       its->interval.sec >= 0 && its->interval.nsec >= 0 &&
	       its->interval.nsec < (int64_t)NS_PER_SEC;
}

static long sys_timerfd_settime(int64_t fd, uint64_t flags, uaddr_t unew,
				uaddr_t uold)
{
	struct linux_itimerspec new, old;
	struct timerfd *t;
	struct file *f;
	uint64_t value, now;
	int err;

	if (copy_from_user(&new, unew, sizeof(new)))
		return -EFAULT;
	if (!itimerspec_ok(&new) ||
	    (flags & ~(uint64_t)(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)))
		return -EINVAL;
	err = timerfd_get(fd, &f);
	if (err)
		return err;
	t = f->private;
	value = timespec_ns(&new.value);
	spin_lock(&timerfd_lock);
	setting_locked(t, &old);
	disarm_locked(t);
	t->ticks = 0;
	t->interval = value ? timespec_ns(&new.interval) : 0;
	now = time_ns();
	if (value && (flags & TFD_TIMER_ABSTIME)) {
		/* The wall clock moves with the monotonic one (nothing sets
		 * it while a timer waits), so a time of day converts. */
		uint64_t offset = t->clock == CLOCK_REALTIME
					  ? time_realtime_ns() - now
					  : 0;

		arm_locked(t, value > offset ? value - offset : now);
	} else if (value) {
		arm_locked(t, now + value);
	}
	spin_unlock(&timerfd_lock);
	vfs_close(f);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}
SYSCALL(timerfd_settime, sys_timerfd_settime);

static long sys_timerfd_gettime(int64_t fd, uaddr_t ucur)
{
	struct linux_itimerspec cur;
	struct file *f;
	int err = timerfd_get(fd, &f);

	if (err)
		return err;
	spin_lock(&timerfd_lock);
	setting_locked(f->private, &cur);
	spin_unlock(&timerfd_lock);
	vfs_close(f);
	return copy_to_user(ucur, &cur, sizeof(cur));
}
SYSCALL(timerfd_gettime, sys_timerfd_gettime);
