/*
 * large.c: blocks above SMALL_MAX bytes, or aligned beyond a page. Each is
 * a mapping of its own, so freeing one gives all its pages back to the
 * kernel at once (munmap), and growing one can move its pages instead of
 * copying them (mremap, where the kernel has it).
 *
 * A large block's descriptor is found through the page map entry of the
 * block's first page (the page the user pointer is on); the other pages
 * map to nothing, so a pointer into the middle of a block is refused.
 * Every live block is on large_list, for malloc_stats and the leak report.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "malloc_impl.h"

struct lock large_lock;   /* guards large_list and each block's links */
struct large *large_list; /* large_lock: every live large block */

static size_t round_page(size_t n)
{
	return (n + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

static void list_add(struct large *l)
{
	lock_take(&large_lock);
	l->next = large_list;
	l->pprev = &large_list;
	if (large_list)
		large_list->pprev = &l->next;
	large_list = l;
	lock_drop(&large_lock);
}

static void list_remove(struct large *l)
{
	lock_take(&large_lock);
	*l->pprev = l->next;
	if (l->next)
		l->next->pprev = l->pprev;
	lock_drop(&large_lock);
}

/*
 * A block of n usable bytes aligned to align (a power of two), of which
 * the caller asked for requested; NULL when the kernel has no memory.
 */
void *large_alloc(size_t n, size_t align, size_t requested)
{
	size_t extra = align > PAGE_SIZE ? align - PAGE_SIZE : 0;
	struct large *l;

	if (n > PTRDIFF_MAX - extra - PAGE_SIZE)
		return NULL;
	l = record_alloc();
	if (!l)
		return NULL;
	l->map_bytes = round_page(n + extra);
	l->map = pages_map(l->map_bytes);
	if (!l->map)
		goto out_record;
	l->user = (char *)(((uintptr_t)l->map + align - 1) & ~(align - 1));
	l->magic = LARGE_MAGIC ^ (uintptr_t)l;
	l->kind = DESC_LARGE;
	l->requested = requested;
	if (pagemap_set(l->user, PAGE_SIZE, l) < 0)
		goto out_map;
	list_add(l);
	return l->user;
out_map:
	pages_unmap(l->map, l->map_bytes);
out_record:
	record_free(l);
	return NULL;
}

/* Abort unless l is a sound descriptor and p the block it describes. */
void large_check(struct large *l, void *p, const char *op)
{
	if (l->magic != (LARGE_MAGIC ^ (uintptr_t)l) || l->map > l->user ||
	    l->user >= l->map + l->map_bytes)
		report_corrupt(l, p);
	if (l->user != p)
		report_invalid(op, p);
	if (l->quarantined)
		report_freed(op, p, l->map_bytes);
}

/* Unmap a large block and forget it. */
static void large_release(struct large *l)
{
	list_remove(l);
	pagemap_set(l->user, PAGE_SIZE, NULL);
	pages_unmap(l->map, l->map_bytes);
	record_free(l);
}

/* Free p, the large block of l (debug mode: into the quarantine). */
void large_free(struct large *l, void *p, const char *op)
{
	large_check(l, p, op);
	if (!malloc_debug) {
		large_release(l);
		return;
	}
	l->quarantined = 1;
	debug_check_canary(p, l->requested, l->map + l->map_bytes - l->user);
	debug_quarantine(p, l->map + l->map_bytes - l->user);
}

/* The quarantine lets a large block go for good. */
void large_unquarantine(struct large *l)
{
	large_release(l);
}

/*
 * Grow or shrink l to n bytes or more by moving its pages (mremap). Returns the
 * new address, or NULL if the kernel cannot (no mremap, no memory, an
 * aligned block); the block is then unchanged and the caller copies.
 * The old page's map entry is cleared first: once mremap returns, another
 * thread may map new memory there and fill in its entry.
 */
void *large_realloc(struct large *l, size_t n)
{
	size_t bytes = round_page(n);
	void *moved;

	if (l->user != l->map || malloc_debug || n > PTRDIFF_MAX / 2)
		return NULL;
	/* A block that grows may grow again: a quarter more room makes a
	 * run of small steps cost a few mremaps, not one per page. */
	if (bytes > l->map_bytes)
		bytes = round_page(n + n / 4);
	pagemap_set(l->user, PAGE_SIZE, NULL);
	moved = mremap(l->map, l->map_bytes, bytes, MREMAP_MAYMOVE);
	if (moved == MAP_FAILED) {
		pagemap_set(l->user, PAGE_SIZE, l);
		return NULL;
	}
	if (pagemap_set(moved, PAGE_SIZE, l) < 0) {
		/* No memory for a new map leaf, and the old place may be
		 * taken already: the block can be neither kept nor undone. */
		report_write("malloc: out of memory for the page map\n");
		abort();
	}
	l->map = l->user = moved;
	l->map_bytes = bytes;
	l->requested = n;
	return moved;
}
