/*
 * The character device registry (chardev.h): a list of drivers, each
 * with a name and a (major, minor) number, and the open of a device node,
 * which turns an inode with S_IFCHR or S_IFBLK in its mode into a struct
 * file whose operations are the driver's.
 *
 * The node only holds the number: the same driver answers for /dev/null
 * in devfs and for a null node mknod'ed on ext2. docs/devices.md.
 */
#include "fs/chardev.h"
#include "fs/vfs_internal.h"

/* Protects the list. Registration appends, nothing is ever removed, so a
 * struct chardev found here stays valid forever. */
static struct spinlock chardev_lock = SPINLOCK_INIT("chardev");
static struct chardev *chardevs, **chardevs_tail = &chardevs;

int chardev_register(struct chardev *cd)
{
	uint64_t dev = dev_make(cd->major, cd->minor);

	spin_lock(&chardev_lock);
	for (struct chardev *c = chardevs; c; c = c->next) {
		if (dev_make(c->major, c->minor) == dev ||
		    strcmp(c->name, cd->name) == 0) {
			spin_unlock(&chardev_lock);
			kprintf("chardev: %s (%u,%u) taken by %s (%u,%u)\n",
				cd->name, cd->major, cd->minor, c->name,
				c->major, c->minor);
			return -EBUSY;
		}
	}
	cd->next = NULL;
	*chardevs_tail = cd;
	chardevs_tail = &cd->next;
	spin_unlock(&chardev_lock);
	kprintf("chardev: %s (%u,%u)\n", cd->name, cd->major, cd->minor);
	return 0;
}

struct chardev *chardev_find(uint64_t dev)
{
	struct chardev *c;

	spin_lock(&chardev_lock);
	for (c = chardevs; c; c = c->next)
		if (dev_make(c->major, c->minor) == dev)
			break;
	spin_unlock(&chardev_lock);
	return c;
}

struct chardev *chardev_at(unsigned int index)
{
	struct chardev *c;

	spin_lock(&chardev_lock);
	for (c = chardevs; c && index > 0; c = c->next)
		index--;
	spin_unlock(&chardev_lock);
	return c;
}

/* A file for driver cd, opened by its open operation. The file owns the
 * inode reference from here on: it is dropped with the file. */
static int chardev_open(struct chardev *cd, struct inode *inode, int flags,
			struct file **out)
{
	struct file *f = vfs_file_alloc(cd->fops, cd->private, inode, flags);
	int err;

	if (!f) {
		vfs_iput(inode);
		return -ENOMEM;
	}
	/* Only open sees O_NOCTTY (a terminal asks it); no file keeps it. */
	f->flags |= flags & O_NOCTTY;
	err = cd->fops->open ? cd->fops->open(inode, f) : 0;
	f->flags &= ~O_NOCTTY;
	if (err) {
		f->fops = NULL; /* never opened: no release */
		vfs_close(f);
		return err;
	}
	*out = f;
	return 0;
}

int device_open(struct inode *inode, int flags, struct file **out)
{
	struct block_device *bdev;
	struct chardev *cd;
	struct kstat st;
	int err;

	/* The number is what stat reports: each file system keeps it its
	 * own way (ext2 in the block pointers, devfs in its inode). */
	err = vfs_inode_stat(inode, &st);
	if (err)
		goto out_put;
	if (S_ISCHR(inode->mode)) {
		cd = chardev_find(st.rdev);
		if (cd)
			return chardev_open(cd, inode, flags, out);
	} else {
		bdev = blockdev_find(st.rdev);
		if (bdev)
			return blockdev_open(bdev, inode, flags, out);
	}
	err = -ENXIO;
out_put:
	vfs_iput(inode);
	return err;
}
