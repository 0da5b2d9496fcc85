/*
 * -j: an ext3 journal, as mke2fs -j makes one. The journal is the file of
 * inode 8 (EXT2_JOURNAL_INO, mode 0600, no name), its blocks contiguous
 * and written before the tree's; block 0 is the JBD2 superblock (every
 * field big-endian), the rest zeros: an empty log, whose first
 * transaction will be number 1.
 *
 *   journal block 0        1 ...                         maxlen - 1
 *                 [jsb v2][ log: empty, s_start = 0 ................ ]
 *
 * The file system's superblock says COMPAT_HAS_JOURNAL, s_journal_inum 8,
 * and keeps a copy of the journal inode's i_block[] and size in
 * s_jnl_blocks (s_jnl_backup_type 1), which e2fsck uses if the inode is
 * ever lost. The size is mke2fs's default for the file system's size
 * (ext2fs_default_journal_size), or -J size=MiB.
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "mkfs.h"

#define JNL_BACKUP_BLOCKS 1     /* s_jnl_backup_type: s_jnl_blocks is valid */
#define JSB_USERS_OFFSET 0x100  /* s_users[]: the file systems using it */
#define JOURNAL_MIN_BLOCKS 1024 /* JBD2_MIN_JOURNAL_BLOCKS */

/* mke2fs's journal size for a file system of n blocks, in blocks; 0 when
 * it is too small for one (below 2048 blocks). */
static uint32_t default_blocks(uint32_t n)
{
	static const struct {
		uint32_t below, blocks;
	} sizes[] = {
		{ 2048, 0 },
		{ 32768, 1024 },
		{ 256 * 1024, 4096 },
		{ 512 * 1024, 8192 },
		{ 4096 * 1024, 16384 },
		{ 8192 * 1024, 32768 },
		{ 16384 * 1024, 65536 },
		{ 32768 * 1024, 131072 },
	};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (n < sizes[i].below)
			return sizes[i].blocks;
	return 262144;
}

void journal_plan(struct fs *fs)
{
	const struct mkfs_options *opt = fs->opt;
	uint64_t blocks;

	fs->journal_blocks = 0;
	if (!opt->journal)
		return;
	if (opt->journal_mib)
		blocks = ((uint64_t)opt->journal_mib << 20) / fs->block_size;
	else
		blocks = default_blocks(fs->blocks_count);
	if (blocks == 0)
		fatal("-j: %u blocks are too few for a journal (mke2fs too "
		      "wants 2048 or more)",
		      fs->blocks_count);
	if (blocks < JOURNAL_MIN_BLOCKS)
		fatal("-J size=%u: a journal needs %u blocks or more",
		      opt->journal_mib, JOURNAL_MIN_BLOCKS);
	if (blocks > fs->blocks_count / 2)
		fatal("-J: a journal of %llu blocks does not fit in %u "
		      "(at most half the file system)",
		      (unsigned long long)blocks, fs->blocks_count);
	fs->journal_blocks = (uint32_t)blocks;
}

/* The JBD2 superblock of an empty journal, in a block_size buffer. */
static void journal_super(const struct fs *fs, uint8_t *block)
{
	struct jbd2_superblock *jsb = (struct jbd2_superblock *)block;

	memset(block, 0, fs->block_size);
	jsb->s_header.h_magic = htobe32(JBD2_MAGIC);
	jsb->s_header.h_blocktype = htobe32(JBD2_SUPERBLOCK_V2);
	jsb->s_blocksize = htobe32(fs->block_size);
	jsb->s_maxlen = htobe32(fs->journal_blocks);
	jsb->s_first = htobe32(1);
	jsb->s_sequence = htobe32(1);
	jsb->s_start = 0; /* empty */
	memcpy(jsb->s_uuid, fs->opt->uuid, MKFS_UUID_SIZE);
	jsb->s_nr_users = htobe32(1);
	memcpy(block + JSB_USERS_OFFSET, fs->opt->uuid, MKFS_UUID_SIZE);
}

void journal_write(struct fs *fs)
{
	uint8_t *block, *inode_buf;
	struct ext2_inode *inode;
	struct blockmap map;
	uint64_t size;

	if (!fs->journal_blocks)
		return;
	block = xcalloc(1, fs->block_size);
	inode_buf = xcalloc(1, fs->inode_size);
	inode = (struct ext2_inode *)inode_buf;
	blockmap_init(&map, fs);
	journal_super(fs, block);
	blockmap_add(&map, 0, block);
	memset(block, 0, fs->block_size);
	for (uint32_t i = 1; i < fs->journal_blocks; i++)
		blockmap_add(&map, i, block);
	inode->i_mode = EXT2_S_IFREG | 0600;
	inode->i_links_count = 1;
	inode->i_atime = inode->i_ctime = inode->i_mtime = fs->opt->time;
	size = (uint64_t)fs->journal_blocks * fs->block_size;
	inode->i_size = (uint32_t)size;
	inode->i_size_high = (uint32_t)(size >> 32);
	blockmap_finish(&map, inode);
	if (fs->inode_size > EXT2_GOOD_OLD_INODE_SIZE) {
		struct ext2_inode_extra *extra =
			(void *)(inode_buf + EXT2_GOOD_OLD_INODE_SIZE);

		extra->i_extra_isize = sizeof(struct ext2_inode_extra);
		extra->i_crtime = fs->opt->time;
	}
	inode_store(fs, EXT2_JOURNAL_INO, inode_buf);
	memcpy(fs->jnl_blocks, inode->i_block, sizeof(inode->i_block));
	fs->jnl_blocks[15] = inode->i_size_high;
	fs->jnl_blocks[16] = inode->i_size;
	free(block);
	free(inode_buf);
}

void journal_fill_super(const struct fs *fs, struct ext2_superblock *sb)
{
	if (!fs->journal_blocks)
		return;
	sb->s_feature_compat |= EXT3_FEATURE_COMPAT_HAS_JOURNAL;
	sb->s_journal_inum = EXT2_JOURNAL_INO;
	sb->s_jnl_backup_type = JNL_BACKUP_BLOCKS;
	memcpy(sb->s_jnl_blocks, fs->jnl_blocks, sizeof(sb->s_jnl_blocks));
}
