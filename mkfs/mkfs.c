/*
 * mkfs: build an ext2 image of a given size from a directory tree.
 *
 *   mkfs [options] -s SIZE -d DIR IMAGE
 *
 * The steps: read the options, read DIR into numbered nodes, plan the
 * geometry, then write each node's data and inode, and last the bitmaps,
 * the group descriptors and the superblocks. A tree that does not fit is
 * found out before anything is kept: mkfs says how much it needs and
 * leaves no image behind. mkfs.h lists the files; docs/mkfs.md explains
 * the layout and the options.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mkfs.h"

static void vreport(const char *fmt, va_list ap, int err)
{
	fputs("mkfs: ", stderr);
	vfprintf(stderr, fmt, ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
}

void fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap, 0);
	va_end(ap);
	image_discard();
	exit(1);
}

void fatal_errno(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap, err);
	va_end(ap);
	image_discard();
	exit(1);
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);

	if (!p)
		fatal("out of memory");
	return p;
}

void *xreallocarray(void *p, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		fatal("out of memory");
	p = realloc(p, count * size);
	if (!p)
		fatal("out of memory");
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		fatal("out of memory");
	return p;
}

/* Inode numbers are known before writing: check them first. */
static void check_inodes(const struct fs *fs, const struct tree *tree)
{
	uint32_t inodes = fs->inodes_per_group * fs->groups;

	if (tree->last_ino > inodes)
		fatal("%s needs %u inodes, the image has %u (give -N or a "
		      "larger -s)",
		      fs->opt->dir, tree->last_ino, inodes);
}

/* Blocks are known once everything is written: a full image handed out
 * holes and counted what it lacked. */
static void check_blocks(const struct fs *fs)
{
	uint64_t used = alloc_blocks_used(fs);

	if (fs->blocks_short)
		fatal("%s needs %llu blocks of %u bytes, the image has %u "
		      "(give a larger -s)",
		      fs->opt->dir,
		      (unsigned long long)(used + fs->blocks_short),
		      fs->block_size, fs->blocks_count);
}

int main(int argc, char **argv)
{
	struct mkfs_options opt;
	struct tree *tree;
	struct fs fs;

	options_parse(argc, argv, &opt);
	tree = tree_read(&opt);
	layout_plan(&fs, &opt);
	journal_plan(&fs);
	check_inodes(&fs, tree);

	image_create(&fs, opt.image, opt.size);
	alloc_init(&fs);
	journal_write(&fs);
	inode_write_tree(&fs, tree);
	check_blocks(&fs);
	super_write(&fs);
	image_commit(&fs);
	if (opt.verbose)
		layout_print(&fs, tree);
	return 0;
}
