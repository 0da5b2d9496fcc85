/*
 * debug.c: the debug mode, chosen at start with KESTREL_MALLOC=debug.
 *
 *  - Canaries: every block gets CANARY_BYTES more than asked for, and
 *    the bytes from the requested size to the end of the slot hold
 *    CANARY_BYTE. free checks them: a write past the end is reported.
 *    malloc_usable_size says the requested size, so no correct program
 *    writes there.
 *  - Junk: new memory (not calloc's) is filled with JUNK_BYTE, so a read
 *    of memory never written shows up as 0xbebebebe, not as zeros.
 *  - Quarantine and poison: a freed block is filled with POISON_BYTE and
 *    kept, still allocated, in a FIFO of QUARANTINE_MAX blocks; it is
 *    really freed only when pushed out, and then every byte must still be
 *    poison, or something wrote to it after the free (a use after free).
 *    A second free of a quarantined block is a double free.
 *  - At exit: the quarantine is checked the same way, the live blocks'
 *    canaries too, and every block still allocated is listed with its
 *    size: the leak report.
 */
#include <stdlib.h>
#include <string.h>

#include "malloc_impl.h"

#define QUARANTINE_MAX 1024
#define LEAK_LINES_MAX 64

struct lock quarantine_lock; /* guards the ring below */
static struct {
	void *p;
	size_t usable;
} quarantine[QUARANTINE_MAX];
static unsigned quarantine_head, quarantine_count;

void debug_on_alloc(void *p, size_t requested, size_t usable)
{
	memset(p, JUNK_BYTE, requested);
	memset((char *)p + requested, CANARY_BYTE, usable - requested);
}

void debug_check_canary(const void *p, size_t requested, size_t usable)
{
	const unsigned char *b = p;

	for (size_t i = requested; i < usable; i++)
		if (b[i] != CANARY_BYTE)
			report_block("heap overflow past the end", p,
				     requested);
}

/* Abort if the quarantined block p was written after its free. */
static void check_poison(const void *p, size_t usable)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < usable; i++)
		if (b[i] != POISON_BYTE)
			report_block("use after free (written after free)", p,
				     usable);
}

/* Free a block for good when it leaves the quarantine. */
static void release(void *p)
{
	void *desc = pagemap_get(p);

	if (!desc)
		report_invalid("free", p);
	/* Both descriptors start with magic and kind. */
	if (((struct slab *)desc)->kind == DESC_SLAB)
		slab_unquarantine(desc, p);
	else
		large_unquarantine(desc);
}

/* p (usable bytes) is freed: poison it and hold it for a while. */
void debug_quarantine(void *p, size_t usable)
{
	void *out = NULL;
	size_t out_usable = 0;
	unsigned tail;

	memset(p, POISON_BYTE, usable);
	lock_take(&quarantine_lock);
	if (quarantine_count == QUARANTINE_MAX) {
		out = quarantine[quarantine_head].p;
		out_usable = quarantine[quarantine_head].usable;
		quarantine_head = (quarantine_head + 1) % QUARANTINE_MAX;
		quarantine_count--;
	}
	tail = (quarantine_head + quarantine_count) % QUARANTINE_MAX;
	quarantine[tail].p = p;
	quarantine[tail].usable = usable;
	quarantine_count++;
	lock_drop(&quarantine_lock);
	if (out) {
		check_poison(out, out_usable);
		release(out);
	}
}

/* One leak line (the first LEAK_LINES_MAX), counted in *n and *bytes. */
static void leak(const void *p, size_t size, size_t *n, size_t *bytes)
{
	if (malloc_internal_block(p))
		return;
	if (*n < LEAK_LINES_MAX)
		report_note("leak: ", p, size, " still allocated at exit");
	(*n)++;
	*bytes += size;
}

/* The live small blocks of one slab: canaries checked, leaks listed.
 * Caller holds the slab's arena lock. */
static void slab_at_exit(struct slab *s, size_t *n, size_t *bytes)
{
	for (uint32_t i = 0; i < s->nslots; i++) {
		char *p = s->base + (size_t)i * s->size;

		if ((s->free_bits[i / 64] >> (i % 64)) & 1 ||
		    (s->debug_size[i] & QUARANTINED))
			continue;
		debug_check_canary(p, s->debug_size[i], s->size);
		leak(p, s->debug_size[i], n, bytes);
	}
}

void debug_at_exit(void)
{
	size_t n = 0, bytes = 0;

	lock_take(&quarantine_lock);
	for (unsigned i = 0; i < quarantine_count; i++) {
		unsigned k = (quarantine_head + i) % QUARANTINE_MAX;

		check_poison(quarantine[k].p, quarantine[k].usable);
	}
	lock_drop(&quarantine_lock);
	for (int a = 0; a < NARENAS; a++) {
		lock_take(&arenas[a].lock);
		for (int c = 0; c < NCLASSES; c++)
			for (struct slab *s = arenas[a].classes[c].all; s;
			     s = s->all_next)
				slab_at_exit(s, &n, &bytes);
		lock_drop(&arenas[a].lock);
	}
	lock_take(&large_lock);
	for (struct large *l = large_list; l; l = l->next) {
		if (l->quarantined)
			continue;
		debug_check_canary(l->user, l->requested,
				   l->map + l->map_bytes - l->user);
		leak(l->user, l->requested, &n, &bytes);
	}
	lock_drop(&large_lock);
	report_leaks(n, bytes);
}
