/*
 * Declarations shared inside kernel/arch/x86_64 only: exception numbers,
 * MSRs, and the init functions kmain calls in order.
 */
#ifndef KESTREL_ARCH_CPU_H
#define KESTREL_ARCH_CPU_H

#include "arch/x86_64/arch.h"

/* Exception vectors (SDM vol. 3A, table 6-1). */
#define EXC_DIVIDE_ERROR 0
#define EXC_DEBUG 1
#define EXC_NMI 2
#define EXC_BREAKPOINT 3
#define EXC_OVERFLOW 4
#define EXC_BOUND 5
#define EXC_INVALID_OPCODE 6
#define EXC_DEVICE_NOT_AVAILABLE 7
#define EXC_DOUBLE_FAULT 8
#define EXC_INVALID_TSS 10
#define EXC_SEGMENT_NOT_PRESENT 11
#define EXC_STACK_FAULT 12
#define EXC_GENERAL_PROTECTION 13
#define EXC_PAGE_FAULT 14
#define EXC_X87 16
#define EXC_ALIGNMENT_CHECK 17
#define EXC_MACHINE_CHECK 18
#define EXC_SIMD 19
#define EXC_VIRTUALIZATION 20
#define EXC_CONTROL_PROTECTION 21

#define MSR_APIC_BASE 0x1b
#define MSR_EFER 0xc0000080
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_FMASK 0xc0000084
#define MSR_KERNEL_GS_BASE 0xc0000102
#define EFER_SCE (1 << 0) /* syscall/sysret enabled */

void cpu_init_boot(void);
void cpu_init_ap(struct cpu *c);
void syscall_init(void);

/* trap.c */
/* Print the report every fatal trap and every panic shows. */
void trap_report(const struct trapframe *tf, const char *title);

/* multiboot2.c */
void multiboot2_parse(physaddr_t info);

/* fwcfg.c: QEMU's firmware configuration device */
int fwcfg_read_file(const char *name, char *buf, size_t size);

/* acpi.c */
void acpi_init(void);

/* apic.c */
void pic_disable(void);
void lapic_init(void);
void lapic_setup(void);
void lapic_send_ipi(unsigned int apic_id, unsigned int vector);
void lapic_send_nmi(unsigned int apic_id);
void lapic_send_init(unsigned int apic_id);
void lapic_send_startup(unsigned int apic_id, unsigned int page_number);
void ioapic_init(void);
void lapic_eoi(void);
void lapic_timer_start(unsigned int hz);
/* For time.c's calibration: count down from the top, read what elapsed. */
void lapic_timer_calibration_start(void);
uint32_t lapic_timer_elapsed(void);
extern uint64_t lapic_timer_hz; /* timer counts per second, divide by 16 */
/* Timer counts since this CPU's periodic timer last reached zero (and
 * raised its interrupt): initial count - current count. */
uint32_t lapic_timer_since_fire(void);
void ioapic_route_isa(unsigned int irq, unsigned int vector);
int ioapic_route_pci(unsigned int irq, unsigned int vector);

/* panic.c: the fatal path shared by panic() and fatal traps.
 * panic_begin stops a second panic and frees the console; panic_finish
 * powers off (panic=poweroff on the command line) or halts. */
void panic_begin(void);
__noreturn void panic_finish(void);
void capture_registers(struct trapframe *tf);

/* smp.c */
void smp_ipi(unsigned int vector);
/* Is this NMI the panicking CPU telling this one to stop? */
bool smp_stop_requested(void);
/* panic: stop every other CPU (by NMI, which even a CPU spinning with
 * interrupts off takes). */
void smp_stop_others(void);

/* power.c */
void acpi_poweroff(void);

/* time.c */
extern uint64_t boot_tsc; /* boot.S: the TSC at kernel entry */
extern uint64_t tsc_hz;
void time_init(void);
void rtc_init(void);
void timer_interrupt(void);

#endif
