/*
 * The round-robin class: the normal policies (SCHED_NORMAL, BATCH, IDLE)
 * in one first-in first-out list, each task running for a fixed slice
 * (sched.slice_ms=, default 10 ms) before it goes to the back. Nice
 * values do not count. The slice is counted in timer ticks (rounded up),
 * as Linux counts SCHED_RR's: a task picked just before a tick does not
 * get that tick's remainder as a whole slice. The simplest class, and
 * the one to copy when writing a new one (docs/sched.md):
 *
 *   rr_rq.queue -> [A] -> [B] -> [C]     pick_next takes A; A's slice
 *                                        ends -> [B] -> [C] -> [A]
 *
 * A task preempted before its slice ended (a real-time task woke) goes
 * back to the head with what is left of its slice. A waking task waits
 * for its turn: round robin never preempts on wakeup.
 */
#include "sched/policy.h"

#include "arch/x86_64/arch.h"

#define RR_SLICE_MS_DEFAULT 10
#define MS_PER_SEC 1000

static uint64_t rr_slice_ns = RR_SLICE_MS_DEFAULT * NS_PER_MS;

void rr_set_slice_ms(unsigned long ms)
{
	if (ms > 0)
		rr_slice_ns = ms * NS_PER_MS;
}

static unsigned int slice_in_ticks(void)
{
	uint64_t ms = rr_slice_ns / NS_PER_MS;

	return (unsigned int)MAX(1,
				 (ms * timer_hz + MS_PER_SEC - 1) / MS_PER_SEC);
}

static void rr_enqueue(struct rq *rq, struct sched_entity *se, int flags)
{
	if (flags & ENQUEUE_PREEMPTED) {
		list_add_head(&rq->rr.queue, &se->rr.link);
	} else {
		se->rr.slice_ticks = 0;
		list_add_tail(&rq->rr.queue, &se->rr.link);
	}
	rq->rr.nr++;
}

static void rr_dequeue(struct rq *rq, struct sched_entity *se)
{
	list_del(&se->rr.link);
	rq->rr.nr--;
}

static struct sched_entity *rr_pick_next(struct rq *rq)
{
	struct sched_entity *se;

	if (list_empty(&rq->rr.queue))
		return NULL;
	se = container_of(rq->rr.queue.next, struct sched_entity, rr.link);
	rr_dequeue(rq, se);
	return se;
}

/* The slice is counted at the tick, not in ns. */
static void rr_charge(struct rq *rq, struct sched_entity *curr, uint64_t ns)
{
}

static bool rr_tick(struct rq *rq, struct sched_entity *curr)
{
	return ++curr->rr.slice_ticks >= slice_in_ticks();
}

static bool rr_wakeup_preempt(struct rq *rq, struct sched_entity *curr,
			      struct sched_entity *se)
{
	return false;
}

static uint64_t rr_timeslice(struct rq *rq, struct sched_entity *se)
{
	return rr_slice_ns;
}

void rr_rq_init(struct rr_rq *rr)
{
	list_init(&rr->queue);
	rr->nr = 0;
}

const struct sched_class rr_class = {
	.name = "rr",
	.enqueue = rr_enqueue,
	.dequeue = rr_dequeue,
	.pick_next = rr_pick_next,
	.charge = rr_charge,
	.tick = rr_tick,
	.wakeup_preempt = rr_wakeup_preempt,
	.timeslice = rr_timeslice,
};
