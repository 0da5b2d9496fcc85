/*
 * The kernel monitor: a prompt where a kernel booted without tests waits,
 * so that `make qemu` gives a class something to type at before user space
 * exists. JOS's monitor is the model. Lines come from console_readline(),
 * so the serial line and the PS/2 keyboard both work and both get its
 * line editing (Backspace, ^U). Each command is one row of `commands`: its
 * name, one line of help, and the function that runs it with the rest of
 * the line. docs/console.md lists the commands.
 */
#include "monitor.h"
#include "arch/x86_64/arch.h"
#include "drivers/drivers.h"
#include "drivers/pci.h"
#include "block/block.h"
#include "fs/vfs.h"
#include "mm/mm.h"

#define MONITOR_LINE_MAX 128
#define KIB 1024UL
#define MIB (1024UL * 1024UL)

struct monitor_command {
	const char *name;
	const char *help;
	void (*run)(const char *args);
};

static void cmd_echo(const char *args)
{
	kprintf("%s\n", args);
}

static void print_size(const char *what, uint64_t bytes)
{
	kprintf("  %-14s %10lu KiB %8lu MiB\n", what, bytes / KIB, bytes / MIB);
}

static void cmd_mem(const char *args)
{
	struct frame_stats frames;
	struct kmalloc_stats heap;

	frames_get_stats(&frames);
	kmalloc_get_stats(&heap);
	kprintf("physical frames (%d bytes each):\n", PAGE_SIZE);
	print_size("total", frames.managed * PAGE_SIZE);
	print_size("free", frames.free * PAGE_SIZE);
	print_size("in use", (frames.managed - frames.free) * PAGE_SIZE);
	kprintf("kernel heap: %lu bytes in %lu objects, %lu KiB of slab "
		"frames\n",
		heap.bytes_in_use, heap.allocs - heap.frees,
		heap.slab_frames * PAGE_SIZE / KIB);
}

/* Two clocks: the TSC (time_ns) and the count of timer interrupts. */
static void cmd_uptime(const char *args)
{
	uint64_t ns = time_ns(), ticks = ticks_now();

	kprintf("up %lu.%03lu s by the TSC", ns / NS_PER_SEC,
		ns % NS_PER_SEC / NS_PER_MS);
	if (timer_hz)
		kprintf(", %lu.%02lu s by %lu timer ticks at %u Hz",
			ticks / timer_hz, ticks % timer_hz * 100 / timer_hz,
			ticks, timer_hz);
	kprintf("\n");
}

static void cmd_cpu(const char *args)
{
	char model[64];

	cpu_model(model, sizeof(model));
	kprintf("%s; %u CPU%s found, %u running\n", model, ncpus_found,
		ncpus_found == 1 ? "" : "s", ncpus_running);
}

static void cmd_cmdline(const char *args)
{
	kprintf("%s\n", cmdline_get());
}

/* The trace starts here: this instruction, then our own frame. */
static void cmd_backtrace(const char *args)
{
	uint64_t rip;

	asm volatile("leaq (%%rip), %0" : "=r"(rip));
	backtrace_print(rip, (uint64_t)__builtin_frame_address(0));
}

/* The trap handler reports an int3 in the kernel and returns past it. */
static void cmd_breakpoint(const char *args)
{
	asm volatile("int3");
	kprintf("monitor: back from the breakpoint\n");
}

/* Write everything back and unmount the root, so its disk is left clean
 * (ext2's mount state flag set), then power off. */
static void cmd_poweroff(const char *args)
{
	int err;

	kprintf("monitor: syncing and unmounting /\n");
	err = vfs_sync();
	if (err < 0)
		kprintf("monitor: sync failed (error %d)\n", err);
	err = vfs_unmount("/");
	if (err < 0)
		kprintf("monitor: unmounting / failed (error %d)\n", err);
	kprintf("monitor: powering off\n");
	poweroff(POWEROFF_OK);
}

static void print_pci_device(struct pci_device *dev, void *arg)
{
	pci_print(dev);
}

static void cmd_lspci(const char *args)
{
	pci_for_each(print_pci_device, NULL);
}

/* One disk: its size, then what the block layer has counted. */
static void print_block_device(struct block_device *dev, void *arg)
{
	struct block_stats st;

	spin_lock(&dev->stats_lock);
	st = dev->stats;
	spin_unlock(&dev->stats_lock);
	kprintf("  %-6s %10lu %8lu %-3s %8lu %8lu %10lu %10lu %6lu %7lu\n",
		dev->name, dev->sectors, dev->sectors * SECTOR_SIZE / KIB,
		dev->read_only ? "ro" : "rw", st.reads, st.writes,
		st.sectors_read, st.sectors_written, st.errors, st.flushes);
}

static void cmd_lsblk(const char *args)
{
	kprintf("  %-6s %10s %8s %-3s %8s %8s %10s %10s %6s %7s\n", "name",
		"sectors", "KiB", "", "reads", "writes", "sect read",
		"sect writ", "errors", "flushes");
	block_for_each(print_block_device, NULL);
}

/* ---- files, through the VFS (docs/vfs.md) ------------------------------- */

static void fs_error(const char *cmd, const char *path, int err)
{
	kprintf("%s: %s: error %d\n", cmd, path, err);
}

static const char *type_name(uint32_t mode)
{
	return S_ISDIR(mode)   ? "directory"
	       : S_ISLNK(mode) ? "symlink"
	       : S_ISREG(mode) ? "regular file"
			       : "special file";
}

static char type_char(uint32_t mode)
{
	return S_ISDIR(mode)   ? 'd'
	       : S_ISLNK(mode) ? 'l'
	       : S_ISREG(mode) ? '-'
			       : '?';
}

/* One line of ls: type and mode, links, size, name (-> target). */
static void ls_line(struct inode *dir, const char *name)
{
	char target[64];
	struct kstat st;
	int n;

	if (vfs_stat(dir, name, 0, &st) < 0) {
		kprintf("  ?????? %s\n", name);
		return;
	}
	kprintf("  %c%04o %3u %9lu %s", type_char(st.mode), st.mode & 07777,
		st.nlink, st.size, name);
	n = S_ISLNK(st.mode) ? vfs_readlink(dir, name, target, sizeof(target))
			     : -EINVAL;
	if (n >= 0)
		kprintf(" -> %.*s", n, target);
	kprintf("\n");
}

static void cmd_ls(const char *args)
{
	const char *path = *args ? args : "/";
	uint8_t buf[512];
	struct file *f;
	ssize_t n;
	int err;

	err = vfs_open(NULL, path, O_RDONLY | O_DIRECTORY, 0, &f);
	if (err == -ENOTDIR)
		ls_line(NULL, path);
	if (err) {
		if (err != -ENOTDIR)
			fs_error("ls", path, err);
		return;
	}
	while ((n = vfs_getdents64(f, buf, sizeof(buf))) > 0)
		for (ssize_t off = 0; off < n;) {
			struct linux_dirent64 *d = (void *)(buf + off);

			ls_line(f->inode, d->d_name);
			off += d->d_reclen;
		}
	if (n < 0)
		fs_error("ls", path, (int)n);
	vfs_close(f);
}

static void cmd_cat(const char *args)
{
	char buf[128];
	struct file *f;
	ssize_t n;
	int err;

	err = vfs_open(NULL, args, O_RDONLY, 0, &f);
	if (err) {
		fs_error("cat", args, err);
		return;
	}
	while ((n = vfs_read(f, buf, sizeof(buf))) > 0)
		kprintf("%.*s", (int)n, buf);
	if (n < 0)
		fs_error("cat", args, (int)n);
	vfs_close(f);
}

static void cmd_stat(const char *args)
{
	struct kstat st;
	int err = vfs_stat(NULL, args, 0, &st);

	if (err) {
		fs_error("stat", args, err);
		return;
	}
	kprintf("  %s: %s, mode %04o, %u link%s, %lu bytes in %lu blocks\n",
		args, type_name(st.mode), st.mode & 07777, st.nlink,
		st.nlink == 1 ? "" : "s", st.size, st.blocks);
	kprintf("  device %lu, inode %lu, uid %u, gid %u\n", st.dev, st.ino,
		st.uid, st.gid);
	kprintf("  modified %ld.%09ld, changed %ld.%09ld (s since boot)\n",
		st.mtime.sec, st.mtime.nsec, st.ctime.sec, st.ctime.nsec);
}

static void cmd_mkdir(const char *args)
{
	int err = vfs_mkdir(NULL, args, 0755);

	if (err)
		fs_error("mkdir", args, err);
}

/* A file, or an empty directory. */
static void cmd_rm(const char *args)
{
	int err = vfs_unlink(NULL, args);

	if (err == -EISDIR)
		err = vfs_rmdir(NULL, args);
	if (err)
		fs_error("rm", args, err);
}

/* "write FILE TEXT": the file holds TEXT and a newline. */
static void cmd_write(const char *args)
{
	char path[MONITOR_LINE_MAX];
	const char *text = strchr(args, ' ');
	size_t len = text ? (size_t)(text - args) : strlen(args);
	struct file *f;
	ssize_t n;
	int err;

	strlcpy(path, args, MIN(len + 1, sizeof(path)));
	text = text ? text + 1 : "";
	err = vfs_open(NULL, path, O_WRONLY | O_CREAT | O_TRUNC, 0644, &f);
	if (err) {
		fs_error("write", path, err);
		return;
	}
	n = vfs_write(f, text, strlen(text));
	if (n >= 0)
		n = vfs_write(f, "\n", 1);
	if (n < 0)
		fs_error("write", path, (int)n);
	vfs_close(f);
}

static void cmd_help(const char *args);

static const struct monitor_command commands[] = {
	{ "help", "list the commands", cmd_help },
	{ "echo", "print the rest of the line", cmd_echo },
	{ "mem", "physical memory and kernel heap in use", cmd_mem },
	{ "uptime", "time since boot", cmd_uptime },
	{ "cpu", "the processor model and CPU count", cmd_cpu },
	{ "cmdline", "the kernel command line", cmd_cmdline },
	{ "lspci", "the PCI devices found at boot", cmd_lspci },
	{ "lsblk", "the disks, with their request counts", cmd_lsblk },
	{ "ls", "ls [DIR]: list a directory (/ by default)", cmd_ls },
	{ "cat", "cat FILE: print a file", cmd_cat },
	{ "stat", "stat PATH: a file's attributes", cmd_stat },
	{ "mkdir", "mkdir DIR: make a directory", cmd_mkdir },
	{ "rm", "rm PATH: remove a file or an empty directory", cmd_rm },
	{ "write", "write FILE TEXT: make FILE hold TEXT", cmd_write },
	{ "backtrace", "the call stack from here", cmd_backtrace },
	{ "breakpoint", "execute int3: the kernel reports and continues",
	  cmd_breakpoint },
	{ "poweroff", "power the machine off", cmd_poweroff },
};

static void cmd_help(const char *args)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		kprintf("  %-12s %s\n", commands[i].name, commands[i].help);
}

static const struct monitor_command *find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static char *skip_spaces(char *s)
{
	while (*s == ' ')
		s++;
	return s;
}

/* Split line into the command's name and the rest, and run it. */
static void run_line(char *line)
{
	char *name = skip_spaces(line), *args = name;
	const struct monitor_command *cmd;

	while (*args && *args != ' ')
		args++;
	if (*args)
		*args++ = '\0';
	args = skip_spaces(args);
	if (!*name)
		return;
	cmd = find_command(name);
	if (cmd)
		cmd->run(args);
	else
		kprintf("unknown command '%s'; try help\n", name);
}

void monitor_run(void)
{
	char line[MONITOR_LINE_MAX];

	kprintf("Kestrel kernel monitor: type 'help' for the commands.\n");
	for (;;) {
		kprintf("K> ");
		if (console_readline(line, sizeof(line)) < 0) {
			kprintf("\n^D: there is nothing to exit to here; "
				"'poweroff' stops the machine\n");
			continue;
		}
		run_line(line);
	}
}
