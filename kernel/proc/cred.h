/*
 * Credentials: who a thread is, for the permission checks. Linux's
 * model, without capabilities: each thread (struct proc) has a real,
 * effective, saved and file-system user id and the same four group ids,
 * and a sorted list of supplementary groups. "Root" means:
 *
 *   euid == 0    may change its ids (setuid, setgroups...), kill and
 *                ptrace anyone, mount, reboot, real-time policies
 *                (Linux's CAP_SETUID, CAP_KILL, CAP_SYS_ADMIN ...)
 *   fsuid == 0   passes the file permission checks (CAP_DAC_OVERRIDE,
 *                CAP_FOWNER, CAP_CHOWN, CAP_FSETID): read and write
 *                anything, execute what has an x bit
 *
 * Locking: a thread's credentials are written only by the thread itself
 * (the set*id calls, execve of a set-user-ID file), under its cred_lock;
 * so the thread reads its own without the lock (cred_current), and any
 * other reader takes a copy under the lock (cred_snapshot). A thread
 * starts with a copy of its creator's (fork and clone alike): musl's
 * setuid runs the call in every thread (__synccall), as Linux's per-
 * thread credentials require. docs/security.md.
 */
#ifndef KESTREL_CRED_H
#define KESTREL_CRED_H

#include "lib/lib.h"

/* At most this many supplementary groups (Linux allows 65536: setgroups
 * beyond ours is EINVAL, as beyond Linux's). */
#define CRED_NGROUPS_MAX 32

struct cred {
	uint32_t uid, euid, suid, fsuid;
	uint32_t gid, egid, sgid, fsgid;
	unsigned int ngroups;
	uint32_t groups[CRED_NGROUPS_MAX]; /* ascending */
};

struct proc;
struct inode;

/* The running thread's credentials (root's for a kernel task). Only the
 * thread itself changes them, so the pointer stays good for the call. */
const struct cred *cred_current(void);
/* A consistent copy of another thread's credentials. */
void cred_snapshot(struct proc *p, struct cred *out);
/* fork and clone: the child starts with the parent's (the child is not
 * yet visible: no lock needed). */
void cred_copy(struct proc *child, const struct proc *parent);

/* Is the caller root for changing ids and the system (euid 0)? */
bool cred_capable(void);
/* Is gid the caller's fsgid or one of its supplementary groups? */
bool cred_in_group(const struct cred *c, uint32_t gid);

/*
 * execve: the credentials the new program gets, from the caller's and
 * the file's mode and owner: a set-user-ID file sets euid (and a
 * set-group-ID file with group execute sets egid) unless setid_allowed
 * is false (the caller is traced, or the mount is nosuid); then the
 * saved ids take the effective ones and the fs ids follow them. Returns
 * whether the ids changed (AT_SECURE).
 */
bool cred_exec(struct cred *new, const struct cred *old, uint32_t mode,
	       uint32_t uid, uint32_t gid, bool setid_allowed);
/* execve's point of no return: the thread takes new. */
void cred_commit(const struct cred *new);

/* access() and faccessat(): check with the real ids in the fs ids, as
 * Linux's override_creds; cred_restore_fs puts the saved ones back.
 * The running thread only. */
void cred_use_real_ids(struct cred *saved);
void cred_restore_fs(const struct cred *saved);

#endif
