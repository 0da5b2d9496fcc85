/*
 * A process's file descriptors: small integers naming open files
 * (struct file, vfs.h), each with its close-on-exec flag. fork copies the
 * table (both share the open files, offsets included, as Unix does); exec
 * closes the close-on-exec ones; exit closes all.
 */
#ifndef KESTREL_FS_FDTABLE_H
#define KESTREL_FS_FDTABLE_H

#include "fs/vfs.h"

#define FD_MAX 1024          /* the hard limit of RLIMIT_NOFILE */
#define FD_DEFAULT_LIMIT 256 /* its soft limit */

struct fdtable {
	struct spinlock lock; /* protects fd[] and cloexec[] */
	struct file *fd[FD_MAX];
	uint64_t cloexec[FD_MAX / 64];
	unsigned int refcount; /* atomic: processes sharing it (CLONE_FILES) */
};

struct fdtable *fdtable_create(void);
/* fork: a copy with every file referenced again; NULL without memory. */
struct fdtable *fdtable_copy(struct fdtable *t);
void fdtable_get(struct fdtable *t);
/* Drop a reference; the last closes every file. */
void fdtable_put(struct fdtable *t);
/* exec: close the descriptors marked close-on-exec. */
void fdtable_exec(struct fdtable *t);

/* Install f (its reference passes to the table) at the lowest free
 * descriptor >= min below limit: the descriptor, or -EMFILE. */
int fd_install(struct fdtable *t, struct file *f, int min, int limit,
	       bool cloexec);
/* Is a descriptor below limit free? (open checks before it creates a
 * file, as Linux reserves the descriptor first.) */
bool fd_available(struct fdtable *t, int limit);
/* The file at fd, referenced (vfs_close when done), or NULL (-EBADF). */
struct file *fd_get(struct fdtable *t, int fd);
/* Put f at fd, closing what was there (dup2): 0 or -EBADF. */
int fd_replace(struct fdtable *t, int fd, struct file *f, bool cloexec);
/* Remove fd; its file, whose reference passes to the caller, or NULL.
 * The process's POSIX locks on the file go (the caller is closing it). */
struct file *fd_remove(struct fdtable *t, int fd);
int fd_get_cloexec(struct fdtable *t, int fd); /* 0/1, or -EBADF */
int fd_set_cloexec(struct fdtable *t, int fd, bool on);

/* ---- the running process's descriptors (sys_file.c) -------------------
 * For the system calls of any subsystem that hands out files (sockets,
 * kernel/net/socket.c). */

/* The file at fd, referenced (vfs_close when done), or NULL. */
struct file *file_get(int fd);
/* Install f at the lowest free descriptor >= min: the descriptor, or
 * -EMFILE, in which case the caller still owns f. */
int file_install(struct file *f, int min, bool cloexec);

#endif
