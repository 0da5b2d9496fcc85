/*
 * /proc/net/dev, tcp, arp, route and snmp (udp is socket.c's, unix
 * unix.c's): the network's state as text in Linux's formats, so that
 * netstat, route and arp (ours, busybox's, net-tools') read both, for
 * procfs to show (kernel/fs/procfs). Each generator writes into buf at
 * most size bytes and returns the length of the whole text, which may be
 * more: procfs then calls again with room enough. They take the locks of
 * what they read (a device's counters are atomic; the tcbs under
 * tcp_lock; ARP entries and routes are copied out under their locks)
 * and never allocate.
 */
#include "net/tcp.h"

struct text {
	char *buf;
	size_t size, len;
};

static void __printf(2, 3) put(struct text *t, const char *fmt, ...)
{
	size_t room = t->len < t->size ? t->size - t->len : 0;
	va_list ap;

	va_start(ap, fmt);
	t->len += (size_t)kvsnprintf(room ? t->buf + t->len : t->buf, room, fmt,
				     ap);
	va_end(ap);
}

static uint64_t load(const uint64_t *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

size_t net_proc_dev(char *buf, size_t size)
{
	struct text t = { buf, size, 0 };

	put(&t, "Inter-|   Receive                                            "
		"    |  Transmit\n"
		" face |bytes    packets errs drop fifo frame compressed "
		"multicast|bytes    packets errs drop fifo colls carrier "
		"compressed\n");
	for (struct netdev *d = netdev_first(); d; d = d->next) {
		const struct netdev_stats *s = &d->stats;

		put(&t,
		    "%6s: %7lu %7lu %4lu %4lu %4u %5u %10u %9u %8lu %7lu %4lu "
		    "%4lu %4u %5u %7u %10u\n",
		    d->name, load(&s->rx_bytes), load(&s->rx_packets),
		    load(&s->rx_errors), load(&s->rx_dropped), 0, 0, 0, 0,
		    load(&s->tx_bytes), load(&s->tx_packets),
		    load(&s->tx_errors), load(&s->tx_dropped), 0, 0, 0, 0);
	}
	return t.len;
}

/* Which timer Linux's "tr" column names, and when it goes off (in
 * clock ticks of 1/100 s from now). */
static void timer_of(const struct tcb *c, uint64_t now, int *tr, uint64_t *when)
{
	uint64_t at = 0;

	*tr = 0;
	if (c->rexmit_at) {
		*tr = 1;
		at = c->rexmit_at;
	} else if (c->persist_at) {
		*tr = 4;
		at = c->persist_at;
	} else if (c->timewait_at) {
		*tr = 3;
		at = c->timewait_at;
	} else if (c->keep_at) {
		*tr = 2;
		at = c->keep_at;
	}
	*when = at > now ? (at - now) / (NS_PER_SEC / 100) : 0;
}

size_t net_proc_tcp(char *buf, size_t size)
{
	struct text t = { buf, size, 0 };
	uint64_t now = time_ns();
	int n = 0;

	put(&t, "  sl  local_address rem_address   st tx_queue rx_queue tr "
		"tm->when retrnsmt   uid  timeout inode\n");
	spin_lock(&tcp_lock);
	for (const struct tcb *c = tcp_tcbs; c; c = c->next) {
		uint64_t when;
		int tr;

		if (c->state == TCP_CLOSED)
			continue; /* bound but not listening or connected */
		timer_of(c, now, &tr, &when);
		/* Addresses as the number the bytes make on this machine,
		 * ports in host order: Linux's way. */
		put(&t,
		    "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX "
		    "%08X %5u %8d %lu\n",
		    n++, c->laddr, ntohs(c->lport), c->raddr, ntohs(c->rport),
		    (unsigned int)c->state,
		    c->state == TCP_LISTEN
			    ? 0u
			    : (uint32_t)(c->snd_max - c->snd_una),
		    c->state == TCP_LISTEN ? c->children : (uint32_t)c->rcv.len,
		    tr, when, c->retries, 0u, 0, 0ul);
	}
	spin_unlock(&tcp_lock);
	return t.len;
}

/* ---- /proc/net/arp ------------------------------------------------------- */

#define ARPHRD_ETHER 1
#define ATF_COM 0x02 /* Linux's "complete": the MAC is known */

size_t net_proc_arp(char *buf, size_t size)
{
	struct arp_info e[ARP_CACHE_SIZE];
	struct text t = { buf, size, 0 };
	unsigned int n = arp_list(e, ARP_CACHE_SIZE);

	put(&t, "IP address       HW type     Flags       HW address         "
		"   Mask     Device\n");
	for (unsigned int i = 0; i < n; i++) {
		uint32_t a = ntohl(e[i].addr);
		const uint8_t *m = e[i].mac;
		char ip[16], mac[18];

		ksnprintf(ip, sizeof(ip), "%u.%u.%u.%u", a >> 24,
			  (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
		ksnprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
			  m[0], m[1], m[2], m[3], m[4], m[5]);
		put(&t, "%-16s 0x%-10x0x%-10x%-17s     %-8s %s\n", ip,
		    ARPHRD_ETHER, e[i].resolved ? ATF_COM : 0, mac, "*",
		    e[i].dev->name);
	}
	return t.len;
}

/* ---- /proc/net/route ----------------------------------------------------- */

#define RTF_UP 0x0001
#define RTF_GATEWAY 0x0002
#define RTF_HOST 0x0004
#define ROUTE_LINE 127 /* Linux pads each line to 127 characters */

/* A line of /proc/net/route: the text, then spaces to ROUTE_LINE. */
static void __printf(2, 3) put_padded(struct text *t, const char *fmt, ...)
{
	size_t start = t->len, room = t->len < t->size ? t->size - t->len : 0;
	va_list ap;

	va_start(ap, fmt);
	t->len += (size_t)kvsnprintf(room ? t->buf + t->len : t->buf, room, fmt,
				     ap);
	va_end(ap);
	while (t->len - start < ROUTE_LINE)
		put(t, " ");
	put(t, "\n");
}

/* Is r lo's own subnet route (127.0.0.0/8), which Linux keeps in its
 * local table, not the main one that /proc/net/route shows? */
static bool loopback_subnet(const struct route_info *r)
{
	uint32_t addr, mask;

	if (!(r->dev->flags & IFF_LOOPBACK))
		return false;
	netdev_get_addr(r->dev, &addr, &mask);
	return r->dest == (addr & mask) && r->mask == mask && !r->gateway;
}

size_t net_proc_route(char *buf, size_t size)
{
	struct route_info r[ROUTES_MAX];
	struct text t = { buf, size, 0 };
	unsigned int n = ipv4_route_list(r, ROUTES_MAX);

	put_padded(&t, "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\t"
		       "Metric\tMask\t\tMTU\tWindow\tIRTT");
	for (unsigned int i = 0; i < n; i++) {
		unsigned int flags = RTF_UP;

		if (loopback_subnet(&r[i]))
			continue;
		if (r[i].gateway)
			flags |= RTF_GATEWAY;
		if (r[i].mask == IPV4_BROADCAST)
			flags |= RTF_HOST;
		put_padded(&t,
			   "%s\t%08X\t%08X\t%04X\t%d\t%u\t%d\t%08X\t%d\t%u\t%u",
			   r[i].dev->name, r[i].dest, r[i].gateway, flags, 0,
			   0u, 0, r[i].mask, 0, 0u, 0u);
	}
	return t.len;
}

/* ---- /proc/net/snmp ------------------------------------------------------ */

/* A pair of lines, "Name: fields" and "Name: values", as Linux 6.x. */
static void put_pair(struct text *t, const char *name, const char *fields,
		     const int64_t *values, size_t n)
{
	put(t, "%s: %s\n%s:", name, fields, name);
	for (size_t i = 0; i < n; i++)
		put(t, " %ld", values[i]);
	put(t, "\n");
}

#define C(field) ((int64_t)load(&net_counters.field))
#define T(field) ((int64_t)load(&tcp_counters.field))
#define IN(type) ((int64_t)load(&net_counters.icmp_in_type[type]))
#define OUT(type) ((int64_t)load(&net_counters.icmp_out_type[type]))

static void snmp_ip(struct text *t)
{
	const int64_t ip[] = {
		2, /* Forwarding: 2, not a router */
		IPV4_DEFAULT_TTL,
		C(ip_in_receives),
		C(ip_bad_header) + C(ip_bad_checksum),
		C(ip_not_for_us),
		0, /* ForwDatagrams */
		C(ip_unknown_protocol),
		0, /* InDiscards */
		C(ip_in_delivers),
		C(ip_out_requests),
		C(ip_too_big),
		C(ip_no_route),
		C(ip_frag_timeout),
		C(ip_frag_received),
		C(ip_reassembled),
		C(ip_frag_bad) + C(ip_frag_overlap) + C(ip_frag_evicted) +
			C(ip_frag_timeout),
		C(ip_fragmented),
		0, /* FragFails: we never refuse to fragment (no DF) */
		C(ip_frags_created),
		C(ip_out_transmits),
	};

	put_pair(t, "Ip",
		 "Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors "
		 "ForwDatagrams InUnknownProtos InDiscards InDelivers "
		 "OutRequests OutDiscards OutNoRoutes ReasmTimeout ReasmReqds "
		 "ReasmOKs ReasmFails FragOKs FragFails FragCreates "
		 "OutTransmits",
		 ip, ARRAY_SIZE(ip));
}

static void snmp_icmp(struct text *t)
{
	int64_t out = 0;

	for (int i = 0; i < ICMP_TYPES; i++)
		out += OUT(i);
	const int64_t icmp[] = {
		C(icmp_in), C(icmp_bad), 0,       IN(3),   IN(11),  IN(12),
		IN(4),      IN(5),       IN(8),   IN(0),   IN(13),  IN(14),
		IN(17),     IN(18),      out,     0,       0,       0,
		OUT(3),     OUT(11),     OUT(12), OUT(4),  OUT(5),  OUT(8),
		OUT(0),     OUT(13),     OUT(14), OUT(17), OUT(18),
	};

	put_pair(t, "Icmp",
		 "InMsgs InErrors InCsumErrors InDestUnreachs InTimeExcds "
		 "InParmProbs InSrcQuenchs InRedirects InEchos InEchoReps "
		 "InTimestamps InTimestampReps InAddrMasks InAddrMaskReps "
		 "OutMsgs OutErrors OutRateLimitGlobal OutRateLimitHost "
		 "OutDestUnreachs OutTimeExcds OutParmProbs OutSrcQuenchs "
		 "OutRedirects OutEchos OutEchoReps OutTimestamps "
		 "OutTimestampReps OutAddrMasks OutAddrMaskReps",
		 icmp, ARRAY_SIZE(icmp));
}

/* IcmpMsg: the types seen, received ones first, 16 to a pair of lines
 * (Linux's icmpmsg_put); no lines at all before the first message. */
static void snmp_icmpmsg(struct text *t)
{
	char names[16][16];
	int64_t values[16];
	size_t n = 0;

	for (int i = 0; i < 2 * ICMP_TYPES; i++) {
		bool in = i < ICMP_TYPES;
		int type = i % ICMP_TYPES;
		int64_t v = in ? IN(type) : OUT(type);

		if (v) {
			ksnprintf(names[n], sizeof(names[n]), "%sType%d",
				  in ? "In" : "Out", type);
			values[n++] = v;
		}
		if (n == 16 || (n && i == 2 * ICMP_TYPES - 1)) {
			put(t, "IcmpMsg:");
			for (size_t j = 0; j < n; j++)
				put(t, " %s", names[j]);
			put(t, "\nIcmpMsg:");
			for (size_t j = 0; j < n; j++)
				put(t, " %ld", values[j]);
			put(t, "\n");
			n = 0;
		}
	}
}

static void snmp_tcp_udp(struct text *t)
{
	int64_t established = 0;

	spin_lock(&tcp_lock);
	for (const struct tcb *c = tcp_tcbs; c; c = c->next)
		established += c->state == TCP_ESTABLISHED ||
			       c->state == TCP_CLOSE_WAIT;
	spin_unlock(&tcp_lock);
	const int64_t tcp[] = {
		1, /* RtoAlgorithm: "other" (RFC 6298), as Linux */
		TCP_RTO_MIN_MS,
		TCP_RTO_MAX_MS,
		-1, /* MaxConn: no limit */
		T(active_opens),
		T(passive_opens),
		0,
		0, /* AttemptFails, EstabResets */
		established,
		T(segs_in),
		T(segs_out),
		T(retransmits),
		T(bad_header) + T(bad_checksum),
		T(rsts_sent),
		T(bad_checksum),
	};
	const int64_t udp[] = {
		C(udp_delivered),
		C(udp_no_port),
		C(udp_bad) + C(udp_bad_checksum) + C(udp_queue_full),
		C(udp_out),
		C(udp_queue_full),
		0, /* SndbufErrors */
		C(udp_bad_checksum),
		0,
		0, /* IgnoredMulti, MemErrors */
	};
	const int64_t lite[ARRAY_SIZE(udp)] = { 0 };
	const char *udp_fields =
		"InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors "
		"SndbufErrors InCsumErrors IgnoredMulti MemErrors";

	put_pair(t, "Tcp",
		 "RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens "
		 "AttemptFails EstabResets CurrEstab InSegs OutSegs "
		 "RetransSegs InErrs OutRsts InCsumErrors",
		 tcp, ARRAY_SIZE(tcp));
	put_pair(t, "Udp", udp_fields, udp, ARRAY_SIZE(udp));
	put_pair(t, "UdpLite", udp_fields, lite, ARRAY_SIZE(lite));
}

size_t net_proc_snmp(char *buf, size_t size)
{
	struct text t = { buf, size, 0 };

	snmp_ip(&t);
	snmp_icmp(&t);
	snmp_icmpmsg(&t);
	snmp_tcp_udp(&t);
	return t.len;
}
