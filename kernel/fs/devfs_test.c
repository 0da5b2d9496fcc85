/*
 * Tests of devfs and the device model (suite devfs): a devtmpfs mounted
 * at /ktest-dev shows the registered devices with Linux's numbers, and
 * opening a node gives a file with the driver's operations.
 */
#include "fs/chardev.h"
#include "lib/ktest.h"
#include "mm/mm.h"

#define DIR "/ktest-dev"
#define DIRENT_BUF 4096

KTEST(devfs, numbers)
{
	/* musl's and glibc's makedev(3) */
	KT_ASSERT_EQ(dev_make(1, 3), 0x103);
	KT_ASSERT_EQ(dev_make(254, 16), 0xfe10);
	KT_ASSERT_EQ(dev_make(0x12345, 0x6789a), 0x000120006783459aULL);
	KT_ASSERT_EQ(dev_major(dev_make(0x12345, 0x6789a)), 0x12345);
	KT_ASSERT_EQ(dev_minor(dev_make(0x12345, 0x6789a)), 0x6789a);
}

static int mount_devfs(void)
{
	int err = vfs_mkdir(NULL, DIR, 0755);

	if (err)
		return err;
	err = vfs_mount(NULL, DIR, "devtmpfs", false);
	if (err)
		vfs_rmdir(NULL, DIR);
	return err;
}

static void unmount_devfs(struct ktest_ctx *t)
{
	KT_ASSERT_EQ(vfs_unmount(DIR), 0);
	KT_ASSERT_EQ(vfs_rmdir(NULL, DIR), 0);
}

/* Is name among the getdents64 records in buf[0, len)? */
static bool listed(const uint8_t *buf, ssize_t len, const char *name,
		   unsigned int type)
{
	for (ssize_t off = 0; off < len;) {
		const struct linux_dirent64 *d = (const void *)(buf + off);

		if (strcmp(d->d_name, name) == 0)
			return d->d_type == type;
		off += d->d_reclen;
	}
	return false;
}

static void check_nodes(struct ktest_ctx *t)
{
	struct block_device *vda = block_find("vda");
	struct chardev *cd;
	struct kstat st;
	char target[32];
	int n;

	KT_ASSERT_EQ(vfs_stat(NULL, DIR "/null", 0, &st), 0);
	KT_ASSERT(S_ISCHR(st.mode) && (st.mode & 07777) == 0666, "mode %o",
		  st.mode);
	KT_ASSERT_EQ(st.rdev, dev_make(1, 3));
	KT_ASSERT_EQ(vfs_stat(NULL, DIR "/console", 0, &st), 0);
	KT_ASSERT_EQ(st.rdev, dev_make(5, 1));
	KT_ASSERT_EQ(vfs_stat(NULL, DIR "/tty", 0, &st), 0);
	KT_ASSERT_EQ(st.rdev, dev_make(5, 0));
	if (vda) {
		KT_ASSERT_EQ(vfs_stat(NULL, DIR "/vda", 0, &st), 0);
		KT_ASSERT(S_ISBLK(st.mode), "vda's mode %o", st.mode);
		KT_ASSERT_EQ(st.rdev, dev_make(254, 0));
		KT_ASSERT(blockdev_find(st.rdev) == vda, "vda by number");
	}
	n = vfs_readlink(NULL, DIR "/stdin", target, sizeof(target) - 1);
	KT_ASSERT_EQ(n, 15);
	target[n] = '\0';
	KT_ASSERT(strcmp(target, "/proc/self/fd/0") == 0, "stdin -> %s",
		  target);
	KT_ASSERT_EQ(vfs_stat(NULL, DIR "/nosuch", 0, &st), -ENOENT);
	KT_ASSERT_EQ(vfs_mkdir(NULL, DIR "/sub", 0755), -EPERM);
	for (unsigned int i = 0; (cd = chardev_at(i)); i++) {
		char path[64];

		ksnprintf(path, sizeof(path), DIR "/%s", cd->name);
		KT_ASSERT_EQ(vfs_stat(NULL, path, 0, &st), 0);
		KT_ASSERT_EQ(st.rdev, dev_make(cd->major, cd->minor));
	}
}

static void check_listing(struct ktest_ctx *t)
{
	uint8_t *buf = kmalloc(DIRENT_BUF);
	struct chardev *cd;
	struct file *f;
	ssize_t len;

	KT_ASSERT(buf, "no memory");
	KT_ASSERT_EQ(vfs_open(NULL, DIR, O_RDONLY | O_DIRECTORY, 0, &f), 0);
	len = vfs_getdents64(f, buf, DIRENT_BUF);
	vfs_close(f);
	KT_ASSERT(len > 0, "getdents64: %ld", len);
	KT_ASSERT(listed(buf, len, ".", DT_DIR), ".");
	KT_ASSERT(listed(buf, len, "stdout", DT_LNK), "stdout");
	for (unsigned int i = 0; (cd = chardev_at(i)); i++)
		KT_ASSERT(listed(buf, len, cd->name, DT_CHR), "%s", cd->name);
	if (block_find("vda"))
		KT_ASSERT(listed(buf, len, "vda", DT_BLK), "vda");
	kfree(buf);
}

/* Opening a node gives the driver's file; the devices' own tests (tty,
 * user/tests/t_dev) exercise what the driver does with it. */
static void check_open(struct ktest_ctx *t)
{
	struct chardev *null = chardev_find(dev_make(1, 3));
	struct vfs_stats before, after;
	struct file *f;

	KT_ASSERT(null, "null is registered");
	vfs_get_stats(&before);
	KT_ASSERT_EQ(vfs_open(NULL, DIR "/null", O_RDWR, 0, &f), 0);
	KT_ASSERT(f->fops == null->fops, "null's operations");
	KT_ASSERT(f->inode && S_ISCHR(f->inode->mode), "the node's inode");
	vfs_close(f);
	KT_ASSERT_EQ(vfs_open(NULL, DIR "/kmsg", O_RDONLY, 0, &f), 0);
	KT_ASSERT(f->private != NULL, "kmsg's open made its reader");
	vfs_close(f);
	vfs_get_stats(&after);
	KT_ASSERT_EQ(after.files, before.files);
	KT_ASSERT_EQ(after.inodes, before.inodes);
}

KTEST(devfs, nodes)
{
	int err = mount_devfs();

	KT_ASSERT(err == 0, "mounting devtmpfs at " DIR ": %d", err);
	check_nodes(t);
	check_listing(t);
	check_open(t);
	unmount_devfs(t);
}

KTEST(devfs, duplicate_registration)
{
	static const struct file_operations none;
	static struct chardev same_number = {
		.name = "ktest-dup",
		.major = 1,
		.minor = 3,
		.fops = &none,
	};
	static struct chardev same_name = {
		.name = "null",
		.major = 240,
		.minor = 0,
		.fops = &none,
	};

	KT_ASSERT_EQ(chardev_register(&same_number), -EBUSY);
	KT_ASSERT_EQ(chardev_register(&same_name), -EBUSY);
	KT_ASSERT(chardev_find(dev_make(240, 0)) == NULL, "not registered");
}
