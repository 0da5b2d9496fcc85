/*
 * tmpfs (tmpfs.c): Linux's memory file system type, mounted on /dev/shm
 * (where musl's shm_open and sem_open make their files) and wherever
 * `mount -t tmpfs` puts it. docs/ipc.md.
 */
#ifndef KESTREL_FS_TMPFS_H
#define KESTREL_FS_TMPFS_H

#include "fs/vfs.h"

#define TMPFS_MAGIC 0x01021994 /* Linux's, for statfs */

/* Boot: register the type "tmpfs". */
void tmpfs_init(void);

/* mount(2)'s data for a tmpfs, Linux's options separated by commas:
 * size=BYTES[k|m|g|%], nr_inodes=N[k|m|g], mode=OCTAL, uid=N, gid=N. */
struct tmpfs_options {
	uint64_t max_pages, max_inodes; /* 0: the default */
	int32_t mode;                   /* the root's, or -1 */
	int64_t uid, gid;               /* the root's owner, or -1 */
};
/* Parse text (NUL-terminated) into *o: 0, or -EINVAL for an option
 * that is unknown or malformed, as Linux refuses the mount. */
int tmpfs_parse_options(const char *text, struct tmpfs_options *o);
/* Apply *o to the tmpfs just mounted at target (an absolute path):
 * 0, -EINVAL if target is no tmpfs or holds more than the new size. */
int tmpfs_apply_options(const char *target, const struct tmpfs_options *o);

/* A new regular file of size bytes (zeros) in the kernel's own tmpfs,
 * which is mounted nowhere, already unlinked (its memory goes with its
 * last reference), open for reading and writing: System V shared memory
 * maps it (Linux's shmem_kernel_file_setup). NULL without memory. */
struct file *tmpfs_file_create(uint64_t size);
/* Is f one of those files? */
bool tmpfs_file_is_internal(const struct file *f);

#endif
