/*
 * UDP (RFC 768): checking a received datagram's length and checksum and
 * handing it to the socket bound to its port (socket.c), or answering
 * ICMP port unreachable when none is; and putting the header on one
 * being sent (udp_output, for socket.c).
 *
 * The checksum covers a pseudo-header (source, destination, protocol,
 * length) as well as the datagram. A received checksum of 0 means the
 * sender computed none, which IPv4 allows; one we compute that comes out
 * 0 is sent as 0xffff.
 */
#include "net/net_internal.h"

static uint16_t udp_checksum(const struct pbuf *p, uint32_t src, uint32_t dst)
{
	return inet_checksum(p->data, p->len,
			     inet_pseudo_sum(src, dst, IPPROTO_UDP,
					     (uint16_t)p->len));
}

void udp_input(struct pbuf *p)
{
	const struct udp_header *u = (const struct udp_header *)p->data;
	size_t len;

	if (p->len < UDP_HEADER_LEN) {
		net_count(udp_bad);
		pbuf_free(p);
		return;
	}
	len = ntohs(u->len);
	if (len < UDP_HEADER_LEN || len > p->len) {
		net_count(udp_bad);
		pbuf_free(p);
		return;
	}
	p->len = len;
	if (u->checksum && udp_checksum(p, p->ip_src, p->ip_dst) != 0) {
		net_count(udp_bad_checksum);
		pbuf_free(p);
		return;
	}
	p->src_port = u->src_port;
	pbuf_pull(p, UDP_HEADER_LEN);
	if (socket_deliver(IPPROTO_UDP, u->dst_port, p)) {
		net_count(udp_delivered);
		return;
	}
	net_count(udp_no_port);
	icmp_send_error(p, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
	pbuf_free(p);
}

int udp_output(struct pbuf *p, uint32_t src, uint16_t src_port, uint32_t dst,
	       uint16_t dst_port)
{
	struct udp_header *u;

	if (src == IPV4_ANY)
		src = ipv4_source_for(dst);
	u = (struct udp_header *)pbuf_push(p, UDP_HEADER_LEN);
	u->src_port = src_port;
	u->dst_port = dst_port;
	u->len = htons((uint16_t)p->len);
	u->checksum = 0;
	u->checksum = udp_checksum(p, src, dst);
	if (u->checksum == 0)
		u->checksum = 0xffff;
	net_count(udp_out);
	return ipv4_output(p, src, dst, IPPROTO_UDP);
}
