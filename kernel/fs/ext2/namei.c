/*
 * The name-space operations: create, mkdir, rmdir, unlink, rename, link
 * and symlink, built from the directory-entry primitives of dir.c and
 * the allocators. Each keeps the link counts right:
 *
 *   a file      one link per directory entry naming it
 *   a directory 2 (its entry in the parent, and its own ".") plus one
 *               for each subdirectory's ".."
 *
 * The VFS holds the directories' locks around each call (and the super
 * block's rename lock around a rename); an inode whose link count
 * changes is fetched with vfs_iget and locked here, parent before child.
 * An unlinked inode that is still open keeps its blocks: they are freed
 * when its last reference goes (ext2_evict_inode).
 *
 * Order of the steps: a new inode is written completely before any
 * directory names it, and a name is removed before its inode loses the
 * link, so a crash between steps leaves at worst a lost inode for
 * e2fsck, never a name for a free inode.
 */
#include "fs/ext2/ext2.h"

/* A new inode near directory dir, written and cached, with a reference;
 * owned by the caller (or dir's group: vfs_init_owner). */
static int new_inode(struct ext2_inode_info *dir, uint32_t mode,
		     struct inode **out)
{
	struct ext2_fs *fs = ext2_fs_of(dir);
	uint32_t ino, uid, gid;
	int err = ext2_new_inode_number(fs, dir->group, S_ISDIR(mode), &ino);

	if (err < 0)
		return err;
	vfs_init_owner(&dir->vfs, &mode, &uid, &gid);
	err = ext2_make_inode(fs, ino, mode, uid, gid, out);
	if (err < 0 && err != -EIO)
		ext2_free_inode_number(fs, ino, S_ISDIR(mode));
	return err;
}

/* Undo new_inode: with no links, the last reference frees it. */
static void drop_new_inode(struct inode *inode)
{
	sleep_lock(&inode->lock);
	inode->nlink = 0;
	sleep_unlock(&inode->lock);
	vfs_iput(inode);
}

static int ext2_create(struct inode *dir, const char *name, size_t len,
		       uint32_t mode, struct inode **out)
{
	struct ext2_inode_info *d = to_ext2_inode(dir);
	struct inode *inode;
	int err = ext2_check_writable(ext2_fs_of(d));

	if (err < 0)
		return err;
	if ((mode & S_IFMT) == 0)
		mode |= S_IFREG;
	err = new_inode(d, mode, &inode);
	if (err < 0)
		return err;
	err = ext2_dir_add(d, name, len, inode->ino, mode);
	if (err < 0) {
		drop_new_inode(inode);
		return err;
	}
	*out = inode;
	return 0;
}

static int ext2_mkdir(struct inode *dir, const char *name, size_t len,
		      uint32_t mode)
{
	struct ext2_inode_info *d = to_ext2_inode(dir);
	struct inode *inode;
	int err = ext2_check_writable(ext2_fs_of(d));

	if (err < 0)
		return err;
	if (dir->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	err = new_inode(d, S_IFDIR | (mode & 07777), &inode);
	if (err < 0)
		return err;
	sleep_lock(&inode->lock);
	err = ext2_dir_init(to_ext2_inode(inode), dir->ino);
	sleep_unlock(&inode->lock);
	if (err == 0)
		err = ext2_dir_add(d, name, len, inode->ino, S_IFDIR);
	if (err < 0) {
		drop_new_inode(inode);
		return err;
	}
	dir->nlink++;
	err = ext2_write_inode(dir);
	vfs_iput(inode);
	return err;
}

static int ext2_symlink(struct inode *dir, const char *name, size_t len,
			const char *target)
{
	struct ext2_inode_info *d = to_ext2_inode(dir);
	size_t target_len = strlen(target);
	struct inode *inode;
	int err = ext2_check_writable(ext2_fs_of(d));

	if (err < 0)
		return err;
	if (target_len == 0)
		return -ENOENT;
	if (target_len >= ext2_fs_of(d)->block_size)
		return -ENAMETOOLONG;
	err = new_inode(d, S_IFLNK | 0777, &inode);
	if (err < 0)
		return err;
	sleep_lock(&inode->lock);
	err = ext2_set_link_target(to_ext2_inode(inode), target, target_len);
	sleep_unlock(&inode->lock);
	if (err == 0)
		err = ext2_dir_add(d, name, len, inode->ino, S_IFLNK);
	if (err < 0) {
		drop_new_inode(inode);
		return err;
	}
	vfs_iput(inode);
	return 0;
}

/*
 * A FIFO, a socket or a device node: an inode with no blocks. A device's
 * number goes where the block map would be, as Linux's ext2 puts it: in
 * the old 16-bit form in block[0] when the major and minor fit in a byte
 * each, otherwise block[0] is 0 and block[1] holds Linux's 32-bit form
 * (ext2_stat's device_number reads both).
 */
static int ext2_mknod(struct inode *dir, const char *name, size_t len,
		      uint32_t mode, uint64_t rdev)
{
	struct ext2_inode_info *d = to_ext2_inode(dir), *ei;
	uint32_t major = (uint32_t)((rdev >> 8) & 0xfff);
	uint32_t minor = (uint32_t)((rdev & 0xff) | ((rdev >> 12) & 0xfff00));
	struct inode *inode;
	int err = ext2_check_writable(ext2_fs_of(d));

	if (err < 0)
		return err;
	err = new_inode(d, mode, &inode);
	if (err < 0)
		return err;
	ei = to_ext2_inode(inode);
	sleep_lock(&inode->lock);
	if (major < 256 && minor < 256) {
		ei->block[0] = major << 8 | minor;
	} else {
		ei->block[0] = 0;
		ei->block[1] = (minor & 0xff) | major << 8 |
			       (minor & ~0xffu) << 12;
	}
	vfs_inode_dirty(inode);
	sleep_unlock(&inode->lock);
	err = ext2_dir_add(d, name, len, inode->ino, mode);
	if (err < 0) {
		drop_new_inode(inode);
		return err;
	}
	vfs_iput(inode);
	return 0;
}

static int ext2_link(struct inode *target, struct inode *dir, const char *name,
		     size_t len)
{
	struct ext2_inode_info *d = to_ext2_inode(dir);
	int err = ext2_check_writable(ext2_fs_of(d));

	if (err < 0)
		return err;
	if (S_ISDIR(target->mode))
		return -EPERM;
	sleep_lock(&target->lock);
	if (target->nlink >= EXT2_LINK_MAX) {
		err = -EMLINK;
		goto out;
	}
	err = ext2_dir_add(d, name, len, target->ino, target->mode);
	if (err < 0)
		goto out;
	target->nlink++;
	target->ctime = vfs_now();
	err = ext2_write_inode(target);
out:
	sleep_unlock(&target->lock);
	return err;
}

/* One name fewer for inode (locked by the caller). */
static int drop_link(struct ext2_fs *fs, struct inode *inode)
{
	if (inode->nlink == 0) {
		ext2_error(fs,
			   "inode %lu is named in a directory but has no "
			   "links",
			   inode->ino);
		return -EIO;
	}
	inode->nlink--;
	inode->ctime = vfs_now();
	return 0;
}

/* The inode a directory entry names, with a reference. */
static int entry_inode(struct inode *dir, const struct ext2_dir_slot *slot,
		       struct inode **out)
{
	int err = vfs_iget(dir->sb, slot->ino, out);

	if (err == 0 && *out == dir) {
		ext2_error(ext2_fs_of(to_ext2_inode(dir)),
			   "directory inode %lu names itself", dir->ino);
		vfs_iput(*out);
		err = -EIO;
	}
	return err;
}

/* The inode name in dir names, referenced and locked, and where its
 * entry is: for unlink and rmdir. */
static int lock_child(struct inode *dir, const char *name, size_t len,
		      struct ext2_dir_slot *slot, struct inode **out)
{
	struct ext2_inode_info *d = to_ext2_inode(dir);
	int err = ext2_check_writable(ext2_fs_of(d));

	if (err == 0)
		err = ext2_dir_find(d, name, len, slot);
	if (err == 0)
		err = entry_inode(dir, slot, out);
	if (err == 0)
		sleep_lock(&(*out)->lock);
	return err;
}

static void unlock_child(struct inode *inode)
{
	sleep_unlock(&inode->lock);
	vfs_iput(inode);
}

static int ext2_unlink(struct inode *dir, const char *name, size_t len)
{
	struct ext2_inode_info *d = to_ext2_inode(dir);
	struct ext2_dir_slot slot;
	struct inode *inode;
	int err = lock_child(dir, name, len, &slot, &inode);

	if (err < 0)
		return err;
	if (S_ISDIR(inode->mode))
		err = -EISDIR;
	if (err == 0)
		err = ext2_dir_remove(d, &slot);
	if (err == 0)
		err = drop_link(ext2_fs_of(d), inode);
	if (err == 0)
		err = ext2_write_inode(inode);
	unlock_child(inode);
	return err;
}

static int ext2_rmdir(struct inode *dir, const char *name, size_t len)
{
	struct ext2_inode_info *d = to_ext2_inode(dir);
	struct ext2_dir_slot slot;
	struct inode *inode;
	int err = lock_child(dir, name, len, &slot, &inode);

	if (err < 0)
		return err;
	if (!S_ISDIR(inode->mode)) {
		err = -ENOTDIR;
		goto out;
	}
	err = ext2_dir_is_empty(to_ext2_inode(inode));
	if (err <= 0) {
		err = err ? err : -ENOTEMPTY;
		goto out;
	}
	err = ext2_dir_remove(d, &slot);
	if (err < 0)
		goto out;
	/* Its entry in dir and its own "." go; dir loses its "..". */
	inode->nlink = 0;
	inode->ctime = vfs_now();
	err = ext2_write_inode(inode);
	if (dir->nlink > 2)
		dir->nlink--;
	if (ext2_write_inode(dir) < 0 && err == 0)
		err = -EIO;
out:
	unlock_child(inode);
	return err;
}

/* What a rename finds before it changes anything. */
struct rename_plan {
	struct ext2_inode_info *old_dir, *new_dir;
	struct inode *src;    /* what moves */
	struct inode *victim; /* what the new name named, or NULL */
	struct ext2_dir_slot old_slot, new_slot;
};

/* May src replace victim (as rename(2) says)? */
static int check_replace(struct rename_plan *p)
{
	struct inode *src = p->src, *victim = p->victim;
	int empty;

	if (S_ISDIR(src->mode) && !S_ISDIR(victim->mode))
		return -ENOTDIR;
	if (!S_ISDIR(src->mode) && S_ISDIR(victim->mode))
		return -EISDIR;
	if (!S_ISDIR(victim->mode))
		return 0;
	if (victim == &p->old_dir->vfs)
		return -ENOTEMPTY;
	empty = ext2_dir_is_empty(to_ext2_inode(victim));
	if (empty < 0)
		return empty;
	return empty ? 0 : -ENOTEMPTY;
}

/* The new name now points at src; the victim loses that link (all of
 * them, and its ".." in new_dir, if it is a directory). */
static int replace_victim(struct rename_plan *p)
{
	struct inode *victim = p->victim;
	int err = ext2_dir_retarget(p->new_dir, &p->new_slot, p->src->ino,
				    p->src->mode);

	if (err < 0)
		return err;
	if (S_ISDIR(victim->mode)) {
		victim->nlink = 0;
		victim->ctime = vfs_now();
		if (p->new_dir->vfs.nlink > 2)
			p->new_dir->vfs.nlink--;
	} else {
		err = drop_link(ext2_fs_of(p->new_dir), victim);
		if (err < 0)
			return err;
	}
	return ext2_write_inode(victim);
}

/* A directory moved to another parent: its ".." follows, and the link
 * the old parent had from it moves to the new one (which, if the moved
 * directory replaced one, has just lost that one's ".."). */
static int move_dotdot(struct rename_plan *p)
{
	struct ext2_inode_info *src = to_ext2_inode(p->src);
	struct ext2_dir_slot slot;
	int err = ext2_dir_find(src, "..", 2, &slot);

	if (err == 0)
		err = ext2_dir_retarget(src, &slot, p->new_dir->vfs.ino,
					S_IFDIR);
	if (err < 0)
		return err;
	if (p->old_dir->vfs.nlink > 2)
		p->old_dir->vfs.nlink--;
	p->new_dir->vfs.nlink++;
	return 0;
}

/* With the plan made and src (and victim) locked: change the disk. */
static int do_rename(struct rename_plan *p, const char *old_name,
		     size_t old_len, const char *new_name, size_t new_len)
{
	bool moving_dir = S_ISDIR(p->src->mode) && p->old_dir != p->new_dir;
	int err;

	if (p->victim)
		err = replace_victim(p);
	else
		err = ext2_dir_add(p->new_dir, new_name, new_len, p->src->ino,
				   p->src->mode);
	if (err < 0)
		return err;
	/* Adding may have split the entry before the old one: look again. */
	err = ext2_dir_find(p->old_dir, old_name, old_len, &p->old_slot);
	if (err == 0)
		err = ext2_dir_remove(p->old_dir, &p->old_slot);
	if (err == 0 && moving_dir)
		err = move_dotdot(p);
	p->src->ctime = vfs_now();
	if (ext2_write_inode(p->src) < 0 && err == 0)
		err = -EIO;
	if (ext2_write_inode(&p->old_dir->vfs) < 0 && err == 0)
		err = -EIO;
	if (ext2_write_inode(&p->new_dir->vfs) < 0 && err == 0)
		err = -EIO;
	return err;
}

/* Find what the rename involves: src and, if the new name exists, the
 * victim, both referenced. 1 if there is nothing to do (both names
 * are links to one inode). */
static int plan_rename(struct rename_plan *p, const char *old_name,
		       size_t old_len, const char *new_name, size_t new_len)
{
	int err = ext2_dir_find(p->old_dir, old_name, old_len, &p->old_slot);

	if (err == 0)
		err = entry_inode(&p->old_dir->vfs, &p->old_slot, &p->src);
	if (err < 0)
		return err;
	if (p->src == &p->new_dir->vfs) {
		err = -EINVAL; /* into itself */
		goto out_src;
	}
	err = ext2_dir_find(p->new_dir, new_name, new_len, &p->new_slot);
	if (err == -ENOENT) {
		if (S_ISDIR(p->src->mode) && p->old_dir != p->new_dir &&
		    p->new_dir->vfs.nlink >= EXT2_LINK_MAX) {
			err = -EMLINK;
			goto out_src;
		}
		return 0;
	}
	if (err == 0)
		err = entry_inode(&p->new_dir->vfs, &p->new_slot, &p->victim);
	if (err < 0)
		goto out_src;
	if (p->victim == p->src) {
		vfs_iput(p->victim);
		p->victim = NULL;
		err = 1;
		goto out_src;
	}
	err = check_replace(p);
	if (err == 0)
		return 0;
	vfs_iput(p->victim);
	p->victim = NULL;
out_src:
	vfs_iput(p->src);
	return err;
}

static int ext2_rename(struct inode *old_dir, const char *old_name,
		       size_t old_len, struct inode *new_dir,
		       const char *new_name, size_t new_len)
{
	struct rename_plan p = {
		.old_dir = to_ext2_inode(old_dir),
		.new_dir = to_ext2_inode(new_dir),
	};
	int err = ext2_check_writable(ext2_fs_of(p.old_dir));

	if (err == 0)
		err = plan_rename(&p, old_name, old_len, new_name, new_len);
	if (err != 0)
		return err < 0 ? err : 0;
	sleep_lock(&p.src->lock);
	if (p.victim)
		sleep_lock(&p.victim->lock);
	err = do_rename(&p, old_name, old_len, new_name, new_len);
	if (p.victim) {
		sleep_unlock(&p.victim->lock);
		vfs_iput(p.victim);
	}
	sleep_unlock(&p.src->lock);
	vfs_iput(p.src);
	return err;
}

/* Each operation in one journal handle (journal.c): all of it commits,
 * or none. Without a journal these only call through. */
#define JOURNALED(fs, call)             \
	({                              \
		int err_;               \
		ext2_journal_start(fs); \
		err_ = (call);          \
		ext2_journal_stop(fs);  \
		err_;                   \
	})
#define FS_OF(i) to_ext2_fs((i)->sb)

static int j_create(struct inode *dir, const char *name, size_t len,
		    uint32_t mode, struct inode **out)
{
	return JOURNALED(FS_OF(dir), ext2_create(dir, name, len, mode, out));
}

static int j_mkdir(struct inode *dir, const char *name, size_t len,
		   uint32_t mode)
{
	return JOURNALED(FS_OF(dir), ext2_mkdir(dir, name, len, mode));
}

static int j_rmdir(struct inode *dir, const char *name, size_t len)
{
	return JOURNALED(FS_OF(dir), ext2_rmdir(dir, name, len));
}

static int j_unlink(struct inode *dir, const char *name, size_t len)
{
	return JOURNALED(FS_OF(dir), ext2_unlink(dir, name, len));
}

static int j_rename(struct inode *old_dir, const char *old_name, size_t old_len,
		    struct inode *new_dir, const char *new_name, size_t new_len)
{
	return JOURNALED(FS_OF(old_dir),
			 ext2_rename(old_dir, old_name, old_len, new_dir,
				     new_name, new_len));
}

static int j_link(struct inode *target, struct inode *dir, const char *name,
		  size_t len)
{
	return JOURNALED(FS_OF(dir), ext2_link(target, dir, name, len));
}

static int j_symlink(struct inode *dir, const char *name, size_t len,
		     const char *target)
{
	return JOURNALED(FS_OF(dir), ext2_symlink(dir, name, len, target));
}

static int j_mknod(struct inode *dir, const char *name, size_t len,
		   uint32_t mode, uint64_t rdev)
{
	return JOURNALED(FS_OF(dir), ext2_mknod(dir, name, len, mode, rdev));
}

const struct inode_operations ext2_dir_ops = {
	.lookup = ext2_lookup,
	.create = j_create,
	.mkdir = j_mkdir,
	.rmdir = j_rmdir,
	.unlink = j_unlink,
	.rename = j_rename,
	.link = j_link,
	.symlink = j_symlink,
	.mknod = j_mknod,
	.readdir = ext2_readdir,
	.stat = ext2_stat,
	.fsync = ext2_fsync,
};
