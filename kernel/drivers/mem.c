/*
 * The memory devices, after Linux's drivers/char/mem.c: character
 * devices of major 1 that are not hardware, each a few lines on the
 * chardev model (fs/chardev.h):
 *
 *   /dev/null     (1,3)   reads end at once, writes vanish
 *   /dev/zero     (1,5)   reads give zeros, writes vanish
 *   /dev/full     (1,7)   reads give zeros, writes fail with ENOSPC
 *   /dev/random   (1,8)   the kernel's generator (lib/random.h); writes
 *   /dev/urandom  (1,9)   are stirred into it
 *   /dev/kmsg     (1,11)  the kernel log (lib/klog.h), a record a read
 *
 * and the system calls that belong with them: getrandom(2) and syslog(2).
 * docs/devices.md.
 */
#include "drivers/drivers.h"
#include "fs/chardev.h"
#include "fs/poll.h"
#include "lib/klog.h"
#include "lib/random.h"
#include "mm/mm.h"
#include "proc/signal.h"
#include "sched/sched.h"
#include "syscall.h"

#define MEM_MAJOR 1
#define CHUNK 256

/* ---- null, zero, full ------------------------------------------------------ */

static ssize_t read_nothing(struct file *f, uint64_t ubuf, size_t n,
			    uint64_t *pos)
{
	return 0;
}

static ssize_t read_zeros(struct file *f, uint64_t ubuf, size_t n,
			  uint64_t *pos)
{
	return clear_user(ubuf, n) ? -EFAULT : (ssize_t)n;
}

static ssize_t write_anything(struct file *f, uint64_t ubuf, size_t n,
			      uint64_t *pos)
{
	return (ssize_t)n;
}

static ssize_t write_full(struct file *f, uint64_t ubuf, size_t n,
			  uint64_t *pos)
{
	return n ? -ENOSPC : 0;
}

/* Every offset is as good as another: seeking always gives 0. */
static int64_t seek_nowhere(struct file *f, int64_t off, int whence)
{
	f->pos = 0;
	return 0;
}

static const struct file_operations null_fops = {
	.read = read_nothing,
	.write = write_anything,
	.llseek = seek_nowhere,
};

static const struct file_operations zero_fops = {
	.read = read_zeros,
	.write = write_anything,
	.llseek = seek_nowhere,
};

static const struct file_operations full_fops = {
	.read = read_zeros,
	.write = write_full,
	.llseek = seek_nowhere,
};

/* ---- random, urandom, getrandom -------------------------------------------- */

/* Random bytes to user memory, a chunk at a time; a long request stops
 * early for a signal. The bytes given, or -EFAULT if none. */
static ssize_t random_to_user(uint64_t ubuf, size_t n)
{
	uint8_t chunk[CHUNK];
	size_t done = 0;
	ssize_t r = 0;

	while (done < n) {
		size_t len = MIN(n - done, sizeof(chunk));

		if (done && signal_pending())
			break;
		random_bytes(chunk, len);
		if (copy_to_user(ubuf + done, chunk, len)) {
			r = -EFAULT;
			break;
		}
		done += len;
	}
	memset(chunk, 0, sizeof(chunk));
	return done ? (ssize_t)done : r;
}

static ssize_t random_read(struct file *f, uint64_t ubuf, size_t n,
			   uint64_t *pos)
{
	return random_to_user(ubuf, n);
}

static ssize_t random_write(struct file *f, uint64_t ubuf, size_t n,
			    uint64_t *pos)
{
	uint8_t chunk[CHUNK];

	for (size_t done = 0; done < n; done += sizeof(chunk)) {
		size_t len = MIN(n - done, sizeof(chunk));

		if (copy_from_user(chunk, ubuf + done, len))
			return done ? (ssize_t)done : -EFAULT;
		random_mix(chunk, len);
	}
	return (ssize_t)n;
}

static const struct file_operations random_fops = {
	.read = random_read,
	.write = random_write,
};

/* getrandom(2) flags */
#define GRND_NONBLOCK 0x1
#define GRND_RANDOM 0x2
#define GRND_INSECURE 0x4
#define GETRANDOM_MAX 33554431 /* Linux's most bytes per call */

static long sys_getrandom(uaddr_t ubuf, uint64_t count, uint64_t flags)
{
	/* Seeded at boot, the generator never blocks: GRND_NONBLOCK and
	 * GRND_RANDOM change nothing. */
	if (flags & ~(uint64_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & GRND_RANDOM) && (flags & GRND_INSECURE))
		return -EINVAL;
	return random_to_user(ubuf, MIN(count, (uint64_t)GETRANDOM_MAX));
}
SYSCALL(getrandom, sys_getrandom);

/* ---- kmsg ------------------------------------------------------------------- */

#define KMSG_PRIORITY 6           /* LOG_KERN | LOG_INFO: every record */
#define KMSG_LINE_MAX 1024        /* a record as read; also the longest write */
#define KMSG_POLL_NS 100000000ULL /* a blocked reader looks every 100 ms */

/* Each open /dev/kmsg reads on from its own place. */
struct kmsg_reader {
	uint64_t seq; /* the next record to read (changed in klog_read) */
};

/* "6,seq,usec,-;text\n", Linux's format, with bytes that are not
 * printable (and backslash) as \xNN. Its length; out holds
 * KMSG_LINE_MAX bytes, enough for KLOG_TEXT_MAX escaped bytes. */
static size_t kmsg_format(const struct klog_record *rec, char *out)
{
	size_t len = (size_t)ksnprintf(out, KMSG_LINE_MAX, "%d,%lu,%lu,-;",
				       KMSG_PRIORITY, rec->seq, rec->usec);

	for (size_t i = 0; i < rec->len; i++) {
		unsigned char c = (unsigned char)rec->text[i];

		if (c < ' ' || c >= 0x7f || c == '\\')
			len += (size_t)ksnprintf(out + len, 5, "\\x%02x", c);
		else
			out[len++] = (char)c;
	}
	out[len++] = '\n';
	return len;
}

static int kmsg_open(struct inode *inode, struct file *f)
{
	struct kmsg_reader *r = kzalloc(sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->seq = klog_first_seq();
	f->private = r;
	return 0;
}

static void kmsg_release(struct file *f)
{
	kfree(f->private);
}

/* Until the next record is logged. kprintf cannot wake anyone (it runs
 * under any lock, the scheduler's included), so the reader looks again
 * every 100 ms. -ERESTARTSYS on a signal. */
static int kmsg_wait(void)
{
	static struct spinlock lock = SPINLOCK_INIT("kmsg wait");
	static struct waitqueue nobody_wakes = WAITQUEUE_INIT;

	if (signal_pending())
		return -ERESTARTSYS;
	spin_lock(&lock);
	sleep_on_until(&nobody_wakes, &lock, time_ns() + KMSG_POLL_NS);
	spin_unlock(&lock);
	return 0;
}

/* One record per read: -EINVAL if it does not fit (it is skipped, as
 * Linux does), -EPIPE once if records were lost to the ring, -EAGAIN at
 * the end with O_NONBLOCK. */
static ssize_t kmsg_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *pos)
{
	struct kmsg_reader *r = f->private;
	struct klog_record *rec = kmalloc(sizeof(*rec));
	char *line = kmalloc(KMSG_LINE_MAX);
	ssize_t err = rec && line ? 0 : -ENOMEM;

	while (!err && (err = klog_read(&r->seq, rec)) == -EAGAIN &&
	       !(f->flags & O_NONBLOCK))
		err = kmsg_wait();
	if (!err) {
		size_t len = kmsg_format(rec, line);

		if (len > n)
			err = -EINVAL;
		else
			err = copy_to_user(ubuf, line, len) ? -EFAULT
							    : (ssize_t)len;
	}
	kfree(rec);
	kfree(line);
	return err;
}

/* A write is logged as one message (an optional "<N>" priority in front
 * is dropped: records carry none). */
static ssize_t kmsg_write(struct file *f, uint64_t ubuf, size_t n,
			  uint64_t *pos)
{
	size_t count = n, skip = 0;
	char *text;

	if (n == 0)
		return 0; /* nothing to log */
	if (n >= KMSG_LINE_MAX)
		return -EINVAL;
	text = kmalloc(n + 1);
	if (!text)
		return -ENOMEM;
	if (copy_from_user(text, ubuf, n)) {
		kfree(text);
		return -EFAULT;
	}
	if (n && text[0] == '<') {
		for (skip = 1;
		     skip < n && text[skip] >= '0' && text[skip] <= '9'; skip++)
			;
		skip = skip < n && text[skip] == '>' ? skip + 1 : 0;
	}
	if (text[n - 1] != '\n')
		text[n++] = '\n';
	klog_write(text + skip, n - skip);
	kfree(text);
	return (ssize_t)count;
}

/* SEEK_SET to the oldest record kept, SEEK_END past the newest. */
static int64_t kmsg_llseek(struct file *f, int64_t off, int whence)
{
	struct kmsg_reader *r = f->private;

	if (off != 0)
		return -ESPIPE;
	if (whence == SEEK_SET)
		r->seq = klog_first_seq();
	else if (whence == SEEK_END)
		r->seq = klog_next_seq();
	else
		return -EINVAL;
	return 0;
}

static unsigned int kmsg_poll(struct file *f)
{
	const struct kmsg_reader *r = f->private;

	return r->seq < klog_next_seq() ? POLLIN | POLLRDNORM : 0;
}

static const struct file_operations kmsg_fops = {
	.open = kmsg_open,
	.release = kmsg_release,
	.read = kmsg_read,
	.write = kmsg_write,
	.llseek = kmsg_llseek,
	.poll = kmsg_poll,
};

/* ---- syslog(2): the log as one text ------------------------------------------ */

#define SYSLOG_ACTION_CLOSE 0
#define SYSLOG_ACTION_OPEN 1
#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_SIZE_BUFFER 10
#define SYSLOG_LINE_MAX (KLOG_TEXT_MAX + 32)

/* "<6>[seconds.micros] text\n", as Linux's syslog(2) gives a record. */
static size_t syslog_format(const struct klog_record *rec, char *out)
{
	return (size_t)ksnprintf(out, SYSLOG_LINE_MAX,
				 "<%d>[%5lu.%06lu] %.*s\n", KMSG_PRIORITY,
				 rec->usec / 1000000, rec->usec % 1000000,
				 (int)rec->len, rec->text);
}

/* The bytes the records from seq on take, as syslog_format makes them. */
static size_t syslog_bytes(uint64_t seq, struct klog_record *rec, char *line)
{
	size_t total = 0;

	while (klog_read(&seq, rec) == 0)
		total += syslog_format(rec, line);
	return total;
}

/*
 * SYSLOG_ACTION_READ_ALL: the newest records that fit in len bytes,
 * oldest first, without consuming them. The records are counted, then
 * the oldest ones skipped until the rest fit, then copied.
 */
static long syslog_read_all(uaddr_t ubuf, size_t len)
{
	struct klog_record *rec = kmalloc(sizeof(*rec));
	char *line = kmalloc(SYSLOG_LINE_MAX);
	uint64_t seq = klog_first_seq();
	size_t done = 0;
	long err = rec && line ? 0 : -ENOMEM;

	if (!err) {
		size_t total = syslog_bytes(seq, rec, line);

		while (total > len && klog_read(&seq, rec) == 0)
			total -= syslog_format(rec, line);
	}
	while (!err && klog_read(&seq, rec) == 0) {
		size_t n = syslog_format(rec, line);

		if (done + n > len)
			break; /* logged since we counted */
		if (copy_to_user(ubuf + done, line, n))
			err = -EFAULT;
		done += n;
	}
	kfree(rec);
	kfree(line);
	return err ? err : (long)done;
}

/* Of syslog's actions, Kestrel has the ones that read without consuming:
 * open and close (nothing to do), READ_ALL and SIZE_BUFFER; the rest
 * (clearing, the destructive READ, console levels) are -EINVAL. */
static long sys_syslog(uint64_t type, uaddr_t ubuf, int64_t len)
{
	switch ((int)type) {
	case SYSLOG_ACTION_CLOSE:
	case SYSLOG_ACTION_OPEN:
		return 0;
	case SYSLOG_ACTION_READ_ALL:
		if (len < 0)
			return -EINVAL;
		return syslog_read_all(ubuf, (size_t)len);
	case SYSLOG_ACTION_SIZE_BUFFER:
		return (long)(KLOG_RECORDS * KLOG_TEXT_MAX);
	default:
		return -EINVAL;
	}
}
SYSCALL(syslog, sys_syslog);

/* ---- registration -------------------------------------------------------------- */

#define MEM_DEVICE(name_, minor_, mode_, fops_)                         \
	{                                                               \
		.name = (name_), .major = MEM_MAJOR, .minor = (minor_), \
		.mode = (mode_), .fops = (fops_),                       \
	}

static struct chardev mem_devices[] = {
	MEM_DEVICE("null", 3, 0666, &null_fops),
	MEM_DEVICE("zero", 5, 0666, &zero_fops),
	MEM_DEVICE("full", 7, 0666, &full_fops),
	MEM_DEVICE("random", 8, 0666, &random_fops),
	MEM_DEVICE("urandom", 9, 0666, &random_fops),
	MEM_DEVICE("kmsg", 11, 0644, &kmsg_fops),
};

void memdev_init(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(mem_devices); i++)
		chardev_register(&mem_devices[i]);
}
