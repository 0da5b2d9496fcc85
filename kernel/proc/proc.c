/*
 * The process table: every process from fork until its parent reaps it,
 * in a hash of PID_HASH chains by pid, under one spinlock, proc_lock,
 * which also guards the family links, states and ids (struct proc says
 * which fields). Here: finding processes (proc_get, for_each_proc_locked
 * and proc_for_each), giving out pids, putting a process in the table
 * (proc_publish) and taking it out again (proc_make_zombie_locked at
 * exit, proc_reap_locked when it is waited for), a process's names, and
 * the id system calls.
 *
 * A struct proc is reference counted: the table holds one reference,
 * the parent one until it reaps, and each proc_get one more, so /proc
 * can read a process that exits meanwhile; the last proc_put frees it.
 * Pids count up and wrap, skipping any in use as a process, group or
 * session id, so a pid is not reused soon.
 *
 * The rest of a process's life: fork.c (making one), exec.c (a new
 * program), exit.c (exit and wait), pgrp.c (groups and sessions), kill.c
 * and signal.c. docs/processes.md has the pictures.
 */
#include "fs/fdtable.h"
#include "fs/vfs.h"
#include "proc/proc.h"
#include "proc/table.h"

#define PID_MAX 32768
#define PID_HASH 64 /* chains */

/* The lock and the table it guards (table.h): the pid hash, every
 * process's family links, state and ids, and the counts. Taken before
 * any process's signal lock, and before the sched lock. */
struct spinlock proc_lock = SPINLOCK_INIT("proc");
static struct proc *pid_hash[PID_HASH];
static int last_pid;
static struct proc_counts counts;
static struct proc *init_proc; /* pid 1, once it exists */

/* ---- the table: caller holds proc_lock -------------------------------- */

struct proc *proc_lookup_locked(int pid)
{
	struct proc *p;

	if (pid <= 0)
		return NULL; /* any number can come from user space */
	p = pid_hash[pid % PID_HASH];

	while (p && p->pid != pid)
		p = p->hash_next;
	return p;
}

/* The first process on chain i or a later one, or NULL. */
static struct proc *chain_from_locked(int i)
{
	for (; i < PID_HASH; i++)
		if (pid_hash[i])
			return pid_hash[i];
	return NULL;
}

struct proc *proc_first_locked(void)
{
	return chain_from_locked(0);
}

struct proc *proc_next_locked(struct proc *p)
{
	return p->hash_next ? p->hash_next
			    : chain_from_locked(p->pid % PID_HASH + 1);
}

/* Is pid taken, as a process's, a group's or a session's id? */
static bool pid_in_use_locked(int pid)
{
	struct proc *q;

	if (proc_lookup_locked(pid))
		return true;
	for_each_proc_locked(q)
		if (q->pgid == pid || q->sid == pid)
			return true;
	return false;
}

/* The next free pid, counting up and wrapping as Unix does (so a pid is
 * not reused soon), skipping those in use as a process, group or session
 * id; -EAGAIN when the table is full. */
static int alloc_pid_locked(void)
{
	for (int tries = 0; tries < PID_MAX; tries++) {
		int pid = last_pid + 1 >= PID_MAX ? 2 : last_pid + 1;

		last_pid = pid;
		if (!pid_in_use_locked(pid))
			return pid;
	}
	return -EAGAIN;
}

static void hash_insert_locked(struct proc *p)
{
	p->hash_next = pid_hash[p->pid % PID_HASH];
	pid_hash[p->pid % PID_HASH] = p;
}

static void hash_remove_locked(struct proc *p)
{
	struct proc **pp = &pid_hash[p->pid % PID_HASH];

	while (*pp && *pp != p)
		pp = &(*pp)->hash_next;
	if (*pp)
		*pp = p->hash_next;
}

static void child_add_locked(struct proc *parent, struct proc *c)
{
	c->parent = parent;
	c->sibling = parent->children;
	parent->children = c;
}

static void child_remove_locked(struct proc *c)
{
	struct proc **pp = &c->parent->children;

	while (*pp && *pp != c)
		pp = &(*pp)->sibling;
	if (*pp)
		*pp = c->sibling;
	c->sibling = NULL;
}

/* ---- looking up -------------------------------------------------------- */

struct proc *proc_current(void)
{
	struct task *t = current_task();

	return t ? task_owner(t) : NULL;
}

struct proc *proc_get(int pid)
{
	struct proc *p;

	spin_lock(&proc_lock);
	p = proc_lookup_locked(pid);
	if (p)
		p->refcount++;
	spin_unlock(&proc_lock);
	return p;
}

void proc_free(struct proc *p)
{
	if (p->task)
		task_release(p->task); /* freed once off its CPU */
	signal_state_free(&p->sig);
	if (p->tg &&
	    __atomic_sub_fetch(&p->tg->refcount, 1, __ATOMIC_ACQ_REL) == 0) {
		posix_timer_group_exit(p->tg);
		signal_group_free(p->tg);
		kfree(p->tg);
	}
	kfree(p->cmdline);
	kfree(p);
}

void proc_put(struct proc *p)
{
	bool last;

	spin_lock(&proc_lock);
	last = --p->refcount == 0;
	spin_unlock(&proc_lock);
	if (last)
		proc_free(p);
}

void proc_for_each(void (*fn)(struct proc *p, void *arg), void *arg)
{
	struct proc *p;

	spin_lock(&proc_lock);
	for_each_proc_locked(p)
		fn(p, arg);
	spin_unlock(&proc_lock);
}

int proc_list_pids(int *pids, int max)
{
	struct proc *p;
	int n = 0;

	spin_lock(&proc_lock);
	for_each_proc_locked(p) {
		/* Insertion sort: the table is small. */
		int j = n < max ? n : max;

		if (p->pid != p->tgid)
			continue; /* a thread: /proc/PID/task has it */
		n++;
		while (j > 0 && pids[j - 1] > p->pid) {
			if (j < max)
				pids[j] = pids[j - 1];
			j--;
		}
		if (j < max)
			pids[j] = p->pid;
	}
	spin_unlock(&proc_lock);
	return n;
}

int proc_ppid(struct proc *p)
{
	int ppid;

	spin_lock(&proc_lock);
	p = p->tg->leader;
	ppid = p->parent ? p->parent->pid : 0;
	spin_unlock(&proc_lock);
	return ppid;
}

struct proc *proc_leader(struct proc *p)
{
	struct proc *l;

	spin_lock(&proc_lock);
	l = p->tg->leader;
	spin_unlock(&proc_lock);
	return l;
}

unsigned int proc_thread_count(struct proc *p)
{
	unsigned int n;

	spin_lock(&proc_lock);
	n = p->tg->live;
	spin_unlock(&proc_lock);
	return n;
}

int proc_list_tids(struct proc *p, int *tids, int max)
{
	int n = 0;

	spin_lock(&proc_lock);
	for (struct proc *t = p->tg->threads; t; t = t->thread_next) {
		int j = n < max ? n : max;

		n++;
		while (j > 0 && tids[j - 1] > t->pid) {
			if (j < max)
				tids[j] = tids[j - 1];
			j--;
		}
		if (j < max)
			tids[j] = t->pid;
	}
	spin_unlock(&proc_lock);
	return n;
}

struct mm *proc_mm_get(struct proc *p)
{
	struct mm *mm;

	spin_lock(&proc_lock);
	mm = p->mm;
	if (mm)
		mm_get(mm);
	spin_unlock(&proc_lock);
	return mm;
}

struct fdtable *proc_files_get(struct proc *p)
{
	struct fdtable *t;

	spin_lock(&proc_lock);
	t = p->files;
	if (t)
		fdtable_get(t);
	spin_unlock(&proc_lock);
	return t;
}

struct inode *proc_cwd_get(struct proc *p)
{
	struct inode *ip = NULL;

	spin_lock(&proc_lock);
	if (p->fs)
		ip = fs_struct_cwd(p->fs);
	spin_unlock(&proc_lock);
	return ip;
}

/* p is the running thread: its fs stays while it runs. */
struct inode *proc_cwd_set(struct proc *p, struct inode *dir)
{
	return fs_struct_set_cwd(p->fs, dir);
}

unsigned int proc_umask(struct proc *p)
{
	unsigned int m = 0;

	spin_lock(&proc_lock);
	if (p->fs)
		m = fs_struct_umask(p->fs);
	spin_unlock(&proc_lock);
	return m;
}

struct inode *proc_exe_get(struct proc *p, char *buf)
{
	struct inode *ip;

	spin_lock(&proc_lock);
	ip = p->exe;
	if (ip) {
		vfs_iref(ip);
		strlcpy(buf, p->exe_path, VFS_PATH_MAX);
	}
	spin_unlock(&proc_lock);
	return ip;
}

size_t proc_cmdline_copy(struct proc *p, char *buf, size_t size)
{
	size_t len;

	spin_lock(&proc_lock);
	len = p->cmdline_len;
	memcpy(buf, p->cmdline, MIN(len, size));
	spin_unlock(&proc_lock);
	return len;
}

void proc_get_counts(struct proc_counts *c)
{
	spin_lock(&proc_lock);
	*c = counts;
	spin_unlock(&proc_lock);
}

/* ---- names: set by spawn and execve ---------------------------------- */

void proc_set_cmdline(struct proc *p, char *const argv[])
{
	size_t len = 0;
	char *buf, *old;

	for (int i = 0; argv && argv[i]; i++)
		len += strlen(argv[i]) + 1;
	if (len > PROC_CMDLINE_MAX)
		len = PROC_CMDLINE_MAX;
	buf = len ? kmalloc(len) : NULL;
	if (buf) {
		size_t off = 0;

		for (int i = 0; argv[i] && off < len; i++) {
			size_t n = strlen(argv[i]) + 1;

			if (n > len - off)
				n = len - off;
			memcpy(buf + off, argv[i], n);
			off += n;
		}
	}
	spin_lock(&proc_lock);
	old = p->cmdline;
	p->cmdline = buf;
	p->cmdline_len = buf ? len : 0;
	spin_unlock(&proc_lock);
	kfree(old);
}

void proc_set_name(struct proc *p, const char *path)
{
	const char *base = strrchr(path, '/');

	strlcpy(p->name, base ? base + 1 : path, sizeof(p->name));
}

/* ---- into the table and out of it ------------------------------------- */

/* Put p in the table under parent (NULL: made by the kernel): 0, or
 * -EAGAIN at the process limit. The first process is init, pid 1. */
int proc_publish(struct proc *p, struct proc *parent, bool is_init)
{
	int pid;

	spin_lock(&proc_lock);
	if (counts.alive + counts.zombies >= counts.max) {
		spin_unlock(&proc_lock);
		return -EAGAIN;
	}
	pid = alloc_pid_locked();
	if (pid < 0) {
		spin_unlock(&proc_lock);
		return pid;
	}
	if (is_init && !init_proc && !proc_lookup_locked(1)) {
		pid = 1;
		init_proc = p;
	}
	p->pid = pid;
	p->tgid = pid;
	p->tg->threads = p;
	p->tg->live = 1;
	if (parent) {
		child_add_locked(parent, p);
		p->pgid = parent->pgid;
		p->sid = parent->sid;
		p->refcount++; /* the parent's, until it reaps */
	} else {
		p->pgid = p->pid;
		p->sid = p->pid;
	}
	hash_insert_locked(p);
	counts.alive++;
	counts.forks++;
	spin_unlock(&proc_lock);
	return 0;
}

int proc_publish_thread(struct proc *c, struct proc *self)
{
	struct thread_group *tg = self->tg;
	struct sighand *h;
	int pid;

	spin_lock(&proc_lock);
	if (counts.alive + counts.zombies >= counts.max || tg->group_exit ||
	    tg->exec_thread) {
		spin_unlock(&proc_lock);
		return -EAGAIN;
	}
	pid = alloc_pid_locked();
	if (pid < 0) {
		spin_unlock(&proc_lock);
		return pid;
	}
	c->pid = pid;
	c->tgid = self->tgid;
	c->pgid = self->pgid;
	c->sid = self->sid;
	__atomic_add_fetch(&tg->refcount, 1, __ATOMIC_RELAXED);
	hash_insert_locked(c);
	counts.alive++;
	counts.forks++;
	h = signal_lock(self);
	c->thread_next = tg->threads;
	tg->threads = c;
	tg->live++;
	signal_unlock(h);
	spin_unlock(&proc_lock);
	return 0;
}

void proc_thread_unlink_locked(struct proc *p)
{
	struct thread_group *tg = p->tg;
	struct sighand *h = signal_lock(p);
	struct proc **pp = &tg->threads;

	while (*pp && *pp != p)
		pp = &(*pp)->thread_next;
	if (*pp) {
		*pp = p->thread_next;
		tg->live--;
	}
	p->thread_next = NULL;
	p->thread_exited = true;
	signal_unlock(h);
}

void proc_thread_account_locked(struct proc *p)
{
	struct proc *l = p->tg->leader;

	__atomic_add_fetch(&l->utime_ns, p->utime_ns, __ATOMIC_RELAXED);
	__atomic_add_fetch(&l->stime_ns, p->stime_ns, __ATOMIC_RELAXED);
}

void proc_thread_reap_locked(struct proc *p)
{
	ptrace_unlink_locked(p);
	hash_remove_locked(p);
	p->state = PROC_ZOMBIE;
	counts.alive--;
	if (--p->refcount == 0) /* the table's */
		proc_free(p);
}

void proc_exec_takeover_locked(struct proc *self)
{
	struct proc *l = self->tg->leader;

	if (l == self)
		return;
	hash_remove_locked(self);
	hash_remove_locked(l);
	self->pid = l->pid;
	/* self takes l's place among its parent's children. */
	self->parent = l->parent;
	if (l->parent) {
		struct proc **pp;

		for (pp = &l->parent->children; *pp && *pp != l;
		     pp = &(*pp)->sibling)
			;
		if (*pp)
			*pp = self;
		self->sibling = l->sibling;
		self->refcount++; /* the parent's, moved from l */
		l->refcount--;
	}
	self->children = l->children;
	for (struct proc *c = self->children; c; c = c->sibling)
		c->parent = self;
	self->pgid = l->pgid;
	self->sid = l->sid;
	self->exit_signal = l->exit_signal;
	self->kernel_child = l->kernel_child;
	self->start_ns = l->start_ns;
	self->cutime_ns = l->cutime_ns;
	self->cstime_ns = l->cstime_ns;
	__atomic_add_fetch(&self->utime_ns, l->utime_ns, __ATOMIC_RELAXED);
	__atomic_add_fetch(&self->stime_ns, l->stime_ns, __ATOMIC_RELAXED);
	if (l == init_proc)
		init_proc = self;
	l->parent = NULL;
	l->children = NULL;
	l->sibling = NULL;
	hash_insert_locked(self);
	self->tg->leader = self;
	ptrace_takeover_locked(self, l);
	/* l's thread has exited (exec waited for it): it goes. */
	l->state = PROC_ZOMBIE;
	counts.alive--;
	if (--l->refcount == 0) /* the table's */
		proc_free(l);
}

/* The process limit: proc.max= on the command line, or the default. */
void proc_init(void)
{
	char max[16];

	counts.max = PROC_MAX_DEFAULT;
	if (cmdline_option("proc.max", max, sizeof(max)) >= 0) {
		unsigned long n = kstrtoul(max, NULL, 10);

		if (n >= 2 && n < PID_MAX)
			counts.max = (unsigned int)n;
	}
}

/* Remove a zombie: its times go to the parent's children's times.
 * Caller holds proc_lock. */
void proc_reap_locked(struct proc *p)
{
	if (p->parent) {
		p->parent->cutime_ns += p->utime_ns + p->cutime_ns;
		p->parent->cstime_ns += p->stime_ns + p->cstime_ns;
		p->parent->cminflt += p->minflt + p->cminflt;
		p->parent->cmajflt += p->majflt + p->cmajflt;
		child_remove_locked(p);
		p->refcount--; /* the parent's */
	}
	ptrace_unlink_locked(p);
	hash_remove_locked(p);
	counts.zombies--;
	if (--p->refcount == 0) /* the table's */
		proc_free(p);
}

bool proc_is_init(const struct proc *p)
{
	return p == init_proc;
}

/* p is exiting: its children go to init, which reaps them (and is woken
 * for those already dead), and p becomes a zombie with this wait status.
 * Caller holds proc_lock. */
void proc_make_zombie_locked(struct proc *p, int wait_status)
{
	struct proc *c, *next;

	for (c = p->children; c; c = next) {
		next = c->sibling;
		c->parent = NULL;
		c->refcount--; /* our reference as its parent */
		if (init_proc) {
			child_add_locked(init_proc, c);
			c->refcount++;
			if (c->state == PROC_ZOMBIE)
				wake_up(&init_proc->child_wait);
		} else if (c->state == PROC_ZOMBIE) {
			proc_reap_locked(c); /* no init (kernel tests) */
		}
	}
	p->children = NULL;
	p->state = PROC_ZOMBIE;
	p->exit_status = wait_status;
	counts.alive--;
	counts.zombies++;
}

/* ---- ids --------------------------------------------------------------- */

static long sys_getpid(void)
{
	return proc_current()->tgid;
}
SYSCALL(getpid, sys_getpid);

static long sys_gettid(void)
{
	return proc_current()->pid;
}
SYSCALL(gettid, sys_gettid);

/* At this thread's exit, 0 goes to tidptr and a futex wake to whoever
 * waits on it (pthread_join). */
static long sys_set_tid_address(uaddr_t tidptr)
{
	struct proc *p = proc_current();

	p->clear_child_tid = tidptr;
	return p->pid;
}
SYSCALL(set_tid_address, sys_set_tid_address);

static long sys_getppid(void)
{
	return proc_ppid(proc_current());
}
SYSCALL(getppid, sys_getppid);

/* ---- accounting --------------------------------------------------------- */

void proc_tick(bool user, uint64_t ns)
{
	struct proc *p = proc_current();

	if (!p)
		return;
	__atomic_add_fetch(user ? &p->utime_ns : &p->stime_ns, ns,
			   __ATOMIC_RELAXED);
}
