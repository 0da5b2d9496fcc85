/*
 * mkfs: the host program that builds an ext2 image from a directory tree,
 * like `mke2fs -d`. This header is what its files share: the options, the
 * tree read from the host (one struct node per inode to be), and the file
 * system being written (struct fs). docs/mkfs.md has the layout picture.
 *
 * One run goes through these steps, a file each:
 *   options.c   the command line and its defaults
 *   tree.c      read DIR into nodes, sorted by name, numbered
 *   layout.c    the geometry: groups, inode tables, where the copies go
 *   alloc.c     block and inode bitmaps; handing out blocks
 *   blockmap.c  a file's block map: direct and indirect blocks
 *   journal.c   -j: an ext3 journal (inode 8), written before the tree
 *   inode.c     each node's inode and data (files, directories, links)
 *   super.c     superblocks, group descriptors and bitmaps, written last
 *   image.c     the output file, renamed into place only when complete
 *
 * The same input always gives the same bytes: names are sorted, inodes
 * and blocks are handed out in one fixed order, and the times and the
 * UUID are fixed unless asked otherwise.
 */
#ifndef KESTREL_MKFS_H
#define KESTREL_MKFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "fs/ext2/ext2_fs.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "mkfs writes ext2's little-endian structures as they are in memory"
#endif

#define MKFS_LABEL_MAX 16 /* s_volume_name */
#define MKFS_UUID_SIZE 16 /* s_uuid */

/* ---- options.c --------------------------------------------------------- */

#define MKFS_OWNERS_MAX 16

/* -o PATH:UID:GID: one file of the tree given to an owner. */
struct mkfs_owner {
	const char *path; /* relative to the tree, as "home/student" */
	uint32_t uid, gid;
};

struct mkfs_options {
	uint64_t size;                /* -s: bytes of the image file */
	uint32_t block_size;          /* -b */
	uint32_t inode_size;          /* -I */
	uint32_t inodes;              /* -N; 0: size / bytes_per_inode */
	uint32_t bytes_per_inode;     /* -i */
	uint32_t reserved_percent;    /* -m */
	uint32_t blocks_per_group;    /* -g */
	char label[MKFS_LABEL_MAX];   /* -L, not NUL-terminated when full */
	uint8_t uuid[MKFS_UUID_SIZE]; /* -U */
	uint32_t time;                /* -T: every time stamp in the image */
	bool keep_owners;             /* -P: uid/gid from the tree, not 0 */
	struct mkfs_owner owners[MKFS_OWNERS_MAX]; /* -o */
	unsigned int nowners;
	bool journal;         /* -j or -J: an ext3 journal (journal.c) */
	uint32_t journal_mib; /* -J size=MiB; 0: mke2fs's default size */
	bool verbose;         /* -v: print the layout */
	const char *dir;      /* -d */
	const char *image;
};

void options_parse(int argc, char **argv, struct mkfs_options *opt);

/* ---- tree.c ------------------------------------------------------------ */

struct node;

/* A name in a directory. */
struct dentry {
	char *name;
	struct node *node;
};

/* One inode to be: a file, directory, symbolic link or special file of
 * the tree. Hard links in the tree (one host inode under several names)
 * share one node. */
struct node {
	uint16_t mode; /* ext2 i_mode: EXT2_S_IF* type and permission bits */
	uint32_t uid, gid;
	uint64_t size;  /* regular files; symbolic links: the target length */
	uint32_t links; /* names in the tree; directories: 2 + subdirectories */
	uint32_t ino;   /* in the image, from tree_read */
	char *path;     /* regular files: where to read them on the host */
	char *target;   /* symbolic links */
	uint32_t rdev_major, rdev_minor; /* device files */
	struct dentry *entries;          /* directories: sorted by name */
	size_t nentries;
	struct node *parent; /* directories */
};

struct tree {
	struct node *root;
	struct node *lost_found;
	struct node **nodes; /* in inode order: root, lost+found, 12, 13 ... */
	size_t count;
	uint32_t last_ino; /* the highest inode number used */
};

struct tree *tree_read(const struct mkfs_options *opt);

/* ---- layout.c ---------------------------------------------------------- */

/* Where one block group's parts are, in absolute block numbers. */
struct group {
	uint32_t first_block;
	uint32_t blocks; /* the last group may be shorter */
	bool has_super;  /* a superblock and descriptor table copy */
	uint32_t block_bitmap;
	uint32_t inode_bitmap;
	uint32_t inode_table;
	uint32_t dirs; /* directories among its inodes (inode.c) */
};

/* The image being built. The geometry is fixed by layout_plan before
 * anything is written; the rest changes as the tree is written. */
struct fs {
	const struct mkfs_options *opt;

	/* Geometry (layout.c). */
	uint32_t block_size;
	uint32_t log_block_size; /* block_size = 1024 << log_block_size */
	uint32_t blocks_count;
	uint32_t first_data_block; /* 1 with 1 KiB blocks, else 0 */
	uint32_t blocks_per_group;
	uint32_t groups;
	uint32_t gdt_blocks; /* the group descriptor table */
	uint32_t inodes_per_group;
	uint32_t inode_size;
	uint32_t inode_table_blocks; /* per group */
	uint32_t reserved_blocks;
	struct group *group;

	/* Allocation (alloc.c): a bit per block from first_data_block, and
	 * a bit per inode from inode 1. */
	uint8_t *block_used;
	uint8_t *inode_used;
	uint32_t next_block;   /* where the search for a free block starts */
	uint64_t blocks_short; /* blocks asked for once the image was full */

	/* The journal (journal.c): its length in blocks (0: none), and the
	 * copy of its inode's block map the superblock keeps. */
	uint32_t journal_blocks;
	uint32_t jnl_blocks[17];

	/* The output (image.c). */
	int fd;
};

void layout_plan(struct fs *fs, const struct mkfs_options *opt);
bool layout_has_super(uint32_t group);
void layout_print(const struct fs *fs, const struct tree *tree);

/* ---- alloc.c ----------------------------------------------------------- */

void alloc_init(struct fs *fs);
uint32_t alloc_block(struct fs *fs);
void alloc_inode(struct fs *fs, uint32_t ino, bool is_dir);
bool alloc_block_is_used(const struct fs *fs, uint32_t block);
bool alloc_inode_is_used(const struct fs *fs, uint32_t ino);
uint32_t alloc_blocks_used(const struct fs *fs);

/* ---- blockmap.c -------------------------------------------------------- */

/* The data blocks of one file, in the order of their logical numbers. */
struct blockmap {
	struct fs *fs;
	struct mapping {
		uint64_t logical;
		uint32_t physical;
	} * list;
	size_t count, capacity;
	size_t next;     /* blockmap_finish: the next mapping to place */
	uint32_t blocks; /* data and indirect blocks given to the file */
};

void blockmap_init(struct blockmap *map, struct fs *fs);
void blockmap_add(struct blockmap *map, uint64_t logical, const void *data);
void blockmap_finish(struct blockmap *map, struct ext2_inode *inode);

/* ---- inode.c ----------------------------------------------------------- */

void inode_write_tree(struct fs *fs, const struct tree *tree);
void inode_store(struct fs *fs, uint32_t ino, const void *inode);

/* ---- journal.c --------------------------------------------------------- */

void journal_plan(struct fs *fs);
void journal_write(struct fs *fs);
void journal_fill_super(const struct fs *fs, struct ext2_superblock *sb);

/* ---- super.c ----------------------------------------------------------- */

void super_write(struct fs *fs);

/* ---- image.c ----------------------------------------------------------- */

void image_create(struct fs *fs, const char *path, uint64_t size);
void image_write(struct fs *fs, uint64_t offset, const void *buf, size_t len);
void image_write_block(struct fs *fs, uint32_t block, const void *buf);
void image_commit(struct fs *fs);
void image_discard(void);

/* ---- mkfs.c ------------------------------------------------------------ */

/* Print "mkfs: MESSAGE", remove the unfinished image, exit 1. */
__attribute__((noreturn, format(printf, 1, 2))) void fatal(const char *fmt,
							   ...);
/* Like fatal, with ": strerror(errno)" after the message. */
__attribute__((noreturn, format(printf, 1, 2))) void
fatal_errno(const char *fmt, ...);
void *xcalloc(size_t count, size_t size);
void *xreallocarray(void *p, size_t count, size_t size);
char *xstrdup(const char *s);

#endif
