/*
 * Runs the in-kernel tests named on the command line (see ktest.h for the
 * protocol the grader reads). Tests are found in the .ktests section,
 * where KTEST() puts a descriptor for each.
 */
#include "lib/ktest.h"
#include "arch/x86_64/arch.h"

extern const struct ktest __ktests_start[], __ktests_end[];

void ktest_fail(struct ktest_ctx *t, const char *file, int line,
		const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kprintf("ktest: FAIL: %s (%s:%d)\n", msg, file, line);
	t->failed = true;
}

/* Does selector (all, a suite, or suite.name) choose test k? */
static bool selected(const struct ktest *k, const char *selector)
{
	size_t n = strlen(k->suite);

	if (strncmp(selector, k->suite, n) == 0 && selector[n] == '.')
		return strcmp(selector + n + 1, k->name) == 0;
	if (k->crash)
		return false;
	return strcmp(selector, "all") == 0 || strcmp(selector, k->suite) == 0;
}

static bool run_one(const struct ktest *k)
{
	struct ktest_ctx ctx = { .failed = false };
	uint64_t start = time_ns();

	if (k->crash)
		kprintf("ktest: %s.%s: RUN (expecting a fault report)\n",
			k->suite, k->name);
	k->fn(&ctx);
	if (k->crash) {
		kprintf("ktest: %s.%s: FAIL: expected a fault, the test "
			"returned\n",
			k->suite, k->name);
		return false;
	}
	kprintf("ktest: %s.%s: %s (%lu ms)\n", k->suite, k->name,
		ctx.failed ? "FAIL" : "PASS", (time_ns() - start) / 1000000);
	return !ctx.failed;
}

void ktest_main(void)
{
	char selector[64];
	unsigned int passed = 0, failed = 0;

	if (cmdline_option("ktest", selector, sizeof(selector)) < 0)
		return;
	for (const struct ktest *k = __ktests_start; k < __ktests_end; k++) {
		if (!selected(k, selector))
			continue;
		if (run_one(k))
			passed++;
		else
			failed++;
	}
	if (passed + failed == 0)
		kprintf("ktest: no test matches '%s'\n", selector);
	kprintf("ktest: %u passed, %u failed\n", passed, failed);
	poweroff(failed || passed == 0 ? POWEROFF_FAILED : POWEROFF_OK);
}
