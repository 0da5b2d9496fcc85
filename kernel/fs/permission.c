/*
 * Who may do what to a file: the one permission check (vfs_permission,
 * Linux's generic_permission) and the rules built on it for directories
 * and attributes. The credentials are the running thread's
 * (proc/cred.h); a kernel task is root.
 *
 *   the class   fsuid == owner       -> the owner's bits   (mode >> 6)
 *               else fsgid or a supplementary group == the file's group
 *                                    -> the group's bits   (mode >> 3)
 *               else                 -> the others' bits   (mode)
 *   the answer  every bit asked for is in the class's bits: yes
 *               else fsuid 0: read and write yes; search a directory
 *               yes; execute a file only if some x bit is set
 *               else EACCES
 *
 * Only one class is looked at: an owner without a bit is refused even
 * when the others have it. Writing on a read-only mount is EROFS first
 * (but for devices and FIFOs, whose data is not on the disk).
 *
 * The mode, uid and gid are read without the inode's lock: each is one
 * word, and a chmod racing with the check gives the old or the new
 * answer, as on Linux (generic_permission reads i_mode unlocked).
 * docs/security.md has the picture of where each check is made.
 */
#include "fs/vfs_internal.h"
#include "proc/cred.h"

int vfs_permission(struct inode *inode, int mask)
{
	const struct cred *c = cred_current();
	uint32_t mode = __atomic_load_n(&inode->mode, __ATOMIC_RELAXED);
	uint32_t bits;

	mask &= MAY_READ | MAY_WRITE | MAY_EXEC;
	if ((mask & MAY_WRITE) && inode->sb->read_only &&
	    (S_ISREG(mode) || S_ISDIR(mode) || S_ISLNK(mode)))
		return -EROFS;
	if (c->fsuid == inode->uid)
		bits = mode >> 6;
	else if (cred_in_group(c, inode->gid))
		bits = mode >> 3;
	else
		bits = mode;
	if ((mask & ~bits & 7) == 0)
		return 0;
	if (c->fsuid != 0)
		return -EACCES;
	if (!(mask & MAY_EXEC) || S_ISDIR(mode) || (mode & 0111))
		return 0;
	return -EACCES;
}

bool vfs_owner_or_root(const struct inode *inode)
{
	const struct cred *c = cred_current();

	return c->fsuid == 0 || c->fsuid == inode->uid;
}

void vfs_kill_setid(struct inode *ip)
{
	const struct cred *c = cred_current();
	uint32_t drop = S_ISUID;

	if (c->fsuid == 0 || !S_ISREG(ip->mode))
		return;
	/* set-group-ID without group execute is kept for a writer in
	 * the file's group (Linux's setattr_should_drop_sgid). */
	if ((ip->mode & 0010) || !cred_in_group(c, ip->gid))
		drop |= S_ISGID;
	if (!(ip->mode & drop))
		return;
	ip->mode &= ~drop;
	ip->ctime = vfs_now();
	vfs_inode_dirty(ip);
}

int vfs_may_create(struct inode *dir)
{
	return vfs_permission(dir, MAY_WRITE | MAY_EXEC);
}

int vfs_may_delete(struct inode *dir, const struct inode *victim)
{
	const struct cred *c = cred_current();
	int err = vfs_permission(dir, MAY_WRITE | MAY_EXEC);

	if (err)
		return err;
	/* The sticky bit (/tmp): only the file's owner, the directory's
	 * owner or root may remove or rename a name. */
	if ((dir->mode & S_ISVTX) && c->fsuid != 0 && c->fsuid != victim->uid &&
	    c->fsuid != dir->uid)
		return -EPERM;
	return 0;
}

void vfs_init_owner(const struct inode *dir, uint32_t *mode, uint32_t *uid,
		    uint32_t *gid)
{
	const struct cred *c = cred_current();

	*uid = c->fsuid;
	if (!(dir->mode & S_ISGID)) {
		*gid = c->fsgid;
		return;
	}
	/* A set-group-ID directory: its group passes to what is made in
	 * it, and its set-group-ID bit to new directories. */
	*gid = dir->gid;
	if (S_ISDIR(*mode))
		*mode |= S_ISGID;
	else if ((*mode & S_ISGID) && (*mode & 0010) && c->fsuid != 0 &&
		 !cred_in_group(c, dir->gid))
		*mode &= ~(uint32_t)S_ISGID;
}
