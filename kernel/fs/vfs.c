/*
 * The VFS's inode cache and its registry of file system types (vfs.h).
 *
 * The inode cache holds exactly the inodes someone references: vfs_iget
 * finds an inode by (super block, inode number) in a hash table or reads
 * it with the file system's read_inode; the last vfs_iput writes a dirty
 * inode back (or, if it has no links left, has the file system delete
 * it) and frees it. So there is at most one struct inode per file, and
 * everyone who has the file open sees the same one.
 *
 * Two rules keep that true: an inode stays in the hash until it has been
 * written back (so a vfs_iget never reads an old copy from the disk), and
 * reading an inode in is serialized by the sleep lock `icache fill` (so
 * two vfs_igets of one inode cannot both read it). docs/vfs.md.
 */
#include "fs/vfs_internal.h"
#include "arch/x86_64/arch.h"
#include "fs/ramfs.h"
#include "fs/tmpfs.h"
#include "mm/mm.h"
#include "mm/pagecache.h"

#define ICACHE_BUCKETS 256
#define VFS_FS_TYPES_MAX 8

static struct {
	struct spinlock lock; /* "icache": hash, count, every refcount */
	struct inode *hash[ICACHE_BUCKETS];
	unsigned int count;
	struct sleeplock fill; /* "icache fill": held while reading one in */
} icache = {
	.lock = SPINLOCK_INIT("icache"),
	.fill = SLEEPLOCK_INIT("icache fill"),
};

static struct {
	struct spinlock lock; /* "fs types": the array */
	struct file_system_type *types[VFS_FS_TYPES_MAX];
} fs_types = { .lock = SPINLOCK_INIT("fs types") };

struct timespec64 vfs_now(void)
{
	uint64_t ns = time_realtime_ns();

	return (struct timespec64){ .sec = (int64_t)(ns / NS_PER_SEC),
				    .nsec = (int64_t)(ns % NS_PER_SEC) };
}

/* ---- the cache --------------------------------------------------------- */

static unsigned int bucket(struct super_block *sb, uint64_t ino)
{
	return (unsigned int)((ino ^ (uintptr_t)sb >> 6) % ICACHE_BUCKETS);
}

/* Caller holds icache.lock. */
static struct inode *cache_find(struct super_block *sb, uint64_t ino)
{
	struct inode *ip = icache.hash[bucket(sb, ino)];

	while (ip && !(ip->sb == sb && ip->ino == ino))
		ip = ip->cache_next;
	return ip;
}

/* Caller holds icache.lock. */
static void cache_remove(struct inode *ip)
{
	struct inode **pp = &icache.hash[bucket(ip->sb, ip->ino)];

	while (*pp != ip)
		pp = &(*pp)->cache_next;
	*pp = ip->cache_next;
	icache.count--;
}

/* The cached inode with a new reference, or NULL. */
static struct inode *cache_get(struct super_block *sb, uint64_t ino)
{
	struct inode *ip;

	spin_lock(&icache.lock);
	ip = cache_find(sb, ino);
	if (ip)
		ip->refcount++;
	spin_unlock(&icache.lock);
	return ip;
}

int vfs_iget(struct super_block *sb, uint64_t ino, struct inode **out)
{
	struct inode *ip = cache_get(sb, ino);
	int err = 0;

	if (ip)
		goto out;
	sleep_lock(&icache.fill);
	ip = cache_get(sb, ino); /* read in while we waited? */
	if (ip)
		goto out_unlock;
	err = sb->ops->read_inode(sb, ino, &ip);
	if (err)
		goto out_unlock;
	ip->sb = sb;
	ip->ino = ino;
	ip->refcount = 1;
	ip->dirty = false;
	sleep_lock_init(&ip->lock, "inode");
	spin_lock(&icache.lock);
	ip->cache_next = icache.hash[bucket(sb, ino)];
	icache.hash[bucket(sb, ino)] = ip;
	icache.count++;
	spin_unlock(&icache.lock);
out_unlock:
	sleep_unlock(&icache.fill);
out:
	if (!err)
		*out = ip;
	return err;
}

void vfs_iref(struct inode *inode)
{
	spin_lock(&icache.lock);
	assert(inode->refcount > 0);
	inode->refcount++;
	spin_unlock(&icache.lock);
}

void vfs_inode_dirty(struct inode *inode)
{
	assert(sleep_held(&inode->lock));
	inode->dirty = true;
}

int vfs_inode_write(struct inode *inode)
{
	int err = 0;

	if (inode->dirty && inode->nlink > 0 && !inode->sb->read_only)
		err = inode->sb->ops->write_inode(inode);
	if (err)
		kprintf("vfs: writing inode %lu back failed (%d)\n", inode->ino,
			err);
	inode->dirty = false;
	return err;
}

/* Drop a reference; 0 if others remain. The last one leaves the inode
 * in the cache until its page-cache pages and then the inode itself are
 * written back, in case someone takes it again meanwhile (and dirties
 * it: then write it again). Once it is out of the cache its pages go. */
void vfs_iput(struct inode *inode)
{
	bool unlinked;

	for (;;) {
		bool pages_dirty;

		spin_lock(&icache.lock);
		assert(inode->refcount > 0);
		if (inode->refcount > 1) {
			inode->refcount--;
			spin_unlock(&icache.lock);
			return;
		}
		/* Ours is the only reference: no one holds inode->lock, and
		 * its fields can be read here. */
		pages_dirty = inode->nlink > 0 && pagecache_dirty(inode);
		if (!pages_dirty && (!inode->dirty || inode->nlink == 0))
			break;
		spin_unlock(&icache.lock);
		sleep_lock(&inode->lock);
		if (pages_dirty)
			pagecache_writeback(inode);
		vfs_inode_write(inode);
		sleep_unlock(&inode->lock);
	}
	inode->refcount = 0;
	cache_remove(inode);
	unlinked = inode->nlink == 0 && !inode->sb->read_only;
	spin_unlock(&icache.lock);
	pagecache_forget(inode);
	if (unlinked) {
		sleep_lock(&inode->lock);
		inode->sb->ops->evict_inode(inode);
		sleep_unlock(&inode->lock);
	}
	inode->sb->ops->free_inode(inode);
}

int vfs_inode_stat(struct inode *inode, struct kstat *st)
{
	int err = 0;

	sleep_lock(&inode->lock);
	*st = (struct kstat){
		.ino = inode->ino,
		.mode = inode->mode,
		.nlink = inode->nlink,
		.uid = inode->uid,
		.gid = inode->gid,
		.size = inode->size,
		.blksize = PAGE_SIZE,
		.blocks = ALIGN_UP(inode->size, 512) / 512,
		.atime = inode->atime,
		.mtime = inode->mtime,
		.ctime = inode->ctime,
	};
	if (inode->ops->stat)
		err = inode->ops->stat(inode, st);
	st->dev = inode->sb->dev_id;
	sleep_unlock(&inode->lock);
	return err;
}

/* Take a reference to the next inode of sb in the bucket after prev (or
 * from its start), dropping the one on prev. */
static struct inode *next_of_sb(const struct super_block *sb, unsigned int b,
				struct inode *prev)
{
	struct inode *ip;

	spin_lock(&icache.lock);
	ip = prev ? prev->cache_next : icache.hash[b];
	while (ip && ip->sb != sb)
		ip = ip->cache_next;
	if (ip)
		ip->refcount++;
	spin_unlock(&icache.lock);
	if (prev)
		vfs_iput(prev);
	return ip;
}

int vfs_sync_inodes(struct super_block *sb)
{
	int err, first = 0;

	for (unsigned int b = 0; b < ICACHE_BUCKETS; b++) {
		struct inode *ip = NULL;

		while ((ip = next_of_sb(sb, b, ip)) != NULL) {
			sleep_lock(&ip->lock);
			err = vfs_inode_write(ip);
			sleep_unlock(&ip->lock);
			if (err && !first)
				first = err;
		}
	}
	return first;
}

bool vfs_sb_busy(const struct super_block *sb, const struct inode *root,
		 unsigned int root_refs)
{
	bool busy = false;

	spin_lock(&icache.lock);
	for (unsigned int b = 0; b < ICACHE_BUCKETS && !busy; b++)
		for (struct inode *ip = icache.hash[b]; ip; ip = ip->cache_next)
			if (ip->sb == sb &&
			    (ip != root || ip->refcount > root_refs))
				busy = true;
	spin_unlock(&icache.lock);
	return busy;
}

/* ---- file system types and statistics ----------------------------------- */

void vfs_register_fs(struct file_system_type *type)
{
	unsigned int i;

	spin_lock(&fs_types.lock);
	for (i = 0; i < VFS_FS_TYPES_MAX && fs_types.types[i]; i++)
		;
	if (i == VFS_FS_TYPES_MAX)
		panic("vfs: more than %d file system types", VFS_FS_TYPES_MAX);
	fs_types.types[i] = type;
	spin_unlock(&fs_types.lock);
}

unsigned int vfs_fs_types(struct file_system_type **out, unsigned int max)
{
	unsigned int n = 0;

	spin_lock(&fs_types.lock);
	for (unsigned int i = 0;
	     i < VFS_FS_TYPES_MAX && fs_types.types[i] && n < max; i++)
		out[n++] = fs_types.types[i];
	spin_unlock(&fs_types.lock);
	return n;
}

struct file_system_type *vfs_find_fs(const char *name)
{
	struct file_system_type *found = NULL;

	spin_lock(&fs_types.lock);
	for (unsigned int i = 0; i < VFS_FS_TYPES_MAX && fs_types.types[i]; i++)
		if (strcmp(fs_types.types[i]->name, name) == 0)
			found = fs_types.types[i];
	spin_unlock(&fs_types.lock);
	return found;
}

void vfs_get_stats(struct vfs_stats *st)
{
	spin_lock(&icache.lock);
	st->inodes = icache.count;
	spin_unlock(&icache.lock);
	vfs_mount_stats(st);
	st->files = vfs_open_files();
}

void vfs_init(void)
{
	ramfs_init();
	tmpfs_init();
}
