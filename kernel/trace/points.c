/*
 * The tracepoints: for each, its system and name (as /dev/trace and
 * /proc/trace_events spell them, "mm:page_fault") and its fields in
 * the order trace_emit takes them. Add one here, in trace.h's enum and
 * as an inline trace_<name> there; docs/tracing.md lists them all.
 */
#include "trace/trace.h"

static const char *const fault_kinds[] = {
	[FAULT_DEMAND_ZERO] = "demand-zero",
	[FAULT_STACK_GROW] = "stack-grow",
	[FAULT_FILE_MINOR] = "file-minor",
	[FAULT_FILE_MAJOR] = "file-major",
	[FAULT_COW] = "cow",
	[FAULT_WRITE_REUSE] = "write-reuse",
	[FAULT_PROTECTION] = "protection",
	[FAULT_NO_AREA] = "no-area",
	[FAULT_SPURIOUS] = "spurious",
};

static const char *const fault_regions[] = {
	[REGION_TEXT] = "text", [REGION_DATA] = "data",
	[REGION_HEAP] = "heap", [REGION_STACK] = "stack",
	[REGION_FILE] = "file", [REGION_ANON] = "anon",
	[REGION_NONE] = "none",
};

static const char *const sched_prev_states[] = { "S", "R" };

static const char *const block_rw[] = { "read", "write" };

static const char *const net_protocols[] = {
	[NET_PROTO_OTHER] = "other", [NET_PROTO_ARP] = "arp",
	[NET_PROTO_IPV4] = "ipv4",   [NET_PROTO_ICMP] = "icmp",
	[NET_PROTO_TCP] = "tcp",     [NET_PROTO_UDP] = "udp",
};

#define FIELD(n, f)                    \
	{                              \
		.name = n, .format = f \
	}
#define ENUM_FIELD(n, table)                                     \
	{                                                        \
		.name = n, .format = TRACE_ENUM, .names = table, \
		.nnames = ARRAY_SIZE(table)                      \
	}

struct tracepoint trace_points[TP_COUNT] = {
	[TP_MM_PAGE_FAULT] = {
		"mm", "page_fault",
		{ FIELD("addr", TRACE_HEX), FIELD("ip", TRACE_HEX),
		  ENUM_FIELD("kind", fault_kinds),
		  FIELD("result", TRACE_DEC),
		  ENUM_FIELD("region", fault_regions) },
	},
	[TP_IRQ_ENTRY] = {
		"irq", "irq_entry",
		{ FIELD("vector", TRACE_DEC), FIELD("irq", TRACE_DEC),
		  FIELD("delay_ns", TRACE_DEC) },
	},
	[TP_IRQ_EXIT] = {
		"irq", "irq_exit",
		{ FIELD("vector", TRACE_DEC), FIELD("irq", TRACE_DEC) },
	},
	[TP_SYS_ENTER] = {
		"raw_syscalls", "sys_enter",
		{ FIELD("nr", TRACE_DEC), FIELD("arg0", TRACE_HEX),
		  FIELD("arg1", TRACE_HEX), FIELD("arg2", TRACE_HEX) },
	},
	[TP_SYS_EXIT] = {
		"raw_syscalls", "sys_exit",
		{ FIELD("nr", TRACE_DEC), FIELD("ret", TRACE_DEC) },
	},
	[TP_SCHED_SWITCH] = {
		"sched", "sched_switch",
		{ FIELD("prev_pid", TRACE_DEC), FIELD("next_pid", TRACE_DEC),
		  ENUM_FIELD("prev_state", sched_prev_states) },
	},
	[TP_SCHED_WAKEUP] = {
		"sched", "sched_wakeup",
		{ FIELD("pid", TRACE_DEC), FIELD("target_cpu", TRACE_DEC) },
	},
	[TP_PROCESS_FORK] = {
		"sched", "sched_process_fork",
		{ FIELD("parent_pid", TRACE_DEC),
		  FIELD("child_pid", TRACE_DEC) },
	},
	[TP_BLOCK_RQ_ISSUE] = {
		"block", "block_rq_issue",
		{ FIELD("dev", TRACE_NAME), FIELD("sector", TRACE_DEC),
		  FIELD("bytes", TRACE_DEC), ENUM_FIELD("rw", block_rw) },
	},
	[TP_BLOCK_RQ_COMPLETE] = {
		"block", "block_rq_complete",
		{ FIELD("dev", TRACE_NAME), FIELD("sector", TRACE_DEC),
		  FIELD("bytes", TRACE_DEC), FIELD("error", TRACE_DEC),
		  FIELD("latency_ns", TRACE_DEC) },
	},
	[TP_NET_RX] = {
		"net", "net_rx",
		{ FIELD("dev", TRACE_NAME), FIELD("len", TRACE_DEC),
		  ENUM_FIELD("protocol", net_protocols) },
	},
	[TP_NET_TX] = {
		"net", "net_tx",
		{ FIELD("dev", TRACE_NAME), FIELD("len", TRACE_DEC),
		  ENUM_FIELD("protocol", net_protocols) },
	},
};
