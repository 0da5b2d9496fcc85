/*
 * Tests of the VFS itself rather than of a file system's semantics
 * (suite vfs): mounting, unmounting and crossing mount points, read-only
 * mounts, the inode cache's reference counts and write-back, ramfs's
 * ENOSPC, and the getdents64 record layout. Each test works in a fresh
 * ramfs (vfs_scratch_mount), called P below, and mounts more ramfs
 * instances inside it.
 */
#include "arch/x86_64/memlayout.h"
#include "fs/ramfs.h"
#include "fs/vfs.h"
#include "fs/vfs_test.h"
#include "mm/mm.h"

#define PATH_LEN 64

struct mt {
	struct vfs_scratch s;
	struct inode *p;   /* the scratch ramfs's root: cwd of the tests */
	char m[PATH_LEN];  /* absolute path of P/m */
	char m2[PATH_LEN]; /* absolute path of P/m/d */
};

/* Mount the scratch ramfs and make P/m (and P/m/d for the nested
 * mount; its path only). */
static int mt_start(struct mt *mt)
{
	int err = vfs_scratch_mount(&mt->s);

	if (err)
		return err;
	err = vfs_lookup(NULL, mt->s.path, LOOKUP_FOLLOW, &mt->p);
	if (err)
		goto out_unmount;
	ksnprintf(mt->m, PATH_LEN, "%s/m", mt->s.path);
	ksnprintf(mt->m2, PATH_LEN, "%s/m/d", mt->s.path);
	err = vfs_mkdir(mt->p, "m", 0755);
	if (!err)
		return 0;
	vfs_iput(mt->p);
out_unmount:
	vfs_scratch_unmount(&mt->s);
	return err;
}

static int mt_end(struct mt *mt)
{
	vfs_iput(mt->p);
	return vfs_scratch_unmount(&mt->s);
}

static int put(struct inode *cwd, const char *path, const char *text)
{
	struct file *f;
	ssize_t n;
	int err;

	err = vfs_open(cwd, path, O_WRONLY | O_CREAT | O_TRUNC, 0644, &f);
	if (err)
		return err;
	n = vfs_write(f, text, strlen(text));
	vfs_close(f);
	return n < 0 ? (int)n : 0;
}

static uint64_t ino(struct inode *cwd, const char *path)
{
	struct kstat st;

	return vfs_stat(cwd, path, LOOKUP_FOLLOW, &st) ? 0 : st.ino;
}

static uint64_t dev(struct inode *cwd, const char *path)
{
	struct kstat st;

	return vfs_stat(cwd, path, LOOKUP_FOLLOW, &st) ? 0 : st.dev;
}

static unsigned int cached_inodes(void)
{
	struct vfs_stats st;

	vfs_get_stats(&st);
	return st.inodes;
}

/* Crossing into a mounted file system and back out with "..". */
KTEST(vfs, mount_cross)
{
	struct inode *r, *sub;
	struct mt mt;

	KT_ASSERT_EQ(mt_start(&mt), 0);
	KT_ASSERT_EQ(put(mt.p, "m/hidden", "under"), 0);
	KT_ASSERT_EQ(vfs_mount(NULL, mt.m, "ramfs", false), 0);
	KT_ASSERT(dev(mt.p, "m") != dev(mt.p, "."), "same st_dev across");
	KT_ASSERT_EQ(ino(mt.p, "m/hidden"), 0);
	KT_ASSERT_EQ(put(mt.p, "m/f", "top"), 0);
	KT_ASSERT_EQ(dev(mt.p, "m/f"), dev(mt.p, "m"));
	KT_ASSERT_EQ(ino(mt.p, "m/.."), ino(mt.p, "."));
	KT_ASSERT_EQ(ino(mt.p, "m/../m/f"), ino(mt.p, "m/f"));
	/* From a cwd inside the mount, out and in again. */
	KT_ASSERT_EQ(vfs_lookup(mt.p, "m", LOOKUP_FOLLOW, &r), 0);
	KT_ASSERT_EQ(vfs_mkdir(r, "sub", 0755), 0);
	KT_ASSERT_EQ(vfs_lookup(r, "sub", LOOKUP_FOLLOW, &sub), 0);
	KT_ASSERT_EQ(ino(sub, "../.."), ino(mt.p, "."));
	KT_ASSERT_EQ(ino(sub, "../../m/f"), ino(mt.p, "m/f"));
	KT_ASSERT_EQ(dev(sub, "../.."), dev(mt.p, "."));
	KT_ASSERT_EQ(vfs_unmount(mt.m), -EBUSY);
	vfs_iput(sub);
	vfs_iput(r);
	KT_ASSERT_EQ(vfs_unmount(mt.m), 0);
	/* What was covered shows again; what was mounted is gone. */
	KT_ASSERT(ino(mt.p, "m/hidden") != 0, "the covered file");
	KT_ASSERT_EQ(ino(mt.p, "m/f"), 0);
	KT_ASSERT_EQ(dev(mt.p, "m"), dev(mt.p, "."));
	KT_ASSERT_EQ(vfs_unlink(mt.p, "m/hidden"), 0);
	KT_ASSERT_EQ(mt_end(&mt), 0);
}

KTEST(vfs, mount_busy)
{
	struct inode *cwd;
	struct file *f;
	struct mt mt;

	KT_ASSERT_EQ(mt_start(&mt), 0);
	KT_ASSERT_EQ(vfs_mount(NULL, mt.m, "ramfs", false), 0);
	KT_ASSERT_EQ(put(mt.p, "m/f", "x"), 0);
	KT_ASSERT_EQ(vfs_open(mt.p, "m/f", O_RDONLY, 0, &f), 0);
	KT_ASSERT_EQ(vfs_unmount(mt.m), -EBUSY);
	vfs_close(f);
	KT_ASSERT_EQ(vfs_mkdir(mt.p, "m/d", 0755), 0);
	KT_ASSERT_EQ(vfs_lookup(mt.p, "m/d", LOOKUP_FOLLOW, &cwd), 0);
	KT_ASSERT_EQ(vfs_unmount(mt.m), -EBUSY);
	vfs_iput(cwd);
	/* Something mounted below keeps it busy. */
	KT_ASSERT_EQ(vfs_mount(NULL, mt.m2, "ramfs", false), 0);
	KT_ASSERT_EQ(vfs_unmount(mt.m), -EBUSY);
	KT_ASSERT_EQ(vfs_rmdir(mt.p, "m/d"), -EBUSY);
	KT_ASSERT_EQ(vfs_rename(mt.p, "m/d", "m/e"), -EBUSY);
	KT_ASSERT_EQ(vfs_mkdir(mt.p, "m/e", 0755), 0);
	KT_ASSERT_EQ(vfs_rename(mt.p, "m/e", "m/d"), -EBUSY);
	KT_ASSERT_EQ(vfs_unmount(mt.m2), 0);
	KT_ASSERT_EQ(vfs_rename(mt.p, "m/e", "m/d"), 0);
	/* Names do not move or link across file systems. */
	KT_ASSERT_EQ(vfs_rename(mt.p, "m/f", "g"), -EXDEV);
	KT_ASSERT_EQ(vfs_link(mt.p, "m/f", "g"), -EXDEV);
	KT_ASSERT_EQ(vfs_rename(mt.p, "m/f", "m/d/f"), 0);
	KT_ASSERT_EQ(vfs_rmdir(mt.p, "m"), -EBUSY);
	KT_ASSERT_EQ(vfs_rename(mt.p, "m", "n"), -EBUSY);
	KT_ASSERT_EQ(vfs_unmount(mt.m), 0);
	KT_ASSERT_EQ(mt_end(&mt), 0);
}

KTEST(vfs, mount_errors)
{
	char path[PATH_LEN];
	struct mt mt;

	KT_ASSERT_EQ(mt_start(&mt), 0);
	KT_ASSERT_EQ(put(mt.p, "file", "x"), 0);
	ksnprintf(path, sizeof(path), "%s/nothere", mt.s.path);
	KT_ASSERT_EQ(vfs_mount(NULL, path, "ramfs", false), -ENOENT);
	KT_ASSERT_EQ(vfs_unmount(path), -ENOENT);
	ksnprintf(path, sizeof(path), "%s/file", mt.s.path);
	KT_ASSERT_EQ(vfs_mount(NULL, path, "ramfs", false), -ENOTDIR);
	KT_ASSERT_EQ(vfs_unmount(path), -EINVAL);
	KT_ASSERT_EQ(vfs_mount(NULL, mt.m, "nofs", false), -ENODEV);
	KT_ASSERT_EQ(vfs_mount("nodisk", mt.m, "ramfs", false), -ENOENT);
	KT_ASSERT_EQ(vfs_mount(NULL, "/", "ramfs", false), -EBUSY);
	KT_ASSERT_EQ(vfs_mount(NULL, "//.", "ramfs", false), -EBUSY);
	KT_ASSERT_EQ(vfs_unmount(mt.m), -EINVAL);
	KT_ASSERT_EQ(vfs_unlink(mt.p, "file"), 0);
	KT_ASSERT_EQ(mt_end(&mt), 0);
}

/* Two mounts on one directory: the last one shows. */
KTEST(vfs, mount_stacked)
{
	struct mt mt;

	KT_ASSERT_EQ(mt_start(&mt), 0);
	KT_ASSERT_EQ(vfs_mount(NULL, mt.m, "ramfs", false), 0);
	KT_ASSERT_EQ(put(mt.p, "m/first", "1"), 0);
	KT_ASSERT_EQ(vfs_mount(NULL, mt.m, "ramfs", false), 0);
	KT_ASSERT_EQ(ino(mt.p, "m/first"), 0);
	KT_ASSERT_EQ(put(mt.p, "m/second", "2"), 0);
	KT_ASSERT_EQ(ino(mt.p, "m/.."), ino(mt.p, "."));
	KT_ASSERT_EQ(vfs_unmount(mt.m), 0);
	KT_ASSERT(ino(mt.p, "m/first") != 0, "the lower mount is back");
	KT_ASSERT_EQ(ino(mt.p, "m/second"), 0);
	KT_ASSERT_EQ(vfs_unmount(mt.m), 0);
	KT_ASSERT_EQ(ino(mt.p, "m/first"), 0);
	KT_ASSERT_EQ(mt_end(&mt), 0);
}

KTEST(vfs, read_only)
{
	uint8_t buf[128];
	struct inode *r;
	struct file *f;
	struct mt mt;

	KT_ASSERT_EQ(mt_start(&mt), 0);
	KT_ASSERT_EQ(vfs_mount(NULL, mt.m, "ramfs", true), 0);
	KT_ASSERT_EQ(vfs_lookup(mt.p, "m", LOOKUP_FOLLOW, &r), 0);
	KT_ASSERT_EQ(vfs_mkdir(r, "d", 0755), -EROFS);
	KT_ASSERT_EQ(vfs_open(r, "f", O_WRONLY | O_CREAT, 0644, &f), -EROFS);
	KT_ASSERT_EQ(vfs_open(r, "f", O_RDONLY, 0, &f), -ENOENT);
	KT_ASSERT_EQ(vfs_open(r, ".", O_WRONLY, 0, &f), -EISDIR);
	KT_ASSERT_EQ(vfs_symlink(r, "t", "l"), -EROFS);
	KT_ASSERT_EQ(vfs_rename(r, "a", "b"), -EROFS);
	KT_ASSERT_EQ(vfs_unlink(r, "a"), -EROFS);
	KT_ASSERT_EQ(vfs_rmdir(r, "a"), -EROFS);
	KT_ASSERT_EQ(vfs_truncate(r, ".", 0), -EISDIR);
	KT_ASSERT_EQ(vfs_open(r, ".", O_RDONLY, 0, &f), 0);
	KT_ASSERT(vfs_getdents64(f, buf, sizeof(buf)) > 0, "reading");
	vfs_close(f);
	vfs_iput(r);
	KT_ASSERT_EQ(vfs_unmount(mt.m), 0);
	KT_ASSERT_EQ(mt_end(&mt), 0);
}

/* References: one inode per file, counted, and gone with the last. */
KTEST(vfs, icache_refs)
{
	unsigned int base;
	struct inode *a, *b, *c;
	struct file *f;
	struct mt mt;

	KT_ASSERT_EQ(mt_start(&mt), 0);
	KT_ASSERT_EQ(put(mt.p, "f", "x"), 0);
	base = cached_inodes();
	KT_ASSERT_EQ(vfs_lookup(mt.p, "f", 0, &a), 0);
	KT_ASSERT_EQ(a->refcount, 1);
	KT_ASSERT_EQ(cached_inodes(), base + 1);
	KT_ASSERT_EQ(vfs_lookup(mt.p, "./f", 0, &b), 0);
	KT_ASSERT(a == b, "two inodes for one file");
	KT_ASSERT_EQ(a->refcount, 2);
	KT_ASSERT_EQ(vfs_iget(a->sb, a->ino, &c), 0);
	KT_ASSERT(c == a, "vfs_iget gave another inode");
	vfs_iref(c);
	KT_ASSERT_EQ(a->refcount, 4);
	vfs_iput(c);
	vfs_iput(c);
	vfs_iput(b);
	KT_ASSERT_EQ(a->refcount, 1);
	KT_ASSERT_EQ(cached_inodes(), base + 1);
	vfs_iput(a);
	KT_ASSERT_EQ(cached_inodes(), base);
	/* An open file holds its inode. */
	KT_ASSERT_EQ(vfs_open(mt.p, "f", O_RDONLY, 0, &f), 0);
	KT_ASSERT_EQ(cached_inodes(), base + 1);
	KT_ASSERT_EQ(f->inode->refcount, 1);
	vfs_close(f);
	KT_ASSERT_EQ(cached_inodes(), base);
	KT_ASSERT_EQ(vfs_unlink(mt.p, "f"), 0);
	KT_ASSERT_EQ(mt_end(&mt), 0);
}

/* The last vfs_iput writes a dirty inode back: read in again, it has
 * the change. */
KTEST(vfs, icache_writeback)
{
	unsigned int base;
	struct inode *ip;
	struct kstat st;
	struct mt mt;

	KT_ASSERT_EQ(mt_start(&mt), 0);
	KT_ASSERT_EQ(put(mt.p, "f", "x"), 0);
	base = cached_inodes();
	KT_ASSERT_EQ(vfs_lookup(mt.p, "f", 0, &ip), 0);
	sleep_lock(&ip->lock);
	ip->mode = S_IFREG | 0600;
	ip->uid = 42;
	vfs_inode_dirty(ip);
	sleep_unlock(&ip->lock);
	vfs_iput(ip);
	KT_ASSERT_EQ(cached_inodes(), base);
	KT_ASSERT_EQ(vfs_stat(mt.p, "f", 0, &st), 0);
	KT_ASSERT_EQ(st.mode, S_IFREG | 0600);
	KT_ASSERT_EQ(st.uid, 42);
	KT_ASSERT_EQ(put(mt.p, "f", "longer"), 0);
	KT_ASSERT_EQ(cached_inodes(), base);
	KT_ASSERT_EQ(vfs_stat(mt.p, "f", 0, &st), 0);
	KT_ASSERT_EQ(st.size, 6);
	KT_ASSERT_EQ(vfs_unlink(mt.p, "f"), 0);
	KT_ASSERT_EQ(mt_end(&mt), 0);
}

/* An unlinked file is deleted at its last close, not before. */
KTEST(vfs, icache_unlinked)
{
	struct kstatfs sf0, sf;
	unsigned int base;
	struct file *f, *g;
	struct mt mt;

	KT_ASSERT_EQ(mt_start(&mt), 0);
	KT_ASSERT_EQ(vfs_statfs(mt.p, ".", &sf0), 0);
	base = cached_inodes();
	KT_ASSERT_EQ(put(mt.p, "f", "data"), 0);
	KT_ASSERT_EQ(vfs_open(mt.p, "f", O_RDONLY, 0, &f), 0);
	KT_ASSERT_EQ(vfs_open(mt.p, "f", O_RDWR, 0, &g), 0);
	KT_ASSERT_EQ(vfs_unlink(mt.p, "f"), 0);
	KT_ASSERT_EQ(vfs_statfs(mt.p, ".", &sf), 0);
	KT_ASSERT_EQ(sf.files_free, sf0.files_free - 1);
	KT_ASSERT_EQ(sf.blocks_free, sf0.blocks_free - 1);
	vfs_close(f);
	KT_ASSERT_EQ(vfs_statfs(mt.p, ".", &sf), 0);
	KT_ASSERT_EQ(sf.files_free, sf0.files_free - 1);
	KT_ASSERT_EQ(cached_inodes(), base + 1);
	vfs_close(g);
	KT_ASSERT_EQ(cached_inodes(), base);
	KT_ASSERT_EQ(vfs_statfs(mt.p, ".", &sf), 0);
	KT_ASSERT_EQ(sf.files_free, sf0.files_free);
	KT_ASSERT_EQ(sf.blocks_free, sf0.blocks_free);
	KT_ASSERT_EQ(mt_end(&mt), 0);
}

KTEST(vfs, ramfs_enospc)
{
	struct file *f;
	uint8_t *buf;
	struct mt mt;
	ssize_t n;

	KT_ASSERT_EQ(mt_start(&mt), 0);
	/* P holds its root and m: two inodes, no pages. */
	KT_ASSERT_EQ(ramfs_set_limits(mt.p->sb, 2, 4), 0);
	KT_ASSERT_EQ(ramfs_set_limits(mt.p->sb, 2, 1), -EINVAL);
	buf = kzalloc(3 * PAGE_SIZE);
	KT_ASSERT(buf, "no memory");
	KT_ASSERT_EQ(vfs_open(mt.p, "f", O_RDWR | O_CREAT, 0644, &f), 0);
	n = vfs_write(f, buf, 3 * PAGE_SIZE);
	if (n == 2 * PAGE_SIZE)
		n = vfs_write(f, buf, 1);
	vfs_close(f);
	kfree(buf);
	KT_ASSERT_EQ(n, -ENOSPC);
	KT_ASSERT_EQ(vfs_mkdir(mt.p, "d", 0755), 0);
	KT_ASSERT_EQ(vfs_mkdir(mt.p, "e", 0755), -ENOSPC);
	KT_ASSERT_EQ(vfs_symlink(mt.p, "t", "l"), -ENOSPC);
	KT_ASSERT_EQ(put(mt.p, "g", "x"), -ENOSPC);
	KT_ASSERT_EQ(vfs_unlink(mt.p, "f"), 0);
	KT_ASSERT_EQ(put(mt.p, "g", "x"), 0);
	KT_ASSERT_EQ(vfs_unlink(mt.p, "g"), 0);
	KT_ASSERT_EQ(vfs_rmdir(mt.p, "d"), 0);
	KT_ASSERT_EQ(mt_end(&mt), 0);
}

/* The records are Linux's struct linux_dirent64, byte for byte. */
KTEST(vfs, dirent_layout)
{
	uint8_t buf[256];
	struct linux_dirent64 *d;
	struct file *f;
	struct mt mt;
	ssize_t n;

	KT_ASSERT_EQ(offsetof(struct linux_dirent64, d_ino), 0);
	KT_ASSERT_EQ(offsetof(struct linux_dirent64, d_off), 8);
	KT_ASSERT_EQ(offsetof(struct linux_dirent64, d_reclen), 16);
	KT_ASSERT_EQ(offsetof(struct linux_dirent64, d_type), 18);
	KT_ASSERT_EQ(offsetof(struct linux_dirent64, d_name), 19);
	KT_ASSERT_EQ(mt_start(&mt), 0);
	KT_ASSERT_EQ(put(mt.p, "m/abcde", ""), 0);
	KT_ASSERT_EQ(vfs_open(mt.p, "m", O_RDONLY, 0, &f), 0);
	n = vfs_getdents64(f, buf, sizeof(buf));
	vfs_close(f);
	KT_ASSERT_EQ(n, 24 + 24 + 32);
	d = (void *)buf;
	KT_ASSERT(d->d_reclen == 24 && strcmp(d->d_name, ".") == 0 &&
			  d->d_type == DT_DIR && d->d_off == 1,
		  "first record");
	d = (void *)(buf + 24);
	KT_ASSERT(d->d_reclen == 24 && strcmp(d->d_name, "..") == 0 &&
			  d->d_ino == mt.p->ino && d->d_off == 2,
		  "second record");
	d = (void *)(buf + 48);
	KT_ASSERT(d->d_reclen == 32 && strcmp(d->d_name, "abcde") == 0 &&
			  d->d_type == DT_REG &&
			  d->d_ino == ino(mt.p, "m/abcde"),
		  "third record");
	KT_ASSERT(buf[48 + 19 + 5] == 0 && buf[48 + 31] == 0, "padding");
	KT_ASSERT_EQ(vfs_unlink(mt.p, "m/abcde"), 0);
	KT_ASSERT_EQ(mt_end(&mt), 0);
}
