/*
 * SHA-256-crypt, the "$5$" password hash of glibc and libxcrypt (Ulrich
 * Drepper's "Unix crypt using SHA-256 and SHA-512" specification), so a
 * Kestrel /etc/shadow line is checked the same way on Linux. Debian's
 * musl has no crypt(), hence this file.
 *
 *   setting   $5$[rounds=N$]SALT        SALT: up to 16 characters
 *   result    $5$[rounds=N$]SALT$HASH   HASH: 43 characters of ./0-9A-Za-z
 *
 * The hash is 5000 rounds (or N, clamped to 1000..999999999) of SHA-256
 * over the password, the salt and the previous round's digest, mixed in
 * an order that depends on the round number, so that no step can be
 * skipped or precomputed for every salt at once.
 */
#include "auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"

#define SALT_MAX 16
#define ROUNDS_DEFAULT 5000
#define ROUNDS_MIN 1000
#define ROUNDS_MAX 999999999UL

static const char b64[] =
	"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* Append n characters of the 24-bit value b2 b1 b0, low 6 bits first. */
static char *put24(char *p, unsigned b2, unsigned b1, unsigned b0, int n)
{
	unsigned long w = (b2 << 16) | (b1 << 8) | b0;

	while (n-- > 0) {
		*p++ = b64[w & 0x3f];
		w >>= 6;
	}
	return p;
}

/* len bytes made of digest d repeated (the spec's P and S sequences). */
static void repeat(unsigned char *out, size_t len, const unsigned char d[32])
{
	for (size_t i = 0; i < len; i++)
		out[i] = d[i % 32];
}

char *sha256_crypt(const char *key, const char *setting, char *out, size_t size)
{
	const char *salt = setting;
	unsigned long rounds = ROUNDS_DEFAULT;
	int explicit_rounds = 0;
	size_t klen = strlen(key), slen;
	unsigned char a[32], b[32], dp[32], ds[32], *p, *s;
	struct sha256 ctx;
	char *o;

	if (strncmp(salt, "$5$", 3) != 0)
		return NULL;
	salt += 3;
	if (strncmp(salt, "rounds=", 7) == 0) {
		char *end;

		rounds = strtoul(salt + 7, &end, 10);
		if (end == salt + 7 || *end != '$')
			return NULL;
		salt = end + 1;
		rounds = rounds < ROUNDS_MIN ? ROUNDS_MIN : rounds;
		rounds = rounds > ROUNDS_MAX ? ROUNDS_MAX : rounds;
		explicit_rounds = 1;
	}
	slen = strcspn(salt, "$");
	slen = slen > SALT_MAX ? SALT_MAX : slen;
	if (size < 3 + 22 + SALT_MAX + 1 + 43 + 1)
		return NULL;

	/* B = H(key salt key) */
	sha256_init(&ctx);
	sha256_update(&ctx, key, klen);
	sha256_update(&ctx, salt, slen);
	sha256_update(&ctx, key, klen);
	sha256_final(&ctx, b);

	/* A = H(key salt B-repeated-to-klen, then per bit of klen: B or key) */
	sha256_init(&ctx);
	sha256_update(&ctx, key, klen);
	sha256_update(&ctx, salt, slen);
	for (size_t n = klen; n > 0; n -= n > 32 ? 32 : n)
		sha256_update(&ctx, b, n > 32 ? 32 : n);
	for (size_t n = klen; n > 0; n >>= 1)
		if (n & 1)
			sha256_update(&ctx, b, 32);
		else
			sha256_update(&ctx, key, klen);
	sha256_final(&ctx, a);

	/* P: H(key repeated klen times), repeated to klen bytes */
	sha256_init(&ctx);
	for (size_t i = 0; i < klen; i++)
		sha256_update(&ctx, key, klen);
	sha256_final(&ctx, dp);
	/* S: H(salt repeated 16 + A[0] times), repeated to slen bytes */
	sha256_init(&ctx);
	for (unsigned i = 0; i < 16u + a[0]; i++)
		sha256_update(&ctx, salt, slen);
	sha256_final(&ctx, ds);
	p = malloc(klen + 1);
	s = malloc(slen + 1);
	if (!p || !s) {
		free(p);
		free(s);
		return NULL;
	}
	repeat(p, klen, dp);
	repeat(s, slen, ds);

	for (unsigned long r = 0; r < rounds; r++) {
		sha256_init(&ctx);
		if (r & 1)
			sha256_update(&ctx, p, klen);
		else
			sha256_update(&ctx, a, 32);
		if (r % 3)
			sha256_update(&ctx, s, slen);
		if (r % 7)
			sha256_update(&ctx, p, klen);
		if (r & 1)
			sha256_update(&ctx, a, 32);
		else
			sha256_update(&ctx, p, klen);
		sha256_final(&ctx, a);
	}
	free(p);
	free(s);

	o = out + sprintf(out, "$5$");
	if (explicit_rounds)
		o += sprintf(o, "rounds=%lu$", rounds);
	memcpy(o, salt, slen);
	o += slen;
	*o++ = '$';
	/* The digest's bytes, three at a time, in the specification's order:
	 * the i-th group is bytes 21i, 21i+10 and 21i+20 (modulo 30). */
	for (int i = 0; i < 10; i++) {
		int x = (21 * i) % 30;

		o = put24(o, a[x], a[(x + 10) % 30], a[(x + 20) % 30], 4);
	}
	o = put24(o, 0, a[31], a[30], 3);
	*o = '\0';
	return out;
}
