/*
 * ringbench: the ring device against a pipe, for `make bench`. Each
 * figure is measured for both, doing the same work:
 *
 *   throughput  one writer and one reader move 64 MiB in 4 KiB reads and
 *               writes through /dev/ring0 (its capacity set to 64 KiB, a
 *               pipe's) and through a pipe: MB/s
 *   round trip  a byte goes to the other process and comes back, through
 *               /dev/ring0 and ring1 one each way, or two pipes: us
 *
 * Lines are "ringbench: NAME: FIGURE UNIT", as ubench's. On a system
 * without the ring device (Linux) only the pipe's are printed.
 */
#include <err.h>
#include <fcntl.h>
#include <kestrel/ring.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 4096
#define TOTAL (64 << 20)
#define ROUND_TRIPS 2000
#define BENCH_CAPACITY 65536 /* a pipe's */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Move TOTAL bytes from a child writing wr to this process reading rd;
 * the child and this process close the end that is not theirs. */
static double throughput(int rd, int wr)
{
	static char buf[CHUNK];
	double start = now_s();
	long got = 0;
	ssize_t n;
	pid_t pid = fork();

	if (pid < 0)
		err(1, "fork");
	if (pid == 0) {
		close(rd);
		for (long put = 0; put < TOTAL; put += CHUNK)
			if (write(wr, buf, CHUNK) != CHUNK)
				_exit(1);
		_exit(0);
	}
	close(wr);
	while (got < TOTAL && (n = read(rd, buf, CHUNK)) > 0)
		got += n;
	close(rd);
	waitpid(pid, NULL, 0);
	if (got != TOTAL)
		errx(1, "throughput: %ld of %d bytes arrived", got, TOTAL);
	return TOTAL / (now_s() - start) / 1e6;
}

/* A byte out on out_wr, back on back_rd, ROUND_TRIPS times; a child
 * echoes from out_rd to back_wr. */
static double round_trip(int out_rd, int out_wr, int back_rd, int back_wr)
{
	double start;
	char c = 'x';
	pid_t pid = fork();

	if (pid < 0)
		err(1, "fork");
	if (pid == 0) {
		for (int i = 0; i < ROUND_TRIPS; i++)
			if (read(out_rd, &c, 1) != 1 ||
			    write(back_wr, &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	start = now_s();
	for (int i = 0; i < ROUND_TRIPS; i++)
		if (write(out_wr, &c, 1) != 1 || read(back_rd, &c, 1) != 1)
			errx(1, "round trip %d failed", i);
	waitpid(pid, NULL, 0);
	return (now_s() - start) / ROUND_TRIPS * 1e6;
}

static int open_ring(const char *dev, int flags)
{
	uint32_t capacity = BENCH_CAPACITY;
	int fd = open(dev, flags);

	if (fd < 0)
		return -1;
	if (ioctl(fd, RING_RESET) < 0 ||
	    ioctl(fd, RING_SET_CAPACITY, &capacity) < 0)
		err(1, "%s: reset", dev);
	return fd;
}

static void ring_figures(void)
{
	uint32_t capacity = RING_DEFAULT_CAPACITY;
	int r0 = open_ring("/dev/ring0", O_RDWR);
	int r1 = open_ring("/dev/ring1", O_RDWR);

	if (r0 < 0 || r1 < 0)
		return; /* no ring device here */
	printf("ringbench: ring throughput: %.1f MB/s\n",
	       throughput(dup(r0), dup(r0)));
	printf("ringbench: ring round trip: %.1f us\n",
	       round_trip(r0, r0, r1, r1));
	ioctl(r0, RING_SET_CAPACITY, &capacity);
	ioctl(r1, RING_SET_CAPACITY, &capacity);
	close(r0);
	close(r1);
}

static void pipe_figures(void)
{
	int p[2], q[2];

	if (pipe(p) < 0)
		err(1, "pipe");
	printf("ringbench: pipe throughput: %.1f MB/s\n",
	       throughput(p[0], p[1]));
	if (pipe(p) < 0 || pipe(q) < 0)
		err(1, "pipe");
	printf("ringbench: pipe round trip: %.1f us\n",
	       round_trip(p[0], p[1], q[0], q[1]));
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	ring_figures();
	pipe_figures();
	return 0;
}
