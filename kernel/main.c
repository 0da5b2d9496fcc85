/*
 * kmain: the boot CPU's path from the boot stub (boot.S) to a running
 * kernel. Each step needs the ones before it; docs/boot.md explains the
 * order. At the end the kernel either runs the tests named on the command
 * line (ktest=...) and powers off, or starts init (/bin/init, or init=)
 * as process 1; without a root file system holding it, the console
 * monitor runs instead.
 */
#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"
#include "drivers/drivers.h"
#include "drivers/ring.h"
#include "drivers/tty.h"
#include "block/bcache.h"
#include "fs/chardev.h"
#include "fs/procfs/procfs.h"
#include "fs/vfs.h"
#include "lib/ktest.h"
#include "lib/random.h"
#include "mm/mm.h"
#include "net/net.h"
#include "proc/proc.h"
#include "sched/sched.h"
#include "trace/profile.h"
#include "trace/trace.h"
#include "monitor.h"

#define FWCFG_CMDLINE "opt/kestrel/cmdline"

static void read_cmdline(void)
{
	static char extra[512];

	if (fwcfg_read_file(FWCFG_CMDLINE, extra, sizeof(extra)) < 0)
		extra[0] = '\0';
	cmdline_set(bootinfo.cmdline, extra);
}

static void banner(void)
{
	char model[64];
	uint64_t kib = mem_available_bytes() / 1024;

	cpu_model(model, sizeof(model));
	kprintf("Kestrel %s (x86_64)\n", KESTREL_VERSION);
	kprintf("cpu: %s, %u CPU%s found, %u running\n", model, ncpus_found,
		ncpus_found == 1 ? "" : "s", ncpus_running);
	kprintf("memory: %lu KiB available (%lu MiB)\n", kib, kib / 1024);
	kprintf("cmdline: %s\n", cmdline_get());
}

/* The root file system: the ext2 disk named by root= (vda unless told;
 * root=none for none), read-only with ro. Without it the kernel still has
 * a / : an empty ramfs, and the log says why. */
static void mount_root(void)
{
	char dev[16] = "vda";
	bool read_only = cmdline_flag("ro");
	int err;

	cmdline_option("root", dev, sizeof(dev));
	if (strcmp(dev, "none") == 0) {
		kprintf("root: none asked for (root=none); an empty ramfs\n");
	} else if (!block_find(dev)) {
		kprintf("root: no disk %s; an empty ramfs\n", dev);
	} else {
		err = vfs_mount(dev, "/", "ext2", read_only);
		if (err == 0) {
			kprintf("root: ext2 on %s%s\n", dev,
				read_only ? ", read-only" : "");
			return;
		}
		kprintf("root: %s does not mount as ext2 (error %d); an "
			"empty ramfs\n",
			dev, err);
	}
	err = vfs_mount(NULL, "/", "ramfs", false);
	if (err < 0)
		panic("root: cannot mount a ramfs at / (error %d)", err);
}

/* Process 1: init= names it (default /bin/init). Once it runs, kmain
 * has nothing left to do but sleep: init never exits (its exit panics).
 * Returns only if there is no init to run. */
static void start_init(void)
{
	static struct waitqueue forever = WAITQUEUE_INIT;
	static struct spinlock lk = SPINLOCK_INIT("kmain");
	char path[128] = "/bin/init";
	char *argv[] = { path, NULL };
	char *envp[] = { "HOME=/", "PATH=/bin", "TERM=vt100", NULL };
	int err;

	cmdline_option("init", path, sizeof(path));
	if (strcmp(path, "none") == 0) {
		kprintf("init: none asked for (init=none); the kernel "
			"monitor\n");
		return;
	}
	err = proc_spawn_init(path, argv, envp);
	if (err) {
		kprintf("init: cannot run %s (error %d); the kernel monitor "
			"instead\n",
			path, err);
		return;
	}
	spin_lock(&lk);
	for (;;)
		sleep_on(&forever, &lk);
}

void kmain(physaddr_t multiboot_info);

void kmain(physaddr_t multiboot_info)
{
	uint64_t ready_ns;

	uart_init();
	vga_init();
	cpu_init_boot();
	syscall_init();
	syscall_table_init();
	multiboot2_parse(multiboot_info);
	read_cmdline();
	lockdep_init();

	frames_init();
	vm_init();
	frames_init_high();
	kmalloc_init();

	acpi_init();
	pic_disable();
	lapic_init();
	ioapic_init();
	time_init();
	rtc_init();
	random_init();
	uart_enable_irq();
	keyboard_init();
	irq_enable();
	sched_init();
	smp_init();

	/* Storage (docs/block.md, docs/vfs.md): buses and disks, then the
	 * buffer cache and the VFS with its file systems, then the root. */
	pci_init();
	ramdisk_init();
	virtio_blk_init();
	/* Networking (docs/net.md): lo, the cards, then the addresses. */
	net_init();
	e1000_init();
	net_configure();
	bcache_init();
	vfs_init();
	ext2_init();
	devfs_init();

	/* Character devices (docs/devices.md): the terminals, null, zero,
	 * random, kmsg. devfs shows them at /dev once it is mounted there. */
	tty_init();
	memdev_init();
	rtc_dev_init();
	ring_init();
	trace_init();
	profile_init();
	procfs_init();

	mount_root();
	proc_init();

	ready_ns = time_ns();
	banner();
	kprintf("kestrel: ready in %lu.%03lu ms\n", ready_ns / 1000000,
		(ready_ns / 1000) % 1000);

	ktest_main();
	start_init();
	monitor_run();
}
