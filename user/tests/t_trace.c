/*
 * t_trace: the fault counters and the tracer (docs/tracing.md).
 *
 * Everywhere: getrusage's ru_minflt grows by at least N when N fresh
 * pages are touched, RUSAGE_CHILDREN gets a reaped child's faults, and
 * /proc/PID/stat's minflt (field 10) agrees with getrusage; a zombie's
 * stat keeps its counts. On Kestrel also /dev/trace: N fresh pages give
 * exactly N demand-zero mm:page_fault events of this pid in the area;
 * a flood of events overruns the ring and the reader is told how many
 * it lost; tracing switched on and off while other processes fault;
 * an fsync'd file's block requests, each issue paired with its
 * completion; UDP datagrams over lo as net_tx and net_rx events of the
 * right length and protocol.
 */
#include "t.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
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

/* Call fn for each line fd has now (O_NONBLOCK: until EAGAIN), in at
 * most reads reads. */
static void each_line(int fd, void (*fn)(const char *line), int reads)
{
	static char buf[16384];
	size_t have = 0;
	ssize_t got;

	while (reads-- > 0 &&
	       (got = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
		char *line = buf, *nl;

		have += (size_t)got;
		buf[have] = '\0';
		for (; (nl = strchr(line, '\n')); line = nl + 1) {
			*nl = '\0';
			fn(line);
		}
		have -= (size_t)(line - buf);
		memmove(buf, line, have);
	}
}

/* The time stamp of an event line, "PID [CPU] SEC.NSEC: ...", in ns. */
static long long event_ns(const char *line)
{
	unsigned long s, ns;

	if (sscanf(line, "%*d [%*d] %lu.%lu:", &s, &ns) != 2)
		return -1;
	return (long long)s * 1000000000LL + (long long)ns;
}

#define MAX_REQUESTS 512
#define BLOCK_FILE (64 * 1024)

static struct issued {
	char dev[16];
	unsigned long sector, bytes;
	long long at;
	int write, completed;
} issued[MAX_REQUESTS];
static int nissued, block_bad;
static unsigned long completed_write_bytes;

static void block_line(const char *line)
{
	const char *e = strstr(line, ": block:");
	char dev[16], rw[16];
	unsigned long sector, bytes;
	long error, latency;
	long long at = event_ns(line);

	if (!e)
		return;
	if (sscanf(e,
		   ": block:block_rq_issue dev=%15s sector=%lu bytes=%lu "
		   "rw=%15s",
		   dev, &sector, &bytes, rw) == 4) {
		if (bytes == 0 || bytes % 512 || nissued == MAX_REQUESTS) {
			block_bad++;
			return;
		}
		snprintf(issued[nissued].dev, sizeof(issued[0].dev), "%s", dev);
		issued[nissued].sector = sector;
		issued[nissued].bytes = bytes;
		issued[nissued].at = at;
		issued[nissued].write = strcmp(rw, "write") == 0;
		issued[nissued++].completed = 0;
		return;
	}
	if (sscanf(e,
		   ": block:block_rq_complete dev=%15s sector=%lu bytes=%lu "
		   "error=%ld latency_ns=%ld",
		   dev, &sector, &bytes, &error, &latency) != 5) {
		block_bad++;
		return;
	}
	/* A request issued before block:* was on has no latency, and no
	 * issue event to pair with. */
	for (int i = 0; latency >= 0 && i < nissued; i++) {
		struct issued *r = &issued[i];

		if (r->completed || r->sector != sector || r->bytes != bytes ||
		    strcmp(r->dev, dev) != 0)
			continue;
		r->completed = 1;
		if (error != 0 || latency <= 0 || at < r->at)
			block_bad++;
		if (r->write)
			completed_write_bytes += bytes;
		return;
	}
	if (latency >= 0)
		block_bad++; /* a completion without its issue */
}

static void block_requests_pair_up(void)
{
	static char data[BLOCK_FILE];
	int fd, out;

	if (t_on_linux()) {
		t_kestrel_only("block tracepoints");
		return;
	}
	memset(data, 'b', sizeof(data));
	fd = trace_open("block:*\n");
	out = open("blk", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	CHECK(out >= 0);
	CHECK_EQ(write(out, data, sizeof(data)), (ssize_t)sizeof(data));
	CHECK_OK(fsync(out));
	CHECK_OK(close(out));
	CHECK_EQ(write(fd, "!block:*\n", 9), 9);
	each_line(fd, block_line, 1 << 12);
	CHECK_EQ(block_bad, 0);
	CHECK(nissued > 0);
	CHECK(completed_write_bytes >= BLOCK_FILE);
	CHECK_OK(unlink("blk"));
	close(fd);
}

#define DATAGRAMS 5
#define UDP_IP_ETH (8 + 20 + 14) /* the headers below a UDP payload */

static long net_tx[DATAGRAMS], net_rx[DATAGRAMS];
static int net_bad;

static void net_line(const char *line)
{
	const char *e = strstr(line, ": net:net_");
	char dir[4], dev[16], proto[16];
	long len;
	int pid;

	if (!e || sscanf(line, "%d", &pid) != 1 ||
	    sscanf(e, ": net:net_%2s dev=%15s len=%ld protocol=%15s", dir, dev,
		   &len, proto) != 4) {
		net_bad += e != NULL;
		return;
	}
	if (strcmp(dev, "lo") != 0 || strcmp(proto, "udp") != 0)
		return;
	for (int i = 0; i < DATAGRAMS; i++)
		if (len == 100 * (i + 1) + UDP_IP_ETH) {
			if (strcmp(dir, "tx") == 0 && pid == getpid())
				net_tx[i]++;
			else if (strcmp(dir, "rx") == 0)
				net_rx[i]++;
		}
}

static void udp_on_lo_is_traced(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	char buf[1024] = { 0 };
	int fd, s;

	if (t_on_linux()) {
		t_kestrel_only("net tracepoints");
		return;
	}
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(s >= 0);
	CHECK_OK(bind(s, (struct sockaddr *)&a, sizeof(a)));
	CHECK_OK(getsockname(s, (struct sockaddr *)&a, &alen));
	fd = trace_open("net:*\n");
	for (int i = 0; i < DATAGRAMS; i++) {
		size_t n = 100 * (size_t)(i + 1);

		CHECK_EQ(sendto(s, buf, n, 0, (struct sockaddr *)&a, sizeof(a)),
			 (ssize_t)n);
		CHECK_EQ(recv(s, buf, sizeof(buf), 0), (ssize_t)n);
	}
	CHECK_EQ(write(fd, "!net:*\n", 7), 7);
	each_line(fd, net_line, 1 << 12);
	CHECK_EQ(net_bad, 0);
	for (int i = 0; i < DATAGRAMS; i++) {
		CHECK_EQ(net_tx[i], 1);
		CHECK_EQ(net_rx[i], 1);
	}
	close(s);
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
	RUN(block_requests_pair_up);
	RUN(udp_on_lo_is_traced);
	return t_end();
}
