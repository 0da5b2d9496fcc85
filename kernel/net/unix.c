/*
 * AF_UNIX sockets: Linux's local sockets, SOCK_STREAM, SOCK_DGRAM and
 * SOCK_SEQPACKET, between processes of this machine. No packets: a send
 * copies the user's bytes into a struct unix_msg and puts it on the
 * receiver's queue; a receive copies them out and frees it. This file
 * has the sockets, their names, connections, closing and options;
 * unix_msg.c sends and receives; unix_internal.h is what they share.
 *
 *   sender                         receiver (struct unix_sock)
 *   ------                         ---------------------------
 *   unix_sendmsg: copy the data    rq: msg -> msg -> msg   (rq_bytes)
 *   into a new unix_msg (no lock),     each: data, the sender (whose
 *   take files for SCM_RIGHTS,         wmem counts it), files in flight,
 *   then under unix_lock check         the sender's credentials/address
 *   the peer and queue it.         unix_recvmsg: copy out (no lock, the
 *                                  socket's one reader at a time), free
 *
 * A name is a path (bind makes an S_IFSOCK inode; connect looks the path
 * up and finds the socket holding that inode) or, with sun_path[0] == 0,
 * a name in Linux's abstract namespace (no file). Both are found on the
 * list of bound sockets.
 *
 * Stream and seqpacket sockets connect to a listener: connect makes the
 * server's socket at once (an "embryo", connected to the client) and puts
 * it on the listener's accept queue, where accept finds it. A stream
 * reader reads across message boundaries; a seqpacket or datagram reader
 * takes one message per call (MSG_TRUNC when it did not fit).
 *
 * Flow control: a sender may have at most sndbuf bytes queued at its
 * peers (wmem); a datagram socket's queue holds at most
 * UNIX_DGRAM_QLEN + 1 messages from senders it is not connected to both
 * ways (Linux's max_dgram_qlen). Senders wait on their own wait queue and
 * are woken when a receiver frees their messages.
 *
 * Locking: one spinlock, "unix", guards every unix_sock's fields, every
 * queue, the bound list and all reference counts. Nothing under it
 * sleeps or touches user memory. Copies to and from user memory run with
 * it let go: a receiver claims its socket (us->reading) first, so only it
 * takes messages off that queue while it copies. Files taken from or
 * given to file tables (SCM_RIGHTS) are closed and installed without it.
 * docs/net.md, "AF_UNIX".
 */
#include "fs/fdtable.h"
#include "fs/fs_syscalls.h"
#include "fs/poll.h"
#include "mm/mm.h"
#include "net/unix_internal.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "sched/sched.h"

struct spinlock unix_lock = SPINLOCK_INIT("unix");
static struct unix_sock *bound_list; /* unix_lock */
static struct unix_sock *all_list;   /* unix_lock */
static uint32_t next_autobind;       /* unix_lock */

/* ---- sockets and references -------------------------------------------- */

void unix_current_cred(struct ucred *c)
{
	const struct cred *cred = cred_current();

	c->pid = proc_current()->tgid;
	c->uid = cred->euid; /* Linux's SO_PEERCRED: the effective ids */
	c->gid = cred->egid;
}

static struct unix_sock *sock_alloc(int type)
{
	struct unix_sock *us = kzalloc(sizeof(*us));

	if (!us)
		return NULL;
	us->type = type;
	us->wait = (struct waitqueue)WAITQUEUE_INIT;
	us->refs = 1;
	us->sndbuf = UNIX_BUF_DEFAULT;
	us->rcvbuf = UNIX_BUF_DEFAULT;
	us->peercred.pid = 0;
	us->peercred.uid = us->peercred.gid = (uint32_t)-1;
	spin_lock(&unix_lock);
	us->next_all = all_list;
	all_list = us;
	spin_unlock(&unix_lock);
	return us;
}

/* Caller holds unix_lock. */
void unix_sock_get(struct unix_sock *us)
{
	us->refs++;
}

/* Caller holds unix_lock. The last reference frees it (its queues are
 * empty by then: release emptied them). */
void unix_sock_put(struct unix_sock *us)
{
	if (--us->refs > 0)
		return;
	for (struct unix_sock **pp = &all_list; *pp; pp = &(*pp)->next_all) {
		if (*pp == us) {
			*pp = us->next_all;
			break;
		}
	}
	kfree(us);
}

int unix_create(int type, int protocol, struct unix_sock **out)
{
	if (type == SOCK_RAW)
		type = SOCK_DGRAM; /* as Linux's unix_create does */
	if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET)
		return -ESOCKTNOSUPPORT;
	if (protocol != 0 && protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	*out = sock_alloc(type);
	return *out ? 0 : -ENOMEM;
}

void unix_set_ino(struct unix_sock *us, uint64_t ino)
{
	spin_lock(&unix_lock);
	us->ino = ino;
	spin_unlock(&unix_lock);
}

/* ---- messages ------------------------------------------------------------ */

/* Caller holds unix_lock. m is off its queue: give its bytes back to
 * the sender and wake it. Its files are left to the caller (closing one
 * may sleep). */
void unix_msg_unaccount(struct unix_msg *m)
{
	m->from->wmem -= m->len;
	wake_up(&m->from->wait);
	unix_sock_put(m->from);
	m->from = NULL;
}

/* Close files in flight and free m; unix_lock not held. */
void unix_msg_free(struct unix_msg *m)
{
	for (int i = 0; i < m->nfiles; i++)
		vfs_close(m->files[i]);
	kfree(m->files);
	kfree(m);
}

/* Caller holds unix_lock. */
void unix_rq_append(struct unix_sock *us, struct unix_msg *m)
{
	m->next = NULL;
	if (us->rq_tail)
		us->rq_tail->next = m;
	else
		us->rq_head = m;
	us->rq_tail = m;
	us->rq_bytes += m->len - m->off;
	us->rq_count++;
}

/* Caller holds unix_lock. Unlink rq's first message. */
struct unix_msg *unix_rq_pop(struct unix_sock *us)
{
	struct unix_msg *m = us->rq_head;

	us->rq_head = m->next;
	if (!us->rq_head)
		us->rq_tail = NULL;
	us->rq_bytes -= m->len - m->off;
	us->rq_count--;
	return m;
}

/* ---- closing ------------------------------------------------------------ */

/* Caller holds unix_lock. End us (a closed socket, or an embryo no one
 * accepted): tell its peer, unlink its name, and move its queued
 * messages and embryos onto *msgs and *embryos for the caller. */
static void sock_kill(struct unix_sock *us, struct unix_msg **msgs,
		      struct unix_sock **embryos, struct inode **inode)
{
	struct unix_sock *peer = us->peer;

	us->dead = true;
	us->shutdown = SEND_SHUTDOWN | RCV_SHUTDOWN;
	if (us->addr.len) {
		for (struct unix_sock **pp = &bound_list; *pp;
		     pp = &(*pp)->next_bound) {
			if (*pp == us) {
				*pp = us->next_bound;
				break;
			}
		}
	}
	*inode = us->inode;
	us->inode = NULL;
	if (peer && us->type != SOCK_DGRAM) {
		peer->shutdown = SEND_SHUTDOWN | RCV_SHUTDOWN;
		if (us->rq_head) /* closed with unread data */
			peer->err = ECONNRESET;
		wake_up(&peer->wait);
	}
	if (peer) {
		us->peer = NULL;
		unix_sock_put(peer);
	}
	while (us->rq_head) {
		struct unix_msg *m = unix_rq_pop(us);

		unix_msg_unaccount(m);
		m->next = *msgs;
		*msgs = m;
	}
	while (us->acceptq_head) {
		struct unix_sock *e = us->acceptq_head;

		us->acceptq_head = e->next_accept;
		e->next_accept = *embryos;
		*embryos = e;
	}
	us->acceptq_tail = NULL;
	us->pending = 0;
	wake_up(&us->wait); /* connect waiting for room in our backlog */
	poll_notify();
}

void unix_release(struct unix_sock *us)
{
	struct unix_msg *msgs = NULL;
	struct unix_sock *embryos = NULL;
	struct inode *inode;

	spin_lock(&unix_lock);
	sock_kill(us, &msgs, &embryos, &inode);
	/* An embryo never accepted resets its client, as on Linux. */
	while (embryos) {
		struct unix_sock *e = embryos;
		struct inode *ignored;

		embryos = e->next_accept;
		if (e->peer)
			e->peer->err = ECONNRESET;
		sock_kill(e, &msgs, &embryos, &ignored);
		unix_sock_put(e);
	}
	unix_sock_put(us);
	spin_unlock(&unix_lock);
	if (inode)
		vfs_iput(inode);
	/* Closing these may release other unix sockets: unix_lock is free. */
	while (msgs) {
		struct unix_msg *m = msgs;

		msgs = m->next;
		unix_msg_free(m);
	}
}

/* ---- names ---------------------------------------------------------------- */

/* A sockaddr_un from user space into *a: 0, -EINVAL, -EFAULT. An
 * autobind request (only the family) gives a->len == 2. */
int unix_addr_from_user(uaddr_t uaddr, uint64_t len, struct unix_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (len < sizeof(a->sun.family) || len > UNIX_ADDR_MAX)
		return -EINVAL;
	if (copy_from_user(&a->sun, uaddr, len))
		return -EFAULT;
	if (a->sun.family != AF_UNIX)
		return -EINVAL;
	a->len = (uint32_t)len;
	if (len > sizeof(a->sun.family) && a->sun.path[0] != 0)
		/* A path: up to its NUL, which counts (Linux's length). */
		a->len = (uint32_t)(sizeof(a->sun.family) +
				    strnlen(a->sun.path, UNIX_PATH_MAX) + 1);
	return 0;
}

static bool is_abstract(const struct unix_addr *a)
{
	return a->len > sizeof(a->sun.family) && a->sun.path[0] == 0;
}

/* Copy a name out as getsockname/accept/recvfrom do: at most *ulen bytes,
 * and its length into *ulen. An unbound socket's is the family alone. */
static int addr_to_user(const struct unix_addr *a, uaddr_t uaddr, uaddr_t ulen)
{
	struct unix_addr unnamed = { sizeof(uint16_t), { AF_UNIX, { 0 } } };
	int len;

	if (!a->len)
		a = &unnamed;
	if (get_user(len, ulen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (copy_to_user(uaddr, &a->sun, MIN((size_t)len, a->len)))
		return -EFAULT;
	len = (int)a->len;
	return put_user(len, ulen);
}

/* Caller holds unix_lock. The socket bound to abstract name a. */
static struct unix_sock *find_abstract(const struct unix_addr *a)
{
	for (struct unix_sock *s = bound_list; s; s = s->next_bound)
		if (!s->inode && s->addr.len == a->len &&
		    memcmp(&s->addr.sun, &a->sun, a->len) == 0)
			return s;
	return NULL;
}

/* Caller holds unix_lock. The socket bound to inode. */
static struct unix_sock *find_inode(const struct inode *inode)
{
	for (struct unix_sock *s = bound_list; s; s = s->next_bound)
		if (s->inode == inode)
			return s;
	return NULL;
}

/* Caller holds unix_lock. */
static void bind_locked(struct unix_sock *us, const struct unix_addr *a,
			struct inode *inode)
{
	us->addr = *a;
	us->inode = inode;
	us->next_bound = bound_list;
	bound_list = us;
}

/* Caller holds unix_lock. Linux's autobind: a free abstract name of five
 * hex digits. */
int unix_autobind_locked(struct unix_sock *us)
{
	struct unix_addr a;

	if (us->addr.len)
		return 0;
	for (int tries = 0; tries < 0x100000; tries++) {
		memset(&a, 0, sizeof(a));
		a.sun.family = AF_UNIX;
		ksnprintf(a.sun.path + 1, sizeof(a.sun.path) - 1, "%05x",
			  next_autobind);
		next_autobind = (next_autobind + 1) & 0xfffff;
		a.len = sizeof(a.sun.family) + 6;
		if (!find_abstract(&a)) {
			bind_locked(us, &a, NULL);
			return 0;
		}
	}
	return -ENOSPC;
}

int unix_bind(struct unix_sock *us, uaddr_t uaddr, uint64_t len)
{
	struct unix_addr a;
	struct inode *dir, *inode;
	int err = unix_addr_from_user(uaddr, len, &a);

	if (err)
		return err;
	if (a.len == sizeof(a.sun.family)) {
		spin_lock(&unix_lock);
		err = us->addr.len ? -EINVAL : unix_autobind_locked(us);
		spin_unlock(&unix_lock);
		return err;
	}
	if (is_abstract(&a)) {
		spin_lock(&unix_lock);
		if (us->addr.len)
			err = -EINVAL;
		else if (find_abstract(&a))
			err = -EADDRINUSE;
		else
			bind_locked(us, &a, NULL);
		spin_unlock(&unix_lock);
		return err;
	}
	spin_lock(&unix_lock);
	err = us->addr.len ? -EINVAL : 0;
	spin_unlock(&unix_lock);
	if (err)
		return err;
	/* A path: its inode is the socket's name in the file system. */
	err = at_dir(AT_FDCWD, a.sun.path, &dir);
	if (err)
		return err;
	err = vfs_mknod(
		dir, a.sun.path,
		S_IFSOCK | (0777 & ~fs_struct_umask(proc_current()->fs)), 0);
	if (err == -EEXIST)
		err = -EADDRINUSE;
	if (!err)
		err = vfs_lookup(dir, a.sun.path, 0, &inode);
	put_dir(dir);
	if (err)
		return err;
	spin_lock(&unix_lock);
	if (us->addr.len) /* another thread bound it meanwhile */
		err = -EINVAL;
	else
		bind_locked(us, &a, inode);
	spin_unlock(&unix_lock);
	if (err)
		vfs_iput(inode);
	return err;
}

/* The socket named a, referenced (sock_put under unix_lock when done):
 * 0, -ECONNREFUSED (nothing there), -ENOENT and the lookup's errors
 * for a path, -EPROTOTYPE (another type). */
int unix_lookup_name(const struct unix_addr *a, int type,
		     struct unix_sock **out)
{
	struct inode *inode = NULL;
	struct unix_sock *s;
	int err;

	if (!is_abstract(a)) {
		struct inode *dir;

		err = at_dir(AT_FDCWD, a->sun.path, &dir);
		if (err)
			return err;
		err = vfs_lookup(dir, a->sun.path, LOOKUP_FOLLOW, &inode);
		put_dir(dir);
		if (err)
			return err;
	}
	spin_lock(&unix_lock);
	s = inode ? (S_ISSOCK(inode->mode) ? find_inode(inode) : NULL)
		  : find_abstract(a);
	if (!s)
		err = -ECONNREFUSED;
	else if (s->type != type)
		err = -EPROTOTYPE;
	else
		unix_sock_get(s);
	spin_unlock(&unix_lock);
	if (inode)
		vfs_iput(inode);
	if (!err)
		*out = s;
	return err;
}

int unix_name(struct unix_sock *us, bool peer, uaddr_t uaddr, uaddr_t ulen)
{
	struct unix_addr a;
	int err = 0;

	spin_lock(&unix_lock);
	if (peer && !us->peer)
		err = -ENOTCONN;
	else
		a = peer ? us->peer->addr : us->addr;
	spin_unlock(&unix_lock);
	return err ? err : addr_to_user(&a, uaddr, ulen);
}

/* ---- waiting -------------------------------------------------------------- */

/* Caller holds unix_lock. Sleep on us->wait until woken, the deadline (0:
 * none), or a signal: 0, -EAGAIN (deadline passed or nonblock),
 * -ERESTARTSYS. The caller looks again when it returns 0. */
int unix_wait_locked(struct unix_sock *us, bool nonblock, uint64_t deadline)
{
	if (nonblock || (deadline && time_ns() >= deadline))
		return -EAGAIN;
	if (signal_pending())
		return -ERESTARTSYS;
	if (deadline)
		sleep_on_until(&us->wait, &unix_lock, deadline);
	else
		sleep_on(&us->wait, &unix_lock);
	return 0;
}

uint64_t unix_deadline_for(uint64_t timeout_ns)
{
	return timeout_ns ? time_ns() + timeout_ns : 0;
}

/* ---- connecting ------------------------------------------------------------ */

int unix_listen(struct unix_sock *us, int backlog)
{
	int err = 0;

	if (us->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	if (backlog < 0 || backlog > UNIX_BACKLOG_MAX)
		backlog = UNIX_BACKLOG_MAX;
	spin_lock(&unix_lock);
	if (us->state == UNIX_CONNECTED || !us->addr.len) {
		err = -EINVAL;
	} else {
		us->state = UNIX_LISTENING;
		us->backlog = backlog;
		unix_current_cred(&us->listencred);
		wake_up(&us->wait); /* a larger backlog may let connect on */
	}
	spin_unlock(&unix_lock);
	poll_notify(); /* a listener polls differently */
	return err;
}

/* Caller holds unix_lock: connect us and peer to each other. */
static void pair_locked(struct unix_sock *a, struct unix_sock *b)
{
	unix_sock_get(b);
	a->peer = b;
	unix_sock_get(a);
	b->peer = a;
	if (a->type != SOCK_DGRAM) {
		a->state = UNIX_CONNECTED;
		b->state = UNIX_CONNECTED;
	}
}

static int connect_stream(struct unix_sock *us, const struct unix_addr *a,
			  bool nonblock)
{
	struct unix_sock *listener, *e;
	uint64_t deadline;
	int err = unix_lookup_name(a, us->type, &listener);

	if (err)
		return err;
	e = sock_alloc(us->type); /* the server's end */
	spin_lock(&unix_lock);
	deadline = unix_deadline_for(us->sndtimeo_ns);
	for (;;) {
		if (!e) {
			err = -ENOMEM;
		} else if (us->state == UNIX_CONNECTED) {
			err = -EISCONN;
		} else if (us->state == UNIX_LISTENING) {
			err = -EINVAL;
		} else if (listener->dead ||
			   listener->state != UNIX_LISTENING) {
			err = -ECONNREFUSED;
		} else if (listener->pending > listener->backlog) {
			err = unix_wait_locked(listener, nonblock, deadline);
			if (!err)
				continue;
		} else {
			break;
		}
		if (e)
			unix_sock_put(e);
		unix_sock_put(listener);
		spin_unlock(&unix_lock);
		return err;
	}
	/* The embryo: the listener's name, the client's credentials. */
	e->addr = listener->addr;
	unix_current_cred(&e->peercred);
	e->sndbuf = listener->sndbuf;
	e->rcvbuf = listener->rcvbuf;
	us->peercred = listener->listencred;
	pair_locked(us, e);
	e->next_accept = NULL;
	if (listener->acceptq_tail)
		listener->acceptq_tail->next_accept = e;
	else
		listener->acceptq_head = e;
	listener->acceptq_tail = e;
	listener->pending++; /* e's reference passes to the queue */
	wake_up(&listener->wait);
	unix_sock_put(listener);
	spin_unlock(&unix_lock);
	poll_notify();
	return 0;
}

int unix_connect(struct unix_sock *us, uaddr_t uaddr, uint64_t len,
		 bool nonblock)
{
	struct unix_addr a;
	struct unix_sock *target;
	int err;

	if (us->type == SOCK_DGRAM && len >= sizeof(uint16_t)) {
		uint16_t family;

		if (get_user(family, uaddr))
			return -EFAULT;
		if (family == AF_UNSPEC) { /* disconnect */
			spin_lock(&unix_lock);
			if (us->peer) {
				unix_sock_put(us->peer);
				us->peer = NULL;
			}
			spin_unlock(&unix_lock);
			poll_notify();
			return 0;
		}
	}
	err = unix_addr_from_user(uaddr, len, &a);
	if (err)
		return err;
	if (a.len == sizeof(a.sun.family))
		return -EINVAL;
	if (us->type != SOCK_DGRAM)
		return connect_stream(us, &a, nonblock);
	err = unix_lookup_name(&a, SOCK_DGRAM, &target);
	if (err)
		return err;
	spin_lock(&unix_lock);
	if (target->dead) {
		err = -ECONNREFUSED;
		unix_sock_put(target);
	} else {
		if (us->peer)
			unix_sock_put(us->peer);
		us->peer = target; /* the lookup's reference */
		if (us->passcred)
			unix_autobind_locked(us);
	}
	spin_unlock(&unix_lock);
	poll_notify();
	return err;
}

int unix_accept(struct unix_sock *us, bool nonblock, struct unix_sock **out)
{
	struct unix_sock *e;
	uint64_t deadline;
	int err = 0;

	if (us->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	spin_lock(&unix_lock);
	deadline = unix_deadline_for(us->rcvtimeo_ns);
	while (!err && us->state == UNIX_LISTENING && !us->acceptq_head)
		err = unix_wait_locked(us, nonblock, deadline);
	if (!err && us->state != UNIX_LISTENING)
		err = -EINVAL;
	if (err) {
		spin_unlock(&unix_lock);
		return err;
	}
	e = us->acceptq_head;
	us->acceptq_head = e->next_accept;
	if (!us->acceptq_head)
		us->acceptq_tail = NULL;
	us->pending--;
	wake_up(&us->wait); /* room for a waiting connect */
	spin_unlock(&unix_lock);
	poll_notify();
	*out = e;
	return 0;
}

int unix_pair(int type, int protocol, struct unix_sock **a,
	      struct unix_sock **b)
{
	int err = unix_create(type, protocol, a);

	if (err)
		return err;
	err = unix_create(type, protocol, b);
	if (err) {
		unix_release(*a);
		return err;
	}
	spin_lock(&unix_lock);
	pair_locked(*a, *b);
	unix_current_cred(&(*a)->peercred);
	(*b)->peercred = (*a)->peercred;
	spin_unlock(&unix_lock);
	return 0;
}

int unix_shutdown(struct unix_sock *us, int how)
{
	/* SHUT_RD 0, SHUT_WR 1, SHUT_RDWR 2: RCV_SHUTDOWN, SEND_SHUTDOWN or
	 * both, as Linux's how + 1. */
	int mask = how + 1;

	/* Linux never says ENOTCONN here, connected or not. */
	spin_lock(&unix_lock);
	us->shutdown |= mask;
	if (us->peer && us->type != SOCK_DGRAM) {
		/* Our SHUT_WR is the peer's end of input, and SHUT_RD its
		 * end of output. */
		us->peer->shutdown |=
			(mask & RCV_SHUTDOWN ? SEND_SHUTDOWN : 0) |
			(mask & SEND_SHUTDOWN ? RCV_SHUTDOWN : 0);
		wake_up(&us->peer->wait);
	}
	wake_up(&us->wait);
	spin_unlock(&unix_lock);
	poll_notify();
	return 0;
}

/* ---- readiness, ioctls, options ------------------------------------------ */

/* Caller holds unix_lock. May us send now (poll's POLLOUT)? */
static bool writable(const struct unix_sock *us)
{
	const struct unix_sock *peer = us->peer;

	if (us->state == UNIX_LISTENING || us->wmem * 4 > (size_t)us->sndbuf)
		return false;
	return !(us->type == SOCK_DGRAM && peer && peer->peer != us &&
		 peer->rq_count > UNIX_DGRAM_QLEN);
}

unsigned int unix_poll(struct unix_sock *us)
{
	unsigned int mask = 0;

	spin_lock(&unix_lock);
	if (us->state == UNIX_LISTENING) {
		mask = us->acceptq_head ? POLLIN | POLLRDNORM : 0;
		spin_unlock(&unix_lock);
		return mask;
	}
	if (us->err)
		mask |= POLLERR;
	if (us->shutdown == (SEND_SHUTDOWN | RCV_SHUTDOWN))
		mask |= POLLHUP;
	if (us->rq_head || (us->shutdown & RCV_SHUTDOWN))
		mask |= POLLIN | POLLRDNORM;
	if (us->type != SOCK_DGRAM && us->state == UNIX_UNCONNECTED)
		mask |= POLLHUP;
	if (writable(us))
		mask |= POLLOUT | POLLWRNORM;
	spin_unlock(&unix_lock);
	return mask;
}

long unix_ioctl(struct unix_sock *us, unsigned int cmd, uint64_t arg)
{
	int n;

	spin_lock(&unix_lock);
	if (cmd == SIOCINQ && us->state == UNIX_LISTENING)
		n = -EINVAL;
	else if (cmd == SIOCINQ)
		/* A stream's unread bytes; a datagram socket's next one. */
		n = us->type == SOCK_DGRAM
			    ? (us->rq_head ? (int)us->rq_head->len : 0)
			    : (int)us->rq_bytes;
	else
		n = (int)us->wmem; /* SIOCOUTQ */
	spin_unlock(&unix_lock);
	if (n < 0)
		return n;
	return put_user(n, arg);
}

static int clamp_buf(int v, int min)
{
	if (v < 0 || v > UNIX_BUF_MAX)
		v = UNIX_BUF_MAX;
	return MAX(v * 2, min); /* Linux doubles it, for its overhead */
}

int unix_setopt(struct unix_sock *us, int name, uaddr_t uval, uint64_t len)
{
	struct timeval tv;
	int v;

	if (name == SO_RCVTIMEO || name == SO_SNDTIMEO) {
		uint64_t ns;

		if (len < sizeof(tv))
			return -EINVAL;
		if (copy_from_user(&tv, uval, sizeof(tv)))
			return -EFAULT;
		if (tv.usec < 0 || tv.usec >= 1000000)
			return -EDOM;
		ns = tv.sec < 0 ? 0
				: (uint64_t)tv.sec * NS_PER_SEC +
					  (uint64_t)tv.usec * NS_PER_USEC;
		spin_lock(&unix_lock);
		if (name == SO_RCVTIMEO)
			us->rcvtimeo_ns = ns;
		else
			us->sndtimeo_ns = ns;
		spin_unlock(&unix_lock);
		return 0;
	}
	if (len < sizeof(v))
		return -EINVAL;
	if (get_user(v, uval))
		return -EFAULT;
	spin_lock(&unix_lock);
	switch (name) {
	case SO_PASSCRED:
		us->passcred = v != 0;
		break;
	case SO_SNDBUF:
		us->sndbuf = clamp_buf(v, UNIX_SNDBUF_MIN);
		wake_up(&us->wait);
		break;
	case SO_RCVBUF: /* kept and shown; a unix socket's queue is bounded
			 * by its senders' SO_SNDBUF, as on Linux */
		us->rcvbuf = clamp_buf(v, UNIX_RCVBUF_MIN);
		break;
	case SO_REUSEADDR: /* meaningless here; Linux accepts it */
		break;
	default:
		v = -ENOPROTOOPT;
	}
	spin_unlock(&unix_lock);
	poll_notify();
	return v == -ENOPROTOOPT ? v : 0;
}

int unix_getopt(struct unix_sock *us, int name, void *buf)
{
	int *v = buf;
	int size = sizeof(int);

	spin_lock(&unix_lock);
	switch (name) {
	case SO_TYPE:
		*v = us->type;
		break;
	case SO_ERROR:
		*v = us->err;
		us->err = 0;
		break;
	case SO_ACCEPTCONN:
		*v = us->state == UNIX_LISTENING;
		break;
	case SO_DOMAIN:
		*v = AF_UNIX;
		break;
	case SO_PROTOCOL:
	case SO_REUSEADDR:
		*v = 0;
		break;
	case SO_PASSCRED:
		*v = us->passcred;
		break;
	case SO_SNDBUF:
		*v = us->sndbuf;
		break;
	case SO_RCVBUF:
		*v = us->rcvbuf;
		break;
	case SO_PEERCRED:
		memcpy(buf, &us->peercred, sizeof(us->peercred));
		size = sizeof(us->peercred);
		break;
	case SO_RCVTIMEO:
	case SO_SNDTIMEO: {
		uint64_t ns = name == SO_RCVTIMEO ? us->rcvtimeo_ns
						  : us->sndtimeo_ns;
		struct timeval tv = { (int64_t)(ns / NS_PER_SEC),
				      (int64_t)(ns % NS_PER_SEC /
						NS_PER_USEC) };

		memcpy(buf, &tv, sizeof(tv));
		size = sizeof(tv);
		break;
	}
	default:
		size = -ENOPROTOOPT;
	}
	spin_unlock(&unix_lock);
	return size;
}

/* ---- /proc/net/unix ------------------------------------------------------ */

#define SO_ACCEPTCON_FLAG 0x10000 /* Linux's __SO_ACCEPTCON */
#define SS_UNCONNECTED 1
#define SS_CONNECTED 3

size_t net_proc_unix(char *buf, size_t size)
{
	size_t len = 0;
	unsigned long n = 0;

	len += (size_t)ksnprintf(buf, size,
				 "Num       RefCount Protocol Flags    Type St "
				 "Inode Path\n");
	spin_lock(&unix_lock);
	for (struct unix_sock *s = all_list; s; s = s->next_all) {
		size_t room;
		char path[UNIX_PATH_MAX + 2];
		size_t plen = 0;

		if (s->dead)
			continue;
		if (s->addr.len > sizeof(uint16_t)) {
			/* abstract names: '@' for each NUL, as Linux */
			path[plen++] = ' ';
			for (size_t i = 0; i < s->addr.len - sizeof(uint16_t);
			     i++) {
				char ch = s->addr.sun.path[i];

				if (ch == 0 && !is_abstract(&s->addr))
					break;
				path[plen++] = ch ? ch : '@';
			}
		}
		path[plen] = 0;
		room = len < size ? size - len : 0;
		len += (size_t)ksnprintf(
			room ? buf + len : buf, room,
			"%016lx: %08X %08X %08X %04X %02X %5lu%s\n", n++,
			(unsigned int)s->refs, 0u,
			s->state == UNIX_LISTENING ? SO_ACCEPTCON_FLAG : 0u,
			(unsigned int)s->type,
			s->state == UNIX_CONNECTED ? SS_CONNECTED
						   : SS_UNCONNECTED,
			(unsigned long)s->ino, path);
	}
	spin_unlock(&unix_lock);
	return len;
}
