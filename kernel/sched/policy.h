/*
 * The scheduler's policy interface: what a scheduling class must do, the
 * run queue it keeps its tasks in, and the part of a task it may touch.
 *
 * The core (sched.c, rq.c) decides *when* to schedule: a task sleeps,
 * yields or exits, or the tick or a wakeup asks the running one to give
 * way. A class decides *whom*: it keeps its runnable tasks in its own
 * part of the run queue, in its own order. Classes are ranked, and a task
 * of a higher class always runs before one of a lower:
 *
 *	rt_class     SCHED_FIFO, SCHED_RR, priorities 1..99  (policy_rt.c)
 *	fair_class   SCHED_NORMAL/BATCH/IDLE by default       (policy_fair.c)
 *	  or rr_class  the same policies in plain round robin (policy_rr.c)
 *
 * sched=fair|rr on the command line picks the class for the normal
 * policies. A class sees tasks only as struct sched_entity. Every call
 * below is made with the run queue's lock held and interrupts off: a
 * class never sleeps, allocates or takes another lock.
 *
 * The running task is not in its class's queue: pick_next takes it out,
 * and when it stops running while still runnable (a yield, a preemption)
 * the core enqueues it again. docs/sched.md has the pictures and says how
 * to write a new class.
 */
#ifndef KESTREL_SCHED_POLICY_H
#define KESTREL_SCHED_POLICY_H

#include "lib/list.h"
#include "lib/rbtree.h"
#include "lib/spinlock.h"

/* Policies, as Linux numbers them (include/uapi/linux/sched.h). */
#define SCHED_NORMAL 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#define SCHED_BATCH 3
#define SCHED_IDLE 5

#define NICE_MIN (-20)
#define NICE_MAX 19
#define RT_PRIO_MIN 1
#define RT_PRIO_MAX 99

struct sched_class;

/*
 * The scheduler's part of a task (struct task in sched.c embeds one).
 * The run queue's lock (the sched lock) protects every field. A class
 * reads the first group, and reads and writes only its own part (fair,
 * rt or rr); the rest is the core's (rq.c, trace.c), which a class never
 * touches.
 */
struct sched_entity {
	/* ---- what a class reads (sched lock) ---------------------------
	 * What the task asked for (sched_setscheduler, setpriority,
	 * sched_setaffinity), set by the core; a child inherits them. */
	int policy;               /* SCHED_NORMAL ... SCHED_IDLE */
	int nice;                 /* -20..19; normal policies */
	unsigned int rt_priority; /* 1..99 for FIFO and RR, else 0 */
	uint64_t affinity;        /* CPUs it may run on, bit n = CPU n */
	const struct sched_class *class;
	/* Kept by the core as it queues and runs the task. */
	bool on_rq;              /* in its class's queue */
	uint64_t sum_exec_ns;    /* CPU time in all */
	uint64_t picked_exec_ns; /* sum_exec_ns when last picked */

	/* ---- each class's own part (sched lock) ------------------------
	 * The core also sets fair.weight when nice changes, and resets the
	 * slice counters when a new slice begins (rq_tick). */
	struct {
		struct rb_node node; /* in fair_rq.tree, keyed by vruntime */
		uint64_t vruntime;   /* weighted ns run */
		uint32_t weight;     /* from nice (fair_weight) */
	} fair;
	struct {
		struct list_head link;  /* in rt_rq.queue[rt_priority] */
		uint64_t slice_used_ns; /* SCHED_RR: of the current slice */
	} rt;
	struct {
		struct list_head link;    /* in rr_rq.queue */
		unsigned int slice_ticks; /* of the current slice */
	} rr;

	/* ---- the core's (rq.c; sched lock) ----------------------------- */
	unsigned int cpu;       /* whose run queue it is on, or the CPU it
				 * runs or last ran on */
	bool slice_over;        /* the tick said its slice ended */
	uint64_t exec_start_ns; /* last charge, while running */
	uint64_t wait_start_ns; /* when queued, while queued */
	uint64_t woken_ns;      /* time of the wakeup not yet run, or 0 */
	uint64_t woken_tick;    /* the tick count then */
	/* Counters for /proc/PID/sched (task_sched_info). */
	struct {
		uint64_t wait_sum_ns, wait_max_ns;
		uint64_t wait_count;       /* times picked */
		uint64_t wakeup_max_ns;    /* longest wakeup -> running */
		uint64_t wakeup_max_ticks; /* the same in ticks */
		uint64_t nr_wakeups;
		uint64_t nr_voluntary;   /* it slept or exited */
		uint64_t nr_involuntary; /* it was still runnable (preempted,
					  * yielded) */
		uint64_t nr_migrations;
	} stats;
	/* Who it is, for the trace and /proc/schedstat (trace.c): noted
	 * each time it starts running, when its process is surely there (an
	 * exiting process may be freed before its task's last switch). */
	struct {
		int32_t pid;   /* the process's; 0 the idle task, -1 a kernel
				* task */
		char comm[16]; /* the process's name, or the kernel task's */
	} who;
};

/* Why a task is enqueued: */
#define ENQUEUE_NEW 0x01       /* it never ran */
#define ENQUEUE_WAKEUP 0x02    /* it slept */
#define ENQUEUE_YIELD 0x04     /* it called sched_yield */
#define ENQUEUE_PREEMPTED 0x08 /* something that must run first came */
#define ENQUEUE_SLICE_END 0x10 /* its slice (tick said so) is used up */
#define ENQUEUE_RESTORE 0x20   /* its policy or nice changed */

/* The rt class's part of a run queue: one FIFO list per priority and a
 * bitmap of the lists that are not empty. */
struct rt_rq {
	struct list_head queue[RT_PRIO_MAX + 1];
	uint64_t bitmap[2]; /* bit p: queue[p] has a task */
	unsigned int nr;
};

/* The fair class's: a red-black tree ordered by vruntime. */
struct fair_rq {
	struct rb_root tree;
	struct rb_node *leftmost; /* smallest vruntime: the next to run */
	uint64_t min_vruntime;    /* never goes back; where sleepers land */
	uint64_t load;            /* sum of the queued tasks' weights */
	unsigned int nr;
};

/* The rr class's: one FIFO list. */
struct rr_rq {
	struct list_head queue;
	unsigned int nr;
};

/*
 * A run queue: one per CPU (cpus[n] uses run_queues[n]). Every field is
 * under lock, which is not a lock of this run queue's own: every run
 * queue points at the one sched lock (sched.c).
 */
struct rq {
	struct spinlock *lock; /* the sched lock, shared by all run queues */
	unsigned int cpu;
	unsigned int nr_queued;    /* tasks queued, the running one not */
	struct sched_entity *curr; /* running now; NULL: the idle task */

	/* Statistics (/proc/schedstat). */
	uint64_t switches;  /* context switches */
	uint64_t schedules; /* times the core chose a task */
	uint64_t goidle;    /* ... and chose the idle task */
	uint64_t yields;
	uint64_t wakeups, wakeups_local;
	uint64_t picks;           /* time slices begun */
	uint64_t run_ns, idle_ns; /* up to last_switch_ns */
	uint64_t run_delay_ns;    /* time tasks waited here, queued */
	uint64_t last_switch_ns;

	struct rt_rq rt;
	struct fair_rq fair;
	struct rr_rq rr;
};

/*
 * A scheduling class. Every call has the run queue locked.
 */
struct sched_class {
	const char *name;
	/* Queue se (not queued). flags: ENQUEUE_*, why. */
	void (*enqueue)(struct rq *rq, struct sched_entity *se, int flags);
	/* Take a queued se out (its policy changes, or it moves). */
	void (*dequeue)(struct rq *rq, struct sched_entity *se);
	/* Take the next task to run out of the queue; NULL if empty. */
	struct sched_entity *(*pick_next)(struct rq *rq);
	/* The running se ran ns more (at each tick and when it stops). */
	void (*charge)(struct rq *rq, struct sched_entity *curr, uint64_t ns);
	/* At the tick, after charge: has curr used up its slice? */
	bool (*tick)(struct rq *rq, struct sched_entity *curr);
	/* se (of this class) woke up while curr (also of this class)
	 * runs: must curr give way at once? */
	bool (*wakeup_preempt)(struct rq *rq, struct sched_entity *curr,
			       struct sched_entity *se);
	/* The slice se gets, in ns, for sched_rr_get_interval (0: runs
	 * until it blocks). */
	uint64_t (*timeslice)(struct rq *rq, struct sched_entity *se);
	/* se (queued nowhere) moves from one CPU's run queue to another's:
	 * make its figures mean the same there. NULL: nothing to do. */
	void (*migrate)(struct rq *from, struct rq *to,
			struct sched_entity *se);
};

extern const struct sched_class rt_class, fair_class, rr_class;

/* Set up each class's part of rq. */
void rt_rq_init(struct rt_rq *rt);
void fair_rq_init(struct fair_rq *fair);
void rr_rq_init(struct rr_rq *rr);

/* fair: the load weight of a nice value (Linux's sched_prio_to_weight);
 * nice 0 is FAIR_NICE0_WEIGHT. */
#define FAIR_NICE0_WEIGHT 1024
uint32_t fair_weight(int policy, int nice);
/* rr: the slice of sched.slice_ms=, in ns. */
void rr_set_slice_ms(unsigned long ms);

#endif
