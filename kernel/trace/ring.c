/*
 * The trace buffer: one ring of TRACE_RING_EVENTS events per CPU, each
 * written only by its own CPU with interrupts off, so a writer needs no
 * lock and never waits: it takes the next slot, overwriting the oldest.
 * Readers on any CPU copy events out lock-free, seqlock style: a slot's
 * seq is 0 while it is being written and the event's number after, so a
 * copy framed by the same seq is whole. A reader too slow for the ring
 * finds its next event overwritten and counts the loss (an overrun).
 *
 *   ring[cpu]:  head = 7 + N (events written so far on this CPU)
 *     slot:  [ seq N+1 | seq N+2 | ... | seq N+7 | seq 8 | ... | seq N ]
 *                                    newest ^      ^ oldest still there
 *   reader:  next[cpu] = 3 -> events 4..7 were overwritten: lost += 4
 *
 * docs/tracing.md draws it larger and states the ordering argument.
 */
#include "trace/trace.h"
#include "proc/proc.h"

#define TRACE_RING_EVENTS 2048 /* a power of two: 128 KiB per CPU */

struct trace_ring {
	/* Written only by the ring's CPU, interrupts off; read by anyone. */
	uint64_t head; /* atomic: events written; the newest is seq head */
	struct trace_event slots[TRACE_RING_EVENTS];
	/* Atomic: events readers found overwritten. */
	uint64_t lost;
};

static struct trace_ring rings[MAX_CPUS];

void trace_emit(enum trace_point_id id, uint64_t f0, uint64_t f1, uint64_t f2,
		uint64_t f3, uint64_t f4)
{
	struct trace_ring *r;
	struct trace_event *e;
	struct proc *p;
	uint64_t seq;
	/* An interrupt's event must not land mid-write. Inline rather than
	 * irq_push_off: this is the whole cost of an enabled tracepoint. */
	bool were_enabled = irq_enabled();

	irq_disable();
	r = &rings[this_cpu()->id];
	seq = r->head + 1;
	e = &r->slots[seq % TRACE_RING_EVENTS];
	__atomic_store_n(&e->seq, 0, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE); /* seq 0 before the rest */
	p = proc_current();
	e->time_ns = time_ns();
	e->id = (uint16_t)id;
	e->cpu = (uint16_t)this_cpu()->id;
	e->pid = p ? p->pid : 0;
	e->field[0] = f0;
	e->field[1] = f1;
	e->field[2] = f2;
	e->field[3] = f3;
	e->field[4] = f4;
	__atomic_store_n(&e->seq, seq, __ATOMIC_RELEASE);
	__atomic_store_n(&r->head, seq, __ATOMIC_RELEASE);
	if (were_enabled)
		irq_enable();
}

void trace_cursor_init(struct trace_cursor *c)
{
	for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++)
		c->next[cpu] =
			__atomic_load_n(&rings[cpu].head, __ATOMIC_ACQUIRE);
}

/* Copy event number want + 1 of ring r into *e: true if it was whole
 * and still that event. */
static bool copy_slot(struct trace_ring *r, uint64_t want,
		      struct trace_event *e)
{
	const struct trace_event *s = &r->slots[(want + 1) % TRACE_RING_EVENTS];

	if (__atomic_load_n(&s->seq, __ATOMIC_ACQUIRE) != want + 1)
		return false;
	*e = *s;
	__atomic_thread_fence(__ATOMIC_ACQUIRE); /* the copy before the check */
	return __atomic_load_n(&s->seq, __ATOMIC_RELAXED) == want + 1;
}

/* The next event of ring cpu for c into *e, without consuming it: true,
 * or false if it has none. Overwritten events are skipped and counted. */
static bool peek(struct trace_cursor *c, unsigned int cpu,
		 struct trace_event *e, uint64_t *lost)
{
	struct trace_ring *r = &rings[cpu];

	for (;;) {
		uint64_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
		uint64_t skip = 0;

		if (c->next[cpu] >= head)
			return false;
		if (head - c->next[cpu] > TRACE_RING_EVENTS)
			skip = head - TRACE_RING_EVENTS - c->next[cpu];
		else if (copy_slot(r, c->next[cpu], e))
			return true;
		else
			skip = 1; /* overwritten while we looked */
		c->next[cpu] += skip;
		*lost += skip;
		__atomic_fetch_add(&r->lost, skip, __ATOMIC_RELAXED);
	}
}

bool trace_read(struct trace_cursor *c, struct trace_event *e, uint64_t *lost)
{
	struct trace_event candidate;
	int best = -1;

	for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++) {
		if (!peek(c, cpu, &candidate, lost))
			continue;
		if (best < 0 || candidate.time_ns < e->time_ns) {
			*e = candidate;
			best = (int)cpu;
		}
	}
	if (best < 0)
		return false;
	c->next[best]++;
	return true;
}

void trace_ring_stats(unsigned int cpu, uint64_t *written, uint64_t *lost)
{
	*written = __atomic_load_n(&rings[cpu].head, __ATOMIC_RELAXED);
	*lost = __atomic_load_n(&rings[cpu].lost, __ATOMIC_RELAXED);
}

/* Does pattern ("*" or a name) match name? */
static bool matches(const char *pattern, size_t len, const char *name)
{
	return (len == 1 && pattern[0] == '*') ||
	       (strlen(name) == len && strncmp(pattern, name, len) == 0);
}

int trace_set_event(const char *spec, bool enable)
{
	const char *colon = strchr(spec, ':');
	int n = 0;

	if (!colon || !colon[1] || colon == spec)
		return -EINVAL;
	for (unsigned int i = 0; i < TP_COUNT; i++) {
		struct tracepoint *tp = &trace_points[i];

		if (!matches(spec, (size_t)(colon - spec), tp->system) ||
		    !matches(colon + 1, strlen(colon + 1), tp->name))
			continue;
		__atomic_store_n(&tp->enabled, enable, __ATOMIC_RELAXED);
		n++;
	}
	return n ? n : -EINVAL;
}

size_t trace_format(const struct trace_event *e, char *out, size_t size)
{
	const struct tracepoint *tp = &trace_points[e->id];
	size_t len;

	len = (size_t)ksnprintf(out, size, "%d [%03u] %lu.%09lu: %s:%s", e->pid,
				e->cpu, e->time_ns / NS_PER_SEC,
				e->time_ns % NS_PER_SEC, tp->system, tp->name);
	for (unsigned int i = 0; i < TRACE_FIELDS && tp->fields[i].name; i++) {
		const struct trace_field *f = &tp->fields[i];
		uint64_t v = e->field[i];

		if (len >= size)
			break;
		if (f->format == TRACE_HEX)
			len += (size_t)ksnprintf(out + len, size - len,
						 " %s=%#lx", f->name, v);
		else if (f->format == TRACE_NAME)
			len += (size_t)ksnprintf(out + len, size - len,
						 " %s=%.8s", f->name,
						 (const char *)&v);
		else if (f->format == TRACE_ENUM && v < f->nnames)
			len += (size_t)ksnprintf(out + len, size - len,
						 " %s=%s", f->name,
						 f->names[v]);
		else
			len += (size_t)ksnprintf(out + len, size - len,
						 " %s=%ld", f->name,
						 (int64_t)v);
	}
	if (len + 1 < size) {
		out[len++] = '\n';
		out[len] = '\0';
	}
	return MIN(len, size - 1);
}
