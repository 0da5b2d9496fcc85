/*
 * t_unix: AF_UNIX sockets, as Linux has them. socketpair's stream,
 * datagram and seqpacket pairs (bytes and records both ways, names,
 * SO_PEERCRED, FIONREAD, half-close, end of file, EPIPE and SIGPIPE);
 * bind to a path (an S_IFSOCK file; EADDRINUSE, ENOENT, ECONNREFUSED,
 * EPROTOTYPE), the abstract namespace and autobind, listen's backlog,
 * accept4, a closed listener resetting its unaccepted connections;
 * datagrams with sendto/recvfrom and their senders' names, MSG_TRUNC,
 * MSG_PEEK, EPERM and ECONNREFUSED, a full queue; sendmsg/recvmsg with
 * several buffers, SCM_RIGHTS (a pipe and a file passed across fork,
 * MSG_CTRUNC, MSG_CMSG_CLOEXEC, files in flight closed with the socket),
 * SCM_CREDENTIALS with SO_PASSCRED, and recvmsg on a UDP socket; poll's
 * wakeups for a reader, a writer and a listener; two processes trading
 * many messages; bad pointers and lengths; /proc/net/unix.
 */
#include "t.h"
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>

static void *volatile bad_ptr = (void *)0x10; /* unmapped */
#define BAD_PTR bad_ptr
#define ROUNDS 2000
#define RECORDS 5000

static socklen_t path_addr(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path), "%s", path);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
			   strlen(path) + 1);
}

/* An abstract name: NUL, then the text (no NUL counted at the end). */
static socklen_t abstract_addr(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "%s-%d", name,
		 (int)getpid());
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			   strlen(a->sun_path + 1));
}

static void pair(int type, int sv[2])
{
	if (socketpair(AF_UNIX, type, 0, sv) < 0) {
		printf("FAIL socketpair: %s\n", strerror(errno));
		exit(1);
	}
}

static int sigpipes;

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

static void stream_pair(void)
{
	struct sockaddr_un a;
	socklen_t len = sizeof(a);
	struct ucred cred;
	struct stat st;
	char buf[32];
	int sv[2], v;

	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	CHECK_EQ(fcntl(sv[0], F_GETFD), FD_CLOEXEC);
	CHECK_EQ(write(sv[0], "hello", 5), 5);
	CHECK_OK(ioctl(sv[1], FIONREAD, &v));
	CHECK_EQ(v, 5);
	CHECK_EQ(write(sv[0], " world", 6), 6);
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 11); /* a stream joins them */
	CHECK(memcmp(buf, "hello world", 11) == 0);
	CHECK_EQ(write(sv[1], "back", 4), 4);
	CHECK_EQ(read(sv[0], buf, sizeof(buf)), 4);
	CHECK_OK(fstat(sv[0], &st));
	CHECK(S_ISSOCK(st.st_mode));
	/* Unnamed: the names are the family alone. */
	CHECK_OK(getsockname(sv[0], (struct sockaddr *)&a, &len));
	CHECK_EQ(len, sizeof(sa_family_t));
	CHECK_EQ(a.sun_family, AF_UNIX);
	len = sizeof(a);
	CHECK_OK(getpeername(sv[0], (struct sockaddr *)&a, &len));
	CHECK_EQ(len, sizeof(sa_family_t));
	len = sizeof(cred);
	CHECK_OK(getsockopt(sv[1], SOL_SOCKET, SO_PEERCRED, &cred, &len));
	CHECK_EQ(len, sizeof(cred));
	CHECK_EQ(cred.pid, getpid());
	CHECK_EQ(cred.uid, getuid());
	CHECK_EQ(cred.gid, getgid());
	len = sizeof(v);
	CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &len));
	CHECK_EQ(v, SOCK_STREAM);
	CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &v, &len));
	CHECK_EQ(v, AF_UNIX);
	v = 8192;
	CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)));
	CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &len));
	CHECK_EQ(v, 16384); /* doubled, as Linux shows it */
	CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
	CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, &len));
	CHECK_EQ(v, 32768);
	/* Half-close: end of file one way, the other still open. */
	CHECK_OK(shutdown(sv[0], SHUT_WR));
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 0);
	CHECK_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	CHECK_EQ(write(sv[1], "still", 5), 5);
	CHECK_EQ(read(sv[0], buf, sizeof(buf)), 5);
	CHECK_ERR(shutdown(sv[0], 7), EINVAL);
	/* The peer closed: unread data still comes, then end of file;
	 * writing is EPIPE, with SIGPIPE unless MSG_NOSIGNAL. */
	CHECK_EQ(write(sv[1], "last", 4), 4);
	CHECK_OK(close(sv[1]));
	CHECK_EQ(read(sv[0], buf, sizeof(buf)), 4);
	CHECK_EQ(read(sv[0], buf, sizeof(buf)), 0);
	close(sv[0]);
	pair(SOCK_STREAM, sv);
	close(sv[1]);
	signal(SIGPIPE, on_sigpipe);
	sigpipes = 0;
	CHECK_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	CHECK_EQ(sigpipes, 0);
	CHECK_ERR(write(sv[0], "x", 1), EPIPE);
	CHECK_EQ(sigpipes, 1);
	signal(SIGPIPE, SIG_DFL);
	close(sv[0]);
	/* Unconnected: reading is EINVAL, writing ENOTCONN, shutdown is
	 * allowed; poll says POLLOUT and POLLHUP. */
	sv[0] = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_ERR(recv(sv[0], buf, 1, MSG_DONTWAIT), EINVAL);
	CHECK_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), ENOTCONN);
	{
		struct pollfd p = { sv[0], POLLIN | POLLOUT, 0 };

		CHECK_EQ(poll(&p, 1, 0), 1);
		CHECK_EQ(p.revents, POLLOUT | POLLHUP);
	}
	CHECK_OK(shutdown(sv[0], SHUT_RDWR));
	close(sv[0]);
	/* Errors. */
	CHECK_ERR(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP);
	CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM, 9, sv), EPROTONOSUPPORT);
	CHECK_ERR(socketpair(AF_UNIX, 4 /* SOCK_RDM */, 0, sv),
		  ESOCKTNOSUPPORT);
	CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM | 0x40, 0, sv), EINVAL);
	CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM, 0, BAD_PTR), EFAULT);
}

static void stream_nonblock_peek_waitall(void)
{
	char buf[16];
	int sv[2];
	pid_t pid;

	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
	CHECK_ERR(read(sv[0], buf, sizeof(buf)), EAGAIN);
	CHECK_EQ(write(sv[1], "abcdef", 6), 6);
	CHECK_EQ(recv(sv[0], buf, 3, MSG_PEEK), 3);
	CHECK(memcmp(buf, "abc", 3) == 0);
	CHECK_EQ(recv(sv[0], buf, sizeof(buf), MSG_PEEK), 6);
	CHECK_EQ(recv(sv[0], buf, 2, 0), 2);
	CHECK(memcmp(buf, "ab", 2) == 0);
	/* A bad buffer: EFAULT, and the bytes are still there. */
	CHECK_ERR(recv(sv[0], BAD_PTR, 4, 0), EFAULT);
	CHECK_ERR(write(sv[1], BAD_PTR, 4), EFAULT);
	CHECK_EQ(recv(sv[0], buf, sizeof(buf), 0), 4);
	CHECK(memcmp(buf, "cdef", 4) == 0);
	CHECK_ERR(recv(sv[0], buf, sizeof(buf), 0), EAGAIN);
	close(sv[0]);
	close(sv[1]);
	/* MSG_WAITALL waits for pieces written one by one. */
	pair(SOCK_STREAM, sv);
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 4; i++)
			if (write(sv[1], "wxyz" + i, 1) != 1)
				_exit(1);
		_exit(0);
	}
	CHECK_EQ(recv(sv[0], buf, 4, MSG_WAITALL), 4);
	CHECK(memcmp(buf, "wxyz", 4) == 0);
	CHECK_EQ(t_wait(pid), 0);
	close(sv[0]);
	close(sv[1]);
	CHECK_ERR(recv(sv[0], buf, 1, MSG_DONTWAIT), EBADF);
}

static void path_bind_connect(void)
{
	struct sockaddr_un a, got;
	socklen_t alen = path_addr(&a, "sock"), len;
	struct stat st;
	char buf[8];
	int l, c, s, d, fd, v;

	l = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(l >= 0);
	CHECK_ERR(listen(l, 4), EINVAL); /* not bound */
	CHECK_OK(bind(l, (struct sockaddr *)&a, alen));
	CHECK_OK(stat("sock", &st));
	CHECK(S_ISSOCK(st.st_mode));
	{
		struct sockaddr_un other;
		socklen_t olen = abstract_addr(&other, "t_unix-rebind");

		CHECK_ERR(bind(l, (struct sockaddr *)&other, olen), EINVAL);
	}
	d = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_ERR(bind(d, (struct sockaddr *)&a, alen), EADDRINUSE);
	/* Nothing listens yet. */
	CHECK_ERR(connect(d, (struct sockaddr *)&a, alen), ECONNREFUSED);
	CHECK_OK(listen(l, 4));
	len = sizeof(v);
	CHECK_OK(getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &len));
	CHECK_EQ(v, 1);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_OK(connect(c, (struct sockaddr *)&a, alen));
	CHECK_ERR(connect(c, (struct sockaddr *)&a, alen), EISCONN);
	len = sizeof(got);
	s = accept4(l, (struct sockaddr *)&got, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
	CHECK(s >= 0);
	CHECK_EQ(len, sizeof(sa_family_t)); /* the client has no name */
	CHECK(fcntl(s, F_GETFL) & O_NONBLOCK);
	CHECK_EQ(fcntl(s, F_GETFD), FD_CLOEXEC);
	len = sizeof(got);
	CHECK_OK(getpeername(c, (struct sockaddr *)&got, &len));
	CHECK_EQ(len, alen);
	CHECK(strcmp(got.sun_path, "sock") == 0);
	len = sizeof(got);
	CHECK_OK(getsockname(s, (struct sockaddr *)&got, &len));
	CHECK_EQ(len, alen);
	CHECK_EQ(write(c, "ping", 4), 4);
	CHECK_EQ(read(s, buf, sizeof(buf)), 4);
	CHECK_EQ(write(s, "pong", 4), 4);
	CHECK_EQ(read(c, buf, sizeof(buf)), 4);
	CHECK(memcmp(buf, "pong", 4) == 0);
	CHECK_ERR(accept(c, NULL, NULL), EINVAL);
	close(s);
	close(c);
	/* Other names. */
	alen = path_addr(&got, "missing/sock");
	CHECK_ERR(connect(d, (struct sockaddr *)&got, alen), ENOENT);
	CHECK_ERR(bind(d, (struct sockaddr *)&got, alen), ENOENT);
	fd = open("plain", O_CREAT | O_WRONLY, 0644);
	close(fd);
	alen = path_addr(&got, "plain");
	CHECK_ERR(connect(d, (struct sockaddr *)&got, alen), ECONNREFUSED);
	CHECK_ERR(bind(d, (struct sockaddr *)&got, alen), EADDRINUSE);
	CHECK_OK(unlink("plain"));
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	alen = path_addr(&got, "dsock");
	CHECK_OK(bind(fd, (struct sockaddr *)&got, alen));
	CHECK_ERR(connect(d, (struct sockaddr *)&got, alen), EPROTOTYPE);
	close(fd);
	CHECK_ERR(connect(d, (struct sockaddr *)&got, alen), ECONNREFUSED);
	CHECK_OK(unlink("dsock"));
	/* A path filling all of sun_path, no NUL: still a name. */
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	memset(&got, 0, sizeof(got));
	got.sun_family = AF_UNIX;
	memset(got.sun_path, 'p', sizeof(got.sun_path));
	CHECK_OK(bind(fd, (struct sockaddr *)&got, sizeof(got)));
	memset(got.sun_path, 0, sizeof(got.sun_path));
	len = sizeof(got);
	CHECK_OK(getsockname(fd, (struct sockaddr *)&got, &len));
	CHECK_EQ(len, sizeof(got) + 1); /* Linux counts a NUL past the end */
	CHECK_EQ(got.sun_path[sizeof(got.sun_path) - 1], 'p');
	got.sun_path[sizeof(got.sun_path) - 1] = 0;
	CHECK_EQ(strlen(got.sun_path), sizeof(got.sun_path) - 1);
	CHECK_ERR(stat(got.sun_path, &st), ENOENT); /* 107 of them: none */
	close(fd);
	memset(got.sun_path, 'p', sizeof(got.sun_path));
	{
		char name[sizeof(got.sun_path) + 1];

		memcpy(name, got.sun_path, sizeof(got.sun_path));
		name[sizeof(got.sun_path)] = 0;
		CHECK_OK(unlink(name));
	}
	/* Bad addresses. */
	CHECK_ERR(bind(d, (struct sockaddr *)&a, 1), EINVAL);
	CHECK_ERR(bind(d, (struct sockaddr *)&a, sizeof(a) + 1), EINVAL);
	CHECK_ERR(bind(d, BAD_PTR, sizeof(a)), EFAULT);
	CHECK_ERR(connect(d, BAD_PTR, sizeof(a)), EFAULT);
	got.sun_family = AF_INET;
	CHECK_ERR(bind(d, (struct sockaddr *)&got, sizeof(got)), EINVAL);
	CHECK_ERR(getsockname(d, (struct sockaddr *)&got, BAD_PTR), EFAULT);
	close(d);
	/* The listener closes: its name stays in the file system, but no
	 * one answers there. */
	close(l);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	alen = path_addr(&a, "sock");
	CHECK_ERR(connect(c, (struct sockaddr *)&a, alen), ECONNREFUSED);
	close(c);
	CHECK_OK(unlink("sock"));
}

static void abstract_autobind_backlog(void)
{
	struct sockaddr_un a, got;
	socklen_t alen = abstract_addr(&a, "t_unix-abs"), len;
	char buf[4];
	int l, l2, c[3], s, v;
	pid_t pid;

	l = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_OK(bind(l, (struct sockaddr *)&a, alen));
	CHECK(access(a.sun_path + 1, F_OK) < 0); /* no file */
	len = sizeof(got);
	CHECK_OK(getsockname(l, (struct sockaddr *)&got, &len));
	CHECK_EQ(len, alen);
	CHECK(memcmp(&got, &a, alen) == 0);
	l2 = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_ERR(bind(l2, (struct sockaddr *)&a, alen), EADDRINUSE);
	/* Autobind: an abstract name of five hex digits. */
	CHECK_OK(bind(l2, (struct sockaddr *)&a, sizeof(sa_family_t)));
	len = sizeof(got);
	CHECK_OK(getsockname(l2, (struct sockaddr *)&got, &len));
	CHECK_EQ(len, offsetof(struct sockaddr_un, sun_path) + 6);
	CHECK_EQ(got.sun_path[0], 0);
	close(l2);
	/* Backlog 1: Linux takes backlog + 1 connections, then a
	 * non-blocking connect is EAGAIN and a blocking one waits. */
	CHECK_OK(listen(l, 1));
	for (int i = 0; i < 3; i++)
		c[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK_OK(connect(c[0], (struct sockaddr *)&a, alen));
	CHECK_OK(connect(c[1], (struct sockaddr *)&a, alen));
	CHECK_ERR(connect(c[2], (struct sockaddr *)&a, alen), EAGAIN);
	pid = fork();
	if (pid == 0) {
		int b = socket(AF_UNIX, SOCK_STREAM, 0);

		if (connect(b, (struct sockaddr *)&a, alen) < 0 ||
		    write(b, "w", 1) != 1)
			_exit(1);
		_exit(0);
	}
	s = accept(l, NULL, NULL); /* makes room for the child */
	CHECK(s >= 0);
	close(s);
	CHECK_EQ(t_wait(pid), 0);
	/* The child's connection and c[1] wait to be accepted; closing
	 * the listener resets them. c[0]'s was accepted and closed. */
	CHECK_EQ(read(c[0], buf, 1), 0);
	close(l);
	CHECK_ERR(read(c[1], buf, 1), ECONNRESET);
	len = sizeof(v);
	for (int i = 0; i < 3; i++)
		close(c[i]);
}

static void dgram(void)
{
	struct sockaddr_un a, b, got;
	socklen_t alen = path_addr(&a, "da"), blen = path_addr(&b, "db"), len;
	struct msghdr m;
	struct iovec v;
	char buf[64];
	int sa, sb, sc, sv[2], n;

	sa = socket(AF_UNIX, SOCK_DGRAM, 0);
	sb = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	sc = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK_OK(bind(sa, (struct sockaddr *)&a, alen));
	CHECK_OK(bind(sb, (struct sockaddr *)&b, blen));
	CHECK_ERR(listen(sa, 1), EOPNOTSUPP);
	CHECK_ERR(accept(sa, NULL, NULL), EOPNOTSUPP);
	CHECK_ERR(send(sc, "x", 1, 0), ENOTCONN);
	CHECK_ERR(recv(sb, buf, sizeof(buf), 0), EAGAIN);
	CHECK_EQ(sendto(sa, "one", 3, 0, (struct sockaddr *)&b, blen), 3);
	CHECK_EQ(sendto(sc, "two!", 4, 0, (struct sockaddr *)&b, blen), 4);
	CHECK_EQ(sendto(sa, "", 0, 0, (struct sockaddr *)&b, blen), 0);
	CHECK_OK(ioctl(sb, FIONREAD, &n));
	CHECK_EQ(n, 3); /* the next datagram's size */
	len = sizeof(got);
	CHECK_EQ(recvfrom(sb, buf, sizeof(buf), 0, (struct sockaddr *)&got,
			  &len),
		 3);
	CHECK_EQ(len, alen);
	CHECK(strcmp(got.sun_path, "da") == 0);
	/* From an unbound sender: no name. Truncated: MSG_TRUNC. */
	memset(&m, 0, sizeof(m));
	v.iov_base = buf;
	v.iov_len = 2;
	m.msg_iov = &v;
	m.msg_iovlen = 1;
	m.msg_name = &got;
	m.msg_namelen = sizeof(got);
	CHECK_EQ(recvmsg(sb, &m, MSG_PEEK), 2);
	CHECK_EQ(m.msg_flags & MSG_TRUNC, MSG_TRUNC);
	CHECK_EQ(m.msg_namelen, 0);
	CHECK_EQ(recv(sb, buf, 2, MSG_TRUNC), 4);   /* the whole size */
	CHECK_EQ(recv(sb, buf, sizeof(buf), 0), 0); /* the empty one */
	CHECK_ERR(recv(sb, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	/* Connected: only the peer may send to a connected socket. */
	CHECK_OK(connect(sb, (struct sockaddr *)&a, alen));
	CHECK_EQ(send(sb, "to-a", 4, 0), 4);
	CHECK_EQ(recv(sa, buf, sizeof(buf), 0), 4);
	CHECK_ERR(sendto(sc, "x", 1, 0, (struct sockaddr *)&b, blen), EPERM);
	CHECK_EQ(sendto(sa, "ok", 2, 0, (struct sockaddr *)&b, blen), 2);
	CHECK_EQ(recv(sb, buf, sizeof(buf), 0), 2);
	len = sizeof(got);
	CHECK_OK(getpeername(sb, (struct sockaddr *)&got, &len));
	CHECK(strcmp(got.sun_path, "da") == 0);
	/* Too big for the send buffer. */
	{
		static char big[300000];

		CHECK_ERR(sendto(sc, big, sizeof(big), 0, (struct sockaddr *)&a,
				 alen),
			  EMSGSIZE);
	}
	/* The peer is gone: ECONNREFUSED. Unknown names too. */
	close(sa);
	CHECK_ERR(send(sb, "x", 1, 0), ECONNREFUSED);
	CHECK_ERR(sendto(sc, "x", 1, 0, (struct sockaddr *)&a, alen),
		  ECONNREFUSED);
	alen = path_addr(&a, "nowhere");
	CHECK_ERR(sendto(sc, "x", 1, 0, (struct sockaddr *)&a, alen), ENOENT);
	alen = abstract_addr(&a, "t_unix-nobody");
	CHECK_ERR(sendto(sc, "x", 1, 0, (struct sockaddr *)&a, alen),
		  ECONNREFUSED);
	CHECK_ERR(sendto(sc, "x", 1, 0, BAD_PTR, blen), EFAULT);
	CHECK_ERR(sendto(sc, "x", 1, 0, (struct sockaddr *)&b, 1), EINVAL);
	CHECK_ERR(sendto(sc, BAD_PTR, 1, 0, (struct sockaddr *)&b, blen),
		  EFAULT);
	/* A full queue: a non-blocking sender is told EAGAIN; a read
	 * makes room. */
	{
		struct sockaddr_un u = { .sun_family = AF_UNSPEC };

		CHECK_OK(connect(sb, (struct sockaddr *)&u, sizeof(u)));
	}
	n = 0;
	while (n < 100000 && sendto(sc, "q", 1, MSG_DONTWAIT,
				    (struct sockaddr *)&b, blen) == 1)
		n++;
	CHECK(n > 0 && n < 100000);
	CHECK_EQ(errno, EAGAIN);
	CHECK_EQ(recv(sb, buf, sizeof(buf), 0), 1);
	CHECK_EQ(sendto(sc, "q", 1, MSG_DONTWAIT, (struct sockaddr *)&b, blen),
		 1);
	close(sb);
	close(sc);
	CHECK_OK(unlink("da"));
	CHECK_OK(unlink("db"));
	/* A pair keeps the boundaries. Once one end closes, the other's
	 * send is refused, then it is no longer connected. */
	pair(SOCK_DGRAM, sv);
	CHECK_EQ(write(sv[0], "ab", 2), 2);
	CHECK_EQ(write(sv[0], "cde", 3), 3);
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 2);
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 3);
	close(sv[1]);
	CHECK_ERR(send(sv[0], "x", 1, 0), ECONNREFUSED);
	CHECK_ERR(send(sv[0], "x", 1, 0), ENOTCONN);
	close(sv[0]);
}

static void seqpacket(void)
{
	struct sockaddr_un a;
	socklen_t alen = abstract_addr(&a, "t_unix-seq");
	struct msghdr m;
	struct iovec v;
	char buf[16];
	int sv[2], l, c, s;

	pair(SOCK_SEQPACKET, sv);
	CHECK_EQ(write(sv[0], "first", 5), 5);
	CHECK_EQ(write(sv[0], "second", 6), 6);
	memset(&m, 0, sizeof(m));
	v.iov_base = buf;
	v.iov_len = 3;
	m.msg_iov = &v;
	m.msg_iovlen = 1;
	CHECK_EQ(recvmsg(sv[1], &m, 0), 3); /* the rest is dropped */
	CHECK_EQ(m.msg_flags & MSG_TRUNC, MSG_TRUNC);
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 6);
	CHECK(memcmp(buf, "second", 6) == 0);
	close(sv[0]);
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 0);
	close(sv[1]);
	/* Connections, as a stream's. */
	l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	CHECK_ERR(send(c, "x", 1, 0), ENOTCONN);
	CHECK_ERR(recv(c, buf, 1, MSG_DONTWAIT), ENOTCONN);
	CHECK_OK(bind(l, (struct sockaddr *)&a, alen));
	CHECK_OK(listen(l, 2));
	CHECK_OK(connect(c, (struct sockaddr *)&a, alen));
	s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	CHECK_EQ(send(c, "rec", 3, 0), 3);
	CHECK_EQ(recv(s, buf, sizeof(buf), 0), 3);
	close(s);
	close(c);
	close(l);
}

/* Send fds over sock with data "F". */
static ssize_t send_fds(int sock, const int *fds, int n)
{
	char control[CMSG_SPACE(sizeof(int) * 4)];
	struct iovec v = { "F", 1 };
	struct msghdr m = { 0 };
	struct cmsghdr *c;

	m.msg_iov = &v;
	m.msg_iovlen = 1;
	m.msg_control = control;
	m.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n);
	memset(control, 0, sizeof(control));
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)n);
	return sendmsg(sock, &m, 0);
}

/* Receive up to room fds from sock: how many came (-1 on error); *flags
 * gets msg_flags. */
static int recv_fds(int sock, int *fds, int room, int rflags, int *flags)
{
	char control[CMSG_SPACE(sizeof(int) * 4)];
	char byte;
	struct iovec v = { &byte, 1 };
	struct msghdr m = { 0 };
	struct cmsghdr *c;
	int n = 0;

	m.msg_iov = &v;
	m.msg_iovlen = 1;
	m.msg_control = control;
	m.msg_controllen = CMSG_LEN(sizeof(int) * (size_t)room);
	if (recvmsg(sock, &m, rflags) != 1 || byte != 'F')
		return -1;
	*flags = m.msg_flags;
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			memcpy(fds, CMSG_DATA(c), sizeof(int) * (size_t)n);
		}
	}
	return n;
}

static void scm_rights(void)
{
	int sv[2], p[2], fds[4], got[4], flags, fd;
	char buf[16];
	pid_t pid;

	pair(SOCK_STREAM, sv);
	CHECK_OK(pipe(p));
	fd = open("shared", O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(fd >= 0);
	/* Across fork: the child gets a pipe's write end and a file, and
	 * uses them; the file's offset is shared with ours. */
	pid = fork();
	if (pid == 0) {
		int n = recv_fds(sv[1], got, 4, 0, &flags);

		if (n != 2 || write(got[0], "via-pipe", 8) != 8 ||
		    write(got[1], "0123", 4) != 4)
			_exit(1);
		_exit(0);
	}
	fds[0] = p[1];
	fds[1] = fd;
	CHECK_EQ(send_fds(sv[0], fds, 2), 1);
	CHECK_OK(close(p[1])); /* the child's copy keeps it open */
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 8);
	CHECK(memcmp(buf, "via-pipe", 8) == 0);
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 0); /* every write end gone */
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 4);
	close(p[0]);
	/* Too little room: one fd installed, MSG_CTRUNC; MSG_CMSG_CLOEXEC. */
	fds[0] = fd;
	fds[1] = fd;
	CHECK_EQ(send_fds(sv[0], fds, 2), 1);
	CHECK_EQ(recv_fds(sv[1], got, 1, MSG_CMSG_CLOEXEC, &flags), 1);
	CHECK_EQ(flags & MSG_CTRUNC, MSG_CTRUNC);
	CHECK_EQ(fcntl(got[0], F_GETFD), FD_CLOEXEC);
	CHECK_EQ(lseek(got[0], 0, SEEK_CUR), 4);
	close(got[0]);
	/* Bad descriptors and control messages. */
	fds[0] = 999;
	CHECK_ERR(send_fds(sv[0], fds, 1), EBADF);
	{
		char control[CMSG_SPACE(sizeof(int))];
		struct iovec v = { "F", 1 };
		struct msghdr m = { 0 };
		struct cmsghdr *c = (struct cmsghdr *)control;

		m.msg_iov = &v;
		m.msg_iovlen = 1;
		m.msg_control = control;
		m.msg_controllen = sizeof(control);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = sizeof(control) + 8; /* past the buffer */
		CHECK_ERR(sendmsg(sv[0], &m, 0), EINVAL);
		/* musl copies the control buffer itself: the call, raw */
		m.msg_control = BAD_PTR;
		CHECK_ERR(syscall(SYS_sendmsg, sv[0], &m, 0), EFAULT);
	}
	/* Files in flight when the socket closes unread are closed: the
	 * pipe's only write end was in the message, so the reader sees end
	 * of file. */
	CHECK_OK(pipe(p));
	CHECK_EQ(send_fds(sv[0], &p[1], 1), 1);
	CHECK_OK(close(p[1]));
	close(sv[0]);
	close(sv[1]);
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 0);
	close(p[0]);
	/* A datagram with a file, to a bound socket, across fork. */
	pair(SOCK_DGRAM, sv);
	pid = fork();
	if (pid == 0) {
		int n = recv_fds(sv[1], got, 4, 0, &flags);

		_exit(n == 1 && write(got[0], "dg", 2) == 2 ? 0 : 1);
	}
	CHECK_EQ(send_fds(sv[0], &fd, 1), 1);
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 6);
	close(sv[0]);
	close(sv[1]);
	close(fd);
	CHECK_OK(unlink("shared"));
}

static void scm_credentials(void)
{
	char control[CMSG_SPACE(sizeof(struct ucred))];
	struct ucred cred = { getpid(), getuid(), getgid() }, *rc;
	struct msghdr m = { 0 };
	struct cmsghdr *c;
	struct iovec v;
	char byte = 'c';
	int sv[2], one = 1;

	pair(SOCK_DGRAM, sv);
	CHECK_OK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)));
	/* Sent explicitly. */
	v.iov_base = &byte;
	v.iov_len = 1;
	m.msg_iov = &v;
	m.msg_iovlen = 1;
	m.msg_control = control;
	m.msg_controllen = sizeof(control);
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_CREDENTIALS;
	c->cmsg_len = CMSG_LEN(sizeof(cred));
	memcpy(CMSG_DATA(c), &cred, sizeof(cred));
	CHECK_EQ(sendmsg(sv[0], &m, 0), 1);
	/* Someone else's pid: refused (EPERM; ESRCH for root on Linux). */
	cred.pid = 0x3ffffff0;
	memcpy(CMSG_DATA(c), &cred, sizeof(cred));
	errno = 0;
	CHECK(sendmsg(sv[0], &m, 0) < 0 && (errno == EPERM || errno == ESRCH));
	/* Not sent: the kernel fills in the sender's. */
	CHECK_EQ(write(sv[0], "d", 1), 1);
	for (int i = 0; i < 2; i++) {
		memset(control, 0, sizeof(control));
		m.msg_control = control;
		m.msg_controllen = sizeof(control);
		CHECK_EQ(recvmsg(sv[1], &m, 0), 1);
		c = CMSG_FIRSTHDR(&m);
		CHECK(c != NULL);
		if (!c)
			continue;
		CHECK_EQ(c->cmsg_type, SCM_CREDENTIALS);
		rc = (struct ucred *)CMSG_DATA(c);
		CHECK_EQ(rc->pid, getpid());
		CHECK_EQ(rc->uid, getuid());
		CHECK_EQ(rc->gid, getgid());
	}
	close(sv[0]);
	close(sv[1]);
}

static void msg_iovecs(void)
{
	struct iovec out[3] = { { "ab", 2 }, { "", 0 }, { "cdefg", 5 } };
	char x[3], y[10];
	struct iovec in[2] = { { x, 3 }, { y, sizeof(y) } };
	struct msghdr m = { 0 };
	struct sockaddr_in sin = { 0 }, from;
	struct iovec *many;
	int sv[2], u;
	socklen_t len = sizeof(sin);

	pair(SOCK_DGRAM, sv);
	m.msg_iov = out;
	m.msg_iovlen = 3;
	CHECK_EQ(sendmsg(sv[0], &m, 0), 7); /* one datagram */
	m.msg_iov = in;
	m.msg_iovlen = 2;
	CHECK_EQ(recvmsg(sv[1], &m, 0), 7);
	CHECK(memcmp(x, "abc", 3) == 0 && memcmp(y, "defg", 4) == 0);
	CHECK_EQ(writev(sv[0], out, 3), 7); /* writev too */
	CHECK_EQ(recv(sv[1], y, sizeof(y), 0), 7);
	/* Errors. */
	/* musl reads a msghdr itself: the calls, raw */
	CHECK_ERR(syscall(SYS_recvmsg, sv[1], BAD_PTR, 0), EFAULT);
	CHECK_ERR(syscall(SYS_sendmsg, sv[0], BAD_PTR, 0), EFAULT);
	many = calloc(1025, sizeof(*many));
	m.msg_iov = many;
	m.msg_iovlen = 1025;
	CHECK_ERR(sendmsg(sv[0], &m, 0), EMSGSIZE);
	free(many);
	in[0].iov_base = BAD_PTR;
	m.msg_iov = in;
	m.msg_iovlen = 2;
	CHECK_ERR(sendmsg(sv[0], &m, 0), EFAULT);
	CHECK_ERR(sendmsg(0, &m, 0), ENOTSOCK);
	close(sv[0]);
	close(sv[1]);
	/* A stream refuses an address. */
	pair(SOCK_STREAM, sv);
	m.msg_iov = out;
	m.msg_iovlen = 1;
	m.msg_name = &sin;
	m.msg_namelen = sizeof(sin);
	CHECK_ERR(sendmsg(sv[0], &m, 0), EISCONN);
	close(sv[0]);
	close(sv[1]);
	/* sendmsg/recvmsg on UDP over 127.0.0.1: gathered, scattered, the
	 * sender's address. */
	u = socket(AF_INET, SOCK_DGRAM, 0);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK_OK(bind(u, (struct sockaddr *)&sin, sizeof(sin)));
	CHECK_OK(getsockname(u, (struct sockaddr *)&sin, &len));
	m.msg_iov = out;
	m.msg_iovlen = 3;
	CHECK_EQ(sendmsg(u, &m, 0), 7);
	in[0].iov_base = x;
	m.msg_iov = in;
	m.msg_iovlen = 2;
	m.msg_name = &from;
	m.msg_namelen = sizeof(from);
	CHECK_EQ(recvmsg(u, &m, 0), 7);
	CHECK_EQ(m.msg_namelen, sizeof(from));
	CHECK_EQ(from.sin_port, sin.sin_port);
	CHECK(memcmp(x, "abc", 3) == 0 && memcmp(y, "defg", 4) == 0);
	close(u);
}

static void poll_wakeups(void)
{
	struct pollfd pfd;
	struct sockaddr_un a;
	socklen_t alen = abstract_addr(&a, "t_unix-poll");
	char buf[4096];
	int sv[2], l, v = 4096, n = 0;
	pid_t pid;

	/* A reader: POLLIN when the child writes, POLLHUP at its close. */
	pair(SOCK_STREAM, sv);
	pfd.fd = sv[0];
	pfd.events = POLLIN | POLLOUT;
	CHECK_EQ(poll(&pfd, 1, 0), 1);
	CHECK_EQ(pfd.revents, POLLOUT);
	pid = fork();
	if (pid == 0)
		_exit(write(sv[1], "w", 1) == 1 ? 0 : 1);
	pfd.events = POLLIN;
	CHECK_EQ(poll(&pfd, 1, -1), 1);
	CHECK(pfd.revents & POLLIN);
	CHECK_EQ(read(sv[0], buf, 1), 1);
	CHECK_EQ(t_wait(pid), 0);
	close(sv[1]);
	CHECK_EQ(poll(&pfd, 1, -1), 1);
	CHECK(pfd.revents & POLLIN);
	CHECK(pfd.revents & POLLHUP);
	close(sv[0]);
	/* A writer: a full socket is not writable; the reader draining it
	 * wakes the poller. */
	CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
	CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)));
	memset(buf, 'z', sizeof(buf));
	while (n < 64 * 1024 * 1024 && write(sv[0], buf, 512) > 0)
		n += 512;
	CHECK_EQ(errno, EAGAIN);
	pfd.fd = sv[0];
	pfd.events = POLLOUT;
	CHECK_EQ(poll(&pfd, 1, 0), 0);
	pid = fork();
	if (pid == 0) {
		int got = 0;
		struct pollfd r = { sv[1], POLLIN, 0 };

		while (got < n && poll(&r, 1, -1) == 1) {
			ssize_t k = read(sv[1], buf, sizeof(buf));

			if (k <= 0)
				break;
			got += (int)k;
		}
		_exit(got == n ? 0 : 1);
	}
	CHECK_EQ(poll(&pfd, 1, -1), 1);
	CHECK(pfd.revents & POLLOUT);
	CHECK_EQ(t_wait(pid), 0);
	close(sv[0]);
	close(sv[1]);
	/* A listener: POLLIN when a connection waits. */
	l = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK_OK(bind(l, (struct sockaddr *)&a, alen));
	CHECK_OK(listen(l, 4));
	CHECK_ERR(accept(l, NULL, NULL), EAGAIN);
	pfd.fd = l;
	pfd.events = POLLIN;
	CHECK_EQ(poll(&pfd, 1, 0), 0);
	pid = fork();
	if (pid == 0) {
		int c = socket(AF_UNIX, SOCK_STREAM, 0);

		_exit(connect(c, (struct sockaddr *)&a, alen) == 0 ? 0 : 1);
	}
	CHECK_EQ(poll(&pfd, 1, -1), 1);
	CHECK(pfd.revents & POLLIN);
	CHECK_EQ(t_wait(pid), 0);
	close(l);
}

/* Two processes: ROUNDS round trips on a stream pair, then RECORDS
 * numbered records one way on a seqpacket pair, every one checked. */
static void stress(void)
{
	int sv[2], sq[2], bad = 0;
	unsigned int x;
	pid_t pid;

	pair(SOCK_STREAM, sv);
	pair(SOCK_SEQPACKET, sq);
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		close(sq[0]);
		for (int i = 0; i < ROUNDS; i++) {
			if (read(sv[1], &x, sizeof(x)) != sizeof(x))
				_exit(1);
			x++;
			if (write(sv[1], &x, sizeof(x)) != sizeof(x))
				_exit(1);
		}
		for (unsigned int i = 0; i < RECORDS; i++) {
			unsigned int rec[1 + i % 16];

			for (unsigned int j = 0; j <= i % 16; j++)
				rec[j] = i;
			if (write(sq[1], rec, sizeof(rec)) !=
			    (ssize_t)sizeof(rec))
				_exit(2);
		}
		_exit(0);
	}
	close(sv[1]);
	close(sq[1]);
	for (int i = 0; i < ROUNDS && !bad; i++) {
		x = (unsigned int)i * 2;
		if (write(sv[0], &x, sizeof(x)) != sizeof(x) ||
		    read(sv[0], &x, sizeof(x)) != sizeof(x) ||
		    x != (unsigned int)i * 2 + 1)
			bad = 1;
	}
	CHECK_EQ(bad, 0);
	for (unsigned int i = 0; i < RECORDS && !bad; i++) {
		unsigned int rec[17];
		ssize_t r = read(sq[0], rec, sizeof(rec));

		if (r != (ssize_t)(sizeof(unsigned int) * (1 + i % 16)) ||
		    rec[0] != i || rec[i % 16] != i)
			bad = 1;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(read(sq[0], &x, sizeof(x)), 0); /* the child is done */
	CHECK_EQ(t_wait(pid), 0);
	close(sv[0]);
	close(sq[0]);
}

static void proc_net_unix(void)
{
	struct sockaddr_un a, p;
	socklen_t alen = abstract_addr(&a, "t_unix-proc");
	socklen_t plen = path_addr(&p, "psock");
	char line[256], want_abs[128];
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	int d = socket(AF_UNIX, SOCK_DGRAM, 0);
	int seen_abs = 0, seen_path = 0, header = 0;
	FILE *f;

	CHECK_OK(bind(l, (struct sockaddr *)&a, alen));
	CHECK_OK(listen(l, 1));
	CHECK_OK(bind(d, (struct sockaddr *)&p, plen));
	snprintf(want_abs, sizeof(want_abs), "@%s", a.sun_path + 1);
	f = fopen("/proc/net/unix", "r");
	CHECK(f != NULL);
	while (f && fgets(line, sizeof(line), f)) {
		char path[128] = "";
		unsigned int refs, proto, flags, type, st;
		unsigned long inode;

		if (strncmp(line,
			    "Num       RefCount Protocol Flags    Type St "
			    "Inode Path",
			    54) == 0) {
			header = 1;
			continue;
		}
		if (sscanf(line, "%*[0-9a-f]: %x %x %x %x %x %lu %127s", &refs,
			   &proto, &flags, &type, &st, &inode, path) < 7)
			continue;
		if (strcmp(path, want_abs) == 0 && flags == 0x10000 &&
		    type == SOCK_STREAM && st == 1)
			seen_abs = 1;
		if (strcmp(path, "psock") == 0 && type == SOCK_DGRAM)
			seen_path = 1;
	}
	if (f)
		fclose(f);
	CHECK(header);
	CHECK(seen_abs);
	CHECK(seen_path);
	close(l);
	close(d);
	CHECK_OK(unlink("psock"));
}

/* Sockets of every kind left with data, files in flight and waiting
 * connections, then closed. */
static int leak_workload(void)
{
	struct sockaddr_un a;
	socklen_t alen = abstract_addr(&a, "t_unix-leak");
	int sv[2], p[2], c[5], l, flags, got, bad = 0;

	for (int i = 0; i < 20; i++) {
		pair(i % 2 ? SOCK_STREAM : SOCK_DGRAM, sv);
		if (pipe(p) < 0)
			return 1;
		bad |= send_fds(sv[0], p, 2) != 1;
		bad |= write(sv[1], "unread", 6) != 6;
		if (i % 4 == 0) { /* some are received and closed */
			bad |= recv_fds(sv[1], c, 4, 0, &flags) != 2;
			close(c[0]);
			close(c[1]);
		}
		close(p[0]);
		close(p[1]);
		close(sv[0]);
		close(sv[1]);
	}
	l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	bad |= bind(l, (struct sockaddr *)&a, alen) < 0 || listen(l, 8) < 0;
	for (int i = 0; i < 5; i++) {
		c[i] = socket(AF_UNIX, SOCK_SEQPACKET, 0);
		bad |= connect(c[i], (struct sockaddr *)&a, alen) < 0;
		bad |= write(c[i], "x", 1) != 1;
	}
	got = accept(l, NULL, NULL);
	bad |= got < 0;
	close(got);
	close(l);
	for (int i = 0; i < 5; i++)
		close(c[i]);
	return bad;
}

static void no_leak(void)
{
	long before, after;

	CHECK_EQ(leak_workload(), 0); /* what stays: pages, the heap's */
	t_memfree_kib();
	before = t_memfree_kib();
	for (int i = 0; i < 10; i++)
		CHECK_EQ(leak_workload(), 0);
	after = t_memfree_back_to(before);
	CHECK(before > 0 && after > 0);
	printf("note: MemFree %ld kB before, %ld kB after\n", before, after);
	if (t_on_linux())
		CHECK(labs(before - after) < 64 * 1024);
	else
		CHECK_EQ(after, before);
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 120);
	RUN(stream_pair);
	RUN(stream_nonblock_peek_waitall);
	RUN(path_bind_connect);
	RUN(abstract_autobind_backlog);
	RUN(dgram);
	RUN(seqpacket);
	RUN(scm_rights);
	RUN(scm_credentials);
	RUN(msg_iovecs);
	RUN(poll_wakeups);
	RUN(stress);
	RUN(proc_net_unix);
	RUN(no_leak);
	return t_end();
}
