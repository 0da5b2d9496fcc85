/*
 * The files of /proc about the whole system, in Linux's formats
 * (proc(5)): meminfo from the frame allocator, the buffer cache and the
 * kernel heap; uptime from the TSC clock; mounts from the mount table;
 * version from utsname; cpuinfo from CPUID; interrupts from each CPU's
 * interrupt counters; loadavg and stat from the scheduler's and the
 * process table's counters; ring from the ring devices' statistics.
 * Figures Kestrel does not keep (swap, load averages) are 0; idle time
 * is what no process used. docs/procfs.md.
 */
#include "fs/procfs/internal.h"
#include "arch/x86_64/memlayout.h"
#include "drivers/ring.h"
#include "block/bcache.h"
#include "mm/pagecache.h"
#include "mm/mm.h"
#include "utsname.h"

#define NS_PER_TICK (NS_PER_SEC / PROCFS_HZ)
#define KB_PER_PAGE (PAGE_SIZE / 1024)

/* ---- meminfo ------------------------------------------------------------- */

/* One line as Linux prints it: the name and colon in 16 columns, the
 * figure in 8, " kB". */
static void meminfo_line(struct pbuf *b, const char *name, uint64_t kb)
{
	char label[24];

	ksnprintf(label, sizeof(label), "%s:", name);
	pbuf_printf(b, "%-16s%8llu kB\n", label, (unsigned long long)kb);
}

int procfs_meminfo(struct pbuf *b)
{
	struct frame_stats frames;
	struct bcache_stats bcache;
	struct kmalloc_stats heap;
	uint64_t free_kb, buffers_kb;

	frames_get_stats(&frames);
	bcache_get_stats(&bcache);
	kmalloc_get_stats(&heap);
	free_kb = frames.free * KB_PER_PAGE;
	buffers_kb = bcache.bytes / 1024;
	meminfo_line(b, "MemTotal", frames.managed * KB_PER_PAGE);
	meminfo_line(b, "MemFree", free_kb);
	/* What could be had without swapping: the free frames (the buffer
	 * cache's blocks live in the kernel heap and are not given back). */
	meminfo_line(b, "MemAvailable", free_kb);
	meminfo_line(b, "Buffers", buffers_kb);
	meminfo_line(b, "Cached", pagecache_pages() * KB_PER_PAGE);
	meminfo_line(b, "SwapCached", 0);
	meminfo_line(b, "SwapTotal", 0);
	meminfo_line(b, "SwapFree", 0);
	meminfo_line(b, "Slab", heap.slab_frames * KB_PER_PAGE);
	/* The empty page each size class keeps for its next object is
	 * what kmalloc_trim would give back; the rest holds objects. */
	meminfo_line(b, "SReclaimable", heap.empty_frames * KB_PER_PAGE);
	meminfo_line(b, "SUnreclaim",
		     (heap.slab_frames - heap.empty_frames) * KB_PER_PAGE);
	return 0;
}

/* ---- uptime, loadavg, stat ----------------------------------------------- */

struct cpu_times {
	uint64_t user_ns, system_ns;
};

/* Every process alive or not yet reaped, with the children it reaped
 * (whose own reaped children are in theirs): all the CPU time user
 * processes have had. Runs under proc_lock. */
static void add_times(struct proc *p, void *arg)
{
	struct cpu_times *t = arg;

	t->user_ns +=
		__atomic_load_n(&p->utime_ns, __ATOMIC_RELAXED) + p->cutime_ns;
	t->system_ns +=
		__atomic_load_n(&p->stime_ns, __ATOMIC_RELAXED) + p->cstime_ns;
}

/* The time no process ran (one CPU runs). */
static uint64_t idle_ns(uint64_t up_ns, const struct cpu_times *t)
{
	uint64_t busy = t->user_ns + t->system_ns;

	return up_ns > busy ? up_ns - busy : 0;
}

/* "up.hundredths idle.hundredths" in seconds. */
int procfs_uptime(struct pbuf *b)
{
	struct cpu_times t = { 0, 0 };
	uint64_t up, idle;

	proc_for_each(add_times, &t);
	up = time_ns();
	idle = idle_ns(up, &t);
	pbuf_printf(b, "%llu.%02llu %llu.%02llu\n",
		    (unsigned long long)(up / NS_PER_SEC),
		    (unsigned long long)(up % NS_PER_SEC / NS_PER_TICK),
		    (unsigned long long)(idle / NS_PER_SEC),
		    (unsigned long long)(idle % NS_PER_SEC / NS_PER_TICK));
	return 0;
}

/* Tasks running or waiting to run: the reader is one of them. */
static unsigned int running(const struct sched_stats *st)
{
	return MAX(st->runnable, 1U);
}

/* The last pid made is not kept; the largest pid alive stands in. */
static void largest_pid(struct proc *p, void *arg)
{
	int *max = arg;

	if (p->pid > *max)
		*max = p->pid;
}

/* The 1, 5 and 15 minute load averages (sched/loadavg.c) with two
 * decimals; then running or runnable / all tasks, and a recent pid, as
 * Linux. */
int procfs_loadavg(struct pbuf *b)
{
	struct sched_stats st;
	int pid = 0;

	sched_get_stats(&st);
	proc_for_each(largest_pid, &pid);
	for (int i = 0; i < 3; i++) {
		/* Rounded to the nearest hundredth, as Linux prints it. */
		unsigned long l = st.load[i] + LOAD_FIXED_1 / 200;

		pbuf_printf(b, "%lu.%02lu ", l >> LOAD_FSHIFT,
			    (l & (LOAD_FIXED_1 - 1)) * 100 >> LOAD_FSHIFT);
	}
	pbuf_printf(b, "%u/%u %d\n", running(&st), st.tasks, pid);
	return 0;
}

/* The "cpu" line (user nice system idle iowait irq softirq steal guest
 * guest_nice, in ticks), then the counters. */
int procfs_stat(struct pbuf *b)
{
	struct cpu_times t = { 0, 0 };
	struct proc_counts counts;
	struct sched_stats st;
	uint64_t up, idle;

	proc_for_each(add_times, &t);
	proc_get_counts(&counts);
	sched_get_stats(&st);
	up = time_ns();
	idle = idle_ns(up, &t);
	pbuf_printf(b, "cpu  %llu 0 %llu %llu 0 0 0 0 0 0\n",
		    (unsigned long long)(t.user_ns / NS_PER_TICK),
		    (unsigned long long)(t.system_ns / NS_PER_TICK),
		    (unsigned long long)(idle / NS_PER_TICK));
	pbuf_printf(b, "cpu0 %llu 0 %llu %llu 0 0 0 0 0 0\n",
		    (unsigned long long)(t.user_ns / NS_PER_TICK),
		    (unsigned long long)(t.system_ns / NS_PER_TICK),
		    (unsigned long long)(idle / NS_PER_TICK));
	pbuf_printf(
		b, "ctxt %llu\nbtime %llu\nprocesses %llu\n",
		(unsigned long long)st.switches,
		(unsigned long long)((time_realtime_ns() - up) / NS_PER_SEC),
		(unsigned long long)counts.forks);
	pbuf_printf(b, "procs_running %u\nprocs_blocked 0\n", running(&st));
	return 0;
}

/* ---- mounts -------------------------------------------------------------- */

/* A path or name with space, tab, newline and backslash as Linux writes
 * them in /proc/mounts: \040, \011, \012, \134. */
static void put_escaped(struct pbuf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
			pbuf_printf(b, "\\%03o", (unsigned char)*s);
		else
			pbuf_write(b, s, 1);
	}
}

/* Under the mount table's spinlock: only the buffer is touched. */
static void mount_line(const struct vfs_mount_info *m, void *arg)
{
	struct pbuf *b = arg;

	put_escaped(b, m->source);
	pbuf_write(b, " ", 1);
	put_escaped(b, m->target);
	pbuf_printf(b, " %s %s%s%s%s 0 0\n", m->type,
		    m->read_only ? "ro" : "rw",
		    m->mnt_flags & MNT_NOSUID ? ",nosuid" : "",
		    m->mnt_flags & MNT_NODEV ? ",nodev" : "",
		    m->mnt_flags & MNT_NOEXEC ? ",noexec" : "");
}

/* "source target type options 0 0", one line per mount, oldest first. */
int procfs_mounts(struct pbuf *b)
{
	vfs_for_each_mount(mount_line, b);
	return 0;
}

/* ---- version and cpuinfo ------------------------------------------------- */

/* Linux's /proc/cmdline: the kernel's command line (GRUB's and QEMU's
 * fw_cfg words together) and a newline. init reads it for "login". */
int procfs_cmdline(struct pbuf *b)
{
	pbuf_printf(b, "%s\n", cmdline_get());
	return 0;
}

/* Linux's /proc/filesystems: a line per type, "nodev" first for those
 * that mount no block device, then a tab and the name. */
int procfs_filesystems(struct pbuf *b)
{
	struct file_system_type *types[16];
	unsigned int n = vfs_fs_types(types, 16);

	for (unsigned int i = 0; i < n; i++)
		pbuf_printf(b, "%s\t%s\n",
			    types[i]->requires_device ? "" : "nodev",
			    types[i]->name);
	return 0;
}

int procfs_version(struct pbuf *b)
{
	struct utsname u;

	utsname_get(&u);
	pbuf_printf(b, "%s version %s (kestrel@kestrel) (gcc %s) %s\n",
		    u.sysname, u.release, __VERSION__, u.version);
	return 0;
}

/* CPUID leaf 1's feature bits that Linux's "flags" line names (Intel SDM
 * vol. 2A, CPUID, tables 3-10 and 3-11), edx then ecx. */
struct cpu_flag {
	uint8_t reg; /* 3 edx, 2 ecx (cpuid's r[] index) */
	uint8_t bit;
	const char *name;
};

static const struct cpu_flag cpu_flags[] = {
	{ 3, 0, "fpu" },         { 3, 4, "tsc" },      { 3, 5, "msr" },
	{ 3, 6, "pae" },         { 3, 8, "cx8" },      { 3, 9, "apic" },
	{ 3, 11, "sep" },        { 3, 13, "pge" },     { 3, 15, "cmov" },
	{ 3, 16, "pat" },        { 3, 19, "clflush" }, { 3, 23, "mmx" },
	{ 3, 24, "fxsr" },       { 3, 25, "sse" },     { 3, 26, "sse2" },
	{ 2, 0, "pni" },         { 2, 9, "ssse3" },    { 2, 13, "cx16" },
	{ 2, 19, "sse4_1" },     { 2, 20, "sse4_2" },  { 2, 21, "x2apic" },
	{ 2, 23, "popcnt" },     { 2, 26, "xsave" },   { 2, 28, "avx" },
	{ 2, 31, "hypervisor" },
};

/* One row of /proc/interrupts: a label, then a count per CPU. */
static void interrupts_row(struct pbuf *b, const char *label,
			   const uint64_t *counts, size_t stride)
{
	pbuf_printf(b, "%3s:", label);
	for (unsigned int c = 0; c < ncpus_running; c++)
		pbuf_printf(b, " %10llu",
			    (unsigned long long)__atomic_load_n(
				    (const uint64_t *)((const char *)counts +
						       c * stride),
				    __ATOMIC_RELAXED));
}

/* Linux's layout: a column per CPU; a row per device line (ISA 0-15
 * through the I/O APIC; the handlers by their functions' names), then the
 * local APIC timer, the two IPIs, and the spurious ones of all CPUs. */
int procfs_interrupts(struct pbuf *b)
{
	char names[96], label[4], cpu[8];

	pbuf_printf(b, "    ");
	for (unsigned int c = 0; c < ncpus_running; c++) {
		ksnprintf(cpu, sizeof(cpu), "CPU%u", c);
		pbuf_printf(b, " %10s", cpu);
	}
	pbuf_printf(b, "\n");
	for (unsigned int irq = 0; irq < ARRAY_SIZE(cpus[0].irqs); irq++) {
		bool pci = irq_line_info(irq, names, sizeof(names));

		if (!names[0])
			continue;
		ksnprintf(label, sizeof(label), "%u", irq);
		interrupts_row(b, label, &cpus[0].irqs[irq], sizeof(cpus[0]));
		pbuf_printf(b, "  IO-APIC %3u-%-8s %s\n", irq,
			    pci ? "fasteoi" : "edge", names);
	}
	interrupts_row(b, "LOC", &cpus[0].ticks, sizeof(cpus[0]));
	pbuf_printf(b, "  Local timer interrupts\n");
	interrupts_row(b, "RES", &cpus[0].resched_ipis, sizeof(cpus[0]));
	pbuf_printf(b, "  Rescheduling interrupts\n");
	interrupts_row(b, "TLB", &cpus[0].tlb_ipis, sizeof(cpus[0]));
	pbuf_printf(b, "  TLB shootdowns\n");
	pbuf_printf(b, "SPU: %10llu  Spurious interrupts (all CPUs)\n",
		    (unsigned long long)__atomic_load_n(&spurious_count,
							__ATOMIC_RELAXED));
	return 0;
}

/* One block per running CPU; QEMU's CPUs are all alike, so CPUID is read
 * on this one. */
int procfs_cpuinfo(struct pbuf *b)
{
	uint32_t vendor[4] = { 0 }, r[4];
	unsigned int family, model;
	char name[64];

	cpuid(0, 0, r);
	vendor[0] = r[1];
	vendor[1] = r[3];
	vendor[2] = r[2];
	cpuid(1, 0, r);
	family = (r[0] >> 8) & 0xf;
	model = (r[0] >> 4) & 0xf;
	if (family == 0xf)
		family += (r[0] >> 20) & 0xff;
	if (family == 0x6 || family >= 0xf)
		model |= ((r[0] >> 16) & 0xf) << 4;
	cpu_model(name, sizeof(name));
	for (unsigned int c = 0; c < ncpus_running; c++) {
		pbuf_printf(b, "processor\t: %u\nvendor_id\t: %s\n", c,
			    (char *)vendor);
		pbuf_printf(b,
			    "cpu family\t: %u\nmodel\t\t: %u\nmodel name\t: "
			    "%s\n",
			    family, model, name);
		pbuf_printf(b, "stepping\t: %u\n", r[0] & 0xf);
		pbuf_printf(b,
			    "physical id\t: 0\nsiblings\t: %u\ncore id\t\t: "
			    "%u\ncpu cores\t: %u\napicid\t\t: %u\nfpu\t\t: "
			    "yes\n",
			    ncpus_running, c, ncpus_running, cpus[c].apic_id);
		pbuf_printf(b, "flags\t\t:");
		for (size_t i = 0; i < ARRAY_SIZE(cpu_flags); i++)
			if (r[cpu_flags[i].reg] & (1U << cpu_flags[i].bit))
				pbuf_printf(b, " %s", cpu_flags[i].name);
		pbuf_printf(b, "\n\n");
	}
	return 0;
}

/* ---- ring (Kestrel's own: the ring device, docs/drivers.md) -------------- */

/* A header naming struct ring_stats's fields, then a line per ring. */
int procfs_ring(struct pbuf *b)
{
	struct ring_stats st;

	pbuf_printf(b, "device capacity stored bytes_written bytes_read writes"
		       " reads write_waits write_refusals high_water readers"
		       " writers\n");
	for (unsigned int i = 0; ring_get_stats(i, &st) == 0; i++)
		pbuf_printf(b,
			    "ring%u %llu %llu %llu %llu %llu %llu %llu %llu"
			    " %llu %u %u\n",
			    i, (unsigned long long)st.capacity,
			    (unsigned long long)st.stored,
			    (unsigned long long)st.bytes_written,
			    (unsigned long long)st.bytes_read,
			    (unsigned long long)st.writes,
			    (unsigned long long)st.reads,
			    (unsigned long long)st.write_waits,
			    (unsigned long long)st.write_refusals,
			    (unsigned long long)st.high_water, st.readers,
			    st.writers);
	return 0;
}
