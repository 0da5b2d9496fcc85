/*
 * The in-kernel test framework. A test is a function registered with
 * KTEST(suite, name) in its subsystem's folder (kernel/mm/mm_test.c ...).
 * The command line chooses what runs:
 *
 *   ktest=all          every test except the crash tests
 *   ktest=mm           every test of suite mm (except crash tests)
 *   ktest=mm.frames    one test, by full name (crash tests only this way)
 *
 * Each test prints one line the grader matches:
 *
 *   ktest: mm.frames: PASS
 *   ktest: mm.frames: FAIL: <what> (kernel/mm/mm_test.c:42)
 *
 * then "ktest: N passed, M failed", and the kernel powers off with status
 * 0 if every test passed, 1 otherwise. A crash test (KTEST_CRASH) is one
 * that must end in a kernel fault report: it prints
 * "ktest: trap.divide_error: RUN (expecting a fault report)" and the grader
 * checks the report that follows.
 */
#ifndef KESTREL_KTEST_H
#define KESTREL_KTEST_H

#include "lib/lib.h"

struct ktest_ctx {
	bool failed;
};

struct ktest {
	const char *suite;
	const char *name;
	void (*fn)(struct ktest_ctx *t);
	bool crash;
};

#define KTEST_DEFINE(suite_, name_, crash_)                               \
	static void ktest_##suite_##_##name_(struct ktest_ctx *t);        \
	static const struct ktest ktest_desc_##suite_##_##name_           \
		__attribute__((used, section(".ktests"), aligned(8))) = { \
			#suite_, #name_, ktest_##suite_##_##name_, crash_ \
		};                                                        \
	static void ktest_##suite_##_##name_(struct ktest_ctx *t)

#define KTEST(suite, name) KTEST_DEFINE(suite, name, false)
#define KTEST_CRASH(suite, name) KTEST_DEFINE(suite, name, true)

void ktest_fail(struct ktest_ctx *t, const char *file, int line,
		const char *fmt, ...) __printf(4, 5);

/* Fail the test and return from it when cond is false. */
#define KT_ASSERT(cond, ...)                                            \
	do {                                                            \
		if (!(cond)) {                                          \
			ktest_fail(t, __FILE__, __LINE__, __VA_ARGS__); \
			return;                                         \
		}                                                       \
	} while (0)

/* Fail unless a == b, printing both in decimal (signed) and hex. */
#define KT_ASSERT_EQ(a, b)                                                    \
	do {                                                                  \
		uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);              \
		KT_ASSERT(a_ == b_, "%s == %s: %ld (%#lx) != %ld (%#lx)", #a, \
			  #b, (long)a_, a_, (long)b_, b_);                    \
	} while (0)

/* Run the tests the command line names, then power off. Returns if the
 * command line names none. */
void ktest_main(void);

#endif
