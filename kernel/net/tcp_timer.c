/*
 * TCP's timers. Each tcb keeps its deadlines as time_ns() values (0: not
 * running); one kernel task, "tcp timer", wakes every TCP_TICK_NS while
 * any tcb exists and runs the ones that are due:
 *
 *   rexmit_at    retransmission (RFC 6298): back the RTO off, shrink
 *                cwnd to one segment (RFC 5681 3.1), go back to SND.UNA;
 *                give up (ETIMEDOUT) after TCP_SYN_RETRIES for a SYN,
 *                TCP_RETRIES otherwise
 *   delack_at    the delayed ACK is due
 *   persist_at   the peer's window is zero: probe it (RFC 9293 3.8.6.1)
 *   timewait_at  TIME_WAIT's 2 MSL are over, or an orphan in FIN_WAIT_2
 *                waited long enough for the peer's FIN
 *   keep_at      SO_KEEPALIVE: an idle connection is probed
 */
#include "net/tcp.h"

static struct waitqueue timer_wait = WAITQUEUE_INIT; /* tcp_lock */
static bool timer_idle; /* tcp_lock: asleep until a tcb appears */
bool tcp_timers_frozen; /* tcp_lock: ktests run the timers by hand */

void tcp_timer_kick(void)
{
	if (timer_idle)
		wake_up(&timer_wait);
}

void tcp_rearm_rexmit(struct tcb *t)
{
	if (t->snd_una == t->snd_max) {
		t->rexmit_at = 0;
		return;
	}
	t->rexmit_at = time_ns() + (uint64_t)t->rto_ms * NS_PER_MS;
	tcp_timer_kick();
}

void tcp_set_timewait(struct tcb *t)
{
	t->rexmit_at = t->persist_at = t->keep_at = t->delack_at = 0;
	t->state = TCP_TIME_WAIT;
	t->timewait_at = time_ns() + TCP_TIME_WAIT_MS * NS_PER_MS;
	if (t->orphan)
		tcp_free_buffers(t);
	tcp_wake(t);
	tcp_timer_kick();
}

/* The retransmission timer went off. false if t is gone. */
static bool rexmit_timeout(struct tcb *t)
{
	bool syn = t->state == TCP_SYN_SENT || t->state == TCP_SYN_RECEIVED;
	uint32_t flight = t->snd_max - t->snd_una;

	t->rexmit_at = 0;
	if (flight == 0)
		return true;
	if (++t->retries > (syn ? TCP_SYN_RETRIES : TCP_RETRIES)) {
		if (!syn)
			tcp_send_segment(t, TCP_RST, t->snd_nxt, 0);
		tcp_close_conn(t, ETIMEDOUT);
		return false;
	}
	tcp_count(timeouts);
	t->rto_ms = MIN(t->rto_ms * 2, (uint32_t)TCP_RTO_MAX_MS);
	t->ssthresh = MAX(flight / 2, 2u * t->mss);
	t->cwnd = t->mss;
	t->in_recovery = false;
	t->dupacks = 0;
	t->rtt_timing = false; /* Karn: no sample from a resent segment */
	t->snd_nxt = t->snd_una;
	tcp_count(retransmits);
	tcp_output(t);
	return true;
}

/* Run t's due timers; false if t is gone. */
static bool run_one(struct tcb *t, uint64_t now)
{
	if (t->timewait_at && now >= t->timewait_at) {
		t->timewait_at = 0;
		tcp_close_conn(t, 0);
		return false;
	}
	if (t->rexmit_at && now >= t->rexmit_at && !rexmit_timeout(t))
		return false;
	if (t->delack_at && now >= t->delack_at) {
		t->delack_at = 0;
		t->ack_now = true;
		tcp_output(t);
	}
	if (t->persist_at && now >= t->persist_at) {
		/* A segment just below the window: the peer answers with
		 * an ACK that says its window now. */
		tcp_count(persist_probes);
		tcp_send_segment(t, 0, t->snd_una - 1, 0);
		if (t->persist_backoff < 6)
			t->persist_backoff++;
		t->persist_at =
			now +
			((uint64_t)t->rto_ms << t->persist_backoff) * NS_PER_MS;
	}
	if (t->keep_at && now >= t->keep_at) {
		if (t->state != TCP_ESTABLISHED && t->state != TCP_CLOSE_WAIT) {
			t->keep_at = 0;
		} else if (++t->keep_probes > TCP_KEEPALIVE_PROBES) {
			tcp_close_conn(t, ETIMEDOUT);
			return false;
		} else {
			tcp_count(keepalive_probes);
			tcp_send_segment(t, 0, t->snd_una - 1, 0);
			t->keep_at = now + TCP_KEEPALIVE_INTVL_MS * NS_PER_MS;
		}
	}
	return true;
}

void tcp_timers_run(uint64_t now)
{
	struct tcb *t = tcp_tcbs;

	while (t) {
		struct tcb *next = t->next; /* t may be freed */

		run_one(t, now);
		t = next;
	}
}

static void timer_task(void *arg)
{
	(void)arg;
	spin_lock(&tcp_lock);
	for (;;) {
		if (tcp_tcbs)
			sleep_on_until(&timer_wait, &tcp_lock,
				       time_ns() + TCP_TICK_NS);
		else {
			timer_idle = true;
			sleep_on(&timer_wait, &tcp_lock);
			timer_idle = false;
		}
		if (!tcp_timers_frozen)
			tcp_timers_run(time_ns());
		tcp_unlock();
		spin_lock(&tcp_lock);
	}
}

void tcp_timer_start(void)
{
	if (!task_spawn("tcp timer", timer_task, NULL))
		panic("tcp: cannot start the timer task");
}
