/*
 * Packet buffers: one kmalloc'd struct pbuf per packet, the frame in its
 * array behind PBUF_HEADROOM bytes of room for headers (net.h has the
 * picture). The array holds at least a whole frame (PBUF_DATA_MAX), so a
 * layer may turn a packet around in place; a reassembled IPv4 datagram
 * (ipfrag.c) gets a buffer as long as it needs. A count of live buffers lets the tests check that a path
 * frees what it allocates.
 */
#include "mm/mm.h"
#include "net/net.h"

static uint64_t live_count; /* atomic */

struct pbuf *pbuf_alloc(size_t len)
{
	struct pbuf *p;

	if (len > PBUF_LEN_MAX)
		return NULL;
	p = kmalloc(sizeof(*p) + PBUF_HEADROOM + MAX(len, PBUF_DATA_MAX));
	if (!p)
		return NULL;
	p->next = NULL;
	p->dev = NULL;
	p->data = p->buf + PBUF_HEADROOM;
	p->len = len;
	p->ip_src = p->ip_dst = 0;
	p->ip_header = NULL;
	p->src_port = 0;
	p->frag_start = p->frag_end = 0;
	__atomic_fetch_add(&live_count, 1, __ATOMIC_RELAXED);
	return p;
}

void pbuf_free(struct pbuf *p)
{
	if (!p)
		return;
	__atomic_fetch_sub(&live_count, 1, __ATOMIC_RELAXED);
	kfree(p);
}

uint8_t *pbuf_push(struct pbuf *p, size_t n)
{
	if ((size_t)(p->data - p->buf) < n)
		panic("pbuf_push: %zu bytes of header, %zu of headroom", n,
		      (size_t)(p->data - p->buf));
	p->data -= n;
	p->len += n;
	return p->data;
}

void pbuf_pull(struct pbuf *p, size_t n)
{
	assert(n <= p->len);
	p->data += n;
	p->len -= n;
}

uint64_t pbuf_live(void)
{
	return __atomic_load_n(&live_count, __ATOMIC_RELAXED);
}
