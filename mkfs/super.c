/*
 * The file system's summary, written once the tree is in: each group's
 * block and inode bitmaps, the group descriptor table (where each group's
 * parts are, with its free and directory counts), and the superblock.
 * The primary superblock lies at byte 1024; every group with a copy
 * (layout_has_super) holds one at its first block, followed by the
 * descriptor table, each copy saying which group it is in.
 *
 * Bitmap bits past the end of a group (the last group is often short) and
 * past the inodes of a group are set, as e2fsck expects: there is nothing
 * there to allocate.
 */
#include <stdlib.h>
#include <string.h>

#include "mkfs.h"

/* s_max_mnt_count: -1, no check forced after some number of mounts. */
#define NO_MAX_MOUNT_COUNT (-1)

static void set_bit(uint8_t *map, uint32_t bit)
{
	map[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

/* Group g's block bitmap; returns its free blocks. */
static uint32_t block_bitmap(const struct fs *fs, uint32_t g, uint8_t *map)
{
	const struct group *gr = &fs->group[g];
	uint32_t i, free_blocks = 0;

	memset(map, 0, fs->block_size);
	for (i = 0; i < 8 * fs->block_size; i++) {
		if (i >= gr->blocks ||
		    alloc_block_is_used(fs, gr->first_block + i))
			set_bit(map, i);
		else
			free_blocks++;
	}
	return free_blocks;
}

/* Group g's inode bitmap; returns its free inodes. */
static uint32_t inode_bitmap(const struct fs *fs, uint32_t g, uint8_t *map)
{
	uint32_t first = g * fs->inodes_per_group + 1;
	uint32_t i, free_inodes = 0;

	memset(map, 0, fs->block_size);
	for (i = 0; i < 8 * fs->block_size; i++) {
		if (i >= fs->inodes_per_group ||
		    alloc_inode_is_used(fs, first + i))
			set_bit(map, i);
		else
			free_inodes++;
	}
	return free_inodes;
}

/* Write the bitmaps and fill the descriptor table; the totals go to sb. */
static void write_groups(struct fs *fs, struct ext2_group_desc *gdt,
			 struct ext2_superblock *sb)
{
	uint8_t *map = xcalloc(1, fs->block_size);
	uint32_t g;

	for (g = 0; g < fs->groups; g++) {
		const struct group *gr = &fs->group[g];
		struct ext2_group_desc *d = &gdt[g];

		d->bg_block_bitmap = gr->block_bitmap;
		d->bg_inode_bitmap = gr->inode_bitmap;
		d->bg_inode_table = gr->inode_table;
		d->bg_used_dirs_count = (uint16_t)gr->dirs;
		d->bg_free_blocks_count = (uint16_t)block_bitmap(fs, g, map);
		image_write_block(fs, gr->block_bitmap, map);
		d->bg_free_inodes_count = (uint16_t)inode_bitmap(fs, g, map);
		image_write_block(fs, gr->inode_bitmap, map);
		sb->s_free_blocks_count += d->bg_free_blocks_count;
		sb->s_free_inodes_count += d->bg_free_inodes_count;
	}
	free(map);
}

static void fill_super(const struct fs *fs, struct ext2_superblock *sb)
{
	const struct mkfs_options *opt = fs->opt;

	sb->s_inodes_count = fs->inodes_per_group * fs->groups;
	sb->s_blocks_count = fs->blocks_count;
	sb->s_r_blocks_count = fs->reserved_blocks;
	sb->s_first_data_block = fs->first_data_block;
	sb->s_log_block_size = fs->log_block_size;
	sb->s_log_frag_size = fs->log_block_size;
	sb->s_blocks_per_group = fs->blocks_per_group;
	sb->s_frags_per_group = fs->blocks_per_group;
	sb->s_inodes_per_group = fs->inodes_per_group;
	sb->s_wtime = opt->time;
	sb->s_max_mnt_count = NO_MAX_MOUNT_COUNT;
	sb->s_magic = EXT2_SUPER_MAGIC;
	sb->s_state = EXT2_VALID_FS;
	sb->s_errors = EXT2_ERRORS_CONTINUE;
	sb->s_lastcheck = opt->time;
	sb->s_creator_os = EXT2_OS_LINUX;
	sb->s_rev_level = EXT2_DYNAMIC_REV;
	sb->s_first_ino = EXT2_GOOD_OLD_FIRST_INO;
	sb->s_inode_size = (uint16_t)fs->inode_size;
	sb->s_feature_incompat = EXT2_FEATURE_INCOMPAT_FILETYPE;
	sb->s_feature_ro_compat = EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER |
				  EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
	memcpy(sb->s_uuid, opt->uuid, MKFS_UUID_SIZE);
	memcpy(sb->s_volume_name, opt->label, MKFS_LABEL_MAX);
	sb->s_mkfs_time = opt->time;
	journal_fill_super(fs, sb);
}

void super_write(struct fs *fs)
{
	size_t gdt_bytes = (size_t)fs->gdt_blocks * fs->block_size;
	struct ext2_group_desc *gdt = xcalloc(1, gdt_bytes);
	struct ext2_superblock sb;
	uint32_t g;

	memset(&sb, 0, sizeof(sb));
	fill_super(fs, &sb);
	write_groups(fs, gdt, &sb);
	for (g = 0; g < fs->groups; g++) {
		const struct group *gr = &fs->group[g];
		uint64_t at = (uint64_t)gr->first_block * fs->block_size;

		if (!gr->has_super)
			continue;
		sb.s_block_group_nr = (uint16_t)g;
		image_write(fs, g ? at : EXT2_SUPERBLOCK_OFFSET, &sb,
			    sizeof(sb));
		image_write(fs, at + fs->block_size, gdt, gdt_bytes);
	}
	free(gdt);
}
