/*
 * Between the scheduler core's two halves: sched.c (tasks, switching,
 * sleeping) calls these to queue, pick and account, and rq.c calls the
 * classes (policy.h). Nothing outside kernel/sched includes it.
 *
 * Every function here but rq_init, task_se and se_task expects the run
 * queue's lock (the sched lock) held, with interrupts off. docs/sched.md.
 */
#ifndef KESTREL_SCHED_RQ_H
#define KESTREL_SCHED_RQ_H

#include "sched/policy.h"
#include "sched/sched.h"

/* sched.c: the scheduling part of a task, and back. */
struct sched_entity *task_se(struct task *t);
struct task *se_task(struct sched_entity *se);

/* Boot, before the first task is made: the run queues, and the class for
 * the normal policies from sched= (and sched.slice_ms=). */
void rq_init(struct spinlock *lock);
/* This CPU's run queue. */
struct rq *this_rq(void);
/* CPU cpu schedules from now on (its idle loop starts). */
void rq_cpu_online(unsigned int cpu);
/* Has rq a task to run? If not, first try to pull one from the busiest
 * run queue (an idle CPU's load balancing). */
bool rq_has_work(struct rq *rq);
/* A new task's scheduling state: inherited from parent (NULL: the
 * defaults, SCHED_NORMAL at nice 0 on any CPU). */
void sched_entity_init(struct sched_entity *se,
		       const struct sched_entity *parent);
/* Wakeup placement: the run queue se should join (an allowed CPU). */
struct rq *rq_select(struct sched_entity *se);
/* Queue se on rq (flags: ENQUEUE_NEW or ENQUEUE_WAKEUP) and ask the CPU
 * to reschedule if se should run before what runs there now. */
void rq_enqueue(struct rq *rq, struct sched_entity *se, int flags);
/* The running task stops: prev (NULL for the idle task) is charged and,
 * if requeue is not 0 (ENQUEUE_YIELD or ENQUEUE_PREEMPTED) queued again;
 * then the next task is taken from the highest class that has one.
 * Returns it, or NULL for the idle task. */
struct sched_entity *rq_schedule(struct rq *rq, struct sched_entity *prev,
				 int requeue);
/* The CPU really switches from prev to next (either NULL for idle):
 * counts the switch, its kind, and the CPU's busy and idle time. */
void rq_account_switch(struct rq *rq, struct sched_entity *prev,
		       struct sched_entity *next, bool prev_runnable);
/* Tasks queued on cpu's run queue. */
unsigned int rq_nr_queued(unsigned int cpu);
/* The tasks on cpu running or queued (the idle task not counted). */
unsigned int rq_nr_active(unsigned int cpu);

/* loadavg.c: fold the active count into the load averages, if 5 s have
 * passed since the last time (CPU 0's tick); and read them. */
void loadavg_tick(uint64_t now);
void loadavg_get(unsigned long out[3]);
/* The timer tick: charge the running task; end its slice if its class
 * says so (or a higher class waits). */
void rq_tick(struct rq *rq);

/* trace.c: the event ring buffers (sched.h has the reader's side). */
/* prev_runnable: prev goes back to a run queue (preempted or yielding)
 * rather than to sleep or to exit. */
void sched_trace_switch(unsigned int cpu, struct task *prev, struct task *next,
			bool prev_runnable);
void sched_trace_wakeup(unsigned int cpu, struct task *t,
			unsigned int target_cpu);
void sched_trace_migrate(unsigned int cpu, struct task *t,
			 unsigned int from_cpu, unsigned int to_cpu);

#endif
