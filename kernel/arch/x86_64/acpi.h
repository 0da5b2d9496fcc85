/*
 * What the ACPI tables told us, for apic.c and power.c only.
 */
#ifndef KESTREL_ARCH_ACPI_H
#define KESTREL_ARCH_ACPI_H

#include "arch/x86_64/arch.h"

/* An ISA interrupt's routing: the GSI it arrives on and its electrical
 * form (MADT interrupt source override, ACPI 6.5 section 5.2.12.5). */
struct isa_route {
	uint32_t gsi;
	bool active_low;
	bool level_triggered;
};

struct acpi_info {
	physaddr_t lapic_phys;
	physaddr_t ioapic_phys; /* first I/O APIC; 0 if none */
	uint32_t ioapic_gsi_base;
	struct isa_route isa[16];
	unsigned int ncpus;
	uint8_t cpu_apic_ids[MAX_CPUS];
	uint16_t pm1a_control; /* FADT PM1a control block port, 0 if none */
	uint16_t pm1b_control;
	uint8_t s5_sleep_type_a, s5_sleep_type_b; /* from \_S5 in the DSDT */
	bool s5_found;
};

extern struct acpi_info acpi;

#endif
