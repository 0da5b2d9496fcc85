/*
 * ifconfig: show the network interfaces (names from SIOCGIFCONF, then
 * each one's flags, address, netmask, MAC and MTU by its SIOCGIF*
 * ioctl, in the format of Linux's net-tools ifconfig), or set one's
 * address and netmask:
 *
 *   ifconfig [interface]
 *   ifconfig interface address [netmask mask] [up|down]
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int fd;

static int request(unsigned long cmd, const char *name, struct ifreq *r)
{
	memset(r, 0, sizeof(*r));
	strncpy(r->ifr_name, name, IFNAMSIZ - 1);
	return ioctl(fd, cmd, r);
}

static const char *addr_of(struct sockaddr *sa)
{
	return inet_ntoa(((struct sockaddr_in *)sa)->sin_addr);
}

static int show(const char *name)
{
	static const struct {
		int bit;
		const char *name;
	} names[] = { { IFF_UP, "UP" },
		      { IFF_BROADCAST, "BROADCAST" },
		      { IFF_LOOPBACK, "LOOPBACK" },
		      { IFF_RUNNING, "RUNNING" } };
	struct ifreq r;
	const char *sep = "";
	int flags, mtu;

	if (request(SIOCGIFFLAGS, name, &r) < 0) {
		fprintf(stderr, "ifconfig: %s: ", name);
		perror("");
		return 1;
	}
	flags = r.ifr_flags;
	request(SIOCGIFMTU, name, &r);
	mtu = r.ifr_mtu;
	printf("%s: flags=%d<", name, flags);
	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (flags & names[i].bit) {
			printf("%s%s", sep, names[i].name);
			sep = ",";
		}
	}
	printf(">  mtu %d\n", mtu);
	if (request(SIOCGIFADDR, name, &r) == 0 &&
	    ((struct sockaddr_in *)&r.ifr_addr)->sin_addr.s_addr) {
		printf("        inet %s", addr_of(&r.ifr_addr));
		request(SIOCGIFNETMASK, name, &r);
		printf("  netmask %s\n", addr_of(&r.ifr_netmask));
	}
	if (request(SIOCGIFHWADDR, name, &r) == 0 && !(flags & IFF_LOOPBACK)) {
		const unsigned char *mac =
			(unsigned char *)r.ifr_hwaddr.sa_data;

		printf("        ether %02x:%02x:%02x:%02x:%02x:%02x\n", mac[0],
		       mac[1], mac[2], mac[3], mac[4], mac[5]);
	}
	printf("\n");
	return 0;
}

static int set(int argc, char **argv)
{
	struct ifreq r;
	struct sockaddr_in *sin = (struct sockaddr_in *)&r.ifr_addr;

	for (int i = 2; i < argc; i++) {
		const char *what = argv[i];

		if (strcmp(what, "up") == 0 || strcmp(what, "down") == 0) {
			request(SIOCGIFFLAGS, argv[1], &r);
			r.ifr_flags = what[0] == 'u' ? r.ifr_flags | IFF_UP
						     : r.ifr_flags & ~IFF_UP;
			if (ioctl(fd, SIOCSIFFLAGS, &r) < 0)
				goto fail;
			continue;
		}
		if (strcmp(what, "netmask") == 0 && i + 1 < argc)
			what = argv[++i];
		request(0, argv[1], &r);
		sin->sin_family = AF_INET;
		if (!inet_aton(what, &sin->sin_addr)) {
			fprintf(stderr, "ifconfig: %s: bad address\n", what);
			return 1;
		}
		if (ioctl(fd,
			  what == argv[i] && strcmp(argv[i - 1], "netmask")
				  ? SIOCSIFADDR
				  : SIOCSIFNETMASK,
			  &r) < 0)
			goto fail;
	}
	return 0;
fail:
	perror("ifconfig");
	return 1;
}

int main(int argc, char **argv)
{
	struct ifreq reqs[16];
	struct ifconf ifc = { .ifc_len = sizeof(reqs), .ifc_req = reqs };
	int status = 0;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("ifconfig: socket");
		return 1;
	}
	if (argc > 2)
		return set(argc, argv);
	if (argc == 2)
		return show(argv[1]);
	if (ioctl(fd, SIOCGIFCONF, &ifc) < 0) {
		perror("ifconfig: SIOCGIFCONF");
		return 1;
	}
	for (unsigned int i = 0; i < ifc.ifc_len / sizeof(reqs[0]); i++)
		status |= show(reqs[i].ifr_name);
	return status;
}
