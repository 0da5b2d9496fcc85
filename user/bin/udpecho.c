/*
 * udpecho: a UDP echo server, or a client that sends one datagram and
 * prints the answer.
 *
 *   udpecho -s port [-n count]     answer count datagrams (default: for
 *                                  ever) with their own bytes
 *   udpecho [-W timeout] [-l length] address port message
 *                                  send message (repeated to length
 *                                  bytes with -l), print the reply (with
 *                                  -l its length, and whether it is the
 *                                  same); exit 1 if none comes within
 *                                  timeout seconds
 *
 * A datagram may be up to 65507 bytes: IPv4 carries one that big in
 * fragments.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int serve(int fd, int port, int count)
{
	struct sockaddr_in me = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	static char buf[65536];

	if (bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
		perror("udpecho: bind");
		return 1;
	}
	printf("udpecho: listening on port %d\n", port);
	fflush(stdout);
	for (int i = 0; count == 0 || i < count; i++) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &fl);

		if (n < 0) {
			perror("udpecho: recvfrom");
			return 1;
		}
		if (sendto(fd, buf, n, 0, (struct sockaddr *)&from, fl) < 0)
			perror("udpecho: sendto");
		printf("udpecho: echoed %zd bytes to %s:%d\n", n,
		       inet_ntoa(from.sin_addr), ntohs(from.sin_port));
		fflush(stdout);
	}
	return 0;
}

static int client(int fd, const char *addr, int port, const char *msg,
		  size_t length, double timeout)
{
	static char out[65536], buf[65536];
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(port) };
	struct timeval tv = { (time_t)timeout,
			      (suseconds_t)((timeout - (time_t)timeout) *
					    1e6) };
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	size_t len = strlen(msg);
	ssize_t n;

	if (!inet_aton(addr, &to.sin_addr)) {
		fprintf(stderr, "udpecho: %s: not an IPv4 address\n", addr);
		return 2;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (length) {
		for (size_t i = 0; i < length && len; i++)
			out[i] = msg[i % len];
		len = length;
	} else {
		memcpy(out, msg, len);
	}
	if (sendto(fd, out, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		perror("udpecho: sendto");
		return 1;
	}
	n = recvfrom(fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from,
		     &fl);
	if (n < 0) {
		perror("udpecho: no reply");
		return 1;
	}
	buf[n] = 0;
	if (length) {
		int same = (size_t)n == len && memcmp(buf, out, len) == 0;

		printf("reply from %s:%d: %zd bytes, %s\n",
		       inet_ntoa(from.sin_addr), ntohs(from.sin_port), n,
		       same ? "the same" : "DIFFERENT");
		return same ? 0 : 1;
	}
	printf("reply from %s:%d: %s\n", inet_ntoa(from.sin_addr),
	       ntohs(from.sin_port), buf);
	return 0;
}

int main(int argc, char **argv)
{
	int opt, port = 0, count = 0, fd;
	long length = 0;
	double timeout = 2;

	while ((opt = getopt(argc, argv, "s:n:W:l:")) != -1) {
		switch (opt) {
		case 's':
			port = atoi(optarg);
			break;
		case 'n':
			count = atoi(optarg);
			break;
		case 'W':
			timeout = atof(optarg);
			break;
		case 'l':
			length = atol(optarg);
			if (length < 1 || length > 65507)
				goto usage;
			break;
		default:
			goto usage;
		}
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("udpecho: socket");
		return 1;
	}
	if (port)
		return serve(fd, port, count);
	if (optind == argc - 3)
		return client(fd, argv[optind], atoi(argv[optind + 1]),
			      argv[optind + 2], (size_t)length, timeout);
usage:
	fprintf(stderr, "usage: udpecho -s port [-n count]\n"
			"       udpecho [-W timeout] [-l length] address port "
			"message\n");
	return 2;
}
