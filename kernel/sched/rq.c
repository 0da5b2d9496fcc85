/*
 * Run queues: the half of the scheduler core that talks to the classes
 * (policy.h). sched.c decides when the running task stops; here the
 * stopped task is charged and queued again, the next one is taken from
 * the highest class that has one, and the figures of /proc/schedstat and
 * /proc/PID/sched are kept.
 *
 * A wakeup travels: wake_up (sched.c) -> rq_select picks a run queue the
 * task may use -> rq_enqueue queues it in its class and asks: should it
 * run before the running task (a higher class, or its class says so)?
 * If so, need_resched is set, and the running task gives way when it
 * next returns to user mode (proc_return_to_user -> sched_preempt), or
 * at the end of the next interrupt that finds it in kernel code with
 * interrupts on (sched_preempt_kernel). docs/sched.md has the pictures.
 *
 * There is one run queue per CPU in run_queues[], all under the one
 * sched lock. Balancing pulls: an idle CPU, and every BALANCE_TICKS a CPU
 * two tasks lighter than the busiest, takes a queued task from the
 * busiest run queue.
 */
#include "sched/rq.h"
#include "arch/x86_64/arch.h"

#define ALL_CPUS (~0ULL)
#define BALANCE_TICKS 4 /* a busy CPU looks for imbalance this often */

static struct rq run_queues[MAX_CPUS];
/* CPUs that schedule (bit n: CPU n): the boot CPU, then each AP as its
 * idle loop starts. Under the sched lock. */
static uint64_t online = 1;
/* The class of SCHED_NORMAL, BATCH and IDLE (sched=). */
static const struct sched_class *normal_class = &fair_class;

void rq_init(struct spinlock *lock)
{
	char name[8];

	for (unsigned int i = 0; i < MAX_CPUS; i++) {
		struct rq *rq = &run_queues[i];

		rq->lock = lock;
		rq->cpu = i;
		rt_rq_init(&rq->rt);
		fair_rq_init(&rq->fair);
		rr_rq_init(&rq->rr);
	}
	if (cmdline_option("sched", name, sizeof(name)) == 0) {
		if (strcmp(name, "rr") == 0)
			normal_class = &rr_class;
		else if (strcmp(name, "fair") != 0)
			kprintf("sched: unknown policy sched=%s, using fair\n",
				name);
	}
	rr_set_slice_ms(cmdline_ulong("sched.slice_ms", 0));
	kprintf("sched: normal tasks by the %s class\n", normal_class->name);
}

struct rq *this_rq(void)
{
	return &run_queues[this_cpu()->id];
}

static uint64_t cpu_bit(unsigned int cpu)
{
	return 1ULL << cpu;
}

void rq_cpu_online(unsigned int cpu)
{
	run_queues[cpu].last_switch_ns = time_ns();
	online |= cpu_bit(cpu);
}

static const struct sched_class *class_of(int policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR ? &rt_class
							  : normal_class;
}

/* Classes in order: a task of an earlier one always runs first. */
static int rank(const struct sched_class *class)
{
	return class == &rt_class ? 0 : 1;
}

void sched_entity_init(struct sched_entity *se,
		       const struct sched_entity *parent)
{
	memset(se, 0, sizeof(*se));
	se->policy = parent ? parent->policy : SCHED_NORMAL;
	se->nice = parent ? parent->nice : 0;
	se->rt_priority = parent ? parent->rt_priority : 0;
	se->affinity = parent ? parent->affinity : ALL_CPUS;
	se->class = class_of(se->policy);
	se->fair.weight = fair_weight(se->policy, se->nice);
	se->cpu = parent ? parent->cpu : 0;
	list_init(&se->rt.link);
	list_init(&se->rr.link);
}

uint64_t sched_online_mask(void)
{
	return __atomic_load_n(&online, __ATOMIC_RELAXED);
}

static bool rq_idle(const struct rq *rq)
{
	return !rq->curr && rq->nr_queued == 0;
}

/* Wakeup placement: the CPU se last ran on if it is idle (its cache may
 * still hold se's data), else any idle CPU se may use, else its last CPU
 * if allowed, else the first allowed. */
struct rq *rq_select(struct sched_entity *se)
{
	uint64_t allowed = se->affinity & online;

	assert(allowed);
	if ((allowed & cpu_bit(se->cpu)) && rq_idle(&run_queues[se->cpu]))
		return &run_queues[se->cpu];
	for (uint64_t m = allowed; m; m &= m - 1)
		if (rq_idle(&run_queues[__builtin_ctzll(m)]))
			return &run_queues[__builtin_ctzll(m)];
	if (allowed & cpu_bit(se->cpu))
		return &run_queues[se->cpu];
	return &run_queues[__builtin_ctzll(allowed)];
}

/* Bring the running task's figures up to now and charge its class. */
static void update_curr(struct rq *rq)
{
	struct sched_entity *curr = rq->curr;
	uint64_t now = time_ns(), ns;

	if (!curr)
		return;
	ns = now - curr->exec_start_ns;
	curr->exec_start_ns = now;
	curr->sum_exec_ns += ns;
	curr->class->charge(rq, curr, ns);
}

/* Ask rq's CPU to schedule at its next chance: another CPU gets an IPI,
 * which ends its hlt if it is idle, or brings it back from user mode. */
static void resched(struct rq *rq)
{
	__atomic_store_n(&cpus[rq->cpu].need_resched, true, __ATOMIC_RELAXED);
	if (rq->cpu != this_cpu()->id)
		smp_send_resched(rq->cpu);
}

static bool should_preempt(struct rq *rq, struct sched_entity *se)
{
	struct sched_entity *curr = rq->curr;

	if (!curr)
		return true; /* the idle task */
	if (rank(se->class) != rank(curr->class))
		return rank(se->class) < rank(curr->class);
	update_curr(rq);
	return se->class->wakeup_preempt(rq, curr, se);
}

static void enqueue(struct rq *rq, struct sched_entity *se, int flags)
{
	assert(!se->on_rq);
	if (se->cpu != rq->cpu) {
		/* It moves: to a CPU chosen at its wakeup, or pulled. */
		if (se->class->migrate)
			se->class->migrate(&run_queues[se->cpu], rq, se);
		sched_trace_migrate(this_cpu()->id, se_task(se), se->cpu,
				    rq->cpu);
		se->stats.nr_migrations++;
		se->cpu = rq->cpu;
	}
	se->wait_start_ns = time_ns();
	se->class->enqueue(rq, se, flags);
	se->on_rq = true;
	rq->nr_queued++;
}

void rq_enqueue(struct rq *rq, struct sched_entity *se, int flags)
{
	if (flags & ENQUEUE_WAKEUP) {
		se->woken_ns = time_ns();
		se->woken_tick = ticks_now();
		se->stats.nr_wakeups++;
		rq->wakeups++;
		if (rq->cpu == this_cpu()->id)
			rq->wakeups_local++;
	}
	enqueue(rq, se, flags);
	if (should_preempt(rq, se))
		resched(rq);
}

static void dequeue(struct rq *rq, struct sched_entity *se)
{
	se->class->dequeue(rq, se);
	se->on_rq = false;
	rq->nr_queued--;
}

/* se leaves the queue to run: how long it waited, and since its wakeup. */
static void start_running(struct rq *rq, struct sched_entity *se, uint64_t now)
{
	uint64_t waited = now - se->wait_start_ns;

	se->on_rq = false;
	rq->nr_queued--;
	se->stats.wait_sum_ns += waited;
	se->stats.wait_max_ns = MAX(se->stats.wait_max_ns, waited);
	se->stats.wait_count++;
	rq->run_delay_ns += waited;
	if (se->woken_ns) {
		se->stats.wakeup_max_ns =
			MAX(se->stats.wakeup_max_ns, now - se->woken_ns);
		se->stats.wakeup_max_ticks = MAX(se->stats.wakeup_max_ticks,
						 ticks_now() - se->woken_tick);
		se->woken_ns = 0;
	}
	se->exec_start_ns = now;
	se->picked_exec_ns = se->sum_exec_ns;
	se->cpu = rq->cpu;
	rq->picks++;
}

struct sched_entity *rq_schedule(struct rq *rq, struct sched_entity *prev,
				 int requeue)
{
	const struct sched_class *order[] = { &rt_class, normal_class };
	struct sched_entity *next = NULL;

	assert(spin_held(rq->lock));
	rq->schedules++;
	if (prev) {
		update_curr(rq);
		rq->curr = NULL;
		if (requeue == ENQUEUE_PREEMPTED && prev->slice_over)
			requeue = ENQUEUE_SLICE_END;
		if (requeue == ENQUEUE_YIELD)
			rq->yields++;
		prev->slice_over = false;
		if (requeue && !(prev->affinity & cpu_bit(rq->cpu))) {
			/* Its CPU mask changed while it ran: move it. */
			struct rq *to = rq_select(prev);

			enqueue(to, prev, 0);
			if (should_preempt(to, prev))
				resched(to);
		} else if (requeue) {
			enqueue(rq, prev, requeue);
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(order) && !next; i++)
		next = order[i]->pick_next(rq);
	if (next)
		start_running(rq, next, time_ns());
	else
		rq->goidle++;
	rq->curr = next;
	return next;
}

void rq_account_switch(struct rq *rq, struct sched_entity *prev,
		       struct sched_entity *next, bool prev_runnable)
{
	uint64_t now = time_ns();

	if (prev)
		rq->run_ns += now - rq->last_switch_ns;
	else
		rq->idle_ns += now - rq->last_switch_ns;
	rq->last_switch_ns = now;
	rq->switches++;
	if (prev && prev_runnable)
		prev->stats.nr_involuntary++;
	else if (prev)
		prev->stats.nr_voluntary++;
}

/* ---- load balancing ------------------------------------------------------ */

/* Tasks on rq: queued, and running (not the idle task). */
static unsigned int load(const struct rq *rq)
{
	return rq->nr_queued + (rq->curr != NULL);
}

/* Take the task that would run next on from, if it may run on to's CPU,
 * and queue it on to. */
static bool pull_one(struct rq *from, struct rq *to)
{
	const struct sched_class *order[] = { &rt_class, normal_class };
	struct sched_entity *se = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(order) && !se; i++)
		se = order[i]->pick_next(from);
	if (!se)
		return false;
	from->nr_queued--;
	se->on_rq = false;
	if (!(se->affinity & cpu_bit(to->cpu))) {
		/* Not allowed there: back at the head, as it was. */
		se->class->enqueue(from, se, ENQUEUE_PREEMPTED);
		se->on_rq = true;
		from->nr_queued++;
		return false;
	}
	enqueue(to, se, 0);
	if (should_preempt(to, se))
		resched(to);
	return true;
}

/* Pull a task to rq from the busiest run queue if rq is idle and that
 * one has a task waiting, or if it has two tasks more than rq. */
static void balance(struct rq *rq)
{
	struct rq *busiest = NULL;

	for (uint64_t m = online & ~cpu_bit(rq->cpu); m; m &= m - 1) {
		struct rq *other = &run_queues[__builtin_ctzll(m)];

		if (other->nr_queued > 0 &&
		    (!busiest || load(other) > load(busiest)))
			busiest = other;
	}
	if (!busiest)
		return;
	if (rq_idle(rq) || load(busiest) >= load(rq) + 2)
		pull_one(busiest, rq);
}

bool rq_has_work(struct rq *rq)
{
	if (rq->nr_queued == 0)
		balance(rq);
	return rq->nr_queued > 0;
}

void rq_tick(struct rq *rq)
{
	struct sched_entity *curr = rq->curr;

	if (this_cpu()->ticks % BALANCE_TICKS == 0)
		balance(rq);
	if (!curr)
		return;
	update_curr(rq);
	if (!curr->class->tick(rq, curr))
		return;
	if (rq->nr_queued == 0) {
		/* Nobody waits: a new slice begins. */
		curr->picked_exec_ns = curr->sum_exec_ns;
		curr->rt.slice_used_ns = 0;
		curr->rr.slice_ticks = 0;
		return;
	}
	curr->slice_over = true;
	resched(rq);
}

unsigned int rq_nr_queued(unsigned int cpu)
{
	return run_queues[cpu].nr_queued;
}

unsigned int rq_nr_active(unsigned int cpu)
{
	return run_queues[cpu].nr_queued + (run_queues[cpu].curr != NULL);
}

/* ---- changing a task's policy ------------------------------------------ */

/* Lock the run queue se is on (or last ran on). One lock serves every run
 * queue today; with a lock per run queue this must retry if se moves
 * between reading se->cpu and getting the lock. */
static struct rq *lock_rq_of(struct sched_entity *se)
{
	spin_lock(run_queues[0].lock);
	return &run_queues[se->cpu];
}

/* Take se out of its queue (if queued) while its policy changes, then
 * put it back where its new policy says. Caller holds the lock. */
static void change_begin(struct rq *rq, struct sched_entity *se, bool *queued)
{
	if (rq->curr == se)
		update_curr(rq);
	*queued = se->on_rq;
	if (*queued)
		dequeue(rq, se);
}

static void change_end(struct rq *rq, struct sched_entity *se, bool queued)
{
	se->class = class_of(se->policy);
	se->fair.weight = fair_weight(se->policy, se->nice);
	if (queued)
		rq_enqueue(rq, se, ENQUEUE_RESTORE);
	else if (rq->curr == se && rq->nr_queued > 0)
		resched(rq); /* it may no longer come first */
}

int task_set_policy(struct task *t, int policy, unsigned int rt_priority)
{
	struct sched_entity *se = task_se(t);
	bool rt = policy == SCHED_FIFO || policy == SCHED_RR;
	struct rq *rq;
	bool queued;

	if (policy != SCHED_NORMAL && policy != SCHED_BATCH &&
	    policy != SCHED_IDLE && !rt)
		return -EINVAL;
	if (rt ? rt_priority < RT_PRIO_MIN || rt_priority > RT_PRIO_MAX
	       : rt_priority != 0)
		return -EINVAL;
	rq = lock_rq_of(se);
	change_begin(rq, se, &queued);
	se->policy = policy;
	se->rt_priority = rt_priority;
	change_end(rq, se, queued);
	spin_unlock(rq->lock);
	return 0;
}

void task_set_nice(struct task *t, int nice)
{
	struct sched_entity *se = task_se(t);
	struct rq *rq;
	bool queued;

	nice = MAX(NICE_MIN, MIN(NICE_MAX, nice));
	rq = lock_rq_of(se);
	change_begin(rq, se, &queued);
	se->nice = nice;
	change_end(rq, se, queued);
	spin_unlock(rq->lock);
}

int task_set_affinity(struct task *t, uint64_t mask)
{
	struct sched_entity *se = task_se(t);
	struct rq *rq;

	rq = lock_rq_of(se);
	if (!(mask & online)) {
		spin_unlock(rq->lock);
		return -EINVAL;
	}
	se->affinity = mask;
	if (!(mask & cpu_bit(rq->cpu))) {
		if (se->on_rq) {
			/* Queued where it may no longer run: move it. */
			struct rq *to = rq_select(se);

			dequeue(rq, se);
			enqueue(to, se, 0);
			if (should_preempt(to, se))
				resched(to);
		} else if (rq->curr == se) {
			resched(rq); /* it moves when it stops (rq_schedule) */
		}
	}
	spin_unlock(rq->lock);
	return 0;
}

const char *sched_normal_class_name(void)
{
	return normal_class->name;
}

/* ---- figures for /proc --------------------------------------------------- */

void task_sched_info(struct task *t, struct task_sched_info *out)
{
	struct sched_entity *se = task_se(t);
	struct rq *rq;

	rq = lock_rq_of(se);
	if (rq->curr == se)
		update_curr(rq);
	out->policy = se->policy;
	out->nice = se->nice;
	out->rt_priority = se->rt_priority;
	out->affinity = se->affinity;
	out->cpu = se->cpu;
	out->class_name = se->class->name;
	out->vruntime_ns = se->fair.vruntime;
	out->weight = fair_weight(se->policy, se->nice);
	out->sum_exec_ns = se->sum_exec_ns;
	out->exec_start_ns = se->exec_start_ns;
	out->wait_sum_ns = se->stats.wait_sum_ns;
	out->wait_max_ns = se->stats.wait_max_ns;
	out->wait_count = se->stats.wait_count;
	out->wakeup_max_ns = se->stats.wakeup_max_ns;
	out->wakeup_max_ticks = se->stats.wakeup_max_ticks;
	out->nr_wakeups = se->stats.nr_wakeups;
	out->nr_voluntary = se->stats.nr_voluntary;
	out->nr_involuntary = se->stats.nr_involuntary;
	out->nr_migrations = se->stats.nr_migrations;
	out->timeslice_ns = se->class->timeslice(rq, se);
	spin_unlock(rq->lock);
}

unsigned int sched_cpu_count(void)
{
	return 64 - __builtin_clzll(sched_online_mask());
}

void sched_cpu_info(unsigned int cpu, struct sched_cpu_info *out)
{
	struct rq *rq = &run_queues[cpu];
	uint64_t since;

	spin_lock(rq->lock);
	since = time_ns() - rq->last_switch_ns;
	out->switches = rq->switches;
	out->schedules = rq->schedules;
	out->goidle = rq->goidle;
	out->yields = rq->yields;
	out->wakeups = rq->wakeups;
	out->wakeups_local = rq->wakeups_local;
	out->picks = rq->picks;
	out->run_ns = rq->run_ns + (rq->curr ? since : 0);
	out->idle_ns = rq->idle_ns + (rq->curr ? 0 : since);
	out->run_delay_ns = rq->run_delay_ns;
	out->nr_queued = rq->nr_queued;
	out->running = rq->curr != NULL;
	out->curr_pid = 0;
	strlcpy(out->curr_comm, "idle", sizeof(out->curr_comm));
	if (rq->curr) {
		/* As the trace noted it when it started running. */
		out->curr_pid = rq->curr->who.pid;
		memcpy(out->curr_comm, rq->curr->who.comm,
		       sizeof(out->curr_comm));
	}
	spin_unlock(rq->lock);
}
