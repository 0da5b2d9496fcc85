/*
 * Block device nodes: /dev/vda read and written as a file of bytes, so
 * that `od /dev/vda | head` or a dd-style copy works. Each read or write
 * goes straight to the disk through block_rw (block/block.h), a page at a
 * time through a bounce buffer; a write that covers part of a sector
 * reads the sector first. It bypasses the buffer cache: opening the node
 * writes the cache's dirty blocks back first (so reads see what a mounted
 * file system wrote), but writing to the disk under a mounted file system
 * damages it, exactly as dd onto a mounted Linux disk would.
 * docs/devices.md.
 */
#include "arch/x86_64/memlayout.h"
#include "block/bcache.h"
#include "fs/chardev.h"
#include "mm/mm.h"
#include "syscall.h"

/* Linux's numbers (Documentation/admin-guide/devices.txt; virtio-blk's
 * major is dynamic on Linux, and 254 is what it usually gets). */
#define VIRTIO_BLK_MAJOR 254
#define VIRTIO_BLK_MINORS 16 /* per disk: the disk and 15 partitions */
#define RAMDISK_MAJOR 1
#define BLOCK_EXT_MAJOR 259

struct numbering {
	const struct block_device *dev; /* in */
	unsigned int index;             /* out: dev's place in the registry */
	bool found;
};

/* A block_for_each callback: dev cannot be const. */
// cppcheck-suppress constParameter
static void count_until(struct block_device *dev, void *arg)
{
	struct numbering *n = arg;

	if (dev == n->dev)
		n->found = true;
	else if (!n->found)
		n->index++;
}

uint64_t blockdev_number(const struct block_device *dev)
{
	struct numbering n = { .dev = dev };

	if (strncmp(dev->name, "vd", 2) == 0 && dev->name[2] >= 'a' &&
	    dev->name[2] <= 'z' && dev->name[3] == '\0')
		return dev_make(VIRTIO_BLK_MAJOR,
				(uint32_t)(dev->name[2] - 'a') *
					VIRTIO_BLK_MINORS);
	if (strncmp(dev->name, "ram", 3) == 0) {
		const char *end;
		unsigned long num = kstrtoul(dev->name + 3, &end, 10);
		if (end != dev->name + 3 && *end == '\0')
			return dev_make(RAMDISK_MAJOR, (uint32_t)num);
	}
	block_for_each(count_until, &n);
	return dev_make(BLOCK_EXT_MAJOR, n.index);
}

struct finding {
	uint64_t number; /* in */
	struct block_device *dev;
};

static void match_number(struct block_device *dev, void *arg)
{
	struct finding *f = arg;

	if (!f->dev && blockdev_number(dev) == f->number)
		f->dev = dev;
}

struct block_device *blockdev_find(uint64_t dev)
{
	struct finding f = { .number = dev };

	block_for_each(match_number, &f);
	return f.dev;
}

static uint64_t disk_bytes(struct file *f)
{
	struct block_device *bdev = f->private;

	return bdev->sectors * SECTOR_SIZE;
}

/*
 * Move up to a page between the disk at byte *pos and user memory: read
 * the sectors that hold [*pos, *pos + n) into page, then either copy them
 * out, or copy the user's bytes in and write the sectors back. The bytes
 * moved (at most n), or a negative errno.
 */
static ssize_t transfer_chunk(struct block_device *bdev, uint8_t *page,
			      uint64_t ubuf, size_t n, uint64_t pos, bool write)
{
	uint64_t sector = pos / SECTOR_SIZE;
	size_t skip = pos % SECTOR_SIZE;
	uint32_t count;
	int err;

	n = MIN(n, PAGE_SIZE - skip);
	count = (uint32_t)((skip + n + SECTOR_SIZE - 1) / SECTOR_SIZE);
	/* Whole sectors being overwritten need not be read first. */
	if (!write || skip || (skip + n) % SECTOR_SIZE) {
		err = block_rw(bdev, sector, page, count, false);
		if (err)
			return err;
	}
	if (!write)
		return copy_to_user(ubuf, page + skip, n) ? -EFAULT
							  : (ssize_t)n;
	if (copy_from_user(page + skip, ubuf, n))
		return -EFAULT;
	err = block_rw(bdev, sector, page, count, true);
	return err ? err : (ssize_t)n;
}

/* Read or write n bytes at *pos, clipped to the disk's end: the bytes
 * moved, or the error if none were. */
static ssize_t blockdev_transfer(struct file *f, uint64_t ubuf, size_t n,
				 uint64_t *pos, bool write)
{
	uint64_t size = disk_bytes(f);
	size_t done = 0;
	ssize_t r = 0;
	uint8_t *page;

	if (*pos >= size)
		return write && n ? -ENOSPC : 0;
	n = (size_t)MIN(n, size - *pos);
	page = kmalloc(PAGE_SIZE); /* contiguous: the driver may DMA */
	if (!page)
		return -ENOMEM;
	while (done < n) {
		r = transfer_chunk(f->private, page, ubuf + done, n - done,
				   *pos, write);
		if (r < 0)
			break;
		done += (size_t)r;
		*pos += (uint64_t)r;
	}
	kfree(page);
	return done ? (ssize_t)done : r;
}

static ssize_t blockdev_read(struct file *f, uint64_t ubuf, size_t n,
			     uint64_t *pos)
{
	return blockdev_transfer(f, ubuf, n, pos, false);
}

static ssize_t blockdev_write(struct file *f, uint64_t ubuf, size_t n,
			      uint64_t *pos)
{
	return blockdev_transfer(f, ubuf, n, pos, true);
}

static int64_t blockdev_llseek(struct file *f, int64_t off, int whence)
{
	int64_t base;

	if (whence == SEEK_SET)
		base = 0;
	else if (whence == SEEK_CUR)
		base = (int64_t)f->pos;
	else if (whence == SEEK_END)
		base = (int64_t)disk_bytes(f);
	else
		return -EINVAL;
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->pos = (uint64_t)(base + off);
	return (int64_t)f->pos;
}

/* The block-device ioctls that disk tools ask first (Linux's numbers,
 * include/uapi/linux/fs.h): the size in sectors or bytes, the sector
 * size, and a flush (blockdev_fsync). */
#define BLKGETSIZE 0x1260
#define BLKFLSBUF 0x1261
#define BLKSSZGET 0x1268
#define BLKGETSIZE64 0x80081272

static int blockdev_fsync(struct file *f);

static long blockdev_ioctl(struct file *f, unsigned int cmd, uint64_t arg)
{
	struct block_device *bdev = f->private;
	uint64_t bytes = disk_bytes(f);
	unsigned long sectors = (unsigned long)bdev->sectors;
	int ssz = SECTOR_SIZE;

	switch (cmd) {
	case BLKGETSIZE:
		return copy_to_user(arg, &sectors, sizeof(sectors)) ? -EFAULT
								    : 0;
	case BLKGETSIZE64:
		return copy_to_user(arg, &bytes, sizeof(bytes)) ? -EFAULT : 0;
	case BLKSSZGET:
		return copy_to_user(arg, &ssz, sizeof(ssz)) ? -EFAULT : 0;
	case BLKFLSBUF:
		return blockdev_fsync(f);
	default:
		return -ENOTTY;
	}
}

/*
 * Writes through the device file go to the driver and are waited for
 * (block_rw), so only the buffer cache can hold this disk's unwritten
 * blocks: those of a file system mounted from it; bsync writes them and
 * then flushes the disk's write cache, which the device file's own
 * writes may be in too. e2fsck -y calls this before it reports the disk
 * repaired.
 */
static int blockdev_fsync(struct file *f)
{
	return bsync(f->private);
}

static const struct file_operations blockdev_fops = {
	.read = blockdev_read,
	.write = blockdev_write,
	.llseek = blockdev_llseek,
	.fsync = blockdev_fsync,
	.ioctl = blockdev_ioctl,
};

int blockdev_open(struct block_device *bdev, struct inode *inode, int flags,
		  struct file **out)
{
	struct file *f;
	int err = 0;

	if (bdev->read_only && (flags & O_ACCMODE) != O_RDONLY)
		err = -EROFS;
	if (!err)
		err = bsync(bdev); /* so reads see the cache's dirty blocks */
	f = err ? NULL : vfs_file_alloc(&blockdev_fops, bdev, inode, flags);
	if (!err && !f)
		err = -ENOMEM;
	if (err) {
		vfs_iput(inode);
		return err;
	}
	*out = f;
	return 0;
}
