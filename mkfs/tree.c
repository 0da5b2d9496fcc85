/*
 * Reading the host tree. Every file, directory, symbolic link and special
 * file under DIR becomes a node: the inode it will be. A directory's
 * names are sorted bytewise, since readdir's order depends on the host's
 * file system and the image must not. Names of one host inode (hard
 * links, same st_dev and st_ino) share one node, whose link count is the
 * number of its names in the tree.
 *
 * Then the nodes are numbered: the root is inode 2 and lost+found inode
 * 11 (as mke2fs makes them; a lost+found in DIR is merged into it), the
 * rest get 12, 13, ... in depth-first order, so a directory's files sit
 * next to it in the inode table. Writing follows the same order.
 */
#include <dirent.h>
#include <errno.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mkfs.h"

/* A node's mode is the host's st_mode type and permission bits: on Linux
 * the same values ext2's i_mode uses (ext2-doc, "i_mode"). */
_Static_assert(S_IFMT == 0xf000 && S_IFSOCK == 0xc000 && S_IFLNK == 0xa000 &&
		       S_IFREG == 0x8000 && S_IFBLK == 0x6000 &&
		       S_IFDIR == 0x4000 && S_IFCHR == 0x2000 &&
		       S_IFIFO == 0x1000,
	       "host file types are ext2's");
#define MODE_PERMISSIONS 07777 /* rwx for all three, setuid, setgid, sticky */

#define LOST_FOUND_NAME "lost+found"
#define LOST_FOUND_MODE (S_IFDIR | 0700) /* as mke2fs makes it */

/* The host inode behind a node, to find hard links. */
struct host_inode {
	dev_t dev;
	ino_t ino;
	struct node *node;
};

struct reader {
	struct tree *tree;
	const struct mkfs_options *opt;
	void *host_inodes; /* tsearch tree of struct host_inode */
	size_t capacity;   /* of tree->nodes */
	uint32_t next_ino;
};

static int host_inode_cmp(const void *a, const void *b)
{
	const struct host_inode *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct dentry *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static char *join_path(const char *dir, const char *name)
{
	size_t n = strlen(dir) + 1 + strlen(name) + 1;
	char *p = xcalloc(n, 1);

	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static char *read_link(const char *path, const struct stat *st)
{
	size_t n = (size_t)st->st_size;
	char *target = xcalloc(n + 1, 1);
	ssize_t got = readlink(path, target, n + 1);

	if (got < 0)
		fatal_errno("cannot read the symbolic link %s", path);
	if ((size_t)got != n)
		fatal("%s changed while mkfs read it", path);
	return target;
}

/* -o: the owner given to the file at path (DIR/rel), if any. */
static void set_owner(const struct mkfs_options *opt, const char *path,
		      struct node *node)
{
	const char *rel = path + strlen(opt->dir);

	while (*rel == '/')
		rel++;
	for (unsigned int i = 0; i < opt->nowners; i++) {
		if (strcmp(rel, opt->owners[i].path) == 0) {
			node->uid = opt->owners[i].uid;
			node->gid = opt->owners[i].gid;
		}
	}
}

/* The node a new node of this stat: the kind of file, its bits and its
 * owner; the contents come later. */
static struct node *new_node(struct reader *r, const char *path,
			     const struct stat *st)
{
	struct node *node = xcalloc(1, sizeof(*node));

	node->mode = (uint16_t)(st->st_mode & (S_IFMT | MODE_PERMISSIONS));
	if (r->opt->keep_owners) {
		node->uid = st->st_uid;
		node->gid = st->st_gid;
	}
	set_owner(r->opt, path, node);
	switch (st->st_mode & S_IFMT) {
	case S_IFREG:
		node->path = xstrdup(path);
		node->size = (uint64_t)st->st_size;
		break;
	case S_IFLNK:
		node->target = read_link(path, st);
		node->size = strlen(node->target);
		if (node->size >= r->opt->block_size)
			fatal("%s: a link target of %zu bytes does not fit a "
			      "%u-byte block",
			      path, (size_t)node->size, r->opt->block_size);
		break;
	case S_IFCHR:
	case S_IFBLK:
		node->rdev_major = major(st->st_rdev);
		node->rdev_minor = minor(st->st_rdev);
		break;
	case S_IFDIR:
		node->links = 2; /* its "." and its name in the parent */
		break;
	case S_IFIFO:
	case S_IFSOCK:
		break;
	default:
		fatal("%s: a kind of file ext2 cannot hold (mode %#o)", path,
		      (unsigned int)st->st_mode);
	}
	return node;
}

/* The node for a name: a new one, or the node already made for another
 * name of the same host inode. */
static struct node *node_for(struct reader *r, const char *path,
			     const struct stat *st)
{
	struct host_inode key = { st->st_dev, st->st_ino, NULL };
	struct host_inode **found, *h;

	if (S_ISDIR(st->st_mode) || st->st_nlink < 2)
		return new_node(r, path, st);
	found = tfind(&key, &r->host_inodes, host_inode_cmp);
	if (found)
		return (*found)->node;
	h = xcalloc(1, sizeof(*h));
	*h = key;
	h->node = new_node(r, path, st);
	if (!tsearch(h, &r->host_inodes, host_inode_cmp))
		fatal("out of memory");
	return h->node;
}

static void add_entry(struct node *dir, char *name, struct node *node)
{
	dir->entries = xreallocarray(dir->entries, dir->nentries + 1,
				     sizeof(*dir->entries));
	dir->entries[dir->nentries].name = name;
	dir->entries[dir->nentries].node = node;
	dir->nentries++;
}

static void read_dir(struct reader *r, struct node *dir, const char *path);

/* One name in the directory at path: its node, and for a directory
 * everything below it. */
static void read_entry(struct reader *r, struct node *dir, const char *path,
		       struct dentry *e)
{
	char *child = join_path(path, e->name);
	struct stat st;

	if (lstat(child, &st) < 0)
		fatal_errno("cannot stat %s", child);
	e->node = node_for(r, child, &st);
	if (!S_ISDIR(st.st_mode)) {
		if (e->node->links == EXT2_LINK_MAX)
			fatal("%s: more than %d links", child, EXT2_LINK_MAX);
		e->node->links++;
	} else {
		e->node->parent = dir;
		dir->links++; /* the child's ".." */
		read_dir(r, e->node, child);
	}
	free(child);
}

/* The names in the directory at path, sorted, each read. */
static void read_dir(struct reader *r, struct node *dir, const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	size_t i;

	if (!d)
		fatal_errno("cannot open the directory %s", path);
	while ((errno = 0, de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			add_entry(dir, xstrdup(de->d_name), NULL);
	}
	if (errno)
		fatal_errno("cannot read the directory %s", path);
	closedir(d);
	qsort(dir->entries, dir->nentries, sizeof(*dir->entries), entry_cmp);
	for (i = 0; i < dir->nentries; i++)
		read_entry(r, dir, path, &dir->entries[i]);
	if (dir->links > EXT2_LINK_MAX)
		fatal("%s: more than %d subdirectories", path,
		      EXT2_LINK_MAX - 2);
}

/* lost+found: DIR's own if it has one, else a new empty directory. */
static void find_lost_found(struct reader *r)
{
	struct node *root = r->tree->root, *lf;
	size_t i;

	for (i = 0; i < root->nentries; i++) {
		if (strcmp(root->entries[i].name, LOST_FOUND_NAME) == 0) {
			lf = root->entries[i].node;
			if ((lf->mode & S_IFMT) != S_IFDIR)
				fatal("%s/%s is not a directory", r->opt->dir,
				      LOST_FOUND_NAME);
			r->tree->lost_found = lf;
			return;
		}
	}
	lf = xcalloc(1, sizeof(*lf));
	lf->mode = LOST_FOUND_MODE;
	lf->uid = root->uid;
	lf->gid = root->gid;
	lf->links = 2;
	lf->parent = root;
	root->links++;
	add_entry(root, xstrdup(LOST_FOUND_NAME), lf);
	qsort(root->entries, root->nentries, sizeof(*root->entries), entry_cmp);
	r->tree->lost_found = lf;
}

static void number(struct reader *r, struct node *node, uint32_t ino)
{
	struct tree *t = r->tree;

	if (t->count == r->capacity) {
		r->capacity = r->capacity ? 2 * r->capacity : 64;
		t->nodes =
			xreallocarray(t->nodes, r->capacity, sizeof(*t->nodes));
	}
	node->ino = ino;
	t->nodes[t->count++] = node;
	if (ino > t->last_ino)
		t->last_ino = ino;
}

/* Depth first: each name's node gets the next number when first seen. */
static void number_dir(struct reader *r, const struct node *dir)
{
	size_t i;

	for (i = 0; i < dir->nentries; i++) {
		struct node *node = dir->entries[i].node;

		if (!node->ino)
			number(r, node, r->next_ino++);
		if ((node->mode & S_IFMT) == S_IFDIR)
			number_dir(r, node);
	}
}

struct tree *tree_read(const struct mkfs_options *opt)
{
	struct tree *tree = xcalloc(1, sizeof(*tree));
	struct reader r = { tree, opt, NULL, 0, EXT2_GOOD_OLD_FIRST_INO + 1 };
	struct stat st;

	if (stat(opt->dir, &st) < 0)
		fatal_errno("-d %s", opt->dir);
	if (!S_ISDIR(st.st_mode))
		fatal("-d %s: not a directory", opt->dir);
	tree->root = new_node(&r, opt->dir, &st);
	tree->root->parent = tree->root;
	read_dir(&r, tree->root, opt->dir);
	find_lost_found(&r);

	number(&r, tree->root, EXT2_ROOT_INO);
	number(&r, tree->lost_found, EXT2_GOOD_OLD_FIRST_INO);
	number_dir(&r, tree->root);
	return tree;
}
