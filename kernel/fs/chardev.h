/*
 * Device files. A character device is a driver that registers a struct
 * chardev: a name, a (major, minor) number and a struct file_operations
 * (vfs.h). Opening any inode whose mode is S_IFCHR with that number (a
 * node in devfs at /dev, or one made on ext2 by mkfs) gives a struct file
 * whose fops are the driver's; from then on the system calls go straight
 * to the driver. Block devices (block/block.h) get numbers here too, and
 * their nodes read and write the disk at byte offsets (blockdev.c).
 *
 * Numbers are Linux's (Documentation/admin-guide/devices.txt) so that
 * ls -l and stat show what they show on Linux. A driver, whole:
 *
 *	static ssize_t zero_read(struct file *f, uint64_t ubuf, size_t n,
 *				 uint64_t *pos)
 *	{
 *		return clear_user(ubuf, n) ? -EFAULT : (ssize_t)n;
 *	}
 *	static const struct file_operations zero_fops = { .read = zero_read };
 *	static struct chardev zero_dev = {
 *		.name = "zero", .major = 1, .minor = 5, .mode = 0666,
 *		.fops = &zero_fops,
 *	};
 *	...
 *	chardev_register(&zero_dev);      (at boot, from the driver's init)
 *
 * docs/devices.md has the picture and the rules.
 */
#ifndef KESTREL_CHARDEV_H
#define KESTREL_CHARDEV_H

#include "fs/vfs.h"

/* A device number as Linux's user space sees it in st_rdev (glibc and
 * musl's makedev): minor's low 8 bits, major's low 12, the rest above. */
static inline uint64_t dev_make(uint32_t major, uint32_t minor)
{
	return ((uint64_t)(major & 0xfffff000) << 32) |
	       ((uint64_t)(major & 0xfff) << 8) |
	       ((uint64_t)(minor & 0xffffff00) << 12) | (minor & 0xff);
}

static inline uint32_t dev_major(uint64_t dev)
{
	return (uint32_t)(((dev >> 32) & 0xfffff000) | ((dev >> 8) & 0xfff));
}

static inline uint32_t dev_minor(uint64_t dev)
{
	return (uint32_t)(((dev >> 12) & 0xffffff00) | (dev & 0xff));
}

struct chardev {
	/* Set by the driver before chardev_register, constant afterwards. */
	const char *name; /* its node in /dev: "null", "console" */
	uint32_t major, minor;
	uint32_t mode; /* permission bits of the node, 0666 */
	const struct file_operations *fops;
	void *private; /* the driver's: the new file's f->private */

	struct chardev *next; /* the registry (chardev.c's lock) */
};

/* Add a driver: 0, or -EBUSY if its number or name is taken. The kernel
 * log says "chardev: null (1,3)". Devices are never unregistered. */
int chardev_register(struct chardev *cd);
/* The device with number dev (dev_make), or NULL. */
struct chardev *chardev_find(uint64_t dev);
/* The index-th device in registration order (0, 1, ...), or NULL past
 * the last: devfs lists /dev with it. */
struct chardev *chardev_at(unsigned int index);

/* vfs_open of a character or block device node: the inode's reference
 * passes to the new file (or is dropped on error). -ENXIO if no driver
 * has the node's number, or the driver's open error. */
int device_open(struct inode *inode, int flags, struct file **out);

/* ---- block device nodes (blockdev.c) ----------------------------------
 * vda is (254, 0), vdb (254, 16) (Linux's virtio-blk, 16 minors a disk),
 * ramN (1, N) (Linux's ramdisk), any other disk (259, its index). */
uint64_t blockdev_number(const struct block_device *dev);
/* The registered disk with that number, or NULL. */
struct block_device *blockdev_find(uint64_t dev);
/* Open a block device node as a file (device_open's half for S_IFBLK). */
int blockdev_open(struct block_device *bdev, struct inode *inode, int flags,
		  struct file **out);

/* ---- devfs (devfs.c) -------------------------------------------------- */

/* Boot: register the "devtmpfs" file system type; mount it with
 * vfs_mount(NULL, "/dev", "devtmpfs", false). */
void devfs_init(void);

#endif
