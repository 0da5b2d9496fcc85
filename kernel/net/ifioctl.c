/*
 * The interface requests a socket answers, Linux's SIOC[GS]IF* ioctls:
 * what ifconfig uses to list the interfaces (SIOCGIFCONF), and to read
 * and set one's flags, address, netmask, MTU, index and hardware
 * address, each through a struct ifreq naming the interface; the route
 * requests (SIOCADDRT, SIOCDELRT) are passed on to route.c. The
 * changes go through netdev.c, which holds each device's lock.
 * docs/net.md.
 */
#include "mm/mm.h"
#include "net/net_internal.h"
#include "syscall.h"

/* Linux's values (include/uapi/linux/sockios.h, if_arp.h). */
#define SIOCGIFCONF 0x8912
#define SIOCGIFFLAGS 0x8913
#define SIOCSIFFLAGS 0x8914
#define SIOCGIFADDR 0x8915
#define SIOCSIFADDR 0x8916
#define SIOCGIFNETMASK 0x891b
#define SIOCSIFNETMASK 0x891c
#define SIOCGIFMTU 0x8921
#define SIOCGIFHWADDR 0x8927
#define SIOCGIFINDEX 0x8933
#define ARPHRD_ETHER 1
#define ARPHRD_LOOPBACK 772

/* Linux's struct ifreq: a name and a 24-byte union. */
struct ifreq {
	char name[IFNAMSIZ];
	union {
		struct sockaddr_in addr;
		struct {
			uint16_t family;
			uint8_t data[14];
		} hwaddr;
		int16_t flags;
		int32_t ivalue;
		/* cppcheck-suppress unusedStructMember ; Linux's size */
		uint8_t pad[24];
	};
};

struct ifconf {
	int32_t len;
	/* cppcheck-suppress unusedStructMember ; Linux's layout */
	int32_t pad;
	uint64_t buf; /* a user address */
};

static long list_interfaces(uaddr_t arg)
{
	struct ifconf ifc;
	struct ifreq r;
	int32_t used = 0;

	if (copy_from_user(&ifc, arg, sizeof(ifc)))
		return -EFAULT;
	for (struct netdev *d = netdev_first(); d; d = d->next) {
		if (ifc.buf && used + (int32_t)sizeof(r) > ifc.len)
			break;
		if (ifc.buf) {
			memset(&r, 0, sizeof(r));
			strlcpy(r.name, d->name, sizeof(r.name));
			r.addr.family = AF_INET;
			netdev_get_addr(d, &r.addr.addr, NULL);
			if (copy_to_user(ifc.buf + (uint64_t)used, &r,
					 sizeof(r)))
				return -EFAULT;
		}
		used += sizeof(r);
	}
	ifc.len = used;
	return copy_to_user(arg, &ifc, sizeof(ifc)) ? -EFAULT : 0;
}

/* The SIOC[GS]IF* interface requests: ifconfig's. */
static long interface_request(unsigned int cmd, uaddr_t arg)
{
	struct netdev *dev;
	struct ifreq r;
	uint32_t addr, mask;

	if (copy_from_user(&r, arg, sizeof(r)))
		return -EFAULT;
	r.name[IFNAMSIZ - 1] = 0;
	dev = netdev_find(r.name);
	if (!dev)
		return -ENODEV;
	netdev_get_addr(dev, &addr, &mask);
	switch (cmd) {
	case SIOCGIFFLAGS:
		spin_lock(&dev->lock);
		r.flags = (int16_t)dev->flags;
		spin_unlock(&dev->lock);
		break;
	case SIOCSIFFLAGS:
		netdev_set_flags(dev, (uint16_t)r.flags);
		return 0;
	case SIOCGIFADDR:
	case SIOCGIFNETMASK:
		memset(&r.addr, 0, sizeof(r.addr));
		r.addr.family = AF_INET;
		r.addr.addr = cmd == SIOCGIFADDR ? addr : mask;
		break;
	case SIOCSIFADDR:
	case SIOCSIFNETMASK:
		if (r.addr.family != AF_INET)
			return -EINVAL;
		if (cmd == SIOCSIFADDR)
			/* Linux gives a new address its class's mask; we
			 * keep a /24 unless one was set before. */
			return netdev_set_addr(dev, r.addr.addr,
					       mask ? mask
						    : IPV4(255, 255, 255, 0));
		return netdev_set_addr(dev, addr, r.addr.addr);
	case SIOCGIFMTU:
		r.ivalue = (int32_t)dev->mtu;
		break;
	case SIOCGIFINDEX:
		r.ivalue = dev->index;
		break;
	case SIOCGIFHWADDR:
		memset(&r.hwaddr, 0, sizeof(r.hwaddr));
		r.hwaddr.family = dev->flags & IFF_LOOPBACK ? ARPHRD_LOOPBACK
							    : ARPHRD_ETHER;
		memcpy(r.hwaddr.data, dev->mac, ETH_ALEN);
		break;
	default:
		return -ENOTTY;
	}
	return copy_to_user(arg, &r, sizeof(r)) ? -EFAULT : 0;
}

long netdev_ioctl(unsigned int cmd, uaddr_t arg)
{
	long err;

	if (cmd == SIOCGIFCONF)
		return list_interfaces(arg);
	err = ipv4_route_ioctl(cmd, arg); /* route.c: SIOCADDRT, SIOCDELRT */
	if (err != -ENOTTY)
		return err;
	return interface_request(cmd, arg);
}
