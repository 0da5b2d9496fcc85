/*
 * Tracing: static tracepoints that, when enabled, write a fixed-size
 * binary event (a nanosecond time stamp, the CPU, the pid and up to five
 * typed 64-bit fields) into a per-CPU ring buffer; readers copy events
 * out without ever holding up a writer. A tracepoint that is off costs
 * one load and one branch the CPU predicts as not taken.
 *
 *   if (trace_on(TP_MM_PAGE_FAULT))          <- the whole cost when off
 *           trace_emit(TP_MM_PAGE_FAULT, addr, ip, kind, result, region);
 *
 * Each tracepoint is declared here (its id and an inline trace_<name>
 * that callers use) and described in points.c (system, name, fields).
 * User space turns them on and reads events through /dev/trace and
 * /proc/trace_events (dev.c). docs/tracing.md has the picture.
 */
#ifndef KESTREL_TRACE_H
#define KESTREL_TRACE_H

#include "arch/x86_64/arch.h"
#include "lib/lib.h"

#define TRACE_FIELDS 5

/* How a field reads as text. */
enum trace_field_format {
	TRACE_DEC,  /* signed decimal */
	TRACE_HEX,  /* 0x... */
	TRACE_ENUM, /* a name from the field's names[] */
	TRACE_NAME, /* up to 8 characters packed by trace_name() */
};

struct trace_field {
	const char *name; /* NULL: the event has no more fields */
	enum trace_field_format format;
	const char *const *names; /* TRACE_ENUM: names[value] */
	unsigned int nnames;
};

/* A static tracepoint: constant but for enabled. */
struct tracepoint {
	const char *system, *name; /* "mm", "page_fault" */
	struct trace_field fields[TRACE_FIELDS];
	bool enabled; /* atomic; set through /dev/trace */
};

/* The tracepoints, indexes into trace_points[] (points.c). */
enum trace_point_id {
	TP_MM_PAGE_FAULT,
	TP_IRQ_ENTRY,
	TP_IRQ_EXIT,
	TP_SYS_ENTER,
	TP_SYS_EXIT,
	TP_SCHED_SWITCH,
	TP_SCHED_WAKEUP,
	TP_PROCESS_FORK,
	TP_BLOCK_RQ_ISSUE,
	TP_BLOCK_RQ_COMPLETE,
	TP_NET_RX,
	TP_NET_TX,
	TP_COUNT
};

extern struct tracepoint trace_points[TP_COUNT];

/*
 * One event in a ring: 64 bytes, a cache line. seq numbers the CPU's
 * events from 1; it is 0 while the writer fills the slot, so a reader
 * that sees the same seq before and after its copy has a whole event.
 */
struct trace_event {
	uint64_t seq;
	uint64_t time_ns;
	uint16_t id; /* enum trace_point_id */
	uint16_t cpu;
	int32_t pid; /* the running process's, 0 for none */
	uint64_t field[TRACE_FIELDS];
};

/* Built with TRACE=off (make bench's baseline), every tracepoint is
 * compiled out: the test is a constant and the call goes with it. */
static inline bool trace_on(enum trace_point_id id)
{
#ifdef TRACE_COMPILED_OUT
	(void)id;
	return false;
#else
	return __builtin_expect(__atomic_load_n(&trace_points[id].enabled,
						__ATOMIC_RELAXED),
				0);
#endif
}

/* Write one event into this CPU's ring. Never blocks, never sleeps,
 * takes no lock: callable from any context, interrupt handlers and the
 * scheduler included. The oldest event is overwritten when full. */
void trace_emit(enum trace_point_id id, uint64_t f0, uint64_t f1, uint64_t f2,
		uint64_t f3, uint64_t f4);

/* Boot: register /dev/trace (dev.c). */
void trace_init(void);

/* ---- reading (ring.c) -------------------------------------------------- */

/* A reader's place in every CPU's ring (one per open /dev/trace). */
struct trace_cursor {
	uint64_t next[MAX_CPUS]; /* the seq - 1 of the next to read */
};

/* Start c at the newest event of every ring: it reads what comes next. */
void trace_cursor_init(struct trace_cursor *c);
/* The oldest unread event (the earliest time stamp across CPUs) into *e:
 * true, or false if there is none. Events overwritten before c read
 * them are added to *lost (and to the ring's lost count). */
bool trace_read(struct trace_cursor *c, struct trace_event *e, uint64_t *lost);
/* A ring's figures for /proc/trace_stat. */
void trace_ring_stats(unsigned int cpu, uint64_t *written, uint64_t *lost);
/* Enable or disable "system:name" ("*" matches any system or name):
 * the number of tracepoints changed state or matched, or -EINVAL. */
int trace_set_event(const char *spec, bool enable);
/* The text of e, "pid [cpu] sec.ns: system:name f=v ...\n", into out
 * (size bytes, NUL-terminated): its length. */
size_t trace_format(const struct trace_event *e, char *out, size_t size);

/* ---- the tracepoints ---------------------------------------------------- */

/* mm:page_fault's kind and region fields (points.c names them). */
enum trace_fault_kind {
	FAULT_DEMAND_ZERO, /* a fresh zeroed page */
	FAULT_STACK_GROW,  /* the stack grew down to a new zeroed page */
	FAULT_FILE_MINOR,  /* a file page already in the page cache */
	FAULT_FILE_MAJOR,  /* a file page read from the disk */
	FAULT_COW,         /* a private shared page copied on write */
	FAULT_WRITE_REUSE, /* a write to a page only we hold: made writable */
	FAULT_PROTECTION,  /* the area forbids the access (SIGSEGV) */
	FAULT_NO_AREA,     /* no area at the address (SIGSEGV) */
	FAULT_SPURIOUS,    /* already resolved (a stale TLB entry) */
};

enum trace_fault_region {
	REGION_TEXT,  /* the program's executable segments */
	REGION_DATA,  /* its other segments and bss */
	REGION_HEAP,  /* brk */
	REGION_STACK, /* the main stack */
	REGION_FILE,  /* a mapped file */
	REGION_ANON,  /* anonymous mmap */
	REGION_NONE,  /* no area */
};

static inline void trace_page_fault(uint64_t addr, uint64_t ip,
				    enum trace_fault_kind kind, int result,
				    enum trace_fault_region region)
{
	if (trace_on(TP_MM_PAGE_FAULT))
		trace_emit(TP_MM_PAGE_FAULT, addr, ip, kind,
			   (uint64_t)(int64_t)result, region);
}

/* irq: line is the IRQ line (0..15), or -1 for a CPU-local vector.
 * irq_entry's delay_ns is the time from the interrupt's raise to here
 * where the hardware tells it (the timer), -1 where it does not. */
static inline void trace_irq_entry(uint64_t vector, int line)
{
	if (trace_on(TP_IRQ_ENTRY))
		trace_emit(TP_IRQ_ENTRY, vector, (uint64_t)(int64_t)line,
			   (uint64_t)irq_arrival_delay_ns(vector), 0, 0);
}

static inline void trace_irq_exit(uint64_t vector, int line)
{
	if (trace_on(TP_IRQ_EXIT))
		trace_emit(TP_IRQ_EXIT, vector, (uint64_t)(int64_t)line, 0, 0,
			   0);
}

static inline void trace_sys_enter(uint64_t nr, uint64_t a0, uint64_t a1,
				   uint64_t a2)
{
	if (trace_on(TP_SYS_ENTER))
		trace_emit(TP_SYS_ENTER, nr, a0, a1, a2, 0);
}

static inline void trace_sys_exit(uint64_t nr, int64_t ret)
{
	if (trace_on(TP_SYS_EXIT))
		trace_emit(TP_SYS_EXIT, nr, (uint64_t)ret, 0, 0, 0);
}

/* sched_switch's prev_state: R if prev stays runnable (preempted or
 * yielding: it waits on a run queue), S if it sleeps or exits. */
static inline void trace_sched_switch(int prev_pid, int next_pid,
				      bool prev_runnable)
{
	if (trace_on(TP_SCHED_SWITCH))
		trace_emit(TP_SCHED_SWITCH, (uint64_t)(int64_t)prev_pid,
			   (uint64_t)(int64_t)next_pid, prev_runnable, 0, 0);
}

static inline void trace_sched_wakeup(int pid, unsigned int target_cpu)
{
	if (trace_on(TP_SCHED_WAKEUP))
		trace_emit(TP_SCHED_WAKEUP, (uint64_t)(int64_t)pid, target_cpu,
			   0, 0, 0);
}

static inline void trace_process_fork(int parent_pid, int child_pid)
{
	if (trace_on(TP_PROCESS_FORK))
		trace_emit(TP_PROCESS_FORK, (uint64_t)(int64_t)parent_pid,
			   (uint64_t)(int64_t)child_pid, 0, 0, 0);
}

/* A device's name ("vda", "eth0") as a field: its first 8 characters,
 * the first in the low byte. */
static inline uint64_t trace_name(const char *name)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < 8 && name[i]; i++)
		v |= (uint64_t)(uint8_t)name[i] << (8 * i);
	return v;
}

/* block: a request handed to the driver, and its completion; bytes is
 * sectors * 512, latency_ns the time since its issue (-1 if
 * block_rq_complete was off then). */
static inline void trace_block_rq_issue(const char *dev, uint64_t sector,
					uint64_t bytes, bool write)
{
	if (trace_on(TP_BLOCK_RQ_ISSUE))
		trace_emit(TP_BLOCK_RQ_ISSUE, trace_name(dev), sector, bytes,
			   write, 0);
}

static inline void trace_block_rq_complete(const char *dev, uint64_t sector,
					   uint64_t bytes, int error,
					   int64_t latency_ns)
{
	if (trace_on(TP_BLOCK_RQ_COMPLETE))
		trace_emit(TP_BLOCK_RQ_COMPLETE, trace_name(dev), sector, bytes,
			   (uint64_t)(int64_t)error, (uint64_t)latency_ns);
}

/* net:net_rx, net:net_tx: a frame in from the driver or out to it
 * (loopback's too); len counts the Ethernet header. The network code
 * works out protocol only when the tracepoint is on. */
enum trace_net_protocol {
	NET_PROTO_OTHER,
	NET_PROTO_ARP,
	NET_PROTO_IPV4, /* an IPv4 protocol not named below */
	NET_PROTO_ICMP,
	NET_PROTO_TCP,
	NET_PROTO_UDP,
};

#endif
