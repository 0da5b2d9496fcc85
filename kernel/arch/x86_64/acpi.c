/*
 * Reads the ACPI tables the firmware left in memory: the RSDP (which
 * GRUB copies into the Multiboot2 tags) points at the RSDT or XSDT, a
 * list of tables. Kestrel uses two of them: the MADT (signature "APIC")
 * for the CPUs, the local APIC and I/O APIC addresses and how ISA
 * interrupts are wired, and the FADT ("FACP") with the DSDT's \_S5
 * object for powering off. A table with a bad checksum is ignored with a
 * message. Table layouts: ACPI 6.5, chapter 5.2.
 */
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/cpu.h"

struct acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision; /* 0: ACPI 1.0 (RSDT only), 2+: has the XSDT */
	uint32_t rsdt_address;
	uint32_t length;
	uint64_t xsdt_address;
	uint8_t extended_checksum;
	uint8_t reserved[3];
} __packed;

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __packed;

struct acpi_madt {
	struct acpi_header header;
	uint32_t lapic_address;
	uint32_t flags;
	uint8_t entries[];
} __packed;

#define MADT_LOCAL_APIC 0
#define MADT_IO_APIC 1
#define MADT_SOURCE_OVERRIDE 2
#define MADT_LAPIC_ADDRESS_OVERRIDE 5
#define MADT_LAPIC_ENABLED 0x1

#define MPS_POLARITY_MASK 0x3
#define MPS_POLARITY_LOW 0x3
#define MPS_TRIGGER_MASK 0xc
#define MPS_TRIGGER_LEVEL 0xc

/* FADT field offsets (ACPI 6.5, table 5.9). */
#define FADT_DSDT 40
#define FADT_PM1A_CNT_BLK 64
#define FADT_PM1B_CNT_BLK 68
#define FADT_X_DSDT 140

#define AML_PACKAGE_OP 0x12
#define AML_BYTE_PREFIX 0x0a
#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01

#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_EN (1 << 13)

struct acpi_info acpi;

static bool checksum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return sum == 0;
}

/* The table at pa, if it is reachable and its checksum is right. */
static const struct acpi_header *table_at(physaddr_t pa)
{
	const struct acpi_header *h = phys_to_virt(pa);
	struct acpi_header copy;

	if (copy_nofault(&copy, h, sizeof(copy)) < 0) {
		kprintf("acpi: table at %#lx is not in mapped memory; "
			"ignored\n",
			pa);
		return NULL;
	}
	if (copy.length < sizeof(copy) || copy.length > (1 << 20) ||
	    !checksum_ok(h, copy.length)) {
		kprintf("acpi: table %.4s at %#lx has a bad length or "
			"checksum; ignored\n",
			copy.signature, pa);
		return NULL;
	}
	return h;
}

static const struct acpi_header *find_table(const struct acpi_rsdp *rsdp,
					    const char *sig)
{
	bool xsdt = rsdp->revision >= 2 && rsdp->xsdt_address;
	const struct acpi_header *root =
		table_at(xsdt ? rsdp->xsdt_address : rsdp->rsdt_address);
	size_t entry_size = xsdt ? 8 : 4;

	if (!root)
		return NULL;
	size_t n = (root->length - sizeof(*root)) / entry_size;
	const uint8_t *entries = (const uint8_t *)(root + 1);
	for (size_t i = 0; i < n; i++) {
		physaddr_t pa = 0;
		const struct acpi_header *t;

		memcpy(&pa, entries + i * entry_size, entry_size);
		t = table_at(pa);
		if (t && memcmp(t->signature, sig, 4) == 0)
			return t;
	}
	return NULL;
}

static void parse_madt(const struct acpi_madt *madt)
{
	const uint8_t *p = madt->entries;
	const uint8_t *end = (const uint8_t *)madt + madt->header.length;

	acpi.lapic_phys = madt->lapic_address;
	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		switch (p[0]) {
		case MADT_LOCAL_APIC:
			if ((p[4] & MADT_LAPIC_ENABLED) &&
			    acpi.ncpus < MAX_CPUS)
				acpi.cpu_apic_ids[acpi.ncpus++] = p[3];
			break;
		case MADT_IO_APIC:
			if (!acpi.ioapic_phys) {
				uint32_t addr, base;

				memcpy(&addr, p + 4, 4);
				memcpy(&base, p + 8, 4);
				acpi.ioapic_phys = addr;
				acpi.ioapic_gsi_base = base;
			}
			break;
		case MADT_SOURCE_OVERRIDE: {
			uint8_t source = p[3];
			uint32_t gsi;
			uint16_t flags;

			memcpy(&gsi, p + 4, 4);
			memcpy(&flags, p + 8, 2);
			if (source < 16) {
				struct isa_route *r = &acpi.isa[source];

				r->gsi = gsi;
				r->active_low = (flags & MPS_POLARITY_MASK) ==
						MPS_POLARITY_LOW;
				r->level_triggered =
					(flags & MPS_TRIGGER_MASK) ==
					MPS_TRIGGER_LEVEL;
			}
			break;
		}
		case MADT_LAPIC_ADDRESS_OVERRIDE:
			memcpy(&acpi.lapic_phys, p + 4, 8);
			break;
		}
		p += p[1];
	}
}

/* An AML integer constant at p: ZeroOp, OneOp or BytePrefix n. */
static int aml_byte(const uint8_t *p, const uint8_t *end, uint8_t *out)
{
	if (p >= end)
		return -EINVAL;
	if (*p == AML_ZERO_OP || *p == AML_ONE_OP) {
		*out = *p;
		return 1;
	}
	if (*p == AML_BYTE_PREFIX && p + 1 < end) {
		*out = p[1];
		return 2;
	}
	return -EINVAL;
}

/* Find Name(\_S5, Package() { SLP_TYPa, SLP_TYPb, ... }) in the DSDT's
 * AML by its bytes, as small kernels do instead of running an AML
 * interpreter. */
static void find_s5(const struct acpi_header *dsdt)
{
	const uint8_t *p = (const uint8_t *)(dsdt + 1);
	const uint8_t *end = (const uint8_t *)dsdt + dsdt->length;

	for (; p + 8 < end; p++) {
		int n;

		if (memcmp(p, "_S5_", 4) != 0 || p[4] != AML_PACKAGE_OP)
			continue;
		/* PkgLength: its top two bits say how many more bytes. */
		p += 5;
		p += 1 + (*p >> 6);
		p++; /* NumElements */
		n = aml_byte(p, end, &acpi.s5_sleep_type_a);
		if (n < 0)
			return;
		if (aml_byte(p + n, end, &acpi.s5_sleep_type_b) < 0)
			return;
		acpi.s5_found = true;
		return;
	}
}

static void parse_fadt(const struct acpi_header *fadt)
{
	const uint8_t *f = (const uint8_t *)fadt;
	uint32_t pm1a, pm1b, dsdt32;
	uint64_t dsdt = 0;
	const struct acpi_header *d;

	memcpy(&dsdt32, f + FADT_DSDT, 4);
	memcpy(&pm1a, f + FADT_PM1A_CNT_BLK, 4);
	memcpy(&pm1b, f + FADT_PM1B_CNT_BLK, 4);
	if (fadt->length >= FADT_X_DSDT + 8)
		memcpy(&dsdt, f + FADT_X_DSDT, 8);
	if (!dsdt)
		dsdt = dsdt32;
	acpi.pm1a_control = pm1a;
	acpi.pm1b_control = pm1b;
	d = dsdt ? table_at(dsdt) : NULL;
	if (d && memcmp(d->signature, "DSDT", 4) == 0)
		find_s5(d);
}

void acpi_init(void)
{
	const struct acpi_rsdp *rsdp;
	const struct acpi_header *t;

	for (int i = 0; i < 16; i++)
		acpi.isa[i].gsi = i; /* identity unless overridden */
	if (!bootinfo.rsdp)
		panic("acpi: the boot loader found no ACPI RSDP; Kestrel "
		      "needs ACPI to find the APICs");
	rsdp = phys_to_virt(bootinfo.rsdp);
	if (memcmp(rsdp->signature, "RSD PTR ", 8) != 0 ||
	    !checksum_ok(rsdp, 20))
		panic("acpi: the RSDP is corrupt");

	t = find_table(rsdp, "APIC");
	if (!t)
		panic("acpi: no MADT; Kestrel needs an APIC");
	parse_madt((const struct acpi_madt *)t);
	if (!acpi.ioapic_phys)
		panic("acpi: the MADT lists no I/O APIC");
	ncpus_found = acpi.ncpus ? acpi.ncpus : 1;

	t = find_table(rsdp, "FACP");
	if (t)
		parse_fadt(t);
	if (!acpi.s5_found)
		kprintf("acpi: no \\_S5 sleep state: power-off needs QEMU's "
			"isa-debug-exit\n");
}

void acpi_poweroff(void)
{
	uint16_t a = (uint16_t)acpi.s5_sleep_type_a << PM1_SLP_TYP_SHIFT;
	uint16_t b = (uint16_t)acpi.s5_sleep_type_b << PM1_SLP_TYP_SHIFT;

	if (!acpi.s5_found || !acpi.pm1a_control)
		return;
	outw(acpi.pm1a_control, a | PM1_SLP_EN);
	if (acpi.pm1b_control)
		outw(acpi.pm1b_control, b | PM1_SLP_EN);
	delay_us(100000);
}
