/*
 * ramfs: a file system in kernel memory (ramfs.c), for the VFS's tests
 * and as the root when there is no root disk. Mount it with
 * vfs_mount(NULL, target, "ramfs", read_only).
 */
#ifndef KESTREL_RAMFS_H
#define KESTREL_RAMFS_H

#include "fs/vfs.h"

#define RAMFS_MAGIC 0x858458f6 /* Linux's, for statfs */

/* Boot: register the type (vfs_init does). */
void ramfs_init(void);

/* A new ramfs whose statfs reports magic and whose root directory has
 * the permission bits of root_mode: for tmpfs (tmpfs.c), which is a
 * ramfs under Linux's name. -ENOMEM. */
int ramfs_mount_as(uint64_t magic, uint32_t root_mode,
		   struct super_block **out);

/* Limit a mounted ramfs to max_pages pages of file data and max_inodes
 * inodes (ENOSPC beyond): for tests. -EINVAL if sb is not a ramfs or
 * already uses more. */
int ramfs_set_limits(struct super_block *sb, uint64_t max_pages,
		     uint64_t max_inodes);

#endif
