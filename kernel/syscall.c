/*
 * The system-call table: Linux x86-64's numbers (syscall_nr.h) to
 * handlers in their subsystems, which register themselves with SYSCALL()
 * (syscall.h); syscall_table_init gathers them at boot. syscall.S saves
 * the user's registers in a struct trapframe at the top of the task's
 * kernel stack and calls syscall_dispatch: the number is in rax, the
 * arguments in rdi, rsi, rdx, r10, r8, r9, and the result (or a negative
 * errno) goes back in rax. A number with no handler returns -ENOSYS;
 * syscall.log on the command line names each such number once. On the
 * way out, pending signals are delivered (proc_return_to_user).
 * docs/syscalls.md has the table of what exists.
 */
#include "proc/proc.h"
#include "trace/trace.h"

extern const struct syscall_def __syscalls_start[], __syscalls_end[];

/* Built once at boot, read-only afterwards. */
static const struct syscall_def *syscall_table[NR_SYSCALLS];

void syscall_table_init(void)
{
	for (const struct syscall_def *d = __syscalls_start; d < __syscalls_end;
	     d++) {
		if (d->nr >= NR_SYSCALLS)
			panic("syscall %s: number %lu beyond the table",
			      d->name, d->nr);
		if (syscall_table[d->nr])
			panic("syscall %lu registered twice: %s and %s", d->nr,
			      syscall_table[d->nr]->name, d->name);
		syscall_table[d->nr] = d;
	}
}

const char *syscall_name(uint64_t nr)
{
	return nr < NR_SYSCALLS && syscall_table[nr] ? syscall_table[nr]->name
						     : NULL;
}

struct trapframe *user_frame(void)
{
	return (struct trapframe *)(task_stack_top(current_task()) -
				    sizeof(struct trapframe));
}

/* Numbers already reported under syscall.log. Each CPU only sets bits,
 * with atomics. */
static uint64_t enosys_logged[(NR_SYSCALLS + 63) / 64];

static long no_such_call(uint64_t nr)
{
	if (cmdline_flag("syscall.log") &&
	    (nr >= NR_SYSCALLS ||
	     !(__atomic_fetch_or(&enosys_logged[nr / 64], 1ULL << (nr % 64),
				 __ATOMIC_RELAXED) &
	       (1ULL << (nr % 64)))))
		kprintf("syscall: %s (pid %d) called %lu: not implemented, "
			"-ENOSYS\n",
			proc_current()->name, proc_current()->pid, nr);
	return -ENOSYS;
}

/* Returns nonzero when the way out must restore every register (iretq):
 * the call or a signal rewrote the frame. */
int syscall_dispatch(struct trapframe *tf)
{
	uint64_t nr = tf->rax;
	const struct syscall_def *d;
	struct proc *p = proc_current();
	bool run = true;

	p->syscall_nr = nr;
	p->frame_rewritten = false;
	/* A tracer asked for syscall stops (ptrace.c): it may change the
	 * number and arguments here, and the result below. */
	if (__builtin_expect(p->ptrace.syscall_work, 0)) {
		run = ptrace_syscall_entry(tf);
		nr = p->syscall_nr;
	}
	d = nr < NR_SYSCALLS ? syscall_table[nr] : NULL;
	trace_sys_enter(nr, tf->rdi, tf->rsi, tf->rdx);
	if (run)
		tf->rax = d ? d->fn(tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8,
				    tf->r9)
			    : no_such_call(nr);
	trace_sys_exit(nr, (int64_t)tf->rax);
	if (__builtin_expect(p->ptrace.syscall_work, 0))
		ptrace_syscall_exit(tf);
	proc_return_to_user(tf);
	/* sysret would fault in kernel mode on a non-user rip. */
	if (tf->rip >= USER_TOP) {
		proc_user_fault(tf);
		proc_return_to_user(tf);
		return 1;
	}
	return p->frame_rewritten;
}
