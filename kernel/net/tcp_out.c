/*
 * TCP output: deciding what a connection may send now (tcp_output) and
 * building the segments (tcp_send_segment), plus the RST that answers a
 * segment no connection takes. Every segment is built under tcp_lock and
 * queued; tcp_unlock() sends them (tcp.h).
 *
 * What may be sent is the smallest of what is buffered, the peer's
 * window (SND.WND) and the congestion window (cwnd, tcp_in.c moves it),
 * in segments of at most the MSS; Nagle (RFC 896, RFC 1122 4.2.3.4)
 * holds back a short segment while data is unacknowledged unless
 * TCP_NODELAY is set. A FIN goes out with, or after, the last byte.
 */
#include "net/tcp.h"

struct pbuf **tcp_capture; /* tcp_lock; ktests only */

/* ---- the receive window we offer -------------------------------------- */

uint32_t tcp_rcv_window(struct tcb *t)
{
	uint32_t free = (uint32_t)(t->rcv.size - t->rcv.len);
	uint32_t cur = seq_gt(t->rcv_adv, t->rcv_nxt) ? t->rcv_adv - t->rcv_nxt
						      : 0;
	uint32_t step = MIN((uint32_t)t->rcv.size / 2, t->mss);

	/* Receiver-side silly window avoidance (RFC 1122 4.2.3.3): open
	 * the window only by a useful amount; never shrink it. */
	if (free < cur || free - cur < step)
		free = cur;
	return MIN(free, 65535u << t->rcv_wscale);
}

uint8_t tcp_our_wscale(const struct tcb *t)
{
	uint8_t shift = 0;

	while (shift < TCP_WSCALE_MAX && (t->rcv.size >> shift) > 65535)
		shift++;
	return shift;
}

/* ---- one segment -------------------------------------------------------- */

static uint16_t tcp_checksum(const struct pbuf *p, uint32_t src, uint32_t dst)
{
	return inet_checksum(p->data, p->len,
			     inet_pseudo_sum(src, dst, IPPROTO_TCP,
					     (uint16_t)p->len));
}

/* Finish a segment whose TCP header is at p->data and send it. */
static void emit(struct pbuf *p, uint32_t src, uint32_t dst)
{
	struct tcp_header *h = (struct tcp_header *)p->data;

	h->checksum = 0;
	h->checksum = tcp_checksum(p, src, dst);
	p->ip_src = src;
	p->ip_dst = dst;
	tcp_count(segs_out);
	if (tcp_capture) {
		struct pbuf **pp = tcp_capture;

		while (*pp)
			pp = &(*pp)->next;
		p->next = NULL;
		*pp = p;
		return;
	}
	tcp_queue_out(p);
}

/* The MSS we announce: what the route's device carries. */
static uint16_t our_mss(uint32_t dst)
{
	struct netdev *dev;
	uint32_t hop;

	if (!ipv4_route(dst, &dev, &hop))
		return TCP_MSS_DEFAULT;
	return (uint16_t)(dev->mtu - IPV4_HEADER_LEN - TCP_HEADER_LEN);
}

void tcp_send_segment(struct tcb *t, uint8_t flags, uint32_t seq, size_t len)
{
	/* A SYN carries our MSS, and our window shift in the first SYN
	 * or in a SYN-ACK answering a SYN that offered one. */
	bool ws = (flags & TCP_SYN) &&
		  (t->state == TCP_SYN_SENT || t->wscale_ok);
	size_t opt_len = (flags & TCP_SYN) ? (ws ? 8 : 4) : 0;
	struct tcp_header *h;
	struct pbuf *p;
	uint32_t win;

	p = pbuf_alloc(TCP_HEADER_LEN + opt_len + len);
	if (!p) {
		tcp_count(no_memory);
		return; /* as if lost: the retransmission timer resends */
	}
	h = (struct tcp_header *)p->data;
	h->src_port = t->lport;
	h->dst_port = t->rport;
	h->seq = htonl(seq);
	if (t->state != TCP_SYN_SENT)
		flags |= TCP_ACK;
	h->ack = (flags & TCP_ACK) ? htonl(t->rcv_nxt) : 0;
	h->offset = (uint8_t)((TCP_HEADER_LEN + opt_len) / 4 << 4);
	h->flags = flags;
	win = tcp_rcv_window(t);
	if (flags & TCP_SYN) { /* a SYN's window is never scaled */
		win = MIN(win, 65535u);
		h->window = htons((uint16_t)win);
	} else {
		h->window = htons((uint16_t)(win >> t->rcv_wscale));
		win = win >> t->rcv_wscale << t->rcv_wscale;
	}
	h->urgent = 0;
	if (opt_len) {
		uint8_t *o = p->data + TCP_HEADER_LEN;
		uint16_t mss = our_mss(t->raddr);

		o[0] = TCP_OPT_MSS;
		o[1] = 4;
		o[2] = (uint8_t)(mss >> 8);
		o[3] = (uint8_t)mss;
		if (ws) {
			o[4] = TCP_OPT_NOP;
			o[5] = TCP_OPT_WSCALE;
			o[6] = 3;
			o[7] = t->rcv_wscale;
		}
	}
	if (len)
		tcp_ring_get(&t->snd, seq - t->snd_una,
			     p->data + TCP_HEADER_LEN + opt_len, len);
	if (flags & TCP_ACK) {
		if (seq_gt(t->rcv_nxt + win, t->rcv_adv))
			t->rcv_adv = t->rcv_nxt + win;
		t->delack_at = 0;
		t->unacked_segs = 0;
		t->ack_now = false;
	}
	emit(p, t->laddr, t->raddr);
}

void tcp_send_ack(struct tcb *t)
{
	tcp_send_segment(t, TCP_ACK, t->snd_nxt, 0);
}

void tcp_send_reset_for(const struct pbuf *p, const struct tcp_header *h,
			uint32_t seg_len)
{
	struct tcp_header *r;
	struct pbuf *q;

	if (h->flags & TCP_RST)
		return; /* never answer a RST */
	q = pbuf_alloc(TCP_HEADER_LEN);
	if (!q)
		return;
	r = (struct tcp_header *)q->data;
	memset(r, 0, TCP_HEADER_LEN);
	r->src_port = h->dst_port;
	r->dst_port = h->src_port;
	r->offset = TCP_HEADER_LEN / 4 << 4;
	if (h->flags & TCP_ACK) {
		r->seq = h->ack;
		r->flags = TCP_RST;
	} else {
		r->ack = htonl(ntohl(h->seq) + seg_len);
		r->flags = TCP_RST | TCP_ACK;
	}
	tcp_count(rsts_sent);
	emit(q, p->ip_dst, p->ip_src);
}

/* ---- what to send now ---------------------------------------------------- */

/* Bytes of the buffer not sent yet (from SND.NXT on). */
static size_t unsent(const struct tcb *t)
{
	size_t sent = t->snd_nxt - t->snd_una;

	return sent >= t->snd.len ? 0 : t->snd.len - sent;
}

/* May a FIN go out in a segment ending at end (a sequence number)? */
static bool fin_due(const struct tcb *t, uint32_t end)
{
	if (!t->fin_queued || end != t->snd_una + (uint32_t)t->snd.len)
		return false;
	return t->state == TCP_FIN_WAIT_1 || t->state == TCP_CLOSING ||
	       t->state == TCP_LAST_ACK;
}

static bool may_send_data(enum tcp_state s)
{
	return s == TCP_ESTABLISHED || s == TCP_CLOSE_WAIT ||
	       s == TCP_FIN_WAIT_1 || s == TCP_CLOSING || s == TCP_LAST_ACK;
}

void tcp_output(struct tcb *t)
{
	bool sent = false;

	/* The SYN (SYN_SENT) or SYN-ACK (SYN_RECEIVED), first or again
	 * after a timeout moved SND.NXT back. */
	if ((t->state == TCP_SYN_SENT || t->state == TCP_SYN_RECEIVED) &&
	    t->snd_nxt == t->iss) {
		if (!t->rtt_timing && t->snd_max == t->iss) {
			t->rtt_timing = true;
			t->rtt_seq = t->iss;
			t->rtt_start_ns = time_ns();
		}
		tcp_send_segment(t, TCP_SYN, t->iss, 0);
		t->snd_nxt = t->iss + 1;
		if (seq_gt(t->snd_nxt, t->snd_max))
			t->snd_max = t->snd_nxt;
		tcp_rearm_rexmit(t);
		return;
	}
	while (may_send_data(t->state)) {
		size_t avail = unsent(t);
		uint32_t wnd = MIN(t->snd_wnd, t->cwnd);
		uint32_t in_flight = t->snd_nxt - t->snd_una;
		size_t len = MIN(avail, (size_t)t->mss);
		bool fin;

		len = MIN(len, wnd > in_flight ? (size_t)(wnd - in_flight) : 0);
		fin = len == avail && fin_due(t, t->snd_nxt + (uint32_t)len);
		if (len == 0 && !fin)
			break;
		/* Nagle: a short segment waits while data is in flight
		 * (its ACK will let us send more), unless TCP_NODELAY and it
		 * is all there is. With nothing in flight it goes, even
		 * cut short by the window: no ACK would come to wait for. */
		if (len < t->mss && !fin && in_flight > 0 &&
		    !(t->nodelay && len == avail))
			break;
		if (!t->rtt_timing && t->snd_nxt == t->snd_max && len) {
			t->rtt_timing = true;
			t->rtt_seq = t->snd_nxt;
			t->rtt_start_ns = time_ns();
		}
		tcp_send_segment(t,
				 (uint8_t)((fin ? TCP_FIN : 0) |
					   (len && len == avail ? TCP_PSH : 0)),
				 t->snd_nxt, len);
		t->snd_nxt += (uint32_t)len + (fin ? 1 : 0);
		if (seq_gt(t->snd_nxt, t->snd_max))
			t->snd_max = t->snd_nxt;
		tcp_rearm_rexmit(t);
		sent = true;
		if (fin)
			break;
	}
	/* Data waits for a window the peer closed: probe it. */
	if (may_send_data(t->state) && unsent(t) && t->snd_wnd == 0 &&
	    t->snd_nxt == t->snd_una && !t->persist_at) {
		t->persist_backoff = 0;
		t->persist_at = time_ns() + (uint64_t)t->rto_ms * NS_PER_MS;
		tcp_timer_kick();
	}
	if (!sent && t->ack_now && t->state != TCP_SYN_SENT &&
	    t->state != TCP_CLOSED && t->state != TCP_LISTEN)
		tcp_send_ack(t);
}
