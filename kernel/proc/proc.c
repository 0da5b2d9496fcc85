/*
 * Process lifetime: making one (an address space, a program loaded into
 * it, a task that enters user mode), ending one (exit, or a fault), and
 * collecting its status. The address space cannot be freed by the
 * process itself, since it runs on it: proc_wait frees it once the task
 * is gone (its CPU has switched to other page tables by then).
 */
#include "proc/proc.h"

static struct spinlock proc_lock = SPINLOCK_INIT("proc");
static unsigned int next_pid = 1; /* proc_lock */

struct proc *proc_current(void)
{
	struct task *t = current_task();

	return t ? task_owner(t) : NULL;
}

/* The task's first code: leave for user mode at the program's entry,
 * on its stack. The register frame can be a local: user_enter moves the
 * stack pointer onto it and pops it; after that the kernel stack is
 * empty, and traps from user mode start again at its top (TSS rsp0). */
static void enter_user(void *arg)
{
	struct proc *p = arg;
	struct trapframe tf = {
		.rip = p->entry,
		.cs = SEL_UCODE,
		.rflags = RFLAGS_IF,
		.rsp = p->user_rsp,
		.ss = SEL_UDATA,
	};

	irq_disable();
	user_enter(&tf);
}

int proc_spawn(const char *path, char *const argv[], char *const envp[],
	       struct proc **out)
{
	struct proc *p = kzalloc(sizeof(*p));
	const char *base = strrchr(path, '/');
	int err;

	if (!p)
		return -ENOMEM;
	err = vm_space_create(&p->vs);
	if (err)
		goto out_free;
	err = exec_load(p, path, argv, envp);
	if (err)
		goto out_space;
	strlcpy(p->name, base ? base + 1 : path, sizeof(p->name));
	p->exit_wait = (struct waitqueue)WAITQUEUE_INIT;
	spin_lock(&proc_lock);
	p->pid = next_pid++;
	spin_unlock(&proc_lock);
	p->task = task_spawn_in(p->name, &p->vs, p, enter_user, p);
	if (!p->task) {
		err = -ENOMEM;
		goto out_space;
	}
	*out = p;
	return 0;
out_space:
	vm_space_destroy(&p->vs);
out_free:
	kfree(p);
	return err;
}

__noreturn void proc_exit(int wait_status)
{
	struct proc *p = proc_current();

	assert(p);
	spin_lock(&proc_lock);
	p->exited = true;
	p->wait_status = wait_status;
	wake_up(&p->exit_wait);
	spin_unlock(&proc_lock);
	task_exit();
}

/* The signal Linux would send for the exception (kill only, for now). */
static int fault_signal(uint64_t vector)
{
	switch (vector) {
	case 0:  /* #DE */
	case 16: /* #MF */
	case 19: /* #XM */
		return SIGFPE;
	case 6: /* #UD */
		return SIGILL;
	case 3: /* #BP */
	case 1: /* #DB */
		return SIGTRAP;
	case 17: /* #AC */
		return SIGBUS;
	}
	return SIGSEGV;
}

__noreturn void proc_user_fault(struct trapframe *tf)
{
	struct proc *p = proc_current();
	int sig = fault_signal(tf->vector);

	kprintf("pid %u (%s): %s at rip %#lx, rsp %#lx", p->pid, p->name,
		tf->vector < 32 ? exception_name(tf->vector)
				: "return to a kernel address",
		tf->rip, tf->rsp);
	if (tf->vector == 14)
		kprintf(", address %#lx", read_cr2());
	kprintf(": killed (signal %d)\n", sig);
	proc_exit(WAIT_SIGNALED(sig));
}

int proc_wait(struct proc *p)
{
	int status;

	spin_lock(&proc_lock);
	while (!p->exited)
		sleep_on(&p->exit_wait, &proc_lock);
	status = p->wait_status;
	spin_unlock(&proc_lock);
	/* With one CPU the exiting task has switched away (and loaded other
	 * page tables) before we can run. With several, the exit must be
	 * published only after that switch: the SMP work moves it into the
	 * scheduler's reaping of dead tasks. */
	vm_space_destroy(&p->vs);
	kfree(p);
	return status;
}
