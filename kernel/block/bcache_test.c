/*
 * Tests of the buffer cache (suite bcache), on a disk made of memory
 * inside the test: its submit copies at once and completes the request,
 * counts reads and writes per sector, and fails on demand. A sector that
 * was never written reads as its own number (8 bytes) then a pattern, so
 * a test can see which sector a buffer holds. Every test ends with
 * binvalidate, so no buffer is left naming a freed device.
 */
#include "block/bcache.h"
#include "lib/ktest.h"
#include "mm/mm.h"

#define MD_EXTRA 64 /* sectors beyond the cache's size */

struct memdisk {
	struct block_device dev;
	uint8_t **sector;            /* written sectors, NULL: never written */
	uint32_t *reads;             /* per sector */
	uint32_t *writes;            /* per sector */
	bool fail_reads;             /* complete reads with -EIO */
	bool fail_writes;            /* complete writes with -EIO */
	unsigned int write_requests; /* write requests the disk was given */
};

static void fill_pattern(uint8_t *p, uint64_t sector)
{
	memcpy(p, &sector, sizeof(sector));
	for (unsigned int i = sizeof(sector); i < SECTOR_SIZE; i++)
		p[i] = (uint8_t)(sector + i);
}

static int md_transfer(struct memdisk *md, uint64_t s, uint8_t *buf, bool write)
{
	if (write) {
		if (!md->sector[s])
			md->sector[s] = kmalloc(SECTOR_SIZE);
		if (!md->sector[s])
			return -EIO;
		memcpy(md->sector[s], buf, SECTOR_SIZE);
		md->writes[s]++;
	} else {
		if (md->sector[s])
			memcpy(buf, md->sector[s], SECTOR_SIZE);
		else
			fill_pattern(buf, s);
		md->reads[s]++;
	}
	return 0;
}

static int md_submit(struct block_device *dev, struct block_request *req)
{
	struct memdisk *md = dev->driver_data;
	int status = 0;

	if (req->write ? md->fail_writes : md->fail_reads)
		status = -EIO;
	if (req->write)
		md->write_requests++;
	for (uint32_t i = 0; i < req->count && status == 0; i++)
		status = md_transfer(md, req->sector + i,
				     block_request_sector(req, i), req->write);
	block_complete(req, status);
	return 0;
}

static const struct block_device_ops md_ops = {
	.driver = "test memory disk",
	.submit = md_submit,
};

static void md_free(struct memdisk *md)
{
	if (!md)
		return;
	if (md->sector)
		for (uint64_t s = 0; s < md->dev.sectors; s++)
			kfree(md->sector[s]);
	kfree(md->sector);
	kfree(md->reads);
	kfree(md->writes);
	kfree(md);
}

/* A disk with room for more 512-byte blocks than the cache has buffers. */
static struct memdisk *md_new(void)
{
	struct bcache_stats st;
	struct memdisk *md = kzalloc(sizeof(*md));

	bcache_get_stats(&st);
	if (!md)
		return NULL;
	strlcpy(md->dev.name, "ktest-md", sizeof(md->dev.name));
	md->dev.sectors = st.buffers + MD_EXTRA;
	md->dev.ops = &md_ops;
	md->dev.driver_data = md;
	spin_init(&md->dev.stats_lock, "ktest-md stats");
	md->sector = kzalloc(md->dev.sectors * sizeof(uint8_t *));
	md->reads = kzalloc(md->dev.sectors * sizeof(uint32_t));
	md->writes = kzalloc(md->dev.sectors * sizeof(uint32_t));
	if (!md->sector || !md->reads || !md->writes) {
		md_free(md);
		return NULL;
	}
	return md;
}

/* Drop every buffer of md from the cache, then free it. */
static int md_done(struct memdisk *md)
{
	int err = binvalidate(&md->dev);

	if (err == 0)
		md_free(md);
	return err;
}

/* Unreferenced buffers right now: how many blocks fill the cache. */
static unsigned int free_buffers(void)
{
	struct bcache_stats st;

	bcache_get_stats(&st);
	return st.buffers - st.in_use;
}

/* bread and brelse of 512-byte block blockno; 0 or the error. */
static int touch(struct memdisk *md, uint64_t blockno)
{
	struct buf *b;
	int err = bread(&md->dev, blockno, SECTOR_SIZE, &b);

	if (err == 0)
		brelse(b);
	return err;
}

/* Does b's data at byte off hold the never-written sector? */
static bool holds_sector_at(struct buf *b, uint32_t off, uint64_t sector)
{
	uint64_t first;

	memcpy(&first, b->data + off, sizeof(first));
	return first == sector && b->data[off + 8] == (uint8_t)(sector + 8);
}

static bool holds_sector(struct buf *b, uint64_t sector)
{
	return holds_sector_at(b, 0, sector);
}

KTEST(bcache, read_and_hit)
{
	struct memdisk *md = md_new();
	struct bcache_stats before, after;
	struct buf *b, *b2;

	KT_ASSERT(md, "no memory for the disk");
	bcache_get_stats(&before);
	KT_ASSERT_EQ(bread(&md->dev, 5, SECTOR_SIZE, &b), 0);
	KT_ASSERT(holds_sector(b, 5), "block 5 holds the wrong bytes");
	KT_ASSERT(b->valid && !b->dirty, "fresh buffer not valid/clean");
	KT_ASSERT_EQ(b->refcount, 1);
	brelse(b);
	KT_ASSERT_EQ(bread(&md->dev, 5, SECTOR_SIZE, &b2), 0);
	KT_ASSERT(b2 == b, "second bread gave another buffer");
	brelse(b2);
	KT_ASSERT_EQ(md->reads[5], 1);
	bcache_get_stats(&after);
	KT_ASSERT_EQ(after.misses - before.misses, 1);
	KT_ASSERT_EQ(after.hits - before.hits, 1);
	KT_ASSERT_EQ(md_done(md), 0);
}

/* 2048-byte block 3 is sectors 12..15. */
KTEST(bcache, block_sizes)
{
	struct memdisk *md = md_new();
	struct buf *b;

	KT_ASSERT(md, "no memory for the disk");
	KT_ASSERT_EQ(bread(&md->dev, 3, 2048, &b), 0);
	KT_ASSERT_EQ(b->size, 2048);
	KT_ASSERT(holds_sector(b, 12), "2048-byte block 3 is not sector 12");
	KT_ASSERT(holds_sector_at(b, 3 * SECTOR_SIZE, 15),
		  "bytes 1536.. are not sector 15");
	brelse(b);
	for (unsigned int s = 12; s < 16; s++)
		KT_ASSERT_EQ(md->reads[s], 1);
	KT_ASSERT_EQ(bread(&md->dev, 1, 1000, &b), -EINVAL);
	KT_ASSERT_EQ(bread(&md->dev, 1, 8192, &b), -EINVAL);
	KT_ASSERT_EQ(bread(&md->dev, md->dev.sectors, SECTOR_SIZE, &b),
		     -EINVAL);
	KT_ASSERT_EQ(bread(&md->dev, md->dev.sectors / 8, 4096, &b), -EINVAL);
	KT_ASSERT_EQ(md_done(md), 0);
}

KTEST(bcache, refcounts)
{
	struct memdisk *md = md_new();
	struct bcache_stats st0, st1;
	struct buf *a, *b;

	KT_ASSERT(md, "no memory for the disk");
	bcache_get_stats(&st0);
	KT_ASSERT_EQ(bread(&md->dev, 1, SECTOR_SIZE, &a), 0);
	KT_ASSERT_EQ(bread(&md->dev, 2, SECTOR_SIZE, &b), 0);
	KT_ASSERT(a != b, "two blocks share a buffer");
	bcache_get_stats(&st1);
	KT_ASSERT_EQ(st1.in_use, st0.in_use + 2);
	KT_ASSERT_EQ(a->refcount, 1);
	brelse(a);
	KT_ASSERT_EQ(a->refcount, 0);
	brelse(b);
	bcache_get_stats(&st1);
	KT_ASSERT_EQ(st1.in_use, st0.in_use);
	KT_ASSERT_EQ(md_done(md), 0);
}

/* Fill the cache with blocks 0..n-1, touch block 0, read block n: the
 * least recently used, block 1, is the one recycled. */
KTEST(bcache, lru_order)
{
	struct memdisk *md = md_new();
	struct bcache_stats st0, st1;
	unsigned int n = free_buffers();

	KT_ASSERT(md, "no memory for the disk");
	for (unsigned int i = 0; i < n; i++)
		KT_ASSERT_EQ(touch(md, i), 0);
	KT_ASSERT_EQ(touch(md, 0), 0);
	KT_ASSERT_EQ(md->reads[0], 1);
	bcache_get_stats(&st0);
	KT_ASSERT_EQ(touch(md, n), 0);
	bcache_get_stats(&st1);
	KT_ASSERT_EQ(st1.evictions - st0.evictions, 1);
	/* Blocks 0 and 2..n are cached; 1 was recycled. */
	KT_ASSERT_EQ(touch(md, 0), 0);
	KT_ASSERT_EQ(touch(md, 2), 0);
	KT_ASSERT_EQ(touch(md, n), 0);
	KT_ASSERT_EQ(md->reads[0], 1);
	KT_ASSERT_EQ(md->reads[2], 1);
	KT_ASSERT_EQ(md->reads[n], 1);
	KT_ASSERT_EQ(touch(md, 1), 0);
	KT_ASSERT_EQ(md->reads[1], 2);
	/* That recycled the least recent again: block 3. */
	KT_ASSERT_EQ(touch(md, 3), 0);
	KT_ASSERT_EQ(md->reads[3], 2);
	KT_ASSERT_EQ(md_done(md), 0);
}

static int write_marker(struct memdisk *md, uint64_t blockno, uint8_t mark)
{
	struct buf *b;
	int err = bread(&md->dev, blockno, SECTOR_SIZE, &b);

	if (err)
		return err;
	memset(b->data, mark, SECTOR_SIZE);
	bdirty(b);
	brelse(b);
	return 0;
}

KTEST(bcache, writeback_on_evict)
{
	struct memdisk *md = md_new();
	struct bcache_stats st0, st1;
	unsigned int n = free_buffers();
	struct buf *b;

	KT_ASSERT(md, "no memory for the disk");
	bcache_get_stats(&st0);
	KT_ASSERT_EQ(write_marker(md, 0, 0xa5), 0);
	bcache_get_stats(&st1);
	KT_ASSERT_EQ(st1.dirty, st0.dirty + 1);
	KT_ASSERT_EQ(md->writes[0], 0);
	/* n more blocks: block 0 is the least recent, and goes. */
	for (unsigned int i = 1; i <= n; i++)
		KT_ASSERT_EQ(touch(md, i), 0);
	KT_ASSERT_EQ(md->writes[0], 1);
	KT_ASSERT(md->sector[0] && md->sector[0][0] == 0xa5 &&
			  md->sector[0][SECTOR_SIZE - 1] == 0xa5,
		  "the disk does not have the written block");
	bcache_get_stats(&st1);
	KT_ASSERT_EQ(st1.dirty, st0.dirty);
	KT_ASSERT(st1.writebacks > st0.writebacks, "no write-back counted");
	/* Read back from the disk: the new contents. */
	KT_ASSERT_EQ(bread(&md->dev, 0, SECTOR_SIZE, &b), 0);
	KT_ASSERT_EQ(b->data[0], 0xa5);
	brelse(b);
	KT_ASSERT_EQ(md->reads[0], 2);
	KT_ASSERT_EQ(md_done(md), 0);
}

KTEST(bcache, writeback_on_sync)
{
	struct memdisk *md = md_new();
	struct bcache_stats st0, st1;
	struct buf *b;

	KT_ASSERT(md, "no memory for the disk");
	bcache_get_stats(&st0);
	KT_ASSERT_EQ(write_marker(md, 7, 0x11), 0);
	KT_ASSERT_EQ(write_marker(md, 9, 0x22), 0);
	KT_ASSERT_EQ(write_marker(md, 7, 0x33), 0);
	bcache_get_stats(&st1);
	KT_ASSERT_EQ(st1.dirty, st0.dirty + 2);
	KT_ASSERT_EQ(md->writes[7] + md->writes[9], 0);
	KT_ASSERT_EQ(bsync(&md->dev), 0);
	KT_ASSERT_EQ(md->writes[7], 1);
	KT_ASSERT_EQ(md->writes[9], 1);
	KT_ASSERT(md->sector[7][0] == 0x33 && md->sector[9][0] == 0x22,
		  "the disk does not have the last contents");
	bcache_get_stats(&st1);
	KT_ASSERT_EQ(st1.dirty, st0.dirty);
	/* Clean now: a second sync writes nothing; still cached. */
	KT_ASSERT_EQ(bsync(&md->dev), 0);
	KT_ASSERT_EQ(md->writes[7], 1);
	KT_ASSERT_EQ(bread(&md->dev, 7, SECTOR_SIZE, &b), 0);
	KT_ASSERT(!b->dirty && b->data[0] == 0x33, "block 7 after sync");
	/* bwrite writes at once and cleans. */
	b->data[0] = 0x44;
	bdirty(b);
	KT_ASSERT_EQ(bwrite(b), 0);
	KT_ASSERT(!b->dirty, "dirty after bwrite");
	brelse(b);
	KT_ASSERT_EQ(md->writes[7], 2);
	KT_ASSERT_EQ(md->sector[7][0], 0x44);
	KT_ASSERT_EQ(md->reads[7], 1);
	KT_ASSERT_EQ(md_done(md), 0);
}

KTEST(bcache, invalidate)
{
	struct memdisk *md = md_new();
	struct buf *b;

	KT_ASSERT(md, "no memory for the disk");
	KT_ASSERT_EQ(write_marker(md, 4, 0x5a), 0);
	KT_ASSERT_EQ(bread(&md->dev, 6, SECTOR_SIZE, &b), 0);
	KT_ASSERT_EQ(binvalidate(&md->dev), -EBUSY);
	/* Nothing was written or forgotten by the refused call. */
	KT_ASSERT_EQ(md->writes[4], 0);
	brelse(b);
	KT_ASSERT_EQ(touch(md, 6), 0);
	KT_ASSERT_EQ(md->reads[6], 1);
	KT_ASSERT_EQ(binvalidate(&md->dev), 0);
	KT_ASSERT_EQ(md->writes[4], 1);
	/* Forgotten: the next reads go to the disk. */
	KT_ASSERT_EQ(touch(md, 6), 0);
	KT_ASSERT_EQ(md->reads[6], 2);
	KT_ASSERT_EQ(bread(&md->dev, 4, SECTOR_SIZE, &b), 0);
	KT_ASSERT_EQ(md->reads[4], 2);
	KT_ASSERT_EQ(b->data[0], 0x5a);
	brelse(b);
	KT_ASSERT_EQ(md_done(md), 0);
}

KTEST(bcache, read_error)
{
	struct memdisk *md = md_new();
	struct bcache_stats st0, st1;
	struct buf *b;

	KT_ASSERT(md, "no memory for the disk");
	bcache_get_stats(&st0);
	md->fail_reads = true;
	KT_ASSERT_EQ(bread(&md->dev, 8, SECTOR_SIZE, &b), -EIO);
	KT_ASSERT_EQ(bread(&md->dev, 8, SECTOR_SIZE, &b), -EIO);
	bcache_get_stats(&st1);
	KT_ASSERT_EQ(st1.in_use, st0.in_use);
	/* Nothing was cached: once the disk works, the block is read. */
	md->fail_reads = false;
	KT_ASSERT_EQ(bread(&md->dev, 8, SECTOR_SIZE, &b), 0);
	KT_ASSERT(holds_sector(b, 8), "block 8 holds the wrong bytes");
	brelse(b);
	KT_ASSERT_EQ(md->reads[8], 1);
	KT_ASSERT_EQ(md_done(md), 0);
}

/* A dirty block that cannot be written stays dirty and cached; the miss
 * that needed its buffer fails, and later ones go on. */
KTEST(bcache, write_error)
{
	struct memdisk *md = md_new();
	unsigned int n = free_buffers(), i;
	struct buf *b;
	int err = 0;

	KT_ASSERT(md, "no memory for the disk");
	KT_ASSERT_EQ(write_marker(md, 0, 0x77), 0);
	md->fail_writes = true;
	KT_ASSERT_EQ(bread(&md->dev, 0, SECTOR_SIZE, &b), 0);
	KT_ASSERT_EQ(bwrite(b), -EIO);
	KT_ASSERT(b->dirty, "clean after a failed bwrite");
	brelse(b);
	for (i = 1; i <= n && err == 0; i++)
		err = touch(md, i);
	KT_ASSERT_EQ(err, -EIO);
	KT_ASSERT_EQ(touch(md, i), 0);
	KT_ASSERT_EQ(bsync(&md->dev), -EIO);
	md->fail_writes = false;
	KT_ASSERT_EQ(bsync(&md->dev), 0);
	KT_ASSERT(md->sector[0] && md->sector[0][0] == 0x77,
		  "the block was lost");
	KT_ASSERT_EQ(md_done(md), 0);
}

KTEST(bcache, get_zero)
{
	struct memdisk *md = md_new();
	struct buf *b;

	KT_ASSERT(md, "no memory for the disk");
	KT_ASSERT_EQ(bget_zero(&md->dev, 2, 1024, &b), 0);
	KT_ASSERT(b->valid && b->dirty, "bget_zero: not valid and dirty");
	for (unsigned int i = 0; i < 1024; i++)
		KT_ASSERT(b->data[i] == 0, "byte %u is not zero", i);
	b->data[0] = 0x99;
	brelse(b);
	KT_ASSERT_EQ(md->reads[4] + md->reads[5], 0);
	/* Cached: bget_zero keeps the contents. */
	KT_ASSERT_EQ(bget_zero(&md->dev, 2, 1024, &b), 0);
	KT_ASSERT_EQ(b->data[0], 0x99);
	brelse(b);
	KT_ASSERT_EQ(bsync(&md->dev), 0);
	KT_ASSERT_EQ(md->writes[4], 1);
	KT_ASSERT_EQ(md->sector[4][0], 0x99);
	KT_ASSERT_EQ(md->sector[5][0], 0);
	KT_ASSERT_EQ(md_done(md), 0);
}

/* With every buffer held, one more bread fails instead of waiting. */
KTEST(bcache, all_referenced)
{
	unsigned int n = free_buffers(), held = 0;
	struct buf **bufs = kmalloc(n * sizeof(*bufs)), *b;
	struct memdisk *md = md_new();
	int err = 0;

	if (!md || !bufs) {
		kfree(bufs);
		md_free(md);
		KT_ASSERT(false, "no memory for the test");
	}
	while (held < n && err == 0) {
		err = bread(&md->dev, held, SECTOR_SIZE, &bufs[held]);
		if (err == 0)
			held++;
	}
	if (err == 0)
		err = bread(&md->dev, n, SECTOR_SIZE, &b);
	while (held > 0)
		brelse(bufs[--held]);
	kfree(bufs);
	KT_ASSERT_EQ(err, -ENOMEM);
	KT_ASSERT_EQ(touch(md, n), 0);
	KT_ASSERT_EQ(md_done(md), 0);
}

/* bsync writes adjacent dirty blocks as one request, at most
 * BLOCK_MAX_SEGMENTS blocks each, in block order whatever order they
 * were dirtied in; a gap or a clean block between two dirty ones starts
 * a new request. Every block reaches the disk once, with its last
 * contents. */
KTEST(bcache, clustered_sync)
{
	struct memdisk *md = md_new();
	/* 32 + 32 + 3, or as many as a small cache (bcache=16) holds */
	const unsigned int blocks =
		MIN(2 * BLOCK_MAX_SEGMENTS + 3, free_buffers());
	/* The later cases, within the disk's MD_EXTRA spare sectors. */
	const unsigned int base = blocks + 2;

	KT_ASSERT(md, "no memory for the disk");
	for (unsigned int i = blocks; i-- > 0;)
		KT_ASSERT_EQ(write_marker(md, i, (uint8_t)(i + 1)), 0);
	KT_ASSERT_EQ(bsync(&md->dev), 0);
	KT_ASSERT_EQ(md->write_requests,
		     (blocks + BLOCK_MAX_SEGMENTS - 1) / BLOCK_MAX_SEGMENTS);
	for (unsigned int i = 0; i < blocks; i++) {
		KT_ASSERT_EQ(md->writes[i], 1);
		KT_ASSERT_EQ(md->sector[i][0], (uint8_t)(i + 1));
	}
	md->write_requests = 0;
	/* Past those: 5 dirty, 1 read but clean, 2 dirty, a gap, 1 dirty. */
	for (unsigned int i = base; i < base + 8; i++)
		KT_ASSERT_EQ(i == base + 5 ? touch(md, i)
					   : write_marker(md, i, 7),
			     0);
	KT_ASSERT_EQ(write_marker(md, base + 10, 7), 0);
	KT_ASSERT_EQ(bsync(&md->dev), 0);
	KT_ASSERT_EQ(md->write_requests, 3);
	KT_ASSERT_EQ(md->writes[base + 5], 0);
	KT_ASSERT_EQ(md->writes[base + 10], 1);
	/* A failed write leaves every block of the request dirty. */
	md->write_requests = 0;
	KT_ASSERT_EQ(write_marker(md, base + 20, 9), 0);
	KT_ASSERT_EQ(write_marker(md, base + 21, 9), 0);
	md->fail_writes = true;
	KT_ASSERT_EQ(bsync(&md->dev), -EIO);
	md->fail_writes = false;
	KT_ASSERT_EQ(bsync(&md->dev), 0);
	KT_ASSERT_EQ(md->write_requests, 2);
	KT_ASSERT_EQ(md->writes[base + 20], 1);
	KT_ASSERT_EQ(md->writes[base + 21], 1);
	KT_ASSERT_EQ(md_done(md), 0);
}
