/*
 * Which blocks and inodes are free. Each block group has a block bitmap
 * and an inode bitmap, one bit per block or inode of the group (1: in
 * use); its descriptor counts the free ones. A bit and its count always
 * change together, under fs->lock, and the superblock's totals are the
 * sums of the groups' (super.c).
 *
 * Allocation looks near a goal so that what is used together lies
 * together: a file's next block right after its last one, a file's
 * first block in its inode's group, a file's inode in its directory's
 * group, and a new directory in a group with many free inodes and
 * blocks, to spread the tree over the disk (Linux ext2's older policy).
 *
 * The bitmaps are believed only so far: a block the bitmap calls free
 * but that holds metadata, a count that says "free" over a full bitmap,
 * or freeing what is already free, is reported (ext2_error) and the
 * operation fails with -EIO. The blocks that hold the superblock copies,
 * the descriptors and the reserved descriptor blocks (resize_inode) are
 * marked in use by mke2fs and are never handed out.
 */
#include "fs/ext2/ext2.h"

/* First clear bit of map at or after start, below nbits; -1 if none. */
int64_t ext2_find_zero_bit(const uint8_t *map, uint32_t nbits, uint32_t start)
{
	uint32_t i = start;

	while (i < nbits) {
		if (i % 64 == 0 && nbits - i >= 64 &&
		    *(const uint64_t *)(map + i / 8) == ~0ULL) {
			i += 64;
			continue;
		}
		if (!(map[i / 8] & (1u << (i % 8))))
			return i;
		i++;
	}
	return -1;
}

static bool test_bit(const uint8_t *map, uint32_t i)
{
	return map[i / 8] & (1u << (i % 8));
}

static void set_bit(uint8_t *map, uint32_t i)
{
	map[i / 8] |= 1u << (i % 8);
}

static void clear_bit(uint8_t *map, uint32_t i)
{
	map[i / 8] &= ~(1u << (i % 8));
}

const char *ext2_block_problem(struct ext2_fs *fs, uint32_t blk)
{
	const struct ext2_group_desc *gd;
	uint32_t g, first;

	if (blk < fs->first_data_block || blk >= fs->blocks_count)
		return "out of range";
	g = (blk - fs->first_data_block) / fs->blocks_per_group;
	gd = &fs->groups[g];
	first = ext2_group_first_block(fs, g);
	if (ext2_group_has_super(fs, g) &&
	    blk - first < 1 + fs->gdt_blocks + fs->reserved_gdt_blocks)
		return "is a superblock or descriptor block";
	if (blk == gd->bg_block_bitmap || blk == gd->bg_inode_bitmap)
		return "is a bitmap";
	if (blk - gd->bg_inode_table < fs->itable_blocks)
		return "is in an inode table";
	return NULL;
}

/* The first bit at or after start clear in map and, with a journal, in
 * the bitmap as the last commit left it: a block freed in the running
 * transaction is not reused before that commits (it might be one the
 * old state still needs, as ext3's b_committed_data). Caller holds
 * fs->lock. */
static int64_t find_free(struct ext2_fs *fs, uint32_t g, const uint8_t *map,
			 uint32_t nbits, uint32_t start)
{
	const uint8_t *committed = ext2_journal_bitmap(fs, g);
	int64_t bit = ext2_find_zero_bit(map, nbits, start);

	while (bit >= 0 && committed && test_bit(committed, (uint32_t)bit))
		bit = ext2_find_zero_bit(map, nbits, (uint32_t)bit + 1);
	return bit;
}

/* Take the first free block of group g at or after bit start (else
 * before it). Caller holds fs->lock. */
static int alloc_block_in_group(struct ext2_fs *fs, uint32_t g, uint32_t start,
				uint32_t *out)
{
	struct ext2_group_desc *gd = &fs->groups[g];
	uint32_t first = ext2_group_first_block(fs, g);
	uint32_t nbits = ext2_group_blocks(fs, g);
	const char *why;
	struct buf *b;
	int64_t bit;
	int err = 0;

	if (gd->bg_free_blocks_count == 0)
		return -ENOSPC;
	if (bread(fs->dev, gd->bg_block_bitmap, fs->block_size, &b) < 0) {
		ext2_error(fs, "group %u: cannot read block bitmap %u", g,
			   gd->bg_block_bitmap);
		return -EIO;
	}
	bit = find_free(fs, g, b->data, nbits, start);
	if (bit < 0)
		bit = find_free(fs, g, b->data, nbits, 0);
	if (bit < 0 && ext2_journal_bitmap(fs, g)) {
		err = -ENOSPC; /* all freed in the running transaction */
		goto out;
	}
	if (bit < 0) {
		ext2_error(fs,
			   "group %u: %u blocks free by the descriptor, "
			   "none by the bitmap",
			   g, gd->bg_free_blocks_count);
		err = -EIO;
		goto out;
	}
	why = ext2_block_problem(fs, first + bit);
	if (why) {
		ext2_error(fs,
			   "group %u: block bitmap says block %u is free, "
			   "but it %s",
			   g, first + (uint32_t)bit, why);
		err = -EIO;
		goto out;
	}
	set_bit(b->data, bit);
	ext2_dirty_meta(fs, b);
	gd->bg_free_blocks_count--;
	*out = first + bit;
out:
	brelse(b);
	return err;
}

int ext2_new_block(struct ext2_fs *fs, uint32_t goal, uint32_t *out)
{
	uint32_t g0, start;
	int err = -ENOSPC;

	if (fs->vfs.read_only)
		return -EROFS;
	if (goal < fs->first_data_block || goal >= fs->blocks_count)
		goal = fs->first_data_block;
	g0 = (goal - fs->first_data_block) / fs->blocks_per_group;
	start = (goal - fs->first_data_block) % fs->blocks_per_group;
	sleep_lock(&fs->lock);
	for (uint32_t i = 0; i < fs->groups_count; i++) {
		uint32_t g = (g0 + i) % fs->groups_count;

		err = alloc_block_in_group(fs, g, i == 0 ? start : 0, out);
		if (err != -ENOSPC)
			break;
	}
	sleep_unlock(&fs->lock);
	return err;
}

int ext2_free_block(struct ext2_fs *fs, uint32_t blk)
{
	const char *why = ext2_block_problem(fs, blk);
	struct ext2_group_desc *gd;
	uint32_t g, bit;
	struct buf *b;
	int err = 0;

	if (why) {
		ext2_error(fs, "freeing block %u, which %s", blk, why);
		return -EIO;
	}
	g = (blk - fs->first_data_block) / fs->blocks_per_group;
	bit = (blk - fs->first_data_block) % fs->blocks_per_group;
	gd = &fs->groups[g];
	sleep_lock(&fs->lock);
	if (bread(fs->dev, gd->bg_block_bitmap, fs->block_size, &b) < 0) {
		ext2_error(fs, "group %u: cannot read block bitmap %u", g,
			   gd->bg_block_bitmap);
		err = -EIO;
		goto out;
	}
	if (!test_bit(b->data, bit)) {
		ext2_error(fs, "freeing block %u, which is already free", blk);
		err = -EIO;
	} else if (fs->journal &&
		   (err = ext2_journal_keep_bitmap(fs, g, b->data)) < 0) {
		/* No memory for the committed copy: the block stays in
		 * use (lost until e2fsck), which is safe. */
	} else {
		clear_bit(b->data, bit);
		ext2_dirty_meta(fs, b);
		if (gd->bg_free_blocks_count < ext2_group_blocks(fs, g))
			gd->bg_free_blocks_count++;
	}
	brelse(b);
out:
	sleep_unlock(&fs->lock);
	return err;
}

/* A group for a new directory: among the groups with at least the
 * average number of free inodes, the one with the most free blocks.
 * Caller holds fs->lock. */
static uint32_t pick_dir_group(struct ext2_fs *fs)
{
	uint64_t total = 0;
	uint32_t avg, best = 0, best_free = 0;
	bool found = false;

	for (uint32_t g = 0; g < fs->groups_count; g++)
		total += fs->groups[g].bg_free_inodes_count;
	avg = total / fs->groups_count;
	for (uint32_t g = 0; g < fs->groups_count; g++) {
		const struct ext2_group_desc *gd = &fs->groups[g];

		if (gd->bg_free_inodes_count == 0 ||
		    gd->bg_free_inodes_count < avg)
			continue;
		if (!found || gd->bg_free_blocks_count > best_free) {
			best = g;
			best_free = gd->bg_free_blocks_count;
			found = true;
		}
	}
	return best;
}

/* A group for a new file: its directory's if that has room, else one
 * found by quadratic hops from there (as Linux's ext2), else the first
 * with a free inode. Caller holds fs->lock. */
static uint32_t pick_file_group(struct ext2_fs *fs, uint32_t dir_group)
{
	uint32_t n = fs->groups_count;

	for (uint32_t hop = 0, g = dir_group; hop < n;
	     hop = hop ? hop * 2 : 1) {
		const struct ext2_group_desc *gd = &fs->groups[(g + hop) % n];

		if (gd->bg_free_inodes_count && gd->bg_free_blocks_count)
			return (g + hop) % n;
	}
	return dir_group;
}

/* Take a free inode of group g. Caller holds fs->lock. */
static int alloc_inode_in_group(struct ext2_fs *fs, uint32_t g, bool dir,
				uint32_t *out)
{
	struct ext2_group_desc *gd = &fs->groups[g];
	uint32_t base = g * fs->inodes_per_group; /* ino = base + bit + 1 */
	uint32_t start = 0;
	struct buf *b;
	int64_t bit;
	int err = 0;

	if (gd->bg_free_inodes_count == 0)
		return -ENOSPC;
	if (base + 1 < fs->first_ino)
		start = MIN(fs->first_ino - 1 - base, fs->inodes_per_group);
	if (bread(fs->dev, gd->bg_inode_bitmap, fs->block_size, &b) < 0) {
		ext2_error(fs, "group %u: cannot read inode bitmap %u", g,
			   gd->bg_inode_bitmap);
		return -EIO;
	}
	bit = ext2_find_zero_bit(b->data, fs->inodes_per_group, start);
	if (bit < 0) {
		ext2_error(fs,
			   "group %u: %u inodes free by the descriptor, none "
			   "by the bitmap",
			   g, gd->bg_free_inodes_count);
		err = -EIO;
		goto out;
	}
	set_bit(b->data, bit);
	ext2_dirty_meta(fs, b);
	gd->bg_free_inodes_count--;
	if (dir)
		gd->bg_used_dirs_count++;
	*out = base + bit + 1;
out:
	brelse(b);
	return err;
}

int ext2_new_inode_number(struct ext2_fs *fs, uint32_t dir_group, bool dir,
			  uint32_t *out)
{
	uint32_t g0;
	int err = -ENOSPC;

	if (fs->vfs.read_only)
		return -EROFS;
	sleep_lock(&fs->lock);
	g0 = dir ? pick_dir_group(fs) : pick_file_group(fs, dir_group);
	for (uint32_t i = 0; i < fs->groups_count; i++) {
		err = alloc_inode_in_group(fs, (g0 + i) % fs->groups_count, dir,
					   out);
		if (err != -ENOSPC)
			break;
	}
	sleep_unlock(&fs->lock);
	return err;
}

void ext2_free_inode_number(struct ext2_fs *fs, uint32_t ino, bool dir)
{
	uint32_t g = (ino - 1) / fs->inodes_per_group;
	uint32_t bit = (ino - 1) % fs->inodes_per_group;
	struct ext2_group_desc *gd = &fs->groups[g];
	struct buf *b;

	sleep_lock(&fs->lock);
	if (bread(fs->dev, gd->bg_inode_bitmap, fs->block_size, &b) < 0) {
		ext2_error(fs, "group %u: cannot read inode bitmap %u", g,
			   gd->bg_inode_bitmap);
		goto out;
	}
	if (!test_bit(b->data, bit)) {
		ext2_error(fs, "freeing inode %u, which is already free", ino);
	} else {
		clear_bit(b->data, bit);
		ext2_dirty_meta(fs, b);
		if (gd->bg_free_inodes_count < fs->inodes_per_group)
			gd->bg_free_inodes_count++;
		if (dir && gd->bg_used_dirs_count)
			gd->bg_used_dirs_count--;
	}
	brelse(b);
out:
	sleep_unlock(&fs->lock);
}
