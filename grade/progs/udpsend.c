/*
 * grade/progs/udpsend.c: the host side of the net lab's UDP test, built
 * with the host's cc. It sends MESSAGE to 127.0.0.1:PORT (QEMU's hostfwd
 * carries it to the guest's udpecho), waits up to a second for the echo,
 * and tries again, at most TRIES times; it prints "udpsend: reply: TEXT"
 * and exits 0 at the first reply, or exits 1. With LENGTH, MESSAGE is
 * repeated to LENGTH bytes (more than a frame holds: the guest gets it
 * in fragments), and the reply line says "udpsend: reply: N bytes, the
 * same" (or DIFFERENT). It talks to this machine's loopback only, and
 * sends at most TRIES datagrams.
 *
 *   udpsend PORT MESSAGE [TRIES [LENGTH]]
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct timeval tv = { 1, 0 };
	static char out[65536], buf[65536];
	size_t len = strlen(argv[argc > 2 ? 2 : 0]), length = 0;
	int fd, tries;

	if (argc < 3 || argc > 5 || len == 0) {
		fprintf(stderr,
			"usage: udpsend PORT MESSAGE [TRIES [LENGTH]]\n");
		return 2;
	}
	tries = argc >= 4 ? atoi(argv[3]) : 10;
	if (argc == 5) {
		length = (size_t)atol(argv[4]);
		if (length < 1 || length > 65507) {
			fprintf(stderr, "udpsend: LENGTH: 1 to 65507\n");
			return 2;
		}
	}
	for (size_t i = 0; i < (length ? length : len); i++)
		out[i] = argv[2][i % len];
	if (length)
		len = length;
	to.sin_port = htons((unsigned short)atoi(argv[1]));
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		perror("udpsend: socket");
		return 2;
	}
	for (int i = 0; i < tries; i++) {
		ssize_t n;

		if (sendto(fd, out, len, 0, (struct sockaddr *)&to,
			   sizeof(to)) < 0) {
			perror("udpsend: sendto");
			sleep(1);
			continue;
		}
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n >= 0 && length) {
			printf("udpsend: reply: %zd bytes, %s\n", n,
			       (size_t)n == len && memcmp(buf, out, len) == 0
				       ? "the same"
				       : "DIFFERENT");
			return 0;
		}
		if (n >= 0) {
			buf[n] = 0;
			printf("udpsend: reply: %s\n", buf);
			return 0;
		}
	}
	printf("udpsend: no reply after %d tries\n", tries);
	return 1;
}
