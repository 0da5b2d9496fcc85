/*
 * The page cache (pagecache.h): the pages of regular files that are, or
 * were while the file stayed in use, mapped by page faults.
 *
 * Two hash tables under one spinlock: pages by (inode, index), and per
 * inode a record with the list of its pages, so that everything of one
 * inode (write back, truncate, forget) is found without a scan. A page
 * is added only by pagecache_get, with the inode's sleep lock held, and
 * removed only by pagecache_truncate (inode lock held) and
 * pagecache_forget (no one can reach the inode any more); so, with the
 * inode lock held, an inode's set of pages cannot change, and its pages'
 * bytes can be copied without the spinlock.
 *
 * Only mapping faults add pages: read() and write() do not fill the
 * cache, they only keep the pages already there coherent. So the cache
 * holds the pages of files that are mapped or were mapped, and gives
 * them back when the inode's last reference goes (vfs_iput calls
 * pagecache_forget). docs/memory.md, "The page cache".
 */
#include "mm/pagecache.h"
#include "arch/x86_64/arch.h"
#include "mm/mm.h"

#define PAGECACHE_BUCKETS 1024

/* One cached page. */
struct cached_page {
	struct inode *inode;
	uint64_t index; /* file offset / PAGE_SIZE */
	physaddr_t pa;  /* a user page; the cache holds a reference */
	bool dirty;     /* written through a mapping since the
				    * last write back */
	struct cached_page *hash_next; /* in cache.pages[] */
	struct cached_page *file_next; /* in its cached_file's list */
};

/* The cached pages of one inode. */
struct cached_file {
	struct inode *inode;
	struct cached_page *pages;
	struct cached_file *hash_next; /* in cache.files[] */
};

static struct {
	/* "pagecache": the hash chains, the lists, every dirty flag and the
	 * count. Taken under vm_space locks (pagecache_mark_dirty) and
	 * icache (pagecache_dirty); takes no other lock. */
	struct spinlock lock;
	struct cached_page *pages[PAGECACHE_BUCKETS];
	struct cached_file *files[PAGECACHE_BUCKETS];
	uint64_t count;
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

/* Take p out of the page hash and its file's list. Caller holds
 * cache.lock. */
static void unlink_page(struct cached_file *cf, struct cached_page *p)
{
	struct cached_page **pp = &cache.pages[page_bucket(p->inode, p->index)];

	while (*pp != p)
		pp = &(*pp)->hash_next;
	*pp = p->hash_next;
	for (pp = &cf->pages; *pp != p; pp = &(*pp)->file_next)
		;
	*pp = p->file_next;
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

/* Read page index of ip into a new user page: its address, or 0 with
 * *err set. Caller holds ip->lock. */
static physaddr_t read_page(struct inode *ip, uint64_t index, int *err)
{
	physaddr_t pa = frame_alloc_user();
	ssize_t got;

	if (!pa) {
		*err = -ENOMEM;
		return 0;
	}
	got = ip->ops->read ? ip->ops->read(ip, phys_to_virt(pa), PAGE_SIZE,
					    index * PAGE_SIZE)
			    : -EIO;
	if (got < 0) {
		frame_unref(pa);
		*err = (int)got;
		return 0;
	}
	memset((uint8_t *)phys_to_virt(pa) + got, 0, PAGE_SIZE - (size_t)got);
	return pa;
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
	cache.count++;
	*p = NULL;
	spin_unlock(&cache.lock);
}

int pagecache_get(struct inode *ip, uint64_t index, physaddr_t *pa, bool *major)
{
	struct cached_page *page = NULL, *p;
	struct cached_file *file = NULL;
	int err = 0;

	*major = false;
	sleep_lock(&ip->lock);
	if (index >= ALIGN_UP(ip->size, PAGE_SIZE) / PAGE_SIZE) {
		err = -EIO;
		goto out;
	}
	spin_lock(&cache.lock);
	p = find_page(ip, index);
	if (p) {
		*pa = p->pa;
		frame_ref(*pa);
	}
	spin_unlock(&cache.lock);
	if (p)
		goto out;
	page = kmalloc(sizeof(*page));
	file = kmalloc(sizeof(*file));
	if (!page || !file) {
		err = -ENOMEM;
		goto out;
	}
	*pa = read_page(ip, index, &err);
	if (!*pa)
		goto out;
	frame_ref(*pa); /* the caller's; the page's first is the cache's */
	insert_page(ip, index, *pa, &page, &file);
	*major = true;
out:
	sleep_unlock(&ip->lock);
	kfree(page);
	kfree(file);
	return err;
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
 * the page, and the offset in the caller's buffer. Caller holds ip->lock,
 * so the pages cannot go away while fn copies (without the spinlock).
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
		struct cached_page *p;

		spin_lock(&cache.lock);
		p = find_page(ip, index);
		spin_unlock(&cache.lock);
		if (p)
			fn((uint8_t *)phys_to_virt(p->pa) + in_page,
			   (uint8_t *)buf + (pos - off), len);
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

void pagecache_write(struct inode *ip, const void *buf, size_t n, uint64_t off)
{
	assert(sleep_held(&ip->lock));
	for_each_overlap(ip, n, off, copy_to_page, (void *)buf);
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
	struct cached_page *p = NULL;

	assert(sleep_held(&ip->lock));
	drop_pages_from(ip, ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
	if (in_page) {
		spin_lock(&cache.lock);
		p = find_page(ip, size / PAGE_SIZE);
		spin_unlock(&cache.lock);
	}
	if (p)
		memset((uint8_t *)phys_to_virt(p->pa) + in_page, 0,
		       PAGE_SIZE - in_page);
}

/* The first dirty page of ip, made clean, or NULL.
 * Caller holds ip->lock. */
static struct cached_page *next_dirty(struct inode *ip)
{
	struct cached_file *cf;
	struct cached_page *p = NULL;

	spin_lock(&cache.lock);
	cf = find_file(ip);
	for (p = cf ? cf->pages : NULL; p && !p->dirty; p = p->file_next)
		;
	if (p)
		p->dirty = false;
	spin_unlock(&cache.lock);
	return p;
}

int pagecache_writeback(struct inode *ip)
{
	struct cached_page *p;
	int err = 0;

	assert(sleep_held(&ip->lock));
	while ((p = next_dirty(ip))) {
		uint64_t off = p->index * PAGE_SIZE;
		ssize_t w;

		if (off >= ip->size || !ip->ops->write)
			continue; /* past the end now: nothing to keep */
		w = ip->ops->write(ip, phys_to_virt(p->pa),
				   MIN(PAGE_SIZE, ip->size - off), off);
		if (w < 0 && !err) {
			kprintf("pagecache: writing page %lu of inode %lu "
				"back failed (%ld)\n",
				p->index, ip->ino, w);
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
