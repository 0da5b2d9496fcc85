/*
 * Directories. A directory is a file of whole blocks, each block a chain
 * of variable-length entries (struct ext2_dir_entry): inode number,
 * rec_len (the bytes to the next entry), name length, file type, name.
 * The last entry of a block reaches exactly to its end, so the entries
 * of a block always cover it:
 *
 *   | 2 12 1 . | 2 12 2 .. | 14 16 5 hello___ | 0 980 ... (free) ... |
 *
 * Adding a name takes an unused entry that is big enough, or splits an
 * entry whose rec_len is longer than its name needs (the new entry gets
 * the slack), or else appends a block holding one entry. Removing a name
 * merges its entry into the one before it in the block (rec_len grows
 * over it); the first entry of a block cannot merge backwards and is
 * marked unused (inode 0) instead.
 *
 * Every block is checked as it is read (ext2_dir_check_block) before
 * any entry is believed: a rec_len that is too small (0 would loop
 * forever), unaligned, or runs past the block, a name longer than its
 * entry, an inode number past the end, all fail with -EIO and a message.
 * So is a hole in a directory.
 *
 * Hashed directories (dir_index, EXT2_INDEX_FL) are also valid linear
 * directories: their index blocks look like one empty entry spanning the
 * block. They are read linearly; when one is changed its flag is
 * cleared, since the index no longer matches, as Linux's ext2 does.
 */
#include "fs/ext2/ext2.h"

static struct ext2_dir_entry *entry_at(uint8_t *data, uint32_t off)
{
	return (struct ext2_dir_entry *)(data + off);
}

int ext2_dir_check_block(struct ext2_fs *fs, uint64_t dir_ino, uint64_t lblk,
			 const uint8_t *data)
{
	const struct ext2_dir_entry *de;
	const char *why = NULL;
	uint32_t off;

	for (off = 0; off < fs->block_size; off += de->rec_len) {
		de = (const struct ext2_dir_entry *)(data + off);
		if (fs->block_size - off < EXT2_DIR_ENTRY_HEADER) {
			ext2_error(fs,
				   "directory inode %lu, block %lu, offset %u: "
				   "entry header past the block end",
				   dir_ino, lblk, off);
			return -EIO;
		}
		if (de->rec_len < EXT2_DIR_REC_LEN(1))
			why = "rec_len too small";
		else if (de->rec_len % 4)
			why = "rec_len not a multiple of 4";
		else if (de->rec_len > fs->block_size - off)
			why = "rec_len runs past the block end";
		else if (de->rec_len < EXT2_DIR_REC_LEN(de->name_len))
			why = "name longer than its entry";
		else if (de->inode > fs->inodes_count)
			why = "inode number past the end";
		else if (de->inode && de->name_len == 0)
			why = "empty name";
		if (why)
			break;
	}
	if (!why)
		return 0;
	ext2_error(fs,
		   "directory inode %lu, block %lu, offset %u: %s (rec_len "
		   "%u, name_len %u, inode %u)",
		   dir_ino, lblk, off, why, de->rec_len, de->name_len,
		   de->inode);
	return -EIO;
}

/* Directory block lblk, read and checked. */
static int read_dir_block(struct ext2_inode_info *dir, uint64_t lblk,
			  struct buf **bp)
{
	struct ext2_fs *fs = ext2_fs_of(dir);
	uint32_t blk;
	int err = ext2_bmap(dir, lblk, false, &blk, NULL);

	if (err < 0)
		return err;
	if (!blk) {
		ext2_error(fs, "directory inode %lu: hole at block %lu",
			   dir->vfs.ino, lblk);
		return -EIO;
	}
	if (bread(fs->dev, blk, fs->block_size, bp) < 0) {
		ext2_error(fs, "directory inode %lu: cannot read block %u",
			   dir->vfs.ino, blk);
		return -EIO;
	}
	err = ext2_dir_check_block(fs, dir->vfs.ino, lblk, (*bp)->data);
	if (err < 0)
		brelse(*bp);
	return err;
}

static uint8_t file_type_of(struct ext2_fs *fs, uint32_t mode)
{
	return fs->filetype ? ext2_file_type(mode) : EXT2_FT_UNKNOWN;
}

static unsigned int dirent_type(struct ext2_fs *fs, uint8_t file_type)
{
	static const uint8_t dt[] = {
		[EXT2_FT_UNKNOWN] = DT_UNKNOWN, [EXT2_FT_REG_FILE] = DT_REG,
		[EXT2_FT_DIR] = DT_DIR,         [EXT2_FT_CHRDEV] = DT_CHR,
		[EXT2_FT_BLKDEV] = DT_BLK,      [EXT2_FT_FIFO] = DT_FIFO,
		[EXT2_FT_SOCK] = DT_SOCK,       [EXT2_FT_SYMLINK] = DT_LNK,
	};

	if (!fs->filetype || file_type >= ARRAY_SIZE(dt))
		return DT_UNKNOWN;
	return dt[file_type];
}

/* The directory changed: new times, and an index no longer valid. */
static int dir_changed(struct ext2_inode_info *dir)
{
	dir->vfs.mtime = dir->vfs.ctime = vfs_now();
	dir->flags &= ~EXT2_INDEX_FL;
	return ext2_write_inode(&dir->vfs);
}

int ext2_dir_find(struct ext2_inode_info *dir, const char *name, size_t len,
		  struct ext2_dir_slot *slot)
{
	struct ext2_fs *fs = ext2_fs_of(dir);
	uint64_t nblocks = dir->vfs.size >> fs->block_log;
	struct ext2_dir_entry *de;
	struct buf *b;

	for (uint64_t lblk = 0; lblk < nblocks; lblk++) {
		uint32_t prev = 0;
		int err = read_dir_block(dir, lblk, &b);

		if (err < 0)
			return err;
		for (uint32_t off = 0; off < fs->block_size;
		     off += de->rec_len) {
			de = entry_at(b->data, off);
			if (de->inode && de->name_len == len &&
			    memcmp(de->name, name, len) == 0) {
				slot->lblk = lblk;
				slot->offset = off;
				slot->prev = prev;
				slot->ino = de->inode;
				slot->file_type = de->file_type;
				brelse(b);
				return 0;
			}
			prev = off;
		}
		brelse(b);
	}
	return -ENOENT;
}

static void fill_entry(struct ext2_fs *fs, struct ext2_dir_entry *de,
		       const char *name, size_t len, uint32_t ino,
		       uint32_t mode)
{
	de->inode = ino;
	de->name_len = len;
	de->file_type = file_type_of(fs, mode);
	memcpy(de->name, name, len);
}

/* Put the entry into block b if some entry there has room; did it? */
static bool add_in_block(struct ext2_fs *fs, struct buf *b, const char *name,
			 size_t len, uint32_t ino, uint32_t mode)
{
	uint32_t need = EXT2_DIR_REC_LEN(len);
	struct ext2_dir_entry *de, *new;

	for (uint32_t off = 0; off < fs->block_size; off += de->rec_len) {
		uint32_t used;

		de = entry_at(b->data, off);
		used = de->inode ? EXT2_DIR_REC_LEN(de->name_len) : 0;
		if (de->rec_len < used + need)
			continue;
		new = de;
		if (used) {
			/* Split: the new entry takes the slack. */
			new = entry_at(b->data, off + used);
			new->rec_len = de->rec_len - used;
			de->rec_len = used;
		}
		fill_entry(fs, new, name, len, ino, mode);
		ext2_dirty_meta(fs, b);
		return true;
	}
	return false;
}

/* Append a block to the directory holding just this entry. */
static int add_block(struct ext2_inode_info *dir, const char *name, size_t len,
		     uint32_t ino, uint32_t mode)
{
	struct ext2_fs *fs = ext2_fs_of(dir);
	uint64_t lblk = dir->vfs.size >> fs->block_log;
	struct ext2_dir_entry *de;
	struct buf *b;
	uint32_t blk;
	int err;

	if (dir->vfs.size + fs->block_size > UINT32_MAX)
		return -EFBIG;
	err = ext2_bmap(dir, lblk, true, &blk, NULL);
	if (err < 0)
		return err;
	err = bget_zero(fs->dev, blk, fs->block_size, &b);
	if (err < 0)
		return err;
	memset(b->data, 0, fs->block_size);
	de = entry_at(b->data, 0);
	de->rec_len = fs->block_size;
	fill_entry(fs, de, name, len, ino, mode);
	ext2_dirty_meta(fs, b);
	brelse(b);
	dir->vfs.size += fs->block_size;
	return 0;
}

int ext2_dir_add(struct ext2_inode_info *dir, const char *name, size_t len,
		 uint32_t ino, uint32_t mode)
{
	struct ext2_fs *fs = ext2_fs_of(dir);
	uint64_t nblocks = dir->vfs.size >> fs->block_log;
	struct buf *b;
	bool added = false;
	int err;

	for (uint64_t lblk = 0; lblk < nblocks && !added; lblk++) {
		err = read_dir_block(dir, lblk, &b);
		if (err < 0)
			return err;
		added = add_in_block(fs, b, name, len, ino, mode);
		brelse(b);
	}
	if (!added) {
		err = add_block(dir, name, len, ino, mode);
		if (err < 0)
			return err;
	}
	return dir_changed(dir);
}

int ext2_dir_remove(struct ext2_inode_info *dir,
		    const struct ext2_dir_slot *slot)
{
	struct ext2_dir_entry *de;
	struct buf *b;
	int err = read_dir_block(dir, slot->lblk, &b);

	if (err < 0)
		return err;
	de = entry_at(b->data, slot->offset);
	if (slot->prev != slot->offset) {
		struct ext2_dir_entry *prev = entry_at(b->data, slot->prev);

		prev->rec_len += de->rec_len;
	} else {
		de->inode = 0;
	}
	ext2_dirty_meta(ext2_fs_of(dir), b);
	brelse(b);
	return dir_changed(dir);
}

int ext2_dir_retarget(struct ext2_inode_info *dir,
		      const struct ext2_dir_slot *slot, uint32_t ino,
		      uint32_t mode)
{
	struct ext2_dir_entry *de;
	struct buf *b;
	int err = read_dir_block(dir, slot->lblk, &b);

	if (err < 0)
		return err;
	de = entry_at(b->data, slot->offset);
	de->inode = ino;
	de->file_type = file_type_of(ext2_fs_of(dir), mode);
	ext2_dirty_meta(ext2_fs_of(dir), b);
	brelse(b);
	return dir_changed(dir);
}

static bool is_dot_or_dotdot(const struct ext2_dir_entry *de)
{
	return (de->name_len == 1 && de->name[0] == '.') ||
	       (de->name_len == 2 && de->name[0] == '.' && de->name[1] == '.');
}

int ext2_dir_is_empty(struct ext2_inode_info *dir)
{
	struct ext2_fs *fs = ext2_fs_of(dir);
	uint64_t nblocks = dir->vfs.size >> fs->block_log;
	struct ext2_dir_entry *de;
	struct buf *b;

	for (uint64_t lblk = 0; lblk < nblocks; lblk++) {
		int err = read_dir_block(dir, lblk, &b);

		if (err < 0)
			return err;
		for (uint32_t off = 0; off < fs->block_size;
		     off += de->rec_len) {
			de = entry_at(b->data, off);
			if (de->inode && !is_dot_or_dotdot(de)) {
				brelse(b);
				return 0;
			}
		}
		brelse(b);
	}
	return 1;
}

int ext2_dir_init(struct ext2_inode_info *dir, uint32_t parent_ino)
{
	struct ext2_fs *fs = ext2_fs_of(dir);
	struct ext2_dir_entry *de;
	struct buf *b;
	uint32_t blk;
	int err = ext2_bmap(dir, 0, true, &blk, NULL);

	if (err < 0)
		return err;
	err = bget_zero(fs->dev, blk, fs->block_size, &b);
	if (err < 0)
		return err;
	memset(b->data, 0, fs->block_size);
	de = entry_at(b->data, 0);
	de->rec_len = EXT2_DIR_REC_LEN(1);
	fill_entry(fs, de, ".", 1, dir->vfs.ino, S_IFDIR);
	de = entry_at(b->data, EXT2_DIR_REC_LEN(1));
	de->rec_len = fs->block_size - EXT2_DIR_REC_LEN(1);
	fill_entry(fs, de, "..", 2, parent_ino, S_IFDIR);
	ext2_dirty_meta(fs, b);
	brelse(b);
	dir->vfs.size = fs->block_size;
	return ext2_write_inode(&dir->vfs);
}

int ext2_lookup(struct inode *dir, const char *name, size_t len,
		struct inode **out)
{
	struct ext2_dir_slot slot;
	int err = ext2_dir_find(to_ext2_inode(dir), name, len, &slot);

	if (err < 0)
		return err;
	return vfs_iget(dir->sb, slot.ino, out);
}

/* The cookie is the byte offset of the next entry in the directory. */
int ext2_readdir(struct inode *dir, uint64_t *pos, vfs_emit_fn emit, void *ctx)
{
	struct ext2_inode_info *ei = to_ext2_inode(dir);
	struct ext2_fs *fs = ext2_fs_of(ei);
	struct ext2_dir_entry *de;
	struct buf *b;

	while (*pos < dir->size) {
		uint64_t lblk = *pos >> fs->block_log;
		uint32_t start = *pos & (fs->block_size - 1);
		int err = read_dir_block(ei, lblk, &b);

		if (err < 0)
			return err;
		for (uint32_t off = 0; off < fs->block_size;
		     off += de->rec_len) {
			de = entry_at(b->data, off);
			if (off < start)
				continue;
			if (de->inode &&
			    emit(ctx, de->name, de->name_len, de->inode,
				 dirent_type(fs, de->file_type))) {
				brelse(b);
				return 0;
			}
			*pos = (lblk << fs->block_log) + off + de->rec_len;
		}
		brelse(b);
		*pos = (lblk + 1) << fs->block_log;
	}
	return 0;
}
