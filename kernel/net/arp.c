/*
 * ARP (RFC 826): which MAC address an IPv4 address on the local network
 * has. A small cache of ARP_CACHE_SIZE entries, each
 *
 *   free ──output to a new address──> pending ──reply or request from it──> resolved
 *                                       │  (packets wait here, up to          │
 *                                       │   ARP_QUEUE_MAX; a request           │ ARP_TIMEOUT_NS
 *                                       │   each ARP_RETRY_NS)                 ▼
 *                                       └── ARP_RESOLVE_NS without answer: the waiting
 *                                           packets are dropped (counted), and the
 *                                           next packet starts over
 *
 * There is no timer: an entry's age is checked whenever it is used, so an
 * unanswered entry keeps its few packets until the next packet to that
 * address (or the entry is reused). When the cache is full, the entry
 * closest to expiring is reused.
 *
 * All of it is under the "arp cache" lock, which is never held while a
 * frame is sent or freed: packets released by a reply are unlinked under
 * the lock and sent after it is dropped.
 */
#include "arch/x86_64/arch.h"
#include "net/net_internal.h"

#define ARP_HTYPE_ETHERNET 1
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2

struct arp_packet {
	uint16_t htype; /* 1: Ethernet */
	uint16_t ptype; /* ETHERTYPE_IPV4 */
	uint8_t hlen;   /* 6 */
	uint8_t plen;   /* 4 */
	uint16_t op;
	uint8_t sender_mac[ETH_ALEN];
	uint32_t sender_ip;
	uint8_t target_mac[ETH_ALEN];
	uint32_t target_ip;
} __packed;

enum arp_state { ARP_FREE, ARP_PENDING, ARP_RESOLVED };

struct arp_entry {
	enum arp_state state;
	uint32_t addr;
	uint8_t mac[ETH_ALEN];
	struct netdev *dev;
	uint64_t deadline;     /* resolved: expiry; pending: give up */
	uint64_t last_request; /* pending: when we last asked */
	struct pbuf *queue;    /* pending: packets waiting, oldest first */
	unsigned int queued;
};

static struct spinlock arp_lock = SPINLOCK_INIT("arp cache");
static struct arp_entry cache[ARP_CACHE_SIZE]; /* arp_lock */

/* Caller holds arp_lock. */
static struct arp_entry *find(uint32_t addr)
{
	for (int i = 0; i < ARP_CACHE_SIZE; i++)
		if (cache[i].state != ARP_FREE && cache[i].addr == addr)
			return &cache[i];
	return NULL;
}

/* Caller holds arp_lock: empty e, moving its packets to *dropped. */
static void clear(struct arp_entry *e, struct pbuf **dropped)
{
	while (e->queue) {
		struct pbuf *p = e->queue;

		e->queue = p->next;
		p->next = *dropped;
		*dropped = p;
		net_count(arp_queue_dropped);
	}
	e->queued = 0;
	e->state = ARP_FREE;
}

/* Caller holds arp_lock: a free entry, or the one closest to its
 * deadline, emptied. */
static struct arp_entry *take_entry(struct pbuf **dropped)
{
	struct arp_entry *victim = &cache[0];

	for (int i = 0; i < ARP_CACHE_SIZE; i++) {
		if (cache[i].state == ARP_FREE)
			return &cache[i];
		if (cache[i].deadline < victim->deadline)
			victim = &cache[i];
	}
	clear(victim, dropped);
	return victim;
}

static void free_list(struct pbuf *p)
{
	while (p) {
		struct pbuf *next = p->next;

		pbuf_free(p);
		p = next;
	}
}

static void send_arp(struct netdev *dev, uint16_t op, uint32_t sender_ip,
		     const uint8_t *target_mac, uint32_t target_ip)
{
	struct pbuf *p = pbuf_alloc(sizeof(struct arp_packet));
	struct arp_packet *a;

	if (!p)
		return;
	a = (struct arp_packet *)p->data;
	a->htype = htons(ARP_HTYPE_ETHERNET);
	a->ptype = htons(ETHERTYPE_IPV4);
	a->hlen = ETH_ALEN;
	a->plen = 4;
	a->op = htons(op);
	memcpy(a->sender_mac, dev->mac, ETH_ALEN);
	a->sender_ip = sender_ip;
	memcpy(a->target_mac, target_mac, ETH_ALEN);
	a->target_ip = target_ip;
	ether_send(dev, p, op == ARP_OP_REQUEST ? eth_broadcast : target_mac,
		   ETHERTYPE_ARP);
}

void arp_announce(struct netdev *dev, uint32_t addr)
{
	static const uint8_t zero[ETH_ALEN];

	send_arp(dev, ARP_OP_REQUEST, addr, zero, addr);
}

/* Is addr the broadcast address of dev's network (or all ones)? */
static bool is_broadcast(struct netdev *dev, uint32_t addr)
{
	uint32_t a, mask;

	netdev_get_addr(dev, &a, &mask);
	return addr == IPV4_BROADCAST || (mask && addr == (a | ~mask));
}

void arp_output(struct netdev *dev, struct pbuf *p, uint32_t next_hop)
{
	static const uint8_t zero[ETH_ALEN];
	struct pbuf *dropped = NULL;
	struct arp_entry *e;
	uint8_t mac[ETH_ALEN];
	bool ask = false, known = false;
	uint64_t now = time_ns();
	uint32_t src;

	if (dev->flags & IFF_LOOPBACK) {
		ether_send(dev, p, zero, ETHERTYPE_IPV4);
		return;
	}
	if (is_broadcast(dev, next_hop)) {
		ether_send(dev, p, eth_broadcast, ETHERTYPE_IPV4);
		return;
	}
	spin_lock(&arp_lock);
	e = find(next_hop);
	if (e && e->state == ARP_RESOLVED && now >= e->deadline)
		clear(e, &dropped);
	if (e && e->state == ARP_PENDING && now >= e->deadline)
		clear(e, &dropped); /* no answer: start over */
	if (!e || e->state == ARP_FREE) {
		e = e ? e : take_entry(&dropped);
		e->state = ARP_PENDING;
		e->addr = next_hop;
		e->dev = dev;
		e->deadline = now + ARP_RESOLVE_NS;
		e->last_request = 0;
		e->queue = NULL;
		e->queued = 0;
	}
	if (e->state == ARP_RESOLVED) {
		memcpy(mac, e->mac, ETH_ALEN);
		known = true;
	} else if (e->queued >= ARP_QUEUE_MAX) {
		p->next = dropped;
		dropped = p;
		net_count(arp_queue_dropped);
	} else {
		struct pbuf **tail = &e->queue;

		while (*tail)
			tail = &(*tail)->next;
		p->next = NULL;
		*tail = p;
		e->queued++;
	}
	if (!known &&
	    (e->last_request == 0 || now - e->last_request >= ARP_RETRY_NS)) {
		e->last_request = now;
		ask = true;
	}
	spin_unlock(&arp_lock);
	free_list(dropped);
	if (known) {
		ether_send(dev, p, mac, ETHERTYPE_IPV4);
	} else if (ask) {
		netdev_get_addr(dev, &src, NULL);
		send_arp(dev, ARP_OP_REQUEST, src, zero, next_hop);
	}
}

/* Learn sender's MAC (RFC 826's merge: update an entry we have; add one
 * if the packet is for us) and return the packets that waited for it. */
static struct pbuf *learn(struct netdev *dev, uint32_t ip, const uint8_t *mac,
			  bool for_us)
{
	struct pbuf *waiting = NULL, *dropped = NULL;
	struct arp_entry *e;

	spin_lock(&arp_lock);
	e = find(ip);
	if (!e && for_us)
		e = take_entry(&dropped);
	if (e) {
		if (e->state == ARP_PENDING) {
			waiting = e->queue;
			e->queue = NULL;
			e->queued = 0;
		}
		e->state = ARP_RESOLVED;
		e->addr = ip;
		e->dev = dev;
		memcpy(e->mac, mac, ETH_ALEN);
		e->deadline = time_ns() + ARP_TIMEOUT_NS;
	}
	spin_unlock(&arp_lock);
	free_list(dropped);
	return waiting;
}

void arp_input(struct netdev *dev, struct pbuf *p)
{
	const struct arp_packet *a = (const struct arp_packet *)p->data;
	uint32_t our_addr, sender, target;
	uint8_t sender_mac[ETH_ALEN];
	struct pbuf *waiting;
	uint16_t op;

	if (p->len < sizeof(*a) || ntohs(a->htype) != ARP_HTYPE_ETHERNET ||
	    ntohs(a->ptype) != ETHERTYPE_IPV4 || a->hlen != ETH_ALEN ||
	    a->plen != 4 ||
	    (ntohs(a->op) != ARP_OP_REQUEST && ntohs(a->op) != ARP_OP_REPLY)) {
		net_count(arp_bad);
		netdev_stat_add(&dev->stats.rx_errors, 1);
		pbuf_free(p);
		return;
	}
	op = ntohs(a->op);
	sender = a->sender_ip;
	target = a->target_ip;
	memcpy(sender_mac, a->sender_mac, ETH_ALEN);
	pbuf_free(p);

	netdev_get_addr(dev, &our_addr, NULL);
	if (sender == IPV4_ANY || sender == our_addr)
		return; /* a probe, or our own announcement */
	waiting =
		learn(dev, sender, sender_mac, our_addr && target == our_addr);
	while (waiting) {
		struct pbuf *next = waiting->next;

		ether_send(dev, waiting, sender_mac, ETHERTYPE_IPV4);
		waiting = next;
	}
	if (op == ARP_OP_REQUEST && our_addr && target == our_addr) {
		net_count(arp_requests_answered);
		send_arp(dev, ARP_OP_REPLY, our_addr, sender_mac, sender);
	}
}

bool arp_lookup(uint32_t addr, uint8_t *mac)
{
	struct arp_entry *e;
	bool found = false;

	spin_lock(&arp_lock);
	e = find(addr);
	if (e && e->state == ARP_RESOLVED && time_ns() < e->deadline) {
		memcpy(mac, e->mac, ETH_ALEN);
		found = true;
	}
	spin_unlock(&arp_lock);
	return found;
}

unsigned int arp_list(struct arp_info *out, unsigned int max)
{
	unsigned int n = 0;

	spin_lock(&arp_lock);
	for (int i = 0; i < ARP_CACHE_SIZE && n < max; i++) {
		const struct arp_entry *e = &cache[i];

		if (e->state == ARP_FREE)
			continue;
		out[n].addr = e->addr;
		out[n].resolved = e->state == ARP_RESOLVED;
		memset(out[n].mac, 0, ETH_ALEN);
		if (out[n].resolved)
			memcpy(out[n].mac, e->mac, ETH_ALEN);
		out[n].dev = e->dev;
		n++;
	}
	spin_unlock(&arp_lock);
	return n;
}

unsigned int arp_count(void)
{
	unsigned int n = 0;

	spin_lock(&arp_lock);
	for (int i = 0; i < ARP_CACHE_SIZE; i++)
		n += cache[i].state != ARP_FREE;
	spin_unlock(&arp_lock);
	return n;
}

void arp_flush(void)
{
	struct pbuf *dropped = NULL;

	spin_lock(&arp_lock);
	for (int i = 0; i < ARP_CACHE_SIZE; i++)
		if (cache[i].state != ARP_FREE)
			clear(&cache[i], &dropped);
	spin_unlock(&arp_lock);
	free_list(dropped);
}
