/*
 * The legacy virtio-PCI transport and the split virtqueue (virtio.h).
 *
 * A legacy virtio device puts its common registers in I/O BAR 0: feature
 * bits, the queue registers, the device status and the interrupt status,
 * then the device's own configuration. A virtqueue is one block of
 * physically contiguous memory in three parts: the descriptor table
 * (buffers, chained into requests), the available ring (chains the driver
 * offers, written by us) and, on the next 4 KiB boundary, the used ring
 * (chains the device is done with, written by it). The driver adds a chain
 * and notifies; the device processes it, appends the chain's head to the
 * used ring and raises its interrupt. docs/block.md has the picture.
 */
#include "drivers/virtio.h"
#include "arch/x86_64/arch.h"
#include "mm/mm.h"

/* Legacy virtio-PCI registers, offsets in BAR 0 (virtio 1.0 section
 * 4.1.4.8). The device-specific configuration follows at 0x14 while
 * MSI-X is off, as we leave it. */
#define VIRTIO_PCI_DEVICE_FEATURES 0x00 /* 32 bits, read-only */
#define VIRTIO_PCI_DRIVER_FEATURES 0x04 /* 32 bits */
#define VIRTIO_PCI_QUEUE_ADDRESS 0x08   /* 32 bits: page frame number */
#define VIRTIO_PCI_QUEUE_SIZE 0x0c      /* 16 bits, read-only */
#define VIRTIO_PCI_QUEUE_SELECT 0x0e    /* 16 bits */
#define VIRTIO_PCI_QUEUE_NOTIFY 0x10    /* 16 bits */
#define VIRTIO_PCI_STATUS 0x12          /* 8 bits */
#define VIRTIO_PCI_ISR 0x13             /* 8 bits, read clears */
#define VIRTIO_PCI_CONFIG 0x14

/* Device status bits (virtio 1.0 section 2.1). A legacy device has no
 * FEATURES_OK step: features are settled at DRIVER_OK. */
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01
#define VIRTIO_STATUS_DRIVER 0x02
#define VIRTIO_STATUS_DRIVER_OK 0x04
#define VIRTIO_STATUS_FAILED 0x80

/* Legacy queue layout (virtio 1.0 section 2.4.2): the used ring starts on
 * a 4096-byte boundary, and the queue address register takes the queue's
 * physical address shifted right by 12. */
#define VIRTIO_LEGACY_ALIGN 4096
#define VIRTIO_LEGACY_PFN_SHIFT 12

/* Descriptor flags (2.4.5) and ring flags (2.4.6, 2.4.8). */
#define VIRTQ_DESC_F_NEXT 0x1
#define VIRTQ_DESC_F_WRITE 0x2 /* the device writes this buffer */
#define VIRTQ_USED_F_NO_NOTIFY 0x1

/* ---- the transport ----------------------------------------------------- */

static void status_set(struct virtio_device *vd, uint8_t bits)
{
	outb(vd->io + VIRTIO_PCI_STATUS,
	     inb(vd->io + VIRTIO_PCI_STATUS) | bits);
}

/* Writing 0 to the status register resets the device (virtio 1.0
 * section 4.1.4.8): it forgets its queues and stops using our memory. */
static void reset(struct virtio_device *vd)
{
	outb(vd->io + VIRTIO_PCI_STATUS, 0);
}

int virtio_init(struct virtio_device *vd, struct pci_device *pci)
{
	const struct pci_bar *bar = &pci->bars[0];

	vd->pci = pci;
	if (!bar->io || bar->size < VIRTIO_PCI_CONFIG)
		return -ENODEV;
	vd->io = bar->base;
	pci_enable(pci, PCI_COMMAND_IO | PCI_COMMAND_BUS_MASTER);
	reset(vd);
	status_set(vd, VIRTIO_STATUS_ACKNOWLEDGE);
	status_set(vd, VIRTIO_STATUS_DRIVER);
	return 0;
}

void virtio_restart(struct virtio_device *vd)
{
	reset(vd);
	status_set(vd, VIRTIO_STATUS_ACKNOWLEDGE);
	status_set(vd, VIRTIO_STATUS_DRIVER);
}

uint32_t virtio_negotiate(struct virtio_device *vd, uint32_t wanted)
{
	uint32_t features = inl(vd->io + VIRTIO_PCI_DEVICE_FEATURES) & wanted;

	outl(vd->io + VIRTIO_PCI_DRIVER_FEATURES, features);
	return features;
}

void virtio_driver_ok(struct virtio_device *vd)
{
	status_set(vd, VIRTIO_STATUS_DRIVER_OK);
}

void virtio_fail(struct virtio_device *vd)
{
	reset(vd);
	status_set(vd, VIRTIO_STATUS_FAILED);
}

uint8_t virtio_isr_read(struct virtio_device *vd)
{
	return inb(vd->io + VIRTIO_PCI_ISR);
}

uint32_t virtio_config_read32(struct virtio_device *vd, unsigned int offset)
{
	return inl(vd->io + VIRTIO_PCI_CONFIG + offset);
}

/* Legacy configuration has no generation count: read the two halves
 * until the high one holds still (virtio 1.0 section 2.3.2). */
uint64_t virtio_config_read64(struct virtio_device *vd, unsigned int offset)
{
	uint32_t high, low;

	do {
		high = virtio_config_read32(vd, offset + 4);
		low = virtio_config_read32(vd, offset);
	} while (high != virtio_config_read32(vd, offset + 4));
	return (uint64_t)high << 32 | low;
}

/* ---- virtqueues -------------------------------------------------------- */

/* Where the available and used rings start, and the bytes of the whole
 * queue, for size descriptors (virtio 1.0 section 2.4.2). */
static size_t avail_offset(uint16_t size)
{
	return sizeof(struct virtq_desc) * size;
}

static size_t used_offset(uint16_t size)
{
	/* flags, idx, ring[size], used_event */
	size_t avail_bytes = sizeof(uint16_t) * (3 + size);

	return ALIGN_UP(avail_offset(size) + avail_bytes, VIRTIO_LEGACY_ALIGN);
}

static size_t queue_bytes(uint16_t size)
{
	/* flags, idx, ring[size], avail_event */
	return used_offset(size) + 3 * sizeof(uint16_t) +
	       sizeof(struct virtq_used_elem) * size;
}

static unsigned int order_for(size_t bytes)
{
	unsigned int order = 0;

	while (((size_t)PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

/* Lay out the rings in the zeroed block at ring_phys and chain every
 * descriptor into the free list. */
static void rings_init(struct virtqueue *vq)
{
	char *base = phys_to_virt(vq->ring_phys);

	memset(base, 0, (size_t)PAGE_SIZE << vq->ring_order);
	vq->desc = (struct virtq_desc *)base;
	vq->avail = (struct virtq_avail *)(base + avail_offset(vq->size));
	vq->used = (struct virtq_used *)(base + used_offset(vq->size));
	for (uint16_t i = 0; i + 1 < vq->size; i++)
		vq->desc[i].next = i + 1;
	vq->free_head = 0;
	vq->num_free = vq->size;
	vq->avail_idx = 0;
	vq->last_used = 0;
}

int virtqueue_init(struct virtqueue *vq, struct virtio_device *vd,
		   uint16_t index, const char *lock_name)
{
	uint16_t size;

	outw(vd->io + VIRTIO_PCI_QUEUE_SELECT, index);
	size = inw(vd->io + VIRTIO_PCI_QUEUE_SIZE);
	if (size == 0)
		return -ENODEV;
	if (size & (size - 1))
		return -EIO; /* the spec promises a power of two */
	vq->vdev = vd;
	vq->index = index;
	vq->size = size;
	vq->ring_order = order_for(queue_bytes(size));
	if (vq->ring_order > FRAME_MAX_ORDER)
		return -ENOMEM;
	vq->ring_phys = frames_alloc(vq->ring_order);
	if (!vq->ring_phys)
		return -ENOMEM;
	vq->cookies = kzalloc(size * sizeof(void *));
	if (!vq->cookies ||
	    vq->ring_phys >> VIRTIO_LEGACY_PFN_SHIFT > UINT32_MAX) {
		virtqueue_free(vq);
		return -ENOMEM;
	}
	spin_init(&vq->lock, lock_name);
	rings_init(vq);
	outl(vd->io + VIRTIO_PCI_QUEUE_ADDRESS,
	     vq->ring_phys >> VIRTIO_LEGACY_PFN_SHIFT);
	return 0;
}

/* Every chain is forgotten: the caller has taken their cookies back. */
void virtqueue_reinit(struct virtqueue *vq)
{
	struct virtio_device *vd = vq->vdev;

	assert(spin_held(&vq->lock));
	memset(vq->cookies, 0, vq->size * sizeof(void *));
	rings_init(vq);
	outw(vd->io + VIRTIO_PCI_QUEUE_SELECT, vq->index);
	outl(vd->io + VIRTIO_PCI_QUEUE_ADDRESS,
	     vq->ring_phys >> VIRTIO_LEGACY_PFN_SHIFT);
}

void virtqueue_free(struct virtqueue *vq)
{
	frames_free(vq->ring_phys, vq->ring_order);
	kfree(vq->cookies);
}

/* The chain is taken from the head of the free list; its descriptors
 * keep the free list's next links, which is the chain order. The entry
 * is written before the index that publishes it (a release store). */
int virtqueue_add(struct virtqueue *vq, const struct virtq_buffer *bufs,
		  unsigned int nout, unsigned int nin, void *cookie)
{
	unsigned int n = nout + nin;
	uint16_t head = vq->free_head, i = head;

	assert(spin_held(&vq->lock) && n > 0 && cookie);
	if (n > vq->num_free)
		return -ENOSPC;
	for (unsigned int k = 0; k < n; k++) {
		struct virtq_desc *d = &vq->desc[i];

		d->addr = bufs[k].addr;
		d->len = bufs[k].len;
		d->flags = (k >= nout ? VIRTQ_DESC_F_WRITE : 0) |
			   (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0);
		i = d->next;
	}
	vq->free_head = i;
	vq->num_free -= n;
	vq->cookies[head] = cookie;
	vq->avail->ring[vq->avail_idx & (vq->size - 1)] = head;
	vq->avail_idx++;
	__atomic_store_n(&vq->avail->idx, vq->avail_idx, __ATOMIC_RELEASE);
	return 0;
}

/* The full barrier orders our avail->idx store before the load of the
 * device's NO_NOTIFY flag (virtio 1.0 section 2.4.7.2). */
void virtqueue_notify(struct virtqueue *vq)
{
	assert(spin_held(&vq->lock));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!(__atomic_load_n(&vq->used->flags, __ATOMIC_RELAXED) &
	      VIRTQ_USED_F_NO_NOTIFY))
		outw(vq->vdev->io + VIRTIO_PCI_QUEUE_NOTIFY, vq->index);
}

/* Put the chain starting at head back on the free list. The walk is
 * bounded, so descriptors a broken device rewrote cannot loop it. */
static void free_chain(struct virtqueue *vq, uint16_t head)
{
	uint16_t i = head, n = 1;

	while ((vq->desc[i].flags & VIRTQ_DESC_F_NEXT) && n < vq->size) {
		i = vq->desc[i].next & (vq->size - 1);
		n++;
	}
	vq->desc[i].next = vq->free_head;
	vq->free_head = head;
	vq->num_free += n;
}

void *virtqueue_get_used(struct virtqueue *vq, uint32_t *len)
{
	assert(spin_held(&vq->lock));
	while (vq->last_used !=
	       __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE)) {
		const struct virtq_used_elem *e =
			&vq->used->ring[vq->last_used++ & (vq->size - 1)];
		uint32_t id = e->id;
		void *cookie;

		if (id >= vq->size || !vq->cookies[id]) {
			kprintf("virtio %02x:%02x.%x: queue %u: the device "
				"returned descriptor %u, which it did not "
				"have; ignored\n",
				vq->vdev->pci->bus, vq->vdev->pci->slot,
				vq->vdev->pci->function, vq->index, id);
			continue;
		}
		cookie = vq->cookies[id];
		vq->cookies[id] = NULL;
		*len = e->len;
		free_chain(vq, id);
		return cookie;
	}
	return NULL;
}
