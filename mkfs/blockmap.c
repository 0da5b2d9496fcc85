/*
 * A file's block map. The inode's i_block[] holds 12 direct block
 * numbers, then the numbers of a single, a double and a triple indirect
 * block: an indirect block is an array of block_size / 4 block numbers,
 * of data blocks (single) or of indirect blocks one level down. Block 0
 * means a hole, at any level:
 *
 *   i_block[0..11] -> data
 *   i_block[12] -> [ptr ...] -> data
 *   i_block[13] -> [ptr ...] -> [ptr ...] -> data
 *   i_block[14] -> [ptr ...] -> [ptr ...] -> [ptr ...] -> data
 *
 * The writer hands over the file's data blocks in increasing logical
 * order (holes simply left out); each is written at once and its number
 * kept. blockmap_finish then fills i_block[] and writes the indirect
 * blocks that some data block hangs under, bottom up; an indirect block
 * with only holes under it is not allocated. i_blocks counts data and
 * indirect blocks, in 512-byte units.
 */
#include <stdlib.h>
#include <string.h>

#include "mkfs.h"

#define I_BLOCKS_UNIT 512 /* i_blocks counts 512-byte sectors */

void blockmap_init(struct blockmap *map, struct fs *fs)
{
	memset(map, 0, sizeof(*map));
	map->fs = fs;
}

static uint64_t pointers_per_block(const struct fs *fs)
{
	return fs->block_size / sizeof(uint32_t);
}

/* The logical blocks an indirect block of this depth maps (depth 1: one
 * pointer per data block). */
static uint64_t span(const struct fs *fs, unsigned int depth)
{
	uint64_t n = 1;

	while (depth--)
		n *= pointers_per_block(fs);
	return n;
}

/* The first logical block past what the triple indirect block maps. */
static uint64_t max_blocks(const struct fs *fs)
{
	return EXT2_NDIR_BLOCKS + span(fs, 1) + span(fs, 2) + span(fs, 3);
}

/* Write data as the file's block number logical, which is larger than
 * any added before. */
void blockmap_add(struct blockmap *map, uint64_t logical, const void *data)
{
	uint32_t block;

	if (logical >= max_blocks(map->fs))
		fatal("a file too large for %u-byte blocks",
		      map->fs->block_size);
	if (map->count == map->capacity) {
		map->capacity = map->capacity ? 2 * map->capacity : 16;
		map->list = xreallocarray(map->list, map->capacity,
					  sizeof(*map->list));
	}
	block = alloc_block(map->fs);
	image_write_block(map->fs, block, data);
	map->list[map->count].logical = logical;
	map->list[map->count].physical = block;
	map->count++;
	map->blocks++;
}

/* The next data block if it is logical block number logical. */
static uint32_t take(struct blockmap *map, uint64_t logical)
{
	if (map->next < map->count && map->list[map->next].logical == logical)
		return map->list[map->next++].physical;
	return 0;
}

static bool more_below(const struct blockmap *map, uint64_t end)
{
	return map->next < map->count && map->list[map->next].logical < end;
}

/* The indirect block of this depth that maps the logical blocks from
 * first on: written, and its number returned; 0 if no data block falls
 * under it. */
static uint32_t write_indirect(struct blockmap *map, uint64_t first,
			       unsigned int depth)
{
	struct fs *fs = map->fs;
	uint64_t n = pointers_per_block(fs), step = span(fs, depth - 1), i;
	uint32_t *ptr, block;

	if (!more_below(map, first + n * step))
		return 0;
	ptr = xcalloc(n, sizeof(*ptr));
	for (i = 0; i < n; i++) {
		if (depth == 1)
			ptr[i] = take(map, first + i);
		else
			ptr[i] = write_indirect(map, first + i * step,
						depth - 1);
	}
	block = alloc_block(fs);
	image_write_block(fs, block, ptr);
	free(ptr);
	map->blocks++;
	return block;
}

void blockmap_finish(struct blockmap *map, struct ext2_inode *inode)
{
	uint64_t first = EXT2_NDIR_BLOCKS, sectors;
	unsigned int i;

	map->next = 0;
	for (i = 0; i < EXT2_NDIR_BLOCKS; i++)
		inode->i_block[i] = take(map, i);
	for (i = 1; i <= 3; i++) {
		inode->i_block[EXT2_IND_BLOCK + i - 1] =
			write_indirect(map, first, i);
		first += span(map->fs, i);
	}
	sectors = (uint64_t)map->blocks * (map->fs->block_size / I_BLOCKS_UNIT);
	if (sectors > UINT32_MAX)
		fatal("a file of more than 2 TiB");
	inode->i_blocks = (uint32_t)sectors;
	free(map->list);
	map->list = NULL;
}
