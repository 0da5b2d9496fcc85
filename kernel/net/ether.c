/*
 * Ethernet II framing: a 14-byte header of destination MAC, source MAC
 * and a type (IPv4 0x0800, ARP 0x0806; IEEE 802.3 length fields and VLAN
 * tags are not understood and counted as unknown types). The card has
 * already filtered frames by MAC and checked the CRC.
 */
#include "net/net_internal.h"
#include "net/tcp.h" /* IPPROTO_TCP */

const uint8_t eth_broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* What a whole frame (from its Ethernet header) carries, for the
 * net:net_rx and net:net_tx events. */
static enum trace_net_protocol frame_protocol(const struct pbuf *p)
{
	const struct eth_header *eh = (const struct eth_header *)p->data;
	/* The protocol byte of the IPv4 header (RFC 791, 3.1). */
	const size_t ip_proto = ETH_HEADER_LEN + 9;

	if (p->len < ETH_HEADER_LEN)
		return NET_PROTO_OTHER;
	if (ntohs(eh->type) == ETHERTYPE_ARP)
		return NET_PROTO_ARP;
	if (ntohs(eh->type) != ETHERTYPE_IPV4 || p->len <= ip_proto)
		return NET_PROTO_OTHER;
	switch (p->data[ip_proto]) {
	case IPPROTO_ICMP:
		return NET_PROTO_ICMP;
	case IPPROTO_TCP:
		return NET_PROTO_TCP;
	case IPPROTO_UDP:
		return NET_PROTO_UDP;
	default:
		return NET_PROTO_IPV4;
	}
}

void ether_trace_frame(enum trace_point_id id, const struct netdev *dev,
		       const struct pbuf *p)
{
	trace_emit(id, trace_name(dev->name), p->len, frame_protocol(p), 0, 0);
}

void ether_input(struct netdev *dev, struct pbuf *p)
{
	const struct eth_header *eh = (const struct eth_header *)p->data;
	uint16_t type;

	if (p->len < ETH_HEADER_LEN) {
		net_count(eth_short);
		netdev_stat_add(&dev->stats.rx_errors, 1);
		pbuf_free(p);
		return;
	}
	type = ntohs(eh->type);
	pbuf_pull(p, ETH_HEADER_LEN);
	switch (type) {
	case ETHERTYPE_IPV4:
		ipv4_input(dev, p);
		break;
	case ETHERTYPE_ARP:
		arp_input(dev, p);
		break;
	default:
		net_count(eth_unknown_type);
		netdev_stat_add(&dev->stats.rx_dropped, 1);
		pbuf_free(p);
	}
}

void ether_send(struct netdev *dev, struct pbuf *p, const uint8_t *dst,
		uint16_t type)
{
	struct eth_header *eh =
		(struct eth_header *)pbuf_push(p, ETH_HEADER_LEN);

	memcpy(eh->dst, dst, ETH_ALEN);
	memcpy(eh->src, dev->mac, ETH_ALEN);
	eh->type = htons(type);
	if (trace_on(TP_NET_TX))
		ether_trace_frame(TP_NET_TX, dev, p);
	dev->ops->transmit(dev, p);
}
