/*
 * PCI's public face: the devices pci_init found on the bus, and what a
 * driver does with one: find it, read and write its configuration space,
 * turn on its I/O and memory decoding and bus mastering, map a memory BAR,
 * and take its interrupt. docs/block.md has the configuration space and
 * the interrupt routing.
 */
#ifndef KESTREL_PCI_H
#define KESTREL_PCI_H

#include "lib/lib.h"

#define PCI_MAX_BARS 6

/* A base address register, as decoded and sized at boot. */
struct pci_bar {
	uint64_t base; /* physical address, or first I/O port */
	uint64_t size; /* bytes; 0 when the BAR is not implemented */
	bool io;       /* I/O space (else memory space) */
	bool is_64bit; /* a 64-bit memory BAR: it takes the next slot too */
	bool prefetchable;
};

/* One function of a device. pci_init fills these in at boot; they are
 * only read afterwards, so they need no lock. */
struct pci_device {
	uint8_t bus, slot, function;
	uint16_t vendor_id, device_id;
	uint8_t class_code, subclass, prog_if, revision;
	uint8_t header_type; /* 0 device, 1 PCI-to-PCI bridge, 2 CardBus */
	struct pci_bar bars[PCI_MAX_BARS];
	uint8_t irq_pin;  /* 1..4 for INTA#..INTD#, 0 if it has none */
	uint8_t irq_line; /* the ISA IRQ the firmware routed the pin to */
};

/* Bits of the command register (PCI 3.0 section 6.2.2) for pci_enable. */
#define PCI_COMMAND_IO 0x0001
#define PCI_COMMAND_MEMORY 0x0002
#define PCI_COMMAND_BUS_MASTER 0x0004

/* The next device after from (NULL: the first) with this vendor and
 * device ID, or with this class and subclass, in bus order; NULL if none. */
struct pci_device *pci_find_id(uint16_t vendor_id, uint16_t device_id,
			       struct pci_device *from);
struct pci_device *pci_find_class(uint8_t class_code, uint8_t subclass,
				  struct pci_device *from);
/* Call fn for every device, in bus order. */
void pci_for_each(void (*fn)(struct pci_device *dev, void *arg), void *arg);
/* Print the one-line description the boot log shows. */
void pci_print(const struct pci_device *dev);

/* Configuration space of dev; offset aligned to the access size. */
uint8_t pci_config_read8(const struct pci_device *dev, unsigned int offset);
uint16_t pci_config_read16(const struct pci_device *dev, unsigned int offset);
uint32_t pci_config_read32(const struct pci_device *dev, unsigned int offset);
void pci_config_write16(const struct pci_device *dev, unsigned int offset,
			uint16_t value);
void pci_config_write32(const struct pci_device *dev, unsigned int offset,
			uint32_t value);

/* Set bits (PCI_COMMAND_*) in dev's command register. */
void pci_enable(struct pci_device *dev, uint16_t bits);
/* Map memory BAR bar uncached (after pci_enable with PCI_COMMAND_MEMORY);
 * its virtual address, or NULL if it is an I/O or empty BAR or the MMIO
 * window is full. */
void *pci_map_bar(struct pci_device *dev, unsigned int bar);
/* Take dev's interrupt: handler(arg) runs for every interrupt on its line,
 * which other devices may share. 0, or -ENODEV (dev has no interrupt, or
 * the firmware did not route it) or the error of irq_register_pci. */
int pci_irq_register(struct pci_device *dev, void (*handler)(void *arg),
		     void *arg);

#endif
