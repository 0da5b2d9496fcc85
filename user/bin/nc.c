/*
 * nc: netcat. Connects to a TCP (or UDP) port, or waits for one
 * connection on a port, and copies standard input to the socket and the
 * socket to standard output until both directions are done.
 *
 *   nc [-u] [-s] [-w secs] host port   connect to host:port
 *   nc -l [-u] [-s] port                wait for one peer on port
 *   nc -U [-s] path                     connect to an AF_UNIX stream socket
 *   nc -l -U [-s] path                  wait for one peer there (bind
 *                                       makes the socket file)
 *
 *   -u       UDP instead of TCP: each read of standard input is one
 *            datagram; with -l, the first datagram's sender is the peer
 *   -s       at the end, print on standard error how many bytes went
 *            each way and the SHA-256 of each stream (to compare with
 *            sha256sum on the other side)
 *   -w secs  give up connecting after secs seconds (TCP)
 *
 * At the end of standard input a TCP connection is half-closed
 * (shutdown SHUT_WR) and nc goes on reading until the peer closes too.
 * host is a dotted quad or "localhost".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sha256.h"
#include "ulib.h"

static const char synopsis[] = "[-u] [-s] [-w secs] host port | "
			       "nc -l [-u] [-s] port | nc [-l] -U [-s] path";

static int udp, unix_path, stats;
static struct sha256 sent_hash, rcvd_hash;
static unsigned long long sent_bytes, rcvd_bytes;

static int parse_port(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end || v <= 0 || v > 65535)
		usage(synopsis);
	return (int)v;
}

static int parse_host(const char *s, struct in_addr *a)
{
	if (strcmp(s, "localhost") == 0)
		s = "127.0.0.1";
	return inet_aton(s, a) ? 0 : -1;
}

/* Wait for a non-blocking connect: 0, or -1 with errno set. */
static int finish_connect(int fd, int secs)
{
	struct pollfd p = { fd, POLLOUT, 0 };
	socklen_t len = sizeof(int);
	int err = 0, r;

	r = poll(&p, 1, secs > 0 ? secs * 1000 : -1);
	if (r == 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	if (r < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return -1;
	if (err) {
		errno = err;
		return -1;
	}
	return fcntl(fd, F_SETFL, 0);
}

static int client(const char *host, int port, int secs)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port) };
	int fd;

	if (parse_host(host, &to.sin_addr) < 0) {
		fprintf(stderr, "nc: %s: not an address\n", host);
		exit(1);
	}
	fd = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (fd < 0) {
		perror("nc: socket");
		exit(1);
	}
	if (secs > 0 && !udp)
		fcntl(fd, F_SETFL, O_NONBLOCK);
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0 &&
	    (errno != EINPROGRESS || finish_connect(fd, secs) < 0)) {
		perror("nc: connect");
		exit(1);
	}
	return fd;
}

/* An AF_UNIX stream socket: connected to path, or (listen) the one peer
 * that connected to it there. */
static int unix_socket(const char *path, int listen_mode)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), c;

	if (strlen(path) >= sizeof(a.sun_path)) {
		fprintf(stderr, "nc: %s: name too long\n", path);
		exit(1);
	}
	strcpy(a.sun_path, path);
	if (fd < 0) {
		perror("nc: socket");
		exit(1);
	}
	if (!listen_mode) {
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
			perror("nc: connect");
			exit(1);
		}
		return fd;
	}
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 1) < 0) {
		perror("nc: bind");
		exit(1);
	}
	fprintf(stderr, "nc: listening on %s\n", path);
	c = accept(fd, NULL, NULL);
	if (c < 0) {
		perror("nc: accept");
		exit(1);
	}
	close(fd);
	return c;
}

static int server(int port)
{
	struct sockaddr_in me = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0), one = 1;
	int c;

	if (fd < 0) {
		perror("nc: socket");
		exit(1);
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0 ||
	    (!udp && listen(fd, 1) < 0)) {
		perror("nc: bind");
		exit(1);
	}
	fprintf(stderr, "nc: listening on port %d\n", port);
	if (udp)
		return fd; /* the first datagram names the peer */
	c = accept(fd, NULL, NULL);
	if (c < 0) {
		perror("nc: accept");
		exit(1);
	}
	close(fd);
	return c;
}

/* Copy both ways: TCP until standard input has ended and the peer has
 * closed its side (either may come first: the other way goes on), UDP
 * until standard input ends. */
static int relay(int fd, int listening_udp)
{
	static char buf[65536];
	struct pollfd p[2] = { { 0, POLLIN, 0 }, { fd, POLLIN, 0 } };
	int in_open = 1, net_open = 1, peer_known = !listening_udp;

	while (udp ? in_open : in_open || net_open) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("nc: poll");
			return 1;
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
					     (struct sockaddr *)&from, &fl);

			if (n < 0) {
				perror("nc: read");
				return 1;
			}
			if (n == 0 && !udp) {
				net_open = 0;
				p[1].fd = -1;
			}
			if (n > 0 && !peer_known) {
				if (connect(fd, (struct sockaddr *)&from, fl) <
				    0) {
					perror("nc: connect");
					return 1;
				}
				peer_known = 1;
			}
			if (n > 0 && write_all(1, buf, (size_t)n) < 0) {
				perror("nc: write");
				return 1;
			}
			sha256_update(&rcvd_hash, buf, n > 0 ? (size_t)n : 0);
			rcvd_bytes += n > 0 ? (unsigned long long)n : 0;
		}
		if (in_open && (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			ssize_t n = read(0, buf, udp ? 1472 : sizeof(buf));

			if (n < 0) {
				perror("nc: read");
				return 1;
			}
			if (n == 0) {
				in_open = 0;
				p[0].fd = -1;
				if (!udp)
					shutdown(fd, SHUT_WR);
				continue;
			}
			if (!peer_known)
				continue; /* nobody to send to yet */
			if (write_all(fd, buf, (size_t)n) < 0) {
				perror("nc: send");
				return 1;
			}
			sha256_update(&sent_hash, buf, (size_t)n);
			sent_bytes += (unsigned long long)n;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	int listen_mode = 0, secs = 0, fd, c, r;

	while ((c = getopt(argc, argv, "lusUw:")) != -1) {
		switch (c) {
		case 'l':
			listen_mode = 1;
			break;
		case 'u':
			udp = 1;
			break;
		case 's':
			stats = 1;
			break;
		case 'U':
			unix_path = 1;
			break;
		case 'w':
			secs = atoi(optarg);
			break;
		default:
			usage(synopsis);
		}
	}
	if (argc - optind != (listen_mode || unix_path ? 1 : 2) ||
	    (unix_path && udp))
		usage(synopsis);
	sha256_init(&sent_hash);
	sha256_init(&rcvd_hash);
	if (unix_path)
		fd = unix_socket(argv[optind], listen_mode);
	else if (listen_mode)
		fd = server(parse_port(argv[optind]));
	else
		fd = client(argv[optind], parse_port(argv[optind + 1]), secs);
	r = relay(fd, listen_mode && udp);
	close(fd);
	if (stats) {
		char hs[65], hr[65];

		sha256_hex(&sent_hash, hs);
		sha256_hex(&rcvd_hash, hr);
		fprintf(stderr, "nc: sent %llu bytes sha256 %s\n", sent_bytes,
			hs);
		fprintf(stderr, "nc: received %llu bytes sha256 %s\n",
			rcvd_bytes, hr);
	}
	return r;
}
