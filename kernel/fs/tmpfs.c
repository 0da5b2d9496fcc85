/*
 * tmpfs (tmpfs.h): Linux's memory file system, as Kestrel's ramfs with
 * Linux's face. ramfs already keeps directories, files and symlinks in
 * memory, with limits on pages and inodes (ENOSPC beyond); what tmpfs
 * adds is what programs written for Linux look for:
 *
 *   - the type name "tmpfs" and its statfs magic (TMPFS_MAGIC), which
 *     df and shm_open's callers see;
 *   - a root directory of mode 1777 (anyone may make files; only the
 *     owner removes them), as /dev/shm and /tmp are;
 *   - mount(2)'s options: size= (the pages files may hold, default half
 *     of memory, as Linux's), nr_inodes=, mode=, uid=, gid=.
 *
 * mmap with MAP_SHARED works as on any file system: the page cache
 * (kernel/mm/pagecache.c) keeps one copy of each mapped page that every
 * mapping shares. init mounts one on /dev/shm (an empty directory devfs
 * keeps for it), which is where musl's shm_open and sem_open put their
 * files. docs/ipc.md.
 *
 * The kernel keeps one more tmpfs, mounted nowhere, for System V shared
 * memory segments (tmpfs_file_create): each is an unlinked file there.
 */
#include "fs/tmpfs.h"
#include "arch/x86_64/memlayout.h"
#include "fs/ramfs.h"
#include "mm/mm.h"

#define TMPFS_ROOT_MODE 01777

// cppcheck-suppress constParameter
static int tmpfs_mount(struct block_device *dev, bool read_only,
		       struct super_block **out)
{
	(void)read_only;
	if (dev)
		return -EINVAL; /* memory only */
	return ramfs_mount_as(TMPFS_MAGIC, TMPFS_ROOT_MODE, out);
}

static struct file_system_type tmpfs_type = {
	.name = "tmpfs",
	.mount = tmpfs_mount,
};

void tmpfs_init(void)
{
	vfs_register_fs(&tmpfs_type);
}

/* ---- options -------------------------------------------------------------- */

/* A decimal number with an optional k, m or g (and, if percent is not
 * NULL, %) after it, up to the end of [s, end): 0 or -EINVAL. */
static int parse_size(const char *s, const char *end, uint64_t *out,
		      bool *percent)
{
	uint64_t n = 0;

	if (s == end)
		return -EINVAL;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (n > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	if (percent)
		*percent = false;
	if (s < end) {
		unsigned int shift = 0;

		switch (*s | 0x20) {
		case 'k':
			shift = 10;
			break;
		case 'm':
			shift = 20;
			break;
		case 'g':
			shift = 30;
			break;
		default:
			if (*s != '%' || !percent)
				return -EINVAL;
			*percent = true;
		}
		if (++s != end || n > (UINT64_MAX >> shift))
			return -EINVAL;
		n <<= shift;
	}
	*out = n;
	return 0;
}

static int parse_octal(const char *s, const char *end, int64_t *out)
{
	int64_t n = 0;

	if (s == end)
		return -EINVAL;
	for (; s < end; s++) {
		if (*s < '0' || *s > '7' || n > 07777)
			return -EINVAL;
		n = n * 8 + (*s - '0');
	}
	*out = n;
	return 0;
}

/* One "name=value" of [s, end) into *o. */
static int parse_option(const char *s, const char *end, struct tmpfs_options *o)
{
	const char *eq = s;
	uint64_t n;
	int64_t m;
	bool percent;
	int err;

	while (eq < end && *eq != '=')
		eq++;
	if (eq == end)
		return -EINVAL;
	if (eq - s == 4 && memcmp(s, "size", 4) == 0) {
		err = parse_size(eq + 1, end, &n, &percent);
		if (err)
			return err;
		if (percent) {
			struct frame_stats frames;

			frames_get_stats(&frames);
			n = frames.managed * MIN(n, 100) / 100;
		} else {
			n = (n + PAGE_SIZE - 1) / PAGE_SIZE;
		}
		o->max_pages = n;
	} else if (eq - s == 9 && memcmp(s, "nr_inodes", 9) == 0) {
		err = parse_size(eq + 1, end, &n, NULL);
		if (err)
			return err;
		o->max_inodes = n;
	} else if (eq - s == 4 && memcmp(s, "mode", 4) == 0) {
		err = parse_octal(eq + 1, end, &m);
		if (err)
			return err;
		o->mode = (int32_t)m;
	} else if (eq - s == 3 &&
		   (memcmp(s, "uid", 3) == 0 || memcmp(s, "gid", 3) == 0)) {
		err = parse_size(eq + 1, end, &n, NULL);
		if (err || n > UINT32_MAX)
			return -EINVAL;
		*(s[0] == 'u' ? &o->uid : &o->gid) = (int64_t)n;
	} else {
		return -EINVAL;
	}
	return 0;
}

int tmpfs_parse_options(const char *text, struct tmpfs_options *o)
{
	*o = (struct tmpfs_options){ .mode = -1, .uid = -1, .gid = -1 };
	while (*text) {
		const char *end = text;

		while (*end && *end != ',')
			end++;
		if (end > text) {
			int err = parse_option(text, end, o);

			if (err)
				return err;
		}
		text = *end ? end + 1 : end;
	}
	return 0;
}

int tmpfs_apply_options(const char *target, const struct tmpfs_options *o)
{
	struct kstatfs st;
	struct inode *root;
	int err = vfs_lookup(NULL, target, LOOKUP_FOLLOW, &root);

	if (err)
		return err;
	if (root->sb->type != &tmpfs_type || root->ino != root->sb->root_ino) {
		vfs_iput(root);
		return -EINVAL;
	}
	err = root->sb->ops->statfs(root->sb, &st);
	if (!err && (o->max_pages || o->max_inodes))
		err = ramfs_set_limits(
			root->sb, o->max_pages ? o->max_pages : st.blocks,
			o->max_inodes ? o->max_inodes : st.files);
	if (!err) {
		sleep_lock(&root->lock);
		if (o->mode >= 0)
			root->mode = S_IFDIR | (uint32_t)o->mode;
		if (o->uid >= 0)
			root->uid = (uint32_t)o->uid;
		if (o->gid >= 0)
			root->gid = (uint32_t)o->gid;
		vfs_inode_dirty(root);
		sleep_unlock(&root->lock);
	}
	vfs_iput(root);
	return err;
}

/* ---- the kernel's own tmpfs ----------------------------------------------- */

/* Made at the first segment; its root is referenced for ever. */
static struct spinlock internal_lock = SPINLOCK_INIT("tmpfs internal");
static struct inode *internal_root; /* internal_lock */
static uint64_t internal_names;     /* the root's lock */

static struct inode *internal_get_root(void)
{
	struct super_block *sb;
	struct inode *root = NULL;

	spin_lock(&internal_lock);
	root = internal_root;
	spin_unlock(&internal_lock);
	if (root)
		return root;
	if (ramfs_mount_as(TMPFS_MAGIC, TMPFS_ROOT_MODE, &sb))
		return NULL;
	/* What vfs_mount fills in for a mounted one. */
	sb->type = &tmpfs_type;
	sleep_lock_init(&sb->rename_lock, "rename");
	if (vfs_iget(sb, sb->root_ino, &root)) {
		sb->ops->unmount(sb);
		return NULL;
	}
	spin_lock(&internal_lock);
	if (!internal_root) {
		internal_root = root;
		root = NULL;
	}
	spin_unlock(&internal_lock);
	if (root) { /* another CPU made one first: keep theirs (this one
		     * stays, empty and unreferenced but for its root) */
		vfs_iput(root);
	}
	return internal_root;
}

struct file *tmpfs_file_create(uint64_t size)
{
	struct inode *root = internal_get_root(), *inode = NULL;
	struct file *f;
	char name[32];
	int len, err;

	if (!root)
		return NULL;
	sleep_lock(&root->lock);
	len = ksnprintf(name, sizeof(name), "shm%llu",
			(unsigned long long)internal_names++);
	err = root->ops->create(root, name, (size_t)len, S_IFREG | 0600,
				&inode);
	if (!err)
		err = root->ops->unlink(root, name, (size_t)len);
	sleep_unlock(&root->lock);
	if (err) {
		if (inode)
			vfs_iput(inode);
		return NULL;
	}
	sleep_lock(&inode->lock);
	err = inode->ops->truncate(inode, size);
	sleep_unlock(&inode->lock);
	f = err ? NULL : vfs_file_alloc(NULL, NULL, inode, O_RDWR);
	if (!f)
		vfs_iput(inode);
	return f;
}

bool tmpfs_file_is_internal(const struct file *f)
{
	const struct inode *root;

	spin_lock(&internal_lock);
	root = internal_root;
	spin_unlock(&internal_lock);
	return root && f->inode && !f->fops && f->inode->sb == root->sb;
}
