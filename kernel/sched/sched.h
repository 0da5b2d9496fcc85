/*
 * Tasks and the scheduler's public face. A task is a thread of control
 * in the kernel with its own stack: kmain is the first, the idle task
 * runs when nothing else can, and task_spawn makes more. A process is a
 * task with a user address space.
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
 * no wakeup is lost.
 *
 * Which task runs is a scheduling class's choice (policy.h: real-time,
 * then fair or round robin). A task runs until it sleeps, yields or
 * exits, or until it is preempted because its slice ended or a task that
 * must run first woke: it then gives way on its way back to user mode,
 * or at the end of an interrupt that finds it in kernel code with
 * interrupts on. docs/sched.md has the pictures.
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

/*
 * Making a task is two steps, so that its maker can finish setting it up
 * in between: task_create makes it, task_start lets it run. task_spawn
 * does both for a kernel task. When fn returns, the task exits.
 */
struct vm_space;
/* A task that will run fn(arg) in the address space vs (NULL: the
 * kernel's only); owner is what task_owner returns (its process; NULL for
 * a kernel task). Not yet runnable: the caller finishes setting it up
 * (task_copy_user_state, task_init_fs_base), then calls task_start(t) or
 * task_discard(t). NULL when out of memory. */
struct task *task_create(const char *name, struct vm_space *vs, void *owner,
			 void (*fn)(void *), void *arg);
/* Make t, from task_create, runnable. */
void task_start(struct task *t);
/* A kernel task running fn(arg), runnable at once; NULL when out of
 * memory. */
struct task *task_spawn(const char *name, void (*fn)(void *), void *arg);
/* Free a task made by task_create that never started. */
void task_discard(struct task *t);
/* The owner of t (a task_create with an owner) is done with it: free
 * it now if it has exited (it is then off every CPU; if it is running on
 * another CPU, wait until it has exited), or else as soon as it has.
 * Until then t stays valid, whichever CPU it exits on, so that its owner
 * can look at it (task_interrupt, task_state_char). */
void task_release(struct task *t);
/* fork: give t the running task's SSE registers and FS base. */
void task_copy_user_state(struct task *t);
void task_init_fs_base(struct task *t, uint64_t base);
/* The CPU state (FS base, SSE registers) of t, which is not running:
 * ptrace reads and writes a stopped tracee's here. */
struct arch_task *task_arch(struct task *t);
/* exec: a clean SSE state and FS base 0 for the running task. */
void task_reset_user_state(void);
/* Switch the running task to another address space (exec, exit). */
void task_set_vs(struct vm_space *vs);
/* Wake t from whatever wait queue it sleeps on (a signal came); if it is
 * not asleep, its next sleep_on returns at once. */
void task_interrupt(struct task *t);
/* Has a tick or a wakeup asked this CPU to let another task run?
 * (Clears it.) If so, the caller calls sched_preempt. */
bool sched_should_yield(void);
/* Give the CPU to the task that should run first; the running task stays
 * runnable (an involuntary switch). */
void sched_preempt(void);
/* From trap(), at the end of an interrupt that came while kernel code ran
 * with interrupts on (so it held no spinlock): if the CPU should
 * reschedule, the interrupted task gives way there, as a user task does
 * on its way back to user mode. preempt=user on the command line turns
 * this off. Interrupts are off. */
void sched_preempt_kernel(void);
/* 'R' running or runnable, 'S' sleeping, 'X' dead: for /proc. */
char task_state_char(const struct task *t);
void *task_owner(const struct task *t);
/* The top of t's kernel stack (where a trap from user mode lands). */
uint64_t task_stack_top(const struct task *t);
/* Set the running task's FS base (user TLS; arch_prctl). */
void task_set_fs_base(uint64_t base);
/* End the running task; its stack is freed by the next one to run. */
__noreturn void task_exit(void);
/* The same, letting go of lk (held) only once the sched lock is taken:
 * nothing runs here between the two, so whoever waits under lk for this
 * task to end (a parent reaping its zombie) never finds it preempted
 * half way out. */
__noreturn void task_exit_unlock(struct spinlock *lk);
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
	uint64_t switches;     /* context switches */
	unsigned int tasks;    /* not yet freed, idle tasks included */
	unsigned int runnable; /* running on a CPU or queued for one */
	/* The 1, 5 and 15 minute load averages (loadavg.c), fixed point:
	 * LOAD_FIXED_1 is a load of 1. */
	unsigned long load[3];
	/* Exited, to be freed by the next task on their CPU: a test that
	 * counts tasks or memory waits until none are left. */
	unsigned int exiting;
	/* Tasks that gave way inside the kernel (sched_preempt_kernel);
	 * counted atomically, without the sched lock. */
	uint64_t kernel_preemptions;
};
#define LOAD_FSHIFT 11
#define LOAD_FIXED_1 (1UL << LOAD_FSHIFT)
void sched_get_stats(struct sched_stats *st);

/* ---- policies (rq.c; policy.h has the classes) --------------------------
 * For the system calls and /proc. The caller keeps t alive (for a
 * process: holds proc_lock and has seen it is not a zombie). */

/* SCHED_NORMAL, BATCH or IDLE (rt_priority 0), or SCHED_FIFO or RR with
 * rt_priority 1..99: 0 or -EINVAL. */
int task_set_policy(struct task *t, int policy, unsigned int rt_priority);
/* nice is clamped to -20..19, as Linux does. */
void task_set_nice(struct task *t, int nice);
/* The CPUs t may run on (bit n: CPU n): -EINVAL if none of them runs. */
int task_set_affinity(struct task *t, uint64_t mask);
/* The CPUs that run tasks. */
uint64_t sched_online_mask(void);
/* The name of the class that runs the normal policies: "fair" or "rr". */
const char *sched_normal_class_name(void);

struct task_sched_info {
	int policy, nice;
	unsigned int rt_priority;
	uint64_t affinity;
	unsigned int cpu; /* running on, or last ran on */
	const char *class_name;
	uint64_t vruntime_ns, sum_exec_ns, exec_start_ns, weight;
	uint64_t wait_sum_ns, wait_max_ns, wait_count;
	uint64_t wakeup_max_ns, wakeup_max_ticks, nr_wakeups;
	uint64_t nr_voluntary, nr_involuntary, nr_migrations;
	uint64_t timeslice_ns; /* sched_rr_get_interval */
};
void task_sched_info(struct task *t, struct task_sched_info *out);

struct sched_cpu_info {
	uint64_t switches, schedules, goidle, yields;
	uint64_t wakeups, wakeups_local, picks;
	uint64_t run_ns, idle_ns, run_delay_ns;
	unsigned int nr_queued;
	bool running; /* false: the idle task runs */
	int curr_pid; /* see struct sched_event */
	char curr_comm[16];
};
/* How many CPUs have a run queue in use. */
unsigned int sched_cpu_count(void);
void sched_cpu_info(unsigned int cpu, struct sched_cpu_info *out);

/* ---- the scheduling trace (trace.c) -------------------------------------
 * Each CPU logs its events in a ring of SCHED_TRACE_EVENTS; the oldest
 * are overwritten. seq numbers a CPU's events from 1. pid is the
 * process's, 0 for the idle task, -1 for other kernel tasks. */
#define SCHED_TRACE_EVENTS 1024

enum sched_event_type {
	SCHED_EV_SWITCH,  /* pid (comm) -> pid2 (comm2) */
	SCHED_EV_WAKEUP,  /* pid (comm) woke, queued on CPU arg */
	SCHED_EV_MIGRATE, /* pid (comm) moved from CPU arg to CPU arg2 */
};

struct sched_event {
	uint64_t seq;
	uint64_t time_ns;
	uint8_t type, cpu, arg, arg2;
	int32_t pid, pid2;
	char comm[16], comm2[16];
};
/* Copy cpu's events with seq > after (oldest first) into out, at most
 * max; how many were copied. */
size_t sched_trace_copy(unsigned int cpu, uint64_t after,
			struct sched_event *out, size_t max);

#endif
