/*
 * AF_UNIX sockets (unix.c): what socket.c, sockopt.c and msg.c call. A
 * struct socket with a unix_sock does everything through these, as a
 * TCP socket goes to tcp_usr.c. docs/net.md, "AF_UNIX".
 */
#ifndef KESTREL_NET_UNIX_H
#define KESTREL_NET_UNIX_H

#include "fs/vfs.h"
#include "syscall.h"

#define AF_UNIX 1
#define SOCK_SEQPACKET 5
#define SO_PASSCRED 16
#define SO_PEERCRED 17
#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2
#define MSG_OOB 0x1
#define MSG_CTRUNC 0x8
#define MSG_EOR 0x80
#define MSG_CMSG_CLOEXEC 0x40000000
#define SIOCOUTQ 0x5411 /* bytes sent and not yet read (TIOCOUTQ) */

struct unix_sock;

/* A sendmsg or recvmsg, its struct msghdr read into the kernel: the
 * buffers (user addresses; total is their sum), the address and the
 * control buffer, still in user memory. recvmsg sets out_flags (msg_flags),
 * namelen and controllen to what it filled in. */
struct sock_msg {
	const struct iovec *iov;
	int iovcnt;
	size_t total;
	uaddr_t name;
	int namelen;
	uaddr_t control;
	size_t controllen;
	int out_flags;
};

/* Walks a list of user buffers: iov[0] from byte off on. */
struct iov_cursor {
	const struct iovec *iov;
	int cnt;
	size_t off;
};
void iov_cursor_init(struct iov_cursor *c, const struct sock_msg *m);
/* Copy n bytes between kernel memory and the next buffers, moving on:
 * 0 or -EFAULT. */
int iov_copy_in(struct iov_cursor *c, void *dst, size_t n);
int iov_copy_out(struct iov_cursor *c, const void *src, size_t n);

/* socket(AF_UNIX, type, protocol) (type without its flags): 0 and a new
 * unix_sock in *out, or -ESOCKTNOSUPPORT, -EPROTONOSUPPORT, -ENOMEM. */
int unix_create(int type, int protocol, struct unix_sock **out);
/* The socket's file is closed: its connections end, queued messages
 * (with any files in flight in them) are dropped. */
void unix_release(struct unix_sock *us);
/* Tell the socket its file's inode number (for /proc/net/unix). */
void unix_set_ino(struct unix_sock *us, uint64_t ino);

int unix_bind(struct unix_sock *us, uaddr_t uaddr, uint64_t len);
int unix_connect(struct unix_sock *us, uaddr_t uaddr, uint64_t len,
		 bool nonblock);
int unix_listen(struct unix_sock *us, int backlog);
/* A connection off the queue in *out, its peer's address copied out as
 * accept's. */
int unix_accept(struct unix_sock *us, bool nonblock, struct unix_sock **out);
int unix_name(struct unix_sock *us, bool peer, uaddr_t uaddr, uaddr_t ulen);
int unix_shutdown(struct unix_sock *us, int how);
/* flags: MSG_*; nonblock: the file's O_NONBLOCK. */
long unix_sendmsg(struct unix_sock *us, struct sock_msg *m, int flags,
		  bool nonblock);
long unix_recvmsg(struct unix_sock *us, struct sock_msg *m, int flags,
		  bool nonblock);
unsigned int unix_poll(struct unix_sock *us);
long unix_ioctl(struct unix_sock *us, unsigned int cmd, uint64_t arg);
int unix_setopt(struct unix_sock *us, int name, uaddr_t uval, uint64_t len);
/* The option name's value into buf (at most 16 bytes): its size, or
 * -ENOPROTOOPT. */
int unix_getopt(struct unix_sock *us, int name, void *buf);

/* Two connected sockets (socketpair). */
int unix_pair(int type, int protocol, struct unix_sock **a,
	      struct unix_sock **b);

/* /proc/net/unix: the text into buf (size bytes); its length. */
size_t net_proc_unix(char *buf, size_t size);

#endif
