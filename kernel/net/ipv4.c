/*
 * IPv4 (RFC 791): checking a received header and passing the packet to
 * its protocol; building the header of an outgoing one and choosing where
 * it goes; the internet checksum (RFC 1071) every header uses.
 *
 * Kestrel is a host, not a router: a packet for an address that is not
 * ours (or a broadcast) is dropped, never forwarded. A fragment for us
 * waits in ipfrag.c until its datagram is whole; an outgoing packet
 * bigger than the device's MTU is cut into fragments there too. IP
 * options are accepted and skipped.
 * The routing table is in route.c.
 */
#include "net/tcp.h"

static uint16_t next_id; /* atomic */

/* ---- the checksum ------------------------------------------------------ */

/* The ones' complement of the ones' complement sum of the 16-bit words
 * of data (a trailing odd byte padded with zero), with sum (an earlier
 * partial sum, such as a pseudo-header's) added in. Over data that holds
 * a correct checksum, it is 0. */
uint16_t inet_checksum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *b = data;
	uint64_t s = sum;

	for (; len >= 2; len -= 2, b += 2)
		s += (uint16_t)(b[0] << 8 | b[1]);
	if (len)
		s += (uint16_t)(b[0] << 8);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons((uint16_t)~s);
}

uint32_t inet_pseudo_sum(uint32_t src, uint32_t dst, uint8_t protocol,
			 uint16_t len)
{
	uint32_t s = ntohl(src), d = ntohl(dst);

	return (s >> 16) + (s & 0xffff) + (d >> 16) + (d & 0xffff) + protocol +
	       len;
}

/* ---- source address ---------------------------------------------------- */

uint32_t ipv4_source_for(uint32_t dst)
{
	struct netdev *dev;
	uint32_t next_hop, src = 0;

	if (netdev_by_addr(dst))
		return dst;
	if (ipv4_route(dst, &dev, &next_hop))
		netdev_get_addr(dev, &src, NULL);
	return src;
}

/* ---- input ------------------------------------------------------------- */

/* Is dst one of dev's: its address, or a broadcast on its network? */
static bool for_us(struct netdev *dev, uint32_t dst)
{
	uint32_t addr, mask;

	netdev_get_addr(dev, &addr, &mask);
	if (dst == IPV4_BROADCAST || (addr && dst == addr))
		return true;
	if (mask && addr && dst == (addr | ~mask))
		return true;
	/* lo answers for all of 127/8. */
	return (dev->flags & IFF_LOOPBACK) && (dst & mask) == (addr & mask);
}

static void drop(struct netdev *dev, struct pbuf *p, uint64_t *counter)
{
	netdev_stat_add(counter, 1);
	netdev_stat_add(&dev->stats.rx_dropped, 1);
	pbuf_free(p);
}

void ipv4_input(struct netdev *dev, struct pbuf *p)
{
	const struct ipv4_header *ip = (const struct ipv4_header *)p->data;
	size_t header_len, total_len;

	net_count(ip_in_receives);
	if (p->len < IPV4_HEADER_LEN || ip->version_ihl >> 4 != 4) {
		drop(dev, p, &net_counters.ip_bad_header);
		return;
	}
	header_len = (size_t)(ip->version_ihl & 0xf) * 4;
	total_len = ntohs(ip->total_len);
	if (header_len < IPV4_HEADER_LEN || header_len > total_len ||
	    total_len > p->len) {
		drop(dev, p, &net_counters.ip_bad_header);
		return;
	}
	if (inet_checksum(ip, header_len, 0) != 0) {
		drop(dev, p, &net_counters.ip_bad_checksum);
		return;
	}
	if (!for_us(dev, ip->dst)) {
		drop(dev, p, &net_counters.ip_not_for_us);
		return;
	}

	p->len = total_len; /* Ethernet pads short frames */
	p->ip_src = ip->src;
	p->ip_dst = ip->dst;
	p->ip_header = p->data;
	pbuf_pull(p, header_len);
	if (ntohs(ip->frag) & (IPV4_FLAG_MF | IPV4_FRAG_OFFSET)) {
		p = ipv4_frag_input(p);
		if (!p)
			return;
		/* The whole datagram, in a buffer of its own. */
		ip = (const struct ipv4_header *)p->data;
		header_len = (size_t)(ip->version_ihl & 0xf) * 4;
		p->ip_src = ip->src;
		p->ip_dst = ip->dst;
		p->ip_header = p->data;
		pbuf_pull(p, header_len);
	}
	if (ip->protocol == IPPROTO_ICMP || ip->protocol == IPPROTO_UDP ||
	    ip->protocol == IPPROTO_TCP)
		net_count(ip_in_delivers);
	switch (ip->protocol) {
	case IPPROTO_ICMP:
		icmp_input(p);
		break;
	case IPPROTO_UDP:
		udp_input(p);
		break;
	case IPPROTO_TCP:
		tcp_input(p);
		break;
	default:
		net_count(ip_unknown_protocol);
		icmp_send_error(p, ICMP_DEST_UNREACH, ICMP_PROTO_UNREACH);
		pbuf_free(p);
	}
}

/* ---- output ------------------------------------------------------------ */

int ipv4_output(struct pbuf *p, uint32_t src, uint32_t dst, uint8_t protocol)
{
	struct ipv4_header *ip;
	struct netdev *dev;
	uint32_t next_hop;

	if (!ipv4_route(dst, &dev, &next_hop)) {
		net_count(ip_no_route);
		pbuf_free(p);
		return -ENETUNREACH;
	}
	net_count(ip_out_requests);
	if (p->len + IPV4_HEADER_LEN > PBUF_LEN_MAX) {
		net_count(ip_too_big);
		pbuf_free(p);
		return -EMSGSIZE;
	}
	if (src == IPV4_ANY)
		src = ipv4_source_for(dst);
	ip = (struct ipv4_header *)pbuf_push(p, IPV4_HEADER_LEN);
	ip->version_ihl = 4 << 4 | IPV4_HEADER_LEN / 4;
	ip->tos = 0;
	ip->total_len = htons((uint16_t)p->len);
	ip->id = htons(__atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED));
	ip->frag = 0;
	ip->ttl = IPV4_DEFAULT_TTL;
	ip->protocol = protocol;
	ip->checksum = 0;
	ip->src = src;
	ip->dst = dst;
	ip->checksum = inet_checksum(ip, IPV4_HEADER_LEN, 0);
	if (p->len > dev->mtu) {
		net_count(ip_fragmented);
		return ipv4_fragment_output(dev, p, next_hop);
	}
	net_count(ip_out_transmits);
	arp_output(dev, p, next_hop);
	return 0;
}
