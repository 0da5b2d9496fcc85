/*
 * The sampling profiler (profile.h, docs/profiling.md). While profile_on
 * is set, each timer interrupt (trap.c) calls profile_tick, which stores
 * one sample in its CPU's buffer: the name of the process it
 * interrupted, and either "in user mode" or the kernel's interrupted RIP
 * and the return addresses found by following the frame pointers (the
 * kernel is built with -fno-omit-frame-pointer; syscall.S and the task
 * entry clear rbp, so a chain ends at the way into the kernel).
 *
 *   profile_cpus[cpu]  (one per running CPU, its buffer allocated at
 *   +-------------+     the first "start")
 *   | lock        |     samples[0 .. count-1], in the order taken:
 *   | count       |     +------+-------+-------+----------------+
 *   | dropped     |---> | comm | depth | user  | pc[0..depth-1] | ...
 *   | samples     |     +------+-------+-------+----------------+
 *   +-------------+     pc[0] the interrupted RIP, pc[1] its caller ...
 *
 * Locking: each CPU's buffer has its own spinlock, taken by its CPU's
 * tick (interrupts are already off there) to append, and by a reader
 * (profile_format) or reset to copy or clear it; so a tick never waits
 * for more than one copy. A full buffer drops further samples and counts
 * them. profile_control is serialised by ctl_lock, a sleeplock, since it
 * allocates. Names are looked up in the kernel's own symbol table
 * (ksym_lookup, panic.c) only when the text is made, not in the tick.
 */
#include "trace/profile.h"
#include "lib/sleeplock.h"
#include "mm/mm.h"
#include "proc/proc.h"
#include "sched/sched.h"

struct profile_sample {
	char comm[16];
	uint8_t depth; /* entries of pc used; 0 for a user-mode sample */
	bool user;
	uint64_t pc[PROFILE_DEPTH];
};

struct profile_cpu {
	struct spinlock lock; /* "profile": count, dropped, samples */
	unsigned int count;
	uint64_t dropped;
	struct profile_sample *samples; /* PROFILE_SAMPLES, or NULL */
};

bool profile_on;
static struct profile_cpu profile_cpus[MAX_CPUS];
static struct sleeplock ctl_lock;

/* The kernel's return addresses on a stack: a frame at rbp is
 * [saved rbp][return address]. Read with copy_nofault, so that a chain
 * gone wrong (a function's first instructions, before it has pushed rbp)
 * ends the walk rather than faulting. */
/* Is a on a kernel stack or in the kernel image, where a frame may be
 * read? copy_nofault is kept off user addresses: a fault there would be
 * taken for the process's own. */
static bool kernel_addr(uint64_t a)
{
	return a >= KERNEL_VMA || (a >= KSTACK_AREA_BASE &&
				   a < KSTACK_AREA_BASE + KSTACK_AREA_SIZE);
}

static unsigned int walk_frames(uint64_t rbp, uint64_t *pc, unsigned int max)
{
	unsigned int n = 0;

	while (n < max && rbp && IS_ALIGNED(rbp, 8)) {
		uint64_t frame[2];

		if (!kernel_addr(rbp) ||
		    copy_nofault(frame, (void *)rbp, sizeof(frame)) < 0 ||
		    !frame[1])
			break;
		/* -1: inside the call instruction, so in the caller. */
		pc[n++] = frame[1] - 1;
		if (frame[0] <= rbp)
			break; /* a chain only goes up the stack */
		rbp = frame[0];
	}
	return n;
}

/* Is ret the return address of a direct call (e8 rel32) to fn? */
static bool returns_from(uint64_t ret, uint64_t fn)
{
	uint8_t call[5];
	int32_t rel;

	if (ret < KERNEL_VMA + 5 ||
	    copy_nofault(call, (void *)(ret - 5), sizeof(call)) < 0 ||
	    call[0] != 0xe8)
		return false;
	memcpy(&rel, &call[1], sizeof(rel));
	return ret + (int64_t)rel == fn;
}

/* The kernel stack of a sample interrupted at rip: rip, then the callers.
 * A function that calls nothing and needs no stack has no frame of its
 * own (GCC leaves it out even with -mno-omit-leaf-frame-pointer), and a
 * function interrupted on its first or last instruction has none yet or
 * any more: then rbp is still the caller's, and the chain would skip the
 * caller. Its return address is on top of the stack instead; it is taken
 * when it returns from a direct call to rip's function and the chain's
 * first does not. */
static unsigned int kernel_stack(const struct trapframe *tf, uint64_t *pc)
{
	unsigned int n = 1;
	uint64_t off, top;

	pc[0] = tf->rip;
	if (ksym_lookup(tf->rip, &off, NULL) && kernel_addr(tf->rsp) &&
	    copy_nofault(&top, (void *)tf->rsp, sizeof(top)) == 0 &&
	    returns_from(top, tf->rip - off)) {
		uint64_t frame[2];

		if (!kernel_addr(tf->rbp) ||
		    copy_nofault(frame, (void *)tf->rbp, sizeof(frame)) < 0 ||
		    !returns_from(frame[1], tf->rip - off))
			pc[n++] = top - 1;
	}
	return n + walk_frames(tf->rbp, &pc[n], PROFILE_DEPTH - n);
}

void profile_tick(const struct trapframe *tf)
{
	struct profile_cpu *pc = &profile_cpus[this_cpu()->id];
	struct proc *p = proc_current();
	struct profile_sample *s;

	spin_lock(&pc->lock);
	if (!pc->samples || pc->count == PROFILE_SAMPLES) {
		if (pc->samples)
			pc->dropped++;
		spin_unlock(&pc->lock);
		return;
	}
	s = &pc->samples[pc->count++];
	strlcpy(s->comm, p ? p->name : task_name(current_task()),
		sizeof(s->comm));
	s->user = tf->cs & 3;
	s->depth = 0;
	if (!s->user)
		s->depth = kernel_stack(tf, s->pc);
	spin_unlock(&pc->lock);
}

void profile_init(void)
{
	sleep_lock_init(&ctl_lock, "profile control");
	for (unsigned int i = 0; i < MAX_CPUS; i++)
		spin_init(&profile_cpus[i].lock, "profile");
	if (cmdline_ulong("kprof", 0) && profile_control("start", 5))
		kprintf("profile: no memory for the sample buffers\n");
}

static bool cmd_is(const char *cmd, size_t len, const char *word)
{
	size_t n = strlen(word);

	return (len == n || (len == n + 1 && cmd[n] == '\n')) &&
	       memcmp(cmd, word, n) == 0;
}

/* Give every running CPU a buffer (once; they stay). Caller holds
 * ctl_lock. */
static int alloc_buffers(void)
{
	for (unsigned int i = 0; i < ncpus_running; i++) {
		struct profile_cpu *pc = &profile_cpus[i];
		struct profile_sample *s;

		if (pc->samples)
			continue;
		s = kzalloc(PROFILE_SAMPLES * sizeof(*s));
		if (!s)
			return -ENOMEM;
		spin_lock(&pc->lock);
		pc->samples = s;
		spin_unlock(&pc->lock);
	}
	return 0;
}

int profile_control(const char *cmd, size_t len)
{
	int err = 0;

	sleep_lock(&ctl_lock);
	if (cmd_is(cmd, len, "start")) {
		err = alloc_buffers();
		if (!err)
			__atomic_store_n(&profile_on, true, __ATOMIC_RELEASE);
	} else if (cmd_is(cmd, len, "stop")) {
		__atomic_store_n(&profile_on, false, __ATOMIC_RELEASE);
	} else if (cmd_is(cmd, len, "reset")) {
		for (unsigned int i = 0; i < MAX_CPUS; i++) {
			spin_lock(&profile_cpus[i].lock);
			profile_cpus[i].count = 0;
			profile_cpus[i].dropped = 0;
			spin_unlock(&profile_cpus[i].lock);
		}
	} else {
		err = -EINVAL;
	}
	sleep_unlock(&ctl_lock);
	return err;
}

/* Text made into buf, at most size bytes, counting all of it in *len. */
struct text {
	char *buf;
	size_t size, len;
};

static void __printf(2, 3) text_printf(struct text *t, const char *fmt, ...)
{
	size_t room = t->len < t->size ? t->size - t->len : 0;
	va_list ap;

	va_start(ap, fmt);
	t->len += kvsnprintf(room ? t->buf + t->len : t->buf, room, fmt, ap);
	va_end(ap);
}

static bool same_sample(const struct profile_sample *a,
			const struct profile_sample *b)
{
	return a->user == b->user && a->depth == b->depth &&
	       strcmp(a->comm, b->comm) == 0 &&
	       memcmp(a->pc, b->pc, a->depth * sizeof(a->pc[0])) == 0;
}

/* "comm;outer;...;leaf COUNT": a user-mode sample is "comm;[user]". */
static void print_stack(struct text *t, const struct profile_sample *s,
			unsigned int count)
{
	text_printf(t, "%s", s->comm);
	if (s->user)
		text_printf(t, ";[user]");
	for (int i = s->depth - 1; i >= 0; i--) {
		const char *name = ksym_lookup(s->pc[i], NULL, NULL);

		if (name)
			text_printf(t, ";%s", name);
		else
			text_printf(t, ";%#lx", s->pc[i]);
	}
	text_printf(t, " %u\n", count);
}

size_t profile_format(char *buf, size_t size)
{
	struct text t = { .buf = buf, .size = size, .len = 0 };
	struct profile_sample *copy = NULL;

	text_printf(&t, "# profile %s, %u Hz, %u CPUs\n",
		    __atomic_load_n(&profile_on, __ATOMIC_ACQUIRE) ? "on"
								   : "off",
		    timer_hz, ncpus_running);
	for (unsigned int cpu = 0; cpu < ncpus_running; cpu++) {
		struct profile_cpu *pc = &profile_cpus[cpu];
		unsigned int n, run;
		uint64_t dropped;

		if (!copy)
			copy = kmalloc(PROFILE_SAMPLES * sizeof(*copy));
		if (!copy) {
			text_printf(&t, "# cpu%u: no memory to copy\n", cpu);
			continue;
		}
		spin_lock(&pc->lock);
		n = pc->samples ? pc->count : 0;
		dropped = pc->dropped;
		if (n)
			memcpy(copy, pc->samples, n * sizeof(*copy));
		spin_unlock(&pc->lock);
		text_printf(&t, "# cpu%u: %u samples, %lu dropped\n", cpu, n,
			    dropped);
		/* Runs of the same sample fold into one line. */
		for (unsigned int i = 0; i < n; i += run) {
			for (run = 1; i + run < n &&
				      same_sample(&copy[i], &copy[i + run]);
			     run++)
				;
			print_stack(&t, &copy[i], run);
		}
	}
	kfree(copy);
	return t.len;
}
