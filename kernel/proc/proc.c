/*
 * Process lifetime: the process table, making processes (the first from
 * a file, the rest by fork), ending them, and waiting for them.
 *
 *   fork/clone   copy the parent: address space (copy on write), open
 *                files, working directory, signal actions and mask, ids
 *   exit         free memory and files at once, hand the children to
 *                init, become a zombie, tell the parent (SIGCHLD)
 *   wait4        the parent collects a zombie's status: then it is gone
 *
 * A process's address space cannot be freed while its CPU still runs on
 * it: exit switches the task to the kernel's page tables first. The task
 * itself (its kernel stack) is freed by the scheduler once it has
 * switched away, so a zombie's struct proc never points at a live task.
 * docs/processes.md has the pictures.
 */
#include "proc/proc.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"

#define PID_MAX 32768
#define PID_HASH 64

#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_CHILD_SETTID 0x01000000
#define CSIGNAL 0xff

#define WNOHANG 0x00000001
#define WUNTRACED 0x00000002
#define WSTOPPED WUNTRACED
#define WEXITED 0x00000004
#define WCONTINUED 0x00000008
#define WNOWAIT 0x01000000
#define __WNOTHREAD 0x20000000
#define __WALL 0x40000000
#define __WCLONE 0x80000000

#define P_ALL 0
#define P_PID 1
#define P_PGID 2

/* The process table: the pid hash, every process's family links, state
 * and ids, and the counts. Taken before any process's signal lock, and
 * before the sched lock. */
static struct spinlock proc_lock = SPINLOCK_INIT("proc");
static struct proc *pid_hash[PID_HASH];
static int last_pid;
static struct proc_counts counts;
static struct proc *init_proc; /* pid 1, once it exists */

/* ---- the table: caller holds proc_lock -------------------------------- */

static struct proc *lookup_locked(int pid)
{
	struct proc *p;

	if (pid <= 0)
		return NULL; /* any number can come from user space */
	p = pid_hash[pid % PID_HASH];

	while (p && p->pid != pid)
		p = p->hash_next;
	return p;
}

/* The next free pid, counting up and wrapping as Unix does (so a pid is
 * not reused soon), skipping those in use as a process, group or session
 * id; -EAGAIN when the table is full. */
static int alloc_pid_locked(void)
{
	for (int tries = 0; tries < PID_MAX; tries++) {
		int pid = last_pid + 1 >= PID_MAX ? 2 : last_pid + 1;
		bool used = lookup_locked(pid) != NULL;

		last_pid = pid;
		for (int i = 0; i < PID_HASH && !used; i++)
			for (struct proc *q = pid_hash[i]; q; q = q->hash_next)
				if (q->pgid == pid || q->sid == pid)
					used = true;
		if (!used)
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
	p = lookup_locked(pid);
	if (p)
		p->refcount++;
	spin_unlock(&proc_lock);
	return p;
}

static void proc_free(struct proc *p)
{
	if (p->task)
		task_release(p->task); /* freed once off its CPU */
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
	spin_lock(&proc_lock);
	for (int i = 0; i < PID_HASH; i++)
		for (struct proc *p = pid_hash[i]; p; p = p->hash_next)
			fn(p, arg);
	spin_unlock(&proc_lock);
}

int proc_list_pids(int *pids, int max)
{
	int n = 0;

	spin_lock(&proc_lock);
	for (int i = 0; i < PID_HASH; i++) {
		for (struct proc *p = pid_hash[i]; p; p = p->hash_next) {
			/* Insertion sort: the table is small. */
			int j = n < max ? n : max;

			n++;
			while (j > 0 && pids[j - 1] > p->pid) {
				if (j < max)
					pids[j] = pids[j - 1];
				j--;
			}
			if (j < max)
				pids[j] = p->pid;
		}
	}
	spin_unlock(&proc_lock);
	return n;
}

int proc_ppid(struct proc *p)
{
	int ppid;

	spin_lock(&proc_lock);
	ppid = p->parent ? p->parent->pid : 0;
	spin_unlock(&proc_lock);
	return ppid;
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

/* ---- making processes ----------------------------------------------- */

static void set_cmdline(struct proc *p, char *const argv[])
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

static void set_name(struct proc *p, const char *path)
{
	const char *base = strrchr(path, '/');

	strlcpy(p->name, base ? base + 1 : path, sizeof(p->name));
}

static void default_limits(struct proc *p)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		p->rlim[i] = (struct rlimit64){ RLIM_INFINITY, RLIM_INFINITY };
	p->rlim[RLIMIT_STACK] = (struct rlimit64){ 8 << 20, RLIM_INFINITY };
	p->rlim[RLIMIT_NOFILE] = (struct rlimit64){ FD_DEFAULT_LIMIT, FD_MAX };
	p->rlim[RLIMIT_CORE] = (struct rlimit64){ 0, RLIM_INFINITY };
	p->rlim[RLIMIT_NPROC] =
		(struct rlimit64){ PROC_MAX_DEFAULT, PROC_MAX_DEFAULT };
}

/* A new struct proc with its own pid, not yet in the table. */
static struct proc *proc_alloc(void)
{
	struct proc *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	p->state = PROC_ALIVE;
	p->refcount = 1; /* the table's */
	p->child_wait = (struct waitqueue)WAITQUEUE_INIT;
	p->vfork_wait = (struct waitqueue)WAITQUEUE_INIT;
	p->start_ns = time_ns();
	p->exit_signal = SIGCHLD;
	signal_state_init(&p->sig);
	return p;
}

/* Undo proc_alloc and what was given to p before it was in the table. */
static void proc_discard(struct proc *p)
{
	if (p->files)
		fdtable_put(p->files);
	if (p->mm)
		mm_put(p->mm);
	if (p->cwd)
		vfs_iput(p->cwd);
	proc_free(p);
}

/* Put p in the table under parent (NULL: made by the kernel): 0, or
 * -EAGAIN at the process limit. The first process is init, pid 1. */
static int proc_publish(struct proc *p, struct proc *parent, bool is_init)
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
	if (is_init && !init_proc && !lookup_locked(1)) {
		pid = 1;
		init_proc = p;
	}
	p->pid = pid;
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

/* The task's first code: leave for user mode with the registers in
 * *arg, a kmalloc'd frame (a new program's, or a copy of the forking
 * parent's). user_enter pops them from the local copy; after that the
 * kernel stack is empty again. */
static void enter_user(void *arg)
{
	struct trapframe tf = *(struct trapframe *)arg;

	kfree(arg);
	irq_disable();
	user_enter(&tf);
}

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

static int spawn(const char *path, char *const argv[], char *const envp[],
		 bool is_init, struct proc **out)
{
	struct proc *p = proc_alloc();
	struct trapframe *tf = kzalloc(sizeof(*tf));
	int err = -ENOMEM;

	if (!p || !tf)
		goto fail;
	p->mm = mm_create();
	p->files = fdtable_create();
	if (!p->mm || !p->files)
		goto fail;
	err = vfs_lookup(NULL, "/", LOOKUP_FOLLOW, &p->cwd);
	if (err)
		goto fail;
	p->umask = 022;
	default_limits(p);
	err = exec_load(p->mm, path, argv, envp, &tf->rip, &tf->rsp);
	if (err)
		goto fail;
	set_name(p, path);
	set_cmdline(p, argv);
	tf->cs = SEL_UCODE;
	tf->ss = SEL_UDATA;
	tf->rflags = RFLAGS_IF;
	p->task = task_create(p->name, &p->mm->vs, p, enter_user, tf);
	if (!p->task) {
		err = -ENOMEM;
		goto fail;
	}
	p->kernel_child = !is_init;
	err = proc_publish(p, NULL, is_init);
	if (err) {
		task_discard(p->task);
		p->task = NULL;
		goto fail;
	}
	p->refcount++; /* the caller's */
	task_start(p->task);
	*out = p;
	return 0;
fail:
	kfree(tf);
	if (p)
		proc_discard(p);
	return err;
}

int proc_spawn(const char *path, char *const argv[], char *const envp[],
	       struct proc **out)
{
	return spawn(path, argv, envp, false, out);
}

int proc_spawn_init(const char *path, char *const argv[], char *const envp[])
{
	struct proc *p;
	int err = spawn(path, argv, envp, true, &p);

	if (!err)
		proc_put(p);
	return err;
}

/* fork, vfork and clone. Threads (CLONE_THREAD) are not supported yet:
 * every task is a process of its own. */
static long do_fork(uint64_t flags, uaddr_t stack, uaddr_t parent_tid,
		    uint64_t tls)
{
	struct proc *parent = proc_current(), *c;
	struct trapframe *tf;
	int err = -ENOMEM;

	if (flags & (CLONE_THREAD | CLONE_SIGHAND))
		return -EINVAL;
	c = proc_alloc();
	tf = kmalloc(sizeof(*tf));
	if (!c || !tf)
		goto fail;
	*tf = *user_frame();
	tf->rax = 0; /* the child's return value */
	if (stack)
		tf->rsp = stack;
	if (flags & CLONE_VM) {
		mm_get(parent->mm);
		c->mm = parent->mm;
	} else {
		c->mm = mm_fork(parent->mm);
	}
	if (flags & CLONE_FILES) {
		fdtable_get(parent->files);
		c->files = parent->files;
	} else {
		c->files = fdtable_copy(parent->files);
	}
	if (!c->mm || !c->files)
		goto fail;
	vfs_iref(parent->cwd);
	c->cwd = parent->cwd;
	c->umask = parent->umask;
	memcpy(c->rlim, parent->rlim, sizeof(c->rlim));
	memcpy(c->name, parent->name, sizeof(c->name));
	if (parent->cmdline) {
		c->cmdline = kmalloc(parent->cmdline_len);
		if (c->cmdline) {
			memcpy(c->cmdline, parent->cmdline,
			       parent->cmdline_len);
			c->cmdline_len = parent->cmdline_len;
		}
	}
	c->exit_signal = (int)(flags & CSIGNAL);
	signal_state_fork(&c->sig, &parent->sig);
	c->task = task_create(c->name, &c->mm->vs, c, enter_user, tf);
	if (!c->task)
		goto fail;
	task_copy_user_state(c->task);
	if (flags & CLONE_SETTLS)
		task_init_fs_base(c->task, tls);
	err = proc_publish(c,
			   (flags & CLONE_PARENT) && parent->parent
				   ? parent->parent
				   : parent,
			   false);
	if (err) {
		task_discard(c->task);
		c->task = NULL;
		goto fail;
	}
	if (flags & CLONE_PARENT_SETTID)
		put_user((int32_t)c->pid, parent_tid);
	task_start(c->task);
	if (flags & CLONE_VFORK) {
		/* The parent waits until the child has let go of the shared
		 * memory: by exec or exit. */
		spin_lock(&proc_lock);
		while (!c->vfork_done)
			sleep_on(&c->vfork_wait, &proc_lock);
		spin_unlock(&proc_lock);
	}
	return c->pid;
fail:
	kfree(tf);
	if (c)
		proc_discard(c);
	return err;
}

static long sys_fork(void)
{
	return do_fork(SIGCHLD, 0, 0, 0);
}
SYSCALL(fork, sys_fork);

static long sys_vfork(void)
{
	return do_fork(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0);
}
SYSCALL(vfork, sys_vfork);

/* Linux x86-64's argument order: flags, stack, parent_tid, child_tid,
 * tls. */
static long sys_clone(uint64_t flags, uaddr_t stack, uaddr_t parent_tid,
		      uaddr_t child_tid, uint64_t tls)
{
	return do_fork(flags, stack, parent_tid, tls);
}
SYSCALL(clone, sys_clone);

/* ---- exec ------------------------------------------------------------ */

#define EXEC_MAX_ARGS 4096
#define EXEC_MAX_BYTES (256 * 1024)

/* A NULL-terminated vector of strings copied from user space into one
 * kmalloc'd block (pointers first, then the strings); *bytes counts the
 * strings' sizes against the limit. */
static int copy_strings(uaddr_t uvec, char ***out, size_t *bytes)
{
	char **vec;
	char *strs;
	size_t n = 0, used = 0;

	*out = NULL;
	vec = kmalloc(EXEC_MAX_ARGS * sizeof(char *) + EXEC_MAX_BYTES);
	if (!vec)
		return -ENOMEM;
	strs = (char *)(vec + EXEC_MAX_ARGS);
	for (; uvec; n++) {
		uint64_t ustr;
		long len;

		if (n == EXEC_MAX_ARGS - 1 ||
		    get_user(ustr, uvec + n * sizeof(uint64_t)))
			goto fault;
		if (!ustr)
			break;
		len = strncpy_from_user(strs + used, ustr,
					EXEC_MAX_BYTES - *bytes - used);
		if (len < 0) {
			kfree(vec);
			return len == -ENAMETOOLONG ? -E2BIG : (int)len;
		}
		vec[n] = strs + used;
		used += len + 1;
	}
	vec[n] = NULL;
	*bytes += used;
	*out = vec;
	return 0;
fault:
	kfree(vec);
	return n == EXEC_MAX_ARGS - 1 ? -E2BIG : -EFAULT;
}

static void vfork_release(struct proc *p)
{
	spin_lock(&proc_lock);
	p->vfork_done = true;
	wake_up(&p->vfork_wait);
	spin_unlock(&proc_lock);
}

static long sys_execve(uaddr_t upath, uaddr_t uargv, uaddr_t uenvp)
{
	struct proc *p = proc_current();
	struct trapframe *tf = user_frame();
	char *path = NULL, **argv = NULL, **envp = NULL;
	size_t bytes = 0;
	uint64_t entry, rsp;
	struct mm *mm, *old;
	int err;

	err = user_path(upath, &path);
	if (!err)
		err = copy_strings(uargv, &argv, &bytes);
	if (!err)
		err = copy_strings(uenvp, &envp, &bytes);
	mm = err ? NULL : mm_create();
	if (!err && !mm)
		err = -ENOMEM;
	if (!err)
		err = exec_load(mm, path, argv, envp, &entry, &rsp);
	if (err) {
		if (mm)
			mm_put(mm);
		goto out;
	}
	/* No way back from here: the old program is gone. */
	spin_lock(&proc_lock);
	old = p->mm;
	p->mm = mm;
	spin_unlock(&proc_lock);
	task_set_vs(&mm->vs);
	mm_put(old);
	vfork_release(p);
	fdtable_exec(p->files);
	signal_state_exec(&p->sig);
	set_name(p, path);
	set_cmdline(p, argv);
	task_reset_user_state();
	memset(tf, 0, sizeof(*tf));
	tf->rip = entry;
	tf->rsp = rsp;
	tf->cs = SEL_UCODE;
	tf->ss = SEL_UDATA;
	tf->rflags = RFLAGS_IF;
	tf->vector = 256; /* still a syscall frame */
	p->frame_rewritten = true;
out:
	kfree(path);
	kfree(argv);
	kfree(envp);
	return err;
}
SYSCALL(execve, sys_execve);

/* ---- exit ------------------------------------------------------------ */

/* Tell p's parent that p changed state (exit, stop, continue): its
 * signal, and a wakeup for wait4. Caller holds proc_lock. */
static void notify_parent_locked(struct proc *p, int code, int status)
{
	struct proc *parent = p->parent;
	struct ksiginfo info = { 0 };
	int sig = SIGCHLD;

	if (!parent)
		return;
	wake_up(&parent->child_wait);
	if (code == CLD_EXITED || code == CLD_KILLED || code == CLD_DUMPED) {
		sig = p->exit_signal;
		if (sig == SIGCONT || sig == SIGSTOP || sig < 0 || sig > NSIG)
			sig = SIGCHLD; /* those would need proc_lock again */
		if (!sig)
			return;
	}
	info.si_signo = SIGCHLD;
	info.si_code = code;
	info.kill.pid = p->pid;
	info.kill.status = status;
	info.kill.utime = (int64_t)(p->utime_ns / 10000000);
	info.kill.stime = (int64_t)(p->stime_ns / 10000000);
	signal_send(parent, sig, &info);
}

static void reap_locked(struct proc *p);

__noreturn void proc_exit(int wait_status)
{
	struct proc *p = proc_current();
	struct proc *c, *next;
	struct mm *mm;
	int code, status;

	assert(p);
	if (p == init_proc)
		panic("init (pid 1) exited with wait status %#x: there is no "
		      "one left to reap orphans",
		      wait_status);
	itimer_exit(p);
	signal_exit(p);
	fdtable_put(p->files);
	p->files = NULL;
	vfork_release(p);
	task_set_vs(NULL);
	spin_lock(&proc_lock);
	mm = p->mm;
	p->mm = NULL;
	spin_unlock(&proc_lock);
	mm_put(mm);
	vfs_iput(p->cwd);
	p->cwd = NULL;

	if (wait_status & 0x7f) {
		code = CLD_KILLED;
		status = wait_status & 0x7f;
	} else {
		code = CLD_EXITED;
		status = (wait_status >> 8) & 0xff;
	}
	spin_lock(&proc_lock);
	/* Orphans go to init, which reaps them (and is woken for those
	 * already dead). */
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
			reap_locked(c); /* no init (kernel tests) */
		}
	}
	p->children = NULL;
	p->state = PROC_ZOMBIE;
	p->exit_status = wait_status;
	counts.alive--;
	counts.zombies++;
	/* A parent that ignores SIGCHLD (or set SA_NOCLDWAIT) leaves no
	 * zombies, as POSIX says. */
	if (p->kernel_child)
		wake_up(&p->child_wait); /* proc_wait */
	else if (!p->parent || signal_child_autoreap(p->parent))
		reap_locked(p);
	else
		notify_parent_locked(p, code, status);
	/* Not preempted from here on: a parent reaping the zombie finds
	 * its task running (task_release waits) or dead, not runnable. */
	task_exit_unlock(&proc_lock);
}

static long sys_exit(uint64_t code)
{
	proc_exit(WAIT_EXITED(code));
}
SYSCALL(exit, sys_exit);
SYSCALL(exit_group, sys_exit);

/* ---- stop and continue (signal.c's default actions) ------------------- */

void proc_notify_stop(struct proc *p, int sig)
{
	spin_lock(&proc_lock);
	p->stop_report = WAIT_STOPPED(sig);
	if (!signal_nocldstop(p->parent))
		notify_parent_locked(p, CLD_STOPPED, sig);
	else if (p->parent)
		wake_up(&p->parent->child_wait);
	spin_unlock(&proc_lock);
}

void proc_notify_continue(struct proc *p)
{
	spin_lock(&proc_lock);
	p->stop_report = WAIT_CONTINUED;
	if (!signal_nocldstop(p->parent))
		notify_parent_locked(p, CLD_CONTINUED, SIGCONT);
	else if (p->parent)
		wake_up(&p->parent->child_wait);
	spin_unlock(&proc_lock);
}

/* ---- wait ------------------------------------------------------------- */

/* Remove a zombie: its times go to the parent's children's times. */
static void reap_locked(struct proc *p)
{
	if (p->parent) {
		p->parent->cutime_ns += p->utime_ns + p->cutime_ns;
		p->parent->cstime_ns += p->stime_ns + p->cstime_ns;
		child_remove_locked(p);
		p->refcount--; /* the parent's */
	}
	hash_remove_locked(p);
	counts.zombies--;
	if (--p->refcount == 0) /* the table's */
		proc_free(p);
}

struct wait_result {
	int pid;
	int status; /* wait status */
	int code;   /* CLD_* */
	uint64_t utime_ns, stime_ns;
};

static bool wait_matches(struct proc *c, int idtype, int id)
{
	switch (idtype) {
	case P_PID:
		return c->pid == id;
	case P_PGID:
		return c->pgid == id;
	}
	return true;
}

/* Find a child matching (idtype, id) with something to report under
 * options, and report it: 1 with *r, 0 if there are matching children
 * but none has anything yet, -ECHILD if there are none. */
static int wait_scan_locked(struct proc *self, int idtype, int id, int options,
			    struct wait_result *r)
{
	bool any = false;

	for (struct proc *c = self->children; c; c = c->sibling) {
		if (!wait_matches(c, idtype, id))
			continue;
		any = true;
		r->pid = c->pid;
		r->utime_ns = c->utime_ns;
		r->stime_ns = c->stime_ns;
		if (c->state == PROC_ZOMBIE && (options & WEXITED)) {
			r->status = c->exit_status;
			r->code = (c->exit_status & 0x7f) ? CLD_KILLED
							  : CLD_EXITED;
			if (!(options & WNOWAIT))
				reap_locked(c);
			return 1;
		}
		if (c->state == PROC_ZOMBIE)
			continue;
		if ((options & WSTOPPED) && (c->stop_report & 0xff) == 0x7f) {
			r->status = c->stop_report;
			r->code = CLD_STOPPED;
			if (!(options & WNOWAIT))
				c->stop_report = 0;
			return 1;
		}
		if ((options & WCONTINUED) &&
		    c->stop_report == WAIT_CONTINUED) {
			r->status = WAIT_CONTINUED;
			r->code = CLD_CONTINUED;
			if (!(options & WNOWAIT))
				c->stop_report = 0;
			return 1;
		}
	}
	return any ? 0 : -ECHILD;
}

static int do_wait(int idtype, int id, int options, struct wait_result *r)
{
	struct proc *self = proc_current();
	int found;

	spin_lock(&proc_lock);
	if (idtype == P_PGID && id == 0)
		id = self->pgid;
	for (;;) {
		found = wait_scan_locked(self, idtype, id, options, r);
		if (found != 0 || (options & WNOHANG))
			break;
		if (signal_pending()) {
			found = -ERESTARTSYS;
			break;
		}
		sleep_on(&self->child_wait, &proc_lock);
	}
	spin_unlock(&proc_lock);
	return found;
}

/* Linux's struct rusage: the times, then 14 longs. */
struct k_rusage {
	int64_t utime_sec, utime_usec, stime_sec, stime_usec;
	int64_t rest[14];
};

static long sys_wait4(int64_t pid, uaddr_t ustatus, uint64_t options,
		      uaddr_t urusage)
{
	struct wait_result r;
	int idtype = P_PID, id = (int)pid;
	int found;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD |
			__WALL | __WCLONE))
		return -EINVAL;
	if ((int)pid == -1) {
		idtype = P_ALL;
	} else if ((int)pid == 0) {
		idtype = P_PGID;
		id = 0;
	} else if ((int)pid < -1) {
		idtype = P_PGID;
		id = -(int)pid;
	}
	found = do_wait(idtype, id, (int)options | WEXITED, &r);
	if (found <= 0)
		return found;
	if (ustatus && put_user((int32_t)r.status, ustatus))
		return -EFAULT;
	if (urusage) {
		struct k_rusage ru = { 0 };

		ru.utime_sec = (int64_t)(r.utime_ns / 1000000000);
		ru.utime_usec = (int64_t)(r.utime_ns % 1000000000 / 1000);
		ru.stime_sec = (int64_t)(r.stime_ns / 1000000000);
		ru.stime_usec = (int64_t)(r.stime_ns % 1000000000 / 1000);
		if (copy_to_user(urusage, &ru, sizeof(ru)))
			return -EFAULT;
	}
	return r.pid;
}
SYSCALL(wait4, sys_wait4);

static long sys_waitid(uint64_t idtype, uint64_t id, uaddr_t uinfo,
		       uint64_t options, uaddr_t urusage)
{
	struct wait_result r;
	struct ksiginfo info = { 0 };
	int found;

	if (idtype > P_PGID ||
	    (options & ~(WNOHANG | WSTOPPED | WEXITED | WCONTINUED | WNOWAIT |
			 __WNOTHREAD | __WALL | __WCLONE)) ||
	    !(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	found = do_wait((int)idtype, (int)id, (int)options, &r);
	if (found < 0)
		return found;
	if (found) {
		info.si_signo = SIGCHLD;
		info.si_code = r.code;
		info.kill.pid = r.pid;
		info.kill.status = r.code == CLD_EXITED ? (r.status >> 8) & 0xff
				   : r.code == CLD_CONTINUED ? SIGCONT
				   : r.code == CLD_STOPPED
					   ? (r.status >> 8) & 0xff
					   : r.status & 0x7f;
		info.kill.utime = (int64_t)(r.utime_ns / 10000000);
		info.kill.stime = (int64_t)(r.stime_ns / 10000000);
	}
	/* WNOHANG with nothing to report: a zeroed siginfo (si_pid 0). */
	if (uinfo && copy_to_user(uinfo, &info, sizeof(info)))
		return -EFAULT;
	if (urusage && clear_user(urusage, sizeof(struct k_rusage)))
		return -EFAULT;
	return 0;
}
SYSCALL(waitid, sys_waitid);

int proc_wait(struct proc *p)
{
	int status;

	spin_lock(&proc_lock);
	while (p->state != PROC_ZOMBIE)
		sleep_on(&p->child_wait, &proc_lock);
	status = p->exit_status;
	reap_locked(p);
	spin_unlock(&proc_lock);
	proc_put(p); /* proc_spawn's reference for the caller */
	return status;
}

/* ---- ids --------------------------------------------------------------- */

static long sys_getpid(void)
{
	return proc_current()->pid;
}
SYSCALL(getpid, sys_getpid);
SYSCALL(gettid, sys_getpid);

/* One task per process for now, so the thread id is the pid. */
static long sys_set_tid_address(uaddr_t tidptr)
{
	return proc_current()->pid;
}
SYSCALL(set_tid_address, sys_set_tid_address);

static long sys_getppid(void)
{
	return proc_ppid(proc_current());
}
SYSCALL(getppid, sys_getppid);

static long sys_getpgid(int64_t pid)
{
	struct proc *p = pid ? proc_get((int)pid) : NULL;
	int pgid;

	if (!pid)
		return proc_current()->pgid;
	if (!p)
		return -ESRCH;
	spin_lock(&proc_lock);
	pgid = p->pgid;
	spin_unlock(&proc_lock);
	proc_put(p);
	return pgid;
}
SYSCALL(getpgid, sys_getpgid);

static long sys_getpgrp(void)
{
	return sys_getpgid(0);
}
SYSCALL(getpgrp, sys_getpgrp);

static long sys_getsid(int64_t pid)
{
	struct proc *p = pid ? proc_get((int)pid) : NULL;
	int sid;

	if (!pid)
		return proc_current()->sid;
	if (!p)
		return -ESRCH;
	spin_lock(&proc_lock);
	sid = p->sid;
	spin_unlock(&proc_lock);
	proc_put(p);
	return sid;
}
SYSCALL(getsid, sys_getsid);

/* setpgid(pid, pgid), with POSIX's rules: the process is the caller or
 * one of its children that has not exec'd (Kestrel does not track that:
 * any child), in the caller's session, not a session leader; the group
 * is its own pid or an existing group in the same session. */
static long sys_setpgid(int64_t upid, int64_t upgid)
{
	struct proc *self = proc_current(), *p;
	int pid = (int)upid ? (int)upid : self->pid;
	int pgid = (int)upgid ? (int)upgid : pid;
	long err = 0;

	if (pgid < 0)
		return -EINVAL;
	spin_lock(&proc_lock);
	p = lookup_locked(pid);
	if (!p || (p != self && p->parent != self)) {
		err = -ESRCH;
	} else if (p->sid != self->sid) {
		err = -EPERM;
	} else if (p->sid == p->pid) {
		err = -EPERM; /* a session leader */
	} else if (pgid != pid) {
		bool found = false;

		for (int i = 0; i < PID_HASH && !found; i++)
			for (struct proc *q = pid_hash[i]; q; q = q->hash_next)
				if (q->pgid == pgid && q->sid == self->sid &&
				    q->state == PROC_ALIVE)
					found = true;
		if (!found)
			err = -EPERM;
	}
	if (!err)
		p->pgid = pgid;
	spin_unlock(&proc_lock);
	return err;
}
SYSCALL(setpgid, sys_setpgid);

static long sys_setsid(void)
{
	struct proc *self = proc_current();
	long err = self->pid;

	spin_lock(&proc_lock);
	for (int i = 0; i < PID_HASH; i++)
		for (struct proc *q = pid_hash[i]; q; q = q->hash_next)
			if (q->pgid == self->pid)
				err = -EPERM; /* already a group leader */
	if (err > 0) {
		self->sid = self->pid;
		self->pgid = self->pid;
	}
	spin_unlock(&proc_lock);
	return err;
}
SYSCALL(setsid, sys_setsid);

/* ---- signals to processes and groups --------------------------------- */

int proc_kill(int pid, int sig, const struct ksiginfo *info)
{
	struct proc *self = proc_current();
	struct proc *targets[64];
	int found = 0, skip = 0;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (pid > 0) {
		struct proc *p = proc_get(pid);

		if (!p)
			return -ESRCH;
		if (sig)
			signal_send(p, sig, info);
		proc_put(p);
		return 0;
	}
	/* A group or everyone: gather referenced targets in batches (the
	 * sends happen without proc_lock). */
	for (;;) {
		int idx = 0, n = 0;

		spin_lock(&proc_lock);
		for (int i = 0; i < PID_HASH; i++) {
			for (struct proc *q = pid_hash[i]; q;
			     q = q->hash_next) {
				bool match;

				if (q->state != PROC_ALIVE)
					continue;
				if (pid == -1)
					match = q != init_proc && q != self;
				else
					match = q->pgid ==
						(pid == 0 ? self->pgid : -pid);
				if (!match || idx++ < skip ||
				    n == (int)ARRAY_SIZE(targets))
					continue;
				q->refcount++;
				targets[n++] = q;
			}
		}
		spin_unlock(&proc_lock);
		for (int i = 0; i < n; i++) {
			if (sig)
				signal_send(targets[i], sig, info);
			proc_put(targets[i]);
		}
		found += n;
		skip += n;
		if (n < (int)ARRAY_SIZE(targets))
			break;
	}
	if (!found && pid == -1 && sig)
		return 0; /* nobody else: Linux says ESRCH only for groups */
	return found ? 0 : -ESRCH;
}

int signal_send_pgrp(int pgid, int sig)
{
	if (pgid <= 0)
		return -ESRCH;
	return proc_kill(-pgid, sig, NULL);
}

static long sys_kill(int64_t pid, uint64_t sig)
{
	struct ksiginfo info = { 0 };

	info.si_signo = (int)sig;
	info.si_code = SI_USER;
	info.kill.pid = proc_current()->pid;
	return proc_kill((int)pid, (int)sig, &info);
}
SYSCALL(kill, sys_kill);

static long sys_tgkill(int64_t tgid, int64_t tid, uint64_t sig)
{
	if ((int)tid <= 0 || ((int)tgid != -1 && tgid != tid))
		return (int)tid <= 0 ? -EINVAL : -ESRCH;
	return sys_kill(tid, sig);
}
SYSCALL(tgkill, sys_tgkill);

static long sys_tkill(int64_t tid, uint64_t sig)
{
	if ((int)tid <= 0)
		return -EINVAL;
	return sys_kill(tid, sig);
}
SYSCALL(tkill, sys_tkill);

/* ---- accounting --------------------------------------------------------- */

void proc_tick(bool user, uint64_t ns)
{
	struct proc *p = proc_current();

	if (!p)
		return;
	__atomic_add_fetch(user ? &p->utime_ns : &p->stime_ns, ns,
			   __ATOMIC_RELAXED);
}
