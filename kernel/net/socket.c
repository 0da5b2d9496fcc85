/*
 * Sockets: Linux's socket system calls for AF_INET datagram sockets, UDP
 * (SOCK_DGRAM) and ICMP echo ("ping" sockets, SOCK_DGRAM with
 * IPPROTO_ICMP, as Linux offers them: the program writes an echo request,
 * the kernel sets its identifier to the socket's port and its checksum,
 * and the program reads the matching replies). A socket is an ordinary
 * open file (read, write, poll, close, ioctl, O_NONBLOCK) whose private
 * data is a struct socket.
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
#include "fs/fs_syscalls.h"
#include "mm/mm.h"
#include "net/net_internal.h"
#include "proc/signal.h"
#include "sched/sched.h"
#include "syscall.h"

/* Linux's values (include/linux/socket.h, net.h, in.h, asm-generic
 * socket.h, sockios.h). */
#define AF_UNSPEC 0
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_TYPE_MAX 10
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK O_NONBLOCK
#define SOCK_CLOEXEC O_CLOEXEC
#define SOL_SOCKET 1
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_RCVTIMEO 20 /* SO_RCVTIMEO_OLD: a 64-bit struct timeval */
#define SO_SNDTIMEO 21
#define SO_PROTOCOL 38
#define SO_DOMAIN 39
#define MSG_PEEK 0x2
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40

#define SOCKET_RCVBUF 65536
#define EPHEMERAL_FIRST 32768 /* Linux's ip_local_port_range */
#define EPHEMERAL_LAST 60999
#define UDP_PAYLOAD_MAX (ETH_MTU - IPV4_HEADER_LEN - UDP_HEADER_LEN)

struct timeval {
	int64_t sec, usec;
};

struct socket {
	uint8_t protocol; /* IPPROTO_UDP or IPPROTO_ICMP */
	/* Protected by sockets_lock. */
	struct socket *next; /* in the bound list */
	bool bound;
	uint32_t local_addr; /* 0: any of ours */
	uint16_t local_port; /* for ICMP: the echo identifier */
	bool connected;
	uint32_t remote_addr;
	uint16_t remote_port;
	/* Protected by lock. */
	struct spinlock lock;
	struct pbuf *queue_head, *queue_tail;
	size_t queued_bytes;
	uint64_t rcvtimeo_ns; /* 0: wait forever */
	bool reuseaddr, broadcast;
	struct waitqueue wait; /* readers waiting for a datagram */
};

static struct spinlock sockets_lock = SPINLOCK_INIT("sockets");
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

static int send_datagram(struct socket *s, uaddr_t ubuf, size_t len,
			 uint32_t dst, uint16_t dst_port)
{
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
	if (copy_from_user(p->data, ubuf, len)) {
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
		err = ipv4_output(p, src, dst, IPPROTO_ICMP);
	}
	return err ? err : (int)len;
}

static long socket_send(struct file *f, uaddr_t ubuf, size_t len, uaddr_t uaddr,
			uint64_t addrlen)
{
	struct socket *s = f->private;
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
	return send_datagram(s, ubuf, len, dst, port);
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

static long socket_recv(struct file *f, uaddr_t ubuf, size_t len, int flags,
			uaddr_t uaddr, uaddr_t ulen)
{
	struct socket *s = f->private;
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
	n = MIN(len, whole);
	err = copy_to_user(ubuf, p->data, n);
	if (!err && uaddr)
		err = sockaddr_to_user(uaddr, ulen, p->ip_src,
				       s->protocol == IPPROTO_UDP ? p->src_port
								  : 0);
	pbuf_free(p);
	if (err)
		return err;
	return (flags & MSG_TRUNC) ? (long)whole : (long)n;
}

/* ---- the file ------------------------------------------------------------ */

static ssize_t socket_read(struct file *f, uint64_t ubuf, size_t n,
			   uint64_t *pos)
{
	(void)pos;
	return socket_recv(f, ubuf, n, 0, 0, 0);
}

static ssize_t socket_write(struct file *f, uint64_t ubuf, size_t n,
			    uint64_t *pos)
{
	(void)pos;
	return socket_send(f, ubuf, n, 0, 0);
}

static unsigned int socket_poll(struct file *f)
{
	struct socket *s = f->private;
	unsigned int mask = POLLOUT | POLLWRNORM;

	spin_lock(&s->lock);
	if (s->queue_head)
		mask |= POLLIN | POLLRDNORM;
	spin_unlock(&s->lock);
	return mask;
}

static void socket_release(struct file *f)
{
	struct socket *s = f->private;

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

	switch (cmd) {
	case FIONREAD: /* the next datagram's size, as Linux's UDP says */
		spin_lock(&s->lock);
		n = s->queue_head ? (int)s->queue_head->len : 0;
		spin_unlock(&s->lock);
		return put_user(n, arg);
	default:
		return netdev_ioctl(cmd, arg);
	}
}

static const struct file_operations socket_ops = {
	.release = socket_release,
	.read = socket_read,
	.write = socket_write,
	.poll = socket_poll,
	.ioctl = socket_ioctl,
};

/* ---- the system calls ---------------------------------------------------- */

/* The socket at fd, referenced (vfs_close when done): 0, -EBADF,
 * -ENOTSOCK. */
static int socket_get(uint64_t fd, struct file **out)
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

static long sys_socket(uint64_t domain, uint64_t type, uint64_t protocol)
{
	int base = (int)(type & SOCK_TYPE_MASK);
	struct socket *s;
	struct file *f;
	int fd;

	if (type & ~(uint64_t)(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC) ||
	    base == 0 || base > SOCK_TYPE_MAX)
		return -EINVAL;
	if (domain != AF_INET)
		return -EAFNOSUPPORT;
	if (base != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT; /* TCP and raw sockets are to come */
	if (protocol != 0 && protocol != IPPROTO_UDP &&
	    protocol != IPPROTO_ICMP)
		return -EPROTONOSUPPORT;
	s = kzalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->protocol = protocol == IPPROTO_ICMP ? IPPROTO_ICMP : IPPROTO_UDP;
	spin_init(&s->lock, "socket");
	s->wait = (struct waitqueue)WAITQUEUE_INIT;
	f = vfs_file_alloc(&socket_ops, s, NULL,
			   O_RDWR | (int)(type & SOCK_NONBLOCK));
	if (!f) {
		kfree(s);
		return -ENOMEM;
	}
	fd = file_install(f, 0, type & SOCK_CLOEXEC);
	if (fd < 0)
		vfs_close(f);
	return fd;
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
	err = sockaddr_from_user(uaddr, len, &sin);
	if (!err && sin.family != AF_INET)
		err = -EAFNOSUPPORT;
	if (!err && sin.addr != IPV4_ANY && sin.addr != IPV4_BROADCAST &&
	    !netdev_by_addr(sin.addr))
		err = -EADDRNOTAVAIL;
	if (!err) {
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
	err = sockaddr_from_user(uaddr, len, &sin);
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
	struct file *f;
	long r = socket_get(fd, &f);

	(void)flags; /* sending never waits: MSG_DONTWAIT changes nothing */
	if (r)
		return r;
	r = socket_send(f, ubuf, len, uaddr, addrlen);
	vfs_close(f);
	return r;
}
SYSCALL(sendto, sys_sendto);

static long sys_recvfrom(uint64_t fd, uaddr_t ubuf, uint64_t len,
			 uint64_t flags, uaddr_t uaddr, uaddr_t ulen)
{
	struct file *f;
	long r = socket_get(fd, &f);

	if (r)
		return r;
	r = socket_recv(f, ubuf, len, (int)flags, uaddr, ulen);
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
	spin_lock(&sockets_lock);
	if (peer && !s->connected)
		r = -ENOTCONN;
	addr = peer ? s->remote_addr : s->local_addr;
	port = peer ? s->remote_port : s->local_port;
	spin_unlock(&sockets_lock);
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
	struct file *f;
	long r = socket_get(fd, &f);

	(void)backlog;
	if (r)
		return r;
	vfs_close(f);
	return -EOPNOTSUPP;
}
SYSCALL(listen, sys_listen);

static long sys_accept(uint64_t fd, uaddr_t uaddr, uaddr_t ulen)
{
	return sys_listen(fd, 0);
}
SYSCALL(accept, sys_accept);

static long set_option(struct socket *s, int name, uaddr_t uval, uint64_t len)
{
	struct timeval tv;
	int v;

	if (name == SO_RCVTIMEO || name == SO_SNDTIMEO) {
		if (len < sizeof(tv))
			return -EINVAL;
		if (copy_from_user(&tv, uval, sizeof(tv)))
			return -EFAULT;
		if (tv.usec < 0 || tv.usec >= 1000000)
			return -EDOM;
		if (name == SO_RCVTIMEO) {
			spin_lock(&s->lock);
			s->rcvtimeo_ns =
				tv.sec < 0 ? 0
					   : (uint64_t)tv.sec * NS_PER_SEC +
						     (uint64_t)tv.usec *
							     NS_PER_USEC;
			spin_unlock(&s->lock);
		}
		return 0; /* sending never waits: SO_SNDTIMEO is moot */
	}
	if (len < sizeof(v))
		return -EINVAL;
	if (get_user(v, uval))
		return -EFAULT;
	switch (name) {
	case SO_REUSEADDR:
		s->reuseaddr = v != 0;
		return 0;
	case SO_BROADCAST:
		s->broadcast = v != 0;
		return 0;
	case SO_RCVBUF:
	case SO_SNDBUF:
		return 0; /* fixed sizes; Linux too may ignore the value */
	}
	return -ENOPROTOOPT;
}

static long sys_setsockopt(uint64_t fd, uint64_t level, uint64_t name,
			   uaddr_t uval, uint64_t len)
{
	struct file *f;
	long r = socket_get(fd, &f);

	if (r)
		return r;
	r = level == SOL_SOCKET ? set_option(f->private, (int)name, uval, len)
				: -ENOPROTOOPT;
	vfs_close(f);
	return r;
}
SYSCALL(setsockopt, sys_setsockopt);

static long get_option(struct socket *s, int name, uaddr_t uval, uaddr_t ulen)
{
	struct timeval tv;
	int v, len;
	const void *src = &v;
	size_t size = sizeof(v);

	if (get_user(len, ulen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	switch (name) {
	case SO_TYPE:
		v = SOCK_DGRAM;
		break;
	case SO_ERROR:
		v = 0;
		break;
	case SO_DOMAIN:
		v = AF_INET;
		break;
	case SO_PROTOCOL:
		v = s->protocol;
		break;
	case SO_REUSEADDR:
		v = s->reuseaddr;
		break;
	case SO_BROADCAST:
		v = s->broadcast;
		break;
	case SO_RCVBUF:
	case SO_SNDBUF:
		v = SOCKET_RCVBUF;
		break;
	case SO_RCVTIMEO:
		spin_lock(&s->lock);
		tv.sec = (int64_t)(s->rcvtimeo_ns / NS_PER_SEC);
		tv.usec = (int64_t)(s->rcvtimeo_ns % NS_PER_SEC / NS_PER_USEC);
		spin_unlock(&s->lock);
		src = &tv;
		size = sizeof(tv);
		break;
	default:
		return -ENOPROTOOPT;
	}
	size = MIN(size, (size_t)len);
	if (copy_to_user(uval, src, size))
		return -EFAULT;
	len = (int)size;
	return put_user(len, ulen);
}

static long sys_getsockopt(uint64_t fd, uint64_t level, uint64_t name,
			   uaddr_t uval, uaddr_t ulen)
{
	struct file *f;
	long r = socket_get(fd, &f);

	if (r)
		return r;
	r = level == SOL_SOCKET ? get_option(f->private, (int)name, uval, ulen)
				: -ENOPROTOOPT;
	vfs_close(f);
	return r;
}
SYSCALL(getsockopt, sys_getsockopt);
