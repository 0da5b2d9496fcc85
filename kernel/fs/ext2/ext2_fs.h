/*
 * The ext2 on-disk format: the structures and constants as they lie on
 * the disk (little-endian, which x86 is). Plain C with fixed-width types
 * only, so that both the kernel's ext2 (kernel/fs/ext2) and the host's
 * mkfs (mkfs/) include this one definition.
 *
 * Sources: "The Second Extended File System" by Dave Poirier (the
 * nongnu.org ext2-doc) and Linux's fs/ext2/ext2.h. docs/ext2.md has the
 * layout picture.
 *
 *   block 0 (1 KiB blocks) or bytes 0-1023: boot block, unused
 *   byte 1024: the superblock (1024 bytes)
 *   then per block group: [superblock copy + group descriptors, in
 *   groups 0, 1 and powers of 3, 5, 7 with sparse_super] block bitmap,
 *   inode bitmap, inode table, data blocks
 */
#ifndef KESTREL_EXT2_FS_H
#define KESTREL_EXT2_FS_H

#include <stdint.h>

#define EXT2_SUPER_MAGIC 0xef53
#define EXT2_SUPERBLOCK_OFFSET 1024 /* bytes from the start of the disk */
#define EXT2_SUPERBLOCK_SIZE 1024

#define EXT2_MIN_BLOCK_LOG 10 /* block size = 1024 << s_log_block_size */
#define EXT2_MAX_BLOCK_LOG 12 /* Kestrel reads 1, 2 and 4 KiB blocks */

#define EXT2_GOOD_OLD_REV 0
#define EXT2_DYNAMIC_REV 1
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_GOOD_OLD_FIRST_INO 11

/* s_state */
#define EXT2_VALID_FS 0x0001 /* cleanly unmounted */
#define EXT2_ERROR_FS 0x0002 /* errors detected */

/* s_errors */
#define EXT2_ERRORS_CONTINUE 1
#define EXT2_ERRORS_RO 2
#define EXT2_ERRORS_PANIC 3

/* s_creator_os */
#define EXT2_OS_LINUX 0

/* Compatible features: safe to ignore, even when writing. */
#define EXT2_FEATURE_COMPAT_DIR_PREALLOC 0x0001
#define EXT2_FEATURE_COMPAT_IMAGIC_INODES 0x0002
#define EXT3_FEATURE_COMPAT_HAS_JOURNAL 0x0004
#define EXT2_FEATURE_COMPAT_EXT_ATTR 0x0008
#define EXT2_FEATURE_COMPAT_RESIZE_INODE 0x0010
#define EXT2_FEATURE_COMPAT_DIR_INDEX 0x0020
#define EXT4_FEATURE_COMPAT_SPARSE_SUPER2 0x0200

/* Read-only-compatible features: an implementation that does not know one
 * may read the file system but must not write it. */
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER 0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE 0x0002
#define EXT2_FEATURE_RO_COMPAT_BTREE_DIR 0x0004
#define EXT4_FEATURE_RO_COMPAT_HUGE_FILE 0x0008
#define EXT4_FEATURE_RO_COMPAT_GDT_CSUM 0x0010
#define EXT4_FEATURE_RO_COMPAT_DIR_NLINK 0x0020
#define EXT4_FEATURE_RO_COMPAT_EXTRA_ISIZE 0x0040
#define EXT4_FEATURE_RO_COMPAT_QUOTA 0x0100
#define EXT4_FEATURE_RO_COMPAT_BIGALLOC 0x0200
#define EXT4_FEATURE_RO_COMPAT_METADATA_CSUM 0x0400

/* Incompatible features: an implementation that does not know one must
 * not mount the file system at all. */
#define EXT2_FEATURE_INCOMPAT_COMPRESSION 0x0001
#define EXT2_FEATURE_INCOMPAT_FILETYPE 0x0002
#define EXT3_FEATURE_INCOMPAT_RECOVER 0x0004 /* journal needs recovery */
#define EXT3_FEATURE_INCOMPAT_JOURNAL_DEV 0x0008
#define EXT2_FEATURE_INCOMPAT_META_BG 0x0010
#define EXT4_FEATURE_INCOMPAT_EXTENTS 0x0040
#define EXT4_FEATURE_INCOMPAT_64BIT 0x0080
#define EXT4_FEATURE_INCOMPAT_MMP 0x0100
#define EXT4_FEATURE_INCOMPAT_FLEX_BG 0x0200
#define EXT4_FEATURE_INCOMPAT_EA_INODE 0x0400
#define EXT4_FEATURE_INCOMPAT_DIRDATA 0x1000
#define EXT4_FEATURE_INCOMPAT_CSUM_SEED 0x2000
#define EXT4_FEATURE_INCOMPAT_LARGEDIR 0x4000
#define EXT4_FEATURE_INCOMPAT_INLINE_DATA 0x8000
#define EXT4_FEATURE_INCOMPAT_ENCRYPT 0x10000

/* What Kestrel's ext2 supports. */
#define EXT2_KESTREL_INCOMPAT EXT2_FEATURE_INCOMPAT_FILETYPE
#define EXT2_KESTREL_RO_COMPAT                 \
	(EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | \
	 EXT2_FEATURE_RO_COMPAT_LARGE_FILE)

struct ext2_superblock {
	uint32_t s_inodes_count;
	uint32_t s_blocks_count;
	uint32_t s_r_blocks_count; /* reserved for root */
	uint32_t s_free_blocks_count;
	uint32_t s_free_inodes_count;
	uint32_t s_first_data_block; /* 1 with 1 KiB blocks, else 0 */
	uint32_t s_log_block_size;
	uint32_t s_log_frag_size;
	uint32_t s_blocks_per_group;
	uint32_t s_frags_per_group;
	uint32_t s_inodes_per_group;
	uint32_t s_mtime; /* last mount */
	uint32_t s_wtime; /* last write */
	uint16_t s_mnt_count;
	int16_t s_max_mnt_count;
	uint16_t s_magic;
	uint16_t s_state;
	uint16_t s_errors;
	uint16_t s_minor_rev_level;
	uint32_t s_lastcheck;
	uint32_t s_checkinterval;
	uint32_t s_creator_os;
	uint32_t s_rev_level;
	uint16_t s_def_resuid;
	uint16_t s_def_resgid;
	/* EXT2_DYNAMIC_REV only: */
	uint32_t s_first_ino;
	uint16_t s_inode_size;
	uint16_t s_block_group_nr; /* group holding this copy */
	uint32_t s_feature_compat;
	uint32_t s_feature_incompat;
	uint32_t s_feature_ro_compat;
	uint8_t s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	uint32_t s_algorithm_usage_bitmap;
	uint8_t s_prealloc_blocks;
	uint8_t s_prealloc_dir_blocks;
	uint16_t s_reserved_gdt_blocks; /* resize_inode: after the GDT */
	uint8_t s_journal_uuid[16];
	uint32_t s_journal_inum;
	uint32_t s_journal_dev;
	uint32_t s_last_orphan;
	uint32_t s_hash_seed[4];
	uint8_t s_def_hash_version;
	uint8_t s_jnl_backup_type;
	uint16_t s_desc_size;
	uint32_t s_default_mount_opts;
	uint32_t s_first_meta_bg;
	uint32_t s_mkfs_time;
	uint32_t s_jnl_blocks[17];
	uint8_t s_reserved[EXT2_SUPERBLOCK_SIZE - 336];
} __attribute__((packed));

_Static_assert(sizeof(struct ext2_superblock) == EXT2_SUPERBLOCK_SIZE,
	       "ext2 superblock is 1024 bytes");

/* One per block group, in the blocks after the superblock. */
struct ext2_group_desc {
	uint32_t bg_block_bitmap;
	uint32_t bg_inode_bitmap;
	uint32_t bg_inode_table; /* first block */
	uint16_t bg_free_blocks_count;
	uint16_t bg_free_inodes_count;
	uint16_t bg_used_dirs_count;
	uint16_t bg_flags;
	uint32_t bg_reserved[3];
} __attribute__((packed));

_Static_assert(sizeof(struct ext2_group_desc) == 32,
	       "ext2 group descriptor is 32 bytes");

/* i_block[]: 12 direct blocks, then single, double, triple indirect. */
#define EXT2_NDIR_BLOCKS 12
#define EXT2_IND_BLOCK 12
#define EXT2_DIND_BLOCK 13
#define EXT2_TIND_BLOCK 14
#define EXT2_N_BLOCKS 15

/* Fast symlinks keep targets shorter than this in i_block itself. */
#define EXT2_FAST_SYMLINK_MAX (EXT2_N_BLOCKS * 4)

/* i_flags */
#define EXT2_SECRM_FL 0x00000001
#define EXT2_SYNC_FL 0x00000008
#define EXT2_IMMUTABLE_FL 0x00000010
#define EXT2_APPEND_FL 0x00000020
#define EXT2_NOATIME_FL 0x00000080
#define EXT2_INDEX_FL 0x00001000 /* hashed directory (dir_index) */
#define EXT4_EXTENTS_FL 0x00080000
#define EXT4_INLINE_DATA_FL 0x10000000

struct ext2_inode {
	uint16_t i_mode;
	uint16_t i_uid;
	uint32_t i_size; /* low 32 bits */
	uint32_t i_atime;
	uint32_t i_ctime;
	uint32_t i_mtime;
	uint32_t i_dtime; /* deletion time; nonzero for a deleted inode */
	uint16_t i_gid;
	uint16_t i_links_count;
	uint32_t i_blocks; /* 512-byte units, including indirect blocks */
	uint32_t i_flags;
	uint32_t i_osd1;
	uint32_t i_block[EXT2_N_BLOCKS];
	uint32_t i_generation;
	uint32_t i_file_acl;  /* extended-attribute block */
	uint32_t i_size_high; /* regular files with large_file */
	uint32_t i_faddr;
	uint16_t i_blocks_hi;
	uint16_t i_file_acl_high;
	uint16_t i_uid_high;
	uint16_t i_gid_high;
	uint32_t i_reserved2;
} __attribute__((packed));

_Static_assert(sizeof(struct ext2_inode) == EXT2_GOOD_OLD_INODE_SIZE,
	       "ext2 inode is 128 bytes");

/* Inodes larger than 128 bytes (s_inode_size 256, the default of
 * mke2fs) continue with these fields; i_extra_isize says how many of the
 * bytes after the first 128 they cover (0, or 4..s_inode_size - 128). The
 * *_extra time fields hold nanoseconds << 2 and two epoch bits. */
struct ext2_inode_extra {
	uint16_t i_extra_isize;
	uint16_t i_checksum_hi;
	uint32_t i_ctime_extra;
	uint32_t i_mtime_extra;
	uint32_t i_atime_extra;
	uint32_t i_crtime; /* creation time */
	uint32_t i_crtime_extra;
	uint32_t i_version_hi;
	uint32_t i_projid;
} __attribute__((packed));

_Static_assert(sizeof(struct ext2_inode_extra) == 32,
	       "ext2 inode extra fields are 32 bytes");

#define EXT2_EXTRA_TIME_NSEC_SHIFT 2
#define EXT2_EXTRA_TIME_EPOCH_MASK 0x3

/* Linux's ext2 limit on i_links_count. */
#define EXT2_LINK_MAX 32000

/* An extended-attribute block (i_file_acl): a header, then the entries.
 * Inodes with identical attributes share one block; h_refcount counts
 * them, and the block is freed with the last. */
#define EXT2_EXT_ATTR_MAGIC 0xea020000
struct ext2_ext_attr_header {
	uint32_t h_magic;
	uint32_t h_refcount;
	uint32_t h_blocks; /* always 1 */
	uint32_t h_hash;
	uint32_t h_checksum;
	uint32_t h_reserved[3];
} __attribute__((packed));

/* Inodes with special meanings (inode numbers start at 1). */
#define EXT2_BAD_INO 1
#define EXT2_ROOT_INO 2
#define EXT2_BOOT_LOADER_INO 5
#define EXT2_UNDEL_DIR_INO 6
#define EXT2_RESIZE_INO 7
#define EXT2_JOURNAL_INO 8

/* A directory entry: rec_len covers the name, padding, and any unused
 * space after it up to the next entry; entries never cross a block. */
struct ext2_dir_entry {
	uint32_t inode; /* 0: unused entry */
	uint16_t rec_len;
	uint8_t name_len;
	uint8_t file_type; /* with the filetype feature */
	char name[];
} __attribute__((packed));

#define EXT2_DIR_ENTRY_HEADER 8
/* Bytes an entry with a name of n bytes needs (4-byte aligned). */
#define EXT2_DIR_REC_LEN(n) ((EXT2_DIR_ENTRY_HEADER + (n) + 3) & ~3u)
#define EXT2_NAME_LEN 255

/* file_type */
#define EXT2_FT_UNKNOWN 0
#define EXT2_FT_REG_FILE 1
#define EXT2_FT_DIR 2
#define EXT2_FT_CHRDEV 3
#define EXT2_FT_BLKDEV 4
#define EXT2_FT_FIFO 5
#define EXT2_FT_SOCK 6
#define EXT2_FT_SYMLINK 7

/* i_mode's file-type bits (the same values as Linux's S_IF*). */
#define EXT2_S_IFMT 0170000
#define EXT2_S_IFSOCK 0140000
#define EXT2_S_IFLNK 0120000
#define EXT2_S_IFREG 0100000
#define EXT2_S_IFBLK 0060000
#define EXT2_S_IFDIR 0040000
#define EXT2_S_IFCHR 0020000
#define EXT2_S_IFIFO 0010000

/* The directory-entry file_type for an inode of mode i_mode. */
static inline uint8_t ext2_file_type(uint16_t mode)
{
	switch (mode & EXT2_S_IFMT) {
	case EXT2_S_IFREG:
		return EXT2_FT_REG_FILE;
	case EXT2_S_IFDIR:
		return EXT2_FT_DIR;
	case EXT2_S_IFCHR:
		return EXT2_FT_CHRDEV;
	case EXT2_S_IFBLK:
		return EXT2_FT_BLKDEV;
	case EXT2_S_IFIFO:
		return EXT2_FT_FIFO;
	case EXT2_S_IFSOCK:
		return EXT2_FT_SOCK;
	case EXT2_S_IFLNK:
		return EXT2_FT_SYMLINK;
	}
	return EXT2_FT_UNKNOWN;
}

/*
 * The journal (ext3's, JBD2's format): the blocks of inode
 * s_journal_inum, a circular log. Every field is big-endian. Block 0 of
 * the journal is its superblock; the log runs from s_first to s_maxlen - 1
 * and wraps. A transaction in the log:
 *
 *   descriptor  header (type 1, seq T), then tags: one per data block
 *   data ...    the new contents of the blocks the tags name, in order
 *   [descriptor, data ... again if the tags did not fit in one block]
 *   [revoke]    header (type 5, seq T), r_count, block numbers
 *   commit      header (type 2, seq T): T is complete
 *
 * s_start == 0 means the log is empty; otherwise replay begins at
 * s_start with transaction s_sequence.
 */
#define JBD2_MAGIC 0xc03b3998u
#define JBD2_DESCRIPTOR_BLOCK 1
#define JBD2_COMMIT_BLOCK 2
#define JBD2_SUPERBLOCK_V1 3
#define JBD2_SUPERBLOCK_V2 4
#define JBD2_REVOKE_BLOCK 5

struct jbd2_header {
	uint32_t h_magic;
	uint32_t h_blocktype;
	uint32_t h_sequence;
};

/* The journal superblock (the fields up to s_max_trans_data; the rest,
 * checksums and the list of users, stays as mke2fs wrote it). */
struct jbd2_superblock {
	struct jbd2_header s_header;
	uint32_t s_blocksize;
	uint32_t s_maxlen;   /* blocks in the journal */
	uint32_t s_first;    /* first log block */
	uint32_t s_sequence; /* first transaction to replay */
	uint32_t s_start;    /* its first block; 0: the log is empty */
	uint32_t s_errno;
	uint32_t s_feature_compat; /* v2 only, as the rest */
	uint32_t s_feature_incompat;
	uint32_t s_feature_ro_compat;
	uint8_t s_uuid[16];
	uint32_t s_nr_users;
	uint32_t s_dynsuper;
	uint32_t s_max_transaction;
	uint32_t s_max_trans_data;
};

#define JBD2_FEATURE_COMPAT_CHECKSUM 0x1
#define JBD2_FEATURE_INCOMPAT_REVOKE 0x1
#define JBD2_FEATURE_INCOMPAT_64BIT 0x2
#define JBD2_FEATURE_INCOMPAT_ASYNC_COMMIT 0x4
#define JBD2_FEATURE_INCOMPAT_CSUM_V2 0x8
#define JBD2_FEATURE_INCOMPAT_CSUM_V3 0x10
#define JBD2_FEATURE_INCOMPAT_FAST_COMMIT 0x20

/* A descriptor's tag, without checksums: 8 bytes (12 with 64bit, the
 * high half of the block number last). A tag without SAME_UUID is
 * followed by the 16-byte journal UUID. */
#define JBD2_TAG_SIZE32 8
#define JBD2_TAG_SIZE64 12
#define JBD2_FLAG_ESCAPE 1 /* the block began with JBD2_MAGIC: zeroed */
#define JBD2_FLAG_SAME_UUID 2
#define JBD2_FLAG_DELETED 4
#define JBD2_FLAG_LAST_TAG 8

/* A revoke block: the header, r_count (bytes used, header included),
 * then 4-byte (8 with 64bit) block numbers not to replay from this or
 * earlier transactions. */
#define JBD2_REVOKE_HEADER 16

/* A commit block, after its header: checksum fields (unused here) and
 * the commit time. */
struct jbd2_commit_block {
	struct jbd2_header h;
	uint8_t h_chksum_type;
	uint8_t h_chksum_size;
	uint8_t h_padding[2];
	uint32_t h_chksum[8];
	uint64_t h_commit_sec;
	uint32_t h_commit_nsec;
} __attribute__((packed));

#endif
