/*
 * Block devices: disks that read and write 512-byte sectors. A driver
 * (virtio-blk, the RAM disk) registers a struct block_device with a
 * submit function; everyone else reads and writes through block_rw, or
 * builds a struct block_request for several requests in flight.
 *
 * A request completes when the driver calls block_complete, usually from
 * its interrupt handler. block_wait sleeps until then (kernel/sched),
 * and other tasks run meanwhile. docs/block.md has the picture.
 */
#ifndef KESTREL_BLOCK_H
#define KESTREL_BLOCK_H

#include "lib/lib.h"
#include "lib/spinlock.h"

#define SECTOR_SIZE 512
#define SECTOR_SHIFT 9

struct block_device;

/* Most pieces one request's data may be in (block_segment): 32 blocks of
 * 4 KiB make the 128 KiB a clustered write-back sends at once. */
#define BLOCK_MAX_SEGMENTS 32

/* A piece of a request's data: kernel memory as buf must be, a whole
 * number of sectors. */
struct block_segment {
	void *buf;
	uint32_t bytes;
};

struct block_request {
	struct block_device *dev;
	uint64_t sector; /* first sector */
	uint32_t count;  /* sectors, at least 1 */
	bool write;
	/* A cache flush (block_flush): no data; sector, count, buf and
	 * write are not used. */
	bool flush;
	/* Kernel memory, physically contiguous (direct-mapped memory from
	 * kmalloc up to a page, or from frames_alloc) so drivers can DMA. */
	void *buf;
	/* Or, when nsegs > 0 (buf NULL), the data in nsegs pieces, one
	 * after the other on the disk: how the buffer cache writes
	 * adjacent blocks as one request. */
	const struct block_segment *segs;
	unsigned int nsegs;
	/* Set by block_complete; read by block_wait. */
	volatile bool done;
	int status; /* 0, or -EIO */
	/* Set by block_submit while block:block_rq_complete is on (else 0),
	 * for the event's latency. */
	uint64_t issue_ns;
};

struct block_device_ops {
	const char *driver; /* "virtio-blk": for the kernel log */
	/* Start req (checked by block_submit: in range, not read-only).
	 * Must not sleep; may complete it at once. Returns 0, or a negative
	 * errno if it could not be started (the request is then not
	 * completed). */
	int (*submit)(struct block_device *dev, struct block_request *req);
	/* req has not completed within the device's timeout. If the
	 * device still holds it, reset the device and complete every
	 * request it held with -EIO; when this returns the device touches
	 * none of their memory again, and takes new requests. If req is
	 * done already, do nothing. Called from block_wait, no lock held;
	 * NULL for a driver that always completes (the RAM disk). */
	void (*reset)(struct block_device *dev, struct block_request *req);
};

struct block_stats {
	uint64_t reads, writes; /* requests completed */
	uint64_t sectors_read, sectors_written;
	uint64_t errors;
	uint64_t flushes;  /* flush requests completed, failed ones too */
	uint64_t timeouts; /* requests given up on: ops->reset called */
};

struct block_device {
	char name[16];    /* "vda", "vdb", "ram0" */
	uint64_t sectors; /* size */
	bool read_only;
	/* The device may answer a write before it is on stable storage
	 * (virtio-blk with VIRTIO_BLK_F_FLUSH): block_flush must send a
	 * flush to make it durable. Set by the driver before
	 * block_register. */
	bool write_cache;
	/* How long block_wait waits before it resets the device (ops->reset):
	 * BLOCK_TIMEOUT_NS from block_register; a test may lower it. */
	uint64_t timeout_ns;
	const struct block_device_ops *ops;
	void *driver_data;
	struct spinlock stats_lock; /* protects stats and unflushed */
	struct block_stats stats;
	bool unflushed; /* a write completed since the last flush began */
	struct block_device *next; /* registry list (block.c's lock) */
};

/* Add dev to the registry; the kernel log announces it. */
void block_register(struct block_device *dev);
/* The device called name, or NULL. */
struct block_device *block_find(const char *name);
/* Call fn for every registered device, in registration order. */
void block_for_each(void (*fn)(struct block_device *dev, void *arg), void *arg);

/* The address of sector i (0 .. count-1) of req's data, in buf or in its
 * segments: for drivers that copy (the RAM disk). */
void *block_request_sector(const struct block_request *req, uint32_t i);

/* Check and start req; 0 or -EINVAL (out of range, bad count, bad
 * segments), -EROFS
 * (write to a read-only device), or the driver's error. */
int block_submit(struct block_request *req);
/* A request not done this long after block_wait began is failed with
 * -EIO, and the device reset (docs/block.md, "When a disk does not
 * answer"). Linux's default too. */
#define BLOCK_TIMEOUT_NS (30 * NS_PER_SEC)

/* Wait until req is done, or until the device's timeout, when the driver
 * resets the device and req fails with -EIO; returns its status. */
int block_wait(struct block_request *req);
/* For drivers: mark req done with status, and count it. */
void block_complete(struct block_request *req, int status);

/* Make every write that has completed on dev durable: with a write
 * cache, send a flush and wait for it (only if a write completed since
 * the last flush began); without one, nothing to do. 0 or -EIO. */
int block_flush(struct block_device *dev);

/* Read or write count sectors from sector into buf (as in struct
 * block_request) and wait: 0 or a negative errno. */
int block_rw(struct block_device *dev, uint64_t sector, void *buf,
	     uint32_t count, bool write);

#endif
