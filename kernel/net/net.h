/*
 * The network stack's public face: network devices (struct netdev), the
 * packet buffers every layer passes along (struct pbuf), and what the
 * rest of the kernel calls: drivers register a device and hand it
 * received frames; kmain starts the stack. docs/net.md has the path of a
 * packet in and out, the locks and the counters.
 *
 * A pbuf is one frame in one buffer, with room in front for the headers
 * each layer adds on the way out:
 *
 *   buf                data                data + len
 *    |<-- headroom -->|<------- len ------->|<-- tailroom -->|
 *                     Ethernet | IPv4 | UDP | payload
 *
 * On the way in a layer checks its header, then pbuf_pull()s it; on the
 * way out it pbuf_push()es its header in front. PBUF_HEADROOM holds
 * Ethernet + IPv4 + UDP or ICMP headers with room to spare. Addresses
 * and ports are kept in network byte order everywhere (as on the wire
 * and in struct sockaddr_in); ntohl/htonl only where a number is
 * compared or printed.
 */
#ifndef KESTREL_NET_H
#define KESTREL_NET_H

#include "lib/lib.h"
#include "lib/spinlock.h"

#define ETH_ALEN 6
#define ETH_HEADER_LEN 14
#define ETH_MTU 1500       /* the IPv4 packet an Ethernet frame holds */
#define ETH_FRAME_MAX 1514 /* header + MTU, without the CRC */
#define IFNAMSIZ 16        /* Linux's interface name size, NUL included */

#define PBUF_HEADROOM 64
#define PBUF_DATA_MAX 1536 /* a whole frame fits: every pbuf has this room */
#define PBUF_LEN_MAX 65535 /* a reassembled IPv4 datagram: the most */

struct netdev;

/* A packet buffer. Owned by one layer at a time: whoever holds the
 * pointer may change it; a queue that holds it says which lock guards
 * next. */
struct pbuf {
	struct pbuf *next;  /* in a queue (the queue's lock) */
	struct netdev *dev; /* received on, or NULL */
	uint8_t *data;      /* first valid byte */
	size_t len;         /* valid bytes from data */
	/* Set by ipv4_input for the layers above (network order). */
	uint32_t ip_src, ip_dst;
	uint8_t *ip_header; /* the IPv4 header, for ICMP errors */
	uint16_t src_port;  /* UDP source port, or ICMP echo id */
	/* An out-of-order TCP segment waiting for the gap before it. */
	uint32_t tcp_seq;
	bool tcp_fin;
	/* Set by ipv4_frag_input on a reassembly's fragments. */
	uint16_t frag_start, frag_end; /* their bytes of the datagram */
	uint8_t buf[]; /* PBUF_HEADROOM + MAX(len, PBUF_DATA_MAX) bytes */
};

/* A buffer with len bytes of data (uninitialized) after the headroom,
 * or NULL if len is over PBUF_LEN_MAX or memory is short. Any buffer
 * holds a whole frame; only a reassembled datagram needs more than
 * that. Callable from interrupt handlers. */
struct pbuf *pbuf_alloc(size_t len);
void pbuf_free(struct pbuf *p);
/* Grow the data n bytes to the front (a header): the new data pointer.
 * Running out of headroom is a kernel bug. */
uint8_t *pbuf_push(struct pbuf *p, size_t n);
/* Drop n bytes from the front; the caller has checked n <= len. */
void pbuf_pull(struct pbuf *p, size_t n);
/* Buffers allocated and not freed (for the leak tests). */
uint64_t pbuf_live(void);

/* Per-device statistics, as /proc/net/dev counts them. Atomic. */
struct netdev_stats {
	uint64_t rx_packets, rx_bytes, rx_errors, rx_dropped;
	uint64_t tx_packets, tx_bytes, tx_errors, tx_dropped;
};

/* Interface flags: Linux's values (include/uapi/linux/if.h). */
#define IFF_UP 0x1
#define IFF_BROADCAST 0x2
#define IFF_LOOPBACK 0x8
#define IFF_RUNNING 0x40

struct netdev_ops {
	/* Send one frame (Ethernet header included); the driver owns p
	 * from here and frees it, sent or dropped. Never sleeps. */
	void (*transmit)(struct netdev *dev, struct pbuf *p);
	/* Is the link up? NULL: always. */
	bool (*link_up)(struct netdev *dev);
};

/* A network device. The list of devices only grows, at boot. */
struct netdev {
	char name[IFNAMSIZ];
	int index; /* 1 for lo, 2 for eth0: Linux's ifindex */
	unsigned int mtu;
	uint8_t mac[ETH_ALEN]; /* all zero for lo */
	const struct netdev_ops *ops;
	void *driver_data;
	struct netdev *next; /* set once at registration */
	/* Protected by lock (the device's "netdev NAME" lock). */
	struct spinlock lock;
	unsigned int flags; /* IFF_* */
	uint32_t addr;      /* IPv4 address, 0 if none */
	uint32_t netmask;
	struct netdev_stats stats; /* atomic, not under lock */
	char lock_name[IFNAMSIZ + 8];
};

/* ---- devices (netdev.c) ------------------------------------------------ */

/* Boot: make lo (127.0.0.1/8) and take the routes and addresses of the
 * command line (net.ip=ADDR/PREFIX, net.gw=ADDR, net.ip=none) once the
 * drivers have registered their devices. */
void net_init(void);
void net_configure(void);
/* Add a driver's device (name, MTU, MAC, ops and flags filled in):
 * its index and lock are set here. Before its interrupts are on. */
void netdev_register(struct netdev *dev);
struct netdev *netdev_find(const char *name);
struct netdev *netdev_first(void);
/* A received frame (the Ethernet header first); the stack owns p.
 * Callable from interrupt handlers, never sleeps. */
void netdev_receive(struct netdev *dev, struct pbuf *p);
/* Give dev an address and netmask (0 addr: none), replace its subnet
 * route, and announce it with a gratuitous ARP. */
int netdev_set_addr(struct netdev *dev, uint32_t addr, uint32_t netmask);
void netdev_set_flags(struct netdev *dev, unsigned int flags);
void netdev_stat_add(uint64_t *counter, uint64_t n);

/* /proc/net's files in Linux's formats (procfs shows them): the text
 * into buf, at most size bytes; the whole text's length is returned, and
 * may be more than size (call again with more room). */
size_t net_proc_dev(char *buf, size_t size);
size_t net_proc_tcp(char *buf, size_t size);
size_t net_proc_udp(char *buf, size_t size);  /* socket.c */
size_t net_proc_unix(char *buf, size_t size); /* unix.c */
size_t net_proc_arp(char *buf, size_t size);
size_t net_proc_route(char *buf, size_t size);
size_t net_proc_snmp(char *buf, size_t size);

/* Byte order: x86-64 is little-endian, the wire big-endian. */
static inline uint16_t htons(uint16_t x)
{
	return __builtin_bswap16(x);
}
static inline uint16_t ntohs(uint16_t x)
{
	return __builtin_bswap16(x);
}
static inline uint32_t htonl(uint32_t x)
{
	return __builtin_bswap32(x);
}
static inline uint32_t ntohl(uint32_t x)
{
	return __builtin_bswap32(x);
}
/* An address from its four bytes, a.b.c.d, in network order. */
#define IPV4(a, b, c, d) \
	htonl(((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))

#endif
