/*
 * malloc.c: Kestrel's malloc, the functions programs call. Every Kestrel
 * program links it in place of musl's (musl lets a static program define
 * malloc, free and the rest itself), and on Linux it also builds as a
 * shared object for LD_PRELOAD.
 *
 * A request is one of two kinds (malloc_impl.h): up to SMALL_MAX bytes it
 * is a slot of a size class, from the thread's cache (tcache.c) or a slab
 * of the caller's arena (slab.c); above, a mapping of its own (large.c). free asks the page map
 * (pagemap.c) what a pointer is, and refuses, loudly, anything that is
 * not a block in use (report.c). KESTREL_MALLOC=debug turns on canaries,
 * poisoning, a quarantine and a leak report at exit (debug.c);
 * KESTREL_MALLOC=stats prints malloc_stats() at exit, and
 * KESTREL_MALLOC=nocache turns the thread caches off. docs/malloc.md.
 *
 * fork: the child gets a copy of the heap with every lock as it was at
 * the fork. So that no lock is copied held by a thread that does not
 * exist in the child, malloc registers fork handlers that take every lock
 * before the fork and drop them after it, in parent and child.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kmalloc.h"
#include "malloc_impl.h"

int malloc_debug;
static int malloc_stats_at_exit;
static int init_done;
/* Blocks the C library allocates for malloc's own start (the fork
 * handlers' record): not the program's, so not in the leak report. */
#define INTERNAL_MAX 4
static int registering;
static void *internal_blocks[INTERNAL_MAX];
static int internal_count;

/* ---- start and fork ------------------------------------------------- */

/* Every lock, in the one order they may nest: the arenas before the
 * chunks, the record pool and the page map (slab_new), each alone
 * otherwise. */
static void fork_prepare(void)
{
	lock_take(&quarantine_lock);
	lock_take(&large_lock);
	for (int a = 0; a < NARENAS; a++)
		lock_take(&arenas[a].lock);
	lock_take(&chunk_lock);
	lock_take(&record_lock);
	lock_take(&pagemap_lock);
}

static void fork_done(void)
{
	lock_drop(&pagemap_lock);
	lock_drop(&record_lock);
	lock_drop(&chunk_lock);
	for (int a = NARENAS - 1; a >= 0; a--)
		lock_drop(&arenas[a].lock);
	lock_drop(&large_lock);
	lock_drop(&quarantine_lock);
}

/* Does the comma-separated list s hold word? */
static int has_word(const char *s, const char *word)
{
	size_t n = strlen(word);

	while (s && *s) {
		if (strncmp(s, word, n) == 0 && (s[n] == ',' || s[n] == '\0'))
			return 1;
		s = strchr(s, ',');
		if (s)
			s++;
	}
	return 0;
}

/*
 * The first call of any entry point reads KESTREL_MALLOC (the mode must
 * not change once a block exists) and registers the fork handlers; the
 * registration may itself allocate, which is fine once init_done is set.
 */
static void init_slow(void)
{
	static struct lock init_lock;
	int first = 0;

	lock_take(&init_lock);
	if (!init_done) {
		const char *mode = getenv("KESTREL_MALLOC");

		malloc_debug = has_word(mode, "debug");
		malloc_stats_at_exit = has_word(mode, "stats");
		malloc_nocache = has_word(mode, "nocache");
		__atomic_store_n(&init_done, 1, __ATOMIC_RELEASE);
		first = 1;
	}
	lock_drop(&init_lock);
	if (first) {
		registering = 1;
		pthread_atfork(fork_prepare, fork_done, fork_done);
		registering = 0;
		tcache_start();
	}
}

int malloc_internal_block(const void *p)
{
	for (int i = 0; i < internal_count; i++)
		if (internal_blocks[i] == p)
			return 1;
	return 0;
}

static inline void init(void)
{
	if (!__atomic_load_n(&init_done, __ATOMIC_ACQUIRE))
		init_slow();
}

__attribute__((destructor)) static void malloc_at_exit(void)
{
	if (malloc_debug)
		debug_at_exit();
	if (malloc_stats_at_exit)
		malloc_stats();
}

/* ---- allocation ----------------------------------------------------- */

/* The bytes a block can hold: the slot, or up to the mapping's end. */
static size_t block_bytes(void *desc, void *p)
{
	struct large *l = desc;

	if (l->kind == DESC_SLAB)
		return ((struct slab *)desc)->size;
	return (size_t)(l->map + l->map_bytes - (char *)p);
}

/*
 * n bytes aligned to align (a power of two), zeroed if zero; NULL with
 * errno ENOMEM if there is no memory. In debug mode the block is
 * CANARY_BYTES longer than asked, for the canary.
 */
static void *alloc(size_t n, size_t align, int zero)
{
	size_t need;
	int class = -1;
	void *p;

	init();
	if (n > PTRDIFF_MAX - PAGE_SIZE - CANARY_BYTES)
		goto out_nomem;
	need = n + (malloc_debug ? CANARY_BYTES : 0);
	if (align <= MIN_ALIGN && need <= SMALL_MAX)
		class = size_class(need);
	else if (align > MIN_ALIGN)
		class = aligned_class(need, align);
	if (class >= 0) {
		if (tcache_on())
			p = tcache_alloc(class);
		else
			p = slab_alloc(my_arena(), class, n);
		if (p && zero && !malloc_debug)
			memset(p, 0, n);
	} else {
		/* A fresh mapping is zero already. */
		p = large_alloc(need, align < MIN_ALIGN ? MIN_ALIGN : align, n);
	}
	if (!p)
		goto out_nomem;
	if (registering && internal_count < INTERNAL_MAX)
		internal_blocks[internal_count++] = p;
	if (malloc_debug) {
		debug_on_alloc(p, n, block_bytes(pagemap_get(p), p));
		if (zero)
			memset(p, 0, n);
	}
	return p;
out_nomem:
	errno = ENOMEM;
	return NULL;
}

API void *malloc(size_t n)
{
	return alloc(n, MIN_ALIGN, 0);
}

API void *calloc(size_t count, size_t size)
{
	size_t n;

	if (__builtin_mul_overflow(count, size, &n)) {
		errno = ENOMEM;
		return NULL;
	}
	return alloc(n, MIN_ALIGN, 1);
}

/* The descriptor of p, checked: p must be a block in use. */
static void *lookup(void *p, const char *op)
{
	void *desc = pagemap_get(p);

	if (!desc)
		report_invalid(op, p);
	if (((struct slab *)desc)->kind == DESC_SLAB)
		slab_check(desc, p, op);
	else if (((struct large *)desc)->kind == DESC_LARGE)
		large_check(desc, p, op);
	else
		report_corrupt(desc, p);
	return desc;
}

API void free(void *p)
{
	void *desc;

	if (!p)
		return;
	desc = pagemap_get(p);
	if (!desc)
		report_invalid("free", p);
	if (((struct slab *)desc)->kind == DESC_SLAB) {
		if (tcache_on())
			tcache_free(desc, p);
		else
			slab_free(desc, p, "free");
	} else if (((struct large *)desc)->kind == DESC_LARGE)
		large_free(desc, p, "free");
	else
		report_corrupt(desc, p);
}

/* What the caller may use of block p: in debug mode what it asked for. */
static size_t usable(void *desc, void *p)
{
	struct slab *s = desc;

	if (!malloc_debug)
		return block_bytes(desc, p);
	if (s->kind == DESC_SLAB)
		return s->debug_size[slab_slot(s, p, "malloc_usable_size")] &
		       ~QUARANTINED;
	return ((struct large *)desc)->requested;
}

API size_t malloc_usable_size(void *p)
{
	return p ? usable(lookup(p, "malloc_usable_size"), p) : 0;
}

/*
 * realloc keeps the block when the new size still fits and uses more than
 * half of it; moves a large block's pages when it can; else copies. In
 * debug mode it always copies, so a use of the old pointer is caught.
 * realloc(p, 0) gives a minimal block, as musl's does.
 */
API void *realloc(void *p, size_t n)
{
	void *desc, *q;
	size_t have;

	if (!p)
		return malloc(n);
	if (n > PTRDIFF_MAX - PAGE_SIZE - CANARY_BYTES) {
		errno = ENOMEM;
		return NULL;
	}
	desc = lookup(p, "realloc");
	have = usable(desc, p);
	if (!malloc_debug) {
		if (n <= have && (n > have / 2 || have <= MIN_ALIGN))
			return p;
		if (n > SMALL_MAX &&
		    ((struct large *)desc)->kind == DESC_LARGE) {
			q = large_realloc(desc, n);
			if (q)
				return q;
		}
	}
	q = alloc(n, MIN_ALIGN, 0);
	if (!q)
		return NULL;
	memcpy(q, p, n < have ? n : have);
	free(p);
	return q;
}

API void *reallocarray(void *p, size_t count, size_t size)
{
	size_t n;

	if (__builtin_mul_overflow(count, size, &n)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, n);
}

static int power_of_two(size_t a)
{
	return a && (a & (a - 1)) == 0;
}

API void *aligned_alloc(size_t align, size_t n)
{
	if (!power_of_two(align)) {
		errno = EINVAL;
		return NULL;
	}
	return alloc(n, align, 0);
}

/* Like musl's: an alignment that is not a power of two is EINVAL. */
API void *memalign(size_t align, size_t n)
{
	return aligned_alloc(align, n);
}

/* Returns the error instead of setting errno; *out untouched on error. */
API int posix_memalign(void **out, size_t align, size_t n)
{
	int saved = errno;
	void *p;

	if (!power_of_two(align) || align % sizeof(void *))
		return EINVAL;
	p = alloc(n, align, 0);
	if (!p) {
		errno = saved;
		return ENOMEM;
	}
	*out = p;
	return 0;
}

API void *valloc(size_t n)
{
	return alloc(n, PAGE_SIZE, 0);
}

/* valloc with the size rounded up to whole pages (glibc's; musl's
 * <malloc.h> does not declare it). */
void *pvalloc(size_t n);

API void *pvalloc(size_t n)
{
	if (n > PTRDIFF_MAX - PAGE_SIZE) {
		errno = ENOMEM;
		return NULL;
	}
	return alloc((n + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1), PAGE_SIZE, 0);
}

API void malloc_test_corrupt(void *p)
{
	struct slab *desc = lookup(p, "malloc_test_corrupt");

	desc->magic ^= 1;
}
