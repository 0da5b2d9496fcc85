/*
 * grade/progs/udpsend.c: the host side of the net lab's UDP test, built
 * with the host's cc. It sends MESSAGE to 127.0.0.1:PORT (QEMU's hostfwd
 * carries it to the guest's udpecho), waits up to a second for the echo,
 * and tries again, at most TRIES times; it prints "udpsend: reply: TEXT"
 * and exits 0 at the first reply, or exits 1. It talks to this machine's
 * loopback only, and sends at most TRIES datagrams.
 *
 *   udpsend PORT MESSAGE [TRIES]
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
	int fd, tries;
	char buf[2048];

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: udpsend PORT MESSAGE [TRIES]\n");
		return 2;
	}
	tries = argc == 4 ? atoi(argv[3]) : 10;
	to.sin_port = htons((unsigned short)atoi(argv[1]));
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
				 sizeof(tv)) < 0) {
		perror("udpsend: socket");
		return 2;
	}
	for (int i = 0; i < tries; i++) {
		ssize_t n;

		if (sendto(fd, argv[2], strlen(argv[2]), 0,
			   (struct sockaddr *)&to, sizeof(to)) < 0) {
			perror("udpsend: sendto");
			sleep(1);
			continue;
		}
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n >= 0) {
			buf[n] = 0;
			printf("udpsend: reply: %s\n", buf);
			return 0;
		}
	}
	printf("udpsend: no reply after %d tries\n", tries);
	return 1;
}
