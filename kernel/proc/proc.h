/*
 * Processes: a task (kernel/sched) that runs a program in user mode, in
 * an address space of its own. This is the first step of the processes
 * work: a process is made by loading a static ELF executable
 * (proc_spawn), runs until it exits or faults, and its exit status is
 * collected with proc_wait. fork, file descriptors, signals and the rest
 * come next. docs/processes.md has the picture.
 */
#ifndef KESTREL_PROC_H
#define KESTREL_PROC_H

#include "arch/x86_64/arch.h"
#include "mm/mm.h"
#include "sched/sched.h"

/* Linux's wait status: exit code << 8, or the signal that killed it. */
#define WAIT_EXITED(code) (((code)&0xff) << 8)
#define WAIT_SIGNALED(sig) ((sig)&0x7f)
#define SIGILL 4
#define SIGTRAP 5
#define SIGBUS 7
#define SIGFPE 8
#define SIGSEGV 11

struct proc {
	/* Set at creation, constant afterwards. */
	unsigned int pid;
	char name[16];
	struct vm_space vs;
	struct task *task;
	uint64_t entry;    /* where the program starts */
	uint64_t user_rsp; /* its initial stack pointer */

	/* Protected by proc_lock (proc.c). */
	bool exited;
	int wait_status;
	struct waitqueue exit_wait;
};

/* Load the static executable at path (ELF64, x86-64, ET_EXEC) with argv
 * and envp (NULL-terminated) into a new process and start it. 0 and *out,
 * or -ENOENT/-EACCES/-ENOEXEC (not a static x86-64 executable: a message
 * says why)/-ENOMEM. */
int proc_spawn(const char *path, char *const argv[], char *const envp[],
	       struct proc **out);
/* Sleep until p exits; its wait status. p is freed. */
int proc_wait(struct proc *p);

/* The running process, or NULL in a kernel task. */
struct proc *proc_current(void);
/* End the running process with a wait status (never returns). */
__noreturn void proc_exit(int wait_status);

/* exec.c: load the program into p->vs; set p->entry and p->user_rsp. */
int exec_load(struct proc *p, const char *path, char *const argv[],
	      char *const envp[]);

/* syscall.c, from syscall.S */
void syscall_dispatch(struct trapframe *tf);

/* A fault in user mode: report it and end the process (trap.c). */
__noreturn void proc_user_fault(struct trapframe *tf);

#endif
