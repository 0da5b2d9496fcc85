/*
 * The buffer cache: copies of disk blocks in memory, so that each block
 * is read once and written back later. There is at most one buffer for a
 * (device, block number) at a time, so everyone who uses a block sees the
 * same bytes. A fixed number of buffers (bcache=N on the command line)
 * are recycled least-recently-used first; a dirty buffer is written back
 * before it is reused, on bsync, and when its file system is unmounted.
 *
 * A buffer returned by bread is locked (a sleep lock) and referenced
 * until brelse: no one else can use the block meanwhile. docs/bcache.md.
 */
#ifndef KESTREL_BCACHE_H
#define KESTREL_BCACHE_H

#include "block/block.h"
#include "lib/sleeplock.h"

struct buf {
	/* The block the buffer holds (dev NULL: none), its place in the
	 * hash and LRU list, and its users: under the bcache lock. */
	struct block_device *dev;
	uint64_t blockno; /* in units of size */
	uint32_t size;    /* 512 .. 4096, a power of two */
	unsigned int refcount;
	struct buf *hash_next;
	struct buf *lru_prev, *lru_next; /* least recently released first */
	bool pinned; /* bpin: a journal's; held in memory, not written */

	/* Protected by lock (held from bread to brelse); while refcount is
	 * 0 no one holds lock, and the cache changes them under its own. */
	struct sleeplock lock;
	bool valid;    /* data holds the block's contents */
	bool dirty;    /* data differs from the disk */
	uint8_t *data; /* size bytes from kmalloc, or NULL */
};

/* Boot: allocate the buffers (bcache=N on the command line, default
 * 1024). */
void bcache_init(void);

/* The block, read from disk if not cached, locked: 0 and *out, or -EIO
 * (the read failed; nothing is cached), -EINVAL (past the device, or a
 * bad size), -ENOMEM (every buffer is referenced, or no memory), or the
 * error of writing back the dirty buffer it had to recycle. A caller
 * never holds two buffers of one block, nor calls bsync holding one. */
int bread(struct block_device *dev, uint64_t blockno, uint32_t size,
	  struct buf **out);
/* Like bread but without reading: for a block about to be overwritten
 * whole. The data is zeroed (and the buffer dirty, so the disk gets the
 * zeros too) unless it was cached. */
int bget_zero(struct block_device *dev, uint64_t blockno, uint32_t size,
	      struct buf **out);
/* Does the cache hold the block (valid, being read, or dirty)? For a
 * file system that reads data around the cache: what the cache holds is
 * newer than the disk, so it must be read from the cache. */
bool bcached(struct block_device *dev, uint64_t blockno, uint32_t size);
/* The caller changed b->data (b locked): write it back later. */
void bdirty(struct buf *b);
/* Write b now (b locked); 0, or -EIO (-EROFS on a read-only device) and
 * b is dirty. */
int bwrite(struct buf *b);
/* Unlock b and drop the reference. */
void brelse(struct buf *b);

/* For a journal (docs/ext2.md): keep b (locked by the caller) in memory
 * and out of every write-back until bunpin, because its new contents may
 * reach its home block only after they are committed to the journal. A
 * pinned buffer holds a reference of its own, so it is never recycled;
 * bsync skips it. bpin of a pinned buffer does nothing. */
void bpin(struct buf *b);
/* Undo bpin (b locked by the caller): b is an ordinary dirty buffer
 * again, written back by the next bsync or when recycled. */
void bunpin(struct buf *b);

/* Write back every dirty buffer of dev (all devices if NULL) but the
 * pinned ones, then flush the disk's write cache (block_flush), so what
 * was written is durable: 0 or the first error. */
int bsync(struct block_device *dev);
/* Unmount: write back and forget every buffer of dev; -EBUSY if one is
 * still referenced, or the first write error. */
int binvalidate(struct block_device *dev);

struct bcache_stats {
	unsigned int buffers; /* fixed at boot */
	unsigned int in_use;  /* referenced now */
	unsigned int dirty;
	uint64_t hits, misses; /* bread and bget_zero found it cached, or not */
	uint64_t writebacks;   /* blocks written to the disk */
	uint64_t evictions;    /* buffers recycled from one block to another */
	uint64_t bytes;        /* memory the buffers' data takes, heap
				* debugging's share too (kmalloc_footprint;
				* /proc/meminfo's Buffers) */
};
void bcache_get_stats(struct bcache_stats *st);

#endif
