/*
 * Trap entry. One small entry routine per vector pushes a zero error code (when the
 * CPU pushes none) and the vector number, then trap_common saves the
 * general registers into a struct trapframe (arch.h) and calls trap().
 * The CPU has already switched stacks if needed (TSS rsp0 or an IST).
 */
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/trapframe.inc"

#define EFAULT 14

	.altmacro
.macro trap_entry_for n
	.balign 16
trap_vector_\n:
	/* Vectors 8, 10-14, 17, 21, 29 and 30 come with an error code. */
	.if !((\n == 8) || ((\n >= 10) && (\n <= 14)) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30))
	pushq $0
	.endif
	pushq $\n
	jmp trap_common
.endm

.macro trap_entry_address n
	.quad trap_vector_\n
.endm

	.text
	.set i, 0
	.rept 256
	trap_entry_for %i
	.set i, i + 1
	.endr

trap_common:
	/* From user mode (CS's low bits are 3): switch GS to the kernel's
	 * per-CPU data. The CPU frame's cs is 24 bytes up (vector, error,
	 * rip, cs). */
	testb $3, 24(%rsp)
	jz 1f
	swapgs
1:	push_trapframe_regs
	cld
	movq %rsp, %rdi
	call trap
trap_return:
	pop_trapframe_regs
	addq $16, %rsp		/* vector and error code */
	/* Back to user mode: give GS back to the user (cs is 8 bytes up). */
	testb $3, 8(%rsp)
	jz 1f
	swapgs
1:	iretq

/*
 * void user_enter(struct trapframe *tf): leave the kernel for user mode
 * with the registers in tf (on the task's kernel stack, below its top),
 * through the same exit path as every trap.
 */
	.globl user_enter
user_enter:
	movq %rdi, %rsp
	jmp trap_return

	.section .rodata
	.balign 8
	.globl trap_vectors
trap_vectors:
	.set i, 0
	.rept 256
	trap_entry_address %i
	.set i, i + 1
	.endr

/*
 * void capture_registers(struct trapframe *tf): fill tf with the caller's
 * registers, rip being the return address, for panic's register dump.
 */
	.text
	.globl capture_registers
capture_registers:
	movq %r15, 0(%rdi)
	movq %r14, 8(%rdi)
	movq %r13, 16(%rdi)
	movq %r12, 24(%rdi)
	movq %r11, 32(%rdi)
	movq %r10, 40(%rdi)
	movq %r9, 48(%rdi)
	movq %r8, 56(%rdi)
	movq %rbp, 64(%rdi)
	movq %rdi, 72(%rdi)
	movq %rsi, 80(%rdi)
	movq %rdx, 88(%rdi)
	movq %rcx, 96(%rdi)
	movq %rbx, 104(%rdi)
	movq %rax, 112(%rdi)
	movq $0, 120(%rdi)	/* vector */
	movq $0, 128(%rdi)	/* error */
	movq (%rsp), %rax
	movq %rax, 136(%rdi)	/* rip: our return address */
	movq %cs, %rax
	movq %rax, 144(%rdi)
	pushfq
	popq %rax
	movq %rax, 152(%rdi)
	leaq 8(%rsp), %rax
	movq %rax, 160(%rdi)	/* rsp as the caller sees it */
	movq %ss, %rax
	movq %rax, 168(%rdi)
	movq 112(%rdi), %rax
	ret

/*
 * int copy_nofault(void *dst, const void *src, size_t n): 0, or -EFAULT if
 * a byte faulted. The exception table entry tells trap() to resume at 2:
 * instead of reporting a kernel fault. This is how every later access to
 * memory the kernel does not trust (user buffers) stays safe.
 */
/*
 * int cmpxchg_nofault(uint32_t *p, uint32_t old, uint32_t new,
 *                     uint32_t *cur): one atomic compare-and-exchange on
 * *p (futexes): *cur gets the value found (new was stored if it equals
 * old); 0, or -EFAULT if p faulted. A write access even when the
 * values differ, so a copy-on-write page is made the process's own.
 */
	.globl cmpxchg_nofault
cmpxchg_nofault:
	movl %esi, %eax
3:	lock cmpxchgl %edx, (%rdi)
	movl %eax, (%rcx)
	xorl %eax, %eax
	ret
4:	movl $-EFAULT, %eax
	ret

	.section .extable, "a"
	.balign 8
	.quad 3b, 4b
	.text

/* Eight bytes per iteration, then the rest one by one: under QEMU's TCG
 * each iteration of a rep prefix costs about the same whatever its
 * width, so a byte-wide copy made every read() eight times slower. */
	.globl copy_nofault
copy_nofault:
	movq %rdx, %rcx
	shrq $3, %rcx
1:	rep movsq
	movq %rdx, %rcx
	andq $7, %rcx
5:	rep movsb
	xorl %eax, %eax
	ret
2:	movl $-EFAULT, %eax
	ret

	.section .extable, "a"
	.balign 8
	.quad 1b, 2b
	.quad 5b, 2b
