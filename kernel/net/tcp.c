/*
 * TCP's common ground: the lock and the list of tcbs, the queue of
 * segments sent after the lock is let go, finding the tcb a segment is
 * for, making and freeing tcbs, initial sequence numbers, state changes
 * and the end of a connection, and the byte rings of the buffers.
 *
 * The rest: tcp_in.c (a segment arrives), tcp_out.c (segments leave),
 * tcp_timer.c (timers), tcp_usr.c (what the socket calls). tcp.h says
 * how the lock works; docs/net.md has the state diagram.
 */
#include "lib/random.h"
#include "mm/mm.h"
#include "fs/poll.h"
#include "net/tcp.h"

struct spinlock tcp_lock = SPINLOCK_INIT("tcp");
struct tcb *tcp_tcbs;                    /* tcp_lock */
static struct pbuf *out_head, *out_tail; /* tcp_lock: segments to send */
struct tcp_counters tcp_counters;
static uint64_t isn_secret[2]; /* set once at boot */

/* ---- the out queue ----------------------------------------------------- */

/* Called by tcp_out.c with tcp_lock held: p (a whole TCP segment, with
 * p->ip_src and p->ip_dst set) goes out at the next tcp_unlock. */
void tcp_queue_out(struct pbuf *p)
{
	p->next = NULL;
	if (out_tail)
		out_tail->next = p;
	else
		out_head = p;
	out_tail = p;
}

bool tcp_out_pending(void)
{
	return out_head != NULL;
}

void tcp_unlock(void)
{
	struct pbuf *p = out_head;

	out_head = out_tail = NULL;
	spin_unlock(&tcp_lock);
	while (p) {
		struct pbuf *next = p->next;

		p->next = NULL;
		ipv4_output(p, p->ip_src, p->ip_dst, IPPROTO_TCP);
		p = next;
	}
}

/* ---- rings ---------------------------------------------------------------- */

void tcp_ring_put(struct tcp_ring *r, const uint8_t *src, size_t n)
{
	size_t tail, first;

	if (n == 0)
		return;
	tail = (r->head + r->len) % r->size;
	first = MIN(n, r->size - tail);

	memcpy(r->buf + tail, src, first);
	memcpy(r->buf, src + first, n - first);
	r->len += n;
}

void tcp_ring_get(const struct tcp_ring *r, size_t off, uint8_t *dst, size_t n)
{
	size_t from, first;

	if (n == 0)
		return;
	from = (r->head + off) % r->size;
	first = MIN(n, r->size - from);

	memcpy(dst, r->buf + from, first);
	memcpy(dst + first, r->buf, n - first);
}

void tcp_ring_drop(struct tcp_ring *r, size_t n)
{
	if (n == 0)
		return;
	r->head = (r->head + n) % r->size;
	r->len -= n;
}

/* ---- tcbs ---------------------------------------------------------------- */

static int clamp_buf(int v, int max)
{
	return v < TCP_BUF_MIN ? TCP_BUF_MIN : v > max ? max : v;
}

struct tcb *tcp_tcb_alloc(int rcvbuf, int sndbuf)
{
	struct tcb *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	t->rcv.size = (size_t)clamp_buf(rcvbuf, TCP_RCVBUF_MAX);
	t->snd.size = (size_t)clamp_buf(sndbuf, TCP_SNDBUF_MAX);
	t->rcv.buf = kmalloc(t->rcv.size);
	t->snd.buf = kmalloc(t->snd.size);
	if (!t->rcv.buf || !t->snd.buf) {
		kfree(t->rcv.buf);
		kfree(t->snd.buf);
		kfree(t);
		return NULL;
	}
	t->rcvbuf_opt = rcvbuf;
	t->sndbuf_opt = sndbuf;
	t->state = TCP_CLOSED;
	t->mss = TCP_MSS_DEFAULT;
	t->rto_ms = TCP_RTO_INITIAL_MS;
	t->wait = (struct waitqueue)WAITQUEUE_INIT;
	return t;
}

void tcp_hash(struct tcb *t)
{
	if (t->hashed)
		return;
	t->next = tcp_tcbs;
	tcp_tcbs = t;
	t->hashed = true;
	tcp_timer_kick();
}

static void unhash(struct tcb *t)
{
	for (struct tcb **pp = &tcp_tcbs; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	t->hashed = false;
}

void tcp_free_buffers(struct tcb *t)
{
	kfree(t->rcv.buf);
	kfree(t->snd.buf);
	t->rcv = (struct tcp_ring){ NULL, 0, 0, 0 };
	t->snd = (struct tcp_ring){ NULL, 0, 0, 0 };
}

static void free_tcb(struct tcb *t)
{
	unhash(t);
	while (t->ooo) {
		struct pbuf *p = t->ooo;

		t->ooo = p->next;
		pbuf_free(p);
	}
	kfree(t->rcv.buf);
	kfree(t->snd.buf);
	kfree(t);
}

/* Take child off its listener's books (SYN queue or accept queue). */
static void detach_child(struct tcb *child)
{
	struct tcb *l = child->listener;

	if (!l)
		return;
	if (child->queued) {
		for (struct tcb **pp = &l->accept_head; *pp;
		     pp = &(*pp)->accept_next) {
			if (*pp == child) {
				*pp = child->accept_next;
				break;
			}
		}
		l->accept_tail = NULL;
		for (struct tcb *c = l->accept_head; c; c = c->accept_next)
			l->accept_tail = c;
		child->queued = false;
	}
	l->children--;
	child->listener = NULL;
}

void tcp_maybe_free(struct tcb *t)
{
	if (t->state == TCP_CLOSED && t->orphan && !t->listener)
		free_tcb(t);
}

void tcp_wake(struct tcb *t)
{
	wake_up(&t->wait);
	if (t->listener)
		wake_up(&t->listener->wait);
	poll_notify();
}

void tcp_set_state(struct tcb *t, enum tcp_state state)
{
	t->state = state;
	tcp_wake(t);
}

void tcp_close_conn(struct tcb *t, int err)
{
	if (err)
		t->error = err;
	t->rexmit_at = t->delack_at = t->persist_at = 0;
	t->timewait_at = t->keep_at = 0;
	t->state = TCP_CLOSED;
	tcp_wake(t);
	/* A child reset before accept took it is forgotten: RFC 9293's
	 * "return to LISTEN" for a passive open. */
	if (t->listener && !t->queued) {
		detach_child(t);
		t->orphan = true;
	}
	tcp_maybe_free(t);
}

/* ---- lookup ---------------------------------------------------------------- */

struct tcb *tcp_lookup(uint32_t laddr, uint16_t lport, uint32_t raddr,
		       uint16_t rport)
{
	struct tcb *listener = NULL;

	for (struct tcb *t = tcp_tcbs; t; t = t->next) {
		if (t->lport != lport || t->state == TCP_CLOSED)
			continue;
		if (t->state == TCP_LISTEN) {
			if (t->laddr == IPV4_ANY || t->laddr == laddr)
				listener = t;
			continue;
		}
		if (t->laddr == laddr && t->raddr == raddr && t->rport == rport)
			return t;
	}
	return listener;
}

/* ---- initial sequence numbers (RFC 6528) ----------------------------------- */

/* A 64-bit mixing function (MurmurHash3's finalizer). */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

/* ISN = M + F(4-tuple, secret): M a clock ticking every 4 us, F a keyed
 * hash of the connection's addresses and ports, so that a new
 * incarnation of a connection starts beyond the old one's numbers and
 * an off-path attacker cannot guess them. Callable in an interrupt
 * handler (random_bytes is not: the secret is drawn at boot). */
uint32_t tcp_new_isn(uint32_t laddr, uint16_t lport, uint32_t raddr,
		     uint16_t rport)
{
	uint64_t tuple = (uint64_t)laddr << 32 | raddr;
	uint64_t f = mix64(mix64(tuple ^ isn_secret[0]) ^
			   ((uint64_t)lport << 16 | rport) ^ isn_secret[1]);

	return (uint32_t)(time_ns() / 4000) + (uint32_t)f;
}

void tcp_init(void)
{
	random_bytes(isn_secret, sizeof(isn_secret));
	tcp_timer_start();
}
