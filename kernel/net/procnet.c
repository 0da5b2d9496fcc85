/*
 * /proc/net/dev, /proc/net/tcp and /proc/net/udp: the network's state as
 * text in Linux's formats (so that netstat-like tools read both), for
 * procfs to show (kernel/fs/procfs). Each generator writes into buf at
 * most size bytes and returns the length of the whole text, which may be
 * more: procfs then calls again with room enough. They take the locks of
 * what they read (a device's counters are atomic; the tcbs under
 * tcp_lock) and never allocate.
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
