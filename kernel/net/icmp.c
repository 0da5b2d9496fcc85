/*
 * ICMP (RFC 792): answering echo requests (so the host can ping us),
 * passing echo replies to the ICMP datagram ("ping") sockets that asked
 * (socket.c), and sending destination-unreachable errors for the layers
 * above. Errors that arrive are counted and dropped for now; a connected
 * UDP socket does not yet learn ECONNREFUSED from them.
 */
#include "net/net_internal.h"

void icmp_input(struct pbuf *p)
{
	struct icmp_header *h = (struct icmp_header *)p->data;

	net_count(icmp_in);
	if (p->len < ICMP_HEADER_LEN || inet_checksum(p->data, p->len, 0)) {
		net_count(icmp_bad);
		pbuf_free(p);
		return;
	}
	net_count(icmp_in_type[h->type]);
	switch (h->type) {
	case ICMP_ECHO_REQUEST:
		/* Not to a broadcast (Linux's icmp_echo_ignore_broadcasts). */
		if (!netdev_by_addr(p->ip_dst) &&
		    !(p->dev->flags & IFF_LOOPBACK))
			break;
		/* The reply is the request turned around, in the same
		 * buffer: the old headers' room is the new ones'. */
		h->type = ICMP_ECHO_REPLY;
		h->checksum = 0;
		h->checksum = inet_checksum(p->data, p->len, 0);
		net_count(icmp_echo_answered);
		icmp_output(p, p->ip_dst, p->ip_src);
		return;
	case ICMP_ECHO_REPLY:
		p->src_port = h->id;
		if (socket_deliver(IPPROTO_ICMP, h->id, p))
			return;
		break;
	}
	pbuf_free(p);
}

/* May we send an error about this packet (RFC 1122 3.2.2)? Not about an
 * ICMP error, nor a packet from no one or to a broadcast. */
static bool may_answer(const struct pbuf *p)
{
	const struct ipv4_header *ip = (const struct ipv4_header *)p->ip_header;
	size_t header_len = (size_t)(ip->version_ihl & 0xf) * 4;

	if (p->ip_src == IPV4_ANY || p->ip_src == IPV4_BROADCAST ||
	    !netdev_by_addr(p->ip_dst))
		return false;
	if (ip->protocol == IPPROTO_ICMP) {
		const struct icmp_header *h =
			(const struct icmp_header *)(p->ip_header + header_len);

		return ntohs(ip->total_len) >= header_len + ICMP_HEADER_LEN &&
		       (h->type == ICMP_ECHO_REQUEST ||
			h->type == ICMP_ECHO_REPLY);
	}
	return true;
}

void icmp_send_error(struct pbuf *p, uint8_t type, uint8_t code)
{
	const struct ipv4_header *ip = (const struct ipv4_header *)p->ip_header;
	size_t header_len = (size_t)(ip->version_ihl & 0xf) * 4;
	size_t quoted = MIN((size_t)ntohs(ip->total_len), header_len + 8);
	struct icmp_header *h;
	struct pbuf *e;

	if (!may_answer(p))
		return;
	e = pbuf_alloc(ICMP_HEADER_LEN + quoted);
	if (!e)
		return;
	h = (struct icmp_header *)e->data;
	h->type = type;
	h->code = code;
	h->checksum = 0;
	h->id = 0;
	h->seq = 0;
	memcpy(e->data + ICMP_HEADER_LEN, p->ip_header, quoted);
	h->checksum = inet_checksum(e->data, e->len, 0);
	net_count(icmp_errors_sent);
	icmp_output(e, p->ip_dst, p->ip_src);
}

int icmp_output(struct pbuf *p, uint32_t src, uint32_t dst)
{
	net_count(icmp_out_type[p->data[0]]);
	return ipv4_output(p, src, dst, IPPROTO_ICMP);
}
