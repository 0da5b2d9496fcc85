/*
 * uthreadbench: what a green-thread switch costs, beside the
 * alternatives (docs/uthread.md, "Performance"). Prints one line per
 * figure, "uthreadbench: NAME: N ns", the median of 5 runs:
 *
 *   yield switch        two threads yielding to each other: per switch
 *   channel round trip  a value sent over an unbuffered channel and one
 *                       sent back, between two threads
 *   swapcontext switch  the same ping-pong with the C library's
 *                       swapcontext (glibc only: musl has none)
 *   process switch      two processes ping-ponging a byte over two
 *                       pipes: per switch (half a round trip)
 *
 * Figures, not a test: they depend on the machine and its load.
 * tools/bench.sh runs this in Kestrel and on the host.
 */
#define _GNU_SOURCE
#include "uthread.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <ucontext.h>
#endif

#define RUNS 5

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of RUNS runs of FN(ITERS), in ns per unit. */
static double median(double (*fn)(long), long iters)
{
	double v[RUNS];

	for (int i = 0; i < RUNS; i++)
		v[i] = fn(iters);
	qsort(v, RUNS, sizeof(v[0]), cmp);
	return v[RUNS / 2];
}

static long yield_iters;

static void *yielder(void *arg)
{
	(void)arg;
	for (long i = 0; i < yield_iters; i++)
		uthread_yield();
	return NULL;
}

static double yield_switch(long iters)
{
	uint64_t t0;
	struct uthread *a, *b;

	yield_iters = iters;
	a = uthread_spawn("ping", yielder, NULL);
	b = uthread_spawn("pong", yielder, NULL);
	t0 = now_ns();
	uthread_join(a, NULL);
	uthread_join(b, NULL);
	/* 2 * iters switches between ping and pong */
	return (double)(now_ns() - t0) / (double)(2 * iters);
}

static struct uthread_chan *ping, *pong;

static void *echo(void *arg)
{
	long n = *(long *)arg, v;

	for (long i = 0; i < n; i++) {
		uthread_chan_recv(ping, &v);
		uthread_chan_send(pong, &v);
	}
	return NULL;
}

static double chan_round_trip(long iters)
{
	struct uthread *t;
	uint64_t t0;

	ping = uthread_chan_create(sizeof(long), 0);
	pong = uthread_chan_create(sizeof(long), 0);
	t = uthread_spawn("echo", echo, &iters);
	t0 = now_ns();
	for (long i = 0; i < iters; i++) {
		long v = i;

		uthread_chan_send(ping, &v);
		uthread_chan_recv(pong, &v);
	}
	t0 = now_ns() - t0;
	uthread_join(t, NULL);
	uthread_chan_destroy(ping);
	uthread_chan_destroy(pong);
	return (double)t0 / (double)iters;
}

#ifdef __GLIBC__
static ucontext_t main_ctx, other_ctx;
static long swap_iters;

static void swap_other(void)
{
	for (long i = 0; i < swap_iters; i++)
		swapcontext(&other_ctx, &main_ctx);
}

static double swapcontext_switch(long iters)
{
	static char stack[64 * 1024];
	uint64_t t0;

	swap_iters = iters;
	getcontext(&other_ctx);
	other_ctx.uc_stack.ss_sp = stack;
	other_ctx.uc_stack.ss_size = sizeof(stack);
	other_ctx.uc_link = &main_ctx;
	makecontext(&other_ctx, swap_other, 0);
	t0 = now_ns();
	for (long i = 0; i <= iters; i++)
		swapcontext(&main_ctx, &other_ctx);
	return (double)(now_ns() - t0) / (double)(2 * iters);
}
#endif

static double process_switch(long iters)
{
	int a[2], b[2];
	uint64_t t0;
	char c = 0;
	pid_t pid;

	if (pipe(a) < 0 || pipe(b) < 0)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(a[1]);
		close(b[0]);
		while (read(a[0], &c, 1) == 1 && write(b[1], &c, 1) == 1)
			;
		_exit(0);
	}
	t0 = now_ns();
	for (long i = 0; i < iters; i++)
		if (write(a[1], &c, 1) != 1 || read(b[0], &c, 1) != 1)
			break;
	t0 = now_ns() - t0;
	close(a[1]);
	waitpid(pid, NULL, 0);
	close(a[0]);
	close(b[0]);
	close(b[1]);
	return (double)t0 / (double)(2 * iters);
}

int main(int argc, char **argv)
{
	/* A scale for slow machines (QEMU under TCG): iterations / SCALE. */
	long scale = argc > 1 ? atol(argv[1]) : 1;

	if (scale < 1)
		scale = 1;
	printf("uthreadbench: yield switch: %.0f ns\n",
	       median(yield_switch, 1000000 / scale));
	printf("uthreadbench: channel round trip: %.0f ns\n",
	       median(chan_round_trip, 200000 / scale));
#ifdef __GLIBC__
	printf("uthreadbench: swapcontext switch: %.0f ns\n",
	       median(swapcontext_switch, 1000000 / scale));
#else
	printf("uthreadbench: swapcontext switch: - (no swapcontext in musl)\n");
#endif
	printf("uthreadbench: process switch (pipe): %.0f ns\n",
	       median(process_switch, 20000 / scale));
	return 0;
}
