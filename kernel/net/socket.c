/*
 * Sockets: Linux's socket system calls for AF_INET stream sockets (TCP,
 * whose half is in tcp_usr.c: a stream socket holds a struct tcb and
 * every call on it goes there) and datagram sockets, UDP (SOCK_DGRAM)
 * and ICMP echo ("ping" sockets, SOCK_DGRAM with IPPROTO_ICMP, as Linux
 * offers them: the program writes an echo request, the kernel sets its
 * identifier to the socket's port and its checksum, and the program
 * reads the matching replies). A socket is an ordinary open file (read,
 * write, poll, close, ioctl, fstat, O_NONBLOCK) whose private data is a
 * struct socket. AF_UNIX sockets (unix.c) hold a struct unix_sock, and
 * every call on one goes there.
 *
 * Received datagrams wait in the socket's queue, up to SOCKET_RCVBUF
 * bytes (more are dropped and counted, as UDP may); a reader sleeps on
 * the socket's wait queue until one comes, its SO_RCVTIMEO passes, or a
 * signal. Sending never waits: the datagram goes straight down the stack.
 *
 * Locks: "sockets" guards the list of bound sockets and every socket's
 * addresses (local and remote), since delivery matches on both; each
 * socket's own lock guards its queue and options. Order: sockets, then
 * a socket's lock. Copies to and from user memory happen with neither
 * held. docs/net.md.
 */
#include "fs/fdtable.h"
#include "fs/poll.h"
#include "mm/mm.h"
#include "net/socket_internal.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "sched/sched.h"
#include "syscall.h"

static struct spinlock sockets_lock = SPINLOCK_INIT("sockets");
static uint64_t next_ino = 1;                     /* atomic */
static struct socket *bound_sockets;              /* sockets_lock */
static uint16_t next_ephemeral = EPHEMERAL_FIRST; /* sockets_lock */

static const struct file_operations socket_ops;

/* ---- delivery (from udp.c and icmp.c, maybe in an interrupt) ---------- */

/* Caller holds sockets_lock. */
static struct socket *lookup(uint8_t protocol, uint16_t port, uint32_t dst,
			     uint32_t src, uint16_t src_port)
{
	for (struct socket *s = bound_sockets; s; s = s->next) {
		if (s->protocol != protocol || s->local_port != port)
			continue;
		if (s->local_addr != IPV4_ANY && s->local_addr != dst)
			continue;
		if (s->connected &&
		    (s->remote_addr != src ||
		     (protocol == IPPROTO_UDP && s->remote_port != src_port)))
			continue;
		return s;
	}
	return NULL;
}

bool socket_deliver(uint8_t protocol, uint16_t port, struct pbuf *p)
{
	struct socket *s;

	spin_lock(&sockets_lock);
	s = lookup(protocol, port, p->ip_dst, p->ip_src, p->src_port);
	if (!s) {
		spin_unlock(&sockets_lock);
		return false;
	}
	spin_lock(&s->lock);
	if (s->queued_bytes + p->len > SOCKET_RCVBUF) {
		net_count(udp_queue_full);
		pbuf_free(p);
	} else {
		p->next = NULL;
		if (s->queue_tail)
			s->queue_tail->next = p;
		else
			s->queue_head = p;
		s->queue_tail = p;
		s->queued_bytes += p->len;
		wake_up(&s->wait);
		poll_notify();
	}
	spin_unlock(&s->lock);
	spin_unlock(&sockets_lock);
	return true;
}

/* ---- binding ------------------------------------------------------------ */

/* Caller holds sockets_lock. Is (protocol, port, addr) taken by another? */
static bool port_taken(const struct socket *self, uint16_t port, uint32_t addr)
{
	for (struct socket *s = bound_sockets; s; s = s->next)
		if (s != self && s->protocol == self->protocol &&
		    s->local_port == port &&
		    (s->local_addr == IPV4_ANY || addr == IPV4_ANY ||
		     s->local_addr == addr) &&
		    !(s->reuseaddr && self->reuseaddr))
			return true;
	return false;
}

/* Caller holds sockets_lock. Bind s to addr and port (0: a free one). */
static int bind_locked(struct socket *s, uint32_t addr, uint16_t port)
{
	if (s->bound)
		return -EINVAL;
	if (port == 0) {
		for (int n = 0; n <= EPHEMERAL_LAST - EPHEMERAL_FIRST; n++) {
			uint16_t try = htons(next_ephemeral);

			next_ephemeral = next_ephemeral == EPHEMERAL_LAST
						 ? EPHEMERAL_FIRST
						 : next_ephemeral + 1;
			if (!port_taken(s, try, addr)) {
				port = try;
				break;
			}
		}
		if (port == 0)
			return -EADDRINUSE;
	} else if (port_taken(s, port, addr)) {
		return -EADDRINUSE;
	}
	s->local_addr = addr;
	s->local_port = port;
	s->bound = true;
	s->next = bound_sockets;
	bound_sockets = s;
	return 0;
}

static int autobind(struct socket *s)
{
	int err = 0;

	spin_lock(&sockets_lock);
	if (!s->bound)
		err = bind_locked(s, IPV4_ANY, 0);
	spin_unlock(&sockets_lock);
	return err;
}

/* An AF_INET address from user space: 0, -EINVAL (too short),
 * -EAFNOSUPPORT, -EFAULT. AF_UNSPEC is returned as such for connect. */
static int sockaddr_from_user(uaddr_t uaddr, uint64_t len,
			      struct sockaddr_in *sin)
{
	if (len < sizeof(sin->family))
		return -EINVAL;
	if (copy_from_user(sin, uaddr, MIN(len, sizeof(*sin))))
		return -EFAULT;
	if (sin->family == AF_UNSPEC)
		return 0;
	if (sin->family != AF_INET)
		return -EAFNOSUPPORT;
	return len < sizeof(*sin) ? -EINVAL : 0;
}

/* Copy an address out as accept/recvfrom/getsockname do: at most
 * *ulen bytes of it, and its whole size into *ulen. */
static int sockaddr_to_user(uaddr_t uaddr, uaddr_t ulen, uint32_t addr,
			    uint16_t port)
{
	struct sockaddr_in sin = { AF_INET, port, addr, { 0 } };
	int len;

	if (get_user(len, ulen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (copy_to_user(uaddr, &sin, MIN((size_t)len, sizeof(sin))))
		return -EFAULT;
	len = sizeof(sin);
	return put_user(len, ulen);
}

/* ---- sending and receiving ----------------------------------------------- */

static int send_datagram(struct socket *s, const struct sock_msg *m,
			 uint32_t dst, uint16_t dst_port)
{
	struct iov_cursor c;
	size_t len = m->total;
	struct pbuf *p;
	uint32_t src;
	uint16_t port;
	int err;

	if (len > UDP_PAYLOAD_MAX ||
	    (s->protocol == IPPROTO_ICMP && len > UDP_PAYLOAD_MAX + 8))
		return -EMSGSIZE;
	if (s->protocol == IPPROTO_ICMP && len < ICMP_HEADER_LEN)
		return -EINVAL;
	err = autobind(s);
	if (err)
		return err;
	p = pbuf_alloc(len);
	if (!p)
		return -ENOBUFS;
	iov_cursor_init(&c, m);
	if (iov_copy_in(&c, p->data, len)) {
		pbuf_free(p);
		return -EFAULT;
	}
	spin_lock(&sockets_lock);
	src = s->local_addr;
	port = s->local_port;
	spin_unlock(&sockets_lock);
	if (s->protocol == IPPROTO_UDP)
		err = udp_output(p, src, port, dst, dst_port);
	else {
		struct icmp_header *h = (struct icmp_header *)p->data;

		if (h->type != ICMP_ECHO_REQUEST || h->code != 0) {
			pbuf_free(p);
			return -EINVAL;
		}
		h->id = port;
		h->checksum = 0;
		h->checksum = inet_checksum(p->data, p->len, 0);
		err = icmp_output(p, src, dst);
	}
	return err ? err : (int)len;
}

static long socket_send(struct file *f, const struct sock_msg *m)
{
	struct socket *s = f->private;
	uaddr_t uaddr = m->name;
	uint64_t addrlen = (uint64_t)m->namelen;
	struct sockaddr_in sin;
	uint32_t dst;
	uint16_t port;
	int err;

	if (uaddr) {
		err = sockaddr_from_user(uaddr, addrlen, &sin);
		if (err)
			return err;
		if (sin.family != AF_INET)
			return -EAFNOSUPPORT;
		dst = sin.addr;
		port = sin.port;
		if (dst == IPV4_BROADCAST && !s->broadcast)
			return -EACCES;
	} else {
		spin_lock(&sockets_lock);
		dst = s->remote_addr;
		port = s->remote_port;
		err = s->connected ? 0 : -EDESTADDRREQ;
		spin_unlock(&sockets_lock);
		if (err)
			return err;
	}
	if (s->protocol == IPPROTO_UDP && port == 0)
		return -EINVAL;
	return send_datagram(s, m, dst, port);
}

/* The next datagram, taken off the queue (or only looked at, with
 * MSG_PEEK: then the caller must not free it... so PEEK is refused
 * below); 0, or -EAGAIN, -ERESTARTSYS. */
static int wait_datagram(struct socket *s, bool nonblock, struct pbuf **out)
{
	uint64_t deadline;

	spin_lock(&s->lock);
	deadline = s->rcvtimeo_ns ? time_ns() + s->rcvtimeo_ns : 0;
	for (;;) {
		struct pbuf *p = s->queue_head;

		if (p) {
			s->queue_head = p->next;
			if (!s->queue_head)
				s->queue_tail = NULL;
			s->queued_bytes -= p->len;
			spin_unlock(&s->lock);
			*out = p;
			return 0;
		}
		if (nonblock || (deadline && time_ns() >= deadline))
			break;
		if (signal_pending()) {
			spin_unlock(&s->lock);
			return -ERESTARTSYS;
		}
		if (deadline)
			sleep_on_until(&s->wait, &s->lock, deadline);
		else
			sleep_on(&s->wait, &s->lock);
	}
	spin_unlock(&s->lock);
	return -EAGAIN;
}

/* A datagram into m's buffers, its sender's address into m->name (at
 * most m->namelen bytes; m->namelen becomes its size). */
static long socket_recv(struct file *f, struct sock_msg *m, int flags)
{
	struct socket *s = f->private;
	struct iov_cursor c;
	struct pbuf *p;
	size_t n, whole;
	int err;

	if (flags & MSG_PEEK)
		return -EOPNOTSUPP;
	err = wait_datagram(
		s, (f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT), &p);
	if (err)
		return err;
	whole = p->len;
	n = MIN(m->total, whole);
	iov_cursor_init(&c, m);
	err = iov_copy_out(&c, p->data, n);
	if (!err && m->name) {
		struct sockaddr_in sin = {
			AF_INET,
			s->protocol == IPPROTO_UDP ? p->src_port : 0,
			p->ip_src,
			{ 0 },
		};

		if (copy_to_user(m->name, &sin,
				 MIN((size_t)m->namelen, sizeof(sin))))
			err = -EFAULT;
		m->namelen = sizeof(sin);
	}
	pbuf_free(p);
	if (err)
		return err;
	if (whole > n)
		m->out_flags |= MSG_TRUNC;
	return (flags & MSG_TRUNC) ? (long)whole : (long)n;
}

/* ---- the file ------------------------------------------------------------ */

/* A stream socket's MSG_* flags, and the file's O_NONBLOCK, as TCP's. */
static int tcp_flags(const struct file *f, uint64_t flags)
{
	int r = 0;

	if ((f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT))
		r |= TCP_MSG_NONBLOCK;
	if (flags & MSG_PEEK)
		r |= TCP_MSG_PEEK;
	if (flags & MSG_NOSIGNAL)
		r |= TCP_MSG_NOSIGNAL;
	if (flags & MSG_WAITALL)
		r |= TCP_MSG_WAITALL;
	return r;
}

/* A stream socket's sendmsg or recvmsg: one TCP call a buffer. After
 * the first bytes come, a receive takes only what is there. */
static long tcp_msg(struct file *f, struct sock_msg *m, int flags, bool send)
{
	struct tcb *t = ((struct socket *)f->private)->tcb;
	int tflags = tcp_flags(f, (uint64_t)flags);
	long done = 0;

	m->namelen = 0;
	m->controllen = 0;
	for (int i = 0; i < m->iovcnt; i++) {
		const struct iovec *v = &m->iov[i];
		long r;

		if (!v->len)
			continue;
		r = send ? tcp_usr_send(t, v->base, v->len, tflags)
			 : tcp_usr_recv(t, v->base, v->len, tflags);
		if (r < 0)
			return done ? done : r;
		done += r;
		if ((size_t)r < v->len)
			break;
		if (!send && !(flags & MSG_WAITALL))
			tflags |= TCP_MSG_NONBLOCK;
	}
	return done;
}

long socket_sendmsg(struct file *f, struct sock_msg *m, int flags)
{
	struct socket *s = f->private;

	if (s->usock)
		return unix_sendmsg(s->usock, m, flags, f->flags & O_NONBLOCK);
	if (s->tcb) /* the address is ignored */
		return tcp_msg(f, m, flags, true);
	return socket_send(f, m); /* a datagram never waits: no flag matters */
}

long socket_recvmsg(struct file *f, struct sock_msg *m, int flags)
{
	struct socket *s = f->private;

	m->out_flags = 0;
	if (s->usock)
		return unix_recvmsg(s->usock, m, flags, f->flags & O_NONBLOCK);
	if (s->tcb)
		return tcp_msg(f, m, flags, false);
	m->controllen = 0;
	return socket_recv(f, m, flags);
}

static ssize_t socket_read(struct file *f, uint64_t ubuf, size_t n,
			   uint64_t *pos)
{
	struct iovec v = { ubuf, n };
	struct sock_msg m = { .iov = &v, .iovcnt = 1, .total = n };

	(void)pos;
	return socket_recvmsg(f, &m, 0);
}

static ssize_t socket_write(struct file *f, uint64_t ubuf, size_t n,
			    uint64_t *pos)
{
	struct iovec v = { ubuf, n };
	struct sock_msg m = { .iov = &v, .iovcnt = 1, .total = n };

	(void)pos;
	return socket_sendmsg(f, &m, 0);
}

/* All the buffers as one send: one datagram, as Linux's writev makes. */
static ssize_t socket_writev(struct file *f, const struct iovec *iov, int count,
			     size_t total)
{
	struct sock_msg m = { .iov = iov, .iovcnt = count, .total = total };

	return socket_sendmsg(f, &m, 0);
}

static unsigned int socket_poll(struct file *f)
{
	struct socket *s = f->private;
	unsigned int mask = POLLOUT | POLLWRNORM;

	if (s->tcb)
		return tcp_usr_poll(s->tcb);
	if (s->usock)
		return unix_poll(s->usock);
	spin_lock(&s->lock);
	if (s->queue_head)
		mask |= POLLIN | POLLRDNORM;
	spin_unlock(&s->lock);
	return mask;
}

static void socket_release(struct file *f)
{
	struct socket *s = f->private;

	if (s->usock) {
		unix_release(s->usock);
		kfree(s);
		return;
	}
	if (s->tcb) {
		tcp_usr_close(s->tcb); /* TCP frees it when it is done */
		kfree(s);
		return;
	}
	spin_lock(&sockets_lock);
	for (struct socket **pp = &bound_sockets; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	spin_unlock(&sockets_lock);
	/* No one can deliver to s now, nor read it. */
	while (s->queue_head) {
		struct pbuf *p = s->queue_head;

		s->queue_head = p->next;
		pbuf_free(p);
	}
	kfree(s);
}

static long socket_ioctl(struct file *f, unsigned int cmd, uint64_t arg)
{
	struct socket *s = f->private;
	int n;

	if (s->usock && (cmd == FIONREAD || cmd == SIOCOUTQ))
		return unix_ioctl(s->usock, cmd, arg);
	switch (cmd) {
	case FIONREAD: /* the next datagram's size, as Linux's UDP says */
		if (s->tcb) {
			n = tcp_usr_readable(s->tcb);
			return put_user(n, arg);
		}
		spin_lock(&s->lock);
		n = s->queue_head ? (int)s->queue_head->len : 0;
		spin_unlock(&s->lock);
		return put_user(n, arg);
	default:
		return netdev_ioctl(cmd, arg);
	}
}

static int socket_stat(struct file *f, struct kstat *st)
{
	const struct socket *s = f->private;

	memset(st, 0, sizeof(*st));
	st->dev = 0x534f434b; /* "SOCK": a device number no mount uses */
	st->ino = s->ino;
	st->mode = S_IFSOCK | 0777;
	st->nlink = 1;
	st->blksize = PAGE_SIZE;
	return 0;
}

static const struct file_operations socket_ops = {
	.release = socket_release,
	.read = socket_read,
	.write = socket_write,
	.writev = socket_writev,
	.poll = socket_poll,
	.ioctl = socket_ioctl,
	.stat = socket_stat,
};

/* ---- the system calls ---------------------------------------------------- */

int socket_get(uint64_t fd, struct file **out)
{
	struct file *f = file_get((int)fd);

	if (!f)
		return -EBADF;
	if (f->fops != &socket_ops) {
		vfs_close(f);
		return -ENOTSOCK;
	}
	*out = f;
	return 0;
}

/* A new struct socket, of a stream socket if tcb, or NULL. */
static struct socket *socket_new(uint8_t protocol, struct tcb *tcb)
{
	struct socket *s = kzalloc(sizeof(*s));

	if (!s)
		return NULL;
	s->protocol = protocol;
	s->tcb = tcb;
	s->ino = __atomic_fetch_add(&next_ino, 1, __ATOMIC_RELAXED);
	spin_init(&s->lock, "socket");
	s->wait = (struct waitqueue)WAITQUEUE_INIT;
	return s;
}

/* A new socket file for s, installed at a descriptor: the descriptor,
 * or a negative errno, s then freed (and its tcb closed). */
static int socket_install(struct socket *s, uint64_t flags)
{
	struct file *f;
	int fd;

	f = vfs_file_alloc(&socket_ops, s, NULL,
			   O_RDWR | (int)(flags & SOCK_NONBLOCK));
	if (!f) {
		if (s->tcb)
			tcp_usr_close(s->tcb);
		if (s->usock)
			unix_release(s->usock);
		kfree(s);
		return -ENOMEM;
	}
	fd = file_install(f, 0, flags & SOCK_CLOEXEC);
	if (fd < 0)
		vfs_close(f);
	return fd;
}

/* A struct socket for us, its file installed (flags: SOCK_*): the
 * descriptor, or a negative errno (us released). */
static int unix_install(struct unix_sock *us, uint64_t flags)
{
	struct socket *s = socket_new(0, NULL);

	if (!s) {
		unix_release(us);
		return -ENOMEM;
	}
	s->usock = us;
	unix_set_ino(us, s->ino);
	return socket_install(s, flags);
}

/* socket(AF_UNIX, ...): base is the type without its flags. */
static int unix_socket(int base, int protocol, uint64_t flags)
{
	struct unix_sock *us;
	int err = unix_create(base, protocol, &us);

	return err ? err : unix_install(us, flags);
}

static long sys_socket(uint64_t domain, uint64_t type, uint64_t protocol)
{
	int base = (int)(type & SOCK_TYPE_MASK);
	struct socket *s;

	if (type & ~(uint64_t)(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC) ||
	    base == 0 || base > SOCK_TYPE_MAX)
		return -EINVAL;
	if (domain == AF_UNIX)
		return unix_socket(base, (int)protocol, type);
	if (domain != AF_INET)
		return -EAFNOSUPPORT;
	if (base == SOCK_STREAM) {
		struct tcb *tcb;

		if (protocol != 0 && protocol != IPPROTO_TCP)
			return -EPROTONOSUPPORT;
		tcb = tcp_usr_create();
		if (!tcb)
			return -ENOMEM;
		s = socket_new(IPPROTO_TCP, tcb);
		if (!s) {
			tcp_usr_close(tcb);
			return -ENOMEM;
		}
		return socket_install(s, type);
	}
	if (base != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT; /* raw sockets are to come */
	if (protocol != 0 && protocol != IPPROTO_UDP &&
	    protocol != IPPROTO_ICMP)
		return -EPROTONOSUPPORT;
	s = socket_new(protocol == IPPROTO_ICMP ? IPPROTO_ICMP : IPPROTO_UDP,
		       NULL);
	if (!s)
		return -ENOMEM;
	return socket_install(s, type);
}
SYSCALL(socket, sys_socket);

static long sys_bind(uint64_t fd, uaddr_t uaddr, uint64_t len)
{
	struct sockaddr_in sin;
	struct socket *s;
	struct file *f;
	int err = socket_get(fd, &f);

	if (err)
		return err;
	s = f->private;
	if (s->usock) {
		err = unix_bind(s->usock, uaddr, len);
		vfs_close(f);
		return err;
	}
	err = sockaddr_from_user(uaddr, len, &sin);
	if (!err && sin.family != AF_INET)
		err = -EAFNOSUPPORT;
	if (!err && sin.addr != IPV4_ANY && sin.addr != IPV4_BROADCAST &&
	    !netdev_by_addr(sin.addr))
		err = -EADDRNOTAVAIL;
	if (!err && s->tcb) {
		err = sin.addr == IPV4_BROADCAST
			      ? -EADDRNOTAVAIL
			      : tcp_usr_bind(s->tcb, sin.addr, sin.port);
	} else if (!err) {
		spin_lock(&sockets_lock);
		err = bind_locked(s, sin.addr, sin.port);
		spin_unlock(&sockets_lock);
	}
	vfs_close(f);
	return err;
}
SYSCALL(bind, sys_bind);

static long sys_connect(uint64_t fd, uaddr_t uaddr, uint64_t len)
{
	struct sockaddr_in sin;
	struct socket *s;
	struct file *f;
	uint32_t src = 0;
	int err = socket_get(fd, &f);

	if (err)
		return err;
	s = f->private;
	if (s->usock) {
		err = unix_connect(s->usock, uaddr, len, f->flags & O_NONBLOCK);
		vfs_close(f);
		return err;
	}
	err = sockaddr_from_user(uaddr, len, &sin);
	if (s->tcb) {
		if (!err && sin.family != AF_INET)
			err = -EAFNOSUPPORT;
		if (!err)
			err = tcp_usr_connect(s->tcb, sin.addr, sin.port,
					      f->flags & O_NONBLOCK);
		vfs_close(f);
		return err;
	}
	if (!err && sin.family == AF_INET) {
		src = ipv4_source_for(sin.addr);
		err = src ? autobind(s) : -ENETUNREACH;
	}
	if (!err) {
		spin_lock(&sockets_lock);
		s->connected = sin.family == AF_INET;
		s->remote_addr = s->connected ? sin.addr : 0;
		s->remote_port = s->connected ? sin.port : 0;
		if (s->connected && s->local_addr == IPV4_ANY)
			s->local_addr = src;
		spin_unlock(&sockets_lock);
	}
	vfs_close(f);
	return err;
}
SYSCALL(connect, sys_connect);

static long sys_sendto(uint64_t fd, uaddr_t ubuf, uint64_t len, uint64_t flags,
		       uaddr_t uaddr, uint64_t addrlen)
{
	struct iovec v = { ubuf, len };
	struct sock_msg m = { .iov = &v, .iovcnt = 1, .total = len };
	struct file *f;
	long r;

	if (uaddr && addrlen > SOCKADDR_STORAGE_SIZE)
		return -EINVAL;
	m.name = uaddr;
	m.namelen = uaddr ? (int)addrlen : 0;
	r = socket_get(fd, &f);
	if (r)
		return r;
	r = socket_sendmsg(f, &m, (int)flags);
	vfs_close(f);
	return r;
}
SYSCALL(sendto, sys_sendto);

static long sys_recvfrom(uint64_t fd, uaddr_t ubuf, uint64_t len,
			 uint64_t flags, uaddr_t uaddr, uaddr_t ulen)
{
	struct iovec v = { ubuf, len };
	struct sock_msg m = { .iov = &v, .iovcnt = 1, .total = len };
	struct file *f;
	long r;

	if (uaddr) {
		if (get_user(m.namelen, ulen))
			return -EFAULT;
		if (m.namelen < 0)
			return -EINVAL;
		m.name = uaddr;
	}
	r = socket_get(fd, &f);
	if (r)
		return r;
	r = socket_recvmsg(f, &m, (int)flags);
	/* A stream has no sender address to give: the length becomes 0. */
	if (r >= 0 && uaddr && put_user(m.namelen, ulen))
		r = -EFAULT;
	vfs_close(f);
	return r;
}
SYSCALL(recvfrom, sys_recvfrom);

static long get_name(uint64_t fd, uaddr_t uaddr, uaddr_t ulen, bool peer)
{
	struct socket *s;
	struct file *f;
	uint32_t addr;
	uint16_t port;
	long r = socket_get(fd, &f);

	if (r)
		return r;
	s = f->private;
	if (s->usock) {
		r = unix_name(s->usock, peer, uaddr, ulen);
		vfs_close(f);
		return r;
	}
	if (s->tcb) {
		r = tcp_usr_name(s->tcb, peer, &addr, &port);
	} else {
		spin_lock(&sockets_lock);
		if (peer && !s->connected)
			r = -ENOTCONN;
		addr = peer ? s->remote_addr : s->local_addr;
		port = peer ? s->remote_port : s->local_port;
		spin_unlock(&sockets_lock);
	}
	if (!r)
		r = sockaddr_to_user(uaddr, ulen, addr, port);
	vfs_close(f);
	return r;
}

static long sys_getsockname(uint64_t fd, uaddr_t uaddr, uaddr_t ulen)
{
	return get_name(fd, uaddr, ulen, false);
}
SYSCALL(getsockname, sys_getsockname);

static long sys_getpeername(uint64_t fd, uaddr_t uaddr, uaddr_t ulen)
{
	return get_name(fd, uaddr, ulen, true);
}
SYSCALL(getpeername, sys_getpeername);

/* Datagram sockets do not listen or accept (Linux: EOPNOTSUPP). */
static long sys_listen(uint64_t fd, uint64_t backlog)
{
	struct socket *s;
	struct file *f;
	long r = socket_get(fd, &f);

	if (r)
		return r;
	s = f->private;
	r = s->usock ? unix_listen(s->usock, (int)backlog)
	    : s->tcb ? tcp_usr_listen(s->tcb, (int)backlog)
		     : -EOPNOTSUPP;
	vfs_close(f);
	return r;
}
SYSCALL(listen, sys_listen);

/* accept4 on an AF_UNIX socket: the connection's descriptor. Drops the
 * listener's file f. */
static long unix_accept_file(struct file *f, uaddr_t uaddr, uaddr_t ulen,
			     uint64_t flags)
{
	struct unix_sock *c;
	long r = unix_accept(((struct socket *)f->private)->usock,
			     f->flags & O_NONBLOCK, &c);

	vfs_close(f);
	if (r)
		return r;
	if (uaddr) {
		r = unix_name(c, true, uaddr, ulen);
		if (r) {
			unix_release(c);
			return r;
		}
	}
	return unix_install(c, flags);
}

static long sys_accept4(uint64_t fd, uaddr_t uaddr, uaddr_t ulen,
			uint64_t flags)
{
	struct socket *s;
	struct tcb *c;
	struct file *f;
	uint32_t addr;
	uint16_t port;
	long r;

	if (flags & ~(uint64_t)(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	r = socket_get(fd, &f);
	if (r)
		return r;
	s = f->private;
	if (s->usock)
		return unix_accept_file(f, uaddr, ulen, flags);
	if (!s->tcb) {
		vfs_close(f);
		return -EOPNOTSUPP;
	}
	r = tcp_usr_accept(s->tcb, f->flags & O_NONBLOCK, &c);
	vfs_close(f);
	if (r)
		return r;
	/* The peer's address first: once the descriptor is installed,
	 * another thread may close it. */
	tcp_usr_name(c, true, &addr, &port);
	if (uaddr) {
		r = sockaddr_to_user(uaddr, ulen, addr, port);
		if (r) {
			tcp_usr_close(c);
			return r;
		}
	}
	s = socket_new(IPPROTO_TCP, c);
	if (!s) {
		tcp_usr_close(c);
		return -ENOMEM;
	}
	return socket_install(s, flags);
}
SYSCALL(accept4, sys_accept4);

static long sys_accept(uint64_t fd, uaddr_t uaddr, uaddr_t ulen)
{
	return sys_accept4(fd, uaddr, ulen, 0);
}
SYSCALL(accept, sys_accept);

static long sys_shutdown(uint64_t fd, uint64_t how)
{
	struct socket *s;
	struct file *f;
	long r = socket_get(fd, &f);

	if (r)
		return r;
	s = f->private;
	if (how > SHUT_RDWR)
		r = -EINVAL;
	else if (s->usock)
		r = unix_shutdown(s->usock, (int)how);
	else if (s->tcb)
		r = tcp_usr_shutdown(s->tcb, (int)how);
	else /* a datagram socket: Linux says so unless connected */
		r = -ENOTCONN;
	vfs_close(f);
	return r;
}
SYSCALL(shutdown, sys_shutdown);

/* Two connected AF_UNIX sockets at sv[0] and sv[1] (Linux: AF_INET has
 * no pairs, EOPNOTSUPP). */
static long sys_socketpair(uint64_t domain, uint64_t type, uint64_t protocol,
			   uaddr_t usv)
{
	int base = (int)(type & SOCK_TYPE_MASK);
	int sv[2] = { -1, -1 };
	struct unix_sock *a, *b;
	long r;

	if (type & ~(uint64_t)(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC) ||
	    base == 0 || base > SOCK_TYPE_MAX)
		return -EINVAL;
	if (domain == AF_INET)
		return -EOPNOTSUPP;
	if (domain != AF_UNIX)
		return -EAFNOSUPPORT;
	if (copy_to_user(usv, sv, sizeof(sv))) /* before anything is made */
		return -EFAULT;
	r = unix_pair(base, (int)protocol, &a, &b);
	if (r)
		return r;
	sv[0] = unix_install(a, type);
	if (sv[0] < 0) {
		unix_release(b);
		return sv[0];
	}
	sv[1] = unix_install(b, type);
	if (sv[1] < 0) {
		vfs_close(fd_remove(proc_current()->files, sv[0]));
		return sv[1];
	}
	if (copy_to_user(usv, sv, sizeof(sv)))
		return -EFAULT; /* unmapped meanwhile: the descriptors stay */
	return 0;
}
SYSCALL(socketpair, sys_socketpair);

/* ---- /proc/net/udp --------------------------------------------------------- */

size_t net_proc_udp(char *buf, size_t size)
{
	size_t len = 0;
	int n = 0;

	len += (size_t)ksnprintf(buf, size,
				 "   sl  local_address rem_address   st "
				 "tx_queue rx_queue tr tm->when retrnsmt   uid "
				 " timeout inode ref pointer drops\n");
	spin_lock(&sockets_lock);
	for (struct socket *s = bound_sockets; s; s = s->next) {
		size_t room = len < size ? size - len : 0;
		size_t queued;

		if (s->protocol != IPPROTO_UDP)
			continue;
		spin_lock(&s->lock);
		queued = s->queued_bytes;
		spin_unlock(&s->lock);
		/* st: 07 (TCP_CLOSE) unbound to a peer, 01 connected. */
		len += (size_t)ksnprintf(
			room ? buf + len : buf, room,
			"%5d: %08X:%04X %08X:%04X %02X %08X:%08X 00:00000000 "
			"00000000 %5u %8d %lu 2 0000000000000000 0\n",
			n++, s->local_addr, ntohs(s->local_port),
			s->remote_addr, ntohs(s->remote_port),
			s->connected ? 1u : 7u, 0u, (uint32_t)queued, 0u, 0,
			(unsigned long)s->ino);
	}
	spin_unlock(&sockets_lock);
	return len;
}
