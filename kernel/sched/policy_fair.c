/*
 * The fair class: a small CFS (Linux's Completely Fair Scheduler) for
 * SCHED_NORMAL, SCHED_BATCH and SCHED_IDLE.
 *
 * Each task has a virtual runtime: the CPU time it had, scaled by
 * FAIR_NICE0_WEIGHT / its weight, so a heavy (low nice) task's clock runs
 * slowly and a light one's fast. The next to run is always the queued
 * task with the smallest vruntime, the leftmost node of a red-black tree
 * ordered by vruntime. Over time every task's vruntime advances at the
 * same pace, which means each got CPU in proportion to its weight.
 *
 *             fair_rq.tree (by vruntime)
 *                     [ 40 ]
 *                    /      \
 *        leftmost [ 12 ]   [ 57 ]      pick_next takes the leftmost
 *                     \
 *                    [ 31 ]
 *
 * A slice is the task's share of a latency period (6 ms, or 0.75 ms per
 * task when there are more than 8): the tick ends it when it is used.
 * min_vruntime follows the smallest vruntime and never goes back. A task
 * that wakes up gets at least min_vruntime - half a period: a long sleep
 * earns it no more than that lead (it cannot starve the others), and it
 * is not put behind tasks that ran while it slept (it is not starved).
 * A new task starts a slice behind (min_vruntime + its slice), so a fork
 * loop cannot take the CPU from the others. docs/sched.md.
 */
#include "sched/policy.h"

#define SCHED_LATENCY_NS (6 * NS_PER_MS)
#define MIN_GRANULARITY_NS (750 * 1000ULL)
#define WAKEUP_GRANULARITY_NS (1 * NS_PER_MS)
/* Tasks in a period before the period grows (latency / granularity). */
#define NR_LATENCY (SCHED_LATENCY_NS / MIN_GRANULARITY_NS)
#define IDLE_POLICY_WEIGHT 3 /* SCHED_IDLE, as Linux's WEIGHT_IDLEPRIO */

/* Linux's kernel/sched/core.c sched_prio_to_weight: nice -20 .. 19. Each
 * step is about 1.25x, so one nice level is about 10% of CPU. */
static const uint32_t prio_to_weight[40] = {
	/* -20 */ 88761, 71755, 56483, 46273, 36291,
	/* -15 */ 29154, 23254, 18705, 14949, 11916,
	/* -10 */ 9548,  7620,  6100,  4904,  3906,
	/*  -5 */ 3121,  2501,  1991,  1586,  1277,
	/*   0 */ 1024,  820,   655,   526,   423,
	/*   5 */ 335,   272,   215,   172,   137,
	/*  10 */ 110,   87,    70,    56,    45,
	/*  15 */ 36,    29,    23,    18,    15,
};

uint32_t fair_weight(int policy, int nice)
{
	if (policy == SCHED_IDLE)
		return IDLE_POLICY_WEIGHT;
	return prio_to_weight[nice - NICE_MIN];
}

static struct sched_entity *node_se(struct rb_node *n)
{
	return n ? container_of(n, struct sched_entity, fair.node) : NULL;
}

/* ns of real time as ns of se's virtual time. */
static uint64_t to_virtual(uint64_t ns, const struct sched_entity *se)
{
	return ns * FAIR_NICE0_WEIGHT / se->fair.weight;
}

/* Signed, so that wrapped vruntimes still compare (as Linux does). */
static int64_t vdiff(uint64_t a, uint64_t b)
{
	return (int64_t)(a - b);
}

/* The period in which each runnable task should run once. */
static uint64_t period(unsigned int nr_running)
{
	if (nr_running > NR_LATENCY)
		return nr_running * MIN_GRANULARITY_NS;
	return SCHED_LATENCY_NS;
}

/* se's share of the period: period * weight / total weight, where the
 * total counts the queued tasks and se (running, so not queued). */
static uint64_t slice(const struct rq *rq, const struct sched_entity *se)
{
	const struct fair_rq *f = &rq->fair;
	uint64_t load = f->load + (se->on_rq ? 0 : se->fair.weight);
	uint64_t s = period(f->nr + !se->on_rq) * se->fair.weight / load;

	return MAX(s, MIN_GRANULARITY_NS);
}

/* min_vruntime: the smallest of the running task's and the leftmost's,
 * but never smaller than before. */
static void update_min_vruntime(struct rq *rq, struct sched_entity *curr)
{
	struct fair_rq *f = &rq->fair;
	struct sched_entity *left = node_se(f->leftmost);
	uint64_t v = f->min_vruntime;
	bool have = false;

	if (curr && curr->class == &fair_class) {
		v = curr->fair.vruntime;
		have = true;
	}
	if (left && (!have || vdiff(left->fair.vruntime, v) < 0)) {
		v = left->fair.vruntime;
		have = true;
	}
	if (have && vdiff(v, f->min_vruntime) > 0)
		f->min_vruntime = v;
}

static void tree_insert(struct fair_rq *f, struct sched_entity *se)
{
	struct rb_node **link = &f->tree.node, *parent = NULL;
	bool leftmost = true;

	/* Equal keys go right: among equals, first come first served. */
	while (*link) {
		const struct sched_entity *other = node_se(*link);

		parent = *link;
		if (vdiff(se->fair.vruntime, other->fair.vruntime) < 0) {
			link = &parent->left;
		} else {
			link = &parent->right;
			leftmost = false;
		}
	}
	rb_link_node(&se->fair.node, parent, link);
	rb_insert_fixup(&f->tree, &se->fair.node);
	if (leftmost)
		f->leftmost = &se->fair.node;
}

static void tree_remove(struct fair_rq *f, struct sched_entity *se)
{
	if (f->leftmost == &se->fair.node)
		f->leftmost = rb_next(&se->fair.node);
	rb_erase(&f->tree, &se->fair.node);
}

static void fair_enqueue(struct rq *rq, struct sched_entity *se, int flags)
{
	struct fair_rq *f = &rq->fair;

	se->fair.weight = fair_weight(se->policy, se->nice);
	/* LAB sched: begin */
	if (flags & ENQUEUE_NEW) {
		/* A slice behind everyone: forking buys no CPU. */
		se->fair.vruntime =
			f->min_vruntime + to_virtual(slice(rq, se), se);
	} else if (flags & (ENQUEUE_WAKEUP | ENQUEUE_RESTORE)) {
		/* Sleeper placement: at most half a period of credit. */
		uint64_t floor = f->min_vruntime - SCHED_LATENCY_NS / 2;

		if (vdiff(se->fair.vruntime, floor) < 0)
			se->fair.vruntime = floor;
	} else if (flags & ENQUEUE_YIELD) {
		/* Behind every task queued now (Linux's old compat yield):
		 * each of them runs before this one again. */
		struct sched_entity *last = node_se(rb_last(&f->tree));

		if (last && vdiff(se->fair.vruntime, last->fair.vruntime) <= 0)
			se->fair.vruntime = last->fair.vruntime + 1;
	}
#if 0 /* LAB sched: stub */
	/* No placement: the task keeps the vruntime it has. */

#endif /* LAB sched: end */
	tree_insert(f, se);
	f->load += se->fair.weight;
	f->nr++;
}

static void fair_dequeue(struct rq *rq, struct sched_entity *se)
{
	struct fair_rq *f = &rq->fair;

	tree_remove(f, se);
	f->load -= se->fair.weight;
	f->nr--;
	update_min_vruntime(rq, rq->curr);
}

static struct sched_entity *fair_pick_next(struct rq *rq)
{
	struct sched_entity *se = node_se(rq->fair.leftmost);

	if (se) {
		fair_dequeue(rq, se);
		update_min_vruntime(rq, se);
	}
	return se;
}

static void fair_charge(struct rq *rq, struct sched_entity *curr, uint64_t ns)
{
	/* LAB sched: begin */
	curr->fair.vruntime += to_virtual(ns, curr);
	update_min_vruntime(rq, curr);
#if 0 /* LAB sched: stub */
	/* vruntime never moves: every task stays equal, and the tree is a
	 * first-in first-out queue. */
	(void)to_virtual;

#endif /* LAB sched: end */
}

/* Linux's check_preempt_tick: the slice is used, or curr is more than a
 * slice ahead of the leftmost. */
static bool fair_tick(struct rq *rq, struct sched_entity *curr)
{
	struct sched_entity *left = node_se(rq->fair.leftmost);
	uint64_t ideal = slice(rq, curr);

	if (curr->sum_exec_ns - curr->picked_exec_ns >= ideal)
		return true;
	return left &&
	       vdiff(curr->fair.vruntime, left->fair.vruntime) > (int64_t)ideal;
}

/* A waking task runs at once if curr is ahead of it by more than the
 * wakeup granularity (in se's virtual time); SCHED_BATCH and SCHED_IDLE
 * tasks never preempt on wakeup, and are always preempted by a normal
 * one. */
static bool fair_wakeup_preempt(struct rq *rq, struct sched_entity *curr,
				struct sched_entity *se)
{
	/* LAB sched: begin */
	if (se->policy != SCHED_NORMAL)
		return false;
	if (curr->policy == SCHED_IDLE)
		return true;
	return vdiff(curr->fair.vruntime, se->fair.vruntime) >
	       (int64_t)to_virtual(WAKEUP_GRANULARITY_NS, se);
#if 0 /* LAB sched: stub */
	/* A waking task waits for its turn. */
	return false;

#endif /* LAB sched: end */
}

static uint64_t fair_timeslice(struct rq *rq, struct sched_entity *se)
{
	return slice(rq, se);
}

/* vruntimes count from each queue's min_vruntime: keep se's distance. */
static void fair_migrate(struct rq *from, struct rq *to,
			 struct sched_entity *se)
{
	se->fair.vruntime = se->fair.vruntime - from->fair.min_vruntime +
			    to->fair.min_vruntime;
}

void fair_rq_init(struct fair_rq *f)
{
	f->tree.node = NULL;
	f->leftmost = NULL;
	f->min_vruntime = 0;
	f->load = 0;
	f->nr = 0;
}

const struct sched_class fair_class = {
	.name = "fair",
	.enqueue = fair_enqueue,
	.dequeue = fair_dequeue,
	.pick_next = fair_pick_next,
	.charge = fair_charge,
	.tick = fair_tick,
	.wakeup_preempt = fair_wakeup_preempt,
	.timeslice = fair_timeslice,
	.migrate = fair_migrate,
};
