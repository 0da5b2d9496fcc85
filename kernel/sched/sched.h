/*
 * Tasks and the scheduler's public face. A task is a thread of control
 * in the kernel with its own stack: kmain is the first, the idle task
 * runs when nothing else can, and task_spawn makes more. Processes (a
 * later issue) will be tasks with a user address space.
 *
 * Waiting is sleeping: a task that must wait for something (a disk
 * request, a lock, another task) sleeps on a wait queue and is woken by
 * whoever makes the condition true, often an interrupt handler. The
 * pattern, with the lock lk that protects cond:
 *
 *	spin_lock(&lk);
 *	while (!cond)
 *		sleep_on(&wq, &lk);
 *	spin_unlock(&lk);
 *
 * and on the other side spin_lock(&lk); make cond true; wake_up(&wq);
 * spin_unlock(&lk). sleep_on releases lk only once the task is on wq, so
 * no wakeup is lost. Scheduling is cooperative for now: a task runs until
 * it sleeps, yields or exits (timer preemption comes with the scheduler
 * issue). docs/sched.md has the picture.
 */
#ifndef KESTREL_SCHED_H
#define KESTREL_SCHED_H

#include "lib/spinlock.h"

struct task;

struct waitqueue {
	struct task *head, *tail; /* sleepers, in arrival order (sched lock) */
};

#define WAITQUEUE_INIT     \
	{                  \
		NULL, NULL \
	}

/* Boot: make the running flow (kmain) a task and start the idle task.
 * Before this, sleep_on must not be called. */
void sched_init(void);
bool sched_ready(void);
struct cpu;
/* SMP boot (smp.c): make CPU c's idle task; the top of its stack, on
 * which the CPU starts, or 0 when out of memory. */
uint64_t sched_add_cpu(struct cpu *c);
/* The starting CPU becomes its idle task, interrupts on, for good. */
__noreturn void sched_run_idle(void);

/* A new kernel task running fn(arg), runnable at once; NULL when out of
 * memory. When fn returns the task exits. */
struct task *task_spawn(const char *name, void (*fn)(void *), void *arg);
struct vm_space;
/* A task that runs in the address space vs (NULL: the kernel's only);
 * owner is what task_owner returns (its process). */
struct task *task_spawn_in(const char *name, struct vm_space *vs, void *owner,
			   void (*fn)(void *), void *arg);
/* As task_spawn_in, but not yet runnable: the caller finishes setting it
 * up (task_copy_user_state, task_init_fs_base), then task_start(t). */
struct task *task_create_in(const char *name, struct vm_space *vs, void *owner,
			    void (*fn)(void *), void *arg);
void task_start(struct task *t);
/* Free a task made by task_create_in that never started. */
void task_discard(struct task *t);
/* The owner of t (a task_create_in with an owner) is done with it: free
 * it now if it has exited (it is then off every CPU; if it is running on
 * another CPU, wait until it has exited), or else as soon as it has. Until then t stays valid, whichever CPU it exits on, so that
 * its owner can look at it (task_interrupt, task_state_char). */
void task_release(struct task *t);
/* fork: give t the running task's SSE registers and FS base. */
void task_copy_user_state(struct task *t);
void task_init_fs_base(struct task *t, uint64_t base);
/* exec: a clean SSE state and FS base 0 for the running task. */
void task_reset_user_state(void);
/* Switch the running task to another address space (exec, exit). */
void task_set_vs(struct vm_space *vs);
/* Wake t from whatever wait queue it sleeps on (a signal came); if it is
 * not asleep, its next sleep_on returns at once. */
void task_interrupt(struct task *t);
/* Has a tick asked this CPU to let another task run? (Clears it.) */
bool sched_should_yield(void);
/* 'R' running or runnable, 'S' sleeping, 'X' dead: for /proc. */
char task_state_char(const struct task *t);
void *task_owner(const struct task *t);
/* The top of t's kernel stack (where a trap from user mode lands). */
uint64_t task_stack_top(const struct task *t);
/* Set the running task's FS base (user TLS; arch_prctl). */
void task_set_fs_base(uint64_t base);
/* End the running task; its stack is freed by the next one to run. */
__noreturn void task_exit(void);
struct task *current_task(void);
const char *task_name(const struct task *t);
unsigned int task_id(const struct task *t);

/* Let every other runnable task run once. */
void sched_yield(void);

/* Sleep on wq; the caller holds lk, which is released while asleep and
 * taken again before returning. Spurious wakeups happen: always recheck
 * the condition. Must not be called from an interrupt handler. */
void sleep_on(struct waitqueue *wq, struct spinlock *lk);
/* As sleep_on, but also woken once time_ns() reaches deadline_ns. */
void sleep_on_until(struct waitqueue *wq, struct spinlock *lk,
		    uint64_t deadline_ns);
/* Wake every task sleeping on wq; callable from interrupt handlers. */
void wake_up(struct waitqueue *wq);

/* Called by the timer interrupt: wakes tasks whose deadline passed. */
void sched_tick(void);

struct sched_stats {
	uint64_t switches;  /* context switches */
	unsigned int tasks; /* not yet freed, idle tasks included */
	unsigned int runnable;
	/* Exited, to be freed by the next task on their CPU: a test that
	 * counts tasks or memory waits until none are left. */
	unsigned int exiting;
};
void sched_get_stats(struct sched_stats *st);

#endif
