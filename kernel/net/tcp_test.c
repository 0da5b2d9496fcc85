/*
 * ktests of suite net for TCP: sequence arithmetic, and the state machine driven by
 * crafted segments. A "peer" at 127.0.0.2 is played by the test: its
 * segments are built here and fed to lo's receive path; what TCP answers
 * is caught on tcp_capture instead of being sent, and checked field by
 * field. The timer task is held off (tcp_timers_frozen) so that no timer
 * sends anything between two steps; timers are run by hand with a time
 * of the test's choosing. docs/net.md, "Testing".
 */
#include "lib/ktest.h"
#include "net/tcp.h"

#define PEER IPV4(127, 0, 0, 2)
#define PEER_PORT 5000
#define OUR_PORT 7777

KTEST(net, tcp_sequence_arithmetic)
{
	KT_ASSERT(seq_lt(1, 2), "1 < 2");
	KT_ASSERT(!seq_lt(2, 2), "not 2 < 2");
	KT_ASSERT(seq_leq(2, 2), "2 <= 2");
	/* Across the wrap: 0xfffffff0 comes before 0x10. */
	KT_ASSERT(seq_lt(0xfffffff0u, 0x10), "wrap");
	KT_ASSERT(seq_gt(0x10, 0xfffffff0u), "wrap, the other way");
	KT_ASSERT(seq_geq(0x10, 0xfffffff0u), "wrap, geq");
	/* Half the space away is "after"; just over it is "before". */
	KT_ASSERT(seq_lt(0, 0x7fffffffu), "2^31 - 1 ahead");
	KT_ASSERT(seq_gt(0, 0x80000001u), "2^31 + 1 ahead is behind");
	KT_ASSERT(seq_in(0xfffffffeu, 0xfffffffdu, 0x2), "in, wrapping");
	KT_ASSERT(!seq_in(0x2, 0xfffffffdu, 0x2), "end excluded");
	KT_ASSERT(seq_in(0xfffffffdu, 0xfffffffdu, 0x2), "start included");
}

static struct pbuf *captured;
static uint16_t feed_port = PEER_PORT; /* the peer's port */
static uint16_t feed_window = 8192;    /* the window it offers */
static int feed_wscale = -1;           /* its SYN's window shift, or none */

/* The peer's segment: flags, seq, ack, optional MSS, len bytes of data;
 * fed through lo. Every checksum right unless bad_sum. */
static void feed(uint8_t flags, uint32_t seq, uint32_t ack, uint16_t mss,
		 const char *data, size_t len, bool bad_sum)
{
	size_t opt = mss ? (feed_wscale >= 0 ? 8 : 4) : 0;
	size_t tcp_len = TCP_HEADER_LEN + opt + len;
	struct pbuf *p = pbuf_alloc(ETH_HEADER_LEN + IPV4_HEADER_LEN + tcp_len);
	struct ipv4_header *ip;
	struct tcp_header *h;

	if (!p)
		return;
	memset(p->data, 0, p->len);
	((struct eth_header *)p->data)->type = htons(ETHERTYPE_IPV4);
	ip = (struct ipv4_header *)(p->data + ETH_HEADER_LEN);
	ip->version_ihl = 0x45;
	ip->total_len = htons((uint16_t)(IPV4_HEADER_LEN + tcp_len));
	ip->ttl = 64;
	ip->protocol = IPPROTO_TCP;
	ip->src = PEER;
	ip->dst = IPV4_LOOPBACK;
	ip->checksum = inet_checksum(ip, IPV4_HEADER_LEN, 0);
	h = (struct tcp_header *)(ip + 1);
	h->src_port = htons(feed_port);
	h->dst_port = htons(OUR_PORT);
	h->seq = htonl(seq);
	h->ack = htonl(ack);
	h->offset = (uint8_t)((TCP_HEADER_LEN + opt) / 4 << 4);
	h->flags = flags;
	h->window = htons(feed_window);
	if (mss) {
		uint8_t *o = (uint8_t *)(h + 1);

		o[0] = TCP_OPT_MSS;
		o[1] = 4;
		o[2] = (uint8_t)(mss >> 8);
		o[3] = (uint8_t)mss;
		if (feed_wscale >= 0) {
			o[4] = TCP_OPT_NOP;
			o[5] = TCP_OPT_WSCALE;
			o[6] = 3;
			o[7] = (uint8_t)feed_wscale;
		}
	}
	memcpy((uint8_t *)h + TCP_HEADER_LEN + opt, data, len);
	h->checksum =
		inet_checksum(h, tcp_len,
			      inet_pseudo_sum(PEER, IPV4_LOOPBACK, IPPROTO_TCP,
					      (uint16_t)tcp_len));
	if (bad_sum)
		h->checksum ^= 0x100;
	netdev_receive(netdev_loopback(), p);
}

/* The next segment TCP sent, or NULL; the caller frees it. */
static struct pbuf *take(void)
{
	struct pbuf *p;

	spin_lock(&tcp_lock);
	p = captured;
	if (p)
		captured = p->next;
	tcp_unlock();
	return p;
}

static const struct tcp_header *hdr(const struct pbuf *p)
{
	return (const struct tcp_header *)p->data;
}

static size_t seg_data(const struct pbuf *p)
{
	return p->len - (size_t)(hdr(p)->offset >> 4) * 4;
}

static void drain(void)
{
	struct pbuf *p;

	while ((p = take()))
		pbuf_free(p);
}

static void capture(bool on)
{
	spin_lock(&tcp_lock);
	tcp_capture = on ? &captured : NULL;
	tcp_timers_frozen = on;
	tcp_unlock();
}

static enum tcp_state state_of(struct tcb *t)
{
	enum tcp_state s;

	spin_lock(&tcp_lock);
	s = t->state;
	tcp_unlock();
	return s;
}

#define COUNT(field) __atomic_load_n(&tcp_counters.field, __ATOMIC_RELAXED)

/* Expect one segment with exactly these flags and ack (ack checked when
 * the segment has ACK); returns its sequence number. */
#define EXPECT(flags_, ack_)                                                 \
	({                                                                   \
		struct pbuf *p_ = take();                                    \
		uint32_t seq_;                                               \
		KT_ASSERT(p_ != NULL, "no segment sent");                    \
		KT_ASSERT_EQ(hdr(p_)->flags, (flags_));                      \
		if ((flags_)&TCP_ACK)                                        \
			KT_ASSERT_EQ(ntohl(hdr(p_)->ack), (uint32_t)(ack_)); \
		seq_ = ntohl(hdr(p_)->seq);                                  \
		pbuf_free(p_);                                               \
		seq_;                                                        \
	})

KTEST(net, tcp_passive_open_data_and_close)
{
	uint64_t live = pbuf_live(), before;
	struct tcb *l = tcp_usr_create(), *c = NULL;
	uint32_t iss;
	struct pbuf *p;

	KT_ASSERT(l != NULL, "out of memory");
	KT_ASSERT_EQ(tcp_usr_bind(l, IPV4_LOOPBACK, htons(OUR_PORT)), 0);
	KT_ASSERT_EQ(tcp_usr_listen(l, 1), 0);
	capture(true);

	/* LISTEN + SYN -> SYN_RECEIVED, our SYN-ACK with our MSS. */
	feed(TCP_SYN, 1000, 0, 1000, NULL, 0, false);
	p = take();
	KT_ASSERT(p != NULL, "no SYN-ACK");
	KT_ASSERT_EQ(hdr(p)->flags, TCP_SYN | TCP_ACK);
	KT_ASSERT_EQ(ntohl(hdr(p)->ack), 1001);
	KT_ASSERT_EQ(hdr(p)->offset >> 4, 6); /* with the MSS option */
	KT_ASSERT_EQ(seg_data(p), 0);
	iss = ntohl(hdr(p)->seq);
	pbuf_free(p);
	/* The peer's SYN again (our SYN-ACK was lost): SYN-ACK again. */
	feed(TCP_SYN, 1000, 0, 1000, NULL, 0, false);
	KT_ASSERT_EQ(EXPECT(TCP_SYN | TCP_ACK, 1001), iss);

	/* SYN_RECEIVED + ACK -> ESTABLISHED, on the accept queue. */
	feed(TCP_ACK, 1001, iss + 1, 0, NULL, 0, false);
	KT_ASSERT(take() == NULL, "answered the handshake's ACK");
	KT_ASSERT_EQ(tcp_usr_accept(l, true, &c), 0);
	KT_ASSERT_EQ(state_of(c), TCP_ESTABLISHED);
	KT_ASSERT_EQ(c->mss, 1000);

	/* One segment: the ACK is delayed; a second: ACK at once. */
	feed(TCP_ACK | TCP_PSH, 1001, iss + 1, 0, "hello", 5, false);
	KT_ASSERT(take() == NULL, "ACKed the first segment at once");
	KT_ASSERT(c->delack_at != 0, "no delayed ACK armed");
	feed(TCP_ACK | TCP_PSH, 1006, iss + 1, 0, "world", 5, false);
	EXPECT(TCP_ACK, 1011);
	KT_ASSERT_EQ(tcp_usr_readable(c), 10);

	/* Out of order: kept, and a duplicate ACK tells of the gap. */
	feed(TCP_ACK, 1016, iss + 1, 0, "67890", 5, false);
	EXPECT(TCP_ACK, 1011);
	KT_ASSERT_EQ(c->ooo_count, 1);
	feed(TCP_ACK, 1011, iss + 1, 0, "12345", 5, false);
	EXPECT(TCP_ACK, 1021);
	KT_ASSERT_EQ(tcp_usr_readable(c), 20);
	KT_ASSERT_EQ(c->ooo_count, 0);

	/* Old data again: acknowledged, not taken twice. */
	feed(TCP_ACK, 1001, iss + 1, 0, "hello", 5, false);
	EXPECT(TCP_ACK, 1021);
	KT_ASSERT_EQ(tcp_usr_readable(c), 20);

	/* A RST not at RCV.NXT: only a challenge ACK (RFC 5961). */
	feed(TCP_RST, 1025, 0, 0, NULL, 0, false);
	EXPECT(TCP_ACK, 1021);
	KT_ASSERT_EQ(state_of(c), TCP_ESTABLISHED);
	/* An ACK for data never sent: ACKed and dropped. */
	before = COUNT(bad_ack);
	feed(TCP_ACK, 1021, iss + 100, 0, NULL, 0, false);
	EXPECT(TCP_ACK, 1021);
	KT_ASSERT_EQ(COUNT(bad_ack), before + 1);

	/* The peer's FIN -> CLOSE_WAIT, ACKed. */
	feed(TCP_ACK | TCP_FIN, 1021, iss + 1, 0, NULL, 0, false);
	EXPECT(TCP_ACK, 1022);
	KT_ASSERT_EQ(state_of(c), TCP_CLOSE_WAIT);

	/* Our close, the data read: CLOSE_WAIT -> LAST_ACK with our FIN;
	 * its ACK -> CLOSED, and the tcb is gone. */
	spin_lock(&tcp_lock);
	tcp_ring_drop(&c->rcv, c->rcv.len);
	tcp_unlock();
	tcp_usr_close(c);
	EXPECT(TCP_FIN | TCP_ACK, 1022);
	feed(TCP_ACK, 1022, iss + 2, 0, NULL, 0, false);
	spin_lock(&tcp_lock);
	KT_ASSERT(tcp_lookup(IPV4_LOOPBACK, htons(OUR_PORT), PEER,
			     htons(PEER_PORT)) == l,
		  "the connection is still there");
	tcp_unlock();

	/* The backlog (1): with one connection in SYN_RECEIVED, the next
	 * SYN is dropped, counted, unanswered. */
	feed_port = PEER_PORT + 1;
	feed(TCP_SYN, 9000, 0, 0, NULL, 0, false);
	EXPECT(TCP_SYN | TCP_ACK, 9001);
	before = COUNT(listen_overflow);
	feed_port = PEER_PORT + 2;
	feed(TCP_SYN, 9500, 0, 0, NULL, 0, false);
	KT_ASSERT(take() == NULL, "answered a SYN beyond the backlog");
	KT_ASSERT_EQ(COUNT(listen_overflow), before + 1);
	feed_port = PEER_PORT;

	/* A segment for the closed connection reaches the listener, which
	 * takes no ACK: a RST answers, its sequence number the segment's
	 * ACK. */
	before = COUNT(bad_ack);
	feed(TCP_ACK, 1022, iss + 2, 0, "x", 1, false);
	KT_ASSERT_EQ(EXPECT(TCP_RST, 0), iss + 2);
	KT_ASSERT_EQ(COUNT(bad_ack), before + 1);
	before = COUNT(no_socket);
	/* Closing the listener resets the connection it had not handed
	 * out; then its port is closed: a SYN gets RST-ACK. */
	tcp_usr_close(l);
	EXPECT(TCP_RST | TCP_ACK, 9001);
	feed(TCP_SYN, 7000, 0, 0, NULL, 0, false);
	KT_ASSERT_EQ(EXPECT(TCP_RST | TCP_ACK, 7001), 0);
	KT_ASSERT_EQ(COUNT(no_socket), before + 1);
	capture(false);
	KT_ASSERT_EQ(pbuf_live(), live);
}

KTEST(net, tcp_bad_segments)
{
	uint64_t live = pbuf_live(), before;
	static const uint8_t loop_opt[] = { TCP_OPT_MSS, 0 }; /* length 0 */
	struct pbuf *p;

	capture(true);
	before = COUNT(bad_checksum);
	feed(TCP_SYN, 1, 0, 0, NULL, 0, true);
	KT_ASSERT_EQ(COUNT(bad_checksum), before + 1);
	/* Shorter than a header. */
	before = COUNT(bad_header);
	feed(TCP_SYN, 1, 0, 0, NULL, 0, false);
	drain(); /* (that one was fine: a RST for a closed port) */
	p = pbuf_alloc(ETH_HEADER_LEN + IPV4_HEADER_LEN + 10);
	KT_ASSERT(p != NULL, "out of memory");
	memset(p->data, 0, p->len);
	{
		struct ipv4_header *ip =
			(struct ipv4_header *)(p->data + ETH_HEADER_LEN);

		((struct eth_header *)p->data)->type = htons(ETHERTYPE_IPV4);
		ip->version_ihl = 0x45;
		ip->total_len = htons(IPV4_HEADER_LEN + 10);
		ip->ttl = 64;
		ip->protocol = IPPROTO_TCP;
		ip->src = PEER;
		ip->dst = IPV4_LOOPBACK;
		ip->checksum = inet_checksum(ip, IPV4_HEADER_LEN, 0);
	}
	netdev_receive(netdev_loopback(), p);
	KT_ASSERT_EQ(COUNT(bad_header), before + 1);
	/* An option whose length is 0 would loop for ever: refused. The
	 * MSS slot of feed() is patched into such an option. */
	before = COUNT(bad_header);
	{
		size_t tcp_len = TCP_HEADER_LEN + 4;
		struct ipv4_header *ip;
		struct tcp_header *h;

		p = pbuf_alloc(ETH_HEADER_LEN + IPV4_HEADER_LEN + tcp_len);
		KT_ASSERT(p != NULL, "out of memory");
		memset(p->data, 0, p->len);
		((struct eth_header *)p->data)->type = htons(ETHERTYPE_IPV4);
		ip = (struct ipv4_header *)(p->data + ETH_HEADER_LEN);
		ip->version_ihl = 0x45;
		ip->total_len = htons((uint16_t)(IPV4_HEADER_LEN + tcp_len));
		ip->ttl = 64;
		ip->protocol = IPPROTO_TCP;
		ip->src = PEER;
		ip->dst = IPV4_LOOPBACK;
		ip->checksum = inet_checksum(ip, IPV4_HEADER_LEN, 0);
		h = (struct tcp_header *)(ip + 1);
		h->dst_port = htons(OUR_PORT);
		h->offset = 6 << 4;
		h->flags = TCP_SYN;
		memcpy(h + 1, loop_opt, sizeof(loop_opt));
		h->checksum = inet_checksum(h, tcp_len,
					    inet_pseudo_sum(PEER, IPV4_LOOPBACK,
							    IPPROTO_TCP,
							    (uint16_t)tcp_len));
		netdev_receive(netdev_loopback(), p);
	}
	KT_ASSERT_EQ(COUNT(bad_header), before + 1);
	KT_ASSERT(take() == NULL, "answered a malformed segment");
	capture(false);
	KT_ASSERT_EQ(pbuf_live(), live);
}

/* Both ends open at once, and close at once (RFC 9293 figures 7 and
 * 13): SYN_SENT -> SYN_RECEIVED -> ESTABLISHED -> FIN_WAIT_1 -> CLOSING
 * -> TIME_WAIT -> CLOSED. */
KTEST(net, tcp_simultaneous_open_and_close)
{
	uint64_t live = pbuf_live();
	struct tcb *conn = tcp_usr_create();
	uint32_t iss;

	KT_ASSERT(conn != NULL, "out of memory");
	capture(true);
	KT_ASSERT_EQ(tcp_usr_bind(conn, IPV4_LOOPBACK, htons(OUR_PORT)), 0);
	KT_ASSERT_EQ(tcp_usr_connect(conn, PEER, htons(PEER_PORT), true),
		     -EINPROGRESS);
	iss = EXPECT(TCP_SYN, 0);
	KT_ASSERT_EQ(state_of(conn), TCP_SYN_SENT);
	feed(TCP_SYN, 3000, 0, 1200, NULL, 0, false); /* theirs crosses */
	KT_ASSERT_EQ(state_of(conn), TCP_SYN_RECEIVED);
	KT_ASSERT_EQ(EXPECT(TCP_SYN | TCP_ACK, 3001), iss);
	feed(TCP_SYN | TCP_ACK, 3000, iss + 1, 1200, NULL, 0, false);
	KT_ASSERT_EQ(state_of(conn), TCP_ESTABLISHED);
	drain();
	/* Both send FIN before seeing the other's. */
	KT_ASSERT_EQ(tcp_usr_shutdown(conn, 1), 0);
	EXPECT(TCP_FIN | TCP_ACK, 3001);
	KT_ASSERT_EQ(state_of(conn), TCP_FIN_WAIT_1);
	feed(TCP_FIN | TCP_ACK, 3001, iss + 1, 0, NULL, 0, false);
	KT_ASSERT_EQ(state_of(conn), TCP_CLOSING);
	EXPECT(TCP_ACK, 3002);
	feed(TCP_ACK, 3002, iss + 2, 0, NULL, 0, false);
	KT_ASSERT_EQ(state_of(conn), TCP_TIME_WAIT);
	/* 2 MSL later, CLOSED. */
	spin_lock(&tcp_lock);
	tcp_timers_run(time_ns() + (TCP_TIME_WAIT_MS + 1000) * NS_PER_MS);
	tcp_unlock();
	KT_ASSERT_EQ(state_of(conn), TCP_CLOSED);
	tcp_usr_close(conn);
	drain();
	capture(false);
	KT_ASSERT_EQ(pbuf_live(), live);
}

/* The retransmission timer: SYN resent with the RTO doubled each time,
 * then ETIMEDOUT after TCP_SYN_RETRIES. */
KTEST(net, tcp_syn_retransmission_and_timeout)
{
	uint64_t live = pbuf_live(), now = time_ns();
	struct tcb *conn = tcp_usr_create();
	uint32_t rto;

	KT_ASSERT(conn != NULL, "out of memory");
	capture(true);
	KT_ASSERT_EQ(tcp_usr_connect(conn, PEER, htons(PEER_PORT), true),
		     -EINPROGRESS);
	EXPECT(TCP_SYN, 0);
	rto = conn->rto_ms;
	KT_ASSERT_EQ(rto, TCP_RTO_INITIAL_MS);
	for (int i = 0; i < TCP_SYN_RETRIES; i++) {
		now += (uint64_t)(rto << i) * NS_PER_MS + 100 * NS_PER_MS;
		spin_lock(&tcp_lock);
		tcp_timers_run(now);
		tcp_unlock();
		EXPECT(TCP_SYN, 0);
		KT_ASSERT_EQ(conn->rto_ms,
			     MIN(rto << (i + 1), (uint32_t)TCP_RTO_MAX_MS));
	}
	now += (uint64_t)TCP_RTO_MAX_MS * NS_PER_MS + 100 * NS_PER_MS;
	spin_lock(&tcp_lock);
	tcp_timers_run(now);
	tcp_unlock();
	KT_ASSERT_EQ(state_of(conn), TCP_CLOSED);
	KT_ASSERT_EQ(tcp_usr_take_error(conn), ETIMEDOUT);
	KT_ASSERT(take() == NULL, "sent something after giving up");
	tcp_usr_close(conn);
	capture(false);
	KT_ASSERT_EQ(pbuf_live(), live);
}

/* The next segment sent must be data at seq, n bytes long. */
#define EXPECT_DATA(seq_, n_)                                        \
	do {                                                         \
		struct pbuf *p_ = take();                            \
		KT_ASSERT(p_ != NULL, "no segment sent");            \
		KT_ASSERT_EQ(ntohl(hdr(p_)->seq), (uint32_t)(seq_)); \
		KT_ASSERT_EQ(seg_data(p_), (size_t)(n_));            \
		pbuf_free(p_);                                       \
	} while (0)

/* Queue n bytes to send, as a write would, and let TCP send. */
static void queue_bytes(struct tcb *t, size_t n)
{
	static uint8_t bytes[1000];

	spin_lock(&tcp_lock);
	tcp_ring_put(&t->snd, bytes, MIN(n, sizeof(bytes)));
	tcp_output(t);
	tcp_unlock();
}

static void run_timers_at(uint64_t when)
{
	spin_lock(&tcp_lock);
	tcp_timers_run(when);
	tcp_unlock();
}

/* The sender (RFC 5681, 6582, 6298, 9293 3.8.6.1): the initial window of
 * 4 segments of a 100-byte MSS, slow start, fast retransmit on the third
 * duplicate ACK and the end of recovery, a retransmission timeout going
 * back to one segment, and a zero window probed. */
KTEST(net, tcp_congestion_and_probes)
{
	uint64_t live = pbuf_live(), before;
	struct tcb *conn = tcp_usr_create();
	uint32_t iss, rto;

	KT_ASSERT(conn != NULL, "out of memory");
	capture(true);
	KT_ASSERT_EQ(tcp_usr_bind(conn, IPV4_LOOPBACK, htons(OUR_PORT)), 0);
	KT_ASSERT_EQ(tcp_usr_connect(conn, PEER, htons(PEER_PORT), true),
		     -EINPROGRESS);
	iss = EXPECT(TCP_SYN, 0);
	feed(TCP_SYN | TCP_ACK, 5000, iss + 1, 100, NULL, 0, false);
	KT_ASSERT_EQ(state_of(conn), TCP_ESTABLISHED);
	EXPECT(TCP_ACK, 5001);
	KT_ASSERT_EQ(conn->mss, 100);
	KT_ASSERT_EQ(conn->cwnd, 400); /* RFC 5681's initial window */

	/* 1000 bytes: the first cwnd's worth goes, 4 segments. */
	queue_bytes(conn, 1000);
	for (int i = 0; i < 4; i++)
		EXPECT_DATA(iss + 1 + 100 * i, 100);
	KT_ASSERT(take() == NULL, "sent beyond cwnd");
	/* One ACK: slow start opens cwnd by an MSS, two segments go. */
	feed(TCP_ACK, 5001, iss + 101, 0, NULL, 0, false);
	KT_ASSERT_EQ(conn->cwnd, 500);
	EXPECT_DATA(iss + 401, 100);
	EXPECT_DATA(iss + 501, 100);
	KT_ASSERT(take() == NULL, "sent beyond cwnd");

	/* Three duplicate ACKs: the segment after it is resent at once. */
	before = COUNT(fast_retransmits);
	for (int i = 0; i < 3; i++)
		feed(TCP_ACK, 5001, iss + 101, 0, NULL, 0, false);
	EXPECT_DATA(iss + 101, 100);
	KT_ASSERT(take() == NULL, "more than the retransmission");
	KT_ASSERT_EQ(COUNT(fast_retransmits), before + 1);
	KT_ASSERT(conn->in_recovery, "not in fast recovery");
	KT_ASSERT_EQ(conn->ssthresh, 250); /* half of 500 in flight */
	/* All acknowledged: recovery ends, cwnd deflates, data goes on. */
	feed(TCP_ACK, 5001, iss + 601, 0, NULL, 0, false);
	KT_ASSERT(!conn->in_recovery, "still in recovery");
	EXPECT_DATA(iss + 601, 100);

	/* That segment is lost: the retransmission timer resends it and
	 * doubles the RTO (backoff), with cwnd one segment. */
	before = COUNT(timeouts);
	rto = conn->rto_ms;
	run_timers_at(time_ns() + (uint64_t)(rto + 100) * NS_PER_MS);
	EXPECT_DATA(iss + 601, 100);
	KT_ASSERT_EQ(COUNT(timeouts), before + 1);
	KT_ASSERT_EQ(conn->rto_ms, MIN(2 * rto, (uint32_t)TCP_RTO_MAX_MS));
	KT_ASSERT_EQ(conn->cwnd, 100);

	/* Acknowledged, but the window is now zero: nothing is sent, and
	 * the persist timer probes just below the window. */
	feed_window = 0;
	feed(TCP_ACK, 5001, iss + 701, 0, NULL, 0, false);
	KT_ASSERT(take() == NULL, "sent into a zero window");
	KT_ASSERT(conn->persist_at != 0, "no persist timer");
	before = COUNT(persist_probes);
	run_timers_at(conn->persist_at + NS_PER_MS);
	KT_ASSERT_EQ(EXPECT(TCP_ACK, 5001), iss + 700);
	KT_ASSERT_EQ(COUNT(persist_probes), before + 1);
	/* The window opens: data flows again. */
	feed_window = 8192;
	feed(TCP_ACK, 5001, iss + 701, 0, NULL, 0, false);
	EXPECT_DATA(iss + 701, 100);
	drain();

	/* A RST at RCV.NXT ends it: ECONNRESET. */
	feed(TCP_RST, 5001, 0, 0, NULL, 0, false);
	KT_ASSERT_EQ(state_of(conn), TCP_CLOSED);
	KT_ASSERT_EQ(tcp_usr_take_error(conn), ECONNRESET);
	tcp_usr_close(conn);
	drain();
	capture(false);
	KT_ASSERT_EQ(pbuf_live(), live);
}

/* RFC 7323 window scaling: a SYN offering a shift gets ours back (the
 * 128 KiB receive buffer needs a shift of 2, 65535 being the most 16
 * bits say); then the peer's windows are
 * scaled up by its shift and ours down by ours. */
KTEST(net, tcp_window_scale)
{
	uint64_t live = pbuf_live();
	struct tcb *l = tcp_usr_create(), *c = NULL;
	const uint8_t *o;
	struct pbuf *p;
	uint32_t iss;

	KT_ASSERT(l != NULL, "out of memory");
	KT_ASSERT_EQ(tcp_usr_bind(l, IPV4_LOOPBACK, htons(OUR_PORT)), 0);
	KT_ASSERT_EQ(tcp_usr_listen(l, 1), 0);
	capture(true);
	feed_wscale = 2;
	feed(TCP_SYN, 1000, 0, 1000, NULL, 0, false);
	feed_wscale = -1;
	p = take();
	KT_ASSERT(p != NULL, "no SYN-ACK");
	KT_ASSERT_EQ(hdr(p)->flags, TCP_SYN | TCP_ACK);
	KT_ASSERT_EQ(hdr(p)->offset >> 4, 7); /* MSS, NOP, window scale */
	o = p->data + TCP_HEADER_LEN;
	KT_ASSERT(o[4] == TCP_OPT_NOP && o[5] == TCP_OPT_WSCALE && o[6] == 3,
		  "no window scale option");
	KT_ASSERT_EQ(o[7], 2);
	iss = ntohl(hdr(p)->seq);
	pbuf_free(p);
	feed_window = 100; /* 400 bytes, scaled by 2 */
	feed(TCP_ACK, 1001, iss + 1, 0, NULL, 0, false);
	feed_window = 8192;
	KT_ASSERT_EQ(tcp_usr_accept(l, true, &c), 0);
	KT_ASSERT_EQ(c->snd_wnd, 400);
	KT_ASSERT(c->wscale_ok && c->rcv_wscale == 2, "not scaling");
	/* Our ACK's window, in units of 4 bytes, says more than 64 KiB. */
	feed(TCP_ACK | TCP_PSH, 1001, iss + 1, 0, "a", 1, false);
	feed(TCP_ACK | TCP_PSH, 1002, iss + 1, 0, "b", 1, false);
	p = take();
	KT_ASSERT(p != NULL, "no ACK");
	KT_ASSERT((uint32_t)ntohs(hdr(p)->window) << 2 > 65535,
		  "window not scaled");
	pbuf_free(p);
	feed(TCP_RST, 1003, 0, 0, NULL, 0, false);
	tcp_usr_close(c);
	tcp_usr_close(l);
	drain();
	capture(false);
	KT_ASSERT_EQ(pbuf_live(), live);
}
