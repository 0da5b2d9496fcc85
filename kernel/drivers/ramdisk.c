/*
 * The RAM disk: each file GRUB loads as a Multiboot2 module (a module2
 * line in grub.cfg) becomes a disk, ram0, ram1..., whose sectors are the
 * module's bytes in memory. The frame allocator keeps modules out of its
 * free lists, and the direct map covers them, so a read or a write is a
 * memcpy and the request completes at once, inside submit. Writes change
 * only the copy in memory: it is gone at the next boot. docs/block.md.
 */
#include "arch/x86_64/arch.h"
#include "drivers/drivers.h"
#include "block/block.h"
#include "mm/mm.h"

/* No lock: each request touches only its own sectors, and two requests
 * for the same sectors at once race as they would on any disk. */
static int ramdisk_submit(struct block_device *dev, struct block_request *req)
{
	char *data = (char *)dev->driver_data + req->sector * SECTOR_SIZE;

	for (uint32_t i = 0; i < req->count && !req->flush; i++) {
		void *p = block_request_sector(req, i);

		if (req->write)
			memcpy(data + (size_t)i * SECTOR_SIZE, p, SECTOR_SIZE);
		else
			memcpy(p, data + (size_t)i * SECTOR_SIZE, SECTOR_SIZE);
	}
	block_complete(req, 0);
	return 0;
}

static const struct block_device_ops ramdisk_ops = {
	.driver = "RAM disk",
	.submit = ramdisk_submit,
};

/* A module's last partial sector, if any, is left out. */
static void add_module(unsigned int i, const struct boot_module *m)
{
	struct block_device *dev = kzalloc(sizeof(*dev));
	uint64_t bytes = m->end - m->start;

	if (!dev) {
		kprintf("ramdisk: out of memory\n");
		return;
	}
	ksnprintf(dev->name, sizeof(dev->name), "ram%u", i);
	dev->sectors = bytes / SECTOR_SIZE;
	dev->ops = &ramdisk_ops;
	dev->driver_data = phys_to_virt(m->start);
	kprintf("ramdisk: %s: module '%s' at %#lx, %lu bytes\n", dev->name,
		m->cmdline ? m->cmdline : "", m->start, bytes);
	block_register(dev);
}

void ramdisk_init(void)
{
	for (unsigned int i = 0; i < bootinfo.nmodules; i++)
		add_module(i, &bootinfo.modules[i]);
}
