/*
 * virtio-blk: the disk QEMU gives a guest, driven through the legacy
 * virtio-PCI interface (virtio.h) with one virtqueue, interrupts and DMA.
 *
 * A request is a chain of three descriptors: a header the device reads
 * (read or write, first sector), the caller's buffer (the device writes
 * it for a read, reads it for a write), and a status byte the device
 * writes last; a flush has no buffer. Up to a third of the queue's descriptors can be in flight
 * at once; requests that find the queue full wait in a list and start as
 * the interrupt handler frees descriptors. The handler reads the
 * interrupt status (which lowers the shared line), takes every finished
 * chain off the used ring, and completes its request. A request the
 * device does not answer within the block layer's timeout is taken back
 * by a reset of the device (vblk_reset). docs/block.md.
 */
#include "arch/x86_64/arch.h"
#include "drivers/drivers.h"
#include "drivers/virtio.h"
#include "block/block.h"
#include "mm/mm.h"

/* Feature bits (virtio 1.0 section 5.2.3) we take: a read-only disk,
 * and the flush request. With FLUSH negotiated the device may cache
 * writes (legacy devices call the bit WCE: QEMU then runs the disk
 * write-back) and a flush makes them durable; without it every write is
 * durable when it completes. */
#define VIRTIO_BLK_F_RO (1u << 5)
#define VIRTIO_BLK_F_FLUSH (1u << 9)

/* Device configuration (5.2.4): the capacity in 512-byte sectors. */
#define VIRTIO_BLK_CONFIG_CAPACITY 0

/* Request types and status values (5.2.6). */
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2
#define VBLK_STATUS_UNSET 0xff /* ours: the device never wrote it */

#define VBLK_MAX_DISKS 26 /* vda .. vdz */
/* A data descriptor's length is 32 bits. */
#define VBLK_MAX_SECTORS (UINT32_MAX / SECTOR_SIZE)
/* How long the device gets to answer its first read at boot. */
#define VBLK_PROBE_TIMEOUT_NS (2 * 1000000000UL)

/* The header of every request (5.2.6). */
struct virtio_blk_header {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
} __packed;

/* One request on its way through the device: the memory the device reads
 * before the data and writes after it (kmalloc'd, so direct-mapped and
 * within one page), and the block request it carries. */
struct vblk_request {
	struct virtio_blk_header header;
	uint8_t status;
	struct block_request *req;
	struct vblk_request *next; /* waiting list; the handler's done list */
};

struct vblk {
	struct block_device blk;
	struct virtio_device vdev;
	struct virtqueue vq;
	char lock_name[24];
	uint32_t features; /* negotiated at probe, again at each reset */
	/* Protected by vq.lock: requests that found the queue full, in the
	 * order they came; the test hook's dropped completions (requests
	 * the device answered that we act as if it never did), and how
	 * many more to drop. */
	struct vblk_request *waiting_head, *waiting_tail;
	struct vblk_request *lost;
	unsigned int drop_completions;
};

/* "virtio-blk 00:04.0: vda: " and the message, as one line. */
static void __printf(2, 3) vblk_log(const struct vblk *vb, const char *fmt, ...)
{
	const struct pci_device *pci = vb->vdev.pci;
	char msg[128];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kprintf("virtio-blk %02x:%02x.%x: %s: %s\n", pci->bus, pci->slot,
		pci->function, vb->blk.name, msg);
}

/* ---- requests ---------------------------------------------------------- */

/* Caller holds vq.lock. -ENOSPC if the queue has no room. The chain:
 * the header, a descriptor per piece of data (none for a flush,
 * 5.2.6.4), the status. */
static int start(struct vblk *vb, struct vblk_request *r)
{
	const struct block_request *req = r->req;
	struct virtq_buffer bufs[BLOCK_MAX_SEGMENTS + 2];
	unsigned int n = 0;

	bufs[n++] = (struct virtq_buffer){ virt_to_phys(&r->header),
					   sizeof(r->header) };
	if (req->flush) {
		/* no data */
	} else if (req->nsegs) {
		for (unsigned int i = 0; i < req->nsegs; i++)
			bufs[n++] = (struct virtq_buffer){
				virt_to_phys(req->segs[i].buf),
				req->segs[i].bytes
			};
	} else {
		bufs[n++] = (struct virtq_buffer){ virt_to_phys(req->buf),
						   req->count * SECTOR_SIZE };
	}
	bufs[n++] = (struct virtq_buffer){ virt_to_phys(&r->status),
					   sizeof(r->status) };
	/* A write's data is read by the device, a read's written. */
	if (req->write && !req->flush)
		return virtqueue_add(&vb->vq, bufs, n - 1, 1, r);
	return virtqueue_add(&vb->vq, bufs, 1, n - 1, r);
}

/* Caller holds vq.lock: start waiting requests while there is room. */
static void start_waiting(struct vblk *vb)
{
	bool started = false;

	while (vb->waiting_head && start(vb, vb->waiting_head) == 0) {
		vb->waiting_head = vb->waiting_head->next;
		started = true;
	}
	if (started)
		virtqueue_notify(&vb->vq);
}

/* block_submit has checked the range; the buffer is direct-mapped or in
 * the kernel image, so physically contiguous: one descriptor holds it. */
static int vblk_submit(struct block_device *dev, struct block_request *req)
{
	struct vblk *vb = dev->driver_data;
	struct vblk_request *r;

	if (req->count > VBLK_MAX_SECTORS || req->nsegs + 2 > vb->vq.size)
		return -EINVAL;
	r = kmalloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->header.type = req->flush   ? VIRTIO_BLK_T_FLUSH
			 : req->write ? VIRTIO_BLK_T_OUT
				      : VIRTIO_BLK_T_IN;
	r->header.reserved = 0;
	r->header.sector = req->flush ? 0 : req->sector;
	r->status = VBLK_STATUS_UNSET;
	r->req = req;
	r->next = NULL;

	spin_lock(&vb->vq.lock);
	if (!vb->waiting_head && start(vb, r) == 0) {
		virtqueue_notify(&vb->vq);
	} else {
		if (vb->waiting_head)
			vb->waiting_tail->next = r;
		else
			vb->waiting_head = r;
		vb->waiting_tail = r;
	}
	spin_unlock(&vb->vq.lock);
	return 0;
}

static const char *status_name(uint8_t status)
{
	switch (status) {
	case VIRTIO_BLK_S_IOERR:
		return "I/O error";
	case VIRTIO_BLK_S_UNSUPP:
		return "unsupported request";
	case VBLK_STATUS_UNSET:
		return "no status written";
	default:
		return "unknown status";
	}
}

/* Caller holds vq.lock. */
static void finish(struct vblk *vb, struct vblk_request *r)
{
	struct block_request *req = r->req;
	int err = 0;

	if (r->status != VIRTIO_BLK_S_OK && req->flush) {
		vblk_log(vb, "flush: %s (status %u)", status_name(r->status),
			 r->status);
		err = -EIO;
	} else if (r->status != VIRTIO_BLK_S_OK) {
		vblk_log(vb, "%s of %u sectors at %lu: %s (status %u)",
			 req->write ? "write" : "read", req->count, req->sector,
			 status_name(r->status), r->status);
		err = -EIO;
	}
	block_complete(req, err);
}

/* On a shared line: the interrupt status says whether it was ours.
 * Finished requests are freed after the lock is dropped, since kfree
 * takes the heap's locks. */
static void vblk_interrupt(void *arg)
{
	struct vblk *vb = arg;
	struct vblk_request *r, *done = NULL;
	uint32_t len;

	if (!(virtio_isr_read(&vb->vdev) & VIRTIO_ISR_QUEUE))
		return;
	spin_lock(&vb->vq.lock);
	while ((r = virtqueue_get_used(&vb->vq, &len))) {
		if (vb->drop_completions) {
			vb->drop_completions--;
			r->next = vb->lost;
			vb->lost = r;
			continue;
		}
		finish(vb, r);
		r->next = done;
		done = r;
	}
	start_waiting(vb);
	spin_unlock(&vb->vq.lock);
	while (done) {
		r = done;
		done = r->next;
		kfree(r);
	}
}

/* ---- a device that does not answer ------------------------------------ */

/* Caller holds vq.lock. Is req still ours or the device's: waiting, in
 * the queue, or lost? */
static bool holds(const struct vblk *vb, const struct block_request *req)
{
	const struct vblk_request *r;

	for (unsigned int i = 0; i < vb->vq.size; i++) {
		r = vb->vq.cookies[i];
		if (r && r->req == req)
			return true;
	}
	for (r = vb->lost; r; r = r->next)
		if (r->req == req)
			return true;
	for (r = vb->waiting_head; r; r = r->next)
		if (r->req == req)
			return true;
	return false;
}

/* Caller holds vq.lock: fail r, and put it on *done to be freed. */
static void fail_request(struct vblk_request *r, struct vblk_request **done)
{
	block_complete(r->req, -EIO);
	r->next = *done;
	*done = r;
}

/* block_wait gave up on req (block.h): reset the device, which then no
 * longer touches any buffer it was given (QEMU finishes or cancels what
 * it was doing before the reset returns), fail every request it held,
 * set the queue up afresh in the same memory, and start the waiting
 * requests on it. The status byte of a failed request is not looked at:
 * whether a write reached the disk is unknown, so it is -EIO. */
static void vblk_reset(struct block_device *dev, struct block_request *req)
{
	struct vblk *vb = dev->driver_data;
	struct vblk_request *r, *done = NULL;
	unsigned int failed = 0;

	spin_lock(&vb->vq.lock);
	if (!holds(vb, req)) {
		spin_unlock(&vb->vq.lock); /* it was done meanwhile */
		return;
	}
	virtio_restart(&vb->vdev);
	for (unsigned int i = 0; i < vb->vq.size; i++) {
		r = vb->vq.cookies[i];
		if (r) {
			fail_request(r, &done);
			failed++;
		}
	}
	while ((r = vb->lost)) {
		vb->lost = r->next;
		fail_request(r, &done);
		failed++;
	}
	virtio_negotiate(&vb->vdev, vb->features);
	virtqueue_reinit(&vb->vq);
	virtio_driver_ok(&vb->vdev);
	start_waiting(vb);
	spin_unlock(&vb->vq.lock);
	vblk_log(vb, "reset: %u request%s failed with EIO", failed,
		 failed == 1 ? "" : "s");
	while (done) {
		r = done;
		done = r->next;
		kfree(r);
	}
}

static const struct block_device_ops vblk_ops = {
	.driver = "virtio-blk",
	.submit = vblk_submit,
	.reset = vblk_reset,
};

int virtio_blk_drop_completions(struct block_device *dev, unsigned int n)
{
	struct vblk *vb = dev->driver_data;

	if (dev->ops != &vblk_ops)
		return -ENODEV;
	spin_lock(&vb->vq.lock);
	vb->drop_completions = n;
	spin_unlock(&vb->vq.lock);
	return 0;
}

/* ---- finding and starting devices -------------------------------------- */

/* Read sector 0 by polling, with interrupts off, before the interrupt
 * is taken: a device that does not answer is not used, so no request can
 * wait for it forever. The line may already be routed for another device
 * that shares it: reading the interrupt status lowers it again before
 * interrupts come back on, or the other device's handler would be called
 * over and over for an interrupt it cannot clear. */
static const char *check_answers(struct vblk *vb)
{
	struct vblk_request *r = kzalloc(sizeof(*r));
	struct block_request *req = kzalloc(sizeof(*req));
	void *sector = kmalloc(SECTOR_SIZE);
	uint64_t give_up = time_ns() + VBLK_PROBE_TIMEOUT_NS;
	const char *why = "out of memory";
	uint32_t len;

	if (r && req && sector) {
		req->buf = sector;
		req->count = 1;
		r->header.type = VIRTIO_BLK_T_IN;
		r->status = VBLK_STATUS_UNSET;
		r->req = req;
		spin_lock(&vb->vq.lock);
		start(vb, r);
		virtqueue_notify(&vb->vq);
		while (!virtqueue_get_used(&vb->vq, &len) &&
		       time_ns() < give_up)
			cpu_relax();
		why = r->status == VBLK_STATUS_UNSET
			      ? "no answer to a read within 2 s"
			      : NULL;
		virtio_isr_read(&vb->vdev);
		spin_unlock(&vb->vq.lock);
	}
	if (why)
		virtio_fail(&vb->vdev); /* before we free what it may write */
	kfree(sector);
	kfree(req);
	kfree(r);
	return why;
}

/* Bring the device up (virtio 1.0 section 3.1.1, as legacy devices do
 * it); NULL, or why it cannot be used (the device is then reset and
 * marked FAILED). A request takes 3 descriptors. */
static const char *probe(struct vblk *vb, struct pci_device *pci)
{
	uint32_t features;
	const char *why;

	if (virtio_init(&vb->vdev, pci))
		return "BAR 0 is not an I/O BAR";
	features = virtio_negotiate(&vb->vdev,
				    VIRTIO_BLK_F_RO | VIRTIO_BLK_F_FLUSH);
	vb->features = features;
	if (virtqueue_init(&vb->vq, &vb->vdev, 0, vb->lock_name)) {
		virtio_fail(&vb->vdev);
		return "no usable queue 0 (missing, odd size, or no memory)";
	}
	virtio_driver_ok(&vb->vdev);
	why = vb->vq.size < 3 ? "queue 0 is too small" : check_answers(vb);
	if (!why && pci_irq_register(pci, vblk_interrupt, vb))
		why = "its interrupt cannot be routed";
	if (why) {
		virtio_fail(&vb->vdev);
		virtqueue_free(&vb->vq);
		return why;
	}
	vb->blk.sectors =
		virtio_config_read64(&vb->vdev, VIRTIO_BLK_CONFIG_CAPACITY);
	vb->blk.read_only = features & VIRTIO_BLK_F_RO;
	vb->blk.write_cache = features & VIRTIO_BLK_F_FLUSH;
	vb->blk.ops = &vblk_ops;
	vb->blk.driver_data = vb;
	return NULL;
}

/* Names follow PCI order whether or not each device works, so that vdb
 * is always the second disk QEMU was given. */
static void add_disk(struct pci_device *pci, unsigned int index)
{
	struct vblk *vb = kzalloc(sizeof(*vb));
	const char *why;

	if (!vb) {
		kprintf("virtio-blk: out of memory\n");
		return;
	}
	ksnprintf(vb->blk.name, sizeof(vb->blk.name), "vd%c", 'a' + index);
	ksnprintf(vb->lock_name, sizeof(vb->lock_name), "virtio-blk %s",
		  vb->blk.name);
	why = probe(vb, pci);
	if (why) {
		vblk_log(vb, "not used: %s", why);
		kfree(vb);
		return;
	}
	block_register(&vb->blk);
}

void virtio_blk_init(void)
{
	struct pci_device *pci = NULL;
	unsigned int index = 0;

	while ((pci = pci_find_id(VIRTIO_VENDOR_ID, VIRTIO_BLK_TRANSITIONAL_ID,
				  pci))) {
		if (index == VBLK_MAX_DISKS) {
			kprintf("virtio-blk: more than %u disks; the rest "
				"are not used\n",
				VBLK_MAX_DISKS);
			break;
		}
		add_disk(pci, index++);
	}
	while ((pci = pci_find_id(VIRTIO_VENDOR_ID, VIRTIO_BLK_MODERN_ID, pci)))
		kprintf("virtio-blk %02x:%02x.%x: modern-only device (no "
			"legacy interface): not used\n",
			pci->bus, pci->slot, pci->function);
}
