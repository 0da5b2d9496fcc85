/*
 * procfs's files about the scheduler (docs/sched.md, docs/procfs.md):
 *
 *   /proc/schedstat   per CPU: Linux's nine schedstat figures (version
 *                     15), then Kestrel's: context switches, idle ns,
 *                     tasks queued, the pid running
 *   /proc/schedtrace  the scheduling events still in each CPU's ring
 *   /proc/PID/sched   one task's policy, nice, vruntime, run and wait
 *                     times and switch counts, in Linux's layout
 *
 * and the scheduling fields of /proc/PID/stat (procfs_sched_fields).
 */
#include "fs/procfs/internal.h"
#include "sched/policy.h"

#define SCHEDSTAT_VERSION 15 /* Linux's format, kernel/sched/stats.c */
/* Linux's prio is MAX_RT_PRIO + 20 + nice, or 99 - rt_priority. */
#define MAX_RT_PRIO 100
#define NICE_WIDTH 40
#define TRACE_BATCH 32

struct info_query {
	struct proc *p;
	struct task_sched_info *info;
	bool alive;
};

/* Under proc_lock: a process still alive has its task. */
static void find_info(struct proc *p, void *arg)
{
	struct info_query *q = arg;

	if (p != q->p || p->state != PROC_ALIVE)
		return;
	task_sched_info(p->task, q->info);
	q->alive = true;
}

/* p's scheduling figures; false for a zombie (its task is gone). */
static bool sched_info(struct proc *p, struct task_sched_info *info)
{
	struct info_query q = { p, info, false };

	proc_for_each(find_info, &q);
	return q.alive;
}

void procfs_sched_fields(struct proc *p, struct procfs_sched_fields *f)
{
	struct task_sched_info info = { 0 };
	bool rt;

	memset(f, 0, sizeof(*f));
	f->priority = NICE_WIDTH / 2;
	if (!sched_info(p, &info))
		return;
	rt = info.policy == SCHED_FIFO || info.policy == SCHED_RR;
	/* Linux prints prio - MAX_RT_PRIO: 20 + nice, or -1 - rt_priority. */
	f->priority = rt ? -1 - (int)info.rt_priority
			 : NICE_WIDTH / 2 + info.nice;
	f->nice = info.nice;
	f->processor = info.cpu;
	f->rt_priority = info.rt_priority;
	f->policy = info.policy;
}

/* ns as Linux prints them in /proc/PID/sched: milliseconds.nnnnnn */
static void put_ms(struct pbuf *b, const char *name, uint64_t ns)
{
	pbuf_printf(b, "%-45s:%14llu.%06llu\n", name,
		    (unsigned long long)(ns / NS_PER_MS),
		    (unsigned long long)(ns % NS_PER_MS));
}

static void put_num(struct pbuf *b, const char *name, long long v)
{
	pbuf_printf(b, "%-45s:%21lld\n", name, v);
}

int procfs_pid_sched(struct proc *p, struct pbuf *b)
{
	struct task_sched_info i = { 0 };
	bool rt;

	if (!sched_info(p, &i))
		return -ESRCH; /* as Linux, for a zombie's */
	rt = i.policy == SCHED_FIFO || i.policy == SCHED_RR;
	pbuf_printf(b, "%s (%d, #threads: %u)\n", p->name, p->pid,
		    proc_thread_count(p));
	pbuf_printf(b, "-------------------------------------------------"
		       "------------------\n");
	put_ms(b, "se.exec_start", i.exec_start_ns);
	put_ms(b, "se.vruntime", i.vruntime_ns);
	put_ms(b, "se.sum_exec_runtime", i.sum_exec_ns);
	put_num(b, "se.nr_migrations", (long long)i.nr_migrations);
	put_ms(b, "wait_sum", i.wait_sum_ns);
	put_ms(b, "wait_max", i.wait_max_ns);
	put_num(b, "wait_count", (long long)i.wait_count);
	put_num(b, "nr_wakeups", (long long)i.nr_wakeups);
	put_num(b, "nr_switches",
		(long long)(i.nr_voluntary + i.nr_involuntary));
	put_num(b, "nr_voluntary_switches", (long long)i.nr_voluntary);
	put_num(b, "nr_involuntary_switches", (long long)i.nr_involuntary);
	put_num(b, "se.load.weight", (long long)i.weight);
	put_num(b, "policy", i.policy);
	put_num(b, "prio",
		rt ? MAX_RT_PRIO - 1 - (long long)i.rt_priority
		   : MAX_RT_PRIO + NICE_WIDTH / 2 + i.nice);
	/* Kestrel's own lines. */
	put_num(b, "nice", i.nice);
	put_num(b, "rt_priority", i.rt_priority);
	pbuf_printf(b, "%-45s:%21s\n", "class", i.class_name);
	put_num(b, "cpu", i.cpu);
	pbuf_printf(b, "%-45s:%21llx\n", "cpus_allowed",
		    (unsigned long long)i.affinity);
	put_ms(b, "wakeup_latency_max", i.wakeup_max_ns);
	put_num(b, "wakeup_latency_max_ticks", (long long)i.wakeup_max_ticks);
	put_ms(b, "timeslice", i.timeslice_ns);
	return 0;
}

int procfs_schedstat(struct pbuf *b)
{
	pbuf_printf(b, "version %d\ntimestamp %llu\n", SCHEDSTAT_VERSION,
		    (unsigned long long)ticks_now());
	for (unsigned int cpu = 0; cpu < sched_cpu_count(); cpu++) {
		struct sched_cpu_info c;

		sched_cpu_info(cpu, &c);
		/* Linux's: yld_count, 0, sched_count, sched_goidle,
		 * ttwu_count, ttwu_local, rq_cpu_time, run_delay, pcount. */
		pbuf_printf(b,
			    "cpu%u %llu 0 %llu %llu %llu %llu %llu %llu %llu",
			    cpu, (unsigned long long)c.yields,
			    (unsigned long long)c.schedules,
			    (unsigned long long)c.goidle,
			    (unsigned long long)c.wakeups,
			    (unsigned long long)c.wakeups_local,
			    (unsigned long long)c.run_ns,
			    (unsigned long long)c.run_delay_ns,
			    (unsigned long long)c.picks);
		/* Kestrel's: switches, idle ns, queued, running pid. */
		pbuf_printf(b, " %llu %llu %u %d\n",
			    (unsigned long long)c.switches,
			    (unsigned long long)c.idle_ns, c.nr_queued,
			    c.running ? c.curr_pid : 0);
	}
	pbuf_printf(b, "policy %s\n", sched_normal_class_name());
	return 0;
}

/* A name as one word: spaces and control characters become '_'. */
static void put_comm(struct pbuf *b, const char *comm)
{
	char c[16];

	memcpy(c, comm, sizeof(c));
	c[sizeof(c) - 1] = '\0';
	for (char *s = c; *s; s++)
		if (*s <= ' ' || *s == 0x7f)
			*s = '_';
	pbuf_printf(b, " %s", c[0] ? c : "_");
}

static void put_event(struct pbuf *b, const struct sched_event *e)
{
	static const char *const names[] = { "switch", "wakeup", "migrate" };

	pbuf_printf(b, "%u %llu %llu %s %d", e->cpu, (unsigned long long)e->seq,
		    (unsigned long long)e->time_ns,
		    e->type < ARRAY_SIZE(names) ? names[e->type] : "?", e->pid);
	put_comm(b, e->comm);
	if (e->type == SCHED_EV_SWITCH) {
		pbuf_printf(b, " %d", e->pid2);
		put_comm(b, e->comm2);
	} else if (e->type == SCHED_EV_WAKEUP) {
		pbuf_printf(b, " %u", e->arg);
	} else {
		pbuf_printf(b, " %u %u", e->arg, e->arg2);
	}
	pbuf_printf(b, "\n");
}

/* Every event still in the rings, a CPU at a time, oldest first:
 * "cpu seq time_ns switch pid comm pid2 comm2", "... wakeup pid comm
 * target_cpu", "... migrate pid comm from_cpu to_cpu". */
int procfs_schedtrace(struct pbuf *b)
{
	struct sched_event batch[TRACE_BATCH];

	for (unsigned int cpu = 0; cpu < sched_cpu_count(); cpu++) {
		uint64_t after = 0;
		size_t n, total = 0;

		/* At most a ring's worth: events that come meanwhile wait
		 * for the next read. */
		while (total < SCHED_TRACE_EVENTS &&
		       (n = sched_trace_copy(cpu, after, batch,
					     ARRAY_SIZE(batch))) > 0) {
			for (size_t i = 0; i < n; i++)
				put_event(b, &batch[i]);
			after = batch[n - 1].seq;
			total += n;
		}
	}
	return 0;
}
