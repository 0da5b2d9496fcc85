/*
 * trap(): where every interrupt and exception lands (from vectors.S).
 * Device interrupts go to their handlers; an exception in the kernel is a
 * kernel bug, reported with the vector, the error code, CR2, all the
 * registers and a symbolized backtrace, except for two cases it survives:
 * a fault on an instruction listed in the exception table (copy_nofault)
 * resumes at its fixup, and int3 reports and continues, so a
 * breakpoint() dropped into the code shows where it is and how it got
 * there. docs/traps.md walks through the paths.
 */
#include "arch/x86_64/cpu.h"
#include "drivers/drivers.h"
#include "fs/vfs.h"
#include "lib/spinlock.h"
#include "mm/mm.h"
#include "proc/proc.h"
#include "trace/profile.h"
#include "trace/trace.h"

struct extable_entry {
	uint64_t fault_rip;
	uint64_t fixup_rip;
};

extern const struct extable_entry __extable_start[], __extable_end[];

/* ISA IRQ handlers; written at boot before interrupts are enabled, read
 * only afterwards, so no lock. */
static void (*isa_handlers[16])(void);

/* A handler on a shared PCI interrupt line. */
struct irq_action {
	void (*handler)(void *arg);
	void *arg;
	struct irq_action *next;
};

/* The PCI handlers on each ISA IRQ line, newest first. Entries are added
 * under pci_actions_lock and never removed; trap() walks the lists
 * without the lock, which is safe because an entry is complete before
 * the release store that links it in. */
static struct irq_action *pci_actions[16];
static struct spinlock pci_actions_lock = SPINLOCK_INIT("pci irq handlers");

/* Counts of interrupts that meant nothing, shown by the monitor. Each CPU
 * only adds to them, with atomics. */
uint64_t spurious_count;

static const char *const exception_names[32] = {
	[EXC_DIVIDE_ERROR] = "divide error (#DE)",
	[EXC_DEBUG] = "debug (#DB)",
	[EXC_NMI] = "non-maskable interrupt (NMI)",
	[EXC_BREAKPOINT] = "breakpoint (#BP)",
	[EXC_OVERFLOW] = "overflow (#OF)",
	[EXC_BOUND] = "bound range exceeded (#BR)",
	[EXC_INVALID_OPCODE] = "invalid opcode (#UD)",
	[EXC_DEVICE_NOT_AVAILABLE] = "device not available (#NM)",
	[EXC_DOUBLE_FAULT] = "double fault (#DF)",
	[9] = "coprocessor segment overrun",
	[EXC_INVALID_TSS] = "invalid TSS (#TS)",
	[EXC_SEGMENT_NOT_PRESENT] = "segment not present (#NP)",
	[EXC_STACK_FAULT] = "stack-segment fault (#SS)",
	[EXC_GENERAL_PROTECTION] = "general protection fault (#GP)",
	[EXC_PAGE_FAULT] = "page fault (#PF)",
	[EXC_X87] = "x87 floating-point error (#MF)",
	[EXC_ALIGNMENT_CHECK] = "alignment check (#AC)",
	[EXC_MACHINE_CHECK] = "machine check (#MC)",
	[EXC_SIMD] = "SIMD floating-point exception (#XM)",
	[EXC_VIRTUALIZATION] = "virtualization exception (#VE)",
	[EXC_CONTROL_PROTECTION] = "control protection exception (#CP)",
};

const char *exception_name(unsigned int vector)
{
	if (vector < 32 && exception_names[vector])
		return exception_names[vector];
	return vector < 32 ? "reserved exception" : "interrupt";
}

void irq_register_isa(unsigned int irq, void (*handler)(void))
{
	assert(irq < ARRAY_SIZE(isa_handlers));
	isa_handlers[irq] = handler;
	ioapic_route_isa(irq, VEC_IRQ_BASE + irq);
}

/* Append the name of the function at fn to the list in buf. */
static void add_name(char *buf, size_t size, uint64_t fn)
{
	const char *name = ksym_lookup(fn, NULL, NULL);
	size_t len = strlen(buf);

	ksnprintf(buf + len, size - len, "%s%s", len ? ", " : "",
		  name ? name : "?");
}

bool irq_line_info(unsigned int irq, char *buf, size_t size)
{
	struct irq_action *a;
	bool pci;

	assert(irq < ARRAY_SIZE(isa_handlers) && size > 0);
	buf[0] = '\0';
	if (isa_handlers[irq])
		add_name(buf, size, (uint64_t)isa_handlers[irq]);
	a = __atomic_load_n(&pci_actions[irq], __ATOMIC_ACQUIRE);
	pci = a != NULL;
	for (; a; a = a->next)
		add_name(buf, size, (uint64_t)a->handler);
	return pci;
}

/* The handler is linked in before the line is routed: a level-triggered
 * line that fired with no handler would fire again at every EOI. */
int irq_register_pci(unsigned int irq, void (*handler)(void *arg), void *arg)
{
	struct irq_action *a;
	int err;

	if (irq >= ARRAY_SIZE(pci_actions))
		return -EINVAL;
	if (isa_handlers[irq])
		return -EBUSY;
	a = kmalloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->handler = handler;
	a->arg = arg;
	spin_lock(&pci_actions_lock);
	a->next = pci_actions[irq];
	__atomic_store_n(&pci_actions[irq], a, __ATOMIC_RELEASE);
	err = ioapic_route_pci(irq, VEC_IRQ_BASE + irq);
	if (err)
		pci_actions[irq] = a->next; /* never routed: no one saw it */
	spin_unlock(&pci_actions_lock);
	if (err)
		kfree(a);
	return err;
}

static void print_symbol(uint64_t addr)
{
	uint64_t off, size;
	const char *name = ksym_lookup(addr, &off, &size);

	if (name)
		kprintf(" <%s+0x%lx>", name, off);
}

static void print_page_fault(const struct trapframe *tf)
{
	uint64_t e = tf->error;

	kprintf("  cr2 %016lx: %s of a %s page in %s mode%s%s\n", read_cr2(),
		(e & 0x10) ? "instruction fetch"
		: (e & 2)  ? "write"
			   : "read",
		(e & 1) ? "present (protection violation)" : "not-present",
		(e & 4) ? "user" : "kernel",
		(e & 8) ? ", reserved bit set" : "",
		(e & 0x20) ? ", protection key" : "");
}

void trap_report(const struct trapframe *tf, const char *title)
{
	kprintf("\nKERNEL PANIC: %s\n", title);
	/* LAB trap: begin */
	if (tf->vector < 32)
		kprintf("  %s, vector %lu, error code %#lx, on CPU %u\n",
			exception_name(tf->vector), tf->vector, tf->error,
			this_cpu()->id);
	if (tf->vector == EXC_PAGE_FAULT)
		print_page_fault(tf);
	if (kstack_in_guard(tf->rsp))
		kprintf("  rsp %016lx is in the guard page below a kernel "
			"stack: kernel stack overflow\n",
			tf->rsp);
	kprintf("  rip %016lx", tf->rip);
	print_symbol(tf->rip);
	kprintf("\n  cs %04lx  ss %04lx  rflags %08lx  rsp %016lx\n", tf->cs,
		tf->ss, tf->rflags, tf->rsp);
	kprintf("  rax %016lx  rbx %016lx  rcx %016lx\n", tf->rax, tf->rbx,
		tf->rcx);
	kprintf("  rdx %016lx  rsi %016lx  rdi %016lx\n", tf->rdx, tf->rsi,
		tf->rdi);
	kprintf("  rbp %016lx  r8  %016lx  r9  %016lx\n", tf->rbp, tf->r8,
		tf->r9);
	kprintf("  r10 %016lx  r11 %016lx  r12 %016lx\n", tf->r10, tf->r11,
		tf->r12);
	kprintf("  r13 %016lx  r14 %016lx  r15 %016lx\n", tf->r13, tf->r14,
		tf->r15);
	kprintf("  cr2 %016lx  cr3 %016lx\n", read_cr2(), read_cr3());
	kprintf("Backtrace:\n");
	backtrace_print(tf->rip, tf->rbp);
#if 0 /* LAB trap: stub */
	/* The title alone: write the rest of the report (docs/labs/trap.md). */
	(void)tf;
	(void)print_page_fault;
	(void)print_symbol;

#endif /* LAB trap: end */
}

static bool in_exception_table(const struct trapframe *tf)
{
	for (const struct extable_entry *e = __extable_start; e < __extable_end;
	     e++)
		if (e->fault_rip == tf->rip)
			return true;
	return false;
}

static bool fixup_exception(struct trapframe *tf)
{
	/* LAB trap: begin */
	for (const struct extable_entry *e = __extable_start; e < __extable_end;
	     e++) {
		if (e->fault_rip == tf->rip) {
			tf->rip = e->fixup_rip;
			return true;
		}
	}
	return false;
#if 0 /* LAB trap: stub */
	/* No fixups yet: every kernel fault is fatal. */
	(void)tf;
	return false;

#endif /* LAB trap: end */
}

static void kernel_exception(struct trapframe *tf)
{
	char title[96];

	/* A user copy (uaccess.c) touching a user page that is only not
	 * there yet: the page fault handler brings it in, and the copy goes
	 * on. Only sanctioned copies (those in the exception table) get
	 * this; any other kernel fault on a user address is a bug. */
	if (tf->vector == EXC_PAGE_FAULT && read_cr2() < USER_TOP &&
	    proc_current() && proc_current()->mm && in_exception_table(tf)) {
		uint64_t addr = read_cr2();

		if (tf->rflags & RFLAGS_IF)
			irq_enable();
		if (mm_fault(proc_current()->mm, addr, tf->error & ~4UL,
			     tf->rip) == 0)
			return;
	}
	if ((tf->vector == EXC_PAGE_FAULT ||
	     tf->vector == EXC_GENERAL_PROTECTION) &&
	    fixup_exception(tf))
		return;
	/* LAB trap: begin */
	if (tf->vector == EXC_BREAKPOINT) {
		console_break_lock();
		kprintf("\nbreakpoint at %016lx", tf->rip - 1);
		print_symbol(tf->rip - 1);
		kprintf(", continuing\n");
		backtrace_print(tf->rip - 1, tf->rbp);
		return;
	}
#if 0 /* LAB trap: stub */
	/* int3 is fatal for now, like any other exception. */

#endif /* LAB trap: end */
	panic_begin();
	ksnprintf(title, sizeof(title), "%s in kernel mode",
		  exception_name(tf->vector));
	trap_report(tf, title);
	panic_finish();
}

/* irq is 0..15: trap() calls this only for vectors 32..47. A PCI line
 * calls every handler on it; the EOI comes after them, when the devices
 * have let go of a level-triggered line. */
static void isa_interrupt(unsigned int irq)
{
	/* cppcheck-suppress arrayIndexOutOfBoundsCond ; see above */
	void (*handler)(void) = isa_handlers[irq];
	struct irq_action *a;

	/* cppcheck-suppress arrayIndexOutOfBoundsCond ; see above */
	a = __atomic_load_n(&pci_actions[irq], __ATOMIC_ACQUIRE);
	/* cppcheck-suppress arrayIndexOutOfBoundsCond ; see above */
	__atomic_fetch_add(&this_cpu()->irqs[irq], 1, __ATOMIC_RELAXED);
	if (handler)
		handler();
	else if (!a)
		__atomic_fetch_add(&spurious_count, 1, __ATOMIC_RELAXED);
	for (; a; a = a->next)
		a->handler(a->arg);
	lapic_eoi();
}

/* The IRQ line of device vector v, or -1 for a CPU-local vector. */
static int irq_line(uint64_t v)
{
	return v >= VEC_IRQ_BASE && v < VEC_IRQ_BASE + 16
		       ? (int)(v - VEC_IRQ_BASE)
		       : -1;
}

int64_t irq_arrival_delay_ns(uint64_t vector)
{
	if (vector != VEC_TIMER || !lapic_timer_hz)
		return -1;
	return (int64_t)((uint64_t)lapic_timer_since_fire() * NS_PER_SEC /
			 lapic_timer_hz);
}

void trap(struct trapframe *tf);

void trap(struct trapframe *tf)
{
	uint64_t v = tf->vector;
	bool from_user = tf->cs & 3;

	/* SMAP: whatever was interrupted, the handler starts with user
	 * pages out of reach (the frame keeps the interrupted AC). */
	user_access_end();
	if (v == EXC_NMI && smp_stop_requested())
		halt_forever(); /* another CPU panicked */
	if (v >= 32)
		trace_irq_entry(v, irq_line(v));
	if (v < 32 && from_user) {
		proc_user_fault(tf);
	} else if (v < 32) {
		kernel_exception(tf);
	} else if (v == VEC_TIMER) {
		timer_interrupt();
		if (__atomic_load_n(&profile_on, __ATOMIC_RELAXED))
			profile_tick(tf);
		proc_tick(from_user, NS_PER_SEC / timer_hz);
		itimer_tick();
		posix_timer_tick();
		timerfd_tick();
		lapic_eoi();
	} else if (v == VEC_IPI_RESCHED || v == VEC_IPI_TLB) {
		smp_ipi(v);
	} else if (v >= VEC_IRQ_BASE && v < VEC_IRQ_BASE + 16) {
		isa_interrupt(v - VEC_IRQ_BASE);
	} else if (v == VEC_SPURIOUS ||
		   (v >= VEC_PIC_BASE && v < VEC_PIC_BASE + 16)) {
		/* No EOI for spurious interrupts (SDM vol. 3A, 11.9). */
		__atomic_fetch_add(&spurious_count, 1, __ATOMIC_RELAXED);
	} else {
		kprintf("trap: unexpected vector %lu, ignored\n", v);
		lapic_eoi();
	}
	if (v >= 32)
		trace_irq_exit(v, irq_line(v));
	/* Back to user mode: signals to deliver, a time slice used up. Back
	 * to kernel code that had interrupts on: it may be preempted. */
	if (from_user)
		proc_return_to_user(tf);
	else if (v >= 32 && (tf->rflags & RFLAGS_IF))
		sched_preempt_kernel();
}
