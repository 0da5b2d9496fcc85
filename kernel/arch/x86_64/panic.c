/*
 * The fatal path: panic(), the register dump and backtrace it shares with
 * fatal traps, the symbol table behind function names in backtraces, and
 * power-off.
 *
 * The symbol table (.ksyms) is made from the kernel's own `nm` output by
 * tools/mksyms.sh and linked in by a second link (see the Makefile).
 */
#include "arch/x86_64/cpu.h"
#include "drivers/drivers.h"

struct ksym {
	uint64_t addr;
	uint64_t size;
	const char *name;
};

extern const struct ksym ksyms[];
extern const uint64_t ksyms_count;

#define BACKTRACE_MAX_FRAMES 24

/* Set by the first CPU to panic; any later panic (a fault inside the
 * report, or another CPU) just stops. */
static int panicking;

const char *ksym_lookup(uint64_t addr, uint64_t *offset, uint64_t *size)
{
	uint64_t lo = 0, hi = ksyms_count;

	/* Find the last symbol starting at or below addr. */
	while (lo < hi) {
		uint64_t mid = (lo + hi) / 2;

		if (ksyms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct ksym *s = &ksyms[lo - 1];
	if (addr - s->addr >= MAX(s->size, 1))
		return NULL;
	if (offset)
		*offset = addr - s->addr;
	if (size)
		*size = s->size;
	return s->name;
}

static void print_frame(uint64_t rip)
{
	uint64_t off, size;
	const char *name = ksym_lookup(rip, &off, &size);

	if (name)
		kprintf("  [<%016lx>] %s+0x%lx/0x%lx\n", rip, name, off, size);
	else
		kprintf("  [<%016lx>] ?\n", rip);
}

/* A run of identical frames (deep recursion) prints as one line and a
 * count. */
static void print_repeats(uint64_t rip, unsigned int repeats)
{
	if (repeats)
		kprintf("  ... %u more frame%s of %016lx\n", repeats,
			repeats == 1 ? "" : "s", rip);
}

void backtrace_print(uint64_t rip, uint64_t rbp)
{
	uint64_t last = rip;
	unsigned int repeats = 0;
	int n;

	print_frame(rip);
	/* Each frame is [saved rbp][return address]; the chain ends at
	 * rbp = 0 (boot.S clears it). Frames are read with copy_nofault so
	 * that a corrupt chain ends the trace instead of faulting. */
	for (n = 0; rbp && n < BACKTRACE_MAX_FRAMES; n++) {
		uint64_t frame[2];

		bool on_stack = rbp >= KERNEL_VMA ||
				(rbp >= KSTACK_AREA_BASE &&
				 rbp < KSTACK_AREA_BASE + KSTACK_AREA_SIZE);

		if (!IS_ALIGNED(rbp, 8) || !on_stack ||
		    copy_nofault(frame, (void *)rbp, sizeof(frame)) < 0) {
			kprintf("  (frame pointer %016lx is not on a kernel "
				"stack; trace ends)\n",
				rbp);
			return;
		}
		if (!frame[1])
			break;
		/* The return address points after the call; -1 keeps the
		 * lookup inside the calling function. */
		if (frame[1] - 1 == last) {
			repeats++;
			n--; /* a repeat does not use up the frame limit */
		} else {
			print_repeats(last, repeats);
			repeats = 0;
			last = frame[1] - 1;
			print_frame(last);
		}
		if (frame[0] && frame[0] <= rbp) {
			print_repeats(last, repeats);
			kprintf("  (frame pointer goes backwards; trace "
				"ends)\n");
			return;
		}
		rbp = frame[0];
	}
	print_repeats(last, repeats);
	if (rbp && n == BACKTRACE_MAX_FRAMES)
		kprintf("  ... (more frames not shown)\n");
}

void panic_begin(void)
{
	irq_disable();
	if (__atomic_fetch_add(&panicking, 1, __ATOMIC_SEQ_CST) != 0)
		halt_forever();
	smp_stop_others();
	console_break_lock();
}

__noreturn void panic_finish(void)
{
	char how[16];

	if (cmdline_option("panic", how, sizeof(how)) == 0 &&
	    strcmp(how, "poweroff") == 0) {
		kprintf("panic: powering off (panic=poweroff)\n");
		poweroff(POWEROFF_PANIC);
	}
	kprintf("panic: machine halted\n");
	halt_forever();
}

__noreturn void panic(const char *fmt, ...)
{
	struct trapframe tf;
	char msg[256];
	va_list ap;

	capture_registers(&tf);
	panic_begin();
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tf.vector = ~0UL; /* not a trap */
	trap_report(&tf, msg);
	panic_finish();
}
