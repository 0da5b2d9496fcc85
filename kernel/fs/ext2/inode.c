/*
 * Inodes: reading them from the inode table into memory and writing
 * them back, and the block map that says where a file's data lies.
 *
 * Inode n (numbers start at 1) is entry (n - 1) % s_inodes_per_group of
 * the inode table of group (n - 1) / s_inodes_per_group. Writing an
 * inode reads its inode-table block and changes only the fields ext2
 * keeps in memory, so whatever else the disk inode holds (the extra
 * fields and in-inode attributes of 256-byte inodes, osd2) survives.
 *
 * The block map is i_block[15]: twelve direct block numbers, then one
 * single, one double and one triple indirect block, each indirect block
 * being an array of block_size / 4 block numbers (docs/ext2.md):
 *
 *   i_block[0..11]  ->  data
 *   i_block[12]     ->  [ ptr ptr ... ]  ->  data
 *   i_block[13]     ->  [ ptr ... ]  ->  [ ptr ... ]  ->  data
 *   i_block[14]     ->  three levels of indirect blocks, then data
 *
 * A zero anywhere is a hole, read as zeros. i_blocks counts every block
 * the file owns (data, indirect, its extended-attribute block) in 512-
 * byte units. Every block number read from the disk is checked before
 * it is used (ext2_block_problem): a bad one fails the operation with
 * -EIO and a message naming the inode and the block.
 */
#include "fs/ext2/ext2.h"
#include "mm/mm.h"

/* Where inode ino lies: its inode-table block, read, and the inode in
 * it. The caller brelses *bp. */
static int get_raw_inode(struct ext2_fs *fs, uint64_t ino, struct buf **bp,
			 struct ext2_inode **raw)
{
	uint32_t g, index, blk;

	if (ino == 0 || ino > fs->inodes_count) {
		ext2_error(fs, "inode %lu out of range (1 to %u)", ino,
			   fs->inodes_count);
		return -EIO;
	}
	g = (ino - 1) / fs->inodes_per_group;
	index = (ino - 1) % fs->inodes_per_group;
	blk = fs->groups[g].bg_inode_table + index / fs->inodes_per_block;
	if (bread(fs->dev, blk, fs->block_size, bp) < 0) {
		ext2_error(fs, "inode %lu: cannot read inode table block %u",
			   ino, blk);
		return -EIO;
	}
	*raw = (struct ext2_inode *)((*bp)->data +
				     (index % fs->inodes_per_block) *
					     fs->inode_size);
	return 0;
}

int ext2_read_raw_inode(struct ext2_fs *fs, uint32_t ino,
			struct ext2_inode *copy)
{
	struct ext2_inode *raw;
	struct buf *b;
	int err = get_raw_inode(fs, ino, &b, &raw);

	if (err < 0)
		return err;
	memcpy(copy, raw, sizeof(*copy));
	brelse(b);
	return 0;
}

/* The extra fields of a large inode, if it has them up to the times. */
static struct ext2_inode_extra *extra_fields(struct ext2_fs *fs,
					     struct ext2_inode *raw)
{
	struct ext2_inode_extra *x;

	if (fs->inode_size <= EXT2_GOOD_OLD_INODE_SIZE)
		return NULL;
	x = (struct ext2_inode_extra *)((uint8_t *)raw +
					EXT2_GOOD_OLD_INODE_SIZE);
	if (x->i_extra_isize < offsetof(struct ext2_inode_extra, i_crtime) ||
	    x->i_extra_isize > fs->inode_size - EXT2_GOOD_OLD_INODE_SIZE)
		return NULL;
	return x;
}

static struct timespec64 decode_time(uint32_t seconds, uint32_t extra)
{
	struct timespec64 ts;

	ts.sec = (int32_t)seconds +
		 ((int64_t)(extra & EXT2_EXTRA_TIME_EPOCH_MASK) << 32);
	ts.nsec = extra >> EXT2_EXTRA_TIME_NSEC_SHIFT;
	return ts;
}

static uint32_t encode_extra(struct timespec64 ts)
{
	uint32_t epoch = ((ts.sec - (int32_t)ts.sec) >> 32) &
			 EXT2_EXTRA_TIME_EPOCH_MASK;

	return (uint32_t)ts.nsec << EXT2_EXTRA_TIME_NSEC_SHIFT | epoch;
}

/* One reason a disk inode cannot be used, or NULL. */
static const char *raw_inode_problem(struct ext2_fs *fs,
				     const struct ext2_inode *raw)
{
	uint64_t size = raw->i_size;

	if (raw->i_links_count == 0)
		return "is not in use (no links)";
	switch (raw->i_mode & S_IFMT) {
	case S_IFREG:
		size |= (uint64_t)raw->i_size_high << 32;
		if (size > fs->max_file_size)
			return "is a file larger than ext2 allows";
		break;
	case S_IFDIR:
		if (size & (fs->block_size - 1))
			return "is a directory of part of a block";
		if (size > (uint64_t)raw->i_blocks * 512)
			return "is a directory larger than its blocks";
		break;
	case S_IFLNK:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	default:
		return "has no known file type";
	}
	if (raw->i_flags & (EXT4_EXTENTS_FL | EXT4_INLINE_DATA_FL))
		return "uses extents or inline data (ext4)";
	return NULL;
}

static const struct inode_operations *ops_for(uint32_t mode)
{
	if (S_ISDIR(mode))
		return &ext2_dir_ops;
	if (S_ISREG(mode))
		return &ext2_file_ops;
	if (S_ISLNK(mode))
		return &ext2_symlink_ops;
	return &ext2_special_ops;
}

static void inode_from_disk(struct ext2_fs *fs, struct ext2_inode_info *ei,
			    struct ext2_inode *raw)
{
	struct ext2_inode_extra *x = extra_fields(fs, raw);
	struct inode *in = &ei->vfs;

	in->mode = raw->i_mode;
	in->nlink = raw->i_links_count;
	in->uid = raw->i_uid | (uint32_t)raw->i_uid_high << 16;
	in->gid = raw->i_gid | (uint32_t)raw->i_gid_high << 16;
	in->size = raw->i_size;
	if (S_ISREG(raw->i_mode))
		in->size |= (uint64_t)raw->i_size_high << 32;
	in->atime = decode_time(raw->i_atime, x ? x->i_atime_extra : 0);
	in->mtime = decode_time(raw->i_mtime, x ? x->i_mtime_extra : 0);
	in->ctime = decode_time(raw->i_ctime, x ? x->i_ctime_extra : 0);
	memcpy(ei->block, raw->i_block, sizeof(ei->block));
	ei->flags = raw->i_flags;
	ei->blocks = raw->i_blocks;
	ei->file_acl = raw->i_file_acl;
	ei->dtime = raw->i_dtime;
}

/* The fields ext2 keeps in memory, into the disk inode; the rest stays. */
static void inode_to_disk(struct ext2_fs *fs, struct ext2_inode_info *ei,
			  struct ext2_inode *raw)
{
	struct ext2_inode_extra *x = extra_fields(fs, raw);
	struct inode *in = &ei->vfs;

	raw->i_mode = in->mode;
	raw->i_links_count = in->nlink;
	raw->i_uid = in->uid & 0xffff;
	raw->i_uid_high = in->uid >> 16;
	raw->i_gid = in->gid & 0xffff;
	raw->i_gid_high = in->gid >> 16;
	raw->i_size = (uint32_t)in->size;
	raw->i_size_high = in->size >> 32;
	raw->i_atime = (uint32_t)in->atime.sec;
	raw->i_mtime = (uint32_t)in->mtime.sec;
	raw->i_ctime = (uint32_t)in->ctime.sec;
	if (x) {
		x->i_atime_extra = encode_extra(in->atime);
		x->i_mtime_extra = encode_extra(in->mtime);
		x->i_ctime_extra = encode_extra(in->ctime);
	}
	memcpy(raw->i_block, ei->block, sizeof(raw->i_block));
	raw->i_flags = ei->flags;
	raw->i_blocks = ei->blocks;
	raw->i_file_acl = ei->file_acl;
	raw->i_dtime = ei->dtime;
}

int ext2_read_inode(struct super_block *sb, uint64_t ino, struct inode **out)
{
	struct ext2_fs *fs = to_ext2_fs(sb);
	struct ext2_inode_info *ei;
	struct ext2_inode *raw;
	const char *why;
	struct buf *b;
	int err = get_raw_inode(fs, ino, &b, &raw);

	if (err < 0)
		return err;
	why = raw_inode_problem(fs, raw);
	if (why) {
		ext2_error(fs, "inode %lu %s (mode %#o, %u links, size %u)",
			   ino, why, raw->i_mode, raw->i_links_count,
			   raw->i_size);
		err = -EIO;
		goto out;
	}
	ei = kzalloc(sizeof(*ei));
	if (!ei) {
		err = -ENOMEM;
		goto out;
	}
	ei->vfs.ops = ops_for(raw->i_mode);
	ei->group = (ino - 1) / fs->inodes_per_group;
	inode_from_disk(fs, ei, raw);
	*out = &ei->vfs;
out:
	brelse(b);
	return err;
}

int ext2_write_inode(struct inode *inode)
{
	struct ext2_fs *fs = to_ext2_fs(inode->sb);
	struct ext2_inode *raw;
	struct buf *b;
	int err;

	if (inode->sb->read_only)
		return 0;
	err = get_raw_inode(fs, inode->ino, &b, &raw);
	if (err < 0)
		return err;
	inode_to_disk(fs, to_ext2_inode(inode), raw);
	ext2_dirty_meta(fs, b);
	brelse(b);
	return 0;
}

int ext2_make_inode(struct ext2_fs *fs, uint32_t ino, uint32_t mode,
		    uint32_t uid, uint32_t gid, struct inode **out)
{
	struct timespec64 now = vfs_now();
	struct ext2_inode_extra *x;
	struct ext2_inode *raw;
	struct buf *b;
	int err = get_raw_inode(fs, ino, &b, &raw);

	if (err < 0)
		return err;
	if (raw->i_links_count) {
		ext2_error(fs,
			   "inode %u is free in the bitmap but has %u links",
			   ino, raw->i_links_count);
		brelse(b);
		return -EIO;
	}
	memset(raw, 0, fs->inode_size);
	raw->i_mode = mode;
	raw->i_uid = uid & 0xffff;
	raw->i_uid_high = uid >> 16;
	raw->i_gid = gid & 0xffff;
	raw->i_gid_high = gid >> 16;
	raw->i_links_count = S_ISDIR(mode) ? 2 : 1;
	raw->i_atime = raw->i_mtime = raw->i_ctime = (uint32_t)now.sec;
	if (fs->inode_size >= EXT2_GOOD_OLD_INODE_SIZE + sizeof(*x)) {
		x = (struct ext2_inode_extra *)((uint8_t *)raw +
						EXT2_GOOD_OLD_INODE_SIZE);
		x->i_extra_isize = sizeof(*x);
		x->i_atime_extra = x->i_mtime_extra = x->i_ctime_extra =
			x->i_crtime_extra = encode_extra(now);
		x->i_crtime = (uint32_t)now.sec;
	}
	ext2_dirty_meta(fs, b);
	brelse(b);
	err = vfs_iget(&fs->vfs, ino, out);
	if (err < 0 && get_raw_inode(fs, ino, &b, &raw) == 0) {
		/* Free on disk again, so the caller can free the number. */
		raw->i_links_count = 0;
		raw->i_dtime = (uint32_t)now.sec;
		ext2_dirty_meta(fs, b);
		brelse(b);
	}
	return err;
}

/* ---- the block map --------------------------------------------------- */

int ext2_block_path(uint32_t addr_log, uint64_t lblk, uint32_t path[4])
{
	uint64_t per = 1ULL << addr_log, mask = per - 1;

	if (lblk < EXT2_NDIR_BLOCKS) {
		path[0] = lblk;
		return 1;
	}
	lblk -= EXT2_NDIR_BLOCKS;
	if (lblk < per) {
		path[0] = EXT2_IND_BLOCK;
		path[1] = lblk;
		return 2;
	}
	/* LAB fs: begin */
	lblk -= per;
	if (lblk < per * per) {
		path[0] = EXT2_DIND_BLOCK;
		path[1] = lblk >> addr_log;
		path[2] = lblk & mask;
		return 3;
	}
	lblk -= per * per;
	if (lblk < per * per * per) {
		path[0] = EXT2_TIND_BLOCK;
		path[1] = lblk >> (2 * addr_log);
		path[2] = (lblk >> addr_log) & mask;
		path[3] = lblk & mask;
		return 4;
	}
#if 0 /* LAB fs: stub */
	/* Past the single indirect block: too large for now. */
	(void)mask;

#endif /* LAB fs: end */
	return 0;
}

static int check_pointer(struct ext2_inode_info *ei, uint32_t blk)
{
	const char *why = ext2_block_problem(ext2_fs_of(ei), blk);

	if (!why)
		return 0;
	ext2_error(ext2_fs_of(ei), "inode %lu: block %u %s", ei->vfs.ino, blk,
		   why);
	return -EIO;
}

/* A new block for the file, near where its last one went, counted in
 * i_blocks; an indirect block is zeroed on the disk too. */
static int new_file_block(struct ext2_inode_info *ei, bool indirect,
			  uint32_t *out)
{
	struct ext2_fs *fs = ext2_fs_of(ei);
	uint32_t units = fs->block_size / 512, goal = ei->alloc_goal;
	struct buf *b;
	int err;

	if (ei->blocks > UINT32_MAX - units)
		return -EFBIG;
	if (goal == 0)
		goal = ext2_group_first_block(fs, ei->group);
	err = ext2_new_block(fs, goal, out);
	if (err < 0)
		return err;
	if (indirect) {
		err = bget_zero(fs->dev, *out, fs->block_size, &b);
		if (err < 0) {
			ext2_free_block(fs, *out);
			return err;
		}
		memset(b->data, 0, fs->block_size);
		ext2_dirty_meta(fs, b);
		brelse(b);
	}
	ei->blocks += units;
	ei->alloc_goal = *out + 1;
	return 0;
}

/* Give back a block the file owned. */
static int release_block(struct ext2_inode_info *ei, uint32_t blk)
{
	struct ext2_fs *fs = ext2_fs_of(ei);
	uint32_t units = fs->block_size / 512;
	int err = ext2_free_block(fs, blk);

	if (err == 0)
		ei->blocks -= MIN(ei->blocks, units);
	return err;
}

/* Entry index of indirect block parent, into *child (0: a hole). With
 * create a hole is filled: with a zeroed indirect block, or with a data
 * block when leaf (then *fresh is set). */
static int indirect_entry(struct ext2_inode_info *ei, uint32_t parent,
			  uint32_t index, bool create, bool leaf,
			  uint32_t *child, bool *fresh)
{
	struct ext2_fs *fs = ext2_fs_of(ei);
	struct buf *b;
	int err;

	if (bread(fs->dev, parent, fs->block_size, &b) < 0)
		goto out_io;
	*child = ((uint32_t *)b->data)[index];
	brelse(b);
	if (*child)
		return check_pointer(ei, *child);
	if (!create)
		return 0;
	err = new_file_block(ei, !leaf, child);
	if (err < 0)
		return err;
	/* The buffer was let go while allocating (lock order); read the
	 * parent again to link the new block in. */
	if (bread(fs->dev, parent, fs->block_size, &b) < 0) {
		release_block(ei, *child);
		*child = 0;
		goto out_io;
	}
	((uint32_t *)b->data)[index] = *child;
	ext2_dirty_meta(fs, b);
	brelse(b);
	*fresh = leaf;
	return 0;

out_io:
	ext2_error(fs, "inode %lu: cannot read indirect block %u", ei->vfs.ino,
		   parent);
	return -EIO;
}

int ext2_bmap(struct ext2_inode_info *ei, uint64_t lblk, bool create,
	      uint32_t *pblk, bool *fresh)
{
	struct ext2_fs *fs = ext2_fs_of(ei);
	uint32_t path[4], blk;
	int depth = ext2_block_path(fs->addr_log, lblk, path), err;
	bool is_new = false;

	*pblk = 0;
	if (fresh)
		*fresh = false;
	if (depth == 0)
		return -EFBIG;
	blk = ei->block[path[0]];
	if (blk) {
		err = check_pointer(ei, blk);
		if (err < 0)
			return err;
	} else if (create) {
		err = new_file_block(ei, depth > 1, &blk);
		if (err < 0)
			return err;
		ei->block[path[0]] = blk;
		is_new = depth == 1;
	}
	for (int level = 1; level < depth && blk; level++) {
		err = indirect_entry(ei, blk, path[level], create,
				     level == depth - 1, &blk, &is_new);
		if (err < 0)
			return err;
	}
	*pblk = blk;
	if (fresh)
		*fresh = is_new;
	return 0;
}

/*
 * Free what indirect block blk maps from block start on (counted from
 * the first file block blk covers); levels is 1 when its entries are
 * data blocks, 2 or 3 for deeper trees. With start 0 blk itself goes
 * too, and *gone says so. The entries are copied out first, so no
 * buffer is held while the subtrees are read. The walk stops at the
 * first block that will not free (free already, or metadata): a
 * damaged tree that points back into itself cannot keep it busy, since
 * each block frees only once.
 */
static int free_branch(struct ext2_inode_info *ei, uint32_t blk, int levels,
		       uint64_t start, bool *gone)
{
	struct ext2_fs *fs = ext2_fs_of(ei);
	uint64_t span = 1ULL << (fs->addr_log * (levels - 1));
	uint32_t first = start / span, *entries;
	bool changed = false, child_gone;
	struct buf *b;
	int err = 0;

	*gone = false;
	entries = kmalloc(fs->block_size);
	if (!entries)
		return -ENOMEM;
	if (bread(fs->dev, blk, fs->block_size, &b) < 0) {
		ext2_error(fs, "inode %lu: cannot read indirect block %u",
			   ei->vfs.ino, blk);
		err = -EIO;
		goto out;
	}
	memcpy(entries, b->data, fs->block_size);
	brelse(b);
	for (uint32_t i = first; i < fs->addr_per_block && err == 0; i++) {
		if (!entries[i])
			continue;
		err = check_pointer(ei, entries[i]);
		if (err < 0)
			break;
		child_gone = false;
		if (levels > 1)
			err = free_branch(ei, entries[i], levels - 1,
					  i == first ? start % span : 0,
					  &child_gone);
		else if ((err = release_block(ei, entries[i])) == 0)
			child_gone = true;
		if (child_gone) {
			entries[i] = 0;
			changed = true;
		}
	}
	if (start == 0 && err == 0) {
		err = release_block(ei, blk);
		*gone = err == 0;
	} else if (changed) {
		if (bread(fs->dev, blk, fs->block_size, &b) < 0) {
			ext2_error(fs,
				   "inode %lu: cannot rewrite indirect "
				   "block %u",
				   ei->vfs.ino, blk);
			err = -EIO;
			goto out;
		}
		memcpy(b->data, entries, fs->block_size);
		ext2_dirty_meta(fs, b);
		brelse(b);
	}
out:
	kfree(entries);
	return err;
}

int ext2_free_blocks_from(struct ext2_inode_info *ei, uint64_t first)
{
	struct ext2_fs *fs = ext2_fs_of(ei);
	uint64_t base = EXT2_NDIR_BLOCKS, span = fs->addr_per_block;
	bool gone;
	int err;

	for (uint64_t i = first; i < EXT2_NDIR_BLOCKS; i++) {
		if (!ei->block[i])
			continue;
		err = check_pointer(ei, ei->block[i]);
		if (err == 0)
			err = release_block(ei, ei->block[i]);
		if (err < 0)
			return err;
		ei->block[i] = 0;
	}
	for (int levels = 1; levels <= 3; levels++) {
		uint32_t *top = &ei->block[EXT2_IND_BLOCK + levels - 1];

		if (*top && first < base + span) {
			err = check_pointer(ei, *top);
			if (err < 0)
				return err;
			err = free_branch(ei, *top, levels,
					  first > base ? first - base : 0,
					  &gone);
			if (gone)
				*top = 0;
			if (err < 0)
				return err;
		}
		base += span;
		span <<= fs->addr_log;
	}
	return 0;
}

/* As Linux's ext2: a symlink without blocks of its own (an attribute
 * block aside) keeps its target in i_block. */
bool ext2_fast_symlink(struct ext2_inode_info *ei)
{
	uint32_t acl = ei->file_acl ? ext2_fs_of(ei)->block_size / 512 : 0;

	return S_ISLNK(ei->vfs.mode) && ei->blocks == acl;
}

/* ---- the end of an inode --------------------------------------------- */

/* Drop the inode's share of its extended-attribute block: the block is
 * shared by inodes with the same attributes and counts them in
 * h_refcount; the last one frees it. */
static void release_xattr_block(struct ext2_inode_info *ei)
{
	struct ext2_fs *fs = ext2_fs_of(ei);
	struct ext2_ext_attr_header *h;
	bool last = false;
	struct buf *b;

	if (!ei->file_acl || check_pointer(ei, ei->file_acl) < 0)
		return;
	if (bread(fs->dev, ei->file_acl, fs->block_size, &b) < 0) {
		ext2_error(fs, "inode %lu: cannot read attribute block %u",
			   ei->vfs.ino, ei->file_acl);
		return;
	}
	h = (struct ext2_ext_attr_header *)b->data;
	if (h->h_magic != EXT2_EXT_ATTR_MAGIC || h->h_refcount == 0) {
		ext2_error(fs,
			   "inode %lu: attribute block %u is damaged "
			   "(magic %#x, refcount %u); left alone",
			   ei->vfs.ino, ei->file_acl, h->h_magic,
			   h->h_refcount);
		brelse(b);
		return;
	}
	h->h_refcount--;
	last = h->h_refcount == 0;
	ext2_dirty_meta(fs, b);
	brelse(b);
	if (last)
		ext2_free_block(fs, ei->file_acl);
	ei->blocks -= MIN(ei->blocks, fs->block_size / 512);
	ei->file_acl = 0;
}

static bool has_blocks(struct ext2_inode_info *ei)
{
	uint32_t mode = ei->vfs.mode;

	return S_ISREG(mode) || S_ISDIR(mode) ||
	       (S_ISLNK(mode) && !ext2_fast_symlink(ei));
}

/* The last reference to an inode with no links is gone: free its blocks
 * and the inode. Nothing else can reach it now. */
void ext2_evict_inode(struct inode *inode)
{
	struct ext2_inode_info *ei = to_ext2_inode(inode);
	struct ext2_fs *fs = to_ext2_fs(inode->sb);

	if (inode->sb->read_only)
		return;
	if (has_blocks(ei))
		ext2_free_blocks_from(ei, 0);
	release_xattr_block(ei);
	inode->size = 0;
	ei->dtime = (uint32_t)vfs_now().sec;
	ext2_write_inode(inode);
	ext2_free_inode_number(fs, inode->ino, S_ISDIR(inode->mode));
}

void ext2_free_inode(struct inode *inode)
{
	kfree(to_ext2_inode(inode));
}
