/*
 * dhcp: configure an interface from a DHCP server (RFC 2131), such as
 * QEMU's user network's at 10.0.2.2: DISCOVER and REQUEST broadcast from
 * 0.0.0.0:68, the server's OFFER and ACK broadcast back (we set the
 * BROADCAST flag, having no address yet), then the address, the netmask
 * and the default route are set with the ioctls ifconfig and route use
 * (SIOCSIFADDR, SIOCSIFNETMASK, SIOCADDRT).
 *
 *   dhcp [-n] [-t tries] [interface]      (default eth0)
 *
 * -n only asks and prints what it was offered, changing nothing. It
 * prints "dhcp: IF ADDR/PREFIX gateway GW dns DNS lease N s". On Linux
 * it runs too (as root: port 68, and the interface is reconfigured).
 * The lease is not renewed: a teaching kernel's boot outlives no lease
 * of slirp's (a day).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "ulib.h"

#define CLIENT_PORT 68
#define SERVER_PORT 67
#define BOOTREQUEST 1
#define HTYPE_ETHER 1
#define FLAG_BROADCAST 0x8000
#define MAGIC 0x63825363 /* 99.130.83.99 */

/* Options (RFC 2132) and message types. */
#define OPT_PAD 0
#define OPT_SUBNET 1
#define OPT_ROUTER 3
#define OPT_DNS 6
#define OPT_REQUESTED_IP 50
#define OPT_LEASE 51
#define OPT_MSG_TYPE 53
#define OPT_SERVER_ID 54
#define OPT_PARAMS 55
#define OPT_END 255
#define DHCPDISCOVER 1
#define DHCPOFFER 2
#define DHCPREQUEST 3
#define DHCPACK 5
#define DHCPNAK 6

struct dhcp_msg {
	uint8_t op, htype, hlen, hops;
	uint32_t xid;
	uint16_t secs, flags;
	uint32_t ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[16];
	char sname[64], file[128];
	uint32_t magic;
	uint8_t options[312];
} __attribute__((packed));

/* What a server's answer said. */
struct lease {
	int type;
	uint32_t addr, server, mask, router, dns, seconds;
};

static struct dhcp_msg request_for(int type, const uint8_t *mac, uint32_t xid,
				   const struct lease *offer)
{
	struct dhcp_msg m;
	uint8_t *o = m.options;

	memset(&m, 0, sizeof(m));
	m.op = BOOTREQUEST;
	m.htype = HTYPE_ETHER;
	m.hlen = 6;
	m.xid = xid;
	m.flags = htons(FLAG_BROADCAST);
	memcpy(m.chaddr, mac, 6);
	m.magic = htonl(MAGIC);
	*o++ = OPT_MSG_TYPE;
	*o++ = 1;
	*o++ = (uint8_t)type;
	if (offer) {
		*o++ = OPT_REQUESTED_IP;
		*o++ = 4;
		memcpy(o, &offer->addr, 4);
		o += 4;
		*o++ = OPT_SERVER_ID;
		*o++ = 4;
		memcpy(o, &offer->server, 4);
		o += 4;
	}
	*o++ = OPT_PARAMS;
	*o++ = 4;
	*o++ = OPT_SUBNET;
	*o++ = OPT_ROUTER;
	*o++ = OPT_DNS;
	*o++ = OPT_LEASE;
	*o = OPT_END;
	return m;
}

/* Read the answer's options into l; false if it is not a DHCP answer. */
static int parse(const struct dhcp_msg *m, size_t len, struct lease *l)
{
	const uint8_t *o = m->options, *end = (const uint8_t *)m + len;

	memset(l, 0, sizeof(*l));
	if (len < offsetof(struct dhcp_msg, options) || m->op != 2 ||
	    ntohl(m->magic) != MAGIC)
		return 0;
	l->addr = m->yiaddr;
	while (o < end && *o != OPT_END) {
		uint8_t code = *o++, n;

		if (code == OPT_PAD)
			continue;
		if (o >= end || o + 1 + *o > end)
			break; /* an option running off the end */
		n = *o++;
		if (code == OPT_MSG_TYPE && n >= 1)
			l->type = o[0];
		else if (code == OPT_SUBNET && n >= 4)
			memcpy(&l->mask, o, 4);
		else if (code == OPT_ROUTER && n >= 4)
			memcpy(&l->router, o, 4);
		else if (code == OPT_DNS && n >= 4)
			memcpy(&l->dns, o, 4);
		else if (code == OPT_SERVER_ID && n >= 4)
			memcpy(&l->server, o, 4);
		else if (code == OPT_LEASE && n >= 4) {
			memcpy(&l->seconds, o, 4);
			l->seconds = ntohl(l->seconds);
		}
		o += n;
	}
	return l->type != 0;
}

/* Broadcast m, and wait for an answer of type want to xid (tries times,
 * 2 s each): 0 with *l filled in, or -1. */
static int exchange(int fd, const struct dhcp_msg *m, uint32_t xid, int want,
		    int tries, struct lease *l)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(SERVER_PORT),
				  .sin_addr.s_addr = INADDR_BROADCAST };
	static struct dhcp_msg answer;

	for (int i = 0; i < tries; i++) {
		if (sendto(fd, m, sizeof(*m), 0, (struct sockaddr *)&to,
			   sizeof(to)) < 0) {
			perror("dhcp: sendto");
			return -1;
		}
		for (;;) {
			ssize_t n = recv(fd, &answer, sizeof(answer), 0);

			if (n < 0)
				break; /* timed out: send again */
			if (answer.xid != xid || !parse(&answer, (size_t)n, l))
				continue;
			if (l->type == want || l->type == DHCPNAK)
				return l->type == want ? 0 : -1;
		}
	}
	return -1;
}

static int set_addr(int fd, const char *ifname, unsigned long req,
		    uint32_t addr)
{
	struct ifreq r;
	struct sockaddr_in *sin = (struct sockaddr_in *)&r.ifr_addr;

	memset(&r, 0, sizeof(r));
	snprintf(r.ifr_name, sizeof(r.ifr_name), "%s", ifname);
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = addr;
	return ioctl(fd, req, &r);
}

static int default_route(int fd, const char *ifname, uint32_t gw)
{
	struct rtentry rt, old;
	struct sockaddr_in sin = { .sin_family = AF_INET };

	memset(&rt, 0, sizeof(rt));
	memcpy(&rt.rt_dst, &sin, sizeof(sin));
	memcpy(&rt.rt_genmask, &sin, sizeof(sin));
	sin.sin_addr.s_addr = gw;
	memcpy(&rt.rt_gateway, &sin, sizeof(sin));
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	rt.rt_dev = (char *)ifname;
	if (ioctl(fd, SIOCADDRT, &rt) == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	/* A default route is there already (through any gateway): it
	 * makes way for ours. */
	old = rt;
	old.rt_flags = RTF_UP;
	ioctl(fd, SIOCDELRT, &old);
	return ioctl(fd, SIOCADDRT, &rt);
}

static int prefix_of(uint32_t mask)
{
	return __builtin_popcount(mask);
}

static const char *dotted(uint32_t addr, char *buf)
{
	struct in_addr a = { .s_addr = addr };

	return strcpy(buf, inet_ntoa(a));
}

int main(int argc, char **argv)
{
	const char *ifname = "eth0";
	int opt, tries = 5, dry = 0, fd, one = 1;
	struct timeval tv = { 2, 0 };
	struct sockaddr_in me = { .sin_family = AF_INET,
				  .sin_port = htons(CLIENT_PORT) };
	struct lease offer, ack;
	struct dhcp_msg m;
	struct ifreq r;
	uint32_t xid;
	char a[16], g[16], d[16];

	while ((opt = getopt(argc, argv, "nt:")) != -1) {
		switch (opt) {
		case 'n':
			dry = 1;
			break;
		case 't':
			tries = atoi(optarg);
			break;
		default:
			usage("[-n] [-t tries] [interface]");
		}
	}
	if (optind < argc)
		ifname = argv[optind];
	if (optind + 1 < argc || tries < 1)
		usage("[-n] [-t tries] [interface]");
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		perror("dhcp: socket");
		return 1;
	}
	memset(&r, 0, sizeof(r));
	snprintf(r.ifr_name, sizeof(r.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &r) < 0) {
		fprintf(stderr, "dhcp: %s: %s\n", ifname, strerror(errno));
		return 1;
	}
	if (bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
		perror("dhcp: bind");
		return 1;
	}
	srand((unsigned int)time(NULL) ^ (unsigned int)getpid());
	xid = (uint32_t)rand();
	m = request_for(DHCPDISCOVER, (uint8_t *)r.ifr_hwaddr.sa_data, xid,
			NULL);
	if (exchange(fd, &m, xid, DHCPOFFER, tries, &offer) < 0) {
		fprintf(stderr, "dhcp: %s: no offer\n", ifname);
		return 1;
	}
	m = request_for(DHCPREQUEST, (uint8_t *)r.ifr_hwaddr.sa_data, xid,
			&offer);
	if (exchange(fd, &m, xid, DHCPACK, tries, &ack) < 0) {
		fprintf(stderr, "dhcp: %s: no ACK for %s\n", ifname,
			dotted(offer.addr, a));
		return 1;
	}
	if (!ack.mask)
		ack.mask = htonl(0xffffff00);
	if (!dry &&
	    (set_addr(fd, ifname, SIOCSIFADDR, ack.addr) < 0 ||
	     set_addr(fd, ifname, SIOCSIFNETMASK, ack.mask) < 0 ||
	     (ack.router && default_route(fd, ifname, ack.router) < 0))) {
		fprintf(stderr, "dhcp: configuring %s: %s\n", ifname,
			strerror(errno));
		return 1;
	}
	printf("dhcp: %s %s/%d gateway %s dns %s lease %u s\n", ifname,
	       dotted(ack.addr, a), prefix_of(ack.mask), dotted(ack.router, g),
	       dotted(ack.dns, d), ack.seconds);
	close(fd);
	return 0;
}
