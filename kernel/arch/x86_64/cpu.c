/*
 * Per-CPU setup: the GDT with its TSS, the IDT, the IST stacks, and the
 * per-CPU structure reached through %gs. Each CPU has its own GDT and TSS
 * (the TSS holds per-CPU stacks); all CPUs share the one IDT.
 */
#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "mm/mm.h"

_Static_assert(offsetof(struct cpu, syscall_stack) == CPU_SYSCALL_STACK,
	       "syscall.S finds the kernel stack at CPU_SYSCALL_STACK");
_Static_assert(offsetof(struct cpu, user_rsp) == CPU_USER_RSP,
	       "syscall.S saves the user stack at CPU_USER_RSP");

struct cpu cpus[MAX_CPUS];
unsigned int ncpus_found = 1;

/* Interrupt descriptor (SDM vol. 3A, 6.14.1). */
struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __packed;

struct descriptor_pointer {
	uint16_t limit;
	uint64_t base;
} __packed;

#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define GATE_DPL3 0x60

/* Stack used for each IST slot; the double fault must not use the stack
 * that just overflowed. */
#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3
#define IST_STACK_SIZE 8192

static struct idt_gate idt[256];
static uint8_t ist_stacks[MAX_CPUS][3][IST_STACK_SIZE]
	__attribute__((aligned(16)));

extern uint64_t trap_vectors[256]; /* vectors.S */

/* Segment descriptors (SDM vol. 3A, 3.4.5): long-mode code sets L, data
 * segments are ignored in 64-bit mode except for their DPL. */
#define DESC_KCODE 0x00af9a000000ffffULL
#define DESC_KDATA 0x00cf92000000ffffULL
#define DESC_UDATA 0x00cff2000000ffffULL
#define DESC_UCODE 0x00affa000000ffffULL
#define TSS_TYPE_AVAILABLE 0x89

static void set_gate(int vector, int ist, int dpl)
{
	uint64_t addr = trap_vectors[vector];
	struct idt_gate *g = &idt[vector];

	g->offset_low = addr & 0xffff;
	g->selector = SEL_KCODE;
	g->ist = ist;
	g->type_attr = GATE_INTERRUPT | (dpl ? GATE_DPL3 : 0);
	g->offset_mid = (addr >> 16) & 0xffff;
	g->offset_high = addr >> 32;
	g->reserved = 0;
}

static void idt_build(void)
{
	for (int v = 0; v < 256; v++)
		set_gate(v, 0, 0);
	set_gate(EXC_DOUBLE_FAULT, IST_DOUBLE_FAULT, 0);
	set_gate(EXC_NMI, IST_NMI, 0);
	set_gate(EXC_MACHINE_CHECK, IST_MACHINE_CHECK, 0);
	/* int3 from user mode is a debugger's breakpoint, as on Linux. */
	set_gate(EXC_BREAKPOINT, 0, 3);
}

static void gdt_load(struct cpu *c)
{
	uint64_t tss = (uint64_t)&c->tss;
	uint64_t limit = sizeof(c->tss) - 1;
	struct descriptor_pointer gdtr = { sizeof(c->gdt) - 1,
					   (uint64_t)c->gdt };
	struct descriptor_pointer idtr = { sizeof(idt) - 1, (uint64_t)idt };

	c->gdt[0] = 0;
	c->gdt[SEL_KCODE >> 3] = DESC_KCODE;
	c->gdt[SEL_KDATA >> 3] = DESC_KDATA;
	c->gdt[SEL_UDATA >> 3] = DESC_UDATA;
	c->gdt[SEL_UCODE >> 3] = DESC_UCODE;
	/* A 64-bit TSS descriptor takes two slots (SDM vol. 3A, 8.2.3). */
	c->gdt[SEL_TSS >> 3] = (limit & 0xffff) | ((tss & 0xffffff) << 16) |
			       ((uint64_t)TSS_TYPE_AVAILABLE << 40) |
			       (((limit >> 16) & 0xf) << 48) |
			       (((tss >> 24) & 0xff) << 56);
	c->gdt[(SEL_TSS >> 3) + 1] = tss >> 32;

	for (int i = 0; i < 3; i++)
		c->tss.ist[i] = (uint64_t)&ist_stacks[c->id][i][IST_STACK_SIZE];
	c->tss.iomap_base = sizeof(c->tss); /* no I/O permission bitmap */

	asm volatile("lgdt %0" : : "m"(gdtr));
	/* Reload CS with a far return, then the data segments. */
	asm volatile("pushq %0\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:\n\t"
		     "movw %w1, %%ds\n\t"
		     "movw %w1, %%es\n\t"
		     "movw %w1, %%ss"
		     :
		     : "i"(SEL_KCODE), "r"(SEL_KDATA)
		     : "rax", "memory");
	asm volatile("ltr %w0" : : "r"(SEL_TSS));
	asm volatile("lidt %0" : : "m"(idtr));
}

/* Set up the boot CPU: its GDT, TSS and IDT, and %gs pointing at cpus[0].
 * The first thing kmain does, so that traps are reported from then on. */
void cpu_init_boot(void)
{
	struct cpu *c = &cpus[0];

	c->self = c;
	c->id = 0;
	idt_build();
	gdt_load(c);
	asm volatile("movw %w0, %%fs; movw %w0, %%gs" : : "r"(0));
	wrmsr(MSR_GS_BASE, (uint64_t)c);
}

/* Set up an application processor (smp.c): its own GDT and TSS (with its
 * own IST stacks), the shared IDT, and %gs pointing at c. */
void cpu_init_ap(struct cpu *c)
{
	c->self = c;
	gdt_load(c);
	asm volatile("movw %w0, %%fs; movw %w0, %%gs" : : "r"(0));
	wrmsr(MSR_GS_BASE, (uint64_t)c);
}

/* Flags cleared on syscall entry: interrupts, direction, single-step,
 * alignment checks (the entry turns interrupts back on itself). */
#define SYSCALL_FMASK ((1UL << 9) | (1UL << 10) | (1UL << 8) | (1UL << 18))

/* syscall enters at syscall_entry with the kernel's code segment; sysret
 * returns with the user's (SDM vol. 3A, 5.8.8: STAR[63:48] + 16 is the
 * user CS, + 8 the user SS, so the user pair sits above kernel data). */
void syscall_init(void)
{
	extern char syscall_entry[];

	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	wrmsr(MSR_STAR,
	      ((uint64_t)SEL_KDATA << 48) | ((uint64_t)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_FMASK, SYSCALL_FMASK);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	cpu_protection_init();
}

bool cpu_has_smap;

/* User programs use SSE (any musl memcpy does): CR0.EM off and CR0.MP on
 * (so fwait traps with TS), CR4.OSFXSR for fxsave/fxrstor and the SSE
 * instructions, OSXMMEXCPT so SIMD exceptions come as #XM. The kernel
 * itself never touches those registers (-mgeneral-regs-only); the
 * scheduler saves them per task. Then SMEP (the kernel never executes
 * user pages) and SMAP (it touches user pages only between stac and clac,
 * in the user-copy routines), where the CPU has them: -cpu max. */
void cpu_protection_init(void)
{
	uint64_t cr0, cr4;
	uint32_t r[4];

	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 = (cr0 & ~(1UL << 2)) | (1UL << 1); /* EM off, MP on */
	asm volatile("mov %0, %%cr0" : : "r"(cr0));
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= (1UL << 9) | (1UL << 10); /* OSFXSR, OSXMMEXCPT */
	cpuid(0, 0, r);
	if (r[0] >= 7) {
		cpuid(7, 0, r);
		if (r[1] & (1U << 7))
			cr4 |= 1UL << 20; /* SMEP */
		if (r[1] & (1U << 20)) {
			cr4 |= 1UL << 21; /* SMAP */
			cpu_has_smap = true;
		}
	}
	asm volatile("mov %0, %%cr4" : : "r"(cr4));
}

void irq_push_off(void)
{
	bool was_enabled = irq_enabled();
	struct cpu *c;

	irq_disable();
	c = this_cpu();
	if (c->irq_off_depth++ == 0)
		c->irq_were_enabled = was_enabled;
}

void irq_pop_off(void)
{
	struct cpu *c = this_cpu();

	if (irq_enabled())
		panic("irq_pop_off: interrupts are on");
	if (c->irq_off_depth < 1)
		panic("irq_pop_off: not pushed");
	if (--c->irq_off_depth == 0 && c->irq_were_enabled)
		irq_enable();
}

/* The CPU's brand string (CPUID 0x80000002..4), or the vendor if none. */
void cpu_model(char *buf, size_t size)
{
	uint32_t r[4], brand[13];
	const char *s;

	cpuid(0x80000000, 0, r);
	if (r[0] >= 0x80000004) {
		for (int i = 0; i < 3; i++)
			cpuid(0x80000002 + i, 0, &brand[i * 4]);
		brand[12] = 0;
	} else {
		cpuid(0, 0, r);
		brand[0] = r[1];
		brand[1] = r[3];
		brand[2] = r[2];
		brand[3] = 0;
	}
	s = (const char *)brand;
	while (*s == ' ')
		s++;
	strlcpy(buf, s, size);
}

__noreturn void halt_forever(void)
{
	for (;;)
		asm volatile("cli; hlt");
}
