/*
 * report.c: what malloc says when something is wrong, and malloc_stats.
 *
 * A hardening report is one line on stderr, then abort(): the heap is no
 * longer trustworthy, so nothing else runs. The line is formatted here by
 * hand into a buffer on the stack and written with one write(2): printf
 * might allocate, and one write keeps the line whole beside other output.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kmalloc.h"
#include "malloc_impl.h"

struct line {
	char buf[200];
	size_t n;
};

static void put_str(struct line *l, const char *s)
{
	while (*s && l->n < sizeof(l->buf) - 1)
		l->buf[l->n++] = *s++;
}

static void put_hex(struct line *l, uintptr_t v)
{
	char tmp[16];
	int i = 0;

	put_str(l, "0x");
	do {
		tmp[i++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	while (i > 0 && l->n < sizeof(l->buf) - 1)
		l->buf[l->n++] = tmp[--i];
}

static void put_dec(struct line *l, size_t v)
{
	char tmp[20];
	int i = 0;

	do {
		tmp[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (i > 0 && l->n < sizeof(l->buf) - 1)
		l->buf[l->n++] = tmp[--i];
}

static void line_write(struct line *l)
{
	size_t off = 0;

	while (off < l->n) {
		ssize_t w = write(2, l->buf + off, l->n - off);

		if (w <= 0)
			break;
		off += (size_t)w;
	}
	l->n = 0;
}

void report_write(const char *s)
{
	struct line l = { .n = 0 };

	put_str(&l, s);
	line_write(&l);
}

/* "malloc: double free of 0x... (size 48)" */
void report_block(const char *what, const void *p, size_t size)
{
	struct line l = { .n = 0 };

	put_str(&l, "malloc: ");
	put_str(&l, what);
	put_str(&l, " of ");
	put_hex(&l, (uintptr_t)p);
	put_str(&l, " (size ");
	put_dec(&l, size);
	put_str(&l, ")\n");
	line_write(&l);
	abort();
}

/* A freed block passed to op: "double free of 0x... (size 48)" for
 * free, "realloc after free of 0x... (size 48)" for the others. */
void report_freed(const char *op, const void *p, size_t size)
{
	struct line l = { .n = 0 };

	if (strcmp(op, "free") == 0)
		report_block("double free", p, size);
	put_str(&l, op);
	put_str(&l, " after free");
	l.buf[l.n] = '\0';
	report_block(l.buf, p, size);
}

/* "malloc: free of invalid pointer 0x... (not from malloc, or freed)" */
void report_invalid(const char *op, const void *p)
{
	struct line l = { .n = 0 };

	put_str(&l, "malloc: ");
	put_str(&l, op);
	put_str(&l, " of invalid pointer ");
	put_hex(&l, (uintptr_t)p);
	put_str(&l, " (not from malloc, or freed)\n");
	line_write(&l);
	abort();
}

/* "malloc: corrupted metadata 0x... for 0x..." */
void report_corrupt(const void *desc, const void *p)
{
	struct line l = { .n = 0 };

	put_str(&l, "malloc: corrupted metadata ");
	put_hex(&l, (uintptr_t)desc);
	put_str(&l, " for ");
	put_hex(&l, (uintptr_t)p);
	put_str(&l, "\n");
	line_write(&l);
	abort();
}

/* Debug mode's messages about one block, without aborting. */
void report_note(const char *what, const void *p, size_t size, const char *tail)
{
	struct line l = { .n = 0 };

	put_str(&l, "malloc: ");
	put_str(&l, what);
	put_hex(&l, (uintptr_t)p);
	put_str(&l, " (size ");
	put_dec(&l, size);
	put_str(&l, ")");
	put_str(&l, tail);
	put_str(&l, "\n");
	line_write(&l);
}

/* The leak report's last line: "malloc: 3 blocks (120 bytes) still
 * allocated at exit", or that none are. */
void report_leaks(size_t blocks, size_t bytes)
{
	struct line l = { .n = 0 };

	put_str(&l, "malloc: ");
	put_dec(&l, blocks);
	put_str(&l, " blocks (");
	put_dec(&l, bytes);
	put_str(&l, " bytes) still allocated at exit\n");
	line_write(&l);
}

/* The figures of every size class, summed over the arenas. The caller's
 * own cache is emptied first; other threads' cached slots count as in use. */
API int malloc_class_stats(struct malloc_class_stats *out, int max)
{
	int n = max < NCLASSES ? max : NCLASSES;

	tcache_flush_mine();
	for (int c = 0; c < n; c++) {
		size_t slots_per_slab = slab_bytes_of(c) / class_size[c];

		memset(&out[c], 0, sizeof(out[c]));
		out[c].size = class_size[c];
		for (int a = 0; a < NARENAS; a++) {
			struct class_state *cs = &arenas[a].classes[c];

			lock_take(&arenas[a].lock);
			out[c].in_use += cs->in_use;
			out[c].slabs += cs->slabs;
			lock_drop(&arenas[a].lock);
		}
		out[c].free = out[c].slabs * slots_per_slab - out[c].in_use;
		out[c].pages = out[c].slabs * slab_bytes_of(c) / PAGE_SIZE;
	}
	return n;
}

/* Live large blocks: their number, and their pages in *pages. */
API size_t malloc_large_stats(size_t *pages)
{
	size_t n = 0, p = 0;

	lock_take(&large_lock);
	for (struct large *l = large_list; l; l = l->next) {
		n++;
		p += l->map_bytes / PAGE_SIZE;
	}
	lock_drop(&large_lock);
	*pages = p;
	return n;
}

_Static_assert(sizeof(((struct malloc_slab_info *)0)->free_bits) ==
		       sizeof(((struct slab *)0)->free_bits),
	       "kmalloc.h's bitmap is the slab's");

API void malloc_heap_walk(void (*fn)(const struct malloc_slab_info *info,
				     void *arg),
			  void *arg)
{
	struct malloc_slab_info info;

	tcache_flush_mine();
	for (int a = 0; a < NARENAS; a++) {
		lock_take(&arenas[a].lock);
		for (int c = 0; c < NCLASSES; c++) {
			for (struct slab *s = arenas[a].classes[c].all; s;
			     s = s->all_next) {
				info.size = s->size;
				info.base = s->base;
				info.nslots = s->nslots;
				info.nfree = s->nfree;
				memcpy(info.free_bits, s->free_bits,
				       sizeof(info.free_bits));
				fn(&info, arg);
			}
		}
		lock_drop(&arenas[a].lock);
	}
	lock_take(&large_lock);
	for (struct large *l = large_list; l; l = l->next) {
		memset(&info, 0, sizeof(info));
		info.size = l->map_bytes - (size_t)(l->user - l->map);
		info.base = l->user;
		info.nslots = 1;
		info.nfree = l->quarantined;
		fn(&info, arg);
	}
	lock_drop(&large_lock);
}

/* glibc's name: the figures of every class in use, on stderr. */
API void malloc_stats(void)
{
	struct malloc_class_stats st[NCLASSES];
	struct line l = { .n = 0 };
	size_t pages = 0, large_pages, large_n;
	int n = malloc_class_stats(st, NCLASSES);

	report_write("malloc_stats: class  in-use    free  slabs  pages\n");
	for (int c = 0; c < n; c++) {
		if (!st[c].slabs)
			continue;
		put_str(&l, "malloc_stats: ");
		put_dec(&l, st[c].size);
		put_str(&l, "  ");
		put_dec(&l, st[c].in_use);
		put_str(&l, "  ");
		put_dec(&l, st[c].free);
		put_str(&l, "  ");
		put_dec(&l, st[c].slabs);
		put_str(&l, "  ");
		put_dec(&l, st[c].pages);
		put_str(&l, "\n");
		line_write(&l);
		pages += st[c].pages;
	}
	large_n = malloc_large_stats(&large_pages);
	put_str(&l, "malloc_stats: large blocks ");
	put_dec(&l, large_n);
	put_str(&l, ", pages ");
	put_dec(&l, large_pages);
	put_str(&l, "; slab pages ");
	put_dec(&l, pages);
	put_str(&l, "\n");
	line_write(&l);
}
