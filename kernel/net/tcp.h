/*
 * TCP (RFC 9293): what tcp.c, tcp_in.c, tcp_out.c, tcp_timer.c and
 * socket.c share. One struct tcb (transmission control block) per
 * connection, listener or socket not yet connected; docs/net.md has the
 * state diagram with the function that makes each move.
 *
 * Locking: one lock, "tcp", guards every tcb, the list of them and the
 * queue of segments waiting to be sent. It is a spinlock (segments
 * arrive in the e1000's interrupt handler), so nothing that may sleep or
 * fault runs under it: user bytes are copied through a bounce buffer.
 * No segment is sent while it is held: tcp_output and friends append
 * what they build to the out queue, and tcp_unlock() sends the queue
 * after letting the lock go. That keeps lo, which delivers what it is
 * given on the sender's stack, from coming back into TCP while the lock
 * is held.
 */
#ifndef KESTREL_TCP_H
#define KESTREL_TCP_H

#include "net/net_internal.h"
#include "sched/sched.h"
#include "syscall.h"

#define IPPROTO_TCP 6

/* RFC 9293 section 3.1. */
struct tcp_header {
	uint16_t src_port, dst_port;
	uint32_t seq, ack;
	uint8_t offset; /* data offset in dwords << 4 */
	uint8_t flags;  /* TCP_FIN ... */
	uint16_t window;
	uint16_t checksum;
	uint16_t urgent;
} __packed;

#define TCP_HEADER_LEN 20
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20

#define TCP_OPT_END 0
#define TCP_OPT_NOP 1
#define TCP_OPT_MSS 2
#define TCP_OPT_WSCALE 3

/* RFC 9293 section 3.3.2; the numbers are Linux's (/proc/net/tcp). */
enum tcp_state {
	TCP_ESTABLISHED = 1,
	TCP_SYN_SENT,
	TCP_SYN_RECEIVED,
	TCP_FIN_WAIT_1,
	TCP_FIN_WAIT_2,
	TCP_TIME_WAIT,
	TCP_CLOSED,
	TCP_CLOSE_WAIT,
	TCP_LAST_ACK,
	TCP_LISTEN,
	TCP_CLOSING,
};

#define TCP_MSS_DEFAULT 536          /* when the peer sends no MSS option */
#define TCP_BUF_DEFAULT (128 * 1024) /* each way; SO_RCVBUF/SO_SNDBUF */
#define TCP_BUF_MIN 2048
#define TCP_SNDBUF_MAX (1024 * 1024)
#define TCP_RCVBUF_MAX (256 * 1024) /* beyond 64 KiB with window scaling */
#define TCP_WSCALE_MAX 14           /* RFC 7323 2.3 */
#define TCP_TICK_NS (10 * NS_PER_MS)
#define TCP_RTO_INITIAL_MS 1000 /* RFC 6298 2.1 */
#define TCP_RTO_MIN_MS 200      /* Linux's; RFC 6298 says 1 s */
#define TCP_RTO_MAX_MS 60000
#define TCP_DELACK_MS 40
#define TCP_SYN_RETRIES 6       /* connect gives up: ETIMEDOUT */
#define TCP_RETRIES 15          /* an established connection gives up */
#define TCP_TIME_WAIT_MS 60000  /* 2 MSL, Linux's */
#define TCP_FIN_WAIT_2_MS 60000 /* an orphan waiting for the peer's FIN */
#define TCP_KEEPALIVE_IDLE_MS (2 * 3600 * 1000) /* Linux's defaults */
#define TCP_KEEPALIVE_INTVL_MS 75000
#define TCP_KEEPALIVE_PROBES 9
#define TCP_OOO_MAX 32 /* out-of-order segments kept per connection */
#define TCP_BACKLOG_MAX 128

/* Sequence numbers wrap: compare them modulo 2^32 (RFC 9293 3.4). */
static inline bool seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}
static inline bool seq_leq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}
static inline bool seq_gt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}
static inline bool seq_geq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}
/* a <= x < b, modulo 2^32. */
static inline bool seq_in(uint32_t x, uint32_t a, uint32_t b)
{
	return seq_leq(a, x) && seq_lt(x, b);
}

/* A byte ring: the send buffer (from SND.UNA on) and the receive buffer
 * (in-order bytes the user has not read yet). */
struct tcp_ring {
	uint8_t *buf;
	size_t size, head, len; /* bytes at head, head+1 ... (mod size) */
};

/* A transmission control block. All of it is under tcp_lock. */
struct tcb {
	struct tcb *next; /* in tcp_tcbs (once bound) */
	enum tcp_state state;
	bool hashed;           /* in tcp_tcbs */
	uint32_t laddr, raddr; /* network order; laddr 0: any (listener) */
	uint16_t lport, rport;

	/* Send sequence space (RFC 9293 3.3.1). snd_max is the highest
	 * SND.NXT so far: after a timeout SND.NXT goes back to SND.UNA. */
	uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2;
	uint16_t mss; /* the most we put in a segment */
	/* Window scaling (RFC 7323), if both SYNs offered it: the peer's
	 * windows are shifted left by snd_wscale, ours right by
	 * rcv_wscale; both 0 otherwise. */
	bool wscale_ok;
	uint8_t snd_wscale, rcv_wscale;
	struct tcp_ring snd;
	bool fin_queued; /* close or shutdown: a FIN follows the data */
	/* Receive sequence space. rcv_adv is the right edge of the window
	 * we last advertised; it never moves left. */
	uint32_t irs, rcv_nxt, rcv_adv;
	struct tcp_ring rcv;
	struct pbuf *ooo; /* out-of-order segments, by sequence number */
	unsigned int ooo_count;
	bool fin_received;

	/* RFC 6298: smoothed RTT and variance (microseconds), the RTO,
	 * one segment timed at a time (Karn: never a retransmitted one),
	 * and how many times the RTO has been backed off. */
	int64_t srtt_us, rttvar_us;
	uint32_t rto_ms;
	bool rtt_timing;
	uint32_t rtt_seq;
	uint64_t rtt_start_ns;
	unsigned int retries;
	/* RFC 5681 and 6582 (NewReno). */
	uint32_t cwnd, ssthresh, recover;
	unsigned int dupacks;
	bool in_recovery;

	/* Timers: time_ns() deadlines, 0 when off (tcp_timer.c). */
	uint64_t rexmit_at, delack_at, persist_at, timewait_at, keep_at;
	unsigned int persist_backoff, keep_probes;
	unsigned int unacked_segs; /* received, not yet acknowledged */
	bool ack_now;              /* send an ACK at the next output */

	/* The socket's side. */
	bool orphan; /* closed by its socket: the stack frees it */
	bool reuseaddr, nodelay, keepalive;
	bool shut_rd, shut_wr;
	int error; /* pending SO_ERROR (positive errno), 0 if none */
	int rcvbuf_opt, sndbuf_opt;
	uint64_t rcvtimeo_ns, sndtimeo_ns;
	struct waitqueue wait; /* readers, writers, accept, connect */

	/* A listener's queues, and a child's listener. */
	struct tcb *listener;    /* a child until accept takes it */
	struct tcb *accept_next; /* in the listener's accept queue */
	struct tcb *accept_head, *accept_tail;
	unsigned int backlog, children; /* children: SYN_RECEIVED + queued */
	bool queued;                    /* in its listener's accept queue */
};

/* Why a segment was dropped, and what TCP did. Atomic; the names are
 * the reasons docs/net.md lists. */
struct tcp_counters {
	uint64_t bad_header; /* short, bad data offset, bad options */
	uint64_t bad_checksum;
	uint64_t no_socket;       /* answered with a RST */
	uint64_t bad_seq;         /* outside the window: answered with an ACK */
	uint64_t bad_ack;         /* acknowledges what we never sent */
	uint64_t bad_flags;       /* no ACK, SYN in window, ... */
	uint64_t listen_overflow; /* SYN for a full backlog */
	uint64_t ooo_dropped;     /* too many out-of-order segments */
	uint64_t rcv_overflow;    /* beyond the receive buffer */
	uint64_t not_ours;        /* broadcast or not to one of our addresses */
	uint64_t no_memory;
	uint64_t segs_in, segs_out, retransmits, fast_retransmits, timeouts;
	uint64_t rsts_sent, rsts_received, active_opens, passive_opens;
	uint64_t dup_acks, ooo_queued, persist_probes, keepalive_probes;
};
extern struct tcp_counters tcp_counters;
#define tcp_count(field) netdev_stat_add(&tcp_counters.field, 1)

extern struct spinlock tcp_lock;
extern struct tcb *tcp_tcbs;

/* ---- tcp.c --------------------------------------------------------------- */

void tcp_init(void);
/* Let tcp_lock go and send the segments queued under it. */
void tcp_unlock(void);
/* Queue p (a whole segment, p->ip_src and ip_dst set) to be sent at the
 * next tcp_unlock; the caller holds tcp_lock. */
void tcp_queue_out(struct pbuf *p);
/* Are segments queued? (The caller holds tcp_lock.) */
bool tcp_out_pending(void);
void tcp_set_state(struct tcb *t, enum tcp_state state);
/* The connection is over: CLOSED, timers off, waiters woken with err
 * (positive errno, or 0), and freed if its socket is gone. */
void tcp_close_conn(struct tcb *t, int err);
/* Free t if it is CLOSED and no socket holds it. */
void tcp_maybe_free(struct tcb *t);
/* The tcb for a segment: an exact match, else a listener on the port. */
struct tcb *tcp_lookup(uint32_t laddr, uint16_t lport, uint32_t raddr,
		       uint16_t rport);
/* A new tcb with buffers of the given sizes, not in the list. */
struct tcb *tcp_tcb_alloc(int rcvbuf, int sndbuf);
void tcp_hash(struct tcb *t);
/* An orphan in TIME_WAIT needs no buffers: give them back early. */
void tcp_free_buffers(struct tcb *t);
uint32_t tcp_new_isn(uint32_t laddr, uint16_t lport, uint32_t raddr,
		     uint16_t rport);
/* Wake everyone waiting on t (and poll). */
void tcp_wake(struct tcb *t);
void tcp_ring_put(struct tcp_ring *r, const uint8_t *src, size_t n);
void tcp_ring_get(const struct tcp_ring *r, size_t off, uint8_t *dst, size_t n);
void tcp_ring_drop(struct tcp_ring *r, size_t n);

/* ---- tcp_in.c ------------------------------------------------------------ */

void tcp_input(struct pbuf *p);
/* RFC 6298 section 2: a round-trip sample. */
void tcp_rtt_sample(struct tcb *t, uint64_t rtt_us);

/* ---- tcp_out.c ----------------------------------------------------------- */

/* Send what t may send now: data (window, cwnd, Nagle), a FIN, a SYN,
 * and the ACK it owes. */
void tcp_output(struct tcb *t);
/* One segment of t: flags, sequence number seq, len bytes of the send
 * buffer from offset seq - SND.UNA (SYN and FIN take none). */
void tcp_send_segment(struct tcb *t, uint8_t flags, uint32_t seq, size_t len);
void tcp_send_ack(struct tcb *t);
/* A RST answering the segment p (its TCP header at p->data, len its
 * data length with SYN and FIN counted), RFC 9293 3.10.7.1. */
void tcp_send_reset_for(const struct pbuf *p, const struct tcp_header *h,
			uint32_t seg_len);
/* The window we offer now, which may open but never shrink. */
uint32_t tcp_rcv_window(struct tcb *t);
/* The shift we ask for in our SYN: enough for the receive buffer. */
uint8_t tcp_our_wscale(const struct tcb *t);
/* For ktests: segments sent are kept on this list instead (non-NULL). */
extern struct pbuf **tcp_capture;

/* ---- tcp_timer.c ---------------------------------------------------------- */

void tcp_timer_start(void);
void tcp_rearm_rexmit(struct tcb *t);
void tcp_set_timewait(struct tcb *t);
/* Run the timers due at now (the timer task; ktests call it too). */
void tcp_timers_run(uint64_t now);
/* Wake the timer task: a tcb has a timer now. */
void tcp_timer_kick(void);
/* Set by ktests (under tcp_lock): the task runs no timer. */
extern bool tcp_timers_frozen;

/* ---- tcp_usr.c: the socket's calls --------------------------------------- */

struct tcb *tcp_usr_create(void);
int tcp_usr_bind(struct tcb *t, uint32_t addr, uint16_t port);
int tcp_usr_listen(struct tcb *t, int backlog);
int tcp_usr_accept(struct tcb *t, bool nonblock, struct tcb **out);
int tcp_usr_connect(struct tcb *t, uint32_t addr, uint16_t port, bool nonblock);
#define TCP_MSG_PEEK 0x1
#define TCP_MSG_NONBLOCK 0x2
#define TCP_MSG_NOSIGNAL 0x4
#define TCP_MSG_WAITALL 0x8
long tcp_usr_send(struct tcb *t, uaddr_t ubuf, size_t len, int flags);
long tcp_usr_recv(struct tcb *t, uaddr_t ubuf, size_t len, int flags);
int tcp_usr_shutdown(struct tcb *t, int how);
void tcp_usr_close(struct tcb *t);
unsigned int tcp_usr_poll(struct tcb *t);
bool tcp_usr_poll_listening(struct tcb *t);
int tcp_usr_name(struct tcb *t, bool peer, uint32_t *addr, uint16_t *port);
/* Bytes readable now (FIONREAD). */
int tcp_usr_readable(struct tcb *t);
/* Read and clear the pending error (SO_ERROR). */
int tcp_usr_take_error(struct tcb *t);
enum tcp_option {
	TCP_OPTION_REUSEADDR,
	TCP_OPTION_KEEPALIVE,
	TCP_OPTION_NODELAY,
	TCP_OPTION_RCVBUF,
	TCP_OPTION_SNDBUF,
};
int tcp_usr_setopt(struct tcb *t, int opt, int v);
int tcp_usr_getopt(struct tcb *t, int opt);
/* SO_RCVTIMEO (rcv) and SO_SNDTIMEO, in ns; 0: none. */
void tcp_usr_set_timeout(struct tcb *t, bool rcv, uint64_t ns);
uint64_t tcp_usr_get_timeout(struct tcb *t, bool rcv);

#endif
