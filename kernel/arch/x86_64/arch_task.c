/*
 * A task's CPU state beyond its stack, moved here from cpu.c.
 */
#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "mm/mm.h"

/* Loading a new CR3 follows the rule tlb_shootdown relies on: this CPU's
 * bit is in the new space's active_cpus before its page tables can be
 * walked here (so a shootdown that changes them after sees the bit), and
 * leaves the old space's only after CR3 no longer points at it (loading
 * CR3 drops every non-global TLB entry, the user ones). */
void arch_switch_to(uint64_t stack_top, struct vm_space *vs, uint64_t fs_base)
{
	struct cpu *c = this_cpu();
	uint32_t bit = 1U << c->id;
	struct vm_space *old = c->space;

	c->tss.rsp[0] = stack_top;
	c->syscall_stack = stack_top;
	if (old != vs) {
		__atomic_fetch_or(&vs->active_cpus, bit, __ATOMIC_SEQ_CST);
		write_cr3(vs->pml4);
		c->space = vs;
		if (old)
			__atomic_fetch_and(&old->active_cpus, ~bit,
					   __ATOMIC_SEQ_CST);
	}
	wrmsr(MSR_FS_BASE, fs_base);
}

void fpu_init_state(struct fpu_state *s)
{
	memset(s, 0, sizeof(*s));
	s->bytes[0] = 0x7f; /* FCW 0x037f: x87 exceptions masked */
	s->bytes[1] = 0x03;
	s->bytes[24] = 0x80; /* MXCSR 0x1f80 */
	s->bytes[25] = 0x1f;
	s->bytes[28] = 0xff; /* MXCSR_MASK: fxrstor ignores it */
	s->bytes[29] = 0xff;
}
