/*
 * User memory (uvm.h): a process's address space as a sorted list of
 * areas over a page table that starts empty and is filled in by page
 * faults.
 *
 * A fault finds the area of the address and checks the access against
 * the area's protection. A page not yet mapped is filled: zeros for
 * anonymous memory (heap, stack, bss, MAP_ANONYMOUS), or the file's page
 * from the page cache, which a shared mapping maps itself and a private
 * one maps read-only until the first write copies it. A write to a
 * read-only page of a writable private area is copy-on-write: the page
 * is copied unless this address space is its only user (reference count
 * 1), in which case it is simply made writable. fork shares every page
 * of private areas read-only between parent and child for that.
 *
 * A fault just below the stack area grows it, down to the stack limit
 * and never closer than a guard page to the area below.
 *
 * mm->lock (a sleep lock: faults read files) serializes everything that
 * reads or changes the areas or the user half of the page table. Lock
 * order: mm->lock, then an inode's lock (page cache reads and write
 * backs), then the vm_space spinlock, then pagecache (docs/locking.md).
 * docs/memory.md, "User memory", has the pictures.
 */
#include "mm/uvm_internal.h"
#include "trace/trace.h"
#include "arch/x86_64/arch.h"
#include "fs/vfs.h"
#include "mm/pagecache.h"

struct mm *mm_create(void)
{
	struct mm *mm = kzalloc(sizeof(*mm));

	if (!mm)
		return NULL;
	if (vm_space_create(&mm->vs) < 0) {
		kfree(mm);
		return NULL;
	}
	sleep_lock_init(&mm->lock, "mm");
	mm->stack_top = USER_STACK_TOP;
	mm->stack_limit = STACK_LIMIT_DEFAULT;
	mm->refcount = 1;
	return mm;
}

void mm_get(struct mm *mm)
{
	__atomic_add_fetch(&mm->refcount, 1, __ATOMIC_RELAXED);
}

/*
 * Only the CPUs with mm's page tables in CR3 can hold its translations
 * (loading CR3 drops all user entries); mm->vs.active_cpus names them,
 * and tlb_shootdown flushes here and interrupts the others (docs/smp.md).
 */
void mm_tlb_flush(struct mm *mm, uint64_t start, uint64_t end)
{
	tlb_shootdown(&mm->vs, start, end);
}

/* ---- areas ------------------------------------------------------------- */

struct vma *vma_find(struct mm *mm, uint64_t addr)
{
	for (struct vma *v = mm->vmas; v && v->start <= addr; v = v->next)
		if (addr < v->end)
			return v;
	return NULL;
}

bool mm_range_used(struct mm *mm, uint64_t start, uint64_t end)
{
	for (struct vma *v = mm->vmas; v && v->start < end; v = v->next)
		if (v->end > start)
			return true;
	return false;
}

bool mm_range_mapped(struct mm *mm, uint64_t start, uint64_t end)
{
	for (struct vma *v = mm->vmas; v && start < end; v = v->next) {
		if (v->end <= start)
			continue;
		if (v->start > start)
			return false;
		start = v->end;
	}
	return start >= end;
}

/* Link v into the sorted list (it overlaps nothing). */
static void vma_insert(struct mm *mm, struct vma *v)
{
	struct vma **pp = &mm->vmas;

	while (*pp && (*pp)->start < v->start)
		pp = &(*pp)->next;
	v->next = *pp;
	*pp = v;
}

int mm_map_locked(struct mm *mm, uint64_t start, uint64_t end, int prot,
		  int flags, struct file *f, uint64_t offset, uint64_t file_end)
{
	struct vma *v = kzalloc(sizeof(*v));

	if (!v)
		return -ENOMEM;
	*v = (struct vma){ .start = start,
			   .end = end,
			   .prot = prot,
			   .flags = flags,
			   .file = f,
			   .offset = offset,
			   .file_end = file_end };
	if (f)
		vfs_file_ref(f);
	vma_insert(mm, v);
	return 0;
}

/* A copy of name for another area (NULL if there is none, or no memory:
 * the area is then shown without a name). */
static char *copy_name(const char *name)
{
	size_t len = name ? strlen(name) + 1 : 0;
	char *copy = len ? kmalloc(len) : NULL;

	if (copy)
		memcpy(copy, name, len);
	return copy;
}

void mm_name_file(struct mm *mm, const struct file *f, const char *path)
{
	sleep_lock(&mm->lock);
	for (struct vma *v = mm->vmas; v; v = v->next) {
		if (v->file != f)
			continue;
		kfree(v->name);
		v->name = copy_name(path);
	}
	sleep_unlock(&mm->lock);
}

/* Cut v in two at addr (v->start < addr < v->end): v keeps the lower
 * part. 0 or -ENOMEM. */
static int vma_split(struct vma *v, uint64_t addr)
{
	struct vma *upper = kmalloc(sizeof(*upper));

	if (!upper)
		return -ENOMEM;
	*upper = *v;
	upper->start = addr;
	upper->name = copy_name(v->name);
	if (v->file) {
		upper->offset += addr - v->start;
		vfs_file_ref(v->file);
	}
	v->end = addr;
	v->next = upper;
	return 0;
}

/* Split the areas that straddle start or end, so that [start, end) is
 * made of whole areas. Splitting changes nothing a process can see, so
 * a failure halfway leaves a correct (if finer) list. */
static int split_at_edges(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma *v = vma_find(mm, start);
	int err = 0;

	if (v && v->start < start)
		err = vma_split(v, start);
	v = vma_find(mm, end);
	if (!err && v && v->start < end)
		err = vma_split(v, end);
	return err;
}

/* The file page index that address va of file area v maps. */
static uint64_t vma_index(const struct vma *v, uint64_t va)
{
	return (v->offset + (va - v->start)) / PAGE_SIZE;
}

static bool vma_shared_file(const struct vma *v)
{
	return v->file && (v->flags & VMA_SHARED);
}

static void mark_dirty(void *arg, uintptr_t va)
{
	struct vma *v = arg;

	pagecache_mark_dirty(v->file->inode, vma_index(v, va));
}

/* Write back the pages of the shared file area v in [start, end) that
 * this address space wrote. */
static int vma_sync(struct mm *mm, struct vma *v, uint64_t start, uint64_t end)
{
	struct inode *ip = v->file->inode;
	int err;

	vm_user_clean(&mm->vs, start, end, mark_dirty, v);
	mm_tlb_flush(mm, start, end); /* so the next write sets the bit */
	sleep_lock(&ip->lock);
	err = pagecache_writeback(ip);
	sleep_unlock(&ip->lock);
	return err;
}

/* Unmap and free the whole area v (already off the list). */
static void vma_release(struct mm *mm, struct vma *v)
{
	if (vma_shared_file(v))
		vma_sync(mm, v, v->start, v->end);
	vm_user_unmap(&mm->vs, v->start, v->end);
	mm_tlb_flush(mm, v->start, v->end);
	if (v->file)
		vfs_close(v->file);
	kfree(v->name);
	kfree(v);
}

int mm_unmap_locked(struct mm *mm, uint64_t start, uint64_t end)
{
	struct vma **pp = &mm->vmas;
	int err = split_at_edges(mm, start, end);

	if (err)
		return err;
	while (*pp && (*pp)->start < end) {
		struct vma *v = *pp;

		if (v->start < start) {
			pp = &v->next;
			continue;
		}
		*pp = v->next;
		vma_release(mm, v);
	}
	return 0;
}

/* The PTE protection (vm_user_*) of area v's pages. */
static unsigned int vma_pte_prot(const struct vma *v)
{
	unsigned int prot = 0;

	if (v->prot == PROT_NONE)
		return 0; /* present for the kernel, out of the user's reach */
	prot |= VM_USER;
	if (v->prot & PROT_WRITE)
		prot |= VM_WRITE;
	if (v->prot & PROT_EXEC)
		prot |= VM_EXEC;
	return prot;
}

int mm_protect_locked(struct mm *mm, uint64_t start, uint64_t end, int prot)
{
	int err = 0;

	for (struct vma *v = vma_find(mm, start); v && v->start < end;
	     v = v->next) {
		if (vma_shared_file(v) && (prot & PROT_WRITE) &&
		    (v->file->flags & O_ACCMODE) == O_RDONLY)
			return -EACCES;
		if ((prot & PROT_EXEC) && v->file && v->file->inode &&
		    (v->file->inode->sb->mnt_flags & MNT_NOEXEC))
			return -EACCES; /* a file from a noexec mount */
	}
	err = split_at_edges(mm, start, end);
	if (err)
		return err;
	for (struct vma *v = vma_find(mm, start); v && v->start < end;
	     v = v->next) {
		v->prot = prot;
		vm_user_protect(&mm->vs, v->start, v->end, vma_pte_prot(v));
	}
	mm_tlb_flush(mm, start, end);
	return 0;
}

int mm_sync_locked(struct mm *mm, uint64_t start, uint64_t end)
{
	int err = 0;

	for (struct vma *v = mm->vmas; v && v->start < end; v = v->next) {
		int e;

		if (v->end <= start || !vma_shared_file(v))
			continue;
		e = vma_sync(mm, v, MAX(start, v->start), MIN(end, v->end));
		if (!err)
			err = e;
	}
	return err;
}

/* Private pages are dropped; shared ones stay, since they are the
 * shared object's contents (as Linux refetches them unchanged). */
void mm_discard_locked(struct mm *mm, uint64_t start, uint64_t end)
{
	for (struct vma *v = mm->vmas; v && v->start < end; v = v->next) {
		uint64_t s = MAX(start, v->start), e = MIN(end, v->end);

		if (v->end <= start || (v->flags & VMA_SHARED))
			continue;
		vm_user_unmap(&mm->vs, s, e);
		mm_tlb_flush(mm, s, e);
	}
}

/* The highest address at which mmap may end an area. */
static uint64_t mmap_top(struct mm *mm)
{
	uint64_t gap = MAX(mm->stack_limit, MMAP_STACK_GAP) + STACK_GUARD_GAP;

	return mm->stack_top > gap + MMAP_MIN_ADDR
		       ? ALIGN_DOWN(mm->stack_top - gap, PAGE_SIZE)
		       : MMAP_MIN_ADDR;
}

uint64_t mm_find_space(struct mm *mm, uint64_t hint, uint64_t len)
{
	uint64_t top = mmap_top(mm), best = 0, lo = MMAP_MIN_ADDR;

	hint = ALIGN_DOWN(hint, PAGE_SIZE);
	if (hint >= MMAP_MIN_ADDR && hint <= USER_TOP - len &&
	    !mm_range_used(mm, hint, hint + len))
		return hint;
	/* Top down: the last gap below top that fits wins. */
	for (struct vma *v = mm->vmas;; v = v->next) {
		uint64_t hi = v ? MIN(v->start, top) : top;

		if (hi > lo && hi - lo >= len)
			best = hi - len;
		if (!v || v->end >= top)
			break;
		lo = MAX(lo, v->end);
	}
	return best;
}

/* ---- page faults --------------------------------------------------------- */

/* Grow the stack down to cover addr, if it may: the area, or NULL. */
static struct vma *grow_stack(struct mm *mm, uint64_t addr)
{
	struct vma *below = NULL, *stack = mm->vmas;
	uint64_t start = ALIGN_DOWN(addr, PAGE_SIZE);

	while (stack && stack->end != mm->stack_top) {
		below = stack;
		stack = stack->next;
	}
	if (!stack || addr >= stack->start || mm->stack_top < mm->stack_limit ||
	    start < mm->stack_top - mm->stack_limit)
		return NULL;
	if (below && below->end + STACK_GUARD_GAP > start)
		return NULL;
	stack->start = start;
	return stack;
}

/* May the access the error code describes touch area v? */
static bool access_ok(const struct vma *v, uint64_t error)
{
	if (error & PF_WRITE)
		return v->prot & PROT_WRITE;
	if (error & PF_INSTR)
		return v->prot & PROT_EXEC;
	return v->prot != PROT_NONE; /* x86 cannot refuse reads alone */
}

/* Map the page pa (its reference passes on) at va. */
static int install(struct mm *mm, uint64_t va, physaddr_t pa, unsigned int prot)
{
	physaddr_t old;
	int err = vm_user_set(&mm->vs, va, pa, prot, &old);

	if (err) {
		frame_unref(pa);
		return err;
	}
	if (old)
		frame_unref(old);
	mm_tlb_flush(mm, va, va + PAGE_SIZE);
	return 0;
}

/* A new user page holding a copy of the first len bytes of the page at
 * src (0: none), zeros after them; or 0. */
static physaddr_t new_page(physaddr_t src, size_t len)
{
	physaddr_t pa = frame_alloc_user();
	uint8_t *p;

	if (!pa)
		return 0;
	p = phys_to_virt(pa);
	if (len)
		memcpy(p, phys_to_virt(src), len);
	memset(p + len, 0, PAGE_SIZE - len);
	return pa;
}

/* Fill the unmapped page va of file area v. */
static int fill_from_file(struct mm *mm, struct vma *v, uint64_t va, bool write)
{
	unsigned int prot = vma_pte_prot(v);
	physaddr_t cached;
	bool major;
	int err;

	err = pagecache_get(v->file->inode, vma_index(v, va), &cached, &major);
	if (err)
		return err;
	if (major)
		mm->majflt++;
	else
		mm->minflt++;
	if (v->flags & VMA_SHARED)
		return install(mm, va, cached, prot);
	if (va + PAGE_SIZE > v->file_end || (write && (prot & VM_WRITE))) {
		/* A private copy: written to, or the file's bytes end in
		 * this page (exec: the rest is bss). */
		physaddr_t pa =
			new_page(cached, MIN(PAGE_SIZE, v->file_end - va));

		frame_unref(cached);
		return pa ? install(mm, va, pa, prot) : -ENOMEM;
	}
	return install(mm, va, cached, prot & ~VM_WRITE);
}

/* Fill the unmapped page va of area v. */
static int fill(struct mm *mm, struct vma *v, uint64_t va, bool write)
{
	physaddr_t pa;

	if (v->file && va < v->file_end)
		return fill_from_file(mm, v, va, write);
	pa = new_page(0, 0);
	if (!pa)
		return -ENOMEM;
	mm->minflt++;
	return install(mm, va, pa, vma_pte_prot(v));
}

/* A write to the read-only page pa at va of writable area v: shared
 * memory just becomes writable; private memory is copied unless no one
 * else has the page. */
static int write_protected(struct mm *mm, struct vma *v, uint64_t va,
			   physaddr_t pa)
{
	physaddr_t copy;

	mm->minflt++;
	/* LAB mm: begin */
	if ((v->flags & VMA_SHARED) || frame_refcount(pa) == 1) {
		vm_user_allow_write(&mm->vs, va);
		mm_tlb_flush(mm, va, va + PAGE_SIZE);
		return 0;
	}
#if 0 /* LAB mm: stub */
	/* Private memory is always copied, even a page no one else has. */
	if (v->flags & VMA_SHARED) {
		vm_user_allow_write(&mm->vs, va);
		mm_tlb_flush(mm, va, va + PAGE_SIZE);
		return 0;
	}

#endif /* LAB mm: end */
	copy = new_page(pa, PAGE_SIZE);
	return copy ? install(mm, va, copy, vma_pte_prot(v)) : -ENOMEM;
}

/* Resolve the fault at addr: 0 or mm_fault's errors. *kind says what
 * it was and *area is its area (NULL: none) for the tracepoint. */
static int resolve(struct mm *mm, uint64_t addr, uint64_t error,
		   enum trace_fault_kind *kind, struct vma **area)
{
	uint64_t va = ALIGN_DOWN(addr, PAGE_SIZE);
	uint64_t majflt = mm->majflt;
	struct vma *v = NULL;
	unsigned int prot;
	physaddr_t pa;

	*kind = FAULT_DEMAND_ZERO;
	if (addr < USER_TOP)
		v = vma_find(mm, addr);
	if (!v && addr < USER_TOP && (v = grow_stack(mm, addr)))
		*kind = FAULT_STACK_GROW;
	*area = v;
	if (!v) {
		*kind = FAULT_NO_AREA;
		return -EFAULT;
	}
	if (!access_ok(v, error)) {
		*kind = FAULT_PROTECTION;
		return -EACCES;
	}
	if (vm_walk(&mm->vs, va, &pa, &prot) < 0) {
		int err = fill(mm, v, va, error & PF_WRITE);
		if (v->file && va < v->file_end)
			*kind = mm->majflt != majflt ? FAULT_FILE_MAJOR
						     : FAULT_FILE_MINOR;
		return err;
	}
	if ((error & PF_WRITE) && !(prot & VM_WRITE)) {
		*kind = (v->flags & VMA_SHARED) || frame_refcount(pa) == 1
				? FAULT_WRITE_REUSE
				: FAULT_COW;
		return write_protected(mm, v, va, pa);
	}
	*kind = FAULT_SPURIOUS;
	return 0; /* resolved already (the TLB had an old entry) */
}

int mm_fault_locked(struct mm *mm, uint64_t addr, uint64_t error)
{
	enum trace_fault_kind kind;
	struct vma *v;

	return resolve(mm, addr, error, &kind, &v);
}

/* Which part of the program area v is, for the tracepoint: exec's
 * segments end their file bytes at file_end, mmap's never do. */
static enum trace_fault_region region_of(const struct mm *mm,
					 const struct vma *v)
{
	if (!v)
		return REGION_NONE;
	if (v->file && v->file_end != UINT64_MAX)
		return v->prot & PROT_EXEC ? REGION_TEXT : REGION_DATA;
	if (v->file)
		return REGION_FILE;
	if (v->end == mm->stack_top)
		return REGION_STACK;
	if (v->start >= mm->brk_start &&
	    v->start < ALIGN_UP(mm->brk, PAGE_SIZE))
		return REGION_HEAP;
	return v->start < mm->brk_start ? REGION_DATA : REGION_ANON;
}

int mm_fault(struct mm *mm, uint64_t addr, uint64_t error, uint64_t ip)
{
	enum trace_fault_kind kind;
	struct vma *v;
	int err;

	sleep_lock(&mm->lock);
	err = resolve(mm, addr, error, &kind, &v);
	if (trace_on(TP_MM_PAGE_FAULT))
		trace_page_fault(addr, ip, kind, err, region_of(mm, v));
	sleep_unlock(&mm->lock);
	return err;
}

int mm_futex_key(struct mm *mm, uint64_t addr, uint64_t *phys)
{
	struct vma *v;
	physaddr_t pa;
	int err = 0;

	sleep_lock(&mm->lock);
	v = vma_find(mm, addr);
	if (!v || v->prot == PROT_NONE) {
		err = -EFAULT;
	} else if (!(v->flags & VMA_SHARED)) {
		err = 1; /* private: the caller keys by (mm, addr) */
	} else {
		err = mm_fault_locked(mm, addr, PF_USER);
		if (!err)
			err = vm_walk(&mm->vs,
				      addr & ~(uint64_t)(PAGE_SIZE - 1), &pa,
				      NULL)
				      ? -EFAULT
				      : 0;
		if (!err)
			*phys = pa + addr % PAGE_SIZE;
		else
			err = -EFAULT;
	}
	sleep_unlock(&mm->lock);
	return err;
}

void mm_inherit_faults(struct mm *mm, const struct mm *old)
{
	if (__atomic_load_n(&old->refcount, __ATOMIC_RELAXED) > 1)
		return;
	__atomic_fetch_add(&mm->minflt, old->minflt, __ATOMIC_RELAXED);
	__atomic_fetch_add(&mm->majflt, old->majflt, __ATOMIC_RELAXED);
}

int mm_write(struct mm *mm, uint64_t addr, const void *src, size_t len)
{
	int err = 0;

	sleep_lock(&mm->lock);
	while (len && !err) {
		size_t in_page = addr % PAGE_SIZE;
		size_t n = MIN(len, PAGE_SIZE - in_page);
		physaddr_t pa;

		err = mm_fault_locked(mm, addr, PF_WRITE | PF_USER);
		if (!err)
			err = vm_walk(&mm->vs, addr - in_page, &pa, NULL);
		if (err)
			break;
		memcpy((uint8_t *)phys_to_virt(pa) + in_page, src, n);
		addr += n;
		src = (const uint8_t *)src + n;
		len -= n;
	}
	sleep_unlock(&mm->lock);
	return err < 0 ? -EFAULT : 0;
}

int mm_read(struct mm *mm, uint64_t addr, void *dst, size_t len)
{
	int err = 0;

	sleep_lock(&mm->lock);
	while (len && !err) {
		size_t in_page = addr % PAGE_SIZE;
		size_t n = MIN(len, PAGE_SIZE - in_page);
		physaddr_t pa;

		if (addr >= USER_TOP) {
			err = -EFAULT;
			break;
		}
		if (vm_walk(&mm->vs, addr - in_page, &pa, NULL) < 0) {
			err = mm_fault_locked(mm, addr, PF_USER);
			if (!err)
				err = vm_walk(&mm->vs, addr - in_page, &pa,
					      NULL);
		}
		if (err)
			break;
		memcpy(dst, (uint8_t *)phys_to_virt(pa) + in_page, n);
		addr += n;
		dst = (uint8_t *)dst + n;
		len -= n;
	}
	sleep_unlock(&mm->lock);
	return err < 0 ? -EFAULT : 0;
}

/* The page va of area v, present for the kernel and, for a forced write,
 * this address space's own copy: its physical address in *pa. Caller
 * holds mm->lock. */
static int forced_page(struct mm *mm, struct vma *v, uint64_t va, bool write,
		       physaddr_t *pa)
{
	bool may_write = v->prot & PROT_WRITE;
	unsigned int prot;
	physaddr_t copy;
	int err;

	if (write && !may_write && (v->flags & VMA_SHARED))
		return -EFAULT; /* the file's own page: never forced */
	if (vm_walk(&mm->vs, va, pa, &prot) < 0) {
		err = fill(mm, v, va, write && may_write);
		if (err || vm_walk(&mm->vs, va, pa, &prot) < 0)
			return -EFAULT;
	}
	if (!write || (prot & VM_WRITE))
		return 0;
	if (may_write)
		err = write_protected(mm, v, va, *pa);
	else if (frame_refcount(*pa) == 1)
		return 0; /* already ours (an earlier forced write) */
	else if ((copy = new_page(*pa, PAGE_SIZE)))
		err = install(mm, va, copy, vma_pte_prot(v));
	else
		err = -ENOMEM;
	if (err || vm_walk(&mm->vs, va, pa, NULL) < 0)
		return -EFAULT;
	return 0;
}

int mm_access_forced(struct mm *mm, uint64_t addr, void *buf, size_t len,
		     bool write)
{
	int err = 0;

	sleep_lock(&mm->lock);
	while (len && !err) {
		size_t in_page = addr % PAGE_SIZE;
		size_t n = MIN(len, PAGE_SIZE - in_page);
		struct vma *v = addr < USER_TOP ? vma_find(mm, addr) : NULL;
		physaddr_t pa;
		uint8_t *page;

		err = v ? forced_page(mm, v, addr - in_page, write, &pa)
			: -EFAULT;
		if (err)
			break;
		page = (uint8_t *)phys_to_virt(pa) + in_page;
		if (write)
			memcpy(page, buf, n);
		else
			memcpy(buf, page, n);
		addr += n;
		buf = (uint8_t *)buf + n;
		len -= n;
	}
	sleep_unlock(&mm->lock);
	return err;
}

/* ---- exec, fork, exit ------------------------------------------------------ */

int mm_map_fixed(struct mm *mm, uint64_t addr, uint64_t len, int prot,
		 struct file *f, uint64_t off, uint64_t filesz)
{
	int err;

	if (!IS_ALIGNED(addr, PAGE_SIZE) || !IS_ALIGNED(off, PAGE_SIZE) ||
	    !len || addr >= USER_TOP || len > USER_TOP - addr)
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	sleep_lock(&mm->lock);
	err = mm_unmap_locked(mm, addr, addr + len);
	if (!err)
		err = mm_map_locked(mm, addr, addr + len, prot, 0, f, off,
				    f ? addr + MIN(filesz, len) : 0);
	sleep_unlock(&mm->lock);
	return err;
}

/* Map every page of the shared anonymous area v, so that fork shares
 * them all: a page neither side had touched would otherwise become two
 * private pages. */
static int populate(struct mm *mm, struct vma *v)
{
	for (uint64_t va = v->start; va < v->end; va += PAGE_SIZE) {
		int err = 0;

		if (vm_walk(&mm->vs, va, NULL, NULL) < 0)
			err = fill(mm, v, va, false);
		if (err)
			return err;
	}
	return 0;
}

/* LAB mm: begin */
#if 0 /* LAB mm: stub */
/* Fork copies every private page at once: nothing is shared, nothing is
 * copied on write. */
static int copy_area_now(struct mm *dst, struct mm *src, struct vma *v)
{
	for (uint64_t va = v->start; va < v->end; va += PAGE_SIZE) {
		physaddr_t pa, copy, old;
		unsigned int prot;
		int err;

		if (vm_walk(&src->vs, va, &pa, &prot) < 0)
			continue;
		copy = new_page(pa, PAGE_SIZE);
		if (!copy)
			return -ENOMEM;
		err = vm_user_set(&dst->vs, va, copy, prot, &old);
		if (err) {
			frame_unref(copy);
			return err;
		}
	}
	return 0;
}

#endif /* LAB mm: end */
/* Copy src's areas and page-table entries into dst. Caller holds
 * src->lock. */
static int fork_areas(struct mm *dst, struct mm *src)
{
	struct vma **tail = &dst->vmas;

	for (struct vma *v = src->vmas; v; v = v->next) {
		bool shared = v->flags & VMA_SHARED;
		struct vma *copy = kmalloc(sizeof(*copy));
		int err;

		if (!copy)
			return -ENOMEM;
		*copy = *v;
		copy->next = NULL;
		copy->name = copy_name(v->name);
		if (copy->file)
			vfs_file_ref(copy->file);
		*tail = copy;
		tail = &copy->next;
		err = shared && !v->file ? populate(src, v) : 0;
		/* LAB mm: begin */
		if (!err)
			err = vm_user_copy(&dst->vs, &src->vs, v->start, v->end,
					   !shared);
#if 0 /* LAB mm: stub */
		if (!err && shared)
			err = vm_user_copy(&dst->vs, &src->vs, v->start, v->end,
					   false);
		else if (!err)
			err = copy_area_now(dst, src, v);

#endif /* LAB mm: end */
		if (err)
			return err;
	}
	return 0;
}

struct mm *mm_fork(struct mm *src)
{
	struct mm *dst = mm_create();
	int err;

	if (!dst)
		return NULL;
	sleep_lock(&src->lock);
	err = fork_areas(dst, src);
	/* The parent's writable private pages are read-only now. */
	mm_tlb_flush(src, 0, USER_TOP);
	dst->brk_start = src->brk_start;
	dst->brk = src->brk;
	dst->stack_top = src->stack_top;
	dst->stack_limit = src->stack_limit;
	sleep_unlock(&src->lock);
	if (err) {
		mm_put(dst);
		return NULL;
	}
	return dst;
}

void mm_put(struct mm *mm)
{
	if (__atomic_sub_fetch(&mm->refcount, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	while (mm->vmas) {
		struct vma *v = mm->vmas;

		mm->vmas = v->next;
		vma_release(mm, v);
	}
	vm_space_destroy(&mm->vs);
	kfree(mm);
}

/* ---- for /proc ------------------------------------------------------------ */

/* The name /proc/PID/maps gives an area. */
static const char *area_name(struct mm *mm, const struct vma *v)
{
	if (v->file)
		return v->name ? v->name : "";
	if (v->end == mm->stack_top)
		return "[stack]";
	if (v->start >= mm->brk_start && v->end <= ALIGN_UP(mm->brk, PAGE_SIZE))
		return "[heap]";
	return "";
}

/* Linux's format: start-end perms offset major:minor inode, then the
 * name padded to column 73: a file's path if exec named it, [heap] or
 * [stack]. */
static int format_area(char *buf, size_t size, struct mm *mm,
		       const struct vma *v)
{
	const struct inode *ip = v->file ? v->file->inode : NULL;
	uint64_t dev = ip ? ip->sb->dev_id : 0;
	const char *name = area_name(mm, v);
	int n;

	n = ksnprintf(buf, size, "%08lx-%08lx %c%c%c%c %08lx %02lx:%02lx %lu ",
		      v->start, v->end, v->prot & PROT_READ ? 'r' : '-',
		      v->prot & PROT_WRITE ? 'w' : '-',
		      v->prot & PROT_EXEC ? 'x' : '-',
		      v->flags & VMA_SHARED ? 's' : 'p', ip ? v->offset : 0,
		      (dev >> 8) & 0xfff,
		      (dev & 0xff) | ((dev >> 12) & 0xfff00), ip ? ip->ino : 0);
	if (*name)
		n += ksnprintf(buf + MIN((size_t)n, size),
			       size - MIN((size_t)n, size), "%*s%s",
			       n < 73 ? 73 - n : 0, "", name);
	n += ksnprintf(buf + MIN((size_t)n, size), size - MIN((size_t)n, size),
		       "\n");
	return n;
}

size_t mm_format_maps(struct mm *mm, char *buf, size_t size)
{
	size_t len = 0;

	if (size)
		buf[0] = 0;
	sleep_lock(&mm->lock);
	for (struct vma *v = mm->vmas; v; v = v->next)
		len += format_area(buf + MIN(len, size), size - MIN(len, size),
				   mm, v);
	sleep_unlock(&mm->lock);
	return len;
}

void mm_usage(struct mm *mm, uint64_t *resident_pages, uint64_t *virt_bytes)
{
	*resident_pages = 0;
	*virt_bytes = 0;
	sleep_lock(&mm->lock);
	for (struct vma *v = mm->vmas; v; v = v->next) {
		*resident_pages += vm_user_count(&mm->vs, v->start, v->end);
		*virt_bytes += v->end - v->start;
	}
	sleep_unlock(&mm->lock);
}
