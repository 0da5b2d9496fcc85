/*
 * Credentials (cred.h) and the system calls that read and change them:
 * getuid ... getresgid, setuid, setgid, setreuid, setregid, setresuid,
 * setresgid, setfsuid, setfsgid, getgroups, setgroups.
 *
 * The rules are Linux's (kernel/sys.c), with "capable" meaning euid 0:
 *
 *   call          root            anyone else may set an id to
 *   setuid(u)     all four = u    euid = fsuid = u, if u is ruid or suid
 *   setreuid(r,e) anything        r: ruid or euid; e: ruid, euid or suid;
 *                                 suid = new euid if r was given or e
 *                                 differs from the old ruid
 *   setresuid     anything        each of r, e, s: one of the old three
 *   setfsuid(u)   anything        u: ruid, euid, suid or fsuid; returns
 *                                 the old fsuid whatever happens
 *   setgroups     anything        EPERM
 *
 * -1 leaves an id alone (setre*, setres*); setuid(-1) is EINVAL. After
 * every change but setfs*, the fs id follows the effective one. The
 * group calls are the same with gids. What is not allowed is EPERM, and
 * nothing changes.
 *
 * Locking (cred.h): the running thread writes its own credentials under
 * its cred_lock and reads them without it.
 */
#include "proc/cred.h"
#include "proc/proc.h"
#include <kestrel/stat.h>

#define S_IXGRP 0010

#define ID_UNCHANGED ((uint32_t)-1)

/* Kernel tasks (no struct proc) act as root. */
static const struct cred root_cred;

const struct cred *cred_current(void)
{
	struct proc *p = proc_current();

	return p ? &p->cred : &root_cred;
}

void cred_snapshot(struct proc *p, struct cred *out)
{
	spin_lock(&p->cred_lock);
	*out = p->cred;
	spin_unlock(&p->cred_lock);
}

void cred_copy(struct proc *child, const struct proc *parent)
{
	spin_init(&child->cred_lock, "cred");
	child->cred = parent ? parent->cred : root_cred;
}

bool cred_capable(void)
{
	return cred_current()->euid == 0;
}

bool cred_in_group(const struct cred *c, uint32_t gid)
{
	if (gid == c->fsgid)
		return true;
	for (unsigned int i = 0; i < c->ngroups; i++)
		if (c->groups[i] == gid)
			return true;
	return false;
}

/* The running thread takes new (a whole copy, under its lock). */
void cred_commit(const struct cred *new)
{
	struct proc *p = proc_current();

	spin_lock(&p->cred_lock);
	p->cred = *new;
	spin_unlock(&p->cred_lock);
}

bool cred_exec(struct cred *new, const struct cred *old, uint32_t mode,
	       uint32_t uid, uint32_t gid, bool setid_allowed)
{
	*new = *old;
	if (setid_allowed && (mode & S_ISUID))
		new->euid = uid;
	/* Set-group-ID without group execute marks mandatory locking, not
	 * a group change (Linux's rule). */
	if (setid_allowed && (mode & S_ISGID) && (mode & S_IXGRP))
		new->egid = gid;
	new->suid = new->fsuid = new->euid;
	new->sgid = new->fsgid = new->egid;
	return new->euid != old->uid || new->egid != old->gid;
}

void cred_use_real_ids(struct cred *saved)
{
	struct proc *p = proc_current();

	*saved = p->cred;
	spin_lock(&p->cred_lock);
	p->cred.fsuid = p->cred.uid;
	p->cred.fsgid = p->cred.gid;
	spin_unlock(&p->cred_lock);
}

void cred_restore_fs(const struct cred *saved)
{
	struct proc *p = proc_current();

	spin_lock(&p->cred_lock);
	p->cred.fsuid = saved->fsuid;
	p->cred.fsgid = saved->fsgid;
	spin_unlock(&p->cred_lock);
}

/* ---- reading ----------------------------------------------------------- */

static long sys_getuid(void)
{
	return cred_current()->uid;
}
SYSCALL(getuid, sys_getuid);

static long sys_geteuid(void)
{
	return cred_current()->euid;
}
SYSCALL(geteuid, sys_geteuid);

static long sys_getgid(void)
{
	return cred_current()->gid;
}
SYSCALL(getgid, sys_getgid);

static long sys_getegid(void)
{
	return cred_current()->egid;
}
SYSCALL(getegid, sys_getegid);

static long put_three(uint32_t a, uint32_t b, uint32_t c, uaddr_t ua,
		      uaddr_t ub, uaddr_t uc)
{
	if (put_user(a, ua) || put_user(b, ub) || put_user(c, uc))
		return -EFAULT;
	return 0;
}

static long sys_getresuid(uaddr_t r, uaddr_t e, uaddr_t s)
{
	const struct cred *c = cred_current();

	return put_three(c->uid, c->euid, c->suid, r, e, s);
}
SYSCALL(getresuid, sys_getresuid);

static long sys_getresgid(uaddr_t r, uaddr_t e, uaddr_t s)
{
	const struct cred *c = cred_current();

	return put_three(c->gid, c->egid, c->sgid, r, e, s);
}
SYSCALL(getresgid, sys_getresgid);

/* size 0 asks how many; a smaller list than that is EINVAL. */
static long sys_getgroups(int64_t size, uaddr_t list)
{
	const struct cred *c = cred_current();

	if ((int)size < 0)
		return -EINVAL;
	if (size == 0)
		return c->ngroups;
	if ((unsigned int)size < c->ngroups)
		return -EINVAL;
	if (copy_to_user(list, c->groups, c->ngroups * sizeof(uint32_t)))
		return -EFAULT;
	return c->ngroups;
}
SYSCALL(getgroups, sys_getgroups);

/* ---- changing: one set of rules for users and for groups ----------------- */

/* The four ids of one kind (user or group), as the rules see them. */
struct ids {
	uint32_t real, eff, saved, fs;
};

static struct ids get_ids(const struct cred *c, bool group)
{
	return group ? (struct ids){ c->gid, c->egid, c->sgid, c->fsgid }
		     : (struct ids){ c->uid, c->euid, c->suid, c->fsuid };
}

/* The running thread takes ids (of the kind group says). */
static void set_ids(const struct ids *ids, bool group)
{
	struct cred new = *cred_current();

	if (group) {
		new.gid = ids->real;
		new.egid = ids->eff;
		new.sgid = ids->saved;
		new.fsgid = ids->fs;
	} else {
		new.uid = ids->real;
		new.euid = ids->eff;
		new.suid = ids->saved;
		new.fsuid = ids->fs;
	}
	cred_commit(&new);
}

static bool is_one_of(uint32_t id, const struct ids *old)
{
	return id == old->real || id == old->eff || id == old->saved;
}

static long set_one(uint64_t arg, bool group)
{
	uint32_t id = (uint32_t)arg;
	struct ids ids = get_ids(cred_current(), group);

	if (id == ID_UNCHANGED)
		return -EINVAL;
	if (cred_capable()) {
		ids.real = ids.eff = ids.saved = id;
	} else if (id == ids.real || id == ids.saved) {
		ids.eff = id;
	} else {
		return -EPERM;
	}
	ids.fs = ids.eff;
	set_ids(&ids, group);
	return 0;
}

static long set_re(uint64_t r64, uint64_t e64, bool group)
{
	uint32_t r = (uint32_t)r64, e = (uint32_t)e64;
	struct ids old = get_ids(cred_current(), group), ids = old;
	bool root = cred_capable();

	if (r != ID_UNCHANGED) {
		if (!root && r != old.real && r != old.eff)
			return -EPERM;
		ids.real = r;
	}
	if (e != ID_UNCHANGED) {
		if (!root && !is_one_of(e, &old))
			return -EPERM;
		ids.eff = e;
	}
	if (r != ID_UNCHANGED || (e != ID_UNCHANGED && e != old.real))
		ids.saved = ids.eff;
	ids.fs = ids.eff;
	set_ids(&ids, group);
	return 0;
}

static long set_res(uint64_t r64, uint64_t e64, uint64_t s64, bool group)
{
	uint32_t want[3] = { (uint32_t)r64, (uint32_t)e64, (uint32_t)s64 };
	struct ids old = get_ids(cred_current(), group), ids = old;
	uint32_t *slot[3] = { &ids.real, &ids.eff, &ids.saved };
	bool root = cred_capable();

	for (int i = 0; i < 3; i++) {
		if (want[i] == ID_UNCHANGED)
			continue;
		if (!root && !is_one_of(want[i], &old))
			return -EPERM;
		*slot[i] = want[i];
	}
	ids.fs = ids.eff;
	set_ids(&ids, group);
	return 0;
}

/* No error ever: the old fs id, changed only when allowed. */
static long set_fs(uint64_t arg, bool group)
{
	uint32_t id = (uint32_t)arg;
	struct ids ids = get_ids(cred_current(), group);
	uint32_t old = ids.fs;

	if (id != ID_UNCHANGED &&
	    (cred_capable() || is_one_of(id, &ids) || id == ids.fs)) {
		ids.fs = id;
		set_ids(&ids, group);
	}
	return old;
}

static long sys_setuid(uint64_t uid)
{
	return set_one(uid, false);
}
SYSCALL(setuid, sys_setuid);

static long sys_setgid(uint64_t gid)
{
	return set_one(gid, true);
}
SYSCALL(setgid, sys_setgid);

static long sys_setreuid(uint64_t r, uint64_t e)
{
	return set_re(r, e, false);
}
SYSCALL(setreuid, sys_setreuid);

static long sys_setregid(uint64_t r, uint64_t e)
{
	return set_re(r, e, true);
}
SYSCALL(setregid, sys_setregid);

static long sys_setresuid(uint64_t r, uint64_t e, uint64_t s)
{
	return set_res(r, e, s, false);
}
SYSCALL(setresuid, sys_setresuid);

static long sys_setresgid(uint64_t r, uint64_t e, uint64_t s)
{
	return set_res(r, e, s, true);
}
SYSCALL(setresgid, sys_setresgid);

static long sys_setfsuid(uint64_t uid)
{
	return set_fs(uid, false);
}
SYSCALL(setfsuid, sys_setfsuid);

static long sys_setfsgid(uint64_t gid)
{
	return set_fs(gid, true);
}
SYSCALL(setfsgid, sys_setfsgid);

/* Root only; the list is kept sorted, as Linux's groups_sort does. */
static long sys_setgroups(int64_t size, uaddr_t list)
{
	struct cred new = *cred_current();
	unsigned int n = (unsigned int)(int)size;

	if (!cred_capable())
		return -EPERM;
	if (n > CRED_NGROUPS_MAX)
		return -EINVAL;
	if (copy_from_user(new.groups, list, n * sizeof(uint32_t)))
		return -EFAULT;
	new.ngroups = n;
	for (unsigned int i = 1; i < new.ngroups; i++) {
		uint32_t g = new.groups[i];
		unsigned int j = i;

		for (; j > 0 && new.groups[j - 1] > g; j--)
			new.groups[j] = new.groups[j - 1];
		new.groups[j] = g;
	}
	cred_commit(&new);
	return 0;
}
SYSCALL(setgroups, sys_setgroups);
