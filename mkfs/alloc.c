/*
 * Block and inode allocation. Two bitmaps cover the whole file system,
 * a bit per block from the first data block and a bit per inode from
 * inode 1; super.c cuts them into the per-group bitmaps at the end. Each
 * group's metadata and the reserved inodes 1 to 10 are marked used first.
 *
 * Blocks are handed out in one sweep from the first free block up, so a
 * file's blocks follow each other and the image depends only on the order
 * of the requests. When the image is full, alloc_block returns 0 (a hole)
 * and counts the shortfall, so that mkfs can finish the walk and say how
 * many blocks the tree needs before it gives up.
 */
#include "mkfs.h"

static bool test_bit(const uint8_t *map, uint32_t bit)
{
	return map[bit / 8] & (1u << (bit % 8));
}

static void set_bit(uint8_t *map, uint32_t bit)
{
	map[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

bool alloc_block_is_used(const struct fs *fs, uint32_t block)
{
	return test_bit(fs->block_used, block - fs->first_data_block);
}

bool alloc_inode_is_used(const struct fs *fs, uint32_t ino)
{
	return test_bit(fs->inode_used, ino - 1);
}

static void mark_block(struct fs *fs, uint32_t block)
{
	set_bit(fs->block_used, block - fs->first_data_block);
}

static void mark_range(struct fs *fs, uint32_t first, uint32_t count)
{
	while (count--)
		mark_block(fs, first++);
}

void alloc_init(struct fs *fs)
{
	uint32_t inodes = fs->inodes_per_group * fs->groups;
	uint32_t g, ino;

	fs->block_used = xcalloc(fs->blocks_count / 8 + 1, 1);
	fs->inode_used = xcalloc(inodes / 8 + 1, 1);
	for (g = 0; g < fs->groups; g++) {
		const struct group *gr = &fs->group[g];

		if (gr->has_super)
			mark_range(fs, gr->first_block, 1 + fs->gdt_blocks);
		mark_block(fs, gr->block_bitmap);
		mark_block(fs, gr->inode_bitmap);
		mark_range(fs, gr->inode_table, fs->inode_table_blocks);
	}
	for (ino = 1; ino < EXT2_GOOD_OLD_FIRST_INO; ino++)
		set_bit(fs->inode_used, ino - 1);
	fs->next_block = fs->first_data_block;
}

/* The next free block, marked used; 0 once the image is full. */
uint32_t alloc_block(struct fs *fs)
{
	while (fs->next_block < fs->blocks_count &&
	       alloc_block_is_used(fs, fs->next_block))
		fs->next_block++;
	if (fs->next_block == fs->blocks_count) {
		fs->blocks_short++;
		return 0;
	}
	mark_block(fs, fs->next_block);
	return fs->next_block++;
}

/* Inode numbers come from tree.c; this marks one used. */
void alloc_inode(struct fs *fs, uint32_t ino, bool is_dir)
{
	set_bit(fs->inode_used, ino - 1);
	if (is_dir)
		fs->group[(ino - 1) / fs->inodes_per_group].dirs++;
}

/* Blocks in use, counting those before the first data block. */
uint32_t alloc_blocks_used(const struct fs *fs)
{
	uint32_t used = fs->first_data_block, b;

	for (b = fs->first_data_block; b < fs->blocks_count; b++)
		used += alloc_block_is_used(fs, b);
	return used;
}
