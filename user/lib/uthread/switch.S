/*
 * The context switch: what a thread keeps while another one runs. The
 * System V x86-64 ABI lets a called function clobber every register but
 * rbx, rbp, r12-r15 and rsp, and the control bits of MXCSR and of the x87
 * FPU (rounding, exception masks), so a switch made by a function call
 * saves exactly those, on the stack of the thread being left:
 *
 *   sp + 56  return address (back into the thread, after its call here)
 *   sp + 48  rbp
 *   sp + 40  rbx
 *   sp + 32  r12
 *   sp + 24  r13
 *   sp + 16  r14
 *   sp + 8   r15
 *   sp + 4   MXCSR
 *   sp + 0   x87 control word
 *
 * and keeps sp in the thread's struct (its first field). A new thread's
 * stack is made to look the same (sched.c, new_stack), with
 * ut_thread_entry as the return address and the thread in r12.
 * The vector and x87 data registers are caller-saved: the compiler has
 * already saved whatever it needs of them before calling here. A thread
 * preempted by the timer signal switches from inside the handler; the
 * kernel's signal frame holds the rest of its registers (docs/uthread.md).
 */
	.text
	.globl ut_switch
	.type ut_switch, @function
/* void ut_switch(void **save_sp (rdi), void *to_sp (rsi)) */
ut_switch:
/* LAB uthread: begin */
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	subq $8, %rsp
	stmxcsr 4(%rsp)
	fnstcw (%rsp)
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	ldmxcsr 4(%rsp)
	fldcw (%rsp)
	addq $8, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
#if 0 /* LAB uthread: stub */
	/* Lab uthread, task 1: save what the ABI says a callee keeps on
	 * this stack (the picture above), store rsp in *save_sp, load
	 * to_sp and restore the same from there, in the opposite order.
	 * Until then: say so on stderr and abort. */
	movl $1, %eax			/* write(2, todo_msg, todo_len) */
	movl $2, %edi
	leaq todo_msg(%rip), %rsi
	movl $todo_len, %edx
	syscall
	subq $8, %rsp			/* abort() with rsp 16-byte aligned */
	call abort
	ud2
#endif /* LAB uthread: end */
	.size ut_switch, . - ut_switch

	.globl ut_thread_entry
	.type ut_thread_entry, @function
/* A new thread's first switch returns here with rsp 16-byte aligned, so
 * the call below enters ut_start as the ABI asks (rsp + 8 aligned). */
ut_thread_entry:
/* LAB uthread: begin */
	movq %r12, %rdi
	call ut_start
	ud2
#if 0 /* LAB uthread: stub */
	/* Lab uthread, task 1: call ut_start with the thread that
	 * new_stack (sched.c) left in r12; ut_start never returns. */
	ud2
#endif /* LAB uthread: end */
	.size ut_thread_entry, . - ut_thread_entry

/* LAB uthread: begin */
#if 0 /* LAB uthread: stub */
	.section .rodata
todo_msg:
	.ascii "uthread: ut_switch (switch.S) is not written yet: lab uthread, task 1\n"
	.set todo_len, . - todo_msg
#endif /* LAB uthread: end */

	.section .note.GNU-stack, "", @progbits
