/*
 * Making processes. The kernel makes the first ones from a file:
 * proc_spawn_init starts init, and proc_spawn the programs that kernel
 * tests run. Every other process is a copy of its parent, made by fork,
 * vfork or clone:
 *
 *   address space   copied on write (mm_fork), or shared (CLONE_VM)
 *   open files      the table copied, each open file shared with the
 *                   parent; or the table itself shared (CLONE_FILES)
 *   also copied     credentials, working directory, umask, limits,
 *                   name, command line, signal actions, mask and
 *                   alternate stack, and the task's SSE registers and
 *                   FS base
 *
 * Either way the new struct proc is built whole while no one else can
 * see it, then published in the table (proc_publish gives it its pid),
 * and only then is its task started; a failure before publishing undoes
 * everything (proc_discard). A vfork parent sleeps until the child lets
 * go of their shared memory, by execve or exit (proc_vfork_release).
 * A thread (CLONE_THREAD) is a struct proc of its own too, with its own
 * task and thread id, joined to its creator's thread group: it shares
 * the address space, files and handlers, and is nobody's child (wait
 * sees the group's leader). docs/processes.md, docs/threads.md.
 */
#include "proc/proc.h"
#include "proc/table.h"
#include "fs/fdtable.h"
#include "fs/vfs.h"
#include "trace/trace.h"

/* clone's flags: Linux's (include/uapi/linux/sched.h). */
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_PIDFD 0x00001000
#define CLONE_PTRACE 0x00002000
#define CLONE_VFORK 0x00004000
#define CLONE_PARENT 0x00008000
#define CLONE_THREAD 0x00010000
#define CLONE_NEWNS 0x00020000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_SETTLS 0x00080000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED 0x00400000
#define CLONE_UNTRACED 0x00800000
#define CLONE_CHILD_SETTID 0x01000000
#define CLONE_IO 0x80000000
/* The namespace flags: Kestrel has no namespaces. */
#define CLONE_NAMESPACES 0x7e000000
#define CSIGNAL 0xff /* the low byte: the exit signal */

static void default_limits(struct proc *p)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		p->rlim[i] = (struct rlimit64){ RLIM_INFINITY, RLIM_INFINITY };
	p->rlim[RLIMIT_STACK] =
		(struct rlimit64){ STACK_LIMIT_DEFAULT, RLIM_INFINITY };
	p->rlim[RLIMIT_NOFILE] = (struct rlimit64){ FD_DEFAULT_LIMIT, FD_MAX };
	p->rlim[RLIMIT_CORE] = (struct rlimit64){ 0, RLIM_INFINITY };
	p->rlim[RLIMIT_NPROC] =
		(struct rlimit64){ PROC_MAX_DEFAULT, PROC_MAX_DEFAULT };
	p->rlim[RLIMIT_SIGPENDING] =
		(struct rlimit64){ SIGPENDING_DEFAULT, SIGPENDING_DEFAULT };
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
	p->ptrace.wait = (struct waitqueue)WAITQUEUE_INIT;
	p->start_ns = time_ns();
	p->exit_signal = SIGCHLD;
	cred_copy(p, proc_current());
	return p;
}

/* A thread group with p its leader and only thread, and a fresh set of
 * handlers: 0 or -ENOMEM. */
static int group_alloc(struct proc *p)
{
	struct thread_group *tg = kzalloc(sizeof(*tg));

	if (!tg)
		return -ENOMEM;
	tg->refcount = 1;
	tg->leader = p;
	tg->exec_wait = (struct waitqueue)WAITQUEUE_INIT;
	tg->stop_wait = (struct waitqueue)WAITQUEUE_INIT;
	p->tg = tg;
	return 0;
}

/* Undo proc_alloc and what was given to p before it was in the table. */
static void proc_discard(struct proc *p)
{
	if (p->files)
		fdtable_put(p->files);
	if (p->mm)
		mm_put(p->mm);
	fs_struct_put(p->fs);
	if (p->exe)
		vfs_iput(p->exe);
	kfree(p->exe_path);
	proc_free(p);
}

/* The task's first code: leave for user mode with the registers in
 * *arg, a kmalloc'd frame (a new program's, or a copy of the forking
 * parent's). user_enter pops them from the local copy; after that the
 * kernel stack is empty again. */
static void enter_user(void *arg)
{
	struct trapframe tf = *(struct trapframe *)arg;
	struct proc *p = proc_current();

	kfree(arg);
	/* CLONE_CHILD_SETTID: in the child's own memory, before it runs.
	 * A bad address is ignored, as Linux does. */
	if (p && p->set_child_tid)
		put_user((int32_t)p->pid, p->set_child_tid);
	/* Traced from birth: its first stop comes before its first
	 * instruction (ptrace_fork_attach queued it). */
	if (p && ptrace_traced(p))
		proc_return_to_user(&tf);
	irq_disable();
	user_enter(&tf);
}

static int spawn(const char *path, char *const argv[], char *const envp[],
		 bool is_init, struct proc **out)
{
	struct proc *p = proc_alloc();
	struct trapframe *tf = kzalloc(sizeof(*tf));
	struct inode *root;
	int err = -ENOMEM;

	if (!p || !tf || group_alloc(p) || signal_state_init(&p->sig))
		goto fail;
	p->mm = mm_create();
	p->files = fdtable_create();
	if (!p->mm || !p->files)
		goto fail;
	err = vfs_lookup(NULL, "/", LOOKUP_FOLLOW, &root);
	if (err)
		goto fail;
	p->fs = fs_struct_alloc(root, 022);
	if (!p->fs) {
		vfs_iput(root);
		err = -ENOMEM;
		goto fail;
	}
	default_limits(p);
	err = exec_load(p->mm, path, argv, envp, &p->cred, &tf->rip, &tf->rsp);
	if (err)
		goto fail;
	proc_set_name(p, path);
	proc_set_cmdline(p, argv);
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

/* Linux's checks on clone's flags (kernel/fork.c, copy_process): 0 or
 * -EINVAL. */
static int clone_flags_ok(uint64_t flags)
{
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS))
		return -EINVAL;
	if ((flags & CLONE_THREAD) && (flags & CSIGNAL))
		return -EINVAL; /* a thread sends no exit signal */
	if ((flags & CLONE_PIDFD) &&
	    (flags & (CLONE_DETACHED | CLONE_PARENT_SETTID)))
		return -EINVAL;
	if (flags & (CLONE_NAMESPACES | CLONE_NEWNS | CLONE_PIDFD))
		return -EINVAL; /* Kestrel has no namespaces nor pidfds */
	return 0;
}

/* fork, vfork and clone: a new process, or with CLONE_THREAD a new
 * thread in the caller's group. */
static long do_fork(uint64_t flags, uaddr_t stack, uaddr_t parent_tid,
		    uaddr_t child_tid, uint64_t tls)
{
	struct proc *self = proc_current(), *c, *parent;
	bool thread = flags & CLONE_THREAD;
	struct trapframe *tf;
	int err = clone_flags_ok(flags), pid, event;

	if (err)
		return err;
	err = -ENOMEM;
	c = proc_alloc();
	tf = kmalloc(sizeof(*tf));
	if (!c || !tf)
		goto fail;
	if (thread) {
		c->tg = self->tg; /* its reference: proc_publish_thread */
	} else if (group_alloc(c)) {
		goto fail;
	}
	err = signal_state_fork(&c->sig, &self->sig, flags & CLONE_SIGHAND,
				thread);
	if (err)
		goto fail;
	err = -ENOMEM;
	*tf = *user_frame();
	tf->rax = 0; /* the child's return value */
	if (stack)
		tf->rsp = stack;
	if (flags & CLONE_VM) {
		mm_get(self->mm);
		c->mm = self->mm;
	} else {
		c->mm = mm_fork(self->mm);
	}
	if (flags & CLONE_FILES) {
		fdtable_get(self->files);
		c->files = self->files;
	} else {
		c->files = fdtable_copy(self->files);
	}
	if (flags & CLONE_FS) {
		fs_struct_get(self->fs);
		c->fs = self->fs;
	} else {
		c->fs = fs_struct_copy(self->fs);
	}
	if (!c->mm || !c->files || !c->fs)
		goto fail;
	if (self->exe) { /* the same program (the parent's own field) */
		size_t n = strlen(self->exe_path) + 1;

		c->exe_path = kmalloc(n);
		if (c->exe_path) {
			memcpy(c->exe_path, self->exe_path, n);
			vfs_iref(self->exe);
			c->exe = self->exe;
		}
	}
	memcpy(c->rlim, self->rlim, sizeof(c->rlim));
	memcpy(c->name, self->name, sizeof(c->name));
	if (self->cmdline) {
		c->cmdline = kmalloc(self->cmdline_len);
		if (c->cmdline) {
			memcpy(c->cmdline, self->cmdline, self->cmdline_len);
			c->cmdline_len = self->cmdline_len;
		}
	}
	c->exit_signal = thread ? -1 : (int)(flags & CSIGNAL);
	if (flags & CLONE_CHILD_SETTID)
		c->set_child_tid = child_tid;
	if (flags & CLONE_CHILD_CLEARTID)
		c->clear_child_tid = child_tid;
	c->task = task_create(c->name, &c->mm->vs, c, enter_user, tf);
	if (!c->task)
		goto fail;
	task_copy_user_state(c->task);
	if (flags & CLONE_SETTLS)
		task_init_fs_base(c->task, tls);
	if (thread) {
		err = proc_publish_thread(c, self);
	} else {
		/* A process's parent is the forking thread's group (its
		 * leader), whichever thread forks. */
		parent = proc_leader(self);
		if ((flags & CLONE_PARENT) && parent->parent)
			parent = parent->parent;
		err = proc_publish(c, parent, false);
	}
	if (err) {
		task_discard(c->task);
		c->task = NULL;
		goto fail;
	}
	pid = c->pid;
	if (flags & CLONE_PARENT_SETTID)
		put_user((int32_t)pid, parent_tid);
	/* A thread is reaped by its own exit, at once: hold it while
	 * waiting for it below. (A child process is held by its parent's
	 * reference until the parent reaps it.) */
	spin_lock(&proc_lock);
	c->refcount++;
	spin_unlock(&proc_lock);
	trace_process_fork(self->pid, c->pid);
	event = ptrace_fork_attach(c, flags & CLONE_VFORK);
	task_start(c->task);
	if (event)
		ptrace_fork_report(event, pid);
	if (flags & CLONE_VFORK) {
		/* The parent waits until the child has let go of the shared
		 * memory: by exec or exit. */
		spin_lock(&proc_lock);
		while (!c->vfork_done)
			sleep_on(&c->vfork_wait, &proc_lock);
		spin_unlock(&proc_lock);
	}
	proc_put(c);
	return pid;
fail:
	kfree(tf);
	if (c) {
		if (thread)
			c->tg = NULL; /* not yet its */
		proc_discard(c);
	}
	return err;
}

static long sys_fork(void)
{
	return do_fork(SIGCHLD, 0, 0, 0, 0);
}
SYSCALL(fork, sys_fork);

static long sys_vfork(void)
{
	return do_fork(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0);
}
SYSCALL(vfork, sys_vfork);

/* Linux x86-64's argument order: flags, stack, parent_tid, child_tid,
 * tls. */
static long sys_clone(uint64_t flags, uaddr_t stack, uaddr_t parent_tid,
		      uaddr_t child_tid, uint64_t tls)
{
	return do_fork(flags, stack, parent_tid, child_tid, tls);
}
SYSCALL(clone, sys_clone);

void proc_vfork_release(struct proc *p)
{
	spin_lock(&proc_lock);
	p->vfork_done = true;
	wake_up(&p->vfork_wait);
	spin_unlock(&proc_lock);
}
