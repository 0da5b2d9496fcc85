/*
 * arch_prctl(2): the x86-64 settings a program may change for itself.
 * Only the FS base is here: the C library points it at the thread's
 * TLS block (musl does at start-up), and code then reaches its
 * thread-local variables at %fs:offset. The CPU keeps the base in the
 * MSR_FS_BASE register; the scheduler keeps each task's copy and loads
 * it on every switch (arch_switch_to), so setting it goes through
 * task_set_fs_base, and reading it reads the register, which always
 * holds the running task's. docs/processes.md, "Per-task CPU state".
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/memlayout.h"
#include "sched/sched.h"
#include "syscall.h"

/* The codes: Linux's (arch/x86/include/uapi/asm/prctl.h). */
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

static long sys_arch_prctl(uint64_t code, uaddr_t addr)
{
	uint64_t fs;

	switch (code) {
	case ARCH_SET_FS:
		if (addr >= USER_TOP)
			return -EPERM; /* Linux's answer for such an address */
		task_set_fs_base(addr);
		return 0;
	case ARCH_GET_FS:
		fs = rdmsr(MSR_FS_BASE);
		return put_user(fs, addr);
	}
	return -EINVAL;
}
SYSCALL(arch_prctl, sys_arch_prctl);
