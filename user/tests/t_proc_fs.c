/*
 * t_proc_fs: /proc's files in Linux's formats. /proc/self/stat has 52
 * fields with this process's pid, name, parent, group and session;
 * another process's stat shows it sleeping, stopped and a zombie, and
 * once it is reaped its directory is gone and an open stat file says
 * ESRCH; /proc/self/status names the process and its blocked,
 * ignored and caught signals;
 * cmdline is argv; maps has [stack] and the program's code (by its
 * inode); meminfo has
 * MemTotal and MemFree in kB; uptime grows; mounts has "/" and /proc;
 * /proc/self is a link to the pid; readdir lists the pids; a file read
 * in pieces or after lseek is the same text; mmap of a /proc file is
 * ENODEV; every file of every process reads while processes come and go.
 * /proc/PID/fd lists the open descriptors, each a link to the file's
 * absolute path (a pipe's "pipe:[INO]", a deleted file's " (deleted)")
 * whose permission bits say how it is open, and which opens the very
 * file even once it has no name; cwd and exe are links to the working
 * directory and the program, in this process and in another.
 */
#include "t.h"
#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/stat.h>

static int g_argc;
static char **g_argv;

/* Read all of path into buf (NUL-terminated), piece bytes a read:
 * the length, or -1. */
static long read_file(const char *path, char *buf, size_t size, size_t piece)
{
	long len = 0, n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while ((size_t)len < size - 1 &&
	       (n = read(fd, buf + len,
			 piece < size - 1 - len ? piece : size - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	return len;
}

/* Field n (1-based) of a stat line, as a number; the fields after the
 * "(comm)" are counted from its last ')', since comm may hold spaces. */
static long long stat_field(const char *stat, int n)
{
	const char *p = strrchr(stat, ')');

	if (!p)
		return -1;
	p++;
	for (int i = 3; i <= n; i++) {
		while (*p == ' ')
			p++;
		if (i == n)
			return i == 3 ? *p : strtoll(p, NULL, 10);
		while (*p && *p != ' ')
			p++;
	}
	return -1;
}

static int stat_fields(const char *stat)
{
	const char *p = strrchr(stat, ')');
	int n = 2;

	for (; p && *p && *p != '\n'; p++)
		n += *p == ' ';
	return n;
}

static char state_of(pid_t pid)
{
	char path[64], buf[1024];

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_file(path, buf, sizeof(buf), sizeof(buf)) <= 0)
		return '?';
	return (char)stat_field(buf, 3);
}

static void self_stat(void)
{
	char buf[1024], want[64];
	long n = read_file("/proc/self/stat", buf, sizeof(buf), sizeof(buf));

	CHECK(n > 0 && buf[n - 1] == '\n');
	snprintf(want, sizeof(want), "%d (t_proc_fs) ", (int)getpid());
	CHECK(strncmp(buf, want, strlen(want)) == 0);
	CHECK_EQ(stat_fields(buf), 52);
	CHECK_EQ(stat_field(buf, 3), 'R');
	CHECK_EQ(stat_field(buf, 4), getppid());
	CHECK_EQ(stat_field(buf, 5), getpgrp());
	CHECK_EQ(stat_field(buf, 6), getsid(0));
	CHECK_EQ(stat_field(buf, 18), 20); /* priority at nice 0 */
	CHECK_EQ(stat_field(buf, 20), 1);  /* threads */
	CHECK(stat_field(buf, 22) >= 0);   /* start time, in ticks */
}

/* A child in each state: sleeping, stopped, a zombie, then gone. */
static void other_process_states(void)
{
	char path[64], buf[1024];
	int status, fd;
	pid_t pid = fork();

	if (pid == 0) {
		pause();
		_exit(0);
	}
	usleep(50 * 1000);
	CHECK_EQ(state_of(pid), 'S');
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	CHECK(read_file(path, buf, sizeof(buf), 16) > 0);
	CHECK_EQ(stat_field(buf, 4), getpid());
	CHECK_OK(kill(pid, SIGSTOP));
	CHECK_EQ(waitpid(pid, &status, WUNTRACED), pid);
	CHECK_EQ(state_of(pid), 'T');
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0);
	CHECK_OK(kill(pid, SIGKILL));
	CHECK_EQ(waitid(P_PID, pid, NULL, WEXITED | WNOWAIT), 0);
	CHECK_EQ(state_of(pid), 'Z');
	CHECK_EQ(t_wait(pid), SIGKILL);
	CHECK_ERR(read(fd, buf, sizeof(buf)), ESRCH);
	close(fd);
	CHECK_ERR(open(path, O_RDONLY), ENOENT);
}

/* The hexadecimal mask on status's line "name:\t...". */
static unsigned long long status_mask(const char *buf, const char *name)
{
	char key[32];
	const char *p;

	snprintf(key, sizeof(key), "\n%s:\t", name);
	p = strstr(buf, key);
	return p ? strtoull(p + strlen(key), NULL, 16) : 0;
}

static void on_signal(int sig)
{
	(void)sig;
}

static void self_status(void)
{
	char buf[4096], want[64];
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	CHECK(read_file("/proc/self/status", buf, sizeof(buf), 100) > 0);
	CHECK(strncmp(buf, "Name:\tt_proc_fs\n", 16) == 0);
	CHECK(strstr(buf, "\nState:\tR (running)\n") != NULL);
	snprintf(want, sizeof(want), "\nPid:\t%d\nPPid:\t%d\n", (int)getpid(),
		 (int)getppid());
	CHECK(strstr(buf, want) != NULL);
	CHECK(strstr(buf, "\nUid:\t") != NULL);
	CHECK(strstr(buf, "\nThreads:\t1\n") != NULL);
	CHECK(strstr(buf, "\nVmRSS:\t") != NULL);
	CHECK(status_mask(buf, "SigBlk") & (1ULL << (SIGUSR1 - 1)));
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void status_signal_masks(void)
{
	char buf[4096];

	signal(SIGUSR2, SIG_IGN);
	signal(SIGHUP, on_signal);
	CHECK(read_file("/proc/self/status", buf, sizeof(buf), 4096) > 0);
	CHECK(status_mask(buf, "SigIgn") & (1ULL << (SIGUSR2 - 1)));
	CHECK(status_mask(buf, "SigCgt") & (1ULL << (SIGHUP - 1)));
	CHECK_EQ(status_mask(buf, "SigCgt") & (1ULL << (SIGUSR2 - 1)), 0);
	signal(SIGUSR2, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
}

static void cmdline_is_argv(void)
{
	char buf[4096], want[4096];
	long n = read_file("/proc/self/cmdline", buf, sizeof(buf), 3);
	size_t len = 0;

	for (int i = 0; i < g_argc; i++) {
		size_t k = strlen(g_argv[i]) + 1;

		memcpy(want + len, g_argv[i], k);
		len += k;
	}
	CHECK_EQ(n, len);
	CHECK(memcmp(buf, want, len) == 0);
}

/* Every line "start-end perms offset dev inode [path]", the stack and
 * the program among them (known by its inode number: Kestrel's file
 * mappings have no path). */
static void maps_lines(void)
{
	char line[512], perms[8], path[400];
	unsigned long start, end, off, inode;
	unsigned major, minor;
	int lines = 0, bad = 0, stack = 0, program = 0;
	struct stat st;
	FILE *f = fopen("/proc/self/maps", "r");

	CHECK_OK(stat(t_self, &st));
	CHECK(f != NULL);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		int k;

		path[0] = '\0';
		k = sscanf(line, "%lx-%lx %7s %lx %x:%x %lu %399s", &start,
			   &end, perms, &off, &major, &minor, &inode, path);
		lines++;
		bad += k < 7 || start >= end || strlen(perms) != 4;
		stack += strcmp(path, "[stack]") == 0;
		program += k >= 7 && inode == st.st_ino && perms[2] == 'x';
	}
	fclose(f);
	CHECK(lines >= 3);
	CHECK_EQ(bad, 0);
	CHECK_EQ(stack, 1);
	CHECK(program >= 1);
}

static long meminfo_value(const char *buf, const char *name)
{
	const char *p = strstr(buf, name);
	long v = -1;
	char unit[8] = "";

	if (p && p[strlen(name)] == ':' &&
	    sscanf(p + strlen(name) + 1, "%ld %7s", &v, unit) == 2 &&
	    strcmp(unit, "kB") == 0)
		return v;
	return -1;
}

static void meminfo_figures(void)
{
	char buf[8192];
	long total, free;

	CHECK(read_file("/proc/meminfo", buf, sizeof(buf), 8192) > 0);
	CHECK(strncmp(buf, "MemTotal:", 9) == 0);
	total = meminfo_value(buf, "MemTotal");
	free = meminfo_value(buf, "MemFree");
	CHECK(total > 0);
	CHECK(free > 0 && free <= total);
	CHECK(meminfo_value(buf, "MemAvailable") >= 0);
}

static double uptime_now(void)
{
	char buf[128];
	double up = -1, idle = -1;

	if (read_file("/proc/uptime", buf, sizeof(buf), 128) <= 0 ||
	    sscanf(buf, "%lf %lf", &up, &idle) != 2 || idle < 0)
		return -1;
	return up;
}

static void uptime_grows(void)
{
	double a = uptime_now(), b;

	usleep(60 * 1000);
	b = uptime_now();
	CHECK(a > 0);
	CHECK(b >= a + 0.05);
	CHECK(b < a + 5);
}

static void mounts_lines(void)
{
	char line[512], src[128], target[256], type[64], opts[256];
	int root = 0, proc = 0, bad = 0, a, b;
	FILE *f = fopen("/proc/mounts", "r");

	CHECK(f != NULL);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %255s %63s %255s %d %d", src, target,
			   type, opts, &a, &b) != 6) {
			bad++;
			continue;
		}
		root += strcmp(target, "/") == 0;
		proc += strcmp(target, "/proc") == 0 &&
			strcmp(type, "proc") == 0;
	}
	fclose(f);
	CHECK_EQ(bad, 0);
	CHECK(root >= 1);
	CHECK(proc >= 1);
}

/* /proc/PID/task/TID holds the thread's files but no task directory of
 * its own, as on Linux: otherwise a walk of /proc (find, du) never ends. */
static void task_dir_has_no_task(void)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/self/task/%d", (int)getpid());
	CHECK_OK(stat(path, &st));
	CHECK(S_ISDIR(st.st_mode));
	snprintf(path, sizeof(path), "/proc/self/task/%d/status",
		 (int)getpid());
	CHECK_OK(stat(path, &st));
	snprintf(path, sizeof(path), "/proc/self/task/%d/task", (int)getpid());
	CHECK_ERR(stat(path, &st), ENOENT);
}

static void self_link(void)
{
	char link[32], want[32];
	ssize_t n = readlink("/proc/self", link, sizeof(link) - 1);

	snprintf(want, sizeof(want), "%d", (int)getpid());
	CHECK_EQ(n, strlen(want));
	if (n > 0) {
		link[n] = '\0';
		CHECK(strcmp(link, want) == 0);
	}
}

static void readdir_lists_pids(void)
{
	char me[32];
	int self = 0, mine = 0, numbers = 0, files = 0;
	struct dirent *e;
	DIR *d = opendir("/proc");

	CHECK(d != NULL);
	if (!d)
		return;
	snprintf(me, sizeof(me), "%d", (int)getpid());
	while ((e = readdir(d))) {
		self += strcmp(e->d_name, "self") == 0;
		mine += strcmp(e->d_name, me) == 0 && e->d_type == DT_DIR;
		numbers += isdigit((unsigned char)e->d_name[0]) != 0;
	}
	closedir(d);
	CHECK_EQ(self, 1);
	CHECK_EQ(mine, 1);
	CHECK(numbers >= 2); /* init and us at least */
	d = opendir("/proc/self");
	CHECK(d != NULL);
	if (!d)
		return;
	while ((e = readdir(d)))
		files += strcmp(e->d_name, "stat") == 0 ||
			 strcmp(e->d_name, "status") == 0 ||
			 strcmp(e->d_name, "cmdline") == 0 ||
			 strcmp(e->d_name, "maps") == 0;
	closedir(d);
	CHECK_EQ(files, 4);
}

/* /proc/version changes while nothing boots: the same text whole, in
 * 3-byte reads, and from an offset. */
static void pieces_and_seek(void)
{
	char whole[1024], pieces[1024], tail[1024];
	long n = read_file("/proc/version", whole, sizeof(whole), 1024);
	int fd;

	CHECK(n > 10);
	CHECK_EQ(read_file("/proc/version", pieces, sizeof(pieces), 3), n);
	CHECK(strcmp(whole, pieces) == 0);
	fd = open("/proc/version", O_RDONLY);
	CHECK_EQ(lseek(fd, 5, SEEK_SET), 5);
	CHECK_EQ(read(fd, tail, sizeof(tail)), n - 5);
	CHECK(memcmp(tail, whole + 5, n - 5) == 0);
	CHECK_EQ(read(fd, tail, sizeof(tail)), 0);
	close(fd);
	CHECK_ERR(open("/proc/version", O_WRONLY | O_CREAT | O_EXCL, 0644),
		  EEXIST);
}

/* What opening or reading a process's file may say besides its text:
 * it is gone (ENOENT, ESRCH), or, on Linux, another process's memory map
 * is not ours to read (EACCES, even for root in a container). */
static int gone_or_private(int err)
{
	return err == ENOENT || err == ESRCH || err == EACCES;
}

/* Read every file of every process listed in /proc while a child makes
 * and reaps short-lived processes: each read gives text, or says the
 * process is gone. */
static int read_all_processes(void)
{
	static const char *const files[] = { "stat", "status", "cmdline",
					     "maps", "statm",  "comm" };
	char path[300], buf[8192];
	int bad = 0;
	ssize_t n;
	struct dirent *e;
	DIR *d = opendir("/proc");

	if (!d)
		return 1;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			int fd;

			snprintf(path, sizeof(path), "/proc/%s/%s", e->d_name,
				 files[i]);
			fd = open(path, O_RDONLY);
			if (fd < 0) {
				bad += !gone_or_private(errno);
				continue;
			}
			while ((n = read(fd, buf, sizeof(buf))) > 0)
				;
			bad += n < 0 && !gone_or_private(errno);
			close(fd);
		}
	}
	closedir(d);
	return bad;
}

static void processes_come_and_go(void)
{
	int bad = 0;
	pid_t churn = fork();

	if (churn == 0) {
		/* A process born and reaped every millisecond or so. Not
		 * faster: /proc lists pids in order and new pids are larger,
		 * so a reader slower than the churn would chase new entries
		 * through readdir for ever (on Linux too). */
		struct timespec pause = { 0, 1000 * 1000 };

		for (;;) {
			pid_t pid = fork();

			if (pid == 0)
				_exit(0);
			if (pid > 0)
				waitpid(pid, NULL, 0);
			nanosleep(&pause, NULL);
		}
	}
	for (int i = 0; i < 30; i++)
		bad += read_all_processes();
	kill(churn, SIGKILL);
	CHECK_EQ(t_wait(churn), SIGKILL);
	CHECK_EQ(bad, 0);
}

/* Text made when read cannot be mapped (on Kestrel a fault on
 * /proc/self/maps would otherwise wait for its own memory's lock). */
static void no_mmap(void)
{
	int fd = open("/proc/self/maps", O_RDONLY);

	CHECK(fd >= 0);
	CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED &&
	      errno == ENODEV);
	close(fd);
}

/* CHECK_TEXT(a, b): two strings must be equal. */
#define CHECK_TEXT(a, b)                                                       \
	do {                                                                   \
		const char *t_sa_ = (a), *t_sb_ = (b);                         \
		if (strcmp(t_sa_, t_sb_) == 0)                                 \
			t_passed++;                                            \
		else                                                           \
			t_fail(__FILE__, __LINE__, "%s: \"%s\" != \"%s\"", #a, \
			       t_sa_, t_sb_);                                  \
	} while (0)

/* The target of link path, or "" (errno set) if it has none. */
static const char *link_of(const char *path)
{
	static char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

static const char *fd_link(pid_t pid, int fd)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
	return link_of(path);
}

static void fd_links(void)
{
	char here[PATH_MAX], want[PATH_MAX + 32], got[PATH_MAX];
	char exe[PATH_MAX], buf[16];
	int fd = open("/etc/passwd", O_RDONLY);
	int rel, wr, p[2], seen = 0;
	struct stat st;
	DIR *d;
	struct dirent *e;

	CHECK(fd >= 0);
	CHECK_TEXT(fd_link(getpid(), fd), "/etc/passwd");
	snprintf(got, sizeof(got), "/dev/fd/%d", fd); /* a link to here */
	CHECK_TEXT(link_of(got), "/etc/passwd");
	CHECK(link_of("/proc/self/fd/0")[0] != '\0'); /* whatever it is */
	/* A relative name, from the scratch directory. */
	CHECK(getcwd(here, sizeof(here)) != NULL);
	CHECK_TEXT(link_of("/proc/self/cwd"), here);
	wr = open("new", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	rel = open("./new", O_RDWR);
	CHECK(wr >= 0 && rel >= 0);
	snprintf(want, sizeof(want), "%s/new", here);
	CHECK_TEXT(fd_link(getpid(), wr), want);
	CHECK_TEXT(fd_link(getpid(), rel), want);
	/* How each is open: r-x, -wx, rwx for the owner. */
	snprintf(got, sizeof(got), "/proc/self/fd/%d", fd);
	CHECK_OK(lstat(got, &st));
	CHECK(S_ISLNK(st.st_mode));
	CHECK_EQ(st.st_mode & 0777, 0500);
	snprintf(got, sizeof(got), "/proc/self/fd/%d", wr);
	CHECK_OK(lstat(got, &st));
	CHECK_EQ(st.st_mode & 0777, 0300);
	snprintf(got, sizeof(got), "/proc/self/fd/%d", rel);
	CHECK_OK(lstat(got, &st));
	CHECK_EQ(st.st_mode & 0777, 0700);
	/* Removed, it is "(deleted)", and still opens through the link. */
	CHECK_EQ(write(wr, "kept", 4), 4);
	CHECK_OK(unlink("new"));
	strcat(want, " (deleted)");
	CHECK_TEXT(fd_link(getpid(), rel), want);
	snprintf(got, sizeof(got), "/proc/self/fd/%d", rel);
	{
		int again = open(got, O_RDONLY);

		CHECK(again >= 0);
		memset(buf, 0, sizeof(buf));
		CHECK_EQ(read(again, buf, sizeof(buf)), 4);
		CHECK_TEXT(buf, "kept");
		close(again);
	}
	/* Both ends of a pipe name the same pipe, by fstat's inode. */
	CHECK_OK(pipe(p));
	CHECK_OK(fstat(p[0], &st));
	snprintf(want, sizeof(want), "pipe:[%lu]", (unsigned long)st.st_ino);
	CHECK_TEXT(fd_link(getpid(), p[0]), want);
	CHECK_TEXT(fd_link(getpid(), p[1]), want);
	/* The directory lists what is open, and nothing closed. */
	CHECK_EQ(dup2(p[1], 200), 200);
	CHECK_OK(close(200));
	d = opendir("/proc/self/fd");
	CHECK(d != NULL);
	while (d && (e = readdir(d))) {
		int n = atoi(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		CHECK(fcntl(n, F_GETFD) >= 0 || n == dirfd(d));
		seen |= (n == fd) | (n == p[0]) << 1 | (n == 200) << 2;
	}
	if (d)
		closedir(d);
	CHECK_EQ(seen, 3);
	CHECK_ERR(readlink("/proc/self/fd/200", buf, sizeof(buf)), ENOENT);
	/* exe is this program, by its real path. */
	CHECK(realpath(t_self, exe) != NULL);
	CHECK_TEXT(link_of("/proc/self/exe"), exe);
	close(fd);
	close(wr);
	close(rel);
	close(p[0]);
	close(p[1]);
}

/* Another process's links: a child that opened a file and waits. */
static void other_process_fd(void)
{
	char want[PATH_MAX + 16], exe[PATH_MAX];
	int ready[2], hold[2];
	pid_t pid;
	char c;

	CHECK_OK(pipe(ready));
	CHECK_OK(pipe(hold));
	pid = fork();
	if (pid == 0) {
		int fd = open("/etc/group", O_RDONLY);

		close(ready[0]);
		close(hold[1]);
		/* Ends up as descriptor 9, its number told to the parent. */
		if (fd >= 0 && dup2(fd, 9) == 9 && chdir("/etc") == 0 &&
		    write(ready[1], "x", 1) == 1)
			(void)read(hold[0], &c, 1);
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	CHECK_EQ(read(ready[0], &c, 1), 1);
	CHECK_TEXT(fd_link(pid, 9), "/etc/group");
	snprintf(want, sizeof(want), "/proc/%d/cwd", (int)pid);
	CHECK_TEXT(link_of(want), "/etc");
	snprintf(want, sizeof(want), "/proc/%d/exe", (int)pid);
	CHECK(realpath(t_self, exe) != NULL);
	CHECK_TEXT(link_of(want), exe);
	close(hold[1]);
	CHECK_EQ(t_wait(pid), 0);
	close(ready[0]);
	/* Reaped, it has no links. */
	CHECK_ERR(readlink(want, exe, sizeof(exe)), ENOENT);
}

int main(int argc, char **argv)
{
	g_argc = argc;
	g_argv = argv;
	t_begin(argv[0], 120);
	RUN(self_stat);
	RUN(other_process_states);
	RUN(self_status);
	RUN(status_signal_masks);
	RUN(cmdline_is_argv);
	RUN(maps_lines);
	RUN(meminfo_figures);
	RUN(uptime_grows);
	RUN(mounts_lines);
	RUN(self_link);
	RUN(task_dir_has_no_task);
	RUN(readdir_lists_pids);
	RUN(pieces_and_seek);
	RUN(no_mmap);
	RUN(processes_come_and_go);
	RUN(fd_links);
	RUN(other_process_fd);
	return t_end();
}
