/*
 * Tests of PCI (suite pci), against what QEMU's PC is known to hold: the
 * i440FX host bridge at 00:00.0, the PIIX3 and its IDE function, the
 * standard VGA's BARs (its BAR 2 mapped and read), and the virtio-blk
 * disks the block lab attaches, with their BARs and interrupt pins. The
 * block lab boots them with disks attached (ktest=pci); docs/block.md
 * lists what each test shows.
 */
#include "drivers/pci.h"
#include "drivers/virtio.h"
#include "lib/ktest.h"

KTEST(pci, enumerate)
{
	struct pci_device *host = pci_find_id(0x8086, 0x1237, NULL);
	struct pci_device *isa = pci_find_id(0x8086, 0x7000, NULL);
	struct pci_device *vd = NULL;

	KT_ASSERT(host, "no i440FX host bridge 8086:1237");
	KT_ASSERT(host->bus == 0 && host->slot == 0 && host->function == 0,
		  "host bridge at %02x:%02x.%x, not 00:00.0", host->bus,
		  host->slot, host->function);
	KT_ASSERT_EQ(host->class_code, 0x06);
	KT_ASSERT_EQ(host->subclass, 0x00);
	KT_ASSERT(pci_find_class(0x06, 0x00, NULL) == host,
		  "pci_find_class(bridge, host) did not find it");
	KT_ASSERT_EQ(pci_config_read16(host, 0), 0x8086);
	KT_ASSERT_EQ(pci_config_read32(host, 0), 0x12378086);
	KT_ASSERT(isa, "no PIIX3 ISA bridge 8086:7000");
	KT_ASSERT_EQ(isa->class_code, 0x06);
	KT_ASSERT_EQ(isa->subclass, 0x01);
	/* The PIIX is multi-function: its IDE function must be found. */
	KT_ASSERT(pci_find_id(0x8086, 0x7010, NULL), "no PIIX3 IDE function");
	while ((vd = pci_find_id(VIRTIO_VENDOR_ID, VIRTIO_BLK_TRANSITIONAL_ID,
				 vd))) {
		KT_ASSERT(vd->bars[0].io && vd->bars[0].size >= 0x20,
			  "virtio-blk %02x: BAR 0 is not an I/O BAR", vd->slot);
		KT_ASSERT(vd->irq_pin == 1 && vd->irq_line > 0 &&
				  vd->irq_line < 16,
			  "virtio-blk %02x: pin %u line %u", vd->slot,
			  vd->irq_pin, vd->irq_line);
		/* QEMU's transitional device: a 64-bit BAR for the modern
		 * interface. */
		KT_ASSERT(vd->bars[4].is_64bit && vd->bars[4].size >= 0x1000,
			  "virtio-blk %02x: BAR 4 is not a sized 64-bit BAR",
			  vd->slot);
		KT_ASSERT_EQ(pci_config_read8(vd, 0x3d), vd->irq_pin);
	}
}

static void check_bars(struct pci_device *dev, void *arg)
{
	unsigned int *bad = arg;

	for (unsigned int i = 0; i < PCI_MAX_BARS; i++) {
		const struct pci_bar *b = &dev->bars[i];

		if (b->size && ((b->size & (b->size - 1)) ||
				!IS_ALIGNED(b->base, b->size))) {
			kprintf("pci.bars: %02x:%02x.%x BAR %u: %#lx/%#lx\n",
				dev->bus, dev->slot, dev->function, i, b->base,
				b->size);
			(*bad)++;
		}
	}
}

/* Every BAR's size is a power of two and its base aligned to it; the
 * sizing left the BARs as the firmware set them. */
KTEST(pci, bars)
{
	unsigned int bad = 0;
	struct pci_device *vga = pci_find_id(0x1234, 0x1111, NULL);

	pci_for_each(check_bars, &bad);
	KT_ASSERT_EQ(bad, 0);
	KT_ASSERT(vga, "no QEMU standard VGA 1234:1111");
	KT_ASSERT(!vga->bars[0].io && vga->bars[0].prefetchable &&
			  vga->bars[0].size == 16 * 1024 * 1024,
		  "VGA BAR 0: %#lx bytes", vga->bars[0].size);
	KT_ASSERT_EQ(pci_config_read32(vga, 0x10) & ~0xfU, vga->bars[0].base);
}

/* The Bochs VGA's BAR 2 holds its "dispi" registers at 0x500; the first
 * is an ID, 0xb0c0 to 0xb0c5 (QEMU hw/display/vga.c). */
KTEST(pci, map_bar)
{
	struct pci_device *vga = pci_find_id(0x1234, 0x1111, NULL);
	volatile uint16_t *regs;

	KT_ASSERT(vga, "no QEMU standard VGA 1234:1111");
	KT_ASSERT(!pci_map_bar(vga, 6) && !pci_map_bar(vga, 1),
		  "mapped a BAR that does not exist");
	pci_enable(vga, PCI_COMMAND_MEMORY);
	regs = pci_map_bar(vga, 2);
	KT_ASSERT(regs, "pci_map_bar(vga, 2) failed");
	KT_ASSERT((regs[0x500 / 2] & 0xfff0) == 0xb0c0,
		  "dispi ID register reads %#x", regs[0x500 / 2]);
}
