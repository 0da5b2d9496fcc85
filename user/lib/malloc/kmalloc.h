/*
 * kmalloc.h: what Kestrel's malloc offers beyond the standard functions
 * (which <stdlib.h> and <malloc.h> declare). docs/malloc.md.
 */
#ifndef KESTREL_KMALLOC_H
#define KESTREL_KMALLOC_H

#include <stddef.h>

/* The figures of one size class, summed over the arenas. */
struct malloc_class_stats {
	size_t size;   /* bytes per block */
	size_t in_use; /* blocks allocated (debug mode: and quarantined;
			  and those free in other threads' caches) */
	size_t free;   /* free blocks in this class's slabs */
	size_t slabs;  /* slabs held, an empty one kept for reuse included */
	size_t pages;  /* pages those slabs span */
};

/* Fill out[0..max) with the classes' figures; returns how many. */
int malloc_class_stats(struct malloc_class_stats *out, int max);

/* Live large blocks (each a mapping): their number; *pages their pages. */
size_t malloc_large_stats(size_t *pages);

/* glibc's malloc_stats: each class in use, one line each, on stderr. */
void malloc_stats(void);

/*
 * Switch the calling thread's cache of free blocks off (0: its blocks go
 * back to their slabs, and from now on every malloc and free of this
 * thread goes to the slabs) or back on (1).
 */
void malloc_thread_cache(int on);

/* One slab as malloc_heap_walk shows it. */
struct malloc_slab_info {
	size_t size;   /* bytes per block */
	void *base;    /* first block */
	size_t nslots; /* blocks in the slab */
	size_t nfree;
	unsigned long long free_bits[64]; /* bit i set: block i is free */
};

/*
 * Call fn once per slab (small blocks) and then once per large block
 * (info->nslots 1, info->size its bytes), with the arena's lock held: fn
 * must not allocate or free. For heapviz.
 */
void malloc_heap_walk(void (*fn)(const struct malloc_slab_info *info,
				 void *arg),
		      void *arg);

/*
 * For the hardening tests only: scribble over the descriptor of block p,
 * as a wild write into malloc's own pages would, so that the next free of
 * p must report corrupted metadata.
 */
void malloc_test_corrupt(void *p);

#endif
