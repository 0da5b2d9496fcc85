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
 *   /proc/sysvipc/         directory: shm, sem, msg (kernel/ipc/)
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
 *   /proc/PID/cwd, exe     links: its working directory, its program
 *   /proc/PID/fd/N         links: its open files (fd.c)
 *
 * An inode number says what a file is: 1 is /proc, 2 + i is /proc's
 * entry i, NET_FIRST_INO + i is /proc/net's entry i (SYSVIPC_FIRST_INO
 * + i /proc/sysvipc's), and a process's
 * files have the pid, a generation made from the process's start time,
 * and which of its files (0: its directory):
 *
 *   63        40 39           8 7      0
 *   [generation][     pid      ][ kind ]
 *
 * except /proc/PID/fd/N, whose generation bits hold N + 1 instead (its
 * text is made afresh from the process's table at each readlink).
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
#include "fs/fdtable.h"
#include "fs/lock.h"
#include "ipc/ipc.h"
#include "mm/mm.h"

#define PROCFS_ROOT_INO 1
#define PROCFS_FIRST_ENTRY_INO 2
#define NET_FIRST_INO 128 /* below any pid's (pid << 8) */
#define SYSVIPC_FIRST_INO 144
#define INO_PID_SHIFT 8
#define INO_GEN_SHIFT 40
#define INO_KIND_MASK 0xffULL
#define INO_PID_MASK 0xffffffffULL
#define INO_GEN_MASK 0xffffffULL
#define KIND_TASK_DIR 0xff /* /proc/PID/task */
/* /proc/PID/task/TID: the thread's own /proc/TID without "task" (as on
 * Linux; with it, find / went round task/TID/task/TID... for ever). */
#define KIND_THREAD_DIR 0xfe
#define KIND_FD_DIR 0xfd  /* /proc/PID/fd */
#define KIND_CWD 0xfc     /* /proc/PID/cwd */
#define KIND_EXE 0xfb     /* /proc/PID/exe */
#define KIND_FD_LINK 0xfa /* /proc/PID/fd/N: N + 1 in the generation bits */

#define TEXT_FIRST_SIZE PAGE_SIZE
#define TEXT_MAX_SIZE (4ULL << 20) /* no file of ours grows beyond this */

/* Directory positions (readdir cookies): 0 ".", 1 "..", then 2 + i for
 * entry i (of /proc, or of a /proc/PID), then in /proc PID_POS + pid for
 * each process. */
#define FIRST_ENTRY_POS 2
#define PID_POS (FIRST_ENTRY_POS + ARRAY_SIZE(root_entries))

struct root_entry;

/* A directory below /proc whose files are entries[0..count), with the
 * inode numbers first_ino + i. */
struct procfs_subdir {
	const struct root_entry *entries;
	size_t count;
	uint64_t first_ino;
};

struct root_entry {
	const char *name;
	int (*show)(struct pbuf *b);     /* NULL for "self" and directories */
	const struct procfs_subdir *dir; /* "net", "sysvipc" */
};

/* A file whose text another subsystem writes into a buffer it is given
 * (/proc/net's, /proc/locks, /proc/sysvipc's). */
static int show_text(struct pbuf *b, size_t (*gen)(char *, size_t))
{
	size_t room = b->len < b->size ? b->size - b->len : 0;

	b->len += gen(room ? b->buf + b->len : b->buf, room);
	return 0;
}

static int procfs_net_dev(struct pbuf *b)
{
	return show_text(b, net_proc_dev);
}

static int procfs_net_tcp(struct pbuf *b)
{
	return show_text(b, net_proc_tcp);
}

static int procfs_net_udp(struct pbuf *b)
{
	return show_text(b, net_proc_udp);
}

/* /proc/locks: the text comes from fs/lock.c. */
static int procfs_locks(struct pbuf *b)
{
	return show_text(b, lock_proc_text);
}

static int procfs_net_unix(struct pbuf *b)
{
	return show_text(b, net_proc_unix);
}

static int procfs_net_arp(struct pbuf *b)
{
	return show_text(b, net_proc_arp);
}

static int procfs_net_route(struct pbuf *b)
{
	return show_text(b, net_proc_route);
}

static int procfs_net_snmp(struct pbuf *b)
{
	return show_text(b, net_proc_snmp);
}

/* /proc/profile: the sampling profiler's (kernel/trace/profile.c). */
static int procfs_profile(struct pbuf *b)
{
	return show_text(b, profile_format);
}

/* What a file that takes commands (profile) does with the text written
 * to it, whole: 0 or a negative errno. NULL for a read-only file. */
typedef int (*command_fn)(const char *buf, size_t len);

static command_fn entry_command(const struct root_entry *e)
{
	return e->show == procfs_profile ? profile_control : NULL;
}

static const struct root_entry net_entries[] = {
	{ "dev", procfs_net_dev, NULL },     /* kernel/net/procnet.c */
	{ "tcp", procfs_net_tcp, NULL },     /* kernel/net/procnet.c */
	{ "udp", procfs_net_udp, NULL },     /* kernel/net/socket.c */
	{ "unix", procfs_net_unix, NULL },   /* kernel/net/unix.c */
	{ "arp", procfs_net_arp, NULL },     /* kernel/net/procnet.c */
	{ "route", procfs_net_route, NULL }, /* kernel/net/procnet.c */
	{ "snmp", procfs_net_snmp, NULL },   /* kernel/net/procnet.c */
};

static const struct procfs_subdir net_dir = { net_entries,
					      ARRAY_SIZE(net_entries),
					      NET_FIRST_INO };

/* /proc/sysvipc's files: the text comes from kernel/ipc. */
static int procfs_sysvipc_shm(struct pbuf *b)
{
	return show_text(b, shm_proc_text);
}

static int procfs_sysvipc_sem(struct pbuf *b)
{
	return show_text(b, sem_proc_text);
}

static int procfs_sysvipc_msg(struct pbuf *b)
{
	return show_text(b, msg_proc_text);
}

static const struct root_entry sysvipc_entries[] = {
	{ "msg", procfs_sysvipc_msg, NULL },
	{ "sem", procfs_sysvipc_sem, NULL },
	{ "shm", procfs_sysvipc_shm, NULL },
};

static const struct procfs_subdir sysvipc_dir = { sysvipc_entries,
						  ARRAY_SIZE(sysvipc_entries),
						  SYSVIPC_FIRST_INO };

static const struct root_entry root_entries[] = {
	{ "self", NULL, NULL },
	{ "cmdline", procfs_cmdline, NULL },
	{ "cpuinfo", procfs_cpuinfo, NULL },
	{ "filesystems", procfs_filesystems, NULL },
	{ "interrupts", procfs_interrupts, NULL },
	{ "loadavg", procfs_loadavg, NULL },
	{ "locks", procfs_locks, NULL },
	{ "meminfo", procfs_meminfo, NULL },
	{ "mounts", procfs_mounts, NULL },
	{ "net", NULL, &net_dir },
	{ "profile", procfs_profile, NULL },
	{ "ring", procfs_ring, NULL },
	{ "schedstat", procfs_schedstat, NULL },
	{ "schedtrace", procfs_schedtrace, NULL },
	{ "stat", procfs_stat, NULL },
	{ "sysvipc", NULL, &sysvipc_dir },
	{ "trace_events", procfs_trace_events, NULL },
	{ "trace_stat", procfs_trace_stat, NULL },
	{ "uptime", procfs_uptime, NULL },
	{ "version", procfs_version, NULL },
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
	int link;          /* a link's: a descriptor, PROCFS_LINK_CWD, _EXE */
};

static const struct inode_operations procfs_root_ops, procfs_pid_dir_ops,
	procfs_task_dir_ops, procfs_file_ops, procfs_command_ops,
	procfs_self_ops, procfs_subdir_ops, procfs_fd_dir_ops,
	procfs_pid_link_ops;
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
	uint64_t gen = ino >> INO_GEN_SHIFT & INO_GEN_MASK;
	int fd_mode = 0;
	struct proc *p;

	pi->pid = (int)(ino >> INO_PID_SHIFT & INO_PID_MASK);
	if ((kind > ARRAY_SIZE(pid_entries) && kind < KIND_FD_LINK) ||
	    pi->pid <= 0)
		return -ENOENT;
	p = proc_get(pi->pid);
	if (!p)
		return -ENOENT;
	pi->start_ns = p->start_ns;
	if (kind == KIND_FD_LINK) {
		pi->link = (int)gen - 1;
		fd_mode = procfs_fd_mode(p, pi->link);
	}
	proc_put(p);
	if (kind == KIND_FD_LINK ? fd_mode < 0
				 : generation(pi->start_ns) != gen)
		return -ENOENT;
	if (kind == 0 || kind == KIND_THREAD_DIR) {
		fill_inode(pi, S_IFDIR | 0555, 3, &procfs_pid_dir_ops);
	} else if (kind == KIND_TASK_DIR) {
		fill_inode(pi, S_IFDIR | 0555, 2, &procfs_task_dir_ops);
	} else if (kind == KIND_FD_DIR) {
		fill_inode(pi, S_IFDIR | 0500, 2, &procfs_fd_dir_ops);
	} else if (kind == KIND_FD_LINK) {
		fill_inode(pi, S_IFLNK | (uint32_t)fd_mode, 1,
			   &procfs_pid_link_ops);
	} else if (kind == KIND_CWD || kind == KIND_EXE) {
		pi->link = kind == KIND_CWD ? PROCFS_LINK_CWD : PROCFS_LINK_EXE;
		fill_inode(pi, S_IFLNK | 0777, 1, &procfs_pid_link_ops);
	} else {
		pi->pid_entry = &pid_entries[kind - 1];
		fill_inode(pi, S_IFREG | 0444, 1, &procfs_file_ops);
	}
	return 0;
}

/* The file of a subdirectory (/proc/net, /proc/sysvipc) numbered ino,
 * or NULL. */
static const struct root_entry *subdir_entry(uint64_t ino)
{
	for (size_t i = 0; i < ARRAY_SIZE(root_entries); i++) {
		const struct procfs_subdir *d = root_entries[i].dir;

		if (d && ino - d->first_ino < d->count)
			return &d->entries[ino - d->first_ino];
	}
	return NULL;
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
			pi->root_entry = e;
			fill_inode(pi, S_IFDIR | 0555, 2, &procfs_subdir_ops);
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
	} else if ((e = subdir_entry(ino)) != NULL) {
		pi->root_entry = e;
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

/* A process directory's other entries, after the files of pid_entries;
 * "task" is last, and not in a thread's directory. */
static const struct {
	const char *name;
	unsigned int kind, type;
} pid_others[] = {
	{ "cwd", KIND_CWD, DT_LNK },
	{ "exe", KIND_EXE, DT_LNK },
	{ "fd", KIND_FD_DIR, DT_DIR },
	{ "task", KIND_TASK_DIR, DT_DIR },
};

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
	for (size_t i = 0; i < ARRAY_SIZE(pid_others); i++) {
		if (!name_is(name, len, pid_others[i].name) ||
		    (pid_others[i].kind == KIND_TASK_DIR && is_thread_dir(dir)))
			continue;
		return vfs_iget(dir->sb,
				pid_ino(pi->pid, pi->start_ns,
					pid_others[i].kind),
				out);
	}
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
	for (; *pos < FIRST_ENTRY_POS + ARRAY_SIZE(pid_entries) +
			      ARRAY_SIZE(pid_others);
	     (*pos)++) {
		unsigned int i =
			*pos - FIRST_ENTRY_POS - ARRAY_SIZE(pid_entries);
		const char *name = pid_others[i].name;

		if (pid_others[i].kind == KIND_TASK_DIR && is_thread_dir(dir))
			continue;
		if (emit(ctx, name, strlen(name),
			 pid_ino(pi->pid, pi->start_ns, pid_others[i].kind),
			 pid_others[i].type))
			return 0;
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

/* ---- /proc/PID/fd and the links ------------------------------------------ */

static uint64_t fd_link_ino(const struct procfs_inode *pi, int fd)
{
	return (uint64_t)(fd + 1) << INO_GEN_SHIFT |
	       (uint64_t)pi->pid << INO_PID_SHIFT | KIND_FD_LINK;
}

static int procfs_fd_lookup(struct inode *dir, const char *name, size_t len,
			    struct inode **out)
{
	struct procfs_inode *pi = pinode(dir);
	int fd;

	if (name_is(name, len, ".."))
		return vfs_iget(dir->sb, pid_ino(pi->pid, pi->start_ns, 0),
				out);
	fd = name_is(name, len, "0") ? 0 : parse_pid(name, len);
	if (fd < 0 || fd >= FD_MAX)
		return -ENOENT;
	return vfs_iget(dir->sb, fd_link_ino(pi, fd), out);
}

/* ".", "..", then the open descriptors in order: position
 * FIRST_ENTRY_POS + the next descriptor to look at. */
static int procfs_fd_readdir(struct inode *dir, uint64_t *pos, vfs_emit_fn emit,
			     void *ctx)
{
	struct procfs_inode *pi = pinode(dir);
	struct proc *p = inode_proc(pi);
	int fd;

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
	while ((fd = procfs_fd_next(p, (int)(*pos - FIRST_ENTRY_POS))) >= 0) {
		char name[16];

		ksnprintf(name, sizeof(name), "%d", fd);
		if (emit(ctx, name, strlen(name), fd_link_ino(pi, fd), DT_LNK))
			break;
		*pos = FIRST_ENTRY_POS + (uint64_t)fd + 1;
	}
out:
	proc_put(p);
	return 0;
}

static const struct inode_operations procfs_fd_dir_ops = {
	.lookup = procfs_fd_lookup,
	.readdir = procfs_fd_readdir,
};

/* The link's text, or with target the inode it stands for. */
static int pid_link(struct inode *inode, char *buf, struct inode **target)
{
	struct procfs_inode *pi = pinode(inode);
	struct proc *p = proc_get(pi->pid);
	int n;

	if (!p)
		return -ENOENT;
	/* An fd link's number has no generation: any process with the pid
	 * will do (its files are looked up afresh). */
	n = (inode->ino & INO_KIND_MASK) == KIND_FD_LINK ||
			    p->start_ns == pi->start_ns
		    ? procfs_link(p, pi->link, buf, target)
		    : -ENOENT;
	proc_put(p);
	return n;
}

static int procfs_pid_readlink(struct inode *inode, char *buf, size_t size)
{
	char *text = kmalloc(VFS_PATH_MAX);
	int n;

	if (!text)
		return -ENOMEM;
	n = pid_link(inode, text, NULL);
	if (n >= 0) {
		n = MIN(n, (int)size);
		memcpy(buf, text, (size_t)n);
	}
	kfree(text);
	return n;
}

static int procfs_pid_get_link(struct inode *inode, struct inode **target)
{
	char *text = kmalloc(VFS_PATH_MAX);
	int n;

	if (!text)
		return -ENOMEM;
	n = pid_link(inode, text, target);
	kfree(text);
	return n < 0 ? n : 0;
}

static const struct inode_operations procfs_pid_link_ops = {
	.readlink = procfs_pid_readlink,
	.get_link = procfs_pid_get_link,
};

/* ---- /proc/net ----------------------------------------------------------- */

static int procfs_subdir_lookup(struct inode *dir, const char *name, size_t len,
				struct inode **out)
{
	const struct procfs_subdir *d = pinode(dir)->root_entry->dir;

	if (name_is(name, len, ".."))
		return vfs_iget(dir->sb, PROCFS_ROOT_INO, out);
	for (size_t i = 0; i < d->count; i++)
		if (name_is(name, len, d->entries[i].name))
			return vfs_iget(dir->sb, d->first_ino + i, out);
	return -ENOENT;
}

static int procfs_subdir_readdir(struct inode *dir, uint64_t *pos,
				 vfs_emit_fn emit, void *ctx)
{
	const struct procfs_subdir *d = pinode(dir)->root_entry->dir;

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
	for (; *pos < FIRST_ENTRY_POS + d->count; (*pos)++) {
		const struct root_entry *e =
			&d->entries[*pos - FIRST_ENTRY_POS];

		if (emit(ctx, e->name, strlen(e->name),
			 d->first_ino + *pos - FIRST_ENTRY_POS, DT_REG))
			return 0;
	}
	return 0;
}

static const struct inode_operations procfs_subdir_ops = {
	.lookup = procfs_subdir_lookup,
	.readdir = procfs_subdir_readdir,
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
