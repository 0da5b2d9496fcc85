/*
 * Tests of procfs (suite procfs), through the VFS as the system calls use
 * it: /proc is mounted at /proc on the root image (root=vda), and a real
 * program (/bin/sleep) is the process looked at, before and after it
 * exits. The user-level test user/tests/t_proc_fs.c checks the same files
 * from a program, on Linux and on Kestrel.
 */
#include "fs/procfs/procfs.h"
#include "arch/x86_64/memlayout.h"
#include "lib/ktest.h"
#include "mm/mm.h"
#include "proc/proc.h"

#define PROC_DIR "/proc"
#define TEXT_SIZE 8192

static char text[TEXT_SIZE];

/* Read the whole file at path into text (NUL-terminated), chunk bytes
 * per read: its length, or a negative errno. */
static ssize_t read_text(const char *path, size_t chunk)
{
	struct file *f;
	size_t len = 0;
	ssize_t n;
	int err = vfs_open(NULL, path, O_RDONLY, 0, &f);

	if (err)
		return err;
	do {
		n = vfs_read(f, text + len, MIN(chunk, TEXT_SIZE - 1 - len));
		if (n > 0)
			len += n;
	} while (n > 0 && len < TEXT_SIZE - 1);
	vfs_close(f);
	if (n < 0)
		return n;
	text[len] = '\0';
	return (ssize_t)len;
}

static bool has(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++)
		if (strncmp(haystack, needle, n) == 0)
			return true;
	return false;
}

/* The number after "name:" in /proc/meminfo's text, or -1. */
static long meminfo_kb(const char *name)
{
	size_t n = strlen(name);

	for (const char *line = text; *line;) {
		if (strncmp(line, name, n) == 0 && line[n] == ':') {
			const char *p = line + n + 1;

			while (*p == ' ')
				p++;
			return (long)kstrtoul(p, NULL, 10);
		}
		line = strchr(line, '\n');
		if (!line)
			break;
		line++;
	}
	return -1;
}

struct names_seen {
	bool self, meminfo, pid;
	char pid_name[16];
};

static int note_name(void *ctx, const char *name, size_t len, uint64_t ino,
		     unsigned int type)
{
	struct names_seen *s = ctx;

	if (len == 4 && memcmp(name, "self", 4) == 0)
		s->self = type == DT_LNK;
	if (len == 7 && memcmp(name, "meminfo", 7) == 0)
		s->meminfo = type == DT_REG;
	if (len == strlen(s->pid_name) && memcmp(name, s->pid_name, len) == 0)
		s->pid = type == DT_DIR;
	return 0;
}

/* Which of self, meminfo and pid_name getdents64 lists in /proc. */
static int list_proc(struct names_seen *s)
{
	static uint8_t buf[1024];
	struct file *f;
	ssize_t n;
	int err = vfs_open(NULL, PROC_DIR, O_RDONLY | O_DIRECTORY, 0, &f);

	if (err)
		return err;
	while ((n = vfs_getdents64(f, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			struct linux_dirent64 *d = (void *)(buf + off);

			note_name(s, d->d_name, strlen(d->d_name), d->d_ino,
				  d->d_type);
			off += d->d_reclen;
		}
	}
	vfs_close(f);
	return n < 0 ? (int)n : 0;
}

/* /proc/uptime's first figure, in hundredths of a second. */
static unsigned long uptime_cs(const char *t)
{
	return kstrtoul(t, NULL, 10) * 100 +
	       kstrtoul(strchr(t, '.') + 1, NULL, 10);
}

static int mount_proc(void)
{
	return vfs_mount(NULL, PROC_DIR, "proc", false);
}

KTEST(procfs, system_files)
{
	struct frame_stats frames;
	struct names_seen seen = { .pid_name = "" };
	unsigned long up1, up2;
	long free_kb;

	KT_ASSERT_EQ(mount_proc(), 0);
	KT_ASSERT(read_text(PROC_DIR "/meminfo", 64) > 0, "meminfo");
	frames_get_stats(&frames);
	KT_ASSERT_EQ(meminfo_kb("MemTotal"), frames.managed * 4);
	free_kb = meminfo_kb("MemFree");
	KT_ASSERT(free_kb > 0 && free_kb <= (long)frames.managed * 4,
		  "MemFree %ld", free_kb);
	KT_ASSERT(has(text, "MemTotal:       "), "meminfo's columns: %s", text);
	KT_ASSERT(read_text(PROC_DIR "/uptime", 3) > 0, "uptime");
	up1 = uptime_cs(text);
	delay_us(30000);
	KT_ASSERT(read_text(PROC_DIR "/uptime", 100) > 0, "uptime");
	up2 = uptime_cs(text);
	KT_ASSERT(up2 >= up1 + 2, "uptime %lu then %lu", up1, up2);
	KT_ASSERT(read_text(PROC_DIR "/mounts", 5) > 0, "mounts");
	KT_ASSERT(has(text, "vda / ext2 rw 0 0\n"), "mounts: %s", text);
	KT_ASSERT(has(text, "proc /proc proc rw 0 0\n"), "mounts: %s", text);
	KT_ASSERT(read_text(PROC_DIR "/version", 100) > 0, "version");
	KT_ASSERT(strncmp(text, "Kestrel version ", 16) == 0, "%s", text);
	KT_ASSERT_EQ(read_text(PROC_DIR "/nothing", 100), -ENOENT);
	KT_ASSERT_EQ(list_proc(&seen), 0);
	KT_ASSERT(seen.self && seen.meminfo, "self %d meminfo %d", seen.self,
		  seen.meminfo);
	/* A kernel task has no process: /proc/self leads nowhere. */
	KT_ASSERT_EQ(read_text(PROC_DIR "/self/stat", 100), -ENOENT);
	KT_ASSERT_EQ(vfs_unmount(PROC_DIR), 0);
}

/* A file read in pieces is one text, made at the read from offset 0 (as
 * Linux's seq_file): the rest of /proc/uptime read 30 ms after its first
 * bytes still says the time of the first read; lseek to 0 makes it anew. */
KTEST(procfs, pieces_are_one_text)
{
	char piece[64];
	unsigned long first, fresh;
	struct file *f;
	ssize_t n, len;

	KT_ASSERT_EQ(mount_proc(), 0);
	KT_ASSERT_EQ(vfs_open(NULL, PROC_DIR "/uptime", O_RDONLY, 0, &f), 0);
	len = vfs_read(f, piece, 2);
	KT_ASSERT_EQ(len, 2);
	delay_us(30000);
	while ((n = vfs_read(f, piece + len, 3)) > 0)
		len += n;
	piece[len] = '\0';
	KT_ASSERT(len > 4 && piece[len - 1] == '\n', "uptime: %s", piece);
	first = uptime_cs(piece);
	KT_ASSERT(read_text(PROC_DIR "/uptime", 100) > 0, "uptime");
	fresh = uptime_cs(text);
	KT_ASSERT(fresh >= first + 2, "pieces %lu, fresh %lu: pieced text %s",
		  first, fresh, piece);
	/* From offset 0 again: a new text. */
	KT_ASSERT_EQ(vfs_lseek(f, 0, SEEK_SET), 0);
	len = vfs_read(f, piece, sizeof(piece) - 1);
	KT_ASSERT(len > 4, "uptime again: %ld", (long)len);
	piece[len] = '\0';
	KT_ASSERT(uptime_cs(piece) >= fresh, "after lseek %lu, fresh %lu",
		  uptime_cs(piece), fresh);
	vfs_close(f);
	KT_ASSERT_EQ(vfs_unmount(PROC_DIR), 0);
}

/* The count in column col (0: CPU0) of /proc/interrupts' row that starts
 * with label (e.g. "LOC:"), or -1 if there is no such row. */
static long interrupts_count(const char *label, int col)
{
	const char *row = text;

	while (row && strncmp(row, label, strlen(label)) != 0) {
		row = strchr(row, '\n');
		row = row ? row + 1 : NULL;
	}
	if (!row)
		return -1;
	row += strlen(label);
	for (int i = 0;; i++) {
		while (*row == ' ')
			row++;
		if (i == col)
			return (long)kstrtoul(row, NULL, 10);
		kstrtoul(row, &row, 10);
	}
}

#define TICKS_WAIT_NS (10 * 1000000000UL)

/* /proc/interrupts: a column per CPU, the serial line's row naming its
 * handler, and the local timer's count growing on CPU0. */
KTEST(procfs, interrupts)
{
	char want[16];
	long loc1, loc2;
	uint64_t deadline;

	KT_ASSERT_EQ(mount_proc(), 0);
	KT_ASSERT(read_text(PROC_DIR "/interrupts", 50) > 0, "interrupts");
	ksnprintf(want, sizeof(want), "CPU%u\n", ncpus_running - 1);
	KT_ASSERT(strncmp(text, "           CPU0", 15) == 0 && has(text, want),
		  "header: %s", text);
	KT_ASSERT(has(text, "  4: ") &&
			  has(text, "IO-APIC   4-edge     uart_interrupt\n"),
		  "no serial line: %s", text);
	loc1 = interrupts_count("LOC:", 0);
	KT_ASSERT(loc1 > 0, "LOC %ld: %s", loc1, text);
	KT_ASSERT(interrupts_count("RES:", 0) >= 0, "no RES row: %s", text);
	KT_ASSERT(interrupts_count("TLB:", 0) >= 0, "no TLB row: %s", text);
	/* Two more ticks on CPU0. How soon they come is the host's affair
	 * (a QEMU kept off the CPU merges the timer interrupts it missed),
	 * so wait for them, up to a limit that only a timer that stopped
	 * reaches. */
	deadline = time_ns() + TICKS_WAIT_NS;
	do {
		delay_us(10000);
		KT_ASSERT(read_text(PROC_DIR "/interrupts", 4096) > 0,
			  "interrupts");
		loc2 = interrupts_count("LOC:", 0);
	} while (loc2 < loc1 + 2 && time_ns() < deadline);
	KT_ASSERT(loc2 >= loc1 + 2, "LOC %ld then %ld %lu s later", loc1, loc2,
		  TICKS_WAIT_NS / 1000000000UL);
	KT_ASSERT_EQ(vfs_unmount(PROC_DIR), 0);
}

/* Field n (1-based) of /proc/PID/stat's text, counting from the fields
 * after the "(comm)", which may hold spaces; its start, or NULL. */
static const char *stat_field(int n)
{
	const char *p = strrchr(text, ')');

	if (!p || n < 3)
		return NULL;
	p += 2;
	for (int i = 3; i < n && p; i++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return p;
}

static int stat_fields(void)
{
	int n = 2;

	for (const char *p = strrchr(text, ')'); p && *p; p++)
		n += *p == ' ';
	return n;
}

KTEST(procfs, process_files)
{
	char *argv[] = { "/bin/sleep", "0.3", NULL };
	char *envp[] = { NULL };
	struct names_seen seen = { .pid_name = "" };
	char path[64], want[64];
	struct file *f;
	struct proc *p;
	ssize_t n;

	KT_ASSERT_EQ(mount_proc(), 0);
	KT_ASSERT_EQ(proc_spawn("/bin/sleep", argv, envp, &p), 0);
	ksnprintf(seen.pid_name, sizeof(seen.pid_name), "%d", p->pid);
	KT_ASSERT_EQ(list_proc(&seen), 0);
	KT_ASSERT(seen.pid, "/proc lists no %s", seen.pid_name);

	ksnprintf(path, sizeof(path), PROC_DIR "/%d/stat", p->pid);
	ksnprintf(want, sizeof(want), "%d (sleep) ", p->pid);
	n = read_text(path, 7); /* in pieces */
	KT_ASSERT(n > 0, "%s: %ld", path, (long)n);
	KT_ASSERT(strncmp(text, want, strlen(want)) == 0, "stat: %s", text);
	KT_ASSERT_EQ(stat_fields(), 52);
	KT_ASSERT(text[n - 1] == '\n', "stat ends without a newline");
	KT_ASSERT(*stat_field(3) == 'S' || *stat_field(3) == 'R', "state %c",
		  *stat_field(3));
	KT_ASSERT_EQ(kstrtoul(stat_field(4), NULL, 10), 0);  /* no parent */
	KT_ASSERT_EQ(kstrtoul(stat_field(20), NULL, 10), 1); /* threads */

	ksnprintf(path, sizeof(path), PROC_DIR "/%d/cmdline", p->pid);
	KT_ASSERT_EQ(read_text(path, 5), 15);
	KT_ASSERT(memcmp(text,
			 "/bin/sleep\0"
			 "0.3\0",
			 15) == 0,
		  "cmdline");
	ksnprintf(path, sizeof(path), PROC_DIR "/%d/status", p->pid);
	KT_ASSERT(read_text(path, 100) > 0, "status");
	KT_ASSERT(has(text, "Name:\tsleep\n"), "status: %s", text);
	ksnprintf(want, sizeof(want), "\nPid:\t%d\nPPid:\t0\n", p->pid);
	KT_ASSERT(has(text, want), "status: %s", text);

	/* Held open across the exit: then reads say the process is gone,
	 * and its directory is no longer found. */
	ksnprintf(path, sizeof(path), PROC_DIR "/%d/stat", p->pid);
	KT_ASSERT_EQ(vfs_open(NULL, path, O_RDONLY, 0, &f), 0);
	KT_ASSERT_EQ(proc_wait(p), WAIT_EXITED(0));
	KT_ASSERT_EQ(vfs_read(f, text, sizeof(text)), -ESRCH);
	vfs_close(f);
	KT_ASSERT_EQ(read_text(path, 100), -ENOENT);
	KT_ASSERT_EQ(vfs_unmount(PROC_DIR), 0);
}
