/*
 * What shm.c, sem.c and msg.c share (util.c): the permission block every
 * IPC object starts with, the table of ids each facility keeps, and
 * Linux's constants and structure layouts. docs/ipc.md.
 */
#ifndef KESTREL_IPC_INTERNAL_H
#define KESTREL_IPC_INTERNAL_H

#include "ipc/ipc.h"
#include "lib/spinlock.h"

/* Linux's values (include/uapi/linux/ipc.h). */
#define IPC_PRIVATE 0
#define IPC_CREAT 01000
#define IPC_EXCL 02000
#define IPC_NOWAIT 04000
#define IPC_RMID 0
#define IPC_SET 1
#define IPC_STAT 2
#define IPC_INFO 3

/* How many objects of one kind may exist at once (-ENOSPC beyond); an
 * id is slot + IPC_SEQ_MULTIPLIER * the slot's use count, as on Linux,
 * so a removed object's id is not soon given to a new one. */
#define IPC_SLOTS 256
#define IPC_SEQ_MULTIPLIER 32768

/* struct ipc64_perm (x86-64), as user space sees it. */
struct ipc64_perm {
	int32_t key;
	uint32_t uid, gid, cuid, cgid;
	uint32_t mode;
	uint16_t seq;
	uint16_t pad;
	uint64_t unused1, unused2;
};
_Static_assert(sizeof(struct ipc64_perm) == 48, "ipc64_perm is 48 bytes");

/* The part every object starts with. Under its table's lock. */
struct ipc_object {
	int32_t key; /* IPC_PRIVATE once removed (Linux's) */
	int id;
	uint32_t uid, gid, cuid, cgid;
	uint32_t mode; /* the 9 permission bits (and shm's state bits) */
	bool removed;  /* IPC_RMID came; gone from the table */
};

/* One facility's objects. */
struct ipc_table {
	struct spinlock lock; /* the slots and every object in them */
	struct ipc_object *slots[IPC_SLOTS];
	uint16_t seq[IPC_SLOTS]; /* how often each slot was used */
	unsigned int count;
};

#define IPC_TABLE_INIT(name)                            \
	{                                               \
		.lock = SPINLOCK_INIT(name), .count = 0 \
	}

/* Caller holds t->lock for all of these. */

/* The object with key (not IPC_PRIVATE), or NULL. */
struct ipc_object *ipc_find_key(struct ipc_table *t, int32_t key);
/* The object id names, or NULL (-EINVAL for the caller). */
struct ipc_object *ipc_find_id(struct ipc_table *t, int id);
/* Put o in a free slot, fill its id, key, owner and mode (flags' 9
 * low bits): 0, or -ENOSPC when every slot is taken. */
int ipc_add(struct ipc_table *t, struct ipc_object *o, int32_t key, int flags);
/* Take o out of its slot (IPC_RMID); its id no longer finds it. */
void ipc_remove(struct ipc_table *t, struct ipc_object *o);

/* The get calls' common part (shmget, semget, msgget), after the
 * caller took t->lock: the existing object for key, or NULL when a new
 * one is to be made; -ENOENT (no such key and no IPC_CREAT), -EEXIST
 * (IPC_CREAT | IPC_EXCL and it exists) in *err. */
struct ipc_object *ipc_get_existing(struct ipc_table *t, int32_t key, int flags,
				    int *err);

/* Linux's ipcperms: may the caller have the access in flag (permission
 * bits, e.g. IPC_READ, IPC_WRITE or a get call's 0777 part) to o? The
 * owner's or creator's bits for their euid, the group's for their
 * groups, else the others'; root may do anything. 0 or -EACCES. */
#define IPC_READ 0444
#define IPC_WRITE 0222
int ipc_permission(const struct ipc_object *o, int flag);
/* IPC_SET and IPC_RMID: only the owner, the creator or root. 0 or
 * -EPERM. */
int ipc_owner_check(const struct ipc_object *o);

void ipc_fill_perm(const struct ipc_object *o, struct ipc64_perm *p);
/* IPC_SET: the owner and the permission bits from p. */
void ipc_set_perm(struct ipc_object *o, const struct ipc64_perm *p);

/* For the /proc/sysvipc texts: append n bytes of text to buf (size
 * bytes), counting *len on past the end. */
void ipc_text_add(char *buf, size_t size, size_t *len, const char *text, int n);

/* The time of day in seconds, for the *_time fields. */
int64_t ipc_now(void);

#endif
