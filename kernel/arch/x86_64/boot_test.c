/*
 * Tests of what the boot found: boot.ready is the one the grader uses to
 * check a boot got all the way through init (with a given -m or -cpu);
 * the others check the Multiboot2 and ACPI information behind the banner.
 */
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/cpu.h"
#include "lib/ktest.h"
#include "mm/mm.h"

KTEST(boot, ready)
{
	uint64_t deadline = time_ns() + 100000000; /* 100 ms */

	KT_ASSERT(irq_enabled(), "interrupts are off after boot");
	while (ticks_now() == 0 && time_ns() < deadline)
		cpu_relax();
	KT_ASSERT(ticks_now() > 0, "no timer tick within 100 ms");
	KT_ASSERT(mem_available_bytes() > 0, "no memory found");
}

KTEST(boot, memory_map)
{
	uint64_t below_1m = 0;

	KT_ASSERT(bootinfo.nregions > 0, "no memory map");
	for (unsigned int i = 0; i < bootinfo.nregions; i++) {
		const struct mem_region *r = &bootinfo.regions[i];

		if (r->type == MEM_AVAILABLE && r->base < 0x100000)
			below_1m += MIN(r->length, 0x100000 - r->base);
	}
	/* Every PC has conventional memory below 640 KiB. */
	KT_ASSERT(below_1m >= 0x80000, "only %lu bytes below 1 MiB", below_1m);
	KT_ASSERT(kernel_phys_start() >= 0x100000, "kernel below 1 MiB");
	KT_ASSERT(kernel_phys_end() > kernel_phys_start(), "empty kernel");
}

KTEST(boot, acpi)
{
	KT_ASSERT(bootinfo.rsdp != 0, "no RSDP from the boot loader");
	KT_ASSERT(acpi.lapic_phys != 0, "no local APIC address");
	KT_ASSERT(acpi.ioapic_phys != 0, "no I/O APIC address");
	KT_ASSERT(acpi.ncpus >= 1, "no CPU in the MADT");
	KT_ASSERT(acpi.cpu_apic_ids[0] == this_cpu()->apic_id,
		  "boot CPU APIC id %u is not the MADT's first (%u)",
		  this_cpu()->apic_id, acpi.cpu_apic_ids[0]);
	/* QEMU's PC wires the PIT (ISA IRQ 0) to GSI 2. */
	KT_ASSERT(acpi.isa[0].gsi == 2, "IRQ 0 on GSI %u", acpi.isa[0].gsi);
	KT_ASSERT(acpi.s5_found, "no \\_S5 in the DSDT");
}

/* The grader passes ktest= through fw_cfg: it must be on the command line
 * this test sees. */
KTEST(boot, cmdline)
{
	KT_ASSERT(cmdline_option("ktest", NULL, 0) == 0,
		  "ktest= missing from '%s'", cmdline_get());
}
