/*
 * Turning the machine off. Under QEMU the isa-debug-exit device (enabled by
 * the Makefile and the grader at port 0xf4) ends QEMU with exit status
 * 2*status+1, which is how a test run reports success or failure to the
 * shell. Without that device the ACPI S5 sleep state powers off.
 */
#include "arch/x86_64/cpu.h"

#define ISA_DEBUG_EXIT_PORT 0xf4

__noreturn void poweroff(int status)
{
	kprintf("kestrel: power off (status %d)\n", status);
	irq_disable();
	outl(ISA_DEBUG_EXIT_PORT, status);
	acpi_poweroff();
	kprintf("kestrel: power off failed; halted\n");
	halt_forever();
}
