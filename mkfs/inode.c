/*
 * Writing the tree: each node's data blocks, then its inode, in inode
 * order. What an inode holds depends on its kind:
 *
 *   regular file  its bytes, block by block; a block of zeros is left a
 *                 hole (not allocated), so a sparse file stays sparse
 *                 and the image does not depend on how the host stores
 *                 holes
 *   directory     ".", "..", then its names in sorted order, packed into
 *                 blocks; the last entry of a block stretches to its end
 *   symlink       the target in i_block itself when shorter than 60
 *                 bytes ("fast"), else in one data block ("slow")
 *   device        its numbers in i_block, encoded as Linux does
 *   fifo, socket  nothing but the inode
 *
 * Every time stamp is the -T time. Reserved inodes 1 to 10 stay zero but
 * for inode 1 (bad blocks: none), whose times mke2fs sets too.
 */
#define _GNU_SOURCE /* SEEK_DATA */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkfs.h"

/* lost+found gets blocks to grow into, as mke2fs gives it: 16 KiB, at
 * least 2 blocks and no more than the direct ones. */
#define LOST_FOUND_BYTES 16384
#define LOST_FOUND_MIN_BLOCKS 2

/* Linux's device number encodings (include/linux/kdev_t.h): the old one
 * in i_block[0] when both numbers fit a byte, else the new one in
 * i_block[1]. */
#define OLD_DEV_MAX 255

/* The large inode's fields after the first 128 bytes that mkfs fills. */
#define EXTRA_ISIZE sizeof(struct ext2_inode_extra)

void inode_store(struct fs *fs, uint32_t ino, const void *inode)
{
	uint32_t index = (ino - 1) % fs->inodes_per_group;
	const struct group *gr = &fs->group[(ino - 1) / fs->inodes_per_group];
	uint64_t at = (uint64_t)gr->inode_table * fs->block_size +
		      (uint64_t)index * fs->inode_size;

	image_write(fs, at, inode, fs->inode_size);
}

/* The fields every inode of the tree has. buf is fs->inode_size bytes. */
static void inode_fill(const struct fs *fs, const struct node *node,
		       uint8_t *buf)
{
	struct ext2_inode *inode = (struct ext2_inode *)buf;
	uint32_t t = fs->opt->time;

	inode->i_mode = node->mode;
	inode->i_uid = (uint16_t)node->uid;
	inode->i_uid_high = (uint16_t)(node->uid >> 16);
	inode->i_gid = (uint16_t)node->gid;
	inode->i_gid_high = (uint16_t)(node->gid >> 16);
	inode->i_links_count = (uint16_t)node->links;
	inode->i_atime = inode->i_ctime = inode->i_mtime = t;
	if (fs->inode_size > EXT2_GOOD_OLD_INODE_SIZE) {
		struct ext2_inode_extra *extra =
			(void *)(buf + EXT2_GOOD_OLD_INODE_SIZE);

		extra->i_extra_isize = EXTRA_ISIZE;
		extra->i_crtime = t;
	}
}

static void set_size(struct ext2_inode *inode, uint64_t size)
{
	inode->i_size = (uint32_t)size;
	inode->i_size_high = (uint32_t)(size >> 32);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* Where the next data at or after offset starts, skipping a hole the
 * host reports (SEEK_DATA): only to save reading zeros, since a block of
 * zeros becomes a hole anyway. */
static uint64_t next_data(int fd, uint64_t offset, uint64_t size)
{
	off_t data = lseek(fd, (off_t)offset, SEEK_DATA);

	if (data < 0)
		return errno == ENXIO ? size : offset;
	return (uint64_t)data;
}

static void write_file(struct fs *fs, const struct node *node,
		       struct blockmap *map)
{
	uint32_t bs = fs->block_size;
	uint8_t *buf = xcalloc(1, bs);
	uint64_t offset = 0;
	struct stat st;
	int fd = open(node->path, O_RDONLY);

	if (fd < 0)
		fatal_errno("cannot open %s", node->path);
	while ((offset = next_data(fd, offset, node->size)) < node->size) {
		size_t n = bs;
		ssize_t got;

		offset -= offset % bs;
		if (node->size - offset < bs)
			n = (size_t)(node->size - offset);
		got = pread(fd, buf, n, (off_t)offset);
		if (got < 0)
			fatal_errno("cannot read %s", node->path);
		if ((size_t)got != n)
			fatal("%s changed while mkfs read it", node->path);
		memset(buf + n, 0, bs - n);
		if (!all_zero(buf, bs))
			blockmap_add(map, offset / bs, buf);
		offset += bs;
	}
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_size != node->size)
		fatal("%s changed while mkfs read it", node->path);
	close(fd);
	free(buf);
}

/* A directory's blocks being filled, one at a time. */
struct dir_writer {
	struct blockmap *map;
	uint32_t block_size;
	uint8_t *block;
	uint32_t used;               /* bytes of block taken */
	struct ext2_dir_entry *last; /* in block, NULL when empty */
	uint64_t blocks;             /* written so far */
};

/* Write the block being filled, its last entry stretched to its end; an
 * empty block is one unused entry covering it all. */
static void dir_flush(struct dir_writer *w)
{
	if (w->last)
		w->last->rec_len += (uint16_t)(w->block_size - w->used);
	else {
		struct ext2_dir_entry *e = (struct ext2_dir_entry *)w->block;

		e->inode = 0;
		e->rec_len = (uint16_t)w->block_size;
	}
	blockmap_add(w->map, w->blocks++, w->block);
	memset(w->block, 0, w->block_size);
	w->used = 0;
	w->last = NULL;
}

static void dir_add(struct dir_writer *w, const char *name, uint32_t ino,
		    uint8_t type)
{
	size_t len = strlen(name);
	uint32_t need = EXT2_DIR_REC_LEN(len);
	struct ext2_dir_entry *e;

	if (w->used + need > w->block_size)
		dir_flush(w);
	e = (struct ext2_dir_entry *)(w->block + w->used);
	e->inode = ino;
	e->rec_len = (uint16_t)need;
	e->name_len = (uint8_t)len;
	e->file_type = type;
	memcpy(e->name, name, len);
	w->last = e;
	w->used += need;
}

/* min_blocks: blocks the directory gets even when its names fit in
 * fewer (lost+found). Returns the directory's size in blocks. */
static uint64_t write_dir(struct fs *fs, const struct node *dir,
			  struct blockmap *map, uint64_t min_blocks)
{
	struct dir_writer w = { map, fs->block_size, NULL, 0, NULL, 0 };
	size_t i;

	w.block = xcalloc(1, fs->block_size);
	dir_add(&w, ".", dir->ino, EXT2_FT_DIR);
	dir_add(&w, "..", dir->parent->ino, EXT2_FT_DIR);
	for (i = 0; i < dir->nentries; i++) {
		const struct dentry *e = &dir->entries[i];

		dir_add(&w, e->name, e->node->ino,
			ext2_file_type(e->node->mode));
	}
	dir_flush(&w);
	while (w.blocks < min_blocks)
		dir_flush(&w);
	free(w.block);
	return w.blocks;
}

static uint64_t lost_found_blocks(const struct fs *fs)
{
	uint64_t n = LOST_FOUND_BYTES / fs->block_size;

	if (n < LOST_FOUND_MIN_BLOCKS)
		n = LOST_FOUND_MIN_BLOCKS;
	if (n > EXT2_NDIR_BLOCKS)
		n = EXT2_NDIR_BLOCKS;
	return n;
}

static void write_symlink(struct fs *fs, const struct node *node,
			  struct ext2_inode *inode, struct blockmap *map)
{
	uint8_t *buf;

	if (node->size < EXT2_FAST_SYMLINK_MAX) {
		memcpy(inode->i_block, node->target, node->size);
		return;
	}
	buf = xcalloc(1, fs->block_size);
	memcpy(buf, node->target, node->size);
	blockmap_add(map, 0, buf);
	free(buf);
}

static void write_device(const struct node *node, struct ext2_inode *inode)
{
	uint32_t major = node->rdev_major, minor = node->rdev_minor;

	if (major <= OLD_DEV_MAX && minor <= OLD_DEV_MAX)
		inode->i_block[0] = major << 8 | minor;
	else
		inode->i_block[1] = (minor & 0xff) | major << 8 |
				    (minor & ~0xffu) << 12;
}

static void write_node(struct fs *fs, const struct tree *tree,
		       const struct node *node, uint8_t *buf)
{
	struct ext2_inode *inode = (struct ext2_inode *)buf;
	struct blockmap map;
	uint64_t min_blocks = node == tree->lost_found ? lost_found_blocks(fs)
						       : 0;

	memset(buf, 0, fs->inode_size);
	inode_fill(fs, node, buf);
	blockmap_init(&map, fs);
	switch (node->mode & S_IFMT) {
	case S_IFREG:
		write_file(fs, node, &map);
		set_size(inode, node->size);
		break;
	case S_IFDIR:
		set_size(inode, write_dir(fs, node, &map, min_blocks) *
					fs->block_size);
		break;
	case S_IFLNK:
		write_symlink(fs, node, inode, &map);
		set_size(inode, node->size);
		break;
	case S_IFCHR:
	case S_IFBLK:
		write_device(node, inode);
		break;
	}
	if (map.count)
		blockmap_finish(&map, inode);
	alloc_inode(fs, node->ino, (node->mode & S_IFMT) == S_IFDIR);
	inode_store(fs, node->ino, buf);
}

/* Inode 1 lists the bad blocks: none, but it has its times. */
static void write_bad_blocks_inode(struct fs *fs, uint8_t *buf)
{
	struct ext2_inode *inode = (struct ext2_inode *)buf;

	memset(buf, 0, fs->inode_size);
	inode->i_atime = inode->i_ctime = inode->i_mtime = fs->opt->time;
	inode_store(fs, EXT2_BAD_INO, buf);
}

void inode_write_tree(struct fs *fs, const struct tree *tree)
{
	uint8_t *buf = xcalloc(1, fs->inode_size);
	size_t i;

	write_bad_blocks_inode(fs, buf);
	for (i = 0; i < tree->count; i++)
		write_node(fs, tree, tree->nodes[i], buf);
	free(buf);
}
