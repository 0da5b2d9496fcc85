/*
 * Tests of the kernel log and the random generator (suite klog, random).
 */
#include "lib/klog.h"
#include "lib/ktest.h"
#include "lib/random.h"

static bool text_is(const struct klog_record *rec, const char *want)
{
	return rec->len == strlen(want) &&
	       memcmp(rec->text, want, rec->len) == 0;
}

KTEST(klog, records)
{
	struct klog_record rec;
	uint64_t seq = klog_next_seq();

	kprintf("klog test: %d\n", 42);
	kprintf("klog test: in ");
	kprintf("pieces\n");
	KT_ASSERT_EQ(klog_read(&seq, &rec), 0);
	KT_ASSERT(text_is(&rec, "klog test: 42"), "%.*s", rec.len, rec.text);
	KT_ASSERT_EQ(klog_read(&seq, &rec), 0);
	KT_ASSERT(text_is(&rec, "klog test: in pieces"), "one record");
	KT_ASSERT_EQ(rec.seq, seq - 1);
	KT_ASSERT_EQ(klog_read(&seq, &rec), -EAGAIN);
}

KTEST(klog, long_lines_and_wrap)
{
	char line[KLOG_TEXT_MAX + 11];
	struct klog_record rec;
	uint64_t seq = klog_next_seq(), start = seq;

	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	klog_write(line, sizeof(line)); /* written to the log only */
	KT_ASSERT_EQ(klog_read(&seq, &rec), 0);
	KT_ASSERT_EQ(rec.len, KLOG_TEXT_MAX);
	KT_ASSERT_EQ(klog_read(&seq, &rec), 0);
	KT_ASSERT_EQ(rec.len, 10);
	for (int i = 0; i < KLOG_RECORDS; i++)
		klog_write("wrap\n", 5);
	seq = start;
	KT_ASSERT_EQ(klog_read(&seq, &rec), -EPIPE);
	KT_ASSERT_EQ(seq, klog_first_seq());
	KT_ASSERT_EQ(klog_read(&seq, &rec), 0);
	KT_ASSERT(text_is(&rec, "wrap"), "the oldest kept");
}

/* RFC 8439 section 2.3.2. */
KTEST(random, chacha20_vector)
{
	static const uint8_t want[16] = { 0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b,
					  0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f,
					  0xa3, 0x20, 0x71, 0xc4 };
	static const uint8_t want_end[4] = { 0xa2, 0x50, 0x3c, 0x4e };
	uint32_t key[CHACHA20_KEY_WORDS];
	uint32_t nonce[CHACHA20_NONCE_WORDS] = { 0x09000000, 0x4a000000, 0 };
	uint8_t out[CHACHA20_BLOCK];

	for (int i = 0; i < CHACHA20_KEY_WORDS; i++) /* bytes 00 01 .. 1f */
		key[i] = (uint32_t)(4 * i) | (uint32_t)(4 * i + 1) << 8 |
			 (uint32_t)(4 * i + 2) << 16 |
			 (uint32_t)(4 * i + 3) << 24;
	chacha20_block(key, 1, nonce, out);
	KT_ASSERT(memcmp(out, want, sizeof(want)) == 0, "first bytes");
	KT_ASSERT(memcmp(out + 60, want_end, sizeof(want_end)) == 0,
		  "last bytes");
}

KTEST(random, bytes_differ)
{
	uint8_t a[64], b[64];
	int zeros = 0;

	random_bytes(a, sizeof(a));
	random_bytes(b, sizeof(b));
	KT_ASSERT(memcmp(a, b, sizeof(a)) != 0, "two requests, same bytes");
	for (size_t i = 0; i < sizeof(a); i++)
		zeros += a[i] == 0;
	KT_ASSERT(zeros < 8, "%d zero bytes of 64", zeros);
}
