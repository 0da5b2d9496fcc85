/*
 * Ethernet II framing: a 14-byte header of destination MAC, source MAC
 * and a type (IPv4 0x0800, ARP 0x0806; IEEE 802.3 length fields and VLAN
 * tags are not understood and counted as unknown types). The card has
 * already filtered frames by MAC and checked the CRC.
 */
#include "net/net_internal.h"

const uint8_t eth_broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

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
	dev->ops->transmit(dev, p);
}
