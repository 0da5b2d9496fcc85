/*
 * ktest suite net: the stack without a network card. Frames are built
 * here and fed to the receive path through lo (which sends what it is
 * given straight back in), or to ARP with a device of the test's own
 * whose "transmit" keeps what it is given; the checks are the protocol
 * counters and the number of live packet buffers, which must come back
 * to where it was. docs/net.md, "Testing".
 */
#include "arch/x86_64/arch.h"
#include "lib/ktest.h"
#include "net/net_internal.h"

/* RFC 1071 section 3's example, and an IPv4 header with its checksum
 * (0xb861) from the usual worked example. */
KTEST(net, checksum)
{
	static const uint8_t rfc1071[] = { 0x00, 0x01, 0xf2, 0x03,
					   0xf4, 0xf5, 0xf6, 0xf7 };
	static const uint8_t header[] = { 0x45, 0x00, 0x00, 0x73, 0x00,
					  0x00, 0x40, 0x00, 0x40, 0x11,
					  0xb8, 0x61, 0xc0, 0xa8, 0x00,
					  0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	uint8_t copy[sizeof(header)];
	static const uint8_t odd[] = { 0x01, 0x02, 0x03 };

	/* The sum is 0xddf2; the checksum its complement, 0x220d. */
	KT_ASSERT_EQ(ntohs(inet_checksum(rfc1071, sizeof(rfc1071), 0)), 0x220d);
	KT_ASSERT_EQ(inet_checksum(header, sizeof(header), 0), 0);
	memcpy(copy, header, sizeof(copy));
	copy[10] = copy[11] = 0;
	KT_ASSERT_EQ(ntohs(inet_checksum(copy, sizeof(copy), 0)), 0xb861);
	/* An odd byte is padded with zero: 0x0102 + 0x0300. */
	KT_ASSERT_EQ(ntohs(inet_checksum(odd, sizeof(odd), 0)),
		     (uint16_t)~0x0402);
}

/* A frame for lo: Ethernet, IPv4 127.0.0.1 -> 127.0.0.1 and len bytes
 * of payload, every checksum right. */
static struct pbuf *frame(uint8_t protocol, const void *payload, size_t len)
{
	struct pbuf *p = pbuf_alloc(ETH_HEADER_LEN + IPV4_HEADER_LEN + len);
	struct eth_header *eh;
	struct ipv4_header *ip;

	if (!p)
		return NULL;
	memset(p->data, 0, p->len);
	eh = (struct eth_header *)p->data;
	eh->type = htons(ETHERTYPE_IPV4);
	ip = (struct ipv4_header *)(p->data + ETH_HEADER_LEN);
	ip->version_ihl = 0x45;
	ip->total_len = htons((uint16_t)(IPV4_HEADER_LEN + len));
	ip->ttl = 64;
	ip->protocol = protocol;
	ip->src = ip->dst = IPV4_LOOPBACK;
	ip->checksum = inet_checksum(ip, IPV4_HEADER_LEN, 0);
	memcpy(ip + 1, payload, len);
	return p;
}

static struct ipv4_header *ip_of(struct pbuf *p)
{
	return (struct ipv4_header *)(p->data + ETH_HEADER_LEN);
}

static void reseal(struct pbuf *p)
{
	ip_of(p)->checksum = 0;
	ip_of(p)->checksum = inet_checksum(ip_of(p), IPV4_HEADER_LEN, 0);
}

#define COUNT(field) __atomic_load_n(&net_counters.field, __ATOMIC_RELAXED)

/* Feed p to lo; the counter must have moved by exactly one. */
#define FEED(p, field)                                                \
	do {                                                          \
		uint64_t before_ = COUNT(field);                      \
		KT_ASSERT((p) != NULL, "out of memory");              \
		netdev_receive(netdev_loopback(), (p));               \
		KT_ASSERT(COUNT(field) == before_ + 1, "%s", #field); \
	} while (0)

KTEST(net, malformed_frames)
{
	struct udp_header udp = { htons(1234), htons(9), htons(8), 0 };
	struct icmp_header echo = { ICMP_ECHO_REQUEST, 0, 0, htons(7),
				    htons(1) };
	uint64_t live = pbuf_live();
	struct pbuf *p;

	p = pbuf_alloc(ETH_HEADER_LEN - 4);
	FEED(p, eth_short);
	p = frame(IPPROTO_UDP, &udp, sizeof(udp));
	((struct eth_header *)p->data)->type = htons(0x86dd);
	FEED(p, eth_unknown_type);
	p = pbuf_alloc(ETH_HEADER_LEN + 10); /* shorter than an IP header */
	memset(p->data, 0, p->len);
	((struct eth_header *)p->data)->type = htons(ETHERTYPE_IPV4);
	FEED(p, ip_bad_header);
	p = frame(IPPROTO_UDP, &udp, sizeof(udp));
	ip_of(p)->version_ihl = 0x65;
	reseal(p);
	FEED(p, ip_bad_header);
	p = frame(IPPROTO_UDP, &udp, sizeof(udp));
	ip_of(p)->version_ihl = 0x4f; /* 60-byte header in a 28-byte packet */
	reseal(p);
	FEED(p, ip_bad_header);
	p = frame(IPPROTO_UDP, &udp, sizeof(udp));
	ip_of(p)->total_len = htons(1000); /* longer than the frame */
	reseal(p);
	FEED(p, ip_bad_header);
	p = frame(IPPROTO_UDP, &udp, sizeof(udp));
	ip_of(p)->checksum ^= 0x1;
	FEED(p, ip_bad_checksum);
	p = frame(IPPROTO_UDP, &udp, 4); /* more to come after 4 bytes */
	ip_of(p)->frag = htons(IPV4_FLAG_MF);
	reseal(p);
	FEED(p, ip_frag_bad);
	p = frame(IPPROTO_UDP, &udp, 4);
	FEED(p, udp_bad);
	udp.len = htons(200);
	p = frame(IPPROTO_UDP, &udp, sizeof(udp));
	FEED(p, udp_bad);
	udp.len = htons(8);
	udp.checksum = htons(0x1234);
	p = frame(IPPROTO_UDP, &udp, sizeof(udp));
	FEED(p, udp_bad_checksum);
	/* Good, but nobody listens on port 9: port unreachable goes back
	 * through lo. */
	udp.checksum = 0;
	p = frame(IPPROTO_UDP, &udp, sizeof(udp));
	uint64_t errors = COUNT(icmp_errors_sent);
	FEED(p, udp_no_port);
	KT_ASSERT_EQ(COUNT(icmp_errors_sent), errors + 1);
	p = frame(0x84, &udp, sizeof(udp)); /* SCTP: no such protocol here */
	FEED(p, ip_unknown_protocol);
	p = frame(IPPROTO_ICMP, &echo, sizeof(echo));
	FEED(p, icmp_bad); /* checksum 0: wrong */
	echo.checksum = inet_checksum(&echo, sizeof(echo), 0);
	p = frame(IPPROTO_ICMP, &echo, sizeof(echo));
	FEED(p, icmp_echo_answered);
	KT_ASSERT_EQ(pbuf_live(), live);
}

/* A device of the test's own: what it sends is kept, not sent. */
static struct pbuf *sent_head;
static unsigned int sent_count;

static void keep_transmit(struct netdev *dev, struct pbuf *p)
{
	(void)dev;
	p->next = sent_head;
	sent_head = p;
	sent_count++;
}

static const struct netdev_ops keep_ops = { .transmit = keep_transmit };

static void drop_sent(void)
{
	while (sent_head) {
		struct pbuf *p = sent_head;

		sent_head = p->next;
		pbuf_free(p);
	}
	sent_count = 0;
}

/* An ARP packet from 192.0.2.7 (02:00:00:00:00:07) to us, 192.0.2.1. */
static struct pbuf *arp_from_peer(uint16_t op, uint8_t hlen)
{
	static const uint8_t peer_mac[ETH_ALEN] = { 2, 0, 0, 0, 0, 7 };
	struct pbuf *p = pbuf_alloc(28);
	uint8_t *a;
	uint32_t peer = IPV4(192, 0, 2, 7), us = IPV4(192, 0, 2, 1);

	if (!p)
		return NULL;
	a = p->data;
	memset(a, 0, 28);
	a[1] = 1;    /* Ethernet */
	a[2] = 0x08; /* IPv4 */
	a[4] = hlen;
	a[5] = 4;
	a[7] = (uint8_t)op;
	memcpy(a + 8, peer_mac, ETH_ALEN);
	memcpy(a + 14, &peer, 4);
	memcpy(a + 24, &us, 4);
	return p;
}

KTEST(net, arp_cache)
{
	struct netdev dev = { .name = "ktest0",
			      .mtu = ETH_MTU,
			      .mac = { 2, 0, 0, 0, 0, 1 },
			      .ops = &keep_ops,
			      .flags = IFF_UP | IFF_BROADCAST,
			      .addr = IPV4(192, 0, 2, 1),
			      .netmask = IPV4(255, 255, 255, 0) };
	uint64_t live = pbuf_live(), bad = COUNT(arp_bad);
	const struct eth_header *eh;
	uint8_t mac[ETH_ALEN];
	struct pbuf *p;

	spin_init(&dev.lock, "netdev ktest0");
	arp_flush();
	/* Unknown: the packet waits, a broadcast request goes out. */
	p = pbuf_alloc(IPV4_HEADER_LEN);
	KT_ASSERT(p != NULL, "out of memory");
	arp_output(&dev, p, IPV4(192, 0, 2, 7));
	KT_ASSERT_EQ(sent_count, 1);
	eh = (const struct eth_header *)sent_head->data;
	KT_ASSERT_EQ(ntohs(eh->type), ETHERTYPE_ARP);
	KT_ASSERT(memcmp(eh->dst, eth_broadcast, ETH_ALEN) == 0, "broadcast");
	KT_ASSERT(!arp_lookup(IPV4(192, 0, 2, 7), mac), "resolved too soon");
	/* A second packet waits without a second request (under a second). */
	p = pbuf_alloc(IPV4_HEADER_LEN);
	KT_ASSERT(p != NULL, "out of memory");
	arp_output(&dev, p, IPV4(192, 0, 2, 7));
	KT_ASSERT_EQ(sent_count, 1);
	/* A malformed reply changes nothing. */
	arp_input(&dev, arp_from_peer(2, 5));
	KT_ASSERT_EQ(COUNT(arp_bad), bad + 1);
	KT_ASSERT(!arp_lookup(IPV4(192, 0, 2, 7), mac), "took a bad reply");
	/* The reply: both packets leave, to the peer's MAC. */
	arp_input(&dev, arp_from_peer(2, ETH_ALEN));
	KT_ASSERT_EQ(sent_count, 3);
	eh = (const struct eth_header *)sent_head->data;
	KT_ASSERT_EQ(ntohs(eh->type), ETHERTYPE_IPV4);
	KT_ASSERT_EQ(eh->dst[5], 7);
	KT_ASSERT(arp_lookup(IPV4(192, 0, 2, 7), mac) && mac[5] == 7,
		  "not in the cache");
	/* Known now: straight out. And a request for us is answered. */
	p = pbuf_alloc(IPV4_HEADER_LEN);
	KT_ASSERT(p != NULL, "out of memory");
	arp_output(&dev, p, IPV4(192, 0, 2, 7));
	KT_ASSERT_EQ(sent_count, 4);
	arp_input(&dev, arp_from_peer(1, ETH_ALEN));
	KT_ASSERT_EQ(sent_count, 5);
	eh = (const struct eth_header *)sent_head->data;
	KT_ASSERT_EQ(ntohs(eh->type), ETHERTYPE_ARP);
	KT_ASSERT_EQ(eh->dst[5], 7);
	/* More than ARP_QUEUE_MAX packets for an unanswered address: the
	 * extra ones are dropped, and the flush frees the rest. */
	for (int i = 0; i < ARP_QUEUE_MAX + 2; i++) {
		p = pbuf_alloc(IPV4_HEADER_LEN);
		KT_ASSERT(p != NULL, "out of memory");
		arp_output(&dev, p, IPV4(192, 0, 2, 99));
	}
	KT_ASSERT_EQ(pbuf_live(), live + sent_count + ARP_QUEUE_MAX);
	arp_flush();
	drop_sent();
	KT_ASSERT_EQ(arp_count(), 0);
	KT_ASSERT_EQ(pbuf_live(), live);
}

/* Routes: 127/8 and our own addresses go through lo; and no socket
 * takes a datagram for a port nobody bound. */
KTEST(net, routes)
{
	struct netdev *dev;
	uint32_t next_hop;
	struct pbuf *p;
	bool delivered;

	KT_ASSERT(ipv4_route(IPV4_LOOPBACK, &dev, &next_hop), "no route");
	KT_ASSERT(dev == netdev_loopback(), "127.0.0.1 not on lo");
	KT_ASSERT(ipv4_route(IPV4(127, 0, 0, 9), &dev, &next_hop) &&
			  dev == netdev_loopback(),
		  "127/8 not on lo");
	p = pbuf_alloc(0);
	KT_ASSERT(p != NULL, "out of memory");
	p->ip_src = p->ip_dst = IPV4_LOOPBACK;
	delivered = socket_deliver(IPPROTO_UDP, htons(9), p);
	if (!delivered)
		pbuf_free(p);
	KT_ASSERT(!delivered, "a socket on port 9");
	if (netdev_find("eth0")) {
		uint32_t addr;

		netdev_get_addr(netdev_find("eth0"), &addr, NULL);
		if (addr) {
			KT_ASSERT(ipv4_route(addr, &dev, &next_hop) &&
					  dev == netdev_loopback(),
				  "our own address not through lo");
		}
	}
}

/* ---- fragments ----------------------------------------------------------- */

#define DGRAM_LEN 3000 /* a UDP datagram in three pieces on lo */

static uint8_t dgram[DGRAM_LEN];

/* dgram: UDP to port 9 (nobody's) with its checksum, so that only the
 * right bytes in the right places make a datagram UDP takes. */
static void make_dgram(void)
{
	struct udp_header *u = (struct udp_header *)dgram;

	for (size_t i = 0; i < DGRAM_LEN; i++)
		dgram[i] = (uint8_t)(i * 7 + 3);
	u->src_port = htons(1234);
	u->dst_port = htons(9);
	u->len = htons(DGRAM_LEN);
	u->checksum = 0;
	u->checksum =
		inet_checksum(dgram, DGRAM_LEN,
			      inet_pseudo_sum(IPV4_LOOPBACK, IPV4_LOOPBACK,
					      IPPROTO_UDP, DGRAM_LEN));
}

/* The piece [start, end) of dgram, as datagram id sends it (past
 * dgram's end, its first bytes stand in). */
static struct pbuf *piece(uint16_t id, size_t start, size_t end, bool more)
{
	size_t from = end <= DGRAM_LEN ? start : 0;
	struct pbuf *p = frame(IPPROTO_UDP, dgram + from, end - start);

	if (p) {
		ip_of(p)->id = htons(id);
		ip_of(p)->frag = htons((uint16_t)(start / 8) |
				       (more ? IPV4_FLAG_MF : 0));
		reseal(p);
	}
	return p;
}

static void feed(struct pbuf *p)
{
	if (p)
		netdev_receive(netdev_loopback(), p);
}

/* Whole datagrams from pieces in any order, duplicates ignored; bad
 * pieces, overlaps and contradictions dropped and counted; the limits
 * on queues and memory; the timeout, with its ICMP error when the first
 * piece came. Every buffer comes back. */
KTEST(net, ip_reassembly)
{
	uint64_t live = pbuf_live(), delivered = COUNT(udp_no_port);
	uint64_t whole = COUNT(ip_reassembled), errors;
	struct pbuf *p;

	make_dgram();
	KT_ASSERT_EQ(ipv4_frag_queues(), 0);
	KT_ASSERT_EQ(pbuf_live(), live);
	/* In order: one datagram that UDP takes (its checksum holds). */
	feed(piece(1, 0, 1480, true));
	feed(piece(1, 1480, 2960, true));
	KT_ASSERT_EQ(ipv4_frag_queues(), 1);
	KT_ASSERT_EQ(COUNT(ip_reassembled), whole);
	feed(piece(1, 2960, DGRAM_LEN, false));
	KT_ASSERT_EQ(COUNT(ip_reassembled), whole + 1);
	KT_ASSERT_EQ(COUNT(udp_no_port), delivered + 1);
	KT_ASSERT_EQ(ipv4_frag_queues(), 0);
	KT_ASSERT_EQ(pbuf_live(), live);
	/* Last first, a duplicate, then the middle. */
	p = piece(2, 2960, DGRAM_LEN, false);
	FEED(p, ip_frag_received);
	p = piece(2, 0, 1480, true);
	FEED(p, ip_frag_received);
	p = piece(2, 0, 1480, true);
	FEED(p, ip_frag_duplicate);
	p = piece(2, 1480, 2960, true);
	FEED(p, ip_reassembled);
	KT_ASSERT_EQ(COUNT(udp_no_port), delivered + 2);
	KT_ASSERT_EQ(ipv4_frag_queues(), 0);
	KT_ASSERT_EQ(pbuf_live(), live);
	/* Overlapping pieces: the whole queue goes. */
	feed(piece(3, 0, 1480, true));
	p = piece(3, 1472, 2960, true);
	FEED(p, ip_frag_overlap);
	KT_ASSERT_EQ(ipv4_frag_queues(), 0);
	KT_ASSERT_EQ(pbuf_live(), live);
	/* Two different ends. */
	feed(piece(4, 0, 1480, true));
	feed(piece(4, 2960, DGRAM_LEN, false));
	p = piece(4, 2960, DGRAM_LEN - 8, false);
	FEED(p, ip_frag_overlap);
	KT_ASSERT_EQ(ipv4_frag_queues(), 0);
	KT_ASSERT_EQ(pbuf_live(), live);
	/* Pieces no datagram has: past 65535, empty, or not a multiple of
	 * 8 with more to come. */
	p = piece(5, 65528, 65528 + 40, false);
	FEED(p, ip_frag_bad);
	p = piece(5, 8, 8, true);
	FEED(p, ip_frag_bad);
	p = piece(5, 0, 12, true);
	FEED(p, ip_frag_bad);
	KT_ASSERT_EQ(ipv4_frag_queues(), 0);
	KT_ASSERT_EQ(pbuf_live(), live);
	/* Time up: an ICMP error only if the first piece had come. */
	feed(piece(6, 0, 1480, true));
	feed(piece(7, 1480, 2960, true));
	KT_ASSERT_EQ(ipv4_frag_queues(), 2);
	errors = COUNT(icmp_errors_sent);
	ipv4_frag_expire(time_ns() + IPFRAG_TIMEOUT_NS / 2);
	KT_ASSERT_EQ(ipv4_frag_queues(), 2);
	ipv4_frag_expire(time_ns() + IPFRAG_TIMEOUT_NS + 1);
	KT_ASSERT_EQ(ipv4_frag_queues(), 0);
	KT_ASSERT_EQ(pbuf_live(), live);
	KT_ASSERT_EQ(COUNT(icmp_errors_sent), errors + 1);
	/* One datagram too many: the oldest queue makes room. */
	for (int i = 0; i < IPFRAG_QUEUES_MAX; i++)
		feed(piece((uint16_t)(100 + i), 1480, 2960, true));
	KT_ASSERT_EQ(ipv4_frag_queues(), IPFRAG_QUEUES_MAX);
	p = piece(200, 1480, 2960, true);
	FEED(p, ip_frag_evicted);
	KT_ASSERT_EQ(ipv4_frag_queues(), IPFRAG_QUEUES_MAX);
	ipv4_frag_expire(UINT64_MAX);
	KT_ASSERT_EQ(pbuf_live(), live);
	/* Thousands of 8-byte pieces of one datagram: never more than
	 * IPFRAG_BYTES_MAX held. */
	uint64_t evicted = COUNT(ip_frag_evicted);
	for (size_t off = 0; off < 2000 * 8; off += 8)
		feed(piece(300, off, off + 8, true));
	KT_ASSERT(COUNT(ip_frag_evicted) > evicted, "no limit on memory");
	ipv4_frag_expire(UINT64_MAX);
	KT_ASSERT_EQ(ipv4_frag_queues(), 0);
	KT_ASSERT_EQ(pbuf_live(), live);
	KT_ASSERT_EQ(pbuf_live(), live);
}

/* Our own datagram bigger than lo's MTU leaves in pieces that fit it,
 * and comes back whole. */
KTEST(net, ip_fragmentation)
{
	uint64_t live = pbuf_live(), created = COUNT(ip_frags_created);
	uint64_t whole = COUNT(ip_reassembled), delivered = COUNT(udp_no_port);
	struct pbuf *p;

	make_dgram();
	p = pbuf_alloc(DGRAM_LEN - UDP_HEADER_LEN);
	KT_ASSERT(p != NULL, "out of memory");
	memcpy(p->data, dgram + UDP_HEADER_LEN, p->len);
	KT_ASSERT_EQ(udp_output(p, IPV4_LOOPBACK, htons(1234), IPV4_LOOPBACK,
				htons(9)),
		     0);
	KT_ASSERT_EQ(COUNT(ip_frags_created), created + 3);
	KT_ASSERT_EQ(COUNT(ip_reassembled), whole + 1);
	KT_ASSERT_EQ(COUNT(udp_no_port), delivered + 1);
	KT_ASSERT_EQ(pbuf_live(), live);
}
