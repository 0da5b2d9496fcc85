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

struct block_request {
	struct block_device *dev;
	uint64_t sector; /* first sector */
	uint32_t count;  /* sectors, at least 1 */
	bool write;
	/* Kernel memory, physically contiguous (direct-mapped memory from
	 * kmalloc up to a page, or from frames_alloc) so drivers can DMA. */
	void *buf;
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
};

struct block_stats {
	uint64_t reads, writes; /* requests completed */
	uint64_t sectors_read, sectors_written;
	uint64_t errors;
};

struct block_device {
	char name[16];    /* "vda", "vdb", "ram0" */
	uint64_t sectors; /* size */
	bool read_only;
	const struct block_device_ops *ops;
	void *driver_data;
	struct spinlock stats_lock; /* protects stats */
	struct block_stats stats;
	struct block_device *next; /* registry list (block.c's lock) */
};

/* Add dev to the registry; the kernel log announces it. */
void block_register(struct block_device *dev);
/* The device called name, or NULL. */
struct block_device *block_find(const char *name);
/* Call fn for every registered device, in registration order. */
void block_for_each(void (*fn)(struct block_device *dev, void *arg), void *arg);

/* Check and start req; 0 or -EINVAL (out of range, bad count), -EROFS
 * (write to a read-only device), or the driver's error. */
int block_submit(struct block_request *req);
/* Wait until req is done; returns its status. */
int block_wait(struct block_request *req);
/* For drivers: mark req done with status, and count it. */
void block_complete(struct block_request *req, int status);

/* Read or write count sectors from sector into buf (as in struct
 * block_request) and wait: 0 or a negative errno. */
int block_rw(struct block_device *dev, uint64_t sector, void *buf,
	     uint32_t count, bool write);

#endif
