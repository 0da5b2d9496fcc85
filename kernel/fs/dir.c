/*
 * Calls that change names (vfs.h): mkdir, rmdir, unlink, link, symlink
 * and rename. Each finds the parent directory (namei_parent), makes the
 * checks that give Linux's errno values whatever the file system (the
 * permission to add a name to a directory or take one away, with the
 * sticky bit's rule: permission.c), and calls the file system's
 * operation with the directory locked.
 *
 * Rename is the hard one. It holds the file system's rename_lock, so no
 * directory moves meanwhile: then "is A above B" can be answered by
 * walking ".." from B (is_ancestor), and the answer stays true. That
 * answers the two illegal cases (a directory into its own subtree:
 * EINVAL; over a directory above the source: ENOTEMPTY) and the order in
 * which to lock the two directories: an ancestor before its descendant,
 * else the lower address first. docs/vfs.md, docs/locking.md.
 */
#include "fs/vfs_internal.h"
#include "proc/cred.h"

/* A new name may be made in dir (dir->lock held): 0, or -EEXIST (name
 * taken), -ENOENT (dir was removed), -EACCES (no write and search
 * permission on dir), another lookup error. */
static int may_create(struct inode *dir, const char *name, size_t len)
{
	struct inode *old;
	int err;

	err = lookup_locked(dir, name, len, &old);
	if (err == 0) {
		vfs_iput(old);
		return -EEXIST;
	}
	if (err == -ENOENT && dir->nlink == 0)
		return -ENOENT;
	return err == -ENOENT ? vfs_may_create(dir) : err;
}

/* Checks shared by mkdir, link and symlink: the last component may be
 * created; with a trailing slash only mkdir may create it. */
static int create_checks(struct inode *dir, const char *name, size_t len,
			 bool want_dir)
{
	int err;

	if (name_is_dot(name, len) || name_is_dotdot(name, len))
		return -EEXIST;
	err = sb_writable(dir->sb);
	if (err)
		return err;
	err = may_create(dir, name, len);
	if (err == 0 && name[len] == '/' && !want_dir)
		err = -ENOENT;
	return err;
}

int vfs_mkdir(struct inode *cwd, const char *path, uint32_t mode)
{
	struct inode *dir;
	const char *name;
	size_t len;
	int err;

	err = namei_parent(cwd, path, &dir, &name, &len);
	if (err)
		return err;
	sleep_lock(&dir->lock);
	err = create_checks(dir, name, len, true);
	if (!err)
		err = dir->ops->mkdir
			      ? dir->ops->mkdir(dir, name, len,
						S_IFDIR | (mode & 07777))
			      : -EPERM;
	sleep_unlock(&dir->lock);
	vfs_iput(dir);
	return err;
}

int vfs_symlink(struct inode *cwd, const char *target, const char *path)
{
	struct inode *dir;
	const char *name;
	size_t len;
	int err;

	if (!*target)
		return -ENOENT;
	if (strnlen(target, VFS_PATH_MAX) == VFS_PATH_MAX)
		return -ENAMETOOLONG;
	err = namei_parent(cwd, path, &dir, &name, &len);
	if (err)
		return err;
	sleep_lock(&dir->lock);
	err = create_checks(dir, name, len, false);
	if (!err)
		err = dir->ops->symlink
			      ? dir->ops->symlink(dir, name, len, target)
			      : -EPERM;
	sleep_unlock(&dir->lock);
	vfs_iput(dir);
	return err;
}

int vfs_mknod(struct inode *cwd, const char *path, uint32_t mode, uint64_t rdev)
{
	uint32_t type = mode & S_IFMT;
	struct inode *dir, *made;
	const char *name;
	size_t len;
	int err;

	if (type == S_IFDIR)
		return -EPERM; /* mkdir makes directories */
	if (type != S_IFREG && type != S_IFIFO && type != S_IFSOCK &&
	    type != S_IFCHR && type != S_IFBLK)
		return -EINVAL;
	if ((type == S_IFCHR || type == S_IFBLK) && !cred_capable())
		return -EPERM; /* devices: root's (CAP_MKNOD) */
	err = namei_parent(cwd, path, &dir, &name, &len);
	if (err)
		return err;
	sleep_lock(&dir->lock);
	err = create_checks(dir, name, len, false);
	if (!err && type == S_IFREG) {
		err = dir->ops->create
			      ? dir->ops->create(dir, name, len,
						 mode & (S_IFMT | 07777), &made)
			      : -EPERM;
		if (!err)
			vfs_iput(made);
	} else if (!err) {
		if (type != S_IFCHR && type != S_IFBLK)
			rdev = 0;
		err = dir->ops->mknod
			      ? dir->ops->mknod(dir, name, len,
						mode & (S_IFMT | 07777), rdev)
			      : -EPERM;
	}
	sleep_unlock(&dir->lock);
	vfs_iput(dir);
	return err;
}

int vfs_link(struct inode *cwd, const char *old_path, const char *new_path)
{
	struct inode *src, *dir;
	const char *name;
	size_t len;
	int err;

	err = vfs_lookup(cwd, old_path, 0, &src);
	if (err)
		return err;
	err = -EPERM; /* no hard links to directories */
	if (S_ISDIR(src->mode))
		goto out_src;
	err = namei_parent(cwd, new_path, &dir, &name, &len);
	if (err)
		goto out_src;
	sleep_lock(&dir->lock);
	if (dir->sb != src->sb)
		err = -EXDEV;
	else
		err = create_checks(dir, name, len, false);
	if (!err) {
		sleep_lock(&src->lock);
		if (src->nlink == 0)
			err = -ENOENT; /* an open file that was unlinked */
		sleep_unlock(&src->lock);
	}
	if (!err)
		err = dir->ops->link ? dir->ops->link(src, dir, name, len)
				     : -EPERM;
	sleep_unlock(&dir->lock);
	vfs_iput(dir);
out_src:
	vfs_iput(src);
	return err;
}

/* The child name of dir, looked up with dir locked. */
static int lookup_child(struct inode *dir, const char *name, size_t len,
			struct inode **out)
{
	int err;

	sleep_lock(&dir->lock);
	err = lookup_locked(dir, name, len, out);
	sleep_unlock(&dir->lock);
	return err;
}

int vfs_rmdir(struct inode *cwd, const char *path)
{
	struct inode *dir, *victim;
	const char *name;
	size_t len;
	int err;

	err = namei_parent(cwd, path, &dir, &name, &len);
	if (err)
		return err;
	if (name == vfs_slash_dot)
		err = -EBUSY;
	else if (name_is_dot(name, len))
		err = -EINVAL;
	else if (name_is_dotdot(name, len))
		err = -ENOTEMPTY;
	else
		err = sb_writable(dir->sb);
	if (err)
		goto out_dir;
	sleep_lock(&dir->lock);
	err = lookup_locked(dir, name, len, &victim);
	if (err)
		goto out_unlock;
	err = vfs_may_delete(dir, victim);
	if (!err && !S_ISDIR(victim->mode))
		err = -ENOTDIR;
	else if (!err && mount_busy_inode(victim))
		err = -EBUSY;
	vfs_iput(victim);
	if (!err)
		err = dir->ops->rmdir ? dir->ops->rmdir(dir, name, len)
				      : -EPERM;
out_unlock:
	sleep_unlock(&dir->lock);
out_dir:
	vfs_iput(dir);
	return err;
}

int vfs_unlink(struct inode *cwd, const char *path)
{
	struct inode *dir, *victim;
	const char *name;
	size_t len;
	int err;

	err = namei_parent(cwd, path, &dir, &name, &len);
	if (err)
		return err;
	if (name_is_dot(name, len) || name_is_dotdot(name, len))
		err = -EISDIR;
	else
		err = sb_writable(dir->sb);
	if (err)
		goto out_dir;
	sleep_lock(&dir->lock);
	err = lookup_locked(dir, name, len, &victim);
	if (err)
		goto out_unlock;
	err = vfs_may_delete(dir, victim);
	if (!err && S_ISDIR(victim->mode))
		err = -EISDIR;
	else if (!err && name[len] == '/')
		err = -ENOTDIR;
	vfs_iput(victim);
	if (!err)
		err = dir->ops->unlink ? dir->ops->unlink(dir, name, len)
				       : -EPERM;
out_unlock:
	sleep_unlock(&dir->lock);
out_dir:
	vfs_iput(dir);
	return err;
}

/* ---- rename ---------------------------------------------------------------- */

/* Is a the directory d or above it (in d's file system)? 1, 0 or an
 * error. Caller holds sb->rename_lock and no directory lock. */
static int is_ancestor(const struct inode *a, struct inode *d)
{
	struct inode *cur = d, *up;
	int err = 0;

	vfs_iref(cur);
	while (cur != a) {
		sleep_lock(&cur->lock);
		err = cur->ops->lookup(cur, "..", 2, &up);
		sleep_unlock(&cur->lock);
		if (err || up == cur) {
			if (!err)
				vfs_iput(up);
			break;
		}
		vfs_iput(cur);
		cur = up;
	}
	vfs_iput(cur);
	return err ? err : cur == a;
}

struct rename {
	struct inode *old_dir, *new_dir;
	const char *old_name, *new_name;
	size_t old_len, new_len;
	struct inode *src, *dst; /* what the names are now; dst may be NULL */
};

/* Look both names up, each with its directory locked alone. */
static int rename_lookup(struct rename *r)
{
	int err;

	err = lookup_child(r->old_dir, r->old_name, r->old_len, &r->src);
	if (err)
		return err;
	err = lookup_child(r->new_dir, r->new_name, r->new_len, &r->dst);
	if (err == -ENOENT) {
		r->dst = NULL;
		err = 0;
	}
	if (err)
		vfs_iput(r->src);
	return err;
}

static void rename_put(struct rename *r)
{
	vfs_iput(r->src);
	if (r->dst)
		vfs_iput(r->dst);
}

/* The caller may take the old name away and make (or replace) the new
 * one; a directory that changes parents has its ".." rewritten, so the
 * caller must be able to write it too. */
static int rename_may(struct rename *r)
{
	int err = vfs_may_delete(r->old_dir, r->src);

	if (!err)
		err = r->dst ? vfs_may_delete(r->new_dir, r->dst)
			     : vfs_may_create(r->new_dir);
	if (!err && S_ISDIR(r->src->mode) && r->old_dir != r->new_dir)
		err = vfs_permission(r->src, MAY_WRITE);
	return err;
}

/* Linux's checks on what the names are; 1 if there is nothing to do. */
static int rename_checks(struct rename *r)
{
	bool slash = r->old_name[r->old_len] == '/' ||
		     r->new_name[r->new_len] == '/';
	int err;

	if (r->src == r->dst)
		return 1; /* two names of one file: nothing to do */
	err = rename_may(r);
	if (err)
		return err;
	if (!S_ISDIR(r->src->mode)) {
		if (slash)
			return -ENOTDIR;
		return r->dst && S_ISDIR(r->dst->mode) ? -EISDIR : 0;
	}
	if (r->dst && !S_ISDIR(r->dst->mode))
		return -ENOTDIR;
	if (mount_busy_inode(r->src) || (r->dst && mount_busy_inode(r->dst)))
		return -EBUSY;
	err = is_ancestor(r->src, r->new_dir);
	if (err)
		return err < 0 ? err : -EINVAL; /* into its own subtree */
	if (r->dst) {
		err = is_ancestor(r->dst, r->old_dir);
		if (err)
			return err < 0 ? err : -ENOTEMPTY;
	}
	return 0;
}

/* Lock the two directories: an ancestor first, else the one at the
 * lower address. */
static int rename_lock_dirs(struct rename *r)
{
	bool new_first;
	int above;

	if (r->old_dir == r->new_dir) {
		sleep_lock(&r->old_dir->lock);
		return 0;
	}
	above = is_ancestor(r->new_dir, r->old_dir);
	if (above < 0)
		return above;
	new_first = above;
	if (!new_first) {
		above = is_ancestor(r->old_dir, r->new_dir);
		if (above < 0)
			return above;
		new_first = !above && r->new_dir < r->old_dir;
	}
	sleep_lock(new_first ? &r->new_dir->lock : &r->old_dir->lock);
	sleep_lock(new_first ? &r->old_dir->lock : &r->new_dir->lock);
	return 0;
}

static void rename_unlock_dirs(struct rename *r)
{
	if (r->old_dir != r->new_dir)
		sleep_unlock(&r->new_dir->lock);
	sleep_unlock(&r->old_dir->lock);
}

/* Do the names still mean what the checks saw (locks held)? */
static int rename_unchanged(struct rename *r)
{
	struct inode *src, *dst = NULL;
	int err;

	err = lookup_locked(r->old_dir, r->old_name, r->old_len, &src);
	if (err)
		return err;
	err = lookup_locked(r->new_dir, r->new_name, r->new_len, &dst);
	if (err == -ENOENT) {
		dst = NULL;
		err = 0;
	}
	if (!err)
		err = src == r->src && dst == r->dst ? 1 : 0;
	vfs_iput(src);
	if (dst)
		vfs_iput(dst);
	return err;
}

/* Caller holds the rename lock of the directories' file system. */
static int rename_locked(struct rename *r)
{
	int err;

	for (;;) {
		err = rename_lookup(r);
		if (err)
			return err;
		err = rename_checks(r);
		if (!err)
			err = rename_lock_dirs(r);
		if (err)
			break;
		err = rename_unchanged(r);
		if (err == 1) {
			err = r->new_dir->nlink ? 0 : -ENOENT;
			if (!err && !r->old_dir->ops->rename)
				err = -EPERM;
			if (!err)
				err = r->old_dir->ops->rename(
					r->old_dir, r->old_name, r->old_len,
					r->new_dir, r->new_name, r->new_len);
			rename_unlock_dirs(r);
			break;
		}
		/* Changed by an unlink or create meanwhile: again. */
		rename_unlock_dirs(r);
		rename_put(r);
		if (err)
			return err;
	}
	rename_put(r);
	return err < 0 ? err : 0;
}

int vfs_rename(struct inode *cwd, const char *old_path, const char *new_path)
{
	struct rename r;
	int err;

	err = namei_parent(cwd, old_path, &r.old_dir, &r.old_name, &r.old_len);
	if (err)
		return err;
	err = namei_parent(cwd, new_path, &r.new_dir, &r.new_name, &r.new_len);
	if (err)
		goto out_old;
	if (name_is_dot(r.old_name, r.old_len) ||
	    name_is_dotdot(r.old_name, r.old_len) ||
	    name_is_dot(r.new_name, r.new_len) ||
	    name_is_dotdot(r.new_name, r.new_len))
		err = -EBUSY;
	else if (r.old_dir->sb != r.new_dir->sb)
		err = -EXDEV;
	else
		err = sb_writable(r.old_dir->sb);
	if (!err) {
		sleep_lock(&r.old_dir->sb->rename_lock);
		err = rename_locked(&r);
		sleep_unlock(&r.old_dir->sb->rename_lock);
	}
	vfs_iput(r.new_dir);
out_old:
	vfs_iput(r.old_dir);
	return err;
}
