/*
 * The page cache (pagecache.h): the pages of regular files, filled by
 * page faults of mappings and, for file systems that can read straight
 * into pages (inode_operations.read_pages: ext2), by read() too.
 *
 * Two hash tables under one spinlock: pages by (inode, index), and per
 * inode a record with the list of its pages, so that everything of one
 * inode (write back, truncate, forget) is found without a scan; and one
 * list of every page in the order of its last use, for reclaim. A page
 * is added only with its inode's sleep lock held (pagecache_get,
 * pagecache_file_read), so two tasks never read the same page in.
 *
 * A page can go in three ways: pagecache_truncate (inode lock held),
 * pagecache_forget (no one can reach the inode any more), and reclaim
 * (pagecache_shrink: no inode lock, only the spinlock), which takes
 * clean pages that no one but the cache references. So whoever uses a
 * page's bytes outside the spinlock first takes a reference to its frame
 * under it (get_page): reclaim then leaves the page alone, and the
 * frame stays valid even if truncate drops the page meanwhile.
 *
 * The cache grows while memory is free: filling a page when less than
 * a sixteenth of memory is free reclaims the least recently used clean
 * pages first, and a user page allocation that finds no memory
 * (frame_alloc_user) does the same before it fails. docs/memory.md,
 * "The page cache".
 */
#include "mm/pagecache.h"
#include "arch/x86_64/arch.h"
#include "mm/mm.h"

#define PAGECACHE_BUCKETS 1024
/* Read-ahead window for sequential reads: 32 pages, 128 KiB. */
#define READAHEAD_PAGES 32
/* Pages reclaimed at a time when memory runs short. */
#define SHRINK_BATCH 64

/* One cached page. */
struct cached_page {
	struct inode *inode;
	uint64_t index; /* file offset / PAGE_SIZE */
	physaddr_t pa;  /* a user page; the cache holds a reference */
	bool dirty;     /* written through a mapping since the
				    * last write back */
	struct cached_page *hash_next;           /* in cache.pages[] */
	struct cached_page *file_next;           /* in its cached_file's list */
	struct cached_page *lru_prev, *lru_next; /* cache.lru_*, by use */
};

/* The cached pages of one inode. */
struct cached_file {
	struct inode *inode;
	struct cached_page *pages;
	struct cached_file *hash_next; /* in cache.files[] */
};

static struct {
	/* "pagecache": the hash chains, the lists, the LRU list, every
	 * dirty flag and the count. Taken under vm_space locks
	 * (pagecache_mark_dirty) and icache (pagecache_dirty); takes no
	 * other lock (frames are unreferenced after it is dropped). */
	struct spinlock lock;
	struct cached_page *pages[PAGECACHE_BUCKETS];
	struct cached_file *files[PAGECACHE_BUCKETS];
	struct cached_page *lru_oldest, *lru_newest;
	uint64_t count;
	uint64_t reclaimed; /* pages given back by pagecache_shrink */
} cache = { .lock = SPINLOCK_INIT("pagecache") };

static unsigned int page_bucket(const struct inode *ip, uint64_t index)
{
	return (unsigned int)(((uintptr_t)ip >> 6) ^ (index * 0x9e3779b1u)) %
	       PAGECACHE_BUCKETS;
}

static unsigned int file_bucket(const struct inode *ip)
{
	return (unsigned int)((uintptr_t)ip >> 6) % PAGECACHE_BUCKETS;
}

/* Caller holds cache.lock. */
static struct cached_page *find_page(const struct inode *ip, uint64_t index)
{
	struct cached_page *p = cache.pages[page_bucket(ip, index)];

	while (p && !(p->inode == ip && p->index == index))
		p = p->hash_next;
	return p;
}

/* Caller holds cache.lock. */
static struct cached_file *find_file(const struct inode *ip)
{
	struct cached_file *cf = cache.files[file_bucket(ip)];

	while (cf && cf->inode != ip)
		cf = cf->hash_next;
	return cf;
}

/* The LRU list, oldest first. Caller holds cache.lock. */
static void lru_unlink(struct cached_page *p)
{
	if (p->lru_prev)
		p->lru_prev->lru_next = p->lru_next;
	else
		cache.lru_oldest = p->lru_next;
	if (p->lru_next)
		p->lru_next->lru_prev = p->lru_prev;
	else
		cache.lru_newest = p->lru_prev;
	p->lru_prev = p->lru_next = NULL;
}

static void lru_push_newest(struct cached_page *p)
{
	p->lru_prev = cache.lru_newest;
	p->lru_next = NULL;
	if (cache.lru_newest)
		cache.lru_newest->lru_next = p;
	else
		cache.lru_oldest = p;
	cache.lru_newest = p;
}

/* The frame of page index of ip with a reference for the caller (who
 * frame_unrefs it), or 0 if it is not cached; a hit makes the page the
 * most recently used. */
static physaddr_t get_page(const struct inode *ip, uint64_t index)
{
	struct cached_page *p;
	physaddr_t pa = 0;

	spin_lock(&cache.lock);
	p = find_page(ip, index);
	if (p) {
		pa = p->pa;
		frame_ref(pa);
		if (p != cache.lru_newest) {
			lru_unlink(p);
			lru_push_newest(p);
		}
	}
	spin_unlock(&cache.lock);
	return pa;
}

/* Take p out of the page hash, its file's list and the LRU list. Caller
 * holds cache.lock. */
static void unlink_page(struct cached_file *cf, struct cached_page *p)
{
	struct cached_page **pp = &cache.pages[page_bucket(p->inode, p->index)];

	while (*pp != p)
		pp = &(*pp)->hash_next;
	*pp = p->hash_next;
	for (pp = &cf->pages; *pp != p; pp = &(*pp)->file_next)
		;
	*pp = p->file_next;
	lru_unlink(p);
	cache.count--;
}

/* Take cf out of the file hash (it has no pages left). Caller holds
 * cache.lock. */
static void unlink_file(struct cached_file *cf)
{
	struct cached_file **pp = &cache.files[file_bucket(cf->inode)];

	while (*pp != cf)
		pp = &(*pp)->hash_next;
	*pp = cf->hash_next;
}

/* Put the page at pa in the cache as page index of ip, using the two
 * records the caller allocated (it frees what is left over). Caller
 * holds ip->lock and knows the page is not cached. */
static void insert_page(struct inode *ip, uint64_t index, physaddr_t pa,
			struct cached_page **p, struct cached_file **cf)
{
	struct cached_page *page = *p;
	struct cached_file *file;

	spin_lock(&cache.lock);
	file = find_file(ip);
	if (!file) {
		file = *cf;
		*cf = NULL;
		file->inode = ip;
		file->pages = NULL;
		file->hash_next = cache.files[file_bucket(ip)];
		cache.files[file_bucket(ip)] = file;
	}
	*page = (struct cached_page){ .inode = ip, .index = index, .pa = pa };
	page->hash_next = cache.pages[page_bucket(ip, index)];
	cache.pages[page_bucket(ip, index)] = page;
	page->file_next = file->pages;
	file->pages = page;
	lru_push_newest(page);
	cache.count++;
	*p = NULL;
	spin_unlock(&cache.lock);
}

/* How many pages to read in at a miss on page index of ip: the
 * read-ahead window when the reads look sequential (index 0, or the page
 * before is cached) and the file system can read many pages at once,
 * else one; never past the page that holds the file's last byte, and
 * never over a page already cached. Caller holds ip->lock, and index is
 * before the end of the file. */
static unsigned int window(const struct inode *ip, uint64_t index)
{
	uint64_t last = (ip->size - 1) / PAGE_SIZE;
	unsigned int n = 1;

	if (!ip->ops->read_pages)
		return 1;
	spin_lock(&cache.lock);
	if (index == 0 || find_page(ip, index - 1))
		while (n < READAHEAD_PAGES && index + n <= last &&
		       !find_page(ip, index + n))
			n++;
	spin_unlock(&cache.lock);
	return n;
}

/* The cache may grow while memory is free; below a sixteenth of it free,
 * make room for n pages by reclaiming clean ones first. */
static void make_room(unsigned int n)
{
	struct frame_stats st;

	frames_get_stats(&st);
	if (st.free < st.managed / 16 + n)
		pagecache_shrink(MAX(n, SHRINK_BATCH));
}

/* Read bytes [off, off + len) of ip into buf, physically contiguous
 * direct-mapped memory: the bytes read, or an error. */
static ssize_t fs_read(struct inode *ip, void *buf, size_t len, uint64_t off)
{
	if (ip->ops->read_pages)
		return ip->ops->read_pages(ip, buf, len, off);
	return ip->ops->read ? ip->ops->read(ip, buf, len, off) : -EIO;
}

/*
 * Read pages [index, index + n) of ip into the cache (none of them is
 * cached; n at most READAHEAD_PAGES): with one call of the file system,
 * through a bounce buffer of contiguous frames when n > 1 (fewer pages
 * if memory is short). Bytes past the end of the file read as zero. 0
 * and in *first the frame of page index with a reference for the
 * caller, or an error. Caller holds ip->lock.
 */
static int fill_pages(struct inode *ip, uint64_t index, unsigned int n,
		      physaddr_t *first)
{
	physaddr_t pa[READAHEAD_PAGES] = { 0 }, bounce = 0;
	struct cached_page *rec[READAHEAD_PAGES] = { NULL };
	struct cached_file *file = kmalloc(sizeof(*file));
	unsigned int order = 0, i;
	ssize_t got = -ENOMEM;

	make_room(n);
	for (i = 0; i < n; i++) {
		pa[i] = frame_alloc_user();
		rec[i] = kmalloc(sizeof(*rec[i]));
		if (!pa[i] || !rec[i])
			break;
	}
	n = i; /* the pages that have both a frame and a record */
	while ((1u << order) < n)
		order++;
	if (n > 1 && !(bounce = frames_alloc(order)))
		n = 1;
	if (n == 0 || !file)
		goto out;
	if (n == 1) {
		got = fs_read(ip, phys_to_virt(pa[0]), PAGE_SIZE,
			      index * PAGE_SIZE);
	} else {
		got = fs_read(ip, phys_to_virt(bounce), n * PAGE_SIZE,
			      index * PAGE_SIZE);
		for (i = 0; got >= 0 && i < n; i++)
			memcpy(phys_to_virt(pa[i]),
			       (uint8_t *)phys_to_virt(bounce) + i * PAGE_SIZE,
			       PAGE_SIZE);
	}
	if (got < 0)
		goto out;
	/* Short of the end of the file (an error part way): keep only the
	 * whole pages read, never a page of made-up zeros. */
	if ((uint64_t)got <
	    MIN((uint64_t)n * PAGE_SIZE, ip->size - index * PAGE_SIZE)) {
		n = (unsigned int)((size_t)got / PAGE_SIZE);
		if (n == 0) {
			got = -EIO;
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		size_t have = (size_t)got > i * PAGE_SIZE
				      ? (size_t)got - i * PAGE_SIZE
				      : 0;

		if (have < PAGE_SIZE)
			memset((uint8_t *)phys_to_virt(pa[i]) + have, 0,
			       PAGE_SIZE - have);
	}
	*first = pa[0];
	frame_ref(pa[0]); /* the caller's; each page's first is the cache's */
	for (i = 0; i < n; i++) {
		insert_page(ip, index + i, pa[i], &rec[i], &file);
		pa[i] = 0;
	}
	got = 0;
out:
	if (bounce)
		frames_free(bounce, order);
	for (i = 0; i < READAHEAD_PAGES; i++) {
		if (pa[i])
			frame_unref(pa[i]);
		kfree(rec[i]);
	}
	kfree(file);
	return (int)got;
}

int pagecache_get(struct inode *ip, uint64_t index, physaddr_t *pa, bool *major)
{
	int err = 0;

	*major = false;
	sleep_lock(&ip->lock);
	if (index >= ALIGN_UP(ip->size, PAGE_SIZE) / PAGE_SIZE) {
		err = -EIO;
		goto out;
	}
	*pa = get_page(ip, index);
	if (!*pa) {
		err = fill_pages(ip, index, window(ip, index), pa);
		*major = err == 0;
	}
out:
	sleep_unlock(&ip->lock);
	return err;
}

ssize_t pagecache_file_read(struct inode *ip, void *buf, size_t n, uint64_t off)
{
	size_t done = 0;
	int err = 0;

	assert(sleep_held(&ip->lock));
	if (off >= ip->size)
		return 0;
	n = MIN(n, ip->size - off);
	while (done < n) {
		uint64_t pos = off + done, index = pos / PAGE_SIZE;
		size_t in_page = pos % PAGE_SIZE;
		size_t len = MIN(n - done, PAGE_SIZE - in_page);
		physaddr_t pa = get_page(ip, index);

		if (!pa) {
			err = fill_pages(ip, index, window(ip, index), &pa);
			if (err < 0)
				break;
		}
		memcpy((uint8_t *)buf + done,
		       (uint8_t *)phys_to_virt(pa) + in_page, len);
		frame_unref(pa);
		done += len;
	}
	return done ? (ssize_t)done : err;
}

void pagecache_mark_dirty(struct inode *ip, uint64_t index)
{
	struct cached_page *p;

	spin_lock(&cache.lock);
	p = find_page(ip, index);
	if (p)
		p->dirty = true;
	spin_unlock(&cache.lock);
}

/*
 * Call fn for each cached page of ip that overlaps [off, off + n), with
 * the part that overlaps: the page's kernel address plus the offset in
 * the page, and the offset in the caller's buffer. Each page is
 * referenced while fn copies (without the spinlock), so reclaim leaves
 * it alone. Caller holds ip->lock.
 */
static void for_each_overlap(struct inode *ip, size_t n, uint64_t off,
			     void (*fn)(uint8_t *page, void *buf, size_t len),
			     void *buf)
{
	uint64_t end = off + n;

	spin_lock(&cache.lock);
	if (!find_file(ip)) {
		spin_unlock(&cache.lock);
		return;
	}
	spin_unlock(&cache.lock);
	for (uint64_t pos = off; pos < end;) {
		uint64_t index = pos / PAGE_SIZE, in_page = pos % PAGE_SIZE;
		size_t len = MIN(end - pos, PAGE_SIZE - in_page);
		physaddr_t pa = get_page(ip, index);

		if (pa) {
			fn((uint8_t *)phys_to_virt(pa) + in_page,
			   (uint8_t *)buf + (pos - off), len);
			frame_unref(pa);
		}
		pos += len;
	}
}

static void copy_from_page(uint8_t *page, void *buf, size_t len)
{
	memcpy(buf, page, len);
}

static void copy_to_page(uint8_t *page, void *buf, size_t len)
{
	memcpy(page, buf, len);
}

void pagecache_read(struct inode *ip, void *buf, size_t n, uint64_t off)
{
	assert(sleep_held(&ip->lock));
	for_each_overlap(ip, n, off, copy_from_page, buf);
}

/* Read in the pages of [off, off + n) the cache lacks, a window at a
 * time, from a file system that has just written them (so its buffer
 * cache holds them): a file just written is read from memory, as on
 * Linux. A failure leaves the page to be read when it is wanted. */
static void fill_range(struct inode *ip, size_t n, uint64_t off)
{
	uint64_t index = off / PAGE_SIZE, end = (off + n - 1) / PAGE_SIZE;

	while (index <= end && index * PAGE_SIZE < ip->size) {
		physaddr_t pa = get_page(ip, index);
		unsigned int count = 1;

		if (!pa) {
			spin_lock(&cache.lock);
			while (count < READAHEAD_PAGES &&
			       index + count <= end &&
			       (index + count) * PAGE_SIZE < ip->size &&
			       !find_page(ip, index + count))
				count++;
			spin_unlock(&cache.lock);
			if (fill_pages(ip, index, count, &pa) < 0)
				return;
		}
		frame_unref(pa);
		index += count;
	}
}

void pagecache_write(struct inode *ip, const void *buf, size_t n, uint64_t off)
{
	assert(sleep_held(&ip->lock));
	for_each_overlap(ip, n, off, copy_to_page, (void *)buf);
	if (ip->ops->read_pages && n)
		fill_range(ip, n, off);
}

/* Take off ip's list the first page at or past index first, or NULL.
 * Caller holds ip->lock. */
static struct cached_page *take_page_from(struct inode *ip, uint64_t first)
{
	struct cached_file *cf;
	struct cached_page *p = NULL;

	spin_lock(&cache.lock);
	cf = find_file(ip);
	if (cf) {
		for (p = cf->pages; p && p->index < first; p = p->file_next)
			;
		if (p)
			unlink_page(cf, p);
		if (!cf->pages)
			unlink_file(cf);
		else
			cf = NULL;
	}
	spin_unlock(&cache.lock);
	kfree(cf);
	return p;
}

/* Drop every page of ip from index first on. A mapping that still maps
 * one keeps its frame, but it is no longer the file's page. */
static void drop_pages_from(struct inode *ip, uint64_t first)
{
	struct cached_page *p;

	while ((p = take_page_from(ip, first))) {
		frame_unref(p->pa);
		kfree(p);
	}
}

void pagecache_truncate(struct inode *ip, uint64_t size)
{
	uint64_t in_page = size % PAGE_SIZE;
	physaddr_t pa = 0;

	assert(sleep_held(&ip->lock));
	drop_pages_from(ip, ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
	if (in_page)
		pa = get_page(ip, size / PAGE_SIZE);
	if (pa) {
		memset((uint8_t *)phys_to_virt(pa) + in_page, 0,
		       PAGE_SIZE - in_page);
		frame_unref(pa);
	}
}

/* The frame of the first dirty page of ip, made clean, with a reference
 * for the caller and its index in *index; or 0. Caller holds ip->lock. */
static physaddr_t next_dirty(struct inode *ip, uint64_t *index)
{
	struct cached_file *cf;
	struct cached_page *p = NULL;
	physaddr_t pa = 0;

	spin_lock(&cache.lock);
	cf = find_file(ip);
	for (p = cf ? cf->pages : NULL; p && !p->dirty; p = p->file_next)
		;
	if (p) {
		p->dirty = false;
		pa = p->pa;
		*index = p->index;
		frame_ref(pa);
	}
	spin_unlock(&cache.lock);
	return pa;
}

int pagecache_writeback(struct inode *ip)
{
	uint64_t index;
	physaddr_t pa;
	int err = 0;

	assert(sleep_held(&ip->lock));
	while ((pa = next_dirty(ip, &index))) {
		uint64_t off = index * PAGE_SIZE;
		ssize_t w = 0;

		/* Past the end now: nothing to keep. */
		if (off < ip->size && ip->ops->write)
			w = ip->ops->write(ip, phys_to_virt(pa),
					   MIN(PAGE_SIZE, ip->size - off), off);
		frame_unref(pa);
		if (w < 0 && !err) {
			kprintf("pagecache: writing page %lu of inode %lu "
				"back failed (%ld)\n",
				index, ip->ino, w);
			err = (int)w;
		}
	}
	return err;
}

bool pagecache_dirty(struct inode *ip)
{
	struct cached_file *cf;
	bool dirty = false;

	spin_lock(&cache.lock);
	cf = find_file(ip);
	for (struct cached_page *p = cf ? cf->pages : NULL; p && !dirty;
	     p = p->file_next)
		dirty = p->dirty;
	spin_unlock(&cache.lock);
	return dirty;
}

void pagecache_forget(struct inode *ip)
{
	drop_pages_from(ip, 0);
}

uint64_t pagecache_pages(void)
{
	uint64_t n;

	spin_lock(&cache.lock);
	n = cache.count;
	spin_unlock(&cache.lock);
	return n;
}

unsigned int pagecache_shrink(unsigned int want)
{
	struct cached_page *victims = NULL, *p, *next;
	struct cached_file *gone = NULL, *cf;
	unsigned int n = 0;

	spin_lock(&cache.lock);
	for (p = cache.lru_oldest; p && n < want; p = next) {
		next = p->lru_next;
		/* Dirty, mapped, or being copied: not now. */
		if (p->dirty || frame_refcount(p->pa) != 1)
			continue;
		cf = find_file(p->inode);
		unlink_page(cf, p);
		if (!cf->pages) {
			unlink_file(cf);
			cf->hash_next = gone;
			gone = cf;
		}
		p->hash_next = victims;
		victims = p;
		n++;
	}
	cache.reclaimed += n;
	spin_unlock(&cache.lock);
	for (p = victims; p; p = next) {
		next = p->hash_next;
		frame_unref(p->pa);
		kfree(p);
	}
	for (; gone; gone = cf) {
		cf = gone->hash_next;
		kfree(gone);
	}
	return n;
}

uint64_t pagecache_reclaimed(void)
{
	uint64_t n;

	spin_lock(&cache.lock);
	n = cache.reclaimed;
	spin_unlock(&cache.lock);
	return n;
}

uint64_t pagecache_inode_pages(const struct inode *ip)
{
	struct cached_file *cf;
	uint64_t n = 0;

	spin_lock(&cache.lock);
	cf = find_file(ip);
	for (struct cached_page *p = cf ? cf->pages : NULL; p; p = p->file_next)
		n++;
	spin_unlock(&cache.lock);
	return n;
}
