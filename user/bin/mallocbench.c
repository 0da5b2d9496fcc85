/*
 * mallocbench: how fast a malloc is, and how much memory it holds, on four
 * workloads: small random sizes, buffers grown with realloc, a
 * larson-style server (threads replacing blocks at random, each round's
 * blocks freed by the next round's thread), and a producer-consumer pair of
 * threads (one allocates, the other frees). Each workload runs in a child
 * process of its own, so its peak RSS (getrusage) is its own.
 *
 * Usage: mallocbench [-s SCALE] [WORKLOAD...]. Prints one line a workload:
 * name, operations, seconds, millions of operations a second, peak RSS in
 * KiB. The same source is built against Kestrel's malloc, musl's and
 * glibc's by tools/mallocbench.sh (make bench); in Kestrel, /bin has it
 * with Kestrel's malloc, and the threaded workloads say they cannot run
 * until the kernel has threads. docs/malloc.md has figures.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long scale = 1;

static unsigned long next_random(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Small random sizes: replace random slots of a pool of blocks. */
static long small_random(void)
{
	enum { POOL = 10000 };
	static char *pool[POOL];
	unsigned long s = 1;
	long ops = 2000000 * scale;

	for (long i = 0; i < ops; i++) {
		unsigned long r = next_random(&s);
		int k = (int)(r % POOL);
		size_t n = 8 + (r >> 20) % 505;

		free(pool[k]);
		pool[k] = malloc(n);
		pool[k][0] = (char)i;
	}
	for (int k = 0; k < POOL; k++)
		free(pool[k]);
	return ops;
}

/* Buffers grown a little at a time, as a program reading lines does. */
static long realloc_growth(void)
{
	enum { BUFS = 64, TOP = 256 * 1024 };
	long ops = 0;

	for (long round = 0; round < 4 * scale; round++) {
		char *buf[BUFS] = { 0 };
		size_t len[BUFS] = { 0 };
		unsigned long s = 7 + (unsigned long)round;

		for (int done = 0; done < BUFS;) {
			int k = (int)(next_random(&s) % BUFS);
			size_t add = 16 + next_random(&s) % 200;

			if (len[k] >= TOP)
				continue;
			buf[k] = realloc(buf[k], len[k] + add);
			memset(buf[k] + len[k], 'x', add);
			len[k] += add;
			ops++;
			if (len[k] >= TOP)
				done++;
		}
		for (int k = 0; k < BUFS; k++)
			free(buf[k]);
	}
	return ops;
}

/* ---- threads ----------------------------------------------------------- */

#define THREADS 4
#define LARSON_SLOTS 2000

struct larson {
	char **slots; /* handed from each round's thread to the next */
	unsigned long seed;
	long ops;
};

static void *larson_round(void *arg)
{
	struct larson *l = arg;

	for (long i = 0; i < 250000; i++) {
		unsigned long r = next_random(&l->seed);
		int k = (int)(r % LARSON_SLOTS);

		free(l->slots[k]);
		l->slots[k] = malloc(16 + (r >> 24) % 1000);
		l->slots[k][0] = 1;
	}
	l->ops += 250000;
	return NULL;
}

/* Rounds of THREADS threads; a round's slots (allocated by the threads
 * before) are freed by new threads, as larson's server threads do. */
static long larson(void)
{
	struct larson l[THREADS];
	pthread_t t[THREADS];
	long ops = 0;

	for (int i = 0; i < THREADS; i++) {
		l[i].slots = calloc(LARSON_SLOTS, sizeof(char *));
		l[i].seed = 99 + (unsigned long)i;
		l[i].ops = 0;
	}
	for (long round = 0; round < 4 * scale; round++) {
		for (int i = 0; i < THREADS; i++) {
			int err = pthread_create(&t[i], NULL, larson_round,
						 &l[(i + round) % THREADS]);

			if (err) {
				printf("larson: pthread_create: %s\n",
				       strerror(err));
				return -1;
			}
		}
		for (int i = 0; i < THREADS; i++)
			pthread_join(t[i], NULL);
	}
	for (int i = 0; i < THREADS; i++) {
		for (int k = 0; k < LARSON_SLOTS; k++)
			free(l[i].slots[k]);
		free(l[i].slots);
		ops += l[i].ops;
	}
	return ops;
}

#define QUEUE 1024

static struct {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	void *item[QUEUE];
	unsigned head, count;
	int done;
} queue = { .lock = PTHREAD_MUTEX_INITIALIZER,
	    .changed = PTHREAD_COND_INITIALIZER };

static void *producer(void *arg)
{
	unsigned long s = 3;
	long n = (long)arg;

	for (long i = 0; i < n; i++) {
		void *p = malloc(16 + next_random(&s) % 300);

		pthread_mutex_lock(&queue.lock);
		while (queue.count == QUEUE)
			pthread_cond_wait(&queue.changed, &queue.lock);
		queue.item[(queue.head + queue.count++) % QUEUE] = p;
		pthread_cond_broadcast(&queue.changed);
		pthread_mutex_unlock(&queue.lock);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	(void)arg;
	for (;;) {
		void *batch[64];
		int n = 0;

		pthread_mutex_lock(&queue.lock);
		while (queue.count == 0 && !queue.done)
			pthread_cond_wait(&queue.changed, &queue.lock);
		while (queue.count && n < 64) {
			batch[n++] = queue.item[queue.head];
			queue.head = (queue.head + 1) % QUEUE;
			queue.count--;
		}
		if (n == 0 && queue.done) {
			pthread_mutex_unlock(&queue.lock);
			return NULL;
		}
		pthread_cond_broadcast(&queue.changed);
		pthread_mutex_unlock(&queue.lock);
		while (n)
			free(batch[--n]);
	}
}

/* One thread allocates, another frees: every free is a remote free. */
static long producer_consumer(void)
{
	long n = 1000000 * scale;
	pthread_t p, c;
	int err = pthread_create(&c, NULL, consumer, NULL);

	if (err) {
		printf("prodcons: pthread_create: %s\n", strerror(err));
		return -1;
	}
	pthread_create(&p, NULL, producer, (void *)n);
	pthread_join(p, NULL);
	pthread_mutex_lock(&queue.lock);
	queue.done = 1;
	pthread_cond_broadcast(&queue.changed);
	pthread_mutex_unlock(&queue.lock);
	pthread_join(c, NULL);
	return n;
}

static const struct {
	const char *name;
	long (*run)(void);
} workloads[] = {
	{ "small", small_random },
	{ "realloc", realloc_growth },
	{ "larson", larson },
	{ "prodcons", producer_consumer },
};

#define NWORKLOADS (int)(sizeof(workloads) / sizeof(workloads[0]))

/* Run workload w in a child; print its line. The child measures its
 * own peak RSS (getrusage) and sends it back with its count. */
static int measure(int w)
{
	int fd[2], status;
	pid_t pid;
	struct timespec t0, t1;
	long result[2] = { -1, 0 }; /* operations, peak RSS in KiB */
	double secs;

	if (pipe(fd) != 0)
		return -1;
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == 0) {
		struct rusage ru;

		result[0] = workloads[w].run();
		getrusage(RUSAGE_SELF, &ru);
		result[1] = ru.ru_maxrss;
		close(fd[0]);
		if (write(fd[1], result, sizeof(result)) != sizeof(result))
			_exit(1);
		_exit(0);
	}
	close(fd[1]);
	if (read(fd[0], result, sizeof(result)) != sizeof(result))
		result[0] = -1;
	close(fd[0]);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (result[0] < 0)
		return 0; /* the child said why */
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%-10s %10ld ops %8.3f s %8.2f Mops/s %8ld KiB peak RSS\n",
	       workloads[w].name, result[0], secs,
	       (double)result[0] / secs / 1e6, result[1]);
	return 0;
}

int main(int argc, char **argv)
{
	int opt, any = 0;

	while ((opt = getopt(argc, argv, "s:")) != -1) {
		if (opt != 's' || (scale = atol(optarg)) < 1) {
			fprintf(stderr, "usage: mallocbench [-s SCALE] "
					"[small|realloc|larson|prodcons...]\n");
			return 2;
		}
	}
	for (int w = 0; w < NWORKLOADS; w++) {
		int wanted = optind == argc;

		for (int i = optind; i < argc; i++)
			wanted |= strcmp(argv[i], workloads[w].name) == 0;
		if (wanted) {
			any = 1;
			if (measure(w) != 0)
				printf("%s: %s\n", workloads[w].name,
				       strerror(errno));
		}
	}
	return any ? 0 : 2;
}
