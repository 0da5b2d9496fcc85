/*
 * setsockopt and getsockopt: the socket options Kestrel knows, Linux's
 * numbers and answers. A stream socket's options live in its tcb (TCP's
 * half, tcp_usr.c); a datagram socket's in struct socket, under its
 * lock; an AF_UNIX socket's are unix.c's. docs/net.md.
 */
#include "mm/mm.h"
#include "net/socket_internal.h"
#include "syscall.h"

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
		uint64_t ns = tv.sec < 0
				      ? 0
				      : (uint64_t)tv.sec * NS_PER_SEC +
						(uint64_t)tv.usec * NS_PER_USEC;

		if (s->tcb) {
			tcp_usr_set_timeout(s->tcb, name == SO_RCVTIMEO, ns);
		} else if (name == SO_RCVTIMEO) {
			spin_lock(&s->lock);
			s->rcvtimeo_ns = ns;
			spin_unlock(&s->lock);
		}
		return 0; /* sending a datagram never waits: SO_SNDTIMEO is
			   * moot there */
	}
	if (len < sizeof(v))
		return -EINVAL;
	if (get_user(v, uval))
		return -EFAULT;
	if (s->tcb) {
		static const int map[][2] = {
			{ SO_REUSEADDR, TCP_OPTION_REUSEADDR },
			{ SO_KEEPALIVE, TCP_OPTION_KEEPALIVE },
			{ SO_RCVBUF, TCP_OPTION_RCVBUF },
			{ SO_SNDBUF, TCP_OPTION_SNDBUF },
		};

		for (size_t i = 0; i < ARRAY_SIZE(map); i++)
			if (map[i][0] == name)
				return tcp_usr_setopt(s->tcb, map[i][1], v);
		return -ENOPROTOOPT;
	}
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
	if (((struct socket *)f->private)->usock) {
		r = level == SOL_SOCKET
			    ? unix_setopt(((struct socket *)f->private)->usock,
					  (int)name, uval, len)
			    : -ENOPROTOOPT;
	} else if (level == SOL_SOCKET) {
		r = set_option(f->private, (int)name, uval, len);
	} else if (level == SOL_TCP && ((struct socket *)f->private)->tcb) {
		int v;

		if (name != TCP_NODELAY)
			r = -ENOPROTOOPT;
		else if (len < sizeof(v))
			r = -EINVAL;
		else if (get_user(v, uval))
			r = -EFAULT;
		else
			r = tcp_usr_setopt(((struct socket *)f->private)->tcb,
					   TCP_OPTION_NODELAY, v);
	} else {
		r = -ENOPROTOOPT;
	}
	vfs_close(f);
	return r;
}
SYSCALL(setsockopt, sys_setsockopt);

static long get_option(struct socket *s, int level, int name, uaddr_t uval,
		       uaddr_t ulen)
{
	struct timeval tv;
	int v, len;
	const void *src = &v;
	size_t size = sizeof(v);

	if (get_user(len, ulen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (s->usock) {
		/* tv: 16 bytes, the largest value (SO_PEERCRED's is 12) */
		int r = level == SOL_SOCKET ? unix_getopt(s->usock, name, &tv)
					    : -ENOPROTOOPT;

		if (r < 0)
			return r;
		size = MIN((size_t)r, (size_t)len);
		if (copy_to_user(uval, &tv, size))
			return -EFAULT;
		len = (int)size;
		return put_user(len, ulen);
	}
	if (level == SOL_TCP) {
		if (!s->tcb || name != TCP_NODELAY)
			return -ENOPROTOOPT;
		name = -1; /* below: TCP_NODELAY */
	}
	switch (name) {
	case -1:
		v = tcp_usr_getopt(s->tcb, TCP_OPTION_NODELAY);
		break;
	case SO_TYPE:
		v = s->tcb ? SOCK_STREAM : SOCK_DGRAM;
		break;
	case SO_ERROR:
		v = s->tcb ? tcp_usr_take_error(s->tcb) : 0;
		break;
	case SO_ACCEPTCONN:
		v = s->tcb && tcp_usr_poll_listening(s->tcb);
		break;
	case SO_KEEPALIVE:
		v = s->tcb && tcp_usr_getopt(s->tcb, TCP_OPTION_KEEPALIVE);
		break;
	case SO_DOMAIN:
		v = AF_INET;
		break;
	case SO_PROTOCOL:
		v = s->protocol;
		break;
	case SO_REUSEADDR:
		v = s->tcb ? tcp_usr_getopt(s->tcb, TCP_OPTION_REUSEADDR)
			   : s->reuseaddr;
		break;
	case SO_BROADCAST:
		v = s->broadcast;
		break;
	case SO_RCVBUF:
	case SO_SNDBUF:
		v = !s->tcb ? SOCKET_RCVBUF
		    : name == SO_RCVBUF
			    ? tcp_usr_getopt(s->tcb, TCP_OPTION_RCVBUF)
			    : tcp_usr_getopt(s->tcb, TCP_OPTION_SNDBUF);
		break;
	case SO_RCVTIMEO:
	case SO_SNDTIMEO: {
		uint64_t ns;

		if (s->tcb) {
			ns = tcp_usr_get_timeout(s->tcb, name == SO_RCVTIMEO);
		} else {
			spin_lock(&s->lock);
			ns = name == SO_RCVTIMEO ? s->rcvtimeo_ns : 0;
			spin_unlock(&s->lock);
		}
		tv.sec = (int64_t)(ns / NS_PER_SEC);
		tv.usec = (int64_t)(ns % NS_PER_SEC / NS_PER_USEC);
		src = &tv;
		size = sizeof(tv);
		break;
	}
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
	r = level == SOL_SOCKET || level == SOL_TCP
		    ? get_option(f->private, (int)level, (int)name, uval, ulen)
		    : -ENOPROTOOPT;
	vfs_close(f);
	return r;
}
SYSCALL(getsockopt, sys_getsockopt);
