/*
 * t_trace: the fault counters and the tracer (docs/tracing.md).
 *
 * Everywhere: getrusage's ru_minflt grows by at least N when N fresh
 * pages are touched, RUSAGE_CHILDREN gets a reaped child's faults, and
 * /proc/PID/stat's minflt (field 10) agrees with getrusage; a zombie's
 * stat keeps its counts. On Kestrel also /dev/trace: N fresh pages give
 * exactly N demand-zero mm:page_fault events of this pid in the area;
 * a flood of events overruns the ring and the reader is told how many
 * it lost; tracing switched on and off while other processes fault.
 */
#include "t.h"

#include <poll.h>
#include <sys/mman.h>
#include <sys/resource.h>

#define PAGE 4096
#define PAGES 64

static char *fresh(long pages)
{
	char *p = mmap(NULL, (size_t)pages * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	return p;
}

static void touch(char *p, long pages)
{
	for (long i = 0; i < pages; i++)
		((volatile char *)p)[i * PAGE] = 1;
}

static long minflt_self(void)
{
	struct rusage ru;

	CHECK_OK(getrusage(RUSAGE_SELF, &ru));
	return ru.ru_minflt;
}

/* Field 10 (minflt) or 11 (cminflt) of /proc/pid/stat, or -1. */
static long stat_field(pid_t pid, int field)
{
	char path[64], buf[1024], *p;
	long v = -1;
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* field 2, the name, may hold spaces */
	for (int f = 2; p && f < field; f++)
		p = strchr(p + 1, ' ');
	if (p)
		v = strtol(p + 1, NULL, 10);
	return v;
}

static void rusage_counts_fresh_pages(void)
{
	long before = minflt_self();

	touch(fresh(PAGES), PAGES);
	CHECK(minflt_self() - before >= PAGES);
	CHECK(stat_field(getpid(), 10) >= minflt_self() - 2);
}

static void children_faults_are_kept(void)
{
	struct rusage ru;
	long before, zombie;
	pid_t pid;
	int status;

	CHECK_OK(getrusage(RUSAGE_CHILDREN, &ru));
	before = ru.ru_minflt;
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		touch(fresh(PAGES), PAGES);
		_exit(0);
	}
	CHECK_EQ(waitid(P_PID, (id_t)pid, NULL, WEXITED | WNOWAIT), 0);
	zombie = stat_field(pid, 10);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK_OK(getrusage(RUSAGE_CHILDREN, &ru));
	CHECK(ru.ru_minflt - before >= PAGES);
	CHECK(stat_field(getpid(), 11) >= ru.ru_minflt);
	if (t_on_linux())
		return; /* Linux's zombie stat reads 0 faults, as it may */
	CHECK(zombie >= PAGES);
}

static int trace_open(const char *events)
{
	int fd = open("/dev/trace", O_RDWR | O_NONBLOCK);

	CHECK(fd >= 0);
	if (fd >= 0)
		CHECK_EQ(write(fd, events, strlen(events)),
			 (ssize_t)strlen(events));
	return fd;
}

/* Count the lines of fd holding want (and "# lost" into *lost), in at
 * most reads reads: with raw_syscalls on, reading makes more to read. */
static long count_lines(int fd, const char *want, long *lost, int reads)
{
	static char buf[16384];
	long n = 0;
	ssize_t got;

	while (reads-- > 0 && (got = read(fd, buf, sizeof(buf) - 1)) > 0) {
		char *line = buf, *nl;

		buf[got] = '\0';
		for (; (nl = strchr(line, '\n')); line = nl + 1) {
			long l;

			*nl = '\0';
			if (lost && sscanf(line, "# lost %ld", &l) == 1)
				*lost += l;
			else if (strstr(line, want))
				n++;
		}
	}
	return n;
}

static void trace_counts_demand_zero(void)
{
	char *p;
	int fd;

	if (t_on_linux()) {
		t_kestrel_only("/dev/trace");
		return;
	}
	fd = trace_open("mm:page_fault\n");
	p = fresh(PAGES);
	touch(p, PAGES);
	CHECK_EQ(write(fd, "!mm:page_fault\n", 15), 15);
	/* Each of our events in the area: "PID [...] addr=0x... kind=..." */
	{
		static char buf[65536];
		long zero = 0, other = 0;
		ssize_t got;

		while ((got = read(fd, buf, sizeof(buf) - 1)) > 0) {
			char *line = buf, *nl;

			buf[got] = '\0';
			for (; (nl = strchr(line, '\n')); line = nl + 1) {
				unsigned long addr;
				int pid;
				char kind[32];
				const char *f = strstr(line, "addr=");

				*nl = '\0';
				if (sscanf(line, "%d", &pid) != 1 ||
				    pid != getpid() || !f ||
				    sscanf(f, "addr=%lx ip=%*x kind=%31s",
					   &addr, kind) != 2 ||
				    addr < (unsigned long)p ||
				    addr >= (unsigned long)p + PAGES * PAGE)
					continue;
				if (strcmp(kind, "demand-zero") == 0)
					zero++;
				else
					other++;
			}
		}
		CHECK_EQ(zero, PAGES);
		CHECK_EQ(other, 0);
	}
	close(fd);
}

static void flood_overruns_with_a_count(void)
{
	long lost = 0, seen;
	int fd;

	if (t_on_linux()) {
		t_kestrel_only("/dev/trace overruns");
		return;
	}
	fd = trace_open("mm:page_fault\n");
	touch(fresh(4 * 2048), 4 * 2048); /* twice any CPU's ring */
	CHECK_EQ(write(fd, "!mm:page_fault\n", 15), 15);
	seen = count_lines(fd, "mm:page_fault", &lost, 1 << 20);
	CHECK(lost > 0);
	CHECK(seen > 0);
	CHECK(seen + lost >= 4 * 2048);
	close(fd);
}

/* Children fault in a loop while the parent switches every tracepoint
 * on and off and reads: nothing hangs, every child ends well. */
static void on_and_off_under_load(void)
{
	pid_t kids[3];
	int fd, status;

	if (t_on_linux()) {
		t_kestrel_only("/dev/trace under load");
		return;
	}
	fd = trace_open("!*:*\n");
	for (int i = 0; i < 3; i++) {
		kids[i] = fork();
		CHECK(kids[i] >= 0);
		if (kids[i] == 0) {
			for (int round = 0; round < 20; round++) {
				char *p = fresh(32);

				touch(p, 32);
				munmap(p, 32 * PAGE);
			}
			_exit(0);
		}
	}
	for (int round = 0; round < 40; round++) {
		CHECK_EQ(write(fd, round % 2 ? "!*:*\n" : "*:*\n",
			       round % 2 ? 5 : 4),
			 round % 2 ? 5 : 4);
		count_lines(fd, "", NULL, 8);
	}
	CHECK_EQ(write(fd, "!*:*\n", 5), 5);
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(waitpid(kids[i], &status, 0), kids[i]);
		CHECK_EQ(status, 0);
	}
	close(fd);
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 120);
	RUN(rusage_counts_fresh_pages);
	RUN(children_faults_are_kept);
	RUN(trace_counts_demand_zero);
	RUN(flood_overruns_with_a_count);
	RUN(on_and_off_under_load);
	return t_end();
}
