/*
 * Where an application processor (AP) starts. An AP wakes from the
 * INIT-SIPI-SIPI sequence (smp.c) in 16-bit real mode at CS:IP =
 * (vector << 8):0, that is at physical SIPI_VECTOR * 4096, below 1 MiB.
 * smp.c copies the bytes from trampoline_start to trampoline_end there
 * (TRAMPOLINE_PHYS) and fills in the parameters at their end. The code
 * then takes the same steps as the boot CPU in boot.S:
 *
 *   real mode  --lgdt, CR0.PE-->  32-bit protected mode
 *              --CR4.PAE, CR3 = boot page tables, EFER.LME|NXE, CR0.PG-->
 *   64-bit mode at the low (identity-mapped) copy
 *              --jump to ap_start64 in the kernel image, at its high address-->
 *   kernel page tables, the AP's own stack, ap_main() in smp.c
 *
 * The copy runs at TRAMPOLINE_PHYS, not where it is linked, so every
 * address inside it is written as T(label): its offset in the copy plus
 * TRAMPOLINE_PHYS. The boot page tables (boot.S) map the first 4 GiB 1:1
 * and the kernel image at KERNEL_VMA, which is what the switch to long
 * mode needs. docs/smp.md has the picture.
 */
#include "arch/x86_64/memlayout.h"

#define CR0_PE (1 << 0)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_PGE (1 << 7)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)

/* The trampoline's own GDT selectors. */
#define TSEL_CODE32 0x08
#define TSEL_DATA 0x10
#define TSEL_CODE64 0x18

#define T(x) ((x) - trampoline_start + TRAMPOLINE_PHYS)

	.section .rodata
	.code16
	.globl trampoline_start
trampoline_start:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl T(tramp_gdt_desc)
	movl %cr0, %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $TSEL_CODE32, $T(tramp32)

	.code32
tramp32:
	movw $TSEL_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $(CR4_PAE | CR4_PGE), %eax
	movl %eax, %cr4
	movl T(tramp_boot_cr3), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $(EFER_LME | EFER_NXE), %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP), %eax
	movl %eax, %cr0
	ljmpl $TSEL_CODE64, $T(tramp64)

	.code64
tramp64:
	/* Still at the low copy: fetch the parameters, then leave for the
	 * kernel image, which the kernel page tables map too. */
	movq T(tramp_kernel_cr3), %rdi
	movq T(tramp_stack), %rsi
	movabsq $ap_start64, %rax
	jmp *%rax

	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff /* TSEL_CODE32: 32-bit code, 4 GiB */
	.quad 0x00cf92000000ffff /* TSEL_DATA: data, 4 GiB */
	.quad 0x00af9a000000ffff /* TSEL_CODE64: 64-bit code */
tramp_gdt_end:
tramp_gdt_desc:
	.short tramp_gdt_end - tramp_gdt - 1
	.long T(tramp_gdt)

	/* Parameters, filled in by smp.c before each start (in this order:
	 * struct trampoline_params). */
	.balign 8
	.globl trampoline_params
trampoline_params:
tramp_boot_cr3:
	.quad 0 /* boot.S's page tables, below 4 GiB */
tramp_kernel_cr3:
	.quad 0 /* kernel_space */
tramp_stack:
	.quad 0 /* top of the AP's first stack (its idle task's) */
	.globl trampoline_end
trampoline_end:

	.text
	/* ap_start64(kernel_cr3 in rdi, stack top in rsi): now at the
	 * kernel's high address, switch to the kernel's page tables and the
	 * AP's stack and enter C. */
	.globl ap_start64
ap_start64:
	movq %rdi, %cr3
	movq %rsi, %rsp
	/* No segment loads here: GDTR still points at the low copy, which
	 * the kernel page tables do not map. ap_main loads the real GDT. */
	xorl %ebp, %ebp		/* ends the backtrace chain */
	call ap_main
1:	cli
	hlt
	jmp 1b
