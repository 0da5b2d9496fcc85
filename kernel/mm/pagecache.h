/*
 * The page cache: pages of regular files, so that every MAP_SHARED
 * mapping of a file and read/write see the same bytes, and so that a
 * file read again is not read from the disk again. A page is a user page
 * (frame_alloc_user) keyed by (inode, page index); the cache holds one
 * reference and each mapping one more. Page faults fill it; so does
 * read() on a file system that can read straight into pages (its
 * inode_operations have read_pages, as ext2's regular files do), with
 * read-ahead of up to 128 KiB for sequential reads, never past the end
 * of the file. write() still goes through the file system (and the
 * buffer cache), and the VFS keeps the two coherent: write() updates a
 * cached page too (and, with read_pages, reads in those it lacks), and read() of a file without read_pages takes the
 * bytes of cached pages, which may have been changed through a mapping.
 * Pages written through a mapping are marked dirty and written back on
 * msync, munmap, exit and fsync; all of an inode's pages go when its
 * last reference does, and clean unmapped pages go earlier when memory
 * runs short (pagecache_shrink). docs/memory.md, "The page cache".
 */
#ifndef KESTREL_MM_PAGECACHE_H
#define KESTREL_MM_PAGECACHE_H

#include "fs/vfs.h"

/* For page faults: the page of ip at index, read in if it is not cached
 * (bytes past the end of the file read as zero). 0 with *pa holding a
 * new reference for the caller (frame_unref, or pass it to a page table)
 * and *major set if the file system was read; -EIO if the page starts
 * at or past the end of the file (SIGBUS), or the file system's error;
 * -ENOMEM. Takes ip->lock. */
int pagecache_get(struct inode *ip, uint64_t index, physaddr_t *pa,
		  bool *major);
/* The page was written through a mapping (the CPU's dirty bit said so):
 * write it back later. Never sleeps (called under a page-table lock). */
void pagecache_mark_dirty(struct inode *ip, uint64_t index);

/* For the VFS, with ip->lock held: */
/* read() of a file whose ops have read_pages: up to n bytes at off out
 * of the cache, reading missing pages in (with read-ahead). The bytes
 * copied (0 at or past the end), or an error if none were. */
ssize_t pagecache_file_read(struct inode *ip, void *buf, size_t n,
			    uint64_t off);
/* Copy the cached pages' bytes of [off, off + n) over buf (the file
 * system just read them into buf). */
void pagecache_read(struct inode *ip, void *buf, size_t n, uint64_t off);
/* buf was just written at off through the file system: the same bytes
 * into the cached pages; with read_pages, the pages not cached are read
 * in (so what was just written is read back from memory). */
void pagecache_write(struct inode *ip, const void *buf, size_t n, uint64_t off);
/* The file was truncated to size: drop the pages wholly past it, zero
 * the tail of the page it ends in. */
void pagecache_truncate(struct inode *ip, uint64_t size);
/* Write the dirty pages back through the file system: 0 or an error. */
int pagecache_writeback(struct inode *ip);
/* Has ip dirty pages? (ip->lock need not be held.) */
bool pagecache_dirty(struct inode *ip);

/* The inode's last reference is gone and it is out of the inode cache:
 * drop its pages (dirty ones were written back, or the file is deleted). */
void pagecache_forget(struct inode *ip);
/* Pages in the cache now (for /proc/meminfo's Cached and the tests). */
uint64_t pagecache_pages(void);
/* Give back up to want clean pages that no one maps or copies, least
 * recently used first: the number given back. Takes no sleep lock (the
 * page allocator calls it when memory runs out). */
unsigned int pagecache_shrink(unsigned int want);
/* For the tests: pages reclaimed so far; pages of ip cached now. */
uint64_t pagecache_reclaimed(void);
uint64_t pagecache_inode_pages(const struct inode *ip);

#endif
