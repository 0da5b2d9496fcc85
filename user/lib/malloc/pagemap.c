/*
 * pagemap.c: where malloc's own bookkeeping lives, away from user data.
 *
 * The page map answers "what is this pointer?" without reading a byte
 * before it: a two-level table indexed by page number, like a page table.
 * The top level has one entry per 4 GiB of address space (2^15 of them
 * for the 47-bit user half), each pointing at a leaf of 2^20 descriptor
 * pointers, one per page. Leaves are mapped when first needed and never
 * freed; an untouched part of a leaf costs no memory, as the kernel maps
 * anonymous pages on first touch. A page that is not the page of a block
 * malloc handed out maps to NULL.
 *
 *   p >> 12 = | top index (15 bits) | leaf index (20 bits) |
 *   pagemap_top[top] -> leaf[leaf index] -> struct slab or struct large
 *
 * Writers hold pagemap_lock; readers (free, realloc) read without it:
 * a block's entries are stored before malloc returns the block, and
 * cleared only after it has been freed, so a caller who owns a block
 * always sees its entry (the atomics make each load whole).
 *
 * The record pool hands out the descriptors: fixed-size records carved
 * from pages of their own, reused through a free list (record_lock).
 *
 * Slabs' pages come from chunks of CHUNK_BYTES mapped at once (chunk_lock):
 * a program with twenty classes in use has a few mappings rather than
 * twenty, and a new slab is seldom a system call. A released slab's pages
 * go back to the kernel with madvise(MADV_DONTNEED), which keeps the
 * address range; the range waits on a short stack for the next slab of
 * its size, and is unmapped if the stack is full.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "malloc_impl.h"

#define TOP_BITS 15
#define LEAF_BITS 20
#define LEAF_ENTRIES (1UL << LEAF_BITS)
#define POOL_CHUNK (64 * 1024UL)
#define CHUNK_BYTES (1024 * 1024UL) /* a multiple of both slab sizes */
#define SPARE_MAX 64

struct lock pagemap_lock; /* guards new leaves and entry stores */
static void **pagemap_top[1UL << TOP_BITS];

/* A free record: the first word links it to the next. */
struct free_record {
	struct free_record *next;
};

struct lock record_lock; /* guards the pool below */
static struct free_record *record_free_list;
static char *pool_next, *pool_end;

/* Fresh zeroed pages from the kernel, or NULL. */
void *pages_map(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void pages_unmap(void *p, size_t bytes)
{
	munmap(p, bytes);
}

struct lock chunk_lock; /* guards chunks[] */
/* [0]: SLAB_BYTES slabs, [1]: BIG_SLAB_BYTES slabs */
static struct {
	char *next, *end;       /* the unused rest of the current chunk */
	void *spare[SPARE_MAX]; /* released slabs' ranges, pages dropped */
	int nspare;
} chunks[2];

/* Pages for a slab of bytes (one of the two slab sizes), or NULL. */
void *slab_pages_get(size_t bytes)
{
	int k = bytes != SLAB_BYTES;
	void *p = NULL;

	lock_take(&chunk_lock);
	if (chunks[k].nspare) {
		p = chunks[k].spare[--chunks[k].nspare];
	} else {
		if (chunks[k].next == chunks[k].end) {
			chunks[k].next = pages_map(CHUNK_BYTES);
			chunks[k].end = chunks[k].next
						? chunks[k].next + CHUNK_BYTES
						: NULL;
		}
		if (chunks[k].next) {
			p = chunks[k].next;
			chunks[k].next += bytes;
		}
	}
	lock_drop(&chunk_lock);
	return p;
}

/* A slab's pages go back to the kernel; its range is kept for reuse. */
void slab_pages_put(void *p, size_t bytes)
{
	int k = bytes != SLAB_BYTES;

	madvise(p, bytes, MADV_DONTNEED);
	lock_take(&chunk_lock);
	if (chunks[k].nspare < SPARE_MAX) {
		chunks[k].spare[chunks[k].nspare++] = p;
		p = NULL;
	}
	lock_drop(&chunk_lock);
	if (p)
		pages_unmap(p, bytes);
}

/* The leaf slot of page p, NULL if its leaf does not exist (yet). */
static void **entry_of(const void *p)
{
	uintptr_t page = (uintptr_t)p >> PAGE_SHIFT;
	uintptr_t top = page >> LEAF_BITS;
	void **leaf;

	if (top >= (1UL << TOP_BITS))
		return NULL;
	leaf = __atomic_load_n(&pagemap_top[top], __ATOMIC_ACQUIRE);
	return leaf ? &leaf[page & (LEAF_ENTRIES - 1)] : NULL;
}

/* The descriptor of the block or slab on p's page, or NULL. */
void *pagemap_get(const void *p)
{
	void **e = entry_of(p);

	return e ? __atomic_load_n(e, __ATOMIC_ACQUIRE) : NULL;
}

/*
 * Point every page of [start, start + bytes) at desc (NULL to clear).
 * Returns -1 if a leaf could not be mapped (out of memory); the entries
 * set so far are then cleared again.
 */
int pagemap_set(const void *start, size_t bytes, void *desc)
{
	uintptr_t a = (uintptr_t)start, end = a + bytes;

	lock_take(&pagemap_lock);
	for (; a < end; a += PAGE_SIZE) {
		uintptr_t top = (a >> PAGE_SHIFT) >> LEAF_BITS;
		void **e;

		if (top >= (1UL << TOP_BITS))
			goto out_fail;
		if (!pagemap_top[top]) {
			void **leaf = pages_map(LEAF_ENTRIES * sizeof(void *));

			if (!leaf)
				goto out_fail;
			__atomic_store_n(&pagemap_top[top], leaf,
					 __ATOMIC_RELEASE);
		}
		e = entry_of((void *)a);
		__atomic_store_n(e, desc, __ATOMIC_RELEASE);
	}
	lock_drop(&pagemap_lock);
	return 0;
out_fail:
	for (uintptr_t b = (uintptr_t)start; b < a; b += PAGE_SIZE)
		__atomic_store_n(entry_of((void *)b), NULL, __ATOMIC_RELEASE);
	lock_drop(&pagemap_lock);
	return -1;
}

/* Records hold either descriptor; both start with magic and kind. */
static size_t record_bytes(void)
{
	size_t n = sizeof(struct slab) > sizeof(struct large)
			   ? sizeof(struct slab)
			   : sizeof(struct large);

	return (n + 63) & ~63UL;
}

/* A zeroed record, or NULL when the kernel has no more memory. */
void *record_alloc(void)
{
	size_t n = record_bytes();
	void *r;

	lock_take(&record_lock);
	if (record_free_list) {
		r = record_free_list;
		record_free_list = record_free_list->next;
	} else {
		if (pool_next == NULL || pool_end - pool_next < (long)n) {
			pool_next = pages_map(POOL_CHUNK);
			if (!pool_next) {
				pool_end = NULL;
				lock_drop(&record_lock);
				return NULL;
			}
			pool_end = pool_next + POOL_CHUNK;
		}
		r = pool_next;
		pool_next += n;
	}
	lock_drop(&record_lock);
	memset(r, 0, n);
	return r;
}

/* Give a record back; its magic is wiped first, so a stale pointer to it
 * is never mistaken for a live descriptor. */
void record_free(void *r)
{
	struct free_record *f = r;

	memset(r, 0, record_bytes());
	lock_take(&record_lock);
	f->next = record_free_list;
	record_free_list = f;
	lock_drop(&record_lock);
}
