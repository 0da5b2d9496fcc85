/*
 * uthreads: xv6's user-level threads demo (its uthread.c, from the
 * "Multithreading" lab) on Kestrel's green-thread library
 * (docs/uthread.md). Three threads count to 100, each giving the others
 * a turn after every step; each waits until all three have started, so
 * the interleaving, and the whole output, is the same on every run and
 * matches xv6's.
 */
#include "uthread.h"

#include <stdio.h>

static int a_started, b_started, c_started;
static int a_n, b_n, c_n;

static void count(const char *name, int *n, const int *others_started_1,
		  const int *others_started_2)
{
	while (!*others_started_1 || !*others_started_2)
		uthread_yield();
	for (int i = 0; i < 100; i++) {
		printf("%s %d\n", name, i);
		(*n)++;
		uthread_yield();
	}
	printf("%s: exit after %d\n", name, *n);
}

static void *thread_a(void *arg)
{
	(void)arg;
	printf("thread_a started\n");
	a_started = 1;
	count("thread_a", &a_n, &b_started, &c_started);
	return NULL;
}

static void *thread_b(void *arg)
{
	(void)arg;
	printf("thread_b started\n");
	b_started = 1;
	count("thread_b", &b_n, &a_started, &c_started);
	return NULL;
}

static void *thread_c(void *arg)
{
	(void)arg;
	printf("thread_c started\n");
	c_started = 1;
	count("thread_c", &c_n, &a_started, &b_started);
	return NULL;
}

int main(void)
{
	struct uthread *t[3];

	t[0] = uthread_spawn("thread_a", thread_a, NULL);
	t[1] = uthread_spawn("thread_b", thread_b, NULL);
	t[2] = uthread_spawn("thread_c", thread_c, NULL);
	for (int i = 0; i < 3; i++)
		if (!t[i] || uthread_join(t[i], NULL) != 0)
			return 1;
	printf("thread_schedule: no runnable threads\n");
	return 0;
}
