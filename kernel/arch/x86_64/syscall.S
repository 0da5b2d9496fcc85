/*
 * The system-call entry. A user program runs `syscall` with the call's
 * number in rax and arguments in rdi, rsi, rdx, r10, r8, r9 (Linux's
 * x86-64 convention); the CPU jumps here (MSR LSTAR) in kernel mode with
 * the user's rip in rcx and rflags in r11, but still on the user's stack
 * and with the user's GS. So: swapgs to reach this CPU's data, save the
 * user rsp there, switch to the task's kernel stack, and build a struct
 * trapframe exactly as a trap would, so that syscall_dispatch sees and
 * may change every register. The way out is sysret, which restores rip
 * from rcx and rflags from r11. docs/syscalls.md walks through it.
 */
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/trapframe.inc"

#define VEC_SYSCALL 256 /* not a CPU vector: marks a syscall frame */

	.text
	.globl syscall_entry
syscall_entry:
	swapgs
	movq %rsp, %gs:CPU_USER_RSP
	movq %gs:CPU_SYSCALL_STACK, %rsp
	pushq $SEL_UDATA	/* ss */
	pushq %gs:CPU_USER_RSP	/* rsp */
	pushq %r11		/* rflags */
	pushq $SEL_UCODE	/* cs */
	pushq %rcx		/* rip */
	pushq $0		/* error */
	pushq $VEC_SYSCALL	/* vector */
	push_trapframe_regs
	cld
	xorl %ebp, %ebp		/* backtraces end here, not in user memory */
	movq %rsp, %rdi
	sti			/* FMASK cleared IF on entry */
	call syscall_dispatch
	cli
	/* A call that rewrote the registers (execve, rt_sigreturn, a signal
	 * handler about to run) returns through iretq, which restores all
	 * of them; sysret would lose rcx and r11. */
	testl %eax, %eax
	jz 1f
	movq %rsp, %rdi
	jmp user_enter
1:	pop_trapframe_regs
	addq $16, %rsp		/* vector and error */
	/* sysret takes rip from rcx and rflags from r11; the frame's values
	 * win (a handler may change them). syscall_dispatch made sure rip is
	 * a user address, so sysret cannot fault in kernel mode. */
	popq %rcx		/* rip */
	addq $8, %rsp		/* cs */
	popq %r11		/* rflags */
	popq %rsp		/* the user's stack; ss is implied */
	swapgs
	sysretq
