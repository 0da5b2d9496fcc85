/*
 * Path lookup (vfs.h): turning "a/../b//c" into an inode, one component
 * at a time, the way Linux's namei does.
 *
 * A walk holds a reference to the directory it is in and the rest of the
 * path. Each step looks one name up in that directory (under its lock),
 * handles "." and ".." itself, and crosses mount points both ways
 * (mount.c). A symlink met in the middle of a path, or at its end when
 * the caller asks (LOOKUP_FOLLOW) or a slash follows it, is replaced by
 * its target: the walk goes on with target + rest of the path, from the
 * root if the target is absolute, else from the link's directory. At
 * most VFS_SYMLINK_MAX links are followed in one walk (-ELOOP), so a
 * loop of links ends. A magic link (/proc/PID/fd/N) is followed to the
 * inode it stands for, not by its text. Every directory the walk looks a
 * name up in must grant the caller search (x) permission (permission.c),
 * else -EACCES. The expanded path lives in one heap buffer of
 * VFS_PATH_MAX bytes; nothing is recursive, so the kernel stack stays
 * small. docs/vfs.md has an example walk.
 *
 * Also here: the calls that only read something by path (readlink, stat,
 * statfs).
 */
#include "fs/vfs_internal.h"
#include "mm/mm.h"

const char vfs_slash_dot[] = ".";

struct walk {
	struct inode *dir;  /* where the walk is; referenced */
	const char *p;      /* the rest of the path ... */
	const char *end;    /* ... up to here */
	char *buf;          /* the path after a symlink was expanded */
	unsigned int links; /* symlinks followed */
};

static int walk_start(struct walk *w, struct inode *cwd, const char *path,
		      const char *end)
{
	w->p = path;
	w->end = end;
	w->buf = NULL;
	w->links = 0;
	if (*path == '/' || !cwd) {
		w->dir = vfs_root();
		return w->dir ? 0 : -ENOENT;
	}
	w->dir = cwd;
	vfs_iref(cwd);
	return 0;
}

static void walk_end(struct walk *w)
{
	if (w->dir)
		vfs_iput(w->dir);
	kfree(w->buf);
}

int lookup_locked(struct inode *dir, const char *name, size_t len,
		  struct inode **out)
{
	if (dir->nlink == 0)
		return -ENOENT; /* removed: no names left in it */
	return dir->ops->lookup(dir, name, len, out);
}

/* One step: the inode called name in dir, referenced, across mounts. */
static int step(struct inode *dir, const char *name, size_t len,
		struct inode **out)
{
	int err;

	if (name_is_dot(name, len)) {
		vfs_iref(dir);
		*out = dir;
		return 0;
	}
	if (name_is_dotdot(name, len))
		return mount_dotdot(dir, out);
	sleep_lock(&dir->lock);
	err = lookup_locked(dir, name, len, out);
	sleep_unlock(&dir->lock);
	if (!err)
		mount_cross_down(out);
	return err;
}

int read_link_target(struct inode *link, char *buf)
{
	int n;

	sleep_lock(&link->lock);
	n = link->ops->readlink(link, buf, VFS_PATH_MAX);
	sleep_unlock(&link->lock);
	if (n < 0)
		return n;
	if (n == 0)
		return -ENOENT;
	if (n >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return n;
}

/* Go on with link's target followed by rest (which is empty or starts
 * with a slash): from the root if the target is absolute. */
static int follow(struct walk *w, struct inode *link, const char *rest)
{
	size_t rest_len = (size_t)(w->end - rest);
	char *buf;
	int n;

	if (++w->links > VFS_SYMLINK_MAX)
		return -ELOOP;
	buf = kmalloc(VFS_PATH_MAX);
	if (!buf)
		return -ENOMEM;
	n = read_link_target(link, buf);
	if (n >= 0 && (size_t)n + rest_len >= VFS_PATH_MAX)
		n = -ENAMETOOLONG;
	if (n < 0) {
		kfree(buf);
		return n;
	}
	memcpy(buf + n, rest, rest_len);
	buf[n + rest_len] = '\0';
	kfree(w->buf);
	w->buf = buf;
	w->p = buf;
	w->end = buf + n + rest_len;
	if (buf[0] == '/') {
		vfs_iput(w->dir);
		w->dir = vfs_root();
		if (!w->dir)
			return -ENOENT;
	}
	return 0;
}

/* Go on from what a magic link stands for (inode_operations.get_link),
 * with rest. */
static int follow_magic(struct walk *w, struct inode *link, const char *rest)
{
	struct inode *target;
	int err;

	if (++w->links > VFS_SYMLINK_MAX)
		return -ELOOP;
	err = link->ops->get_link(link, &target);
	if (err)
		return err;
	vfs_iput(w->dir);
	w->dir = target;
	w->p = rest;
	return 0;
}

/* Skip slashes to the next component: false at the end of the path. */
static bool next_name(struct walk *w, const char **name, size_t *len)
{
	const char *end;

	while (w->p < w->end && *w->p == '/')
		w->p++;
	for (end = w->p; end < w->end && *end != '/'; end++)
		;
	*name = w->p;
	*len = (size_t)(end - w->p);
	return *len > 0;
}

/* Walk the rest of the path; the inode it names (referenced) in *out. */
static int walk(struct walk *w, int flags, struct inode **out)
{
	const char *name;
	size_t len;

	while (next_name(w, &name, &len)) {
		const char *rest = name + len; /* "" or "/..." */
		struct inode *child;
		int err;

		if (len > VFS_NAME_MAX)
			return -ENAMETOOLONG;
		if (!S_ISDIR(w->dir->mode))
			return -ENOTDIR;
		err = vfs_permission(w->dir, MAY_EXEC); /* search */
		if (err)
			return err;
		err = step(w->dir, name, len, &child);
		if (err)
			return err;
		if (S_ISLNK(child->mode) &&
		    (rest < w->end || (flags & LOOKUP_FOLLOW))) {
			err = child->ops->get_link
				      ? follow_magic(w, child, rest)
				      : follow(w, child, rest);
			vfs_iput(child);
			if (err)
				return err;
			continue;
		}
		if (rest < w->end && !S_ISDIR(child->mode)) {
			vfs_iput(child);
			return -ENOTDIR; /* "file/..." or "file/" */
		}
		vfs_iput(w->dir);
		w->dir = child;
		w->p = rest;
	}
	*out = w->dir;
	w->dir = NULL;
	return 0;
}

/* 0 with the length of path, or -ENOENT (empty) or -ENAMETOOLONG. */
static int path_length(const char *path, size_t *len)
{
	*len = strnlen(path, VFS_PATH_MAX);
	if (*len == VFS_PATH_MAX)
		return -ENAMETOOLONG;
	return *len ? 0 : -ENOENT;
}

int vfs_lookup(struct inode *cwd, const char *path, int flags,
	       struct inode **out)
{
	struct walk w;
	size_t len;
	int err;

	err = path_length(path, &len);
	if (err)
		return err;
	err = walk_start(&w, cwd, path, path + len);
	if (!err)
		err = walk(&w, flags, out);
	walk_end(&w);
	return err;
}

int namei_parent(struct inode *cwd, const char *path, struct inode **dir,
		 const char **name, size_t *len)
{
	const char *start, *end;
	struct walk w;
	size_t plen;
	int err;

	err = path_length(path, &plen);
	if (err)
		return err;
	for (end = path + plen; end > path && end[-1] == '/'; end--)
		;
	for (start = end; start > path && start[-1] != '/'; start--)
		;
	if (end == path) {
		*name = vfs_slash_dot; /* "/": the root, as "/." */
		*len = 1;
	} else {
		*name = start;
		*len = (size_t)(end - start);
	}
	if (*len > VFS_NAME_MAX)
		return -ENAMETOOLONG;
	err = walk_start(&w, cwd, path, start);
	if (!err)
		err = walk(&w, LOOKUP_FOLLOW, dir);
	walk_end(&w);
	if (err)
		return err;
	/* The last name will be looked up in *dir: search it now. */
	err = S_ISDIR((*dir)->mode) ? vfs_permission(*dir, MAY_EXEC) : -ENOTDIR;
	if (err)
		vfs_iput(*dir);
	return err;
}

int vfs_lookup_parent(struct inode *cwd, const char *path, struct inode **dir,
		      const char **name, size_t *len)
{
	int err = namei_parent(cwd, path, dir, name, len);

	if (!err && *name == vfs_slash_dot) {
		vfs_iput(*dir);
		err = -ENOENT;
	}
	return err;
}

/* ---- reading by path ----------------------------------------------------- */

int vfs_readlink(struct inode *cwd, const char *path, char *buf, size_t size)
{
	struct inode *ip;
	int err;

	err = vfs_lookup(cwd, path, 0, &ip);
	if (err)
		return err;
	if (!S_ISLNK(ip->mode)) {
		err = -EINVAL;
	} else {
		sleep_lock(&ip->lock);
		err = ip->ops->readlink(ip, buf, size);
		sleep_unlock(&ip->lock);
	}
	vfs_iput(ip);
	return err;
}

int vfs_stat(struct inode *cwd, const char *path, int flags, struct kstat *st)
{
	struct inode *ip;
	int err;

	err = vfs_lookup(cwd, path, flags, &ip);
	if (err)
		return err;
	err = vfs_inode_stat(ip, st);
	vfs_iput(ip);
	return err;
}

int vfs_statfs(struct inode *cwd, const char *path, struct kstatfs *st)
{
	struct inode *ip;
	int err;

	err = vfs_lookup(cwd, path, LOOKUP_FOLLOW, &ip);
	if (err)
		return err;
	memset(st, 0, sizeof(*st));
	err = ip->sb->ops->statfs ? ip->sb->ops->statfs(ip->sb, st) : -ENOSYS;
	vfs_iput(ip);
	return err;
}
