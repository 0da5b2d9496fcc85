/*
 * t_ring: the ring device, /dev/ring0 .. ring3 (kernel/drivers/ring.c,
 * docs/drivers.md), from user space: FIFO order and exact byte counts,
 * the empty and the full ring with and without O_NONBLOCK, poll waking a
 * waiter, signals waking a sleeping reader or writer (EINTR, SA_RESTART),
 * the capacity rules, every ioctl with good and bad arguments, statistics
 * that match what the test did exactly, 4 writers and 4 readers moving
 * data through a small ring and through a ring of capacity 1, and
 * processes killed or files closed while others sleep on the ring.
 *
 * Linux has no ring device: there every case is skipped. Each case uses
 * /dev/ring2 from a reset, with the capacity it needs.
 */
#include "t.h"

#include <kestrel/ring.h>
#include <poll.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>

#define DEV "/dev/ring2"

/* The concurrency runs (concurrency_small, concurrency_capacity_1). */
#define WRITERS 4
#define READERS 4
#define SMALL_CAPACITY 1024
#define SMALL_BYTES (64 << 20)           /* 64 MiB in all */
#define RESIZE_BYTES (16 << 20)          /* with capacity changes */
#define RECORDS_PER_WRITE 16             /* 256 bytes: atomic */
#define TINY_BYTES_PER_WRITER (64 << 10) /* 256 KiB in all */
#define RECORD_MAGIC 0x52494e47U         /* "RING" */

static int open_ring(int flags)
{
	int fd = open(DEV, flags);

	if (fd < 0)
		t_fail(__FILE__, __LINE__, "open %s: %s", DEV, strerror(errno));
	return fd;
}

/* Empty the ring, zero its counts and set its capacity. */
static void fresh(uint32_t capacity)
{
	int fd = open_ring(O_RDONLY | O_NONBLOCK);

	CHECK_OK(ioctl(fd, RING_RESET));
	CHECK_OK(ioctl(fd, RING_SET_CAPACITY, &capacity));
	close(fd);
}

/* The ring's statistics, through a file of its own: so readers counts
 * one more than the test has open (STATS_READER). */
#define STATS_READER 1
static struct ring_stats stats(void)
{
	struct ring_stats st;
	int fd = open_ring(O_RDONLY | O_NONBLOCK);

	memset(&st, 0xff, sizeof(st));
	CHECK_OK(ioctl(fd, RING_GET_STATS, &st));
	close(fd);
	return st;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pause_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}

/* ---- the nodes, FIFO, empty and full, the end of file --------------------- */

static void device_nodes(void)
{
	struct stat st;
	char name[32];

	for (int i = 0; i < RING_DEVICES; i++) {
		snprintf(name, sizeof(name), "/dev/ring%d", i);
		CHECK_OK(stat(name, &st));
		CHECK(S_ISCHR(st.st_mode));
		CHECK_EQ(st.st_mode & 0777, 0666);
		CHECK_EQ(major(st.st_rdev), RING_MAJOR);
		CHECK_EQ(minor(st.st_rdev), i);
	}
	snprintf(name, sizeof(name), "/dev/ring%d", RING_DEVICES);
	CHECK_ERR(stat(name, &st), ENOENT);
}

static void fifo_order_and_counts(void)
{
	char buf[64] = { 0 };
	struct ring_stats st;
	int fd;

	fresh(RING_DEFAULT_CAPACITY);
	fd = open_ring(O_RDWR);
	CHECK_EQ(write(fd, "hello", 5), 5);
	CHECK_EQ(write(fd, "world!", 6), 6);
	CHECK_EQ(read(fd, buf, 3), 3);
	CHECK(memcmp(buf, "hel", 3) == 0);
	CHECK_EQ(read(fd, buf, sizeof(buf)), 8);
	CHECK(memcmp(buf, "loworld!", 8) == 0);
	CHECK_EQ(read(fd, buf, 0), 0);
	CHECK_EQ(write(fd, buf, 0), 0);
	st = stats();
	CHECK_EQ(st.capacity, RING_DEFAULT_CAPACITY);
	CHECK_EQ(st.stored, 0);
	CHECK_EQ(st.bytes_written, 11);
	CHECK_EQ(st.bytes_read, 11);
	CHECK_EQ(st.writes, 2);
	CHECK_EQ(st.reads, 2);
	CHECK_EQ(st.write_waits, 0);
	CHECK_EQ(st.write_refusals, 0);
	CHECK_EQ(st.high_water, 11);
	CHECK_EQ(st.readers, 1 + STATS_READER);
	CHECK_EQ(st.writers, 1);
	close(fd);
	st = stats();
	CHECK_EQ(st.readers, 0 + STATS_READER);
	CHECK_EQ(st.writers, 0);
}

static void empty_and_full_nonblocking(void)
{
	char buf[32];
	struct ring_stats st;
	int fd, rd;

	fresh(16);
	fd = open_ring(O_RDWR | O_NONBLOCK);
	CHECK_ERR(read(fd, buf, 1), EAGAIN);
	CHECK_EQ(write(fd, "0123456789abcdef", 16), 16);
	CHECK_ERR(write(fd, "x", 1), EAGAIN); /* full */
	CHECK_EQ(read(fd, buf, 6), 6);
	CHECK_ERR(write(fd, "0123456789", 10), EAGAIN);     /* 6 free < 10 */
	CHECK_EQ(write(fd, "ABCDEFGHIJKLMNOPQRST", 20), 6); /* > capacity */
	CHECK_ERR(write(fd, "ABCDEFGHIJKLMNOPQRST", 20), EAGAIN);
	st = stats();
	CHECK_EQ(st.stored, 16);
	CHECK_EQ(st.bytes_written, 22);
	CHECK_EQ(st.writes, 2);
	CHECK_EQ(st.write_refusals, 4); /* 3 EAGAIN, 1 short count */
	CHECK_EQ(st.write_waits, 0);
	CHECK_EQ(st.high_water, 16);

	/* With the only writer gone, a reader gets what is stored, then the
	 * end of file. */
	rd = open_ring(O_RDONLY);
	close(fd);
	CHECK_EQ(read(rd, buf, sizeof(buf)), 16);
	CHECK(memcmp(buf, "6789abcdefABCDEF", 16) == 0);
	CHECK_EQ(read(rd, buf, sizeof(buf)), 0);
	close(rd);
}

/* A read on an empty ring sleeps until a writer writes; a write on a
 * full ring sleeps until a reader reads; a long write goes in pieces. */
static void blocking_read_and_write(void)
{
	char buf[32] = { 0 };
	struct ring_stats st;
	pid_t pid;
	int rd, wr;

	fresh(8);
	rd = open_ring(O_RDONLY);
	wr = open_ring(O_WRONLY); /* the child's: opened before the read */
	pid = fork();
	if (pid == 0) {
		close(rd);
		pause_ms(200); /* the parent is asleep in read by now */
		if (write(wr, "abcdefgh", 8) != 8)
			_exit(1);
		/* Full: sleeps until the parent reads; 12 > 8 goes in
		 * pieces. */
		_exit(write(wr, "ijklmnopqrst", 12) == 12 ? 0 : 2);
	}
	close(wr);
	CHECK_EQ(read(rd, buf, 8), 8);
	CHECK(memcmp(buf, "abcdefgh", 8) == 0);
	pause_ms(200); /* the child is asleep in write by now */
	st = stats();
	CHECK(st.write_waits >= 1);
	for (size_t got = 0; got < 12;) {
		ssize_t n = read(rd, buf + got, sizeof(buf) - got);

		CHECK(n > 0);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	CHECK(memcmp(buf, "ijklmnopqrst", 12) == 0);
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(read(rd, buf, 1), 0); /* the writer has exited */
	st = stats();
	CHECK_EQ(st.bytes_written, 20);
	CHECK_EQ(st.bytes_read, 20);
	CHECK_EQ(st.writes, 2);
	CHECK_EQ(st.high_water, 8);
	close(rd);
}

/* ---- poll ---------------------------------------------------------------- */

static void poll_wakes_a_waiter(void)
{
	struct pollfd p;
	char c;
	pid_t pid;
	int rd, wr;

	fresh(4);
	rd = open_ring(O_RDONLY | O_NONBLOCK);
	wr = open_ring(O_WRONLY | O_NONBLOCK);
	p = (struct pollfd){ .fd = rd, .events = POLLIN | POLLOUT };
	CHECK_EQ(poll(&p, 1, 0), 0); /* empty, a writer open; read-only */
	p = (struct pollfd){ .fd = rd, .events = POLLIN };
	pid = fork();
	if (pid == 0) {
		pause_ms(200);
		_exit(write(wr, "x", 1) == 1 ? 0 : 1);
	}
	CHECK_EQ(poll(&p, 1, 10000), 1);
	CHECK_EQ(p.revents, POLLIN);
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(read(rd, &c, 1), 1);

	/* Writable while there is room, not when full; woken by a read. */
	p = (struct pollfd){ .fd = wr, .events = POLLIN | POLLOUT };
	CHECK_EQ(poll(&p, 1, 0), 1);
	CHECK_EQ(p.revents, POLLOUT); /* write-only: never POLLIN */
	CHECK_EQ(write(wr, "1234", 4), 4);
	CHECK_EQ(poll(&p, 1, 0), 0);
	pid = fork();
	if (pid == 0) {
		pause_ms(200);
		_exit(read(rd, &c, 1) == 1 ? 0 : 1);
	}
	CHECK_EQ(poll(&p, 1, 10000), 1);
	CHECK_EQ(p.revents, POLLOUT);
	CHECK_EQ(t_wait(pid), 0);

	/* No writer left: hang-up, with the bytes still readable. */
	close(wr);
	p = (struct pollfd){ .fd = rd, .events = POLLIN };
	CHECK_EQ(poll(&p, 1, 0), 1);
	CHECK_EQ(p.revents, POLLIN | POLLHUP);
	close(rd);
}

/* ---- signals ------------------------------------------------------------- */

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1++;
}

static void catch_usr1(int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	got_usr1 = 0;
}

/* A child that signals this process after ms, then (with data) writes. */
static pid_t signal_me_later(long ms, const char *data)
{
	pid_t parent = getpid(), pid = fork();

	if (pid == 0) {
		int wr = data ? open(DEV, O_WRONLY) : -1;

		pause_ms(ms);
		kill(parent, SIGUSR1);
		if (data) {
			ssize_t len = (ssize_t)strlen(data);

			pause_ms(ms);
			_exit(write(wr, data, (size_t)len) == len ? 0 : 1);
		}
		_exit(0);
	}
	return pid;
}

static void signals_wake_sleepers(void)
{
	char buf[8];
	pid_t pid;
	int fd;

	fresh(4);
	fd = open_ring(O_RDWR); /* a writer too: an empty read sleeps */

	/* A sleeping reader: EINTR without SA_RESTART. */
	catch_usr1(0);
	pid = signal_me_later(200, NULL);
	CHECK_ERR(read(fd, buf, sizeof(buf)), EINTR);
	CHECK_EQ(got_usr1, 1);
	CHECK_EQ(t_wait(pid), 0);

	/* With SA_RESTART the read goes on and gets the data. */
	catch_usr1(SA_RESTART);
	pid = signal_me_later(200, "r");
	CHECK_EQ(read(fd, buf, sizeof(buf)), 1);
	CHECK_EQ(buf[0], 'r');
	CHECK_EQ(got_usr1, 1);
	CHECK_EQ(t_wait(pid), 0);

	/* A sleeping writer: EINTR with nothing written. */
	catch_usr1(0);
	CHECK_EQ(write(fd, "full", 4), 4);
	pid = signal_me_later(200, NULL);
	CHECK_ERR(write(fd, "more", 4), EINTR);
	CHECK_EQ(got_usr1, 1);
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(stats().stored, 4);
	CHECK_EQ(stats().write_waits, 1);
	signal(SIGUSR1, SIG_DFL);
	close(fd);
}

/* ---- capacity and the ioctl commands -------------------------------------- */

static void capacity_rules(void)
{
	char buf[200];
	uint32_t cap;
	int fd;

	fresh(RING_DEFAULT_CAPACITY);
	fd = open_ring(O_RDWR | O_NONBLOCK);
	cap = 0;
	CHECK_ERR(ioctl(fd, RING_SET_CAPACITY, &cap), EINVAL);
	cap = RING_MAX_CAPACITY + 1;
	CHECK_ERR(ioctl(fd, RING_SET_CAPACITY, &cap), EINVAL);
	cap = RING_MAX_CAPACITY;
	CHECK_OK(ioctl(fd, RING_SET_CAPACITY, &cap));
	CHECK_EQ(stats().capacity, RING_MAX_CAPACITY);

	for (int i = 0; i < 100; i++)
		buf[i] = (char)i;
	CHECK_EQ(write(fd, buf, 100), 100);
	cap = 99;
	CHECK_ERR(ioctl(fd, RING_SET_CAPACITY, &cap), EBUSY);
	cap = 100; /* exactly fits */
	CHECK_OK(ioctl(fd, RING_SET_CAPACITY, &cap));
	CHECK_EQ(stats().capacity, 100);
	CHECK_EQ(stats().stored, 100);
	CHECK_ERR(write(fd, "x", 1), EAGAIN);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(read(fd, buf, sizeof(buf)), 100);
	for (int i = 0; i < 100; i++)
		if (buf[i] != (char)i) {
			CHECK_EQ(buf[i], i);
			break;
		}
	close(fd);
}

static void ioctl_commands(void)
{
	struct ring_stats st;
	uint32_t cap = 64;
	int fd, null;

	/* The numbers are Linux's encoding: what <sys/ioctl.h> makes. */
	CHECK_EQ(RING_GET_STATS, _IOR('r', 0x80, struct ring_stats));
	CHECK_EQ(RING_RESET, _IO('r', 0x81));
	CHECK_EQ(RING_SET_CAPACITY, _IOW('r', 0x82, uint32_t));

	fresh(RING_DEFAULT_CAPACITY);
	fd = open_ring(O_RDWR | O_NONBLOCK);
	CHECK_EQ(write(fd, "abc", 3), 3);
	CHECK_OK(ioctl(fd, RING_GET_STATS, &st));
	CHECK_EQ(st.stored, 3);
	CHECK_ERR(ioctl(fd, RING_GET_STATS, NULL), EFAULT);
	CHECK_ERR(ioctl(fd, RING_GET_STATS, (void *)1), EFAULT);
	CHECK_ERR(ioctl(fd, RING_GET_STATS, (void *)0xffff800000000000UL),
		  EFAULT);
	CHECK_ERR(ioctl(fd, RING_SET_CAPACITY, NULL), EFAULT);
	CHECK_OK(ioctl(fd, RING_SET_CAPACITY, &cap));
	CHECK_ERR(ioctl(fd, _IO('r', 0x90)), ENOTTY);
	CHECK_ERR(ioctl(fd, _IOR('r', 0x80, int), &cap), ENOTTY);
	CHECK_ERR(ioctl(fd, _IOR('x', 0x80, struct ring_stats), &st), ENOTTY);
	CHECK_OK(ioctl(fd, RING_RESET));
	st = stats();
	CHECK_EQ(st.stored, 0);
	CHECK_EQ(st.bytes_written, 0);
	CHECK_EQ(st.writes, 0);
	CHECK_EQ(st.capacity, 64); /* a reset keeps the capacity */

	/* Bad buffers: EFAULT, and the ring is as it was. */
	CHECK_EQ(write(fd, "keep", 4), 4);
	CHECK_ERR(read(fd, NULL, 4), EFAULT);
	CHECK_ERR(write(fd, (void *)8, 4), EFAULT);
	st = stats();
	CHECK_EQ(st.stored, 4);
	CHECK_EQ(st.writes, 1);
	CHECK_EQ(st.reads, 0);
	CHECK_EQ(st.bytes_written, 4);

	/* Another device's ioctl: not a ring. */
	null = open("/dev/null", O_RDONLY);
	CHECK_ERR(ioctl(null, RING_GET_STATS, &st), ENOTTY);
	close(null);
	close(fd);
}

/* ---- concurrency --------------------------------------------------------- */

/* What a small-ring reader saw of one writer. */
struct seen {
	uint64_t count, sum, sum_squares;
	uint64_t bad_order; /* records not after the last one seen */
};

struct record {
	uint32_t magic, writer, seq, check; /* check = ~seq */
};

static void small_writer(int fd, uint32_t id, uint32_t records)
{
	struct record batch[RECORDS_PER_WRITE];

	for (uint32_t seq = 0; seq < records;) {
		size_t n = 0;

		for (; n < RECORDS_PER_WRITE && seq < records; n++, seq++)
			batch[n] =
				(struct record){ RECORD_MAGIC, id, seq, ~seq };
		if (write(fd, batch, n * sizeof(batch[0])) !=
		    (ssize_t)(n * sizeof(batch[0])))
			_exit(1);
	}
	_exit(0);
}

/* Read records to the end of file; report per writer on out. Reads ask
 * for whole records, and writes store whole records, so every read
 * returns whole records. Exit status 1 for a broken record. */
static void small_reader(int fd, int out)
{
	struct record buf[32];
	struct seen seen[WRITERS] = { 0 };
	int64_t last[WRITERS];
	ssize_t n;

	for (int w = 0; w < WRITERS; w++)
		last[w] = -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (n % sizeof(buf[0]))
			_exit(1);
		for (size_t i = 0; i < n / sizeof(buf[0]); i++) {
			struct record *r = &buf[i];
			struct seen *s;

			if (r->magic != RECORD_MAGIC || r->writer >= WRITERS ||
			    r->check != ~r->seq)
				_exit(1);
			s = &seen[r->writer];
			s->count++;
			s->sum += r->seq;
			s->sum_squares += (uint64_t)r->seq * r->seq;
			if ((int64_t)r->seq <= last[r->writer])
				s->bad_order++;
			last[r->writer] = r->seq;
		}
	}
	if (n < 0 || write(out, seen, sizeof(seen)) != sizeof(seen))
		_exit(2);
	_exit(0);
}

/* Start READERS readers on rd, reporting on a pipe, and WRITERS writers
 * running fn on wr; the parent keeps neither. out gets the pipe. */
static void start_all(void (*writer)(int, uint32_t, uint32_t), uint32_t per,
		      void (*reader)(int, int), int readers, pid_t *pids,
		      int *out)
{
	int p[2], rd, wr;

	CHECK_OK(pipe(p));
	wr = open_ring(O_WRONLY); /* before the readers: no early end */
	rd = open_ring(O_RDONLY);
	for (int i = 0; i < readers; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			close(p[0]);
			close(wr);
			reader(rd, p[1]);
		}
	}
	for (int i = 0; i < WRITERS; i++) {
		pids[readers + i] = fork();
		if (pids[readers + i] == 0) {
			close(rd);
			writer(wr, (uint32_t)i, per);
		}
	}
	close(p[1]);
	close(rd);
	close(wr);
	*out = p[0];
}

static int wait_all(pid_t *pids, int readers)
{
	int ok = 1;

	for (int i = 0; i < readers + WRITERS; i++)
		if (t_wait(pids[i]) != 0) {
			printf("child %d (%s %d) failed\n", pids[i],
			       i < readers ? "reader" : "writer",
			       i < readers ? i : i - readers);
			ok = 0;
		}
	return ok;
}

/*
 * Wait until the readers' reports are ready on out, while total bytes go
 * through the ring: print a line each time another step of them has been
 * read (ctl is a file of the ring's, for its statistics). A long run on
 * a slow or busy machine so shows that it moves (the grader stops a boot
 * that is silent for a minute, and that must never depend on the host's
 * load), and a run that stops moving goes silent. With resize, switch
 * the capacity between SMALL_CAPACITY and half of it as it goes (EBUSY
 * when the bytes stored do not fit); returns how many switches took.
 */
static int wait_with_progress(int out, int ctl, long total, long step,
			      int resize)
{
	struct pollfd p = { .fd = out, .events = POLLIN };
	long next = step;
	int switches = 0;

	while (poll(&p, 1, resize ? 5 : 500) == 0) {
		struct ring_stats st;

		if (resize) {
			uint32_t cap = switches % 2 ? SMALL_CAPACITY
						    : SMALL_CAPACITY / 2;

			if (ioctl(ctl, RING_SET_CAPACITY, &cap) == 0)
				switches++;
			else if (errno != EBUSY)
				CHECK_EQ(errno, EBUSY);
		}
		if (ioctl(ctl, RING_GET_STATS, &st) < 0)
			continue;
		for (; next < total && (long)st.bytes_read >= next;
		     next += step)
			printf("  %ld of %ld KiB read\n", next >> 10,
			       total >> 10);
	}
	return switches;
}

/*
 * Move bytes in records through a ring of SMALL_CAPACITY with 4 writers
 * and 4 readers. With resize, the parent meanwhile switches the capacity
 * between SMALL_CAPACITY and half of it (still above a write, so writes
 * stay whole): EBUSY when the bytes stored do not fit, and no record may
 * suffer either way. Returns how many switches took.
 */
static int run_small(long bytes, int resize)
{
	uint32_t per = bytes / WRITERS / sizeof(struct record);
	struct seen total[WRITERS] = { 0 }, got[WRITERS];
	struct ring_stats st;
	pid_t pids[READERS + WRITERS];
	double start = now_s();
	int out, ctl, switches;

	fresh(SMALL_CAPACITY);
	start_all(small_writer, per, small_reader, READERS, pids, &out);
	ctl = open_ring(O_RDONLY | O_NONBLOCK);
	switches = wait_with_progress(out, ctl, bytes, 8 << 20, resize);
	for (int i = 0; i < READERS; i++) {
		CHECK_EQ(read(out, got, sizeof(got)), sizeof(got));
		for (int w = 0; w < WRITERS; w++) {
			total[w].count += got[w].count;
			total[w].sum += got[w].sum;
			total[w].sum_squares += got[w].sum_squares;
			total[w].bad_order += got[w].bad_order;
		}
	}
	close(out);
	CHECK(wait_all(pids, READERS));
	for (int w = 0; w < WRITERS; w++) {
		uint64_t n = per;

		CHECK_EQ(total[w].count, n);
		CHECK_EQ(total[w].sum, n * (n - 1) / 2);
		CHECK_EQ(total[w].sum_squares, (n - 1) * n * (2 * n - 1) / 6);
		CHECK_EQ(total[w].bad_order, 0);
	}
	st = stats();
	CHECK_EQ(st.bytes_written, bytes);
	CHECK_EQ(st.bytes_read, bytes);
	CHECK_EQ(st.writes, bytes / (RECORDS_PER_WRITE * 16));
	CHECK_EQ(st.stored, 0);
	CHECK(st.high_water <= SMALL_CAPACITY);
	printf("  %ld MiB through %d bytes in %.1f s: %llu writer waits, "
	       "%llu reads\n",
	       bytes >> 20, SMALL_CAPACITY, now_s() - start,
	       (unsigned long long)st.write_waits,
	       (unsigned long long)st.reads);
	close(ctl);
	return switches;
}

static void concurrency_small(void)
{
	run_small(SMALL_BYTES, 0);
}

static void capacity_changes_under_load(void)
{
	int switches = run_small(RESIZE_BYTES, 1);

	printf("  %d capacity changes under load\n", switches);
	CHECK(switches > 0);
}

/*
 * Capacity 1: every byte is its own write, so a record cannot be kept
 * whole; each byte says who wrote it (top 2 bits) and its sequence number
 * modulo 64 (the rest). The readers count each writer's bytes by residue:
 * every writer's bytes must all arrive, each exactly once. Order cannot
 * be told from what one reader of four sees, so a second run has one
 * reader, which sees every writer's residues go 0, 1, ... 63, 0 ... in
 * turn. 256 KiB (and 128), not 64 MiB: a byte costs a write, a read and
 * the switches between, about 35-45 us under QEMU's TCG, so 64 MiB would
 * take most of an hour.
 */
static void tiny_writer(int fd, uint32_t id, uint32_t bytes)
{
	for (uint32_t seq = 0; seq < bytes; seq++) {
		uint8_t b = (uint8_t)(id << 6 | (seq & 63));

		if (write(fd, &b, 1) != 1)
			_exit(1);
	}
	_exit(0);
}

/* Count each writer's bytes by residue. The only reader of the ring
 * sees every writer's bytes, so it also checks they come in order: exit
 * status 3 for one that does not. */
static void tiny_reader(int fd, int out, int only_reader)
{
	uint32_t seen[WRITERS][64] = { { 0 } };
	uint8_t buf[64], next[WRITERS] = { 0 };
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		unsigned int w = buf[0] >> 6, seq = buf[0] & 63;

		if (n != 1) /* the ring holds one byte */
			_exit(1);
		if (only_reader && seq != next[w]) {
			printf("writer %u: %u after %u\n", w, seq,
			       (next[w] + 63U) & 63);
			_exit(3);
		}
		next[w] = (uint8_t)((seq + 1) & 63);
		seen[w][seq]++;
	}
	if (n < 0 || write(out, seen, sizeof(seen)) != sizeof(seen))
		_exit(2);
	_exit(0);
}

static void one_of_many_readers(int fd, int out)
{
	tiny_reader(fd, out, 0);
}

static void the_only_reader(int fd, int out)
{
	tiny_reader(fd, out, 1);
}

/* bytes from each of the 4 writers through a ring of capacity 1, to
 * readers readers. */
static void run_tiny(uint32_t bytes, int readers)
{
	uint32_t total[WRITERS][64] = { { 0 } }, got[WRITERS][64];
	struct ring_stats st;
	pid_t pids[READERS + WRITERS];
	double start = now_s();
	int out, ctl, wrong = 0;

	fresh(1);
	start_all(tiny_writer, bytes,
		  readers == 1 ? the_only_reader : one_of_many_readers, readers,
		  pids, &out);
	ctl = open_ring(O_RDONLY | O_NONBLOCK);
	wait_with_progress(out, ctl, WRITERS * (long)bytes, 32 << 10, 0);
	close(ctl);
	for (int i = 0; i < readers; i++) {
		CHECK_EQ(read(out, got, sizeof(got)), sizeof(got));
		for (int w = 0; w < WRITERS; w++)
			for (int s = 0; s < 64; s++)
				total[w][s] += got[w][s];
	}
	close(out);
	CHECK(wait_all(pids, readers));
	for (int w = 0; w < WRITERS; w++)
		for (int s = 0; s < 64; s++)
			wrong += total[w][s] != bytes / 64;
	CHECK_EQ(wrong, 0);
	st = stats();
	CHECK_EQ(st.bytes_written, WRITERS * bytes);
	CHECK_EQ(st.bytes_read, WRITERS * bytes);
	CHECK_EQ(st.writes, WRITERS * bytes);
	CHECK_EQ(st.reads, WRITERS * bytes);
	CHECK_EQ(st.high_water, 1);
	CHECK_EQ(st.stored, 0);
	printf("  %u KiB through 1 byte to %d reader%s in %.1f s\n",
	       WRITERS * bytes >> 10, readers, readers > 1 ? "s" : "",
	       now_s() - start);
}

static void concurrency_capacity_1(void)
{
	run_tiny(TINY_BYTES_PER_WRITER, READERS);
}

static void capacity_1_in_order(void)
{
	run_tiny(TINY_BYTES_PER_WRITER / 2, 1);
}

/* ---- robustness ---------------------------------------------------------- */

/* Kill a child asleep in read, then in write: the ring works on, and the
 * child's open file is gone from the counts. */
static void killed_while_blocked(void)
{
	char buf[8];
	pid_t pid;
	int fd, status;

	fresh(4);
	pid = fork();
	if (pid == 0) {
		int own = open(DEV, O_RDWR);

		read(own, buf, 1); /* sleeps: empty, itself a writer */
		_exit(1);
	}
	pause_ms(200);
	CHECK_OK(kill(pid, SIGKILL));
	status = t_wait(pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	fd = open_ring(O_RDWR);
	CHECK_EQ(write(fd, "abcd", 4), 4); /* now full */
	pid = fork();
	if (pid == 0) {
		write(fd, "efgh", 4); /* sleeps: full */
		_exit(1);
	}
	pause_ms(200);
	CHECK_OK(kill(pid, SIGKILL));
	status = t_wait(pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	CHECK_EQ(read(fd, buf, sizeof(buf)), 4);
	CHECK(memcmp(buf, "abcd", 4) == 0);
	CHECK_EQ(write(fd, "ijkl", 4), 4);
	CHECK_EQ(read(fd, buf, sizeof(buf)), 4);
	CHECK(memcmp(buf, "ijkl", 4) == 0);
	CHECK_EQ(stats().readers, 1 + STATS_READER);
	CHECK_EQ(stats().writers, 1);
	close(fd);
}

/* Close the last writer while a reader sleeps (it wakes to the end of
 * file), and the only reader while a writer sleeps (it sleeps on, and a
 * new reader lets it finish). */
static void close_while_another_sleeps(void)
{
	char buf[8];
	pid_t pid;
	int rd, wr;

	fresh(4);
	wr = open_ring(O_WRONLY);
	pid = fork();
	if (pid == 0) {
		int own;

		close(wr);
		own = open(DEV, O_RDONLY);
		_exit(read(own, buf, sizeof(buf)) == 0 ? 0 : 1);
	}
	pause_ms(200);
	close(wr);
	CHECK_EQ(t_wait(pid), 0);

	rd = open_ring(O_RDONLY);
	pid = fork();
	if (pid == 0) {
		int own;

		close(rd);
		own = open(DEV, O_WRONLY);
		_exit(write(own, "12345678", 8) == 8 ? 0 : 1);
	}
	pause_ms(200);
	CHECK_EQ(read(rd, buf, 2), 2);
	close(rd);
	pause_ms(100);
	rd = open_ring(O_RDONLY);
	for (size_t got = 2; got < 8;) {
		ssize_t n = read(rd, buf + got, sizeof(buf) - got);

		CHECK(n > 0);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	CHECK(memcmp(buf, "12345678", 8) == 0);
	CHECK_EQ(t_wait(pid), 0);
	close(rd);
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 900);
	if (access(DEV, F_OK) != 0 && t_on_linux()) {
		t_kestrel_only("the ring device " DEV);
		return t_end();
	}
	RUN(device_nodes);
	RUN(fifo_order_and_counts);
	RUN(empty_and_full_nonblocking);
	RUN(blocking_read_and_write);
	RUN(poll_wakes_a_waiter);
	RUN(signals_wake_sleepers);
	RUN(capacity_rules);
	RUN(ioctl_commands);
	RUN(killed_while_blocked);
	RUN(close_while_another_sleeps);
	RUN(concurrency_small);
	RUN(capacity_changes_under_load);
	RUN(concurrency_capacity_1);
	RUN(capacity_1_in_order);
	fresh(RING_DEFAULT_CAPACITY);
	return t_end();
}
