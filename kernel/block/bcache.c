/*
 * The buffer cache (bcache.h): a fixed array of buffers, each a copy of
 * one disk block, found by (device, block number, size) through a hash
 * table. The ideas a reader needs:
 *
 *   - One copy of a block. A buffer gets its identity under the bcache
 *     spinlock, and is in the hash from that moment, before its data is
 *     read: a second bread of the block finds it, takes a reference, and
 *     waits on the buffer's sleep lock until the first has read it.
 *   - Two locks per buffer. The spinlock `bcache` guards identity, hash
 *     and LRU links and the reference count; the buffer's sleep lock
 *     guards its bytes and is held from bread to brelse, across disk I/O.
 *     No spinlock is ever held across I/O.
 *   - LRU. Every buffer is on one list in the order of its last brelse
 *     (least recent first). A miss recycles the least recent buffer that
 *     nobody references, writing it back first if it is dirty (while it
 *     keeps its old identity, so no one can read a stale copy meanwhile).
 *   - A buffer whose last reference goes while it is not valid (its read
 *     failed) is forgotten at once: a failed read caches nothing.
 *
 * docs/bcache.md has the pictures and the lock order.
 */
#include "block/bcache.h"
#include "arch/x86_64/memlayout.h"
#include "mm/mm.h"

#define BCACHE_DEFAULT 1024
#define BCACHE_MIN 16
/* The headers are one kmalloc array, and kmalloc's largest block is
 * 2^FRAME_MAX_ORDER frames (with room for heap debugging's header and
 * red zone): 27,567 buffers with today's struct buf, 107 MiB of 4 KiB
 * blocks. */
#define BCACHE_MAX \
	(((PAGE_SIZE << FRAME_MAX_ORDER) - PAGE_SIZE) / sizeof(struct buf))

static struct {
	struct spinlock lock;
	struct buf *bufs; /* nbuf of them; constant after bcache_init */
	unsigned int nbuf;

	/* The rest under lock. */
	struct buf **hash; /* nhash chains through hash_next */
	unsigned int nhash;
	struct buf *lru_oldest, *lru_newest; /* every buffer, by last use */
	struct bcache_stats stats;
	bool warned_full;
} bcache = { .lock = SPINLOCK_INIT("bcache") };

/* ---- identity, hash and LRU list: caller holds bcache.lock ------------ */

static unsigned int hash_index(struct block_device *dev, uint64_t blockno)
{
	uint64_t h = blockno * 0x9e3779b97f4a7c15ULL ^ (uintptr_t)dev >> 4;

	return (unsigned int)(h ^ h >> 32) & (bcache.nhash - 1);
}

static struct buf *hash_find(struct block_device *dev, uint64_t blockno,
			     uint32_t size)
{
	struct buf *b = bcache.hash[hash_index(dev, blockno)];

	for (; b; b = b->hash_next)
		if (b->dev == dev && b->blockno == blockno && b->size == size)
			return b;
	return NULL;
}

static void hash_insert(struct buf *b)
{
	struct buf **head = &bcache.hash[hash_index(b->dev, b->blockno)];

	b->hash_next = *head;
	*head = b;
}

static void hash_remove(struct buf *b)
{
	struct buf **pp = &bcache.hash[hash_index(b->dev, b->blockno)];

	while (*pp != b)
		pp = &(*pp)->hash_next;
	*pp = b->hash_next;
	b->hash_next = NULL;
}

static void lru_unlink(struct buf *b)
{
	if (b->lru_prev)
		b->lru_prev->lru_next = b->lru_next;
	else
		bcache.lru_oldest = b->lru_next;
	if (b->lru_next)
		b->lru_next->lru_prev = b->lru_prev;
	else
		bcache.lru_newest = b->lru_prev;
	b->lru_prev = b->lru_next = NULL;
}

static void lru_push_newest(struct buf *b)
{
	b->lru_prev = bcache.lru_newest;
	b->lru_next = NULL;
	if (bcache.lru_newest)
		bcache.lru_newest->lru_next = b;
	else
		bcache.lru_oldest = b;
	bcache.lru_newest = b;
}

static void lru_push_oldest(struct buf *b)
{
	b->lru_next = bcache.lru_oldest;
	b->lru_prev = NULL;
	if (bcache.lru_oldest)
		bcache.lru_oldest->lru_prev = b;
	else
		bcache.lru_newest = b;
	bcache.lru_oldest = b;
}

static void take_ref(struct buf *b)
{
	if (b->refcount++ == 0)
		bcache.stats.in_use++;
}

/* Drop the identity of an unreferenced buffer (no one holds its lock, so
 * its data fields may be changed here) and make it the first to reuse. */
static void forget(struct buf *b)
{
	hash_remove(b);
	b->dev = NULL;
	b->valid = false;
	lru_unlink(b);
	lru_push_oldest(b);
}

/* Drop a reference. The last one moves b to the newest end of the LRU
 * list if touch, and forgets b if its data is not valid. */
static void drop_ref(struct buf *b, bool touch)
{
	if (b->refcount == 0)
		panic("bcache: brelse of an unreferenced buffer (block %lu)",
		      b->blockno);
	if (--b->refcount > 0)
		return;
	bcache.stats.in_use--;
	if (!b->valid) {
		forget(b);
	} else if (touch) {
		lru_unlink(b);
		lru_push_newest(b);
	}
}

/* The least recently used buffer nobody references, or NULL. */
static struct buf *lru_victim(void)
{
	struct buf *b;

	for (b = bcache.lru_oldest; b; b = b->lru_next)
		if (b->refcount == 0)
			return b;
	return NULL;
}

/* ---- data and I/O: caller holds b->lock ------------------------------- */

static int transfer(struct buf *b, bool write)
{
	uint32_t sectors = b->size / SECTOR_SIZE;

	return block_rw(b->dev, b->blockno * sectors, b->data, sectors, write);
}

/* Make sure b has its data buffer (dropped when b changed size). */
static int alloc_data(struct buf *b)
{
	if (!b->data)
		b->data = kmalloc(b->size);
	return b->data ? 0 : -ENOMEM;
}

bool bcached(struct block_device *dev, uint64_t blockno, uint32_t size)
{
	bool found;

	spin_lock(&bcache.lock);
	found = hash_find(dev, blockno, size) != NULL;
	spin_unlock(&bcache.lock);
	return found;
}

int bwrite(struct buf *b)
{
	int err;

	assert(sleep_held(&b->lock) && b->valid);
	err = transfer(b, true);
	spin_lock(&bcache.lock);
	if (err == 0) {
		bcache.stats.writebacks++;
		if (b->dirty)
			bcache.stats.dirty--;
		b->dirty = false;
	} else if (!b->dirty) {
		bcache.stats.dirty++;
		b->dirty = true;
	}
	spin_unlock(&bcache.lock);
	return err;
}

void bdirty(struct buf *b)
{
	assert(sleep_held(&b->lock) && b->valid);
	if (b->dirty)
		return;
	b->dirty = true;
	spin_lock(&bcache.lock);
	bcache.stats.dirty++;
	spin_unlock(&bcache.lock);
}

void bpin(struct buf *b)
{
	assert(sleep_held(&b->lock) && b->valid);
	spin_lock(&bcache.lock);
	if (!b->pinned) {
		b->pinned = true;
		take_ref(b);
	}
	spin_unlock(&bcache.lock);
}

void bunpin(struct buf *b)
{
	assert(sleep_held(&b->lock));
	spin_lock(&bcache.lock);
	if (b->pinned) {
		b->pinned = false;
		drop_ref(b, false); /* the caller's reference remains */
	}
	spin_unlock(&bcache.lock);
}

/* Write back b, which the caller references but has not locked; dropping
 * the reference does not make b recent. */
static int writeback_unlocked(struct buf *b)
{
	int err = 0;

	sleep_lock(&b->lock);
	if (b->dirty && b->valid && !b->pinned)
		err = bwrite(b);
	sleep_unlock(&b->lock);
	spin_lock(&bcache.lock);
	drop_ref(b, false);
	spin_unlock(&bcache.lock);
	return err;
}

/* ---- bread, bget_zero, brelse ----------------------------------------- */

static int check_args(struct block_device *dev, uint64_t blockno, uint32_t size)
{
	uint64_t sectors = size / SECTOR_SIZE;

	if (!dev || size < SECTOR_SIZE || size > PAGE_SIZE ||
	    (size & (size - 1)) != 0)
		return -EINVAL;
	if (blockno >= dev->sectors / sectors)
		return -EINVAL;
	return 0;
}

/* A clean unreferenced buffer for a miss, spinlock held on return; the
 * least recent is written back first when dirty. 0, or -ENOMEM when every
 * buffer is referenced, or the write-back's error. */
static int get_victim(struct buf **out)
{
	for (;;) {
		struct buf *b = lru_victim();
		int err;

		if (!b) {
			if (!bcache.warned_full)
				kprintf("bcache: all %u buffers are in use; "
					"bread fails with -ENOMEM (bcache=N "
					"sets the count)\n",
					bcache.nbuf);
			bcache.warned_full = true;
			return -ENOMEM;
		}
		if (!b->dirty) {
			*out = b;
			return 0;
		}
		/* Keep its identity while writing, so a bread of that
		 * block waits for the write instead of reading old data. */
		take_ref(b);
		spin_unlock(&bcache.lock);
		err = writeback_unlocked(b);
		spin_lock(&bcache.lock);
		if (err) {
			/* Still dirty: move it out of the way. */
			if (b->refcount == 0) {
				lru_unlink(b);
				lru_push_newest(b);
			}
			return err;
		}
	}
}

/* The buffer for the block, referenced and locked; its data may not be
 * valid yet (and may be NULL, see alloc_data). */
static int bget(struct block_device *dev, uint64_t blockno, uint32_t size,
		struct buf **out)
{
	struct buf *b, *victim;
	void *stale = NULL;
	int err;

	err = check_args(dev, blockno, size);
	if (err)
		return err;
	spin_lock(&bcache.lock);
	b = hash_find(dev, blockno, size);
	if (b) {
		bcache.stats.hits++;
		goto out_found;
	}
	err = get_victim(&victim);
	if (err)
		goto out_unlock;
	/* get_victim may have dropped the lock: look again. */
	b = hash_find(dev, blockno, size);
	if (b) {
		bcache.stats.hits++;
		goto out_found;
	}
	b = victim;
	if (b->dev) {
		hash_remove(b);
		bcache.stats.evictions++;
	}
	if (b->data && b->size != size) {
		stale = b->data;
		b->data = NULL;
	}
	b->dev = dev;
	b->blockno = blockno;
	b->size = size;
	b->valid = false;
	hash_insert(b);
	bcache.stats.misses++;
out_found:
	take_ref(b);
	spin_unlock(&bcache.lock);
	kfree(stale);
	sleep_lock(&b->lock);
	*out = b;
	return 0;
out_unlock:
	spin_unlock(&bcache.lock);
	return err;
}

int bread(struct block_device *dev, uint64_t blockno, uint32_t size,
	  struct buf **out)
{
	struct buf *b;
	int err;

	err = bget(dev, blockno, size, &b);
	if (err)
		return err;
	if (!b->valid) {
		err = alloc_data(b);
		if (!err)
			err = transfer(b, false);
		if (err) {
			brelse(b);
			return err;
		}
		b->valid = true;
	}
	*out = b;
	return 0;
}

int bget_zero(struct block_device *dev, uint64_t blockno, uint32_t size,
	      struct buf **out)
{
	struct buf *b;
	int err;

	err = bget(dev, blockno, size, &b);
	if (err)
		return err;
	if (!b->valid) {
		err = alloc_data(b);
		if (err) {
			brelse(b);
			return err;
		}
		memset(b->data, 0, size);
		b->valid = true;
		bdirty(b);
	}
	*out = b;
	return 0;
}

void brelse(struct buf *b)
{
	sleep_unlock(&b->lock);
	spin_lock(&bcache.lock);
	drop_ref(b, true);
	spin_unlock(&bcache.lock);
}

/* ---- sync and unmount -------------------------------------------------- */

static bool belongs(const struct buf *b, const struct block_device *dev)
{
	return b->dev && (!dev || b->dev == dev);
}

static void flush_one(struct block_device *dev, void *arg)
{
	int *first = arg;
	int err = block_flush(dev);

	if (err && !*first)
		*first = err;
}

/* The writes are done; a disk with a write cache makes them durable
 * only on a flush (docs/block.md, "Write cache and FLUSH"). */
static int flush_devices(struct block_device *dev, int first)
{
	if (dev)
		flush_one(dev, &first);
	else
		block_for_each(flush_one, &first);
	return first;
}

/* ---- clustered write-back ---------------------------------------------- */

/* Requests bsync keeps in flight at once. */
#define SYNC_IN_FLIGHT 8

/* One write request of up to BLOCK_MAX_SEGMENTS adjacent dirty buffers,
 * locked and referenced by bsync until it completes. */
struct sync_run {
	struct block_request req;
	struct block_segment segs[BLOCK_MAX_SEGMENTS];
	struct buf *bufs[BLOCK_MAX_SEGMENTS];
	unsigned int n;
	bool started; /* submitted; else err says why not */
	int err;
};

/* Unlock b, which bsync locked, and drop bsync's reference without
 * making it recent. */
static void sync_release(struct buf *b)
{
	sleep_unlock(&b->lock);
	spin_lock(&bcache.lock);
	drop_ref(b, false);
	spin_unlock(&bcache.lock);
}

/* Wait for run and finish its buffers: clean if the write worked, else
 * still dirty. The error. */
static int run_finish(struct sync_run *run)
{
	int err = run->started ? block_wait(&run->req) : run->err;

	spin_lock(&bcache.lock);
	for (unsigned int i = 0; i < run->n && err == 0; i++) {
		bcache.stats.writebacks++;
		bcache.stats.dirty--;
		run->bufs[i]->dirty = false;
	}
	spin_unlock(&bcache.lock);
	for (unsigned int i = 0; i < run->n; i++)
		sync_release(run->bufs[i]);
	run->n = 0;
	run->started = false;
	return err;
}

/* Start run as one write: its buffers are blocks blockno, blockno+1, ...
 * of one device and size, all dirty. */
static void run_start(struct sync_run *run)
{
	struct buf *b = run->bufs[0];
	uint32_t per = b->size / SECTOR_SIZE;

	run->req = (struct block_request){
		.dev = b->dev,
		.sector = b->blockno * per,
		.count = per * run->n,
		.write = true,
		.segs = run->segs,
		.nsegs = run->n,
	};
	run->err = block_submit(&run->req);
	run->started = run->err == 0;
}

/* Can b join run (adjacent to its last buffer, same device and size)? */
static bool run_extends(const struct sync_run *run, const struct buf *b)
{
	const struct buf *last;

	if (run->n == 0)
		return true;
	last = run->bufs[run->n - 1];
	return run->n < BLOCK_MAX_SEGMENTS && b->dev == last->dev &&
	       b->size == last->size && b->blockno == last->blockno + 1;
}

/* Order for write-back: by device, size, then block number. */
static bool sync_before(const struct buf *a, const struct buf *b)
{
	if (a->dev != b->dev)
		return (uintptr_t)a->dev < (uintptr_t)b->dev;
	if (a->size != b->size)
		return a->size < b->size;
	return a->blockno < b->blockno;
}

/* Heapsort: n may be the whole cache, and no memory is needed. */
static void sift_down(struct buf **v, size_t i, size_t n)
{
	for (;;) {
		size_t big = i, l = 2 * i + 1, r = l + 1;
		struct buf *t;

		if (l < n && sync_before(v[big], v[l]))
			big = l;
		if (r < n && sync_before(v[big], v[r]))
			big = r;
		if (big == i)
			return;
		t = v[i];
		v[i] = v[big];
		v[big] = t;
		i = big;
	}
}

static void sort_bufs(struct buf **v, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(v, i, n);
	for (size_t end = n; end-- > 1;) {
		struct buf *t = v[0];

		v[0] = v[end];
		v[end] = t;
		sift_down(v, 0, end);
	}
}

/* Under bcache.lock: reference every buffer bsync must look at (dirty
 * and not pinned, or referenced: its holder may dirty it) into v. */
static size_t gather(struct block_device *dev, struct buf **v)
{
	size_t n = 0;

	spin_lock(&bcache.lock);
	for (unsigned int i = 0; i < bcache.nbuf; i++) {
		struct buf *b = &bcache.bufs[i];

		if (!belongs(b, dev) || (b->refcount == 0 && !b->dirty) ||
		    b->pinned)
			continue;
		take_ref(b);
		v[n++] = b;
	}
	spin_unlock(&bcache.lock);
	return n;
}

/*
 * Write the buffers in v (referenced by gather), sorted, adjacent dirty
 * ones merged into one request each, up to SYNC_IN_FLIGHT requests in
 * flight. A buffer is only try-locked here, while bsync holds others
 * locked: its holder may be waiting for one of them. The busy ones are
 * left in v (the count returned) for bsync to wait for one at a time,
 * holding nothing else.
 */
static size_t write_clusters(struct buf **v, size_t n, struct sync_run *runs,
			     int *first)
{
	size_t busy = 0;
	unsigned int cur = 0;
	int err;

	sort_bufs(v, n);
	for (size_t i = 0; i < n; i++) {
		struct buf *b = v[i];
		struct sync_run *run = &runs[cur];

		if (!sleep_trylock(&b->lock)) {
			v[busy++] = b;
			continue;
		}
		/* pinned cannot change while we hold b's lock (bpin needs
		 * it); it may have been pinned since gather. */
		if (!b->dirty || !b->valid || b->pinned) {
			sync_release(b);
			continue;
		}
		if (!run_extends(run, b)) {
			run_start(run);
			cur = (cur + 1) % SYNC_IN_FLIGHT;
			run = &runs[cur];
			err = run_finish(run); /* the oldest, if any */
			if (err && !*first)
				*first = err;
		}
		run->segs[run->n] = (struct block_segment){ b->data, b->size };
		run->bufs[run->n++] = b;
	}
	if (runs[cur].n)
		run_start(&runs[cur]);
	for (unsigned int k = 0; k < SYNC_IN_FLIGHT; k++) {
		if (!runs[k].n)
			continue;
		err = run_finish(&runs[k]);
		if (err && !*first)
			*first = err;
	}
	return busy;
}

/* Without the memory for clustering: one buffer at a time. */
static int sync_one_by_one(struct block_device *dev)
{
	int err, first = 0;

	for (unsigned int i = 0; i < bcache.nbuf; i++) {
		struct buf *b = &bcache.bufs[i];

		spin_lock(&bcache.lock);
		/* An unreferenced buffer's dirty flag can be read here: no
		 * one holds its lock. A referenced one may be dirtied by its
		 * holder any moment: wait for it. */
		if (!belongs(b, dev) || (b->refcount == 0 && !b->dirty) ||
		    b->pinned) {
			spin_unlock(&bcache.lock);
			continue;
		}
		take_ref(b);
		spin_unlock(&bcache.lock);
		err = writeback_unlocked(b);
		if (err && !first)
			first = err;
	}
	return first;
}

/* The buffers are gathered, sorted by block, and written in clusters:
 * adjacent dirty blocks as one request (docs/bcache.md, "Write-back in
 * clusters"). */
int bsync(struct block_device *dev)
{
	struct buf **v = kmalloc(bcache.nbuf * sizeof(*v));
	struct sync_run *runs = kzalloc(SYNC_IN_FLIGHT * sizeof(*runs));
	size_t n, busy;
	int first = 0;

	if (!v || !runs) {
		kfree(v);
		kfree(runs);
		return flush_devices(dev, sync_one_by_one(dev));
	}
	n = gather(dev, v);
	busy = write_clusters(v, n, runs, &first);
	for (size_t i = 0; i < busy; i++) {
		int err = writeback_unlocked(v[i]);

		if (err && !first)
			first = err;
	}
	kfree(v);
	kfree(runs);
	return flush_devices(dev, first);
}

/* Caller holds bcache.lock. */
static bool dev_referenced(const struct block_device *dev)
{
	for (unsigned int i = 0; i < bcache.nbuf; i++)
		if (bcache.bufs[i].dev == dev && bcache.bufs[i].refcount)
			return true;
	return false;
}

int binvalidate(struct block_device *dev)
{
	int err = 0;

	spin_lock(&bcache.lock);
	if (dev_referenced(dev))
		err = -EBUSY;
	spin_unlock(&bcache.lock);
	if (!err)
		err = bsync(dev);
	if (err)
		return err;
	spin_lock(&bcache.lock);
	for (unsigned int i = 0; i < bcache.nbuf; i++) {
		struct buf *b = &bcache.bufs[i];

		if (b->dev != dev)
			continue;
		if (b->refcount || b->dirty)
			err = -EBUSY; /* used again since the check */
		else
			forget(b);
	}
	spin_unlock(&bcache.lock);
	return err;
}

void bcache_get_stats(struct bcache_stats *st)
{
	spin_lock(&bcache.lock);
	*st = bcache.stats;
	st->bytes = 0;
	for (unsigned int i = 0; i < bcache.nbuf; i++)
		if (bcache.bufs[i].data)
			st->bytes += kmalloc_footprint(bcache.bufs[i].size);
	spin_unlock(&bcache.lock);
}

void bcache_init(void)
{
	unsigned long n = cmdline_ulong("bcache", BCACHE_DEFAULT);

	if (n < BCACHE_MIN) {
		kprintf("bcache: bcache=%lu is below %u; using %u\n", n,
			BCACHE_MIN, BCACHE_DEFAULT);
		n = BCACHE_DEFAULT;
	} else if (n > BCACHE_MAX) {
		kprintf("bcache: bcache=%lu is above %lu; using %lu\n", n,
			(unsigned long)BCACHE_MAX, (unsigned long)BCACHE_MAX);
		n = BCACHE_MAX;
	}
	/* The headers are one array: when memory is short, take half as
	 * many buffers, and say so. */
	while (!(bcache.bufs = kzalloc(n * sizeof(struct buf))) &&
	       n / 2 >= BCACHE_MIN) {
		kprintf("bcache: no memory for %lu buffer headers; trying "
			"%lu\n",
			n, n / 2);
		n /= 2;
	}
	bcache.nbuf = (unsigned int)n;
	for (bcache.nhash = 1; bcache.nhash < bcache.nbuf; bcache.nhash *= 2)
		;
	bcache.hash = kzalloc(bcache.nhash * sizeof(struct buf *));
	if (!bcache.bufs || !bcache.hash)
		panic("bcache: no memory for %u buffers at boot", bcache.nbuf);
	for (unsigned int i = 0; i < bcache.nbuf; i++) {
		sleep_lock_init(&bcache.bufs[i].lock, "buf");
		lru_push_newest(&bcache.bufs[i]);
	}
	bcache.stats.buffers = bcache.nbuf;
	kprintf("bcache: %u buffers\n", bcache.nbuf);
}
