/*
 * SHA-256 (FIPS 180-4), small and slow enough to read: for the network
 * tools (nc -s, httpget -s) that print the digest of what they moved, so
 * a transfer can be checked against sha256sum on the other side, and for
 * the password hashes of login, su and passwd (user/lib/auth).
 */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;        /* hashed so far */
	unsigned char buf[64]; /* a block being filled */
	size_t used;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* The 32-byte digest (the state is used up). */
void sha256_final(struct sha256 *s, unsigned char out[32]);
/* The digest as 64 lowercase hex digits and a NUL. */
void sha256_hex(struct sha256 *s, char out[65]);

#endif
