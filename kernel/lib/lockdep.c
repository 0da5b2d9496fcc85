/*
 * The lock checker (lockdep=1). It learns, as the kernel runs, in which
 * order spinlocks are taken, and stops the kernel at the first
 * inversion: lock class B taken while holding A here, A taken while
 * holding B somewhere else. Two CPUs doing one each can deadlock, even if
 * this run never did; the checker catches it the first time both orders
 * merely happen, on any CPU, and prints both places.
 *
 * A lock's class is its name: every inode's lock is one class, as in
 * Linux's lockdep (there by where the lock was initialized). Taking two
 * locks of one class together is not checked. For each CPU the checker
 * keeps the locks held now, with where each was taken; the order seen so
 * far is a matrix of bits (after[A][B]: B was taken while holding A) with
 * the first pair of places for each bit. docs/smp.md has an example
 * report.
 */
#include "lib/spinlock.h"
#include "arch/x86_64/arch.h"

#define CLASSES_MAX 192
#define HELD_MAX 16
#define EDGES_MAX 1024

bool lockdep_enabled;

/* The locks one CPU holds, innermost last. Only that CPU touches it, with
 * interrupts off (it holds a spinlock). */
struct held_locks {
	struct spinlock *lock[HELD_MAX];
	int class[HELD_MAX];
	uintptr_t site[HELD_MAX];
	int n;
	int overflow; /* acquires beyond HELD_MAX, not tracked */
};

/* An order seen: "to" taken at to_site while "from" (taken at
 * from_site) was held. */
struct edge {
	uint16_t from, to;
	uintptr_t from_site, to_site;
};

static struct held_locks held[MAX_CPUS];

/* The graph: class names, the order matrix and the first places of each
 * order. Written under graph_lock, a bare flag (a spinlock here would
 * check itself); after[][] bits are read without it, as a bit once set
 * stays set. */
static volatile uint32_t graph_lock;
static const char *class_names[CLASSES_MAX];
static int nclasses;
static uint8_t after[CLASSES_MAX][CLASSES_MAX / 8];
static struct edge edges[EDGES_MAX];
static int nedges;

void lockdep_init(void)
{
	lockdep_enabled = cmdline_ulong("lockdep", 0) != 0;
	spin_hold_timing = lockdep_enabled;
	if (lockdep_enabled)
		kprintf("lockdep: checking the order locks are taken in, "
			"and how long they are held\n");
}

static void graph_acquire(void)
{
	while (__atomic_exchange_n(&graph_lock, 1, __ATOMIC_ACQUIRE))
		cpu_relax();
}

static void graph_release(void)
{
	__atomic_store_n(&graph_lock, 0, __ATOMIC_RELEASE);
}

/* lk's class, found by name the first time; -1 if the table is full. */
static int class_of(struct spinlock *lk)
{
	const char *name = lk->name ? lk->name : "(unnamed)";
	int c;

	if (lk->class)
		return lk->class - 1;
	graph_acquire();
	for (c = 0; c < nclasses; c++)
		if (strcmp(class_names[c], name) == 0)
			break;
	if (c == nclasses) {
		if (nclasses == CLASSES_MAX) {
			graph_release();
			return -1;
		}
		class_names[nclasses++] = name;
	}
	graph_release();
	lk->class = c + 1;
	return c;
}

static bool order_seen(int from, int to)
{
	return __atomic_load_n(&after[from][to / 8], __ATOMIC_RELAXED) &
	       (1 << (to % 8));
}

static void order_add(int from, int to, uintptr_t from_site, uintptr_t to_site)
{
	graph_acquire();
	if (!order_seen(from, to)) {
		if (nedges < EDGES_MAX)
			edges[nedges++] =
				(struct edge){ from, to, from_site, to_site };
		__atomic_fetch_or(&after[from][to / 8], 1 << (to % 8),
				  __ATOMIC_RELAXED);
	}
	graph_release();
}

static const struct edge *edge_find(int from, int to)
{
	for (int i = 0; i < nedges; i++)
		if (edges[i].from == from && edges[i].to == to)
			return &edges[i];
	return NULL;
}

static void print_site(const char *what, int class, uintptr_t site)
{
	uint64_t off;
	const char *fn = ksym_lookup(site, &off, NULL);

	kprintf("    \"%s\" %s at %s+%#lx\n", class_names[class], what,
		fn ? fn : "?", fn ? off : site);
}

/* Taking "to" at site while holding "from" (taken at from_site) inverts
 * an order seen before. */
static __noreturn void report_inversion(int from, uintptr_t from_site, int to,
					uintptr_t site)
{
	const struct edge *e = edge_find(to, from);

	lockdep_enabled = false; /* the report takes locks of its own */
	kprintf("\nlockdep: lock order inversion on CPU %u:\n", this_cpu()->id);
	print_site("held, taken", from, from_site);
	print_site("taken", to, site);
	kprintf("  but earlier the other way round:\n");
	if (e) {
		print_site("held, taken", to, e->from_site);
		print_site("taken", from, e->to_site);
	} else {
		kprintf("    (places not recorded: the table is full)\n");
	}
	panic("lockdep: lock order inversion between \"%s\" and \"%s\"",
	      class_names[from], class_names[to]);
}

void lockdep_acquire(struct spinlock *lk, uintptr_t site)
{
	struct held_locks *h = &held[this_cpu()->id];
	int c = class_of(lk);

	if (c < 0)
		return;
	for (int i = 0; i < h->n; i++) {
		int a = h->class[i];

		if (a == c)
			continue;
		if (!order_seen(a, c))
			order_add(a, c, h->site[i], site);
		if (order_seen(c, a))
			report_inversion(a, h->site[i], c, site);
	}
	if (h->n == HELD_MAX) {
		h->overflow++;
		return;
	}
	h->lock[h->n] = lk;
	h->class[h->n] = c;
	h->site[h->n] = site;
	h->n++;
}

/* Caller still holds lk. A lock taken before the checker was on is not
 * on the list, and is let go of silently. */
void lockdep_release(const struct spinlock *lk)
{
	struct held_locks *h = &held[this_cpu()->id];
	int i;

	for (i = h->n - 1; i >= 0 && h->lock[i] != lk; i--)
		;
	if (i < 0) {
		if (h->overflow)
			h->overflow--;
		return;
	}
	for (; i < h->n - 1; i++) {
		h->lock[i] = h->lock[i + 1];
		h->class[i] = h->class[i + 1];
		h->site[i] = h->site[i + 1];
	}
	h->n--;
}
