/*
 * A task's CPU state beyond its stack: what context_switch (switch.S)
 * does not keep. context_switch saves only the callee-saved registers,
 * on the task's own stack; the rest of what a task owns of the CPU is
 * here, in the struct arch_task that struct task (kernel/sched/sched.c)
 * embeds:
 *
 *	vs       its address space: CR3, and this CPU's bit in active_cpus
 *	fs_base  the FS base MSR (user TLS, arch_prctl)
 *	fpu      the SSE/x87 registers (fxsave), for a task with user state
 *
 * The kernel is built without SSE (-mgeneral-regs-only), so only a task
 * with a user address space has SSE registers worth keeping: a switch
 * saves and loads them only for such tasks. docs/sched.md (switching)
 * and docs/smp.md (TLB shootdown, which relies on active_cpus).
 */
#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "mm/mm.h"

/* The state a new program starts with: x87 and SSE reset, every SSE
 * exception masked (MXCSR 0x1f80), as Linux gives it. */
static void fpu_init_state(struct fpu_state *s)
{
	memset(s, 0, sizeof(*s));
	s->bytes[0] = 0x7f; /* FCW 0x037f: x87 exceptions masked */
	s->bytes[1] = 0x03;
	s->bytes[24] = 0x80; /* MXCSR 0x1f80 */
	s->bytes[25] = 0x1f;
	s->bytes[28] = 0xff; /* MXCSR_MASK: fxrstor ignores it */
	s->bytes[29] = 0xff;
}

static struct vm_space *space_of(const struct arch_task *a)
{
	return a->vs ? a->vs : &kernel_space;
}

/* Loading a new CR3 follows the rule tlb_shootdown relies on: this CPU's
 * bit is in the new space's active_cpus before its page tables can be
 * walked here (so a shootdown that changes them after sees the bit), and
 * leaves the old space's only after CR3 no longer points at it (loading
 * CR3 drops every non-global TLB entry, the user ones). Interrupts off. */
static void load_space(struct cpu *c, struct vm_space *vs)
{
	uint32_t bit = 1U << c->id;
	struct vm_space *old = c->space;

	if (old == vs)
		return;
	__atomic_fetch_or(&vs->active_cpus, bit, __ATOMIC_SEQ_CST);
	write_cr3(vs->pml4);
	c->space = vs;
	if (old)
		__atomic_fetch_and(&old->active_cpus, ~bit, __ATOMIC_SEQ_CST);
}

/* Before running a task: its kernel stack top (for interrupts and system
 * calls from user mode), its address space, its FS base. */
static void arch_switch_to(uint64_t stack_top, struct vm_space *vs,
			   uint64_t fs_base)
{
	struct cpu *c = this_cpu();

	c->tss.rsp[0] = stack_top;
	c->syscall_stack = stack_top;
	load_space(c, vs);
	wrmsr(MSR_FS_BASE, fs_base);
}

void arch_task_init(struct arch_task *a, struct vm_space *vs)
{
	a->vs = vs;
	a->fs_base = 0;
	fpu_init_state(&a->fpu);
}

void arch_task_switch(struct arch_task *prev, struct arch_task *next,
		      uint64_t next_stack_top)
{
	if (prev->vs)
		fpu_save(&prev->fpu);
	if (next->vs)
		fpu_restore(&next->fpu);
	arch_switch_to(next_stack_top, space_of(next), next->fs_base);
}

void arch_task_fork(struct arch_task *child, const struct arch_task *cur)
{
	irq_push_off();
	fpu_save(&child->fpu);
	child->fs_base = cur->fs_base;
	irq_pop_off();
}

void arch_task_exec(struct arch_task *cur)
{
	irq_push_off();
	fpu_init_state(&cur->fpu);
	fpu_restore(&cur->fpu);
	cur->fs_base = 0;
	wrmsr(MSR_FS_BASE, 0);
	irq_pop_off();
}

void arch_task_set_vs(struct arch_task *cur, struct vm_space *vs)
{
	irq_push_off();
	cur->vs = vs;
	load_space(this_cpu(), space_of(cur));
	irq_pop_off();
}

void arch_task_set_fs_base(struct arch_task *cur, uint64_t base)
{
	irq_push_off();
	cur->fs_base = base;
	wrmsr(MSR_FS_BASE, base);
	irq_pop_off();
}
