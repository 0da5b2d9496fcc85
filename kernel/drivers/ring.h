/*
 * The ring device (ring.c): /dev/ring0 .. ring3, each a byte FIFO in
 * kernel memory with pipe semantics, statistics and ioctl commands
 * (include/kestrel/ring.h is the user's side). Here is what the rest of
 * the kernel needs (boot, /proc/ring) and what the tests in ring_test.c
 * drive: the ring itself and the claim/finish steps every read and write
 * goes through. docs/drivers.md has the picture.
 */
#ifndef KESTREL_DRIVERS_RING_H
#define KESTREL_DRIVERS_RING_H

#include "lib/spinlock.h"
#include "sched/sched.h"
#include <kestrel/ring.h>

/*
 * The bytes stored are the `used` bytes from index `head` on, wrapping at
 * `capacity`. Copying to and from user memory may fault pages in and
 * sleep, so it never happens under the spinlock: a reader claims the
 * read side (`reading`), drops the lock, copies, and takes the lock again
 * to move head; a writer does the same with `writing` and the free space
 * after the stored bytes. The two sides touch disjoint bytes; the claims
 * keep two readers (or two writers) from copying at once. Nobody sleeps
 * holding a claim; buf and capacity change, and head and used jump
 * (a reset), only while neither side is claimed.
 */
struct ring {
	struct spinlock lock; /* "ring": everything below, not buf's bytes */
	uint8_t *buf;
	size_t capacity;
	size_t head;           /* index of the oldest stored byte */
	size_t used;           /* bytes stored */
	bool reading;          /* a reader is copying bytes out */
	bool writing;          /* a writer is copying bytes in */
	unsigned int readers;  /* open files that may read */
	unsigned int writers;  /* open files that may write */
	struct waitqueue wait; /* everyone waiting for any change */
	/* Counts only: capacity, stored, readers and writers are filled in
	 * from the fields above when asked (ring_get_stats). */
	struct ring_stats stats;
};

/* Boot: make the rings and register /dev/ring0 .. ring3 (kmain). */
void ring_init(void);

/* A new ring of capacity bytes in r (zeroed memory): 0 or -ENOMEM. */
int ring_setup(struct ring *r, size_t capacity);

/* The statistics of ring minor (/proc/ring): 0, or -ENODEV past the
 * last. */
int ring_get_stats(unsigned int minor, struct ring_stats *st);

/*
 * Reading: ring_claim_read waits until there are bytes and the read side
 * is free, claims it, and says how many of the n asked for may be copied
 * out, from index *at (wrapping at capacity); 0 is the end of file (empty
 * and no writer), or -EAGAIN (nonblock) or -ERESTARTSYS (a signal).
 * ring_finish_read gives the read side back, done bytes taken (0 if the
 * copy failed: the bytes stay).
 */
ssize_t ring_claim_read(struct ring *r, size_t n, bool nonblock, size_t *at);
void ring_finish_read(struct ring *r, size_t done);

/*
 * Writing: ring_claim_write waits until the write side is free and all n
 * bytes fit (or, for n above the capacity, any), claims it, and says how
 * many bytes may be copied in from index *at; -EAGAIN or -ERESTARTSYS
 * otherwise. ring_finish_write gives it back with done bytes stored;
 * first says this was the call's first piece (statistics count calls).
 */
ssize_t ring_claim_write(struct ring *r, size_t n, bool nonblock, size_t *at);
void ring_finish_write(struct ring *r, size_t done, bool first);

/* RING_RESET and RING_SET_CAPACITY on r: 0 or a negative errno, as the
 * commands in include/kestrel/ring.h say. */
int ring_reset(struct ring *r);
int ring_set_capacity(struct ring *r, size_t capacity);

#endif
