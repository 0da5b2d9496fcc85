/*
 * The system-call table: Linux x86-64's numbers (arch/x86/entry/syscalls/
 * syscall_64.tbl) to handlers in their subsystems. syscall.S saves the
 * user's registers in a struct trapframe and calls syscall_dispatch: the
 * number is in rax, the arguments in rdi, rsi, rdx, r10, r8, r9, and the
 * result (or a negative errno) goes back in rax. A number with no
 * handler returns -ENOSYS; syscall.log on the command line names each
 * such number once. docs/syscalls.md has the table of what exists.
 */
#include "proc/proc.h"

#define SYS_getpid 39
#define SYS_exit 60
#define SYS_arch_prctl 158
#define SYS_gettid 186
#define SYS_set_tid_address 218
#define SYS_exit_group 231
#define NR_SYSCALLS 335

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

typedef long (*syscall_fn)(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
			   uint64_t a4, uint64_t a5);

static long sys_exit(uint64_t code, uint64_t a1, uint64_t a2, uint64_t a3,
		     uint64_t a4, uint64_t a5)
{
	proc_exit(WAIT_EXITED(code));
}

static long sys_getpid(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		       uint64_t a4, uint64_t a5)
{
	return proc_current()->pid;
}

/* One task per process for now, so the thread id is the pid. */
static long sys_set_tid_address(uint64_t tidptr, uint64_t a1, uint64_t a2,
				uint64_t a3, uint64_t a4, uint64_t a5)
{
	return proc_current()->pid;
}

static long sys_arch_prctl(uint64_t code, uint64_t addr, uint64_t a2,
			   uint64_t a3, uint64_t a4, uint64_t a5)
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
		if (addr >= USER_TOP || USER_TOP - addr < sizeof(fs) ||
		    copy_nofault((void *)addr, &fs, sizeof(fs)) < 0)
			return -EFAULT;
		return 0;
	}
	return -EINVAL;
}

static const syscall_fn syscall_table[NR_SYSCALLS] = {
	[SYS_getpid] = sys_getpid,
	[SYS_exit] = sys_exit,
	[SYS_arch_prctl] = sys_arch_prctl,
	[SYS_gettid] = sys_getpid,
	[SYS_set_tid_address] = sys_set_tid_address,
	[SYS_exit_group] = sys_exit,
};

/* Numbers already reported under syscall.log. Each CPU only sets bits,
 * with atomics. */
static uint64_t enosys_logged[(NR_SYSCALLS + 63) / 64];

static long no_such_call(uint64_t nr)
{
	if (cmdline_flag("syscall.log") && nr < NR_SYSCALLS &&
	    !(__atomic_fetch_or(&enosys_logged[nr / 64], 1ULL << (nr % 64),
				__ATOMIC_RELAXED) &
	      (1ULL << (nr % 64))))
		kprintf("syscall: %s (pid %u) called %lu: not implemented, "
			"-ENOSYS\n",
			proc_current()->name, proc_current()->pid, nr);
	return -ENOSYS;
}

void syscall_dispatch(struct trapframe *tf)
{
	uint64_t nr = tf->rax;
	syscall_fn fn = nr < NR_SYSCALLS ? syscall_table[nr] : NULL;

	tf->rax = fn ? fn(tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9)
		     : no_such_call(nr);
	/* sysret would fault in kernel mode on a non-user rip (syscall.S). */
	if (tf->rip >= USER_TOP)
		proc_user_fault(tf);
}
