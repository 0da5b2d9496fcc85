/*
 * The e1000 driver: Intel's 82540EM, QEMU's default network card, as
 * eth0. The card and the driver share two rings of descriptors in memory
 * (8254x SDM sections 3.2 and 3.3), each a circle of slots with a head
 * the card moves and a tail the driver moves:
 *
 * - receive: every slot holds an empty 2048-byte buffer the card may
 *   fill. Slots from head up to tail are the card's; it writes a frame,
 *   sets DD (descriptor done) and moves head on. The driver takes done
 *   slots in order from rx_next, copies the frame into a pbuf, clears
 *   the slot and gives it back by moving tail onto it.
 * - transmit: the driver copies a frame into the buffer of slot tx_tail,
 *   marks it, and moves tail on; the card sends slots from head to tail
 *   and sets DD on each sent one (RS asks it to). tx_clean is the oldest
 *   slot not yet seen sent; the ring is full when tail is one behind it.
 *
 * Copying (rather than lending pbufs to the card) keeps ownership plain:
 * the buffers the card may write are the driver's alone, allocated once.
 *
 * The interrupt (a shared PCI line) reads ICR, which says why and lowers
 * the line; received frames are taken off the ring under the receive lock
 * and handed to the stack after it is dropped. A frame with an error bit,
 * split over several buffers, or longer than an Ethernet frame is dropped
 * and counted, never passed on. docs/net.md.
 */
#include "arch/x86_64/arch.h"
#include "drivers/drivers.h"
#include "drivers/e1000.h"
#include "drivers/pci.h"
#include "mm/mm.h"
#include "net/net.h"

#define E1000_RX_SLOTS 32 /* ring length a multiple of 8 (3.2.6) */
#define E1000_TX_SLOTS 32
#define E1000_BUF_SIZE 2048
#define E1000_RESET_TIMEOUT_US 10000
#define E1000_EEPROM_TIMEOUT_US 10000

struct e1000 {
	struct netdev dev;
	struct pci_device *pci;
	volatile uint8_t *regs;
	physaddr_t rx_ring_pa, rx_bufs_pa, tx_ring_pa, tx_bufs_pa;

	/* Protected by rx_lock. */
	struct spinlock rx_lock;
	struct e1000_rx_desc *rx_ring;
	uint8_t *rx_bufs;
	unsigned int rx_next; /* the next slot the card will finish */
	bool rx_discarding;   /* inside a frame split over buffers */

	/* Protected by tx_lock. */
	struct spinlock tx_lock;
	struct e1000_tx_desc *tx_ring;
	uint8_t *tx_bufs;
	unsigned int tx_tail;  /* the next slot to fill */
	unsigned int tx_clean; /* the oldest slot not seen sent */
};

/* Frames received: the orders of the two buffer areas. */
#define RING_ORDER 0 /* both rings fit one page (32 * 16 * 2 bytes) */
#define BUFS_ORDER 4 /* 32 * 2048 bytes = 16 pages */

static uint32_t reg_read(const struct e1000 *e, unsigned int reg)
{
	return *(volatile const uint32_t *)(e->regs + reg);
}

static void reg_write(const struct e1000 *e, unsigned int reg, uint32_t v)
{
	*(volatile uint32_t *)(e->regs + reg) = v;
}

static void __printf(2, 3)
	e1000_log(const struct e1000 *e, const char *fmt, ...)
{
	char msg[128];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kprintf("e1000 %02x:%02x.%x: %s: %s\n", e->pci->bus, e->pci->slot,
		e->pci->function, e->dev.name, msg);
}

/* ---- receiving --------------------------------------------------------- */

/* Caller holds rx_lock. Take slot i's frame, or count why not. */
static struct pbuf *rx_take(struct e1000 *e, struct e1000_rx_desc *d,
			    unsigned int i)
{
	struct pbuf *p;
	bool eop = d->status & E1000_RXD_STAT_EOP;
	bool was_discarding = e->rx_discarding;

	e->rx_discarding = !eop;
	if (!eop || was_discarding || (d->errors & E1000_RXD_ERR_FRAME) ||
	    d->length < ETH_HEADER_LEN || d->length > ETH_FRAME_MAX) {
		netdev_stat_add(&e->dev.stats.rx_errors, 1);
		return NULL;
	}
	p = pbuf_alloc(d->length);
	if (!p) {
		netdev_stat_add(&e->dev.stats.rx_dropped, 1);
		return NULL;
	}
	memcpy(p->data, e->rx_bufs + (size_t)i * E1000_BUF_SIZE, d->length);
	p->dev = &e->dev;
	return p;
}

/* Take every finished slot off the receive ring, in order, and give it
 * back to the card; the frames, oldest first. */
static struct pbuf *rx_drain(struct e1000 *e)
{
	struct pbuf *head = NULL, **tail = &head, *p;

	spin_lock(&e->rx_lock);
	for (;;) {
		unsigned int i = e->rx_next;
		struct e1000_rx_desc *d = &e->rx_ring[i];

		/* DD first: the card writes the rest before it. */
		if (!(__atomic_load_n(&d->status, __ATOMIC_ACQUIRE) &
		      E1000_RXD_STAT_DD))
			break;
		p = rx_take(e, d, i);
		if (p) {
			*tail = p;
			tail = &p->next;
		}
		d->status = 0;
		e->rx_next = (i + 1) % E1000_RX_SLOTS;
		/* The slot is the card's again once tail passes it. */
		__atomic_thread_fence(__ATOMIC_RELEASE);
		reg_write(e, E1000_RDT, i);
	}
	spin_unlock(&e->rx_lock);
	*tail = NULL;
	return head;
}

/* The card's own counters clear when read: add them to the device's. */
static void collect_counters(struct e1000 *e)
{
	netdev_stat_add(&e->dev.stats.rx_dropped, reg_read(e, E1000_MPC));
	netdev_stat_add(&e->dev.stats.rx_errors,
			reg_read(e, E1000_CRCERRS) + reg_read(e, E1000_ROC));
}

static void e1000_interrupt(void *arg)
{
	struct e1000 *e = arg;
	uint32_t cause = reg_read(e, E1000_ICR); /* lowers the line */
	struct pbuf *p, *next;

	if (!cause)
		return; /* another device's on the shared line */
	if (cause & E1000_INT_LSC)
		e1000_log(e, "link %s",
			  reg_read(e, E1000_STATUS) & E1000_STATUS_LU ? "up"
								      : "down");
	if (cause & E1000_INT_RXO)
		collect_counters(e);
	for (p = rx_drain(e); p; p = next) {
		next = p->next;
		netdev_receive(&e->dev, p);
	}
}

/* ---- transmitting ------------------------------------------------------ */

/* Caller holds tx_lock: move tx_clean past the slots the card has sent. */
static void tx_reclaim(struct e1000 *e)
{
	while (e->tx_clean != e->tx_tail &&
	       (__atomic_load_n(&e->tx_ring[e->tx_clean].status,
				__ATOMIC_ACQUIRE) &
		E1000_TXD_STAT_DD))
		e->tx_clean = (e->tx_clean + 1) % E1000_TX_SLOTS;
}

/* Copy the frame into the tail slot's buffer and move tail on. A full
 * ring drops the frame (the stack above does not wait for room). */
static void e1000_transmit(struct netdev *dev, struct pbuf *p)
{
	struct e1000 *e = dev->driver_data;
	size_t len = p->len;
	struct e1000_tx_desc *d;
	unsigned int i;

	if (len > ETH_FRAME_MAX) {
		netdev_stat_add(&dev->stats.tx_errors, 1);
		pbuf_free(p);
		return;
	}
	spin_lock(&e->tx_lock);
	tx_reclaim(e);
	i = e->tx_tail;
	if ((i + 1) % E1000_TX_SLOTS == e->tx_clean) {
		spin_unlock(&e->tx_lock);
		netdev_stat_add(&dev->stats.tx_dropped, 1);
		pbuf_free(p);
		return;
	}
	memcpy(e->tx_bufs + (size_t)i * E1000_BUF_SIZE, p->data, len);
	d = &e->tx_ring[i];
	d->length = (uint16_t)len;
	d->cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
	d->status = 0;
	e->tx_tail = (i + 1) % E1000_TX_SLOTS;
	/* The descriptor is complete before the card may read it. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	reg_write(e, E1000_TDT, e->tx_tail);
	spin_unlock(&e->tx_lock);
	netdev_stat_add(&dev->stats.tx_packets, 1);
	netdev_stat_add(&dev->stats.tx_bytes, len);
	pbuf_free(p);
}

static bool e1000_link_up(struct netdev *dev)
{
	struct e1000 *e = dev->driver_data;

	return reg_read(e, E1000_STATUS) & E1000_STATUS_LU;
}

static const struct netdev_ops e1000_ops = {
	.transmit = e1000_transmit,
	.link_up = e1000_link_up,
};

/* ---- bringing the card up (section 14) --------------------------------- */

/* Software reset (14.5): wait for RST to clear; interrupts masked. */
static bool reset(struct e1000 *e)
{
	unsigned int waited = 0;

	reg_write(e, E1000_IMC, E1000_INT_ALL);
	reg_write(e, E1000_CTRL, reg_read(e, E1000_CTRL) | E1000_CTRL_RST);
	delay_us(10);
	while (reg_read(e, E1000_CTRL) & E1000_CTRL_RST) {
		if (waited++ >= E1000_RESET_TIMEOUT_US)
			return false;
		delay_us(1);
	}
	reg_write(e, E1000_IMC, E1000_INT_ALL);
	reg_read(e, E1000_ICR);
	return true;
}

static bool eeprom_read(struct e1000 *e, unsigned int word, uint16_t *out)
{
	reg_write(e, E1000_EERD,
		  E1000_EERD_START | (word << E1000_EERD_ADDR_SHIFT));
	for (unsigned int i = 0; i < E1000_EEPROM_TIMEOUT_US; i++) {
		uint32_t v = reg_read(e, E1000_EERD);

		if (v & E1000_EERD_DONE) {
			*out = (uint16_t)(v >> E1000_EERD_DATA_SHIFT);
			return true;
		}
		delay_us(1);
	}
	return false;
}

/* The MAC: receive address 0 if the card loaded it from the EEPROM at
 * reset (AV set), else the EEPROM's first three words. */
static bool read_mac(struct e1000 *e)
{
	uint32_t low = reg_read(e, E1000_RAL0), high = reg_read(e, E1000_RAH0);
	uint16_t w;

	if (high & E1000_RAH_AV) {
		for (int i = 0; i < 4; i++)
			e->dev.mac[i] = (uint8_t)(low >> (8 * i));
		e->dev.mac[4] = (uint8_t)high;
		e->dev.mac[5] = (uint8_t)(high >> 8);
		return true;
	}
	for (unsigned int i = 0; i < E1000_EEPROM_MAC_WORDS; i++) {
		if (!eeprom_read(e, i, &w))
			return false;
		e->dev.mac[2 * i] = (uint8_t)w;
		e->dev.mac[2 * i + 1] = (uint8_t)(w >> 8);
	}
	low = (uint32_t)e->dev.mac[0] | (uint32_t)e->dev.mac[1] << 8 |
	      (uint32_t)e->dev.mac[2] << 16 | (uint32_t)e->dev.mac[3] << 24;
	high = (uint32_t)e->dev.mac[4] | (uint32_t)e->dev.mac[5] << 8;
	reg_write(e, E1000_RAL0, low);
	reg_write(e, E1000_RAH0, high | E1000_RAH_AV);
	return true;
}

static bool alloc_rings(struct e1000 *e)
{
	e->rx_ring_pa = frames_alloc(RING_ORDER);
	e->tx_ring_pa = frames_alloc(RING_ORDER);
	e->rx_bufs_pa = frames_alloc(BUFS_ORDER);
	e->tx_bufs_pa = frames_alloc(BUFS_ORDER);
	if (!e->rx_ring_pa || !e->tx_ring_pa || !e->rx_bufs_pa ||
	    !e->tx_bufs_pa)
		return false;
	e->rx_ring = phys_to_virt(e->rx_ring_pa);
	e->tx_ring = phys_to_virt(e->tx_ring_pa);
	e->rx_bufs = phys_to_virt(e->rx_bufs_pa);
	e->tx_bufs = phys_to_virt(e->tx_bufs_pa);
	memset(e->rx_ring, 0, E1000_RX_SLOTS * sizeof(*e->rx_ring));
	memset(e->tx_ring, 0, E1000_TX_SLOTS * sizeof(*e->tx_ring));
	for (unsigned int i = 0; i < E1000_RX_SLOTS; i++)
		e->rx_ring[i].addr =
			e->rx_bufs_pa + (uint64_t)i * E1000_BUF_SIZE;
	for (unsigned int i = 0; i < E1000_TX_SLOTS; i++)
		e->tx_ring[i].addr =
			e->tx_bufs_pa + (uint64_t)i * E1000_BUF_SIZE;
	return true;
}

static void free_rings(struct e1000 *e)
{
	if (e->rx_ring_pa)
		frames_free(e->rx_ring_pa, RING_ORDER);
	if (e->tx_ring_pa)
		frames_free(e->tx_ring_pa, RING_ORDER);
	if (e->rx_bufs_pa)
		frames_free(e->rx_bufs_pa, BUFS_ORDER);
	if (e->tx_bufs_pa)
		frames_free(e->tx_bufs_pa, BUFS_ORDER);
}

/* Receive (14.4) and transmit (14.5) initialization. */
static void start_rings(struct e1000 *e)
{
	for (unsigned int i = 0; i < E1000_MTA_ENTRIES; i++)
		reg_write(e, E1000_MTA + 4 * i, 0);

	reg_write(e, E1000_RDBAL, (uint32_t)e->rx_ring_pa);
	reg_write(e, E1000_RDBAH, (uint32_t)(e->rx_ring_pa >> 32));
	reg_write(e, E1000_RDLEN, E1000_RX_SLOTS * sizeof(*e->rx_ring));
	reg_write(e, E1000_RDH, 0);
	reg_write(e, E1000_RDT, E1000_RX_SLOTS - 1);
	reg_write(e, E1000_RDTR, 0);
	reg_write(e, E1000_RCTL,
		  E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_BSIZE_2048 |
			  E1000_RCTL_SECRC);

	reg_write(e, E1000_TDBAL, (uint32_t)e->tx_ring_pa);
	reg_write(e, E1000_TDBAH, (uint32_t)(e->tx_ring_pa >> 32));
	reg_write(e, E1000_TDLEN, E1000_TX_SLOTS * sizeof(*e->tx_ring));
	reg_write(e, E1000_TDH, 0);
	reg_write(e, E1000_TDT, 0);
	reg_write(e, E1000_TIPG,
		  E1000_TIPG_IPGT | E1000_TIPG_IPGR1 << E1000_TIPG_IPGR1_SHIFT |
			  E1000_TIPG_IPGR2 << E1000_TIPG_IPGR2_SHIFT);
	reg_write(e, E1000_TCTL,
		  E1000_TCTL_EN | E1000_TCTL_PSP |
			  E1000_TCTL_CT << E1000_TCTL_CT_SHIFT |
			  E1000_TCTL_COLD_FULL_DUPLEX << E1000_TCTL_COLD_SHIFT);
}

static const char *probe(struct e1000 *e)
{
	pci_enable(e->pci, PCI_COMMAND_MEMORY | PCI_COMMAND_BUS_MASTER);
	e->regs = pci_map_bar(e->pci, 0);
	if (!e->regs)
		return "BAR 0 is not a memory BAR";
	if (!reset(e))
		return "it does not come out of reset";
	reg_write(e, E1000_CTRL,
		  reg_read(e, E1000_CTRL) | E1000_CTRL_SLU | E1000_CTRL_ASDE);
	if (!read_mac(e))
		return "no MAC address (EEPROM does not answer)";
	if (!alloc_rings(e))
		return "out of memory for its rings";
	start_rings(e);
	if (pci_irq_register(e->pci, e1000_interrupt, e)) {
		reset(e); /* stop its DMA before the rings go */
		return "its interrupt cannot be routed";
	}
	return NULL;
}

static void add_card(struct pci_device *pci, unsigned int index)
{
	struct e1000 *e = kzalloc(sizeof(*e));
	const char *why;
	uint32_t status;
	static const unsigned int speeds[] = { 10, 100, 1000, 1000 };

	if (!e) {
		kprintf("e1000: out of memory\n");
		return;
	}
	e->pci = pci;
	ksnprintf(e->dev.name, sizeof(e->dev.name), "eth%u", index);
	spin_init(&e->rx_lock, "e1000 rx");
	spin_init(&e->tx_lock, "e1000 tx");
	e->dev.mtu = ETH_MTU;
	e->dev.ops = &e1000_ops;
	e->dev.driver_data = e;
	e->dev.flags = IFF_UP | IFF_BROADCAST | IFF_RUNNING;
	why = probe(e);
	if (why) {
		e1000_log(e, "not used: %s", why);
		free_rings(e);
		kfree(e);
		return;
	}
	/* Interrupts on once the stack knows the device. */
	netdev_register(&e->dev);
	reg_write(e, E1000_IMS,
		  E1000_INT_RXT0 | E1000_INT_RXO | E1000_INT_RXDMT0 |
			  E1000_INT_LSC);
	status = reg_read(e, E1000_STATUS);
	e1000_log(e,
		  "%02x:%02x:%02x:%02x:%02x:%02x, link %s, %u Mb/s %s duplex",
		  e->dev.mac[0], e->dev.mac[1], e->dev.mac[2], e->dev.mac[3],
		  e->dev.mac[4], e->dev.mac[5],
		  status & E1000_STATUS_LU ? "up" : "down",
		  speeds[(status >> E1000_STATUS_SPEED_SHIFT) &
			 E1000_STATUS_SPEED_MASK],
		  status & E1000_STATUS_FD ? "full" : "half");
}

void e1000_init(void)
{
	struct pci_device *pci = NULL;
	unsigned int index = 0;

	while ((pci = pci_find_id(E1000_VENDOR_INTEL, E1000_DEVICE_82540EM,
				  pci)))
		add_card(pci, index++);
}
