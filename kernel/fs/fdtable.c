/*
 * File descriptor tables (fdtable.h). A table is a fixed array of
 * FD_MAX file pointers plus a close-on-exec bitmap, under one spinlock.
 * Files are referenced while they sit in the table; fd_get hands out
 * another reference so a file cannot be closed under a call using it.
 */
#include "fs/fdtable.h"
#include "fs/lock.h"
#include "mm/mm.h"

/* Close f, which the table t held: the process's POSIX locks on the
 * file go with any descriptor of it (fs/lock.c). */
static void fd_close(struct fdtable *t, struct file *f)
{
	lock_remove_posix(f, t);
	vfs_close(f);
}

struct fdtable *fdtable_create(void)
{
	struct fdtable *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	t->lock = (struct spinlock)SPINLOCK_INIT("fdtable");
	t->refcount = 1;
	return t;
}

struct fdtable *fdtable_copy(struct fdtable *src)
{
	struct fdtable *t = fdtable_create();

	if (!t)
		return NULL;
	spin_lock(&src->lock);
	for (int i = 0; i < FD_MAX; i++) {
		t->fd[i] = src->fd[i];
		if (t->fd[i])
			vfs_file_ref(t->fd[i]);
	}
	memcpy(t->cloexec, src->cloexec, sizeof(t->cloexec));
	spin_unlock(&src->lock);
	return t;
}

void fdtable_get(struct fdtable *t)
{
	__atomic_add_fetch(&t->refcount, 1, __ATOMIC_RELAXED);
}

void fdtable_put(struct fdtable *t)
{
	if (__atomic_sub_fetch(&t->refcount, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	/* No one else can reach the table now: close without the lock
	 * (closing may sleep, writing back an inode). */
	for (int i = 0; i < FD_MAX; i++)
		if (t->fd[i])
			fd_close(t, t->fd[i]);
	kfree(t);
}

static bool is_cloexec(struct fdtable *t, int fd)
{
	return t->cloexec[fd / 64] & (1ULL << (fd % 64));
}

static void mark_cloexec(struct fdtable *t, int fd, bool on)
{
	if (on)
		t->cloexec[fd / 64] |= 1ULL << (fd % 64);
	else
		t->cloexec[fd / 64] &= ~(1ULL << (fd % 64));
}

void fdtable_exec(struct fdtable *t)
{
	for (int i = 0; i < FD_MAX; i++) {
		struct file *f = NULL;

		spin_lock(&t->lock);
		if (t->fd[i] && is_cloexec(t, i)) {
			f = t->fd[i];
			t->fd[i] = NULL;
			mark_cloexec(t, i, false);
		}
		spin_unlock(&t->lock);
		if (f)
			fd_close(t, f);
	}
}

int fd_install(struct fdtable *t, struct file *f, int min, int limit,
	       bool cloexec)
{
	if (limit > FD_MAX)
		limit = FD_MAX;
	if (min < 0)
		min = 0;
	spin_lock(&t->lock);
	for (int i = min; i < limit; i++) {
		if (!t->fd[i]) {
			t->fd[i] = f;
			mark_cloexec(t, i, cloexec);
			spin_unlock(&t->lock);
			return i;
		}
	}
	spin_unlock(&t->lock);
	return -EMFILE;
}

bool fd_available(struct fdtable *t, int limit)
{
	bool found = false;

	spin_lock(&t->lock);
	for (int i = 0; i < MIN(limit, FD_MAX) && !found; i++)
		found = t->fd[i] == NULL;
	spin_unlock(&t->lock);
	return found;
}

struct file *fd_get(struct fdtable *t, int fd)
{
	struct file *f = NULL;

	if (fd < 0 || fd >= FD_MAX)
		return NULL;
	spin_lock(&t->lock);
	f = t->fd[fd];
	if (f)
		vfs_file_ref(f);
	spin_unlock(&t->lock);
	return f;
}

int fd_replace(struct fdtable *t, int fd, struct file *f, bool cloexec)
{
	struct file *old;

	if (fd < 0 || fd >= FD_MAX)
		return -EBADF;
	spin_lock(&t->lock);
	old = t->fd[fd];
	t->fd[fd] = f;
	mark_cloexec(t, fd, cloexec);
	spin_unlock(&t->lock);
	if (old)
		fd_close(t, old);
	return 0;
}

struct file *fd_remove(struct fdtable *t, int fd)
{
	struct file *f;

	if (fd < 0 || fd >= FD_MAX)
		return NULL;
	spin_lock(&t->lock);
	f = t->fd[fd];
	t->fd[fd] = NULL;
	mark_cloexec(t, fd, false);
	spin_unlock(&t->lock);
	if (f)
		lock_remove_posix(f, t);
	return f;
}

int fd_get_cloexec(struct fdtable *t, int fd)
{
	int r;

	if (fd < 0 || fd >= FD_MAX)
		return -EBADF;
	spin_lock(&t->lock);
	r = t->fd[fd] ? is_cloexec(t, fd) : -EBADF;
	spin_unlock(&t->lock);
	return r;
}

int fd_set_cloexec(struct fdtable *t, int fd, bool on)
{
	int r = 0;

	if (fd < 0 || fd >= FD_MAX)
		return -EBADF;
	spin_lock(&t->lock);
	if (t->fd[fd])
		mark_cloexec(t, fd, on);
	else
		r = -EBADF;
	spin_unlock(&t->lock);
	return r;
}
