/*
 * Tests of user memory (suite uvm): areas and their splitting, demand
 * zero, copy-on-write fork with its reference counts, stack growth, the
 * access checks, and the page cache's coherence with read and write.
 * Each works on an mm made here and never loaded: mm_fault fills any mm,
 * and the tests look at the resulting frames through the direct map.
 * Frame statistics must come back exactly to where they started.
 */
#include "arch/x86_64/arch.h"
#include "fs/vfs.h"
#include "lib/ktest.h"
#include "mm/pagecache.h"
#include "mm/uvm_internal.h"

#define BASE 0x10000000UL /* where the tests put their areas */
#define PAGES(n) ((uint64_t)(n)*PAGE_SIZE)
#define TEST_FILE "/uvm-test"

static struct frame_stats frames_before;

static void frames_mark(void)
{
	kmalloc_trim();
	frames_get_stats(&frames_before);
}

/* Are the frame statistics back where frames_mark left them? */
static bool frames_back(void)
{
	struct frame_stats now;

	kmalloc_trim();
	frames_get_stats(&now);
	return memcmp(&now, &frames_before, sizeof(now)) == 0;
}

static int map(struct mm *mm, uint64_t start, uint64_t pages, int prot,
	       int flags, struct file *f)
{
	int err;

	sleep_lock(&mm->lock);
	err = mm_map_locked(mm, start, start + PAGES(pages), prot, flags, f, 0,
			    f ? UINT64_MAX : 0);
	sleep_unlock(&mm->lock);
	return err;
}

/* The frame mapped at va (0 if none), and whether it is writable. */
static physaddr_t frame_at_va(struct mm *mm, uint64_t va, bool *writable)
{
	physaddr_t pa;
	unsigned int prot;

	if (vm_walk(&mm->vs, va, &pa, &prot) < 0)
		return 0;
	if (writable)
		*writable = prot & VM_WRITE;
	return ALIGN_DOWN(pa, PAGE_SIZE);
}

/* The byte at va after a read fault, through the direct map. */
static int peek(struct mm *mm, uint64_t va)
{
	physaddr_t pa;

	if (mm_fault(mm, va, PF_USER, 0) < 0)
		return -1;
	pa = frame_at_va(mm, va, NULL);
	return pa ? ((uint8_t *)phys_to_virt(pa))[va % PAGE_SIZE] : -1;
}

/* Store c at va as a user write would (fault, then the frame). */
static int poke(struct mm *mm, uint64_t va, uint8_t c)
{
	return mm_write(mm, va, &c, 1);
}

/* Store c at va through mm's own page tables, loaded for the moment (with
 * interrupts off, so nothing else runs on them): the CPU sets the page's
 * dirty bit, as a store by the program would. The page must be mapped
 * writable. */
static void store_as_user(struct mm *mm, uint64_t va, char c)
{
	bool were_on = irq_enabled();
	uint64_t cr3 = read_cr3();

	irq_disable();
	write_cr3(mm->vs.pml4);
	user_access_begin();
	*(volatile char *)va = c;
	user_access_end();
	write_cr3(cr3);
	if (were_on)
		irq_enable();
}

static int count_areas(struct mm *mm)
{
	int n = 0;

	for (struct vma *v = mm->vmas; v; v = v->next)
		n++;
	return n;
}

/* ---- areas ---------------------------------------------------------------- */

KTEST(uvm, areas_split_and_merge_nothing)
{
	struct mm *mm;
	struct vma *v;
	char maps[512];

	frames_mark();
	mm = mm_create();
	KT_ASSERT(mm, "mm_create failed");
	KT_ASSERT_EQ(map(mm, BASE, 4, PROT_READ | PROT_WRITE, 0, NULL), 0);
	KT_ASSERT_EQ(map(mm, BASE + PAGES(8), 2, PROT_READ, 0, NULL), 0);
	KT_ASSERT_EQ(count_areas(mm), 2);
	sleep_lock(&mm->lock);
	KT_ASSERT(mm_range_mapped(mm, BASE, BASE + PAGES(4)), "range");
	KT_ASSERT(!mm_range_mapped(mm, BASE, BASE + PAGES(5)), "hole");
	/* munmap of the second page splits the first area. */
	KT_ASSERT_EQ(mm_unmap_locked(mm, BASE + PAGES(1), BASE + PAGES(2)), 0);
	/* mprotect of the third page splits what is left. */
	KT_ASSERT_EQ(mm_protect_locked(mm, BASE + PAGES(2), BASE + PAGES(3),
				       PROT_READ),
		     0);
	sleep_unlock(&mm->lock);
	KT_ASSERT_EQ(count_areas(mm), 4);
	v = mm->vmas;
	KT_ASSERT(v->start == BASE && v->end == BASE + PAGES(1), "area 1");
	v = v->next;
	KT_ASSERT(v->start == BASE + PAGES(2) && v->end == BASE + PAGES(3) &&
			  v->prot == PROT_READ,
		  "area 2: %#lx-%#lx prot %d", v->start, v->end, v->prot);
	v = v->next;
	KT_ASSERT(v->start == BASE + PAGES(3) && v->end == BASE + PAGES(4) &&
			  v->prot == (PROT_READ | PROT_WRITE),
		  "area 3");
	mm_format_maps(mm, maps, sizeof(maps));
	KT_ASSERT(strncmp(maps, "10000000-10001000 rw-p 00000000 00:00 0 \n",
			  41) == 0,
		  "maps: %s", maps);
	mm_put(mm);
	KT_ASSERT(frames_back(), "frames not all returned");
}

KTEST(uvm, demand_zero)
{
	struct frame_stats mapped, touched;
	uint64_t resident, virt;
	struct mm *mm;

	frames_mark();
	mm = mm_create();
	KT_ASSERT(mm, "mm_create failed");
	/* 1 GiB costs nothing until touched; one page then costs the page
	 * and at most three page tables. */
	KT_ASSERT_EQ(map(mm, BASE, 262144, PROT_READ | PROT_WRITE, 0, NULL), 0);
	frames_get_stats(&mapped);
	KT_ASSERT_EQ(poke(mm, BASE + PAGES(131072) + 5, 7), 0);
	frames_get_stats(&touched);
	KT_ASSERT(mapped.free - touched.free >= 1 &&
			  mapped.free - touched.free <= 4,
		  "one page cost %lu frames", mapped.free - touched.free);
	KT_ASSERT_EQ(peek(mm, BASE + PAGES(131072) + 5), 7);
	KT_ASSERT_EQ(peek(mm, BASE + PAGES(131072) + 6), 0);
	mm_usage(mm, &resident, &virt);
	KT_ASSERT_EQ(resident, 1);
	KT_ASSERT_EQ(virt, PAGES(262144));
	KT_ASSERT_EQ(mm->minflt, 1);
	mm_put(mm);
	KT_ASSERT(frames_back(), "frames not all returned");
}

KTEST(uvm, access_checks)
{
	struct mm *mm = mm_create();

	KT_ASSERT(mm, "mm_create failed");
	KT_ASSERT_EQ(map(mm, BASE, 1, PROT_READ, 0, NULL), 0);
	KT_ASSERT_EQ(map(mm, BASE + PAGES(2), 1, PROT_NONE, 0, NULL), 0);
	KT_ASSERT_EQ(mm_fault(mm, BASE, PF_USER | PF_WRITE, 0), -EACCES);
	KT_ASSERT_EQ(mm_fault(mm, BASE, PF_USER | PF_INSTR, 0), -EACCES);
	KT_ASSERT_EQ(mm_fault(mm, BASE, PF_USER, 0), 0);
	KT_ASSERT_EQ(mm_fault(mm, BASE + PAGES(1), PF_USER, 0), -EFAULT);
	KT_ASSERT_EQ(mm_fault(mm, BASE + PAGES(2), PF_USER, 0), -EACCES);
	KT_ASSERT_EQ(mm_fault(mm, USER_TOP, PF_USER, 0), -EFAULT);
	mm_put(mm);
}

KTEST(uvm, stack_grows_to_its_limit)
{
	struct mm *mm;
	uint64_t top;

	frames_mark();
	mm = mm_create();
	KT_ASSERT(mm, "mm_create failed");
	top = mm->stack_top;
	KT_ASSERT_EQ(mm_map_fixed(mm, top - PAGES(4), PAGES(4),
				  PROT_READ | PROT_WRITE, NULL, 0, 0),
		     0);
	KT_ASSERT_EQ(poke(mm, top - 1024 * 1024, 1), 0);
	KT_ASSERT_EQ(mm->vmas->start, top - 1024 * 1024);
	KT_ASSERT_EQ(mm_fault(mm, top - mm->stack_limit - 8, PF_WRITE, 0),
		     -EFAULT);
	/* Another area 3 MiB down: the stack stops a guard page above it. */
	KT_ASSERT_EQ(map(mm, top - 3 * 1024 * 1024 - PAGES(1), 1, PROT_READ, 0,
			 NULL),
		     0);
	KT_ASSERT_EQ(mm_fault(mm, top - 3 * 1024 * 1024 + 8, PF_WRITE, 0),
		     -EFAULT);
	KT_ASSERT_EQ(
		mm_fault(mm, top - 3 * 1024 * 1024 + PAGES(1), PF_WRITE, 0), 0);
	mm_put(mm);
	KT_ASSERT(frames_back(), "frames not all returned");
}

KTEST(uvm, find_space_top_down)
{
	struct mm *mm = mm_create();
	uint64_t a, b;

	KT_ASSERT(mm, "mm_create failed");
	sleep_lock(&mm->lock);
	a = mm_find_space(mm, 0, PAGES(2));
	KT_ASSERT(a && a + PAGES(2) <= mm->stack_top - mm->stack_limit,
		  "first at %#lx", a);
	mm_map_locked(mm, a, a + PAGES(2), PROT_READ, 0, NULL, 0, 0);
	b = mm_find_space(mm, 0, PAGES(1));
	KT_ASSERT_EQ(b, a - PAGES(1));
	KT_ASSERT_EQ(mm_find_space(mm, BASE, PAGES(1)), BASE);
	KT_ASSERT(mm_find_space(mm, a, PAGES(1)) != a, "hint over an area");
	sleep_unlock(&mm->lock);
	mm_put(mm);
}

/* ---- fork ------------------------------------------------------------------ */

KTEST(uvm, cow_fork_refcounts)
{
	struct mm *parent, *child;
	physaddr_t pa, cpa;
	bool w = false;

	frames_mark();
	parent = mm_create();
	KT_ASSERT(parent, "mm_create failed");
	KT_ASSERT_EQ(map(parent, BASE, 2, PROT_READ | PROT_WRITE, 0, NULL), 0);
	KT_ASSERT_EQ(poke(parent, BASE, 'p'), 0);
	pa = frame_at_va(parent, BASE, &w);
	KT_ASSERT(pa && w, "parent page");
	child = mm_fork(parent);
	KT_ASSERT(child, "mm_fork failed");
	KT_ASSERT_EQ(frame_refcount(pa), 2);
	KT_ASSERT_EQ(frame_at_va(child, BASE, &w), pa);
	KT_ASSERT(!w, "child's copy is writable");
	KT_ASSERT(frame_at_va(parent, BASE, &w) == pa && !w,
		  "parent's page is still writable");
	KT_ASSERT_EQ(frame_at_va(child, BASE + PAGES(1), NULL), 0);
	/* The child writes: it gets a copy, the parent keeps the page. */
	KT_ASSERT_EQ(poke(child, BASE + 1, 'c'), 0);
	cpa = frame_at_va(child, BASE, &w);
	KT_ASSERT(cpa && cpa != pa && w, "child did not get a copy");
	KT_ASSERT_EQ(frame_refcount(pa), 1);
	KT_ASSERT_EQ(peek(child, BASE), 'p');
	KT_ASSERT_EQ(peek(parent, BASE + 1), 0);
	/* The parent is the only user now: made writable, not copied. */
	KT_ASSERT_EQ(poke(parent, BASE + 2, 'q'), 0);
	KT_ASSERT(frame_at_va(parent, BASE, &w) == pa && w, "parent copied");
	mm_put(child);
	mm_put(parent);
	KT_ASSERT(frames_back(), "frames not all returned");
}

KTEST(uvm, fork_and_exit_return_every_frame)
{
	struct mm *parent;

	frames_mark();
	parent = mm_create();
	KT_ASSERT(parent, "mm_create failed");
	KT_ASSERT_EQ(map(parent, BASE, 64, PROT_READ | PROT_WRITE, 0, NULL), 0);
	for (uint64_t i = 0; i < 64; i += 3)
		KT_ASSERT_EQ(poke(parent, BASE + PAGES(i), (uint8_t)i), 0);
	for (int round = 0; round < 50; round++) {
		struct mm *child = mm_fork(parent);

		KT_ASSERT(child, "mm_fork failed");
		KT_ASSERT_EQ(poke(child, BASE + PAGES(round % 64), 1), 0);
		KT_ASSERT_EQ(poke(parent, BASE + PAGES(round % 7), 2), 0);
		mm_put(child);
	}
	KT_ASSERT_EQ(peek(parent, BASE + PAGES(63)), 63);
	mm_put(parent);
	KT_ASSERT(frames_back(), "frames not all returned");
}

KTEST(uvm, shared_anonymous_stays_shared)
{
	struct mm *parent, *child;

	frames_mark();
	parent = mm_create();
	KT_ASSERT(parent, "mm_create failed");
	KT_ASSERT_EQ(map(parent, BASE, 2, PROT_READ | PROT_WRITE, VMA_SHARED,
			 NULL),
		     0);
	child = mm_fork(parent);
	KT_ASSERT(child, "mm_fork failed");
	KT_ASSERT_EQ(poke(child, BASE + PAGES(1) + 4, 77), 0);
	KT_ASSERT_EQ(peek(parent, BASE + PAGES(1) + 4), 77);
	KT_ASSERT_EQ(frame_at_va(parent, BASE, NULL),
		     frame_at_va(child, BASE, NULL));
	mm_put(child);
	mm_put(parent);
	KT_ASSERT(frames_back(), "frames not all returned");
}

/* ---- files and the page cache ------------------------------------------------ */

/* A new file TEST_FILE of size bytes of 'a', open read-write. */
static struct file *make_file(uint64_t size)
{
	struct file *f;

	if (vfs_open(NULL, TEST_FILE, O_RDWR | O_CREAT | O_TRUNC, 0644, &f))
		return NULL;
	for (uint64_t i = 0; i < size; i++)
		vfs_pwrite(f, "a", 1, i);
	return f;
}

static void remove_file(struct file *f)
{
	vfs_close(f);
	vfs_unlink(NULL, TEST_FILE);
}

/* The byte at off as the file system has it (the cache bypassed). */
static int disk_byte(struct file *f, uint64_t off)
{
	uint8_t c = 0;
	ssize_t r;

	sleep_lock(&f->inode->lock);
	r = f->inode->ops->read(f->inode, &c, 1, off);
	sleep_unlock(&f->inode->lock);
	return r == 1 ? c : -1;
}

KTEST(uvm, shared_file_mapping_is_coherent)
{
	uint64_t cached = pagecache_pages();
	struct file *f = make_file(PAGES(2));
	struct mm *mm = mm_create();
	char c = 0;

	KT_ASSERT(f && mm, "set-up failed");
	KT_ASSERT_EQ(map(mm, BASE, 2, PROT_READ | PROT_WRITE, VMA_SHARED, f),
		     0);
	KT_ASSERT_EQ(peek(mm, BASE + PAGES(1) + 5), 'a');
	/* The fault went through the cache: the page is the file's there
	 * (the writes that made the file may have cached page 0 too: ext2
	 * reads in what write() leaves uncached). Counted for this inode:
	 * the whole cache's count moves with reclaim and other files. */
	KT_ASSERT(pagecache_inode_pages(f->inode) >= 1 &&
			  pagecache_inode_pages(f->inode) <= 2,
		  "the mapped page is not in the page cache");
	/* write() shows in the mapping. */
	KT_ASSERT_EQ(vfs_pwrite(f, "W", 1, PAGES(1) + 20), 1);
	KT_ASSERT_EQ(peek(mm, BASE + PAGES(1) + 20), 'W');
	/* A store through the mapping (the page table, so the CPU sets the
	 * dirty bit) shows in read() at once, and on the disk after msync. */
	KT_ASSERT_EQ(mm_fault(mm, BASE + 10, PF_USER | PF_WRITE, 0), 0);
	store_as_user(mm, BASE + 10, 'S');
	KT_ASSERT_EQ(vfs_pread(f, &c, 1, 10), 1);
	KT_ASSERT_EQ(c, 'S');
	KT_ASSERT_EQ(disk_byte(f, 10), 'a');
	sleep_lock(&mm->lock);
	KT_ASSERT_EQ(mm_sync_locked(mm, BASE, BASE + PAGES(2)), 0);
	sleep_unlock(&mm->lock);
	KT_ASSERT_EQ(disk_byte(f, 10), 'S');
	/* A mapping's store again, then exit writes it back. */
	store_as_user(mm, BASE + 11, 'T');
	mm_put(mm);
	KT_ASSERT_EQ(disk_byte(f, 11), 'T');
	remove_file(f);
	/* Nothing of ours left (others' pages may have been reclaimed). */
	KT_ASSERT(pagecache_pages() <= cached, "the file's pages stayed");
}

KTEST(uvm, private_file_mapping_copies_on_write)
{
	uint64_t cached = pagecache_pages();
	struct file *f = make_file(PAGES(1));
	struct mm *mm = mm_create();
	physaddr_t pa;
	char c = 0;
	bool w = false;

	KT_ASSERT(f && mm, "set-up failed");
	KT_ASSERT_EQ(map(mm, BASE, 1, PROT_READ | PROT_WRITE, 0, f), 0);
	KT_ASSERT_EQ(peek(mm, BASE), 'a');
	pa = frame_at_va(mm, BASE, &w);
	KT_ASSERT(!w, "the page cache's page is mapped writable");
	KT_ASSERT_EQ(frame_refcount(pa), 2); /* the cache's and ours */
	KT_ASSERT_EQ(poke(mm, BASE, 'P'), 0);
	KT_ASSERT(frame_at_va(mm, BASE, &w) != pa && w, "no private copy");
	KT_ASSERT_EQ(frame_refcount(pa), 1);
	KT_ASSERT_EQ(vfs_pread(f, &c, 1, 0), 1);
	KT_ASSERT_EQ(c, 'a');
	KT_ASSERT_EQ(peek(mm, BASE), 'P');
	mm_put(mm);
	remove_file(f);
	/* Nothing of ours left (others' pages may have been reclaimed). */
	KT_ASSERT(pagecache_pages() <= cached, "the file's pages stayed");
}

KTEST(uvm, past_the_end_of_a_file)
{
	struct file *f = make_file(100);
	struct mm *mm = mm_create();

	KT_ASSERT(f && mm, "set-up failed");
	KT_ASSERT_EQ(map(mm, BASE, 2, PROT_READ, VMA_SHARED, f), 0);
	KT_ASSERT_EQ(peek(mm, BASE + 99), 'a');
	KT_ASSERT_EQ(peek(mm, BASE + 100), 0);
	KT_ASSERT_EQ(mm_fault(mm, BASE + PAGES(1), PF_USER, 0), -EIO);
	KT_ASSERT_EQ(pagecache_inode_pages(f->inode), 1);
	/* Truncating drops the cached page past the new end; a page past
	 * the end is SIGBUS from then on. */
	KT_ASSERT_EQ(vfs_ftruncate(f, 0), 0);
	KT_ASSERT_EQ(pagecache_inode_pages(f->inode), 0);
	sleep_lock(&mm->lock);
	KT_ASSERT_EQ(mm_unmap_locked(mm, BASE, BASE + PAGES(2)), 0);
	sleep_unlock(&mm->lock);
	KT_ASSERT_EQ(map(mm, BASE, 2, PROT_READ, VMA_SHARED, f), 0);
	KT_ASSERT_EQ(mm_fault(mm, BASE, PF_USER, 0), -EIO);
	mm_put(mm);
	remove_file(f);
}

KTEST(uvm, exec_segment_bss_is_zero)
{
	struct file *f = make_file(PAGES(2));
	struct mm *mm = mm_create();

	KT_ASSERT(f && mm, "set-up failed");
	/* File bytes for 1.5 pages, then bss to the end of page 3. */
	KT_ASSERT_EQ(mm_map_fixed(mm, BASE, PAGES(3), PROT_READ | PROT_WRITE, f,
				  0, PAGES(1) + 2048),
		     0);
	KT_ASSERT_EQ(peek(mm, BASE + PAGES(1) + 2047), 'a');
	KT_ASSERT_EQ(peek(mm, BASE + PAGES(1) + 2048), 0);
	KT_ASSERT_EQ(peek(mm, BASE + PAGES(2) + 1), 0);
	KT_ASSERT_EQ(poke(mm, BASE + PAGES(1) + 2048, 'b'), 0);
	KT_ASSERT_EQ(disk_byte(f, PAGES(1) + 2048), 'a');
	mm_put(mm);
	remove_file(f);
}
