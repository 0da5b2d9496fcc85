/*
 * The trace buffer's tests: events come back whole and in order, an
 * overrun loses the oldest with an exact count and the reader goes on,
 * and set_event's patterns. Run with ktest=trace; lab trace grades them.
 * Each test emits on this CPU with interrupts off, and no tracepoint is
 * enabled at ktest time, so the rings hold only the test's events.
 */
#include "trace/trace.h"
#include "lib/ktest.h"

#define RING 2048 /* ring.c's TRACE_RING_EVENTS */

KTEST(trace, events_in_order)
{
	struct trace_cursor c;
	struct trace_event e;
	uint64_t lost = 0;

	trace_cursor_init(&c);
	irq_push_off();
	for (uint64_t i = 0; i < 100; i++)
		trace_emit(TP_SYS_ENTER, i, i * 2, i * 3, 0, 0);
	irq_pop_off();
	for (uint64_t i = 0; i < 100; i++) {
		KT_ASSERT(trace_read(&c, &e, &lost), "event %lu is there", i);
		KT_ASSERT_EQ(e.id, TP_SYS_ENTER);
		KT_ASSERT_EQ(e.field[0], i);
		KT_ASSERT_EQ(e.field[2], i * 3);
	}
	KT_ASSERT(!trace_read(&c, &e, &lost), "no 101st event");
	KT_ASSERT_EQ(lost, 0);
}

KTEST(trace, overrun_counts_and_goes_on)
{
	struct trace_cursor c;
	struct trace_event e;
	uint64_t lost = 0, n = 0, first = 0;

	trace_cursor_init(&c);
	irq_push_off();
	for (uint64_t i = 0; i < RING + 300; i++)
		trace_emit(TP_SYS_EXIT, i, 0, 0, 0, 0);
	irq_pop_off();
	while (trace_read(&c, &e, &lost)) {
		if (!n)
			first = e.field[0];
		KT_ASSERT_EQ(e.field[0], first + n);
		n++;
	}
	KT_ASSERT_EQ(lost, 300);
	KT_ASSERT_EQ(n, RING);
	KT_ASSERT_EQ(first, 300);
}

KTEST(trace, set_event_patterns)
{
	KT_ASSERT_EQ(trace_set_event("mm:page_fault", true), 1);
	KT_ASSERT(trace_on(TP_MM_PAGE_FAULT), "mm:page_fault is on");
	KT_ASSERT_EQ(trace_set_event("mm:page_fault", false), 1);
	KT_ASSERT(!trace_on(TP_MM_PAGE_FAULT), "and off again");
	KT_ASSERT_EQ(trace_set_event("irq:*", false), 2);
	KT_ASSERT_EQ(trace_set_event("*:*", false), TP_COUNT);
	KT_ASSERT_EQ(trace_set_event("nope:page_fault", true), -EINVAL);
	KT_ASSERT_EQ(trace_set_event("mm", true), -EINVAL);
	KT_ASSERT_EQ(trace_set_event(":x", true), -EINVAL);
}

KTEST(trace, format_names_fields)
{
	struct trace_event e = {
		.time_ns = 1500000000,
		.id = TP_MM_PAGE_FAULT,
		.cpu = 1,
		.pid = 42,
		.field = { 0x1000, 0x401000, FAULT_COW, 0, REGION_HEAP },
	};
	char line[160];

	trace_format(&e, line, sizeof(line));
	KT_ASSERT(strcmp(line, "42 [001] 1.500000000: mm:page_fault "
			       "addr=0x1000 ip=0x401000 kind=cow result=0 "
			       "region=heap\n") == 0,
		  "got %s", line);
}
