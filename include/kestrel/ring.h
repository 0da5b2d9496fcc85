/*
 * The ring device's interface for user programs: /dev/ring0 .. ring3
 * (character major RING_MAJOR, minors 0-3), each a byte FIFO in kernel
 * memory that reads and writes like a pipe, and its ioctl commands. The
 * kernel driver (kernel/drivers/ring.c) and user programs (ringctl,
 * ringdemo, the tests) include this same file. docs/drivers.md.
 */
#ifndef KESTREL_RING_H
#define KESTREL_RING_H

#include <kestrel/ioctl.h>
#include <stdint.h>

/* From Linux's local/experimental range (devices.txt: 240-254 char);
 * Kestrel uses no other number there for character devices (240 stays
 * free: devfs's tests register nothing there and check it). */
#define RING_MAJOR 241
#define RING_DEVICES 4 /* /dev/ring0 .. ring3 */

#define RING_DEFAULT_CAPACITY 4096   /* bytes, each ring at boot */
#define RING_MAX_CAPACITY (1U << 20) /* 1 MiB */

/*
 * What RING_GET_STATS gives and /proc/ring shows. Counts run from boot
 * or the last RING_RESET; a "call" is one read(2) or write(2).
 */
struct ring_stats {
	uint64_t capacity;       /* bytes the ring holds */
	uint64_t stored;         /* bytes in it now */
	uint64_t bytes_written;  /* in total */
	uint64_t bytes_read;     /* in total */
	uint64_t writes;         /* write calls that stored bytes */
	uint64_t reads;          /* read calls that returned bytes */
	uint64_t write_waits;    /* times a writer slept: for room, or for
				  * another writer's copy to end */
	uint64_t write_refusals; /* times a writer would have slept but had
				  * O_NONBLOCK (EAGAIN, or a short count
				  * for a long write) */
	uint64_t high_water;     /* the most bytes stored at once */
	uint32_t readers;        /* open files that may read it, now */
	uint32_t writers;        /* open files that may write it, now */
};

/* Magic 'r', numbers from 0x80: Linux's ioctl-number.rst gives 'r'
 * 0x00-0x1F to VFAT, and nobody the rest. */
#define RING_IOC_MAGIC 'r'

/* Fill the struct ring_stats arg points to. */
#define RING_GET_STATS KIOR(RING_IOC_MAGIC, 0x80, struct ring_stats)
/* Throw the stored bytes away and zero the counts (capacity stays). */
#define RING_RESET KIO(RING_IOC_MAGIC, 0x81)
/* Set the capacity to the uint32_t arg points to: EINVAL for 0 or more
 * than RING_MAX_CAPACITY, EBUSY if the bytes stored would not fit. The
 * stored bytes stay, in order. */
#define RING_SET_CAPACITY KIOW(RING_IOC_MAGIC, 0x82, uint32_t)

#endif
