/*
 * Changing a file's attributes: chmod, chown and utimensat in their
 * forms. The attributes live in the in-memory inode under inode->lock
 * (vfs.h): the call changes them there, sets ctime, and marks the inode
 * dirty; the file system writes it back (write_inode) like any other
 * change. Who may change what is Linux's rule (may_change below, with
 * permission.c's helpers); a read-only mount refuses with -EROFS.
 *
 * A pipe has no inode: its attributes are fixed (fstat shows mode 0600
 * and the creation time), and changing them succeeds without effect, as
 * on Linux nothing could see the change but fstat on that pipe.
 */
#include "fs/fs_syscalls.h"
#include "proc/cred.h"

#define UTIME_NOW ((1L << 30) - 1)
#define UTIME_OMIT ((1L << 30) - 2)
#define NSEC_PER_SEC 1000000000L

/* The attribute changes one call makes. */
struct attr_change {
	bool mode_set;
	uint32_t mode;     /* permission bits */
	uint32_t uid, gid; /* (uint32_t)-1: unchanged */
	bool chown;
	const struct timespec64 *atime, *mtime; /* NULL: unchanged */
	bool to_now; /* the times asked for are both "now" */
};

/* chmod's bits: set-group-ID is dropped when the caller is neither root
 * nor in the file's group (it could not have made the file so). */
static uint32_t set_mode_bits(struct inode *ip, uint32_t mode)
{
	const struct cred *cr = cred_current();

	mode &= 07777;
	if (cr->fsuid != 0 && !cred_in_group(cr, ip->gid))
		mode &= ~(uint32_t)S_ISGID;
	return mode;
}

/* chown's rule: only root gives a file away; its owner may change its
 * group to one of the owner's own groups. -1 leaves either alone. */
static int may_chown(struct inode *ip, const struct attr_change *c)
{
	const struct cred *cr = cred_current();

	if (cr->fsuid == 0)
		return 0;
	if (c->uid != (uint32_t)-1 && c->uid != ip->uid)
		return -EPERM;
	if (c->gid != (uint32_t)-1 && c->gid != ip->gid &&
	    (cr->fsuid != ip->uid || !cred_in_group(cr, c->gid)))
		return -EPERM;
	return 0;
}

/* Who may change what (Linux's setattr_prepare): chmod and chosen times
 * only the owner or root (EPERM); times set to now also anyone who may
 * write the file (EACCES); chown as may_chown. Caller holds ip->lock. */
static int may_change(struct inode *ip, const struct attr_change *c)
{
	if (c->chown)
		return may_chown(ip, c);
	if (vfs_owner_or_root(ip))
		return 0;
	if (c->mode_set || !c->to_now)
		return -EPERM;
	return vfs_permission(ip, MAY_WRITE);
}

static int change_inode(struct inode *ip, const struct attr_change *c)
{
	int err;

	if (ip->sb->read_only)
		return -EROFS;
	sleep_lock(&ip->lock);
	err = may_change(ip, c);
	if (err) {
		sleep_unlock(&ip->lock);
		return err;
	}
	if (c->mode_set)
		ip->mode = (ip->mode & S_IFMT) | set_mode_bits(ip, c->mode);
	if (c->chown) {
		if (c->uid != (uint32_t)-1)
			ip->uid = c->uid;
		if (c->gid != (uint32_t)-1)
			ip->gid = c->gid;
		/* Linux drops set-user-ID (and set-group-ID on a group
		 * executable) when a file changes hands. */
		if (!S_ISDIR(ip->mode)) {
			ip->mode &= ~(uint32_t)S_ISUID;
			if (ip->mode & 010)
				ip->mode &= ~(uint32_t)S_ISGID;
		}
	}
	if (c->atime)
		ip->atime = *c->atime;
	if (c->mtime)
		ip->mtime = *c->mtime;
	ip->ctime = vfs_now();
	vfs_inode_dirty(ip);
	sleep_unlock(&ip->lock);
	return 0;
}

/* The inode of the file open at fd, referenced; NULL for a pipe. */
static int fd_inode(int fd, struct inode **out)
{
	struct file *f = file_get(fd);

	if (!f)
		return -EBADF;
	*out = f->inode;
	if (*out)
		vfs_iref(*out);
	vfs_close(f);
	return 0;
}

/* The file a call names: (dirfd, path) with the AT_ flags, or dirfd's
 * file itself for a NULL path (utimensat, with a dirfd) or an empty one
 * with AT_EMPTY_PATH. Referenced; NULL for a pipe. */
static int target_inode(int dirfd, uaddr_t upath, int flags, struct inode **out)
{
	struct upath up;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (upath || dirfd == AT_FDCWD) {
		int err = path_get(dirfd, upath, &up);

		if (!err) {
			err = vfs_lookup(
				up.dir, up.path,
				flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW,
				out);
			path_put(&up);
			return err;
		}
		if (err != -ENOENT || !(flags & AT_EMPTY_PATH))
			return err;
		if (dirfd == AT_FDCWD) {
			struct inode *cwd = proc_cwd_get(proc_current());

			err = vfs_lookup(cwd, ".", 0, out);
			if (cwd)
				vfs_iput(cwd);
			return err;
		}
	}
	return fd_inode(dirfd, out);
}

/* Apply c to the inode; a pipe (ip NULL) has no attributes to change. */
static long change_and_put(struct inode *ip, const struct attr_change *c)
{
	int err;

	if (!ip)
		return 0;
	err = change_inode(ip, c);
	vfs_iput(ip);
	return err;
}

static long change_at(int dirfd, uaddr_t upath, int flags,
		      const struct attr_change *c)
{
	struct inode *ip;
	int err = target_inode(dirfd, upath, flags, &ip);

	return err ? err : change_and_put(ip, c);
}

static long change_fd(int fd, const struct attr_change *c)
{
	struct inode *ip;
	int err = fd_inode(fd, &ip);

	return err ? err : change_and_put(ip, c);
}

static long chmod_at(int dirfd, uaddr_t upath, uint64_t mode, int flags)
{
	struct attr_change c = { .mode_set = true, .mode = (uint32_t)mode };

	return change_at(dirfd, upath, flags, &c);
}

static long sys_chmod(uaddr_t upath, uint64_t mode)
{
	return chmod_at(AT_FDCWD, upath, mode, 0);
}
SYSCALL(chmod, sys_chmod);

static long sys_fchmodat(int64_t dirfd, uaddr_t upath, uint64_t mode)
{
	return chmod_at((int)dirfd, upath, mode, 0);
}
SYSCALL(fchmodat, sys_fchmodat);

static long sys_fchmod(uint64_t fd, uint64_t mode)
{
	struct attr_change c = { .mode_set = true, .mode = (uint32_t)mode };

	return change_fd((int)fd, &c);
}
SYSCALL(fchmod, sys_fchmod);

static long chown_at(int dirfd, uaddr_t upath, uint64_t uid, uint64_t gid,
		     int flags)
{
	struct attr_change c = { .chown = true,
				 .uid = (uint32_t)uid,
				 .gid = (uint32_t)gid };

	return change_at(dirfd, upath, flags, &c);
}

static long sys_chown(uaddr_t upath, uint64_t uid, uint64_t gid)
{
	return chown_at(AT_FDCWD, upath, uid, gid, 0);
}
SYSCALL(chown, sys_chown);

static long sys_lchown(uaddr_t upath, uint64_t uid, uint64_t gid)
{
	return chown_at(AT_FDCWD, upath, uid, gid, AT_SYMLINK_NOFOLLOW);
}
SYSCALL(lchown, sys_lchown);

static long sys_fchown(uint64_t fd, uint64_t uid, uint64_t gid)
{
	struct attr_change c = { .chown = true,
				 .uid = (uint32_t)uid,
				 .gid = (uint32_t)gid };

	return change_fd((int)fd, &c);
}
SYSCALL(fchown, sys_fchown);

static long sys_fchownat(int64_t dirfd, uaddr_t upath, uint64_t uid,
			 uint64_t gid, uint64_t flags)
{
	return chown_at((int)dirfd, upath, uid, gid, (int)flags);
}
SYSCALL(fchownat, sys_fchownat);

/* One of utimensat's two times: UTIME_NOW, UTIME_OMIT (NULL) or a time. */
static int utime_pick(struct timespec64 *t, const struct timespec64 **out,
		      const struct timespec64 *now)
{
	if (t->nsec == UTIME_OMIT)
		*out = NULL;
	else if (t->nsec == UTIME_NOW)
		*out = now;
	else if (t->nsec < 0 || t->nsec >= NSEC_PER_SEC)
		return -EINVAL;
	else
		*out = t;
	return 0;
}

/* utimensat(dirfd, path, times[2], flags): times NULL sets both to now. */
static long sys_utimensat(int64_t dirfd, uaddr_t upath, uaddr_t utimes,
			  uint64_t flags)
{
	struct timespec64 times[2], now = vfs_now();
	struct attr_change c = { .atime = &now, .mtime = &now, .to_now = true };

	if (utimes) {
		if (copy_from_user(times, utimes, sizeof(times)))
			return -EFAULT;
		if (utime_pick(&times[0], &c.atime, &now) ||
		    utime_pick(&times[1], &c.mtime, &now))
			return -EINVAL;
		if (!c.atime && !c.mtime)
			return 0; /* both omitted: nothing, not even ctime */
		c.to_now = times[0].nsec == UTIME_NOW &&
			   times[1].nsec == UTIME_NOW;
	}
	return change_at((int)dirfd, upath, (int)flags, &c);
}
SYSCALL(utimensat, sys_utimensat);
