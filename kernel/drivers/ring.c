/*
 * The ring device: /dev/ring0 .. ring3 (character major RING_MAJOR,
 * minors 0-3), each its own byte FIFO in kernel memory, the worked
 * example of docs/drivers.md. It behaves like a pipe that lives on after
 * its processes:
 *
 *   read    takes the oldest bytes, up to what was asked; on an empty
 *           ring sleeps until a write (or -EAGAIN with O_NONBLOCK), or
 *           returns 0, the end of file, if no open file may write it
 *   write   stores all its bytes, sleeping for room as often as needed;
 *           up to the capacity they go in at once, never mixed with
 *           another writer's; longer writes go in pieces as room
 *           appears, and other writers' bytes may come between pieces.
 *           No reader is needed: the bytes wait in the ring.
 *   poll    readable with bytes stored, writable with room, POLLHUP when
 *           no open file may write it (each as the file's open mode
 *           allows, as a FIFO's)
 *   ioctl   RING_GET_STATS, RING_RESET, RING_SET_CAPACITY
 *           (include/kestrel/ring.h)
 *
 * A sleeping read or write returns -ERESTARTSYS for a signal (EINTR, or
 * a restart under SA_RESTART); one that moved bytes returns their count.
 *
 * Locking (one lock per ring, ring->lock, a spinlock): see struct ring in
 * ring.h. Copies to and from user memory happen outside the lock, under
 * a claim of the read or the write side; everyone who waits (for bytes,
 * for room, for a side to be free, for no claims at all) sleeps on the
 * ring's one wait queue, and every change wakes it and poll_notify()s.
 * The rings are never freed, so a file is never left pointing at freed
 * memory whatever closes when.
 *
 * Pipes (kernel/fs/pipe.c) use the same claim protocol in code of their
 * own, on purpose: this file is the driver lab's, which students write
 * (docs/drivers.md), so nothing outside the lab may depend on it; and a
 * ring's capacity changes at run time (RING_SET_CAPACITY), so it keeps a
 * head index and a count where a pipe's fixed size lets two free-running
 * counters do.
 */
#include "drivers/ring.h"
#include "fs/chardev.h"
#include "fs/poll.h"
#include "mm/mm.h"
#include "proc/signal.h"
#include "syscall.h"

#define RING_NAME_MAX 8 /* "ring3" and its NUL */

static struct ring rings[RING_DEVICES];
static struct chardev ring_devs[RING_DEVICES];
static char ring_names[RING_DEVICES][RING_NAME_MAX];

int ring_setup(struct ring *r, size_t capacity)
{
	r->buf = kmalloc(capacity);
	if (!r->buf)
		return -ENOMEM;
	spin_init(&r->lock, "ring");
	r->wait = (struct waitqueue)WAITQUEUE_INIT;
	r->capacity = capacity;
	return 0;
}

/* Something changed: wake every sleeper, and pollers. Caller holds
 * r->lock. */
static void ring_changed(struct ring *r)
{
	assert(spin_held(&r->lock));
	wake_up(&r->wait);
	poll_notify();
}

/* Fill *st: the counts, and the state now. Caller holds r->lock. */
static void ring_snapshot(struct ring *r, struct ring_stats *st)
{
	assert(spin_held(&r->lock));
	*st = r->stats;
	st->capacity = r->capacity;
	st->stored = r->used;
	st->readers = r->readers;
	st->writers = r->writers;
}

/* ---- the two sides: claim, copy, finish ------------------------------- */

/* LAB driver: begin */
ssize_t ring_claim_read(struct ring *r, size_t n, bool nonblock, size_t *at)
{
	ssize_t got;

	spin_lock(&r->lock);
	for (;;) {
		if (!r->reading && r->used > 0) {
			r->reading = true;
			*at = r->head;
			got = (ssize_t)MIN(n, r->used);
			break;
		}
		/* Empty with no writer is the end, unless another reader
		 * is copying (its copy may fail and leave the bytes). */
		if (!r->reading && r->writers == 0) {
			got = 0;
			break;
		}
		if (nonblock) {
			got = -EAGAIN;
			break;
		}
		if (signal_pending()) {
			got = -ERESTARTSYS;
			break;
		}
		sleep_on(&r->wait, &r->lock);
	}
	spin_unlock(&r->lock);
	return got;
}

void ring_finish_read(struct ring *r, size_t done)
{
	spin_lock(&r->lock);
	if (!r->reading)
		panic("ring_finish_read: the read side is not claimed");
	r->reading = false;
	r->head = (r->head + done) % r->capacity;
	r->used -= done;
	if (done) {
		r->stats.bytes_read += done;
		r->stats.reads++;
	}
	ring_changed(r);
	spin_unlock(&r->lock);
}

ssize_t ring_claim_write(struct ring *r, size_t n, bool nonblock, size_t *at)
{
	bool waited = false;
	ssize_t got;

	spin_lock(&r->lock);
	for (;;) {
		size_t room = r->capacity - r->used;
		size_t need = n <= r->capacity ? n : 1;

		if (!r->writing && room >= need) {
			r->writing = true;
			*at = (r->head + r->used) % r->capacity;
			got = (ssize_t)MIN(n, room);
			break;
		}
		if (nonblock) {
			r->stats.write_refusals++;
			got = -EAGAIN;
			break;
		}
		if (signal_pending()) {
			got = -ERESTARTSYS;
			break;
		}
		if (!waited)
			r->stats.write_waits++;
		waited = true;
		sleep_on(&r->wait, &r->lock);
	}
	spin_unlock(&r->lock);
	return got;
}

void ring_finish_write(struct ring *r, size_t done, bool first)
{
	spin_lock(&r->lock);
	if (!r->writing)
		panic("ring_finish_write: the write side is not claimed");
	r->writing = false;
	r->used += done;
	r->stats.bytes_written += done;
	if (done && first)
		r->stats.writes++;
	r->stats.high_water = MAX(r->stats.high_water, r->used);
	ring_changed(r);
	spin_unlock(&r->lock);
}

/* Copy n bytes from ring index at to user memory, in at most two pieces
 * (the ring wraps): 0 or -EFAULT. The caller has claimed the read side. */
static int copy_out(struct ring *r, size_t at, uaddr_t ubuf, size_t n)
{
	size_t first = MIN(n, r->capacity - at);

	if (copy_to_user(ubuf, r->buf + at, first))
		return -EFAULT;
	return copy_to_user(ubuf + first, r->buf, n - first);
}

/* The other way; the caller has claimed the write side. */
static int copy_in(struct ring *r, size_t at, uaddr_t ubuf, size_t n)
{
	size_t first = MIN(n, r->capacity - at);

	if (copy_from_user(r->buf + at, ubuf, first))
		return -EFAULT;
	return copy_from_user(r->buf, ubuf + first, n - first);
}
#if 0 /* LAB driver: stub */
/* The buffer logic: ring.h says what each of these does, and
 * docs/labs/driver.md how to go about it. Until they work, every read
 * and write fails with ENOSYS. */
ssize_t ring_claim_read(struct ring *r, size_t n, bool nonblock, size_t *at)
{
	(void)r, (void)n, (void)nonblock, (void)at;
	return -ENOSYS;
}

void ring_finish_read(struct ring *r, size_t done)
{
	(void)r, (void)done;
}

ssize_t ring_claim_write(struct ring *r, size_t n, bool nonblock, size_t *at)
{
	(void)r, (void)n, (void)nonblock, (void)at;
	return -ENOSYS;
}

void ring_finish_write(struct ring *r, size_t done, bool first)
{
	(void)r, (void)done, (void)first;
}

#endif /* LAB driver: end */

/* ---- file operations ------------------------------------------------- */

static int ring_open(struct inode *inode, struct file *f)
{
	struct ring *r = f->private;
	int mode = f->flags & O_ACCMODE;

	spin_lock(&r->lock);
	if (mode != O_WRONLY)
		r->readers++;
	if (mode != O_RDONLY)
		r->writers++;
	ring_changed(r);
	spin_unlock(&r->lock);
	return 0;
}

/* The last writer leaving wakes sleeping readers to see the end of
 * file; sleepers on other files of the ring are unaffected. */
static void ring_release(struct file *f)
{
	struct ring *r = f->private;
	int mode = f->flags & O_ACCMODE;

	spin_lock(&r->lock);
	if (mode != O_WRONLY)
		r->readers--;
	if (mode != O_RDONLY)
		r->writers--;
	ring_changed(r);
	spin_unlock(&r->lock);
}

/* LAB driver: begin */
static ssize_t ring_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *pos)
{
	struct ring *r = f->private;
	size_t at;
	ssize_t got;
	int err;

	if (n == 0)
		return 0;
	got = ring_claim_read(r, n, f->flags & O_NONBLOCK, &at);
	if (got <= 0)
		return got;
	err = copy_out(r, at, ubuf, (size_t)got);
	ring_finish_read(r, err ? 0 : (size_t)got);
	return err ? err : got;
}

/* Write all n bytes, a claim at a time (one, unless n is above the
 * capacity); stop early only for an error, and then report the bytes
 * stored if there are any. */
static ssize_t ring_write(struct file *f, uint64_t ubuf, size_t n,
			  uint64_t *pos)
{
	struct ring *r = f->private;
	size_t done = 0;
	ssize_t err = 0;

	while (done < n) {
		size_t at;
		ssize_t got = ring_claim_write(r, n - done,
					       f->flags & O_NONBLOCK, &at);

		if (got < 0) {
			err = got;
			break;
		}
		err = copy_in(r, at, ubuf + done, (size_t)got);
		ring_finish_write(r, err ? 0 : (size_t)got, done == 0);
		if (err)
			break;
		done += (size_t)got;
	}
	return done ? (ssize_t)done : err;
}

/* As a FIFO's on Linux: a file answers only for what its open mode
 * allows it to do. */
static unsigned int ring_poll(struct file *f)
{
	struct ring *r = f->private;
	int mode = f->flags & O_ACCMODE;
	unsigned int mask = 0;

	spin_lock(&r->lock);
	if (mode != O_WRONLY && r->used > 0)
		mask |= POLLIN | POLLRDNORM;
	if (mode != O_WRONLY && r->writers == 0)
		mask |= POLLHUP;
	if (mode != O_RDONLY && r->used < r->capacity)
		mask |= POLLOUT | POLLWRNORM;
	spin_unlock(&r->lock);
	return mask;
}
#if 0 /* LAB driver: stub */
/* read, write and poll on a ring's file, built on the claims above. */
static ssize_t ring_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *pos)
{
	(void)f, (void)ubuf, (void)n, (void)pos;
	return -ENOSYS;
}

static ssize_t ring_write(struct file *f, uint64_t ubuf, size_t n,
			  uint64_t *pos)
{
	(void)f, (void)ubuf, (void)n, (void)pos;
	return -ENOSYS;
}

static unsigned int ring_poll(struct file *f)
{
	(void)f;
	return 0;
}

#endif /* LAB driver: end */

/* Sleep until neither side is claimed: 0, or -ERESTARTSYS. Caller holds
 * r->lock, and still holds it on return. */
static int wait_unclaimed(struct ring *r)
{
	assert(spin_held(&r->lock));
	while (r->reading || r->writing) {
		if (signal_pending())
			return -ERESTARTSYS;
		sleep_on(&r->wait, &r->lock);
	}
	return 0;
}

int ring_reset(struct ring *r)
{
	int err;

	spin_lock(&r->lock);
	err = wait_unclaimed(r);
	if (!err) {
		r->head = 0;
		r->used = 0;
		memset(&r->stats, 0, sizeof(r->stats));
		ring_changed(r);
	}
	spin_unlock(&r->lock);
	return err;
}

/* A new buffer of the new size, with the stored bytes moved to its start
 * in order; the old one is freed. */
int ring_set_capacity(struct ring *r, size_t capacity)
{
	uint8_t *buf, *old;
	size_t first;
	int err;

	if (capacity == 0 || capacity > RING_MAX_CAPACITY)
		return -EINVAL;
	buf = kmalloc(capacity);
	if (!buf)
		return -ENOMEM;
	spin_lock(&r->lock);
	err = wait_unclaimed(r);
	if (!err && r->used > capacity)
		err = -EBUSY;
	if (err) {
		spin_unlock(&r->lock);
		kfree(buf);
		return err;
	}
	first = MIN(r->used, r->capacity - r->head);
	memcpy(buf, r->buf + r->head, first);
	memcpy(buf + first, r->buf, r->used - first);
	old = r->buf;
	r->buf = buf;
	r->capacity = capacity;
	r->head = 0;
	ring_changed(r);
	spin_unlock(&r->lock);
	kfree(old);
	return 0;
}

static long ring_ioctl(struct file *f, unsigned int cmd, uint64_t arg)
{
	struct ring *r = f->private;
	struct ring_stats st;
	uint32_t capacity;

	switch (cmd) {
	case RING_GET_STATS:
		spin_lock(&r->lock);
		ring_snapshot(r, &st);
		spin_unlock(&r->lock);
		return copy_to_user(arg, &st, sizeof(st));
	case RING_RESET:
		return ring_reset(r);
	case RING_SET_CAPACITY:
		if (get_user(capacity, arg))
			return -EFAULT;
		return ring_set_capacity(r, capacity);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations ring_fops = {
	.open = ring_open,
	.release = ring_release,
	.read = ring_read,
	.write = ring_write,
	.poll = ring_poll,
	.ioctl = ring_ioctl,
};

int ring_get_stats(unsigned int minor, struct ring_stats *st)
{
	struct ring *r;

	if (minor >= RING_DEVICES)
		return -ENODEV;
	r = &rings[minor];
	spin_lock(&r->lock);
	ring_snapshot(r, st);
	spin_unlock(&r->lock);
	return 0;
}

void ring_init(void)
{
	for (unsigned int i = 0; i < RING_DEVICES; i++) {
		if (ring_setup(&rings[i], RING_DEFAULT_CAPACITY))
			panic("ring_init: no memory for ring%u", i);
		ksnprintf(ring_names[i], RING_NAME_MAX, "ring%u", i);
		ring_devs[i] = (struct chardev){
			.name = ring_names[i],
			.major = RING_MAJOR,
			.minor = i,
			.mode = 0666,
			.fops = &ring_fops,
			.private = &rings[i],
		};
		if (chardev_register(&ring_devs[i]))
			panic("ring_init: (%u,%u) is taken", RING_MAJOR, i);
	}
	kprintf("ring: /dev/ring0-%u, %u bytes each (at most %u)\n",
		RING_DEVICES - 1, RING_DEFAULT_CAPACITY, RING_MAX_CAPACITY);
}
