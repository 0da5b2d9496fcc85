/*
 * The IPv4 routing table: where a packet to an address goes. A handful of
 * entries (ROUTES_MAX), each a destination network (dest/mask), a
 * gateway (0: the destination is on the link) and a device, searched for
 * the longest matching prefix:
 *
 *   dest        mask            gateway    dev
 *   127.0.0.0   255.0.0.0       -          lo     (lo's address)
 *   10.0.2.0    255.255.255.0   -          eth0   (eth0's address)
 *   0.0.0.0     0.0.0.0         10.0.2.2   eth0   (net.gw=, route add default)
 *
 * The limited broadcast, 255.255.255.255, goes out on the first card
 * (a DHCP client's DISCOVER, before any address or route).
 * A device's address adds its subnet's route (netdev_set_addr); net.gw=
 * and Linux's SIOCADDRT/SIOCDELRT ioctls (struct rtentry: route add/del,
 * busybox's too) add and remove the others; /proc/net/route lists them
 * (procnet.c). Everything here is under the "routes" lock, which is
 * taken alone. docs/net.md, "Routes".
 */
#include "net/net_internal.h"
#include "syscall.h"

/* Linux's values (include/uapi/linux/sockios.h, route.h). */
#define SIOCADDRT 0x890b
#define SIOCDELRT 0x890c
#define RTF_UP 0x0001
#define RTF_GATEWAY 0x0002
#define RTF_HOST 0x0004

struct route {
	bool used;
	struct route_info r;
};

static struct spinlock routes_lock = SPINLOCK_INIT("routes");
static struct route routes[ROUTES_MAX]; /* routes_lock */

int ipv4_route_add(uint32_t dest, uint32_t mask, uint32_t gateway,
		   struct netdev *dev)
{
	int err = -ENOSPC;

	spin_lock(&routes_lock);
	for (int i = 0; i < ROUTES_MAX; i++) {
		if (routes[i].used && routes[i].r.dest == (dest & mask) &&
		    routes[i].r.mask == mask) {
			err = -EEXIST;
			break;
		}
	}
	for (int i = 0; i < ROUTES_MAX && err == -ENOSPC; i++) {
		if (!routes[i].used) {
			routes[i] = (struct route){
				true, { dest & mask, mask, gateway, dev }
			};
			err = 0;
		}
	}
	spin_unlock(&routes_lock);
	return err;
}

int ipv4_route_del(uint32_t dest, uint32_t mask, uint32_t gateway,
		   const struct netdev *dev)
{
	int err = -ESRCH;

	spin_lock(&routes_lock);
	for (int i = 0; i < ROUTES_MAX; i++) {
		const struct route_info *r = &routes[i].r;

		if (routes[i].used && r->dest == dest && r->mask == mask &&
		    (!dev || r->dev == dev) &&
		    (!gateway || r->gateway == gateway)) {
			routes[i].used = false;
			err = 0;
		}
	}
	spin_unlock(&routes_lock);
	return err;
}

/* The first device that is up and not lo, for 255.255.255.255. */
static bool broadcast_device(struct netdev **dev, uint32_t *next_hop)
{
	for (struct netdev *d = netdev_first(); d; d = d->next) {
		unsigned int flags;

		spin_lock(&d->lock);
		flags = d->flags;
		spin_unlock(&d->lock);
		if ((flags & IFF_UP) && !(flags & IFF_LOOPBACK)) {
			*dev = d;
			*next_hop = IPV4_BROADCAST;
			return true;
		}
	}
	return false;
}

bool ipv4_route(uint32_t dst, struct netdev **dev, uint32_t *next_hop)
{
	const struct route_info *best = NULL;

	/* Our own addresses go through lo, as on Linux. */
	if (netdev_by_addr(dst)) {
		*dev = netdev_loopback();
		*next_hop = dst;
		return true;
	}
	/* The limited broadcast goes out on the first card, route or not:
	 * a DHCP client has no address and no route yet. */
	if (dst == IPV4_BROADCAST)
		return broadcast_device(dev, next_hop);
	spin_lock(&routes_lock);
	for (int i = 0; i < ROUTES_MAX; i++) {
		const struct route_info *r = &routes[i].r;

		if (routes[i].used && (dst & r->mask) == r->dest &&
		    (!best || ntohl(r->mask) > ntohl(best->mask)))
			best = r;
	}
	if (best) {
		*dev = best->dev;
		*next_hop = best->gateway ? best->gateway : dst;
	}
	spin_unlock(&routes_lock);
	return best != NULL;
}

unsigned int ipv4_route_list(struct route_info *out, unsigned int max)
{
	unsigned int n = 0;

	spin_lock(&routes_lock);
	for (int i = 0; i < ROUTES_MAX && n < max; i++)
		if (routes[i].used)
			out[n++] = routes[i].r;
	spin_unlock(&routes_lock);
	/* Insertion sort by destination, then longer prefixes first. */
	for (unsigned int i = 1; i < n; i++) {
		struct route_info r = out[i];
		unsigned int j = i;

		while (j > 0 && (ntohl(out[j - 1].dest) > ntohl(r.dest) ||
				 (out[j - 1].dest == r.dest &&
				  ntohl(out[j - 1].mask) < ntohl(r.mask)))) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = r;
	}
	return n;
}

/* ---- SIOCADDRT and SIOCDELRT --------------------------------------------- */

/* Linux's struct sockaddr, and struct rtentry as x86-64 lays it out. */
struct sockaddr_any {
	uint16_t family;
	/* cppcheck-suppress unusedStructMember ; Linux's layout */
	uint8_t data[14];
};

struct rtentry {
	/* cppcheck-suppress unusedStructMember ; Linux's layout */
	uint64_t pad1;
	struct sockaddr_any dst, gateway, genmask;
	uint16_t flags; /* RTF_* */
	/* cppcheck-suppress unusedStructMember ; Linux's layout */
	int16_t pad2;
	/* cppcheck-suppress unusedStructMember ; Linux's layout */
	uint64_t pad3, pad4;
	/* cppcheck-suppress unusedStructMember ; Linux's layout */
	int16_t metric;
	uint64_t dev; /* a user pointer to the interface's name, or 0 */
	/* cppcheck-suppress unusedStructMember ; Linux's layout */
	uint64_t mtu, window;
	/* cppcheck-suppress unusedStructMember ; Linux's layout */
	uint16_t irtt;
};

static uint32_t address_of(const struct sockaddr_any *sa)
{
	return ((const struct sockaddr_in *)sa)->addr;
}

/* Is mask a run of ones then zeros, covering every bit addr has? */
static bool mask_ok(uint32_t addr, uint32_t mask)
{
	uint32_t m = ntohl(mask);

	return (addr & ~mask) == 0 && (m & (~m >> 1)) == 0;
}

/* The route rt asks for, checked as Linux's rtentry_to_fib_config
 * checks it. */
static int route_from_rtentry(const struct rtentry *rt, struct route_info *r)
{
	if (rt->dst.family != AF_INET)
		return -EAFNOSUPPORT;
	r->dest = address_of(&rt->dst);
	if (rt->flags & RTF_HOST) {
		r->mask = IPV4_BROADCAST;
	} else if (rt->genmask.family == AF_INET) {
		r->mask = address_of(&rt->genmask);
	} else {
		if (r->dest || rt->genmask.family != 0)
			return -EAFNOSUPPORT;
		r->mask = 0;
	}
	if (!mask_ok(r->dest, r->mask))
		return -EINVAL;
	r->gateway = 0;
	if ((rt->flags & RTF_GATEWAY) && rt->gateway.family == AF_INET)
		r->gateway = address_of(&rt->gateway);
	return 0;
}

/* The device rt names, or the one its gateway is reached through. */
static int route_device(const struct rtentry *rt, struct route_info *r,
			bool adding)
{
	uint32_t next_hop;

	r->dev = NULL;
	if (rt->dev) {
		char name[IFNAMSIZ];
		long n = strncpy_from_user(name, rt->dev, sizeof(name));
		if (n < 0)
			return n == -ENAMETOOLONG ? -ENODEV : (int)n;
		r->dev = netdev_find(name);
		if (!r->dev)
			return -ENODEV;
	}
	if (!adding)
		return 0;
	if (r->gateway) {
		struct netdev *via;

		/* Linux: the gateway must be on a link we have. */
		if (!ipv4_route(r->gateway, &via, &next_hop) ||
		    next_hop != r->gateway || (r->dev && via != r->dev))
			return -ENETUNREACH;
		r->dev = via;
	}
	return r->dev ? 0 : -ENODEV;
}

long ipv4_route_ioctl(unsigned int cmd, uaddr_t arg)
{
	struct route_info r;
	struct rtentry rt;
	int err;

	if (cmd != SIOCADDRT && cmd != SIOCDELRT)
		return -ENOTTY;
	if (copy_from_user(&rt, arg, sizeof(rt)))
		return -EFAULT;
	err = route_from_rtentry(&rt, &r);
	if (!err)
		err = route_device(&rt, &r, cmd == SIOCADDRT);
	if (err)
		return err;
	if (cmd == SIOCADDRT)
		return ipv4_route_add(r.dest, r.mask, r.gateway, r.dev);
	return ipv4_route_del(r.dest, r.mask, r.gateway, r.dev);
}
