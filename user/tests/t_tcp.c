/*
 * t_tcp: TCP stream sockets over 127.0.0.1. A connection is accepted and
 * carries bytes both ways, with the names each end sees and fstat's
 * S_IFSOCK, readv and writev; a closed port refuses (ECONNREFUSED), blocking and
 * non-blocking (EINPROGRESS, then SO_ERROR); half-close: shutdown(SHUT_WR)
 * gives the peer end of file while it can still answer; 4 MiB go through
 * with their checksum; a peer that closed makes a write fail with EPIPE
 * (MSG_NOSIGNAL) or SIGPIPE; MSG_PEEK, MSG_DONTWAIT, a non-blocking
 * accept, SO_RCVTIMEO; 100 connections are open at once; SO_REUSEADDR
 * binds a port whose connection is in TIME_WAIT; the options read back;
 * /proc/net/tcp lists a listener and a connection in Linux's format.
 */
#include "t.h"
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#define BIG (4 * 1024 * 1024)
#define MANY 100

/* A listener on 127.0.0.1 at a port of the system's choice. */
static int listener(int backlog, struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)addr, sizeof(*addr)) < 0 ||
	    listen(fd, backlog) < 0 ||
	    getsockname(fd, (struct sockaddr *)addr, &len) < 0) {
		printf("FAIL listener: %s\n", strerror(errno));
		exit(1);
	}
	return fd;
}

static int connect_to(const struct sockaddr_in *addr)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd >= 0 &&
	    connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Read exactly n bytes (less only at end of file). */
static ssize_t read_full(int fd, void *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = read(fd, (char *)buf + done, n - done);

		if (r <= 0)
			return r < 0 ? r : (ssize_t)done;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

static void connect_accept_and_echo(void)
{
	struct sockaddr_in addr, peer, me;
	socklen_t len = sizeof(peer);
	struct stat st;
	char buf[16];
	int l = listener(4, &addr), c, s;

	c = connect_to(&addr);
	CHECK(c >= 0);
	s = accept(l, (struct sockaddr *)&peer, &len);
	CHECK(s >= 0);
	CHECK_EQ(len, sizeof(peer));
	CHECK_EQ(peer.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	len = sizeof(me);
	CHECK_OK(getsockname(c, (struct sockaddr *)&me, &len));
	CHECK_EQ(me.sin_port, peer.sin_port);
	len = sizeof(peer);
	CHECK_OK(getpeername(c, (struct sockaddr *)&peer, &len));
	CHECK_EQ(peer.sin_port, addr.sin_port);
	CHECK_EQ(write(c, "hello", 5), 5);
	CHECK_EQ(read_full(s, buf, 5), 5);
	CHECK(memcmp(buf, "hello", 5) == 0);
	CHECK_EQ(send(s, "world!", 6, 0), 6);
	CHECK_EQ(recv(c, buf, 6, MSG_WAITALL), 6);
	CHECK(memcmp(buf, "world!", 6) == 0);
	{
		struct iovec out[2] = { { "ab", 2 }, { "cde", 3 } };
		char x[2], y[3];
		struct iovec in[2] = { { x, 2 }, { y, 3 } };

		CHECK_EQ(writev(c, out, 2), 5);
		CHECK_EQ(read_full(s, buf, 5), 5);
		CHECK(memcmp(buf, "abcde", 5) == 0);
		CHECK_EQ(writev(s, out, 2), 5);
		CHECK_EQ(recv(c, buf, 5, MSG_PEEK | MSG_WAITALL), 5);
		CHECK_EQ(readv(c, in, 2), 5);
		CHECK(memcmp(x, "ab", 2) == 0 && memcmp(y, "cde", 3) == 0);
	}
	CHECK_OK(fstat(s, &st));
	CHECK(S_ISSOCK(st.st_mode));
	CHECK_ERR(getpeername(l, (struct sockaddr *)&peer, &len), ENOTCONN);
	close(c);
	CHECK_EQ(read(s, buf, sizeof(buf)), 0); /* end of file */
	close(s);
	close(l);
}

static void closed_port_refuses(void)
{
	struct sockaddr_in addr;
	struct pollfd p;
	socklen_t len = sizeof(int);
	int l = listener(1, &addr), c, err = 0;

	close(l); /* nobody at that port now */
	c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_ERR(connect(c, (struct sockaddr *)&addr, sizeof(addr)),
		  ECONNREFUSED);
	close(c);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK_ERR(connect(c, (struct sockaddr *)&addr, sizeof(addr)),
		  EINPROGRESS);
	p = (struct pollfd){ c, POLLOUT, 0 };
	CHECK_EQ(poll(&p, 1, 10000), 1);
	CHECK_OK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len));
	CHECK_EQ(err, ECONNREFUSED);
	close(c);
}

static void nonblocking_connect(void)
{
	struct sockaddr_in addr;
	struct pollfd p;
	socklen_t len = sizeof(int);
	int l = listener(1, &addr), c, s, err = -1;
	int r;

	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	r = connect(c, (struct sockaddr *)&addr, sizeof(addr));
	CHECK(r == 0 || errno == EINPROGRESS);
	p = (struct pollfd){ c, POLLOUT, 0 };
	CHECK_EQ(poll(&p, 1, 10000), 1);
	CHECK(p.revents & POLLOUT);
	CHECK_OK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len));
	CHECK_EQ(err, 0);
	/* Linux answers 0 once more after the connection is made; then
	 * EISCONN. */
	(void)connect(c, (struct sockaddr *)&addr, sizeof(addr));
	CHECK_ERR(connect(c, (struct sockaddr *)&addr, sizeof(addr)), EISCONN);
	s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	close(s);
	close(c);
	close(l);
}

static void half_close(void)
{
	struct sockaddr_in addr;
	char buf[32];
	int l = listener(1, &addr), c, s;

	c = connect_to(&addr);
	s = accept(l, NULL, NULL);
	CHECK(c >= 0 && s >= 0);
	CHECK_EQ(write(c, "question", 8), 8);
	CHECK_OK(shutdown(c, SHUT_WR));
	CHECK_EQ(read_full(s, buf, sizeof(buf)), 8); /* then end of file */
	CHECK_EQ(read(s, buf, sizeof(buf)), 0);
	CHECK_EQ(write(s, "answer", 6), 6); /* the other way still works */
	CHECK_OK(shutdown(s, SHUT_WR));
	CHECK_EQ(read_full(c, buf, sizeof(buf)), 6);
	CHECK(memcmp(buf, "answer", 6) == 0);
	CHECK_ERR(shutdown(c, 7), EINVAL);
	close(c);
	close(s);
	close(l);
}

static uint32_t fnv(uint32_t h, const unsigned char *p, size_t n)
{
	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static void four_mebibytes(void)
{
	static unsigned char buf[65536];
	struct sockaddr_in addr;
	uint32_t want = 2166136261u, got = 2166136261u;
	size_t total = 0;
	int l = listener(1, &addr), s;
	pid_t pid = fork();

	if (pid == 0) {
		int c = connect_to(&addr);
		uint32_t h = 2166136261u;
		unsigned int x = 12345;

		for (size_t done = 0; c >= 0 && done < BIG;) {
			size_t n = 1 + (x % 9000), i;

			n = done + n > BIG ? BIG - done : n;
			for (i = 0; i < n; i++) {
				x = x * 1103515245u + 12345u;
				buf[i] = (unsigned char)(x >> 16);
			}
			if (write(c, buf, n) != (ssize_t)n)
				_exit(2);
			h = fnv(h, buf, n);
			done += n;
		}
		if (c < 0 || shutdown(c, SHUT_WR) < 0 ||
		    send(c, &h, sizeof(h), MSG_NOSIGNAL) != -1 ||
		    errno != EPIPE) /* after shutdown */
			_exit(3);
		_exit(read(c, buf, 1) == 1 && buf[0] == 'k' ? 0 : 4);
	}
	signal(SIGPIPE, SIG_IGN);
	s = accept(l, NULL, NULL);
	CHECK(s >= 0);
	for (;;) {
		ssize_t n = read(s, buf, sizeof(buf));

		if (n <= 0)
			break;
		got = fnv(got, buf, (size_t)n);
		total += (size_t)n;
	}
	CHECK_EQ(total, BIG);
	/* The same bytes, made again. */
	{
		unsigned int x = 12345;
		size_t done = 0;

		while (done < BIG) {
			size_t n = 1 + (x % 9000), i;

			n = done + n > BIG ? BIG - done : n;
			for (i = 0; i < n; i++) {
				x = x * 1103515245u + 12345u;
				buf[i] = (unsigned char)(x >> 16);
			}
			want = fnv(want, buf, n);
			done += n;
		}
	}
	CHECK_EQ(got, want);
	CHECK_EQ(write(s, "k", 1), 1);
	CHECK_EQ(t_wait(pid), 0);
	signal(SIGPIPE, SIG_DFL);
	close(s);
	close(l);
}

static void write_to_a_closed_peer(void)
{
	struct sockaddr_in addr;
	int l = listener(1, &addr), c, s, status, i;
	ssize_t r = 0;
	pid_t pid;

	c = connect_to(&addr);
	s = accept(l, NULL, NULL);
	CHECK(c >= 0 && s >= 0);
	close(s); /* the peer's RST answers our next segment */
	for (i = 0; i < 200; i++) {
		r = send(c, "x", 1, MSG_NOSIGNAL);
		if (r < 0)
			break;
		usleep(10000);
	}
	CHECK_EQ(r, -1);
	CHECK(errno == EPIPE || errno == ECONNRESET);
	CHECK_ERR(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
	pid = fork();
	if (pid == 0) {
		(void)write(c, "x", 1);
		_exit(0);
	}
	status = t_wait(pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE);
	close(c);
	close(l);
}

static void peek_dontwait_and_timeouts(void)
{
	struct sockaddr_in addr;
	struct timeval tv = { 0, 100000 };
	struct pollfd p;
	char buf[8];
	int l = listener(1, &addr), c, s;

	CHECK_OK(fcntl(l, F_SETFL, O_NONBLOCK));
	CHECK_ERR(accept(l, NULL, NULL), EAGAIN);
	c = connect_to(&addr);
	p = (struct pollfd){ l, POLLIN, 0 };
	CHECK_EQ(poll(&p, 1, 10000), 1);
	s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	CHECK(s >= 0);
	CHECK_EQ(fcntl(s, F_GETFD), FD_CLOEXEC);
	CHECK_ERR(recv(s, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	CHECK_OK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	CHECK_ERR(read(s, buf, sizeof(buf)), EAGAIN);
	CHECK_EQ(write(c, "abc", 3), 3);
	p = (struct pollfd){ s, POLLIN, 0 };
	CHECK_EQ(poll(&p, 1, 10000), 1);
	CHECK_EQ(recv(s, buf, 2, MSG_PEEK), 2);
	CHECK(memcmp(buf, "ab", 2) == 0);
	CHECK_EQ(recv(s, buf, sizeof(buf), MSG_WAITALL | MSG_DONTWAIT), 3);
	CHECK(memcmp(buf, "abc", 3) == 0);
	close(c);
	close(s);
	close(l);
}

static void many_connections(void)
{
	static int cs[MANY], ss[MANY];
	struct sockaddr_in addr;
	int l = listener(MANY, &addr), ok = 0;
	char b;

	for (int i = 0; i < MANY; i++) {
		cs[i] = connect_to(&addr);
		ss[i] = accept(l, NULL, NULL);
	}
	for (int i = 0; i < MANY; i++) {
		b = (char)i;
		if (cs[i] >= 0 && ss[i] >= 0 && write(cs[i], &b, 1) == 1 &&
		    read(ss[i], &b, 1) == 1 && b == (char)i &&
		    write(ss[i], &b, 1) == 1 && read(cs[i], &b, 1) == 1 &&
		    b == (char)i)
			ok++;
	}
	CHECK_EQ(ok, MANY);
	for (int i = 0; i < MANY; i++) {
		close(cs[i]);
		close(ss[i]);
	}
	close(l);
}

static void reuseaddr_and_options(void)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(int);
	int l = listener(1, &addr), c, s, v = 1, l2;

	c = connect_to(&addr);
	s = accept(l, NULL, NULL);
	close(s); /* the server closes first: its end waits in TIME_WAIT */
	close(c);
	close(l);
	l2 = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_OK(setsockopt(l2, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)));
	CHECK_OK(bind(l2, (struct sockaddr *)&addr, sizeof(addr)));
	CHECK_OK(listen(l2, 1));
	v = 0;
	CHECK_OK(getsockopt(l2, SOL_SOCKET, SO_REUSEADDR, &v, &len));
	CHECK(v != 0);
	CHECK_OK(getsockopt(l2, SOL_SOCKET, SO_TYPE, &v, &len));
	CHECK_EQ(v, SOCK_STREAM);
	CHECK_OK(getsockopt(l2, SOL_SOCKET, SO_ACCEPTCONN, &v, &len));
	CHECK_EQ(v, 1);
	c = socket(AF_INET, SOCK_STREAM, 0);
	v = 1;
	CHECK_OK(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)));
	v = 0;
	CHECK_OK(getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &len));
	CHECK(v != 0);
	v = 1;
	CHECK_OK(setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v)));
	v = 0;
	CHECK_OK(getsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &v, &len));
	CHECK(v != 0);
	v = 32768;
	CHECK_OK(setsockopt(c, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
	CHECK_OK(getsockopt(c, SOL_SOCKET, SO_RCVBUF, &v, &len));
	CHECK(v >= 32768);
	CHECK_ERR(send(c, "x", 1, MSG_NOSIGNAL), EPIPE); /* not connected */
	CHECK_ERR(recv(c, &v, 1, 0), ENOTCONN);
	CHECK_ERR(listen(socket(AF_INET, SOCK_DGRAM, 0), 1), EOPNOTSUPP);
	close(c);
	close(l2);
}

/* Is there a line for local 127.0.0.1:port in state st in
 * /proc/net/tcp? */
static int proc_net_tcp_has(int port, unsigned int st)
{
	char line[512], want[32];
	FILE *f = fopen("/proc/net/tcp", "r");
	int found = 0;

	if (!f)
		return 0;
	snprintf(want, sizeof(want), "0100007F:%04X", port);
	while (fgets(line, sizeof(line), f)) {
		char local[32];
		unsigned int s;

		if (sscanf(line, " %*d: %31s %*s %x", local, &s) == 2 &&
		    strcmp(local, want) == 0 && s == st)
			found = 1;
	}
	fclose(f);
	return found;
}

static void proc_net_tcp(void)
{
	struct sockaddr_in addr;
	int l = listener(1, &addr), c, s;

	CHECK(proc_net_tcp_has(ntohs(addr.sin_port), 0x0a)); /* LISTEN */
	c = connect_to(&addr);
	s = accept(l, NULL, NULL);
	CHECK(c >= 0 && s >= 0);
	CHECK(proc_net_tcp_has(ntohs(addr.sin_port), 0x01)); /* ESTABLISHED */
	close(c);
	close(s);
	close(l);
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 120);
	RUN(connect_accept_and_echo);
	RUN(closed_port_refuses);
	RUN(nonblocking_connect);
	RUN(half_close);
	RUN(four_mebibytes);
	RUN(write_to_a_closed_peer);
	RUN(peek_dontwait_and_timeouts);
	RUN(many_connections);
	RUN(reuseaddr_and_options);
	RUN(proc_net_tcp);
	return t_end();
}
