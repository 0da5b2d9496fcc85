/*
 * A process's place in the file system: its working directory and its
 * umask, in a struct fs_struct that clone with CLONE_FS shares (threads
 * made by pthread_create share it, so a chdir or umask by one thread is
 * every thread's, as on Linux) and that fork copies. Kestrel has no
 * chroot: every process's root is the root of the mount tree, so the
 * root is not part of it.
 *
 * The struct is reference-counted: each struct proc that points to it
 * holds one (p->fs, set and cleared under proc_lock so that /proc can
 * reach another process's through proc_cwd_get). Its lock guards cwd:
 * whoever reads cwd takes a reference under the lock, since another
 * thread's chdir may drop the old one at any moment. docs/threads.md,
 * "CLONE_FS".
 */
#include "proc/proc.h"
#include "fs/vfs.h"

struct fs_struct *fs_struct_alloc(struct inode *cwd, unsigned int umask)
{
	struct fs_struct *fs = kzalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	spin_init(&fs->lock, "fs_struct");
	fs->refcount = 1;
	fs->cwd = cwd;
	fs->umask = umask;
	return fs;
}

struct fs_struct *fs_struct_copy(struct fs_struct *old)
{
	struct inode *cwd = fs_struct_cwd(old);
	struct fs_struct *fs = fs_struct_alloc(
		cwd, __atomic_load_n(&old->umask, __ATOMIC_RELAXED));

	if (!fs && cwd)
		vfs_iput(cwd);
	return fs;
}

void fs_struct_get(struct fs_struct *fs)
{
	__atomic_add_fetch(&fs->refcount, 1, __ATOMIC_RELAXED);
}

void fs_struct_put(struct fs_struct *fs)
{
	if (!fs || __atomic_sub_fetch(&fs->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	if (fs->cwd)
		vfs_iput(fs->cwd);
	kfree(fs);
}

struct inode *fs_struct_cwd(struct fs_struct *fs)
{
	struct inode *ip;

	spin_lock(&fs->lock);
	ip = fs->cwd;
	if (ip)
		vfs_iref(ip);
	spin_unlock(&fs->lock);
	return ip;
}

struct inode *fs_struct_set_cwd(struct fs_struct *fs, struct inode *dir)
{
	struct inode *old;

	spin_lock(&fs->lock);
	old = fs->cwd;
	fs->cwd = dir;
	spin_unlock(&fs->lock);
	return old;
}

unsigned int fs_struct_umask(struct fs_struct *fs)
{
	return __atomic_load_n(&fs->umask, __ATOMIC_RELAXED);
}

unsigned int fs_struct_set_umask(struct fs_struct *fs, unsigned int umask)
{
	return __atomic_exchange_n(&fs->umask, umask, __ATOMIC_RELAXED);
}
