/*
 * Spinlocks as in xv6: an atomic exchange loop, with interrupts off on
 * this CPU for as long as any lock is held. See spinlock.h.
 *
 * A CPU spinning with interrupts off cannot take the IPI of a TLB
 * shootdown, and the CPU sending it waits for every answer: so the spin
 * loop answers shootdowns itself (tlb_shootdown_poll), and no CPU waits
 * on another that waits on it.
 */
#include "lib/spinlock.h"
#include "arch/x86_64/arch.h"

/* Spin iterations between looks at the clock. */
#define SPINS_PER_CHECK 4096

uint64_t spin_long_waits, spin_long_holds;
bool spin_hold_timing;

/* Per CPU: inside a report, so a kprintf spinning on the console lock
 * does not report again (only this CPU writes its slot). */
static bool reporting[MAX_CPUS];

void spin_init(struct spinlock *lk, const char *name)
{
	lk->locked = 0;
	lk->name = name;
	lk->holder = NULL;
	lk->taken_at = 0;
	lk->taken_ns = 0;
	lk->class = 0;
}

bool spin_held(struct spinlock *lk)
{
	bool held;

	irq_push_off();
	held = lk->locked && lk->holder == this_cpu();
	irq_pop_off();
	return held;
}

/* This CPU has spun on lk since start_ns: report it once it is too long.
 * The holder fields are read without the lock; they may be a moment
 * stale, which a report can live with. */
static void spin_check(struct spinlock *lk, uint64_t start_ns, bool *reported)
{
	unsigned int me = this_cpu()->id;
	uint64_t now = time_ns(), off, taken_ns;
	struct cpu *holder = lk->holder;
	char held[24];
	uintptr_t site = lk->taken_at;
	const char *fn;

	if (*reported || reporting[me] ||
	    now - start_ns < SPIN_TOO_LONG_MS * 1000000ULL)
		return;
	*reported = true;
	reporting[me] = true;
	__atomic_fetch_add(&spin_long_waits, 1, __ATOMIC_RELAXED);
	fn = ksym_lookup(site, &off, NULL);
	taken_ns = lk->taken_ns;
	held[0] = '\0';
	if (taken_ns) /* hold times measured (spin_hold_timing) */
		ksnprintf(held, sizeof(held), " for %lu ms",
			  (now - taken_ns) / 1000000);
	kprintf("spinlock: CPU %u has spun %lu ms on \"%s\", held by CPU %d"
		"%s, taken at %s+%#lx\n",
		me, (now - start_ns) / 1000000, lk->name,
		holder ? (int)holder->id : -1, held, fn ? fn : "?",
		fn ? off : site);
	reporting[me] = false;
}

void spin_lock(struct spinlock *lk)
{
	uintptr_t site = (uintptr_t)__builtin_return_address(0);
	uint64_t start_ns = 0;
	unsigned int spins = 0;
	bool reported = false;

	irq_push_off();
	if (lk->locked && lk->holder == this_cpu())
		panic("spin_lock: %s already held by this CPU (taken at %p)",
		      lk->name, (void *)lk->taken_at);
	while (__atomic_exchange_n(&lk->locked, 1, __ATOMIC_ACQUIRE)) {
		while (lk->locked) {
			cpu_relax();
			tlb_shootdown_poll();
			if (++spins % SPINS_PER_CHECK)
				continue;
			if (!start_ns)
				start_ns = time_ns();
			else
				spin_check(lk, start_ns, &reported);
		}
	}
	lk->holder = this_cpu();
	lk->taken_at = site;
	/* Two reads of the TSC a lock (here and at the release) are a good
	 * part of a short system call under TCG: only when asked. */
	lk->taken_ns = __atomic_load_n(&spin_hold_timing, __ATOMIC_RELAXED)
			       ? time_ns()
			       : 0;
	if (lockdep_enabled)
		lockdep_acquire(lk, site);
}

/* The lock named name, taken at site, was held for ns by this CPU, which
 * has just let it go: report it if that is too long. Called after the
 * release, so that the report's kprintf may take the very lock (the
 * console's, held across a host stall of QEMU) without finding it held
 * by this CPU. */
static void hold_check(const char *name, uintptr_t site, uint64_t ns)
{
	unsigned int me = this_cpu()->id;
	uint64_t off;
	const char *fn;

	if (ns < SPIN_TOO_LONG_MS * 1000000ULL || reporting[me])
		return;
	reporting[me] = true;
	__atomic_fetch_add(&spin_long_holds, 1, __ATOMIC_RELAXED);
	fn = ksym_lookup(site, &off, NULL);
	kprintf("spinlock: \"%s\" held %lu ms by CPU %u, taken at %s+%#lx\n",
		name, ns / 1000000, me, fn ? fn : "?", fn ? off : site);
	reporting[me] = false;
}

void spin_unlock(struct spinlock *lk)
{
	/* What the report needs, read while lk is still ours: once it is
	 * let go, another CPU may take it and free what holds it. */
	const char *name = lk->name;
	uintptr_t site = lk->taken_at;
	uint64_t held_ns;

	if (!lk->locked || lk->holder != this_cpu())
		panic("spin_unlock: %s not held by this CPU", lk->name);
	held_ns = lk->taken_ns ? time_ns() - lk->taken_ns : 0;
	if (lockdep_enabled)
		lockdep_release(lk);
	lk->holder = NULL;
	lk->taken_at = 0;
	lk->taken_ns = 0;
	__atomic_store_n(&lk->locked, 0, __ATOMIC_RELEASE);
	hold_check(name, site, held_ns);
	irq_pop_off();
}
