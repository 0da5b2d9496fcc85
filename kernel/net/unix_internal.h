/*
 * What unix.c (sockets, names, connections, closing) and unix_msg.c
 * (sending, receiving, ancillary data) share: the structures, the one
 * lock, and the helpers both use. Nothing outside kernel/net/unix*.c
 * includes this. docs/net.md, "AF_UNIX".
 */
#ifndef KESTREL_NET_UNIX_INTERNAL_H
#define KESTREL_NET_UNIX_INTERNAL_H

#include "net/socket_internal.h"

#define UNIX_PATH_MAX 108
#define SOCK_RAW 3
#define UNIX_ADDR_MAX (2 + UNIX_PATH_MAX) /* sizeof(struct sockaddr_un) */
#define UNIX_BUF_DEFAULT 212992           /* Linux's wmem_default */
#define UNIX_BUF_MAX 212992               /* ... and wmem_max */
#define UNIX_SNDBUF_MIN 4608              /* SOCK_MIN_SNDBUF */
#define UNIX_RCVBUF_MIN 2304              /* SOCK_MIN_RCVBUF */
#define UNIX_DGRAM_QLEN 10                /* net.unix.max_dgram_qlen */
#define UNIX_BACKLOG_MAX 4096             /* net.core.somaxconn */
#define UNIX_CHUNK_MAX 65536 /* a stream send is cut into such messages */
#define SCM_MAX_FD 253
#define CONTROL_MAX 20480 /* net.core.optmem_max: -ENOBUFS beyond */
#define SIOCINQ FIONREAD
#define SEND_SHUTDOWN 2 /* Linux's sk_shutdown bits */
#define RCV_SHUTDOWN 1

enum unix_state {
	UNIX_UNCONNECTED,
	UNIX_LISTENING,
	UNIX_CONNECTED, /* stream/seqpacket: has a peer (maybe gone) */
};

/* Linux's struct ucred. */
struct ucred {
	int32_t pid;
	uint32_t uid, gid;
};

/* struct sockaddr_un, and how many of its bytes are the name. path has
 * room for a NUL after Linux's 108 bytes: a path that fills them still
 * ends (Linux's unix_mkname_bsd does the same). */
struct unix_addr {
	uint32_t len; /* 0: unbound */
	struct {
		uint16_t family;
		char path[UNIX_PATH_MAX + 1];
	} sun;
};

/* Linux's struct cmsghdr, as x86-64 lays it out. */
struct cmsghdr {
	uint64_t len;
	int32_t level, type;
};
#define CMSG_ALIGN(n) (((n) + 7) & ~(size_t)7)
#define CMSG_HDR CMSG_ALIGN(sizeof(struct cmsghdr))

/* One message: a datagram, a seqpacket record, or a piece of a stream. */
struct unix_msg {
	struct unix_msg *next;
	struct unix_sock *from; /* referenced; its wmem counts len */
	size_t len, off;        /* off: bytes a stream reader has taken */
	struct file **files;    /* SCM_RIGHTS in flight, referenced */
	int nfiles;
	struct ucred cred;     /* the sender's, or what it passed */
	struct unix_addr addr; /* the sender's name (datagrams) */
	uint8_t data[];
};

struct unix_sock {
	/* Constant after creation. */
	int type;              /* SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET */
	struct waitqueue wait; /* readers, writers, accept and connect */
	/* Protected by unix_lock. */
	int refs;     /* its file (or accept queue), peers, messages */
	bool dead;    /* its file is closed */
	bool reading; /* a reader is taking messages off rq */
	enum unix_state state;
	struct unix_sock *peer; /* referenced */
	struct unix_addr addr;
	struct inode *inode;          /* bound to a path: referenced */
	struct unix_sock *next_bound; /* bound_list */
	struct unix_sock *next_all;   /* all_list (for /proc/net/unix) */
	struct unix_msg *rq_head, *rq_tail;
	size_t rq_bytes;
	int rq_count;
	struct unix_sock *acceptq_head, *acceptq_tail, *next_accept;
	int backlog, pending;
	size_t wmem; /* bytes of ours still queued at a peer */
	int sndbuf, rcvbuf;
	int shutdown; /* SEND_SHUTDOWN | RCV_SHUTDOWN */
	int err;      /* SO_ERROR: ECONNRESET */
	bool passcred;
	struct ucred peercred; /* SO_PEERCRED */
	struct ucred listencred;
	uint64_t rcvtimeo_ns, sndtimeo_ns; /* 0: forever */
	uint64_t ino;
};

/* Guards every unix_sock's fields, every queue, the bound list and the
 * reference counts (unix.c's opening comment). */
extern struct spinlock unix_lock;

/* unix.c. Each "_locked" function, and those marked so, expects
 * unix_lock held. */
void unix_current_cred(struct ucred *c);
void unix_sock_get(struct unix_sock *us);    /* unix_lock held */
void unix_sock_put(struct unix_sock *us);    /* unix_lock held */
void unix_msg_unaccount(struct unix_msg *m); /* unix_lock held */
void unix_msg_free(struct unix_msg *m);      /* unix_lock not held */
void unix_rq_append(struct unix_sock *us, struct unix_msg *m); /* held */
struct unix_msg *unix_rq_pop(struct unix_sock *us);            /* held */
int unix_addr_from_user(uaddr_t uaddr, uint64_t len, struct unix_addr *a);
int unix_lookup_name(const struct unix_addr *a, int type,
		     struct unix_sock **out);
int unix_autobind_locked(struct unix_sock *us);
int unix_wait_locked(struct unix_sock *us, bool nonblock, uint64_t deadline);
uint64_t unix_deadline_for(uint64_t timeout_ns);

#endif
