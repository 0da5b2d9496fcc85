/*
 * ping: send ICMP echo requests to an IPv4 address and print the replies
 * and a summary, as Linux's ping does. It uses an ICMP datagram socket
 * (socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)), which needs no privilege
 * on Kestrel and on Linux within net.ipv4.ping_group_range; the kernel
 * sets the identifier and checksum. No TTL is shown: a datagram socket
 * does not see the IP header.
 *
 *   ping [-c count] [-i interval] [-W timeout] [-s size] address
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void usage(void)
{
	fprintf(stderr, "usage: ping [-c count] [-i interval] [-W timeout] "
			"[-s size] address\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int count = 4, size = 56, opt, fd, sent = 0, received = 0;
	double interval = 1.0, timeout = 1.0, min = 0, max = 0, sum = 0;
	struct sockaddr_in to = { .sin_family = AF_INET };
	/* The most an IPv4 datagram holds: big ones go in fragments. */
	static unsigned char packet[65536], reply[65536];
	double start;

	while ((opt = getopt(argc, argv, "c:i:W:s:")) != -1) {
		switch (opt) {
		case 'c':
			count = atoi(optarg);
			break;
		case 'i':
			interval = atof(optarg);
			break;
		case 'W':
			timeout = atof(optarg);
			break;
		case 's':
			size = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || size < 0 || size > (int)sizeof(packet) - 8 ||
	    count < 1)
		usage();
	if (!inet_aton(argv[optind], &to.sin_addr)) {
		fprintf(stderr, "ping: %s: not an IPv4 address\n",
			argv[optind]);
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
	if (fd < 0) {
		perror("ping: socket");
		return 2;
	}
	struct timeval tv = { (time_t)timeout,
			      (suseconds_t)((timeout - (time_t)timeout) *
					    1e6) };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	printf("PING %s (%s) %d(%d) bytes of data.\n", argv[optind],
	       argv[optind], size, size + 28);
	fflush(stdout);
	start = now_ms();
	for (int seq = 1; seq <= count; seq++) {
		struct icmphdr *h = (struct icmphdr *)packet;
		double t0 = now_ms();

		memset(packet, 0, sizeof(packet));
		h->type = ICMP_ECHO;
		h->un.echo.sequence = htons(seq);
		for (int i = 0; i < size; i++)
			packet[8 + i] = (unsigned char)i;
		if (sendto(fd, packet, 8 + size, 0, (struct sockaddr *)&to,
			   sizeof(to)) < 0) {
			perror("ping: sendto");
			return 2;
		}
		sent++;
		for (;;) {
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t n = recvfrom(fd, reply, sizeof(reply), 0,
					     (struct sockaddr *)&from, &fl);
			struct icmphdr *r = (struct icmphdr *)reply;
			double ms;

			if (n < 0)
				break; /* timeout: this one is lost */
			if (n < 8 || r->type != ICMP_ECHOREPLY ||
			    ntohs(r->un.echo.sequence) != seq)
				continue;
			if (n != 8 + size ||
			    memcmp(reply + 8, packet + 8, (size_t)size) != 0)
				printf("ping: icmp_seq=%d: wrong data in the "
				       "reply\n",
				       seq);
			ms = now_ms() - t0;
			printf("%zd bytes from %s: icmp_seq=%d time=%.3f ms\n",
			       n, inet_ntoa(from.sin_addr), seq, ms);
			fflush(stdout);
			if (!received || ms < min)
				min = ms;
			if (ms > max)
				max = ms;
			sum += ms;
			received++;
			break;
		}
		if (seq < count) {
			double left = interval * 1000 - (now_ms() - t0);

			if (left > 0)
				usleep((useconds_t)(left * 1000));
		}
	}
	printf("\n--- %s ping statistics ---\n", argv[optind]);
	printf("%d packets transmitted, %d received, %d%% packet loss, "
	       "time %.0fms\n",
	       sent, received, (sent - received) * 100 / sent,
	       now_ms() - start);
	if (received)
		printf("rtt min/avg/max = %.3f/%.3f/%.3f ms\n", min,
		       sum / received, max);
	return received ? 0 : 1;
}
