/*
 * What a stream socket asks of TCP (socket.c calls these): bind, listen,
 * accept, connect, send, receive, shutdown, close, poll, names and
 * options. These are the "user calls" of RFC 9293 section 3.10.1-3.10.6
 * (OPEN, SEND, RECEIVE, CLOSE, ABORT, STATUS).
 *
 * They run in the calling task and may sleep on the tcb's wait queue,
 * which tcp_lock guards. User memory is never touched under the lock:
 * bytes go through a kmalloc'd bounce buffer, copied in or out with the
 * lock let go. Before sleeping, queued segments are sent (tcp_unlock).
 */
#include "lib/random.h"
#include "mm/mm.h"
#include "fs/poll.h"
#include "net/tcp.h"
#include "proc/proc.h"
#include "proc/signal.h"
#include "syscall.h"

#define EPHEMERAL_FIRST 32768 /* Linux's ip_local_port_range */
#define EPHEMERAL_LAST 60999
#define BOUNCE 16384

struct tcb *tcp_usr_create(void)
{
	return tcp_tcb_alloc(TCP_BUF_DEFAULT, TCP_BUF_DEFAULT);
}

/* Sleep until woken or deadline (0: none), sending what is queued
 * first; the caller holds tcp_lock and rechecks its condition after.
 * -ERESTARTSYS for a signal, -EAGAIN once deadline has passed. */
static int wait_locked(struct tcb *t, uint64_t deadline)
{
	if (signal_pending())
		return -ERESTARTSYS;
	if (deadline && time_ns() >= deadline)
		return -EAGAIN;
	/* Segments queued: send them first and let the caller look again,
	 * without sleeping: over lo their answer comes while they are sent,
	 * and its wakeup is gone before we would sleep. */
	if (tcp_out_pending()) {
		tcp_unlock();
		spin_lock(&tcp_lock);
		return 0;
	}
	if (deadline)
		sleep_on_until(&t->wait, &tcp_lock, deadline);
	else
		sleep_on(&t->wait, &tcp_lock);
	return 0;
}

static uint64_t deadline_of(uint64_t timeo_ns)
{
	return timeo_ns ? time_ns() + timeo_ns : 0;
}

/* ---- ports ------------------------------------------------------------- */

/* Caller holds tcp_lock. Does (addr, port) clash with another tcb?
 * SO_REUSEADDR on both lets a port be bound again while the old one
 * is not listening (TIME_WAIT, most often), as on Linux. */
static bool port_taken(const struct tcb *self, uint32_t addr, uint16_t port)
{
	for (const struct tcb *t = tcp_tcbs; t; t = t->next) {
		if (t == self || t->lport != port)
			continue;
		if (t->laddr != IPV4_ANY && addr != IPV4_ANY &&
		    t->laddr != addr)
			continue;
		if (self->reuseaddr &&
		    (t->reuseaddr || t->state == TCP_TIME_WAIT) &&
		    t->state != TCP_LISTEN)
			continue;
		return true;
	}
	return false;
}

/* Caller holds tcp_lock. */
static int bind_locked(struct tcb *t, uint32_t addr, uint16_t port,
		       uint16_t start)
{
	if (t->lport)
		return -EINVAL;
	if (port == 0) {
		unsigned int range = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;

		for (unsigned int n = 0; n < range && !port; n++) {
			uint16_t try = htons((uint16_t)(EPHEMERAL_FIRST +
							(start + n) % range));

			if (!port_taken(t, addr, try))
				port = try;
		}
		if (!port)
			return -EADDRINUSE;
	} else if (port_taken(t, addr, port)) {
		return -EADDRINUSE;
	}
	t->laddr = addr;
	t->lport = port;
	tcp_hash(t);
	return 0;
}

/* An ephemeral port starts at a random place (RFC 6056's simplest). */
static uint16_t random_start(void)
{
	uint16_t r;

	random_bytes(&r, sizeof(r));
	return r;
}

int tcp_usr_bind(struct tcb *t, uint32_t addr, uint16_t port)
{
	uint16_t start = random_start();
	int err;

	spin_lock(&tcp_lock);
	err = t->state == TCP_CLOSED ? bind_locked(t, addr, port, start)
				     : -EINVAL;
	tcp_unlock();
	return err;
}

/* ---- passive open ----------------------------------------------------------- */

int tcp_usr_listen(struct tcb *t, int backlog)
{
	uint16_t start = random_start();
	int err = 0;

	spin_lock(&tcp_lock);
	if (t->state != TCP_CLOSED && t->state != TCP_LISTEN)
		err = -EINVAL;
	else if (!t->lport)
		err = bind_locked(t, IPV4_ANY, 0, start);
	if (!err) {
		t->backlog = (unsigned int)(backlog < 1 ? 1
					    : backlog > TCP_BACKLOG_MAX
						    ? TCP_BACKLOG_MAX
						    : backlog);
		t->state = TCP_LISTEN;
	}
	tcp_unlock();
	return err;
}

int tcp_usr_accept(struct tcb *t, bool nonblock, struct tcb **out)
{
	uint64_t deadline;
	struct tcb *c;
	int err = 0;

	spin_lock(&tcp_lock);
	deadline = deadline_of(t->rcvtimeo_ns);
	while (t->state == TCP_LISTEN && !t->accept_head && !err)
		err = nonblock ? -EAGAIN : wait_locked(t, deadline);
	if (t->state != TCP_LISTEN) {
		tcp_unlock();
		return -EINVAL;
	}
	if (err) {
		tcp_unlock();
		return err;
	}
	c = t->accept_head;
	t->accept_head = c->accept_next;
	if (!t->accept_head)
		t->accept_tail = NULL;
	c->accept_next = NULL;
	c->queued = false;
	c->listener = NULL;
	t->children--;
	if (c->keepalive)
		c->keep_at = time_ns() + TCP_KEEPALIVE_IDLE_MS * NS_PER_MS;
	tcp_unlock();
	*out = c;
	return 0;
}

/* ---- active open ------------------------------------------------------------ */

/* Is a connection to (raddr, rport) from (laddr, lport) already there? */
static bool tuple_taken(const struct tcb *self, uint32_t laddr, uint16_t lport,
			uint32_t raddr, uint16_t rport)
{
	for (const struct tcb *t = tcp_tcbs; t; t = t->next)
		if (t != self && t->lport == lport && t->laddr == laddr &&
		    t->raddr == raddr && t->rport == rport &&
		    t->state != TCP_LISTEN && t->state != TCP_CLOSED)
			return true;
	return false;
}

/* Wait for a connect to finish: 0, or a negative errno. */
static int connect_wait(struct tcb *t, bool nonblock)
{
	uint64_t deadline = deadline_of(t->sndtimeo_ns);
	int err;

	while (t->state == TCP_SYN_SENT || t->state == TCP_SYN_RECEIVED) {
		if (nonblock)
			return -EINPROGRESS;
		err = wait_locked(t, deadline);
		if (err == -EAGAIN)
			return -EINPROGRESS; /* SO_SNDTIMEO, as Linux */
		if (err)
			return -EINTR;
	}
	if (t->state == TCP_CLOSED) {
		err = t->error ? -t->error : -ECONNREFUSED;
		t->error = 0;
		return err;
	}
	return 0;
}

int tcp_usr_connect(struct tcb *t, uint32_t addr, uint16_t port, bool nonblock)
{
	uint16_t start = random_start();
	uint32_t src = ipv4_source_for(addr);
	int err = 0;

	spin_lock(&tcp_lock);
	switch (t->state) {
	case TCP_CLOSED:
		if (t->error) { /* a non-blocking connect that failed */
			err = -t->error;
			t->error = 0;
		}
		break;
	case TCP_SYN_SENT:
	case TCP_SYN_RECEIVED:
		err = nonblock ? -EALREADY : connect_wait(t, false);
		tcp_unlock();
		return err;
	case TCP_LISTEN:
		err = -EISCONN;
		break;
	default:
		err = -EISCONN;
	}
	if (!err && (addr == IPV4_ANY || port == 0))
		err = port == 0 ? -ECONNREFUSED : -ENETUNREACH;
	if (!err && !src)
		err = -ENETUNREACH;
	if (!err && t->laddr == IPV4_ANY) {
		if (t->lport && port_taken(t, src, t->lport))
			err = -EADDRINUSE;
		else
			t->laddr = src;
	}
	if (!err && !t->lport)
		err = bind_locked(t, t->laddr, 0, start);
	if (!err && tuple_taken(t, t->laddr, t->lport, addr, port))
		err = -EADDRNOTAVAIL;
	if (err) {
		tcp_unlock();
		return err;
	}
	t->raddr = addr;
	t->rport = port;
	t->iss = tcp_new_isn(t->laddr, t->lport, addr, port);
	t->snd_una = t->snd_nxt = t->snd_max = t->iss;
	t->rcv_nxt = t->rcv_adv = 0;
	t->rto_ms = TCP_RTO_INITIAL_MS;
	t->retries = 0;
	t->rcv_wscale = tcp_our_wscale(t); /* offered in the SYN */
	t->state = TCP_SYN_SENT;
	tcp_count(active_opens);
	tcp_output(t); /* the SYN */
	err = connect_wait(t, nonblock);
	tcp_unlock();
	return err;
}

/* ---- data ------------------------------------------------------------------ */

static void sigpipe(int flags)
{
	if (!(flags & TCP_MSG_NOSIGNAL))
		signal_send(proc_current(), SIGPIPE, NULL);
}

/* Why t cannot take bytes to send now: 0 if it can (or will, after the
 * handshake), else a negative errno. */
static int send_error(struct tcb *t, int flags)
{
	if (t->error) {
		int err = -t->error;

		t->error = 0;
		return err;
	}
	switch (t->state) {
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
		if (!t->shut_wr)
			return 0;
		break;
	case TCP_SYN_SENT:
	case TCP_SYN_RECEIVED:
		return 0;
	default: /* never connected, too, is EPIPE on Linux */
		break;
	}
	sigpipe(flags);
	return -EPIPE;
}

long tcp_usr_send(struct tcb *t, uaddr_t ubuf, size_t len, int flags)
{
	uint8_t *bounce = kmalloc(MIN(len, (size_t)BOUNCE) + 1);
	uint64_t deadline;
	size_t done = 0;
	int err = 0;

	if (!bounce)
		return -ENOMEM;
	spin_lock(&tcp_lock);
	deadline = deadline_of(t->sndtimeo_ns);
	while (done < len) {
		size_t room, n;

		err = send_error(t, flags);
		if (err)
			break;
		room = t->snd.size - t->snd.len;
		if (t->state == TCP_SYN_SENT || t->state == TCP_SYN_RECEIVED ||
		    room == 0) {
			if (flags & TCP_MSG_NONBLOCK) {
				err = -EAGAIN;
				break;
			}
			err = wait_locked(t, deadline);
			if (err)
				break;
			continue;
		}
		n = MIN(MIN(room, len - done), (size_t)BOUNCE);
		spin_unlock(&tcp_lock);
		if (copy_from_user(bounce, ubuf + done, n)) {
			spin_lock(&tcp_lock);
			err = -EFAULT;
			break;
		}
		spin_lock(&tcp_lock);
		/* The state may have changed while the lock was let go. */
		err = send_error(t, flags);
		if (err)
			break;
		n = MIN(n, t->snd.size - t->snd.len);
		tcp_ring_put(&t->snd, bounce, n);
		done += n;
		tcp_output(t);
		tcp_unlock();
		spin_lock(&tcp_lock);
	}
	tcp_unlock();
	kfree(bounce);
	if (done)
		return (long)done;
	return err;
}

/* After the user read: tell the peer of a window that opened enough. */
static void window_update(struct tcb *t, uint32_t before)
{
	uint32_t now = tcp_rcv_window(t);

	if (now > before && (now - before >= 2u * t->mss || before < t->mss)) {
		t->ack_now = true;
		tcp_output(t);
	}
}

/* MSG_PEEK with MSG_WAITALL looks once all asked for is there (or a
 * full buffer), or no more will come; before, it waits. */
static bool peek_waits(const struct tcb *t, size_t len, int flags)
{
	return (flags & TCP_MSG_WAITALL) &&
	       t->rcv.len < MIN(MIN(len, (size_t)BOUNCE), t->rcv.size) &&
	       !t->fin_received && !t->shut_rd && t->state != TCP_CLOSED;
}

long tcp_usr_recv(struct tcb *t, uaddr_t ubuf, size_t len, int flags)
{
	uint8_t *bounce = kmalloc(MIN(len, (size_t)BOUNCE) + 1);
	uint64_t deadline;
	size_t done = 0;
	int err = 0;

	if (!bounce)
		return -ENOMEM;
	spin_lock(&tcp_lock);
	deadline = deadline_of(t->rcvtimeo_ns);
	while (done < len) {
		size_t n = MIN(MIN(t->rcv.len, len - done), (size_t)BOUNCE);

		if (flags & TCP_MSG_PEEK) {
			if (n && !peek_waits(t, len, flags)) {
				n = MIN(MIN(t->rcv.len, len), (size_t)BOUNCE);
				tcp_ring_get(&t->rcv, 0, bounce, n);
				spin_unlock(&tcp_lock);
				err = copy_to_user(ubuf, bounce, n) ? -EFAULT
								    : 0;
				kfree(bounce);
				return err ? err : (long)n;
			}
			n = 0; /* wait for more */
		}
		if (n) {
			uint32_t before = tcp_rcv_window(t);

			tcp_ring_get(&t->rcv, 0, bounce, n);
			tcp_ring_drop(&t->rcv, n);
			window_update(t, before);
			tcp_unlock();
			if (copy_to_user(ubuf + done, bounce, n)) {
				spin_lock(&tcp_lock);
				err = -EFAULT;
				break;
			}
			done += n;
			spin_lock(&tcp_lock);
			continue;
		}
		if (done && !(flags & TCP_MSG_WAITALL))
			break;
		if (t->fin_received || t->shut_rd)
			break; /* end of file */
		if (t->state == TCP_CLOSED) {
			if (t->error) {
				err = -t->error;
				t->error = 0;
			} else if (!t->raddr) {
				err = -ENOTCONN;
			}
			break;
		}
		if (t->state == TCP_LISTEN) {
			err = -ENOTCONN;
			break;
		}
		if (flags & TCP_MSG_NONBLOCK) {
			err = -EAGAIN;
			break;
		}
		err = wait_locked(t, deadline);
		if (err)
			break;
	}
	tcp_unlock();
	kfree(bounce);
	if (done)
		return (long)done;
	return err;
}

int tcp_usr_readable(struct tcb *t)
{
	int n;

	spin_lock(&tcp_lock);
	n = (int)t->rcv.len;
	tcp_unlock();
	return n;
}

/* ---- ending ------------------------------------------------------------------ */

/* Our side is done sending: a FIN follows the data (RFC 9293 3.10.4). */
static void send_fin(struct tcb *t)
{
	t->shut_wr = true;
	switch (t->state) {
	case TCP_SYN_RECEIVED:
	case TCP_ESTABLISHED:
		t->fin_queued = true;
		tcp_set_state(t, TCP_FIN_WAIT_1);
		break;
	case TCP_CLOSE_WAIT:
		t->fin_queued = true;
		tcp_set_state(t, TCP_LAST_ACK);
		break;
	default:
		return;
	}
	tcp_output(t);
}

int tcp_usr_shutdown(struct tcb *t, int how)
{
	int err = 0;

	if (how < 0 || how > 2)
		return -EINVAL;
	spin_lock(&tcp_lock);
	if (t->state == TCP_CLOSED || t->state == TCP_LISTEN)
		err = -ENOTCONN;
	else if (t->state == TCP_SYN_SENT)
		tcp_close_conn(t, 0);
	else {
		if (how != 1) /* SHUT_RD or SHUT_RDWR */
			t->shut_rd = true;
		if (how != 0)
			send_fin(t);
		tcp_wake(t);
	}
	tcp_unlock();
	return err;
}

/* The connection is dropped on the floor: a RST, and gone. */
static void abort_conn(struct tcb *t)
{
	if (t->state != TCP_SYN_SENT && t->state != TCP_CLOSED &&
	    t->state != TCP_LISTEN && t->state != TCP_TIME_WAIT)
		tcp_send_segment(t, TCP_RST, t->snd_nxt, 0);
	tcp_close_conn(t, 0);
}

void tcp_usr_close(struct tcb *t)
{
	spin_lock(&tcp_lock);
	t->orphan = true;
	switch (t->state) {
	case TCP_LISTEN:
		/* Children not accepted yet are reset. */
		for (struct tcb *c = tcp_tcbs, *next; c; c = next) {
			next = c->next;
			if (c->listener != t)
				continue;
			c->queued = false;
			c->listener = NULL;
			c->orphan = true;
			abort_conn(c);
		}
		tcp_close_conn(t, 0);
		break;
	case TCP_CLOSED:
	case TCP_SYN_SENT:
		tcp_close_conn(t, 0);
		break;
	case TCP_SYN_RECEIVED:
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
		/* Unread data is lost: tell the peer (RFC 2525 2.17). */
		if (t->rcv.len)
			abort_conn(t);
		else
			send_fin(t);
		break;
	case TCP_FIN_WAIT_2:
		t->timewait_at = time_ns() + TCP_FIN_WAIT_2_MS * NS_PER_MS;
		break;
	case TCP_TIME_WAIT:
		tcp_free_buffers(t);
		break;
	default: /* FIN_WAIT_1, CLOSING, LAST_ACK: under way */
		break;
	}
	tcp_unlock();
}

/* ---- status -------------------------------------------------------------- */

unsigned int tcp_usr_poll(struct tcb *t)
{
	unsigned int mask = 0;

	spin_lock(&tcp_lock);
	if (t->state == TCP_LISTEN) {
		if (t->accept_head)
			mask |= POLLIN | POLLRDNORM;
	} else {
		if (t->rcv.len || t->fin_received || t->shut_rd)
			mask |= POLLIN | POLLRDNORM;
		if ((t->state == TCP_ESTABLISHED ||
		     t->state == TCP_CLOSE_WAIT) &&
		    !t->shut_wr && t->snd.len < t->snd.size)
			mask |= POLLOUT | POLLWRNORM;
		if (t->state == TCP_CLOSED || (t->shut_wr && t->fin_received))
			mask |= POLLHUP;
		if (t->state == TCP_CLOSED && t->raddr)
			mask |= POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;
		if (t->error)
			mask |= POLLERR;
	}
	tcp_unlock();
	return mask;
}

int tcp_usr_name(struct tcb *t, bool peer, uint32_t *addr, uint16_t *port)
{
	int err = 0;

	spin_lock(&tcp_lock);
	if (peer && (t->state == TCP_CLOSED || t->state == TCP_LISTEN ||
		     t->state == TCP_SYN_SENT))
		err = -ENOTCONN;
	*addr = peer ? t->raddr : t->laddr;
	*port = peer ? t->rport : t->lport;
	tcp_unlock();
	return err;
}

int tcp_usr_take_error(struct tcb *t)
{
	int err;

	spin_lock(&tcp_lock);
	err = t->error;
	t->error = 0;
	tcp_unlock();
	return err;
}

/* ---- options --------------------------------------------------------------- */

/* A buffer's new size (SO_RCVBUF, SO_SNDBUF) takes effect while it is
 * empty, as before a connection; Linux reports double the size asked
 * for, and so do we. */
static void resize(struct tcp_ring *r, int v, int max)
{
	size_t size = (size_t)(v < TCP_BUF_MIN ? TCP_BUF_MIN
			       : v > max       ? max
					       : v);
	uint8_t *buf;

	if (r->len || size == r->size)
		return;
	buf = kmalloc(size);
	if (!buf)
		return;
	kfree(r->buf);
	r->buf = buf;
	r->size = size;
	r->head = 0;
}

int tcp_usr_setopt(struct tcb *t, int opt, int v)
{
	spin_lock(&tcp_lock);
	switch (opt) {
	case TCP_OPTION_REUSEADDR:
		t->reuseaddr = v != 0;
		break;
	case TCP_OPTION_KEEPALIVE:
		t->keepalive = v != 0;
		t->keep_at =
			t->keepalive && t->state == TCP_ESTABLISHED
				? time_ns() + TCP_KEEPALIVE_IDLE_MS * NS_PER_MS
				: 0;
		break;
	case TCP_OPTION_NODELAY:
		t->nodelay = v != 0;
		if (t->nodelay) /* what Nagle held back goes now */
			tcp_output(t);
		break;
	case TCP_OPTION_RCVBUF:
		t->rcvbuf_opt = v;
		resize(&t->rcv, v, TCP_RCVBUF_MAX);
		break;
	case TCP_OPTION_SNDBUF:
		t->sndbuf_opt = v;
		resize(&t->snd, v, TCP_SNDBUF_MAX);
		break;
	}
	tcp_unlock();
	return 0;
}

int tcp_usr_getopt(struct tcb *t, int opt)
{
	int v = 0;

	spin_lock(&tcp_lock);
	switch (opt) {
	case TCP_OPTION_REUSEADDR:
		v = t->reuseaddr;
		break;
	case TCP_OPTION_KEEPALIVE:
		v = t->keepalive;
		break;
	case TCP_OPTION_NODELAY:
		v = t->nodelay;
		break;
	case TCP_OPTION_RCVBUF:
		v = (int)t->rcv.size * 2;
		break;
	case TCP_OPTION_SNDBUF:
		v = (int)t->snd.size * 2;
		break;
	}
	tcp_unlock();
	return v;
}

void tcp_usr_set_timeout(struct tcb *t, bool rcv, uint64_t ns)
{
	spin_lock(&tcp_lock);
	if (rcv)
		t->rcvtimeo_ns = ns;
	else
		t->sndtimeo_ns = ns;
	tcp_unlock();
}

uint64_t tcp_usr_get_timeout(struct tcb *t, bool rcv)
{
	uint64_t ns;

	spin_lock(&tcp_lock);
	ns = rcv ? t->rcvtimeo_ns : t->sndtimeo_ns;
	tcp_unlock();
	return ns;
}

bool tcp_usr_poll_listening(struct tcb *t)
{
	bool r;

	spin_lock(&tcp_lock);
	r = t->state == TCP_LISTEN;
	tcp_unlock();
	return r;
}
