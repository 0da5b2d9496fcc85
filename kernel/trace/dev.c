/*
 * /dev/trace: the user's end of the tracer, after Linux's tracefs files
 * set_event and trace_pipe folded into one device node.
 *
 *   echo mm:page_fault > /dev/trace      enable (also "mm:*", "*:*")
 *   echo '!mm:page_fault' > /dev/trace   disable
 *   cat /dev/trace                       stream events as text, one a
 *                                        line, from the moment of open
 *
 * Each open file has its own cursor in every CPU's ring (ring.c), so two
 * readers each see every event; a reader that falls behind loses the
 * oldest and is told so in the stream by a line "# lost N events". A
 * tracepoint may fire under any lock (the scheduler's too), so it cannot
 * wake a reader: a blocked reader looks again every TRACE_POLL_NS.
 * /proc/trace_events lists the tracepoints, /proc/trace_stat the rings.
 * docs/tracing.md says why a device and not a tracefs mount.
 */
#include "trace/trace.h"
#include "fs/chardev.h"
#include "fs/poll.h"
#include "mm/mm.h"
#include "proc/signal.h"
#include "sched/sched.h"
#include "syscall.h"

#define TRACE_MAJOR 242 /* Linux's range for local use (devices.txt) */
#define TRACE_LINE_MAX 256
#define TRACE_POLL_NS 10000000ULL /* 10 ms */
#define TRACE_CMD_MAX 128

/* One open /dev/trace; used only by the file's reader (f->pos rules). */
struct trace_reader {
	struct trace_cursor cursor;
	char line[TRACE_LINE_MAX]; /* an event read but not yet copied out */
	size_t line_len, line_off;
};

static int trace_open(struct inode *inode, struct file *f)
{
	struct trace_reader *r = kzalloc(sizeof(*r));

	if (!r)
		return -ENOMEM;
	trace_cursor_init(&r->cursor);
	f->private = r;
	return 0;
}

static void trace_release(struct file *f)
{
	kfree(f->private);
}

/* Fill r->line with the next line: true, or false if none is ready. */
static bool next_line(struct trace_reader *r)
{
	struct trace_event e;
	uint64_t lost = 0;
	bool got = trace_read(&r->cursor, &e, &lost);

	if (lost) {
		r->line_len = (size_t)ksnprintf(r->line, sizeof(r->line),
						"# lost %lu events\n", lost);
		/* e, if read, is older than nothing we print: keep it. */
		if (got)
			r->line_len +=
				trace_format(&e, r->line + r->line_len,
					     sizeof(r->line) - r->line_len);
	} else if (got) {
		r->line_len = trace_format(&e, r->line, sizeof(r->line));
	} else {
		return false;
	}
	r->line_off = 0;
	return true;
}

static int trace_wait(void)
{
	static struct spinlock lock = SPINLOCK_INIT("trace wait");
	static struct waitqueue nobody_wakes = WAITQUEUE_INIT;

	if (signal_pending())
		return -ERESTARTSYS;
	spin_lock(&lock);
	sleep_on_until(&nobody_wakes, &lock, time_ns() + TRACE_POLL_NS);
	spin_unlock(&lock);
	return 0;
}

/* Whole lines as far as they fit (a line longer than n is split); waits
 * for the first unless O_NONBLOCK (-EAGAIN). */
static ssize_t trace_read_file(struct file *f, uint64_t ubuf, size_t n,
			       uint64_t *pos)
{
	struct trace_reader *r = f->private;
	size_t done = 0;

	if (n == 0)
		return 0;
	while (done < n) {
		size_t chunk;

		if (r->line_off == r->line_len && !next_line(r)) {
			int err;

			if (done || (f->flags & O_NONBLOCK))
				break;
			err = trace_wait();
			if (err)
				return err;
			continue;
		}
		chunk = r->line_len - r->line_off;
		if (chunk > n - done && done)
			break; /* the next line does not fit: next read */
		chunk = MIN(chunk, n - done);
		if (copy_to_user(ubuf + done, r->line + r->line_off, chunk))
			return done ? (ssize_t)done : -EFAULT;
		r->line_off += chunk;
		done += chunk;
	}
	return done ? (ssize_t)done : -EAGAIN;
}

/* Each line of the write is "system:name" to enable, "!system:name" to
 * disable; -EINVAL if a line names no tracepoint. */
static ssize_t trace_write(struct file *f, uint64_t ubuf, size_t n,
			   uint64_t *pos)
{
	char cmd[TRACE_CMD_MAX];
	char *line, *end;

	if (n >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, n))
		return -EFAULT;
	cmd[n] = '\0';
	for (line = cmd; *line; line = end) {
		bool enable = true;
		int err;

		end = strchr(line, '\n');
		if (end)
			*end++ = '\0';
		else
			end = line + strlen(line);
		if (!*line)
			continue;
		if (*line == '!') {
			enable = false;
			line++;
		}
		err = trace_set_event(line, enable);
		if (err < 0)
			return err;
	}
	return (ssize_t)n;
}

static unsigned int trace_poll(struct file *f)
{
	struct trace_reader *r = f->private;

	if (r->line_off < r->line_len || next_line(r))
		return POLLIN | POLLRDNORM;
	return 0;
}

static const struct file_operations trace_fops = {
	.open = trace_open,
	.release = trace_release,
	.read = trace_read_file,
	.write = trace_write,
	.poll = trace_poll,
};

static struct chardev trace_dev = {
	.name = "trace",
	.major = TRACE_MAJOR,
	.minor = 0,
	.mode = 0644,
	.fops = &trace_fops,
};

void trace_init(void)
{
	if (chardev_register(&trace_dev))
		panic("trace_init: /dev/trace (%u,0) is taken", TRACE_MAJOR);
}
