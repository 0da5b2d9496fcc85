/*
 * Tests of the ring's buffer logic (suite ring), on small rings of their
 * own: bytes go in and out through the same claim and finish steps the
 * driver's read and write use, copied with memcpy where the driver uses
 * copy_from_user and copy_to_user. Every claim is non-blocking, so a
 * test never sleeps on a mistake. The file operations themselves, with
 * user memory, blocking and signals, are user/tests/t_ring.c's.
 */
#include "drivers/ring.h"
#include "lib/ktest.h"
#include "mm/mm.h"

/* Store n bytes from src through a write claim: the bytes claimed. */
static ssize_t put(struct ring *r, const char *src, size_t n)
{
	size_t at, first;
	ssize_t got = ring_claim_write(r, n, true, &at);

	if (got <= 0)
		return got;
	first = MIN((size_t)got, r->capacity - at);
	memcpy(r->buf + at, src, first);
	memcpy(r->buf, src + first, (size_t)got - first);
	ring_finish_write(r, (size_t)got, true);
	return got;
}

/* Take up to n bytes into dst (NUL-terminated) through a read claim. */
static ssize_t get(struct ring *r, char *dst, size_t n)
{
	size_t at, first;
	ssize_t got = ring_claim_read(r, n, true, &at);

	if (got <= 0)
		return got;
	first = MIN((size_t)got, r->capacity - at);
	memcpy(dst, r->buf + at, first);
	memcpy(dst + first, r->buf, (size_t)got - first);
	dst[got] = '\0';
	ring_finish_read(r, (size_t)got);
	return got;
}

static bool make(struct ring *r, size_t capacity)
{
	memset(r, 0, sizeof(*r));
	if (ring_setup(r, capacity))
		return false;
	r->readers = r->writers = 1; /* as if one O_RDWR file were open */
	return true;
}

KTEST(ring, fifo_across_the_wrap)
{
	struct ring r;
	char out[16];

	KT_ASSERT(make(&r, 8), "no memory");
	KT_ASSERT_EQ(put(&r, "abcde", 5), 5);
	KT_ASSERT_EQ(get(&r, out, 3), 3);
	KT_ASSERT(strcmp(out, "abc") == 0, "read %s", out);
	/* 2 stored at index 3: 6 more go at 5, 6, 7, 0, 1, 2. */
	KT_ASSERT_EQ(put(&r, "fghijk", 6), 6);
	KT_ASSERT_EQ(r.used, 8);
	KT_ASSERT_EQ(get(&r, out, 100), 8);
	KT_ASSERT(strcmp(out, "defghijk") == 0, "read %s", out);
	KT_ASSERT_EQ(r.stats.bytes_written, 11);
	KT_ASSERT_EQ(r.stats.bytes_read, 11);
	KT_ASSERT_EQ(r.stats.writes, 2);
	KT_ASSERT_EQ(r.stats.reads, 2);
	KT_ASSERT_EQ(r.stats.high_water, 8);
	kfree(r.buf);
}

KTEST(ring, full_and_empty)
{
	struct ring r;
	char out[16];

	KT_ASSERT(make(&r, 4), "no memory");
	KT_ASSERT_EQ(get(&r, out, 1), -EAGAIN); /* empty, a writer open */
	KT_ASSERT_EQ(put(&r, "wxyz", 4), 4);
	KT_ASSERT_EQ(put(&r, "!", 1), -EAGAIN); /* full */
	KT_ASSERT_EQ(r.stats.write_refusals, 1);
	KT_ASSERT_EQ(r.stats.write_waits, 0);
	KT_ASSERT_EQ(get(&r, out, 4), 4);
	r.writers = 0;
	KT_ASSERT_EQ(get(&r, out, 1), 0); /* empty, no writer: the end */
	KT_ASSERT_EQ(r.stats.reads, 1);
	kfree(r.buf);
}

/* The smallest ring: every index is 0, every write above one byte goes
 * in pieces, and the order holds. */
KTEST(ring, capacity_one)
{
	struct ring r;
	char out[4];

	KT_ASSERT(make(&r, 1), "no memory");
	for (char c = 'a'; c <= 'z'; c++) {
		KT_ASSERT_EQ(put(&r, &c, 1), 1);
		KT_ASSERT_EQ(put(&r, "x", 1), -EAGAIN);
		KT_ASSERT_EQ(r.head, 0);
		KT_ASSERT_EQ(get(&r, out, 4), 1);
		KT_ASSERT_EQ(out[0], c);
	}
	KT_ASSERT_EQ(put(&r, "xyz", 3), 1);
	KT_ASSERT_EQ(get(&r, out, 4), 1);
	KT_ASSERT_EQ(out[0], 'x');
	KT_ASSERT_EQ(r.stats.writes, 27);
	KT_ASSERT_EQ(r.stats.reads, 27);
	KT_ASSERT_EQ(r.stats.write_refusals, 26);
	KT_ASSERT_EQ(r.stats.high_water, 1);
	kfree(r.buf);
}

/* Up to the capacity a write needs room for all of it; above, any room
 * does and it goes in pieces. */
KTEST(ring, atomic_up_to_capacity)
{
	struct ring r;
	char out[16];

	KT_ASSERT(make(&r, 8), "no memory");
	KT_ASSERT_EQ(put(&r, "123456", 6), 6);
	KT_ASSERT_EQ(put(&r, "abc", 3), -EAGAIN); /* 2 free: not a piece */
	KT_ASSERT_EQ(r.used, 6);
	KT_ASSERT_EQ(put(&r, "ABCDEFGHIJ", 10), 2); /* above: what fits */
	KT_ASSERT_EQ(get(&r, out, 8), 8);
	KT_ASSERT(strcmp(out, "123456AB") == 0, "read %s", out);
	kfree(r.buf);
}

/* A claimed side is taken; a copy that failed leaves the bytes. */
KTEST(ring, claims)
{
	struct ring r;
	size_t at, at2;

	KT_ASSERT(make(&r, 8), "no memory");
	KT_ASSERT_EQ(put(&r, "xy", 2), 2);
	KT_ASSERT_EQ(ring_claim_read(&r, 8, true, &at), 2);
	KT_ASSERT_EQ(ring_claim_read(&r, 8, true, &at2), -EAGAIN);
	r.writers = 0; /* another reader's copy may yet fail: not the end */
	KT_ASSERT_EQ(ring_claim_read(&r, 8, true, &at2), -EAGAIN);
	KT_ASSERT_EQ(ring_claim_write(&r, 1, true, &at2), 1); /* other side */
	ring_finish_write(&r, 0, true);
	ring_finish_read(&r, 0); /* the copy failed */
	KT_ASSERT_EQ(r.used, 2);
	KT_ASSERT_EQ(r.stats.reads, 0);
	KT_ASSERT_EQ(r.stats.writes, 1);
	KT_ASSERT_EQ(r.stats.bytes_read, 0);
	kfree(r.buf);
}

KTEST(ring, set_capacity_keeps_the_bytes)
{
	struct ring r;
	char out[16];

	KT_ASSERT(make(&r, 8), "no memory");
	KT_ASSERT_EQ(put(&r, "abcdef", 6), 6);
	KT_ASSERT_EQ(get(&r, out, 5), 5);
	KT_ASSERT_EQ(put(&r, "ghijk", 5), 5); /* wraps: "fghijk" at 5.. */
	KT_ASSERT_EQ(ring_set_capacity(&r, 5), -EBUSY);
	KT_ASSERT_EQ(ring_set_capacity(&r, 0), -EINVAL);
	KT_ASSERT_EQ(ring_set_capacity(&r, RING_MAX_CAPACITY + 1), -EINVAL);
	KT_ASSERT_EQ(ring_set_capacity(&r, 6), 0);
	KT_ASSERT_EQ(r.capacity, 6);
	KT_ASSERT_EQ(r.head, 0);
	KT_ASSERT_EQ(put(&r, "!", 1), -EAGAIN);
	KT_ASSERT_EQ(ring_set_capacity(&r, RING_MAX_CAPACITY), 0);
	KT_ASSERT_EQ(get(&r, out, 16), 6);
	KT_ASSERT(strcmp(out, "fghijk") == 0, "read %s", out);
	KT_ASSERT_EQ(r.stats.bytes_written, 11); /* counts stay */
	kfree(r.buf);
}

KTEST(ring, reset)
{
	struct ring r;
	char out[16];

	KT_ASSERT(make(&r, 8), "no memory");
	KT_ASSERT_EQ(put(&r, "abcdefgh", 8), 8);
	KT_ASSERT_EQ(put(&r, "i", 1), -EAGAIN);
	KT_ASSERT_EQ(ring_reset(&r), 0);
	KT_ASSERT_EQ(r.used, 0);
	KT_ASSERT_EQ(r.capacity, 8);
	KT_ASSERT_EQ(r.stats.bytes_written, 0);
	KT_ASSERT_EQ(r.stats.writes, 0);
	KT_ASSERT_EQ(r.stats.write_refusals, 0);
	KT_ASSERT_EQ(r.stats.high_water, 0);
	KT_ASSERT_EQ(get(&r, out, 1), -EAGAIN);
	KT_ASSERT_EQ(put(&r, "zz", 2), 2);
	KT_ASSERT_EQ(get(&r, out, 8), 2);
	KT_ASSERT(strcmp(out, "zz") == 0, "read %s", out);
	kfree(r.buf);
}

/* The registered devices: four, each its own ring at the default size. */
KTEST(ring, devices)
{
	struct ring_stats st;

	for (unsigned int i = 0; i < RING_DEVICES; i++) {
		KT_ASSERT_EQ(ring_get_stats(i, &st), 0);
		KT_ASSERT_EQ(st.capacity, RING_DEFAULT_CAPACITY);
	}
	KT_ASSERT_EQ(ring_get_stats(RING_DEVICES, &st), -ENODEV);
}
