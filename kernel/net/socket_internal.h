/*
 * What socket.c and sockopt.c share (nothing outside kernel/net includes
 * this): Linux's socket constants, struct socket, and the lookup of a
 * socket by descriptor. The locks are described in socket.c.
 */
#ifndef KESTREL_NET_SOCKET_INTERNAL_H
#define KESTREL_NET_SOCKET_INTERNAL_H

#include "fs/vfs.h"
#include "net/tcp.h"
#include "net/unix.h"

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
#define SO_KEEPALIVE 9
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_RCVTIMEO 20 /* SO_RCVTIMEO_OLD: a 64-bit struct timeval */
#define SO_SNDTIMEO 21
#define SO_ACCEPTCONN 30
#define SO_PROTOCOL 38
#define SOL_TCP 6
#define TCP_NODELAY 1
#define SO_DOMAIN 39
#define MSG_PEEK 0x2
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_WAITALL 0x100
#define MSG_NOSIGNAL 0x4000
#define SHUT_RDWR 2
#define SOCKADDR_STORAGE_SIZE 128 /* the longest address a call takes */

#define SOCKET_RCVBUF 65536
#define EPHEMERAL_FIRST 32768 /* Linux's ip_local_port_range */
#define EPHEMERAL_LAST 60999
#define UDP_PAYLOAD_MAX (PBUF_LEN_MAX - IPV4_HEADER_LEN - UDP_HEADER_LEN)

struct timeval {
	int64_t sec, usec;
};

struct socket {
	uint8_t protocol; /* IPPROTO_UDP, IPPROTO_ICMP or IPPROTO_TCP */
	struct tcb *tcb;  /* a stream socket's; NULL for a datagram one */
	struct unix_sock *usock; /* AF_UNIX: everything is there (unix.c) */
	uint64_t ino;            /* what fstat shows */
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

/* The socket at fd, referenced (vfs_close when done): 0, -EBADF,
 * -ENOTSOCK. */
int socket_get(uint64_t fd, struct file **out);

/* sendmsg and recvmsg on any socket (msg.c parses the struct msghdr):
 * the bytes moved or a negative errno. */
long socket_sendmsg(struct file *f, struct sock_msg *m, int flags);
long socket_recvmsg(struct file *f, struct sock_msg *m, int flags);

#endif
