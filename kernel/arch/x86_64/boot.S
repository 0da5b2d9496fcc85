/*
 * The first instructions Kestrel runs. GRUB enters _start in 32-bit
 * protected mode with paging off, EAX = the Multiboot2 magic and EBX = the
 * physical address of the boot information (Multiboot2 spec, section 3.3).
 *
 * This stub checks that it was booted properly and that the CPU has long
 * mode, builds boot page tables that map
 *   - the first 4 GiB 1:1 (so the next instruction after enabling paging
 *     still exists),
 *   - the same 4 GiB at DIRECT_MAP_BASE, and
 *   - the first 1 GiB at KERNEL_VMA, where the kernel is linked,
 * all with 2 MiB pages, enables PAE, long mode, NX and paging, and jumps to
 * kmain() in the higher half. kmain replaces these tables with the real
 * ones (kernel/mm/vm.c). See docs/boot.md for the picture.
 */
#include "arch/x86_64/memlayout.h"

#define MB2_HEADER_MAGIC 0xe85250d6 /* Multiboot2 spec 3.1.1 */
#define MB2_BOOT_MAGIC 0x36d76289   /* in EAX at entry, 3.3 */
#define MB2_ARCH_I386 0

#define CR0_PG (1 << 31)
#define CR0_WP (1 << 16)
#define CR4_PAE (1 << 5)
#define CR4_PGE (1 << 7)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define PTE_P 0x1
#define PTE_W 0x2
#define PTE_PS 0x80
#define CPUID_EXT_LM (1 << 29) /* CPUID 0x80000001 EDX */
#define CPUID_EXT_NX (1 << 20)

#define PHYS(x) ((x) - KERNEL_VMA)

	.section .multiboot, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* end tag */
	.short 0
	.short 0
	.long 8
mb2_header_end:

	.section .boot.text, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	/* Read the TSC first, so the kernel can say how long its own boot took. */
	movl %eax, %esi
	rdtsc
	movl %eax, PHYS(boot_tsc)
	movl %edx, PHYS(boot_tsc) + 4
	movl %esi, %eax

	cmpl $MB2_BOOT_MAGIC, %eax
	jne no_multiboot
	movl %ebx, PHYS(boot_mb2_info)

	movl $PHYS(boot_stack_top), %esp

	/* Long mode and NX present? (CPUID 0x80000001 EDX) */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	testl $CPUID_EXT_LM, %edx
	jz no_long_mode
	testl $CPUID_EXT_NX, %edx
	jz no_long_mode

	/* Zero the boot page tables (6 pages, contiguous). */
	movl $PHYS(boot_pml4), %edi
	xorl %eax, %eax
	movl $(6 * 4096 / 4), %ecx
	rep stosl

	/* PML4[0] and PML4[256] share one PDPT covering 4 GiB. */
	movl $PHYS(boot_pdpt_low), %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, PHYS(boot_pml4)
	movl %eax, PHYS(boot_pml4) + 256 * 8
	/* PML4[511] -> a PDPT whose entry 510 maps the first GiB at -2 GiB. */
	movl $PHYS(boot_pdpt_high), %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, PHYS(boot_pml4) + 511 * 8

	/* boot_pdpt_low[0..3] -> boot_pd[0..3]; boot_pdpt_high[510] -> boot_pd[0] */
	movl $PHYS(boot_pd), %eax
	orl $(PTE_P | PTE_W), %eax
	movl $PHYS(boot_pdpt_low), %edi
	movl $4, %ecx
1:	movl %eax, (%edi)
	addl $4096, %eax
	addl $8, %edi
	loop 1b
	movl $PHYS(boot_pd), %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, PHYS(boot_pdpt_high) + 510 * 8

	/* boot_pd: 2048 entries of 2 MiB pages covering 0..4 GiB. The high
	 * half of each entry holds bits 32+ of the physical address. */
	movl $PHYS(boot_pd), %edi
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $21, %eax
	orl $(PTE_P | PTE_W | PTE_PS), %eax
	movl %eax, (%edi)
	movl %ecx, %eax
	shrl $11, %eax
	movl %eax, 4(%edi)
	addl $8, %edi
	incl %ecx
	cmpl $2048, %ecx
	jne 2b

	/* PAE + PGE, then EFER.LME and EFER.NXE, then paging. */
	movl %cr4, %eax
	orl $(CR4_PAE | CR4_PGE), %eax
	movl %eax, %cr4
	movl $PHYS(boot_pml4), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $(EFER_LME | EFER_NXE), %eax
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_WP), %eax
	movl %eax, %cr0

	lgdt boot_gdt_desc
	ljmp $SEL_KCODE, $long_mode_entry

/* Print the NUL-terminated string at ESI in white on red on the VGA text
 * screen and stop: nothing else can report anything this early. */
no_multiboot:
	movl $msg_no_multiboot, %esi
	jmp die32
no_long_mode:
	movl $msg_no_long_mode, %esi
die32:
	movl $0xb8000, %edi
	movb $0x4f, %ah
1:	lodsb
	testb %al, %al
	jz 2f
	stosw
	jmp 1b
2:	hlt
	jmp 2b

	.code64
long_mode_entry:
	movw $SEL_KDATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $higher_half_entry, %rax
	jmp *%rax

	.section .boot.data, "aw"
msg_no_multiboot:
	.asciz "Kestrel: not booted by a Multiboot2 loader (boot it with GRUB's multiboot2 command). Halted."
msg_no_long_mode:
	.asciz "Kestrel: this CPU has no 64-bit long mode or no NX bit; Kestrel needs an x86-64 CPU. Halted."

	/* A minimal GDT for the jump to long mode; gdt.c loads the real one. */
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff /* 0x08: 64-bit code, DPL 0 */
	.quad 0x00cf92000000ffff /* 0x10: data, DPL 0 */
boot_gdt_end:
boot_gdt_desc:
	.short boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	.text
higher_half_entry:
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp		/* ends the backtrace chain */
	movl boot_mb2_info(%rip), %edi
	call kmain
1:	cli
	hlt
	jmp 1b

	.data
	.balign 8
	.globl boot_tsc
boot_tsc:
	.quad 0
boot_mb2_info:
	.long 0

	.bss
	.balign 4096
	.globl boot_pml4
boot_pml4:
	.skip 4096
boot_pdpt_low:
	.skip 4096
boot_pdpt_high:
	.skip 4096
boot_pd:
	.skip 4 * 4096
