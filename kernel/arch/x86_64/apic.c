/*
 * Interrupt controllers. The legacy 8259 PICs are remapped out of the way
 * and masked; interrupts come through the local APIC (one per CPU: its
 * timer, end-of-interrupt, spurious vector) and the I/O APIC (device
 * lines, routed to a CPU and vector). Addresses and ISA wiring come from
 * the ACPI MADT (acpi.c). Registers: Intel SDM vol. 3A chapter 11 (local
 * APIC) and the 82093AA I/O APIC data sheet.
 */
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/cpu.h"
#include "mm/mm.h"

/* 8259A ports and initialization words. */
#define PIC1_COMMAND 0x20
#define PIC1_DATA 0x21
#define PIC2_COMMAND 0xa0
#define PIC2_DATA 0xa1
#define ICW1_INIT_ICW4 0x11
#define ICW4_8086 0x01
#define PIC_CASCADE_IRQ 2

/* Local APIC registers (SDM vol. 3A, table 11-1). */
#define LAPIC_ID 0x020
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_ESR 0x280
#define LAPIC_ICR_LOW 0x300
#define LAPIC_ICR_HIGH 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3e0

#define SVR_ENABLE 0x100
#define LVT_MASKED 0x10000
#define LVT_TIMER_PERIODIC 0x20000
#define LVT_DELIVERY_NMI 0x400
#define TIMER_DIVIDE_BY_16 0x3

/* Interrupt command register (SDM vol. 3A, 11.6.1). */
#define ICR_FIXED 0x000
#define ICR_NMI 0x400
#define ICR_INIT 0x500
#define ICR_STARTUP 0x600
#define ICR_SEND_PENDING 0x1000
#define ICR_LEVEL_ASSERT 0x4000
#define ICR_DEST_SHIFT 24 /* in ICR_HIGH */

/* I/O APIC registers (82093AA data sheet, 3.0). */
#define IOAPIC_REGSEL 0x00
#define IOAPIC_WINDOW 0x10
#define IOAPIC_VERSION 0x01
#define IOAPIC_REDIRECTION(n) (0x10 + 2 * (n))
#define REDIR_ACTIVE_LOW (1 << 13)
#define REDIR_LEVEL (1 << 15)
#define REDIR_MASKED (1 << 16)

/*
 * No lock here. lapic, ioapic, ioapic_entries and lapic_timer_hz are
 * written once on the boot CPU (lapic_init, ioapic_init, time_init)
 * before the other CPUs start, and only read afterwards. The local APIC's
 * registers are per CPU: each CPU sees its own at the one address, and
 * writes it with interrupts off where a handler could write it too
 * (icr_send). The I/O APIC's select/window pair is used at boot
 * (ioapic_init, irq_register_isa) and after it only by
 * irq_register_pci, under the "pci irq handlers" lock.
 */
static volatile uint32_t *lapic;
static volatile uint32_t *ioapic;
static unsigned int ioapic_entries;
/* Local APIC timer counts per second at divide-by-16 (time.c measures). */
uint64_t lapic_timer_hz;

static uint32_t lapic_read(unsigned int reg)
{
	return lapic[reg / 4];
}

static void lapic_write(unsigned int reg, uint32_t v)
{
	lapic[reg / 4] = v;
	(void)lapic[LAPIC_ID / 4]; /* wait for the write to land */
}

static uint32_t ioapic_read(unsigned int reg)
{
	ioapic[IOAPIC_REGSEL / 4] = reg;
	return ioapic[IOAPIC_WINDOW / 4];
}

static void ioapic_write(unsigned int reg, uint32_t v)
{
	ioapic[IOAPIC_REGSEL / 4] = reg;
	ioapic[IOAPIC_WINDOW / 4] = v;
}

/* Remap the PICs to VEC_PIC_BASE (so a spurious PIC interrupt cannot be
 * mistaken for an exception or an I/O APIC vector), then mask them. */
void pic_disable(void)
{
	outb(PIC1_COMMAND, ICW1_INIT_ICW4);
	outb(PIC2_COMMAND, ICW1_INIT_ICW4);
	outb(PIC1_DATA, VEC_PIC_BASE);
	outb(PIC2_DATA, VEC_PIC_BASE + 8);
	outb(PIC1_DATA, 1 << PIC_CASCADE_IRQ);
	outb(PIC2_DATA, PIC_CASCADE_IRQ);
	outb(PIC1_DATA, ICW4_8086);
	outb(PIC2_DATA, ICW4_8086);
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}

/* Map the local APIC (every CPU sees its own at the same address), then
 * set up the boot CPU's. */
void lapic_init(void)
{
	lapic = vm_map_mmio(acpi.lapic_phys, PAGE_SIZE);
	if (!lapic)
		panic("apic: cannot map the local APIC");
	lapic_setup();
}

/* Enable this CPU's local APIC with every local interrupt masked but NMI
 * on LINT1; each CPU calls it once, the boot CPU through lapic_init. */
void lapic_setup(void)
{
	this_cpu()->apic_id = lapic_read(LAPIC_ID) >> 24;
	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	/* LINT1 carries NMI on PCs. */
	lapic_write(LAPIC_LVT_LINT1, LVT_DELIVERY_NMI);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_EOI, 0);
	lapic_write(LAPIC_TPR, 0);
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/* Write the ICR: the high half names the target, the write of the low
 * half sends. Interrupts stay off so that no handler on this CPU sends an
 * IPI between the two writes. */
static void icr_send(unsigned int apic_id, uint32_t low)
{
	irq_push_off();
	while (lapic_read(LAPIC_ICR_LOW) & ICR_SEND_PENDING)
		cpu_relax();
	lapic_write(LAPIC_ICR_HIGH, apic_id << ICR_DEST_SHIFT);
	lapic_write(LAPIC_ICR_LOW, low);
	while (lapic_read(LAPIC_ICR_LOW) & ICR_SEND_PENDING)
		cpu_relax();
	irq_pop_off();
}

void lapic_send_ipi(unsigned int apic_id, unsigned int vector)
{
	icr_send(apic_id, ICR_FIXED | vector);
}

void lapic_send_nmi(unsigned int apic_id)
{
	icr_send(apic_id, ICR_NMI);
}

void lapic_send_init(unsigned int apic_id)
{
	icr_send(apic_id, ICR_INIT | ICR_LEVEL_ASSERT);
}

/* The AP starts in real mode at physical page_number * 4096. */
void lapic_send_startup(unsigned int apic_id, unsigned int page_number)
{
	icr_send(apic_id, ICR_STARTUP | page_number);
}

/* Start the timer counting down from the largest count, for calibration. */
void lapic_timer_calibration_start(void)
{
	lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_TIMER_INITIAL, 0xffffffff);
}

uint32_t lapic_timer_elapsed(void)
{
	return 0xffffffff - lapic_read(LAPIC_TIMER_CURRENT);
}

/* In periodic mode the current count reloads from the initial count as
 * it reaches zero, which is when the interrupt is raised (SDM vol. 3A,
 * 11.5.4), so what it has counted down since is the time since then;
 * it wraps if the interrupt waited longer than a whole period. */
uint32_t lapic_timer_since_fire(void)
{
	return lapic_read(LAPIC_TIMER_INITIAL) -
	       lapic_read(LAPIC_TIMER_CURRENT);
}

void lapic_timer_start(unsigned int hz)
{
	uint64_t count = lapic_timer_hz / hz;

	if (count == 0 || count > 0xffffffff)
		panic("apic: timer rate %u Hz is out of range", hz);
	lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_16);
	lapic_write(LAPIC_LVT_TIMER, VEC_TIMER | LVT_TIMER_PERIODIC);
	lapic_write(LAPIC_TIMER_INITIAL, count);
}

void ioapic_init(void)
{
	ioapic = vm_map_mmio(acpi.ioapic_phys, PAGE_SIZE);
	if (!ioapic)
		panic("apic: cannot map the I/O APIC");
	ioapic_entries = ((ioapic_read(IOAPIC_VERSION) >> 16) & 0xff) + 1;
	for (unsigned int i = 0; i < ioapic_entries; i++) {
		ioapic_write(IOAPIC_REDIRECTION(i) + 1, 0);
		ioapic_write(IOAPIC_REDIRECTION(i), REDIR_MASKED);
	}
}

/* Program the I/O APIC pin of ISA IRQ irq (its GSI from the MADT) to
 * deliver vector to this (the boot) CPU; false if the pin is not on the
 * I/O APIC. */
static bool ioapic_route(unsigned int irq, unsigned int vector, bool active_low,
			 bool level)
{
	unsigned int gsi = acpi.isa[irq].gsi;
	unsigned int pin = gsi - acpi.ioapic_gsi_base;
	uint32_t low = vector;

	if (gsi < acpi.ioapic_gsi_base || pin >= ioapic_entries)
		return false;
	if (active_low)
		low |= REDIR_ACTIVE_LOW;
	if (level)
		low |= REDIR_LEVEL;
	ioapic_write(IOAPIC_REDIRECTION(pin) + 1, this_cpu()->apic_id << 24);
	ioapic_write(IOAPIC_REDIRECTION(pin), low);
	return true;
}

/* Deliver ISA interrupt irq as vector, in the electrical form the MADT's
 * interrupt source overrides give (edge, active-high by default). */
void ioapic_route_isa(unsigned int irq, unsigned int vector)
{
	const struct isa_route *r = &acpi.isa[irq];

	if (!ioapic_route(irq, vector, r->active_low, r->level_triggered))
		panic("apic: ISA IRQ %u (GSI %u) is not on the I/O APIC", irq,
		      r->gsi);
}

/* Deliver the PCI interrupt line wired to ISA IRQ irq as vector. PCI
 * INTx# lines are level-triggered and active-low (PCI 3.0 section 2.2.6).
 * Where the MADT overrides the IRQ as level-triggered, its polarity is
 * the one the I/O APIC input sees, and wins: QEMU's PC says active-high
 * for IRQs 5, 9, 10 and 11 (docs/block.md has what was tested). */
int ioapic_route_pci(unsigned int irq, unsigned int vector)
{
	const struct isa_route *r = &acpi.isa[irq];
	bool active_low = r->level_triggered ? r->active_low : true;

	return ioapic_route(irq, vector, active_low, true) ? 0 : -EINVAL;
}
