/*
 * ramfs (ramfs.h): directories, regular files and symlinks kept in
 * kernel memory, lost at power-off.
 *
 * It is built like a disk file system, so that it exercises the VFS the
 * way ext2 does. A struct ramfs_node is the "disk inode": it lives from
 * creation to deletion, found by number in a hash table. The VFS's
 * struct inode is a cached copy of its attributes, made by read_inode
 * and written back by write_inode; evict_inode deletes the node.
 *
 *   directory: a list of entries (name, inode number, type), each with a
 *              cookie from a per-directory counter, in increasing order:
 *              readdir positions are 0 ".", 1 "..", else a cookie
 *   file:      an array of page pointers; a NULL page is a hole
 *   symlink:   the target string
 *
 * A node's contents are guarded by the lock of its cached inode (only
 * someone who holds the inode touches them); the hash table and the
 * counts by the spinlock `ramfs`. docs/vfs.md.
 */
#include "fs/ramfs.h"
#include "arch/x86_64/memlayout.h"
#include "mm/mm.h"

#define RAMFS_ROOT_INO 1
#define RAMFS_BUCKETS 64
#define RAMFS_LINK_MAX 65000
#define RAMFS_MAX_FILE (512ULL << 20) /* the page array stays <= 1 MiB */
#define RAMFS_DEFAULT_INODES 65536

struct ramfs_dirent {
	struct ramfs_dirent *next;
	uint64_t ino;
	uint64_t cookie;
	uint8_t type; /* DT_* */
	uint8_t len;
	char name[];
};

struct ramfs_node {
	uint64_t ino;
	struct ramfs_node *hash_next; /* under the ramfs lock */

	/* The attributes while no inode is cached (read_inode copies them
	 * in, write_inode out). */
	uint32_t mode, nlink, uid, gid;
	uint64_t size;
	struct timespec64 atime, mtime, ctime;

	/* The contents: under the cached inode's lock. */
	struct ramfs_dirent *entries; /* directory */
	uint64_t parent;              /* directory: ".." */
	uint64_t next_cookie;         /* directory */
	uint8_t **pages;              /* file: npages slots */
	size_t npages;
	char *target;  /* symlink */
	uint64_t rdev; /* device node: its number (set before it is named) */
};

struct ramfs_sb {
	struct super_block vfs;
	struct spinlock lock; /* "ramfs": the fields below */
	struct ramfs_node *nodes[RAMFS_BUCKETS];
	uint64_t next_ino;
	uint64_t inodes_used, max_inodes;
	uint64_t pages_used, max_pages;
	uint64_t magic; /* constant: RAMFS_MAGIC, or tmpfs's */
};

struct ramfs_inode {
	struct inode vfs;
	struct ramfs_node *node;
};

static const struct inode_operations ramfs_dir_ops, ramfs_file_ops,
	ramfs_link_ops;
static const struct super_operations ramfs_super_ops;

static struct ramfs_sb *rsb(struct super_block *sb)
{
	return container_of(sb, struct ramfs_sb, vfs);
}

static struct ramfs_node *node_of(struct inode *inode)
{
	return container_of(inode, struct ramfs_inode, vfs)->node;
}

static unsigned int dtype(uint32_t mode)
{
	if (S_ISFIFO(mode))
		return DT_FIFO;
	if (S_ISSOCK(mode))
		return DT_SOCK;
	return S_ISDIR(mode) ? DT_DIR : S_ISLNK(mode) ? DT_LNK : DT_REG;
}

static void touch_dir(struct inode *dir)
{
	dir->mtime = dir->ctime = vfs_now();
	vfs_inode_dirty(dir);
}

/* ---- nodes ------------------------------------------------------------- */

/* Count one more of *used against max; false if at the limit. */
static bool reserve(struct ramfs_sb *rfs, uint64_t *used, uint64_t max)
{
	bool ok;

	spin_lock(&rfs->lock);
	ok = *used < max;
	if (ok)
		(*used)++;
	spin_unlock(&rfs->lock);
	return ok;
}

static void unreserve(struct ramfs_sb *rfs, uint64_t *used, uint64_t n)
{
	spin_lock(&rfs->lock);
	*used -= n;
	spin_unlock(&rfs->lock);
}

static struct ramfs_node *node_find(struct ramfs_sb *rfs, uint64_t ino)
{
	struct ramfs_node *n;

	spin_lock(&rfs->lock);
	n = rfs->nodes[ino % RAMFS_BUCKETS];
	while (n && n->ino != ino)
		n = n->hash_next;
	spin_unlock(&rfs->lock);
	return n;
}

/* A new node with one link (two for a directory), in the table. */
static int node_new(struct ramfs_sb *rfs, uint32_t mode, uint64_t parent,
		    struct ramfs_node **out)
{
	struct ramfs_node *n;

	if (!reserve(rfs, &rfs->inodes_used, rfs->max_inodes))
		return -ENOSPC;
	n = kzalloc(sizeof(*n));
	if (!n) {
		unreserve(rfs, &rfs->inodes_used, 1);
		return -ENOSPC;
	}
	n->mode = mode;
	n->nlink = S_ISDIR(mode) ? 2 : 1;
	n->atime = n->mtime = n->ctime = vfs_now();
	n->parent = parent;
	n->next_cookie = 2;
	spin_lock(&rfs->lock);
	n->ino = rfs->next_ino++;
	n->hash_next = rfs->nodes[n->ino % RAMFS_BUCKETS];
	rfs->nodes[n->ino % RAMFS_BUCKETS] = n;
	spin_unlock(&rfs->lock);
	*out = n;
	return 0;
}

/* Free a node's contents and the node; it is already out of the table. */
static void node_free(struct ramfs_sb *rfs, struct ramfs_node *n)
{
	uint64_t pages = 0;

	while (n->entries) {
		struct ramfs_dirent *e = n->entries;

		n->entries = e->next;
		kfree(e);
	}
	for (size_t i = 0; i < n->npages; i++)
		if (n->pages[i]) {
			kfree(n->pages[i]);
			pages++;
		}
	unreserve(rfs, &rfs->pages_used, pages);
	unreserve(rfs, &rfs->inodes_used, 1);
	kfree(n->pages);
	kfree(n->target);
	kfree(n);
}

static void node_remove(struct ramfs_sb *rfs, struct ramfs_node *n)
{
	struct ramfs_node **pp;

	spin_lock(&rfs->lock);
	pp = &rfs->nodes[n->ino % RAMFS_BUCKETS];
	while (*pp != n)
		pp = &(*pp)->hash_next;
	*pp = n->hash_next;
	spin_unlock(&rfs->lock);
}

/* ---- super operations --------------------------------------------------- */

static int ramfs_read_inode(struct super_block *sb, uint64_t ino,
			    struct inode **out)
{
	struct ramfs_node *n = node_find(rsb(sb), ino);
	struct ramfs_inode *ri;

	if (!n)
		return -ENOENT;
	ri = kzalloc(sizeof(*ri));
	if (!ri)
		return -ENOMEM;
	ri->node = n;
	ri->vfs.mode = n->mode;
	ri->vfs.nlink = n->nlink;
	ri->vfs.uid = n->uid;
	ri->vfs.gid = n->gid;
	ri->vfs.size = n->size;
	ri->vfs.atime = n->atime;
	ri->vfs.mtime = n->mtime;
	ri->vfs.ctime = n->ctime;
	ri->vfs.ops = S_ISDIR(n->mode)   ? &ramfs_dir_ops
		      : S_ISLNK(n->mode) ? &ramfs_link_ops
					 : &ramfs_file_ops;
	*out = &ri->vfs;
	return 0;
}

static int ramfs_write_inode(struct inode *inode)
{
	struct ramfs_node *n = node_of(inode);

	n->mode = inode->mode;
	n->nlink = inode->nlink;
	n->uid = inode->uid;
	n->gid = inode->gid;
	n->size = inode->size;
	n->atime = inode->atime;
	n->mtime = inode->mtime;
	n->ctime = inode->ctime;
	return 0;
}

static void ramfs_evict_inode(struct inode *inode)
{
	struct ramfs_sb *rfs = rsb(inode->sb);

	node_remove(rfs, node_of(inode));
	node_free(rfs, node_of(inode));
}

static void ramfs_free_inode(struct inode *inode)
{
	kfree(container_of(inode, struct ramfs_inode, vfs));
}

static int ramfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	struct ramfs_sb *rfs = rsb(sb);

	spin_lock(&rfs->lock);
	st->type = rfs->magic;
	st->block_size = PAGE_SIZE;
	st->blocks = rfs->max_pages;
	st->blocks_free = rfs->max_pages - rfs->pages_used;
	st->files = rfs->max_inodes;
	st->files_free = rfs->max_inodes - rfs->inodes_used;
	st->name_max = VFS_NAME_MAX;
	spin_unlock(&rfs->lock);
	return 0;
}

static int ramfs_sync(struct super_block *sb)
{
	return 0; /* nothing is anywhere but here */
}

static int ramfs_unmount(struct super_block *sb)
{
	struct ramfs_sb *rfs = rsb(sb);

	for (unsigned int b = 0; b < RAMFS_BUCKETS; b++)
		while (rfs->nodes[b]) {
			struct ramfs_node *n = rfs->nodes[b];

			rfs->nodes[b] = n->hash_next;
			node_free(rfs, n);
		}
	kfree(rfs);
	return 0;
}

static const struct super_operations ramfs_super_ops = {
	.read_inode = ramfs_read_inode,
	.write_inode = ramfs_write_inode,
	.evict_inode = ramfs_evict_inode,
	.free_inode = ramfs_free_inode,
	.statfs = ramfs_statfs,
	.sync = ramfs_sync,
	.unmount = ramfs_unmount,
};

/* ---- directories ------------------------------------------------------- */

static struct ramfs_dirent *entry_find(struct inode *dir, const char *name,
				       size_t len)
{
	struct ramfs_dirent *e = node_of(dir)->entries;

	while (e && !(e->len == len && memcmp(e->name, name, len) == 0))
		e = e->next;
	return e;
}

static struct ramfs_dirent *entry_new(const char *name, size_t len,
				      uint64_t ino, uint8_t type)
{
	struct ramfs_dirent *e = kmalloc(sizeof(*e) + len);

	if (e) {
		e->next = NULL;
		e->ino = ino;
		e->type = type;
		e->len = (uint8_t)len;
		memcpy(e->name, name, len);
	}
	return e;
}

/* Put e at the end of dir, with the largest cookie. */
static void entry_insert(struct inode *dir, struct ramfs_dirent *e)
{
	struct ramfs_node *d = node_of(dir);
	struct ramfs_dirent **pp;

	e->cookie = d->next_cookie++;
	for (pp = &d->entries; *pp; pp = &(*pp)->next)
		;
	*pp = e;
	touch_dir(dir);
}

static int entry_add(struct inode *dir, const char *name, size_t len,
		     uint64_t ino, uint8_t type)
{
	struct ramfs_dirent *e = entry_new(name, len, ino, type);

	if (!e)
		return -ENOSPC;
	entry_insert(dir, e);
	return 0;
}

static void entry_remove(struct inode *dir, struct ramfs_dirent *e)
{
	struct ramfs_dirent **pp = &node_of(dir)->entries;

	while (*pp != e)
		pp = &(*pp)->next;
	*pp = e->next;
	kfree(e);
	touch_dir(dir);
}

static int ramfs_lookup(struct inode *dir, const char *name, size_t len,
			struct inode **out)
{
	struct ramfs_dirent *e;

	if (len == 2 && name[0] == '.' && name[1] == '.')
		return vfs_iget(dir->sb, node_of(dir)->parent, out);
	e = entry_find(dir, name, len);
	return e ? vfs_iget(dir->sb, e->ino, out) : -ENOENT;
}

/* A new node of mode (and device number rdev) called name in dir; *node
 * for the caller to fill (symlink), the inode in *out if out is not
 * NULL. */
static int make_node(struct inode *dir, const char *name, size_t len,
		     uint32_t mode, uint64_t rdev, struct ramfs_node **node,
		     struct inode **out)
{
	struct ramfs_sb *rfs = rsb(dir->sb);
	struct ramfs_node *n;
	uint32_t uid, gid;
	int err;

	vfs_init_owner(dir, &mode, &uid, &gid);
	err = node_new(rfs, mode, dir->ino, &n);
	if (err)
		return err;
	n->uid = uid;
	n->gid = gid;
	n->rdev = rdev;
	err = entry_add(dir, name, len, n->ino, (uint8_t)dtype(mode));
	if (err) {
		node_remove(rfs, n);
		node_free(rfs, n);
		return err;
	}
	if (S_ISDIR(mode))
		dir->nlink++;
	if (node)
		*node = n;
	return out ? vfs_iget(dir->sb, n->ino, out) : 0;
}

static int ramfs_create(struct inode *dir, const char *name, size_t len,
			uint32_t mode, struct inode **out)
{
	return make_node(dir, name, len, S_IFREG | (mode & 07777), 0, NULL,
			 out);
}

/* FIFOs, sockets' names and device nodes (the number kept in the node,
 * reported by stat, which is how device_open finds the driver). */
static int ramfs_mknod(struct inode *dir, const char *name, size_t len,
		       uint32_t mode, uint64_t rdev)
{
	if (!S_ISFIFO(mode) && !S_ISSOCK(mode) && !S_ISCHR(mode) &&
	    !S_ISBLK(mode))
		return -EINVAL;
	return make_node(dir, name, len, mode,
			 S_ISCHR(mode) || S_ISBLK(mode) ? rdev : 0, NULL, NULL);
}

static int ramfs_mkdir(struct inode *dir, const char *name, size_t len,
		       uint32_t mode)
{
	if (dir->nlink >= RAMFS_LINK_MAX)
		return -EMLINK;
	return make_node(dir, name, len, S_IFDIR | (mode & 07777), 0, NULL,
			 NULL);
}

static int ramfs_symlink(struct inode *dir, const char *name, size_t len,
			 const char *target)
{
	size_t tlen = strlen(target);
	char *copy = kmalloc(tlen + 1);
	struct ramfs_node *n;
	int err;

	if (!copy)
		return -ENOSPC;
	memcpy(copy, target, tlen + 1);
	err = make_node(dir, name, len, S_IFLNK | 0777, 0, &n, NULL);
	if (err) {
		kfree(copy);
		return err;
	}
	n->target = copy;
	n->size = tlen;
	return 0;
}

static int ramfs_link(struct inode *target, struct inode *dir, const char *name,
		      size_t len)
{
	int err = 0;

	sleep_lock(&target->lock);
	if (target->nlink >= RAMFS_LINK_MAX)
		err = -EMLINK;
	if (!err)
		err = entry_add(dir, name, len, target->ino,
				(uint8_t)dtype(target->mode));
	if (!err) {
		target->nlink++;
		target->ctime = vfs_now();
		vfs_inode_dirty(target);
	}
	sleep_unlock(&target->lock);
	return err;
}

/* The inode of entry e loses it: one link, or a directory (which must be
 * empty) both. Caller holds the directory's lock. */
static int drop_link(struct super_block *sb, struct ramfs_dirent *e)
{
	struct inode *inode;
	int err;

	err = vfs_iget(sb, e->ino, &inode);
	if (err)
		return err;
	sleep_lock(&inode->lock);
	if (S_ISDIR(inode->mode) && node_of(inode)->entries) {
		err = -ENOTEMPTY;
	} else {
		inode->nlink = S_ISDIR(inode->mode) ? 0 : inode->nlink - 1;
		inode->ctime = vfs_now();
		vfs_inode_dirty(inode);
	}
	sleep_unlock(&inode->lock);
	vfs_iput(inode); /* the last reference deletes it */
	return err;
}

/* unlink and rmdir: the VFS checked the type. */
static int ramfs_remove(struct inode *dir, const char *name, size_t len)
{
	struct ramfs_dirent *e = entry_find(dir, name, len);
	int err;

	if (!e)
		return -ENOENT;
	err = drop_link(dir->sb, e);
	if (err)
		return err;
	if (e->type == DT_DIR)
		dir->nlink--;
	entry_remove(dir, e);
	return 0;
}

/* The VFS checked the types and that a directory does not move below
 * itself; both directories are locked. */
static int ramfs_rename(struct inode *old_dir, const char *old_name,
			size_t old_len, struct inode *new_dir,
			const char *new_name, size_t new_len)
{
	struct ramfs_dirent *e = entry_find(old_dir, old_name, old_len);
	struct ramfs_dirent *old_target, *new_entry;
	struct inode *moved;
	int err;

	if (!e)
		return -ENOENT;
	/* Everything that can fail comes before the first change. */
	new_entry = entry_new(new_name, new_len, e->ino, e->type);
	if (!new_entry)
		return -ENOSPC;
	err = vfs_iget(old_dir->sb, e->ino, &moved);
	if (err)
		goto out_entry;
	old_target = entry_find(new_dir, new_name, new_len);
	if (old_target) {
		err = drop_link(new_dir->sb, old_target);
		if (err)
			goto out_put;
		if (old_target->type == DT_DIR)
			new_dir->nlink--;
		entry_remove(new_dir, old_target);
	}
	entry_insert(new_dir, new_entry);
	new_entry = NULL;
	entry_remove(old_dir, e);
	sleep_lock(&moved->lock);
	moved->ctime = vfs_now();
	vfs_inode_dirty(moved);
	if (S_ISDIR(moved->mode) && old_dir != new_dir) {
		node_of(moved)->parent = new_dir->ino;
		old_dir->nlink--;
		new_dir->nlink++;
	}
	sleep_unlock(&moved->lock);
out_put:
	vfs_iput(moved);
out_entry:
	kfree(new_entry);
	return err;
}

static int ramfs_readdir(struct inode *dir, uint64_t *pos, vfs_emit_fn emit,
			 void *ctx)
{
	struct ramfs_node *d = node_of(dir);

	if (*pos == 0) {
		if (emit(ctx, ".", 1, dir->ino, DT_DIR))
			return 0;
		*pos = 1;
	}
	if (*pos == 1) {
		if (emit(ctx, "..", 2, d->parent, DT_DIR))
			return 0;
		*pos = 2;
	}
	for (struct ramfs_dirent *e = d->entries; e; e = e->next) {
		if (e->cookie < *pos)
			continue;
		if (emit(ctx, e->name, e->len, e->ino, e->type))
			return 0;
		*pos = e->cookie + 1;
	}
	return 0;
}

/* ---- files and symlinks --------------------------------------------------- */

/* Make room for page index last in the page array. */
static int grow_pages(struct ramfs_node *n, size_t last)
{
	size_t count = MAX(last + 1, n->npages * 2);
	uint8_t **pages;

	if (last < n->npages)
		return 0;
	pages = kzalloc(count * sizeof(*pages));
	if (!pages)
		return -ENOSPC;
	if (n->npages)
		memcpy(pages, n->pages, n->npages * sizeof(*pages));
	kfree(n->pages);
	n->pages = pages;
	n->npages = count;
	return 0;
}

static uint8_t *page_get(struct ramfs_sb *rfs, struct ramfs_node *n,
			 size_t index)
{
	if (!n->pages[index]) {
		if (!reserve(rfs, &rfs->pages_used, rfs->max_pages))
			return NULL;
		n->pages[index] = kzalloc(PAGE_SIZE);
		if (!n->pages[index])
			unreserve(rfs, &rfs->pages_used, 1);
	}
	return n->pages[index];
}

static ssize_t ramfs_read(struct inode *inode, void *buf, size_t count,
			  uint64_t off)
{
	struct ramfs_node *n = node_of(inode);
	size_t done = 0;

	if (off >= inode->size)
		return 0;
	count = MIN(count, inode->size - off);
	while (done < count) {
		size_t index = (off + done) / PAGE_SIZE;
		size_t in = (off + done) % PAGE_SIZE;
		size_t chunk = MIN(count - done, PAGE_SIZE - in);

		if (index < n->npages && n->pages[index])
			memcpy((uint8_t *)buf + done, n->pages[index] + in,
			       chunk);
		else
			memset((uint8_t *)buf + done, 0, chunk);
		done += chunk;
	}
	return (ssize_t)done;
}

static ssize_t ramfs_write(struct inode *inode, const void *buf, size_t count,
			   uint64_t off)
{
	struct ramfs_sb *rfs = rsb(inode->sb);
	struct ramfs_node *n = node_of(inode);
	size_t done = 0;
	int err;

	if (off >= RAMFS_MAX_FILE)
		return -EFBIG;
	if (count == 0)
		return 0;
	count = MIN(count, RAMFS_MAX_FILE - off);
	err = grow_pages(n, (off + count - 1) / PAGE_SIZE);
	while (!err && done < count) {
		size_t in = (off + done) % PAGE_SIZE;
		size_t chunk = MIN(count - done, PAGE_SIZE - in);
		uint8_t *page = page_get(rfs, n, (off + done) / PAGE_SIZE);

		if (!page)
			err = -ENOSPC;
		else
			memcpy(page + in, (const uint8_t *)buf + done, chunk);
		if (page)
			done += chunk;
	}
	if (done == 0)
		return err;
	inode->size = MAX(inode->size, off + done);
	inode->mtime = inode->ctime = vfs_now();
	vfs_inode_dirty(inode);
	return (ssize_t)done;
}

static int ramfs_truncate(struct inode *inode, uint64_t size)
{
	struct ramfs_node *n = node_of(inode);
	size_t keep = (size + PAGE_SIZE - 1) / PAGE_SIZE;
	uint64_t freed = 0;

	if (size > RAMFS_MAX_FILE)
		return -EFBIG;
	for (size_t i = keep; i < n->npages; i++)
		if (n->pages[i]) {
			kfree(n->pages[i]);
			n->pages[i] = NULL;
			freed++;
		}
	unreserve(rsb(inode->sb), &rsb(inode->sb)->pages_used, freed);
	/* What a later extension uncovers must read as zeros. */
	if (size % PAGE_SIZE && keep <= n->npages && n->pages[keep - 1])
		memset(n->pages[keep - 1] + size % PAGE_SIZE, 0,
		       PAGE_SIZE - size % PAGE_SIZE);
	if (size != inode->size) {
		inode->size = size;
		inode->mtime = inode->ctime = vfs_now();
		vfs_inode_dirty(inode);
	}
	return 0;
}

static int ramfs_stat(struct inode *inode, struct kstat *st)
{
	struct ramfs_node *n = node_of(inode);
	uint64_t pages = 0;

	for (size_t i = 0; i < n->npages; i++)
		pages += n->pages[i] != NULL;
	st->blocks = pages * (PAGE_SIZE / 512);
	st->rdev = n->rdev;
	return 0;
}

static int ramfs_readlink(struct inode *inode, char *buf, size_t size)
{
	size_t n = MIN(size, inode->size);

	memcpy(buf, node_of(inode)->target, n);
	return (int)n;
}

static const struct inode_operations ramfs_dir_ops = {
	.lookup = ramfs_lookup,
	.create = ramfs_create,
	.mkdir = ramfs_mkdir,
	.rmdir = ramfs_remove,
	.unlink = ramfs_remove,
	.rename = ramfs_rename,
	.link = ramfs_link,
	.symlink = ramfs_symlink,
	.mknod = ramfs_mknod,
	.readdir = ramfs_readdir,
};

static const struct inode_operations ramfs_file_ops = {
	.read = ramfs_read,
	.write = ramfs_write,
	.truncate = ramfs_truncate,
	.stat = ramfs_stat,
};

static const struct inode_operations ramfs_link_ops = {
	.readlink = ramfs_readlink,
};

/* ---- mounting ---------------------------------------------------------------- */

int ramfs_mount_as(uint64_t magic, uint32_t root_mode, struct super_block **out)
{
	struct ramfs_sb *rfs;
	struct ramfs_node *root;
	struct frame_stats frames;
	int err;

	rfs = kzalloc(sizeof(*rfs));
	if (!rfs)
		return -ENOMEM;
	spin_init(&rfs->lock, "ramfs");
	frames_get_stats(&frames);
	rfs->max_pages = frames.free / 2;
	rfs->max_inodes = RAMFS_DEFAULT_INODES;
	rfs->magic = magic;
	rfs->next_ino = RAMFS_ROOT_INO;
	err = node_new(rfs, S_IFDIR | (root_mode & 07777), RAMFS_ROOT_INO,
		       &root);
	if (err) {
		kfree(rfs);
		return err;
	}
	rfs->vfs.ops = &ramfs_super_ops;
	rfs->vfs.root_ino = root->ino;
	*out = &rfs->vfs;
	return 0;
}

/* The type's mount function: dev cannot be const. */
// cppcheck-suppress constParameter
static int ramfs_mount(struct block_device *dev, bool read_only,
		       struct super_block **out)
{
	if (dev)
		return -EINVAL; /* ramfs needs no device */
	return ramfs_mount_as(RAMFS_MAGIC, 0755, out);
}

int ramfs_set_limits(struct super_block *sb, uint64_t max_pages,
		     uint64_t max_inodes)
{
	struct ramfs_sb *rfs = rsb(sb);
	int err = 0;

	if (sb->ops != &ramfs_super_ops)
		return -EINVAL;
	spin_lock(&rfs->lock);
	if (rfs->pages_used > max_pages || rfs->inodes_used > max_inodes) {
		err = -EINVAL;
	} else {
		rfs->max_pages = max_pages;
		rfs->max_inodes = max_inodes;
	}
	spin_unlock(&rfs->lock);
	return err;
}

static struct file_system_type ramfs_type = {
	.name = "ramfs",
	.mount = ramfs_mount,
};

void ramfs_init(void)
{
	vfs_register_fs(&ramfs_type);
}
