/*
 * The scheduling trace: every context switch, wakeup and migration as a
 * fixed-size record in a ring buffer per CPU, cheap enough to stay on
 * (a copy of two names and a few numbers under a lock nobody else
 * wants). Readers (/proc/schedtrace, schedviz) copy records out with
 * sched_trace_copy, asking for those after the last seq they saw; a
 * reader too slow for the ring loses the oldest, and sees so from the
 * gap in seq.
 *
 *   ring: [ e(seq 1025) | e(seq 1026) | ... | e(seq 1024) ]
 *          ^ head % SCHED_TRACE_EVENTS       the oldest is overwritten
 *
 * Writers run on their own CPU under the sched lock; the ring's own
 * lock (taken after the sched lock) is for readers on other CPUs.
 * docs/sched.md (Tools) shows what schedviz makes of it.
 */
#include "sched/rq.h"
#include "arch/x86_64/arch.h"
#include "proc/proc.h"
#include "trace/trace.h"

struct trace_ring {
	struct spinlock lock;
	uint64_t seq; /* the last event's; events[seq % N] is the slot */
	struct sched_event events[SCHED_TRACE_EVENTS];
};

static struct trace_ring rings[MAX_CPUS] = {
	[0 ... MAX_CPUS - 1] = { .lock = SPINLOCK_INIT("sched trace") },
};

/* Note who t is in its scheduling entity: its process's pid and name,
 * 0 and "idle" for this CPU's idle task (the only one a writer meets),
 * -1 and the task's name for another kernel task. Only for a task that
 * is about to run or is waking: its process is alive. */
static void note_who(struct task *t)
{
	struct sched_entity *se = task_se(t);
	struct proc *p = task_owner(t);

	if (p) {
		se->who.pid = p->pid;
		memcpy(se->who.comm, p->name, sizeof(se->who.comm));
		se->who.comm[sizeof(se->who.comm) - 1] = '\0';
	} else {
		se->who.pid = t == this_cpu()->idle_task ? 0 : -1;
		strlcpy(se->who.comm, task_name(t), sizeof(se->who.comm));
	}
}

static void who(struct task *t, int32_t *pid, char comm[16])
{
	const struct sched_entity *se = task_se(t);

	*pid = se->who.pid;
	memcpy(comm, se->who.comm, 16);
}

static struct sched_event *slot(unsigned int cpu, enum sched_event_type type)
{
	struct trace_ring *r = &rings[cpu];
	struct sched_event *e;

	spin_lock(&r->lock);
	r->seq++;
	e = &r->events[r->seq % SCHED_TRACE_EVENTS];
	e->seq = r->seq;
	e->time_ns = time_ns();
	e->type = type;
	e->cpu = cpu;
	e->arg = e->arg2 = 0;
	e->pid2 = 0;
	e->comm2[0] = '\0';
	return e;
}

static void done(unsigned int cpu)
{
	spin_unlock(&rings[cpu].lock);
}

void sched_trace_switch(unsigned int cpu, struct task *prev, struct task *next,
			bool prev_runnable)
{
	struct sched_event *e = slot(cpu, SCHED_EV_SWITCH);

	/* prev was noted when it started running (kmain, which never
	 * did, is noted now: it is no process); prev may be exiting. */
	if (!task_se(prev)->who.comm[0])
		note_who(prev);
	note_who(next);
	who(prev, &e->pid, e->comm);
	who(next, &e->pid2, e->comm2);
	/* kernel/trace's too */
	trace_sched_switch(e->pid, e->pid2, prev_runnable);
	done(cpu);
}

void sched_trace_wakeup(unsigned int cpu, struct task *t,
			unsigned int target_cpu)
{
	struct sched_event *e = slot(cpu, SCHED_EV_WAKEUP);

	note_who(t);
	who(t, &e->pid, e->comm);
	e->arg = target_cpu;
	trace_sched_wakeup(e->pid, target_cpu);
	done(cpu);
}

void sched_trace_migrate(unsigned int cpu, struct task *t,
			 unsigned int from_cpu, unsigned int to_cpu)
{
	struct sched_event *e = slot(cpu, SCHED_EV_MIGRATE);

	note_who(t);
	who(t, &e->pid, e->comm);
	e->arg = from_cpu;
	e->arg2 = to_cpu;
	done(cpu);
}

size_t sched_trace_copy(unsigned int cpu, uint64_t after,
			struct sched_event *out, size_t max)
{
	struct trace_ring *r;
	uint64_t first;
	size_t n = 0;

	if (cpu >= MAX_CPUS)
		return 0;
	r = &rings[cpu];
	spin_lock(&r->lock);
	/* The oldest still in the ring is seq - N + 1. */
	first = r->seq > SCHED_TRACE_EVENTS ? r->seq - SCHED_TRACE_EVENTS + 1
					    : 1;
	if (after + 1 > first)
		first = after + 1;
	for (uint64_t s = first; s <= r->seq && n < max; s++)
		out[n++] = r->events[s % SCHED_TRACE_EVENTS];
	spin_unlock(&r->lock);
	return n;
}
