/*
 * void context_switch(uint64_t *old_rsp, uint64_t new_rsp): the one place
 * a CPU changes tasks. It pushes the callee-saved registers (the only ones
 * a C caller expects to survive a call) on the old task's stack, saves
 * that stack pointer in *old_rsp, loads new_rsp and pops the new task's
 * registers, then returns on the new task's stack: into whatever
 * context_switch call that task made, or into a new task's start
 * (kernel/sched/task.c builds that first frame).
 */
	.text
	.globl context_switch
context_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
