/*
 * virtio over PCI, legacy interface: the transport (device status,
 * features, configuration, interrupt status, all in I/O BAR 0) and the
 * split virtqueue, the ring of buffers a driver and a virtio device share.
 * Any virtio driver (virtio-blk today, virtio-net later) builds on these.
 * Spec: virtio 1.0, sections 2 (basic facilities), 4.1.4.8 (legacy PCI
 * interface) and 2.4 (virtqueues). docs/block.md has the ring pictures.
 */
#ifndef KESTREL_VIRTIO_H
#define KESTREL_VIRTIO_H

#include "drivers/pci.h"
#include "lib/spinlock.h"

#define VIRTIO_VENDOR_ID 0x1af4
/* PCI device IDs (virtio 1.0 section 4.1.2): 0x1001 is a transitional
 * block device, which has the legacy interface; 0x1042 a modern-only
 * one, which virtio_blk.c does not speak. */
#define VIRTIO_BLK_TRANSITIONAL_ID 0x1001
#define VIRTIO_BLK_MODERN_ID 0x1042

/* Interrupt status bit for "a queue has news", read (and so cleared) by
 * virtio_isr_read (virtio 1.0 section 4.1.4.5). */
#define VIRTIO_ISR_QUEUE 0x1

/* A virtio device behind the legacy PCI interface. */
struct virtio_device {
	struct pci_device *pci;
	uint16_t io; /* first port of I/O BAR 0 */
};

/* The split virtqueue's shared structures (virtio 1.0 section 2.4). */
struct virtq_desc {
	uint64_t addr; /* physical address of the buffer */
	uint32_t len;
	uint16_t flags; /* VIRTQ_DESC_F_* */
	uint16_t next;  /* the chain's next descriptor, with F_NEXT */
} __packed;

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;    /* where the driver puts the next entry (mod size) */
	uint16_t ring[]; /* heads of descriptor chains for the device */
} __packed;

struct virtq_used_elem {
	uint32_t id;  /* head of the chain the device is done with */
	uint32_t len; /* bytes it wrote into the chain */
} __packed;

struct virtq_used {
	uint16_t flags;
	uint16_t idx; /* where the device puts the next entry (mod size) */
	struct virtq_used_elem ring[];
} __packed;

/* One buffer of a request: physically contiguous memory. */
struct virtq_buffer {
	physaddr_t addr;
	uint32_t len;
};

struct virtqueue {
	struct virtio_device *vdev;
	uint16_t index; /* the queue's number on its device */
	uint16_t size;  /* descriptors: a power of two the device chose */
	physaddr_t ring_phys;
	unsigned int ring_order; /* the rings' frames_alloc order */

	/* Protects the rings and everything below; taken by the driver
	 * around virtqueue_add/notify/get_used, and by its interrupt
	 * handler. */
	struct spinlock lock;
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	uint16_t free_head; /* free descriptors, chained through next */
	uint16_t num_free;
	uint16_t avail_idx; /* our copy of avail->idx */
	uint16_t last_used; /* the next used->ring entry to look at */
	void **cookies;     /* per chain head: the driver's token */
};

/* Reset dev, enable its I/O decoding and bus mastering, and say
 * ACKNOWLEDGE and DRIVER. 0, or -ENODEV if BAR 0 is not an I/O BAR. */
int virtio_init(struct virtio_device *vd, struct pci_device *pci);
/* Reset a working device and start again (ACKNOWLEDGE, DRIVER): when
 * this returns it no longer uses our memory; the caller negotiates,
 * re-initialises its queues (virtqueue_reinit) and says DRIVER_OK. */
void virtio_restart(struct virtio_device *vd);
/* Accept the features in wanted that the device offers; returns them. */
uint32_t virtio_negotiate(struct virtio_device *vd, uint32_t wanted);
/* The device may now use its queues. */
void virtio_driver_ok(struct virtio_device *vd);
/* Give up on the device: reset it (it stops using memory we gave it),
 * then mark it FAILED. */
void virtio_fail(struct virtio_device *vd);
/* Read and clear the interrupt status (VIRTIO_ISR_*); reading it also
 * lowers the device's interrupt line. */
uint8_t virtio_isr_read(struct virtio_device *vd);
/* The device-specific configuration, offset from its start. */
uint32_t virtio_config_read32(struct virtio_device *vd, unsigned int offset);
uint64_t virtio_config_read64(struct virtio_device *vd, unsigned int offset);

/* Set up queue index with the size the device asks for; lock_name names
 * its lock. 0, -ENODEV (no such queue), -EIO (a size that is not a power
 * of two) or -ENOMEM. */
int virtqueue_init(struct virtqueue *vq, struct virtio_device *vd,
		   uint16_t index, const char *lock_name);
/* After virtio_restart, with vq->lock held: empty the rings (the
 * cookies of chains in flight are dropped: the caller has them) and give
 * the queue to the device again, same size and memory. */
void virtqueue_reinit(struct virtqueue *vq);
/* Free the rings; only after virtio_fail, when the device no longer
 * looks at them. */
void virtqueue_free(struct virtqueue *vq);

/* The caller holds vq->lock for these three. */
/* Put a chain of nout device-readable then nin device-writable buffers in
 * the available ring with cookie as its token; -ENOSPC if there are not
 * enough free descriptors (nothing is changed). */
int virtqueue_add(struct virtqueue *vq, const struct virtq_buffer *bufs,
		  unsigned int nout, unsigned int nin, void *cookie);
/* Tell the device that the available ring has new entries. */
void virtqueue_notify(struct virtqueue *vq);
/* The token of the next chain the device is done with, its descriptors
 * freed, and in *len the bytes the device wrote; NULL if none. */
void *virtqueue_get_used(struct virtqueue *vq, uint32_t *len);

#endif
