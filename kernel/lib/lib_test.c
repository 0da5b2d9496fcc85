/*
 * Tests of the kernel library: spinlocks (interrupts off while held,
 * nesting, the checks that catch misuse), per-CPU data through %gs, and
 * the command-line parser. The formatter is tested on the host against
 * the C library (tools/hosttest/printf_test.c).
 */
#include "arch/x86_64/arch.h"
#include "lib/ktest.h"
#include "lib/spinlock.h"

#define MSR_GS_BASE 0xc0000101

static struct spinlock test_lock = SPINLOCK_INIT("test");
static struct spinlock test_lock2 = SPINLOCK_INIT("test2");

/* Holding a lock keeps interrupts off; releasing the outermost restores
 * them as they were, also across two nested locks. */
KTEST(lib, spinlock_irq)
{
	KT_ASSERT(irq_enabled(), "interrupts off before the test");
	spin_lock(&test_lock);
	KT_ASSERT(!irq_enabled(), "interrupts on while a lock is held");
	KT_ASSERT(spin_held(&test_lock), "spin_held says no");
	spin_lock(&test_lock2);
	spin_unlock(&test_lock2);
	KT_ASSERT(!irq_enabled(), "inner unlock turned interrupts on");
	spin_unlock(&test_lock);
	KT_ASSERT(irq_enabled(), "interrupts still off after unlock");
	KT_ASSERT(!spin_held(&test_lock), "spin_held after unlock");

	/* Taken with interrupts already off, they stay off. */
	irq_disable();
	spin_lock(&test_lock);
	spin_unlock(&test_lock);
	KT_ASSERT(!irq_enabled(), "unlock enabled interrupts it did not own");
	irq_enable();
}

KTEST_CRASH(lib, spinlock_recursive)
{
	spin_lock(&test_lock);
	spin_lock(&test_lock);
}

KTEST_CRASH(lib, spinlock_unlock_unheld)
{
	spin_unlock(&test_lock);
}

KTEST(lib, percpu)
{
	struct cpu *c = this_cpu();

	KT_ASSERT(c == &cpus[0], "this_cpu() is %p, not cpus[0]", c);
	KT_ASSERT(c->self == c, "self pointer broken");
	KT_ASSERT_EQ(rdmsr(MSR_GS_BASE), (uint64_t)c);
}

KTEST(lib, cmdline)
{
	char buf[16];

	KT_ASSERT_EQ(cmdline_option("ktest", buf, sizeof(buf)), 0);
	KT_ASSERT(strncmp(buf, "lib", 3) == 0 || strcmp(buf, "all") == 0,
		  "ktest=%s", buf);
	KT_ASSERT_EQ(cmdline_option("no-such-option", buf, sizeof(buf)),
		     -ENOENT);
	/* A prefix of an option is not that option. */
	KT_ASSERT_EQ(cmdline_option("kte", buf, sizeof(buf)), -ENOENT);
	KT_ASSERT_EQ(cmdline_ulong("no-such-option", 7), 7);
	KT_ASSERT(!cmdline_flag("no-such-option"), "absent flag is true");
}
