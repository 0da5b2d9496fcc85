/*
 * sendmsg and recvmsg: Linux's struct msghdr read into a struct sock_msg
 * (the buffers copied in and checked, the address and the control buffer
 * left in user memory for the protocol), then socket_sendmsg or
 * socket_recvmsg (socket.c) does the rest, for any kind of socket;
 * AF_UNIX's ancillary data (SCM_RIGHTS, SCM_CREDENTIALS) is unix.c's.
 * recvmsg writes back msg_namelen, msg_controllen and msg_flags.
 * docs/net.md.
 */
#include "mm/mm.h"
#include "net/socket_internal.h"

#define UIO_MAXIOV 1024
#define RW_LIMIT 0x7ffff000L /* Linux's MAX_RW_COUNT */

/* struct user_msghdr, as x86-64 lays it out. */
struct msghdr {
	uint64_t name;
	int32_t namelen;
	/* cppcheck-suppress unusedStructMember ; Linux's layout */
	uint32_t pad0;
	uint64_t iov;
	uint64_t iovlen;
	uint64_t control;
	uint64_t controllen;
	uint32_t flags;
	/* cppcheck-suppress unusedStructMember ; Linux's layout */
	uint32_t pad1;
};

/* Read the user's msghdr at umsg and its buffers into *m (m->iov
 * kmalloc'd: kfree it). 0, -EFAULT, -EMSGSIZE (too many buffers),
 * -EINVAL, -ENOMEM. */
static int msg_from_user(uaddr_t umsg, struct msghdr *h, struct sock_msg *m)
{
	struct iovec *iov;
	size_t total = 0;

	if (copy_from_user(h, umsg, sizeof(*h)))
		return -EFAULT;
	if (h->iovlen > UIO_MAXIOV)
		return -EMSGSIZE;
	if (h->namelen < 0 || (h->name && h->namelen > SOCKADDR_STORAGE_SIZE))
		return -EINVAL;
	if (h->controllen > INT32_MAX)
		return -ENOBUFS;
	iov = kmalloc(sizeof(*iov) * MAX(h->iovlen, 1));
	if (!iov)
		return -ENOMEM;
	if (copy_from_user(iov, h->iov, sizeof(*iov) * h->iovlen)) {
		kfree(iov);
		return -EFAULT;
	}
	for (uint64_t i = 0; i < h->iovlen; i++) {
		if ((int64_t)iov[i].len < 0) {
			kfree(iov);
			return -EINVAL;
		}
		if (!user_range_ok(iov[i].base, iov[i].len)) {
			kfree(iov);
			return -EFAULT;
		}
		/* Linux moves at most MAX_RW_COUNT bytes in one call. */
		iov[i].len = MIN(iov[i].len, (uint64_t)RW_LIMIT - total);
		total += iov[i].len;
	}
	*m = (struct sock_msg){
		.iov = iov,
		.iovcnt = (int)h->iovlen,
		.total = total,
		.name = h->name ? h->name : 0,
		.namelen = h->name ? h->namelen : 0,
		.control = h->control,
		.controllen = h->control ? h->controllen : 0,
	};
	return 0;
}

static long sys_sendmsg(uint64_t fd, uaddr_t umsg, uint64_t flags)
{
	struct sock_msg m;
	struct msghdr h;
	struct file *f;
	long r = socket_get(fd, &f);

	if (r)
		return r;
	r = msg_from_user(umsg, &h, &m);
	if (!r) {
		r = socket_sendmsg(f, &m, (int)flags);
		kfree((void *)m.iov);
	}
	vfs_close(f);
	return r;
}
SYSCALL(sendmsg, sys_sendmsg);

static long sys_recvmsg(uint64_t fd, uaddr_t umsg, uint64_t flags)
{
	struct sock_msg m;
	struct msghdr h;
	struct file *f;
	long r = socket_get(fd, &f);

	if (r)
		return r;
	r = msg_from_user(umsg, &h, &m);
	if (!r) {
		r = socket_recvmsg(f, &m, (int)flags);
		kfree((void *)m.iov);
	}
	vfs_close(f);
	if (r < 0)
		return r;
	h.namelen = m.name ? m.namelen : 0;
	h.controllen = m.controllen;
	h.flags = (uint32_t)m.out_flags;
	if (put_user(h.namelen, umsg + offsetof(struct msghdr, namelen)) ||
	    put_user(h.controllen,
		     umsg + offsetof(struct msghdr, controllen)) ||
	    put_user(h.flags, umsg + offsetof(struct msghdr, flags)))
		return -EFAULT;
	return r;
}
SYSCALL(recvmsg, sys_recvmsg);
