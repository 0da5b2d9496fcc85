/*
 * Network devices: the list of them (lo first, then the cards in the
 * order their drivers found them), the loopback device, addresses and
 * flags, the statistics, and the door received frames come in by.
 *
 * The list only grows, at boot, before anything else may walk it, so
 * walkers take no lock. A device's address, netmask and flags change
 * under its own lock (an ioctl may set them while a packet is checked
 * against them); its statistics and the protocol counters are atomic
 * adds, since they are bumped on every packet from any CPU. docs/net.md.
 */
#include "net/tcp.h"

struct net_counters net_counters;

static struct netdev *devices, **devices_tail = &devices;
static int next_index = 1;
static struct netdev loopback;

void netdev_stat_add(uint64_t *counter, uint64_t n)
{
	__atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

void netdev_register(struct netdev *dev)
{
	ksnprintf(dev->lock_name, sizeof(dev->lock_name), "netdev %s",
		  dev->name);
	spin_init(&dev->lock, dev->lock_name);
	dev->index = next_index++;
	dev->next = NULL;
	*devices_tail = dev;
	devices_tail = &dev->next;
}

struct netdev *netdev_first(void)
{
	return devices;
}

struct netdev *netdev_loopback(void)
{
	return &loopback;
}

struct netdev *netdev_find(const char *name)
{
	for (struct netdev *d = devices; d; d = d->next)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

void netdev_get_addr(struct netdev *dev, uint32_t *addr, uint32_t *netmask)
{
	spin_lock(&dev->lock);
	*addr = dev->addr;
	if (netmask)
		*netmask = dev->netmask;
	spin_unlock(&dev->lock);
}

struct netdev *netdev_by_addr(uint32_t addr)
{
	uint32_t a;

	if (addr == IPV4_ANY)
		return NULL;
	for (struct netdev *d = devices; d; d = d->next) {
		netdev_get_addr(d, &a, NULL);
		if (a == addr)
			return d;
	}
	return NULL;
}

void netdev_receive(struct netdev *dev, struct pbuf *p)
{
	unsigned int flags;

	netdev_stat_add(&dev->stats.rx_packets, 1);
	netdev_stat_add(&dev->stats.rx_bytes, p->len);
	spin_lock(&dev->lock);
	flags = dev->flags;
	spin_unlock(&dev->lock);
	if (!(flags & IFF_UP)) {
		netdev_stat_add(&dev->stats.rx_dropped, 1);
		pbuf_free(p);
		return;
	}
	p->dev = dev;
	if (trace_on(TP_NET_RX))
		ether_trace_frame(TP_NET_RX, dev, p);
	ether_input(dev, p);
}

int netdev_set_addr(struct netdev *dev, uint32_t addr, uint32_t netmask)
{
	uint32_t old_addr, old_mask;
	int err = 0;

	spin_lock(&dev->lock);
	old_addr = dev->addr;
	old_mask = dev->netmask;
	dev->addr = addr;
	dev->netmask = netmask;
	spin_unlock(&dev->lock);
	if (old_addr)
		ipv4_route_del(old_addr & old_mask, old_mask, 0, dev);
	if (addr)
		err = ipv4_route_add(addr & netmask, netmask, 0, dev);
	if (addr && !(dev->flags & IFF_LOOPBACK))
		arp_announce(dev, addr);
	return err;
}

void netdev_set_flags(struct netdev *dev, unsigned int flags)
{
	spin_lock(&dev->lock);
	dev->flags = (dev->flags & ~IFF_UP) | (flags & IFF_UP);
	spin_unlock(&dev->lock);
}

/* ---- lo ------------------------------------------------------------------ */

/* What lo sends it receives, on the sender's stack, before the send
 * returns. But not inside another delivery: a TCP segment's answer goes
 * out on lo while the segment is still being taken in, and its answer
 * in turn, so a chain of them would grow the stack without end. So one
 * caller at a time delivers ("draining"), and whatever is sent on lo
 * meanwhile, by it or by another CPU, waits in the queue for its turn. */
static struct spinlock lo_lock = SPINLOCK_INIT("lo queue");
static struct pbuf *lo_head, *lo_tail; /* lo_lock */
static bool lo_draining;               /* lo_lock */

static void loopback_transmit(struct netdev *dev, struct pbuf *p)
{
	netdev_stat_add(&dev->stats.tx_packets, 1);
	netdev_stat_add(&dev->stats.tx_bytes, p->len);
	p->next = NULL;
	spin_lock(&lo_lock);
	if (lo_tail)
		lo_tail->next = p;
	else
		lo_head = p;
	lo_tail = p;
	if (lo_draining) {
		spin_unlock(&lo_lock);
		return;
	}
	lo_draining = true;
	while ((p = lo_head)) {
		lo_head = p->next;
		if (!lo_head)
			lo_tail = NULL;
		p->next = NULL;
		spin_unlock(&lo_lock);
		netdev_receive(dev, p);
		spin_lock(&lo_lock);
	}
	lo_draining = false;
	spin_unlock(&lo_lock);
}

static const struct netdev_ops loopback_ops = {
	.transmit = loopback_transmit,
};

void net_init(void)
{
	strlcpy(loopback.name, "lo", sizeof(loopback.name));
	loopback.mtu = ETH_MTU; /* Linux's is 65536; ours tests fragments */
	loopback.ops = &loopback_ops;
	loopback.flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
	netdev_register(&loopback);
	netdev_set_addr(&loopback, IPV4_LOOPBACK, IPV4(255, 0, 0, 0));
	tcp_init();
	ipv4_frag_start();
}

/* ---- the command line ---------------------------------------------------- */

/* "a.b.c.d" at s: the address in network order and where it ends, or
 * false. */
static bool parse_ipv4(const char *s, uint32_t *addr, const char **end)
{
	uint32_t a = 0;

	for (int i = 0; i < 4; i++) {
		const char *e;
		unsigned long v = kstrtoul(s, &e, 10);

		if (e == s || v > 255 || (i < 3 && *e != '.'))
			return false;
		a = a << 8 | (uint32_t)v;
		s = i < 3 ? e + 1 : e;
	}
	*addr = htonl(a);
	*end = s;
	return true;
}

static uint32_t prefix_to_mask(unsigned long prefix)
{
	return prefix == 0 ? 0 : htonl(~0u << (32 - prefix));
}

/* net.ip=ADDR/PREFIX (default 10.0.2.15/24, QEMU's user network) and
 * net.gw=ADDR (default 10.0.2.2) for eth0; net.ip=none leaves it
 * unconfigured. DHCP is to come. */
void net_configure(void)
{
	struct netdev *eth0 = netdev_find("eth0");
	char ip[32] = "10.0.2.15/24", gw[32] = "10.0.2.2";
	uint32_t addr, gateway;
	unsigned long prefix;
	const char *end;
	char opt[32];

	if (!eth0)
		return;
	if (cmdline_option("net.ip", opt, sizeof(opt)) == 0)
		strlcpy(ip, opt, sizeof(ip));
	if (cmdline_option("net.gw", opt, sizeof(opt)) == 0)
		strlcpy(gw, opt, sizeof(gw));
	if (strcmp(ip, "none") == 0) {
		kprintf("net: eth0 not configured (net.ip=none)\n");
		return;
	}
	if (!parse_ipv4(ip, &addr, &end) || *end != '/' ||
	    (prefix = kstrtoul(end + 1, &end, 10)) > 32 || *end) {
		kprintf("net: net.ip=%s: not ADDR/PREFIX; eth0 not "
			"configured\n",
			ip);
		return;
	}
	netdev_set_addr(eth0, addr, prefix_to_mask(prefix));
	if (strcmp(gw, "none") != 0) {
		if (!parse_ipv4(gw, &gateway, &end) || *end)
			kprintf("net: net.gw=%s: not an address\n", gw);
		else
			ipv4_route_add(IPV4_ANY, 0, gateway, eth0);
	}
	kprintf("net: eth0 %s, gateway %s\n", ip, gw);
}
