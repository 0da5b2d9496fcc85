/*
 * Reads the Multiboot2 boot information GRUB leaves in memory (a list of
 * tags, Multiboot2 spec section 3.6) into struct bootinfo, which the rest
 * of the kernel uses. Runs on the boot page tables, which direct-map the
 * first 4 GiB, where GRUB always puts the information.
 */
#include "arch/x86_64/cpu.h"

#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_LOADER_NAME 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_MMAP 6
#define MB2_TAG_FRAMEBUFFER 8
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15

struct mb2_info {
	uint32_t total_size;
	uint32_t reserved;
} __packed;

struct mb2_tag {
	uint32_t type;
	uint32_t size;
} __packed;

struct mb2_tag_module {
	struct mb2_tag tag;
	uint32_t mod_start;
	uint32_t mod_end;
	char cmdline[];
} __packed;

struct mb2_tag_mmap {
	struct mb2_tag tag;
	uint32_t entry_size;
	uint32_t entry_version;
} __packed;

struct mb2_mmap_entry {
	uint64_t base;
	uint64_t length;
	uint32_t type;
	uint32_t reserved;
} __packed;

struct mb2_tag_framebuffer {
	struct mb2_tag tag;
	uint64_t addr;
	uint32_t pitch;
	uint32_t width;
	uint32_t height;
	uint8_t bpp;
	uint8_t type;
} __packed;

struct bootinfo bootinfo;

static void parse_mmap(const struct mb2_tag_mmap *t)
{
	const uint8_t *p = (const uint8_t *)(t + 1);
	const uint8_t *end = (const uint8_t *)t + t->tag.size;

	if (t->entry_size < sizeof(struct mb2_mmap_entry))
		return;
	for (; p + t->entry_size <= end; p += t->entry_size) {
		const struct mb2_mmap_entry *e = (const void *)p;
		struct mem_region *r;

		if (bootinfo.nregions == BOOT_MAX_REGIONS) {
			kprintf("multiboot2: more than %d memory regions; "
				"ignoring the rest\n",
				BOOT_MAX_REGIONS);
			return;
		}
		r = &bootinfo.regions[bootinfo.nregions++];
		r->base = e->base;
		r->length = e->length;
		/* Unknown types are reserved (spec 3.6.8). */
		r->type = (e->type >= MEM_AVAILABLE && e->type <= MEM_BAD)
				  ? (enum mem_type)e->type
				  : MEM_RESERVED;
	}
}

static void parse_tag(const struct mb2_tag *tag)
{
	switch (tag->type) {
	case MB2_TAG_CMDLINE:
		bootinfo.cmdline = (const char *)(tag + 1);
		break;
	case MB2_TAG_LOADER_NAME:
		bootinfo.loader_name = (const char *)(tag + 1);
		break;
	case MB2_TAG_MODULE: {
		const struct mb2_tag_module *m = (const void *)tag;
		struct boot_module *bm;

		if (bootinfo.nmodules == BOOT_MAX_MODULES)
			break;
		bm = &bootinfo.modules[bootinfo.nmodules++];
		bm->start = m->mod_start;
		bm->end = m->mod_end;
		bm->cmdline = m->cmdline;
		break;
	}
	case MB2_TAG_MMAP:
		parse_mmap((const void *)tag);
		break;
	case MB2_TAG_FRAMEBUFFER: {
		const struct mb2_tag_framebuffer *fb = (const void *)tag;

		bootinfo.framebuffer.addr = fb->addr;
		bootinfo.framebuffer.pitch = fb->pitch;
		bootinfo.framebuffer.width = fb->width;
		bootinfo.framebuffer.height = fb->height;
		bootinfo.framebuffer.bpp = fb->bpp;
		bootinfo.framebuffer.type = fb->type;
		break;
	}
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		/* Prefer the ACPI 2.0 RSDP (it has the XSDT) when both come. */
		if (!bootinfo.rsdp || tag->type == MB2_TAG_ACPI_NEW)
			bootinfo.rsdp = virt_to_phys(tag + 1);
		break;
	}
}

void multiboot2_parse(physaddr_t info)
{
	const struct mb2_info *mbi = phys_to_virt(info);
	const uint8_t *p = (const uint8_t *)(mbi + 1);
	const uint8_t *end = (const uint8_t *)mbi + mbi->total_size;

	bootinfo.info_start = info;
	bootinfo.info_end = info + mbi->total_size;
	/* Tags are 8-byte aligned; the list ends with a tag of type 0. */
	while (p + sizeof(struct mb2_tag) <= end) {
		const struct mb2_tag *tag = (const void *)p;

		if (tag->type == MB2_TAG_END || tag->size < sizeof(*tag))
			break;
		parse_tag(tag);
		p += ALIGN_UP(tag->size, 8);
	}
	if (bootinfo.nregions == 0)
		panic("multiboot2: the boot loader gave no memory map");
}

/* The loaded image, from the linker script: .boot starts at
 * KERNEL_PHYS_BASE, everything after it is linked at KERNEL_VMA. */
physaddr_t kernel_phys_start(void)
{
	return KERNEL_PHYS_BASE;
}

physaddr_t kernel_phys_end(void)
{
	extern char _kernel_end[];

	return (physaddr_t)_kernel_end - KERNEL_VMA;
}
