/*
 * PCI: finding the devices on the bus and giving drivers what they need
 * to run one.
 *
 * Every PCI function has 256 bytes of configuration space: its vendor and
 * device IDs, class, command register, base address registers (BARs: where
 * its registers appear in memory or I/O space) and interrupt pin and line.
 * On a PC it is reached through two I/O ports, configuration mechanism #1:
 * write the function's address to CONFIG_ADDRESS (0xcf8), then read or
 * write CONFIG_DATA (0xcfc). pci_init walks bus 0, and every bus behind a
 * PCI-to-PCI bridge, sizes each BAR, and logs one line per function. The
 * device table is written once at boot and only read afterwards.
 * docs/block.md has the pictures.
 */
#include "drivers/pci.h"
#include "arch/x86_64/arch.h"
#include "drivers/drivers.h"
#include "lib/spinlock.h"
#include "mm/mm.h"

/* Configuration mechanism #1 (PCI Local Bus spec 3.0, 3.2.2.3.2). */
#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc
#define PCI_CONFIG_ENABLE 0x80000000u

#define PCI_BUSES 256
#define PCI_SLOTS 32
#define PCI_FUNCTIONS 8

/* The configuration header (PCI 3.0 section 6.1, figure 6-1; the bridge
 * header of the PCI-to-PCI Bridge spec 1.2, section 3.2, shares the first
 * 16 bytes and the interrupt registers). */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_REVISION 0x08
#define PCI_PROG_IF 0x09
#define PCI_SUBCLASS 0x0a
#define PCI_CLASS 0x0b
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_BRIDGE_SECONDARY_BUS 0x19
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d

#define PCI_VENDOR_NONE 0xffff /* no function answers at this address */
#define PCI_HEADER_MULTIFUNCTION 0x80
#define PCI_HEADER_LAYOUT 0x7f
#define PCI_HEADER_DEVICE 0
#define PCI_HEADER_BRIDGE 1
#define PCI_BARS_DEVICE 6
#define PCI_BARS_BRIDGE 2
#define PCI_COMMAND_INTX_DISABLE 0x0400

/* Base address register bits (PCI 3.0 section 6.2.5.1). */
#define PCI_BAR_IO 0x1
#define PCI_BAR_IO_MASK 0x3u
#define PCI_BAR_MEM_TYPE_MASK 0x6
#define PCI_BAR_MEM_TYPE_64 0x4
#define PCI_BAR_MEM_PREFETCH 0x8
#define PCI_BAR_MEM_MASK 0xfu

/* A routed interrupt line holds an ISA IRQ; 0xff means "unknown or not
 * connected" on x86 (PCI 3.0 section 6.2.4). */
#define ISA_IRQS 16

#define PCI_MAX_DEVICES 64

/* Protects the CONFIG_ADDRESS/CONFIG_DATA pair: an access is two port
 * operations that must not interleave with another CPU's. */
static struct spinlock pci_config_lock = SPINLOCK_INIT("pci config");

/* Written by pci_init at boot, read-only afterwards. */
static struct pci_device pci_devices[PCI_MAX_DEVICES];
static unsigned int pci_ndevices;

/* ---- configuration space ----------------------------------------------- */

static uint32_t config_address(unsigned int bus, unsigned int slot,
			       unsigned int function, unsigned int offset)
{
	return PCI_CONFIG_ENABLE | bus << 16 | slot << 11 | function << 8 |
	       (offset & 0xfc);
}

/* The dword at offset (rounded down to 4) of a function's space. */
static uint32_t config_read(unsigned int bus, unsigned int slot,
			    unsigned int function, unsigned int offset)
{
	uint32_t v;

	spin_lock(&pci_config_lock);
	outl(PCI_CONFIG_ADDRESS, config_address(bus, slot, function, offset));
	v = inl(PCI_CONFIG_DATA);
	spin_unlock(&pci_config_lock);
	return v;
}

static uint32_t dev_read(const struct pci_device *dev, unsigned int offset)
{
	return config_read(dev->bus, dev->slot, dev->function, offset);
}

uint32_t pci_config_read32(const struct pci_device *dev, unsigned int offset)
{
	return dev_read(dev, offset);
}

uint16_t pci_config_read16(const struct pci_device *dev, unsigned int offset)
{
	return dev_read(dev, offset) >> (8 * (offset & 2));
}

uint8_t pci_config_read8(const struct pci_device *dev, unsigned int offset)
{
	return dev_read(dev, offset) >> (8 * (offset & 3));
}

/* The byte lanes of CONFIG_DATA select which bytes a write changes. */
void pci_config_write32(const struct pci_device *dev, unsigned int offset,
			uint32_t value)
{
	spin_lock(&pci_config_lock);
	outl(PCI_CONFIG_ADDRESS,
	     config_address(dev->bus, dev->slot, dev->function, offset));
	outl(PCI_CONFIG_DATA, value);
	spin_unlock(&pci_config_lock);
}

void pci_config_write16(const struct pci_device *dev, unsigned int offset,
			uint16_t value)
{
	spin_lock(&pci_config_lock);
	outl(PCI_CONFIG_ADDRESS,
	     config_address(dev->bus, dev->slot, dev->function, offset));
	outw(PCI_CONFIG_DATA + (offset & 2), value);
	spin_unlock(&pci_config_lock);
}

/* ---- BARs -------------------------------------------------------------- */

/* Write all ones to a BAR and read back which address bits stick; put
 * the original value back. */
static uint32_t bar_probe(struct pci_device *dev, unsigned int offset,
			  uint32_t original)
{
	uint32_t mask;

	pci_config_write32(dev, offset, 0xffffffff);
	mask = pci_config_read32(dev, offset);
	pci_config_write32(dev, offset, original);
	return mask;
}

/* Decode and size BAR i; returns how many BAR slots it takes (2 for a
 * 64-bit BAR). The size is the lowest address bit the device lets us
 * set: a BAR of 2^n bytes hard-wires the bits below n to zero. */
static unsigned int bar_read(struct pci_device *dev, unsigned int i,
			     unsigned int nbars)
{
	struct pci_bar *bar = &dev->bars[i];
	unsigned int offset = PCI_BAR0 + 4 * i;
	uint32_t low = pci_config_read32(dev, offset);
	uint64_t mask = bar_probe(dev, offset, low);

	if (low & PCI_BAR_IO) {
		bar->io = true;
		bar->base = low & ~PCI_BAR_IO_MASK;
		mask &= ~(uint64_t)PCI_BAR_IO_MASK;
	} else {
		bar->prefetchable = low & PCI_BAR_MEM_PREFETCH;
		bar->is_64bit = (low & PCI_BAR_MEM_TYPE_MASK) ==
				PCI_BAR_MEM_TYPE_64;
		if (bar->is_64bit && i + 1 >= nbars)
			return 1; /* no upper half: treat as empty */
		bar->base = low & ~PCI_BAR_MEM_MASK;
		mask &= ~(uint64_t)PCI_BAR_MEM_MASK;
		if (bar->is_64bit) {
			uint32_t high = pci_config_read32(dev, offset + 4);

			bar->base |= (uint64_t)high << 32;
			mask |= (uint64_t)bar_probe(dev, offset + 4, high)
				<< 32;
		}
	}
	bar->size = mask & -mask;
	return bar->is_64bit ? 2 : 1;
}

/* Size the BARs with the device's decoding off, so that it does not answer
 * at the all-ones address meanwhile (PCI 3.0 section 6.2.5.1). A function
 * whose BAR registers all read zero has no BAR the firmware assigned
 * (an I/O BAR reads at least 1): it is left alone, since under QEMU each
 * change of a decoding bit costs a rebuild of the memory map. */
static void bars_read(struct pci_device *dev)
{
	unsigned int layout = dev->header_type & PCI_HEADER_LAYOUT;
	unsigned int nbars = layout == PCI_HEADER_DEVICE   ? PCI_BARS_DEVICE
			     : layout == PCI_HEADER_BRIDGE ? PCI_BARS_BRIDGE
							   : 0;
	uint16_t command = pci_config_read16(dev, PCI_COMMAND);
	uint16_t decode = command & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
	bool any = false;

	for (unsigned int i = 0; i < nbars; i++)
		any |= pci_config_read32(dev, PCI_BAR0 + 4 * i) != 0;
	if (!any)
		return;
	if (decode)
		pci_config_write16(dev, PCI_COMMAND, command & ~decode);
	for (unsigned int i = 0; i < nbars;)
		i += bar_read(dev, i, nbars);
	if (decode)
		pci_config_write16(dev, PCI_COMMAND, command);
}

/* ---- names for the log ------------------------------------------------- */

static const struct {
	uint16_t vendor_id, device_id;
	const char *name;
} known_devices[] = {
	{ 0x8086, 0x1237, "i440FX host bridge" },
	{ 0x8086, 0x7000, "PIIX3 ISA bridge" },
	{ 0x8086, 0x7010, "PIIX3 IDE" },
	{ 0x8086, 0x7113, "PIIX4 ACPI" },
	{ 0x8086, 0x100e, "e1000 Ethernet" },
	{ 0x1234, 0x1111, "Bochs VGA" },
	{ 0x1af4, 0x1000, "virtio-net" },
	{ 0x1af4, 0x1001, "virtio-blk" },
};

/* Base classes (PCI Code and ID Assignment spec 1.11, section 1). */
static const char *const class_names[] = {
	"unclassified device",
	"storage controller",
	"network controller",
	"display controller",
	"multimedia device",
	"memory controller",
	"bridge",
	"communication device",
	"system peripheral",
	"input device",
	"docking station",
	"processor",
	"serial bus controller",
};

static const char *device_name(const struct pci_device *dev)
{
	for (size_t i = 0; i < ARRAY_SIZE(known_devices); i++)
		if (known_devices[i].vendor_id == dev->vendor_id &&
		    known_devices[i].device_id == dev->device_id)
			return known_devices[i].name;
	if (dev->class_code < ARRAY_SIZE(class_names))
		return class_names[dev->class_code];
	return "device";
}

/* "4K", "16M": a BAR size in few characters. */
static void format_size(char *buf, size_t size, uint64_t bytes)
{
	static const char units[] = "KMGT";
	unsigned int u = 0;

	if (bytes < 1024) {
		ksnprintf(buf, size, "%lu", bytes);
		return;
	}
	bytes /= 1024;
	while (bytes >= 1024 && bytes % 1024 == 0 && u + 1 < sizeof(units)) {
		bytes /= 1024;
		u++;
	}
	ksnprintf(buf, size, "%lu%c", bytes, units[u]);
}

void pci_print(const struct pci_device *dev)
{
	char line[256], sz[16];
	size_t n;

	n = ksnprintf(line, sizeof(line),
		      "pci %02x:%02x.%x %04x:%04x %s, class %02x.%02x.%02x "
		      "rev %u",
		      dev->bus, dev->slot, dev->function, dev->vendor_id,
		      dev->device_id, device_name(dev), dev->class_code,
		      dev->subclass, dev->prog_if, dev->revision);
	for (unsigned int i = 0; i < PCI_MAX_BARS && n < sizeof(line); i++) {
		const struct pci_bar *b = &dev->bars[i];

		if (!b->size)
			continue;
		format_size(sz, sizeof(sz), b->size);
		n += ksnprintf(line + n, sizeof(line) - n, ", %s %#lx/%s",
			       b->io         ? "io"
			       : b->is_64bit ? "mem64"
					     : "mem",
			       b->base, sz);
	}
	if (dev->irq_pin && n < sizeof(line))
		ksnprintf(line + n, sizeof(line) - n, ", irq %u INT%c#",
			  dev->irq_line, 'A' + dev->irq_pin - 1);
	kprintf("%s\n", line);
}

/* ---- enumeration ------------------------------------------------------- */

/* Only pci_init uses it, once, on the boot CPU (kmain): no lock. */
static bool bus_scanned[PCI_BUSES];

static void scan_bus(unsigned int bus);

static void add_function(unsigned int bus, unsigned int slot,
			 unsigned int function)
{
	struct pci_device *dev;
	uint32_t class_rev;

	if (pci_ndevices == PCI_MAX_DEVICES) {
		kprintf("pci %02x:%02x.%x: more than %u functions; ignored\n",
			bus, slot, function, PCI_MAX_DEVICES);
		return;
	}
	dev = &pci_devices[pci_ndevices++];
	dev->bus = bus;
	dev->slot = slot;
	dev->function = function;
	dev->vendor_id = pci_config_read16(dev, PCI_VENDOR_ID);
	dev->device_id = pci_config_read16(dev, PCI_DEVICE_ID);
	class_rev = pci_config_read32(dev, PCI_REVISION);
	dev->revision = class_rev;
	dev->prog_if = class_rev >> 8;
	dev->subclass = class_rev >> 16;
	dev->class_code = class_rev >> 24;
	dev->header_type = pci_config_read8(dev, PCI_HEADER_TYPE);
	dev->irq_pin = pci_config_read8(dev, PCI_INTERRUPT_PIN);
	dev->irq_line = pci_config_read8(dev, PCI_INTERRUPT_LINE);
	bars_read(dev);
	/* Quiet until a driver asks for its interrupt (pci_irq_register):
	 * a device nothing drives, left by the firmware with interrupts on,
	 * would otherwise hold a shared level-triggered line asserted that
	 * no handler can clear, and the CPU would take that interrupt
	 * forever. */
	if (dev->irq_pin &&
	    (dev->header_type & PCI_HEADER_LAYOUT) != PCI_HEADER_BRIDGE)
		pci_config_write16(dev, PCI_COMMAND,
				   pci_config_read16(dev, PCI_COMMAND) |
					   PCI_COMMAND_INTX_DISABLE);
	pci_print(dev);
	if ((dev->header_type & PCI_HEADER_LAYOUT) == PCI_HEADER_BRIDGE)
		scan_bus(pci_config_read8(dev, PCI_BRIDGE_SECONDARY_BUS));
}

/* A slot's function 0 says in its header type whether functions 1..7
 * exist (PCI 3.0 section 6.2.1). A bus already scanned (a bridge that
 * the firmware left pointing back) is not scanned again. */
static void scan_bus(unsigned int bus)
{
	if (bus_scanned[bus])
		return;
	bus_scanned[bus] = true;
	for (unsigned int slot = 0; slot < PCI_SLOTS; slot++) {
		unsigned int nfunctions = 1;

		if ((config_read(bus, slot, 0, PCI_VENDOR_ID) & 0xffff) ==
		    PCI_VENDOR_NONE)
			continue;
		if ((config_read(bus, slot, 0, PCI_HEADER_TYPE) >> 16) &
		    PCI_HEADER_MULTIFUNCTION)
			nfunctions = PCI_FUNCTIONS;
		for (unsigned int f = 0; f < nfunctions; f++)
			if ((config_read(bus, slot, f, PCI_VENDOR_ID) &
			     0xffff) != PCI_VENDOR_NONE)
				add_function(bus, slot, f);
	}
}

void pci_init(void)
{
	scan_bus(0);
}

/* ---- the driver's side ------------------------------------------------- */

/* The device after from, or the first if from is NULL. */
static struct pci_device *next_device(struct pci_device *from)
{
	struct pci_device *dev = from ? from + 1 : pci_devices;

	return dev < pci_devices + pci_ndevices ? dev : NULL;
}

struct pci_device *pci_find_id(uint16_t vendor_id, uint16_t device_id,
			       struct pci_device *from)
{
	struct pci_device *dev = from;

	while ((dev = next_device(dev)))
		if (dev->vendor_id == vendor_id && dev->device_id == device_id)
			return dev;
	return NULL;
}

struct pci_device *pci_find_class(uint8_t class_code, uint8_t subclass,
				  struct pci_device *from)
{
	struct pci_device *dev = from;

	while ((dev = next_device(dev)))
		if (dev->class_code == class_code && dev->subclass == subclass)
			return dev;
	return NULL;
}

void pci_for_each(void (*fn)(struct pci_device *dev, void *arg), void *arg)
{
	for (unsigned int i = 0; i < pci_ndevices; i++)
		fn(&pci_devices[i], arg);
}

void pci_enable(struct pci_device *dev, uint16_t bits)
{
	uint16_t command = pci_config_read16(dev, PCI_COMMAND);

	pci_config_write16(dev, PCI_COMMAND, command | bits);
}

void *pci_map_bar(struct pci_device *dev, unsigned int bar)
{
	const struct pci_bar *b;

	if (bar >= PCI_MAX_BARS)
		return NULL;
	b = &dev->bars[bar];
	if (b->io || !b->size)
		return NULL;
	return vm_map_mmio(b->base, b->size);
}

/* INTx# must not be disabled in the command register (PCI 3.0 6.2.2) for
 * the pin to reach the interrupt controller. */
int pci_irq_register(struct pci_device *dev, void (*handler)(void *arg),
		     void *arg)
{
	uint16_t command;
	int err;

	if (!dev->irq_pin || dev->irq_line == 0 || dev->irq_line >= ISA_IRQS)
		return -ENODEV;
	err = irq_register_pci(dev->irq_line, handler, arg);
	if (err)
		return err;
	command = pci_config_read16(dev, PCI_COMMAND);
	pci_config_write16(dev, PCI_COMMAND,
			   command & ~PCI_COMMAND_INTX_DISABLE);
	return 0;
}
