/*
 * procfs (procfs.h): the file system at /proc. Nothing is stored: every
 * inode is made from its number, and every file's text is generated
 * whole when it is read from offset 0; the open file keeps that text
 * (the VFS's generated files, vfs.h) and later reads copy from it.
 *
 *   /proc                  directory: the entries below, then one
 *                          directory per process, in pid order
 *   /proc/self             symlink: the reader's own pid
 *   /proc/meminfo ...      text about the whole system (sys.c)
 *   /proc/schedstat ...    text about the scheduler (sched.c)
 *   /proc/net/             directory: dev, tcp, udp (kernel/net/procnet.c)
 *   /proc/trace_events ... the tracer's (trace.c)
 *   /proc/profile          the profiler's samples; takes "start", "stop"
 *                          and "reset" (kernel/trace/profile.c)
 *   /proc/PID/             directory: the files of one process
 *   /proc/PID/stat ...     text about that process (pid.c; its
 *                          scheduling fields and /proc/PID/sched
 *                          from sched.c)
 *   /proc/PID/task/        directory: one entry per thread, TID, the
 *                          same directory as /proc/TID (a thread's id
 *                          is found there too, though not listed)
 *
 * An inode number says what a file is: 1 is /proc, 2 + i is /proc's
 * entry i, NET_FIRST_INO + i is /proc/net's entry i, and a process's
 * files have the pid, a generation made from the process's start time,
 * and which of its files (0: its directory):
 *
 *   63        40 39           8 7      0
 *   [generation][     pid      ][ kind ]
 *
 * The generation makes a reused pid give new inode numbers, so an old
 * inode still open (cached by the VFS) is never mistaken for the new
 * process's: each read looks the process up again (proc_get) and checks
 * its start time, and answers -ESRCH once it is gone. Processes come and
 * go at any time; procfs holds a reference (proc_get/proc_put) only
 * while it generates a file, and never a lock of its own.
 * docs/procfs.md.
 */
#include "fs/procfs/internal.h"
#include "arch/x86_64/memlayout.h"
#include "mm/mm.h"

#define PROCFS_ROOT_INO 1
#define PROCFS_FIRST_ENTRY_INO 2
#define NET_FIRST_INO 128 /* below any pid's (pid << 8) */
#define INO_PID_SHIFT 8
#define INO_GEN_SHIFT 40
#define INO_KIND_MASK 0xffULL
#define INO_PID_MASK 0xffffffffULL
#define INO_GEN_MASK 0xffffffULL
#define KIND_TASK_DIR 0xff /* /proc/PID/task */
/* /proc/PID/task/TID: the thread's own /proc/TID without "task" (as on
 * Linux; with it, find / went round task/TID/task/TID... for ever). */
#define KIND_THREAD_DIR 0xfe

#define TEXT_FIRST_SIZE PAGE_SIZE
#define TEXT_MAX_SIZE (4ULL << 20) /* no file of ours grows beyond this */

/* Directory positions (readdir cookies): 0 ".", 1 "..", then 2 + i for
 * entry i (of /proc, or of a /proc/PID), then in /proc PID_POS + pid for
 * each process. */
#define FIRST_ENTRY_POS 2
#define PID_POS (FIRST_ENTRY_POS + ARRAY_SIZE(root_entries))

struct root_entry {
	const char *name;
	int (*show)(struct pbuf *b); /* NULL for "self" and "net" */
	bool dir;                    /* "net" */
};

/* /proc/net's files: the text comes from kernel/net (procnet.c). */
static int show_net(struct pbuf *b, size_t (*gen)(char *, size_t))
{
	size_t room = b->len < b->size ? b->size - b->len : 0;

	b->len += gen(room ? b->buf + b->len : b->buf, room);
	return 0;
}

static int procfs_net_dev(struct pbuf *b)
{
	return show_net(b, net_proc_dev);
}

static int procfs_net_tcp(struct pbuf *b)
{
	return show_net(b, net_proc_tcp);
}

static int procfs_net_udp(struct pbuf *b)
{
	return show_net(b, net_proc_udp);
}

/* /proc/profile: the sampling profiler's (kernel/trace/profile.c). */
static int procfs_profile(struct pbuf *b)
{
	return show_net(b, profile_format);
}

/* What a file that takes commands (profile) does with the text written
 * to it, whole: 0 or a negative errno. NULL for a read-only file. */
typedef int (*command_fn)(const char *buf, size_t len);

static command_fn entry_command(const struct root_entry *e)
{
	return e->show == procfs_profile ? profile_control : NULL;
}

static const struct root_entry net_entries[] = {
	{ "dev", procfs_net_dev, false },
	{ "tcp", procfs_net_tcp, false },
	{ "udp", procfs_net_udp, false },
};

static const struct root_entry root_entries[] = {
	{ "self", NULL, false },
	{ "cpuinfo", procfs_cpuinfo, false },
	{ "filesystems", procfs_filesystems, false },
	{ "interrupts", procfs_interrupts, false },
	{ "loadavg", procfs_loadavg, false },
	{ "meminfo", procfs_meminfo, false },
	{ "mounts", procfs_mounts, false },
	{ "net", NULL, true },
	{ "profile", procfs_profile, false },
	{ "ring", procfs_ring, false },
	{ "schedstat", procfs_schedstat, false },
	{ "schedtrace", procfs_schedtrace, false },
	{ "stat", procfs_stat, false },
	{ "trace_events", procfs_trace_events, false },
	{ "trace_stat", procfs_trace_stat, false },
	{ "uptime", procfs_uptime, false },
	{ "version", procfs_version, false },
};

struct pid_entry {
	const char *name;
	int (*show)(struct proc *p, struct pbuf *b);
};

/* Kind k of a process's inode is pid_entries[k - 1]. */
static const struct pid_entry pid_entries[] = {
	{ "cmdline", procfs_pid_cmdline }, { "comm", procfs_pid_comm },
	{ "maps", procfs_pid_maps },       { "sched", procfs_pid_sched },
	{ "stat", procfs_pid_stat },       { "statm", procfs_pid_statm },
	{ "status", procfs_pid_status },
};

struct procfs_inode {
	struct inode vfs;
	/* What it is: one of these, or neither for /proc and its
	 * process directories. */
	const struct root_entry *root_entry;
	const struct pid_entry *pid_entry;
	int pid;           /* 0 outside /proc/PID */
	uint64_t start_ns; /* the process's start, to tell a reused pid */
};

static const struct inode_operations procfs_root_ops, procfs_pid_dir_ops,
	procfs_task_dir_ops, procfs_file_ops, procfs_command_ops,
	procfs_self_ops, procfs_net_dir_ops;
static const struct super_operations procfs_super_ops;

static struct procfs_inode *pinode(struct inode *inode)
{
	return container_of(inode, struct procfs_inode, vfs);
}

static uint64_t generation(uint64_t start_ns)
{
	return (start_ns >> 10) & INO_GEN_MASK; /* microseconds, about */
}

static uint64_t pid_ino(int pid, uint64_t start_ns, unsigned int kind)
{
	return generation(start_ns) << INO_GEN_SHIFT |
	       (uint64_t)pid << INO_PID_SHIFT | kind;
}

/* The process an inode of /proc/PID is about, referenced, or NULL once
 * it is gone (reaped, or its pid reused). */
static struct proc *inode_proc(const struct procfs_inode *pi)
{
	struct proc *p = proc_get(pi->pid);

	if (p && p->start_ns != pi->start_ns) {
		proc_put(p);
		p = NULL;
	}
	return p;
}

/* ---- text buffers -------------------------------------------------------- */

void pbuf_printf(struct pbuf *b, const char *fmt, ...)
{
	size_t room = b->len < b->size ? b->size - b->len : 0;
	va_list ap;

	va_start(ap, fmt);
	b->len += kvsnprintf(room ? b->buf + b->len : b->buf, room, fmt, ap);
	va_end(ap);
}

void pbuf_write(struct pbuf *b, const void *data, size_t n)
{
	if (b->len + n < b->size)
		memcpy(b->buf + b->len, data, n);
	b->len += n;
}

/* ---- inodes -------------------------------------------------------------- */

static void fill_inode(struct procfs_inode *pi, uint32_t mode, uint32_t nlink,
		       const struct inode_operations *ops)
{
	pi->vfs.mode = mode;
	pi->vfs.nlink = nlink;
	pi->vfs.ops = ops;
	pi->vfs.atime = pi->vfs.mtime = pi->vfs.ctime = vfs_now();
}

/* An inode of /proc/PID: the process must still be there. */
static int read_pid_inode(struct procfs_inode *pi, uint64_t ino)
{
	unsigned int kind = ino & INO_KIND_MASK;
	struct proc *p;

	pi->pid = (int)(ino >> INO_PID_SHIFT & INO_PID_MASK);
	if ((kind > ARRAY_SIZE(pid_entries) && kind != KIND_TASK_DIR &&
	     kind != KIND_THREAD_DIR) ||
	    pi->pid <= 0)
		return -ENOENT;
	p = proc_get(pi->pid);
	if (!p)
		return -ENOENT;
	pi->start_ns = p->start_ns;
	proc_put(p);
	if (generation(pi->start_ns) != (ino >> INO_GEN_SHIFT & INO_GEN_MASK))
		return -ENOENT;
	if (kind == 0 || kind == KIND_THREAD_DIR) {
		fill_inode(pi, S_IFDIR | 0555, 3, &procfs_pid_dir_ops);
	} else if (kind == KIND_TASK_DIR) {
		fill_inode(pi, S_IFDIR | 0555, 2, &procfs_task_dir_ops);
	} else {
		pi->pid_entry = &pid_entries[kind - 1];
		fill_inode(pi, S_IFREG | 0444, 1, &procfs_file_ops);
	}
	return 0;
}

static int procfs_read_inode(struct super_block *sb, uint64_t ino,
			     struct inode **out)
{
	struct procfs_inode *pi = kzalloc(sizeof(*pi));
	const struct root_entry *e;
	int err = 0;

	if (!pi)
		return -ENOMEM;
	if (ino == PROCFS_ROOT_INO) {
		fill_inode(pi, S_IFDIR | 0555, 2, &procfs_root_ops);
	} else if (ino - PROCFS_FIRST_ENTRY_INO < ARRAY_SIZE(root_entries)) {
		e = &root_entries[ino - PROCFS_FIRST_ENTRY_INO];
		if (e->dir) {
			fill_inode(pi, S_IFDIR | 0555, 2, &procfs_net_dir_ops);
		} else if (entry_command(e)) {
			pi->root_entry = e;
			fill_inode(pi, S_IFREG | 0644, 1, &procfs_command_ops);
		} else if (e->show) {
			pi->root_entry = e;
			fill_inode(pi, S_IFREG | 0444, 1, &procfs_file_ops);
		} else {
			pi->root_entry = e;
			fill_inode(pi, S_IFLNK | 0777, 1, &procfs_self_ops);
		}
	} else if (ino - NET_FIRST_INO < ARRAY_SIZE(net_entries)) {
		pi->root_entry = &net_entries[ino - NET_FIRST_INO];
		fill_inode(pi, S_IFREG | 0444, 1, &procfs_file_ops);
	} else {
		err = read_pid_inode(pi, ino);
	}
	if (err) {
		kfree(pi);
		return err;
	}
	*out = &pi->vfs;
	return 0;
}

/* Nothing is ever written: inodes are never dirty, never unlinked. */
static int procfs_write_inode(struct inode *inode)
{
	return 0;
}

static void procfs_evict_inode(struct inode *inode)
{
}

static void procfs_free_inode(struct inode *inode)
{
	kfree(pinode(inode));
}

static int procfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	st->type = PROC_SUPER_MAGIC;
	st->block_size = PAGE_SIZE;
	st->blocks = st->blocks_free = 0;
	st->files = st->files_free = 0;
	st->name_max = VFS_NAME_MAX;
	return 0;
}

static int procfs_sync(struct super_block *sb)
{
	return 0;
}

static int procfs_unmount(struct super_block *sb)
{
	kfree(sb);
	return 0;
}

static const struct super_operations procfs_super_ops = {
	.read_inode = procfs_read_inode,
	.write_inode = procfs_write_inode,
	.evict_inode = procfs_evict_inode,
	.free_inode = procfs_free_inode,
	.statfs = procfs_statfs,
	.sync = procfs_sync,
	.unmount = procfs_unmount,
};

/* ---- /proc --------------------------------------------------------------- */

static bool name_is(const char *name, size_t len, const char *s)
{
	return strlen(s) == len && memcmp(name, s, len) == 0;
}

/* A decimal pid with no sign or leading zero, or -1. */
static int parse_pid(const char *name, size_t len)
{
	long pid = 0;

	if (len == 0 || len > 9 || name[0] == '0')
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		pid = pid * 10 + (name[i] - '0');
	}
	return (int)pid;
}

static int procfs_root_lookup(struct inode *dir, const char *name, size_t len,
			      struct inode **out)
{
	struct proc *p;
	uint64_t ino;
	int pid;

	if (name_is(name, len, ".."))
		return vfs_iget(dir->sb, PROCFS_ROOT_INO, out);
	for (size_t i = 0; i < ARRAY_SIZE(root_entries); i++)
		if (name_is(name, len, root_entries[i].name))
			return vfs_iget(dir->sb, PROCFS_FIRST_ENTRY_INO + i,
					out);
	pid = parse_pid(name, len);
	p = pid > 0 ? proc_get(pid) : NULL;
	if (!p)
		return -ENOENT;
	ino = pid_ino(pid, p->start_ns, 0);
	proc_put(p);
	return vfs_iget(dir->sb, ino, out);
}

/* The pids alive now, ascending, in a new array: how many, or -ENOMEM. */
static int snapshot_pids(int **out)
{
	struct proc_counts c;
	int n;

	proc_get_counts(&c);
	*out = kmalloc((c.max + 1) * sizeof(int));
	if (!*out)
		return -ENOMEM;
	n = proc_list_pids(*out, (int)c.max + 1);
	return MIN(n, (int)c.max + 1);
}

static int emit_pid(int pid, vfs_emit_fn emit, void *ctx)
{
	struct proc *p = proc_get(pid);
	char name[16];
	uint64_t ino;

	if (!p)
		return 0; /* gone since the snapshot: skip it */
	ino = pid_ino(pid, p->start_ns, 0);
	proc_put(p);
	ksnprintf(name, sizeof(name), "%d", pid);
	return emit(ctx, name, strlen(name), ino, DT_DIR);
}

static int procfs_root_readdir(struct inode *dir, uint64_t *pos,
			       vfs_emit_fn emit, void *ctx)
{
	int *pids, n;

	if (*pos == 0) {
		if (emit(ctx, ".", 1, PROCFS_ROOT_INO, DT_DIR))
			return 0;
		*pos = 1;
	}
	if (*pos == 1) {
		if (emit(ctx, "..", 2, PROCFS_ROOT_INO, DT_DIR))
			return 0;
		*pos = FIRST_ENTRY_POS;
	}
	for (; *pos < PID_POS; (*pos)++) {
		const struct root_entry *e =
			&root_entries[*pos - FIRST_ENTRY_POS];

		if (emit(ctx, e->name, strlen(e->name),
			 PROCFS_FIRST_ENTRY_INO + *pos - FIRST_ENTRY_POS,
			 e->dir    ? DT_DIR
			 : e->show ? DT_REG
				   : DT_LNK))
			return 0;
	}
	/* The pids are a snapshot; the position is the next pid, so
	 * processes that come and go between calls shift nothing. */
	n = snapshot_pids(&pids);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		if (PID_POS + (uint64_t)pids[i] < *pos)
			continue;
		if (emit_pid(pids[i], emit, ctx))
			break;
		*pos = PID_POS + (uint64_t)pids[i] + 1;
	}
	kfree(pids);
	return 0;
}

static const struct inode_operations procfs_root_ops = {
	.lookup = procfs_root_lookup,
	.readdir = procfs_root_readdir,
};

/* ---- /proc/PID ----------------------------------------------------------- */

static bool is_thread_dir(const struct inode *dir)
{
	return (dir->ino & INO_KIND_MASK) == KIND_THREAD_DIR;
}

static int procfs_pid_lookup(struct inode *dir, const char *name, size_t len,
			     struct inode **out)
{
	struct procfs_inode *pi = pinode(dir);

	if (name_is(name, len, ".."))
		return vfs_iget(dir->sb, PROCFS_ROOT_INO, out);
	for (size_t i = 0; i < ARRAY_SIZE(pid_entries); i++)
		if (name_is(name, len, pid_entries[i].name))
			return vfs_iget(dir->sb,
					pid_ino(pi->pid, pi->start_ns, i + 1),
					out);
	if (name_is(name, len, "task") && !is_thread_dir(dir))
		return vfs_iget(dir->sb,
				pid_ino(pi->pid, pi->start_ns, KIND_TASK_DIR),
				out);
	return -ENOENT;
}

/* A process that is gone has an empty directory (not even "."). */
static int procfs_pid_readdir(struct inode *dir, uint64_t *pos,
			      vfs_emit_fn emit, void *ctx)
{
	struct procfs_inode *pi = pinode(dir);
	struct proc *p = inode_proc(pi);

	if (!p)
		return 0;
	proc_put(p);
	if (*pos == 0) {
		if (emit(ctx, ".", 1, dir->ino, DT_DIR))
			return 0;
		*pos = 1;
	}
	if (*pos == 1) {
		if (emit(ctx, "..", 2, PROCFS_ROOT_INO, DT_DIR))
			return 0;
		*pos = FIRST_ENTRY_POS;
	}
	for (; *pos < FIRST_ENTRY_POS + ARRAY_SIZE(pid_entries); (*pos)++) {
		unsigned int i = *pos - FIRST_ENTRY_POS;

		if (emit(ctx, pid_entries[i].name, strlen(pid_entries[i].name),
			 pid_ino(pi->pid, pi->start_ns, i + 1), DT_REG))
			return 0;
	}
	if (*pos == FIRST_ENTRY_POS + ARRAY_SIZE(pid_entries) &&
	    !is_thread_dir(dir)) {
		if (emit(ctx, "task", 4,
			 pid_ino(pi->pid, pi->start_ns, KIND_TASK_DIR), DT_DIR))
			return 0;
		(*pos)++;
	}
	return 0;
}

static const struct inode_operations procfs_pid_dir_ops = {
	.lookup = procfs_pid_lookup,
	.readdir = procfs_pid_readdir,
};

/* ---- /proc/PID/task ------------------------------------------------------ */

/* The directory of thread tid if it belongs to process pid: its inode
 * number, or 0. */
static uint64_t thread_dir_ino(int pid, int tid)
{
	struct proc *t = tid > 0 ? proc_get(tid) : NULL;
	uint64_t ino = 0;

	if (!t)
		return 0;
	if (t->tgid == pid)
		ino = pid_ino(tid, t->start_ns, KIND_THREAD_DIR);
	proc_put(t);
	return ino;
}

static int procfs_task_lookup(struct inode *dir, const char *name, size_t len,
			      struct inode **out)
{
	struct procfs_inode *pi = pinode(dir);
	uint64_t ino;

	if (name_is(name, len, ".."))
		return vfs_iget(dir->sb, pid_ino(pi->pid, pi->start_ns, 0),
				out);
	ino = thread_dir_ino(pi->pid, parse_pid(name, len));
	return ino ? vfs_iget(dir->sb, ino, out) : -ENOENT;
}

/* ".", "..", then the threads in tid order; the position after "..",
 * FIRST_ENTRY_POS + the next tid, as in /proc. */
static int procfs_task_readdir(struct inode *dir, uint64_t *pos,
			       vfs_emit_fn emit, void *ctx)
{
	struct procfs_inode *pi = pinode(dir);
	struct proc *p = inode_proc(pi);
	struct proc_counts c;
	int *tids, n;

	if (!p)
		return 0;
	if (*pos == 0) {
		if (emit(ctx, ".", 1, dir->ino, DT_DIR))
			goto out;
		*pos = 1;
	}
	if (*pos == 1) {
		if (emit(ctx, "..", 2, pid_ino(pi->pid, pi->start_ns, 0),
			 DT_DIR))
			goto out;
		*pos = FIRST_ENTRY_POS;
	}
	proc_get_counts(&c);
	tids = kmalloc((c.max + 1) * sizeof(int));
	if (!tids) {
		proc_put(p);
		return -ENOMEM;
	}
	n = MIN(proc_list_tids(p, tids, (int)c.max + 1), (int)c.max + 1);
	for (int i = 0; i < n; i++) {
		uint64_t ino = thread_dir_ino(pi->pid, tids[i]);
		char name[16];

		if (FIRST_ENTRY_POS + (uint64_t)tids[i] < *pos || !ino)
			continue;
		ksnprintf(name, sizeof(name), "%d", tids[i]);
		if (emit(ctx, name, strlen(name), ino, DT_DIR))
			break;
		*pos = FIRST_ENTRY_POS + (uint64_t)tids[i] + 1;
	}
	kfree(tids);
out:
	proc_put(p);
	return 0;
}

static const struct inode_operations procfs_task_dir_ops = {
	.lookup = procfs_task_lookup,
	.readdir = procfs_task_readdir,
};

/* ---- /proc/net ----------------------------------------------------------- */

static int procfs_net_lookup(struct inode *dir, const char *name, size_t len,
			     struct inode **out)
{
	if (name_is(name, len, ".."))
		return vfs_iget(dir->sb, PROCFS_ROOT_INO, out);
	for (size_t i = 0; i < ARRAY_SIZE(net_entries); i++)
		if (name_is(name, len, net_entries[i].name))
			return vfs_iget(dir->sb, NET_FIRST_INO + i, out);
	return -ENOENT;
}

static int procfs_net_readdir(struct inode *dir, uint64_t *pos,
			      vfs_emit_fn emit, void *ctx)
{
	if (*pos == 0) {
		if (emit(ctx, ".", 1, dir->ino, DT_DIR))
			return 0;
		*pos = 1;
	}
	if (*pos == 1) {
		if (emit(ctx, "..", 2, PROCFS_ROOT_INO, DT_DIR))
			return 0;
		*pos = FIRST_ENTRY_POS;
	}
	for (; *pos < FIRST_ENTRY_POS + ARRAY_SIZE(net_entries); (*pos)++) {
		const struct root_entry *e =
			&net_entries[*pos - FIRST_ENTRY_POS];

		if (emit(ctx, e->name, strlen(e->name),
			 NET_FIRST_INO + *pos - FIRST_ENTRY_POS, DT_REG))
			return 0;
	}
	return 0;
}

static const struct inode_operations procfs_net_dir_ops = {
	.lookup = procfs_net_lookup,
	.readdir = procfs_net_readdir,
};

/* ---- files --------------------------------------------------------------- */

/* Generate the file's whole text into b: 0, or -ESRCH when the process
 * it is about is gone. */
static int generate(struct procfs_inode *pi, struct pbuf *b)
{
	struct proc *p;
	int err;

	if (pi->root_entry)
		return pi->root_entry->show(b);
	p = inode_proc(pi);
	if (!p)
		return -ESRCH;
	err = pi->pid_entry->show(p, b);
	proc_put(p);
	return err;
}

/* The file's whole text, for the VFS to keep in the open file and read
 * from. Caller (the VFS) holds inode->lock. */
static int procfs_generate(struct inode *inode, char **text, size_t *len)
{
	struct pbuf b = { .size = TEXT_FIRST_SIZE };
	int r;

	for (;;) {
		b.buf = kmalloc(b.size);
		if (!b.buf)
			return -ENOMEM;
		b.len = 0;
		r = generate(pinode(inode), &b);
		if (r < 0 || b.len < b.size)
			break;
		/* It did not fit: again, with room for what it said. */
		kfree(b.buf);
		if (b.len >= TEXT_MAX_SIZE)
			return -EFBIG;
		b.size = ALIGN_UP(b.len + 1, PAGE_SIZE);
	}
	if (r < 0) {
		kfree(b.buf);
		return r;
	}
	*text = b.buf;
	*len = b.len;
	return 0;
}

static const struct inode_operations procfs_file_ops = {
	.generate = procfs_generate,
};

/* A write to a file that takes commands is one command, whatever the
 * offset (as Linux's /proc/sys files take echo's one write). */
static ssize_t procfs_command_write(struct inode *inode, const void *buf,
				    size_t n, uint64_t off)
{
	char cmd[32];
	int err;

	(void)off;
	if (n >= sizeof(cmd))
		return -EINVAL;
	memcpy(cmd, buf, n);
	err = entry_command(pinode(inode)->root_entry)(cmd, n);
	return err ? err : (ssize_t)n;
}

/* echo's O_TRUNC: there is nothing to empty. */
static int procfs_command_truncate(struct inode *inode, uint64_t size)
{
	(void)inode;
	(void)size;
	return 0;
}

static const struct inode_operations procfs_command_ops = {
	.generate = procfs_generate,
	.write = procfs_command_write,
	.truncate = procfs_command_truncate,
};

/* /proc/self: the pid of whoever reads the link; a kernel task has none. */
static int procfs_self_readlink(struct inode *inode, char *buf, size_t size)
{
	struct proc *p = proc_current();
	char pid[16];
	int len;

	if (!p)
		return -ENOENT;
	len = ksnprintf(pid, sizeof(pid), "%d", p->tgid);
	len = MIN(len, (int)size);
	memcpy(buf, pid, len);
	return len;
}

static const struct inode_operations procfs_self_ops = {
	.readlink = procfs_self_readlink,
};

/* ---- mounting ------------------------------------------------------------ */

// cppcheck-suppress constParameter
static int procfs_mount(struct block_device *dev, bool read_only,
			struct super_block **out)
{
	struct super_block *sb;

	if (dev)
		return -EINVAL;
	sb = kzalloc(sizeof(*sb));
	if (!sb)
		return -ENOMEM;
	sb->ops = &procfs_super_ops;
	sb->root_ino = PROCFS_ROOT_INO;
	sb->no_mmap = true;
	*out = sb;
	return 0;
}

static struct file_system_type procfs_type = {
	.name = "proc",
	.mount = procfs_mount,
};

void procfs_init(void)
{
	vfs_register_fs(&procfs_type);
}
