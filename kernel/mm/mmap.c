/*
 * The memory system calls: brk, mmap, munmap, mprotect, madvise, msync
 * and mincore, with Linux's arguments, checks and errno values. Each
 * works on the calling process's mm under its lock, through the area
 * calls of uvm.c (uvm_internal.h).
 *
 * Placement: without MAP_FIXED, a free hint is taken as it is; otherwise
 * mmap picks the highest free range below the stack's gap (stack top
 * minus the larger of RLIMIT_STACK and 128 MiB), top down as Linux does,
 * so that the heap grows up from the program and mappings grow down
 * towards it. docs/memory.md, "User memory".
 */
#include "mm/uvm_internal.h"
#include "fs/fdtable.h"
#include "proc/proc.h"

#define PAGE_MASK ((uint64_t)PAGE_SIZE - 1)
#define PROT_ALL (PROT_READ | PROT_WRITE | PROT_EXEC)
/* mprotect's flags for growing stacks: accepted, without effect. */
#define PROT_GROWSDOWN 0x01000000
#define PROT_GROWSUP 0x02000000

static struct mm *current_mm(void)
{
	return proc_current()->mm;
}

/* [addr, addr + len) with len rounded up to pages: *end, or false if
 * it wraps or leaves user space. */
static bool user_range(uint64_t addr, uint64_t len, uint64_t *end)
{
	uint64_t size = ALIGN_UP(len, PAGE_SIZE);

	if (size < len || addr >= USER_TOP || size > USER_TOP - addr)
		return false;
	*end = addr + size;
	return true;
}

/* ---- brk ------------------------------------------------------------------ */

/* The heap area that ends at end and can simply grow (anonymous,
 * private, read-write), or NULL. Caller holds mm->lock. */
static struct vma *heap_ending_at(struct mm *mm, uint64_t end)
{
	struct vma *v = end > mm->brk_start ? vma_find(mm, end - 1) : NULL;

	if (v && v->end == end && !v->file && !(v->flags & VMA_SHARED) &&
	    v->prot == (PROT_READ | PROT_WRITE))
		return v;
	return NULL;
}

/* Move the end of the heap to brk: [brk_start, brk) grows (if nothing
 * is mapped in the way) or shrinks. The heap need not be one area: a
 * program may map over part of it (musl's malloc puts a guard page
 * there), so growing extends the area that ends at the old break, or
 * adds one. Linux's rule: the new break, or the old one if it cannot
 * move. */
static long sys_brk(uint64_t brk)
{
	struct mm *mm = current_mm();
	uint64_t old_end, new_end;
	struct vma *heap;

	sleep_lock(&mm->lock);
	old_end = ALIGN_UP(mm->brk, PAGE_SIZE);
	new_end = ALIGN_UP(brk, PAGE_SIZE);
	if (brk < mm->brk_start || brk >= USER_TOP - STACK_GUARD_GAP)
		goto out;
	if (new_end > old_end) {
		if (mm_range_used(mm, old_end, new_end + STACK_GUARD_GAP))
			goto out;
		heap = heap_ending_at(mm, old_end);
		if (heap)
			heap->end = new_end;
		else if (mm_map_locked(mm, old_end, new_end,
				       PROT_READ | PROT_WRITE, 0, NULL, 0, 0))
			goto out;
	} else if (new_end < old_end) {
		if (mm_unmap_locked(mm, new_end, old_end))
			goto out;
	}
	mm->brk = brk;
out:
	brk = mm->brk;
	sleep_unlock(&mm->lock);
	return (long)brk;
}
SYSCALL(brk, sys_brk);

/* ---- mmap and munmap ---------------------------------------------------- */

/* Linux's checks of mapping the open file f: -EACCES, -ENODEV, -EPERM
 * (executable, from a noexec mount). */
static int may_map_file(struct file *f, int prot, int flags)
{
	if (f->fops || !f->inode || !S_ISREG(f->inode->mode) ||
	    f->inode->sb->no_mmap)
		return -ENODEV; /* devices, pipes, directories, /proc */
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EACCES;
	if ((flags & MAP_TYPE) != MAP_PRIVATE && (prot & PROT_WRITE) &&
	    (f->flags & O_ACCMODE) == O_RDONLY)
		return -EACCES;
	if ((prot & PROT_EXEC) && (f->inode->sb->mnt_flags & MNT_NOEXEC))
		return -EPERM;
	return 0;
}

/* Place and add the area; the address or a negative errno. Caller holds
 * mm->lock. */
static long map_area(struct mm *mm, uint64_t addr, uint64_t len, int prot,
		     int flags, struct file *f, uint64_t off)
{
	int vflags = (flags & MAP_TYPE) == MAP_PRIVATE ? 0 : VMA_SHARED;
	uint64_t end;
	int err;

	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (!user_range(addr, len, &end))
			return -ENOMEM;
		if ((flags & MAP_FIXED_NOREPLACE) &&
		    mm_range_used(mm, addr, end))
			return -EEXIST;
		err = mm_unmap_locked(mm, addr, end);
		if (err)
			return err;
	} else {
		addr = mm_find_space(mm, addr, len);
		if (!addr)
			return -ENOMEM;
		end = addr + len;
	}
	err = mm_map_locked(mm, addr, end, prot, vflags, f, off,
			    f ? UINT64_MAX : 0);
	return err ? err : (long)addr;
}

static long sys_mmap(uint64_t addr, uint64_t len, uint64_t prot64,
		     uint64_t flags64, uint64_t fd, uint64_t off)
{
	int prot = (int)prot64, flags = (int)flags64, type = flags & MAP_TYPE;
	struct mm *mm = current_mm();
	struct file *f = NULL;
	long r;

	if (!len || (off & PAGE_MASK))
		return -EINVAL;
	if (type != MAP_SHARED && type != MAP_PRIVATE &&
	    type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (prot & ~PROT_ALL)
		return -EINVAL;
	if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && (addr & PAGE_MASK))
		return -EINVAL;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!len || len >= USER_TOP)
		return -ENOMEM;
	if (!(flags & MAP_ANONYMOUS)) {
		f = fd_get(proc_current()->files, (int)fd);
		if (!f)
			return -EBADF;
		r = may_map_file(f, prot, flags);
		if (!r && off + len < off)
			r = -EOVERFLOW;
		if (r)
			goto out;
	}
	sleep_lock(&mm->lock);
	r = map_area(mm, addr, len, prot, flags, f, f ? off : 0);
	sleep_unlock(&mm->lock);
out:
	if (f)
		vfs_close(f); /* the area has its own reference */
	return r;
}
SYSCALL(mmap, sys_mmap);

static long sys_munmap(uint64_t addr, uint64_t len)
{
	struct mm *mm = current_mm();
	uint64_t end;
	int err;

	if ((addr & PAGE_MASK) || !len || !user_range(addr, len, &end))
		return -EINVAL;
	sleep_lock(&mm->lock);
	err = mm_unmap_locked(mm, addr, end);
	sleep_unlock(&mm->lock);
	return err;
}
SYSCALL(munmap, sys_munmap);

long mm_map_shared(uint64_t addr, uint64_t len, int prot, bool fixed,
		   struct file *f)
{
	struct mm *mm = current_mm();
	uint64_t end;
	long r;

	len = ALIGN_UP(len, PAGE_SIZE);
	sleep_lock(&mm->lock);
	if (addr && !fixed &&
	    (!user_range(addr, len, &end) || mm_range_used(mm, addr, end)))
		r = -EINVAL;
	else
		r = map_area(mm, addr, len, prot,
			     MAP_SHARED | (addr ? MAP_FIXED : 0), f, 0);
	sleep_unlock(&mm->lock);
	return r;
}

int mm_unmap_shared(uint64_t addr, bool (*is_segment)(const struct file *f),
		    const struct file **unmapped)
{
	struct mm *mm = current_mm();
	struct vma *v;
	int err = -EINVAL;

	sleep_lock(&mm->lock);
	v = vma_find(mm, addr);
	if (v && v->start == addr && v->file && v->offset == 0 &&
	    is_segment(v->file)) {
		const struct file *f = v->file;
		uint64_t end = v->end;

		for (v = v->next; v && v->file == f && v->start == end;
		     v = v->next)
			end = v->end;
		*unmapped = f;
		err = mm_unmap_locked(mm, addr, end);
	}
	sleep_unlock(&mm->lock);
	return err;
}

/* ---- mprotect, madvise, msync, mincore -------------------------------- */

static long sys_mprotect(uint64_t addr, uint64_t len, uint64_t prot64)
{
	int prot = (int)prot64 & ~(PROT_GROWSDOWN | PROT_GROWSUP);
	struct mm *mm = current_mm();
	uint64_t end;
	int err;

	if ((addr & PAGE_MASK) || (prot & ~PROT_ALL) ||
	    ((prot64 & PROT_GROWSDOWN) && (prot64 & PROT_GROWSUP)))
		return -EINVAL;
	if (!len)
		return 0;
	if (!user_range(addr, len, &end))
		return -ENOMEM;
	sleep_lock(&mm->lock);
	err = mm_range_mapped(mm, addr, end)
		      ? mm_protect_locked(mm, addr, end, prot)
		      : -ENOMEM;
	sleep_unlock(&mm->lock);
	return err;
}
SYSCALL(mprotect, sys_mprotect);

static bool advice_known(int advice)
{
	switch (advice) {
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
	case MADV_DONTNEED:
	case MADV_FREE:
	case MADV_DONTFORK:
	case MADV_DOFORK:
	case MADV_MERGEABLE:
	case MADV_UNMERGEABLE:
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
	case MADV_DONTDUMP:
	case MADV_DODUMP:
		return true;
	}
	return false;
}

/* DONTNEED and FREE drop private pages (FREE may drop them, so dropping
 * at once is allowed); the other advice changes nothing here. */
static long sys_madvise(uint64_t addr, uint64_t len, uint64_t advice64)
{
	int advice = (int)advice64;
	struct mm *mm = current_mm();
	uint64_t end;
	long err = 0;

	if ((addr & PAGE_MASK) || !advice_known(advice))
		return -EINVAL;
	if (!len)
		return 0;
	if (!user_range(addr, len, &end))
		return -EINVAL;
	sleep_lock(&mm->lock);
	if (advice == MADV_DONTNEED || advice == MADV_FREE)
		mm_discard_locked(mm, addr, end);
	if (!mm_range_mapped(mm, addr, end))
		err = -ENOMEM;
	sleep_unlock(&mm->lock);
	return err;
}
SYSCALL(madvise, sys_madvise);

static long sys_msync(uint64_t addr, uint64_t len, uint64_t flags)
{
	struct mm *mm = current_mm();
	uint64_t end;
	long err;

	if ((addr & PAGE_MASK) ||
	    (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC)))
		return -EINVAL;
	if (!user_range(addr, len, &end))
		return -ENOMEM;
	sleep_lock(&mm->lock);
	err = mm_sync_locked(mm, addr, end);
	if (!err && !mm_range_mapped(mm, addr, end))
		err = -ENOMEM;
	sleep_unlock(&mm->lock);
	return err;
}
SYSCALL(msync, sys_msync);

/* One byte per page of [addr, addr + len): 1 if the page is mapped in
 * memory now. The vector is built in a kernel page at a time and copied
 * out without mm->lock held (the copy may fault). */
static long sys_mincore(uint64_t addr, uint64_t len, uaddr_t vec)
{
	struct mm *mm = current_mm();
	uint8_t *chunk;
	uint64_t end;
	long err = 0;

	if (addr & PAGE_MASK)
		return -EINVAL;
	if (!user_range(addr, len, &end))
		return -ENOMEM;
	chunk = kmalloc(PAGE_SIZE);
	if (!chunk)
		return -EAGAIN;
	while (addr < end && !err) {
		size_t n = MIN((end - addr) / PAGE_SIZE, PAGE_SIZE);

		sleep_lock(&mm->lock);
		if (!mm_range_mapped(mm, addr, addr + n * PAGE_SIZE))
			err = -ENOMEM;
		for (size_t i = 0; i < n && !err; i++)
			chunk[i] = vm_walk(&mm->vs, addr + i * PAGE_SIZE, NULL,
					   NULL) == 0;
		sleep_unlock(&mm->lock);
		if (!err)
			err = copy_to_user(vec, chunk, n);
		addr += n * PAGE_SIZE;
		vec += n;
	}
	kfree(chunk);
	return err;
}
SYSCALL(mincore, sys_mincore);
