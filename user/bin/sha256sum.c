/*
 * sha256sum [-c] [FILE...]: the SHA-256 digest of each FILE (standard
 * input when none), as "HEX  NAME", coreutils' format; -c reads such lines
 * from the FILEs and checks them. SHA-256 as FIPS 180-4 defines it.
 */
#include "ulib.h"

#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes so far */
	unsigned char block[64];
	size_t used; /* bytes in block */
};

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

static uint32_t ror(uint32_t x, int n)
{
	return x >> n | x << (32 - n);
}

static void compress(struct sha256 *s, const unsigned char *p)
{
	uint32_t w[64], v[8];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | p[4 * i + 1] << 16 |
		       p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++)
		w[i] = w[i - 16] +
		       (ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^
			w[i - 15] >> 3) +
		       w[i - 7] +
		       (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ w[i - 2] >> 10);
	memcpy(v, s->h, sizeof(v));
	for (int i = 0; i < 64; i++) {
		/* v: a b c d e f g h */
		uint32_t t1 = v[7] +
			      (ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25)) +
			      ((v[4] & v[5]) ^ (~v[4] & v[6])) + K[i] + w[i];
		uint32_t t2 = (ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22)) +
			      ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof(uint32_t));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (int i = 0; i < 8; i++)
		s->h[i] += v[i];
}

static void sha_init(struct sha256 *s)
{
	static const uint32_t h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372,
					0xa54ff53a, 0x510e527f, 0x9b05688c,
					0x1f83d9ab, 0x5be0cd19 };
	memcpy(s->h, h0, sizeof(h0));
	s->len = 0;
	s->used = 0;
}

static void sha_update(struct sha256 *s, const unsigned char *p, size_t n)
{
	s->len += n;
	while (n > 0) {
		size_t take = 64 - s->used < n ? 64 - s->used : n;
		memcpy(s->block + s->used, p, take);
		s->used += take;
		p += take;
		n -= take;
		if (s->used == 64) {
			compress(s, s->block);
			s->used = 0;
		}
	}
}

/* Pads (0x80, zeros, the length in bits) and writes the hex digest. */
static void sha_final(struct sha256 *s, char hex[65])
{
	uint64_t bits = s->len * 8;
	unsigned char pad = 0x80, zero = 0, len[8];

	sha_update(s, &pad, 1);
	while (s->used != 56)
		sha_update(s, &zero, 1);
	for (int i = 0; i < 8; i++)
		len[i] = bits >> (56 - 8 * i);
	sha_update(s, len, 8);
	for (int i = 0; i < 8; i++)
		sprintf(hex + 8 * i, "%08x", s->h[i]);
}

/* The digest of NAME ("-": standard input) in HEX; -1 if unreadable. */
static int digest(const char *name, char hex[65])
{
	unsigned char buf[4096];
	struct sha256 s;
	ssize_t n;
	int fd = open_input(name);

	if (fd < 0)
		return -1;
	sha_init(&s);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sha_update(&s, buf, n);
	close_input(fd);
	if (n < 0) {
		warn("%s", name);
		return -1;
	}
	sha_final(&s, hex);
	return 0;
}

/* -c: checks each "HEX  NAME" line of LIST. */
static int check(const char *list)
{
	FILE *fp = strcmp(list, "-") ? fopen(list, "r") : stdin;
	char line[4200], want[65], hex[65], *name;
	int bad = 0;

	if (!fp) {
		warn("%s", list);
		return 1;
	}
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\n")] = '\0';
		if (strlen(line) < 67 || line[64] != ' ') {
			warnx("%s: not a sha256sum line: %s", list, line);
			bad = 1;
			continue;
		}
		memcpy(want, line, 64);
		want[64] = '\0';
		name = line + 66;
		if (digest(name, hex) < 0 || strcmp(hex, want)) {
			printf("%s: FAILED\n", name);
			bad = 1;
		} else {
			printf("%s: OK\n", name);
		}
	}
	if (fp != stdin)
		fclose(fp);
	return bad;
}

int main(int argc, char **argv)
{
	char hex[65];
	int opt, checking = 0, status = 0;

	while ((opt = getopt(argc, argv, "c")) != -1) {
		if (opt != 'c')
			usage("[-c] [FILE...]");
		checking = 1;
	}
	if (optind == argc)
		argv[--optind] = "-";
	for (int i = optind; i < argc; i++) {
		if (checking)
			status |= check(argv[i]);
		else if (digest(argv[i], hex) < 0)
			status = 1;
		else
			printf("%s  %s\n", hex, argv[i]);
	}
	return status;
}
