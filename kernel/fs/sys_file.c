/*
 * The system calls on file descriptors: read and write in their forms,
 * lseek, close, the dup family, fcntl, ioctl, fstat, getdents64, fsync,
 * ftruncate. They find the open file through the running process's
 * descriptor table (fdtable.h) and hand it to one of two layers:
 *
 *   - a file with operations (a pipe, a device: f->fops) gets the user's
 *     buffer address as it is, and copies by itself;
 *   - a plain file of a file system goes through the VFS, which works on
 *     kernel memory, so the data passes through a kernel buffer of at
 *     most IO_CHUNK bytes at a time.
 *
 * docs/files.md has the picture.
 */
#include "fs/fs_syscalls.h"
#include "fs/lock.h"
#include "mm/mm.h"

#define IO_CHUNK (64 * 1024)
/* The most one read or write moves (Linux's MAX_RW_COUNT). */
#define RW_MAX ((size_t)INT32_MAX & ~(size_t)(PAGE_SIZE - 1))
#define IOV_MAX 1024 /* Linux's UIO_MAXIOV */

/* The generic ioctls sys_ioctl answers alike for every file
 * (asm-generic/ioctls.h); FIONREAD, which each kind of file answers, is
 * in vfs.h. */
#define FIONBIO 0x5421
#define FIONCLEX 0x5450
#define FIOCLEX 0x5451

/* ---- descriptors ----------------------------------------------------------- */

int fd_limit(void)
{
	uint64_t cur = proc_current()->rlim[RLIMIT_NOFILE].cur;

	return cur > FD_MAX ? FD_MAX : (int)cur;
}

struct file *file_get(int fd)
{
	return fd_get(proc_current()->files, fd);
}

int file_install(struct file *f, int min, bool cloexec)
{
	return fd_install(proc_current()->files, f, min, fd_limit(), cloexec);
}

/* ---- read and write -------------------------------------------------------- */

static bool can_read(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool can_write(const struct file *f)
{
	return (f->flags & O_ACCMODE) != O_RDONLY;
}

/*
 * Read a plain file at *pos into user memory, a kernel buffer's worth at
 * a time; *pos moves by what reached the user. A fault after some bytes
 * ends the read short; before any, it is -EFAULT.
 */
static ssize_t plain_read(struct file *f, uaddr_t ubuf, size_t n, uint64_t *pos)
{
	size_t done = 0, want;
	ssize_t r;
	char *kbuf = kmalloc(MAX(MIN(n, IO_CHUNK), 1));

	if (!kbuf)
		return -ENOMEM;
	do {
		want = MIN(n - done, IO_CHUNK);
		r = vfs_pread(f, kbuf, want, *pos);
		if (r <= 0)
			break;
		if (copy_to_user(ubuf + done, kbuf, (size_t)r)) {
			r = -EFAULT;
			break;
		}
		done += (size_t)r;
		*pos += (uint64_t)r;
	} while (done < n && (size_t)r == want);
	kfree(kbuf);
	return done ? (ssize_t)done : r;
}

/*
 * RLIMIT_FSIZE: a write to a regular file may not go past the limit.
 * One that starts at or past it raises SIGXFSZ and fails with -EFBIG;
 * one that would cross it is cut short there (Linux's
 * generic_write_check_limits). The position is read without the file's
 * lock: a racing write through the same file can move it, as on Linux
 * without O_APPEND.
 */
static int fsize_limit(struct file *f, const uint64_t *pos, size_t *n)
{
	uint64_t limit = proc_current()->rlim[RLIMIT_FSIZE].cur, at;

	if (limit == RLIM_INFINITY || !S_ISREG(f->inode->mode) || *n == 0)
		return 0;
	if (f->flags & O_APPEND) {
		sleep_lock(&f->inode->lock);
		at = f->inode->size;
		sleep_unlock(&f->inode->lock);
	} else {
		at = pos ? *pos : f->pos;
	}
	if (at >= limit) {
		signal_send(proc_current(), SIGXFSZ, NULL);
		return -EFBIG;
	}
	*n = MIN(*n, limit - at);
	return 0;
}

/* Write user memory to a plain file: at *pos, or (pos NULL) at the file's
 * offset, which O_APPEND moves to the end. Short as plain_read. */
static ssize_t plain_write(struct file *f, uaddr_t ubuf, size_t n,
			   uint64_t *pos)
{
	size_t done = 0, want;
	ssize_t w = fsize_limit(f, pos, &n);
	char *kbuf;

	if (w < 0)
		return w;
	kbuf = kmalloc(MAX(MIN(n, IO_CHUNK), 1));
	if (!kbuf)
		return -ENOMEM;
	do {
		want = MIN(n - done, IO_CHUNK);
		if (copy_from_user(kbuf, ubuf + done, want)) {
			w = -EFAULT;
			break;
		}
		w = pos ? vfs_pwrite(f, kbuf, want, *pos)
			: vfs_write(f, kbuf, want);
		if (w <= 0)
			break;
		done += (size_t)w;
		if (pos)
			*pos += (uint64_t)w;
	} while (done < n && (size_t)w == want);
	kfree(kbuf);
	return done ? (ssize_t)done : w;
}

/*
 * Move one user buffer: at *pos, or (pos NULL) at the file's offset.
 * The file's offset is held under f->lock for a whole plain read, so
 * two reads through one file never return the same bytes.
 */
static ssize_t file_rw(struct file *f, uaddr_t ubuf, size_t n, uint64_t *pos,
		       bool write)
{
	ssize_t r;

	if (write ? !can_write(f) : !can_read(f))
		return -EBADF;
	n = MIN(n, RW_MAX);
	if (f->fops) {
		ssize_t (*op)(struct file *, uint64_t, size_t, uint64_t *) =
			write ? f->fops->write : f->fops->read;

		return op ? op(f, ubuf, n, pos ? pos : &f->pos) : -EINVAL;
	}
	if (write)
		return plain_write(f, ubuf, n, pos);
	if (pos)
		return plain_read(f, ubuf, n, pos);
	sleep_lock(&f->lock);
	r = plain_read(f, ubuf, n, &f->pos);
	sleep_unlock(&f->lock);
	return r;
}

/* read, write, pread64, pwrite64 (off < 0: the file's offset). */
static long rw_call(int fd, uaddr_t ubuf, size_t n, int64_t off, bool write)
{
	struct file *f = file_get(fd);
	uint64_t pos = (uint64_t)off;
	long r;

	if (!f)
		return -EBADF;
	if (off >= 0 && f->fops && !f->fops->llseek)
		r = -ESPIPE; /* pread on a pipe */
	else
		r = file_rw(f, ubuf, n, off >= 0 ? &pos : NULL, write);
	vfs_close(f);
	return r;
}

static long sys_read(uint64_t fd, uaddr_t ubuf, uint64_t n)
{
	return rw_call((int)fd, ubuf, n, -1, false);
}
SYSCALL(read, sys_read);

static long sys_write(uint64_t fd, uaddr_t ubuf, uint64_t n)
{
	return rw_call((int)fd, ubuf, n, -1, true);
}
SYSCALL(write, sys_write);

static long sys_pread64(uint64_t fd, uaddr_t ubuf, uint64_t n, int64_t off)
{
	return off < 0 ? -EINVAL : rw_call((int)fd, ubuf, n, off, false);
}
SYSCALL(pread64, sys_pread64);

static long sys_pwrite64(uint64_t fd, uaddr_t ubuf, uint64_t n, int64_t off)
{
	return off < 0 ? -EINVAL : rw_call((int)fd, ubuf, n, off, true);
}
SYSCALL(pwrite64, sys_pwrite64);

/*
 * A read from a pipe or a device returns what is there without waiting
 * for more, and readv too: once some bytes have come, the next buffer is
 * read only if the file says more is ready (poll), else the call would
 * sleep with bytes in hand. (writev to a pipe or a terminal is one write
 * of all the buffers, the file's writev operation, so that no other
 * writer's bytes come between them.)
 */
static bool more_would_block(struct file *f, size_t so_far, bool write)
{
	return !write && f->fops && so_far > 0 &&
	       !(file_poll(f) & (POLLIN | POLLHUP));
}

/* readv, writev, preadv, pwritev (off < 0: at the file's offset): each
 * buffer in turn, stopping at the first short one; an error after some
 * bytes moved ends the call with their count. */
static long vector_rw(int fd, uaddr_t uiov, int64_t count, int64_t off,
		      bool write)
{
	uint64_t pos = (uint64_t)off;
	struct iovec *iov = NULL;
	struct file *f;
	size_t total = 0;
	long r = 0;

	if (count < 0 || count > IOV_MAX)
		return -EINVAL;
	f = file_get(fd);
	if (!f)
		return -EBADF;
	if (off >= 0 && f->fops && !f->fops->llseek) {
		r = -ESPIPE;
		goto out;
	}
	iov = kmalloc(MAX((size_t)count, 1) * sizeof(*iov));
	if (!iov) {
		r = -ENOMEM;
		goto out;
	}
	if (copy_from_user(iov, uiov, (size_t)count * sizeof(*iov))) {
		r = -EFAULT;
		goto out;
	}
	for (int64_t i = 0; i < count; i++) {
		if (iov[i].len > (uint64_t)INT64_MAX ||
		    (total += iov[i].len) > (uint64_t)INT64_MAX) {
			r = -EINVAL;
			goto out;
		}
	}
	if (write && off < 0 && f->fops && f->fops->writev) {
		r = f->fops->writev(f, iov, (int)count, MIN(total, RW_MAX));
		goto out;
	}
	total = 0;
	for (int64_t i = 0; i < count && total < RW_MAX; i++) {
		size_t len = MIN(iov[i].len, RW_MAX - total);

		if (more_would_block(f, total, write))
			break;
		r = file_rw(f, iov[i].base, len, off >= 0 ? &pos : NULL, write);
		if (r < 0)
			break;
		total += (size_t)r;
		if ((size_t)r < len)
			break;
	}
	if (total)
		r = (long)total;
out:
	kfree(iov);
	vfs_close(f);
	return r;
}

static long sys_readv(uint64_t fd, uaddr_t uiov, int64_t count)
{
	return vector_rw((int)fd, uiov, count, -1, false);
}
SYSCALL(readv, sys_readv);

static long sys_writev(uint64_t fd, uaddr_t uiov, int64_t count)
{
	return vector_rw((int)fd, uiov, count, -1, true);
}
SYSCALL(writev, sys_writev);

/* The offset comes as two halves for 32-bit callers; on x86-64 the low
 * one holds all of it (Linux's pos_from_hilo). */
static long sys_preadv(uint64_t fd, uaddr_t uiov, int64_t count, int64_t off)
{
	return off < 0 ? -EINVAL : vector_rw((int)fd, uiov, count, off, false);
}
SYSCALL(preadv, sys_preadv);

static long sys_pwritev(uint64_t fd, uaddr_t uiov, int64_t count, int64_t off)
{
	return off < 0 ? -EINVAL : vector_rw((int)fd, uiov, count, off, true);
}
SYSCALL(pwritev, sys_pwritev);

static long sys_lseek(uint64_t fd, int64_t off, uint64_t whence)
{
	struct file *f = file_get((int)fd);
	long r;

	if (!f)
		return -EBADF;
	if (!f->fops)
		r = vfs_lseek(f, off, (int)whence);
	else
		r = f->fops->llseek ? f->fops->llseek(f, off, (int)whence)
				    : -ESPIPE;
	vfs_close(f);
	return r;
}
SYSCALL(lseek, sys_lseek);

/* ---- descriptors: close, dup, fcntl ------------------------------------------ */

static long sys_close(uint64_t fd)
{
	struct file *f = fd_remove(proc_current()->files, (int)fd);

	if (!f)
		return -EBADF;
	vfs_close(f);
	return 0;
}
SYSCALL(close, sys_close);

#define CLOSE_RANGE_UNSHARE (1U << 1)
#define CLOSE_RANGE_CLOEXEC (1U << 2)

/* close_range(first, last, flags): close (or with CLOSE_RANGE_CLOEXEC
 * mark close-on-exec) every open descriptor in [first, last]; with
 * CLOSE_RANGE_UNSHARE a table shared with another process (CLONE_FILES)
 * is first copied, so the other keeps its descriptors. */
static long sys_close_range(uint64_t first64, uint64_t last64, uint64_t flags)
{
	struct proc *p = proc_current();
	unsigned int first = (unsigned int)first64, last = (unsigned int)last64;

	if (flags & ~(uint64_t)(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) ||
	    first > last)
		return -EINVAL;
	if ((flags & CLOSE_RANGE_UNSHARE) &&
	    __atomic_load_n(&p->files->refcount, __ATOMIC_ACQUIRE) > 1) {
		struct fdtable *copy = fdtable_copy(p->files);

		if (!copy)
			return -ENOMEM;
		fdtable_put(p->files);
		p->files = copy;
	}
	for (unsigned int fd = first; fd <= last && fd < FD_MAX; fd++) {
		if (flags & CLOSE_RANGE_CLOEXEC) {
			fd_set_cloexec(p->files, (int)fd, true);
		} else {
			struct file *f = fd_remove(p->files, (int)fd);

			if (f)
				vfs_close(f);
		}
	}
	return 0;
}
SYSCALL(close_range, sys_close_range);

/* A new descriptor >= min for the file at fd. */
static long dup_from(int fd, int min, bool cloexec)
{
	struct file *f = file_get(fd);
	int r;

	if (!f)
		return -EBADF;
	r = file_install(f, min, cloexec);
	if (r < 0)
		vfs_close(f);
	return r;
}

static long sys_dup(uint64_t fd)
{
	return dup_from((int)fd, 0, false);
}
SYSCALL(dup, sys_dup);

/* dup2 and dup3: make newfd name oldfd's file, closing what it named. */
static long dup_to(int oldfd, int newfd, bool cloexec)
{
	struct file *f = file_get(oldfd);
	int r;

	if (!f)
		return -EBADF;
	if (newfd < 0 || newfd >= fd_limit()) {
		vfs_close(f);
		return -EBADF;
	}
	r = fd_replace(proc_current()->files, newfd, f, cloexec);
	if (r < 0)
		vfs_close(f);
	return r < 0 ? r : newfd;
}

static long sys_dup2(uint64_t oldfd, uint64_t newfd)
{
	if ((int)oldfd == (int)newfd) {
		/* Nothing to do, but oldfd must be open. */
		struct file *f = file_get((int)oldfd);

		if (!f)
			return -EBADF;
		vfs_close(f);
		return (int)newfd;
	}
	return dup_to((int)oldfd, (int)newfd, false);
}
SYSCALL(dup2, sys_dup2);

static long sys_dup3(uint64_t oldfd, uint64_t newfd, uint64_t flags)
{
	if (flags & ~(uint64_t)O_CLOEXEC)
		return -EINVAL;
	if ((int)oldfd == (int)newfd)
		return -EINVAL;
	return dup_to((int)oldfd, (int)newfd, flags & O_CLOEXEC);
}
SYSCALL(dup3, sys_dup3);

/* F_SETFL: only O_APPEND and O_NONBLOCK change. f->flags is read without
 * a lock by reads and writes, so it changes in one atomic store. */
static void set_status_flags(struct file *f, int flags)
{
	const int changeable = O_APPEND | O_NONBLOCK;
	int old = __atomic_load_n(&f->flags, __ATOMIC_RELAXED), new;

	do {
		new = (old & ~changeable) | (flags & changeable);
	} while (!__atomic_compare_exchange_n(&f->flags, &old, new, false,
					      __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
}

static long sys_fcntl(uint64_t fd, uint64_t cmd, uint64_t arg)
{
	struct fdtable *t = proc_current()->files;
	struct file *f = file_get((int)fd);
	long r = 0;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		r = arg >= (uint64_t)fd_limit()
			    ? -EINVAL
			    : file_install(f, (int)arg, cmd == F_DUPFD_CLOEXEC);
		if (r >= 0)
			return r; /* f's reference went to the new descriptor */
		break;
	case F_GETFD:
		r = fd_get_cloexec(t, (int)fd);
		break;
	case F_SETFD:
		r = fd_set_cloexec(t, (int)fd, arg & FD_CLOEXEC);
		break;
	case F_GETFL:
		r = __atomic_load_n(&f->flags, __ATOMIC_RELAXED);
		break;
	case F_SETFL:
		set_status_flags(f, (int)arg);
		break;
	default:
		r = lock_fcntl(f, (unsigned int)cmd, arg);
	}
	vfs_close(f);
	return r;
}
SYSCALL(fcntl, sys_fcntl);

/* ---- ioctl ------------------------------------------------------------------- */

/* FIONREAD on a plain file: the bytes between the offset and the end. */
static long plain_nread(struct file *f, uaddr_t arg)
{
	int64_t left;

	if (!S_ISREG(f->inode->mode))
		return -ENOTTY;
	sleep_lock(&f->inode->lock);
	left = (int64_t)f->inode->size - (int64_t)f->pos;
	sleep_unlock(&f->inode->lock);
	return put_user((int)MAX(left, 0), arg);
}

static long sys_ioctl(uint64_t fd, uint64_t cmd64, uaddr_t arg)
{
	unsigned int cmd = (unsigned int)cmd64;
	struct file *f = file_get((int)fd);
	int on;
	long r;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case FIOCLEX:
	case FIONCLEX:
		r = fd_set_cloexec(proc_current()->files, (int)fd,
				   cmd == FIOCLEX);
		break;
	case FIONBIO:
		r = get_user(on, arg);
		if (!r)
			set_status_flags(f, on ? f->flags | O_NONBLOCK
					       : f->flags & ~O_NONBLOCK);
		break;
	default:
		if (f->fops)
			r = f->fops->ioctl ? f->fops->ioctl(f, cmd, arg)
					   : -ENOTTY;
		else
			r = cmd == FIONREAD ? plain_nread(f, arg) : -ENOTTY;
	}
	vfs_close(f);
	return r;
}
SYSCALL(ioctl, sys_ioctl);

/* ---- fstat, getdents64, fsync, ftruncate ------------------------------------- */

/* Linux x86-64's struct stat (arch/x86/include/uapi/asm/stat.h). */
struct linux_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint64_t st_nlink;
	uint32_t st_mode;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t pad0;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blksize;
	int64_t st_blocks; /* 512-byte units */
	struct timespec64 st_atim, st_mtim, st_ctim;
	int64_t reserved[3];
};
_Static_assert(sizeof(struct linux_stat) == 144, "Linux's struct stat");

int stat_to_user(const struct kstat *st, uaddr_t ubuf)
{
	struct linux_stat ls = {
		.st_dev = st->dev,
		.st_ino = st->ino,
		.st_nlink = st->nlink,
		.st_mode = st->mode,
		.st_uid = st->uid,
		.st_gid = st->gid,
		.st_rdev = st->rdev,
		.st_size = (int64_t)st->size,
		.st_blksize = st->blksize,
		.st_blocks = (int64_t)st->blocks,
		.st_atim = st->atime,
		.st_mtim = st->mtime,
		.st_ctim = st->ctime,
	};

	return copy_to_user(ubuf, &ls, sizeof(ls));
}

int file_stat(struct file *f, struct kstat *st)
{
	if (f->inode)
		return vfs_fstat(f, st);
	if (pipe_stat(f, st))
		return 0;
	if (f->fops && f->fops->stat)
		return f->fops->stat(f, st);
	return -EBADF;
}

static long sys_fstat(uint64_t fd, uaddr_t ubuf)
{
	struct file *f = file_get((int)fd);
	struct kstat st;
	int err;

	if (!f)
		return -EBADF;
	err = file_stat(f, &st);
	vfs_close(f);
	return err ? err : stat_to_user(&st, ubuf);
}
SYSCALL(fstat, sys_fstat);

/*
 * getdents64 fills a kernel buffer and copies it out. If the copy fails
 * the entries were not delivered: the offset goes back to where it was,
 * so the next call returns them again.
 */
static long sys_getdents64(uint64_t fd, uaddr_t ubuf, uint64_t size)
{
	struct file *f = file_get((int)fd);
	uint64_t start;
	ssize_t r;
	void *kbuf;

	if (!f)
		return -EBADF;
	if (f->fops || !f->inode) {
		vfs_close(f);
		return -ENOTDIR;
	}
	size = MIN(size, IO_CHUNK);
	kbuf = kmalloc(MAX(size, 1));
	if (!kbuf) {
		vfs_close(f);
		return -ENOMEM;
	}
	start = f->pos;
	r = vfs_getdents64(f, kbuf, size);
	if (r > 0 && copy_to_user(ubuf, kbuf, (size_t)r)) {
		sleep_lock(&f->lock);
		f->pos = start;
		sleep_unlock(&f->lock);
		r = -EFAULT;
	}
	kfree(kbuf);
	vfs_close(f);
	return r;
}
SYSCALL(getdents64, sys_getdents64);

/* fsync and fdatasync: a pipe or device has nothing to write back. */
static long sys_fsync(uint64_t fd)
{
	struct file *f = file_get((int)fd);
	long r;

	if (!f)
		return -EBADF;
	if (!f->fops)
		r = vfs_fsync(f);
	else
		r = f->fops->fsync ? f->fops->fsync(f) : -EINVAL;
	vfs_close(f);
	return r;
}
SYSCALL(fsync, sys_fsync);

/* syncfs: Kestrel writes back every file system (vfs_sync), which is
 * more than the one holding fd that Linux writes. */
static long sys_syncfs(uint64_t fd)
{
	struct file *f = file_get((int)fd);

	if (!f)
		return -EBADF;
	vfs_close(f);
	vfs_sync();
	return 0;
}
SYSCALL(syncfs, sys_syncfs);

static long sys_fdatasync(uint64_t fd)
{
	return sys_fsync(fd);
}
SYSCALL(fdatasync, sys_fdatasync);

static long sys_ftruncate(uint64_t fd, int64_t length)
{
	struct file *f;
	long r;

	if (length < 0)
		return -EINVAL;
	f = file_get((int)fd);
	if (!f)
		return -EBADF;
	r = f->fops ? -EINVAL : vfs_ftruncate(f, (uint64_t)length);
	vfs_close(f);
	return r;
}
SYSCALL(ftruncate, sys_ftruncate);
