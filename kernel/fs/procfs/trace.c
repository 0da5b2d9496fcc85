/*
 * The tracer's files in /proc (kernel/trace, docs/tracing.md):
 *
 *   /proc/trace_events   a tracepoint a line, as Linux's available_events
 *                        spells it, with its state and fields:
 *                        "mm:page_fault off addr ip kind result region"
 *   /proc/trace_stat     per CPU: events written and events readers lost
 *                        to overruns: "cpu0 written 1200 lost 0"
 */
#include "fs/procfs/internal.h"
#include "trace/trace.h"

int procfs_trace_events(struct pbuf *b)
{
	for (unsigned int i = 0; i < TP_COUNT; i++) {
		const struct tracepoint *tp = &trace_points[i];

		pbuf_printf(b, "%s:%s %s", tp->system, tp->name,
			    trace_on(i) ? "on" : "off");
		for (unsigned int f = 0; f < TRACE_FIELDS && tp->fields[f].name;
		     f++)
			pbuf_printf(b, " %s", tp->fields[f].name);
		pbuf_printf(b, "\n");
	}
	return 0;
}

int procfs_trace_stat(struct pbuf *b)
{
	for (unsigned int cpu = 0; cpu < ncpus_running; cpu++) {
		uint64_t written, lost;

		trace_ring_stats(cpu, &written, &lost);
		pbuf_printf(b, "cpu%u written %lu lost %lu\n", cpu, written,
			    lost);
	}
	return 0;
}
