/*
 * Pipes: pipe(2), pipe2(2) and FIFOs (named pipes, at the end of the
 * file). A pipe is a ring of PIPE_SIZE bytes with
 * two open files, a read end and a write end, each a struct file whose
 * operations are below. Two counters that only grow say where the data
 * is: bytes [nread, nwrite) are in the ring, at index counter % PIPE_SIZE
 * (as in xv6), so the pipe is empty when they are equal and full when
 * they are PIPE_SIZE apart.
 *
 * Copying to and from user memory may fault pages in and sleep, so it
 * cannot happen under the pipe's spinlock. A reader therefore claims the
 * read side (the reading flag), drops the lock, copies the bytes it saw,
 * and takes the lock again to move nread; writers do the same with
 * writing and nwrite. The two sides touch disjoint parts of the ring, and
 * the flags keep two readers (or two writers) from copying at once, which
 * is also what makes a write of up to PIPE_BUF bytes atomic: it waits for
 * room for all of it, then copies it in one go. Everyone who waits, for
 * data, for room or for a side to be free, sleeps on the one wait queue
 * and is woken by every change. docs/files.md has the picture.
 *
 * The ring device (kernel/drivers/ring.c) keeps the same claim protocol
 * with its own copy of the code, on purpose: it is the driver lab's file,
 * which students write themselves, so the pipe cannot depend on it, and
 * its ring is indexed differently (head and used, since its capacity can
 * change at run time) where the pipe's fixed power-of-two size lets two
 * free-running counters say everything.
 */
#include "fs/fs_syscalls.h"
#include "mm/mm.h"

#define PIPE_SIZE 65536 /* Linux's default capacity */
#define PIPE_BUF 4096   /* writes up to this size are atomic (POSIX) */
#define PIPEFS_MAGIC 0x50495045

struct pipe {
	struct spinlock lock; /* protects everything below but buf's bytes */
	uint64_t nread;       /* bytes read since creation */
	uint64_t nwrite;      /* bytes written since creation */
	unsigned int readers; /* open read ends */
	unsigned int writers; /* open write ends */
	/* Opens of each side so far: a FIFO's open that waits for the other
	 * side sees it came, even if it has closed again. */
	unsigned int read_opens, write_opens;
	bool reading;          /* a reader is copying out of the ring */
	bool writing;          /* a writer is copying into the ring */
	struct waitqueue wait; /* readers and writers waiting for a change */
	/* Set at creation: for fstat. */
	uint64_t ino;
	struct timespec64 created;
	/* A FIFO's inode, whose fifo field points here (NULL for pipe(2)). */
	struct inode *fifo_inode;
	/* The ring: [nread, nwrite) belongs to the reader that claimed
	 * reading, the rest to the writer that claimed writing. */
	uint8_t *buf;
};

static const struct file_operations pipe_read_ops, pipe_write_ops,
	pipe_rdwr_ops;
/* Protects every FIFO inode's fifo field, and so which pipe a FIFO's
 * next open joins; taken before a pipe's lock. */
static struct spinlock fifo_lock = SPINLOCK_INIT("fifo");
static uint64_t next_pipe_ino = 1; /* atomic */

static uint64_t pipe_used(const struct pipe *p)
{
	return p->nwrite - p->nread;
}

/* Wake everyone waiting on p: sleepers in read or write, and pollers.
 * Caller holds p->lock. */
static void pipe_changed(struct pipe *p)
{
	wake_up(&p->wait);
	poll_notify();
}

/* Copy n bytes of the ring from counter position at to user memory, in
 * at most two pieces (the ring wraps): 0 or -EFAULT. */
static int pipe_copy_out(struct pipe *p, uint64_t at, uaddr_t ubuf, size_t n)
{
	size_t idx = at % PIPE_SIZE, first = MIN(n, PIPE_SIZE - idx);

	if (copy_to_user(ubuf, p->buf + idx, first))
		return -EFAULT;
	return copy_to_user(ubuf + first, p->buf, n - first);
}

static int pipe_copy_in(struct pipe *p, uint64_t at, uaddr_t ubuf, size_t n)
{
	size_t idx = at % PIPE_SIZE, first = MIN(n, PIPE_SIZE - idx);

	if (copy_from_user(p->buf + idx, ubuf, first))
		return -EFAULT;
	return copy_from_user(p->buf, ubuf + first, n - first);
}

/* Wait until there is data to read (1), no writer is left and the pipe is
 * empty (0, the end of file), or an error. On 1 the caller owns the read
 * side. Caller holds p->lock. */
static int wait_for_data(struct pipe *p, struct file *f)
{
	for (;;) {
		if (!p->reading && pipe_used(p) > 0) {
			p->reading = true;
			return 1;
		}
		if (!p->reading && p->writers == 0)
			return 0;
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (signal_pending())
			return -ERESTARTSYS;
		sleep_on(&p->wait, &p->lock);
	}
}

/* Read what is there, up to n bytes; sleep only while there is nothing. */
static ssize_t pipe_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *pos)
{
	struct pipe *p = f->private;
	uint64_t at;
	ssize_t r;
	int err;

	(void)pos;
	if (n == 0)
		return 0;
	spin_lock(&p->lock);
	r = wait_for_data(p, f);
	if (r <= 0) {
		spin_unlock(&p->lock);
		return r;
	}
	at = p->nread;
	n = MIN(n, pipe_used(p));
	spin_unlock(&p->lock);

	err = pipe_copy_out(p, at, ubuf, n);

	spin_lock(&p->lock);
	p->reading = false;
	if (!err)
		p->nread += n;
	pipe_changed(p);
	spin_unlock(&p->lock);
	return err ? err : (ssize_t)n;
}

/* Copy n bytes of the gathered buffers, from byte skip of them on, into
 * the ring at counter position at: 0 or -EFAULT. */
static int pipe_copy_in_iov(struct pipe *p, uint64_t at,
			    const struct iovec *iov, int count, size_t skip,
			    size_t n)
{
	for (int i = 0; i < count && n > 0; i++) {
		size_t k;

		if (skip >= iov[i].len) {
			skip -= iov[i].len;
			continue;
		}
		k = MIN(iov[i].len - skip, n);
		if (pipe_copy_in(p, at, iov[i].base + skip, k))
			return -EFAULT;
		at += k;
		n -= k;
		skip = 0;
	}
	return 0;
}

/* Wait until the write side is free with at least need bytes of room:
 * 1 (the caller now owns the write side), 0 when no reader is left, or
 * an error. Caller holds p->lock. */
static int wait_for_room(struct pipe *p, struct file *f, size_t need)
{
	for (;;) {
		if (p->readers == 0)
			return 0;
		if (!p->writing && PIPE_SIZE - pipe_used(p) >= need) {
			p->writing = true;
			return 1;
		}
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		if (signal_pending())
			return -ERESTARTSYS;
		sleep_on(&p->wait, &p->lock);
	}
}

/*
 * Write all n bytes of the buffers, sleeping for room as often as needed.
 * Up to PIPE_BUF bytes go in at once or not at all; more may be split,
 * with other writers' bytes between the pieces. With no reader: SIGPIPE
 * and -EPIPE. Interrupted or non-blocking, a write that moved some bytes
 * returns their count.
 */
static ssize_t pipe_writev(struct file *f, const struct iovec *iov, int count,
			   size_t n)
{
	struct pipe *p = f->private;
	size_t done = 0;
	int r = 1;

	spin_lock(&p->lock);
	while (done < n) {
		uint64_t at;
		size_t chunk;

		r = wait_for_room(p, f, n <= PIPE_BUF ? n : 1);
		if (r <= 0)
			break;
		at = p->nwrite;
		chunk = MIN(n - done, PIPE_SIZE - pipe_used(p));
		spin_unlock(&p->lock);

		r = pipe_copy_in_iov(p, at, iov, count, done, chunk);

		spin_lock(&p->lock);
		p->writing = false;
		if (!r) {
			p->nwrite += chunk;
			done += chunk;
		}
		pipe_changed(p);
		if (r)
			break;
		r = 1;
	}
	spin_unlock(&p->lock);
	if (r == 0) {
		signal_send(proc_current(), SIGPIPE, NULL);
		r = -EPIPE;
	}
	return done ? (ssize_t)done : r < 0 ? r : 0;
}

static ssize_t pipe_write(struct file *f, uint64_t ubuf, size_t n,
			  uint64_t *pos)
{
	struct iovec one = { ubuf, n };

	(void)pos;
	return pipe_writev(f, &one, 1, n);
}

static unsigned int pipe_read_poll(struct file *f)
{
	struct pipe *p = f->private;
	unsigned int mask = 0;

	spin_lock(&p->lock);
	if (pipe_used(p) > 0)
		mask |= POLLIN | POLLRDNORM;
	if (p->writers == 0)
		mask |= POLLHUP;
	spin_unlock(&p->lock);
	return mask;
}

/* Writable while a page's worth fits, as Linux's page-sized slots say. */
static unsigned int pipe_write_poll(struct file *f)
{
	struct pipe *p = f->private;
	unsigned int mask = 0;

	spin_lock(&p->lock);
	if (PIPE_SIZE - pipe_used(p) >= PIPE_BUF)
		mask |= POLLOUT | POLLWRNORM;
	if (p->readers == 0)
		mask |= POLLERR;
	spin_unlock(&p->lock);
	return mask;
}

/* FIONREAD: the bytes waiting to be read, as an int. */
static long pipe_ioctl(struct file *f, unsigned int cmd, uint64_t arg)
{
	struct pipe *p = f->private;
	int n;

	if (cmd != FIONREAD)
		return -ENOTTY;
	spin_lock(&p->lock);
	n = (int)pipe_used(p);
	spin_unlock(&p->lock);
	return put_user(n, arg);
}

/* One end closed (a FIFO opened O_RDWR is both); the last end frees the
 * pipe, and a FIFO's inode forgets it under fifo_lock, so that no open
 * can join a pipe being freed. */
static void pipe_release(struct file *f)
{
	struct pipe *p = f->private;
	struct inode *fifo;
	bool last;

	if (!p)
		return; /* a FIFO's open that failed before it joined */
	/* Read once: once p->lock is dropped, the other end's close may
	 * free p. */
	fifo = p->fifo_inode;
	if (fifo)
		spin_lock(&fifo_lock);
	spin_lock(&p->lock);
	if (f->fops->read)
		p->readers--;
	if (f->fops->write)
		p->writers--;
	last = p->readers == 0 && p->writers == 0;
	if (last && fifo)
		fifo->fifo = NULL;
	pipe_changed(p);
	spin_unlock(&p->lock);
	if (fifo)
		spin_unlock(&fifo_lock);
	if (last) {
		kfree(p->buf);
		kfree(p);
	}
}

static const struct file_operations pipe_read_ops = {
	.release = pipe_release,
	.read = pipe_read,
	.poll = pipe_read_poll,
	.ioctl = pipe_ioctl,
};

static const struct file_operations pipe_write_ops = {
	.release = pipe_release,
	.write = pipe_write,
	.writev = pipe_writev,
	.poll = pipe_write_poll,
	.ioctl = pipe_ioctl,
};

/* Both sides at once: only a FIFO opened O_RDWR, which never waits. */
static unsigned int pipe_rdwr_poll(struct file *f)
{
	return pipe_read_poll(f) | pipe_write_poll(f);
}

static const struct file_operations pipe_rdwr_ops = {
	.release = pipe_release,
	.read = pipe_read,
	.write = pipe_write,
	.writev = pipe_writev,
	.poll = pipe_rdwr_poll,
	.ioctl = pipe_ioctl,
};

bool pipe_stat(struct file *f, struct kstat *st)
{
	struct pipe *p = f->private;

	if (f->fops != &pipe_read_ops && f->fops != &pipe_write_ops &&
	    f->fops != &pipe_rdwr_ops)
		return false;
	memset(st, 0, sizeof(*st));
	st->dev = PIPEFS_MAGIC; /* a device number no mount uses */
	st->ino = p->ino;
	st->mode = S_IFIFO | 0600;
	st->nlink = 1;
	st->blksize = PAGE_SIZE;
	st->atime = st->mtime = st->ctime = p->created;
	return true;
}

/* A new empty pipe with no ends open, or NULL. */
static struct pipe *pipe_alloc(void)
{
	struct pipe *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	p->buf = kmalloc(PIPE_SIZE);
	if (!p->buf) {
		kfree(p);
		return NULL;
	}
	p->lock = (struct spinlock)SPINLOCK_INIT("pipe");
	p->wait = (struct waitqueue)WAITQUEUE_INIT;
	p->ino = __atomic_fetch_add(&next_pipe_ino, 1, __ATOMIC_RELAXED);
	p->created = vfs_now();
	return p;
}

static void pipe_free(struct pipe *p)
{
	kfree(p->buf);
	kfree(p);
}

/* A new pipe and its two open files (each holding one count). */
int pipe_create(int flags, struct file **rf, struct file **wf)
{
	struct pipe *p = pipe_alloc();

	if (!p)
		return -ENOMEM;
	*rf = vfs_file_alloc(&pipe_read_ops, p, NULL, O_RDONLY | flags);
	*wf = vfs_file_alloc(&pipe_write_ops, p, NULL, O_WRONLY | flags);
	p->readers = *rf != NULL;
	p->writers = *wf != NULL;
	if (*rf && *wf)
		return 0;
	/* Out of memory: closing the end that was made frees the pipe. */
	if (*rf)
		vfs_close(*rf);
	else if (*wf)
		vfs_close(*wf);
	else
		pipe_free(p);
	return -ENOMEM;
}

/* ---- FIFOs (named pipes) -------------------------------------------------
 *
 * A FIFO is an inode of type S_IFIFO in a file system (mkfifo, mknod);
 * its bytes never reach the disk. Every open of it joins one pipe, kept
 * in the inode's fifo field from the first open to the last close, with
 * Linux's rules for the open:
 *
 *   O_RDONLY            waits for a writer; with O_NONBLOCK it does not
 *   O_WRONLY            waits for a reader; with O_NONBLOCK and no reader
 *                       it fails with ENXIO
 *   O_RDWR              both sides at once, never waits
 *
 * A waiting open ends when the other side opens, even if that side has
 * closed again by the time the sleeper runs (the read_opens and
 * write_opens counts), and a signal interrupts it (ERESTARTSYS).
 */

/* The operations of a FIFO opened with flags: one side, or both. */
static const struct file_operations *fifo_ops(int flags)
{
	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		return &pipe_read_ops;
	case O_WRONLY:
		return &pipe_write_ops;
	default:
		return &pipe_rdwr_ops;
	}
}

/* Make the new file f join the pipe of its FIFO inode, holding one count
 * on each side it has, and wake an open waiting for these sides. Caller
 * holds fifo_lock; *spare is a new pipe to use if the FIFO has none open
 * (then taken: set to NULL). */
static void fifo_join(struct file *f, struct pipe **spare)
{
	struct pipe *p = f->inode->fifo;

	if (!p) {
		p = *spare;
		*spare = NULL;
		p->fifo_inode = f->inode;
		f->inode->fifo = p;
	}
	f->private = p;
	spin_lock(&p->lock);
	if (f->fops->read) {
		p->readers++;
		p->read_opens++;
	}
	if (f->fops->write) {
		p->writers++;
		p->write_opens++;
	}
	pipe_changed(p);
	spin_unlock(&p->lock);
}

/* Sleep until the side f lacks has been opened: 0, or -ERESTARTSYS. */
static int fifo_wait_other_side(struct file *f)
{
	struct pipe *p = f->private;
	bool reader = f->fops == &pipe_read_ops;
	unsigned int seen;
	int err = 0;

	spin_lock(&p->lock);
	seen = reader ? p->write_opens : p->read_opens;
	while ((reader ? p->writers : p->readers) == 0 &&
	       (reader ? p->write_opens : p->read_opens) == seen) {
		if (signal_pending()) {
			err = -ERESTARTSYS;
			break;
		}
		sleep_on(&p->wait, &p->lock);
	}
	spin_unlock(&p->lock);
	return err;
}

int fifo_open(struct inode *inode, int flags, struct file **out)
{
	struct pipe *spare = pipe_alloc();
	struct file *f = vfs_file_alloc(fifo_ops(flags), NULL, inode, flags);
	int err = 0;

	if (!f) {
		if (spare)
			pipe_free(spare);
		vfs_iput(inode);
		return -ENOMEM;
	}
	/* From here on the file holds the inode: vfs_close(f) puts it. */
	if (!spare) {
		vfs_close(f);
		return -ENOMEM;
	}
	spin_lock(&fifo_lock);
	if (f->fops == &pipe_write_ops && (flags & O_NONBLOCK) &&
	    (!inode->fifo || inode->fifo->readers == 0))
		err = -ENXIO;
	else
		fifo_join(f, &spare);
	spin_unlock(&fifo_lock);
	if (spare)
		pipe_free(spare);
	if (!err && f->fops != &pipe_rdwr_ops && !(flags & O_NONBLOCK))
		err = fifo_wait_other_side(f);
	if (err) {
		vfs_close(f); /* leaves the pipe if it joined */
		return err;
	}
	*out = f;
	return 0;
}

static long sys_pipe2(uaddr_t ufds, uint64_t flags)
{
	struct fdtable *t = proc_current()->files;
	struct file *rf, *wf;
	int fds[2], err;

	if (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	err = pipe_create((int)flags & O_NONBLOCK, &rf, &wf);
	if (err)
		return err;
	fds[0] = file_install(rf, 0, flags & O_CLOEXEC);
	if (fds[0] < 0) {
		vfs_close(rf);
		vfs_close(wf);
		return fds[0];
	}
	fds[1] = file_install(wf, 0, flags & O_CLOEXEC);
	if (fds[1] < 0) {
		vfs_close(fd_remove(t, fds[0]));
		vfs_close(wf);
		return fds[1];
	}
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		vfs_close(fd_remove(t, fds[0]));
		vfs_close(fd_remove(t, fds[1]));
		return -EFAULT;
	}
	return 0;
}
SYSCALL(pipe2, sys_pipe2);

static long sys_pipe(uaddr_t ufds)
{
	return sys_pipe2(ufds, 0);
}
SYSCALL(pipe, sys_pipe);
