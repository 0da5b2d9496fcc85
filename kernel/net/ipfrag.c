/*
 * IPv4 fragments (RFC 791 section 3.2, RFC 815): putting a datagram that
 * came in pieces back together, and cutting one of ours that is bigger
 * than the device's MTU into pieces.
 *
 * Reassembly. The pieces of one datagram share (source, destination,
 * protocol, id): they wait in a queue of their own, one of
 * IPFRAG_QUEUES_MAX, sorted by where their bytes go, until every byte
 * from 0 to the end the last piece (MF clear) names has come. Then one
 * buffer gets the first piece's header and every piece's bytes, and
 * ipv4_input goes on with it as if it had come whole.
 *
 *   queue (src, dst, proto, id)    [0,1480)  [1480,2960)  [2960,4008)
 *   frags, sorted by frag_start --> pbuf --> pbuf -------> pbuf (MF=0)
 *   received = 4008 = total: reassemble
 *
 * What the wire may send, and what happens (Linux's rules):
 *   - a piece that ends past 65535, an empty one, or one whose length is
 *     not a multiple of 8 with more to come: dropped (ip_frag_bad);
 *   - a piece exactly like one we hold: dropped, the queue kept
 *     (ip_frag_duplicate);
 *   - a piece that overlaps another any other way, or that contradicts
 *     the end the last piece gave: the whole queue is dropped
 *     (ip_frag_overlap), as RFC 5722 says for IPv6 and Linux does for
 *     both;
 *   - no free queue, or IPFRAG_BYTES_MAX held by all queues together:
 *     the oldest other queues are dropped to make room (ip_frag_evicted);
 *   - a queue still incomplete IPFRAG_TIMEOUT_NS after its first piece:
 *     dropped (ip_frag_timeout), with an ICMP "fragment reassembly time
 *     exceeded" to the sender if the piece at offset 0 had come
 *     (RFC 792, RFC 1122 3.3.2).
 * A kernel task, "ipfrag timer", wakes when the oldest queue's time is
 * up; it sleeps for good while there is no queue.
 *
 * Fragmentation. ipv4_output calls ipv4_fragment_output when a packet
 * does not fit: each piece gets a copy of the header and as many bytes
 * as the MTU holds, rounded down to 8.
 *
 * Locking: the queues, bytes_held and timer_idle are under frag_lock.
 * Nothing is sent and nothing is passed up while it is held (lo delivers
 * what is sent on it at once, which may bring another fragment here).
 * docs/net.md, "Fragments".
 */
#include "net/tcp.h"

struct frag_queue {
	bool used;
	uint32_t src, dst; /* network order */
	uint16_t id;
	uint8_t protocol;
	uint64_t deadline; /* time_ns() when it is dropped */
	struct netdev *dev;
	struct pbuf *frags; /* sorted by frag_start, none overlapping */
	size_t received;    /* bytes of the datagram held */
	size_t total;       /* its length, once the last piece came */
	bool have_last;
	size_t held; /* bytes of buffers it holds (PIECE_COST each) */
};

static struct spinlock frag_lock = SPINLOCK_INIT("ipfrag");
static struct frag_queue queues[IPFRAG_QUEUES_MAX]; /* frag_lock */
static size_t bytes_held; /* frag_lock: all queues' held */
static bool timer_idle;   /* frag_lock */
static struct waitqueue timer_wait = WAITQUEUE_INIT; /* frag_lock */

static size_t header_len_of(const struct pbuf *p)
{
	return (size_t)(p->ip_header[0] & 0xf) * 4;
}

/* What a piece costs to hold: its whole buffer, not just its bytes. */
#define PIECE_COST (sizeof(struct pbuf) + PBUF_HEADROOM + PBUF_DATA_MAX)

/* Put the list in front of *garbage (freed once frag_lock is dropped). */
static void discard(struct pbuf **garbage, struct pbuf *list)
{
	struct pbuf *tail = list;

	if (!list)
		return;
	while (tail->next)
		tail = tail->next;
	tail->next = *garbage;
	*garbage = list;
}

/* Caller holds frag_lock. Take q's pieces off it and free the queue;
 * the pieces, for the caller to free once the lock is dropped. */
static struct pbuf *queue_release(struct frag_queue *q)
{
	struct pbuf *frags = q->frags;

	bytes_held -= q->held;
	*q = (struct frag_queue){ 0 };
	return frags;
}

static void free_list(struct pbuf *p)
{
	while (p) {
		struct pbuf *next = p->next;

		pbuf_free(p);
		p = next;
	}
}

/* Caller holds frag_lock. p's queue, a new one, or NULL if none is free
 * (the caller evicts and asks again). */
static struct frag_queue *queue_find(const struct pbuf *p,
				     const struct ipv4_header *ip, bool create)
{
	struct frag_queue *free_q = NULL;

	for (int i = 0; i < IPFRAG_QUEUES_MAX; i++) {
		struct frag_queue *q = &queues[i];

		if (!q->used) {
			if (!free_q)
				free_q = q;
			continue;
		}
		if (q->src == ip->src && q->dst == ip->dst && q->id == ip->id &&
		    q->protocol == ip->protocol)
			return q;
	}
	if (!create || !free_q)
		return NULL;
	*free_q =
		(struct frag_queue){ .used = true,
				     .src = ip->src,
				     .dst = ip->dst,
				     .id = ip->id,
				     .protocol = ip->protocol,
				     .deadline = time_ns() + IPFRAG_TIMEOUT_NS,
				     .dev = p->dev };
	if (timer_idle)
		wake_up(&timer_wait);
	return free_q;
}

/* Caller holds frag_lock. Drop the oldest queue other than keep: its
 * pieces, or NULL if there is none to drop. */
static struct pbuf *evict_oldest(const struct frag_queue *keep)
{
	struct frag_queue *oldest = NULL;

	for (int i = 0; i < IPFRAG_QUEUES_MAX; i++) {
		if (&queues[i] == keep || !queues[i].used)
			continue;
		if (!oldest || queues[i].deadline < oldest->deadline)
			oldest = &queues[i];
	}
	if (!oldest)
		return NULL;
	net_count(ip_frag_evicted);
	return queue_release(oldest);
}

/* Caller holds frag_lock. Put p in q in its place: 0, or 1 if it is a
 * duplicate (p not taken), or -1 if it contradicts what q holds (the
 * caller drops q). */
static int queue_insert(struct frag_queue *q, struct pbuf *p, bool last)
{
	struct pbuf **link = &q->frags;

	if (last) {
		if ((q->have_last && p->frag_end != q->total) ||
		    p->frag_end < q->received)
			return -1;
	} else if (q->have_last && p->frag_end > q->total) {
		return -1;
	}
	while (*link && (*link)->frag_start < p->frag_start)
		link = &(*link)->next;
	if (*link && (*link)->frag_start == p->frag_start &&
	    (*link)->frag_end == p->frag_end)
		return 1;
	/* The piece before must end by our start, the one after start at
	 * or after our end. */
	if (link != &q->frags) {
		const struct pbuf *prev = q->frags;

		while (prev->next != *link)
			prev = prev->next;
		if (prev->frag_end > p->frag_start)
			return -1;
	}
	if (*link && (*link)->frag_start < p->frag_end)
		return -1;
	p->next = *link;
	*link = p;
	q->received += p->frag_end - p->frag_start;
	if (last) {
		q->have_last = true;
		q->total = p->frag_end;
	}
	return 0;
}

/* Caller holds frag_lock; q holds every byte. The whole datagram (its
 * data at the IPv4 header), or NULL if memory is short; q is freed
 * either way, its pieces put on *garbage. */
static struct pbuf *reassemble(struct frag_queue *q, struct pbuf **garbage)
{
	const struct pbuf *first = q->frags;
	size_t header_len = header_len_of(first);
	struct pbuf *whole = pbuf_alloc(header_len + q->total);

	if (whole) {
		struct ipv4_header *ip = (struct ipv4_header *)whole->data;

		memcpy(whole->data, first->ip_header, header_len);
		for (const struct pbuf *f = q->frags; f; f = f->next)
			memcpy(whole->data + header_len + f->frag_start,
			       f->data, f->frag_end - f->frag_start);
		ip->total_len = htons((uint16_t)(header_len + q->total));
		ip->frag = 0;
		ip->checksum = 0;
		ip->checksum = inet_checksum(ip, header_len, 0);
		whole->dev = q->dev;
		net_count(ip_reassembled);
	} else {
		net_count(ip_frag_evicted);
	}
	discard(garbage, queue_release(q));
	return whole;
}

/* Is p (the IPv4 payload at p->data, p->ip_header set) a piece a
 * datagram may have? Sets its frag_start and frag_end. */
static bool fragment_ok(struct pbuf *p, bool more)
{
	const struct ipv4_header *ip = (const struct ipv4_header *)p->ip_header;
	size_t start = (size_t)(ntohs(ip->frag) & IPV4_FRAG_OFFSET) * 8;
	size_t end = start + p->len;

	if (end > PBUF_LEN_MAX - header_len_of(p) || p->len == 0 ||
	    (more && p->len % 8))
		return false;
	p->frag_start = (uint16_t)start;
	p->frag_end = (uint16_t)end;
	return true;
}

/* Caller holds frag_lock. Make room for one more piece in q: false if
 * even without the other queues it would hold too much (q is dropped). */
static bool make_room(struct frag_queue *q, struct pbuf **garbage)
{
	while (bytes_held + PIECE_COST > IPFRAG_BYTES_MAX) {
		struct pbuf *old = evict_oldest(q);

		if (!old) {
			net_count(ip_frag_evicted);
			discard(garbage, queue_release(q));
			return false;
		}
		discard(garbage, old);
	}
	return true;
}

struct pbuf *ipv4_frag_input(struct pbuf *p)
{
	const struct ipv4_header *ip = (const struct ipv4_header *)p->ip_header;
	bool more = ntohs(ip->frag) & IPV4_FLAG_MF;
	struct pbuf *garbage = NULL, *whole = NULL;
	struct frag_queue *q;
	int r;

	net_count(ip_frag_received);
	p->next = NULL;
	if (!fragment_ok(p, more)) {
		net_count(ip_frag_bad);
		pbuf_free(p);
		return NULL;
	}
	spin_lock(&frag_lock);
	q = queue_find(p, ip, true);
	if (!q) {
		discard(&garbage, evict_oldest(NULL));
		q = queue_find(p, ip, true);
	}
	if (!make_room(q, &garbage)) {
		discard(&garbage, p);
		goto out;
	}
	r = queue_insert(q, p, !more);
	if (r == 1) {
		net_count(ip_frag_duplicate);
		discard(&garbage, p);
	} else if (r < 0) {
		net_count(ip_frag_overlap);
		discard(&garbage, queue_release(q));
		discard(&garbage, p);
	} else {
		q->held += PIECE_COST;
		bytes_held += PIECE_COST;
		if (q->have_last && q->received == q->total)
			whole = reassemble(q, &garbage);
	}
out:
	spin_unlock(&frag_lock);
	free_list(garbage);
	return whole;
}

/* ---- the timer ----------------------------------------------------------- */

void ipv4_frag_expire(uint64_t now)
{
	struct pbuf *firsts = NULL, *garbage = NULL;

	spin_lock(&frag_lock);
	for (int i = 0; i < IPFRAG_QUEUES_MAX; i++) {
		struct frag_queue *q = &queues[i];
		struct pbuf *pieces;

		if (!q->used || q->deadline > now)
			continue;
		net_count(ip_frag_timeout);
		pieces = queue_release(q);
		/* The first piece quotes the datagram in the ICMP error. */
		if (pieces->frag_start == 0) {
			struct pbuf *first = pieces;

			pieces = pieces->next;
			first->next = firsts;
			firsts = first;
		}
		discard(&garbage, pieces);
	}
	spin_unlock(&frag_lock);
	while (firsts) {
		struct pbuf *p = firsts;

		firsts = p->next;
		icmp_send_error(p, ICMP_TIME_EXCEEDED, ICMP_FRAG_TIME_EXCEEDED);
		pbuf_free(p);
	}
	free_list(garbage);
}

unsigned int ipv4_frag_queues(void)
{
	unsigned int n = 0;

	spin_lock(&frag_lock);
	for (int i = 0; i < IPFRAG_QUEUES_MAX; i++)
		n += queues[i].used;
	spin_unlock(&frag_lock);
	return n;
}

/* "ipfrag timer": drops the queues whose time is up, sleeping until the
 * next one's, or until a queue is made when there is none. */
static void timer_task(void *arg)
{
	(void)arg;
	for (;;) {
		uint64_t next = 0;

		spin_lock(&frag_lock);
		for (int i = 0; i < IPFRAG_QUEUES_MAX; i++)
			if (queues[i].used &&
			    (!next || queues[i].deadline < next))
				next = queues[i].deadline;
		if (next) {
			sleep_on_until(&timer_wait, &frag_lock, next);
		} else {
			timer_idle = true;
			sleep_on(&timer_wait, &frag_lock);
			timer_idle = false;
		}
		spin_unlock(&frag_lock);
		ipv4_frag_expire(time_ns());
	}
}

void ipv4_frag_start(void)
{
	if (!task_spawn("ipfrag timer", timer_task, NULL))
		panic("ipfrag: cannot start the timer task");
}

/* ---- fragmentation ------------------------------------------------------- */

int ipv4_fragment_output(struct netdev *dev, struct pbuf *p, uint32_t next_hop)
{
	const struct ipv4_header *ip = (const struct ipv4_header *)p->data;
	size_t header_len = (size_t)(ip->version_ihl & 0xf) * 4;
	size_t chunk = (dev->mtu - header_len) & ~(size_t)7;
	size_t data_len = p->len - header_len;

	for (size_t off = 0; off < data_len; off += chunk) {
		size_t n = MIN(chunk, data_len - off);
		struct ipv4_header *h;
		struct pbuf *q = pbuf_alloc(header_len + n);

		if (!q) {
			pbuf_free(p);
			return -ENOBUFS;
		}
		memcpy(q->data, p->data, header_len);
		memcpy(q->data + header_len, p->data + header_len + off, n);
		h = (struct ipv4_header *)q->data;
		h->total_len = htons((uint16_t)(header_len + n));
		h->frag = htons((uint16_t)(off / 8) |
				(off + n < data_len ? IPV4_FLAG_MF : 0));
		h->checksum = 0;
		h->checksum = inet_checksum(h, header_len, 0);
		net_count(ip_frags_created);
		net_count(ip_out_transmits);
		arp_output(dev, q, next_hop);
	}
	pbuf_free(p);
	return 0;
}
