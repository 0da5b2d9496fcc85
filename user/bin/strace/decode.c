/*
 * Printing one argument, by its kind (strace.h), as Linux strace does.
 * What the kernel reads is printed at the call's entry; what it writes
 * (a read buffer, a struct stat) at its exit, and only if the call
 * succeeded: on failure strace prints the address instead. Memory of the
 * tracee is read with process_vm_readv, or word by word with
 * PTRACE_PEEKDATA where that fails; memory that cannot be read is
 * printed as its address.
 *
 * Strings are quoted as C strings: printable ASCII as is, \t \n \v \f \r
 * \" \\ by name, everything else in octal, as short as the next byte
 * allows. Buffers and strings stop after -s bytes with "..." after the
 * quote; file names are never cut.
 */
#define _GNU_SOURCE /* process_vm_readv */
#include "strace.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* ---- reading the tracee's memory ------------------------------------ */

/* Fills buf (which need not be initialized) with len bytes at addr. */
int read_mem(pid_t pid, unsigned long addr, void *buf, size_t len)
{
	/* cppcheck-suppress ctuuninitvar */
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)addr, len };
	if (process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)len)
		return 0;
	for (size_t done = 0; done < len; done += sizeof(long)) {
		errno = 0;
		long word = ptrace(PTRACE_PEEKDATA, pid, addr + done, 0);
		if (errno)
			return -1;
		size_t n = len - done < sizeof(long) ? len - done
						     : sizeof(long);
		memcpy((char *)buf + done, &word, n);
	}
	return 0;
}

/*
 * Reads a NUL-terminated string of at most max bytes into buf (max + 1
 * long). Returns its length, max + 1 if there was no NUL within max
 * bytes, -1 if unreadable.
 */
static long read_cstr(pid_t pid, unsigned long addr, char *buf, long max)
{
	long n = 0;
	while (n <= max) {
		/* stay within a page: the next one may not be mapped */
		long chunk = 4096 - (long)((addr + n) & 4095);
		if (chunk > max + 1 - n)
			chunk = max + 1 - n;
		if (read_mem(pid, addr + n, buf + n, chunk) < 0)
			return n ? n : -1;
		char *nul = memchr(buf + n, '\0', chunk);
		if (nul)
			return nul - buf;
		n += chunk;
	}
	return max + 1;
}

/* ---- strings -------------------------------------------------------- */

static void print_quoted(struct tracee *t, const unsigned char *s, long len)
{
	char out[4 * 4096 + 3];
	long o = 0;
	out[o++] = '"';
	for (long i = 0; i < len && o < (long)sizeof(out) - 6; i++) {
		unsigned char c = s[i];
		const char *esc = NULL;
		switch (c) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\t':
			esc = "\\t";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\v':
			esc = "\\v";
			break;
		case '\f':
			esc = "\\f";
			break;
		case '\r':
			esc = "\\r";
			break;
		}
		if (esc) {
			o += sprintf(out + o, "%s", esc);
		} else if (c >= ' ' && c < 0x7f) {
			out[o++] = c;
		} else if (i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '7') {
			o += sprintf(out + o, "\\%03o", c);
		} else {
			o += sprintf(out + o, "\\%o", c);
		}
	}
	out[o++] = '"';
	out[o] = '\0';
	tputs(t, out);
}

void print_ptr(struct tracee *t, unsigned long addr)
{
	if (addr)
		tprintf(t, "%#lx", addr);
	else
		tputs(t, "NULL");
}

/*
 * A buffer of len bytes (nul_term: a string of at most len), cut after
 * limit bytes with "...".
 */
void print_str(struct tracee *t, unsigned long addr, long len, bool nul_term,
	       long limit)
{
	static unsigned char buf[PATH_MAX + 2];
	if (!addr) {
		tputs(t, "NULL");
		return;
	}
	if (limit > PATH_MAX)
		limit = PATH_MAX;
	if (nul_term) {
		long n = read_cstr(t->pid, addr, (char *)buf, limit);
		if (n < 0) {
			print_ptr(t, addr);
			return;
		}
		print_quoted(t, buf, n > limit ? limit : n);
		if (n > limit)
			tputs(t, "...");
		return;
	}
	long n = len < limit ? len : limit;
	if (n < 0)
		n = 0;
	if (read_mem(t->pid, addr, buf, n) < 0) {
		print_ptr(t, addr);
		return;
	}
	print_quoted(t, buf, n);
	if (len > limit)
		tputs(t, "...");
}

/* "\x1e\x08...": every byte in hex, cut after -s bytes. */
static void print_hex_bytes(struct tracee *t, unsigned long addr, long len)
{
	unsigned char buf[4096];
	long n = len < opt.strsize ? len : opt.strsize;
	if (n > (long)sizeof(buf))
		n = sizeof(buf);
	if (n < 0 || read_mem(t->pid, addr, buf, n) < 0) {
		print_ptr(t, addr);
		return;
	}
	tputs(t, "\"");
	for (long i = 0; i < n; i++)
		tprintf(t, "\\x%02x", buf[i]);
	tputs(t, len > n ? "\"..." : "\"");
}

void print_path(struct tracee *t, unsigned long addr)
{
	print_str(t, addr, 0, true, PATH_MAX);
}

/* -y: a descriptor's path, from /proc/PID/fd/N. */
static void print_fd(struct tracee *t, long fd)
{
	tprintf(t, "%d", (int)fd);
	if (!opt.paths || fd < 0)
		return;
	char link[64], target[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/%d/fd/%d", t->pid, (int)fd);
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return;
	target[n] = '\0';
	tprintf(t, "<%s>", target);
}

/* AT_FDCWD; -y adds the tracee's working directory. */
static void print_cwd(struct tracee *t)
{
	tputs(t, "AT_FDCWD");
	if (!opt.paths)
		return;
	char link[64], target[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/%d/cwd", t->pid);
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return;
	target[n] = '\0';
	tprintf(t, "<%s>", target);
}

/* ---- structures ----------------------------------------------------- */

static void print_mode(struct tracee *t, unsigned long mode)
{
	if (print_enum(t, mode_types, mode & S_IFMT))
		tputs(t, "|");
	if (mode & S_ISUID)
		tputs(t, "S_ISUID|");
	if (mode & S_ISGID)
		tputs(t, "S_ISGID|");
	if (mode & S_ISVTX)
		tputs(t, "S_ISVTX|");
	tprintf(t, "%#03lo", mode & 0777);
}

static void print_dev(struct tracee *t, unsigned long dev)
{
	unsigned long major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffUL);
	unsigned long minor = (dev & 0xff) | ((dev >> 12) & ~0xffUL);
	tprintf(t, "makedev(%#lx, %#lx)", major, minor);
}

/* -v: a time as strace shows it, seconds then the local time with the
 * nanoseconds: "NAME=S /\* 2026-12-07T13:37:56.728691504+0000 *\/". */
static void print_time_field(struct tracee *t, const char *name,
			     const struct timespec *ts)
{
	char when[64], zone[8];
	struct tm tm;
	time_t sec = ts->tv_sec;

	tprintf(t, ", %s=%lld", name, (long long)ts->tv_sec);
	if (localtime_r(&sec, &tm) &&
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm) &&
	    strftime(zone, sizeof(zone), "%z", &tm))
		tprintf(t, " /* %s.%09ld%s */", when, ts->tv_nsec, zone);
	tprintf(t, ", %s_nsec=%ld", name, ts->tv_nsec);
}

static void print_stat(struct tracee *t, unsigned long addr)
{
	struct stat st = { 0 };
	if (read_mem(t->pid, addr, &st, sizeof(st)) < 0) {
		print_ptr(t, addr);
		return;
	}
	tputs(t, "{");
	if (opt.verbose) {
		tputs(t, "st_dev=");
		print_dev(t, st.st_dev);
		tprintf(t, ", st_ino=%lu, ", (unsigned long)st.st_ino);
	}
	tputs(t, "st_mode=");
	print_mode(t, st.st_mode);
	if (opt.verbose)
		tprintf(t,
			", st_nlink=%lu, st_uid=%u, st_gid=%u, st_blksize=%ld, "
			"st_blocks=%ld",
			(unsigned long)st.st_nlink, st.st_uid, st.st_gid,
			(long)st.st_blksize, (long)st.st_blocks);
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		tputs(t, ", st_rdev=");
		print_dev(t, st.st_rdev);
	} else {
		tprintf(t, ", st_size=%ld", (long)st.st_size);
	}
	if (!opt.verbose) {
		tputs(t, ", ...}");
		return;
	}
	print_time_field(t, "st_atime", &st.st_atim);
	print_time_field(t, "st_mtime", &st.st_mtim);
	print_time_field(t, "st_ctime", &st.st_ctim);
	tputs(t, "}");
}

/* struct statx: the fields strace shows, at their offsets. */
static void print_statx(struct tracee *t, unsigned long addr)
{
	unsigned char sx[48];
	uint32_t mask;
	uint64_t attributes, size;
	uint16_t mode;
	if (read_mem(t->pid, addr, sx, sizeof(sx)) < 0) {
		print_ptr(t, addr);
		return;
	}
	memcpy(&mask, sx, 4);
	memcpy(&attributes, sx + 8, 8);
	memcpy(&mode, sx + 28, 2);
	memcpy(&size, sx + 40, 8);
	tputs(t, "{stx_mask=");
	print_flags(t, statx_masks, mask, "0");
	tprintf(t, ", stx_attributes=%s", attributes ? "..." : "0");
	tputs(t, ", stx_mode=");
	print_mode(t, mode);
	tprintf(t, ", stx_size=%llu, ...}", (unsigned long long)size);
}

static void print_statfs(struct tracee *t, unsigned long addr)
{
	/* f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree,
	 * f_fsid (two ints), f_namelen, f_frsize, f_flags */
	unsigned long f[11];
	if (read_mem(t->pid, addr, f, sizeof(f)) < 0) {
		print_ptr(t, addr);
		return;
	}
	tputs(t, "{f_type=");
	if (!print_enum(t, fs_magics, f[0]))
		tprintf(t, "%#lx", f[0]);
	tprintf(t,
		", f_bsize=%lu, f_blocks=%lu, f_bfree=%lu, f_bavail=%lu, "
		"f_files=%lu, f_ffree=%lu, f_fsid={val=[%#x, %#x]}, "
		"f_namelen=%lu, f_frsize=%lu, f_flags=",
		f[1], f[2], f[3], f[4], f[5], f[6], (unsigned)f[7],
		(unsigned)(f[7] >> 32), f[8], f[9]);
	print_flags(t, statfs_flags, f[10], "0");
	tputs(t, "}");
}

static bool read_pair(struct tracee *t, unsigned long addr, long pair[2])
{
	if (!addr) {
		tputs(t, "NULL");
		return false;
	}
	if (read_mem(t->pid, addr, pair, 2 * sizeof(long)) < 0) {
		print_ptr(t, addr);
		return false;
	}
	return true;
}

static void print_timespec(struct tracee *t, unsigned long addr)
{
	long ts[2];
	if (read_pair(t, addr, ts))
		tprintf(t, "{tv_sec=%ld, tv_nsec=%lu}", ts[0], ts[1]);
}

static void print_timeval(struct tracee *t, unsigned long addr)
{
	long tv[2];
	if (read_pair(t, addr, tv))
		tprintf(t, "{tv_sec=%ld, tv_usec=%ld}", tv[0], tv[1]);
}

static void print_itimerval(struct tracee *t, unsigned long addr)
{
	long v[4];
	if (!addr) {
		tputs(t, "NULL");
		return;
	}
	if (read_mem(t->pid, addr, v, sizeof(v)) < 0) {
		print_ptr(t, addr);
		return;
	}
	tprintf(t,
		"{it_interval={tv_sec=%ld, tv_usec=%ld}, "
		"it_value={tv_sec=%ld, tv_usec=%ld}}",
		v[0], v[1], v[2], v[3]);
}

/* {tv_sec=S, tv_nsec=N} and, as strace, the date it stands for. */
static void print_time_comment(struct tracee *t, long sec, long nsec)
{
	char date[64], zone[16];
	struct tm tm;
	time_t s = sec;
	tprintf(t, "{tv_sec=%ld, tv_nsec=%ld}", sec, nsec);
	if (nsec < 0 || nsec >= 1000000000 || !localtime_r(&s, &tm))
		return;
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	tprintf(t, " /* %s.%09ld%s */", date, nsec, zone);
}

static void print_utimes(struct tracee *t, unsigned long addr)
{
	long ts[4];
	if (!addr) {
		tputs(t, "NULL");
		return;
	}
	if (read_mem(t->pid, addr, ts, sizeof(ts)) < 0) {
		print_ptr(t, addr);
		return;
	}
	tputs(t, "[");
	for (int i = 0; i < 2; i++) {
		if (i)
			tputs(t, ", ");
		if (ts[2 * i + 1] == UTIME_NOW)
			tputs(t, "UTIME_NOW");
		else if (ts[2 * i + 1] == UTIME_OMIT)
			tputs(t, "UTIME_OMIT");
		else
			print_time_comment(t, ts[2 * i], ts[2 * i + 1]);
	}
	tputs(t, "]");
}

/* An fd_set of nfds bits: [3 4]. */
static void print_fdset(struct tracee *t, unsigned long addr, int nfds)
{
	unsigned long bits[1024 / 64];
	if (!addr || nfds <= 0 || nfds > 1024) {
		print_ptr(t, addr);
		return;
	}
	size_t bytes = (size_t)(nfds + 63) / 64 * 8;
	if (bytes && read_mem(t->pid, addr, bits, bytes) < 0) {
		print_ptr(t, addr);
		return;
	}
	tputs(t, "[");
	for (int fd = 0, first = 1; fd < nfds; fd++) {
		if (bits[fd / 64] & (1UL << (fd % 64))) {
			tprintf(t, "%s%d", first ? "" : " ", fd);
			first = 0;
		}
	}
	tputs(t, "]");
}

/* select's result: the descriptors ready in each set, the time left. */
static void print_select_result(struct tracee *t, long ret)
{
	static const char *const sets[] = { "in", "out", "except" };
	bool first = true;
	tprintf(t, "%ld (", ret);
	for (int i = 0; i < 3; i++) {
		unsigned long bits[1024 / 64];
		int nfds = (int)t->args[0];
		unsigned long addr = t->args[i + 1];
		size_t bytes = (size_t)(nfds + 63) / 64 * 8;
		if (!addr || nfds <= 0 || nfds > 1024 ||
		    read_mem(t->pid, addr, bits, bytes) < 0)
			continue;
		bool any = false;
		for (int fd = 0; fd < nfds; fd++)
			any |= (bits[fd / 64] >> (fd % 64)) & 1;
		if (!any)
			continue;
		tprintf(t, "%s%s ", first ? "" : ", ", sets[i]);
		print_fdset(t, addr, nfds);
		first = false;
	}
	if (t->args[4]) {
		tprintf(t, "%sleft ", first ? "" : ", ");
		if (t->nr == 270) /* pselect6: a timespec */
			print_timespec(t, t->args[4]);
		else
			print_timeval(t, t->args[4]);
	}
	tputs(t, ")");
}

/* The kernel's struct sigaction on x86-64. */
struct kernel_sigaction {
	unsigned long handler, flags, restorer;
	uint64_t mask;
};

static void print_sigaction(struct tracee *t, unsigned long addr)
{
	struct kernel_sigaction sa;
	if (!addr) {
		tputs(t, "NULL");
		return;
	}
	if (read_mem(t->pid, addr, &sa, sizeof(sa)) < 0) {
		print_ptr(t, addr);
		return;
	}
	tputs(t, "{sa_handler=");
	if (sa.handler == 0)
		tputs(t, "SIG_DFL");
	else if (sa.handler == 1)
		tputs(t, "SIG_IGN");
	else
		tprintf(t, "%#lx", sa.handler);
	tputs(t, ", sa_mask=");
	print_sigset(t, &sa.mask, 8);
	tputs(t, ", sa_flags=");
	print_flags(t, sa_flags, sa.flags, "0");
	if (sa.flags & 0x04000000) {
		tputs(t, ", sa_restorer=");
		print_ptr(t, sa.restorer);
	}
	tputs(t, "}");
}

static void print_sigset_at(struct tracee *t, unsigned long addr, long size)
{
	uint64_t set = 0;
	if (!addr) {
		tputs(t, "NULL");
		return;
	}
	if (size != 8 || read_mem(t->pid, addr, &set, 8) < 0) {
		print_ptr(t, addr);
		return;
	}
	print_sigset(t, &set, 8);
}

static void print_stack(struct tracee *t, unsigned long addr)
{
	struct {
		unsigned long sp;
		int flags;
		unsigned long size;
	} ss;
	if (!addr) {
		tputs(t, "NULL");
		return;
	}
	if (read_mem(t->pid, addr, &ss, sizeof(ss)) < 0) {
		print_ptr(t, addr);
		return;
	}
	tputs(t, "{ss_sp=");
	print_ptr(t, ss.sp);
	tputs(t, ", ss_flags=");
	if (ss.flags == 1)
		tputs(t, "SS_ONSTACK");
	else if (ss.flags == 2)
		tputs(t, "SS_DISABLE");
	else
		tprintf(t, "%d", ss.flags);
	tprintf(t, ", ss_size=%lu}", ss.size);
}

static void print_wstatus(struct tracee *t, unsigned long addr, long ret)
{
	int s;
	if (!addr) {
		tputs(t, "NULL");
		return;
	}
	if (ret <= 0 || read_mem(t->pid, addr, &s, sizeof(s)) < 0) {
		print_ptr(t, addr);
		return;
	}
	if ((s & 0x7f) == 0)
		tprintf(t, "[{WIFEXITED(s) && WEXITSTATUS(s) == %d}]",
			(s >> 8) & 0xff);
	else if ((s & 0xff) == 0x7f)
		tprintf(t, "[{WIFSTOPPED(s) && WSTOPSIG(s) == %s}]",
			signal_name((s >> 8) & 0xff));
	else if (s == 0xffff)
		tputs(t, "[{WIFCONTINUED(s)}]");
	else
		tprintf(t, "[{WIFSIGNALED(s) && WTERMSIG(s) == %s%s}]",
			signal_name(s & 0x7f),
			s & 0x80 ? " && WCOREDUMP(s)" : "");
}

/* An iovec array; out: only the ret bytes the call filled are shown. */
static void print_iov(struct tracee *t, unsigned long addr, long count,
		      long data)
{
	if (!addr || count < 0 || count > 1024) { /* UIO_MAXIOV */
		print_ptr(t, addr);
		return;
	}
	tputs(t, "[");
	for (long i = 0; i < count; i++) {
		struct iovec iov;
		if (i == opt.strsize) {
			tputs(t, ", ...");
			break;
		}
		if (read_mem(t->pid, addr + i * sizeof(iov), &iov,
			     sizeof(iov)) < 0) {
			if (i)
				tputs(t, ", ");
			print_ptr(t, addr + i * sizeof(iov));
			break;
		}
		tprintf(t, "%s{iov_base=", i ? ", " : "");
		if (data == -2) { /* the call failed: no contents */
			print_ptr(t, (unsigned long)iov.iov_base);
			tprintf(t, ", iov_len=%lu}",
				(unsigned long)iov.iov_len);
			continue;
		}
		long n = (long)iov.iov_len;
		if (data >= 0 && n > data)
			n = data;
		print_str(t, (unsigned long)iov.iov_base, n, false,
			  opt.strsize);
		if (data >= 0)
			data -= n;
		tprintf(t, ", iov_len=%lu}", (unsigned long)iov.iov_len);
	}
	tputs(t, "]");
}

static void print_argv(struct tracee *t, unsigned long addr)
{
	if (!addr) {
		tputs(t, "NULL");
		return;
	}
	tputs(t, "[");
	for (int i = 0;; i++) {
		unsigned long p;
		if (read_mem(t->pid, addr + i * sizeof(p), &p, sizeof(p)) < 0)
			break;
		if (!p)
			break;
		if (i)
			tputs(t, ", ");
		if (i == opt.strsize && !opt.verbose) {
			tputs(t, "...");
			break;
		}
		print_str(t, p, 0, true, opt.strsize);
	}
	tputs(t, "]");
}

static void print_envp(struct tracee *t, unsigned long addr)
{
	int n = 0;
	if (opt.verbose) {
		print_argv(t, addr);
		return;
	}
	print_ptr(t, addr);
	if (!addr)
		return;
	for (;; n++) {
		unsigned long p;
		if (read_mem(t->pid, addr + n * sizeof(p), &p, sizeof(p)) < 0 ||
		    !p)
			break;
	}
	tprintf(t, " /* %d var%s */", n, n == 1 ? "" : "s");
}

static void print_clone(struct tracee *t)
{
	unsigned long flags = t->args[0];
	tputs(t, "child_stack=");
	print_ptr(t, t->args[1]);
	tputs(t, ", flags=");
	print_flags(t, clone_flags, flags & ~0xffUL, "");
	if (flags & 0xff) {
		if (flags & ~0xffUL)
			tputs(t, "|");
		tputs(t, signal_name(flags & 0xff));
	} else if (!(flags & ~0xffUL)) {
		tputs(t, "0");
	}
	if (flags & (0x100000 | 0x1000)) {
		tputs(t, ", parent_tid=");
		print_ptr(t, t->args[2]);
	}
	if (flags & 0x80000) {
		tputs(t, ", tls=");
		print_ptr(t, t->args[4]);
	}
	if (flags & (0x1000000 | 0x200000)) {
		tputs(t, ", child_tidptr=");
		print_ptr(t, t->args[3]);
	}
}

static void print_oflags(struct tracee *t, unsigned long flags)
{
	static const char *const modes[] = { "O_RDONLY", "O_WRONLY", "O_RDWR",
					     "O_ACCMODE" };
	tputs(t, modes[flags & 3]);
	if (flags & ~3UL) {
		tputs(t, "|");
		print_flags(t, open_flags, flags & ~3UL, "");
	}
}

static void print_pollfds(struct tracee *t, unsigned long addr, long n,
			  bool revents)
{
	struct pollfd p;
	bool first = true;
	if (!addr) {
		tputs(t, "NULL");
		return;
	}
	tputs(t, "[");
	for (long i = 0; i < n; i++) {
		if (read_mem(t->pid, addr + i * sizeof(p), &p, sizeof(p)) < 0)
			break;
		if (revents && !p.revents)
			continue;
		tprintf(t, "%s{fd=", first ? "" : ", ");
		first = false;
		if (revents)
			tprintf(t, "%d", p.fd);
		else
			print_fd(t, p.fd);
		if (p.fd < 0 && !revents) { /* ignored: strace omits events */
			tputs(t, "}");
			continue;
		}
		tprintf(t, ", %s=", revents ? "revents" : "events");
		print_flags(t, poll_events, revents ? p.revents : p.events,
			    "0");
		tputs(t, "}");
		first = false;
	}
	tputs(t, "]");
}

static void print_sockaddr(struct tracee *t, unsigned long addr, long len)
{
	unsigned char buf[128];
	if (!addr) {
		tputs(t, "NULL");
		return;
	}
	if (len <= 0 || len > (long)sizeof(buf) ||
	    read_mem(t->pid, addr, buf, len) < 0) {
		print_ptr(t, addr);
		return;
	}
	unsigned family = buf[0] | buf[1] << 8;
	tputs(t, "{sa_family=");
	if (!print_enum(t, families, family))
		tprintf(t, "%u", family);
	if (family == 2 && len >= 8) {
		tprintf(t,
			", sin_port=htons(%u), sin_addr=inet_addr(\"%u.%u.%u.%u\")",
			buf[2] << 8 | buf[3], buf[4], buf[5], buf[6], buf[7]);
	} else if (family == 1) {
		long n = strnlen((char *)buf + 2, len - 2);
		tputs(t, ", sun_path=");
		print_quoted(t, buf + 2, n);
	}
	tputs(t, "}");
}

static void print_rlimit_value(struct tracee *t, unsigned long v)
{
	if (v == ~0UL)
		tputs(t, "RLIM64_INFINITY");
	else if (v && v % 1024 == 0)
		tprintf(t, "%lu*1024", v / 1024);
	else
		tprintf(t, "%lu", v);
}

static void print_rlimit(struct tracee *t, unsigned long addr)
{
	long r[2];
	if (!read_pair(t, addr, r))
		return;
	tputs(t, "{rlim_cur=");
	print_rlimit_value(t, r[0]);
	tputs(t, ", rlim_max=");
	print_rlimit_value(t, r[1]);
	tputs(t, "}");
}

static void print_rusage(struct tracee *t, unsigned long addr)
{
	long r[4];
	if (!addr) {
		tputs(t, "NULL");
		return;
	}
	if (read_mem(t->pid, addr, r, sizeof(r)) < 0) {
		print_ptr(t, addr);
		return;
	}
	tprintf(t,
		"{ru_utime={tv_sec=%ld, tv_usec=%ld}, "
		"ru_stime={tv_sec=%ld, tv_usec=%ld}, ...}",
		r[0], r[1], r[2], r[3]);
}

static void print_uts(struct tracee *t, unsigned long addr)
{
	char uts[6][65];
	if (read_mem(t->pid, addr, uts, sizeof(uts)) < 0) {
		print_ptr(t, addr);
		return;
	}
	static const char *const fields[6] = { "sysname", "nodename",
					       "release", "version",
					       "machine", "domainname" };
	int n = opt.verbose ? 6 : 2;

	for (int i = 0; i < n; i++) {
		uts[i][64] = '\0';
		tprintf(t, "%s%s=", i ? ", " : "{", fields[i]);
		print_quoted(t, (unsigned char *)uts[i], strlen(uts[i]));
	}
	tputs(t, opt.verbose ? "}" : ", ...}");
}

/* sysinfo: every field, as strace prints struct sysinfo. */
static void print_sysinfo(struct tracee *t, unsigned long addr)
{
	struct sysinfo si;

	if (read_mem(t->pid, addr, &si, sizeof(si)) < 0) {
		print_ptr(t, addr);
		return;
	}
	tprintf(t,
		"{uptime=%ld, loads=[%lu, %lu, %lu], totalram=%lu, "
		"freeram=%lu, sharedram=%lu, bufferram=%lu, totalswap=%lu, "
		"freeswap=%lu, procs=%u, totalhigh=%lu, freehigh=%lu, "
		"mem_unit=%u}",
		si.uptime, si.loads[0], si.loads[1], si.loads[2], si.totalram,
		si.freeram, si.sharedram, si.bufferram, si.totalswap,
		si.freeswap, si.procs, si.totalhigh, si.freehigh, si.mem_unit);
}

/* An ioctl request strace has no name for: its _IOC fields
 * (asm-generic/ioctl.h: nr bits 0-7, type 8-15, size 16-29, direction
 * 30-31). */
static void print_ioc(struct tracee *t, unsigned long req)
{
	unsigned int dir = (req >> 30) & 3;

	tputs(t, "_IOC(");
	if (dir == 0)
		tputs(t, "_IOC_NONE");
	else if (dir == 3)
		tputs(t, "_IOC_READ|_IOC_WRITE");
	else
		tputs(t, dir == 2 ? "_IOC_READ" : "_IOC_WRITE");
	tprintf(t, ", %#lx, %#lx, %#lx)", (req >> 8) & 0xff, req & 0xff,
		(req >> 16) & 0x3fff);
}

/* getdents: strace shows only how many entries the call returned. */
static void print_dents(struct tracee *t, unsigned long addr, long ret)
{
	int n = 0;
	print_ptr(t, addr);
	if (ret < 0)
		return;
	for (long off = 0; off < ret;) {
		unsigned short reclen;
		if (read_mem(t->pid, addr + off + 16, &reclen, 2) < 0 ||
		    !reclen)
			break;
		off += reclen;
		n++;
	}
	tprintf(t, " /* %d entr%s */", n, n == 1 ? "y" : "ies");
}

static void print_int_at(struct tracee *t, unsigned long addr)
{
	int v;
	if (!addr) {
		tputs(t, "NULL");
		return;
	}
	if (read_mem(t->pid, addr, &v, sizeof(v)) < 0) {
		print_ptr(t, addr);
		return;
	}
	tprintf(t, "[%d]", v);
}

static void print_termios(struct tracee *t, unsigned long addr)
{
	uint32_t tio[4]; /* c_iflag, c_oflag, c_cflag, c_lflag */
	static const char *const bauds[] = {
		"B0",    "B50",   "B75",    "B110",  "B134",  "B150",
		"B200",  "B300",  "B600",   "B1200", "B1800", "B2400",
		"B4800", "B9600", "B19200", "B38400"
	};
	if (read_mem(t->pid, addr, tio, sizeof(tio)) < 0) {
		print_ptr(t, addr);
		return;
	}
	tprintf(t, "{%s %sopost %sisig %sicanon %secho ...}",
		bauds[tio[2] & 017], tio[1] & 1 ? "" : "-",
		tio[3] & 1 ? "" : "-", tio[3] & 2 ? "" : "-",
		tio[3] & 010 ? "" : "-");
}

static void print_winsize(struct tracee *t, unsigned long addr)
{
	unsigned short ws[4];
	if (read_mem(t->pid, addr, ws, sizeof(ws)) < 0) {
		print_ptr(t, addr);
		return;
	}
	tprintf(t, "{ws_row=%u, ws_col=%u, ws_xpixel=%u, ws_ypixel=%u}", ws[0],
		ws[1], ws[2], ws[3]);
}

/* The ioctl requests whose argument the kernel writes. */
static bool ioctl_writes(unsigned long req)
{
	return req == 0x5401 || req == 0x5413 || req == 0x540f ||
	       req == 0x541b || req == 0x5429 || req == 0x5411;
}

/* Has strace a name for this ioctl request (ioctl_reqs)? */
static bool ioctl_named(unsigned long req)
{
	for (const struct flag_name *f = ioctl_reqs; f->name; f++)
		if (f->value == req)
			return true;
	return false;
}

static void print_ioctl_arg(struct tracee *t, long ret)
{
	unsigned long req = t->args[1] & 0xffffffff, addr = t->args[2];
	bool out = ioctl_writes(req);
	if ((!addr && ioctl_named(req)) || (out && ret < 0)) {
		print_ptr(t, addr);
		return;
	}
	switch (req) {
	case 0x5401: /* TCGETS */
	case 0x5402:
	case 0x5403:
	case 0x5404:
		print_termios(t, addr);
		break;
	case 0x5413: /* TIOCGWINSZ */
	case 0x5414:
		print_winsize(t, addr);
		break;
	case 0x540f: /* TIOCGPGRP */
	case 0x5410:
	case 0x541b:
	case 0x5421:
	case 0x5429:
	case 0x5411:
		print_int_at(t, addr);
		break;
	default:
		if (ioctl_named(req))
			print_ptr(t, addr);
		else
			tprintf(t, "%#lx", addr); /* strace: a plain number */
	}
}

static void print_flock(struct tracee *t, unsigned long addr)
{
	struct {
		short type, whence;
		long start, len;
		int pid;
	} fl;
	if (read_mem(t->pid, addr, &fl, sizeof(fl)) < 0) {
		print_ptr(t, addr);
		return;
	}
	tputs(t, "{l_type=");
	if (!print_enum(t, lock_types, fl.type))
		tprintf(t, "%d", fl.type);
	tputs(t, ", l_whence=");
	if (!print_enum(t, whences, fl.whence))
		tprintf(t, "%d", fl.whence);
	tprintf(t, ", l_start=%ld, l_len=%ld", fl.start, fl.len);
	if (t->args[1] == F_GETLK)
		tprintf(t, ", l_pid=%d", fl.pid);
	tputs(t, "}");
}

static void print_fcntl_arg(struct tracee *t)
{
	unsigned long arg = t->args[2];
	switch (t->args[1]) {
	case F_SETFD:
		print_flags(t, fd_flags, arg, "0");
		break;
	case F_SETFL:
		print_oflags(t, arg);
		break;
	case F_SETLK:
	case F_SETLKW:
	case F_GETLK:
	case 36:
	case 37:
	case 38:
		print_flock(t, arg);
		break;
	case F_SETSIG:
		tputs(t, signal_name((int)arg));
		break;
	default:
		tprintf(t, "%ld", (long)arg);
	}
}

/* ---- an argument ---------------------------------------------------- */

/* The number of arguments strace prints for this call. */
int effective_nargs(struct tracee *t)
{
	if (t->nr < 0 || t->nr >= NR_SYSCALL_TABLE ||
	    !syscall_table[t->nr].name)
		return MAX_ARGS;
	const struct syscall_desc *d = &syscall_table[t->nr];
	switch (t->nr) {
	case 2:   /* open: the mode only with O_CREAT or O_TMPFILE */
	case 257: /* openat */
		return (t->args[d->nargs - 2] & (O_CREAT | 020000000))
			       ? d->nargs
			       : d->nargs - 1;
	case 72: /* fcntl */
		switch (t->args[1]) {
		case F_GETFD:
		case F_GETFL:
		case F_GETOWN:
		case F_GETSIG:
		case 1025:
		case 1032:
			return 2;
		}
		return 3;
	case 133: /* mknod: the device only for devices */
	case 259:
		return S_ISCHR(t->args[d->nargs - 2]) ||
				       S_ISBLK(t->args[d->nargs - 2])
			       ? d->nargs
			       : d->nargs - 1;
	case 16: /* ioctl: FIOCLEX and FIONCLEX take no argument */
		return (t->args[1] & 0xffffffff) == 0x5450 ||
				       (t->args[1] & 0xffffffff) == 0x5451
			       ? 2
			       : 3;
	case 202: /* futex */
		switch (t->args[1] & 127) {
		case 0:
			return 4;
		case 1:
			return 3;
		}
		return 6;
	case 101: /* ptrace */
		return t->args[0] == 0 ? 1 : 4;
	case 157: /* prctl */
		return t->args[0] == 15 || t->args[0] == 16 ? 2 : 5;
	}
	return d->nargs;
}

bool arg_at_exit(struct tracee *t, int i)
{
	if (t->nr < 0 || t->nr >= NR_SYSCALL_TABLE ||
	    !syscall_table[t->nr].name)
		return false;
	const struct syscall_desc *d = &syscall_table[t->nr];
	switch (d->arg[i]) {
	case A_OPTR:
	case A_CWD:
	case A_BUF_OUT:
	case A_OSIGSET:
	case A_OSIGACT:
	case A_OSTACK:
	case A_STAT:
	case A_STATX:
	case A_STATFS:
	case A_OTS:
	case A_REMTS:
	case A_OTV:
	case A_OITV:
	case A_WSTATUS:
	case A_OIOV:
	case A_PIPE:
	case A_OSADDR:
	case A_OSOCKLEN:
	case A_OSOCKOPTVAL:
	case A_UTS:
	case A_DENTS:
	case A_ORLIM:
	case A_ORUSAGE:
	case A_OSIGINFO:
	case A_OTMS:
	case A_OINT:
	case A_OSCHEDPARAM:
	case A_OCPUSET:
	case A_SYSINFO:
		return true;
	case A_IOCTLARG:
		return ioctl_writes(t->args[1] & 0xffffffff);
	case A_FCNTLARG:
		return t->args[1] == F_GETLK || t->args[1] == 36;
	case A_HEX:
		/* arch_prctl(ARCH_GET_FS, &fs) */
		return t->nr == 158 &&
		       (t->args[0] == 0x1003 || t->args[0] == 0x1004);
	default:
		return false;
	}
}

/* Prints argument i; ret is the call's result when it has returned. */
void print_arg(struct tracee *t, int i, long ret)
{
	bool known = t->nr >= 0 && t->nr < NR_SYSCALL_TABLE &&
		     syscall_table[t->nr].name;
	unsigned long v = t->args[i];
	bool failed = ret < 0 && ret >= -4095;
	int kind = known ? syscall_table[t->nr].arg[i] : A_HEX;
	if (failed && arg_at_exit(t, i) && kind != A_OSOCKLEN &&
	    kind != A_OINT && kind != A_PIPE && kind != A_OIOV &&
	    kind != A_REMTS) {
		print_ptr(t, v);
		return;
	}
	switch (kind) {
	case A_DEC:
		tprintf(t, "%d", (int)v);
		break;
	case A_LDEC:
		tprintf(t, "%ld", (long)v);
		break;
	case A_UDEC:
		tprintf(t, "%lu", v);
		break;
	case A_HEX:
		if (arg_at_exit(t, i)) {
			unsigned long fs;
			if (read_mem(t->pid, v, &fs, sizeof(fs)) == 0) {
				tprintf(t, "[%#lx]", fs);
				break;
			}
		}
		tprintf(t, "%#lx", v);
		break;
	case A_PTR:
	case A_OPTR:
		print_ptr(t, v);
		break;
	case A_OCT:
		tprintf(t, "%#03lo", v & 07777);
		break;
	case A_CREATMODE:
		tprintf(t, "%#03lo", v & 07777);
		break;
	case A_FD:
		print_fd(t, (int)v);
		break;
	case A_DIRFD:
		if ((int)v == AT_FDCWD)
			print_cwd(t);
		else
			print_fd(t, (int)v);
		break;
	case A_PATH:
		print_path(t, v);
		break;
	case A_STR:
		print_str(t, v, 0, true, opt.strsize);
		break;
	case A_CWD:
		print_path(t, v);
		break;
	case A_BUF_IN:
		print_str(t, v, (long)t->args[i + 1], false, opt.strsize);
		break;
	case A_BUF_OUT:
		if (t->nr == 318) /* getrandom: strace shows bytes in hex */
			print_hex_bytes(t, v, ret);
		else
			print_str(t, v, ret, false, opt.strsize);
		break;
	case A_OFLAGS:
		if (t->nr == 292 || t->nr == 293) /* dup3, pipe2 */
			print_flags(t, open_flags, v, "0");
		else
			print_oflags(t, v);
		break;
	case A_PROT:
		print_flags(t, prot_flags, v, "PROT_NONE");
		break;
	case A_MFLAGS:
		if (!print_enum(t, map_types, v & 0xf))
			tprintf(t, "%#lx /* MAP_??? */", v & 0xf);
		if (v & ~0xfUL) {
			tputs(t, "|");
			print_flags(t, map_flags, v & ~0xfUL, "");
		}
		break;
	case A_MREMAPF:
		print_flags(t, mremap_flags, v, "0");
		break;
	case A_MSYNCF:
		print_flags(t, msync_flags, v, "0");
		break;
	case A_MADV:
		if (!print_enum(t, madv_advices, v))
			tprintf(t, "%#lx /* MADV_??? */", v);
		break;
	case A_SIG:
		tputs(t, signal_name((int)v));
		break;
	case A_SIGSET:
	case A_OSIGSET:
		/* the set's size is the call's last argument */
		print_sigset_at(t, v,
				(long)t->args[syscall_table[t->nr].nargs - 1]);
		break;
	case A_SIGACT:
	case A_OSIGACT:
		print_sigaction(t, v);
		break;
	case A_HOW:
		if (!print_enum(t, sig_hows, v))
			tprintf(t, "%#lx /* SIG_??? */", v);
		break;
	case A_SIGRETURN: {
		/* rt_sigframe: pretcode, then ucontext's uc_sigmask at 296 */
		uint64_t mask;
		tputs(t, "{mask=");
		if (read_mem(t->pid, t->sp + 296, &mask, 8) == 0)
			print_sigset(t, &mask, 8);
		else
			print_ptr(t, t->sp + 296);
		tputs(t, "}");
		break;
	}
	case A_STACK:
	case A_OSTACK:
		print_stack(t, v);
		break;
	case A_STAT:
		print_stat(t, v);
		break;
	case A_STATX:
		print_statx(t, v);
		break;
	case A_STATFS:
		print_statfs(t, v);
		break;
	case A_STATXMASK:
		print_flags(t, statx_masks, v, "0");
		break;
	case A_TS:
	case A_OTS:
		print_timespec(t, v);
		break;
	case A_REMTS:
		/* EINTR, ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND,
		 * ERESTART_RESTARTBLOCK: the time left was written */
		if (ret == -4 || (ret <= -512 && ret >= -516 && ret != -515))
			print_timespec(t, v);
		else
			print_ptr(t, v);
		break;
	case A_OTV:
	case A_TV:
		print_timeval(t, v);
		break;
	case A_FDSET:
		print_fdset(t, v, (int)t->args[0]);
		break;
	case A_CLOSERANGEF:
		print_flags(t, close_range_flags, v, "0");
		break;
	case A_PSELSIG: {
		unsigned long ss[2]; /* sigset_t *, its size */
		if (!v || read_mem(t->pid, v, ss, sizeof(ss)) < 0) {
			print_ptr(t, v);
			break;
		}
		tputs(t, "{sigmask=");
		print_sigset_at(t, ss[0], (long)ss[1]);
		tprintf(t, ", sigsetsize=%lu}", ss[1]);
		break;
	}
	case A_OSIGINFO: {
		siginfo_t si;
		if (!v || read_mem(t->pid, v, &si, sizeof(si)) < 0)
			print_ptr(t, v);
		else if (!si.si_signo)
			tputs(t, "{}");
		else
			print_siginfo(t, &si);
		break;
	}
	case A_ITIMER:
		if (!print_enum(t, itimers, v))
			tprintf(t, "%d", (int)v);
		break;
	case A_ITV:
	case A_OITV:
		print_itimerval(t, v);
		break;
	case A_UTIMES:
		print_utimes(t, v);
		break;
	case A_TIMEF:
		print_flags(t, timer_flags, v, "0");
		break;
	case A_CLOCK:
		if (!print_enum(t, clock_ids, v))
			tprintf(t, "%#x /* CLOCK_??? */", (unsigned)v);
		break;
	case A_WSTATUS:
		print_wstatus(t, v, ret);
		break;
	case A_WOPTS:
		print_flags(t, wait_options, v, "0");
		break;
	case A_WAITID:
		if (!print_enum(t, waitid_types, v))
			tprintf(t, "%d", (int)v);
		break;
	case A_IOV:
		print_iov(t, v, (long)t->args[i + 1], -1);
		break;
	case A_OIOV:
		print_iov(t, v, (long)t->args[i + 1], failed ? -2 : ret);
		break;
	case A_AMODE:
		print_flags(t, access_modes, v, "F_OK");
		break;
	case A_ATFLAGS:
		/* the first two, AT_STATX_*, are statx's alone */
		if (t->nr == 332)
			print_flags(t, at_flags, v, "AT_STATX_SYNC_AS_STAT");
		else
			print_flags(t, at_flags + 2, v, "0");
		break;
	case A_FCNTL:
		if (!print_enum(t, fcntl_cmds, v))
			tprintf(t, "%#lx /* F_??? */", v);
		break;
	case A_FCNTLARG:
		print_fcntl_arg(t);
		break;
	case A_FLOCKOP:
		print_flags(t, flock_ops, v, "0");
		break;
	case A_IOCTL:
		if (!print_enum(t, ioctl_reqs, v & 0xffffffff))
			print_ioc(t, v & 0xffffffff);
		break;
	case A_IOCTLARG:
		print_ioctl_arg(t, ret);
		break;
	case A_ARGV:
		print_argv(t, v);
		break;
	case A_ENVP:
		print_envp(t, v);
		break;
	case A_CLONE:
		print_clone(t);
		break;
	case A_PIPE: {
		int fds[2];
		if (failed || read_mem(t->pid, v, fds, sizeof(fds)) < 0) {
			print_ptr(t, v);
			break;
		}
		tputs(t, "[");
		print_fd(t, fds[0]);
		tputs(t, ", ");
		print_fd(t, fds[1]);
		tputs(t, "]");
		break;
	}
	case A_POLL:
		print_pollfds(t, v, (long)t->args[1], false);
		break;
	case A_SADDR:
		print_sockaddr(t, v, (long)t->args[i + 1]);
		break;
	case A_OSADDR: {
		int len = 0;
		if (t->args[i + 1])
			read_mem(t->pid, t->args[i + 1], &len, sizeof(len));
		print_sockaddr(t, v, len);
		break;
	}
	case A_OSOCKLEN:
		print_int_at(t, v);
		break;
	case A_FAMILY:
		if (!print_enum(t, families, v))
			tprintf(t, "%d /* AF_??? */", (int)v);
		break;
	case A_SOCKTYPE:
		if (!print_enum(t, sock_types, v & 0xf))
			tprintf(t, "%#lx /* SOCK_??? */", v & 0xf);
		if (v & ~0xfUL) {
			tputs(t, "|");
			print_flags(t, sock_flags, v & ~0xfUL, "");
		}
		break;
	case A_SOCKFLAGS:
		print_flags(t, sock_flags, v, "0");
		break;
	case A_PROTO:
		if (!print_enum(t, protocols, v))
			tprintf(t, "%d", (int)v);
		break;
	case A_MSGFLAGS:
		print_flags(t, msg_flags, v, "0");
		break;
	case A_SHUTHOW:
		if (!print_enum(t, shut_hows, v))
			tprintf(t, "%d", (int)v);
		break;
	case A_SOCKLEVEL:
		if (!print_enum(t, sock_levels, v))
			tprintf(t, "%d", (int)v);
		break;
	case A_SOCKOPT:
		if (!print_enum(t, t->args[1] == 6 ? tcp_opts : sock_opts, v))
			tprintf(t, "%d", (int)v);
		break;
	case A_SOCKOPTVAL:
	case A_OSOCKOPTVAL:
		print_int_at(t, v);
		break;
	case A_UTS:
		print_uts(t, v);
		break;
	case A_SYSINFO:
		print_sysinfo(t, v);
		break;
	case A_ARCH:
		if (!print_enum(t, arch_codes, v))
			tprintf(t, "%#lx /* ARCH_??? */", v);
		break;
	case A_WHENCE:
		if (!print_enum(t, whences, v))
			tprintf(t, "%#lx /* SEEK_??? */", v);
		break;
	case A_DENTS:
		print_dents(t, v, ret);
		break;
	case A_FUTEX:
		if (!print_enum(t, futex_ops, v & 127))
			tprintf(t, "%#lx", v & 127);
		if (v & 128)
			tputs(t, "_PRIVATE");
		if (v & 256)
			tputs(t, "|FUTEX_CLOCK_REALTIME");
		break;
	case A_RESOURCE:
		if (!print_enum(t, resources, v))
			tprintf(t, "%#lx /* RLIMIT_??? */", v);
		break;
	case A_RLIM:
	case A_ORLIM:
		print_rlimit(t, v);
		break;
	case A_RUSAGEWHO:
		if (!print_enum(t, rusage_whos, (unsigned long)(long)(int)v))
			tprintf(t, "%#x /* RUSAGE_??? */", (unsigned)v);
		break;
	case A_ORUSAGE:
		print_rusage(t, v);
		break;
	case A_OTMS: {
		long tms[4];
		if (!v || read_mem(t->pid, v, tms, sizeof(tms)) < 0) {
			print_ptr(t, v);
			break;
		}
		static const char *const names[] = { "tms_utime", "tms_stime",
						     "tms_cutime",
						     "tms_cstime" };
		for (int k = 0; k < 4; k++) {
			tprintf(t, "%s%s=%ld", k ? ", " : "{", names[k],
				tms[k]);
			if (tms[k]) /* clock ticks, 100 a second */
				tprintf(t, " /* %ld.%02ld s */", tms[k] / 100,
					tms[k] % 100);
		}
		tputs(t, "}");
		break;
	}
	case A_OINT:
		print_int_at(t, v);
		break;
	case A_RANDF:
		print_flags(t, random_flags, v, "0");
		break;
	case A_RENAMEF:
		print_flags(t, rename_flags, v, "0");
		break;
	case A_PRCTL:
		if (!print_enum(t, prctl_opts, v))
			tprintf(t, "%#lx /* PR_??? */", v);
		if (v == 15) { /* PR_SET_NAME: the next argument */
			tputs(t, ", ");
			print_str(t, t->args[1], 0, true, 15);
		} else if (v == 16) {
			tputs(t, ", ");
			print_ptr(t, t->args[1]);
		}
		break;
	case A_PTRACEREQ:
		if (!print_enum(t, ptrace_reqs, v))
			tprintf(t, "%#lx /* PTRACE_??? */", v);
		break;
	case A_MKNODMODE:
		print_mode(t, v);
		break;
	case A_DEV:
		print_dev(t, v);
		break;
	case A_PRIOWHICH:
		if (!print_enum(t, prio_whichs, v))
			tprintf(t, "%d", (int)v);
		break;
	case A_SCHEDPOLICY:
		if (!print_enum(t, sched_policies, v))
			tprintf(t, "%d", (int)v);
		break;
	case A_SCHEDPARAM:
	case A_OSCHEDPARAM: {
		int prio;
		if (!v || read_mem(t->pid, v, &prio, sizeof(prio)) < 0)
			print_ptr(t, v);
		else
			tprintf(t, "[%d]", prio);
		break;
	}
	case A_MOUNTF:
		print_flags(t, mount_flags, v, "0");
		break;
	case A_UMOUNTF:
		print_flags(t, umount_flags, v, "0");
		break;
	case A_CPUSET:
	case A_OCPUSET: {
		unsigned long mask;
		if (!v || read_mem(t->pid, v, &mask, sizeof(mask)) < 0) {
			print_ptr(t, v);
			break;
		}
		tputs(t, "[");
		for (int cpu = 0, first = 1; cpu < 64; cpu++) {
			if (mask & (1UL << cpu)) {
				tprintf(t, "%s%d", first ? "" : " ", cpu);
				first = 0;
			}
		}
		tputs(t, "]");
		break;
	}
	default:
		tprintf(t, "%#lx", v);
	}
}

/* ---- the result ----------------------------------------------------- */

void print_return(struct tracee *t, long ret)
{
	bool known = t->nr >= 0 && t->nr < NR_SYSCALL_TABLE &&
		     syscall_table[t->nr].name;
	if (ret < 0 && ret >= -4095) {
		int err = (int)-ret;
		const char *name = errno_name(err);
		if (err >= 512 && err <= 516 && name)
			tprintf(t, "? %s (%s)", name, errno_message(err));
		else if (name)
			tprintf(t, "-1 %s (%s)", name, errno_message(err));
		else
			tprintf(t, "-1 E??? (errno %d)", err);
		return;
	}
	if (!known) {
		tprintf(t, "%ld", ret);
		return;
	}
	if (t->nr == 72) { /* fcntl */
		switch (t->args[1]) {
		case F_GETFD:
			if (ret) {
				tprintf(t, "%#lx (flags ", ret);
				print_flags(t, fd_flags, ret, "0");
				tputs(t, ")");
			} else {
				tputs(t, "0");
			}
			return;
		case F_GETFL:
			tprintf(t, "%#lx (flags ", ret);
			print_oflags(t, ret);
			tputs(t, ")");
			return;
		case F_DUPFD:
		case 1030:
			print_fd(t, ret);
			return;
		}
	}
	if ((t->nr == 23 || t->nr == 270) && ret > 0) { /* select */
		print_select_result(t, ret);
		return;
	}
	if ((t->nr == 23 || t->nr == 270) && ret == 0) {
		tputs(t, "0 (Timeout)");
		return;
	}
	if ((t->nr == 7 || t->nr == 271) && ret >= 0) { /* poll, ppoll */
		tprintf(t, "%ld", ret);
		if (ret == 0) {
			tputs(t, " (Timeout)");
		} else {
			tputs(t, " (");
			print_pollfds(t, t->args[0], (long)t->args[1], true);
			tputs(t, ")");
		}
		return;
	}
	if (t->nr == 201 && ret >= 0) { /* time: and the date */
		char date[64];
		struct tm tm;
		time_t sec = ret;
		tprintf(t, "%ld", ret);
		if (localtime_r(&sec, &tm) &&
		    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S%z", &tm))
			tprintf(t, " (%s)", date);
		return;
	}
	switch (syscall_table[t->nr].ret) {
	case R_HEX:
		tprintf(t, "%#lx", ret);
		break;
	case R_FD:
		print_fd(t, ret);
		break;
	case R_OCT:
		tprintf(t, "%#03lo", ret);
		break;
	case R_SIG:
		tprintf(t, "%ld (%s)", ret, signal_name((int)ret));
		break;
	case R_SCHEDPOLICY:
		if (!print_enum(t, sched_policies, ret))
			tprintf(t, "%ld", ret);
		else
			tprintf(t, " (%ld)", ret);
		break;
	default:
		tprintf(t, "%ld", ret);
	}
}
