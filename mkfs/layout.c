/*
 * The geometry of the image, fixed before a byte is written. The blocks
 * after the first data block are cut into groups of blocks_per_group
 * (the last one may be shorter). Each group starts with a copy of the
 * superblock and of the group descriptor table if it is group 0, 1 or a
 * power of 3, 5 or 7 (sparse_super), then holds its block bitmap, inode
 * bitmap and inode table, then data:
 *
 *   | super | descriptors | block bitmap | inode bitmap | inode table | data ... |
 *
 * The numbers follow mke2fs (lib/ext2fs/initialize.c): inodes are spread
 * evenly over the groups, as many per group as fill the inode table's
 * blocks (a multiple of 8); a last group too short to be worth its own
 * bitmaps and table is left out. docs/mkfs.md has the picture.
 */
#include <stdio.h>
#include <string.h>

#include "mkfs.h"

/* A last group that would have fewer data blocks than this is left out
 * of the file system (mke2fs does the same). */
#define LAST_GROUP_MIN_DATA 50

/* Bitmap block, inode bitmap block. */
#define GROUP_BITMAP_BLOCKS 2

static uint64_t div_round_up(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

static bool is_power_of(uint32_t n, uint32_t base)
{
	while (n > 1 && n % base == 0)
		n /= base;
	return n == 1;
}

bool layout_has_super(uint32_t group)
{
	return group <= 1 || is_power_of(group, 3) || is_power_of(group, 5) ||
	       is_power_of(group, 7);
}

/* Blocks a group's metadata takes: the copies, the bitmaps, the table. */
static uint32_t group_overhead(const struct fs *fs, uint32_t g)
{
	uint32_t n = GROUP_BITMAP_BLOCKS + fs->inode_table_blocks;

	if (layout_has_super(g))
		n += 1 + fs->gdt_blocks;
	return n;
}

/* The image cannot hold the metadata of a file system this size. */
static void too_small(const struct fs *fs)
{
	if (!fs->inodes_per_group)
		fatal("%llu bytes are too small for %u-byte blocks",
		      (unsigned long long)fs->opt->size, fs->block_size);
	fatal("%llu bytes are too small for %u-byte blocks and %u inodes "
	      "(fewer with -N or -i?)",
	      (unsigned long long)fs->opt->size, fs->block_size,
	      fs->inodes_per_group * fs->groups);
}

/* Inodes per group: the wanted total spread over the groups, rounded up
 * to fill the inode table's last block, then down to a multiple of 8 so
 * that the inode bitmap ends on a byte. */
static void plan_inodes(struct fs *fs, uint64_t wanted)
{
	uint32_t per_block = fs->block_size / fs->inode_size;
	uint64_t ipg = div_round_up(wanted, fs->groups);

	ipg = div_round_up(ipg, per_block) * per_block;
	ipg &= ~7ull;
	if (ipg < 8)
		ipg = 8;
	if (ipg > 8ull * fs->block_size)
		fatal("%llu inodes are too many: at most %u per group, in %u "
		      "groups",
		      (unsigned long long)wanted, 8 * fs->block_size,
		      fs->groups);
	fs->inodes_per_group = (uint32_t)ipg;
	fs->inode_table_blocks =
		(uint32_t)div_round_up(ipg * fs->inode_size, fs->block_size);
}

/* The group count for blocks_count, and the numbers that follow from it. */
static void plan_groups(struct fs *fs, uint64_t inodes_wanted)
{
	uint32_t data_blocks = fs->blocks_count - fs->first_data_block;

	for (;;) {
		uint32_t rest;

		fs->groups = (uint32_t)div_round_up(data_blocks,
						    fs->blocks_per_group);
		fs->gdt_blocks = (uint32_t)div_round_up(
			(uint64_t)fs->groups * sizeof(struct ext2_group_desc),
			fs->block_size);
		plan_inodes(fs, inodes_wanted);
		rest = data_blocks % fs->blocks_per_group;
		if (!rest || rest >= group_overhead(fs, fs->groups - 1) +
					     LAST_GROUP_MIN_DATA)
			break;
		if (fs->groups == 1)
			too_small(fs);
		data_blocks -= rest;
		fs->blocks_count -= rest;
	}
	if (group_overhead(fs, 0) >= fs->blocks_per_group ||
	    group_overhead(fs, 0) >= data_blocks)
		too_small(fs);
}

static void place_groups(struct fs *fs)
{
	uint32_t g;

	fs->group = xcalloc(fs->groups, sizeof(*fs->group));
	for (g = 0; g < fs->groups; g++) {
		struct group *gr = &fs->group[g];
		uint32_t meta;

		gr->first_block =
			fs->first_data_block + g * fs->blocks_per_group;
		gr->blocks = fs->blocks_count - gr->first_block;
		if (gr->blocks > fs->blocks_per_group)
			gr->blocks = fs->blocks_per_group;
		gr->has_super = layout_has_super(g);
		meta = gr->first_block;
		if (gr->has_super)
			meta += 1 + fs->gdt_blocks;
		gr->block_bitmap = meta;
		gr->inode_bitmap = meta + 1;
		gr->inode_table = meta + GROUP_BITMAP_BLOCKS;
	}
}

void layout_plan(struct fs *fs, const struct mkfs_options *opt)
{
	uint64_t blocks = opt->size / opt->block_size;
	uint64_t inodes;

	memset(fs, 0, sizeof(*fs));
	fs->opt = opt;
	fs->fd = -1;
	fs->block_size = opt->block_size;
	while ((1024u << fs->log_block_size) < fs->block_size)
		fs->log_block_size++;
	fs->first_data_block = fs->block_size == 1024 ? 1 : 0;
	fs->inode_size = opt->inode_size;
	fs->blocks_per_group = opt->blocks_per_group ? opt->blocks_per_group
						     : 8 * fs->block_size;
	if (fs->blocks_per_group > 8 * fs->block_size)
		fatal("-g %u: at most %u blocks per group with %u-byte blocks",
		      fs->blocks_per_group, 8 * fs->block_size, fs->block_size);
	if (blocks > UINT32_MAX)
		fatal("an image of more than 2^32 - 1 blocks");
	if (blocks <= fs->first_data_block)
		too_small(fs);
	fs->blocks_count = (uint32_t)blocks;

	inodes = opt->inodes ? opt->inodes : opt->size / opt->bytes_per_inode;
	plan_groups(fs, inodes);
	if ((uint64_t)fs->inodes_per_group * fs->groups > UINT32_MAX)
		fatal("more than 2^32 - 1 inodes");
	fs->reserved_blocks = (uint32_t)((uint64_t)fs->blocks_count *
					 opt->reserved_percent / 100);
	place_groups(fs);
}

/* -v: the geometry and each group's parts, like a short dumpe2fs. */
void layout_print(const struct fs *fs, const struct tree *tree)
{
	uint32_t g;

	printf("%s: %u blocks of %u bytes, %u group%s of %u blocks\n",
	       fs->opt->image, fs->blocks_count, fs->block_size, fs->groups,
	       fs->groups == 1 ? "" : "s", fs->blocks_per_group);
	printf("%u inodes of %u bytes (%u per group), 1 to %u in use\n",
	       fs->inodes_per_group * fs->groups, fs->inode_size,
	       fs->inodes_per_group, tree->last_ino);
	printf("%u blocks used, %u reserved for root\n", alloc_blocks_used(fs),
	       fs->reserved_blocks);
	for (g = 0; g < fs->groups; g++) {
		const struct group *gr = &fs->group[g];

		printf("group %u: blocks %u-%u", g, gr->first_block,
		       gr->first_block + gr->blocks - 1);
		if (gr->has_super)
			printf(", superblock %u, descriptors %u-%u",
			       gr->first_block, gr->first_block + 1,
			       gr->first_block + fs->gdt_blocks);
		printf(", bitmaps %u %u, inode table %u-%u\n", gr->block_bitmap,
		       gr->inode_bitmap, gr->inode_table,
		       gr->inode_table + fs->inode_table_blocks - 1);
	}
}
