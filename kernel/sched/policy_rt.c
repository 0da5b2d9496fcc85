/*
 * The real-time class: SCHED_FIFO and SCHED_RR, priorities 1 (low) to 99
 * (high), above every normal task. As in Linux (and POSIX), the highest
 * priority runnable task always runs; among equals, a FIFO task runs
 * until it blocks or yields, and an RR task for a slice of 100 ms, then
 * goes to the back of its priority's list.
 *
 *   rt_rq.bitmap   ...0001000...0100...     bit p set: queue[p] not empty
 *   rt_rq.queue[99] -> (empty)
 *   rt_rq.queue[50] -> [A] -> [B]           pick_next: the highest set
 *   rt_rq.queue[10] -> [C]                  bit's first task (A)
 *
 * pick_next is O(1): find the highest bit, take the list's head. A task
 * preempted by a higher one keeps its place at the head of its list (and
 * what is left of its slice); one whose slice ended goes to the tail.
 * docs/sched.md.
 */
#include "sched/policy.h"

#define RT_RR_SLICE_NS (100 * NS_PER_MS) /* Linux's RR_TIMESLICE */

static struct sched_entity *link_se(struct list_head *l)
{
	return container_of(l, struct sched_entity, rt.link);
}

static void set_bit(struct rt_rq *rt, unsigned int p)
{
	rt->bitmap[p / 64] |= 1ULL << (p % 64);
}

static void clear_bit(struct rt_rq *rt, unsigned int p)
{
	rt->bitmap[p / 64] &= ~(1ULL << (p % 64));
}

/* The highest priority with a queued task, or 0 for none. */
static unsigned int highest(const struct rt_rq *rt)
{
	for (int w = ARRAY_SIZE(rt->bitmap) - 1; w >= 0; w--)
		if (rt->bitmap[w])
			return w * 64 + 63 - __builtin_clzll(rt->bitmap[w]);
	return 0;
}

static void rt_enqueue(struct rq *rq, struct sched_entity *se, int flags)
{
	struct rt_rq *rt = &rq->rt;
	struct list_head *q = &rt->queue[se->rt_priority];

	if (flags & ENQUEUE_PREEMPTED) {
		list_add_head(q, &se->rt.link);
	} else {
		se->rt.slice_used_ns = 0;
		list_add_tail(q, &se->rt.link);
	}
	set_bit(rt, se->rt_priority);
	rt->nr++;
}

static void rt_dequeue(struct rq *rq, struct sched_entity *se)
{
	struct rt_rq *rt = &rq->rt;

	list_del(&se->rt.link);
	if (list_empty(&rt->queue[se->rt_priority]))
		clear_bit(rt, se->rt_priority);
	rt->nr--;
}

static struct sched_entity *rt_pick_next(struct rq *rq)
{
	unsigned int p = highest(&rq->rt);
	struct sched_entity *se;

	if (!p)
		return NULL;
	se = link_se(rq->rt.queue[p].next);
	rt_dequeue(rq, se);
	return se;
}

static void rt_charge(struct rq *rq, struct sched_entity *curr, uint64_t ns)
{
	curr->rt.slice_used_ns += ns;
}

/* FIFO never runs out; RR does after its slice (the core lets it go on
 * if no other task waits). A higher priority task preempts at its
 * wakeup, not at a tick. */
static bool rt_tick(struct rq *rq, struct sched_entity *curr)
{
	return curr->policy == SCHED_RR &&
	       curr->rt.slice_used_ns >= RT_RR_SLICE_NS;
}

static bool rt_wakeup_preempt(struct rq *rq, struct sched_entity *curr,
			      struct sched_entity *se)
{
	return se->rt_priority > curr->rt_priority;
}

static uint64_t rt_timeslice(struct rq *rq, struct sched_entity *se)
{
	return se->policy == SCHED_RR ? RT_RR_SLICE_NS : 0;
}

void rt_rq_init(struct rt_rq *rt)
{
	for (size_t p = 0; p < ARRAY_SIZE(rt->queue); p++)
		list_init(&rt->queue[p]);
	rt->bitmap[0] = rt->bitmap[1] = 0;
	rt->nr = 0;
}

const struct sched_class rt_class = {
	.name = "rt",
	.enqueue = rt_enqueue,
	.dequeue = rt_dequeue,
	.pick_next = rt_pick_next,
	.charge = rt_charge,
	.tick = rt_tick,
	.wakeup_preempt = rt_wakeup_preempt,
	.timeslice = rt_timeslice,
};
