/*
 * The kernel log: every line kprintf prints, kept in a ring of records
 * with a sequence number and a time stamp, for /dev/kmsg and syslog(2)
 * (dmesg reads them). When the ring is full the oldest record goes. A
 * reader keeps its own place as a sequence number, and learns when the
 * records it had not read yet were overwritten. docs/devices.md.
 */
#ifndef KESTREL_KLOG_H
#define KESTREL_KLOG_H

#include "lib/lib.h"

#define KLOG_RECORDS 512
#define KLOG_TEXT_MAX 240 /* longer lines are split into several records */

struct klog_record {
	uint64_t seq;  /* 0, 1, 2 ... since boot */
	uint64_t usec; /* time_ns() / 1000 when the line began */
	uint16_t len;  /* bytes of text, without a newline */
	char text[KLOG_TEXT_MAX];
};

/* Log len bytes as kprintf printed them: each '\n' ends a record; a line
 * printed in several pieces becomes one record. Callable anywhere,
 * interrupt handlers included; never sleeps. */
void klog_write(const char *buf, size_t len);
/* A panic is being reported: forget the holder of the log's lock. */
void klog_break_lock(void);

/* Copy the record numbered *seq into *rec and advance *seq: 0, or
 * -EAGAIN if it has not been written yet, or -EPIPE if it was already
 * overwritten (then *seq moves to the oldest record kept). */
int klog_read(uint64_t *seq, struct klog_record *rec);
/* The oldest record kept, and the one the next line will get. */
uint64_t klog_first_seq(void);
uint64_t klog_next_seq(void);

#endif
