/*
 * The system calls that look a path up: open, the stat family, access,
 * readlink, truncate, statfs, and the working directory (chdir, getcwd).
 * The calls that change the tree of names (mkdir, unlink, rename, link,
 * symlink, mount) are in sys_names.c, and use what this file shares
 * through fs_syscalls.h: path_get and dir_path.
 *
 * Each copies its path in with user_path and says where a relative path
 * starts: the process's working directory (proc_cwd_get; NULL is the root), or
 * for the *at calls the directory open at dirfd (AT_FDCWD: the working
 * directory). The VFS does the rest with Linux's errno values (vfs.h).
 * docs/files.md.
 */
#include "fs/fs_syscalls.h"
#include "proc/cred.h"
#include "mm/mm.h"

#define R_OK 4
#define W_OK 2
#define X_OK 1

/* ---- where a path starts ---------------------------------------------------- */

int at_dir(int dirfd, const char *path, struct inode **out)
{
	struct proc *p = proc_current();
	struct file *f;

	*out = NULL;
	if (path[0] == '/')
		return 0;
	if (dirfd == AT_FDCWD) {
		*out = proc_cwd_get(p);
		return 0;
	}
	f = file_get(dirfd);
	if (!f)
		return -EBADF;
	if (!f->inode || !S_ISDIR(f->inode->mode)) {
		vfs_close(f);
		return -ENOTDIR;
	}
	vfs_iref(f->inode);
	*out = f->inode;
	vfs_close(f);
	return 0;
}

void put_dir(struct inode *dir)
{
	if (dir)
		vfs_iput(dir);
}

int path_get(int dirfd, uaddr_t upath, struct upath *up)
{
	int err = user_path(upath, &up->path);

	up->dir = NULL;
	if (err)
		return err;
	err = at_dir(dirfd, up->path, &up->dir);
	if (err)
		kfree(up->path);
	return err;
}

void path_put(struct upath *up)
{
	put_dir(up->dir);
	kfree(up->path);
}

/* ---- the path of a directory (getcwd) ------------------------------------- */

/*
 * The name under which parent holds child, into name (VFS_NAME_MAX + 1
 * bytes): its length, or -ENOENT. Within one file system the entry with
 * child's inode number is it; a child that is the root of a mounted file
 * system is found by looking each directory entry up (which crosses into
 * what is mounted there) until one gives child itself.
 */
static int name_in_dir(struct inode *parent, struct inode *child, char *name)
{
	bool crossing = child->sb != parent->sb;
	struct file *f;
	uint8_t *buf;
	ssize_t n;
	int err = -ENOENT;

	buf = kmalloc(PAGE_SIZE);
	if (!buf)
		return -ENOMEM;
	err = vfs_open(parent, ".", O_RDONLY | O_DIRECTORY, 0, &f);
	if (err)
		goto out_free;
	err = -ENOENT;
	while (err == -ENOENT && (n = vfs_getdents64(f, buf, PAGE_SIZE)) > 0) {
		for (ssize_t off = 0; off < n && err == -ENOENT;) {
			struct linux_dirent64 *d = (void *)(buf + off);
			struct inode *ip;

			off += d->d_reclen;
			if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
				continue;
			if (!crossing && d->d_ino != child->ino)
				continue;
			if (crossing && d->d_type != DT_DIR &&
			    d->d_type != DT_UNKNOWN)
				continue;
			if (crossing &&
			    vfs_lookup(parent, d->d_name, 0, &ip) == 0) {
				bool found = ip == child;

				vfs_iput(ip);
				if (!found)
					continue;
			}
			err = (int)strlcpy(name, d->d_name, VFS_NAME_MAX + 1);
		}
	}
	vfs_close(f);
out_free:
	kfree(buf);
	return err;
}

/* Walk up from dir by "..", putting the names together from the end of
 * buf; then move the path to buf's start. */
int dir_path(struct inode *dir, char *buf)
{
	size_t pos = VFS_PATH_MAX - 1;
	struct inode *root, *cur, *parent;
	char *name = kmalloc(VFS_NAME_MAX + 1);
	int err, len;

	if (!name)
		return -ENOMEM;
	err = vfs_lookup(NULL, "/", 0, &root);
	if (err)
		goto out_free;
	cur = dir ? dir : root;
	vfs_iref(cur);
	buf[pos] = '\0';
	if (cur->nlink == 0)
		err = -ENOENT; /* removed: Linux's getcwd says so too */
	while (!err && cur != root) {
		err = vfs_lookup(cur, "..", 0, &parent);
		if (err)
			break;
		len = name_in_dir(parent, cur, name);
		if (len >= 0 && (size_t)len + 1 > pos)
			len = -ENAMETOOLONG;
		if (len >= 0) {
			pos -= (size_t)len;
			memcpy(buf + pos, name, (size_t)len);
			buf[--pos] = '/';
		}
		err = len < 0 ? len : 0;
		vfs_iput(cur);
		cur = parent;
	}
	vfs_iput(cur);
	vfs_iput(root);
	if (!err && pos == VFS_PATH_MAX - 1)
		buf[--pos] = '/';
	if (!err)
		memmove(buf, buf + pos, VFS_PATH_MAX - pos);
out_free:
	kfree(name);
	return err ? err : (int)(VFS_PATH_MAX - 1 - pos);
}

int real_path(struct inode *cwd, const char *path, char *buf,
	      struct inode **target)
{
	char *cur = kmalloc(VFS_PATH_MAX);
	struct inode *at = cwd, *dir = NULL, *child = NULL;
	char last[VFS_NAME_MAX + 1];
	const char *name;
	size_t len = 0;
	int err = -ELOOP, n;

	if (!cur)
		return -ENOMEM;
	strlcpy(cur, path, VFS_PATH_MAX);
	if (at)
		vfs_iref(at);
	/* Each round takes one name: a symlink's target starts the next
	 * round from the link's directory. */
	for (int links = 0; links <= VFS_SYMLINK_MAX; links++) {
		err = vfs_lookup_parent(at, cur, &dir, &name, &len);
		if (err == -ENOENT && (!strcmp(cur, "/") || !*cur)) {
			err = vfs_lookup(at, cur, 0, &child); /* "/" itself */
			dir = NULL;
			len = 0;
		} else if (!err) {
			len = MIN(len, (size_t)VFS_NAME_MAX);
			memcpy(last, name, len);
			last[len] = '\0';
			err = vfs_lookup(dir, last, 0, &child);
		}
		if (err)
			break;
		if (!S_ISLNK(child->mode))
			break;
		n = vfs_readlink(dir, last, cur, VFS_PATH_MAX - 1);
		if (n >= 0)
			cur[n] = '\0';
		if (n == 0)
			n = -ENOENT;
		vfs_iput(child);
		child = NULL;
		if (at)
			vfs_iput(at);
		at = dir;
		dir = NULL;
		if (n < 0) {
			err = n;
			break;
		}
		err = -ELOOP;
	}
	if (!err && (S_ISDIR(child->mode) || !dir)) {
		err = dir_path(child, buf);
	} else if (!err) {
		err = dir_path(dir, buf);
		if (err >= 0 && (size_t)err + 1 + len >= VFS_PATH_MAX)
			err = -ENAMETOOLONG;
		if (err >= 0) {
			n = err;
			if (n > 1)
				buf[n++] = '/';
			memcpy(buf + n, last, len);
			buf[n + len] = '\0';
			err = n + (int)len;
		}
	}
	if (err >= 0 && target) {
		*target = child;
		child = NULL;
	}
	if (child)
		vfs_iput(child);
	if (dir)
		vfs_iput(dir);
	if (at)
		vfs_iput(at);
	kfree(cur);
	return err;
}

static long sys_getcwd(uaddr_t ubuf, uint64_t size)
{
	char *buf = kmalloc(VFS_PATH_MAX);
	struct inode *cwd;
	int len;

	if (!buf)
		return -ENOMEM;
	cwd = proc_cwd_get(proc_current());
	len = dir_path(cwd, buf);
	if (cwd)
		vfs_iput(cwd);
	if (len >= 0 && (uint64_t)len + 1 > size)
		len = -ERANGE;
	if (len >= 0 && copy_to_user(ubuf, buf, (size_t)len + 1))
		len = -EFAULT;
	kfree(buf);
	return len < 0 ? len : len + 1;
}
SYSCALL(getcwd, sys_getcwd);

/* ---- open -------------------------------------------------------------------- */

static long open_at(int dirfd, uaddr_t upath, int flags, uint32_t mode)
{
	struct upath up;
	struct file *f;
	int err, fd;

	if ((flags & O_TMPFILE) == O_TMPFILE)
		return -EOPNOTSUPP;
	if (!fd_available(proc_current()->files, fd_limit()))
		return -EMFILE; /* before O_CREAT makes a file */
	err = path_get(dirfd, upath, &up);
	if (err)
		return err;
	mode = (mode & 07777) & ~fs_struct_umask(proc_current()->fs);
	/* 64-bit Linux opens every file with O_LARGEFILE. */
	err = vfs_open(up.dir, up.path, (flags | O_LARGEFILE) & ~O_CLOEXEC,
		       mode, &f);
	path_put(&up);
	if (err)
		return err;
	fd = file_install(f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		vfs_close(f);
	return fd;
}

static long sys_openat(int64_t dirfd, uaddr_t upath, uint64_t flags,
		       uint64_t mode)
{
	return open_at((int)dirfd, upath, (int)flags, (uint32_t)mode);
}
SYSCALL(openat, sys_openat);

static long sys_open(uaddr_t upath, uint64_t flags, uint64_t mode)
{
	return open_at(AT_FDCWD, upath, (int)flags, (uint32_t)mode);
}
SYSCALL(open, sys_open);

static long sys_creat(uaddr_t upath, uint64_t mode)
{
	return open_at(AT_FDCWD, upath, O_CREAT | O_WRONLY | O_TRUNC,
		       (uint32_t)mode);
}
SYSCALL(creat, sys_creat);

/* ---- stat -------------------------------------------------------------------- */

/* What stat would say about (dirfd, path) with the AT_ flags; an empty
 * path with AT_EMPTY_PATH is dirfd itself. */
static int stat_at(int dirfd, uaddr_t upath, int flags, struct kstat *st)
{
	const int allowed = AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH |
			    AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE;
	struct upath up;
	int err;

	if (flags & ~allowed)
		return -EINVAL;
	err = path_get(dirfd, upath, &up);
	if (err == -ENOENT && (flags & AT_EMPTY_PATH) && dirfd != AT_FDCWD) {
		struct file *f = file_get(dirfd);

		if (!f)
			return -EBADF;
		err = file_stat(f, st);
		vfs_close(f);
		return err;
	}
	if (err == -ENOENT && (flags & AT_EMPTY_PATH)) {
		struct inode *cwd = proc_cwd_get(proc_current());

		err = vfs_stat(cwd, ".", 0, st);
		if (cwd)
			vfs_iput(cwd);
		return err;
	}
	if (err)
		return err;
	err = vfs_stat(up.dir, up.path,
		       flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW, st);
	path_put(&up);
	return err;
}

static long stat_call(int dirfd, uaddr_t upath, uaddr_t ubuf, int flags)
{
	struct kstat st;
	int err = stat_at(dirfd, upath, flags, &st);

	return err ? err : stat_to_user(&st, ubuf);
}

static long sys_stat(uaddr_t upath, uaddr_t ubuf)
{
	return stat_call(AT_FDCWD, upath, ubuf, 0);
}
SYSCALL(stat, sys_stat);

static long sys_lstat(uaddr_t upath, uaddr_t ubuf)
{
	return stat_call(AT_FDCWD, upath, ubuf, AT_SYMLINK_NOFOLLOW);
}
SYSCALL(lstat, sys_lstat);

static long sys_newfstatat(int64_t dirfd, uaddr_t upath, uaddr_t ubuf,
			   uint64_t flags)
{
	return stat_call((int)dirfd, upath, ubuf, (int)flags);
}
SYSCALL(newfstatat, sys_newfstatat);

/* struct statx (include/uapi/linux/stat.h). */
struct statx_timestamp {
	int64_t sec;
	uint32_t nsec;
	int32_t reserved;
};

struct statx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, spare0;
	uint64_t ino, size, blocks, attributes_mask;
	struct statx_timestamp atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t spare[14];
};
_Static_assert(sizeof(struct statx) == 256, "Linux's struct statx");

#define STATX_BASIC_STATS 0x7ff
#define STATX_RESERVED 0x80000000U

static struct statx_timestamp statx_time(struct timespec64 t)
{
	return (struct statx_timestamp){ t.sec, (uint32_t)t.nsec, 0 };
}

/* Linux's dev_t encoding (include/linux/kdev_t.h, new_encode_dev). */
static uint32_t dev_major(uint64_t dev)
{
	return (uint32_t)(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffULL));
}

static uint32_t dev_minor(uint64_t dev)
{
	return (uint32_t)((dev & 0xff) | ((dev >> 12) & ~0xffULL));
}

static long sys_statx(int64_t dirfd, uaddr_t upath, uint64_t flags,
		      uint64_t mask, uaddr_t ubuf)
{
	struct kstat st;
	struct statx sx;
	int err;

	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE ||
	    (mask & STATX_RESERVED))
		return -EINVAL;
	err = stat_at((int)dirfd, upath, (int)flags, &st);
	if (err)
		return err;
	sx = (struct statx){
		.mask = STATX_BASIC_STATS,
		.blksize = st.blksize,
		.nlink = st.nlink,
		.uid = st.uid,
		.gid = st.gid,
		.mode = (uint16_t)st.mode,
		.ino = st.ino,
		.size = st.size,
		.blocks = st.blocks,
		.atime = statx_time(st.atime),
		.ctime = statx_time(st.ctime),
		.mtime = statx_time(st.mtime),
		.rdev_major = dev_major(st.rdev),
		.rdev_minor = dev_minor(st.rdev),
		.dev_major = dev_major(st.dev),
		.dev_minor = dev_minor(st.dev),
	};
	return copy_to_user(ubuf, &sx, sizeof(sx));
}
SYSCALL(statx, sys_statx);

/* ---- access ------------------------------------------------------------------ */

/*
 * access() asks whether the caller's real ids (not the effective ones a
 * set-user-ID program runs with) may use the file, so the check, path
 * search included, runs with the real ids in the fs ids, as Linux's
 * override_creds; AT_EACCESS asks with the effective ids instead. F_OK
 * (0) asks only whether the path resolves.
 */
static long access_at(int dirfd, uaddr_t upath, uint64_t mode, uint64_t flags)
{
	struct cred saved;
	struct upath up;
	struct inode *ip;
	int err;

	if (mode & ~(uint64_t)(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(uint64_t)(AT_EACCESS | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	err = path_get(dirfd, upath, &up);
	if (err)
		return err;
	if (!(flags & AT_EACCESS))
		cred_use_real_ids(&saved);
	err = vfs_lookup(up.dir, up.path,
			 flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW, &ip);
	path_put(&up);
	if (!err) {
		/* R_OK, W_OK, X_OK are MAY_READ, MAY_WRITE, MAY_EXEC. */
		err = vfs_permission(ip, (int)mode);
		if (!err && (mode & MAY_EXEC) && S_ISREG(ip->mode) &&
		    (ip->sb->mnt_flags & MNT_NOEXEC))
			err = -EACCES; /* as execve would say */
		vfs_iput(ip);
	}
	if (!(flags & AT_EACCESS))
		cred_restore_fs(&saved);
	return err;
}

static long sys_access(uaddr_t upath, uint64_t mode)
{
	return access_at(AT_FDCWD, upath, mode, 0);
}
SYSCALL(access, sys_access);

static long sys_faccessat(int64_t dirfd, uaddr_t upath, uint64_t mode)
{
	return access_at((int)dirfd, upath, mode, 0);
}
SYSCALL(faccessat, sys_faccessat);

static long sys_faccessat2(int64_t dirfd, uaddr_t upath, uint64_t mode,
			   uint64_t flags)
{
	return access_at((int)dirfd, upath, mode, flags);
}
SYSCALL(faccessat2, sys_faccessat2);

/* ---- readlink, truncate, sync ---------------------------------------------- */

static long readlink_at(int dirfd, uaddr_t upath, uaddr_t ubuf, int64_t size)
{
	struct upath up;
	char *buf;
	int n;

	if ((int)size <= 0)
		return -EINVAL;
	n = path_get(dirfd, upath, &up);
	if (n)
		return n;
	buf = kmalloc(VFS_PATH_MAX);
	n = buf ? vfs_readlink(up.dir, up.path, buf,
			       MIN((size_t)(int)size, VFS_PATH_MAX))
		: -ENOMEM;
	path_put(&up);
	if (n > 0 && copy_to_user(ubuf, buf, (size_t)n))
		n = -EFAULT;
	kfree(buf);
	return n;
}

static long sys_readlink(uaddr_t upath, uaddr_t ubuf, int64_t size)
{
	return readlink_at(AT_FDCWD, upath, ubuf, size);
}
SYSCALL(readlink, sys_readlink);

static long sys_readlinkat(int64_t dirfd, uaddr_t upath, uaddr_t ubuf,
			   int64_t size)
{
	return readlink_at((int)dirfd, upath, ubuf, size);
}
SYSCALL(readlinkat, sys_readlinkat);

static long sys_truncate(uaddr_t upath, int64_t length)
{
	struct upath up;
	int err;

	if (length < 0)
		return -EINVAL;
	err = path_get(AT_FDCWD, upath, &up);
	if (err)
		return err;
	err = vfs_truncate(up.dir, up.path, (uint64_t)length);
	path_put(&up);
	return err;
}
SYSCALL(truncate, sys_truncate);

static long sys_sync(void)
{
	vfs_sync();
	return 0; /* sync(2) cannot fail */
}
SYSCALL(sync, sys_sync);

/* ---- the working directory and umask -------------------------------------- */

/* Make dir (a reference the process takes over) the working directory. */
static long set_cwd(struct inode *dir)
{
	struct proc *p = proc_current();
	struct inode *old;

	int err = S_ISDIR(dir->mode) ? vfs_permission(dir, MAY_EXEC) : -ENOTDIR;

	if (err) {
		vfs_iput(dir);
		return err;
	}
	old = proc_cwd_set(p, dir);
	if (old)
		vfs_iput(old);
	return 0;
}

static long sys_chdir(uaddr_t upath)
{
	struct upath up;
	struct inode *dir;
	int err = path_get(AT_FDCWD, upath, &up);

	if (err)
		return err;
	err = vfs_lookup(up.dir, up.path, LOOKUP_FOLLOW, &dir);
	path_put(&up);
	return err ? err : set_cwd(dir);
}
SYSCALL(chdir, sys_chdir);

static long sys_fchdir(uint64_t fd)
{
	struct file *f = file_get((int)fd);
	struct inode *dir;

	if (!f)
		return -EBADF;
	dir = f->inode;
	if (dir)
		vfs_iref(dir);
	vfs_close(f);
	return dir ? set_cwd(dir) : -ENOTDIR;
}
SYSCALL(fchdir, sys_fchdir);

static long sys_umask(uint64_t mask)
{
	return fs_struct_set_umask(proc_current()->fs,
				   (unsigned int)mask & 0777);
}
SYSCALL(umask, sys_umask);

/* ---- statfs ------------------------------------------------------------------ */

/* Linux x86-64's struct statfs (include/uapi/asm-generic/statfs.h). */
struct linux_statfs {
	int64_t f_type, f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen, f_frsize, f_flags;
	int64_t f_spare[4];
};
_Static_assert(sizeof(struct linux_statfs) == 120, "Linux's struct statfs");

#define ST_RDONLY 1
#define PIPEFS_MAGIC 0x50495045

/* statfs of the file system holding ip, copied out. ip NULL: a pipe. */
static long statfs_to_user(struct inode *ip, uaddr_t ubuf)
{
	struct kstatfs st = { .type = ip ? 0 : PIPEFS_MAGIC,
			      .block_size = PAGE_SIZE,
			      .name_max = VFS_NAME_MAX };
	struct linux_statfs ls;

	/* A file system without statfs (devtmpfs, proc) reports no blocks
	 * and no files, as Linux's memory file systems do. */
	if (ip && ip->sb->ops->statfs) {
		int err;

		memset(&st, 0, sizeof(st));
		err = ip->sb->ops->statfs(ip->sb, &st);
		if (err)
			return err;
	}
	ls = (struct linux_statfs){
		.f_type = (int64_t)st.type,
		.f_bsize = (int64_t)st.block_size,
		.f_blocks = st.blocks,
		.f_bfree = st.blocks_free,
		.f_bavail = st.blocks_free,
		.f_files = st.files,
		.f_ffree = st.files_free,
		.f_fsid = { ip ? (int32_t)ip->sb->dev_id : 0, 0 },
		.f_namelen = (int64_t)st.name_max,
		.f_frsize = (int64_t)st.block_size,
		.f_flags = ip && ip->sb->read_only ? ST_RDONLY : 0,
	};
	return copy_to_user(ubuf, &ls, sizeof(ls));
}

static long sys_statfs(uaddr_t upath, uaddr_t ubuf)
{
	struct upath up;
	struct inode *ip;
	int err = path_get(AT_FDCWD, upath, &up);

	if (err)
		return err;
	err = vfs_lookup(up.dir, up.path, LOOKUP_FOLLOW, &ip);
	path_put(&up);
	if (err)
		return err;
	err = (int)statfs_to_user(ip, ubuf);
	vfs_iput(ip);
	return err;
}
SYSCALL(statfs, sys_statfs);

static long sys_fstatfs(uint64_t fd, uaddr_t ubuf)
{
	struct file *f = file_get((int)fd);
	long err;

	if (!f)
		return -EBADF;
	err = statfs_to_user(f->inode, ubuf);
	vfs_close(f);
	return err;
}
SYSCALL(fstatfs, sys_fstatfs);
