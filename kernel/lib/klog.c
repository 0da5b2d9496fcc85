/*
 * The kernel log ring (klog.h). Lines are assembled in `line` until their
 * newline, then copied into records[seq % KLOG_RECORDS]; the records kept
 * are [next_seq - KLOG_RECORDS, next_seq) (from 0 while fewer were
 * written). Everything is under one spinlock, so kprintf from interrupt
 * handlers and from several CPUs keeps each line whole.
 */
#include "lib/klog.h"
#include "arch/x86_64/arch.h"
#include "lib/spinlock.h"

static struct spinlock klog_lock = SPINLOCK_INIT("klog");
/* Protected by klog_lock. */
static struct klog_record records[KLOG_RECORDS];
static uint64_t next_seq;
static struct klog_record line; /* the line being printed */
static bool line_started;

/* Caller holds klog_lock. */
static void commit_line(void)
{
	line.seq = next_seq++;
	records[line.seq % KLOG_RECORDS] = line;
	line.len = 0;
	line_started = false;
}

void klog_write(const char *buf, size_t len)
{
	spin_lock(&klog_lock);
	for (size_t i = 0; i < len; i++) {
		if (!line_started) {
			line.usec = time_ns() / 1000;
			line_started = true;
		}
		if (buf[i] == '\n') {
			commit_line();
			continue;
		}
		line.text[line.len++] = buf[i];
		if (line.len == KLOG_TEXT_MAX)
			commit_line();
	}
	spin_unlock(&klog_lock);
}

void klog_break_lock(void)
{
	spin_init(&klog_lock, "klog");
}

static uint64_t first_locked(void)
{
	return next_seq > KLOG_RECORDS ? next_seq - KLOG_RECORDS : 0;
}

int klog_read(uint64_t *seq, struct klog_record *rec)
{
	int err = 0;

	spin_lock(&klog_lock);
	if (*seq < first_locked()) {
		*seq = first_locked();
		err = -EPIPE;
	} else if (*seq >= next_seq) {
		err = -EAGAIN;
	} else {
		*rec = records[*seq % KLOG_RECORDS];
		(*seq)++;
	}
	spin_unlock(&klog_lock);
	return err;
}

uint64_t klog_first_seq(void)
{
	uint64_t seq;

	spin_lock(&klog_lock);
	seq = first_locked();
	spin_unlock(&klog_lock);
	return seq;
}

uint64_t klog_next_seq(void)
{
	uint64_t seq;

	spin_lock(&klog_lock);
	seq = next_seq;
	spin_unlock(&klog_lock);
	return seq;
}
