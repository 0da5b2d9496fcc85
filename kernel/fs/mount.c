/*
 * The mount table (vfs.h): which file system covers which directory.
 *
 * A mount joins two inodes: the directory it covers (its mount point, in
 * the parent file system) and the root of the file system mounted there.
 * The mount keeps a reference to both, so each stays in the inode cache
 * and can be recognized by its address. Path lookup crosses down when a
 * step lands on a mount point (mount_cross_down), and crosses up when
 * ".." starts at a mounted root (mount_dotdot):
 *
 *     /            root file system (root mount: no mount point)
 *     └── mnt      mount point ──covered by──> root of the ramfs
 *                                              └── file
 *
 *   "/mnt/file": step "mnt" gives the covered directory, crossing down
 *   gives the ramfs root, step "file" is looked up in the ramfs.
 *   "/mnt/.." from the ramfs root crosses up to /mnt, then takes its ".."
 *   in the root file system.
 *
 * Each super block is mounted once, so an inode's mount is found by its
 * sb. `mounts` (a spinlock) guards the list; `mount` (a sleep lock) is
 * held across a whole mount, unmount or sync, which do disk I/O.
 * docs/vfs.md.
 */
#include "block/bcache.h"
#include "fs/vfs_internal.h"
#include "mm/mm.h"

struct mount {
	struct super_block *sb;
	struct inode *root;       /* sb's root directory, referenced */
	struct inode *mountpoint; /* the directory covered; NULL for "/" */
	struct mount *parent;     /* the mount holding mountpoint */
	struct mount *next;
	char *target; /* the path it was mounted on, for /proc/mounts */
};

static struct {
	struct sleeplock mutex; /* "mount": one mount/unmount/sync at a time */
	struct spinlock lock;   /* "mounts": the fields below */
	struct mount *list;
	struct mount *root;
	unsigned int count;
	uint64_t next_dev_id;
} mounts = {
	.mutex = SLEEPLOCK_INIT("mount"),
	.lock = SPINLOCK_INIT("mounts"),
};

/* Caller holds mounts.lock. */
static struct mount *mount_of_sb(const struct super_block *sb)
{
	struct mount *m = mounts.list;

	while (m && m->sb != sb)
		m = m->next;
	return m;
}

/* Caller holds mounts.lock. */
static struct mount *mount_on(const struct inode *mountpoint)
{
	struct mount *m = mounts.list;

	while (m && m->mountpoint != mountpoint)
		m = m->next;
	return m;
}

struct inode *vfs_root(void)
{
	struct inode *root = NULL;

	spin_lock(&mounts.lock);
	if (mounts.root) {
		root = mounts.root->root;
		vfs_iref(root);
	}
	spin_unlock(&mounts.lock);
	return root;
}

void mount_cross_down(struct inode **inode)
{
	struct inode *cur = *inode, *next;
	struct mount *m;

	for (;;) {
		spin_lock(&mounts.lock);
		m = S_ISDIR(cur->mode) ? mount_on(cur) : NULL;
		next = m ? m->root : NULL;
		if (next)
			vfs_iref(next);
		spin_unlock(&mounts.lock);
		if (!next)
			break;
		vfs_iput(cur);
		cur = next;
	}
	*inode = cur;
}

int mount_dotdot(struct inode *dir, struct inode **out)
{
	struct inode *cur = dir, *up;
	struct mount *m;
	bool at_root;
	int err;

	vfs_iref(cur);
	for (;;) {
		spin_lock(&mounts.lock);
		m = mount_of_sb(cur->sb);
		at_root = m && m->root == cur;
		up = at_root ? m->mountpoint : NULL;
		if (up)
			vfs_iref(up);
		spin_unlock(&mounts.lock);
		if (!up)
			break;
		vfs_iput(cur);
		cur = up;
	}
	if (at_root) {
		*out = cur; /* ".." of "/" is "/" */
		return 0;
	}
	sleep_lock(&cur->lock);
	err = cur->ops->lookup(cur, "..", 2, out);
	sleep_unlock(&cur->lock);
	vfs_iput(cur);
	if (!err)
		mount_cross_down(out);
	return err;
}

bool mount_busy_inode(struct inode *inode)
{
	struct mount *m;
	bool busy;

	spin_lock(&mounts.lock);
	m = mount_of_sb(inode->sb);
	busy = mount_on(inode) || (m && m->root == inode);
	spin_unlock(&mounts.lock);
	return busy;
}

/* ---- mount ------------------------------------------------------------- */

/* The directory to mount on (referenced), or NULL for the root mount. */
static int mount_target(const char *target, struct inode **out)
{
	struct inode *root = vfs_root();
	int err;

	*out = NULL;
	if (!root)
		return strcmp(target, "/") == 0 ? 0 : -ENOENT;
	err = vfs_lookup(NULL, target, LOOKUP_FOLLOW, out);
	if (!err && *out == root)
		err = -EBUSY; /* mounting over the root is not supported */
	else if (!err && !S_ISDIR((*out)->mode))
		err = -ENOTDIR;
	if (err && *out) {
		vfs_iput(*out);
		*out = NULL;
	}
	vfs_iput(root);
	return err;
}

/* Fill in what the VFS owns in a new super block, and get its root. */
static int mount_sb(struct file_system_type *type, struct block_device *dev,
		    bool read_only, struct mount *m)
{
	struct super_block *sb;
	int err;

	err = type->mount(dev, read_only, &sb);
	if (err)
		return err;
	sb->type = type;
	sb->dev = dev;
	sb->read_only = sb->read_only || read_only;
	sleep_lock_init(&sb->rename_lock, "rename");
	spin_lock(&mounts.lock);
	sb->dev_id = ++mounts.next_dev_id;
	spin_unlock(&mounts.lock);
	err = vfs_iget(sb, sb->root_ino, &m->root);
	if (!err && !S_ISDIR(m->root->mode)) {
		kprintf("vfs: %s: the root inode is not a directory\n",
			type->name);
		vfs_iput(m->root);
		err = -EIO;
	}
	if (err) {
		sb->ops->unmount(sb);
		if (dev)
			binvalidate(dev);
		return err;
	}
	m->sb = sb;
	return 0;
}

/* Caller holds mounts.mutex. */
static bool dev_mounted(const struct block_device *dev)
{
	bool found = false;

	spin_lock(&mounts.lock);
	for (struct mount *m = mounts.list; m; m = m->next)
		if (dev && m->sb->dev == dev)
			found = true;
	spin_unlock(&mounts.lock);
	return found;
}

/* A copy of target as an absolute path without trailing slashes (lookups
 * with no working directory start at the root), or NULL. */
static char *target_copy(const char *target)
{
	bool relative = target[0] != '/';
	size_t len = strlen(target);
	char *copy;

	while (len > 1 && target[len - 1] == '/')
		len--;
	copy = kmalloc(relative + len + 1);
	if (!copy)
		return NULL;
	copy[0] = '/';
	memcpy(copy + relative, target, len);
	copy[relative + len] = '\0';
	return copy;
}

int vfs_mount(const char *source, const char *target, const char *type,
	      bool read_only)
{
	struct file_system_type *fs = vfs_find_fs(type);
	struct block_device *dev = NULL;
	struct mount *m;
	int err;

	if (!fs)
		return -ENODEV;
	if (!source && fs->requires_device)
		return -ENOTBLK;
	if (source) {
		dev = block_find(source);
		if (!dev)
			return -ENOENT;
		if (dev->read_only && !read_only)
			return -EROFS;
	}
	m = kzalloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->target = target_copy(target);
	if (!m->target) {
		kfree(m);
		return -ENOMEM;
	}
	sleep_lock(&mounts.mutex);
	err = dev_mounted(dev) ? -EBUSY : mount_target(target, &m->mountpoint);
	if (err)
		goto out_free;
	err = mount_sb(fs, dev, read_only, m);
	if (err)
		goto out_put;
	spin_lock(&mounts.lock);
	m->parent = m->mountpoint ? mount_of_sb(m->mountpoint->sb) : NULL;
	m->next = mounts.list;
	mounts.list = m;
	mounts.count++;
	if (!m->mountpoint)
		mounts.root = m;
	spin_unlock(&mounts.lock);
	sleep_unlock(&mounts.mutex);
	return 0;
out_put:
	if (m->mountpoint)
		vfs_iput(m->mountpoint);
out_free:
	sleep_unlock(&mounts.mutex);
	kfree(m->target);
	kfree(m);
	return err;
}

/* ---- unmount and sync --------------------------------------------------- */

/* Take m off the list unless it is busy: something mounted below it, or
 * an inode of it referenced (the root by more than the mount itself).
 * Caller holds mounts.mutex and mounts.lock. */
static int detach(struct mount *m)
{
	for (struct mount *c = mounts.list; c; c = c->next)
		if (c->parent == m)
			return -EBUSY;
	if (vfs_sb_busy(m->sb, m->root, 1))
		return -EBUSY;
	for (struct mount **pp = &mounts.list; *pp; pp = &(*pp)->next)
		if (*pp == m) {
			*pp = m->next;
			break;
		}
	mounts.count--;
	if (mounts.root == m)
		mounts.root = NULL;
	return 0;
}

/* The file system is off the list and unused: write it back and let it
 * go. The first error is returned, but the unmount is done anyway. */
static int release(struct mount *m)
{
	struct super_block *sb = m->sb;
	struct block_device *dev = sb->dev;
	int err, first;

	first = vfs_sync_inodes(sb);
	vfs_iput(m->root);
	if (m->mountpoint)
		vfs_iput(m->mountpoint);
	err = sb->ops->sync(sb);
	first = first ? first : err;
	err = sb->ops->unmount(sb);
	first = first ? first : err;
	if (dev) {
		err = binvalidate(dev);
		first = first ? first : err;
	}
	kfree(m->target);
	kfree(m);
	return first;
}

/* The mount whose root is the directory at target, in *out. The caller
 * holds mounts.mutex, so it stays mounted until the caller lets go.
 * -EINVAL if target is not a mount point. */
static int mount_at(const char *target, struct mount **out)
{
	struct inode *ip;
	int err = vfs_lookup(NULL, target, LOOKUP_FOLLOW, &ip);

	if (err)
		return err;
	spin_lock(&mounts.lock);
	*out = mount_of_sb(ip->sb);
	if (!*out || (*out)->root != ip)
		err = -EINVAL; /* not a mount point */
	spin_unlock(&mounts.lock);
	vfs_iput(ip);
	return err;
}

int vfs_unmount(const char *target)
{
	struct mount *m;
	int err;

	sleep_lock(&mounts.mutex);
	err = mount_at(target, &m);
	if (!err) {
		spin_lock(&mounts.lock);
		err = detach(m);
		spin_unlock(&mounts.lock);
	}
	if (!err)
		err = release(m);
	sleep_unlock(&mounts.mutex);
	return err;
}

int vfs_remount(const char *target, bool read_only)
{
	struct mount *m;
	int err;

	sleep_lock(&mounts.mutex);
	err = mount_at(target, &m);
	if (!err && m->sb->read_only != read_only) {
		if (!m->sb->ops->remount)
			err = -EINVAL;
		else if (read_only)
			err = vfs_sync_inodes(m->sb);
		if (!err)
			err = m->sb->ops->remount(m->sb, read_only);
	}
	sleep_unlock(&mounts.mutex);
	return err;
}

int vfs_mount_set_flags(const char *target, unsigned int flags)
{
	struct mount *m;
	int err;

	sleep_lock(&mounts.mutex);
	err = mount_at(target, &m);
	if (!err)
		__atomic_store_n(&m->sb->mnt_flags, flags, __ATOMIC_RELAXED);
	sleep_unlock(&mounts.mutex);
	return err;
}

int vfs_sync(void)
{
	int first = 0;

	sleep_lock(&mounts.mutex);
	/* The list changes only under the mutex: no need for the lock. */
	for (struct mount *m = mounts.list; m; m = m->next) {
		int err = vfs_sync_inodes(m->sb);

		if (!err)
			err = m->sb->ops->sync(m->sb);
		if (err && !first)
			first = err;
	}
	sleep_unlock(&mounts.mutex);
	return first;
}

/* Oldest first: the list is newest first. Caller holds mounts.lock. */
static void for_each_from(struct mount *m,
			  void (*fn)(const struct vfs_mount_info *m, void *arg),
			  void *arg)
{
	struct vfs_mount_info info;

	if (!m)
		return;
	for_each_from(m->next, fn, arg);
	info.source = m->sb->dev ? m->sb->dev->name : m->sb->type->name;
	info.target = m->target;
	info.type = m->sb->type->name;
	info.read_only = m->sb->read_only;
	info.mnt_flags = m->sb->mnt_flags;
	fn(&info, arg);
}

void vfs_for_each_mount(void (*fn)(const struct vfs_mount_info *m, void *arg),
			void *arg)
{
	spin_lock(&mounts.lock);
	for_each_from(mounts.list, fn, arg);
	spin_unlock(&mounts.lock);
}

void vfs_mount_stats(struct vfs_stats *st)
{
	spin_lock(&mounts.lock);
	st->mounts = mounts.count;
	spin_unlock(&mounts.lock);
}
