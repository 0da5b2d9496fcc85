/*
 * The block layer (block.h): the registry of disks, and the life of a
 * request. block_submit checks a request and hands it to the disk's
 * driver; the driver starts it and later, usually from its interrupt
 * handler, calls block_complete; block_wait waits for that. The layer
 * keeps no queue of its own: each driver queues requests the way its
 * device wants (virtio-blk in its virtqueue, the RAM disk not at all).
 * docs/block.md has the picture.
 */
#include "block/block.h"
#include "arch/x86_64/arch.h"
#include "sched/sched.h"
#include "trace/trace.h"

#define MIB (1024 * 1024)
/* A request not done after this long gets a message (it keeps waiting:
 * see block_wait). */
#define BLOCK_SLOW_NS (10 * NS_PER_SEC)

/* Protects the list of devices (block_devices and each dev->next).
 * Devices are added at the end and never removed. */
static struct spinlock block_registry_lock = SPINLOCK_INIT("block registry");
static struct block_device *block_devices;

/* Waiters for requests: block_complete sets req->done under this lock and
 * wakes them all; each checks its own request. */
static struct spinlock completion_lock = SPINLOCK_INIT("block completion");
static struct waitqueue completion_wait = WAITQUEUE_INIT;

/* "block: vda: 131072 sectors (64 MiB), virtio-blk, write cache" */
static void announce(const struct block_device *dev)
{
	uint64_t bytes = dev->sectors * SECTOR_SIZE;

	kprintf("block: %s: %lu sectors (%lu %s), %s%s%s\n", dev->name,
		dev->sectors, bytes >= MIB ? bytes / MIB : bytes / 1024,
		bytes >= MIB ? "MiB" : "KiB", dev->ops->driver,
		dev->read_only ? ", read-only" : "",
		dev->write_cache ? ", write cache" : "");
}

/* The driver has filled in name, sectors, read_only, ops and
 * driver_data, and has no request in flight: the statistics start here. */
void block_register(struct block_device *dev)
{
	struct block_device **p;

	spin_init(&dev->stats_lock, "block stats");
	memset(&dev->stats, 0, sizeof(dev->stats));
	dev->unflushed = false;
	dev->timeout_ns = BLOCK_TIMEOUT_NS;
	dev->next = NULL;
	spin_lock(&block_registry_lock);
	for (p = &block_devices; *p; p = &(*p)->next)
		if (strcmp((*p)->name, dev->name) == 0)
			panic("block_register: two devices called %s",
			      dev->name);
	*p = dev;
	spin_unlock(&block_registry_lock);
	announce(dev);
}

struct block_device *block_find(const char *name)
{
	struct block_device *dev;

	spin_lock(&block_registry_lock);
	for (dev = block_devices; dev; dev = dev->next)
		if (strcmp(dev->name, name) == 0)
			break;
	spin_unlock(&block_registry_lock);
	return dev;
}

/* fn runs without the lock held, so it may do I/O: devices are never
 * removed, so dev stays valid, and its next is read under the lock. */
void block_for_each(void (*fn)(struct block_device *dev, void *arg), void *arg)
{
	struct block_device *dev;

	spin_lock(&block_registry_lock);
	dev = block_devices;
	spin_unlock(&block_registry_lock);
	while (dev) {
		fn(dev, arg);
		spin_lock(&block_registry_lock);
		dev = dev->next;
		spin_unlock(&block_registry_lock);
	}
}

/* Drivers DMA straight into the buffer, so it must be memory whose
 * physical address is its virtual address minus a constant: the direct
 * map or the kernel image (arch.h, virt_to_phys). */
static bool buffer_ok(const void *buf)
{
	uintptr_t a = (uintptr_t)buf;

	return (a >= DIRECT_MAP_BASE && a < MMIO_BASE) || a >= KERNEL_VMA;
}

/* Each segment a whole number of sectors of good memory, together
 * exactly the request's count. */
static bool segments_ok(const struct block_request *req)
{
	uint64_t bytes = 0;

	if (req->buf || req->nsegs > BLOCK_MAX_SEGMENTS)
		return false;
	for (unsigned int i = 0; i < req->nsegs; i++) {
		const struct block_segment *sg = &req->segs[i];

		if (!sg->buf || !buffer_ok(sg->buf) || sg->bytes == 0 ||
		    sg->bytes % SECTOR_SIZE)
			return false;
		bytes += sg->bytes;
	}
	return bytes == (uint64_t)req->count * SECTOR_SIZE;
}

void *block_request_sector(const struct block_request *req, uint32_t i)
{
	uint64_t off = (uint64_t)i * SECTOR_SIZE;

	if (!req->nsegs)
		return (char *)req->buf + off;
	for (unsigned int k = 0; k < req->nsegs; k++) {
		if (off < req->segs[k].bytes)
			return (char *)req->segs[k].buf + off;
		off -= req->segs[k].bytes;
	}
	panic("block_request_sector: sector %u past the request", i);
}

int block_submit(struct block_request *req)
{
	struct block_device *dev = req->dev;

	if (!dev || req->count == 0)
		return -EINVAL;
	if (req->nsegs ? !segments_ok(req) : !req->buf || !buffer_ok(req->buf))
		return -EINVAL;
	if (req->sector > dev->sectors ||
	    req->count > dev->sectors - req->sector)
		return -EINVAL;
	if (req->write && dev->read_only)
		return -EROFS;
	req->done = false;
	req->status = 0;
	req->issue_ns = trace_on(TP_BLOCK_RQ_COMPLETE) ? time_ns() : 0;
	trace_block_rq_issue(dev->name, req->sector,
			     (uint64_t)req->count * SECTOR_SIZE, req->write);
	return dev->ops->submit(dev, req);
}

/* A request the device has not answered: count it, say so, and have the
 * driver reset the device, which completes req with -EIO (or finds it
 * done meanwhile). */
static void give_up(struct block_request *req)
{
	struct block_device *dev = req->dev;

	spin_lock(&dev->stats_lock);
	dev->stats.timeouts++;
	spin_unlock(&dev->stats_lock);
	if (req->flush)
		kprintf("block: %s: flush not done after %lu ms; resetting "
			"the device\n",
			dev->name, dev->timeout_ns / NS_PER_MS);
	else
		kprintf("block: %s: %s of %u sectors at %lu not done after "
			"%lu ms; resetting the device\n",
			dev->name, req->write ? "write" : "read", req->count,
			req->sector, dev->timeout_ns / NS_PER_MS);
	dev->ops->reset(dev, req);
}

/* Sleep until block_complete marks req done; the check and the sleep are
 * under completion_lock, which block_complete takes too, so the wakeup
 * cannot be lost (kernel/sched/sched.h). While the task sleeps, other
 * tasks run, or the CPU halts in the idle task.
 *
 * A request handed to a device belongs to it until it answers: it may
 * still DMA into the buffer, so the wait cannot simply end. After the
 * device's timeout the driver resets the device (ops->reset), which
 * takes every request back from it and fails them. A driver without a
 * reset is waited for; a request slow past BLOCK_SLOW_NS is reported
 * (docs/block.md, "When a disk does not answer"). */
int block_wait(struct block_request *req)
{
	struct block_device *dev = req->dev;
	uint64_t start = time_ns();
	uint64_t slow_at = start + BLOCK_SLOW_NS;
	uint64_t deadline = dev->ops->reset ? start + dev->timeout_ns : 0;

	spin_lock(&completion_lock);
	while (!req->done) {
		uint64_t now = time_ns();

		if (deadline && now >= deadline) {
			spin_unlock(&completion_lock);
			give_up(req);
			spin_lock(&completion_lock);
			deadline = time_ns() + dev->timeout_ns;
			continue;
		}
		if (slow_at && now >= slow_at) {
			kprintf("block: %s: %s of %u sectors at %lu not done "
				"after %lu s; still waiting (docs/block.md: "
				"when a disk does not answer)\n",
				dev->name, req->write ? "write" : "read",
				req->count, req->sector,
				BLOCK_SLOW_NS / NS_PER_SEC);
			slow_at = 0;
		}
		sleep_on_until(&completion_wait, &completion_lock,
			       !slow_at    ? deadline
			       : !deadline ? slow_at
					   : MIN(slow_at, deadline));
	}
	spin_unlock(&completion_lock);
	return req->status;
}

/* Counts req, then marks it done: the last store to req, since the
 * waiter may reuse it at once. */
void block_complete(struct block_request *req, int status)
{
	struct block_device *dev = req->dev;
	struct block_stats *st = &dev->stats;

	spin_lock(&dev->stats_lock);
	if (status)
		st->errors++;
	if (req->flush) {
		st->flushes++;
	} else if (req->write) {
		st->writes++;
		st->sectors_written += status ? 0 : req->count;
	} else {
		st->reads++;
		st->sectors_read += status ? 0 : req->count;
	}
	if (req->write && !req->flush)
		dev->unflushed = true;
	spin_unlock(&dev->stats_lock);
	trace_block_rq_complete(
		dev->name, req->sector, (uint64_t)req->count * SECTOR_SIZE,
		status,
		req->issue_ns ? (int64_t)(time_ns() - req->issue_ns) : -1);
	spin_lock(&completion_lock);
	req->status = status;
	req->done = true;
	wake_up(&completion_wait);
	spin_unlock(&completion_lock);
}

/* unflushed is cleared when the flush starts, under stats_lock: a write
 * that completes after that sets it again, so the next block_flush
 * covers it; one that completed before is covered by this flush. */
int block_flush(struct block_device *dev)
{
	struct block_request req = { .dev = dev, .flush = true };
	int err;

	if (!dev->write_cache || dev->read_only)
		return 0;
	spin_lock(&dev->stats_lock);
	if (!dev->unflushed) {
		spin_unlock(&dev->stats_lock);
		return 0;
	}
	dev->unflushed = false;
	spin_unlock(&dev->stats_lock);
	err = dev->ops->submit(dev, &req);
	if (err == 0)
		err = block_wait(&req);
	if (err) {
		spin_lock(&dev->stats_lock);
		dev->unflushed = true;
		spin_unlock(&dev->stats_lock);
	}
	return err;
}

int block_rw(struct block_device *dev, uint64_t sector, void *buf,
	     uint32_t count, bool write)
{
	struct block_request req = {
		.dev = dev,
		.sector = sector,
		.count = count,
		.write = write,
		.buf = buf,
	};
	int err = block_submit(&req);

	return err ? err : block_wait(&req);
}
