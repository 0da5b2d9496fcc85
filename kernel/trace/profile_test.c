/*
 * The profiler's test: a busy loop in a function of known name, profiled
 * for half a second, shows in /proc/profile's text as that function,
 * with the test's caller below it. Run with ktest=profile; lab trace
 * grades it.
 */
#include "trace/profile.h"
#include "lib/ktest.h"
#include "mm/mm.h"

#define BUSY_TICKS_MIN 20 /* at hz=100, 200 ms */

/* Spins until the boot CPU has taken `ticks` more timer interrupts;
 * calls nothing, so every sample taken in it has it as the leaf. */
static __attribute__((noipa)) uint64_t profile_test_busy_loop(uint64_t ticks)
{
	uint64_t end =
		__atomic_load_n(&cpus[0].ticks, __ATOMIC_RELAXED) + ticks;
	uint64_t spins = 0;

	while (__atomic_load_n(&cpus[0].ticks, __ATOMIC_RELAXED) < end)
		spins++;
	return spins;
}

/* Does line (up to its newline) end in ";NAME COUNT"? Its count, or 0. */
static unsigned long leaf_count(const char *line, const char *name)
{
	const char *nl = strchr(line, '\n');
	const char *sp;
	size_t n = strlen(name);

	if (!nl || line[0] == '#')
		return 0;
	for (sp = nl; sp > line && *sp != ' '; sp--)
		;
	if ((size_t)(sp - line) < n + 1 || sp[-(long)n - 1] != ';' ||
	    memcmp(sp - n, name, n) != 0)
		return 0;
	return kstrtoul(sp + 1, NULL, 10);
}

static bool contains(const char *s, const char *part)
{
	size_t n = strlen(part);

	for (; *s; s++)
		if (memcmp(s, part, n) == 0)
			return true;
	return false;
}

KTEST(profile, busy_loop_is_attributed)
{
	uint64_t ticks = MAX(timer_hz / 2, BUSY_TICKS_MIN);
	unsigned long in_loop = 0, total = 0;
	size_t size = 1 << 20, len;
	char *text, *line;

	KT_ASSERT_EQ(profile_control("reset", 5), 0);
	KT_ASSERT_EQ(profile_control("start\n", 6), 0);
	profile_test_busy_loop(ticks);
	KT_ASSERT_EQ(profile_control("stop", 4), 0);
	KT_ASSERT_EQ(profile_control("go", 2), -EINVAL);

	text = kmalloc(size);
	KT_ASSERT(text, "out of memory");
	len = profile_format(text, size);
	KT_ASSERT(len < size, "the text (%lu bytes) fits", (unsigned long)len);
	for (line = text; *line; line = strchr(line, '\n') + 1) {
		const char *sp = strchr(line, '\n');

		if (line[0] != '#') {
			while (sp > line && *sp != ' ')
				sp--;
			total += kstrtoul(sp + 1, NULL, 10);
		}
		in_loop += leaf_count(line, "profile_test_busy_loop");
	}
	kprintf("profile: %lu of %lu samples in profile_test_busy_loop "
		"(%lu ticks)\n",
		in_loop, total, ticks);
	/* The loop ran for `ticks` of the boot CPU's ticks, on one CPU at
	 * the same rate: most of them sampled it (a few may be taken while
	 * a higher-priority task runs there). */
	KT_ASSERT(in_loop >= ticks / 2, "%lu samples in the loop, of %lu ticks",
		  in_loop, ticks);
	KT_ASSERT(contains(text, ";profile_test_busy_loop "),
		  "a stack ends in the loop");
	KT_ASSERT(contains(text, ";ktest_profile_busy_loop_is_attributed;"
				 "profile_test_busy_loop "),
		  "the loop's caller is the test: %.200s", text);
	kfree(text);
}
