/*
 * devfs, mounted at /dev as Linux's "devtmpfs": one directory that shows
 * every registered device as a node, with Linux's names and numbers.
 *
 *   /dev/console  (5,1)   character devices, from the chardev registry
 *   /dev/null     (1,3)   (chardev.h), in registration order
 *   ...
 *   /dev/vda      (254,0) block devices, from the block layer's registry
 *   /dev/fd -> /proc/self/fd, /dev/stdin -> /proc/self/fd/0, ...
 *
 * It keeps nothing of its own: every lookup and readdir asks the two
 * registries, so a device registered after the mount shows at once. An
 * inode number says where its entry comes from (kind << 24 | index in
 * that registry); the registries only grow, so numbers never change. The
 * nodes are only names: opening one goes to device_open (chardev.c),
 * which finds the driver by the number stat reports. Nothing can be
 * created, removed or renamed here (-EPERM). docs/devices.md.
 */
#include "arch/x86_64/memlayout.h"
#include "fs/chardev.h"
#include "mm/mm.h"

#define DEVFS_ROOT_INO 1
#define KIND_SHIFT 24
#define INDEX_MASK ((1u << KIND_SHIFT) - 1)
#define TMPFS_MAGIC 0x01021994 /* what Linux's devtmpfs reports */
#define MOUNT_DIR_MODE 01777   /* /dev/shm's, as Linux's */
#define BLOCKDEV_MODE 0660

enum devfs_kind {
	KIND_ROOT,
	KIND_LINK,
	KIND_CHAR,
	KIND_BLOCK,
	KIND_DIR,
	KIND_END,
};

static const struct {
	const char *name, *target;
} devfs_links[] = {
	{ "fd", "/proc/self/fd" },
	{ "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" },
	{ "stderr", "/proc/self/fd/2" },
	{ "rtc", "rtc0" },
};

/* Empty directories, for other file systems to be mounted on. */
static const char *const devfs_dirs[] = { "shm" };

/* One name in /dev, as the registries describe it now. */
struct devfs_entry {
	uint64_t ino;
	const char *name;
	uint32_t mode;
	uint64_t rdev;
	const char *target; /* symlinks */
};

struct devfs_inode {
	struct inode vfs;
	uint64_t rdev;      /* constant */
	const char *target; /* constant: a symlink's target */
};

static const struct inode_operations devfs_dir_ops, devfs_node_ops,
	devfs_link_ops, devfs_empty_dir_ops;
static const struct super_operations devfs_super_ops;

static struct devfs_inode *devfs_inode(struct inode *inode)
{
	return container_of(inode, struct devfs_inode, vfs);
}

struct block_at {
	unsigned int index; /* in: counts down to the one wanted */
	struct block_device *dev;
};

static void pick_block(struct block_device *dev, void *arg)
{
	struct block_at *b = arg;

	if (!b->dev && b->index-- == 0)
		b->dev = dev;
}

/* The entry with inode number ino: true, or false if there is none. */
static bool entry_of(uint64_t ino, struct devfs_entry *e)
{
	unsigned int index = ino & INDEX_MASK;
	struct block_at b = { .index = index };
	struct chardev *cd;

	e->ino = ino;
	e->target = NULL;
	e->rdev = 0;
	switch (ino >> KIND_SHIFT) {
	case KIND_LINK:
		if (index >= ARRAY_SIZE(devfs_links))
			return false;
		e->name = devfs_links[index].name;
		e->target = devfs_links[index].target;
		e->mode = S_IFLNK | 0777;
		return true;
	case KIND_CHAR:
		cd = chardev_at(index);
		if (!cd)
			return false;
		e->name = cd->name;
		e->mode = S_IFCHR | (cd->mode & 07777);
		e->rdev = dev_make(cd->major, cd->minor);
		return true;
	case KIND_BLOCK:
		block_for_each(pick_block, &b);
		if (!b.dev)
			return false;
		e->name = b.dev->name;
		e->mode = S_IFBLK | BLOCKDEV_MODE;
		e->rdev = blockdev_number(b.dev);
		return true;
	case KIND_DIR:
		if (index >= ARRAY_SIZE(devfs_dirs))
			return false;
		e->name = devfs_dirs[index];
		e->mode = S_IFDIR | MOUNT_DIR_MODE;
		return true;
	default:
		return false;
	}
}

/* The first entry whose number is at least ino: true, or false past the
 * last. Within a kind the indexes have no gaps. */
static bool entry_from(uint64_t ino, struct devfs_entry *e)
{
	for (uint64_t kind = MAX(ino >> KIND_SHIFT, KIND_LINK); kind < KIND_END;
	     kind++) {
		uint64_t first = kind << KIND_SHIFT;

		if (entry_of(MAX(ino, first), e))
			return true;
	}
	return false;
}

static unsigned int dtype(uint32_t mode)
{
	if (S_ISDIR(mode))
		return DT_DIR;
	if (S_ISLNK(mode))
		return DT_LNK;
	return S_ISCHR(mode) ? DT_CHR : DT_BLK;
}

/* ---- the directory -------------------------------------------------------- */

static int devfs_lookup(struct inode *dir, const char *name, size_t len,
			struct inode **out)
{
	struct devfs_entry e;

	if (len == 2 && name[0] == '.' && name[1] == '.')
		return vfs_iget(dir->sb, DEVFS_ROOT_INO, out);
	for (uint64_t ino = 0; entry_from(ino, &e); ino = e.ino + 1)
		if (strlen(e.name) == len && memcmp(e.name, name, len) == 0)
			return vfs_iget(dir->sb, e.ino, out);
	return -ENOENT;
}

/* Cookies: 0 ".", 1 "..", then an entry's inode number. */
static int devfs_readdir(struct inode *dir, uint64_t *pos, vfs_emit_fn emit,
			 void *ctx)
{
	struct devfs_entry e;

	if (*pos == 0) {
		if (emit(ctx, ".", 1, DEVFS_ROOT_INO, DT_DIR))
			return 0;
		*pos = 1;
	}
	if (*pos == 1) {
		if (emit(ctx, "..", 2, DEVFS_ROOT_INO, DT_DIR))
			return 0;
		*pos = 2;
	}
	while (entry_from(*pos, &e)) {
		if (emit(ctx, e.name, strlen(e.name), e.ino, dtype(e.mode)))
			return 0;
		*pos = e.ino + 1;
	}
	return 0;
}

/* An empty directory: only "." and "..", the root. */
static int devfs_empty_lookup(struct inode *dir, const char *name, size_t len,
			      struct inode **out)
{
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return vfs_iget(dir->sb, DEVFS_ROOT_INO, out);
	return -ENOENT;
}

static int devfs_empty_readdir(struct inode *dir, uint64_t *pos,
			       vfs_emit_fn emit, void *ctx)
{
	if (*pos == 0) {
		if (emit(ctx, ".", 1, dir->ino, DT_DIR))
			return 0;
		*pos = 1;
	}
	if (*pos == 1) {
		if (emit(ctx, "..", 2, DEVFS_ROOT_INO, DT_DIR))
			return 0;
		*pos = 2;
	}
	return 0;
}

static const struct inode_operations devfs_empty_dir_ops = {
	.lookup = devfs_empty_lookup,
	.readdir = devfs_empty_readdir,
};

/* ---- nodes ------------------------------------------------------------------ */

static int devfs_stat(struct inode *inode, struct kstat *st)
{
	st->rdev = devfs_inode(inode)->rdev;
	st->blocks = 0;
	return 0;
}

static int devfs_readlink(struct inode *inode, char *buf, size_t size)
{
	const char *target = devfs_inode(inode)->target;
	size_t len = MIN(strlen(target), size);

	memcpy(buf, target, len);
	return (int)len;
}

static const struct inode_operations devfs_dir_ops = {
	.lookup = devfs_lookup,
	.readdir = devfs_readdir,
};

static const struct inode_operations devfs_node_ops = {
	.stat = devfs_stat,
};

static const struct inode_operations devfs_link_ops = {
	.readlink = devfs_readlink,
	.stat = devfs_stat,
};

/* ---- the super block --------------------------------------------------------- */

static int devfs_read_inode(struct super_block *sb, uint64_t ino,
			    struct inode **out)
{
	struct timespec64 *mounted = sb->fs_private;
	struct devfs_entry e = { .mode = S_IFDIR | 0755 };
	struct devfs_inode *di;

	if (ino != DEVFS_ROOT_INO && !entry_of(ino, &e))
		return -ENOENT;
	di = kzalloc(sizeof(*di));
	if (!di)
		return -ENOMEM;
	di->rdev = e.rdev;
	di->target = e.target;
	di->vfs.mode = e.mode;
	di->vfs.nlink = S_ISDIR(e.mode) ? 2 : 1;
	di->vfs.size = e.target ? strlen(e.target) : 0;
	di->vfs.atime = di->vfs.mtime = di->vfs.ctime = *mounted;
	if (ino == DEVFS_ROOT_INO)
		di->vfs.ops = &devfs_dir_ops;
	else if (S_ISDIR(e.mode))
		di->vfs.ops = &devfs_empty_dir_ops;
	else if (S_ISLNK(e.mode))
		di->vfs.ops = &devfs_link_ops;
	else
		di->vfs.ops = &devfs_node_ops;
	*out = &di->vfs;
	return 0;
}

/* Nothing to write: an inode here never changes. */
static int devfs_write_inode(struct inode *inode)
{
	return 0;
}

static void devfs_free_inode(struct inode *inode)
{
	kfree(devfs_inode(inode));
}

static int devfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	*st = (struct kstatfs){
		.type = TMPFS_MAGIC,
		.block_size = PAGE_SIZE,
		.name_max = VFS_NAME_MAX,
	};
	return 0;
}

static int devfs_sync(struct super_block *sb)
{
	return 0;
}

static int devfs_unmount(struct super_block *sb)
{
	kfree(sb->fs_private);
	kfree(sb);
	return 0;
}

static const struct super_operations devfs_super_ops = {
	.read_inode = devfs_read_inode,
	.write_inode = devfs_write_inode,
	.free_inode = devfs_free_inode,
	.statfs = devfs_statfs,
	.sync = devfs_sync,
	.unmount = devfs_unmount,
};

// cppcheck-suppress constParameter
static int devfs_mount(struct block_device *dev, bool read_only,
		       struct super_block **out)
{
	struct super_block *sb;
	struct timespec64 *mounted;

	if (dev)
		return -EINVAL; /* a memory file system */
	sb = kzalloc(sizeof(*sb));
	mounted = kmalloc(sizeof(*mounted));
	if (!sb || !mounted) {
		kfree(sb);
		kfree(mounted);
		return -ENOMEM;
	}
	*mounted = vfs_now(); /* every node's three times */
	sb->ops = &devfs_super_ops;
	sb->root_ino = DEVFS_ROOT_INO;
	sb->read_only = read_only;
	sb->fs_private = mounted;
	*out = sb;
	return 0;
}

static struct file_system_type devfs_type = {
	.name = "devtmpfs",
	.mount = devfs_mount,
};

void devfs_init(void)
{
	vfs_register_fs(&devfs_type);
}
