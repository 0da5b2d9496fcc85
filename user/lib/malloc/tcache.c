/*
 * tcache.c: each thread's cache of free slots, in front of the arenas.
 *
 * A thread keeps, per size class, a stack of free slots (struct bin) in
 * pages of its own. malloc pops one and free pushes one, with no lock;
 * only an empty bin (refill) or a full one (flush) goes to the arenas,
 * and then for a batch of slots under one taking of a lock. So a thread
 * that allocates and frees blocks of a few sizes takes a lock once every
 * few dozen calls instead of on every call.
 *
 *   thread A's cache (mmap'd)       slab descriptor (record pool)
 *   bin 48: [s,3] [s,9] [t,0] ...   free_bits:   slot free in the slab
 *   bin 64: [u,5]                   cached_bits: slot free in a cache
 *
 * A slot is in one of three states: free in its slab (free bit set),
 * free in some thread's cache (cached bit set), or in use (neither).
 * Blocks are never linked through their own memory: a bin is an array in
 * the cache's pages, so an overflow out of a block cannot redirect malloc.
 *
 * The hardening stays exact: free marks the slot cached with an atomic
 * test-and-set (slab_cache_mark) and aborts if it was cached or free
 * already, so a second free is caught wherever the first one put the
 * slot, in this thread's cache, another's, or the slab.
 *
 * Threads: the cache is the thread's alone (a __thread pointer). A slot
 * goes back to its own slab's arena when flushed, whichever thread frees
 * it. At thread exit a pthread key's destructor flushes the cache and
 * unmaps it; frees after that go straight to the arenas.
 * fork: the child's copy of the forking thread's cache is consistent (it
 * was not in the middle of a malloc); other threads' caches hold slots
 * the child never gets back, at most a bin's worth per class each.
 *
 * Off in debug mode (the quarantine wants every free), with
 * KESTREL_MALLOC=nocache, and for a thread that calls
 * malloc_thread_cache(0) (heapviz, to show the slabs' own choices).
 * docs/malloc.md, "Thread caches".
 */
#include <pthread.h>
#include <string.h>

#include "kmalloc.h"
#include "malloc_impl.h"

#define BIN_SLOTS 32          /* most slots a bin holds */
#define BIN_BYTES (16 * 1024) /* ... and most bytes */
#define BIN_MIN 2

struct bin {
	uint32_t count; /* slots held: slots[0..count) */
	uint32_t limit; /* flush when a free would pass this */
	struct cached_slot slots[BIN_SLOTS];
};

struct tcache {
	struct bin bins[NCLASSES];
};

int malloc_nocache;
static pthread_key_t tcache_key;
static int tcache_key_made;

/* This thread's cache: NULL until its first small malloc, CACHE_OFF
 * once it is gone (thread exit) or switched off. */
#define CACHE_OFF ((struct tcache *)1)
static __thread struct tcache *my_cache
	__attribute__((tls_model("initial-exec")));

/* How many slots of class a bin holds: BIN_BYTES' worth, 2 to 32. */
static uint32_t bin_limit(int class)
{
	uint32_t n = BIN_BYTES / class_size[class];

	if (n > BIN_SLOTS)
		n = BIN_SLOTS;
	return n < BIN_MIN ? BIN_MIN : n;
}

static void cache_drop(struct tcache *c)
{
	for (int k = 0; k < NCLASSES; k++) {
		slab_put_batch(c->bins[k].slots, (int)c->bins[k].count);
		c->bins[k].count = 0;
	}
}

/* At thread exit: every slot back to its slab, the pages to the kernel. */
static void cache_at_thread_exit(void *arg)
{
	struct tcache *c = arg;

	my_cache = CACHE_OFF;
	cache_drop(c);
	pages_unmap(c, sizeof(*c));
}

/* Once, at malloc's start (malloc.c): the key whose destructor flushes. */
void tcache_start(void)
{
	if (!malloc_debug && !malloc_nocache &&
	    pthread_key_create(&tcache_key, cache_at_thread_exit) == 0)
		tcache_key_made = 1;
}

/* This thread's cache, made on first use; NULL if it has none. */
static struct tcache *cache_get(void)
{
	struct tcache *c = my_cache;

	if (__builtin_expect(c != NULL && c != CACHE_OFF, 1))
		return c;
	if (c == CACHE_OFF || !tcache_key_made)
		return NULL;
	c = pages_map(sizeof(*c));
	if (!c || pthread_setspecific(tcache_key, c) != 0) {
		if (c)
			pages_unmap(c, sizeof(*c));
		my_cache = CACHE_OFF;
		return NULL;
	}
	for (int k = 0; k < NCLASSES; k++)
		c->bins[k].limit = bin_limit(k);
	my_cache = c;
	return c;
}

/* Does this thread allocate small blocks through its cache? */
int tcache_on(void)
{
	return cache_get() != NULL;
}

/*
 * A slot of class from this thread's cache (caller checked tcache_on):
 * the newest one in the bin, or, when the bin is empty, a batch of half
 * a bin from this thread's arena. NULL without memory.
 */
void *tcache_alloc(int class)
{
	struct bin *b = &my_cache->bins[class];
	struct cached_slot *e;

	if (b->count == 0) {
		b->count = (uint32_t)slab_take_batch(
			my_arena(), class, b->slots, (int)(b->limit + 1) / 2);
		if (b->count == 0)
			return NULL;
	}
	e = &b->slots[--b->count];
	__atomic_fetch_and(&e->slab->cached_bits[e->slot / 64],
			   ~(1ULL << (e->slot % 64)), __ATOMIC_RELAXED);
	return e->slab->base + (size_t)e->slot * e->slab->size;
}

/*
 * Free p, a slot of s, into this thread's cache (caller checked
 * tcache_on): checked like any free, then pushed; a full bin first gives
 * its older half back to the slabs.
 */
void tcache_free(struct slab *s, void *p)
{
	int i = slab_slot(s, p, "free");
	struct bin *b = &my_cache->bins[s->class];

	slab_cache_mark(s, p, i);
	if (b->count == b->limit) {
		uint32_t half = b->limit / 2;

		slab_put_batch(b->slots, (int)half);
		memmove(b->slots, b->slots + half,
			(b->count - half) * sizeof(b->slots[0]));
		b->count -= half;
	}
	b->slots[b->count].slab = s;
	b->slots[b->count].slot = (uint32_t)i;
	b->count++;
}

/* Everything in this thread's cache back to the slabs (statistics and
 * heap walks then count those slots free). */
void tcache_flush_mine(void)
{
	if (my_cache && my_cache != CACHE_OFF)
		cache_drop(my_cache);
}

/* Switch this thread's cache off (flushing it) or back on. */
API void malloc_thread_cache(int on)
{
	struct tcache *c = my_cache;

	if (!on && c != CACHE_OFF) {
		if (c) {
			cache_drop(c);
			pthread_setspecific(tcache_key, NULL);
			pages_unmap(c, sizeof(*c));
		}
		my_cache = CACHE_OFF;
	} else if (on && c == CACHE_OFF) {
		my_cache = NULL;
	}
}
