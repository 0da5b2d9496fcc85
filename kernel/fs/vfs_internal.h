/*
 * What the VFS's own files (vfs.c, mount.c, namei.c, dir.c, file.c) call
 * in each other. Nothing outside the VFS includes it: file systems and
 * the rest of the kernel see only vfs.h.
 */
#ifndef KESTREL_VFS_INTERNAL_H
#define KESTREL_VFS_INTERNAL_H

#include "fs/vfs.h"

/* ---- vfs.c --------------------------------------------------------------- */

/* Fill *st from the inode, then let the file system add what it knows;
 * takes inode->lock. */
int vfs_inode_stat(struct inode *inode, struct kstat *st);
/* Write the inode back if it is dirty; caller holds inode->lock. */
int vfs_inode_write(struct inode *inode);
/* Write back every dirty inode of sb in the cache. */
int vfs_sync_inodes(struct super_block *sb);
/* Is any inode of sb but root referenced, or root more than root_refs
 * times? Caller holds no inode lock. */
bool vfs_sb_busy(const struct super_block *sb, const struct inode *root,
		 unsigned int root_refs);
struct file_system_type *vfs_find_fs(const char *name);

static inline bool name_is_dot(const char *name, size_t len)
{
	return len == 1 && name[0] == '.';
}

static inline bool name_is_dotdot(const char *name, size_t len)
{
	return len == 2 && name[0] == '.' && name[1] == '.';
}

static inline int sb_writable(struct super_block *sb)
{
	return sb->read_only ? -EROFS : 0;
}

/* ---- mount.c ------------------------------------------------------------- */

/* The root directory, with a reference, or NULL before the root mount. */
struct inode *vfs_root(void);
/* If *inode is covered by a mount, replace it (and its reference) with
 * the root of what is mounted there, as often as mounts are stacked. */
void mount_cross_down(struct inode **inode);
/* ".." of dir, crossing up out of mounted file systems; referenced. */
int mount_dotdot(struct inode *dir, struct inode **out);
/* Is inode a mount point, or the root of a mounted file system? */
bool mount_busy_inode(struct inode *inode);
void vfs_mount_stats(struct vfs_stats *st);

/* ---- file.c -------------------------------------------------------------- */

unsigned int vfs_open_files(void);

/* ---- namei.c ------------------------------------------------------------- */

/* As vfs_lookup_parent, but a path of slashes only ("/") gives the root
 * and the name "." (vfs_slash_dot), so each call can give Linux's errno
 * for it. The name is in path; name[len] is '/' if a slash followed. */
int namei_parent(struct inode *cwd, const char *path, struct inode **dir,
		 const char **name, size_t *len);
extern const char vfs_slash_dot[];
/* The inode called name in dir (dir->lock held), without crossing into
 * what is mounted on it. */
int lookup_locked(struct inode *dir, const char *name, size_t len,
		  struct inode **out);
/* Read the symlink's target into buf (VFS_PATH_MAX bytes) as a string:
 * its length, -ENOENT if empty, -ENAMETOOLONG. */
int read_link_target(struct inode *link, char *buf);

#endif
