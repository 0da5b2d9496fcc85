/*
 * The system calls that change the tree of names: mkdir, unlink and
 * rmdir, rename, link and symlink, and mount and umount2, which graft a
 * whole file system onto it or take one off. The calls that look a path
 * up without changing it (open, stat, access, chdir, ...) are in
 * sys_path.c, which also says how a path's start directory is found
 * (path_get).
 *
 * The VFS takes one starting directory per call, so renameat and linkat
 * with two different directories turn the new path into an absolute one
 * (path_make_absolute, from dir_path, which is also getcwd); mount's
 * table holds absolute paths, so mount and umount2 do the same.
 * docs/files.md.
 */
#include "fs/fs_syscalls.h"
#include "fs/tmpfs.h"
#include "proc/cred.h"
#include "mm/mm.h"

/* umount2 flags (include/linux/fs.h). */
#define UMOUNT_NOFOLLOW 8
#define MNT_FORCE 1
/* mount flags (include/uapi/linux/mount.h). */
#define MS_RDONLY 1
#define MS_NOSUID 2
#define MS_NODEV 4
#define MS_NOEXEC 8
#define MS_REMOUNT 32
#define MS_BIND 4096
#define MS_MOVE 8192
#define MS_UNBINDABLE (1 << 17)
#define MS_PRIVATE (1 << 18)
#define MS_SLAVE (1 << 19)
#define MS_SHARED (1 << 20)
#define MS_MGC_MSK 0xffff0000 /* a magic number old programs put here */
#define MS_MGC_VAL 0xc0ed0000
/* What mount(2) cannot do here: bind and move mounts, changes of
 * propagation. */
#define MS_UNSUPPORTED \
	(MS_BIND | MS_MOVE | MS_UNBINDABLE | MS_PRIVATE | MS_SLAVE | MS_SHARED)
#define FS_TYPE_MAX 32

/* ---- absolute paths ---------------------------------------------------------- */

/* up's path, made absolute (its start directory dropped). */
static int path_make_absolute(struct upath *up)
{
	char *abs;
	int len;
	size_t rest = strlen(up->path);

	if (up->path[0] == '/')
		return 0;
	abs = kmalloc(VFS_PATH_MAX);
	if (!abs)
		return -ENOMEM;
	len = dir_path(up->dir, abs);
	if (len >= 0 && (size_t)len + 1 + rest >= VFS_PATH_MAX)
		len = -ENAMETOOLONG;
	if (len < 0) {
		kfree(abs);
		return len;
	}
	if (abs[len - 1] != '/')
		abs[len++] = '/';
	memcpy(abs + len, up->path, rest + 1);
	kfree(up->path);
	up->path = abs;
	put_dir(up->dir);
	up->dir = NULL;
	return 0;
}

/* ---- making and removing names ----------------------------------------------- */

static long mkdir_at(int dirfd, uaddr_t upath, uint64_t mode)
{
	struct upath up;
	int err = path_get(dirfd, upath, &up);

	if (err)
		return err;
	err = vfs_mkdir(up.dir, up.path,
			(uint32_t)mode & 01777 &
				~fs_struct_umask(proc_current()->fs));
	path_put(&up);
	return err;
}

static long sys_mkdir(uaddr_t upath, uint64_t mode)
{
	return mkdir_at(AT_FDCWD, upath, mode);
}
SYSCALL(mkdir, sys_mkdir);

static long sys_mkdirat(int64_t dirfd, uaddr_t upath, uint64_t mode)
{
	return mkdir_at((int)dirfd, upath, mode);
}
SYSCALL(mkdirat, sys_mkdirat);

/* mknod: a FIFO (what mkfifo makes), a socket's name, a device node or
 * an empty file. dev is Linux's 32-bit encoding, which the low half of
 * Kestrel's 64-bit device numbers is. */
static long mknod_at(int dirfd, uaddr_t upath, uint64_t mode, uint64_t dev)
{
	uint32_t m = (uint32_t)mode;
	struct upath up;
	int err;

	if ((m & S_IFMT) == 0)
		m |= S_IFREG;
	err = path_get(dirfd, upath, &up);
	if (err)
		return err;
	err = vfs_mknod(up.dir, up.path,
			(m & S_IFMT) | (m & 07777 &
					~fs_struct_umask(proc_current()->fs)),
			(uint32_t)dev);
	path_put(&up);
	return err;
}

static long sys_mknod(uaddr_t upath, uint64_t mode, uint64_t dev)
{
	return mknod_at(AT_FDCWD, upath, mode, dev);
}
SYSCALL(mknod, sys_mknod);

static long sys_mknodat(int64_t dirfd, uaddr_t upath, uint64_t mode,
			uint64_t dev)
{
	return mknod_at((int)dirfd, upath, mode, dev);
}
SYSCALL(mknodat, sys_mknodat);

static long unlink_at(int dirfd, uaddr_t upath, uint64_t flags)
{
	struct upath up;
	int err;

	if (flags & ~(uint64_t)AT_REMOVEDIR)
		return -EINVAL;
	err = path_get(dirfd, upath, &up);
	if (err)
		return err;
	if (flags & AT_REMOVEDIR)
		err = vfs_rmdir(up.dir, up.path);
	else
		err = vfs_unlink(up.dir, up.path);
	path_put(&up);
	return err;
}

static long sys_unlinkat(int64_t dirfd, uaddr_t upath, uint64_t flags)
{
	return unlink_at((int)dirfd, upath, flags);
}
SYSCALL(unlinkat, sys_unlinkat);

static long sys_unlink(uaddr_t upath)
{
	return unlink_at(AT_FDCWD, upath, 0);
}
SYSCALL(unlink, sys_unlink);

static long sys_rmdir(uaddr_t upath)
{
	return unlink_at(AT_FDCWD, upath, AT_REMOVEDIR);
}
SYSCALL(rmdir, sys_rmdir);

/*
 * Two paths, each with its own start directory, for rename and link. The
 * VFS takes one start directory: if the two differ and both paths are
 * relative, the new path is made absolute.
 */
static int two_paths(int olddirfd, uaddr_t uold, int newdirfd, uaddr_t unew,
		     struct upath *old, struct upath *new)
{
	int err = path_get(olddirfd, uold, old);

	if (err)
		return err;
	err = path_get(newdirfd, unew, new);
	if (err) {
		path_put(old);
		return err;
	}
	if (new->dir != old->dir && old->path[0] != '/')
		err = path_make_absolute(new);
	if (err) {
		path_put(old);
		path_put(new);
		return err;
	}
	/* An absolute old path leaves the start directory to the new one. */
	if (!old->dir) {
		old->dir = new->dir;
		new->dir = NULL;
	}
	return 0;
}

static long rename_at(int olddirfd, uaddr_t uold, int newdirfd, uaddr_t unew,
		      uint64_t flags)
{
	struct upath old, new;
	int err;

	if (flags)
		return -EINVAL; /* RENAME_NOREPLACE, RENAME_EXCHANGE: not here */
	err = two_paths(olddirfd, uold, newdirfd, unew, &old, &new);
	if (err)
		return err;
	err = vfs_rename(old.dir, old.path, new.path);
	path_put(&old);
	path_put(&new);
	return err;
}

static long sys_rename(uaddr_t uold, uaddr_t unew)
{
	return rename_at(AT_FDCWD, uold, AT_FDCWD, unew, 0);
}
SYSCALL(rename, sys_rename);

static long sys_renameat(int64_t olddirfd, uaddr_t uold, int64_t newdirfd,
			 uaddr_t unew)
{
	return rename_at((int)olddirfd, uold, (int)newdirfd, unew, 0);
}
SYSCALL(renameat, sys_renameat);

static long sys_renameat2(int64_t olddirfd, uaddr_t uold, int64_t newdirfd,
			  uaddr_t unew, uint64_t flags)
{
	return rename_at((int)olddirfd, uold, (int)newdirfd, unew, flags);
}
SYSCALL(renameat2, sys_renameat2);

/* link never follows a symlink at oldpath (Linux's link(2) does not);
 * AT_SYMLINK_FOLLOW, which asks for that, is not supported: -EINVAL. */
static long link_at(int olddirfd, uaddr_t uold, int newdirfd, uaddr_t unew,
		    uint64_t flags)
{
	struct upath old, new;
	int err;

	if (flags)
		return -EINVAL;
	err = two_paths(olddirfd, uold, newdirfd, unew, &old, &new);
	if (err)
		return err;
	err = vfs_link(old.dir, old.path, new.path);
	path_put(&old);
	path_put(&new);
	return err;
}

static long sys_link(uaddr_t uold, uaddr_t unew)
{
	return link_at(AT_FDCWD, uold, AT_FDCWD, unew, 0);
}
SYSCALL(link, sys_link);

static long sys_linkat(int64_t olddirfd, uaddr_t uold, int64_t newdirfd,
		       uaddr_t unew, uint64_t flags)
{
	return link_at((int)olddirfd, uold, (int)newdirfd, unew, flags);
}
SYSCALL(linkat, sys_linkat);

static long symlink_at(uaddr_t utarget, int dirfd, uaddr_t upath)
{
	struct upath up;
	char *target;
	int err = user_path(utarget, &target);

	if (err)
		return err;
	err = path_get(dirfd, upath, &up);
	if (!err) {
		err = vfs_symlink(up.dir, target, up.path);
		path_put(&up);
	}
	kfree(target);
	return err;
}

static long sys_symlink(uaddr_t utarget, uaddr_t upath)
{
	return symlink_at(utarget, AT_FDCWD, upath);
}
SYSCALL(symlink, sys_symlink);

static long sys_symlinkat(uaddr_t utarget, int64_t dirfd, uaddr_t upath)
{
	return symlink_at(utarget, (int)dirfd, upath);
}
SYSCALL(symlinkat, sys_symlinkat);

/* ---- mount ------------------------------------------------------------------- */

/*
 * mount(source, target, type, flags, data). A source that names a block
 * device ("vdb", or "/dev/vdb": its last component) is mounted from it;
 * any other source ("proc", "none") is only a label, as for Linux's
 * memory file systems. MS_RDONLY, MS_NOSUID, MS_NODEV and MS_NOEXEC are
 * honoured (vfs.h's MNT_*), the others (noatime, ...) accepted and
 * ignored; data is read only for a tmpfs (its size=, nr_inodes=,
 * mode= ...: fs/tmpfs.h). MS_REMOUNT changes read-only against
 * read-write (init remounts / read-only before powering off, so the
 * disk is left clean) and sets the nosuid/nodev/noexec flags anew.
 */
/* A tmpfs's options, read from the user's data (NULL: none). */
static long tmpfs_options_from_user(uaddr_t udata, struct tmpfs_options *o)
{
	char *text;
	long err;

	if (!udata)
		return tmpfs_parse_options("", o);
	text = kmalloc(PAGE_SIZE);
	if (!text)
		return -ENOMEM;
	err = strncpy_from_user(text, udata, PAGE_SIZE);
	if (err >= 0)
		err = tmpfs_parse_options(text, o);
	else if (err == -ENAMETOOLONG)
		err = -EINVAL;
	kfree(text);
	return err;
}

/* mount(2)'s MS_NOSUID, MS_NODEV, MS_NOEXEC as the VFS's MNT_*. */
static unsigned int mnt_flags(uint64_t flags)
{
	return (flags & MS_NOSUID ? MNT_NOSUID : 0) |
	       (flags & MS_NODEV ? MNT_NODEV : 0) |
	       (flags & MS_NOEXEC ? MNT_NOEXEC : 0);
}

static long sys_mount(uaddr_t usource, uaddr_t utarget, uaddr_t utype,
		      uint64_t flags, uaddr_t udata)
{
	char type[FS_TYPE_MAX], *source = NULL, *dev = NULL;
	struct tmpfs_options topts;
	bool tmpfs;
	struct upath target;
	long err;

	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~(uint64_t)MS_MGC_MSK;
	if (flags & MS_UNSUPPORTED)
		return -EINVAL;
	if (!cred_capable())
		return -EPERM; /* root's (CAP_SYS_ADMIN) */
	if (flags & MS_REMOUNT) {
		err = path_get(AT_FDCWD, utarget, &target);
		if (err)
			return err;
		err = path_make_absolute(&target);
		if (!err)
			err = vfs_remount(target.path, flags & MS_RDONLY);
		if (!err) /* a remount gives the whole set of flags */
			err = vfs_mount_set_flags(target.path,
						  mnt_flags(flags));
		path_put(&target);
		return err;
	}
	err = strncpy_from_user(type, utype, sizeof(type));
	if (err < 0)
		return err == -ENAMETOOLONG ? -ENODEV : err;
	tmpfs = strcmp(type, "tmpfs") == 0;
	if (tmpfs) {
		err = tmpfs_options_from_user(udata, &topts);
		if (err)
			return err;
	}
	if (usource) {
		err = user_path(usource, &source);
		if (err)
			return err;
		dev = strrchr(source, '/') ? strrchr(source, '/') + 1 : source;
		if (!block_find(dev))
			dev = NULL;
	}
	err = path_get(AT_FDCWD, utarget, &target);
	if (!err) {
		err = path_make_absolute(&target);
		if (!err)
			err = vfs_mount(dev, target.path, type,
					flags & MS_RDONLY);
		if (!err && mnt_flags(flags))
			err = vfs_mount_set_flags(target.path,
						  mnt_flags(flags));
		if (!err && tmpfs) {
			err = tmpfs_apply_options(target.path, &topts);
			if (err)
				vfs_unmount(target.path);
		}
		path_put(&target);
	}
	kfree(source);
	return err;
}
SYSCALL(mount, sys_mount);

static long sys_umount2(uaddr_t utarget, uint64_t flags)
{
	struct upath target;
	int err;

	if (flags & ~(uint64_t)(UMOUNT_NOFOLLOW | MNT_FORCE))
		return -EINVAL; /* MNT_DETACH, MNT_EXPIRE: not here */
	if (!cred_capable())
		return -EPERM;
	err = path_get(AT_FDCWD, utarget, &target);
	if (err)
		return err;
	err = path_make_absolute(&target);
	if (!err)
		err = vfs_unmount(target.path);
	path_put(&target);
	return err;
}
SYSCALL(umount2, sys_umount2);
