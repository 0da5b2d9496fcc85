/*
 * route: show the IPv4 routing table (from /proc/net/route, always
 * numeric), or add and remove a route with Linux's SIOCADDRT and
 * SIOCDELRT ioctls (struct rtentry), as net-tools' and busybox's route
 * do. Runs on Linux too (adding a route there needs CAP_NET_ADMIN).
 *
 *   route [-n]
 *   route add|del [-net|-host] TARGET [netmask MASK] [gw GATEWAY] [dev IF]
 *
 * TARGET is an address or "default" (0.0.0.0/0); without a netmask a
 * -net route is a /32 unless TARGET is default, as in net-tools' route.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ulib.h"

#define SYNOPSIS                                                     \
	"[-n] | add|del [-net|-host] TARGET [netmask MASK] [gw GW] " \
	"[dev IF]"

/* /proc's hex (the number the address's bytes make here): dotted. */
static const char *dotted(unsigned int addr)
{
	struct in_addr a = { .s_addr = addr };

	return inet_ntoa(a);
}

static int show(void)
{
	FILE *f = fopen("/proc/net/route", "r");
	char line[256], iface[32];
	unsigned int dest, gw, flags, mask, refs, use;
	int metric;

	if (!f) {
		perror("route: /proc/net/route");
		return 1;
	}
	printf("Kernel IP routing table\n"
	       "Destination     Gateway         Genmask         Flags Metric "
	       "Ref    Use Iface\n");
	if (!fgets(line, sizeof(line), f)) { /* the heading */
		fclose(f);
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		char fl[4] = "", *p = fl;

		if (sscanf(line, "%31s %x %x %x %u %u %d %x", iface, &dest, &gw,
			   &flags, &refs, &use, &metric, &mask) != 8)
			continue;
		if (flags & RTF_UP)
			*p++ = 'U';
		if (flags & RTF_GATEWAY)
			*p++ = 'G';
		if (flags & RTF_HOST)
			*p++ = 'H';
		printf("%-15s ", dotted(dest));
		printf("%-15s ", dotted(gw));
		printf("%-15s %-5s %-6d %-3u %6u %s\n", dotted(mask), fl,
		       metric, refs, use, iface);
	}
	fclose(f);
	return 0;
}

static void put_addr(struct sockaddr *sa, in_addr_t addr)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_addr.s_addr = addr;
	memcpy(sa, &sin, sizeof(sin));
}

static int parse_addr(const char *s, in_addr_t *out)
{
	struct in_addr a;

	if (!inet_aton(s, &a)) {
		fprintf(stderr, "route: %s: not an IPv4 address\n", s);
		return -1;
	}
	*out = a.s_addr;
	return 0;
}

/* route add|del ...: argv[0] is "add" or "del". */
static int change(int argc, char **argv)
{
	struct rtentry rt;
	in_addr_t target, mask = INADDR_NONE, gw;
	int host = 0, i = 1, fd;
	unsigned long req = strcmp(argv[0], "add") == 0 ? SIOCADDRT : SIOCDELRT;

	memset(&rt, 0, sizeof(rt));
	if (i < argc &&
	    (strcmp(argv[i], "-net") == 0 || strcmp(argv[i], "-host") == 0))
		host = strcmp(argv[i++], "-host") == 0;
	if (i >= argc)
		usage(SYNOPSIS);
	if (strcmp(argv[i], "default") == 0) {
		target = INADDR_ANY;
		mask = INADDR_ANY;
	} else if (parse_addr(argv[i], &target)) {
		return 2;
	}
	for (i++; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "netmask") == 0) {
			if (parse_addr(argv[i + 1], &mask))
				return 2;
		} else if (strcmp(argv[i], "gw") == 0) {
			if (parse_addr(argv[i + 1], &gw))
				return 2;
			put_addr(&rt.rt_gateway, gw);
			rt.rt_flags |= RTF_GATEWAY;
		} else if (strcmp(argv[i], "dev") == 0) {
			rt.rt_dev = argv[i + 1];
		} else {
			usage(SYNOPSIS);
		}
	}
	if (i != argc)
		usage(SYNOPSIS);
	rt.rt_flags |= RTF_UP;
	if (host || mask == INADDR_NONE) {
		rt.rt_flags |= RTF_HOST;
		mask = INADDR_NONE;
	}
	put_addr(&rt.rt_dst, target);
	put_addr(&rt.rt_genmask, mask);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("route: socket");
		return 1;
	}
	if (ioctl(fd, req, &rt) < 0) {
		fprintf(stderr, "route: %s: %s\n",
			req == SIOCADDRT ? "SIOCADDRT" : "SIOCDELRT",
			strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 1 || (argc == 2 && strcmp(argv[1], "-n") == 0))
		return show();
	if (strcmp(argv[1], "add") == 0 || strcmp(argv[1], "del") == 0)
		return change(argc - 1, argv + 1);
	usage(SYNOPSIS);
}
