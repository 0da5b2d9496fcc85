/*
 * The links of /proc/PID: fd/N for each open file, cwd and exe, as
 * Linux's proc(5) gives them. Their text is a path: the one the file was
 * opened by, made absolute and free of symlinks (real_path), with
 * " (deleted)" after it once the file has no name left; a pipe is
 * "pipe:[INO]" and a socket "socket:[INO]" (the inode number fstat
 * gives, so both ends of a pipe show the same). Followed, each is a
 * "magic" link: the walk goes on from the open file's own inode, not
 * from the text (inode_operations.get_link), so /dev/stdin and
 * /proc/self/fd/N reach a deleted file, the very terminal, a FIFO; a
 * pipe or a socket, which has no inode, gives ENXIO. procfs.c makes the
 * inodes; docs/procfs.md.
 */
#include "fs/fdtable.h"
#include "fs/fs_syscalls.h"
#include "fs/procfs/internal.h"
#include "mm/mm.h"

/* Drop "." and empty components from absolute path buf and take ".."
 * back one, on the text alone (the names may be gone): its new length. */
static int tidy(char *buf)
{
	size_t out = 0, i = 0, len = strlen(buf);

	while (i < len) {
		size_t start, n;

		while (i < len && buf[i] == '/')
			i++;
		start = i;
		while (i < len && buf[i] != '/')
			i++;
		n = i - start;
		if (n == 0 || (n == 1 && buf[start] == '.'))
			continue;
		if (n == 2 && buf[start] == '.' && buf[start + 1] == '.') {
			while (out > 0 && buf[--out] != '/')
				;
			continue;
		}
		buf[out++] = '/';
		memmove(buf + out, buf + start, n);
		out += n;
	}
	if (out == 0)
		buf[out++] = '/';
	buf[out] = '\0';
	return (int)out;
}

/* The text for file f into buf (VFS_PATH_MAX bytes): its length. */
static int file_text(struct file *f, char *buf)
{
	struct inode *ip = NULL;
	struct kstat st;
	int n;

	if (!f->open_path) {
		if (file_stat(f, &st) == 0 && S_ISFIFO(st.mode))
			return ksnprintf(buf, VFS_PATH_MAX, "pipe:[%lu]",
					 (unsigned long)st.ino);
		if (file_stat(f, &st) == 0 && S_ISSOCK(st.mode))
			return ksnprintf(buf, VFS_PATH_MAX, "socket:[%lu]",
					 (unsigned long)st.ino);
		return ksnprintf(buf, VFS_PATH_MAX, "anon_inode:[unknown]");
	}
	n = real_path(f->open_dir, f->open_path, buf, &ip);
	if (ip)
		vfs_iput(ip);
	if (n >= 0 && ip == f->inode)
		return n;
	/* Renamed or removed since: the name it was opened by, made
	 * absolute as it was then. */
	n = 0;
	if (f->open_path[0] != '/') {
		n = f->open_dir ? dir_path(f->open_dir, buf) : 0;
		if (n < 0)
			n = 0;
		if (n != 1)
			buf[n++] = '/';
	}
	strlcpy(buf + n, f->open_path, VFS_PATH_MAX - (size_t)n);
	n = tidy(buf);
	if (f->inode && f->inode->nlink == 0)
		n += ksnprintf(buf + n, VFS_PATH_MAX - (size_t)n, " (deleted)");
	return MIN(n, VFS_PATH_MAX - 1);
}

/* p's file fd, referenced, or NULL. */
static struct file *proc_file(struct proc *p, int fd)
{
	struct fdtable *t = proc_files_get(p);
	struct file *f;

	if (!t)
		return NULL;
	f = fd_get(t, fd);
	fdtable_put(t);
	return f;
}

int procfs_fd_next(struct proc *p, int from)
{
	struct fdtable *t = proc_files_get(p);
	int fd = -1;

	if (!t)
		return -1;
	spin_lock(&t->lock);
	for (int i = MAX(from, 0); i < FD_MAX; i++) {
		if (t->fd[i]) {
			fd = i;
			break;
		}
	}
	spin_unlock(&t->lock);
	fdtable_put(t);
	return fd;
}

int procfs_fd_mode(struct proc *p, int fd)
{
	struct file *f = proc_file(p, fd);
	int acc, mode = 0;

	if (!f)
		return -ENOENT;
	acc = f->flags & O_ACCMODE;
	if (acc == O_RDONLY || acc == O_RDWR)
		mode |= 0500;
	if (acc == O_WRONLY || acc == O_RDWR)
		mode |= 0300;
	vfs_close(f);
	return mode;
}

int procfs_link(struct proc *p, int which, char *buf, struct inode **target)
{
	struct inode *ip = NULL;
	struct file *f;
	int n;

	if (target)
		*target = NULL;
	if (which == PROCFS_LINK_CWD) {
		ip = proc_cwd_get(p);
		n = ip ? dir_path(ip, buf) : -ENOENT;
	} else if (which == PROCFS_LINK_EXE) {
		ip = proc_exe_get(p, buf);
		n = ip ? (int)strlen(buf) : -ENOENT;
		if (ip && ip->nlink == 0)
			n += ksnprintf(buf + n, VFS_PATH_MAX - (size_t)n,
				       " (deleted)");
	} else {
		f = proc_file(p, which);
		if (!f)
			return -ENOENT;
		n = file_text(f, buf);
		ip = f->inode;
		if (ip)
			vfs_iref(ip);
		vfs_close(f);
	}
	if (n >= 0 && target && ip) {
		*target = ip;
		ip = NULL;
	} else if (n >= 0 && target) {
		n = -ENXIO; /* a pipe or a socket: nothing to walk to */
	}
	if (ip)
		vfs_iput(ip);
	return n;
}
