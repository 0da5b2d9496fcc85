/*
 * Load averages: the 1, 5 and 15 minute figures that /proc/loadavg,
 * uptime, top and sysinfo show, computed the way Linux computes them.
 * Every LOAD_FREQ_NS (5 s) the tick on CPU 0 counts the active tasks,
 * those running on a CPU or queued for one, and moves each average a
 * step toward that count:
 *
 *   load = load * e + active * (1 - e),    e = exp(-5 s / period)
 *
 * so that after one period (1, 5 or 15 minutes) of a steady count the
 * average has come 63% of the way. The arithmetic is fixed point with
 * LOAD_FSHIFT bits of fraction: 1.0 is LOAD_FIXED_1 (2048), and e for
 * the three periods is 1884, 2014 and 2037 out of 2048.
 *
 * Linux also counts tasks in uninterruptible sleep (a disk read); a
 * Kestrel task that sleeps is not counted, whatever it waits for.
 *
 * Locking: load[] is written by CPU 0's tick and read by
 * sched_get_stats, both under the sched lock. docs/sched.md.
 */
#include "sched/rq.h"

#define LOAD_FREQ_NS (5 * NS_PER_SEC)

/* exp(-5 s / 1 min), exp(-5 s / 5 min), exp(-5 s / 15 min), fixed point. */
static const unsigned long decay[3] = { 1884, 2014, 2037 };

static unsigned long load[3]; /* the averages, fixed point */
static uint64_t next_update_ns;

/* One step of an average toward active (both fixed point). Rounding up
 * while rising lets a steady load of 1 reach 1.00, not stop at 0.99. */
static unsigned long fold(unsigned long avg, unsigned long e,
			  unsigned long active)
{
	unsigned long next = avg * e + active * (LOAD_FIXED_1 - e);

	if (active >= avg)
		next += LOAD_FIXED_1 - 1;
	return next / LOAD_FIXED_1;
}

void loadavg_tick(uint64_t now)
{
	unsigned long active = 0;

	if (now < next_update_ns)
		return;
	/* A tick that came late (a busy host) still counts once. */
	next_update_ns = next_update_ns ? next_update_ns + LOAD_FREQ_NS
					: now + LOAD_FREQ_NS;
	if (next_update_ns <= now)
		next_update_ns = now + LOAD_FREQ_NS;
	for (unsigned int cpu = 0; cpu < sched_cpu_count(); cpu++)
		active += rq_nr_active(cpu);
	for (int i = 0; i < 3; i++)
		load[i] = fold(load[i], decay[i], active * LOAD_FIXED_1);
}

void loadavg_get(unsigned long out[3])
{
	for (int i = 0; i < 3; i++)
		out[i] = load[i];
}
