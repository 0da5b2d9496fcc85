/*
 * TCP input: a segment arrives (RFC 9293 section 3.10.7, "SEGMENT
 * ARRIVES", followed step by step). tcp_input checks the header and finds
 * the tcb; then one function per group of states:
 *
 *   no tcb / CLOSED   closed_input     answer with a RST
 *   LISTEN            listen_input     a SYN makes a child in SYN_RECEIVED
 *   SYN_SENT          syn_sent_input   SYN-ACK: ESTABLISHED; SYN alone:
 *                                      simultaneous open, SYN_RECEIVED
 *   all the others    synced_input     1 sequence check, 2 RST, 3 SYN,
 *                                      4 ACK (ack_input), 5 data
 *                                      (data_input), 6 FIN (fin_input)
 *
 * Every segment not taken is counted with its reason (tcp_counters) and
 * freed here; nothing a peer sends can make the stack panic or keep a
 * buffer.
 */
#include "net/tcp.h"

/* A received segment, its header fields in host order. */
struct seg {
	struct pbuf *p; /* p->data: the payload */
	const struct tcp_header *h;
	uint32_t seq, ack, wnd, len; /* len: payload + SYN + FIN */
	size_t data_len;
	uint8_t flags;
	uint16_t mss; /* 0: no MSS option */
	int wscale;   /* -1: no window scale option */
};

/* ---- RTT and the congestion window --------------------------------------- */

void tcp_rtt_sample(struct tcb *t, uint64_t rtt_us)
{
	int64_t r = (int64_t)rtt_us;
	int64_t rto;

	if (t->srtt_us == 0) { /* the first measurement (RFC 6298 2.2) */
		t->srtt_us = r ? r : 1;
		t->rttvar_us = r / 2;
	} else { /* 2.3, alpha 1/8 and beta 1/4 */
		int64_t d = t->srtt_us > r ? t->srtt_us - r : r - t->srtt_us;

		t->rttvar_us = (3 * t->rttvar_us + d) / 4;
		t->srtt_us = (7 * t->srtt_us + r) / 8;
	}
	rto = (t->srtt_us + MAX(10000, 4 * t->rttvar_us)) / 1000;
	t->rto_ms = (uint32_t)MIN(MAX(rto, TCP_RTO_MIN_MS), TCP_RTO_MAX_MS);
}

/* New data acknowledged (RFC 5681 3.1, RFC 6582 for recovery). */
static void cwnd_on_ack(struct tcb *t, uint32_t acked, uint32_t ack)
{
	if (t->in_recovery) {
		if (seq_geq(ack, t->recover)) { /* full ACK: recovery ends */
			t->in_recovery = false;
			t->cwnd = MIN(t->ssthresh, (t->snd_max - ack) + t->mss);
		} else { /* partial ACK: resend the next hole at once */
			tcp_send_segment(t, 0, ack,
					 MIN((size_t)t->mss, t->snd.len));
			tcp_count(retransmits);
			t->cwnd = t->cwnd > acked ? t->cwnd - acked : t->mss;
			t->cwnd += t->mss;
			tcp_rearm_rexmit(t);
		}
		return;
	}
	if (t->cwnd < t->ssthresh) /* slow start */
		t->cwnd += MIN(acked, (uint32_t)t->mss);
	else /* congestion avoidance: about one MSS per RTT */
		t->cwnd += MAX(1u, (uint32_t)t->mss * t->mss / t->cwnd);
}

/* The third duplicate ACK: fast retransmit, then fast recovery. */
static void fast_retransmit(struct tcb *t)
{
	uint32_t flight = t->snd_max - t->snd_una;

	t->ssthresh = MAX(flight / 2, 2u * t->mss);
	t->recover = t->snd_max;
	t->in_recovery = true;
	t->rtt_timing = false; /* Karn */
	tcp_send_segment(t, 0, t->snd_una, MIN((size_t)t->mss, t->snd.len));
	tcp_count(fast_retransmits);
	t->cwnd = t->ssthresh + 3u * t->mss;
	tcp_rearm_rexmit(t);
}

/* ---- options ---------------------------------------------------------------- */

/* Walk the options: false if they run past the header. */
static bool parse_options(const uint8_t *o, size_t n, struct seg *s)
{
	size_t i = 0;

	while (i < n) {
		size_t len;

		if (o[i] == TCP_OPT_END)
			break;
		if (o[i] == TCP_OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= n || o[i + 1] < 2 || i + o[i + 1] > n)
			return false;
		len = o[i + 1];
		if (o[i] == TCP_OPT_MSS && len == 4 && (s->flags & TCP_SYN))
			s->mss = (uint16_t)(o[i + 2] << 8 | o[i + 3]);
		if (o[i] == TCP_OPT_WSCALE && len == 3 && (s->flags & TCP_SYN))
			s->wscale = MIN(o[i + 2], TCP_WSCALE_MAX);
		i += len;
	}
	return true;
}

/* The MSS we use toward the peer: its option (RFC 9293 3.7.1), at most
 * what our own device carries, never silly. */
static void set_mss(struct tcb *t, uint16_t peer)
{
	struct netdev *dev;
	uint32_t hop;
	uint16_t mine = TCP_MSS_DEFAULT;

	if (ipv4_route(t->raddr, &dev, &hop))
		mine = (uint16_t)(dev->mtu - IPV4_HEADER_LEN - TCP_HEADER_LEN);
	t->mss = MIN(peer ? peer : TCP_MSS_DEFAULT, mine);
	if (t->mss < 64)
		t->mss = 64;
	/* RFC 5681 3.1's initial window. */
	t->cwnd = t->mss > 2190   ? 2u * t->mss
		  : t->mss > 1095 ? 3u * t->mss
				  : 4u * t->mss;
	t->ssthresh = 65535;
}

/* ---- the states ----------------------------------------------------------- */

static void closed_input(struct seg *s)
{
	tcp_count(no_socket);
	tcp_send_reset_for(s->p, s->h, s->len);
}

static void listen_input(struct tcb *l, struct seg *s)
{
	struct tcb *c;

	if (s->flags & TCP_RST) {
		tcp_count(bad_flags);
		return;
	}
	if (s->flags & TCP_ACK) {
		tcp_count(bad_ack);
		tcp_send_reset_for(s->p, s->h, s->len);
		return;
	}
	if (!(s->flags & TCP_SYN) || (s->flags & TCP_FIN)) {
		tcp_count(bad_flags);
		return;
	}
	if (l->children >= l->backlog) {
		tcp_count(listen_overflow);
		return;
	}
	c = tcp_tcb_alloc(l->rcvbuf_opt, l->sndbuf_opt);
	if (!c) {
		tcp_count(no_memory);
		return;
	}
	c->laddr = s->p->ip_dst;
	c->lport = l->lport;
	c->raddr = s->p->ip_src;
	c->rport = s->h->src_port;
	c->nodelay = l->nodelay;
	c->keepalive = l->keepalive;
	c->rcvtimeo_ns = l->rcvtimeo_ns;
	c->sndtimeo_ns = l->sndtimeo_ns;
	c->irs = s->seq;
	c->rcv_nxt = s->seq + 1;
	c->rcv_adv = c->rcv_nxt;
	c->iss = tcp_new_isn(c->laddr, c->lport, c->raddr, c->rport);
	c->snd_una = c->snd_nxt = c->snd_max = c->iss;
	c->snd_wnd = s->wnd;
	c->snd_wl1 = s->seq;
	c->snd_wl2 = c->iss;
	set_mss(c, s->mss);
	if (s->wscale >= 0) { /* RFC 7323: both offered, both scale */
		c->wscale_ok = true;
		c->snd_wscale = (uint8_t)s->wscale;
		c->rcv_wscale = tcp_our_wscale(c);
	}
	c->listener = l;
	l->children++;
	c->state = TCP_SYN_RECEIVED;
	tcp_hash(c);
	tcp_count(passive_opens);
	tcp_output(c); /* the SYN-ACK */
}

static void syn_sent_input(struct tcb *t, struct seg *s)
{
	bool ack_ok = false;

	if (s->flags & TCP_ACK) {
		if (seq_leq(s->ack, t->iss) || seq_gt(s->ack, t->snd_max)) {
			tcp_count(bad_ack);
			tcp_send_reset_for(s->p, s->h, s->len);
			return;
		}
		ack_ok = true;
	}
	if (s->flags & TCP_RST) {
		if (!ack_ok) {
			tcp_count(bad_flags);
			return;
		}
		tcp_count(rsts_received);
		tcp_close_conn(t, ECONNREFUSED);
		return;
	}
	if (!(s->flags & TCP_SYN)) {
		tcp_count(bad_flags);
		return;
	}
	t->irs = s->seq;
	t->rcv_nxt = s->seq + 1;
	t->rcv_adv = t->rcv_nxt;
	set_mss(t, s->mss);
	/* We offered a window shift; it holds only if the peer did too. */
	t->wscale_ok = s->wscale >= 0;
	t->snd_wscale = t->wscale_ok ? (uint8_t)s->wscale : 0;
	if (!t->wscale_ok)
		t->rcv_wscale = 0;
	t->snd_wnd = s->wnd;
	t->snd_wl1 = s->seq;
	t->snd_wl2 = s->ack;
	if (ack_ok) { /* SYN-ACK: our SYN is acknowledged */
		t->snd_una = s->ack;
		if (t->rtt_timing && seq_gt(s->ack, t->rtt_seq))
			tcp_rtt_sample(t, (time_ns() - t->rtt_start_ns) /
						  NS_PER_USEC);
		t->rtt_timing = false;
		t->retries = 0;
		t->rexmit_at = 0;
		tcp_set_state(t, TCP_ESTABLISHED);
		t->ack_now = true;
		tcp_output(t);
		return;
	}
	/* A SYN alone: the other side opened at the same time. Send our
	 * SYN again, now with the ACK. */
	tcp_set_state(t, TCP_SYN_RECEIVED);
	t->snd_nxt = t->iss;
	tcp_output(t);
}

/* Step 1: is the segment in the window (RFC 9293's table)? */
static bool acceptable(const struct tcb *t, const struct seg *s)
{
	uint32_t wnd = seq_gt(t->rcv_adv, t->rcv_nxt) ? t->rcv_adv - t->rcv_nxt
						      : 0;

	if (s->len == 0)
		return wnd == 0 ? s->seq == t->rcv_nxt
				: seq_in(s->seq, t->rcv_nxt, t->rcv_nxt + wnd);
	if (wnd == 0)
		return false;
	return seq_in(s->seq, t->rcv_nxt, t->rcv_nxt + wnd) ||
	       seq_in(s->seq + s->len - 1, t->rcv_nxt, t->rcv_nxt + wnd);
}

/* Step 4 for the synchronized states: 0 to go on, -1 to stop, -2 if t
 * is gone (closed and freed). */
static int ack_input(struct tcb *t, struct seg *s)
{
	uint32_t ack = s->ack;

	if (seq_gt(ack, t->snd_max)) { /* acks what we never sent */
		tcp_count(bad_ack);
		t->ack_now = true;
		return -1;
	}
	if (seq_gt(ack, t->snd_una)) {
		uint32_t acked = ack - t->snd_una;
		uint32_t data = MIN(acked, (uint32_t)t->snd.len);
		bool fin_acked = t->fin_queued &&
				 seq_gt(ack, t->snd_una + (uint32_t)t->snd.len);

		if (t->rtt_timing && seq_gt(ack, t->rtt_seq)) {
			tcp_rtt_sample(t, (time_ns() - t->rtt_start_ns) /
						  NS_PER_USEC);
			t->rtt_timing = false;
		}
		tcp_ring_drop(&t->snd, data);
		t->snd_una = ack;
		if (seq_lt(t->snd_nxt, ack))
			t->snd_nxt = ack;
		t->retries = 0;
		t->dupacks = 0;
		cwnd_on_ack(t, acked, ack);
		tcp_rearm_rexmit(t);
		tcp_wake(t); /* room in the send buffer */
		if (fin_acked) {
			if (t->state == TCP_FIN_WAIT_1) {
				t->state = TCP_FIN_WAIT_2;
				if (t->orphan)
					t->timewait_at =
						time_ns() +
						TCP_FIN_WAIT_2_MS * NS_PER_MS;
				tcp_wake(t);
			} else if (t->state == TCP_CLOSING) {
				tcp_set_timewait(t);
			} else if (t->state == TCP_LAST_ACK) {
				tcp_close_conn(t, 0);
				return -2;
			}
		}
	} else if (ack == t->snd_una && s->data_len == 0 &&
		   !(s->flags & (TCP_SYN | TCP_FIN)) && s->wnd == t->snd_wnd &&
		   t->snd_max != t->snd_una) {
		tcp_count(dup_acks);
		if (++t->dupacks == 3)
			fast_retransmit(t);
		else if (t->dupacks > 3 && t->in_recovery)
			t->cwnd += t->mss; /* one more left the network */
	}
	/* The send window (RFC 9293 3.10.7.4): from the newest segment. */
	if (seq_lt(t->snd_wl1, s->seq) ||
	    (t->snd_wl1 == s->seq && seq_leq(t->snd_wl2, ack))) {
		t->snd_wnd = s->wnd;
		t->snd_wl1 = s->seq;
		t->snd_wl2 = ack;
		if (s->wnd) {
			t->persist_at = 0;
			t->persist_backoff = 0;
		}
	}
	return 0;
}

/* Put out-of-order segments that now fit into the buffer. */
static void ooo_drain(struct tcb *t)
{
	while (t->ooo && seq_leq(t->ooo->tcp_seq, t->rcv_nxt)) {
		struct pbuf *p = t->ooo;
		uint32_t skip = t->rcv_nxt - p->tcp_seq;

		t->ooo = p->next;
		t->ooo_count--;
		if (skip < p->len) {
			size_t n = MIN(p->len - skip, t->rcv.size - t->rcv.len);

			tcp_ring_put(&t->rcv, p->data + skip, n);
			t->rcv_nxt += (uint32_t)n;
			if (n == p->len - skip && p->tcp_fin)
				t->fin_received = true;
		} else if (skip == p->len && p->tcp_fin) {
			t->fin_received = true;
		}
		pbuf_free(p);
	}
}

/* Keep a segment that came before its turn, sorted by sequence number.
 * Takes p (true) or leaves it to the caller (false). */
static bool ooo_insert(struct tcb *t, struct seg *s)
{
	struct pbuf **pp = &t->ooo;

	if (t->ooo_count >= TCP_OOO_MAX) {
		tcp_count(ooo_dropped);
		return false;
	}
	while (*pp && seq_lt((*pp)->tcp_seq, s->seq))
		pp = &(*pp)->next;
	if (*pp && (*pp)->tcp_seq == s->seq && (*pp)->len >= s->data_len) {
		tcp_count(ooo_dropped); /* a duplicate */
		return false;
	}
	s->p->tcp_seq = s->seq;
	s->p->tcp_fin = (s->flags & TCP_FIN) != 0;
	s->p->len = s->data_len;
	s->p->next = *pp;
	*pp = s->p;
	t->ooo_count++;
	tcp_count(ooo_queued);
	return true;
}

/* Step 5 (and the FIN of step 6): the data. Returns true if it took the
 * pbuf (out of order). */
static bool data_input(struct tcb *t, struct seg *s)
{
	uint32_t seq = s->seq;
	size_t len = s->data_len;
	const uint8_t *data = s->p->data;
	bool fin = (s->flags & TCP_FIN) != 0;
	bool took = false;
	size_t room;

	if (!len && !fin)
		return false;
	if (seq_lt(seq, t->rcv_nxt)) { /* the front was had already */
		/* acceptable() saw some of it in the window: skip <= len */
		uint32_t skip = MIN(t->rcv_nxt - seq, (uint32_t)len);

		data += skip;
		len -= skip;
		seq += skip;
	}
	room = t->rcv.size - t->rcv.len;
	if (seq == t->rcv_nxt) {
		bool gap_filled = t->ooo != NULL;

		if (len > room) {
			tcp_count(rcv_overflow);
			len = room;
			fin = false;
		}
		tcp_ring_put(&t->rcv, data, len);
		t->rcv_nxt += (uint32_t)len;
		if (fin)
			t->fin_received = true;
		ooo_drain(t);
		if (len)
			tcp_wake(t);
		t->unacked_segs++;
		/* Delayed ACK (RFC 1122 4.2.3.2, RFC 5681 4.2): every second
		 * full segment at once, a filled gap at once, else soon. */
		if (t->unacked_segs >= 2 || gap_filled || fin)
			t->ack_now = true;
		else if (!t->delack_at) {
			t->delack_at = time_ns() + TCP_DELACK_MS * NS_PER_MS;
			tcp_timer_kick();
		}
	} else {
		took = ooo_insert(t, s); /* seq > RCV.NXT: nothing was cut */
		t->ack_now = true;       /* a duplicate ACK tells of the gap */
	}
	return took;
}

/* Step 6: the peer's FIN has been taken in order. */
static void fin_input(struct tcb *t)
{
	t->rcv_nxt++;
	t->ack_now = true;
	switch (t->state) {
	case TCP_SYN_RECEIVED:
	case TCP_ESTABLISHED:
		tcp_set_state(t, TCP_CLOSE_WAIT);
		break;
	case TCP_FIN_WAIT_1: /* our FIN not acknowledged yet */
		tcp_set_state(t, TCP_CLOSING);
		break;
	case TCP_FIN_WAIT_2:
		tcp_set_timewait(t);
		break;
	default:
		break;
	}
	tcp_wake(t);
}

#define IN_TOOK 1 /* the pbuf is kept (out of order) */
#define IN_GONE 2 /* the tcb may be freed: touch it no more */

static int synced_input(struct tcb *t, struct seg *s)
{
	int took = 0;
	int r;
	bool fin_before = t->fin_received;

	/* A SYN-ACK of ours got lost: the peer sends its SYN again. */
	if (t->state == TCP_SYN_RECEIVED && (s->flags & TCP_SYN) &&
	    !(s->flags & TCP_ACK) && s->seq == t->irs) {
		tcp_send_segment(t, TCP_SYN, t->iss, 0);
		return 0;
	}
	/* Simultaneous open: the peer's SYN-ACK for our SYN-ACK's SYN. Its
	 * SYN we have; the rest is the ACK that ends the handshake (as
	 * Linux takes it). */
	if (t->state == TCP_SYN_RECEIVED &&
	    (s->flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK) &&
	    s->seq + 1 == t->rcv_nxt && s->ack == t->snd_nxt) {
		s->flags &= (uint8_t)~TCP_SYN;
		s->seq++;
		s->len--;
	}
	/* 1: the sequence number. */
	if (!acceptable(t, s)) {
		if (!(s->flags & TCP_RST)) {
			t->ack_now = true;
			if (t->state == TCP_TIME_WAIT && (s->flags & TCP_FIN))
				tcp_set_timewait(t); /* its FIN again */
		}
		tcp_count(bad_seq);
		return 0;
	}
	/* 2: RST. Only one exactly at RCV.NXT resets (RFC 5961 3.2);
	 * another in the window gets a challenge ACK. */
	if (s->flags & TCP_RST) {
		if (s->seq != t->rcv_nxt) {
			t->ack_now = true;
			tcp_count(bad_seq);
			return 0;
		}
		tcp_count(rsts_received);
		if (t->state == TCP_SYN_RECEIVED)
			tcp_close_conn(t, t->listener ? 0 : ECONNREFUSED);
		else if (t->state == TCP_CLOSING || t->state == TCP_LAST_ACK ||
			 t->state == TCP_TIME_WAIT)
			tcp_close_conn(t, 0);
		else /* Linux's errno for a RST after the peer's FIN */
			tcp_close_conn(t, t->state == TCP_CLOSE_WAIT
						  ? EPIPE
						  : ECONNRESET);
		return IN_GONE;
	}
	/* 3: a SYN in the window: challenge ACK (RFC 5961 4.2). */
	if (s->flags & TCP_SYN) {
		t->ack_now = true;
		tcp_count(bad_flags);
		return 0;
	}
	/* 4: ACK. */
	if (!(s->flags & TCP_ACK)) {
		tcp_count(bad_flags);
		return 0;
	}
	if (t->state == TCP_SYN_RECEIVED) {
		if (!seq_in(s->ack, t->snd_una + 1, t->snd_max + 1)) {
			tcp_count(bad_ack);
			tcp_send_reset_for(s->p, s->h, s->len);
			return 0;
		}
		t->state = TCP_ESTABLISHED;
		t->snd_wnd = s->wnd;
		t->snd_wl1 = s->seq;
		t->snd_wl2 = s->ack;
		if (t->listener) { /* onto the accept queue */
			struct tcb *l = t->listener;

			t->queued = true;
			t->accept_next = NULL;
			if (l->accept_tail)
				l->accept_tail->accept_next = t;
			else
				l->accept_head = t;
			l->accept_tail = t;
		}
		tcp_wake(t);
	}
	r = ack_input(t, s);
	if (r < 0)
		return r == -2 ? IN_GONE : 0;
	if (t->state == TCP_TIME_WAIT) {
		if (s->flags & TCP_FIN) { /* the peer's FIN again */
			t->ack_now = true;
			tcp_set_timewait(t);
		}
		return 0;
	}
	/* New data for a connection closed by its socket has no reader:
	 * reset it (as Linux does), so that the peer learns at once. */
	if (t->orphan && s->data_len &&
	    seq_gt(s->seq + (uint32_t)s->data_len, t->rcv_nxt) &&
	    (t->state == TCP_FIN_WAIT_1 || t->state == TCP_FIN_WAIT_2)) {
		tcp_send_segment(t, TCP_RST, t->snd_nxt, 0);
		tcp_close_conn(t, 0);
		return IN_GONE;
	}
	/* 5 and 6: data and FIN, while the peer may still send. */
	if (t->state == TCP_ESTABLISHED || t->state == TCP_FIN_WAIT_1 ||
	    t->state == TCP_FIN_WAIT_2) {
		took = data_input(t, s) ? IN_TOOK : 0;
		if (t->fin_received && !fin_before)
			fin_input(t);
	} else if (s->data_len || (s->flags & TCP_FIN)) {
		t->ack_now = true; /* after their FIN: just acknowledge */
	}
	return took;
}

/* ---- the entry --------------------------------------------------------------- */

/* Is a segment to dst one we may answer: one of our addresses (or any
 * of 127/8 on lo), not a broadcast? */
static bool to_us(const struct pbuf *p)
{
	if (p->ip_dst == IPV4_BROADCAST)
		return false;
	return netdev_by_addr(p->ip_dst) ||
	       (p->dev && (p->dev->flags & IFF_LOOPBACK));
}

void tcp_input(struct pbuf *p)
{
	const struct tcp_header *h = (const struct tcp_header *)p->data;
	struct seg s = { 0 };
	struct tcb *t;
	size_t hlen;
	int took = 0;

	tcp_count(segs_in);
	if (p->len < TCP_HEADER_LEN) {
		tcp_count(bad_header);
		pbuf_free(p);
		return;
	}
	hlen = (size_t)(h->offset >> 4) * 4;
	s.flags = h->flags;
	s.wscale = -1;
	if (hlen < TCP_HEADER_LEN || hlen > p->len ||
	    !parse_options(p->data + TCP_HEADER_LEN, hlen - TCP_HEADER_LEN,
			   &s)) {
		tcp_count(bad_header);
		pbuf_free(p);
		return;
	}
	if (inet_checksum(p->data, p->len,
			  inet_pseudo_sum(p->ip_src, p->ip_dst, IPPROTO_TCP,
					  (uint16_t)p->len)) != 0) {
		tcp_count(bad_checksum);
		pbuf_free(p);
		return;
	}
	if (!to_us(p) || p->ip_src == IPV4_BROADCAST || p->ip_src == 0) {
		tcp_count(not_ours);
		pbuf_free(p);
		return;
	}
	s.p = p;
	s.h = h;
	s.seq = ntohl(h->seq);
	s.ack = ntohl(h->ack);
	s.wnd = ntohs(h->window);
	s.data_len = p->len - hlen;
	s.len = (uint32_t)s.data_len + ((s.flags & TCP_SYN) ? 1 : 0) +
		((s.flags & TCP_FIN) ? 1 : 0);
	pbuf_pull(p, hlen);

	spin_lock(&tcp_lock);
	t = tcp_lookup(p->ip_dst, h->dst_port, p->ip_src, h->src_port);
	/* A new SYN for a connection in TIME_WAIT, beyond its old numbers,
	 * may open it again (RFC 9293 3.6.1, as Linux does). */
	if (t && t->state == TCP_TIME_WAIT && (s.flags & TCP_SYN) &&
	    !(s.flags & (TCP_ACK | TCP_RST)) && seq_gt(s.seq, t->rcv_nxt)) {
		tcp_close_conn(t, 0);
		t = tcp_lookup(p->ip_dst, h->dst_port, p->ip_src, h->src_port);
	}
	if (t)
		t->keep_at = t->keepalive ? time_ns() + TCP_KEEPALIVE_IDLE_MS *
								NS_PER_MS
					  : 0;
	if (t)
		t->keep_probes = 0;
	/* A window is scaled, but never a SYN's (RFC 7323 2.2). */
	if (t && !(s.flags & TCP_SYN))
		s.wnd <<= t->snd_wscale;
	if (!t)
		closed_input(&s);
	else if (t->state == TCP_LISTEN)
		listen_input(t, &s);
	else if (t->state == TCP_SYN_SENT)
		syn_sent_input(t, &s);
	else {
		took = synced_input(t, &s);
		if (!(took & IN_GONE))
			tcp_output(t);
	}
	tcp_unlock();
	if (!(took & IN_TOOK))
		pbuf_free(p);
}
