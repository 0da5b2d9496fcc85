/*
 * Time. The monotonic clock is the TSC, read from kernel entry (boot.S
 * saves the first reading) and converted to nanoseconds with a rate
 * measured at boot against the PIT, whose 1.193182 MHz input clock is the
 * one fixed frequency a PC has. The same measurement window calibrates the
 * local APIC timer, which then interrupts HZ times a second (hz= on the
 * command line, default 100).
 */
#include "arch/x86_64/cpu.h"
#include "sched/sched.h"

/* The PIT (Intel 8254) and the PC's port 0x61 gate for its channel 2. */
#define PIT_HZ 1193182
#define PIT_CHANNEL2 0x42
#define PIT_COMMAND 0x43
#define PIT_CH2_MODE0_LOHI 0xb0 /* channel 2, lo/hi byte, mode 0 */
#define PORT_61 0x61
#define PORT_61_GATE2 0x01
#define PORT_61_SPEAKER 0x02
#define PORT_61_OUT2 0x20

#define CALIBRATION_MS 10
#define HZ_DEFAULT 100
#define HZ_MIN 10
#define HZ_MAX 10000

unsigned int timer_hz;
uint64_t tsc_hz;
/* ns = tsc * ns_per_tsc_fixed >> 32; set once at boot. */
static uint64_t ns_per_tsc_fixed;

uint64_t time_ns(void)
{
	uint64_t delta = rdtsc() - boot_tsc;

	return (uint64_t)(((unsigned __int128)delta * ns_per_tsc_fixed) >> 32);
}

uint64_t ticks_now(void)
{
	return __atomic_load_n(&cpus[0].ticks, __ATOMIC_RELAXED);
}

void delay_us(uint64_t us)
{
	/* Whole MHz plus the remainder, rounded up: tsc_hz / 1000000 alone
	 * truncates, and the wait would come out a little short. */
	uint64_t end = rdtsc() + us * (tsc_hz / 1000000) +
		       (us * (tsc_hz % 1000000) + 999999) / 1000000;

	while (rdtsc() < end)
		cpu_relax();
}

/* Count TSC and APIC timer ticks across CALIBRATION_MS of the PIT. */
static void calibrate(void)
{
	uint16_t count = PIT_HZ * CALIBRATION_MS / 1000;
	uint64_t tsc_start, tsc_end;
	uint32_t apic_ticks;
	uint8_t gate = inb(PORT_61);

	outb(PORT_61, (gate & ~PORT_61_SPEAKER) | PORT_61_GATE2);
	outb(PIT_COMMAND, PIT_CH2_MODE0_LOHI);
	outb(PIT_CHANNEL2, count & 0xff);
	outb(PIT_CHANNEL2, count >> 8);
	/* Restart the count by toggling the gate, then time it. */
	outb(PORT_61, inb(PORT_61) & ~PORT_61_GATE2);
	outb(PORT_61, inb(PORT_61) | PORT_61_GATE2);
	lapic_timer_calibration_start();
	tsc_start = rdtsc();
	while (!(inb(PORT_61) & PORT_61_OUT2))
		cpu_relax();
	tsc_end = rdtsc();
	apic_ticks = lapic_timer_elapsed();
	outb(PORT_61, gate);

	tsc_hz = (tsc_end - tsc_start) * 1000 / CALIBRATION_MS;
	lapic_timer_hz = (uint64_t)apic_ticks * 1000 / CALIBRATION_MS;
	if (tsc_hz == 0 || lapic_timer_hz == 0)
		panic("time: calibration failed (tsc %lu Hz, apic %lu Hz)",
		      tsc_hz, lapic_timer_hz);
	ns_per_tsc_fixed =
		(uint64_t)(((unsigned __int128)NS_PER_SEC << 32) / tsc_hz);
}

/* Called after lapic_init: calibrate the clocks and start the tick. */
void time_init(void)
{
	timer_hz = cmdline_ulong("hz", HZ_DEFAULT);
	if (timer_hz < HZ_MIN || timer_hz > HZ_MAX) {
		kprintf("time: hz=%u is outside %u..%u; using %u\n", timer_hz,
			HZ_MIN, HZ_MAX, HZ_DEFAULT);
		timer_hz = HZ_DEFAULT;
	}
	calibrate();
	lapic_timer_start(timer_hz);
}

void timer_interrupt(void)
{
	__atomic_fetch_add(&this_cpu()->ticks, 1, __ATOMIC_RELAXED);
	sched_tick();
}
