/*
 * Tests of the trap path. Most are crash tests: each makes the CPU raise
 * one exception in kernel mode, and the grader checks the report that
 * follows (vector, name, registers, a backtrace naming the function
 * below). Run one per boot: ktest=trap.divide_error and so on.
 */
#include "arch/x86_64/cpu.h"
#include "lib/ktest.h"

KTEST_CRASH(trap, divide_error)
{
	asm volatile("xorl %%edx, %%edx\n\t"
		     "xorl %%ecx, %%ecx\n\t"
		     "movl $1, %%eax\n\t"
		     "divl %%ecx"
		     :
		     :
		     : "rax", "rcx", "rdx");
}

KTEST_CRASH(trap, invalid_opcode)
{
	asm volatile("ud2");
}

KTEST_CRASH(trap, null_deref)
{
	volatile uint64_t *p = NULL;

	kprintf("reading address 0: %lu\n", *p);
}

/* Far deeper than any kernel stack; read at run time so the compiler
 * cannot see the recursion is (in practice) endless. */
static volatile uint64_t recursion_limit = 1UL << 40;

/* Each call takes 512 bytes of stack and uses them after the next call,
 * so the compiler can turn it neither into a loop nor into a tail call. */
static __noinline uint64_t stack_overflow_recurse(uint64_t depth)
{
	volatile uint8_t frame[512];

	if (depth >= recursion_limit)
		return 0;
	frame[depth % sizeof(frame)] = depth;
	return stack_overflow_recurse(depth + 1) + frame[0];
}

KTEST_CRASH(trap, stack_overflow)
{
	kprintf("recursing until the boot stack overflows\n");
	stack_overflow_recurse(0);
}

/* Load an IDT with no entries: the next exception cannot be delivered, nor
 * can the double fault that follows, and the CPU resets. The grader must
 * see this as a triple fault, not a clean exit. */
KTEST_CRASH(trap, triple_fault)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __packed empty_idt = { 0, 0 };

	asm volatile("lidt %0\n\t"
		     "int3"
		     :
		     : "m"(empty_idt));
}

/* Never returns and never prints again: the grader's stall detection must
 * notice. */
KTEST_CRASH(trap, hang)
{
	halt_forever();
}

static volatile bool resumed_after_breakpoint;

KTEST(trap, breakpoint)
{
	resumed_after_breakpoint = false;
	asm volatile("int3");
	resumed_after_breakpoint = true;
	KT_ASSERT(resumed_after_breakpoint, "did not resume after int3");
}

/* copy_nofault turns faults into -EFAULT through the exception table:
 * a non-canonical address raises #GP, an unmapped one #PF. */
KTEST(trap, copy_nofault)
{
	uint64_t v = 0, src = 42;

	KT_ASSERT_EQ(copy_nofault(&v, &src, sizeof(v)), 0);
	KT_ASSERT_EQ(v, 42);
	KT_ASSERT_EQ(copy_nofault(&v, (void *)0x8000000000000000UL, 8),
		     -EFAULT);
	KT_ASSERT_EQ(copy_nofault(&v, NULL, 8), -EFAULT);

	/* Kernel text is read-only: writing its own bytes back must fault
	 * (and would change nothing if the protection were missing). */
	uint64_t text;
	void *code = (void *)ktest_trap_copy_nofault;

	KT_ASSERT_EQ(copy_nofault(&text, code, 8), 0);
	KT_ASSERT_EQ(copy_nofault(code, &text, 8), -EFAULT);
}

/* The backtrace names this function and its caller. */
KTEST(trap, symbols)
{
	uint64_t off, size;
	const char *name =
		ksym_lookup((uint64_t)ktest_trap_symbols + 4, &off, &size);

	KT_ASSERT(name && strcmp(name, "ktest_trap_symbols") == 0,
		  "ksym_lookup gave %s", name ? name : "nothing");
	KT_ASSERT_EQ(off, 4);
	KT_ASSERT(size > 4, "size %lu", size);
	KT_ASSERT(ksym_lookup(0x1000, NULL, NULL) == NULL,
		  "an address outside the kernel has a name");
}
