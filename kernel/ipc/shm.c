/*
 * System V shared memory: shmget makes (or finds by key) a segment,
 * shmat maps it into the caller, shmdt unmaps it, shmctl reads, changes
 * or removes it.
 *
 * A segment is an unlinked file in the kernel's own tmpfs
 * (tmpfs_file_create): shmat maps that file MAP_SHARED, so the page
 * cache gives every process that attaches it the same pages, fork
 * shares the mapping, and a futex in it is keyed by its physical
 * address, as for any shared file mapping.
 *
 *   shm_table ─ slot ─> struct shm_segment ──> struct file (kernel tmpfs)
 *                        size, pids, times       ^     ^
 *                                                │     │ each mapping
 *                        process A: vma ─────────┘     │ holds a
 *                        process B: vma ───────────────┘ reference
 *
 * Each area that maps the file holds a reference to it, so the number
 * attached (shm_nattch) is the file's reference count less the
 * segment's own: fork, munmap, exec and exit keep it right without any
 * hook of ours. IPC_RMID takes the segment out of the table at once
 * (so neither its key nor its id finds it again: Linux would still let
 * shmctl and shmat reach it by id until the last detach) and drops the
 * segment's reference: the memory goes when the last process unmaps
 * it. shmdt knows a segment's area by its file, which lives in the
 * kernel's tmpfs (tmpfs_file_is_internal).
 *
 * Locking: the spinlock "shm" (shm_table.lock) guards the table and
 * every segment's fields. The file's reference count is atomic.
 * Mapping and unmapping take the mm's sleep lock, so they run without
 * "shm" held, with a reference to the file of their own.
 * docs/ipc.md.
 */
#include "ipc/ipc_internal.h"
#include "fs/tmpfs.h"
#include "mm/mm.h"
#include "mm/uvm.h"
#include "proc/proc.h"
#include "syscall.h"

#define SHM_RDONLY 010000
#define SHM_RND 020000
#define SHM_REMAP 040000
#define SHM_EXEC 0100000
#define SHM_STAT 13
#define SHM_INFO 14
#define SHM_LOCK 11
#define SHM_UNLOCK 12
#define SHM_DEST 01000 /* in the mode: removed, still attached */
#define SHMLBA PAGE_SIZE
#define SHMMIN 1
/* Linux's SHMMAX; the memory itself is what limits a segment here. */
#define SHMMAX (UINT64_MAX - (1ULL << 24))
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4

/* struct shmid64_ds (x86-64). */
struct shmid64_ds {
	struct ipc64_perm shm_perm;
	uint64_t shm_segsz;
	int64_t shm_atime, shm_dtime, shm_ctime;
	int32_t shm_cpid, shm_lpid;
	uint64_t shm_nattch;
	uint64_t unused4, unused5;
};
_Static_assert(sizeof(struct shmid64_ds) == 112, "shmid64_ds");

struct shm_segment {
	struct ipc_object obj; /* first: the table holds &obj */
	/* Under shm_table.lock. */
	uint64_t size;
	struct file *file; /* referenced */
	int cpid, lpid;
	int64_t atime, dtime, ctime;
};

static struct ipc_table shm_table = IPC_TABLE_INIT("shm");

static struct shm_segment *segment(struct ipc_object *o)
{
	return container_of(o, struct shm_segment, obj);
}

/* Processes attached: the mappings' references to the file (the
 * segment holds one more). Caller holds shm_table.lock. */
static uint64_t nattch(const struct shm_segment *s)
{
	return __atomic_load_n(&s->file->refcount, __ATOMIC_RELAXED) - 1;
}

static long sys_shmget(uint64_t key64, uint64_t size, uint64_t flags64)
{
	int32_t key = (int32_t)key64;
	int flags = (int)flags64, err;
	struct shm_segment *s;
	struct ipc_object *o;
	struct file *f;

	spin_lock(&shm_table.lock);
	o = ipc_get_existing(&shm_table, key, flags, &err);
	if (o || err) {
		if (o && size > segment(o)->size)
			err = -EINVAL;
		spin_unlock(&shm_table.lock);
		return err ? err : o->id;
	}
	spin_unlock(&shm_table.lock);
	if (size < SHMMIN || size > SHMMAX)
		return -EINVAL;
	s = kzalloc(sizeof(*s));
	f = s ? tmpfs_file_create(size) : NULL;
	if (!f) {
		kfree(s);
		return -ENOMEM;
	}
	s->size = size;
	s->file = f;
	s->cpid = proc_current()->tgid;
	s->ctime = ipc_now();
	spin_lock(&shm_table.lock);
	/* Another shmget may have made the key meanwhile: use that one. */
	o = key == IPC_PRIVATE ? NULL : ipc_find_key(&shm_table, key);
	if (o)
		err = (flags & IPC_EXCL) ? -EEXIST : o->id;
	else
		err = ipc_add(&shm_table, &s->obj, key, flags);
	if (!o && !err)
		err = s->obj.id;
	spin_unlock(&shm_table.lock);
	if (o || err < 0) {
		vfs_close(f);
		kfree(s);
	}
	return err;
}
SYSCALL(shmget, sys_shmget);

/* shmat(id, addr, flags): map the segment; its address. addr 0: where
 * mmap would; else page aligned (or rounded down with SHM_RND), and it
 * must be free unless SHM_REMAP. */
static long sys_shmat(uint64_t id, uint64_t addr, uint64_t flags64)
{
	int flags = (int)flags64;
	int prot = PROT_READ | ((flags & SHM_RDONLY) ? 0 : PROT_WRITE) |
		   ((flags & SHM_EXEC) ? PROT_EXEC : 0);
	struct ipc_object *o;
	struct file *f = NULL;
	uint64_t size = 0;
	long r;

	if (addr & (SHMLBA - 1)) {
		if (!(flags & SHM_RND))
			return -EINVAL;
		addr &= ~(uint64_t)(SHMLBA - 1);
	}
	if ((flags & SHM_REMAP) && !addr)
		return -EINVAL;
	spin_lock(&shm_table.lock);
	o = ipc_find_id(&shm_table, (int)id);
	if (o &&
	    ipc_permission(o, (flags & SHM_RDONLY) ? IPC_READ
						   : IPC_READ | IPC_WRITE)) {
		spin_unlock(&shm_table.lock);
		return -EACCES;
	}
	if (o) {
		f = segment(o)->file;
		vfs_file_ref(f);
		size = segment(o)->size;
	}
	spin_unlock(&shm_table.lock);
	if (!f)
		return -EINVAL;
	r = mm_map_shared(addr, size, prot, flags & SHM_REMAP, f);
	vfs_close(f); /* the area holds its own */
	if (r < 0)
		return r;
	spin_lock(&shm_table.lock);
	o = ipc_find_id(&shm_table, (int)id);
	if (o && segment(o)->file == f) {
		segment(o)->atime = ipc_now();
		segment(o)->lpid = proc_current()->tgid;
	}
	spin_unlock(&shm_table.lock);
	return r;
}
SYSCALL(shmat, sys_shmat);

/* The segment whose file f was, if still in the table, gets shmdt's
 * time and pid (f is only compared: the unmap may have freed it). */
static void note_detach(const struct file *f)
{
	spin_lock(&shm_table.lock);
	for (unsigned int i = 0; i < IPC_SLOTS; i++) {
		struct ipc_object *o = shm_table.slots[i];

		if (o && segment(o)->file == f) {
			segment(o)->dtime = ipc_now();
			segment(o)->lpid = proc_current()->tgid;
		}
	}
	spin_unlock(&shm_table.lock);
}

static bool is_segment(const struct file *f)
{
	return tmpfs_file_is_internal(f);
}

/* shmdt(addr): unmap the segment attached at addr. */
static long sys_shmdt(uint64_t addr)
{
	const struct file *f;
	int err;

	if (addr & (SHMLBA - 1))
		return -EINVAL;
	err = mm_unmap_shared(addr, is_segment, &f);
	if (!err)
		note_detach(f);
	return err;
}
SYSCALL(shmdt, sys_shmdt);

/* IPC_INFO's struct shminfo64 and SHM_INFO's struct shm_info. */
struct shminfo64 {
	/* cppcheck-suppress unusedStructMember ; Linux's layout */
	uint64_t shmmax, shmmin, shmmni, shmseg, shmall;
	/* cppcheck-suppress unusedStructMember ; Linux's layout */
	uint64_t unused[4];
};

struct shm_info {
	int32_t used_ids;
	/* cppcheck-suppress unusedStructMember ; Linux's layout */
	uint64_t shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes;
};

/* The highest slot in use (IPC_INFO's and SHM_INFO's answer). Caller
 * holds the table's lock. */
static int highest_slot(const struct ipc_table *t)
{
	int last = 0;

	for (int i = 0; i < IPC_SLOTS; i++)
		if (t->slots[i])
			last = i;
	return last;
}

static long shm_info(int cmd, uint64_t ubuf)
{
	struct shminfo64 info = {
		.shmmax = SHMMAX,
		.shmmin = SHMMIN,
		.shmmni = IPC_SLOTS,
		.shmseg = IPC_SLOTS,
		.shmall = SHMMAX / PAGE_SIZE,
	};
	struct shm_info usage = { 0 };
	int last;

	spin_lock(&shm_table.lock);
	last = highest_slot(&shm_table);
	usage.used_ids = (int32_t)shm_table.count;
	for (int i = 0; i < IPC_SLOTS; i++)
		if (shm_table.slots[i])
			usage.shm_tot += (segment(shm_table.slots[i])->size +
					  PAGE_SIZE - 1) /
					 PAGE_SIZE;
	spin_unlock(&shm_table.lock);
	if (cmd == IPC_INFO ? copy_to_user(ubuf, &info, sizeof(info))
			    : copy_to_user(ubuf, &usage, sizeof(usage)))
		return -EFAULT;
	return last;
}

static void fill_shmid(const struct shm_segment *s, struct shmid64_ds *ds)
{
	*ds = (struct shmid64_ds){
		.shm_segsz = s->size,
		.shm_atime = s->atime,
		.shm_dtime = s->dtime,
		.shm_ctime = s->ctime,
		.shm_cpid = s->cpid,
		.shm_lpid = s->lpid,
		.shm_nattch = nattch(s),
	};
	ipc_fill_perm(&s->obj, &ds->shm_perm);
}

static long sys_shmctl(uint64_t id64, uint64_t cmd64, uint64_t ubuf)
{
	int id = (int)id64, cmd = (int)cmd64;
	struct shmid64_ds ds;
	struct ipc_object *o;
	struct file *gone = NULL;
	long r = 0;

	if (id < 0 || cmd < 0)
		return -EINVAL;
	switch (cmd) {
	case IPC_INFO:
	case SHM_INFO:
		return shm_info(cmd, ubuf);
	case IPC_SET:
		if (copy_from_user(&ds, ubuf, sizeof(ds)))
			return -EFAULT;
		break;
	case IPC_STAT:
	case SHM_STAT:
	case IPC_RMID:
	case SHM_LOCK:
	case SHM_UNLOCK:
		break;
	default:
		return -EINVAL;
	}
	spin_lock(&shm_table.lock);
	if (cmd == SHM_STAT) /* by slot: the answer is the id */
		o = id < IPC_SLOTS ? shm_table.slots[id] : NULL;
	else
		o = ipc_find_id(&shm_table, id);
	if (!o) {
		spin_unlock(&shm_table.lock);
		return -EINVAL;
	}
	r = cmd == IPC_STAT || cmd == SHM_STAT ? ipc_permission(o, IPC_READ)
					       : ipc_owner_check(o);
	if (r) {
		spin_unlock(&shm_table.lock);
		return r;
	}
	switch (cmd) {
	case IPC_STAT:
	case SHM_STAT:
		fill_shmid(segment(o), &ds);
		r = cmd == SHM_STAT ? o->id : 0;
		break;
	case IPC_SET:
		ipc_set_perm(o, &ds.shm_perm);
		segment(o)->ctime = ipc_now();
		break;
	case IPC_RMID:
		ipc_remove(&shm_table, o);
		gone = segment(o)->file;
		kfree(segment(o));
		break;
	}
	spin_unlock(&shm_table.lock);
	if (gone)
		vfs_close(gone); /* the memory lives on while mapped */
	if ((cmd == IPC_STAT || cmd == SHM_STAT) &&
	    copy_to_user(ubuf, &ds, sizeof(ds)))
		return -EFAULT;
	return r;
}
SYSCALL(shmctl, sys_shmctl);

/* ---- /proc/sysvipc/shm ---------------------------------------------------- */

size_t shm_proc_text(char *buf, size_t size)
{
	static const char header[] =
		"       key      shmid perms                  size  cpid  lpid "
		"nattch   uid   gid  cuid  cgid      atime      dtime      "
		"ctime                   rss                  swap\n";
	size_t len = 0;

	ipc_text_add(buf, size, &len, header, (int)sizeof(header) - 1);
	spin_lock(&shm_table.lock);
	for (int i = 0; i < IPC_SLOTS; i++) {
		const struct shm_segment *s;
		char line[256];
		int n;

		if (!shm_table.slots[i])
			continue;
		s = segment(shm_table.slots[i]);
		n = ksnprintf(line, sizeof(line),
			      "%10d %10d  %4o %21llu %5d %5d  %5llu %5u %5u "
			      "%5u %5u %10lld %10lld %10lld %21llu %21llu\n",
			      s->obj.key, s->obj.id, s->obj.mode,
			      (unsigned long long)s->size, s->cpid, s->lpid,
			      (unsigned long long)nattch(s), s->obj.uid,
			      s->obj.gid, s->obj.cuid, s->obj.cgid,
			      (long long)s->atime, (long long)s->dtime,
			      (long long)s->ctime, 0ULL, 0ULL);
		ipc_text_add(buf, size, &len, line, n);
	}
	spin_unlock(&shm_table.lock);
	return len;
}
