/*
 * t_malloc: Kestrel's malloc (user/lib/malloc, docs/malloc.md), which
 * every Kestrel program links: the whole API with its edge cases and
 * errno values; random traces of malloc, calloc, realloc and aligned_alloc
 * checked against a shadow model (blocks never overlap, contents survive
 * realloc, alignment holds); each hardening report, from a child that must
 * die of SIGABRT with the right line on stderr; the debug mode catching
 * an overflow, a use after free and a leak; memory given back to the
 * kernel (VmRSS in /proc/self/status) after a large free and after many
 * small ones; the per-class statistics; and, where the kernel has
 * threads, a multi-threaded stress and a fork beside allocating threads.
 * The same program runs on Linux (linked with the same malloc) and on
 * Kestrel. "t_malloc crash CASE" runs one crash case alone.
 */
#include "t.h"

#include <malloc.h>
#include <pthread.h>
#include <stdint.h>

#include "kmalloc.h"

/* This file misuses malloc on purpose (huge sizes, double frees, uses
 * after free): the compiler must not refuse, nor reason about, those. */
#pragma GCC diagnostic ignored "-Walloc-size-larger-than="
#pragma GCC diagnostic ignored "-Wuse-after-free"
#pragma GCC diagnostic ignored "-Wfree-nonheap-object"
#pragma GCC diagnostic ignored "-Warray-bounds"
#pragma GCC diagnostic ignored "-Wstringop-overflow"

#define MIB (1024 * 1024L)

static int aligned(const void *p, size_t a)
{
	return ((uintptr_t)p & (a - 1)) == 0;
}

/* ---- the API and its edges ------------------------------------------ */

static void api_edges(void)
{
	char *p, *q;

	p = malloc(0);
	q = malloc(0);
	CHECK(p && q && p != q);
	free(p);
	free(q);
	free(NULL);
	CHECK_EQ(malloc_usable_size(NULL), 0);
	CHECK(malloc(SIZE_MAX) == NULL && errno == ENOMEM);
	CHECK(malloc((size_t)PTRDIFF_MAX + 1) == NULL && errno == ENOMEM);
	errno = 0;
	CHECK(calloc(SIZE_MAX / 2 + 1, 2) == NULL && errno == ENOMEM);
	p = calloc(0, 10);
	CHECK(p != NULL);
	free(p);

	/* calloc zeroes a slot that held data before. */
	p = malloc(200);
	memset(p, 0xff, 200);
	free(p);
	p = calloc(1, 200);
	q = p;
	for (int i = 0; i < 200; i++)
		if (p[i])
			q = NULL;
	CHECK(q == p);
	free(p);

	/* realloc: NULL is malloc; a failed realloc keeps the block. */
	p = realloc(NULL, 30);
	if (!p) {
		CHECK(p != NULL);
		return;
	}
	strcpy(p, "kestrel");
	errno = 0;
	CHECK(realloc(p, SIZE_MAX) == NULL && errno == ENOMEM);
	errno = 0;
	CHECK(reallocarray(p, SIZE_MAX / 4, 8) == NULL && errno == ENOMEM);
	CHECK(strcmp(p, "kestrel") == 0);
	p = reallocarray(p, 10, 100);
	CHECK(p && strcmp(p, "kestrel") == 0);
	CHECK(malloc_usable_size(p) >= 1000);
	p = realloc(p, 0);
	CHECK(p != NULL); /* musl's choice: a minimal block */
	free(p);

	for (size_t n = 0; n < 70000; n = n * 2 + 1) {
		p = malloc(n);
		CHECK(p && aligned(p, 16) && malloc_usable_size(p) >= n);
		free(p);
	}
}

static void api_aligned(void)
{
	void *v = (void *)1;
	char *p;

	CHECK(aligned_alloc(3, 16) == NULL && errno == EINVAL);
	CHECK(aligned_alloc(0, 16) == NULL && errno == EINVAL);
	CHECK(memalign(48, 16) == NULL && errno == EINVAL);
	CHECK_EQ(posix_memalign(&v, 4, 16), EINVAL);
	CHECK_EQ(posix_memalign(&v, 24, 16), EINVAL);
	CHECK(v == (void *)1);
	CHECK_EQ(posix_memalign(&v, 64, SIZE_MAX - 100), ENOMEM);
	CHECK(v == (void *)1);
	for (size_t a = 1; a <= 2 * MIB; a *= 2) {
		size_t sizes[] = { 1, 24, a, 3 * a + 5, 40000 };

		for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]);
		     i++) {
			p = aligned_alloc(a, sizes[i]);
			CHECK(p && aligned(p, a));
			CHECK(p && malloc_usable_size(p) >= sizes[i]);
			if (p)
				memset(p, 0x5a, sizes[i]);
			free(p);
		}
		if (a >= sizeof(void *)) {
			CHECK_EQ(posix_memalign(&v, a, 100), 0);
			CHECK(aligned(v, a));
			free(v);
		}
	}
	p = memalign(256, 1000);
	CHECK(p && aligned(p, 256));
	free(p);
	p = valloc(100);
	CHECK(p && aligned(p, 4096));
	free(p);
}

/* ---- random traces against a shadow model -------------------------- */

#define SLOTS 256

struct shadow {
	unsigned char *p;
	size_t n;
	unsigned char seed;
};

static unsigned long rng_state = 12345;

static unsigned long rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Mostly small, now and then a few pages, rarely large. */
static size_t random_size(void)
{
	unsigned r = rng() % 100;

	if (r < 70)
		return rng() % 300;
	if (r < 95)
		return rng() % 40000;
	return rng() % 400000;
}

static void fill(struct shadow *s)
{
	for (size_t i = 0; i < s->n; i++)
		s->p[i] = (unsigned char)(s->seed + i * 7);
}

static int intact(const struct shadow *s, size_t n)
{
	for (size_t i = 0; i < n && i < s->n; i++)
		if (s->p[i] != (unsigned char)(s->seed + i * 7))
			return 0;
	return 1;
}

/* Does s overlap any other live block? */
static int overlaps(const struct shadow *sh, int me)
{
	for (int i = 0; i < SLOTS; i++) {
		if (i == me || !sh[i].p)
			continue;
		if (sh[me].p < sh[i].p + (sh[i].n ? sh[i].n : 1) &&
		    sh[i].p < sh[me].p + (sh[me].n ? sh[me].n : 1))
			return 1;
	}
	return 0;
}

static void trace(unsigned long seed, int ops)
{
	static struct shadow sh[SLOTS];
	int bad_content = 0, bad_overlap = 0, bad_align = 0, nomem = 0;

	rng_state = seed;
	for (int op = 0; op < ops; op++) {
		int k = (int)(rng() % SLOTS);
		struct shadow *s = &sh[k];
		size_t n = random_size(), a = 16;
		unsigned r = rng() % 10;

		if (s->p && r < 4) {
			bad_content += !intact(s, s->n);
			free(s->p);
			s->p = NULL;
			continue;
		}
		if (s->p) {
			unsigned char *q = realloc(s->p, n);

			if (!q) {
				nomem++;
				continue;
			}
			s->p = q;
			bad_content += !intact(s, n);
		} else if (r < 6) {
			s->p = malloc(n);
		} else if (r < 8) {
			s->p = calloc(1, n);
			for (size_t i = 0; s->p && i < n; i++)
				bad_content += s->p[i] != 0;
		} else {
			a = (size_t)1 << (rng() % 13);
			s->p = aligned_alloc(a, n);
		}
		if (!s->p) {
			nomem++;
			continue;
		}
		s->n = n;
		s->seed = (unsigned char)rng();
		bad_align += !aligned(s->p, a < 16 ? 16 : a);
		bad_align += malloc_usable_size(s->p) < n;
		fill(s);
		bad_overlap += overlaps(sh, k);
	}
	for (int k = 0; k < SLOTS; k++) {
		if (sh[k].p)
			bad_content += !intact(&sh[k], sh[k].n);
		free(sh[k].p);
		sh[k].p = NULL;
	}
	CHECK_EQ(bad_content, 0);
	CHECK_EQ(bad_overlap, 0);
	CHECK_EQ(bad_align, 0);
	CHECK_EQ(nomem, 0);
}

static void random_traces(void)
{
	trace(1, 20000);
	trace(0x5eed, 20000);
	trace(424242, 20000);
}

/* ---- statistics ------------------------------------------------------ */

static size_t class_in_use(size_t size)
{
	struct malloc_class_stats st[64];
	int n = malloc_class_stats(st, 64);

	for (int i = 0; i < n; i++)
		if (st[i].size == size)
			return st[i].in_use;
	return (size_t)-1;
}

static void stats(void)
{
	void *p[10];
	size_t before = class_in_use(48), pages, n;

	for (int i = 0; i < 10; i++)
		p[i] = malloc(40);
	CHECK_EQ(class_in_use(48), before + 10);
	for (int i = 0; i < 10; i++)
		free(p[i]);
	CHECK_EQ(class_in_use(48), before);
	n = malloc_large_stats(&pages);
	p[0] = malloc(MIB);
	CHECK_EQ(malloc_large_stats(&pages), n + 1);
	CHECK(pages >= MIB / 4096);
	free(p[0]);
	CHECK_EQ(malloc_large_stats(&pages), n);
}

/* ---- memory back to the kernel -------------------------------------- */

/* This process's resident set in KiB, -1 if there is no VmRSS line. */
static long rss_kib(void)
{
	char line[128];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static void memory_returned(void)
{
	enum { SMALL = 1000, COUNT = 32 * 1024 };
	static char *blocks[COUNT];
	long before = rss_kib(), mid, after;
	char *p;

	CHECK(before > 0);
	p = malloc(32 * MIB);
	CHECK(p != NULL);
	if (p)
		memset(p, 1, 32 * MIB);
	mid = rss_kib();
	free(p);
	after = rss_kib();
	CHECK(mid - before >= 30 * 1024);
	CHECK(after - before < 2 * 1024);

	before = rss_kib();
	for (int i = 0; i < COUNT; i++) {
		blocks[i] = malloc(SMALL);
		if (blocks[i])
			memset(blocks[i], 2, SMALL);
	}
	mid = rss_kib();
	for (int i = 0; i < COUNT; i++)
		free(blocks[i]);
	after = rss_kib();
	CHECK(mid - before >= 28 * 1024);
	CHECK(after - before < 2 * 1024);
}

/* ---- hardening: each report kills the program ----------------------- */

/* A thread that frees its argument, says so, and then waits for ever. */
static int freed_pipe[2];

static void *free_and_wait(void *arg)
{
	char c = 0;

	free(arg);
	if (write(freed_pipe[1], &c, 1) != 1)
		return NULL;
	for (;;)
		pause();
}

/* Free p in another thread, which keeps it in its cache (or, where there
 * are no threads, here); then this thread frees it again. */
static void free_in_other_thread(char *p)
{
	pthread_t t;
	char c;

	if (pipe(freed_pipe) != 0)
		return;
	if (pthread_create(&t, NULL, free_and_wait, p) != 0)
		free(p);
	else if (read(freed_pipe[0], &c, 1) != 1)
		return;
	free(p);
}

/* One crash case, run alone in a fresh process: each must abort. */
static int crash_case(const char *name)
{
	char *p = malloc(40), *q;
	char local[32];

	if (strcmp(name, "double-free") == 0) {
		free(p);
		free(p);
	} else if (strcmp(name, "double-free-flushed") == 0) {
		/* 200 more frees of the class push p out of the thread's
		 * cache into its slab: the second free finds it there. */
		char *more[200];

		for (int i = 0; i < 200; i++)
			more[i] = malloc(40);
		free(p);
		for (int i = 0; i < 200; i++)
			free(more[i]);
		free(p);
	} else if (strcmp(name, "double-free-thread") == 0) {
		free_in_other_thread(p);
	} else if (strcmp(name, "invalid-free") == 0) {
		free(local);
	} else if (strcmp(name, "interior-free") == 0) {
		free(p + 16);
	} else if (strcmp(name, "large-double-free") == 0) {
		q = malloc(MIB);
		free(q);
		free(q);
	} else if (strcmp(name, "realloc-after-free") == 0) {
		free(p);
		p = realloc(p, 100);
	} else if (strcmp(name, "corrupt") == 0) {
		malloc_test_corrupt(p);
		free(p);
	} else if (strcmp(name, "overflow") == 0) {
		p[40] = 'x'; /* debug mode: one past the end */
		free(p);
	} else if (strcmp(name, "use-after-free") == 0) {
		free(p);
		p[8] = 'x'; /* debug mode: caught at exit, or on release */
		return 0;
	} else if (strcmp(name, "churn") == 0 ||
		   strcmp(name, "use-after-free-churn") == 0) {
		/* Enough frees to push blocks out of the quarantine. */
		free(p);
		if (name[0] == 'u')
			p[8] = 'x';
		for (int i = 0; i < 5000; i++) {
			q = malloc((size_t)i % 300);
			memset(q, 1, (size_t)i % 300);
			free(q);
		}
		return 0;
	} else if (strcmp(name, "leak") == 0) {
		q = malloc(5000);
		memset(q, 0, 5000);
		return 0; /* debug mode: both blocks in the report */
	}
	return 3;
}

/*
 * Run "t_malloc crash NAME" with KESTREL_MALLOC=mode (or without); return
 * its wait status, and its stderr in err.
 */
static int run_crash(const char *name, const char *mode, char *err, size_t size)
{
	int fd[2], status;
	size_t got = 0;
	ssize_t r;
	pid_t pid;

	if (pipe(fd) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		char env[64];
		char *argv[] = { t_self, "crash", (char *)name, NULL };
		char *envp[] = { env, NULL };

		snprintf(env, sizeof(env), "KESTREL_MALLOC=%s", mode);
		dup2(fd[1], 2);
		close(fd[0]);
		close(fd[1]);
		execve(t_self, argv, envp);
		_exit(127);
	}
	close(fd[1]);
	while (got < size - 1 &&
	       (r = read(fd[0], err + got, size - 1 - got)) > 0)
		got += (size_t)r;
	err[got] = '\0';
	close(fd[0]);
	status = t_wait(pid);
	return status;
}

/* The case must die of SIGABRT with want (and want2) in its stderr. */
static void expect_abort(const char *name, const char *mode, const char *want,
			 const char *want2)
{
	char err[4096];
	int status = run_crash(name, mode, err, sizeof(err));

	if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT))
		t_fail(__FILE__, __LINE__, "%s: status 0x%x, not SIGABRT", name,
		       status);
	else
		t_passed++;
	if (!strstr(err, want) || (want2 && !strstr(err, want2)))
		t_fail(__FILE__, __LINE__, "%s: stderr '%s', want '%s'", name,
		       err, want);
	else
		t_passed++;
}

static void hardening(void)
{
	expect_abort("double-free", "", "malloc: double free of 0x",
		     "(size 48)");
	expect_abort("invalid-free", "", "malloc: free of invalid pointer 0x",
		     NULL);
	expect_abort("interior-free", "", "malloc: free of invalid pointer 0x",
		     NULL);
	expect_abort("large-double-free", "",
		     "malloc: free of invalid pointer 0x", NULL);
	expect_abort("realloc-after-free", "",
		     "malloc: realloc after free of 0x", "(size 48)");
	expect_abort("corrupt", "", "malloc: corrupted metadata 0x", NULL);
	/* The thread caches keep every check: a block freed twice is found
	 * in the slab after a flush, in another thread's cache, and with
	 * the caches off. */
	expect_abort("double-free-flushed", "", "malloc: double free of 0x",
		     "(size 48)");
	expect_abort("double-free-thread", "", "malloc: double free of 0x",
		     "(size 48)");
	expect_abort("double-free", "nocache", "malloc: double free of 0x",
		     "(size 48)");
	expect_abort("realloc-after-free", "nocache",
		     "malloc: realloc after free of 0x", "(size 48)");
}

/* Without the caches, the same churn runs clean. */
static void nocache_mode(void)
{
	char err[4096];
	int status = run_crash("churn", "nocache", err, sizeof(err));

	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_EQ(strlen(err), 0);
}

static void debug_mode(void)
{
	char err[4096];
	int status;

	expect_abort("double-free", "debug", "malloc: double free of 0x", NULL);
	expect_abort("large-double-free", "debug", "malloc: double free of 0x",
		     NULL);
	expect_abort("overflow", "debug",
		     "malloc: heap overflow past the end of 0x", "(size 40)");
	expect_abort("use-after-free", "debug",
		     "malloc: use after free (written after free) of 0x", NULL);
	/* Caught when the block leaves the quarantine, before exit. */
	expect_abort("use-after-free-churn", "debug",
		     "malloc: use after free (written after free) of 0x", NULL);
	/* Blocks come and go through the quarantine: nothing to report. */
	status = run_crash("churn", "debug", err, sizeof(err));
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_EQ(strcmp(err, "malloc: 0 blocks (0 bytes) still allocated "
			     "at exit\n"),
		 0);
	status = run_crash("leak", "debug", err, sizeof(err));
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(strstr(err, "(size 40) still allocated at exit") != NULL);
	CHECK(strstr(err, "(size 5000) still allocated at exit") != NULL);
	CHECK(strstr(err, "malloc: 2 blocks (5040 bytes) still allocated") !=
	      NULL);
	/* Without the debug mode the same program says nothing. */
	status = run_crash("leak", "", err, sizeof(err));
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_EQ(strlen(err), 0);
}

/* ---- threads (where the kernel has them) ---------------------------- */

#define THREADS 4
#define HANDOFF 64

/* A ring of blocks one thread allocates and another frees. */
static struct {
	pthread_mutex_t lock;
	char *block[HANDOFF];
	unsigned head, count;
} handoff = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int stop_forking;

static void *worker(void *arg)
{
	unsigned long seed = (unsigned long)arg * 7919 + 1;
	char *mine[64] = { 0 };
	long bad = 0;

	for (int i = 0; i < 60000; i++) {
		int k;
		size_t n;

		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		k = (int)((seed >> 33) % 64);
		n = (seed >> 40) % 2000 + 1;
		if (mine[k]) {
			bad += mine[k][0] != (char)k;
			free(mine[k]);
		}
		mine[k] = malloc(n);
		if (!mine[k]) {
			bad++;
			continue;
		}
		mine[k][0] = (char)k;
		if (i % 8 == 0) {
			/* Hand one block over to whoever frees next. */
			char *give = malloc(n), *take = NULL;

			pthread_mutex_lock(&handoff.lock);
			if (handoff.count == HANDOFF) {
				take = handoff.block[handoff.head];
				handoff.head = (handoff.head + 1) % HANDOFF;
				handoff.count--;
			}
			handoff.block[(handoff.head + handoff.count++) %
				      HANDOFF] = give;
			pthread_mutex_unlock(&handoff.lock);
			free(take);
		}
	}
	for (int k = 0; k < 64; k++)
		free(mine[k]);
	return (void *)bad;
}

/* Fork over and over while the workers allocate: a child that finds a
 * malloc lock held by a thread it does not have would hang. */
static void *forker(void *arg)
{
	(void)arg;
	long bad = 0;

	while (!__atomic_load_n(&stop_forking, __ATOMIC_RELAXED)) {
		pid_t pid = fork();

		if (pid == 0) {
			void *p = malloc(100), *q = malloc(100000);

			free(p);
			free(q);
			_exit(0);
		}
		bad += t_wait(pid) != 0;
	}
	return (void *)bad;
}

/*
 * A thread's cache is bounded, and flushed when the thread exits: a thread
 * frees 1000 blocks of 48 bytes and waits; meanwhile at most a bin's worth
 * (32) of them still count as in use; once it has exited, none do.
 */
static int cache_pipe[2], cache_go[2];

static void *free_many(void *arg)
{
	char *p[1000], c = 0;

	(void)arg;
	for (int i = 0; i < 1000; i++)
		p[i] = malloc(40);
	for (int i = 0; i < 1000; i++)
		free(p[i]);
	if (write(cache_pipe[1], &c, 1) != 1 || read(cache_go[0], &c, 1) != 1)
		return (void *)1;
	return NULL;
}

static void thread_cache(void)
{
	size_t before = class_in_use(48), during;
	pthread_t t;
	void *bad;
	char c = 0;

	CHECK_EQ(pipe(cache_pipe), 0);
	CHECK_EQ(pipe(cache_go), 0);
	if (pthread_create(&t, NULL, free_many, NULL) != 0) {
		CHECK(!t_on_linux());
		return;
	}
	CHECK_EQ(read(cache_pipe[0], &c, 1), 1);
	during = class_in_use(48);
	CHECK(during >= before && during <= before + 32);
	CHECK_EQ(write(cache_go[1], &c, 1), 1);
	CHECK_EQ(pthread_join(t, &bad), 0);
	CHECK(bad == NULL);
	CHECK_EQ(class_in_use(48), before);
	close(cache_pipe[0]);
	close(cache_pipe[1]);
	close(cache_go[0]);
	close(cache_go[1]);
}

static void threads(void)
{
	pthread_t t[THREADS], f;
	void *bad;
	int err = pthread_create(&t[0], NULL, worker, (void *)0);

	if (err) {
		/* Kestrel has no threads yet (clone with CLONE_THREAD). */
		printf("threads: pthread_create: %s; the multi-threaded "
		       "checks run where the kernel has threads\n",
		       strerror(err));
		CHECK(!t_on_linux());
		return;
	}
	for (long i = 1; i < THREADS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, worker, (void *)i), 0);
	CHECK_EQ(pthread_create(&f, NULL, forker, NULL), 0);
	for (int i = 0; i < THREADS; i++) {
		CHECK_EQ(pthread_join(t[i], &bad), 0);
		CHECK_EQ((long)bad, 0);
	}
	__atomic_store_n(&stop_forking, 1, __ATOMIC_RELAXED);
	CHECK_EQ(pthread_join(f, &bad), 0);
	CHECK_EQ((long)bad, 0);
	while (handoff.count) {
		free(handoff.block[handoff.head]);
		handoff.head = (handoff.head + 1) % HANDOFF;
		handoff.count--;
	}
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "crash") == 0)
		return crash_case(argv[2]);
	t_begin(argv[0], 120);
	RUN(api_edges);
	RUN(api_aligned);
	RUN(random_traces);
	RUN(stats);
	RUN(memory_returned);
	RUN(hardening);
	RUN(debug_mode);
	RUN(threads);
	RUN(nocache_mode);
	RUN(thread_cache);
	return t_end();
}
