/*
 * The random number generator (random.h). drivers/mem.c puts it behind
 * /dev/random, /dev/urandom and getrandom(2).
 *
 *   boot:    key = 0; for each 32 bytes of seed material: key ^= them,
 *            then key = the first 32 bytes of ChaCha20(key, nonce "seed")
 *   request: the TSC is stirred in the same way; the answer is the
 *            ChaCha20 stream of the key from counter 0, and the block
 *            after it becomes the new key
 *
 * Seed material: 32 bytes of RDSEED (or else RDRAND) when the CPU has the
 * instruction (CPUID leaf 7 EBX bit 18; leaf 1 ECX bit 30), the real-time
 * clock, and 256 samples of how long a short loop takes in TSC cycles,
 * whose low bits jitter with caches, interrupts and (under QEMU) the host.
 * Without RDRAND that jitter is most of the entropy; it is an honest
 * teaching design, not a certified one.
 */
#include "lib/random.h"
#include "arch/x86_64/arch.h"
#include "lib/spinlock.h"

#define KEY_BYTES (CHACHA20_KEY_WORDS * 4)
#define JITTER_SAMPLES 256
#define RDRAND_RETRIES 10 /* Intel's DRNG guide, section 5.2.1 */
#define CPUID1_ECX_RDRAND (1u << 30)
#define CPUID7_EBX_RDSEED (1u << 18)
#define CHUNK 256 /* bytes made under the lock, then a new key */

static struct spinlock random_lock = SPINLOCK_INIT("random");
static uint32_t key[CHACHA20_KEY_WORDS]; /* protected by random_lock */

static const uint32_t seed_nonce[CHACHA20_NONCE_WORDS] = { 0x64656573 };
static const uint32_t stream_nonce[CHACHA20_NONCE_WORDS];

static uint32_t rotl(uint32_t v, int n)
{
	return (v << n) | (v >> (32 - n));
}

static void quarter_round(uint32_t *x, int a, int b, int c, int d)
{
	x[a] += x[b], x[d] = rotl(x[d] ^ x[a], 16);
	x[c] += x[d], x[b] = rotl(x[b] ^ x[c], 12);
	x[a] += x[b], x[d] = rotl(x[d] ^ x[a], 8);
	x[c] += x[d], x[b] = rotl(x[b] ^ x[c], 7);
}

void chacha20_block(const uint32_t k[CHACHA20_KEY_WORDS], uint32_t counter,
		    const uint32_t nonce[CHACHA20_NONCE_WORDS],
		    uint8_t out[CHACHA20_BLOCK])
{
	/* "expand 32-byte k", the key, the counter, the nonce. */
	uint32_t in[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };
	uint32_t x[16];

	memcpy(&in[4], k, KEY_BYTES);
	in[12] = counter;
	memcpy(&in[13], nonce, CHACHA20_NONCE_WORDS * 4);
	memcpy(x, in, sizeof(x));
	for (int i = 0; i < 10; i++) { /* 20 rounds: column, then diagonal */
		quarter_round(x, 0, 4, 8, 12);
		quarter_round(x, 1, 5, 9, 13);
		quarter_round(x, 2, 6, 10, 14);
		quarter_round(x, 3, 7, 11, 15);
		quarter_round(x, 0, 5, 10, 15);
		quarter_round(x, 1, 6, 11, 12);
		quarter_round(x, 2, 7, 8, 13);
		quarter_round(x, 3, 4, 9, 14);
	}
	for (int i = 0; i < 16; i++) {
		uint32_t v = x[i] + in[i]; /* little-endian, as x86 stores */

		memcpy(out + 4 * i, &v, 4);
	}
}

/* XOR up to 32 bytes into the key, then replace the key by a function of
 * itself. Caller holds random_lock. */
static void absorb(const uint8_t *data, size_t n)
{
	uint8_t block[CHACHA20_BLOCK];
	uint8_t *k = (uint8_t *)key;

	for (size_t i = 0; i < n && i < KEY_BYTES; i++)
		k[i] ^= data[i];
	chacha20_block(key, 0, seed_nonce, block);
	memcpy(key, block, KEY_BYTES);
	memset(block, 0, sizeof(block));
}

void random_mix(const void *buf, size_t n)
{
	const uint8_t *p = buf;

	spin_lock(&random_lock);
	for (size_t done = 0; done < n; done += KEY_BYTES)
		absorb(p + done, MIN(n - done, (size_t)KEY_BYTES));
	spin_unlock(&random_lock);
}

/* At most CHUNK bytes of the stream, then a new key. */
static void generate(uint8_t *out, size_t n)
{
	uint8_t block[CHACHA20_BLOCK], tsc[sizeof(uint64_t)];
	uint64_t now = rdtsc();
	uint32_t counter = 0;

	memcpy(tsc, &now, sizeof(tsc));
	spin_lock(&random_lock);
	absorb(tsc, sizeof(tsc));
	for (size_t done = 0; done < n; done += CHACHA20_BLOCK) {
		chacha20_block(key, counter++, stream_nonce, block);
		memcpy(out + done, block, MIN(n - done, sizeof(block)));
	}
	chacha20_block(key, counter, stream_nonce, block);
	memcpy(key, block, KEY_BYTES);
	spin_unlock(&random_lock);
	memset(block, 0, sizeof(block));
}

void random_bytes(void *buf, size_t n)
{
	for (size_t done = 0; done < n; done += CHUNK)
		generate((uint8_t *)buf + done, MIN(n - done, CHUNK));
}

/* ---- seeding ------------------------------------------------------------ */

static bool rdrand64(uint64_t *v, bool seed)
{
	for (int i = 0; i < RDRAND_RETRIES; i++) {
		bool ok;

		if (seed)
			asm volatile("rdseed %0; setc %1"
				     : "=r"(*v), "=qm"(ok));
		else
			asm volatile("rdrand %0; setc %1"
				     : "=r"(*v), "=qm"(ok));
		if (ok)
			return true;
	}
	return false;
}

/* 32 bytes from RDSEED or RDRAND; which one, or NULL if neither. */
static const char *cpu_random(uint64_t out[4])
{
	uint32_t r[4];
	bool seed, rand;
	int got = 0;

	cpuid(1, 0, r);
	rand = r[2] & CPUID1_ECX_RDRAND;
	cpuid(0, 0, r);
	seed = false;
	if (r[0] >= 7) {
		cpuid(7, 0, r);
		seed = r[1] & CPUID7_EBX_RDSEED;
	}
	for (int i = 0; i < 4; i++)
		got += (seed && rdrand64(&out[i], true)) ||
		       (rand && rdrand64(&out[i], false));
	if (got < 4)
		return NULL;
	return seed ? "rdseed" : "rdrand";
}

/* The low byte of how many TSC cycles each of n short loops took. */
static void tsc_jitter(uint8_t *out, size_t n)
{
	volatile uint32_t sink = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t start = rdtsc();

		for (uint32_t j = 0; j < 50 + (i & 15); j++)
			sink += j;
		out[i] = (uint8_t)(rdtsc() - start);
	}
}

void random_init(void)
{
	uint8_t jitter[JITTER_SAMPLES];
	uint64_t cpu[4] = { 0 };
	uint64_t clocks[2] = { time_realtime_ns(), time_ns() };
	const char *source = cpu_random(cpu);

	random_mix(cpu, sizeof(cpu));
	random_mix(clocks, sizeof(clocks));
	tsc_jitter(jitter, sizeof(jitter));
	random_mix(jitter, sizeof(jitter));
	memset(cpu, 0, sizeof(cpu));
	kprintf("random: ChaCha20 seeded from %s%sTSC jitter and the RTC\n",
		source ? source : "", source ? ", " : "");
}
