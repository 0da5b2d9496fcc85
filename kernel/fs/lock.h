/*
 * Advisory file locks (lock.c): fcntl's POSIX record locks (F_GETLK,
 * F_SETLK, F_SETLKW), their open-file-description form (F_OFD_*), and
 * flock(2)'s whole-file locks, with Linux's semantics and errno values.
 * docs/ipc.md has the picture.
 */
#ifndef KESTREL_FS_LOCK_H
#define KESTREL_FS_LOCK_H

#include "fs/vfs.h"

struct fdtable;

/* fcntl(fd, cmd, arg) for the lock commands (F_GETLK, F_SETLK, F_SETLKW
 * and the F_OFD_ ones): arg is the user's struct flock. Returns 0 or a
 * negative errno; -EINVAL for any other cmd. */
long lock_fcntl(struct file *f, unsigned int cmd, uint64_t arg);
/* Is cmd one of lock_fcntl's? */
bool lock_is_fcntl_cmd(unsigned int cmd);

/* The process whose descriptor table is owner closes one of its
 * descriptors for f: every POSIX lock it holds on f's file goes (as on
 * Linux, whichever descriptor the locks were taken through). */
void lock_remove_posix(struct file *f, const struct fdtable *owner);
/* f's last reference is gone: its flock and OFD locks go. */
void lock_remove_file(struct file *f);

/* /proc/locks's text, Linux's format: at most size bytes into buf; the
 * whole text's length. Never sleeps. */
size_t lock_proc_text(char *buf, size_t size);

#endif
