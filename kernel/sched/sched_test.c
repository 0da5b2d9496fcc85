/*
 * Tests of tasks and sleeping (suite sched): tasks run and exit and their
 * memory comes back; two tasks hand a turn back and forth through wait
 * queues; a sleep lock keeps four tasks out of each other's critical
 * section even when its holder yields inside it; a timed sleep wakes at
 * its deadline; sleeping with a spinlock held is caught. docs/sched.md
 * ("Testing and debugging") lists them.
 */
#include "arch/x86_64/arch.h"
#include "lib/ktest.h"
#include "lib/sleeplock.h"
#include "mm/mm.h"
#include "sched/sched.h"

/* Shared by the tests below; each test sets it up before spawning. */
static struct spinlock test_lock = SPINLOCK_INIT("sched test");
static struct waitqueue test_wait = WAITQUEUE_INIT;
static unsigned int finished; /* test_lock */

/* Wait (sleeping) until n tasks have said they finished, then yield once
 * so the last one to exit is reaped. */
static void wait_finished(unsigned int n)
{
	spin_lock(&test_lock);
	while (finished < n)
		sleep_on(&test_wait, &test_lock);
	spin_unlock(&test_lock);
	sched_yield();
}

static void say_finished(void)
{
	spin_lock(&test_lock);
	finished++;
	wake_up(&test_wait);
	spin_unlock(&test_lock);
}

/* ---- spawn and exit ---------------------------------------------------- */

static unsigned int ran[8];

static void record_run(void *arg)
{
	ran[(uintptr_t)arg]++;
	say_finished();
}

#define SETTLE_MS 200

/* With several CPUs, tasks of an earlier test may still be on their way
 * out on other CPUs (after saying they finished). Wait until the count
 * of tasks has not changed for SETTLE_MS and none is left to free;
 * false after 5 s. */
static bool settle(struct sched_stats *st)
{
	uint64_t deadline = time_ns() + 5000 * NS_PER_MS;
	uint64_t since = time_ns();
	unsigned int last;

	sched_get_stats(st);
	last = st->tasks;
	while (time_ns() < deadline) {
		sched_yield();
		sched_get_stats(st);
		if (st->tasks != last || st->exiting) {
			last = st->tasks;
			since = time_ns();
		} else if (time_ns() - since >= SETTLE_MS * NS_PER_MS) {
			return true;
		}
	}
	return false;
}

/* Wait until this test's tasks are freed: the count is back to want. */
static bool wait_tasks(unsigned int want, struct sched_stats *st)
{
	uint64_t deadline = time_ns() + 5000 * NS_PER_MS;

	for (;;) {
		sched_get_stats(st);
		if (st->tasks == want && st->exiting == 0)
			return true;
		if (time_ns() > deadline)
			return false;
		sched_yield();
	}
}

KTEST(sched, spawn_exit)
{
	struct frame_stats before, after;
	struct sched_stats s0, s1;

	finished = 0;
	memset(ran, 0, sizeof(ran));
	KT_ASSERT(settle(&s0), "the tasks of earlier tests still come and go");
	kmalloc_trim();
	frames_get_stats(&before);
	sched_get_stats(&s0);
	for (uintptr_t i = 0; i < ARRAY_SIZE(ran); i++)
		KT_ASSERT(task_spawn("spawn", record_run, (void *)i),
			  "task_spawn %lu failed", i);
	wait_finished(ARRAY_SIZE(ran));
	for (unsigned int i = 0; i < ARRAY_SIZE(ran); i++)
		KT_ASSERT_EQ(ran[i], 1);
	/* A task that said it finished may still be exiting on another
	 * CPU; it is freed right after its last switch. */
	wait_tasks(s0.tasks, &s1);
	KT_ASSERT_EQ(s1.tasks, s0.tasks);
	KT_ASSERT(s1.switches > s0.switches, "no context switch counted");
	kmalloc_trim();
	frames_get_stats(&after);
	KT_ASSERT_EQ(after.free, before.free);
}

/* ---- ping-pong ------------------------------------------------------------ */

#define TURNS 1000

static struct waitqueue ping_wait = WAITQUEUE_INIT;
static unsigned int turn; /* test_lock: even for ping, odd for pong */
static unsigned int out_of_turn;

/* Player p takes turns p, p + 2, p + 4 ... */
static void player(void *arg)
{
	unsigned int p = (uintptr_t)arg;

	for (unsigned int i = 0; i < TURNS; i++) {
		spin_lock(&test_lock);
		while (turn % 2 != p)
			sleep_on(&ping_wait, &test_lock);
		if (turn != 2 * i + p)
			out_of_turn++;
		turn++;
		wake_up(&ping_wait);
		spin_unlock(&test_lock);
	}
	say_finished();
}

KTEST(sched, ping_pong)
{
	finished = turn = out_of_turn = 0;
	KT_ASSERT(task_spawn("ping", player, (void *)0), "spawn ping");
	KT_ASSERT(task_spawn("pong", player, (void *)1), "spawn pong");
	wait_finished(2);
	KT_ASSERT_EQ(turn, 2 * TURNS);
	KT_ASSERT_EQ(out_of_turn, 0);
}

/* ---- a sleep lock held across a yield ------------------------------------ */

#define LOCKERS 4
#define ROUNDS 100

static struct sleeplock counter_lock = SLEEPLOCK_INIT("sched test counter");
static unsigned int counter; /* counter_lock */

static void locker(void *arg)
{
	for (unsigned int i = 0; i < ROUNDS; i++) {
		unsigned int seen;

		sleep_lock(&counter_lock);
		seen = counter;
		sched_yield(); /* every other locker runs now */
		counter = seen + 1;
		sleep_unlock(&counter_lock);
	}
	say_finished();
}

KTEST(sched, sleeplock_exclusion)
{
	finished = counter = 0;
	for (uintptr_t i = 0; i < LOCKERS; i++)
		KT_ASSERT(task_spawn("locker", locker, (void *)i), "spawn");
	wait_finished(LOCKERS);
	KT_ASSERT_EQ(counter, LOCKERS * ROUNDS);
}

/* ---- a timed sleep ---------------------------------------------------------- */

KTEST(sched, timed_sleep)
{
	struct waitqueue nobody = WAITQUEUE_INIT;
	uint64_t start = time_ns(), deadline = start + 50 * NS_PER_MS, woke;

	spin_lock(&test_lock);
	while (time_ns() < deadline)
		sleep_on_until(&nobody, &test_lock, deadline);
	spin_unlock(&test_lock);
	woke = time_ns();
	/* The tick checks deadlines: late by at most a few ticks. */
	KT_ASSERT(woke - deadline < 4 * 1000000000UL / timer_hz + NS_PER_MS,
		  "woke %lu ms after the deadline",
		  (woke - deadline) / NS_PER_MS);
}

/* ---- kernel preemption -------------------------------------------------------- */

static bool flag_set; /* atomic */

static void set_flag(void *arg)
{
	(void)arg;
	__atomic_store_n(&flag_set, true, __ATOMIC_RELEASE);
	say_finished();
}

/* Kernel code that runs with interrupts on gives way when its slice ends:
 * this task and a new one are kept on one CPU, and this one spins until
 * the new one has run. Without kernel preemption only the deadline would
 * end the spin (preempt=user shows it). */
KTEST(sched, kernel_code_is_preempted)
{
	uint64_t deadline = time_ns() + 3000 * NS_PER_MS;
	struct sched_stats s0, s1;
	unsigned int cpu;
	bool flag_seen;

	finished = 0;
	__atomic_store_n(&flag_set, false, __ATOMIC_RELAXED);
	irq_push_off();
	cpu = this_cpu()->id;
	irq_pop_off();
	KT_ASSERT_EQ(task_set_affinity(current_task(), 1ULL << cpu), 0);
	sched_get_stats(&s0);
	/* It inherits the one CPU. */
	KT_ASSERT(task_spawn("set flag", set_flag, NULL), "spawn");
	while (!__atomic_load_n(&flag_set, __ATOMIC_ACQUIRE) &&
	       time_ns() < deadline)
		cpu_relax();
	flag_seen = __atomic_load_n(&flag_set, __ATOMIC_ACQUIRE);
	sched_get_stats(&s1);
	KT_ASSERT_EQ(task_set_affinity(current_task(), ~0ULL), 0);
	wait_finished(1);
	KT_ASSERT(flag_seen,
		  "the task on the same CPU never ran while this one "
		  "spun in the kernel");
	KT_ASSERT(s1.kernel_preemptions > s0.kernel_preemptions,
		  "no kernel preemption counted");
}

/* Sleeping on a wait queue while holding a second spinlock would let
 * another task spin on it forever: the scheduler refuses. */
KTEST_CRASH(sched, sleep_holding_spinlock)
{
	static struct spinlock held = SPINLOCK_INIT("held across sleep");
	struct waitqueue nobody = WAITQUEUE_INIT;

	spin_lock(&held);
	spin_lock(&test_lock);
	sleep_on_until(&nobody, &test_lock, time_ns() + NS_PER_MS);
}

/* ---- a task's stack overflow ------------------------------------------------- */

static volatile uint64_t recursion_limit = 1UL << 40;

/* 512 bytes a call, used after the next call: no loop, no tail call. */
static __noinline uint64_t task_stack_recurse(uint64_t depth)
{
	volatile uint8_t frame[512];

	if (depth >= recursion_limit)
		return 0;
	frame[depth % sizeof(frame)] = depth;
	return task_stack_recurse(depth + 1) + frame[0];
}

static void overflow_task(void *arg)
{
	kprintf("task %s: recursing until its stack overflows\n",
		task_name(current_task()));
	task_stack_recurse(0);
}

/* A task running off its stack hits the guard page below it: a double
 * fault reported as a kernel stack overflow, naming the function. */
KTEST_CRASH(sched, task_stack_overflow)
{
	KT_ASSERT(task_spawn("overflow", overflow_task, NULL), "spawn");
	wait_finished(1); /* never: the task does not finish */
}
