/*
 * Several CPUs. The boot CPU (BSP) starts each application processor
 * (AP) the ACPI MADT lists, one at a time, with the INIT-SIPI-SIPI
 * sequence (Intel SDM vol. 3A, 8.4.4.1): the AP starts in real mode in
 * trampoline.S, climbs to long mode there and enters ap_main below on the
 * stack of its own idle task, sets up its GDT, TSS, %gs, system call
 * MSRs and local APIC timer, says it is online and becomes its idle task.
 *
 * Afterwards the CPUs talk through inter-processor interrupts (IPIs):
 *   - VEC_IPI_RESCHED: "look at the run queue" (a wakeup made work for a
 *     halted CPU) or "look at your signals" (one came for the task that
 *     runs there in user mode); the interrupt itself is the message.
 *   - VEC_IPI_TLB: a TLB shootdown; page-table entries changed that
 *     this CPU may still hold translations for.
 *   - NMI: panic stops the others.
 * docs/smp.md has the pictures.
 */
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/cpu.h"
#include "mm/mm.h"
#include "sched/sched.h"

/* The SIPI's vector is the page number the AP starts at. */
#define SIPI_VECTOR (TRAMPOLINE_PHYS >> PAGE_SHIFT)
/* Waits of the start-up sequence (SDM vol. 3A, 8.4.4.1; the MP spec's
 * B.4): 10 ms after INIT, 200 us after each SIPI. */
#define INIT_DELAY_US 10000
#define SIPI_DELAY_US 200
/* How long an AP may take to say it is online; TCG is slow. */
#define AP_ONLINE_TIMEOUT_US 2000000
/* Shootdowns of more pages than this reload the whole TLB instead. */
#define TLB_FLUSH_PAGES_MAX 32
#define CR4_PGE (1UL << 7)

/* What trampoline.S reads at trampoline_params, in its order. */
struct trampoline_params {
	uint64_t boot_cr3;   /* boot.S's page tables (identity-map 4 GiB) */
	uint64_t kernel_cr3; /* kernel_space */
	uint64_t stack;      /* the AP's idle task's stack top */
};

extern char trampoline_start[], trampoline_end[];
extern struct trampoline_params trampoline_params;
extern char boot_pml4[];

unsigned int ncpus_running = 1;
uint32_t cpus_online = 1;

/* The AP being started; written by the BSP before the SIPIs, read by
 * the AP in ap_main. Only one AP starts at a time. */
static struct cpu *volatile starting;

/* Set once by the panicking CPU before its NMIs. */
static volatile bool stopping;

/*
 * The one TLB shootdown in flight. Its lock serializes initiators; the
 * initiator fills in the range, sets pending to the targets and sends each
 * an IPI; each target flushes and clears its bit; the initiator waits for
 * pending to reach 0.
 */
static struct {
	struct spinlock lock;
	uintptr_t start, end; /* the range (shootdown.lock) */
	uint32_t pending;     /* targets yet to flush (atomic) */
	uint64_t count;       /* shootdowns sent (shootdown.lock) */
} shootdown = { .lock = SPINLOCK_INIT("tlb shootdown") };

/* ---- starting the APs ------------------------------------------------- */

void ap_main(void);

/* The AP's first C code, on its idle task's stack, interrupts off. */
void ap_main(void)
{
	struct cpu *c = starting;

	cpu_init_ap(c);
	syscall_init();
	lapic_setup();
	lapic_timer_start(timer_hz);
	__atomic_fetch_or(&cpus_online, 1U << c->id, __ATOMIC_SEQ_CST);
	sched_run_idle();
}

static bool wait_online(unsigned int id)
{
	uint64_t end = time_ns() + AP_ONLINE_TIMEOUT_US * 1000ULL;

	while (time_ns() < end) {
		if (__atomic_load_n(&cpus_online, __ATOMIC_ACQUIRE) &
		    (1U << id))
			return true;
		cpu_relax();
	}
	return false;
}

/* Start the AP with this APIC ID as cpus[id]. */
static bool start_ap(unsigned int id, unsigned int apic_id)
{
	struct cpu *c = &cpus[id];
	struct trampoline_params *params =
		phys_to_virt(TRAMPOLINE_PHYS +
			     ((char *)&trampoline_params - trampoline_start));
	uint64_t stack;

	c->id = id;
	c->apic_id = apic_id;
	stack = sched_add_cpu(c);
	if (!stack) {
		kprintf("smp: no memory for CPU %u's idle task\n", id);
		return false;
	}
	params->boot_cr3 = virt_to_phys(boot_pml4);
	params->kernel_cr3 = kernel_space.pml4;
	params->stack = stack;
	starting = c;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	lapic_send_init(apic_id);
	delay_us(INIT_DELAY_US);
	for (int i = 0; i < 2; i++) {
		lapic_send_startup(apic_id, SIPI_VECTOR);
		delay_us(SIPI_DELAY_US);
		if (__atomic_load_n(&cpus_online, __ATOMIC_ACQUIRE) &
		    (1U << id))
			break;
	}
	return wait_online(id);
}

void smp_init(void)
{
	unsigned int max = cmdline_ulong("smp.max", MAX_CPUS);
	unsigned int self = this_cpu()->apic_id;

	if (cmdline_flag("nosmp"))
		max = 1;
	if (max < 1)
		max = 1;
	memcpy(phys_to_virt(TRAMPOLINE_PHYS), trampoline_start,
	       trampoline_end - trampoline_start);
	for (unsigned int i = 0; i < acpi.ncpus && ncpus_running < max; i++) {
		unsigned int apic_id = acpi.cpu_apic_ids[i];

		if (apic_id == self)
			continue;
		if (!start_ap(ncpus_running, apic_id)) {
			/* It may still wake later and use the trampoline
			 * page: start no more. */
			kprintf("smp: the CPU with APIC ID %u did not start; "
				"going on with %u\n",
				apic_id, ncpus_running);
			break;
		}
		ncpus_running++;
	}
}

/* ---- inter-processor interrupts ----------------------------------------- */

void smp_send_resched(unsigned int cpu)
{
	lapic_send_ipi(cpus[cpu].apic_id, VEC_IPI_RESCHED);
}

/* Drop the translations of [start, end) from this CPU's TLB. Kernel
 * pages are global (they survive CR3 loads): a large kernel range turns
 * CR4.PGE off and on, which drops everything. */
static void flush_local(uintptr_t start, uintptr_t end)
{
	uint64_t cr4;

	if ((end - start) / PAGE_SIZE <= TLB_FLUSH_PAGES_MAX) {
		for (uintptr_t va = start; va < end; va += PAGE_SIZE)
			invlpg(va);
	} else if (start >= USER_TOP) {
		asm volatile("mov %%cr4, %0" : "=r"(cr4));
		asm volatile("mov %0, %%cr4"
			     :
			     : "r"(cr4 & ~CR4_PGE)
			     : "memory");
		asm volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
	} else {
		write_cr3(read_cr3());
	}
}

void tlb_shootdown_poll(void)
{
	uint32_t bit;

	/* Interrupts off: a preemption between reading the CPU and
	 * flushing would flush one CPU and answer for another. */
	irq_push_off();
	bit = 1U << this_cpu()->id;
	if (__atomic_load_n(&shootdown.pending, __ATOMIC_ACQUIRE) & bit) {
		flush_local(shootdown.start, shootdown.end);
		__atomic_fetch_and(&shootdown.pending, ~bit, __ATOMIC_RELEASE);
	}
	irq_pop_off();
}

void tlb_shootdown(struct vm_space *vs, uintptr_t start, uintptr_t end)
{
	uint32_t me, targets;

	irq_push_off();
	me = 1U << this_cpu()->id;
	/* The entries were changed before this load of the mask: a CPU
	 * whose bit is not seen yet loads CR3 later and sees them. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vs == &kernel_space)
		targets = __atomic_load_n(&cpus_online, __ATOMIC_ACQUIRE);
	else
		targets = __atomic_load_n(&vs->active_cpus, __ATOMIC_ACQUIRE);
	if (targets & me)
		flush_local(start, end);
	targets &= ~me;
	if (targets) {
		spin_lock(&shootdown.lock);
		shootdown.start = start;
		shootdown.end = end;
		shootdown.count++;
		__atomic_store_n(&shootdown.pending, targets, __ATOMIC_RELEASE);
		for (unsigned int i = 0; i < ncpus_running; i++)
			if (targets & (1U << i))
				lapic_send_ipi(cpus[i].apic_id, VEC_IPI_TLB);
		while (__atomic_load_n(&shootdown.pending, __ATOMIC_ACQUIRE))
			cpu_relax();
		spin_unlock(&shootdown.lock);
	}
	irq_pop_off();
}

/* From trap(): one of the IPI vectors. */
void smp_ipi(unsigned int vector)
{
	__atomic_fetch_add(&this_cpu()->ipis, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(vector == VEC_IPI_TLB ? &this_cpu()->tlb_ipis
						 : &this_cpu()->resched_ipis,
			   1, __ATOMIC_RELAXED);
	if (vector == VEC_IPI_TLB)
		tlb_shootdown_poll();
	/* VEC_IPI_RESCHED needs nothing more: the idle loop looks at the
	 * run queue after any interrupt, and the way back to user mode at
	 * signals and need_resched. */
	lapic_eoi();
}

bool smp_stop_requested(void)
{
	return stopping;
}

void smp_stop_others(void)
{
	uint32_t me = 1U << this_cpu()->id;

	stopping = true;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < ncpus_running; i++)
		if ((cpus_online & (1U << i)) && !(me & (1U << i)))
			lapic_send_nmi(cpus[i].apic_id);
}
