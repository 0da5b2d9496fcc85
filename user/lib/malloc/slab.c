/*
 * slab.c: small blocks. A request of up to SMALL_MAX bytes is rounded up
 * to one of NCLASSES size classes (16, 32, ... 128, then four classes per
 * doubling: 160, 192, 224, 256, 320, ...), so no block wastes more than
 * a fifth of itself. Each class of each arena owns slabs: SLAB_BYTES of
 * fresh pages cut into equal slots, with a bitmap in the slab's
 * descriptor saying which slots are free.
 *
 * Invariants, each under the arena's lock:
 *  - a slab is on its class's partial list iff 0 < nfree < nslots;
 *  - a slab with nfree == nslots is the class's one `empty` slab or is
 *    gone: the second fully free slab of a class is released at once
 *    (its pages dropped, pagemap.c), so a program that frees a lot gives
 *    its pages back to the kernel;
 *  - nfree is the number of set bits, and hint is at most the index of
 *    the first word with one.
 *
 * Arenas keep threads apart: a thread takes an arena the first time it
 * allocates (round robin) and allocates only from it, so two threads
 * contend only when they share an arena or free each other's blocks. A
 * block always goes back to the arena of its slab, under that arena's
 * lock.
 */
#include <string.h>

#include "malloc_impl.h"

struct arena arenas[NARENAS];

const uint32_t class_size[NCLASSES] = {
	16,   32,   48,    64,    80,    96,    112,   128,   160,   192,
	224,  256,  320,   384,   448,   512,   640,   768,   896,   1024,
	1280, 1536, 1792,  2048,  2560,  3072,  3584,  4096,  5120,  6144,
	7168, 8192, 10240, 12288, 14336, 16384, 20480, 24576, 28672, 32768,
};

/*
 * The class for n bytes (n <= SMALL_MAX). Up to 128 the classes step by
 * 16; above, n lies in (2^b, 2^(b+1)] and the class is the k-th quarter
 * step of that range.
 */
int size_class(size_t n)
{
	int b, k;

	if (n <= 128)
		return n ? (int)((n - 1) >> 4) : 0;
	b = 63 - __builtin_clzl(n - 1);
	k = (int)(((n - 1) >> (b - 2)) & 3);
	return 8 + (b - 7) * 4 + k;
}

/*
 * The smallest class that holds n bytes with every slot aligned to align
 * (a power of two up to a page): slabs start on a page, so a slot size
 * that align divides gives aligned slots. -1 if no class does.
 */
int aligned_class(size_t n, size_t align)
{
	if (n > SMALL_MAX || align > PAGE_SIZE)
		return -1;
	for (int c = size_class(n); c < NCLASSES; c++)
		if (class_size[c] % align == 0)
			return c;
	return -1;
}

size_t slab_bytes_of(int class)
{
	return class_size[class] > 8192 ? BIG_SLAB_BYTES : SLAB_BYTES;
}

/* This thread's arena, chosen on its first allocation. */
struct arena *my_arena(void)
{
	static __thread int mine __attribute__((tls_model("initial-exec")));
	static unsigned next_arena;

	if (!mine)
		mine = 1 + (int)(__atomic_fetch_add(&next_arena, 1,
						    __ATOMIC_RELAXED) %
				 NARENAS);
	return &arenas[mine - 1];
}

static void partial_push(struct class_state *cs, struct slab *s)
{
	s->prev = NULL;
	s->next = cs->partial;
	if (cs->partial)
		cs->partial->prev = s;
	cs->partial = s;
}

static void partial_remove(struct class_state *cs, struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		cs->partial = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
}

/* A new slab of class for arena a, or NULL. Caller holds a->lock. */
static struct slab *slab_new(struct arena *a, int class)
{
	struct class_state *cs = &a->classes[class];
	size_t bytes = slab_bytes_of(class);
	struct slab *s = record_alloc();

	if (!s)
		return NULL;
	s->base = slab_pages_get(bytes);
	if (!s->base)
		goto out_record;
	s->magic = SLAB_MAGIC ^ (uintptr_t)s;
	s->kind = DESC_SLAB;
	s->class = (uint16_t) class;
	s->arena = (uint16_t)(a - arenas);
	s->bytes = bytes;
	s->size = class_size[class];
	s->nslots = (uint32_t)(bytes / s->size);
	s->nfree = s->nslots;
	for (uint32_t i = 0; i < s->nslots; i++)
		s->free_bits[i / 64] |= 1ULL << (i % 64);
	if (malloc_debug) {
		s->debug_size = pages_map(s->nslots * sizeof(uint32_t));
		if (!s->debug_size)
			goto out_pages;
	}
	if (pagemap_set(s->base, bytes, s) < 0)
		goto out_debug;
	s->all_next = cs->all;
	s->all_pprev = &cs->all;
	if (cs->all)
		cs->all->all_pprev = &s->all_next;
	cs->all = s;
	cs->slabs++;
	return s;
out_debug:
	if (s->debug_size)
		pages_unmap(s->debug_size, s->nslots * sizeof(uint32_t));
out_pages:
	slab_pages_put(s->base, bytes);
out_record:
	record_free(s);
	return NULL;
}

/* Give a fully free slab's pages back to the kernel. Caller holds its arena's
 * lock; the slab is on no partial list and is not cs->empty. */
static void slab_release(struct class_state *cs, struct slab *s)
{
	pagemap_set(s->base, s->bytes, NULL);
	slab_pages_put(s->base, s->bytes);
	if (s->debug_size)
		pages_unmap(s->debug_size, s->nslots * sizeof(uint32_t));
	*s->all_pprev = s->all_next;
	if (s->all_next)
		s->all_next->all_pprev = s->all_pprev;
	cs->slabs--;
	record_free(s);
}

/* LAB malloc: begin */
/*
 * Take one free slot of class from arena a: its slab in *out, its number
 * returned; -1 if the kernel has no memory. The slot counts as in use.
 * Caller holds a->lock.
 */
static int slot_take(struct arena *a, int class, struct slab **out)
{
	struct class_state *cs = &a->classes[class];
	struct slab *s;
	uint32_t w, slot;

	s = cs->partial;
	if (!s) {
		s = cs->empty;
		cs->empty = NULL;
		if (!s)
			s = slab_new(a, class);
		if (!s)
			return -1;
		partial_push(cs, s);
	}
	for (w = s->hint; !s->free_bits[w]; w++)
		;
	s->hint = w;
	slot = w * 64 + (uint32_t)__builtin_ctzll(s->free_bits[w]);
	s->free_bits[w] &= s->free_bits[w] - 1;
	if (--s->nfree == 0)
		partial_remove(cs, s);
	cs->in_use++;
	*out = s;
	return (int)slot;
}
#if 0 /* LAB malloc: stub */
/*
 * Take one free slot of class from arena a: its slab in *out, its number
 * returned; -1 if the kernel has no memory. The slot counts as in use.
 * Caller holds a->lock.
 *
 * Lab malloc, task 1: take the first free slot (a set bit, from word
 * hint on) of the first slab on the class's partial list; with none,
 * the class's empty slab or a new one (slab_new). Keep every invariant
 * at the top of this file.
 *
 * THE STUB IS A BUMP ALLOCATOR: it hands out each slot of a slab once,
 * in order, and never one that was freed (its slot_put gives nothing
 * back), so that every program still runs while you work.
 */
static int slot_take(struct arena *a, int class, struct slab **out)
{
	struct class_state *cs = &a->classes[class];
	struct slab *s;
	uint32_t slot;

	s = cs->partial;
	if (!s) {
		s = slab_new(a, class);
		if (!s)
			return -1;
		partial_push(cs, s);
	}
	slot = s->nslots - s->nfree; /* the next slot never handed out */
	s->free_bits[slot / 64] &= ~(1ULL << (slot % 64));
	if (--s->nfree == 0)
		partial_remove(cs, s);
	cs->in_use++;
	*out = s;
	return (int)slot;
}

#endif /* LAB malloc: end */

/* One slot of class from arena a, or NULL if the kernel has no memory.
 * requested is what the caller asked for (kept in debug mode). */
void *slab_alloc(struct arena *a, int class, size_t requested)
{
	struct slab *s;
	int i;

	lock_take(&a->lock);
	i = slot_take(a, class, &s);
	if (i >= 0 && s->debug_size)
		s->debug_size[i] = (uint32_t)requested;
	lock_drop(&a->lock);
	return i < 0 ? NULL : s->base + (size_t)i * s->size;
}

/*
 * Up to n slots of class from arena a for a thread's cache, under one
 * taking of the lock: each is marked cached (struct slab) before the lock
 * is dropped. Returns how many; fewer than n only without memory.
 */
int slab_take_batch(struct arena *a, int class, struct cached_slot *out, int n)
{
	int k;

	lock_take(&a->lock);
	for (k = 0; k < n; k++) {
		int i = slot_take(a, class, &out[k].slab);

		if (i < 0)
			break;
		out[k].slot = (uint32_t)i;
		__atomic_fetch_or(&out[k].slab->cached_bits[i / 64],
				  1ULL << (i % 64), __ATOMIC_RELAXED);
	}
	lock_drop(&a->lock);
	return k;
}

/* LAB malloc: begin */
/*
 * The slot number of p in slab s, after the checks that make trusting s
 * safe: its magic, its fields in range, p at the start of a slot. op names
 * the call for the report ("free", "realloc").
 */
int slab_slot(struct slab *s, void *p, const char *op)
{
	size_t off;

	if (s->magic != (SLAB_MAGIC ^ (uintptr_t)s) || s->class >= NCLASSES ||
	    s->arena >= NARENAS || s->size != class_size[s->class] ||
	    (char *)p < s->base)
		report_corrupt(s, p);
	off = (size_t)((char *)p - s->base);
	if (off >= s->bytes)
		report_invalid(op, p);
	/* 32-bit division: a slab is far smaller than 4 GiB. */
	if ((uint32_t)off % s->size != 0 ||
	    (uint32_t)off / s->size >= s->nslots)
		report_invalid(op, p);
	return (int)((uint32_t)off / s->size);
}

/*
 * Is slot i of s free, in the slab or in a thread's cache? Exact under
 * the arena lock; without it, exact for a slot the caller owns (nobody
 * else changes its bits) and a best guess for any other.
 */
static int slot_is_free(const struct slab *s, int i)
{
	uint64_t bit = 1ULL << (i % 64);

	return (__atomic_load_n(&s->free_bits[i / 64], __ATOMIC_RELAXED) |
		__atomic_load_n(&s->cached_bits[i / 64], __ATOMIC_RELAXED)) &
	       bit;
}

/* Abort unless p is an allocated block of s. op names the call. */
void slab_check(struct slab *s, void *p, const char *op)
{
	int i = slab_slot(s, p, op);
	struct arena *a = &arenas[s->arena];
	int bad;

	lock_take(&a->lock);
	bad = slot_is_free(s, i) ||
	      (s->debug_size && (s->debug_size[i] & QUARANTINED));
	lock_drop(&a->lock);
	if (bad)
		report_freed(op, p, s->size);
}

/*
 * free puts p, slot i of s, into this thread's cache: mark it cached,
 * and abort if it was free already, in the slab or in any thread's cache
 * (the atomic test-and-set catches two threads freeing it at once). No
 * lock: a slot the caller owns has bits only the caller changes.
 */
void slab_cache_mark(struct slab *s, void *p, int i)
{
	uint64_t bit = 1ULL << (i % 64);

	if ((__atomic_fetch_or(&s->cached_bits[i / 64], bit, __ATOMIC_RELAXED) &
	     bit) ||
	    (__atomic_load_n(&s->free_bits[i / 64], __ATOMIC_RELAXED) & bit))
		report_freed("free", p, s->size);
}
#if 0 /* LAB malloc: stub */
/*
 * The slot number of p in slab s.
 *
 * Lab malloc, task 3: first the checks that make trusting s safe, since
 * s came from the page map and p from the caller: its magic, its fields
 * in range (report_corrupt), p inside the slab and at the start of a
 * slot (report_invalid, with op naming the call: "free", "realloc").
 * THE STUB CHECKS NOTHING.
 */
int slab_slot(struct slab *s, void *p, const char *op)
{
	(void)op;
	return (int)((size_t)((char *)p - s->base) / s->size);
}

/* Is slot i of s free, in the slab or in a thread's cache? */
static int slot_is_free(const struct slab *s, int i)
{
	uint64_t bit = 1ULL << (i % 64);

	return (__atomic_load_n(&s->free_bits[i / 64], __ATOMIC_RELAXED) |
		__atomic_load_n(&s->cached_bits[i / 64], __ATOMIC_RELAXED)) &
	       bit;
}

/* Abort unless p is an allocated block of s. op names the call.
 * Lab malloc, task 3 (report_freed for a free or quarantined slot).
 * THE STUB CHECKS NOTHING. */
void slab_check(struct slab *s, void *p, const char *op)
{
	(void)s;
	(void)p;
	(void)op;
	(void)slot_is_free;
}

/*
 * free puts p, slot i of s, into this thread's cache: mark it cached
 * (an atomic or: other threads change other bits of the word).
 * Lab malloc, task 3: abort (report_freed) if it was free already, in
 * the slab or in any thread's cache. THE STUB CHECKS NOTHING.
 */
void slab_cache_mark(struct slab *s, void *p, int i)
{
	(void)p;
	__atomic_fetch_or(&s->cached_bits[i / 64], 1ULL << (i % 64),
			  __ATOMIC_RELAXED);
}

#endif /* LAB malloc: end */

/* LAB malloc: begin */
/* Mark slot i of s free and keep the invariants. Caller holds the lock
 * of s's arena. */
static void slot_put(struct slab *s, int i)
{
	struct class_state *cs = &arenas[s->arena].classes[s->class];

	s->free_bits[i / 64] |= 1ULL << (i % 64);
	if ((uint32_t)i / 64 < s->hint)
		s->hint = (uint32_t)i / 64;
	cs->in_use--;
	s->nfree++;
	if (s->nfree == 1)
		partial_push(cs, s);
	if (s->nfree == s->nslots) {
		partial_remove(cs, s);
		if (cs->empty)
			slab_release(cs, s);
		else
			cs->empty = s;
	}
}

/*
 * Free p, a slot of s (found by the page map). A second free of a slot is
 * caught by its bit, or in debug mode by its quarantine mark, before
 * anything changes. In debug mode the slot goes to the quarantine
 * (debug.c) instead, and comes back through slab_unquarantine.
 */
void slab_free(struct slab *s, void *p, const char *op)
{
	int i = slab_slot(s, p, op);
	struct arena *a = &arenas[s->arena];
	uint32_t requested;

	lock_take(&a->lock);
	if (slot_is_free(s, i) ||
	    (s->debug_size && (s->debug_size[i] & QUARANTINED)))
		report_freed(op, p, s->size);
	if (!s->debug_size) {
		slot_put(s, i);
		lock_drop(&a->lock);
		return;
	}
	requested = s->debug_size[i];
	s->debug_size[i] = requested | QUARANTINED;
	lock_drop(&a->lock);
	debug_check_canary(p, requested, s->size);
	debug_quarantine(p, s->size);
}

/* The quarantine lets p, a slot of s, go for good. */
void slab_unquarantine(struct slab *s, void *p)
{
	int i = slab_slot(s, p, "free");
	struct arena *a = &arenas[s->arena];

	lock_take(&a->lock);
	s->debug_size[i] = 0;
	slot_put(s, i);
	lock_drop(&a->lock);
}
#if 0 /* LAB malloc: stub */
/*
 * Mark slot i of s free and keep the invariants. Caller holds the lock
 * of s's arena.
 *
 * Lab malloc, task 2: set the slot's bit and keep the invariants (the
 * partial list, at most one fully free slab per class: release the
 * second with slab_release, so memory goes back to the kernel).
 *
 * THE STUB GIVES NOTHING BACK: every freed block is lost.
 */
static void slot_put(struct slab *s, int i)
{
	(void)s;
	(void)i;
	(void)slab_release;
}

/*
 * Free p, a slot of s (found by the page map), when it does not go to a
 * thread's cache (debug mode, or KESTREL_MALLOC=nocache).
 *
 * Lab malloc, task 2: a second free of a slot is caught by its bit
 * (report_freed) before anything changes; then slot_put. In debug mode
 * (s->debug_size) the slot goes to the quarantine instead (debug.c) and
 * comes back through slab_unquarantine, which frees it for good.
 */
void slab_free(struct slab *s, void *p, const char *op)
{
	(void)slab_slot(s, p, op);
}

/* The quarantine lets p, a slot of s, go for good (task 2). */
void slab_unquarantine(struct slab *s, void *p)
{
	(void)s;
	(void)p;
}

#endif /* LAB malloc: end */

/*
 * Give n slots of a thread's cache back to their slabs. Consecutive slots
 * of one arena go back under one taking of its lock, so a flush of slots
 * that came in one batch takes the lock once.
 */
void slab_put_batch(struct cached_slot *in, int n)
{
	struct arena *held = NULL, *a;

	for (int k = 0; k < n; k++) {
		struct slab *s = in[k].slab;
		uint32_t i = in[k].slot;

		a = &arenas[s->arena];
		if (a != held) {
			if (held)
				lock_drop(&held->lock);
			lock_take(&a->lock);
			held = a;
		}
		__atomic_fetch_and(&s->cached_bits[i / 64], ~(1ULL << (i % 64)),
				   __ATOMIC_RELAXED);
		slot_put(s, (int)i);
	}
	if (held)
		lock_drop(&held->lock);
}
