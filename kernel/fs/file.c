/*
 * Open files (vfs.h): a struct file is an inode, the flags it was opened
 * with and an offset. Several file descriptors (and, later, processes
 * after fork) may share one, so it is reference counted, and its sleep
 * lock serializes reads and writes through it: each moves the offset by
 * exactly what it transferred. The inode's own lock is taken inside the
 * file's, around each call into the file system.
 *
 * Also here: open with Linux's checks in Linux's order (a device node
 * is handed to its driver by device_open, fs/chardev.h), truncate, and
 * getdents64, which turns a file system's readdir into struct
 * linux_dirent64 records. docs/vfs.md, docs/devices.md.
 */
#include "fs/chardev.h"
#include "fs/fs_syscalls.h"
#include "fs/lock.h"
#include "fs/vfs_internal.h"
#include "mm/mm.h"
#include "mm/pagecache.h"

/* Flags that matter only while opening: not kept in struct file. */
#define OPEN_ONLY_FLAGS (O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC)

static unsigned int open_files; /* atomic */

unsigned int vfs_open_files(void)
{
	return __atomic_load_n(&open_files, __ATOMIC_RELAXED);
}

static bool may_write(int flags)
{
	return (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
}

/* Linux's checks, in its order, of opening inode with flags. */
static int may_open(struct inode *inode, int flags)
{
	if ((flags & O_CREAT) && S_ISDIR(inode->mode))
		return -EISDIR;
	if ((flags & O_DIRECTORY) && !S_ISDIR(inode->mode))
		return -ENOTDIR;
	if (S_ISLNK(inode->mode))
		return -ELOOP; /* O_NOFOLLOW, and the last name a symlink */
	if (S_ISDIR(inode->mode) && may_write(flags))
		return -EISDIR;
	if (S_ISCHR(inode->mode) || S_ISBLK(inode->mode) ||
	    S_ISFIFO(inode->mode))
		return 0; /* writable on a read-only mount: not the disk's */
	if (S_ISSOCK(inode->mode))
		return -ENXIO; /* a socket's name is for connect, not open */
	if (may_write(flags))
		return sb_writable(inode->sb);
	return 0;
}

/* May the caller open inode for what flags ask (the file exists and was
 * not made by this open)? */
static int open_permission(struct inode *inode, int flags)
{
	int mask = 0;

	if ((flags & O_ACCMODE) != O_WRONLY)
		mask |= MAY_READ;
	if (may_write(flags))
		mask |= MAY_WRITE;
	return vfs_permission(inode, mask);
}

/* The inode called name in dir (locked), or else a new regular file:
 * then *created is set. */
static int create_locked(struct inode *dir, const char *name, size_t len,
			 uint32_t mode, struct inode **out, bool *created)
{
	int err = lookup_locked(dir, name, len, out);

	*created = false;
	if (err != -ENOENT)
		return err;
	if (dir->nlink == 0)
		return -ENOENT;
	err = sb_writable(dir->sb);
	if (!err)
		err = vfs_may_create(dir);
	if (!err)
		err = dir->ops->create
			      ? dir->ops->create(dir, name, len,
						 S_IFREG | (mode & 07777), out)
			      : -EPERM;
	*created = err == 0;
	return err;
}

/* Open with O_CREAT: the last name is created if missing; if it is a
 * symlink, its target is (unless O_EXCL or O_NOFOLLOW). One round per
 * symlink, starting from the directory that held it. */
static int open_create(struct inode *cwd, const char *path, int flags,
		       uint32_t mode, struct inode **out, bool *made)
{
	struct inode *start = NULL, *dir;
	char *buf = NULL;
	unsigned int links = 0;
	const char *name;
	bool created;
	size_t len;
	int err;

	for (;;) {
		err = namei_parent(start ? start : cwd, path, &dir, &name,
				   &len);
		if (err)
			break;
		if (name_is_dot(name, len) || name_is_dotdot(name, len))
			err = flags & O_EXCL ? -EEXIST : -EISDIR;
		else if (name[len] == '/')
			err = -EISDIR;
		else
			err = 0;
		if (!err) {
			sleep_lock(&dir->lock);
			err = create_locked(dir, name, len, mode, out,
					    &created);
			sleep_unlock(&dir->lock);
		}
		if (err)
			goto out_dir;
		*made = created;
		if (!created && (flags & O_EXCL)) {
			vfs_iput(*out);
			err = -EEXIST;
			goto out_dir;
		}
		mount_cross_down(out);
		if (!S_ISLNK((*out)->mode) || (flags & (O_EXCL | O_NOFOLLOW)))
			goto out_dir;
		/* A symlink: create or open its target instead. */
		err = ++links > VFS_SYMLINK_MAX ? -ELOOP : 0;
		if (!err && !buf)
			buf = kmalloc(VFS_PATH_MAX);
		if (!err)
			err = buf ? read_link_target(*out, buf) : -ENOMEM;
		vfs_iput(*out);
		if (err < 0)
			goto out_dir;
		if (start)
			vfs_iput(start);
		start = dir;
		path = buf;
	}
	goto out;
out_dir:
	vfs_iput(dir);
out:
	if (start)
		vfs_iput(start);
	kfree(buf);
	return err;
}

/* Truncate under the inode's lock. */
static int truncate_inode(struct inode *inode, uint64_t size)
{
	int err;

	if (size > INT64_MAX)
		return -EINVAL;
	if (!inode->ops->truncate)
		return -EPERM;
	sleep_lock(&inode->lock);
	err = inode->ops->truncate(inode, size);
	if (!err) {
		pagecache_truncate(inode, size);
		vfs_kill_setid(inode);
	}
	sleep_unlock(&inode->lock);
	return err;
}

/* Keep the path f was opened by, for /proc/PID/fd: 0, or -ENOMEM with
 * f closed. */
static int remember_path(struct file *f, struct inode *cwd, const char *path)
{
	size_t n = strlen(path) + 1;

	f->open_path = kmalloc(n);
	if (f->open_path)
		memcpy(f->open_path, path, n);
	if (!f->open_path) {
		vfs_close(f);
		return -ENOMEM;
	}
	if (path[0] != '/' && cwd) {
		vfs_iref(cwd);
		f->open_dir = cwd;
	}
	return 0;
}

/* The rest of an open: the file for inode ip (referenced; the reference
 * passes to the file, or is dropped on failure), unless the checks
 * already failed with err. */
static int open_inode(struct inode *ip, int flags, int err, struct file **out)
{
	struct file *f;

	if (!err && (S_ISCHR(ip->mode) || S_ISBLK(ip->mode)) &&
	    (ip->sb->mnt_flags & MNT_NODEV))
		err = -EACCES; /* a device node on a nodev mount */
	if (!err && (S_ISCHR(ip->mode) || S_ISBLK(ip->mode)))
		return device_open(ip, flags, out); /* the driver's file */
	if (!err && S_ISFIFO(ip->mode))
		return fifo_open(ip, flags, out); /* a pipe's end */
	if (!err && (flags & O_TRUNC) && S_ISREG(ip->mode))
		err = truncate_inode(ip, 0);
	f = err ? NULL : kzalloc(sizeof(*f));
	if (!err && !f)
		err = -ENOMEM;
	if (err) {
		vfs_iput(ip);
		return err;
	}
	f->inode = ip;
	f->flags = flags & ~OPEN_ONLY_FLAGS;
	sleep_lock_init(&f->lock, "file");
	f->refcount = 1;
	__atomic_add_fetch(&open_files, 1, __ATOMIC_RELAXED);
	*out = f;
	return 0;
}

int vfs_open(struct inode *cwd, const char *path, int flags, uint32_t mode,
	     struct file **out)
{
	bool created = false;
	struct inode *ip;
	int err;

	if ((flags & O_ACCMODE) == O_ACCMODE)
		return -EINVAL;
	if (flags & O_CREAT)
		err = open_create(cwd, path, flags, mode, &ip, &created);
	else
		err = vfs_lookup(cwd, path,
				 flags & O_NOFOLLOW ? 0 : LOOKUP_FOLLOW, &ip);
	if (err)
		return err;
	err = may_open(ip, flags);
	if (!err && !created)
		err = open_permission(ip, flags);
	err = open_inode(ip, flags, err, out);
	return err ? err : remember_path(*out, cwd, path);
}

int vfs_open_exec(struct inode *cwd, const char *path, struct file **out)
{
	struct inode *ip;
	int err = vfs_lookup(cwd, path, LOOKUP_FOLLOW, &ip);

	if (err)
		return err;
	err = S_ISREG(ip->mode) ? vfs_permission(ip, MAY_EXEC) : -EACCES;
	if (!err && (ip->sb->mnt_flags & MNT_NOEXEC))
		err = -EACCES;
	err = open_inode(ip, O_RDONLY, err, out);
	return err ? err : remember_path(*out, cwd, path);
}

struct file *vfs_file_alloc(const struct file_operations *fops, void *private,
			    struct inode *inode, int flags)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	f->fops = fops;
	f->private = private;
	f->inode = inode;
	f->flags = flags & ~OPEN_ONLY_FLAGS;
	sleep_lock_init(&f->lock, "file");
	f->refcount = 1;
	__atomic_add_fetch(&open_files, 1, __ATOMIC_RELAXED);
	return f;
}

void vfs_file_ref(struct file *f)
{
	__atomic_add_fetch(&f->refcount, 1, __ATOMIC_RELAXED);
}

void vfs_close(struct file *f)
{
	if (__atomic_sub_fetch(&f->refcount, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	lock_remove_file(f);
	if (f->fops && f->fops->release)
		f->fops->release(f);
	if (f->inode)
		vfs_iput(f->inode);
	if (f->open_dir)
		vfs_iput(f->open_dir);
	kfree(f->open_path);
	kfree(f->text);
	kfree(f);
	__atomic_sub_fetch(&open_files, 1, __ATOMIC_RELAXED);
}

/* ---- reading and writing -------------------------------------------------- */

/* A read of a generated file: from the text the open file keeps, made
 * afresh at offset 0. Caller holds the inode's lock. */
static ssize_t generated_read(struct file *f, void *buf, size_t n, uint64_t off)
{
	if (off == 0 || !f->text) {
		char *text;
		size_t len;
		int err = f->inode->ops->generate(f->inode, &text, &len);

		if (err)
			return err;
		kfree(f->text);
		f->text = text;
		f->text_len = len;
	}
	if (off >= f->text_len)
		return 0;
	n = MIN(n, f->text_len - off);
	memcpy(buf, f->text + off, n);
	return (ssize_t)n;
}

static ssize_t read_at(struct file *f, void *buf, size_t n, uint64_t off)
{
	struct inode *ip = f->inode;
	ssize_t r;

	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (S_ISDIR(ip->mode))
		return -EISDIR;
	if (off > INT64_MAX)
		return -EINVAL;
	if (n == 0)
		return 0;
	if (!ip->ops->read && !ip->ops->generate)
		return -EINVAL;
	sleep_lock(&ip->lock);
	if (ip->ops->generate) {
		r = generated_read(f, buf, n, off);
	} else if (ip->ops->read_pages) {
		r = pagecache_file_read(ip, buf, MIN(n, INT64_MAX - off), off);
	} else {
		r = ip->ops->read(ip, buf, MIN(n, INT64_MAX - off), off);
		if (r > 0) /* pages written through a mapping are newer */
			pagecache_read(ip, buf, (size_t)r, off);
	}
	sleep_unlock(&ip->lock);
	return r;
}

/* Write at off, or at the end with O_APPEND (pwrite too, as Linux does);
 * *end is where the write ended. */
static ssize_t write_at(struct file *f, const void *buf, size_t n, uint64_t off,
			uint64_t *end)
{
	struct inode *ip = f->inode;
	ssize_t w;

	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (off > INT64_MAX)
		return -EINVAL;
	if (!ip->ops->write)
		return -EINVAL;
	sleep_lock(&ip->lock);
	if (f->flags & O_APPEND)
		off = ip->size;
	if (n == 0)
		w = 0;
	else if (off >= INT64_MAX)
		w = -EFBIG;
	else
		w = ip->ops->write(ip, buf, MIN(n, INT64_MAX - off), off);
	if (w > 0) { /* mappings of the file see the write */
		pagecache_write(ip, buf, (size_t)w, off);
		vfs_kill_setid(ip);
	}
	sleep_unlock(&ip->lock);
	if (w >= 0)
		*end = off + (uint64_t)w;
	return w;
}

ssize_t vfs_read(struct file *f, void *buf, size_t n)
{
	ssize_t r;

	sleep_lock(&f->lock);
	r = read_at(f, buf, n, f->pos);
	if (r > 0)
		f->pos += (uint64_t)r;
	sleep_unlock(&f->lock);
	return r;
}

ssize_t vfs_write(struct file *f, const void *buf, size_t n)
{
	uint64_t end;
	ssize_t w;

	sleep_lock(&f->lock);
	w = write_at(f, buf, n, f->pos, &end);
	if (w >= 0)
		f->pos = end;
	sleep_unlock(&f->lock);
	return w;
}

ssize_t vfs_pread(struct file *f, void *buf, size_t n, uint64_t off)
{
	return read_at(f, buf, n, off);
}

ssize_t vfs_pwrite(struct file *f, const void *buf, size_t n, uint64_t off)
{
	uint64_t end;

	return write_at(f, buf, n, off, &end);
}

int64_t vfs_lseek(struct file *f, int64_t off, int whence)
{
	int64_t base;

	sleep_lock(&f->lock);
	if (whence == SEEK_SET) {
		base = 0;
	} else if (whence == SEEK_CUR) {
		base = (int64_t)f->pos;
	} else if (whence == SEEK_END) {
		sleep_lock(&f->inode->lock);
		base = (int64_t)f->inode->size;
		sleep_unlock(&f->inode->lock);
	} else {
		base = -1;
	}
	if (base < 0 || (off > 0 && base > INT64_MAX - off) || base + off < 0)
		base = -EINVAL;
	else
		f->pos = (uint64_t)(base += off);
	sleep_unlock(&f->lock);
	return base;
}

/* ---- truncate, stat, fsync -------------------------------------------------- */

static int may_truncate(struct inode *inode)
{
	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (!S_ISREG(inode->mode))
		return -EINVAL;
	return sb_writable(inode->sb);
}

int vfs_truncate(struct inode *cwd, const char *path, uint64_t size)
{
	struct inode *ip;
	int err;

	err = vfs_lookup(cwd, path, LOOKUP_FOLLOW, &ip);
	if (err)
		return err;
	err = may_truncate(ip);
	if (!err)
		err = vfs_permission(ip, MAY_WRITE);
	if (!err)
		err = truncate_inode(ip, size);
	vfs_iput(ip);
	return err;
}

int vfs_ftruncate(struct file *f, uint64_t size)
{
	int err;

	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EINVAL; /* Linux's answer for a file not open to write */
	err = may_truncate(f->inode);
	return err ? err : truncate_inode(f->inode, size);
}

int vfs_fstat(struct file *f, struct kstat *st)
{
	return vfs_inode_stat(f->inode, st);
}

int vfs_fsync(struct file *f)
{
	struct inode *ip = f->inode;
	int err;

	sleep_lock(&ip->lock);
	err = pagecache_writeback(ip);
	if (!err)
		err = vfs_inode_write(ip);
	if (!err && ip->ops->fsync)
		err = ip->ops->fsync(ip);
	sleep_unlock(&ip->lock);
	return err;
}

/* ---- getdents64 -------------------------------------------------------------- */

struct dirents {
	uint8_t *buf;
	size_t size, used;
	uint64_t *pos;               /* the readdir cookie */
	struct linux_dirent64 *last; /* its d_off is the next cookie */
	bool full;
};

static int emit_dirent(void *ctx, const char *name, size_t namelen,
		       uint64_t ino, unsigned int type)
{
	struct dirents *d = ctx;
	size_t reclen = ALIGN_UP(
		offsetof(struct linux_dirent64, d_name) + namelen + 1, 8);
	struct linux_dirent64 *rec = (void *)(d->buf + d->used);

	if (d->used + reclen > d->size) {
		d->full = true;
		return 1;
	}
	if (d->last)
		d->last->d_off = (int64_t)*d->pos;
	memset(rec, 0, reclen);
	rec->d_ino = ino;
	rec->d_reclen = (uint16_t)reclen;
	rec->d_type = (uint8_t)type;
	memcpy(rec->d_name, name, namelen);
	d->used += reclen;
	d->last = rec;
	return 0;
}

ssize_t vfs_getdents64(struct file *f, void *buf, size_t size)
{
	struct inode *ip = f->inode;
	struct dirents d = { .buf = buf, .size = size };
	uint64_t pos;
	int err;

	if (!S_ISDIR(ip->mode))
		return -ENOTDIR;
	sleep_lock(&f->lock);
	pos = f->pos;
	d.pos = &pos;
	sleep_lock(&ip->lock);
	err = ip->nlink ? ip->ops->readdir(ip, &pos, emit_dirent, &d) : 0;
	sleep_unlock(&ip->lock);
	if (d.last)
		d.last->d_off = (int64_t)pos;
	f->pos = pos;
	sleep_unlock(&f->lock);
	if (d.used)
		return (ssize_t)d.used;
	if (err)
		return err;
	return d.full ? -EINVAL : 0;
}
