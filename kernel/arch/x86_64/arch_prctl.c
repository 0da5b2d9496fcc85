#include "arch/x86_64/memlayout.h"
#include "sched/sched.h"
#include "syscall.h"

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
		fs = rdmsr(0xc0000100); /* MSR_FS_BASE */
		return put_user(fs, addr);
	}
	return -EINVAL;
}
SYSCALL(arch_prctl, sys_arch_prctl);
