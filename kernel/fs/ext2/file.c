/*
 * File contents: read, write and truncate through the block map
 * (inode.c), symlink targets, and stat. Writes move data a block at a
 * time through the buffer cache: a write copies in and marks the buffer
 * dirty; the disk sees it when the cache writes it back (on sync,
 * unmount, or eviction of the buffer). read() of a regular file goes
 * through the page cache (mm/pagecache.h), which fills its pages with
 * ext2_read_pages: runs of consecutive blocks straight from the disk,
 * blocks the buffer cache holds from there. ext2_read (a block at a time
 * through the buffer cache; a hole gives zeros) serves the rest.
 *
 * One invariant keeps holes honest: the bytes of a file's last block
 * beyond its size are zero on the disk. Truncating down zeroes them,
 * and growing the file (a write past the end, truncating up) zeroes
 * the old tail first, in case some other implementation left bytes
 * there; so what was cut off never reappears.
 *
 * A symlink's target lives in i_block itself when it is shorter than
 * 60 bytes (a fast symlink, no block at all), else in one data block.
 *
 * The VFS holds the inode's lock around each of these operations.
 */
#include "fs/ext2/ext2.h"

/* Zero the bytes of the block holding offset size beyond it. */
static int zero_tail(struct ext2_inode_info *ei, uint64_t size)
{
	struct ext2_fs *fs = ext2_fs_of(ei);
	uint32_t off = size & (fs->block_size - 1), blk;
	struct buf *b;
	int err;

	if (off == 0)
		return 0;
	err = ext2_bmap(ei, size >> fs->block_log, false, &blk, NULL);
	if (err < 0 || blk == 0)
		return err;
	if (bread(fs->dev, blk, fs->block_size, &b) < 0) {
		ext2_error(fs, "inode %lu: cannot read block %u", ei->vfs.ino,
			   blk);
		return -EIO;
	}
	memset(b->data + off, 0, fs->block_size - off);
	bdirty(b);
	brelse(b);
	return 0;
}

ssize_t ext2_read(struct inode *inode, void *buf, size_t n, uint64_t off)
{
	struct ext2_inode_info *ei = to_ext2_inode(inode);
	struct ext2_fs *fs = ext2_fs_of(ei);
	size_t done = 0;
	int err = 0;

	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (off >= inode->size)
		return 0;
	n = MIN(n, inode->size - off);
	while (done < n) {
		uint64_t pos = off + done;
		uint32_t boff = pos & (fs->block_size - 1), blk;
		size_t chunk = MIN(fs->block_size - boff, n - done);
		struct buf *b;

		err = ext2_bmap(ei, pos >> fs->block_log, false, &blk, NULL);
		if (err < 0)
			break;
		if (blk == 0) {
			memset((uint8_t *)buf + done, 0, chunk);
		} else if (bread(fs->dev, blk, fs->block_size, &b) < 0) {
			ext2_error(fs, "inode %lu: cannot read block %u",
				   inode->ino, blk);
			err = -EIO;
			break;
		} else {
			memcpy((uint8_t *)buf + done, b->data + boff, chunk);
			brelse(b);
		}
		done += chunk;
	}
	return done ? (ssize_t)done : err;
}

/*
 * The page cache's read (inode_operations.read_pages): as ext2_read,
 * but buf is physically contiguous, so blocks that lie one after another
 * on the disk go to the device as one request straight into buf. A
 * block the buffer cache holds (written and perhaps not yet on the
 * disk) is copied from there instead, as is a block only part of which
 * is wanted (the file's last). The VFS holds the inode's lock, and only
 * writes under it put this file's blocks in the buffer cache.
 */
static ssize_t ext2_read_pages(struct inode *inode, void *buf, size_t n,
			       uint64_t off)
{
	struct ext2_inode_info *ei = to_ext2_inode(inode);
	struct ext2_fs *fs = ext2_fs_of(ei);
	uint32_t bs = fs->block_size, sectors = bs / SECTOR_SIZE;
	size_t done = 0;
	int err = 0;

	if (off >= inode->size)
		return 0;
	n = MIN(n, inode->size - off);
	while (done < n) {
		uint64_t pos = off + done, lblk = pos >> fs->block_log;
		uint32_t blk, next, run = 1;

		err = ext2_bmap(ei, lblk, false, &blk, NULL);
		if (err < 0)
			break;
		if (blk == 0 || (pos & (bs - 1)) || n - done < bs ||
		    bcached(fs->dev, blk, bs)) {
			ssize_t r = ext2_read(
				inode, (uint8_t *)buf + done,
				MIN(bs - (pos & (bs - 1)), n - done), pos);

			if (r <= 0) {
				err = r < 0 ? (int)r : -EIO;
				break;
			}
			done += (size_t)r;
			continue;
		}
		/* A run of whole blocks, each right after the last. */
		while (done + (size_t)(run + 1) * bs <= n &&
		       ext2_bmap(ei, lblk + run, false, &next, NULL) == 0 &&
		       next == blk + run && !bcached(fs->dev, next, bs))
			run++;
		if (block_rw(fs->dev, (uint64_t)blk * sectors,
			     (uint8_t *)buf + done, run * sectors, false) < 0) {
			ext2_error(fs, "inode %lu: cannot read blocks %u-%u",
				   inode->ino, blk, blk + run - 1);
			err = -EIO;
			break;
		}
		done += (size_t)run * bs;
	}
	return done ? (ssize_t)done : err;
}

/* Copy one block's worth of a write into block blk: a block that is new
 * or overwritten whole need not be read first. */
static int write_block(struct ext2_fs *fs, uint32_t blk, bool fresh,
		       uint32_t boff, const void *src, size_t chunk)
{
	struct buf *b;
	int err;

	if (fresh || chunk == fs->block_size)
		err = bget_zero(fs->dev, blk, fs->block_size, &b);
	else
		err = bread(fs->dev, blk, fs->block_size, &b);
	if (err < 0)
		return -EIO;
	if (fresh)
		memset(b->data, 0, fs->block_size);
	memcpy(b->data + boff, src, chunk);
	bdirty(b);
	brelse(b);
	return 0;
}

/* Files past 2 GiB need the large_file feature; set it on first use. */
static void note_large_file(struct ext2_fs *fs, uint64_t size)
{
	if (size <= 0x7fffffffULL)
		return;
	sleep_lock(&fs->lock);
	fs->sb.s_feature_ro_compat |= EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
	sleep_unlock(&fs->lock);
}

ssize_t ext2_write(struct inode *inode, const void *buf, size_t n, uint64_t off)
{
	struct ext2_inode_info *ei = to_ext2_inode(inode);
	struct ext2_fs *fs = ext2_fs_of(ei);
	size_t done = 0;
	int err = ext2_check_writable(fs);

	if (err < 0)
		return err;
	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (off >= fs->max_file_size)
		return n ? -EFBIG : 0;
	n = MIN(n, fs->max_file_size - off);
	if (n && off > inode->size) {
		err = zero_tail(ei, inode->size);
		if (err < 0)
			return err;
	}
	while (done < n) {
		uint64_t pos = off + done;
		uint32_t boff = pos & (fs->block_size - 1), blk;
		size_t chunk = MIN(fs->block_size - boff, n - done);
		bool fresh;

		err = ext2_bmap(ei, pos >> fs->block_log, true, &blk, &fresh);
		if (err == 0)
			err = write_block(fs, blk, fresh, boff,
					  (const uint8_t *)buf + done, chunk);
		if (err < 0)
			break;
		done += chunk;
	}
	if (off + done > inode->size) {
		inode->size = off + done;
		note_large_file(fs, inode->size);
	}
	if (done)
		inode->mtime = inode->ctime = vfs_now();
	/* Even a failed write may have added blocks: record them. */
	if (ext2_write_inode(inode) < 0 && err == 0)
		err = -EIO;
	return done ? (ssize_t)done : err;
}

int ext2_truncate(struct inode *inode, uint64_t size)
{
	struct ext2_inode_info *ei = to_ext2_inode(inode);
	struct ext2_fs *fs = ext2_fs_of(ei);
	int err = ext2_check_writable(fs);

	if (err < 0)
		return err;
	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (!S_ISREG(inode->mode))
		return -EINVAL;
	if (size > fs->max_file_size)
		return -EFBIG;
	if (size < inode->size) {
		err = ext2_free_blocks_from(ei, (size + fs->block_size - 1) >>
							fs->block_log);
		if (err == 0)
			err = zero_tail(ei, size);
	} else if (size > inode->size) {
		err = zero_tail(ei, inode->size);
	}
	if (err == 0) {
		inode->size = size;
		note_large_file(fs, size);
	}
	inode->mtime = inode->ctime = vfs_now();
	if (ext2_write_inode(inode) < 0 && err == 0)
		err = -EIO;
	return err;
}

int ext2_set_link_target(struct ext2_inode_info *ei, const char *target,
			 size_t len)
{
	struct ext2_fs *fs = ext2_fs_of(ei);
	uint32_t blk;
	struct buf *b;

	if (len >= fs->block_size)
		return -ENAMETOOLONG;
	if (len < EXT2_FAST_SYMLINK_MAX) {
		memcpy(ei->block, target, len);
	} else {
		int err = ext2_bmap(ei, 0, true, &blk, NULL);

		if (err < 0)
			return err;
		err = bget_zero(fs->dev, blk, fs->block_size, &b);
		if (err < 0)
			return err;
		memset(b->data, 0, fs->block_size);
		memcpy(b->data, target, len);
		ext2_dirty_meta(fs, b);
		brelse(b);
	}
	ei->vfs.size = len;
	return ext2_write_inode(&ei->vfs);
}

int ext2_readlink(struct inode *inode, char *buf, size_t size)
{
	struct ext2_inode_info *ei = to_ext2_inode(inode);
	struct ext2_fs *fs = ext2_fs_of(ei);
	size_t len = inode->size, n = MIN(len, size);
	uint32_t blk;
	struct buf *b;
	int err;

	if (ext2_fast_symlink(ei)) {
		if (len >= EXT2_FAST_SYMLINK_MAX)
			goto out_bad;
		memcpy(buf, ei->block, n);
		return n;
	}
	if (len == 0 || len >= fs->block_size)
		goto out_bad;
	err = ext2_bmap(ei, 0, false, &blk, NULL);
	if (err < 0)
		return err;
	if (blk == 0)
		goto out_bad;
	if (bread(fs->dev, blk, fs->block_size, &b) < 0) {
		ext2_error(fs, "symlink inode %lu: cannot read block %u",
			   inode->ino, blk);
		return -EIO;
	}
	memcpy(buf, b->data, n);
	brelse(b);
	return n;

out_bad:
	ext2_error(fs, "symlink inode %lu: impossible size %zu for its kind",
		   inode->ino, len);
	return -EIO;
}

/* Device numbers as Linux keeps them in i_block: the old 8:8 form in
 * i_block[0], else the new 12:20 form in i_block[1]; returned as
 * Linux's dev_t (glibc's makedev). */
static uint64_t device_number(struct ext2_inode_info *ei)
{
	uint32_t major, minor;

	if (ei->block[0]) {
		major = (ei->block[0] >> 8) & 0xff;
		minor = ei->block[0] & 0xff;
	} else {
		major = (ei->block[1] >> 8) & 0xfff;
		minor = (ei->block[1] & 0xff) | ((ei->block[1] >> 12) & ~0xffu);
	}
	return ((uint64_t)(major & 0xfffff000) << 32) | ((major & 0xfff) << 8) |
	       ((uint64_t)(minor & ~0xffu) << 12) | (minor & 0xff);
}

int ext2_stat(struct inode *inode, struct kstat *st)
{
	struct ext2_inode_info *ei = to_ext2_inode(inode);

	st->dev = inode->sb->dev_id;
	st->ino = inode->ino;
	st->mode = inode->mode;
	st->nlink = inode->nlink;
	st->uid = inode->uid;
	st->gid = inode->gid;
	st->rdev = 0;
	if (S_ISCHR(inode->mode) || S_ISBLK(inode->mode))
		st->rdev = device_number(ei);
	st->size = inode->size;
	st->blksize = ext2_fs_of(ei)->block_size;
	st->blocks = ei->blocks;
	st->atime = inode->atime;
	st->mtime = inode->mtime;
	st->ctime = inode->ctime;
	return 0;
}

/* With a journal, fsync commits the running transaction, whoever's
 * changes it holds (and the VFS has written the inode into it). */
int ext2_fsync(struct inode *inode)
{
	struct ext2_fs *fs = to_ext2_fs(inode->sb);
	int err;

	if (fs->journal) {
		if (inode->sb->read_only)
			return 0;
		return ext2_journal_commit(fs);
	}
	err = ext2_write_inode(inode);
	if (err < 0)
		return err;
	return bsync(inode->sb->dev);
}

/* A write in pieces of at most 32 blocks, each its own journal handle,
 * so that one handle dirties a bounded number of metadata blocks. */
static ssize_t j_write(struct inode *inode, const void *buf, size_t n,
		       uint64_t off)
{
	struct ext2_fs *fs = to_ext2_fs(inode->sb);
	size_t piece = (size_t)32 << fs->block_log, done = 0;
	ssize_t r = 0;

	if (!fs->journal)
		return ext2_write(inode, buf, n, off);
	do {
		size_t want = MIN(piece, n - done);

		ext2_journal_start(fs);
		r = ext2_write(inode, (const uint8_t *)buf + done, want,
			       off + done);
		ext2_journal_stop(fs);
		if (r <= 0)
			break;
		done += (size_t)r;
		if ((size_t)r < want)
			break;
	} while (done < n);
	return done ? (ssize_t)done : r;
}

static int j_truncate(struct inode *inode, uint64_t size)
{
	struct ext2_fs *fs = to_ext2_fs(inode->sb);
	int err;

	ext2_journal_start(fs);
	err = ext2_truncate(inode, size);
	ext2_journal_stop(fs);
	return err;
}

const struct inode_operations ext2_file_ops = {
	.read = ext2_read,
	.read_pages = ext2_read_pages,
	.write = j_write,
	.truncate = j_truncate,
	.stat = ext2_stat,
	.fsync = ext2_fsync,
};

const struct inode_operations ext2_symlink_ops = {
	.readlink = ext2_readlink,
	.stat = ext2_stat,
	.fsync = ext2_fsync,
};

/* Device files, FIFOs and sockets: only their inode is on disk. */
const struct inode_operations ext2_special_ops = {
	.stat = ext2_stat,
	.fsync = ext2_fsync,
};
