/*
 * The kernel's random numbers: a ChaCha20 stream (RFC 8439) whose key is
 * seeded at boot from what the machine offers (RDSEED and RDRAND when the
 * CPU has them, the jitter of the time stamp counter, the real-time
 * clock) and replaced after every request ("fast key erasure"), so that
 * nothing handed out before can be worked out from the state. It is what
 * /dev/random, /dev/urandom and getrandom(2) read. docs/devices.md.
 */
#ifndef KESTREL_RANDOM_H
#define KESTREL_RANDOM_H

#include "lib/lib.h"

#define CHACHA20_KEY_WORDS 8
#define CHACHA20_NONCE_WORDS 3
#define CHACHA20_BLOCK 64 /* bytes */

/* Boot, after time_init and rtc_init: seed the generator. */
void random_init(void);
/* Fill buf with n random bytes. Never blocks, never fails; may be called
 * with interrupts off, never from an interrupt handler. */
void random_bytes(void *buf, size_t n);
/* Stir n bytes into the key (writes to /dev/random); never hurts, even
 * when the bytes are known to an attacker. */
void random_mix(const void *buf, size_t n);

/* One ChaCha20 block (RFC 8439 section 2.3): the 64-byte key stream for
 * key, block counter and nonce, in the RFC's byte order. */
void chacha20_block(const uint32_t key[CHACHA20_KEY_WORDS], uint32_t counter,
		    const uint32_t nonce[CHACHA20_NONCE_WORDS],
		    uint8_t out[CHACHA20_BLOCK]);

#endif
