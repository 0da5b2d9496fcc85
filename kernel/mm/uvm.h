/*
 * User memory: a process's address space as a list of areas (VMAs), each
 * a range with its protection and what backs it (zero-fill anonymous
 * memory, or a file through the page cache), filled in on demand by page
 * faults. fork copies an address space copy-on-write: both sides map the
 * same frames read-only, and a frame is copied when one side writes while
 * others still use it (frames are reference counted). docs/memory.md,
 * "User memory", has the pictures.
 */
#ifndef KESTREL_MM_UVM_H
#define KESTREL_MM_UVM_H

#include "lib/sleeplock.h"
#include "mm/mm.h"

/* The default RLIMIT_STACK: how far the stack may grow (8 MiB). A new
 * address space starts with it, and so does a process that the kernel
 * makes (fork copies its parent's limit). */
#define STACK_LIMIT_DEFAULT (8UL * 1024 * 1024)

struct file;
struct vma;

/* One address space. */
struct mm {
	struct vm_space vs; /* its page tables */
	/* Protects the areas, brk and the page tables' user half against
	 * concurrent changes (page faults take it too). */
	struct sleeplock lock;
	struct vma *vmas;        /* sorted by address, disjoint */
	uint64_t brk_start, brk; /* the heap: [brk_start, brk) */
	uint64_t stack_top;      /* the main stack's top (it grows down) */
	uint64_t stack_limit;    /* how far it may grow (RLIMIT_STACK) */
	/* Atomic. */
	unsigned int refcount;   /* processes sharing it (vfork, CLONE_VM) */
	uint64_t minflt, majflt; /* faults without and with disk reads */
};

/* A new empty address space (refcount 1), or NULL. */
struct mm *mm_create(void);
/* fork: a copy-on-write copy of src (refcount 1), or NULL. */
struct mm *mm_fork(struct mm *src);
void mm_get(struct mm *mm);
/* Drop a reference; the last frees every area, frame and page table, and
 * writes back MAP_SHARED file pages. mm must not be loaded in any CPU's
 * CR3 (the caller has switched away from it). */
void mm_put(struct mm *mm);

/* exec: the new mm counts on from the old one's faults, unless old is
 * still shared (vfork's parent keeps them). */
void mm_inherit_faults(struct mm *mm, const struct mm *old);
/* A page fault at addr with the CPU's error code (bit 0 present, 1
 * write, 2 user, 4 instruction fetch), in the running process's mm:
 * 0 when it is resolved (retry the access), -EFAULT (SIGSEGV, SEGV_MAPERR:
 * no area), -EACCES (SIGSEGV, SEGV_ACCERR: the area does not allow the
 * access), -EIO (SIGBUS: beyond the end of a mapped file, or a read
 * error), -ENOMEM (out of memory). May sleep; called with interrupts on
 * and no spinlock held. Works on any mm, loaded or not. ip is the
 * faulting instruction's address, for the mm:page_fault tracepoint. */
int mm_fault(struct mm *mm, uint64_t addr, uint64_t error, uint64_t ip);
/* Write len bytes at addr of mm, faulting pages in as a user write would
 * (exec builds the new stack with it, mm not loaded): 0 or -EFAULT. */
int mm_write(struct mm *mm, uint64_t addr, const void *src, size_t len);
/* Read len bytes at addr of mm into dst, faulting pages in as a user
 * read would (ptrace, process_vm_readv: mm need not be loaded): 0 or
 * -EFAULT. */
int mm_read(struct mm *mm, uint64_t addr, void *dst, size_t len);
/* ptrace's PEEK and POKE (Linux's FOLL_FORCE): read or write len bytes
 * at addr of mm whatever the area's protection, as a debugger must (a
 * breakpoint into text). A forced write to a private area that does not
 * allow writing copies the page first, so the file and every other
 * process sharing the page keep the old bytes; a shared area that does
 * not allow writing refuses. 0 or -EFAULT (no area). */
int mm_access_forced(struct mm *mm, uint64_t addr, void *buf, size_t len,
		     bool write);
/* For futexes: where the word at addr lives. 1 if in a private area
 * (the key is the address space and addr), 0 with *phys its physical
 * address if in a shared one (every process mapping it sees the same
 * key), -EFAULT if nothing is mapped there. */
int mm_futex_key(struct mm *mm, uint64_t addr, uint64_t *phys);

/* exec: set up an area (used by the ELF loader). prot is PROT_* (Linux's:
 * 1 read, 2 write, 4 exec). A file area maps f's bytes [off, off + filesz)
 * at addr and zeros the rest up to len (bss); f may be NULL for anonymous
 * memory. addr and off page aligned. */
int mm_map_fixed(struct mm *mm, uint64_t addr, uint64_t len, int prot,
		 struct file *f, uint64_t off, uint64_t filesz);
/* System V shared memory (kernel/ipc/shm.c), in the running process's
 * mm. mm_map_shared: map len bytes of f from offset 0, MAP_SHARED, at
 * addr (0: where mmap would put it; else replacing what is there if
 * fixed, -EINVAL if that overlaps and not fixed): the address or a
 * negative errno. mm_unmap_shared: unmap the area that starts at addr
 * and maps a file that is_segment accepts from offset 0, with the areas
 * of the same file right after it (mprotect may have split it): 0 with
 * *unmapped the file (no longer referenced: only to compare), or
 * -EINVAL if there is none. */
long mm_map_shared(uint64_t addr, uint64_t len, int prot, bool fixed,
		   struct file *f);
int mm_unmap_shared(uint64_t addr, bool (*is_segment)(const struct file *f),
		    const struct file **unmapped);
/* exec: name the areas that map f (path, as exec was given it) for
 * /proc/PID/maps; an open file does not know its name. */
void mm_name_file(struct mm *mm, const struct file *f, const char *path);
/* Describe the areas as Linux's /proc/PID/maps does, into buf (at most
 * size bytes, NUL-terminated); the length it would have taken. */
size_t mm_format_maps(struct mm *mm, char *buf, size_t size);
/* Resident pages (frames mapped) and the sum of the areas' sizes. */
void mm_usage(struct mm *mm, uint64_t *resident_pages, uint64_t *virt_bytes);

#endif
