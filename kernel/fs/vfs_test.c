/*
 * The VFS conformance suite (vfs_test.h): one case per area of Linux's
 * file semantics, each run in its own new directory through the VFS's
 * public calls, with the errno values Linux gives. A case never assumes
 * which file system it runs on: ramfs here (suite vfs, one ktest per
 * case and one running them all), ext2 in ext2's tests.
 *
 * Cases open files and take inode references through vt_open and
 * vt_lookup, which remember them, so that a case that fails half-way
 * still leaves nothing open: run_case closes what is left, removes the
 * case's directory tree, and checks that the inode cache and the open
 * file count are back where they were.
 */
#include "fs/vfs_test.h"
#include "fs/ramfs.h"
#include "fs/vfs.h"
#include "mm/mm.h"

#define VT_OPEN_MAX 8
#define VT_BUF 16384
#define VT_DIR "/ktest-vfs" /* where ramfs is mounted for a test */

struct vcase {
	const char *base; /* the directory the suite runs in */
	char *dpath;      /* this case's directory, absolute */
	struct inode *d;  /* ... and its inode: cwd of every call */
	char *path;       /* scratch: VFS_PATH_MAX + 64 bytes */
	uint8_t *buf;     /* scratch: VT_BUF bytes */
	struct file *files[VT_OPEN_MAX];
	struct inode *inodes[VT_OPEN_MAX];
};

/* ---- helpers --------------------------------------------------------------- */

static int vt_open(struct vcase *c, const char *path, int flags,
		   struct file **out)
{
	int err = vfs_open(c->d, path, flags, 0644, out);

	if (err)
		return err;
	for (unsigned int i = 0; i < VT_OPEN_MAX; i++)
		if (!c->files[i]) {
			c->files[i] = *out;
			return 0;
		}
	vfs_close(*out);
	return -EMFILE;
}

static void vt_close(struct vcase *c, struct file *f)
{
	for (unsigned int i = 0; i < VT_OPEN_MAX; i++)
		if (c->files[i] == f)
			c->files[i] = NULL;
	vfs_close(f);
}

static int vt_lookup(struct vcase *c, const char *path, struct inode **out)
{
	int err = vfs_lookup(c->d, path, LOOKUP_FOLLOW, out);

	if (err)
		return err;
	for (unsigned int i = 0; i < VT_OPEN_MAX; i++)
		if (!c->inodes[i]) {
			c->inodes[i] = *out;
			return 0;
		}
	vfs_iput(*out);
	return -EMFILE;
}

static void vt_put(struct vcase *c, struct inode *ip)
{
	for (unsigned int i = 0; i < VT_OPEN_MAX; i++)
		if (c->inodes[i] == ip)
			c->inodes[i] = NULL;
	vfs_iput(ip);
}

/* Create or truncate path and write text into it: 0 or an error. */
static int put_file(struct vcase *c, const char *path, const char *text)
{
	size_t len = strlen(text);
	struct file *f;
	ssize_t n;
	int err;

	err = vt_open(c, path, O_WRONLY | O_CREAT | O_TRUNC, &f);
	if (err)
		return err;
	n = vfs_write(f, text, len);
	vt_close(c, f);
	if (n < 0)
		return (int)n;
	return n == (ssize_t)len ? 0 : -EIO;
}

/* The contents of path into c->buf (NUL-terminated): length or error. */
static ssize_t get_file(struct vcase *c, const char *path)
{
	struct file *f;
	ssize_t n, total = 0;
	int err;

	err = vt_open(c, path, O_RDONLY, &f);
	if (err)
		return err;
	do {
		n = vfs_read(f, c->buf + total, VT_BUF - 1 - (size_t)total);
		if (n > 0)
			total += n;
	} while (n > 0 && total < VT_BUF - 1);
	vt_close(c, f);
	if (n < 0)
		return n;
	c->buf[total] = '\0';
	return total;
}

static bool file_is(struct vcase *c, const char *path, const char *text)
{
	ssize_t n = get_file(c, path);

	return n == (ssize_t)strlen(text) && memcmp(c->buf, text, n) == 0;
}

static int stat_of(struct vcase *c, const char *path, struct kstat *st)
{
	return vfs_stat(c->d, path, LOOKUP_FOLLOW, st);
}

static int lstat_of(struct vcase *c, const char *path, struct kstat *st)
{
	return vfs_stat(c->d, path, 0, st);
}

/* The inode number path leads to (following symlinks), 0 if none. */
static uint64_t ino_of(struct vcase *c, const char *path)
{
	struct kstat st;

	return stat_of(c, path, &st) ? 0 : st.ino;
}

static uint32_t mode_of(struct vcase *c, const char *path)
{
	struct kstat st;

	return lstat_of(c, path, &st) ? 0 : st.mode;
}

static uint32_t nlink_of(struct vcase *c, const char *path)
{
	struct kstat st;

	return lstat_of(c, path, &st) ? 0 : st.nlink;
}

static uint64_t size_of(struct vcase *c, const char *path)
{
	struct kstat st;

	return lstat_of(c, path, &st) ? ~0ULL : st.size;
}

static uint64_t files_free(struct vcase *c)
{
	struct kstatfs sf;

	return vfs_statfs(c->d, ".", &sf) ? ~0ULL : sf.files_free;
}

/* What list_dir found. */
struct listing {
	unsigned int entries; /* without "." and ".." */
	bool dot, dotdot;
	bool bad_record; /* misaligned, too short, name not terminated */
	bool found;      /* the name asked about */
	uint64_t ino;
	unsigned int type;
};

/* Check one record of n bytes at rec; count it in l. */
static void list_record(const uint8_t *rec, size_t left, const char *name,
			struct listing *l)
{
	const struct linux_dirent64 *d = (const void *)rec;
	size_t len;

	if (left < offsetof(struct linux_dirent64, d_name) + 1 ||
	    d->d_reclen % 8 || d->d_reclen > left) {
		l->bad_record = true;
		return;
	}
	len = strnlen(d->d_name, d->d_reclen - 19);
	if (len == d->d_reclen - 19u || d->d_ino == 0)
		l->bad_record = true;
	if (strcmp(d->d_name, ".") == 0)
		l->dot = true;
	else if (strcmp(d->d_name, "..") == 0)
		l->dotdot = true;
	else
		l->entries++;
	if (name && strcmp(d->d_name, name) == 0) {
		l->found = true;
		l->ino = d->d_ino;
		l->type = d->d_type;
	}
}

/* Read directory path with getdents64, bufsize bytes at a time. */
static int list_dir(struct vcase *c, const char *path, const char *name,
		    size_t bufsize, struct listing *l)
{
	struct file *f;
	ssize_t n;
	int err;

	memset(l, 0, sizeof(*l));
	err = vt_open(c, path, O_RDONLY | O_DIRECTORY, &f);
	if (err)
		return err;
	while ((n = vfs_getdents64(f, c->buf, bufsize)) > 0) {
		for (size_t off = 0; off < (size_t)n && !l->bad_record;) {
			const struct linux_dirent64 *d = (void *)(c->buf + off);

			list_record(c->buf + off, (size_t)n - off, name, l);
			off += d->d_reclen ? d->d_reclen : (size_t)n;
		}
	}
	vt_close(c, f);
	return (int)n;
}

static int rm_tree(struct inode *cwd, const char *name);

/* Remove everything in the directory open as f. */
static int rm_children(struct file *f)
{
	uint8_t *buf = kmalloc(1024);
	ssize_t n = 0;
	int err = buf ? 0 : -ENOMEM;

	while (!err && (n = vfs_getdents64(f, buf, 1024)) > 0) {
		bool removed = false;

		for (ssize_t off = 0; off < n && !err;) {
			struct linux_dirent64 *d = (void *)(buf + off);

			if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..")) {
				err = rm_tree(f->inode, d->d_name);
				removed = true;
			}
			off += d->d_reclen;
		}
		if (removed)
			vfs_lseek(f, 0, SEEK_SET); /* it changed: again */
	}
	kfree(buf);
	return err ? err : (int)n;
}

/* Remove name (relative to cwd) and all below it. */
static int rm_tree(struct inode *cwd, const char *name)
{
	struct kstat st;
	struct file *f;
	int err;

	err = vfs_stat(cwd, name, 0, &st);
	if (err || !S_ISDIR(st.mode))
		return err ? err : vfs_unlink(cwd, name);
	err = vfs_open(cwd, name, O_RDONLY | O_DIRECTORY, 0, &f);
	if (err)
		return err;
	err = rm_children(f);
	vfs_close(f);
	return err ? err : vfs_rmdir(cwd, name);
}

/* ---- paths ----------------------------------------------------------------- */

static void case_paths(struct ktest_ctx *t, struct vcase *c)
{
	struct inode *dir;
	const char *name;
	uint64_t ino;
	size_t len;

	KT_ASSERT_EQ(vfs_mkdir(c->d, "a", 0755), 0);
	KT_ASSERT_EQ(vfs_mkdir(c->d, "a/b", 0755), 0);
	KT_ASSERT_EQ(put_file(c, "a/b/f", "x"), 0);
	ino = ino_of(c, "a/b/f");
	KT_ASSERT(ino != 0, "a/b/f was not created");
	KT_ASSERT_EQ(ino_of(c, "a//b///f"), ino);
	KT_ASSERT_EQ(ino_of(c, "./a/./b/../b/f"), ino);
	KT_ASSERT_EQ(ino_of(c, "a/b/../../a/b/f"), ino);
	ksnprintf(c->path, VFS_PATH_MAX, "%s/a/b/f", c->dpath);
	KT_ASSERT_EQ(ino_of(c, c->path), ino);
	ksnprintf(c->path, VFS_PATH_MAX, "/%s//a/./b/f", c->dpath);
	KT_ASSERT_EQ(ino_of(c, c->path), ino);
	KT_ASSERT_EQ(ino_of(c, "a/b/"), ino_of(c, "a/b"));
	KT_ASSERT_EQ(ino_of(c, "a/b/."), ino_of(c, "a/b"));
	KT_ASSERT_EQ(ino_of(c, "a/b/.."), ino_of(c, "a"));
	KT_ASSERT_EQ(ino_of(c, "."), c->d->ino);
	KT_ASSERT_EQ(ino_of(c, ".."), ino_of(c, c->base));
	KT_ASSERT_EQ(ino_of(c, "/.."), ino_of(c, "/"));
	KT_ASSERT_EQ(ino_of(c, "/../../."), ino_of(c, "/"));

	KT_ASSERT_EQ(ino_of(c, ""), 0);
	KT_ASSERT_EQ(stat_of(c, "", (struct kstat *)c->buf), -ENOENT);
	KT_ASSERT_EQ(stat_of(c, "missing", (struct kstat *)c->buf), -ENOENT);
	KT_ASSERT_EQ(stat_of(c, "missing/f", (struct kstat *)c->buf), -ENOENT);
	KT_ASSERT_EQ(stat_of(c, "a/b/f/", (struct kstat *)c->buf), -ENOTDIR);
	KT_ASSERT_EQ(stat_of(c, "a/b/f/x", (struct kstat *)c->buf), -ENOTDIR);
	KT_ASSERT_EQ(stat_of(c, "a/b/f/.", (struct kstat *)c->buf), -ENOTDIR);
	KT_ASSERT_EQ(stat_of(c, "a/b/f/..", (struct kstat *)c->buf), -ENOTDIR);

	KT_ASSERT_EQ(vfs_lookup_parent(c->d, "a/b/f", &dir, &name, &len), 0);
	KT_ASSERT(dir->ino == ino_of(c, "a/b") && len == 1 && *name == 'f',
		  "lookup_parent a/b/f");
	vfs_iput(dir);
	KT_ASSERT_EQ(vfs_lookup_parent(c->d, "a/b//", &dir, &name, &len), 0);
	KT_ASSERT(dir->ino == ino_of(c, "a") && len == 1 && name[0] == 'b' &&
			  name[1] == '/',
		  "lookup_parent a/b//");
	vfs_iput(dir);
	KT_ASSERT_EQ(vfs_lookup_parent(c->d, "f", &dir, &name, &len), 0);
	KT_ASSERT(dir == c->d, "lookup_parent f: not the cwd");
	vfs_iput(dir);
	KT_ASSERT_EQ(vfs_lookup_parent(c->d, "/", &dir, &name, &len), -ENOENT);
	KT_ASSERT_EQ(vfs_lookup_parent(c->d, "a/b/f/g", &dir, &name, &len),
		     -ENOTDIR);
	KT_ASSERT_EQ(vfs_lookup_parent(c->d, "x/y", &dir, &name, &len),
		     -ENOENT);
}

static void case_name_limits(struct ktest_ctx *t, struct vcase *c)
{
	struct kstat st;
	size_t i;

	memset(c->path, 'n', VFS_NAME_MAX);
	c->path[VFS_NAME_MAX] = '\0';
	KT_ASSERT_EQ(put_file(c, c->path, "long"), 0);
	KT_ASSERT(file_is(c, c->path, "long"), "255-byte name");
	KT_ASSERT_EQ(vfs_unlink(c->d, c->path), 0);
	strlcpy(c->path + VFS_NAME_MAX, "n", 2);
	KT_ASSERT_EQ(put_file(c, c->path, "x"), -ENAMETOOLONG);
	KT_ASSERT_EQ(vfs_mkdir(c->d, c->path, 0755), -ENAMETOOLONG);
	KT_ASSERT_EQ(stat_of(c, c->path, &st), -ENAMETOOLONG);
	strlcpy(c->path + VFS_NAME_MAX + 1, "/x", 3);
	KT_ASSERT_EQ(stat_of(c, c->path, &st), -ENAMETOOLONG);

	/* A path of 4095 bytes is looked up; one of 4096 is too long. */
	KT_ASSERT_EQ(put_file(c, "f", "x"), 0);
	for (i = 0; i + 2 < VFS_PATH_MAX; i += 2)
		memcpy(c->path + i, "./", 2);
	strlcpy(c->path + i - 1, "/f", 3); /* ././.../f: 4095 bytes */
	KT_ASSERT_EQ(strlen(c->path), VFS_PATH_MAX - 1);
	KT_ASSERT_EQ(stat_of(c, c->path, &st), 0);
	strlcpy(c->path + i - 1, "//f", 4);
	KT_ASSERT_EQ(stat_of(c, c->path, &st), -ENAMETOOLONG);
	KT_ASSERT_EQ(vfs_mkdir(c->d, c->path, 0755), -ENAMETOOLONG);
	KT_ASSERT_EQ(vfs_symlink(c->d, c->path, "l"), -ENAMETOOLONG);
}

/* ---- open, read, write, seek --------------------------------------------- */

static void case_create_open(struct ktest_ctx *t, struct vcase *c)
{
	struct kstat st;
	struct file *f;

	KT_ASSERT_EQ(vt_open(c, "missing", O_RDONLY, &f), -ENOENT);
	KT_ASSERT_EQ(vt_open(c, "f", O_WRONLY | O_CREAT, &f), 0);
	KT_ASSERT((f->flags & (O_CREAT | O_TRUNC | O_EXCL)) == 0 &&
			  (f->flags & O_ACCMODE) == O_WRONLY,
		  "file flags %#x", f->flags);
	vt_close(c, f);
	KT_ASSERT_EQ(lstat_of(c, "f", &st), 0);
	KT_ASSERT(S_ISREG(st.mode) && (st.mode & 07777) == 0644, "mode %#o",
		  st.mode);
	KT_ASSERT_EQ(st.size, 0);
	KT_ASSERT_EQ(st.nlink, 1);
	KT_ASSERT_EQ(vt_open(c, "f", O_RDWR | O_CREAT | O_EXCL, &f), -EEXIST);
	KT_ASSERT_EQ(vt_open(c, "f", O_RDWR | O_CREAT, &f), 0);
	vt_close(c, f);
	KT_ASSERT_EQ(vt_open(c, "nodir/f", O_WRONLY | O_CREAT, &f), -ENOENT);
	KT_ASSERT_EQ(vt_open(c, "f/g", O_WRONLY | O_CREAT, &f), -ENOTDIR);
	KT_ASSERT_EQ(vt_open(c, "new/", O_WRONLY | O_CREAT, &f), -EISDIR);
	KT_ASSERT_EQ(lstat_of(c, "new", &st), -ENOENT);
	KT_ASSERT_EQ(vt_open(c, "f", O_ACCMODE, &f), -EINVAL);

	/* Directories. */
	KT_ASSERT_EQ(vfs_mkdir(c->d, "d", 0755), 0);
	KT_ASSERT_EQ(vt_open(c, "d", O_RDONLY, &f), 0);
	vt_close(c, f);
	KT_ASSERT_EQ(vt_open(c, "d/", O_RDONLY | O_DIRECTORY, &f), 0);
	vt_close(c, f);
	KT_ASSERT_EQ(vt_open(c, "d", O_WRONLY, &f), -EISDIR);
	KT_ASSERT_EQ(vt_open(c, "d", O_RDWR, &f), -EISDIR);
	KT_ASSERT_EQ(vt_open(c, "d", O_RDONLY | O_CREAT, &f), -EISDIR);
	KT_ASSERT_EQ(vt_open(c, "d", O_RDONLY | O_TRUNC, &f), -EISDIR);
	KT_ASSERT_EQ(vt_open(c, ".", O_RDONLY | O_CREAT, &f), -EISDIR);
	KT_ASSERT_EQ(vt_open(c, ".", O_RDONLY | O_CREAT | O_EXCL, &f), -EEXIST);
	KT_ASSERT_EQ(vt_open(c, "f", O_RDONLY | O_DIRECTORY, &f), -ENOTDIR);
	KT_ASSERT_EQ(vt_open(c, "f/", O_RDONLY, &f), -ENOTDIR);

	/* O_TRUNC empties a file; without it the data stays. */
	KT_ASSERT_EQ(put_file(c, "f", "hello"), 0);
	KT_ASSERT_EQ(vt_open(c, "f", O_RDONLY, &f), 0);
	vt_close(c, f);
	KT_ASSERT_EQ(size_of(c, "f"), 5);
	KT_ASSERT_EQ(vt_open(c, "f", O_RDWR | O_TRUNC, &f), 0);
	vt_close(c, f);
	KT_ASSERT_EQ(size_of(c, "f"), 0);

	/* Symlinks as the last name. */
	KT_ASSERT_EQ(vfs_symlink(c->d, "f", "lf"), 0);
	KT_ASSERT_EQ(vt_open(c, "lf", O_RDONLY, &f), 0);
	KT_ASSERT_EQ(f->inode->ino, ino_of(c, "f"));
	vt_close(c, f);
	KT_ASSERT_EQ(vt_open(c, "lf", O_RDONLY | O_NOFOLLOW, &f), -ELOOP);
	KT_ASSERT_EQ(vt_open(c, "lf", O_RDONLY | O_NOFOLLOW | O_DIRECTORY, &f),
		     -ENOTDIR);
	KT_ASSERT_EQ(vt_open(c, "lf", O_WRONLY | O_CREAT | O_EXCL, &f),
		     -EEXIST);
	KT_ASSERT_EQ(vfs_symlink(c->d, "target", "dangling"), 0);
	KT_ASSERT_EQ(vt_open(c, "dangling", O_RDONLY, &f), -ENOENT);
	KT_ASSERT_EQ(vt_open(c, "dangling", O_WRONLY | O_CREAT | O_EXCL, &f),
		     -EEXIST);
	KT_ASSERT_EQ(vt_open(c, "dangling", O_WRONLY | O_CREAT, &f), 0);
	vt_close(c, f);
	KT_ASSERT(S_ISREG(mode_of(c, "target")), "O_CREAT through a dangling "
						 "symlink made no target");
	KT_ASSERT_EQ(vfs_symlink(c->d, "d", "ld"), 0);
	KT_ASSERT_EQ(vt_open(c, "ld", O_RDONLY | O_DIRECTORY, &f), 0);
	vt_close(c, f);
	KT_ASSERT_EQ(vfs_symlink(c->d, "loop", "loop"), 0);
	KT_ASSERT_EQ(vt_open(c, "loop", O_RDONLY, &f), -ELOOP);
	KT_ASSERT_EQ(vt_open(c, "loop", O_WRONLY | O_CREAT, &f), -ELOOP);
}

static void case_read_write(struct ktest_ctx *t, struct vcase *c)
{
	struct file *f, *g, *d;
	char b[16];

	KT_ASSERT_EQ(vt_open(c, "f", O_RDWR | O_CREAT, &f), 0);
	KT_ASSERT_EQ(vfs_write(f, "hello world", 11), 11);
	KT_ASSERT_EQ(vfs_lseek(f, 0, SEEK_CUR), 11);
	KT_ASSERT_EQ(vfs_read(f, b, sizeof(b)), 0);
	KT_ASSERT_EQ(vfs_lseek(f, 0, SEEK_SET), 0);
	KT_ASSERT_EQ(vfs_read(f, b, 5), 5);
	KT_ASSERT(memcmp(b, "hello", 5) == 0, "read 'hello'");
	KT_ASSERT_EQ(vfs_read(f, b, sizeof(b)), 6);
	KT_ASSERT(memcmp(b, " world", 6) == 0, "read ' world'");
	KT_ASSERT_EQ(vfs_read(f, b, sizeof(b)), 0);
	KT_ASSERT_EQ(vfs_pread(f, b, 5, 6), 5);
	KT_ASSERT(memcmp(b, "world", 5) == 0, "pread 'world'");
	KT_ASSERT_EQ(vfs_pwrite(f, "W", 1, 6), 1);
	KT_ASSERT_EQ(vfs_lseek(f, 0, SEEK_CUR), 11);
	KT_ASSERT_EQ(vfs_write(f, "", 0), 0);
	KT_ASSERT_EQ(vfs_pread(f, b, sizeof(b), 100), 0);
	vt_close(c, f);
	KT_ASSERT(file_is(c, "f", "hello World"), "after pwrite");

	/* The access mode is enforced. */
	KT_ASSERT_EQ(vt_open(c, "f", O_RDONLY, &f), 0);
	KT_ASSERT_EQ(vfs_write(f, "x", 1), -EBADF);
	KT_ASSERT_EQ(vfs_pwrite(f, "x", 1, 0), -EBADF);
	vt_close(c, f);
	KT_ASSERT_EQ(vt_open(c, "f", O_WRONLY, &f), 0);
	KT_ASSERT_EQ(vfs_read(f, b, 1), -EBADF);
	KT_ASSERT_EQ(vfs_pread(f, b, 1, 0), -EBADF);
	vt_close(c, f);
	KT_ASSERT_EQ(vt_open(c, ".", O_RDONLY, &d), 0);
	KT_ASSERT_EQ(vfs_read(d, b, 1), -EISDIR);
	vt_close(c, d);

	/* Two opens: one inode, two offsets; a reference shares one. */
	KT_ASSERT_EQ(vt_open(c, "f", O_RDONLY, &f), 0);
	KT_ASSERT_EQ(vt_open(c, "f", O_RDONLY, &g), 0);
	KT_ASSERT(f->inode == g->inode, "two inodes for one file");
	KT_ASSERT_EQ(vfs_read(f, b, 5), 5);
	KT_ASSERT_EQ(vfs_read(g, b, 3), 3);
	KT_ASSERT(memcmp(b, "hel", 3) == 0, "second open's offset");
	vfs_file_ref(f);
	KT_ASSERT_EQ(vfs_read(f, b, 1), 1);
	vfs_close(f);
	KT_ASSERT_EQ(vfs_read(f, b, 1), 1);
	KT_ASSERT_EQ(b[0], 'W');
	vt_close(c, f);
	vt_close(c, g);

	/* O_APPEND: every write goes to the end, pwrite too (Linux). */
	KT_ASSERT_EQ(vt_open(c, "f", O_WRONLY | O_APPEND, &f), 0);
	KT_ASSERT((f->flags & O_APPEND) != 0, "O_APPEND not kept");
	KT_ASSERT_EQ(vfs_lseek(f, 0, SEEK_SET), 0);
	KT_ASSERT_EQ(vfs_write(f, "!", 1), 1);
	KT_ASSERT_EQ(vfs_lseek(f, 0, SEEK_CUR), 12);
	KT_ASSERT_EQ(vfs_pwrite(f, "?", 1, 0), 1);
	vt_close(c, f);
	KT_ASSERT(file_is(c, "f", "hello World!?"), "after O_APPEND");
}

/* Bytes of a pattern that shows misplaced blocks. */
static uint8_t pattern(uint64_t i)
{
	return (uint8_t)(i * 7 + i / 4096);
}

static void fill_pattern(uint8_t *buf, size_t n, uint64_t at)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = pattern(at + i);
}

/* The first of n bytes at buf that is not the pattern from byte at on,
 * or n. */
static size_t pattern_mismatch(const uint8_t *buf, size_t n, uint64_t at)
{
	size_t i = 0;

	while (i < n && buf[i] == pattern(at + i))
		i++;
	return i;
}

static void case_lseek_holes(struct ktest_ctx *t, struct vcase *c)
{
	const uint64_t far = (1 << 20) + 100;
	struct kstat st;
	struct file *f;
	size_t i;

	KT_ASSERT_EQ(vt_open(c, "f", O_RDWR | O_CREAT, &f), 0);
	KT_ASSERT_EQ(vfs_lseek(f, -1, SEEK_SET), -EINVAL);
	KT_ASSERT_EQ(vfs_lseek(f, -1, SEEK_CUR), -EINVAL);
	KT_ASSERT_EQ(vfs_lseek(f, 0, 7), -EINVAL);
	KT_ASSERT_EQ(vfs_write(f, "abc", 3), 3);
	KT_ASSERT_EQ(vfs_lseek(f, 0, SEEK_END), 3);
	KT_ASSERT_EQ(vfs_lseek(f, -1, SEEK_END), 2);
	KT_ASSERT_EQ(vfs_lseek(f, 10, SEEK_CUR), 12);
	KT_ASSERT_EQ(vfs_lseek(f, -4, SEEK_END), -EINVAL);
	KT_ASSERT_EQ(size_of(c, "f"), 3); /* seeking writes nothing */
	KT_ASSERT_EQ(vfs_read(f, c->buf, 10), 0);

	/* Writing past the end leaves a hole that reads as zeros. */
	KT_ASSERT_EQ(vfs_lseek(f, (int64_t)far, SEEK_SET), (int64_t)far);
	KT_ASSERT_EQ(vfs_write(f, "end", 3), 3);
	KT_ASSERT_EQ(size_of(c, "f"), far + 3);
	KT_ASSERT_EQ(vfs_pread(f, c->buf, 8192, 3), 8192);
	for (i = 0; i < 8192; i++)
		KT_ASSERT(c->buf[i] == 0, "byte %zu of the hole is %#x", i + 3,
			  c->buf[i]);
	KT_ASSERT_EQ(vfs_pread(f, c->buf, 100, far - 10), 13);
	for (i = 0; i < 10; i++)
		KT_ASSERT(c->buf[i] == 0, "byte %zu before the end", i);
	KT_ASSERT(memcmp(c->buf + 10, "end", 3) == 0, "the end");
	KT_ASSERT_EQ(vfs_fstat(f, &st), 0);
	KT_ASSERT(st.blocks * 512 < st.size / 2,
		  "the hole takes space: %lu blocks for %lu bytes", st.blocks,
		  st.size);
	vt_close(c, f);

	/* A hole inside a block. */
	KT_ASSERT_EQ(vt_open(c, "g", O_RDWR | O_CREAT, &f), 0);
	KT_ASSERT_EQ(vfs_pwrite(f, "a", 1, 0), 1);
	KT_ASSERT_EQ(vfs_pwrite(f, "z", 1, 700), 1);
	KT_ASSERT_EQ(vfs_pread(f, c->buf, 1000, 0), 701);
	for (i = 1; i < 700; i++)
		KT_ASSERT(c->buf[i] == 0, "byte %zu is %#x", i, c->buf[i]);
	vt_close(c, f);
}

/* 300 KiB in odd-sized pieces, read back in other ones: enough to need
 * indirect blocks, and double indirect ones with 1 KiB blocks. */
static void case_big_file(struct ktest_ctx *t, struct vcase *c)
{
	const size_t total = 300 * 1024, wchunk = 3001, rchunk = 4999;
	size_t done, n;
	struct file *f;

	KT_ASSERT_EQ(vt_open(c, "big", O_RDWR | O_CREAT, &f), 0);
	for (done = 0; done < total; done += n) {
		n = MIN(wchunk, total - done);
		fill_pattern(c->buf, n, done);
		KT_ASSERT_EQ(vfs_write(f, c->buf, n), n);
	}
	KT_ASSERT_EQ(size_of(c, "big"), total);
	KT_ASSERT_EQ(vfs_lseek(f, 0, SEEK_SET), 0);
	for (done = 0; done < total; done += n) {
		size_t bad;

		n = MIN(rchunk, total - done);
		KT_ASSERT_EQ(vfs_read(f, c->buf, rchunk), n);
		bad = pattern_mismatch(c->buf, n, done);
		KT_ASSERT(bad == n, "byte %zu is %#x, not %#x", done + bad,
			  c->buf[bad], pattern(done + bad));
	}
	KT_ASSERT_EQ(vfs_read(f, c->buf, rchunk), 0);
	vt_close(c, f);
	KT_ASSERT_EQ(vfs_truncate(c->d, "big", 5000), 0);
	KT_ASSERT_EQ(size_of(c, "big"), 5000);
}

static void case_truncate(struct ktest_ctx *t, struct vcase *c)
{
	struct file *f;

	KT_ASSERT_EQ(put_file(c, "f", "hello world"), 0);
	KT_ASSERT_EQ(vfs_truncate(c->d, "f", 5), 0);
	KT_ASSERT(file_is(c, "f", "hello"), "truncated to 5");
	KT_ASSERT_EQ(vfs_truncate(c->d, "f", 8), 0);
	KT_ASSERT_EQ(get_file(c, "f"), 8);
	KT_ASSERT(memcmp(c->buf, "hello\0\0\0", 8) == 0, "grown with zeros");
	/* What a shrink cut off does not come back with a grow. */
	KT_ASSERT_EQ(vfs_truncate(c->d, "f", 2), 0);
	KT_ASSERT_EQ(vfs_truncate(c->d, "f", 5), 0);
	KT_ASSERT_EQ(get_file(c, "f"), 5);
	KT_ASSERT(memcmp(c->buf, "he\0\0\0", 5) == 0, "old bytes came back");
	KT_ASSERT_EQ(vfs_truncate(c->d, "f", 100000), 0);
	KT_ASSERT_EQ(size_of(c, "f"), 100000);
	KT_ASSERT_EQ(vfs_truncate(c->d, "f", 0), 0);
	KT_ASSERT_EQ(size_of(c, "f"), 0);

	KT_ASSERT_EQ(vfs_mkdir(c->d, "d", 0755), 0);
	KT_ASSERT_EQ(vfs_truncate(c->d, "d", 0), -EISDIR);
	KT_ASSERT_EQ(vfs_truncate(c->d, "missing", 0), -ENOENT);
	KT_ASSERT_EQ(vfs_symlink(c->d, "f", "lf"), 0);
	KT_ASSERT_EQ(vfs_truncate(c->d, "lf", 3), 0);
	KT_ASSERT_EQ(size_of(c, "f"), 3);

	KT_ASSERT_EQ(vt_open(c, "f", O_RDONLY, &f), 0);
	KT_ASSERT_EQ(vfs_ftruncate(f, 0), -EINVAL);
	vt_close(c, f);
	/* Writing at an offset beyond a truncation fills a hole. */
	KT_ASSERT_EQ(put_file(c, "f", "0123456789"), 0);
	KT_ASSERT_EQ(vt_open(c, "f", O_RDWR, &f), 0);
	KT_ASSERT_EQ(vfs_lseek(f, 10, SEEK_SET), 10);
	KT_ASSERT_EQ(vfs_ftruncate(f, 2), 0);
	KT_ASSERT_EQ(vfs_write(f, "x", 1), 1);
	vt_close(c, f);
	KT_ASSERT_EQ(get_file(c, "f"), 11);
	KT_ASSERT(memcmp(c->buf, "01\0\0\0\0\0\0\0\0x", 11) == 0,
		  "write after ftruncate");
}

/* ---- directories and names -------------------------------------------------- */

static void case_mkdir_rmdir(struct ktest_ctx *t, struct vcase *c)
{
	uint32_t links = nlink_of(c, ".");

	KT_ASSERT_EQ(vfs_mkdir(c->d, "a", 0750), 0);
	KT_ASSERT_EQ(mode_of(c, "a"), S_IFDIR | 0750);
	KT_ASSERT_EQ(nlink_of(c, "a"), 2);
	KT_ASSERT_EQ(nlink_of(c, "."), links + 1);
	KT_ASSERT_EQ(vfs_mkdir(c->d, "a", 0755), -EEXIST);
	KT_ASSERT_EQ(put_file(c, "f", "x"), 0);
	KT_ASSERT_EQ(vfs_mkdir(c->d, "f", 0755), -EEXIST);
	KT_ASSERT_EQ(vfs_mkdir(c->d, "b/", 0755), 0);
	KT_ASSERT_EQ(vfs_mkdir(c->d, "x/y", 0755), -ENOENT);
	KT_ASSERT_EQ(vfs_mkdir(c->d, "f/y", 0755), -ENOTDIR);
	KT_ASSERT_EQ(vfs_mkdir(c->d, ".", 0755), -EEXIST);
	KT_ASSERT_EQ(vfs_mkdir(c->d, "..", 0755), -EEXIST);
	KT_ASSERT_EQ(vfs_mkdir(c->d, "a/.", 0755), -EEXIST);

	KT_ASSERT_EQ(vfs_mkdir(c->d, "a/c", 0755), 0);
	KT_ASSERT_EQ(nlink_of(c, "a"), 3);
	KT_ASSERT_EQ(vfs_rmdir(c->d, "a"), -ENOTEMPTY);
	KT_ASSERT_EQ(vfs_rmdir(c->d, "a/c/"), 0);
	KT_ASSERT_EQ(nlink_of(c, "a"), 2);
	KT_ASSERT_EQ(vfs_rmdir(c->d, "a"), 0);
	KT_ASSERT_EQ(mode_of(c, "a"), 0);
	KT_ASSERT_EQ(nlink_of(c, "."), links + 1); /* b is left */
	KT_ASSERT_EQ(vfs_rmdir(c->d, "a"), -ENOENT);
	KT_ASSERT_EQ(vfs_rmdir(c->d, "f"), -ENOTDIR);
	KT_ASSERT_EQ(vfs_rmdir(c->d, "."), -EINVAL);
	KT_ASSERT_EQ(vfs_rmdir(c->d, "b/."), -EINVAL);
	KT_ASSERT_EQ(vfs_rmdir(c->d, ".."), -ENOTEMPTY);
	KT_ASSERT_EQ(vfs_rmdir(c->d, "b/.."), -ENOTEMPTY);
	KT_ASSERT_EQ(vfs_symlink(c->d, "b", "lb"), 0);
	KT_ASSERT_EQ(vfs_rmdir(c->d, "lb"), -ENOTDIR);
	KT_ASSERT_EQ(vfs_rmdir(c->d, "lb/"), -ENOTDIR);
	KT_ASSERT_EQ(vfs_rmdir(c->d, "b"), 0);
	KT_ASSERT_EQ(nlink_of(c, "."), links);
}

static void case_unlink(struct ktest_ctx *t, struct vcase *c)
{
	KT_ASSERT_EQ(put_file(c, "f", "x"), 0);
	KT_ASSERT_EQ(vfs_unlink(c->d, "f"), 0);
	KT_ASSERT_EQ(mode_of(c, "f"), 0);
	KT_ASSERT_EQ(vfs_unlink(c->d, "f"), -ENOENT);
	KT_ASSERT_EQ(vfs_mkdir(c->d, "d", 0755), 0);
	KT_ASSERT_EQ(vfs_unlink(c->d, "d"), -EISDIR);
	KT_ASSERT_EQ(vfs_unlink(c->d, "d/"), -EISDIR);
	KT_ASSERT_EQ(put_file(c, "g", "x"), 0);
	KT_ASSERT_EQ(vfs_unlink(c->d, "g/"), -ENOTDIR);
	KT_ASSERT_EQ(vfs_unlink(c->d, "g/x"), -ENOTDIR);
	KT_ASSERT_EQ(vfs_unlink(c->d, "nodir/x"), -ENOENT);
	KT_ASSERT_EQ(vfs_unlink(c->d, "."), -EISDIR);
	KT_ASSERT_EQ(vfs_unlink(c->d, ".."), -EISDIR);
	KT_ASSERT_EQ(vfs_symlink(c->d, "g", "lg"), 0);
	KT_ASSERT_EQ(vfs_unlink(c->d, "lg"), 0);
	KT_ASSERT(file_is(c, "g", "x"), "unlinking a symlink hurt its target");
}

static void case_links(struct ktest_ctx *t, struct vcase *c)
{
	KT_ASSERT_EQ(put_file(c, "f", "data"), 0);
	KT_ASSERT_EQ(vfs_link(c->d, "f", "g"), 0);
	KT_ASSERT_EQ(ino_of(c, "g"), ino_of(c, "f"));
	KT_ASSERT_EQ(nlink_of(c, "f"), 2);
	KT_ASSERT(file_is(c, "g", "data"), "the second name's data");
	KT_ASSERT_EQ(put_file(c, "g", "DATA"), 0);
	KT_ASSERT(file_is(c, "f", "DATA"), "written through the other name");
	KT_ASSERT_EQ(vfs_link(c->d, "f", "g"), -EEXIST);
	KT_ASSERT_EQ(vfs_link(c->d, "missing", "h"), -ENOENT);
	KT_ASSERT_EQ(vfs_mkdir(c->d, "d", 0755), 0);
	KT_ASSERT_EQ(vfs_link(c->d, "d", "h"), -EPERM);
	KT_ASSERT_EQ(vfs_link(c->d, "f", "nodir/h"), -ENOENT);
	KT_ASSERT_EQ(vfs_link(c->d, "f", "h/"), -ENOENT);
	KT_ASSERT_EQ(vfs_link(c->d, "f/", "h"), -ENOTDIR);
	KT_ASSERT_EQ(vfs_link(c->d, "f", "."), -EEXIST);
	KT_ASSERT_EQ(vfs_link(c->d, "f", "d/h"), 0);
	KT_ASSERT_EQ(nlink_of(c, "f"), 3);
	KT_ASSERT_EQ(vfs_unlink(c->d, "f"), 0);
	KT_ASSERT_EQ(nlink_of(c, "g"), 2);
	KT_ASSERT(file_is(c, "d/h", "DATA"), "after unlinking one name");
	/* link() does not follow a symlink: it links the symlink. */
	KT_ASSERT_EQ(vfs_symlink(c->d, "g", "lg"), 0);
	KT_ASSERT_EQ(vfs_link(c->d, "lg", "lg2"), 0);
	KT_ASSERT(S_ISLNK(mode_of(c, "lg2")), "link of a symlink");
	KT_ASSERT_EQ(nlink_of(c, "lg"), 2);
}

static void case_symlinks(struct ktest_ctx *t, struct vcase *c)
{
	char name[8], target[8];
	struct kstat st;

	KT_ASSERT_EQ(put_file(c, "f", "top"), 0);
	KT_ASSERT_EQ(vfs_mkdir(c->d, "d", 0755), 0);
	KT_ASSERT_EQ(put_file(c, "d/g", "in d"), 0);
	KT_ASSERT_EQ(vfs_symlink(c->d, "f", "l"), 0);
	KT_ASSERT_EQ(vfs_readlink(c->d, "l", (char *)c->buf, 64), 1);
	KT_ASSERT_EQ(c->buf[0], 'f');
	KT_ASSERT_EQ(lstat_of(c, "l", &st), 0);
	KT_ASSERT(S_ISLNK(st.mode) && st.size == 1, "lstat of a symlink");
	KT_ASSERT_EQ(ino_of(c, "l"), ino_of(c, "f"));
	KT_ASSERT_EQ(vfs_symlink(c->d, "x", "l"), -EEXIST);
	KT_ASSERT_EQ(vfs_symlink(c->d, "", "e"), -ENOENT);
	KT_ASSERT_EQ(vfs_symlink(c->d, "f", "nodir/l"), -ENOENT);
	KT_ASSERT_EQ(vfs_symlink(c->d, "f", "."), -EEXIST);
	KT_ASSERT_EQ(vfs_readlink(c->d, "f", (char *)c->buf, 64), -EINVAL);
	KT_ASSERT_EQ(vfs_readlink(c->d, "missing", (char *)c->buf, 64),
		     -ENOENT);

	/* Relative targets are relative to the link's directory. */
	KT_ASSERT_EQ(vfs_symlink(c->d, "../f", "d/up"), 0);
	KT_ASSERT_EQ(ino_of(c, "d/up"), ino_of(c, "f"));
	KT_ASSERT_EQ(vfs_symlink(c->d, "g", "d/lg"), 0);
	KT_ASSERT_EQ(ino_of(c, "d/lg"), ino_of(c, "d/g"));
	ksnprintf(c->path, VFS_PATH_MAX, "%s/f", c->dpath);
	KT_ASSERT_EQ(vfs_symlink(c->d, c->path, "abs"), 0);
	KT_ASSERT_EQ(ino_of(c, "abs"), ino_of(c, "f"));

	/* In the middle of a path, and with a trailing slash. */
	KT_ASSERT_EQ(vfs_symlink(c->d, "d", "ld"), 0);
	KT_ASSERT_EQ(ino_of(c, "ld/g"), ino_of(c, "d/g"));
	KT_ASSERT_EQ(ino_of(c, "ld/../f"), ino_of(c, "f"));
	KT_ASSERT(S_ISLNK(mode_of(c, "ld")), "lstat ld");
	KT_ASSERT(S_ISDIR(mode_of(c, "ld/")), "lstat ld/ does not follow");
	KT_ASSERT_EQ(lstat_of(c, "l/", &st), -ENOTDIR);
	KT_ASSERT_EQ(lstat_of(c, "l/x", &st), -ENOTDIR);

	/* Dangling links and loops. */
	KT_ASSERT_EQ(vfs_symlink(c->d, "nowhere", "dang"), 0);
	KT_ASSERT_EQ(stat_of(c, "dang", &st), -ENOENT);
	KT_ASSERT_EQ(lstat_of(c, "dang", &st), 0);
	KT_ASSERT_EQ(vfs_symlink(c->d, "loop2", "loop1"), 0);
	KT_ASSERT_EQ(vfs_symlink(c->d, "loop1", "loop2"), 0);
	KT_ASSERT_EQ(stat_of(c, "loop1", &st), -ELOOP);
	KT_ASSERT_EQ(stat_of(c, "loop1/x", &st), -ELOOP);
	KT_ASSERT_EQ(lstat_of(c, "loop1", &st), 0);

	/* VFS_SYMLINK_MAX links are followed, one more is a loop: c0 -> c1
	 * -> ... -> c40 -> f. */
	for (int i = 0; i < VFS_SYMLINK_MAX; i++) {
		ksnprintf(name, sizeof(name), "c%d", i);
		ksnprintf(target, sizeof(target), "c%d", i + 1);
		KT_ASSERT_EQ(vfs_symlink(c->d, target, name), 0);
	}
	ksnprintf(name, sizeof(name), "c%d", VFS_SYMLINK_MAX);
	KT_ASSERT_EQ(vfs_symlink(c->d, "f", name), 0);
	KT_ASSERT_EQ(ino_of(c, "c1"), ino_of(c, "f"));
	KT_ASSERT_EQ(stat_of(c, "c0", &st), -ELOOP);
}

static void case_rename_files(struct ktest_ctx *t, struct vcase *c)
{
	uint64_t ino;
	struct file *f;

	KT_ASSERT_EQ(put_file(c, "a", "A"), 0);
	ino = ino_of(c, "a");
	KT_ASSERT_EQ(vfs_rename(c->d, "a", "b"), 0);
	KT_ASSERT_EQ(mode_of(c, "a"), 0);
	KT_ASSERT_EQ(ino_of(c, "b"), ino);
	KT_ASSERT(file_is(c, "b", "A"), "renamed file's data");
	/* Over an existing file, whose data goes. */
	KT_ASSERT_EQ(put_file(c, "c", "C"), 0);
	KT_ASSERT_EQ(vfs_rename(c->d, "b", "c"), 0);
	KT_ASSERT_EQ(ino_of(c, "c"), ino);
	KT_ASSERT(file_is(c, "c", "A"), "rename over a file");
	KT_ASSERT_EQ(mode_of(c, "b"), 0);
	/* To itself, and between two names of one file: nothing. */
	KT_ASSERT_EQ(vfs_rename(c->d, "c", "c"), 0);
	KT_ASSERT_EQ(vfs_link(c->d, "c", "c2"), 0);
	KT_ASSERT_EQ(vfs_rename(c->d, "c", "c2"), 0);
	KT_ASSERT_EQ(ino_of(c, "c"), ino);
	KT_ASSERT_EQ(ino_of(c, "c2"), ino);
	KT_ASSERT_EQ(vfs_unlink(c->d, "c2"), 0);

	KT_ASSERT_EQ(vfs_rename(c->d, "missing", "x"), -ENOENT);
	KT_ASSERT_EQ(vfs_rename(c->d, "c", "nodir/x"), -ENOENT);
	KT_ASSERT_EQ(vfs_rename(c->d, "c/", "x"), -ENOTDIR);
	KT_ASSERT_EQ(vfs_rename(c->d, "c", "x/"), -ENOTDIR);
	KT_ASSERT_EQ(vfs_mkdir(c->d, "d", 0755), 0);
	KT_ASSERT_EQ(vfs_rename(c->d, "c", "d"), -EISDIR);
	KT_ASSERT_EQ(vfs_rename(c->d, ".", "x"), -EBUSY);
	KT_ASSERT_EQ(vfs_rename(c->d, "c", "."), -EBUSY);
	KT_ASSERT_EQ(vfs_rename(c->d, "..", "x"), -EBUSY);
	KT_ASSERT_EQ(vfs_rename(c->d, "c", "d/c"), 0);
	KT_ASSERT_EQ(ino_of(c, "d/c"), ino);

	/* An open file follows its inode, not its name. */
	KT_ASSERT_EQ(vt_open(c, "d/c", O_RDONLY, &f), 0);
	KT_ASSERT_EQ(vfs_rename(c->d, "d/c", "e"), 0);
	KT_ASSERT_EQ(vfs_read(f, c->buf, 10), 1);
	KT_ASSERT_EQ(c->buf[0], 'A');
	vt_close(c, f);
	KT_ASSERT_EQ(vfs_symlink(c->d, "e", "sl"), 0);
	KT_ASSERT_EQ(vfs_rename(c->d, "sl", "d/sl2"), 0);
	KT_ASSERT(S_ISLNK(mode_of(c, "d/sl2")), "renamed symlink");
	KT_ASSERT_EQ(vfs_readlink(c->d, "d/sl2", (char *)c->buf, 8), 1);
}

static void case_rename_dirs(struct ktest_ctx *t, struct vcase *c)
{
	uint32_t links = nlink_of(c, ".");

	KT_ASSERT_EQ(vfs_mkdir(c->d, "a", 0755), 0);
	KT_ASSERT_EQ(vfs_mkdir(c->d, "a/b", 0755), 0);
	KT_ASSERT_EQ(put_file(c, "a/b/f", "x"), 0);
	KT_ASSERT_EQ(vfs_mkdir(c->d, "z", 0755), 0);
	KT_ASSERT_EQ(nlink_of(c, "."), links + 2);
	KT_ASSERT_EQ(vfs_rename(c->d, "a", "a2"), 0);
	KT_ASSERT(file_is(c, "a2/b/f", "x"), "renamed directory's contents");
	KT_ASSERT_EQ(nlink_of(c, "."), links + 2);
	/* Into another directory: ".." and the link counts follow. */
	KT_ASSERT_EQ(vfs_rename(c->d, "a2", "z/a3"), 0);
	KT_ASSERT_EQ(nlink_of(c, "."), links + 1);
	KT_ASSERT_EQ(nlink_of(c, "z"), 3);
	KT_ASSERT_EQ(ino_of(c, "z/a3/.."), ino_of(c, "z"));
	KT_ASSERT_EQ(ino_of(c, "z/a3/b/../.."), ino_of(c, "z"));
	KT_ASSERT_EQ(vfs_rename(c->d, "z/a3", "a4"), 0);
	KT_ASSERT_EQ(nlink_of(c, "z"), 2);
	KT_ASSERT_EQ(ino_of(c, "a4/.."), c->d->ino);

	/* Over an empty directory; not over a full one or a file. */
	KT_ASSERT_EQ(vfs_mkdir(c->d, "e", 0755), 0);
	KT_ASSERT_EQ(vfs_rename(c->d, "a4", "e"), 0);
	KT_ASSERT(file_is(c, "e/b/f", "x"), "over an empty directory");
	KT_ASSERT_EQ(mode_of(c, "a4"), 0);
	KT_ASSERT_EQ(nlink_of(c, "."), links + 2); /* e and z */
	KT_ASSERT_EQ(vfs_mkdir(c->d, "n", 0755), 0);
	KT_ASSERT_EQ(vfs_mkdir(c->d, "n/x", 0755), 0);
	KT_ASSERT_EQ(vfs_rename(c->d, "e", "n"), -ENOTEMPTY);
	KT_ASSERT_EQ(put_file(c, "g", "y"), 0);
	KT_ASSERT_EQ(vfs_rename(c->d, "e", "g"), -ENOTDIR);
	KT_ASSERT_EQ(vfs_rename(c->d, "g", "e"), -EISDIR);

	/* Not into itself; not over an ancestor. */
	KT_ASSERT_EQ(vfs_rename(c->d, "e", "e/b/new"), -EINVAL);
	KT_ASSERT_EQ(vfs_rename(c->d, "e", "e/new"), -EINVAL);
	KT_ASSERT_EQ(vfs_rename(c->d, "e", "e"), 0);
	KT_ASSERT_EQ(vfs_rename(c->d, "e/b", "e"), -ENOTEMPTY);
	KT_ASSERT_EQ(vfs_rename(c->d, "e/", "e2/"), 0);
	KT_ASSERT_EQ(vfs_rename(c->d, "e2", ".."), -EBUSY);

	/* Back and forth between two directories (both lock orders). */
	KT_ASSERT_EQ(vfs_mkdir(c->d, "p", 0755), 0);
	KT_ASSERT_EQ(vfs_mkdir(c->d, "p/s", 0755), 0);
	KT_ASSERT_EQ(vfs_rename(c->d, "p/s", "z/s"), 0);
	KT_ASSERT_EQ(vfs_rename(c->d, "z/s", "p/s"), 0);
	KT_ASSERT_EQ(vfs_rename(c->d, "p/s", "p/s/../t"), 0);
	KT_ASSERT_EQ(ino_of(c, "p/t/.."), ino_of(c, "p"));
	KT_ASSERT_EQ(vfs_rename(c->d, "p/t", "e2/b/t"), 0);
	KT_ASSERT_EQ(ino_of(c, "e2/b/t/../.."), ino_of(c, "e2"));
	KT_ASSERT_EQ(vfs_rename(c->d, "e2/b", "p/b"), 0);
	KT_ASSERT(file_is(c, "p/b/f", "x"), "moved up a level");
}

static void case_readdir(struct ktest_ctx *t, struct vcase *c)
{
	char name[16], *first = (char *)c->buf + VT_BUF / 2;
	struct listing l;
	struct file *f;
	int64_t resume;
	ssize_t n;

	for (int i = 0; i < 60; i++) {
		ksnprintf(name, sizeof(name), "file-%02d", i);
		KT_ASSERT_EQ(put_file(c, name, ""), 0);
	}
	KT_ASSERT_EQ(vfs_mkdir(c->d, "dir", 0755), 0);
	KT_ASSERT_EQ(vfs_symlink(c->d, "file-00", "sym"), 0);

	KT_ASSERT_EQ(list_dir(c, ".", "file-07", 4096, &l), 0);
	KT_ASSERT(!l.bad_record, "a malformed record");
	KT_ASSERT(l.dot && l.dotdot, "no . or ..");
	KT_ASSERT_EQ(l.entries, 62);
	KT_ASSERT(l.found && l.ino == ino_of(c, "file-07"), "file-07's d_ino");
	KT_ASSERT(l.type == DT_REG || l.type == DT_UNKNOWN, "d_type %u",
		  l.type);
	KT_ASSERT_EQ(list_dir(c, ".", "dir", 64, &l), 0);
	KT_ASSERT(!l.bad_record && l.entries == 62 && l.dot && l.dotdot,
		  "64-byte reads: %u entries", l.entries);
	KT_ASSERT(l.type == DT_DIR || l.type == DT_UNKNOWN, "dir's d_type");
	KT_ASSERT_EQ(list_dir(c, ".", "sym", 200, &l), 0);
	KT_ASSERT(l.type == DT_LNK || l.type == DT_UNKNOWN, "sym's d_type");
	KT_ASSERT_EQ(list_dir(c, ".", ".", 200, &l), 0);
	KT_ASSERT_EQ(l.ino, c->d->ino);
	KT_ASSERT_EQ(list_dir(c, ".", "..", 200, &l), 0);
	KT_ASSERT_EQ(l.ino, ino_of(c, ".."));
	KT_ASSERT_EQ(vfs_unlink(c->d, "file-33"), 0);
	KT_ASSERT_EQ(list_dir(c, ".", "file-33", 512, &l), 0);
	KT_ASSERT(!l.found && l.entries == 61, "after unlink: %u entries",
		  l.entries);

	/* Too small a buffer; not a directory. */
	KT_ASSERT_EQ(vt_open(c, ".", O_RDONLY, &f), 0);
	KT_ASSERT_EQ(vfs_getdents64(f, c->buf, 16), -EINVAL);
	/* Resuming at a d_off goes on after that entry. */
	n = vfs_getdents64(f, c->buf, 100);
	KT_ASSERT(n > 0, "getdents64: %ld", n);
	for (ssize_t off = 0; off < n;) {
		struct linux_dirent64 *d = (void *)(c->buf + off);

		resume = d->d_off;
		strlcpy(first, d->d_name, 64);
		off += d->d_reclen;
	}
	vt_close(c, f);
	KT_ASSERT_EQ(vt_open(c, ".", O_RDONLY, &f), 0);
	KT_ASSERT_EQ(vfs_lseek(f, resume, SEEK_SET), resume);
	n = vfs_getdents64(f, c->buf, 4096);
	KT_ASSERT(n > 0, "getdents64 after lseek: %ld", n);
	for (ssize_t off = 0; off < n;) {
		struct linux_dirent64 *d = (void *)(c->buf + off);

		KT_ASSERT(strcmp(d->d_name, first) != 0,
			  "%s again after seeking past it", first);
		off += d->d_reclen;
	}
	while ((n = vfs_getdents64(f, c->buf, 4096)) > 0)
		;
	KT_ASSERT_EQ(n, 0);
	KT_ASSERT_EQ(vfs_getdents64(f, c->buf, 4096), 0);
	vt_close(c, f);
	KT_ASSERT_EQ(vt_open(c, "file-00", O_RDONLY, &f), 0);
	KT_ASSERT_EQ(vfs_getdents64(f, c->buf, 4096), -ENOTDIR);
	vt_close(c, f);
}

/* ---- attributes ----------------------------------------------------------- */

/* Is time a at or after time b? Seconds only: some file systems keep
 * no more, and the clock may not be the one vfs_now reads (ext2 starts
 * it where the disk's last write left it). */
static bool time_after(struct timespec64 a, struct timespec64 b)
{
	return a.sec >= b.sec;
}

static bool time_set(struct timespec64 ts)
{
	return ts.sec > 0 || ts.nsec > 0;
}

static void case_stat_times(struct ktest_ctx *t, struct vcase *c)
{
	struct kstat ref, st, dir_st, fst;
	struct file *f;

	KT_ASSERT_EQ(put_file(c, "ref", ""), 0);
	KT_ASSERT_EQ(stat_of(c, "ref", &ref), 0);
	KT_ASSERT_EQ(put_file(c, "f", "abc"), 0);
	KT_ASSERT_EQ(stat_of(c, "f", &st), 0);
	KT_ASSERT_EQ(stat_of(c, ".", &dir_st), 0);
	KT_ASSERT(S_ISREG(st.mode) && st.size == 3 && st.nlink == 1 &&
			  st.ino != 0 && st.ino != dir_st.ino &&
			  st.ino != ref.ino,
		  "stat of a new file");
	KT_ASSERT_EQ(st.dev, dir_st.dev);
	KT_ASSERT(st.blocks * 512 >= st.size, "%lu blocks", st.blocks);
	KT_ASSERT(time_set(st.mtime) && time_set(st.ctime) &&
			  time_set(st.atime),
		  "a new file's times are not set");
	KT_ASSERT(time_after(st.mtime, ref.mtime) &&
			  time_after(st.ctime, ref.ctime),
		  "times of a new file: %ld, %ld before %ld", st.mtime.sec,
		  st.ctime.sec, ref.mtime.sec);
	KT_ASSERT(time_after(dir_st.mtime, ref.mtime) &&
			  time_after(dir_st.ctime, ref.ctime),
		  "the directory's times did not move");
	KT_ASSERT(S_ISDIR(dir_st.mode) && (dir_st.mode & 0777) == 0755,
		  "directory mode %#o", dir_st.mode);
	KT_ASSERT_EQ(vt_open(c, "f", O_WRONLY | O_APPEND, &f), 0);
	KT_ASSERT_EQ(vfs_write(f, "d", 1), 1);
	KT_ASSERT_EQ(vfs_fstat(f, &fst), 0);
	vt_close(c, f);
	KT_ASSERT(fst.ino == st.ino && fst.size == 4 && fst.dev == st.dev,
		  "fstat");
	KT_ASSERT(time_after(fst.mtime, st.mtime) &&
			  time_after(fst.ctime, st.ctime),
		  "times after a write");
	KT_ASSERT_EQ(vfs_symlink(c->d, "f", "l"), 0);
	KT_ASSERT_EQ(lstat_of(c, "l", &st), 0);
	KT_ASSERT(S_ISLNK(st.mode) && st.size == 1 && st.ino != fst.ino,
		  "lstat of a symlink");
	KT_ASSERT_EQ(stat_of(c, "l", &st), 0);
	KT_ASSERT_EQ(st.ino, fst.ino);
}

static void case_statfs(struct ktest_ctx *t, struct vcase *c)
{
	struct kstatfs sf;

	KT_ASSERT_EQ(vfs_statfs(c->d, ".", &sf), 0);
	KT_ASSERT(sf.block_size > 0 && sf.blocks >= sf.blocks_free &&
			  sf.files >= sf.files_free && sf.files_free > 0,
		  "statfs numbers");
	KT_ASSERT_EQ(sf.name_max, VFS_NAME_MAX);
	KT_ASSERT_EQ(vfs_statfs(c->d, "missing", &sf), -ENOENT);
}

/* An unlinked file lives on while it is open; closing it frees it. */
static void case_unlinked_open(struct ktest_ctx *t, struct vcase *c)
{
	uint64_t free0 = files_free(c), free1;
	struct kstat st;
	struct file *f;

	KT_ASSERT_EQ(put_file(c, "f", "keep me"), 0);
	free1 = files_free(c);
	KT_ASSERT_EQ(free1, free0 - 1);
	KT_ASSERT_EQ(vt_open(c, "f", O_RDWR, &f), 0);
	KT_ASSERT_EQ(vfs_unlink(c->d, "f"), 0);
	KT_ASSERT_EQ(stat_of(c, "f", &st), -ENOENT);
	KT_ASSERT_EQ(vfs_fstat(f, &st), 0);
	KT_ASSERT_EQ(st.nlink, 0);
	KT_ASSERT_EQ(vfs_read(f, c->buf, 100), 7);
	KT_ASSERT(memcmp(c->buf, "keep me", 7) == 0, "unlinked file's data");
	KT_ASSERT_EQ(vfs_write(f, "!", 1), 1);
	KT_ASSERT_EQ(files_free(c), free1);
	KT_ASSERT_EQ(vfs_link(c->d, "f", "g"), -ENOENT);
	vt_close(c, f);
	KT_ASSERT_EQ(files_free(c), free0);

	/* The same for a file replaced by rename. */
	KT_ASSERT_EQ(put_file(c, "a", "A"), 0);
	KT_ASSERT_EQ(put_file(c, "b", "B"), 0);
	KT_ASSERT_EQ(vt_open(c, "b", O_RDONLY, &f), 0);
	KT_ASSERT_EQ(vfs_rename(c->d, "a", "b"), 0);
	KT_ASSERT_EQ(vfs_read(f, c->buf, 10), 1);
	KT_ASSERT_EQ(c->buf[0], 'B');
	KT_ASSERT_EQ(files_free(c), free0 - 2);
	vt_close(c, f);
	KT_ASSERT_EQ(files_free(c), free0 - 1);
}

/* A removed directory that is still referenced takes no new names. */
static void case_dead_dir(struct ktest_ctx *t, struct vcase *c)
{
	struct inode *x;
	struct file *f, *dirf;
	struct kstat st;

	KT_ASSERT_EQ(vfs_mkdir(c->d, "x", 0755), 0);
	KT_ASSERT_EQ(vt_lookup(c, "x", &x), 0);
	KT_ASSERT_EQ(vt_open(c, "x", O_RDONLY, &dirf), 0);
	KT_ASSERT_EQ(vfs_rmdir(c->d, "x"), 0);
	KT_ASSERT_EQ(vfs_open(x, "f", O_WRONLY | O_CREAT, 0644, &f), -ENOENT);
	KT_ASSERT_EQ(vfs_mkdir(x, "y", 0755), -ENOENT);
	KT_ASSERT_EQ(vfs_symlink(x, "t", "s"), -ENOENT);
	KT_ASSERT_EQ(vfs_stat(x, ".", 0, &st), 0);
	KT_ASSERT_EQ(st.nlink, 0);
	KT_ASSERT_EQ(vfs_getdents64(dirf, c->buf, 4096), 0);
	vt_close(c, dirf);
	vt_put(c, x);
}

static void case_fsync(struct ktest_ctx *t, struct vcase *c)
{
	struct file *f;

	KT_ASSERT_EQ(vt_open(c, "f", O_RDWR | O_CREAT, &f), 0);
	KT_ASSERT_EQ(vfs_write(f, "synced", 6), 6);
	KT_ASSERT_EQ(vfs_fsync(f), 0);
	vt_close(c, f);
	KT_ASSERT_EQ(vfs_sync(), 0);
	KT_ASSERT(file_is(c, "f", "synced"), "after sync");
}

/* ---- running the cases ------------------------------------------------------- */

struct vcase_def {
	const char *name;
	void (*fn)(struct ktest_ctx *t, struct vcase *c);
};

static const struct vcase_def cases[] = {
	{ "paths", case_paths },
	{ "name_limits", case_name_limits },
	{ "create_open", case_create_open },
	{ "read_write", case_read_write },
	{ "lseek_holes", case_lseek_holes },
	{ "big_file", case_big_file },
	{ "truncate", case_truncate },
	{ "mkdir_rmdir", case_mkdir_rmdir },
	{ "unlink", case_unlink },
	{ "links", case_links },
	{ "symlinks", case_symlinks },
	{ "rename_files", case_rename_files },
	{ "rename_dirs", case_rename_dirs },
	{ "readdir", case_readdir },
	{ "stat_times", case_stat_times },
	{ "statfs", case_statfs },
	{ "unlinked_open", case_unlinked_open },
	{ "dead_dir", case_dead_dir },
	{ "fsync", case_fsync },
};

/* Close and drop what a case left behind, and remove its tree. */
static void case_cleanup(struct ktest_ctx *t, struct vcase *c)
{
	int err;

	for (unsigned int i = 0; i < VT_OPEN_MAX; i++) {
		if (c->files[i])
			vfs_close(c->files[i]);
		if (c->inodes[i])
			vfs_iput(c->inodes[i]);
	}
	vfs_iput(c->d);
	err = rm_tree(NULL, c->dpath);
	if (err)
		ktest_fail(t, __FILE__, __LINE__, "removing %s: %d", c->dpath,
			   err);
}

/* Run one case in dir/NAME; 1 if it failed. */
static int run_case(struct ktest_ctx *t, const char *dir,
		    const struct vcase_def *def)
{
	struct vcase c = { .base = dir };
	bool failed_before = t->failed, failed;
	struct vfs_stats before, after;
	int err = -ENOMEM;

	t->failed = false;
	vfs_get_stats(&before);
	c.dpath = kmalloc(VFS_PATH_MAX);
	c.path = kmalloc(VFS_PATH_MAX + 64);
	c.buf = kmalloc(VT_BUF);
	if (c.dpath && c.path && c.buf) {
		ksnprintf(c.dpath, VFS_PATH_MAX, "%s%s%s", dir,
			  dir[strlen(dir) - 1] == '/' ? "" : "/", def->name);
		err = vfs_mkdir(NULL, c.dpath, 0755);
	}
	if (!err)
		err = vfs_lookup(NULL, c.dpath, LOOKUP_FOLLOW, &c.d);
	if (err) {
		ktest_fail(t, __FILE__, __LINE__, "making %s/%s: %d", dir,
			   def->name, err);
	} else {
		def->fn(t, &c);
		case_cleanup(t, &c);
	}
	vfs_get_stats(&after);
	if (after.inodes != before.inodes || after.files != before.files)
		ktest_fail(t, __FILE__, __LINE__,
			   "%s leaked: %u inodes and %u files referenced "
			   "before, %u and %u after",
			   def->name, before.inodes, before.files, after.inodes,
			   after.files);
	kfree(c.dpath);
	kfree(c.path);
	kfree(c.buf);
	failed = t->failed;
	if (failed)
		kprintf("vfs_conformance: %s: FAIL\n", def->name);
	t->failed = failed || failed_before;
	return failed;
}

int vfs_conformance(struct ktest_ctx *t, const char *dir)
{
	int failed = 0;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		failed += run_case(t, dir, &cases[i]);
	return failed;
}

int vfs_conformance_case(struct ktest_ctx *t, const char *dir, const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		if (strcmp(cases[i].name, name) == 0)
			return run_case(t, dir, &cases[i]);
	return -ENOENT;
}

/* ---- on ramfs (suite vfs) ----------------------------------------------------- */

int vfs_scratch_mount(struct vfs_scratch *s)
{
	struct inode *root;
	int err;

	s->made_dir = false;
	if (vfs_lookup(NULL, "/", 0, &root) == -ENOENT) {
		s->path = "/";
		return vfs_mount(NULL, "/", "ramfs", false);
	}
	vfs_iput(root);
	s->path = VT_DIR;
	err = vfs_mkdir(NULL, VT_DIR, 0755);
	if (err && err != -EEXIST)
		return err;
	s->made_dir = !err;
	err = vfs_mount(NULL, VT_DIR, "ramfs", false);
	if (err && s->made_dir)
		vfs_rmdir(NULL, VT_DIR);
	return err;
}

int vfs_scratch_unmount(struct vfs_scratch *s)
{
	int err = vfs_unmount(s->path);

	if (!err && s->made_dir)
		err = vfs_rmdir(NULL, s->path);
	return err;
}

/* Run one case (all with NULL) on a fresh ramfs. */
static void on_ramfs(struct ktest_ctx *t, const char *name)
{
	struct vfs_scratch s;
	int err = vfs_scratch_mount(&s);

	KT_ASSERT(err == 0, "mounting a ramfs: %d", err);
	if (name)
		vfs_conformance_case(t, s.path, name);
	else
		vfs_conformance(t, s.path);
	err = vfs_scratch_unmount(&s);
	KT_ASSERT(err == 0, "unmounting the ramfs: %d", err);
}

#define RAMFS_CASE(name)            \
	KTEST(vfs, name)            \
	{                           \
		on_ramfs(t, #name); \
	}

RAMFS_CASE(paths)
RAMFS_CASE(name_limits)
RAMFS_CASE(create_open)
RAMFS_CASE(read_write)
RAMFS_CASE(lseek_holes)
RAMFS_CASE(big_file)
RAMFS_CASE(truncate)
RAMFS_CASE(mkdir_rmdir)
RAMFS_CASE(unlink)
RAMFS_CASE(links)
RAMFS_CASE(symlinks)
RAMFS_CASE(rename_files)
RAMFS_CASE(rename_dirs)
RAMFS_CASE(readdir)
RAMFS_CASE(stat_times)
RAMFS_CASE(statfs)
RAMFS_CASE(unlinked_open)
RAMFS_CASE(dead_dir)
RAMFS_CASE(fsync)

/* All cases one after the other in one directory, as ext2 runs them. */
KTEST(vfs, conformance)
{
	on_ramfs(t, NULL);
}
