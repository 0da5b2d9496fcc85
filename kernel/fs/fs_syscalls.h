/*
 * What the file system calls (sys_file.c, sys_path.c, sys_names.c,
 * sys_attr.c, pipe.c, poll.c) share among themselves. The rest of the
 * kernel sees none of it: the calls are reached through the system-call
 * table only. docs/files.md.
 */
#ifndef KESTREL_FS_SYSCALLS_H
#define KESTREL_FS_SYSCALLS_H

#include "fs/fdtable.h"
#include "fs/poll.h"
#include "proc/proc.h"

/* ---- sys_file.c: descriptors of the running process ------------------ */

/* The highest descriptor + 1 the process may use (RLIMIT_NOFILE). */
int fd_limit(void);
/* file_get and file_install are in fdtable.h: other subsystems that
 * make files (sockets) use them too. */
/* Linux's struct stat (x86-64) filled from *st, copied out. */
int stat_to_user(const struct kstat *st, uaddr_t ubuf);
/* What f would tell fstat: its inode's, or a pipe's. */
int file_stat(struct file *f, struct kstat *st);

/* ---- sys_path.c ------------------------------------------------------ */

/* The directory a path given with dirfd starts from, referenced (NULL:
 * the root; release with put_dir). An absolute path ignores dirfd, as on
 * Linux. -EBADF, -ENOTDIR. */
int at_dir(int dirfd, const char *path, struct inode **out);
void put_dir(struct inode *dir);

/* A path argument copied in, and the directory it starts from. */
struct upath {
	char *path;
	struct inode *dir;
};
/* user_path, then at_dir; release with path_put. */
int path_get(int dirfd, uaddr_t upath, struct upath *up);
void path_put(struct upath *up);

/* The absolute path of directory dir (NULL: the root) into buf
 * (VFS_PATH_MAX bytes): its length, -ENOENT if dir was removed,
 * -ENAMETOOLONG. */
int dir_path(struct inode *dir, char *buf);
/* realpath(3): the absolute path of what path names from cwd, with no
 * symlink, "." or ".." left in it, into buf (VFS_PATH_MAX bytes); a
 * symlink at the end is followed. Its length, or a lookup's error. The
 * inode it names (referenced) into *target if target is not NULL. */
int real_path(struct inode *cwd, const char *path, char *buf,
	      struct inode **target);

/* ---- pipe.c ---------------------------------------------------------- */

/* A new pipe: its read end in *rf and its write end in *wf (flags:
 * O_NONBLOCK or 0); 0 or -ENOMEM. */
int pipe_create(int flags, struct file **rf, struct file **wf);
/* Open the FIFO inode (a named pipe; flags as open's), waiting for the
 * other side as Linux does; the file takes the inode's reference, which
 * is put on an error. -ENXIO: O_WRONLY|O_NONBLOCK and no reader;
 * -ERESTARTSYS: a signal came while it waited. */
int fifo_open(struct inode *inode, int flags, struct file **out);
/* Is f an end of a pipe? Then fill *st as fstat shows it (S_IFIFO). */
bool pipe_stat(struct file *f, struct kstat *st);

/* ---- poll.c ---------------------------------------------------------- */

/* What f is ready for now: its poll operation's answer, or, for a plain
 * file or a device without one, readable and writable. */
unsigned int file_poll(struct file *f);

#endif
