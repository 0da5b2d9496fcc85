/*
 * What the files of kernel/net share among themselves: one function pair
 * per protocol (NAME_input takes a received packet, whose header is at
 * p->data; NAME_output or NAME_send builds one), the wire formats, and
 * the protocol counters. Nothing outside kernel/net includes this;
 * docs/net.md has the picture.
 *
 * Every _input function owns the pbuf it is given: it passes it up or
 * frees it. Every _output function owns its pbuf too, sent or not.
 */
#ifndef KESTREL_NET_INTERNAL_H
#define KESTREL_NET_INTERNAL_H

#include "net/net.h"
#include "trace/trace.h"

/* ---- wire formats ------------------------------------------------------ */

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806

struct eth_header {
	uint8_t dst[ETH_ALEN];
	uint8_t src[ETH_ALEN];
	uint16_t type; /* ETHERTYPE_* */
} __packed;

/* RFC 791 section 3.1. */
struct ipv4_header {
	uint8_t version_ihl; /* version 4 << 4 | header length in dwords */
	uint8_t tos;
	uint16_t total_len; /* header and data */
	uint16_t id;
	uint16_t frag; /* flags (3 bits) and fragment offset (13) */
	uint8_t ttl;
	uint8_t protocol; /* IPPROTO_* */
	uint16_t checksum;
	uint32_t src, dst;
} __packed;

#define IPV4_HEADER_LEN 20
#define IPV4_FLAG_MF 0x2000     /* more fragments */
#define IPV4_FRAG_OFFSET 0x1fff /* in 8-byte units */
#define IPV4_DEFAULT_TTL 64     /* Linux's */
#define IPPROTO_ICMP 1
#define IPPROTO_UDP 17

/* RFC 792. */
struct icmp_header {
	uint8_t type;
	uint8_t code;
	uint16_t checksum;
	uint16_t id; /* echo: identifier and sequence number */
	uint16_t seq;
} __packed;

#define ICMP_HEADER_LEN 8
#define ICMP_ECHO_REPLY 0
#define ICMP_DEST_UNREACH 3
#define ICMP_PROTO_UNREACH 2 /* codes of ICMP_DEST_UNREACH */
#define ICMP_PORT_UNREACH 3
#define ICMP_ECHO_REQUEST 8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_FRAG_TIME_EXCEEDED 1 /* a code of ICMP_TIME_EXCEEDED */
#define ICMP_TYPES 256            /* counted by type, as Linux's IcmpMsg */

/* RFC 768. */
struct udp_header {
	uint16_t src_port, dst_port;
	uint16_t len; /* header and data */
	uint16_t checksum;
} __packed;

#define UDP_HEADER_LEN 8

#define IPV4_ANY 0u
#define IPV4_BROADCAST 0xffffffffu
#define IPV4_LOOPBACK IPV4(127, 0, 0, 1)

/* ---- counters (netdev.c) ----------------------------------------------- */

/* What the stack dropped, and why, and what it did; all atomic
 * (net_count). ktests read them, and docs/net.md lists them. */
struct net_counters {
	uint64_t eth_short;        /* frame shorter than its header */
	uint64_t eth_unknown_type; /* not IPv4 or ARP */
	uint64_t arp_bad;          /* malformed or not Ethernet/IPv4 */
	uint64_t arp_requests_answered;
	uint64_t arp_queue_dropped; /* waiting too long or too many */
	uint64_t ip_bad_header;     /* version, lengths */
	uint64_t ip_bad_checksum;
	uint64_t ip_frag_bad;   /* a piece no datagram has */
	uint64_t ip_not_for_us; /* no forwarding */
	uint64_t ip_unknown_protocol;
	uint64_t ip_no_route;
	uint64_t ip_too_big; /* more than an IPv4 datagram holds */
	uint64_t icmp_bad;   /* short or bad checksum */
	uint64_t icmp_echo_answered;
	uint64_t icmp_errors_sent;
	uint64_t udp_bad; /* short, bad length */
	uint64_t udp_bad_checksum;
	uint64_t udp_no_port;    /* answered port unreachable */
	uint64_t udp_queue_full; /* the socket's queue was full */
	uint64_t udp_delivered;
	/* Fragments (ipfrag.c). */
	uint64_t ip_frag_received;  /* pieces taken in */
	uint64_t ip_frag_duplicate; /* a piece we held already */
	uint64_t ip_frag_overlap;   /* overlapping: its queue dropped */
	uint64_t ip_frag_evicted;   /* a queue dropped for room */
	uint64_t ip_frag_timeout;   /* a queue incomplete for too long */
	uint64_t ip_reassembled;    /* datagrams put back together */
	uint64_t ip_fragmented;     /* datagrams of ours cut up */
	uint64_t ip_frags_created;  /* the pieces they made */
	/* What /proc/net/snmp adds (procnet.c). */
	uint64_t ip_in_receives;   /* packets given to ipv4_input */
	uint64_t ip_in_delivers;   /* passed to ICMP, UDP or TCP */
	uint64_t ip_out_requests;  /* packets of ours with a route */
	uint64_t ip_out_transmits; /* handed to ARP and the device */
	uint64_t udp_out;          /* datagrams sent */
	uint64_t icmp_in;          /* messages received, good or bad */
	uint64_t icmp_in_type[ICMP_TYPES], icmp_out_type[ICMP_TYPES];
};
extern struct net_counters net_counters;
#define net_count(field) netdev_stat_add(&net_counters.field, 1)

struct netdev *netdev_loopback(void);
/* The device whose address addr is, or NULL. */
struct netdev *netdev_by_addr(uint32_t addr);
/* Read a device's address and netmask under its lock. */
void netdev_get_addr(struct netdev *dev, uint32_t *addr, uint32_t *netmask);

/* ---- ether.c ----------------------------------------------------------- */

extern const uint8_t eth_broadcast[ETH_ALEN];
void ether_input(struct netdev *dev, struct pbuf *p);
/* Emit net:net_rx or net:net_tx (id) for the whole frame p on dev; the
 * caller has checked trace_on(id). */
void ether_trace_frame(enum trace_point_id id, const struct netdev *dev,
		       const struct pbuf *p);
/* Put an Ethernet header on p and hand it to dev's driver. */
void ether_send(struct netdev *dev, struct pbuf *p, const uint8_t *dst,
		uint16_t type);

/* ---- arp.c ------------------------------------------------------------- */

#define ARP_CACHE_SIZE 32
#define ARP_QUEUE_MAX 4 /* packets held per address being resolved */
#define ARP_TIMEOUT_NS (60 * NS_PER_SEC) /* a resolved entry's life */
#define ARP_RESOLVE_NS (3 * NS_PER_SEC)  /* how long to try */
#define ARP_RETRY_NS NS_PER_SEC          /* between requests */

void arp_input(struct netdev *dev, struct pbuf *p);
/* Send the IPv4 packet p to next_hop on dev: now if its MAC is known,
 * else once an ARP reply comes (p waits in the cache). */
void arp_output(struct netdev *dev, struct pbuf *p, uint32_t next_hop);
/* A gratuitous ARP request: "who has addr, tell addr". */
void arp_announce(struct netdev *dev, uint32_t addr);
/* The cache's entry for addr: true and its MAC if resolved. */
bool arp_lookup(uint32_t addr, uint8_t *mac);
/* Empty the cache, freeing queued packets (for tests). */
void arp_flush(void);
/* An entry, as /proc/net/arp shows it. */
struct arp_info {
	uint32_t addr;
	uint8_t mac[ETH_ALEN]; /* zero while resolving */
	bool resolved;
	struct netdev *dev;
};
/* Copy at most max entries into out: how many. */
unsigned int arp_list(struct arp_info *out, unsigned int max);
/* Visit each resolved entry (for /proc-like listings and tests). */
unsigned int arp_count(void);

/* ---- ipv4.c ------------------------------------------------------------ */

uint16_t inet_checksum(const void *data, size_t len, uint32_t sum);
/* The sum of the pseudo-header (RFC 768) for UDP's checksum. */
uint32_t inet_pseudo_sum(uint32_t src, uint32_t dst, uint8_t protocol,
			 uint16_t len);
void ipv4_input(struct netdev *dev, struct pbuf *p);
/* Send p (the transport header and data) to dst: 0, or -ENETUNREACH,
 * -EMSGSIZE. src 0: the address of the device the route picks. */
int ipv4_output(struct pbuf *p, uint32_t src, uint32_t dst, uint8_t protocol);
/* Where a packet to dst goes: its device and the address to send it to
 * (dst or a gateway); false if no route. */
/* The address packets to dst leave from, or 0 if no route. */
uint32_t ipv4_source_for(uint32_t dst);

/* ---- route.c ----------------------------------------------------------- */

#define ROUTES_MAX 16

/* One route: packets to dest/mask go to gateway (0: straight to the
 * destination, on the link) through dev. */
struct route_info {
	uint32_t dest, mask, gateway; /* network order */
	struct netdev *dev;
};

/* Where a packet to dst goes: its device and the address to send it to
 * (dst or a gateway); false if no route. */
bool ipv4_route(uint32_t dst, struct netdev **dev, uint32_t *next_hop);
/* 0, -EEXIST (the same dest and mask), -ENOSPC. */
int ipv4_route_add(uint32_t dest, uint32_t mask, uint32_t gateway,
		   struct netdev *dev);
/* Remove dest/mask (and only through dev, and gateway, when given):
 * 0 or -ESRCH. */
int ipv4_route_del(uint32_t dest, uint32_t mask, uint32_t gateway,
		   const struct netdev *dev);
/* Copy at most max routes into out, sorted by destination: how many. */
unsigned int ipv4_route_list(struct route_info *out, unsigned int max);
/* SIOCADDRT and SIOCDELRT (struct rtentry at arg): 0 or a negative
 * errno; -ENOTTY for another request. */
long ipv4_route_ioctl(unsigned int cmd, uint64_t arg);

/* ---- ipfrag.c ---------------------------------------------------------- */

#define IPFRAG_QUEUES_MAX 16                /* datagrams being rebuilt */
#define IPFRAG_BYTES_MAX (256 * 1024)       /* their buffers, together */
#define IPFRAG_TIMEOUT_NS (30 * NS_PER_SEC) /* Linux's ipfrag_time */

/* A fragment for us (p->data its payload, p->ip_header set, p->dev the
 * device it came on): the whole datagram once every piece is in (its
 * data at the IPv4 header), else NULL; p is taken either way. */
struct pbuf *ipv4_frag_input(struct pbuf *p);
/* Drop the queues whose time is up at now (the timer task's work). */
void ipv4_frag_expire(uint64_t now);
/* Queues in use (for tests). */
unsigned int ipv4_frag_queues(void);
void ipv4_frag_start(void);
/* Send p (an IPv4 packet, header filled in) to next_hop on dev in
 * pieces that fit dev's MTU: 0 or -ENOBUFS; p is taken. */
int ipv4_fragment_output(struct netdev *dev, struct pbuf *p, uint32_t next_hop);

/* ---- icmp.c ------------------------------------------------------------ */

void icmp_input(struct pbuf *p);
/* An ICMP error about the received packet p (p->ip_header), which stays
 * the caller's. */
void icmp_send_error(struct pbuf *p, uint8_t type, uint8_t code);
/* Send the ICMP message p (header and checksum filled in), counted by
 * its type: as ipv4_output. */
int icmp_output(struct pbuf *p, uint32_t src, uint32_t dst);

/* ---- udp.c and socket.c ------------------------------------------------ */

void udp_input(struct pbuf *p);
/* Put a UDP header on p (the payload) and send it: as ipv4_output. */
int udp_output(struct pbuf *p, uint32_t src, uint16_t src_port, uint32_t dst,
	       uint16_t dst_port);
/* Deliver a datagram (p->data the payload; p->ip_src, ip_dst and
 * src_port set) to the socket bound to (protocol, port): true, the
 * socket took p; false if none is bound there (p is still the
 * caller's). */
bool socket_deliver(uint8_t protocol, uint16_t port, struct pbuf *p);

/* Linux's struct sockaddr_in (AF_INET), as user space passes it. */
#define AF_INET 2
struct sockaddr_in {
	uint16_t family;
	uint16_t port; /* network order */
	uint32_t addr; /* network order */
	/* cppcheck-suppress unusedStructMember ; Linux's layout */
	uint8_t zero[8];
};

/* ---- ifioctl.c --------------------------------------------------------- */

/* A socket's SIOC[GS]IF* request (ifconfig's): 0 or a negative errno;
 * -ENOTTY for a request that is not one of them. */
long netdev_ioctl(unsigned int cmd, uint64_t arg);

#endif
