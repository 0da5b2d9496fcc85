/*
 * ext2's private header: the in-memory forms of a mounted file system
 * and of an inode, and the functions the files of kernel/fs/ext2 call in
 * each other. Nothing outside this folder includes it: the rest of the
 * kernel sees ext2 only through the VFS (ext2_init, declared in vfs.h,
 * registers the type "ext2").
 *
 *   super.c   mount, unmount, statfs, sync; the superblock and the group
 *             descriptors; corruption reports (ext2_error)
 *   alloc.c   the block and inode bitmaps: allocate and free
 *   inode.c   inodes on disk; the block map (direct and indirect blocks)
 *             and freeing it (truncate, delete)
 *   dir.c     directory entries: check, find, add, remove, list
 *   file.c    file data: read, write, truncate; symlink targets; stat
 *   namei.c   create, mkdir, rmdir, unlink, rename, link, symlink
 *   journal.c ext3's journal: transactions, commit, replay at mount
 *
 * Locks, in the order they are taken (docs/ext2.md):
 *   inode->lock    (the VFS's) an inode's fields, here and in struct inode
 *   buffer locks   (bread .. brelse) one disk block's bytes; ext2 never
 *                  holds one buffer while it reads another, except the
 *                  bitmap buffers under fs->lock
 *   fs->lock       the in-memory superblock and group descriptors, and the
 *                  bitmaps; taken with no buffer held
 *   journal->lock  (a spinlock, innermost) handles, the running
 *                  transaction's lists; an operation's handle is taken
 *                  before fs->lock and any buffer (journal.c)
 */
#ifndef KESTREL_EXT2_H
#define KESTREL_EXT2_H

#include "block/bcache.h"
#include "fs/ext2/ext2_fs.h"
#include "fs/vfs.h"

/* A task inside an operation (a handle), and how deeply nested. */
struct ext2_jholder {
	struct task *task; /* NULL: a free slot */
	uint32_t depth;
};

#define EXT2_JOURNAL_HOLDERS 32

/* The journal of a mounted ext3 file system (journal.c). */
struct ext2_journal {
	struct ext2_fs *fs;
	/* Set at mount, constant afterwards (but the superblock copy, which
	 * only commits and replay write, one at a time). */
	uint32_t *map;   /* journal block -> file-system block */
	uint32_t maxlen; /* journal blocks */
	uint32_t first;  /* first log block */
	uint32_t tag_bytes, tags_per_desc;
	uint8_t uuid[16];
	uint8_t *sb_block; /* the journal superblock's block */
	uint32_t cap;      /* blocks a transaction may hold */
	uint32_t limit;    /* commit before an operation beyond this */
	uint32_t seq;      /* the running transaction's number */
	uint64_t commits;

	/* Under lock. */
	struct spinlock lock;
	struct waitqueue wq; /* handles and commits waiting */
	struct ext2_jholder holders[EXT2_JOURNAL_HOLDERS];
	uint32_t active;     /* open handles (tasks) */
	bool committing;     /* a commit runs; no handle may start */
	bool commit_wanted;  /* a commit waits for the handles to end */
	bool overflow;       /* more metadata than cap: written in place */
	uint64_t started_ns; /* when the transaction got its first handle */
	uint32_t *blocks;    /* the transaction's blocks (pinned) */
	uint32_t nblocks;
	/* Under fs->lock: per group, the block bitmap as of the last
	 * commit, kept while the running transaction frees blocks of the
	 * group (alloc.c does not reuse them), else NULL. */
	uint8_t **committed;
	uint32_t ncommitted; /* copies held */
};

/* One mounted ext2 file system. */
struct ext2_fs {
	struct super_block vfs;
	struct block_device *dev;
	const char *name; /* the device's, for messages */

	/* Geometry: set at mount, constant afterwards. */
	uint32_t block_size;
	uint32_t block_log;      /* block_size == 1 << block_log */
	uint32_t addr_per_block; /* block numbers in an indirect block */
	uint32_t addr_log;       /* addr_per_block == 1 << addr_log */
	uint32_t blocks_count;
	uint32_t inodes_count;
	uint32_t first_data_block;
	uint32_t blocks_per_group;
	uint32_t inodes_per_group;
	uint32_t groups_count;
	uint32_t inode_size;
	uint32_t inodes_per_block;
	uint32_t itable_blocks; /* inode-table blocks per group */
	uint32_t gdt_blocks;    /* blocks of group descriptors */
	uint32_t reserved_gdt_blocks;
	uint32_t first_ino; /* first inode for files; the ones below are
			     * reserved */
	uint64_t max_file_size;
	bool filetype;        /* directory entries carry the file type */
	uint16_t mount_state; /* s_state when mounted, restored at unmount */

	/* Set (never cleared) when corruption was found; sync records it as
	 * EXT2_ERROR_FS. Written without a lock: it only goes to true. */
	bool errors;

	/* "ext2 super": the superblock copy and the group descriptors
	 * (their counts; the locations never change), and the contents of
	 * the bitmap blocks, which change together with the counts. */
	struct sleeplock lock;
	struct ext2_superblock sb;
	struct ext2_group_desc *groups;

	/* NULL without has_journal (plain ext2). */
	struct ext2_journal *journal;
};

/* An inode in memory: the VFS's part, and the rest of the disk inode
 * that ext2 needs. Fields the code does not use (osd2, in-inode
 * attributes, the extra fields of 256-byte inodes but the times) stay on
 * disk: writing an inode changes only these in the inode-table block. */
struct ext2_inode_info {
	struct inode vfs;
	uint32_t group; /* the block group holding the inode; constant */

	/* Protected by vfs.lock, as the VFS's fields are. */
	uint32_t block[EXT2_N_BLOCKS]; /* block map, or a fast symlink's
					* target */
	uint32_t flags;
	uint32_t blocks; /* i_blocks: 512-byte units, data + indirect + EA */
	uint32_t file_acl;
	uint32_t dtime;
	uint32_t alloc_goal; /* where to look first for the next block */
};

static inline struct ext2_fs *to_ext2_fs(struct super_block *sb)
{
	return container_of(sb, struct ext2_fs, vfs);
}

static inline struct ext2_inode_info *to_ext2_inode(struct inode *inode)
{
	return container_of(inode, struct ext2_inode_info, vfs);
}

static inline struct ext2_fs *ext2_fs_of(struct ext2_inode_info *ei)
{
	return to_ext2_fs(ei->vfs.sb);
}

/* ---- super.c ----------------------------------------------------------- */

/* Report corruption: "ext2: vdb: <message>", and remember it for the
 * superblock's state. May be called with buffers held. */
void ext2_error(struct ext2_fs *fs, const char *fmt, ...) __printf(2, 3);
/* Does group g hold a copy of the superblock and descriptors? */
bool ext2_group_has_super(struct ext2_fs *fs, uint32_t g);
uint32_t ext2_group_first_block(struct ext2_fs *fs, uint32_t g);
uint32_t ext2_group_blocks(struct ext2_fs *fs, uint32_t g);
/* -EROFS on a read-only mount, else 0. */
int ext2_check_writable(struct ext2_fs *fs);
/* Copy the in-memory superblock and descriptors into their buffers. */
int ext2_write_super_and_groups(struct ext2_fs *fs);

/* ---- alloc.c ----------------------------------------------------------- */

/* NULL if blk is a block a file may own, else what is wrong with it:
 * "out of range", or one of its group's metadata blocks (superblock
 * copy, descriptors, bitmaps, inode table). */
const char *ext2_block_problem(struct ext2_fs *fs, uint32_t blk);
/* A free block, as near to goal as can be (0: anywhere): 0 and *out, or
 * -ENOSPC, -EIO, -EROFS. */
int ext2_new_block(struct ext2_fs *fs, uint32_t goal, uint32_t *out);
/* Give back block blk (the caller has unlinked it): 0, or -EIO if it is
 * not a data block or is free already (reported). With a journal it is
 * not reused before the transaction commits. */
int ext2_free_block(struct ext2_fs *fs, uint32_t blk);

/* First clear bit of map at or after start, below nbits; -1 if none. */
int64_t ext2_find_zero_bit(const uint8_t *map, uint32_t nbits, uint32_t start);
/* A free inode number for a new inode in directory dir_group's
 * neighbourhood: 0 and *out, or -ENOSPC, -EIO. */
int ext2_new_inode_number(struct ext2_fs *fs, uint32_t dir_group, bool dir,
			  uint32_t *out);
void ext2_free_inode_number(struct ext2_fs *fs, uint32_t ino, bool dir);

/* ---- inode.c ----------------------------------------------------------- */

int ext2_read_inode(struct super_block *sb, uint64_t ino, struct inode **out);
/* A copy of the first 128 bytes of inode ino as it is on disk (mount's
 * look at the root). */
int ext2_read_raw_inode(struct ext2_fs *fs, uint32_t ino,
			struct ext2_inode *copy);
int ext2_write_inode(struct inode *inode);
void ext2_evict_inode(struct inode *inode);
void ext2_free_inode(struct inode *inode);
/* Write a brand-new inode ino to disk (zeroed, then mode, owner, nlink
 * 1 or 2, times now) and return it from the inode cache, with a
 * reference. */
int ext2_make_inode(struct ext2_fs *fs, uint32_t ino, uint32_t mode,
		    uint32_t uid, uint32_t gid, struct inode **out);
/* The path to logical block lblk of a file through its block map, with
 * 2^addr_log block numbers per indirect block: an index into i_block,
 * then one into each indirect block. Returns the number of indices
 * (1 direct, 2 single, 3 double, 4 triple indirect), or 0 if lblk is
 * beyond what the map can hold. */
int ext2_block_path(uint32_t addr_log, uint64_t lblk, uint32_t path[4]);
/* The block that holds logical block lblk of the file: 0 and *pblk (0
 * for a hole). With create, a hole is filled with a new block (and any
 * indirect blocks on the way); *fresh says the block is new, its
 * contents undefined. Caller holds the inode's lock. */
int ext2_bmap(struct ext2_inode_info *ei, uint64_t lblk, bool create,
	      uint32_t *pblk, bool *fresh);
/* Free every block of the file from logical block first on, indirect
 * blocks included. Caller holds the inode's lock. */
int ext2_free_blocks_from(struct ext2_inode_info *ei, uint64_t first);
/* Is this a symlink with its target inside the inode? */
bool ext2_fast_symlink(struct ext2_inode_info *ei);

/* ---- dir.c ------------------------------------------------------------- */

/* Where a directory entry lies. */
struct ext2_dir_slot {
	uint64_t lblk;     /* logical block of the directory */
	uint32_t offset;   /* of the entry in that block */
	uint32_t prev;     /* of the entry before it in the block, or the
			    * entry's own offset if it is the first */
	uint32_t ino;      /* what the entry names */
	uint8_t file_type; /* EXT2_FT_*, or EXT2_FT_UNKNOWN */
};

/* Check every entry of one directory block; 0 or -EIO (reported). */
int ext2_dir_check_block(struct ext2_fs *fs, uint64_t dir_ino, uint64_t lblk,
			 const uint8_t *data);
int ext2_dir_find(struct ext2_inode_info *dir, const char *name, size_t len,
		  struct ext2_dir_slot *slot);
int ext2_dir_add(struct ext2_inode_info *dir, const char *name, size_t len,
		 uint32_t ino, uint32_t mode);
int ext2_dir_remove(struct ext2_inode_info *dir,
		    const struct ext2_dir_slot *slot);
/* Point the entry at slot to ino (rename over a name, "..": moving). */
int ext2_dir_retarget(struct ext2_inode_info *dir,
		      const struct ext2_dir_slot *slot, uint32_t ino,
		      uint32_t mode);
/* 1 if dir holds only "." and "..", 0 if not, or -EIO. */
int ext2_dir_is_empty(struct ext2_inode_info *dir);
/* Give a new directory its first block with "." and "..". */
int ext2_dir_init(struct ext2_inode_info *dir, uint32_t parent_ino);
int ext2_lookup(struct inode *dir, const char *name, size_t len,
		struct inode **out);
int ext2_readdir(struct inode *dir, uint64_t *pos, vfs_emit_fn emit, void *ctx);

/* ---- file.c ------------------------------------------------------------ */

ssize_t ext2_read(struct inode *inode, void *buf, size_t n, uint64_t off);
ssize_t ext2_write(struct inode *inode, const void *buf, size_t n,
		   uint64_t off);
int ext2_truncate(struct inode *inode, uint64_t size);
int ext2_readlink(struct inode *inode, char *buf, size_t size);
int ext2_stat(struct inode *inode, struct kstat *st);
int ext2_fsync(struct inode *inode);
/* Store a symlink's target in a new inode (fast or in a block). */
int ext2_set_link_target(struct ext2_inode_info *ei, const char *target,
			 size_t len);

/* ---- journal.c --------------------------------------------------------- */

/* Mount: read the journal of a has_journal file system, replay it if it
 * needs it (*replayed says so: the superblock and descriptors must then
 * be read again), and set fs->journal. */
int ext2_journal_load(struct ext2_fs *fs, bool *replayed);
void ext2_journal_free(struct ext2_fs *fs);
/* Around every operation that changes the file system (nests). */
void ext2_journal_start(struct ext2_fs *fs);
void ext2_journal_stop(struct ext2_fs *fs);
/* Commit the running transaction and write everything home. */
int ext2_journal_commit(struct ext2_fs *fs);
/* b (locked) holds changed metadata: bdirty, and with a journal, make it
 * part of the running transaction. */
void ext2_dirty_meta(struct ext2_fs *fs, struct buf *b);
/* Tests (ext2.journal_crash): commits stop after the commit block, as
 * if the power failed before any block reached home. */
extern bool ext2_journal_crash_after_commit;
/* Before a block of group g is freed (fs->lock held): keep a copy of the
 * block bitmap map as the last commit left it, if not kept yet; 0 or
 * -ENOMEM. */
int ext2_journal_keep_bitmap(struct ext2_fs *fs, uint32_t g,
			     const uint8_t *map);
/* That copy, or NULL (no journal, or nothing freed in g since the last
 * commit). fs->lock held. */
const uint8_t *ext2_journal_bitmap(struct ext2_fs *fs, uint32_t g);

/* The operations tables, by file type (namei.c, file.c). */
extern const struct inode_operations ext2_dir_ops;
extern const struct inode_operations ext2_file_ops;
extern const struct inode_operations ext2_symlink_ops;
extern const struct inode_operations ext2_special_ops;

#endif
