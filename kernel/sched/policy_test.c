/*
 * Tests of the scheduling classes on a run queue of their own (suite
 * sched), fed sched_entities directly: no task runs, so each class's
 * order is checked exactly.
 *   fair: the leftmost (smallest vruntime) comes first; a nice 5 task's
 *   vruntime runs 1024/335 times as fast as a nice 0 one's; a sleeper
 *   lands half a latency period below min_vruntime, a new task a slice
 *   above it; the tick ends a slice.
 *   rt: higher priority first, first come first served among equals, a
 *   preempted task back at the head.
 *   rr: first in, first out; a preempted task back at the head.
 * docs/sched.md ("Testing and debugging") lists them.
 */
#include "lib/ktest.h"
#include "sched/policy.h"

#define N 4
#define MS NS_PER_MS

static struct spinlock test_rq_lock = SPINLOCK_INIT("policy test rq");
static struct rq rq;
static struct sched_entity se[N];

/* A fresh run queue and N entities of policy at rt priority prio. */
static void setup(const struct sched_class *class, int policy,
		  unsigned int prio)
{
	memset(&rq, 0, sizeof(rq));
	rq.lock = &test_rq_lock;
	rt_rq_init(&rq.rt);
	fair_rq_init(&rq.fair);
	rr_rq_init(&rq.rr);
	for (int i = 0; i < N; i++) {
		memset(&se[i], 0, sizeof(se[i]));
		se[i].policy = policy;
		se[i].rt_priority = prio;
		se[i].class = class;
		se[i].fair.weight = fair_weight(policy, 0);
		list_init(&se[i].rt.link);
		list_init(&se[i].rr.link);
	}
}

static void put(struct sched_entity *e, int flags)
{
	e->class->enqueue(&rq, e, flags);
	e->on_rq = true;
}

static struct sched_entity *take(const struct sched_class *class)
{
	struct sched_entity *e = class->pick_next(&rq);

	if (e)
		e->on_rq = false;
	return e;
}

KTEST(sched, fair_order_and_weights)
{
	setup(&fair_class, SCHED_NORMAL, 0);
	/* Queued with vruntimes 30, 10, 40, 20 ms: out 10, 20, 30, 40. */
	for (int i = 0; i < N; i++) {
		se[i].fair.vruntime =
			(uint64_t)((int[]){ 30, 10, 40, 20 })[i] * MS;
		put(&se[i], 0);
	}
	KT_ASSERT_EQ(rq.fair.nr, N);
	KT_ASSERT(take(&fair_class) == &se[1], "not the smallest first");
	KT_ASSERT(take(&fair_class) == &se[3], "second");
	KT_ASSERT(take(&fair_class) == &se[0], "third");
	KT_ASSERT(take(&fair_class) == &se[2], "fourth");
	KT_ASSERT(take(&fair_class) == NULL, "empty queue gave a task");

	/* 10 ms of CPU: 10 ms of vruntime at nice 0, 10 * 1024 / 335 at
	 * nice 5. */
	se[0].fair.vruntime = se[1].fair.vruntime = 0;
	se[1].nice = 5;
	se[1].fair.weight = fair_weight(SCHED_NORMAL, 5);
	KT_ASSERT_EQ(se[1].fair.weight, 335);
	fair_class.charge(&rq, &se[0], 10 * MS);
	fair_class.charge(&rq, &se[1], 10 * MS);
	KT_ASSERT_EQ(se[0].fair.vruntime, 10 * MS);
	KT_ASSERT_EQ(se[1].fair.vruntime, 10 * MS * 1024 / 335);
	KT_ASSERT_EQ(fair_weight(SCHED_NORMAL, -20), 88761);
	KT_ASSERT_EQ(fair_weight(SCHED_NORMAL, 19), 15);
}

KTEST(sched, fair_placement)
{
	setup(&fair_class, SCHED_NORMAL, 0);
	rq.fair.min_vruntime = 100 * MS;
	/* A long sleeper gets half the 6 ms latency period of credit. */
	se[0].fair.vruntime = 5 * MS;
	put(&se[0], ENQUEUE_WAKEUP);
	KT_ASSERT_EQ(se[0].fair.vruntime, 97 * MS);
	/* A short sleeper keeps its own, larger, vruntime. */
	se[1].fair.vruntime = 99 * MS;
	put(&se[1], ENQUEUE_WAKEUP);
	KT_ASSERT_EQ(se[1].fair.vruntime, 99 * MS);
	/* A new task starts a slice above min_vruntime. */
	put(&se[2], ENQUEUE_NEW);
	KT_ASSERT(se[2].fair.vruntime > 100 * MS, "new task vruntime %lu",
		  (unsigned long)se[2].fair.vruntime);
	/* A yielding task goes behind everyone queued. */
	se[3].fair.vruntime = 0;
	put(&se[3], ENQUEUE_YIELD);
	KT_ASSERT(se[3].fair.vruntime > se[2].fair.vruntime,
		  "yield did not go last");
	KT_ASSERT(take(&fair_class) == &se[0], "sleeper not first");
	/* se[0] runs 6 ms with three others queued: its 1.5 ms share of
	 * the period is over at the tick. */
	rq.curr = &se[0];
	se[0].picked_exec_ns = 0;
	se[0].sum_exec_ns = 6 * MS;
	fair_class.charge(&rq, &se[0], 6 * MS);
	KT_ASSERT(fair_class.tick(&rq, &se[0]), "slice did not end");
	/* min_vruntime never goes back. */
	KT_ASSERT(rq.fair.min_vruntime >= 100 * MS, "min_vruntime went back");
}

KTEST(sched, rt_priority_order)
{
	setup(&rt_class, SCHED_FIFO, 10);
	se[0].rt_priority = 10;
	se[1].rt_priority = 50;
	se[2].rt_priority = 10;
	se[3].rt_priority = 99;
	for (int i = 0; i < N; i++)
		put(&se[i], ENQUEUE_WAKEUP);
	KT_ASSERT(take(&rt_class) == &se[3], "99 not first");
	KT_ASSERT(take(&rt_class) == &se[1], "50 not second");
	KT_ASSERT(take(&rt_class) == &se[0], "equal priorities not FIFO");
	/* se[0] is preempted: back at the head, before se[2]. */
	put(&se[0], ENQUEUE_PREEMPTED);
	KT_ASSERT(take(&rt_class) == &se[0], "preempted not at the head");
	KT_ASSERT(take(&rt_class) == &se[2], "last");
	KT_ASSERT(take(&rt_class) == NULL, "empty queue gave a task");
	KT_ASSERT(rt_class.wakeup_preempt(&rq, &se[0], &se[1]),
		  "50 does not preempt 10");
	KT_ASSERT(!rt_class.wakeup_preempt(&rq, &se[0], &se[2]),
		  "an equal preempts");
	KT_ASSERT(!rt_class.tick(&rq, &se[0]), "FIFO slice ended");
}

KTEST(sched, rr_fifo_order)
{
	setup(&rr_class, SCHED_NORMAL, 0);
	for (int i = 0; i < N; i++)
		put(&se[i], ENQUEUE_NEW);
	KT_ASSERT(take(&rr_class) == &se[0], "not first in first out");
	put(&se[0], ENQUEUE_SLICE_END);
	KT_ASSERT(take(&rr_class) == &se[1], "slice end not at the tail");
	put(&se[1], ENQUEUE_PREEMPTED);
	KT_ASSERT(take(&rr_class) == &se[1], "preempted not at the head");
	KT_ASSERT(take(&rr_class) == &se[2], "third");
	KT_ASSERT(take(&rr_class) == &se[3], "fourth");
	KT_ASSERT(take(&rr_class) == &se[0], "requeued last");
	KT_ASSERT(take(&rr_class) == NULL, "empty queue gave a task");
}
