/*
 * malloc_impl.h: the inside of Kestrel's malloc, shared by its files and by
 * nothing else (programs include <stdlib.h>, <malloc.h> and kmalloc.h).
 *
 * Two kinds of memory, both from mmap, and no header in front of any block:
 *
 *  - small blocks (up to SMALL_MAX bytes) are slots of one size class in a
 *    slab: SLAB_BYTES (or BIG_SLAB_BYTES) of pages cut into equal slots.
 *    Each slab belongs to one arena; the arena's lock guards it.
 *  - large blocks are a mapping each, given back with munmap on free.
 *
 * In front of the slabs, each thread keeps a small cache of free slots per
 * class (tcache.c): malloc and free touch no lock while it has room, and
 * it is filled from and emptied into the arenas a batch at a time.
 *
 * What a block is, is found out of line: the page map (pagemap.c) takes a
 * page number to the descriptor of the slab or large block on that page,
 * and descriptors live in their own pages (the record pool, pagemap.c), far
 * from user data, so an overflow from one block can reach the next block's
 * bytes but never anybody's metadata. docs/malloc.md has the picture.
 */
#ifndef KESTREL_MALLOC_IMPL_H
#define KESTREL_MALLOC_IMPL_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE 4096UL
#define PAGE_SHIFT 12
#define SLAB_BYTES (64 * 1024UL)      /* slabs of classes up to 8 KiB */
#define BIG_SLAB_BYTES (256 * 1024UL) /* slabs of the 10..32 KiB classes */
#define SMALL_MAX (32 * 1024UL)       /* larger blocks are mapped alone */
#define MIN_ALIGN 16UL                /* every block is this aligned */
#define NCLASSES 40
#define MAX_SLOTS (SLAB_BYTES / MIN_ALIGN)
#define BITMAP_WORDS (MAX_SLOTS / 64) /* 64, as kmalloc.h says */
#define NARENAS 8
/* Debug mode: bytes past the requested size that hold the canary. */
#define CANARY_BYTES 8
#define CANARY_BYTE 0xca
#define POISON_BYTE 0xdf /* freed memory in debug mode */
#define JUNK_BYTE 0xbe   /* new memory in debug mode (not calloc's) */

/*
 * A spin lock that yields to the kernel when it has waited a while: the
 * critical sections are short (a bitmap word, a list link), so waiters
 * rarely spin long. Fine with and without threads.
 */
struct lock {
	int held;
};

static inline void lock_take(struct lock *l)
{
	unsigned spins = 0;

	while (__atomic_exchange_n(&l->held, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&l->held, __ATOMIC_RELAXED)) {
			if (++spins < 100) {
				__builtin_ia32_pause();
			} else {
				sched_yield();
				spins = 0;
			}
		}
	}
}

static inline void lock_drop(struct lock *l)
{
	__atomic_store_n(&l->held, 0, __ATOMIC_RELEASE);
}

/* What programs link against; the rest stays inside the shared object. */
#define API __attribute__((visibility("default")))

enum desc_kind {
	DESC_SLAB = 1,
	DESC_LARGE = 2,
};

/*
 * The descriptor of a slab. Fields under "arena lock" are guarded by the
 * lock of arenas[arena]; the rest are set when the slab is made and never
 * change. magic is SLAB_MAGIC ^ the descriptor's own address, so a stray
 * pointer, a reused record or a scribble is caught before it is trusted.
 */
struct slab {
	uint64_t magic;
	uint32_t kind; /* DESC_SLAB */
	uint16_t class;
	uint16_t arena;
	char *base;      /* first slot; page aligned */
	size_t bytes;    /* of the mapping */
	uint32_t size;   /* of each slot */
	uint32_t nslots; /* slots in the slab */
	/* arena lock: */
	uint32_t nfree;           /* bits set in free_bits */
	uint32_t hint;            /* no free bit in words below this */
	struct slab *next, *prev; /* class's list of slabs with room */
	struct slab *all_next;    /* every slab of the class */
	struct slab **all_pprev;  /* ... and who points at us */
	uint32_t *debug_size;     /* debug mode: requested size per slot */
	uint64_t free_bits[BITMAP_WORDS]; /* bit i set: slot i is free */
	/*
	 * Atomic, no lock: bit i set: slot i sits free in some thread's
	 * cache (its free bit is clear). Set when it enters a cache, cleared
	 * when malloc hands it out or a flush gives it back to the slab.
	 */
	uint64_t cached_bits[BITMAP_WORDS];
};

/* debug_size[i] with this bit: slot i is freed and sits in quarantine. */
#define QUARANTINED 0x80000000u

/*
 * The descriptor of a large block: a mapping of its own. The user pointer
 * is map + offset (offset > 0 only for alignments above a page). Guarded
 * by large_lock (large.c) while on the list of live blocks.
 */
struct large {
	uint64_t magic;       /* LARGE_MAGIC ^ own address */
	uint32_t kind;        /* DESC_LARGE */
	uint32_t quarantined; /* debug mode: freed, awaiting release */
	char *user;           /* what malloc returned */
	char *map;            /* the mapping */
	size_t map_bytes;
	size_t requested;            /* what the caller asked for */
	struct large *next, **pprev; /* large_lock: live blocks */
};

#define SLAB_MAGIC 0x6b736c6162a5a5a5ULL
#define LARGE_MAGIC 0x6b6c61726765c3c3ULL

/* One size class of one arena: guarded by the arena's lock. */
struct class_state {
	struct slab *partial; /* slabs with a free slot, none fully free */
	struct slab *empty;   /* at most one fully free slab, kept for reuse */
	struct slab *all;     /* every slab of this class in this arena */
	size_t slabs;         /* slabs, counting empty */
	size_t in_use;        /* allocated slots (quarantined count too) */
};

struct arena {
	struct lock lock;
	struct class_state classes[NCLASSES];
} __attribute__((aligned(64)));

extern struct arena arenas[NARENAS];
extern const uint32_t class_size[NCLASSES];
extern int malloc_debug; /* KESTREL_MALLOC=debug, fixed at start */
int malloc_internal_block(const void *p);

/* A free slot held in a thread's cache (tcache.c): its slab and number. */
struct cached_slot {
	struct slab *slab;
	uint32_t slot;
};

/* size classes and small blocks (slab.c) */
int size_class(size_t n);
int aligned_class(size_t n, size_t align);
size_t slab_bytes_of(int class);
void *slab_alloc(struct arena *a, int class, size_t requested);
void slab_free(struct slab *s, void *p, const char *op);
void slab_unquarantine(struct slab *s, void *p);
int slab_slot(struct slab *s, void *p, const char *op);
void slab_check(struct slab *s, void *p, const char *op);
void slab_cache_mark(struct slab *s, void *p, int i);
int slab_take_batch(struct arena *a, int class, struct cached_slot *out, int n);
void slab_put_batch(struct cached_slot *in, int n);
struct arena *my_arena(void);

/* per-thread caches (tcache.c) */
void tcache_start(void);
int tcache_on(void);
void *tcache_alloc(int class);
void tcache_free(struct slab *s, void *p);
void tcache_flush_mine(void);
extern int malloc_nocache; /* KESTREL_MALLOC=nocache, fixed at start */

/* large blocks (large.c) */
void *large_alloc(size_t n, size_t align, size_t requested);
void large_unquarantine(struct large *l);
void large_free(struct large *l, void *p, const char *op);
void *large_realloc(struct large *l, size_t n);
void large_check(struct large *l, void *p, const char *op);
extern struct lock large_lock;
extern struct large *large_list;

/* the page map and the record pool (pagemap.c) */
void *pagemap_get(const void *p);
int pagemap_set(const void *start, size_t bytes, void *desc);
void *record_alloc(void);
void record_free(void *r);
void *pages_map(size_t bytes);
void pages_unmap(void *p, size_t bytes);
void *slab_pages_get(size_t bytes);
void slab_pages_put(void *p, size_t bytes);
extern struct lock pagemap_lock, record_lock, chunk_lock;

/* hardening reports (report.c): write one line to stderr and abort */
void report_block(const char *what, const void *p, size_t size)
	__attribute__((noreturn));
void report_freed(const char *op, const void *p, size_t size)
	__attribute__((noreturn));
void report_invalid(const char *op, const void *p) __attribute__((noreturn));
void report_corrupt(const void *desc, const void *p) __attribute__((noreturn));
void report_write(const char *s);
void report_leaks(size_t blocks, size_t bytes);
void report_note(const char *what, const void *p, size_t size,
		 const char *tail);

/* debug mode (debug.c) */
void debug_on_alloc(void *p, size_t requested, size_t usable);
void debug_check_canary(const void *p, size_t requested, size_t usable);
void debug_quarantine(void *p, size_t usable);
void debug_at_exit(void);
extern struct lock quarantine_lock;

#endif
