/*
 * The x86-64 address space as Kestrel lays it out. Included by C and by
 * assembly, so only plain #defines here. docs/boot.md has the picture.
 *
 *   0x0000000000000000 .. 0x00007fffffffffff   user space (later issues)
 *   0xffff800000000000 ..                      direct map of physical memory
 *   0xffffc00000000000 ..                      device registers (uncached)
 *   0xffffc04000000000 ..                      task stacks, each above a guard page
 *   0xffffffff80000000 ..                      kernel image (-mcmodel=kernel)
 */
#ifndef KESTREL_ARCH_MEMLAYOUT_H
#define KESTREL_ARCH_MEMLAYOUT_H

#define PAGE_SIZE 4096
#define PAGE_SHIFT 12
#define LARGE_PAGE_SIZE 0x200000 /* 2 MiB */

/* Physical address the kernel image is loaded at by GRUB. */
#define KERNEL_PHYS_BASE 0x100000

/* Where application processors start (trampoline.S): a page below 1 MiB
 * (real mode), inside the low memory the frame allocator never hands out.
 * The SIPI vector is its page number. */
#define TRAMPOLINE_PHYS 0x8000

/* Every byte of physical memory p is also at DIRECT_MAP_BASE + p. */
#define DIRECT_MAP_BASE 0xffff800000000000
/* Window where MMIO registers are mapped with caching disabled. */
#define MMIO_BASE 0xffffc00000000000
#define MMIO_SIZE 0x0000004000000000 /* 256 GiB */
/* Kernel stacks of tasks: slots of a guard page (never mapped) and then
 * KSTACK_SIZE bytes of stack. */
#define KSTACK_AREA_BASE 0xffffc04000000000
#define KSTACK_AREA_SIZE 0x0000001000000000 /* 64 GiB */
/* The kernel image: virtual = KERNEL_VMA + physical. */
#define KERNEL_VMA 0xffffffff80000000

/* The boot page tables direct-map this much before the memory map is read. */
#define BOOT_DIRECT_MAP_SIZE 0x100000000 /* 4 GiB */

#define KSTACK_SIZE 16384

/* Offsets in struct cpu that the syscall entry reads through %gs
 * (checked by static asserts in cpu.c). */
#define CPU_SYSCALL_STACK 8
#define CPU_USER_RSP 16

/* The highest user address + 1, and where the user stack starts. */
#define USER_TOP 0x0000800000000000
#define USER_STACK_TOP 0x00007ffffffff000

/* GDT selectors (kernel/arch/x86_64/gdt.c). The user pair is ordered as
 * sysret needs it: user data at STAR base + 8, user code at base + 16. */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA (0x18 | 3)
#define SEL_UCODE (0x20 | 3)
#define SEL_TSS 0x28

#endif
