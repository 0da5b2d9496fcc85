/*
 * The scheduler core: tasks, switching, sleeping and waking.
 *
 * Each task has its own kernel stack. A task that stops running (it
 * sleeps, yields, exits or is preempted) calls schedule_locked, which
 * asks its CPU's run queue (rq.c, and through it the scheduling classes
 * of policy.h) for the next task, or takes the CPU's idle task when there
 * is none, and context_switch()es to it (switch.S); the task's address
 * space, FS base and SSE registers go with it (arch_task.c). The sched
 * lock is held across the switch and released by the task that
 * runs next, so no other CPU can see a task half switched. A task that
 * exits cannot free the stack it is running on: a kernel task is freed by
 * the next task to run on that CPU, a process's task by its owner
 * (task_release) once it is off its CPU.
 *
 * Every CPU runs this code at once. The run queues are reached only
 * through rq.c, under the sched lock; a task is on a CPU (c->task), on a
 * run queue, on a wait queue or dead, never two at once, so it runs on
 * one CPU at a time. A CPU with nothing to run halts in its idle task; a
 * wakeup that gives it work sends it a reschedule IPI (rq.c). A user task
 * is preempted when the tick ends its slice or a task that must run first
 * wakes: it gives way on its way back to user mode (sched_preempt), or,
 * in kernel code that has interrupts on, at the end of the interrupt
 * (sched_preempt_kernel): code is preemptible exactly when interrupts
 * are on, so no spinlock is ever held across it. docs/sched.md and
 * docs/smp.md have the pictures.
 */
#include "sched/rq.h"
#include "arch/x86_64/arch.h"
#include "mm/mm.h"

enum task_state {
	TASK_RUNNABLE, /* on a run queue */
	TASK_RUNNING,  /* on a CPU */
	TASK_SLEEPING, /* on a wait queue */
	/* Exited: a kernel task is freed by the next task to run on its
	 * CPU (reap_dead), a process's task by its owner (task_release). */
	TASK_DEAD,
};

struct task {
	/* Set at creation, constant afterwards. */
	unsigned int id;
	char name[16];
	void *stack; /* KSTACK_SIZE bytes; NULL for kmain (the boot stack) */
	void (*fn)(void *);
	void *arg;
	void *owner; /* its process, for task_owner */
	/* Its address space, FS base and SSE registers (arch_task.c):
	 * changed only by the task itself, or its maker before it starts. */
	struct arch_task arch;

	/* The sched lock protects the rest. */
	enum task_state state;
	struct task *next;            /* run queue or wait queue link */
	struct waitqueue *waiting_on; /* while TASK_SLEEPING */
	uint64_t wake_at;             /* sleep_on_until deadline, or 0 */
	struct task *timed_next;      /* list of sleepers with a deadline */
	uint64_t rsp;                 /* saved stack pointer when not running */
	bool interrupted; /* task_interrupt came while it was not asleep */
	/* No one will task_release it: once dead, the CPU frees it. Set
	 * for kernel tasks (no owner) and by task_release. */
	bool released;
	struct sched_entity se; /* its class's and the run queue's (rq.c) */
};

void context_switch(uint64_t *old_rsp, uint64_t new_rsp); /* switch.S */

/* The sched lock protects every run queue (rq.c, the classes), every
 * wait queue, every task's state and scheduling entity, and these
 * statics: timed_sleepers, stats (but stats.kernel_preemptions, counted
 * atomically) and next_id. It is taken with interrupts off (it is a
 * spinlock), also from the timer and device interrupts that wake tasks. */
static struct spinlock sched_lock = SPINLOCK_INIT("sched");
static struct task *timed_sleepers; /* sleepers with a deadline */
static struct sched_stats stats;
static unsigned int next_id; /* the next task's id */
/* Set once, by sched_init on the boot CPU before any other CPU or task
 * runs, and only read afterwards, without the lock: ready says sched_init
 * is done, kernel_preemption is preempt= (is kernel code preempted?). */
static bool ready;
static bool kernel_preemption = true;

static struct task boot_task; /* kmain, on the boot stack */

/* ---- queues: caller holds sched_lock --------------------------------- */

static void queue_push(struct waitqueue *q, struct task *t)
{
	t->next = NULL;
	if (q->tail)
		q->tail->next = t;
	else
		q->head = t;
	q->tail = t;
}

static struct task *queue_pop(struct waitqueue *q)
{
	struct task *t = q->head;

	if (t) {
		q->head = t->next;
		if (!q->head)
			q->tail = NULL;
		t->next = NULL;
	}
	return t;
}

static void queue_remove(struct waitqueue *q, struct task *t)
{
	struct task **p = &q->head, *prev = NULL;

	for (; *p; prev = *p, p = &(*p)->next) {
		if (*p != t)
			continue;
		*p = t->next;
		if (q->tail == t)
			q->tail = prev;
		t->next = NULL;
		return;
	}
}

static void timed_remove(struct task *t)
{
	struct task **p = &timed_sleepers;

	for (; *p; p = &(*p)->timed_next) {
		if (*p == t) {
			*p = t->timed_next;
			break;
		}
	}
	t->timed_next = NULL;
	t->wake_at = 0;
}

struct sched_entity *task_se(struct task *t)
{
	return &t->se;
}

struct task *se_task(struct sched_entity *se)
{
	return container_of(se, struct task, se);
}

/* Make a sleeping (or new: ENQUEUE_NEW) task runnable, on the run queue
 * rq_select chooses; that CPU is told if t should run first. */
static void make_runnable(struct task *t, int why)
{
	struct rq *rq = rq_select(&t->se);

	if (t->wake_at)
		timed_remove(t);
	t->waiting_on = NULL;
	t->state = TASK_RUNNABLE;
	rq_enqueue(rq, &t->se, why);
	sched_trace_wakeup(this_cpu()->id, t, rq->cpu);
}

/* ---- switching --------------------------------------------------------- */

static uint64_t stack_top(const struct task *t)
{
	extern char boot_stack_top[];

	return t->stack ? (uint64_t)t->stack + KSTACK_SIZE
			: (uint64_t)boot_stack_top;
}

/* Right after a switch, still under the sched lock: a task that exited
 * on this CPU is off it now. Its owner frees it (task_release) unless it
 * was released already; then it joins the CPU's list for reap_dead. A
 * list, not one slot: the task that runs next may be preempted before it
 * reaps, and another may exit meanwhile. */
static void finish_switch(struct cpu *c)
{
	struct task *t = c->exiting_task;

	if (!t)
		return;
	c->exiting_task = NULL;
	if (t->released) {
		t->next = c->dead_tasks;
		c->dead_tasks = t;
	}
}

/* The running task has set its new state: run the next one. If it is
 * still runnable, requeue says why it gives way (ENQUEUE_YIELD or
 * ENQUEUE_PREEMPTED). Caller holds sched_lock and no other spinlock; it
 * still holds it when this returns, in the same task, once that task is
 * chosen again. */
static void schedule_locked(int requeue)
{
	struct cpu *c = this_cpu();
	struct rq *rq = this_rq();
	struct task *prev = c->task, *next;
	struct sched_entity *prev_se = prev == c->idle_task ? NULL : &prev->se;
	struct sched_entity *next_se;
	int depth;
	bool were_enabled;

	assert(spin_held(&sched_lock));
	if (c->irq_off_depth != 1)
		panic("schedule: %s switches with a spinlock held besides "
		      "the sched lock",
		      prev->name);
	next_se = rq_schedule(rq, prev_se,
			      prev->state == TASK_RUNNABLE ? requeue : 0);
	next = next_se ? se_task(next_se) : c->idle_task;
	c->need_resched = false;
	if (next == prev) {
		prev->state = TASK_RUNNING;
		return;
	}
	rq_account_switch(rq, prev_se, next_se, prev->state == TASK_RUNNABLE);
	sched_trace_switch(c->id, prev, next, prev->state == TASK_RUNNABLE);
	next->state = TASK_RUNNING;
	c->task = next;
	stats.switches++;
	/* Interrupt nesting belongs to the task, not the CPU (xv6's
	 * intena): each task gets its own back after the switch. */
	depth = c->irq_off_depth;
	were_enabled = c->irq_were_enabled;
	arch_task_switch(&prev->arch, &next->arch, stack_top(next));
	context_switch(&prev->rsp, next->rsp);
	c = this_cpu();
	finish_switch(c);
	c->irq_off_depth = depth;
	c->irq_were_enabled = were_enabled;
}

/* Free the tasks that exited on this CPU. Caller holds no lock: the
 * memory allocator's locks come before the sched lock. With interrupts
 * off, so not preempted: a task preempted here (the idle task, say)
 * could hold the list, unfreed, for as long as it does not run. */
static void reap_dead(void)
{
	struct task *dead, *next;
	unsigned int n = 0;

	irq_push_off();
	dead = this_cpu()->dead_tasks;
	this_cpu()->dead_tasks = NULL;
	for (; dead; dead = next, n++) {
		next = dead->next;
		kstack_free(dead->stack);
		kfree(dead);
	}
	if (n) {
		spin_lock(&sched_lock);
		stats.tasks -= n;
		stats.exiting -= n;
		spin_unlock(&sched_lock);
	}
	irq_pop_off();
}

/* Where a new task starts, on its own stack, entered from
 * context_switch's ret with the sched lock held. */
static __noreturn void task_first_run(void)
{
	struct task *t = this_cpu()->task;

	finish_switch(this_cpu());
	spin_unlock(&sched_lock);
	reap_dead();
	irq_enable();
	t->fn(t->arg);
	task_exit();
}

/* ---- tasks ------------------------------------------------------------- */

struct task *task_create(const char *name, struct vm_space *vs, void *owner,
			 void (*fn)(void *), void *arg)
{
	struct task *t = kzalloc(sizeof(*t));
	uint64_t *sp;

	if (!t)
		return NULL;
	t->stack = kstack_alloc();
	if (!t->stack) {
		kfree(t);
		return NULL;
	}
	strlcpy(t->name, name, sizeof(t->name));
	t->fn = fn;
	t->arg = arg;
	t->owner = owner;
	t->released = owner == NULL;
	arch_task_init(&t->arch, vs);
	/* The first context_switch into t pops six registers and returns
	 * into task_first_run; above that a zero "return address" keeps the
	 * stack aligned as for a call and ends backtraces. */
	sp = (uint64_t *)((uint8_t *)t->stack + KSTACK_SIZE);
	*--sp = 0;
	*--sp = (uint64_t)task_first_run;
	for (int i = 0; i < 6; i++) /* rbp rbx r12 r13 r14 r15 */
		*--sp = 0;
	t->rsp = (uint64_t)sp;
	spin_lock(&sched_lock);
	t->id = next_id++;
	stats.tasks++;
	/* A child gets its creator's policy, nice and CPUs. */
	sched_entity_init(&t->se,
			  this_cpu()->task ? &this_cpu()->task->se : NULL);
	spin_unlock(&sched_lock);
	return t;
}

void task_start(struct task *t)
{
	spin_lock(&sched_lock);
	make_runnable(t, ENQUEUE_NEW);
	spin_unlock(&sched_lock);
}

struct task *task_spawn(const char *name, void (*fn)(void *), void *arg)
{
	struct task *t = task_create(name, NULL, NULL, fn, arg);

	if (t)
		task_start(t);
	return t;
}

void task_discard(struct task *t)
{
	spin_lock(&sched_lock);
	stats.tasks--;
	spin_unlock(&sched_lock);
	kstack_free(t->stack);
	kfree(t);
}

/* A task running on another CPU when its owner lets go of it is on its
 * way out (its process is a zombie): wait the moment until it is off that
 * CPU and free it here, so that its memory is back when the owner goes
 * on (a parent's wait4) and is not freed later, beside new allocations. */
void task_release(struct task *t)
{
	bool dead;

	spin_lock(&sched_lock);
	while (t->state == TASK_RUNNING && t != this_cpu()->task) {
		spin_unlock(&sched_lock);
		cpu_relax();
		tlb_shootdown_poll(); /* the caller may hold a spinlock */
		spin_lock(&sched_lock);
	}
	dead = t->state == TASK_DEAD;
	if (dead)
		stats.tasks--;
	else
		t->released = true;
	spin_unlock(&sched_lock);
	if (dead) {
		kstack_free(t->stack);
		kfree(t);
	}
}

void task_copy_user_state(struct task *t)
{
	arch_task_fork(&t->arch, &current_task()->arch);
}

void task_reset_user_state(void)
{
	arch_task_exec(&current_task()->arch);
}

void task_set_vs(struct vm_space *vs)
{
	arch_task_set_vs(&current_task()->arch, vs);
}

void task_init_fs_base(struct task *t, uint64_t base)
{
	t->arch.fs_base = base;
}

struct arch_task *task_arch(struct task *t)
{
	return &t->arch;
}

void task_interrupt(struct task *t)
{
	spin_lock(&sched_lock);
	if (t->state == TASK_SLEEPING) {
		queue_remove(t->waiting_on, t);
		make_runnable(t, ENQUEUE_WAKEUP);
	} else if (t->state != TASK_DEAD) {
		t->interrupted = true;
		/* Running elsewhere, perhaps in user mode for a while: an
		 * IPI makes it pass through the kernel's way back to user
		 * mode, which looks at its signals. */
		if (t->state == TASK_RUNNING && t->se.cpu != this_cpu()->id)
			smp_send_resched(t->se.cpu);
	}
	spin_unlock(&sched_lock);
}

bool sched_should_yield(void)
{
	bool r;

	/* The common case, no request, costs one load. A request that
	 * lands just after it is seen on the next return, as one that
	 * landed just after the clear below would be. */
	if (!this_cpu_need_resched())
		return false;
	irq_push_off();
	r = this_cpu()->need_resched;
	this_cpu()->need_resched = false;
	irq_pop_off();
	return r;
}

char task_state_char(const struct task *t)
{
	switch (__atomic_load_n(&t->state, __ATOMIC_RELAXED)) {
	case TASK_RUNNABLE:
	case TASK_RUNNING:
		return 'R';
	case TASK_SLEEPING:
		return 'S';
	case TASK_DEAD:
		return 'X';
	}
	return '?';
}

/* The running task ends: dead, off its CPU at the switch. Caller holds
 * the sched lock (and no other spinlock). */
static __noreturn void task_exit_locked(void)
{
	struct task *t = this_cpu()->task;

	if (!t->stack)
		panic("task_exit: %s runs on the boot stack and cannot exit",
		      t->name);
	t->state = TASK_DEAD;
	if (t->released)
		stats.exiting++; /* until reap_dead on this CPU */
	this_cpu()->exiting_task = t;
	schedule_locked(0);
	panic("task_exit: a dead task ran again");
}

__noreturn void task_exit(void)
{
	spin_lock(&sched_lock);
	task_exit_locked();
}

__noreturn void task_exit_unlock(struct spinlock *lk)
{
	spin_lock(&sched_lock);
	spin_unlock(lk);
	task_exit_locked();
}

struct task *current_task(void)
{
	return this_cpu_task();
}

void *task_owner(const struct task *t)
{
	return t->owner;
}

uint64_t task_stack_top(const struct task *t)
{
	return stack_top(t);
}

void task_set_fs_base(uint64_t base)
{
	arch_task_set_fs_base(&current_task()->arch, base);
}

const char *task_name(const struct task *t)
{
	return t->name;
}

unsigned int task_id(const struct task *t)
{
	return t->id;
}

/* The running task gives way but stays runnable; why: ENQUEUE_YIELD or
 * ENQUEUE_PREEMPTED. */
static void give_way(int why)
{
	struct task *t = current_task();

	spin_lock(&sched_lock);
	if (t != this_cpu()->idle_task)
		t->state = TASK_RUNNABLE;
	schedule_locked(why);
	spin_unlock(&sched_lock);
	reap_dead();
}

void sched_yield(void)
{
	give_way(ENQUEUE_YIELD);
}

void sched_preempt(void)
{
	give_way(ENQUEUE_PREEMPTED);
}

void sched_preempt_kernel(void)
{
	struct cpu *c = this_cpu();

	/* irq_off_depth is 0 whenever interrupts were on: a spinlock or
	 * irq_push_off turns them off first. */
	if (!ready || !kernel_preemption || c->irq_off_depth != 0 ||
	    !c->need_resched)
		return;
	__atomic_fetch_add(&stats.kernel_preemptions, 1, __ATOMIC_RELAXED);
	give_way(ENQUEUE_PREEMPTED); /* schedule_locked clears need_resched */
}

/* ---- sleeping and waking ------------------------------------------------ */

void sleep_on_until(struct waitqueue *wq, struct spinlock *lk,
		    uint64_t deadline_ns)
{
	struct task *t = current_task();

	if (!ready)
		panic("sleep_on: called before sched_init");
	if (t == this_cpu()->idle_task)
		panic("sleep_on: the idle task must not sleep");
	/* Take the sched lock before letting go of lk: a waker needs both
	 * (it holds lk when it calls wake_up), so it cannot slip in between
	 * our check of the condition and our going to sleep. */
	spin_lock(&sched_lock);
	spin_unlock(lk);
	if (t->interrupted) {
		/* A signal came between the caller's check and now: do not
		 * sleep, let the caller see it. */
		t->interrupted = false;
		spin_unlock(&sched_lock);
		spin_lock(lk);
		return;
	}
	t->state = TASK_SLEEPING;
	t->waiting_on = wq;
	queue_push(wq, t);
	if (deadline_ns) {
		t->wake_at = deadline_ns;
		t->timed_next = timed_sleepers;
		timed_sleepers = t;
	}
	schedule_locked(0);
	spin_unlock(&sched_lock);
	reap_dead();
	spin_lock(lk);
}

void sleep_on(struct waitqueue *wq, struct spinlock *lk)
{
	sleep_on_until(wq, lk, 0);
}

void wake_up(struct waitqueue *wq)
{
	struct task *t;

	spin_lock(&sched_lock);
	while ((t = queue_pop(wq)))
		make_runnable(t, ENQUEUE_WAKEUP);
	spin_unlock(&sched_lock);
}

void sched_tick(void)
{
	uint64_t now;
	struct task *t, *next;

	if (!ready)
		return;
	now = time_ns();
	spin_lock(&sched_lock);
	/* The running task's class says whether its slice ended; a user
	 * task gives way at the end of the tick (proc_return_to_user). */
	rq_tick(this_rq());
	if (this_cpu()->id == 0)
		loadavg_tick(now);
	for (t = timed_sleepers; t; t = next) {
		next = t->timed_next;
		if (t->wake_at > now)
			continue;
		queue_remove(t->waiting_on, t);
		make_runnable(t, ENQUEUE_WAKEUP);
	}
	spin_unlock(&sched_lock);
}

/* ---- the idle task and start-up ----------------------------------------- */

/* Runs when nothing else can: halts until an interrupt, which may have
 * woken a task, then lets it run. Before halting it tries to pull work
 * from a busier CPU (rq_has_work). The check and the halt happen with
 * interrupts off until `sti; hlt`, so a wakeup is never missed: a wakeup
 * on another CPU that queues a task here sends an IPI, which is held
 * pending until the sti and then ends the hlt. */
static void idle_loop(void *arg)
{
	(void)arg;
	for (;;) {
		bool work;

		irq_disable();
		spin_lock(&sched_lock);
		work = rq_has_work(this_rq());
		spin_unlock(&sched_lock);
		if (!work) {
			irq_enable_and_halt();
			continue;
		}
		irq_enable();
		sched_yield();
	}
}

void sched_init(void)
{
	struct cpu *c = this_cpu();
	char mode[8];

	rq_init(&sched_lock);
	if (cmdline_option("preempt", mode, sizeof(mode)) == 0) {
		if (strcmp(mode, "user") == 0)
			kernel_preemption = false;
		else if (strcmp(mode, "full") != 0)
			kprintf("sched: unknown preempt=%s, using full\n",
				mode);
	}
	kprintf("sched: %s preempted\n", kernel_preemption
						 ? "user and kernel code is"
						 : "only user code is");
	strlcpy(boot_task.name, "kmain", sizeof(boot_task.name));
	boot_task.state = TASK_RUNNING;
	boot_task.id = next_id++;
	sched_entity_init(&boot_task.se, NULL);
	boot_task.se.exec_start_ns = time_ns();
	this_rq()->curr = &boot_task.se;
	stats.tasks = 1;
	c->task = &boot_task;
	c->idle_task = task_create("idle", NULL, NULL, idle_loop, NULL);
	if (!c->idle_task)
		panic("sched_init: no memory for the idle task");
	c->idle_task->state = TASK_RUNNABLE;
	ready = true;
}

uint64_t sched_add_cpu(struct cpu *c)
{
	char name[16];

	ksnprintf(name, sizeof(name), "idle%u", c->id);
	c->idle_task = task_create(name, NULL, NULL, idle_loop, NULL);
	if (!c->idle_task)
		return 0;
	return stack_top(c->idle_task);
}

__noreturn void sched_run_idle(void)
{
	struct cpu *c = this_cpu();

	c->idle_task->state = TASK_RUNNING;
	c->task = c->idle_task;
	spin_lock(&sched_lock);
	rq_cpu_online(c->id);
	spin_unlock(&sched_lock);
	irq_enable();
	idle_loop(NULL);
	panic("sched_run_idle: the idle loop returned");
}

bool sched_ready(void)
{
	return ready;
}

void sched_get_stats(struct sched_stats *st)
{
	spin_lock(&sched_lock);
	*st = stats;
	st->runnable = 0;
	for (unsigned int i = 0; i < sched_cpu_count(); i++)
		st->runnable += rq_nr_active(i);
	loadavg_get(st->load);
	spin_unlock(&sched_lock);
}
