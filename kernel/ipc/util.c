/*
 * The id tables of System V IPC (ipc_internal.h). Each facility (shm,
 * sem, msg) has one table of IPC_SLOTS slots under one spinlock; an
 * object's id is its slot plus IPC_SEQ_MULTIPLIER times the number of
 * times that slot was used before, so that an id of a removed object
 * finds nothing (EINVAL, or EIDRM for a sleeper) rather than its
 * successor. Keys are found by a walk over the slots: there are few.
 * docs/ipc.md.
 */
#include "ipc/ipc_internal.h"
#include "arch/x86_64/arch.h"
#include "proc/cred.h"

struct ipc_object *ipc_find_key(struct ipc_table *t, int32_t key)
{
	for (unsigned int i = 0; i < IPC_SLOTS; i++)
		if (t->slots[i] && t->slots[i]->key == key)
			return t->slots[i];
	return NULL;
}

struct ipc_object *ipc_find_id(struct ipc_table *t, int id)
{
	struct ipc_object *o;

	if (id < 0 || id % IPC_SEQ_MULTIPLIER >= IPC_SLOTS)
		return NULL;
	o = t->slots[id % IPC_SEQ_MULTIPLIER];
	return o && o->id == id ? o : NULL;
}

int ipc_add(struct ipc_table *t, struct ipc_object *o, int32_t key, int flags)
{
	for (unsigned int i = 0; i < IPC_SLOTS; i++) {
		if (t->slots[i])
			continue;
		t->slots[i] = o;
		o->id = (int)(i + IPC_SEQ_MULTIPLIER * (unsigned int)t->seq[i]);
		t->seq[i] = (uint16_t)((t->seq[i] + 1) % 0xffff);
		o->key = key;
		o->uid = o->cuid = cred_current()->euid;
		o->gid = o->cgid = cred_current()->egid;
		o->mode = (uint32_t)flags & 0777;
		o->removed = false;
		t->count++;
		return 0;
	}
	return -ENOSPC;
}

void ipc_remove(struct ipc_table *t, struct ipc_object *o)
{
	t->slots[o->id % IPC_SEQ_MULTIPLIER] = NULL;
	t->count--;
	o->removed = true;
	o->key = IPC_PRIVATE;
}

struct ipc_object *ipc_get_existing(struct ipc_table *t, int32_t key, int flags,
				    int *err)
{
	struct ipc_object *o = key == IPC_PRIVATE ? NULL : ipc_find_key(t, key);

	*err = 0;
	if (!o && key != IPC_PRIVATE && !(flags & IPC_CREAT))
		*err = -ENOENT;
	else if (o && (flags & IPC_CREAT) && (flags & IPC_EXCL))
		*err = -EEXIST;
	else if (o)
		*err = ipc_permission(o, flags & 0777);
	return o;
}

int ipc_permission(const struct ipc_object *o, int flag)
{
	const struct cred *c = cred_current();
	int requested = (flag >> 6 | flag >> 3 | flag) & 7;
	int granted = (int)o->mode;

	if (c->euid == o->cuid || c->euid == o->uid)
		granted >>= 6;
	else if (cred_in_group(c, o->cgid) || cred_in_group(c, o->gid))
		granted >>= 3;
	if ((requested & ~granted & 7) && !cred_capable())
		return -EACCES;
	return 0;
}

int ipc_owner_check(const struct ipc_object *o)
{
	const struct cred *c = cred_current();

	if (c->euid == o->cuid || c->euid == o->uid || cred_capable())
		return 0;
	return -EPERM;
}

void ipc_fill_perm(const struct ipc_object *o, struct ipc64_perm *p)
{
	*p = (struct ipc64_perm){
		.key = o->key,
		.uid = o->uid,
		.gid = o->gid,
		.cuid = o->cuid,
		.cgid = o->cgid,
		.mode = o->mode,
		.seq = (uint16_t)(o->id / IPC_SEQ_MULTIPLIER),
	};
}

void ipc_set_perm(struct ipc_object *o, const struct ipc64_perm *p)
{
	o->uid = p->uid;
	o->gid = p->gid;
	o->mode = (o->mode & ~0777U) | (p->mode & 0777);
}

int64_t ipc_now(void)
{
	return (int64_t)(time_realtime_ns() / 1000000000ULL);
}

void ipc_text_add(char *buf, size_t size, size_t *len, const char *text, int n)
{
	if (*len < size)
		memcpy(buf + *len, text, MIN((size_t)n, size - *len));
	*len += (size_t)n;
}
