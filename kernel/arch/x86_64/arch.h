/*
 * The x86-64 architecture layer's public face: what the rest of the kernel
 * may use of the CPU, the interrupt controllers, the clock and the boot
 * information. Nothing outside kernel/arch/x86_64 includes anything else
 * from this folder, except memlayout.h for the address-space constants.
 */
#ifndef KESTREL_ARCH_H
#define KESTREL_ARCH_H

#include "lib/lib.h"
#include "arch/x86_64/memlayout.h"

/* ---- port I/O and single instructions -------------------------------- */

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline void outw(uint16_t port, uint16_t v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline void outl(uint16_t port, uint32_t v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void cpu_relax(void)
{
	asm volatile("pause");
}

#define RFLAGS_TF (1UL << 8)
#define RFLAGS_IF (1UL << 9)
#define RFLAGS_DF (1UL << 10)
/* What user code may change in rflags (sigreturn, ptrace): CF PF AF ZF
 * SF TF DF OF AC, never IOPL, IF, VM and the rest. */
#define RFLAGS_USER_CHANGEABLE 0x40dd5UL

static inline uint64_t read_rflags(void)
{
	uint64_t f;

	asm volatile("pushfq; popq %0" : "=r"(f));
	return f;
}
static inline bool irq_enabled(void)
{
	return read_rflags() & RFLAGS_IF;
}
static inline void irq_disable(void)
{
	asm volatile("cli" ::: "memory");
}
static inline void irq_enable(void)
{
	asm volatile("sti" ::: "memory");
}
/* Enable interrupts and halt until one arrives, with no window between the
 * two in which a wakeup could be missed (sti delays interrupts by one
 * instruction). */
static inline void irq_enable_and_halt(void)
{
	asm volatile("sti; hlt" ::: "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;

	asm volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}
static inline uint64_t read_cr3(void)
{
	uint64_t v;

	asm volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}
static inline void write_cr3(uint64_t v)
{
	asm volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}
static inline void invlpg(uintptr_t va)
{
	asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* SMAP: user pages are touchable from kernel mode only between stac
 * and clac (only on CPUs that have it: cpu_has_smap). */
extern bool cpu_has_smap;
void cpu_protection_init(void);
static inline void user_access_begin(void)
{
	if (cpu_has_smap)
		asm volatile("stac" ::: "memory");
}
static inline void user_access_end(void)
{
	if (cpu_has_smap)
		asm volatile("clac" ::: "memory");
}

/* The SSE/x87 state of a task (fxsave's 512 bytes, 16-byte aligned). */
struct fpu_state {
	uint8_t bytes[512];
} __attribute__((aligned(16)));
static inline void fpu_save(struct fpu_state *s)
{
	asm volatile("fxsave64 %0" : "=m"(*s));
}
static inline void fpu_restore(const struct fpu_state *s)
{
	asm volatile("fxrstor64 %0" : : "m"(*s));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	asm volatile("wrmsr"
		     :
		     : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	asm volatile("cpuid"
		     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
		     : "a"(leaf), "c"(sub));
}

/* ---- physical <-> virtual -------------------------------------------- */

static inline void *phys_to_virt(physaddr_t p)
{
	return (void *)(p + DIRECT_MAP_BASE);
}
/* Only for direct-map and kernel-image addresses. */
static inline physaddr_t virt_to_phys(const void *v)
{
	uintptr_t a = (uintptr_t)v;

	if (a >= KERNEL_VMA)
		return a - KERNEL_VMA;
	return a - DIRECT_MAP_BASE;
}

/* ---- per-CPU data ---------------------------------------------------- */

/* Task-state segment (Intel SDM vol. 3A, 8.7): the stacks the CPU
 * switches to on a privilege change (rsp0) and on IST interrupts. */
struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;

#define GDT_ENTRIES 7 /* null, kcode, kdata, udata, ucode, tss (2 slots) */

/* One per CPU, reached through %gs. Every field is touched only by its own
 * CPU (with interrupts off where an interrupt handler also touches it), so
 * none needs a lock. */
struct task;

struct cpu {
	struct cpu *self; /* at %gs:0, so this_cpu() is a single load */
	/* For the syscall entry (syscall.S), at fixed offsets: */
	uint64_t syscall_stack; /* CPU_SYSCALL_STACK: the task's stack top */
	uint64_t user_rsp;      /* CPU_USER_RSP: user rsp during entry */
	unsigned int id;        /* index into cpus[] */
	unsigned int apic_id;
	int irq_off_depth;     /* nesting of irq_push_off() */
	bool irq_were_enabled; /* IF before the outermost irq_push_off() */
	bool need_resched;     /* the tick asks the running task to yield */
	uint64_t ticks;        /* timer interrupts taken on this CPU */
	uint64_t ipis;         /* inter-processor interrupts taken */
	uint64_t resched_ipis; /* of them, VEC_IPI_RESCHED */
	uint64_t tlb_ipis;     /* of them, VEC_IPI_TLB */
	uint64_t irqs[16];     /* device interrupts taken, by ISA line */
	/* Whose page tables are in CR3 (arch_switch_to), and so in whose
	 * vm_space's active_cpus this CPU's bit is set. */
	struct vm_space *space;
	/* The scheduler's (kernel/sched), changed only with interrupts off
	 * or under the sched lock: */
	struct task *task;         /* running now */
	struct task *idle_task;    /* runs when nothing else can */
	struct task *exiting_task; /* switching away for the last time */
	struct task *dead_tasks;   /* exited here, off the CPU: to free
				    * (reap_dead), linked by task.next */
	uint64_t gdt[GDT_ENTRIES];
	struct tss tss;
};

#define MAX_CPUS 8

extern struct cpu cpus[MAX_CPUS];
extern unsigned int ncpus_found; /* from the ACPI MADT */

/* ---- several CPUs (smp.c, docs/smp.md) -------------------------------- */

extern unsigned int ncpus_running; /* CPUs started, the boot CPU included */
extern uint32_t cpus_online;       /* bit i set: cpus[i] runs */

/* Boot: start the application processors the MADT lists (smp.max=N and
 * nosmp on the command line limit them). Called once the scheduler can
 * make idle tasks. */
void smp_init(void);
/* Interrupt CPU cpu so that it looks at the run queue (it may be halted
 * in its idle loop) and, if it was in user mode, at pending signals. */
void smp_send_resched(unsigned int cpu);
/* The page-table entries of [start, end) in vs changed: drop their TLB
 * entries on every CPU that may cache them (vs's active_cpus; every CPU
 * for &kernel_space) and return once all have. Caller has interrupts on
 * or holds only spinlocks: CPUs spinning meanwhile answer from their spin
 * loop (tlb_shootdown_poll). */
void tlb_shootdown(struct vm_space *vs, uintptr_t start, uintptr_t end);
/* Answer a shootdown addressed to this CPU, if any; for spin loops that
 * run with interrupts off. */
void tlb_shootdown_poll(void);

/* The CPU's brand string from CPUID (or its vendor if it has none). */
void cpu_model(char *buf, size_t size);

static inline struct cpu *this_cpu(void)
{
	struct cpu *c;

	asm volatile("movq %%gs:0, %0" : "=r"(c));
	return c;
}

/* The task running on this CPU, in one load through %gs: a preemption
 * cannot come between finding the CPU and reading its task, so whichever
 * CPU runs the load, the answer is the caller itself, and interrupts
 * need not be turned off around it. */
static inline struct task *this_cpu_task(void)
{
	struct task *t;

	asm volatile("movq %%gs:%c1, %0"
		     : "=r"(t)
		     : "i"(__builtin_offsetof(struct cpu, task)));
	return t;
}

/* This CPU's need_resched, in one load through %gs (as this_cpu_task):
 * a hint, read without turning interrupts off. */
static inline bool this_cpu_need_resched(void)
{
	bool r;

	asm volatile("movb %%gs:%c1, %0"
		     : "=q"(r)
		     : "i"(__builtin_offsetof(struct cpu, need_resched)));
	return r;
}

struct trapframe;

struct vm_space;

/* ---- a task's CPU state beyond its stack (arch_task.c) ---------------
 * struct task (kernel/sched) embeds one. Only the task itself changes
 * it, on its own CPU (or its maker, before the task first runs), so it
 * needs no lock. */
struct arch_task {
	struct vm_space *vs; /* user address space, or NULL (kernel only) */
	uint64_t fs_base;    /* user TLS base (arch_prctl) */
	/* A user task's (vs set) SSE/x87 registers while it is not
	 * running; a kernel task has none to keep. */
	struct fpu_state fpu;
};

/* A new task's: address space vs (NULL: the kernel's only), FS base 0,
 * and the SSE state a new program starts with (x87 and SSE reset, every
 * SSE exception masked: MXCSR 0x1f80, as Linux gives it). */
void arch_task_init(struct arch_task *a, struct vm_space *vs);
/* The context switch, interrupts off: this CPU leaves prev for next.
 * Saves prev's SSE registers and loads next's (for user tasks), then
 * loads next's kernel stack top (where interrupts and system calls from
 * user mode land), address space (CR3; &kernel_space for a kernel task)
 * and FS base. */
void arch_task_switch(struct arch_task *prev, struct arch_task *next,
		      uint64_t next_stack_top);
/* fork: child (not yet started) gets the SSE registers this CPU holds
 * now, the running task cur's, and cur's FS base. */
void arch_task_fork(struct arch_task *child, const struct arch_task *cur);
/* exec: the running task cur gets a clean SSE state and FS base 0, on
 * the CPU at once. */
void arch_task_exec(struct arch_task *cur);
/* The running task cur moves to address space vs (NULL: the kernel's
 * only): exec, exit. */
void arch_task_set_vs(struct arch_task *cur, struct vm_space *vs);
/* The running task cur's FS base (arch_prctl), on the CPU at once. */
void arch_task_set_fs_base(struct arch_task *cur, uint64_t base);
/* Leave for user mode with the registers in tf, which lies at the top of
 * the running task's kernel stack (vectors.S). */
__noreturn void user_enter(struct trapframe *tf);

/* Interrupt-disable nesting, as xv6's push_off/pop_off: the spinlock
 * code uses these so that a lock is never held with interrupts on. */
void irq_push_off(void);
void irq_pop_off(void);

/* ---- traps and interrupts -------------------------------------------- */

/* What trap entry (vectors.S) saves: the general registers, the vector
 * and error code, and the frame the CPU pushed. */
struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* Interrupt vectors. */
#define VEC_IRQ_BASE 32      /* ISA IRQ n arrives at VEC_IRQ_BASE + n */
#define VEC_TIMER 48         /* local APIC timer */
#define VEC_PIC_BASE 0xe0    /* the masked 8259s, spurious only */
#define VEC_IPI_RESCHED 0xf0 /* smp.c: look at the run queue */
#define VEC_IPI_TLB 0xf1     /* smp.c: TLB shootdown */
#define VEC_SPURIOUS 0xff    /* local APIC spurious vector */

#define ISA_IRQ_KEYBOARD 1
#define ISA_IRQ_COM1 4

/* "page fault (#PF)" and so on, for reports. */
const char *exception_name(unsigned int vector);

/* Route ISA interrupt irq through the I/O APIC to this CPU and call
 * handler for each one. Called once per irq, at boot. */
void irq_register_isa(unsigned int irq, void (*handler)(void));
/* Route the PCI interrupt line on ISA IRQ irq (the number the firmware
 * wrote in the device's interrupt-line register) through the I/O APIC,
 * level-triggered, to this CPU, and call handler(arg) for each interrupt.
 * PCI lines are shared: every handler on the line is called each time,
 * and each must ask its device whether it interrupted. 0, -EINVAL (no such
 * line), -EBUSY (an ISA device's line) or -ENOMEM. */
int irq_register_pci(unsigned int irq, void (*handler)(void *arg), void *arg);
/* For /proc/interrupts: the handlers on ISA line irq (0..15) by their
 * functions' names, ", " between them, in buf ("" if none); true if the
 * line is a PCI one (level-triggered). */
bool irq_line_info(unsigned int irq, char *buf, size_t size);
/* Interrupts on vectors no one handles (all CPUs). */
extern uint64_t spurious_count;
/* For irq:irq_entry: nanoseconds since the interrupt on vector was
 * raised, where the hardware says (the local APIC timer: its count since
 * it reached zero), or -1 where it does not (device lines, IPIs).
 * Called on the interrupted CPU, interrupts off, on entry to trap(). */
int64_t irq_arrival_delay_ns(uint64_t vector);
/* ---- time ------------------------------------------------------------ */

/* Nanoseconds since boot from the calibrated TSC; monotonic. */
uint64_t time_ns(void);
/* Nanoseconds since 1970-01-01 00:00 UTC: the CMOS clock read at boot
 * plus time_ns(), so it never jumps unless time_set_realtime_ns (the
 * settimeofday and clock_settime calls) moves it. */
uint64_t time_realtime_ns(void);
void time_set_realtime_ns(uint64_t ns);
/* The CMOS clock itself, in UTC (/dev/rtc0): a calendar time, mon 1-12,
 * the full year, wday 0-6 from Sunday, yday 0-365 (rtc_get fills those
 * two; rtc_set ignores them). rtc_set refuses a date that does not
 * exist (-EINVAL) and does not move time_realtime_ns. */
struct rtc_tm {
	unsigned int sec, min, hour, mday, mon, year, wday, yday;
};
void rtc_get(struct rtc_tm *tm);
int rtc_set(const struct rtc_tm *tm);
/* Timer interrupts since boot on the boot CPU, and their rate. */
uint64_t ticks_now(void);
extern unsigned int timer_hz;
/* Busy-wait, for drivers that must wait microseconds for hardware. */
void delay_us(uint64_t us);

/* ---- boot information ------------------------------------------------ */

enum mem_type {
	MEM_AVAILABLE = 1, /* Multiboot2 memory map types (spec 3.6.8) */
	MEM_RESERVED = 2,
	MEM_ACPI_RECLAIMABLE = 3,
	MEM_ACPI_NVS = 4,
	MEM_BAD = 5,
};

struct mem_region {
	physaddr_t base;
	uint64_t length;
	enum mem_type type;
};

struct boot_module {
	physaddr_t start, end;
	const char *cmdline;
};

#define BOOT_MAX_REGIONS 64
#define BOOT_MAX_MODULES 8

/* Everything the kernel keeps from the Multiboot2 tags. */
struct bootinfo {
	physaddr_t info_start, info_end; /* the tags themselves */
	const char *cmdline;
	const char *loader_name;
	struct mem_region regions[BOOT_MAX_REGIONS];
	unsigned int nregions;
	struct boot_module modules[BOOT_MAX_MODULES];
	unsigned int nmodules;
	physaddr_t rsdp; /* ACPI RSDP copy inside the tags, 0 if none */
	struct {
		physaddr_t addr;
		uint32_t pitch, width, height;
		uint8_t bpp, type; /* type 2 = EGA text */
	} framebuffer;
};

extern struct bootinfo bootinfo;

/* Physical range of the loaded kernel image (from the linker script). */
physaddr_t kernel_phys_start(void);
physaddr_t kernel_phys_end(void);

/* ---- faults, panics and power ---------------------------------------- */

/* Copy n bytes, returning 0, or -EFAULT if any byte could not be read or
 * written (page fault or general protection fault) instead of crashing.
 * The trap handler finds the faulting instruction in the exception table
 * (__extable) and resumes at its fixup. */
int copy_nofault(void *dst, const void *src, size_t n);
int cmpxchg_nofault(uint32_t *p, uint32_t old, uint32_t new, uint32_t *cur);

/* Print "  [<addr>] function+0xoff/0xsize" for rip, then for each frame on
 * the rbp chain; stops at a bad frame pointer or after a limit. */
void backtrace_print(uint64_t rip, uint64_t rbp);
/* The function containing addr, or NULL; *offset and *size if not NULL. */
const char *ksym_lookup(uint64_t addr, uint64_t *offset, uint64_t *size);

/* Power the machine off. Under QEMU with isa-debug-exit QEMU exits with
 * 2*status+1; otherwise ACPI S5 is used. Status 0 means success. */
#define POWEROFF_OK 0
#define POWEROFF_FAILED 1
#define POWEROFF_PANIC 2
__noreturn void poweroff(int status);
/* Reset the machine (QEMU with -no-reboot exits instead). */
__noreturn void machine_reset(void);

/* Stop this CPU for good (interrupts off). */
__noreturn void halt_forever(void);

#endif
