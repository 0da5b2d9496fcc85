/*
 * heapviz: draws Kestrel's malloc heap as text while a sequence of
 * allocations runs, for the classroom (docs/malloc.md). The sequence is a
 * trace in the CS:APP malloc lab's format, one request a line:
 *
 *	a ID BYTES	allocate BYTES as block ID
 *	r ID BYTES	realloc block ID to BYTES
 *	f ID		free block ID
 *
 * (other lines, like that format's header of numbers, are skipped), read
 * from FILE, or the built-in demo without one. Every STEP requests
 * (-e STEP, default 1; 0 only at the end) it prints the heap: each slab
 * with its rows of 64 slots that hold a block in use ('#' in use, '.'
 * free), then the large blocks. Usage: heapviz [-e STEP] [FILE].
 *
 * The thread cache is switched off (malloc_thread_cache), so a freed
 * block goes straight back to its slab's bitmap and the picture shows
 * where the slab itself puts the next block.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kmalloc.h"
#include "ulib.h"

#define WIDTH 64 /* slots a row */
#define MAX_IDS 4096

static const char *const demo[] = {
	"a 0 40",    "a 1 40",   "a 2 40",      "a 3 40",      "a 4 40",
	"a 5 40",    "a 6 40",   "a 7 40",      "a 8 1000",    "a 9 1000",
	"a 10 1000", "f 1",      "f 3",         "f 5",         "f 7",
	"a 11 48",   "r 8 3000", "a 12 100000", "r 12 300000", "f 12",
	"f 0",       "f 2",      "f 4",         "f 6",         "f 11",
};

static void *block[MAX_IDS];

/* One slab: a header line, then a row of 64 slots ('#' in use, '.' free)
 * for every row that holds a block in use. */
static void draw(const struct malloc_slab_info *s, void *arg)
{
	char row[WIDTH + 1];

	(void)arg;
	if (s->nslots == 1) {
		printf("  large block %p: %zu KiB\n", s->base, s->size / 1024);
		return;
	}
	printf("  %zu-byte slab %p: %zu of %zu slots in use\n", s->size,
	       s->base, s->nslots - s->nfree, s->nslots);
	for (size_t first = 0; first < s->nslots; first += WIDTH) {
		size_t n = 0, used = 0;

		for (size_t i = first; i < first + WIDTH && i < s->nslots;
		     i++) {
			int is_free = (s->free_bits[i / 64] >> (i % 64)) & 1;

			row[n++] = is_free ? '.' : '#';
			used += !is_free;
		}
		row[n] = '\0';
		if (used)
			printf("    %4zu |%s|\n", first, row);
	}
}

/* Run one request; returns 0, or -1 for a line that is not one. */
static int request(const char *line)
{
	char op;
	long id;
	size_t bytes = 0;
	int n = sscanf(line, " %c %ld %zu", &op, &id, &bytes);

	if (n < 2 || id < 0 || id >= MAX_IDS)
		return -1;
	if (op == 'a' && n == 3)
		block[id] = xmalloc(bytes);
	else if (op == 'r' && n == 3)
		block[id] = xrealloc(block[id], bytes);
	else if (op == 'f')
		free(block[id]), block[id] = NULL;
	else
		return -1;
	return 0;
}

static void show(long step, const char *line)
{
	printf("after %ld: %s", step, line);
	if (line[strlen(line) - 1] != '\n')
		printf("\n");
	fflush(stdout);
	malloc_heap_walk(draw, NULL);
}

int main(int argc, char **argv)
{
	char line[256];
	long every = 1, done = 0;
	FILE *f = NULL;
	int opt;

	while ((opt = getopt(argc, argv, "e:")) != -1) {
		if (opt != 'e' || (every = atol(optarg)) < 0)
			usage("[-e STEP] [FILE]");
	}
	if (argc - optind > 1)
		usage("[-e STEP] [FILE]");
	if (optind < argc && !(f = fopen(argv[optind], "r")))
		err(1, "%s", argv[optind]);
	malloc_thread_cache(0);
	for (size_t i = 0;; i++) {
		if (f) {
			if (!fgets(line, sizeof(line), f))
				break;
		} else {
			if (i == sizeof(demo) / sizeof(demo[0]))
				break;
			snprintf(line, sizeof(line), "%s", demo[i]);
		}
		if (request(line) != 0)
			continue;
		done++;
		if (every && done % every == 0)
			show(done, line);
	}
	if (!every || done % every)
		show(done, "end\n");
	return 0;
}
