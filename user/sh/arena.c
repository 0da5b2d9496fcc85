/*
 * arena: the memory a command line needs (tokens, the tree, expanded
 * arguments) comes from here and is given back all at once by
 * arena_reset() after the line has run, so the parser and the expander
 * never free anything one piece at a time.
 *
 * The arena is a stack of chunks, so a loop that runs a command many
 * times gives back each run's arguments: arena_mark() before, and
 * arena_release() after, frees what was allocated in between. A function
 * definition must outlive its line: arena_keep() sets what the arena
 * holds aside for good (a generation number tells older marks that their
 * chunks are no longer the arena's to free).
 */
#include "sh.h"
#include "ulib.h"

#include <stdlib.h>
#include <string.h>

struct chunk {
	struct chunk *next;
	size_t used;
	size_t size;
	max_align_t data[];
};

#define CHUNK_SIZE 8192

static struct chunk *chunks;
static unsigned generation;

void *arena_alloc(size_t size)
{
	size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (!chunks || chunks->size - chunks->used < size) {
		size_t want = size > CHUNK_SIZE ? size : CHUNK_SIZE;
		struct chunk *c = xmalloc(sizeof(*c) + want);

		c->next = chunks;
		c->used = 0;
		c->size = want;
		chunks = c;
	}
	void *p = (char *)chunks->data + chunks->used;
	chunks->used += size;
	memset(p, 0, size);
	return p;
}

char *arena_strndup(const char *s, size_t len)
{
	char *copy = arena_alloc(len + 1);

	memcpy(copy, s, len);
	copy[len] = '\0';
	return copy;
}

struct arena_mark arena_mark(void)
{
	struct arena_mark m = { chunks, chunks ? chunks->used : 0, generation };

	return m;
}

void arena_release(struct arena_mark m)
{
	if (m.generation != generation)
		return;
	while (chunks && chunks != m.chunk) {
		struct chunk *next = chunks->next;

		free(chunks);
		chunks = next;
	}
	if (chunks)
		chunks->used = m.used;
}

void arena_keep(void)
{
	chunks = NULL;
	generation++;
}

void arena_reset(void)
{
	while (chunks) {
		struct chunk *next = chunks->next;

		free(chunks);
		chunks = next;
	}
	generation++;
}
