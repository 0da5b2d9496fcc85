/*
 * ringpc: a producer and a consumer through a ring device, as green
 * threads of one process (docs/uthread.md; the ring: docs/drivers.md).
 * ringpc [DEVICE] (default /dev/ring0; a pipe where there is no such
 * device, as on Linux, made as small as it goes: 4 KiB there) makes the
 * ring small (64 bytes) and runs three
 * threads:
 *
 *   the producer writes 1000 messages of 16 bytes with uthread_write: the
 *   ring fills after 4, and the producer parks until there is room;
 *   the consumer reads them back with uthread_read, checks their order,
 *   and naps 1 ms every 50 messages, so the ring really fills;
 *   a ticker counts while the others wait, to show that a thread parked
 *   on the device stops only itself.
 *
 * The output is the same on every run: what is counted is only printed
 * as "yes" or "no". Finally the ring gets its usual capacity back.
 */
#define _GNU_SOURCE
#include "uthread.h"

#include <err.h>
#include <fcntl.h>
#include <kestrel/ring.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define CAPACITY 64
#define MESSAGE 16 /* bytes: "message 0001 ..\n" */
#define MESSAGES 1000
#define NAP_EVERY 50 /* messages */

static int wfd, rfd;
static int producing = 1;
static unsigned long ticks;

static void *producer(void *arg)
{
	char msg[32];

	(void)arg;
	for (int i = 1; i <= MESSAGES; i++) {
		snprintf(msg, sizeof(msg), "message %04d ..\n", i);
		if (uthread_write(wfd, msg, MESSAGE) != MESSAGE)
			err(1, "producer: write");
	}
	printf("producer: wrote %d messages\n", MESSAGES);
	close(wfd);
	producing = 0;
	return NULL;
}

static void *consumer(void *arg)
{
	char msg[MESSAGE + 1], want[32];
	int n = 0, in_order = 1;
	size_t have = 0;
	ssize_t r;

	(void)arg;
	while ((r = uthread_read(rfd, msg + have, MESSAGE - have)) > 0) {
		have += (size_t)r;
		if (have < MESSAGE)
			continue;
		have = 0;
		snprintf(want, sizeof(want), "message %04d ..\n", ++n);
		in_order &= memcmp(msg, want, MESSAGE) == 0;
		if (n % NAP_EVERY == 0)
			uthread_sleep_ms(1);
	}
	printf("consumer: read %d messages, %s\n", n,
	       in_order ? "in order" : "OUT OF ORDER");
	return NULL;
}

static void *ticker(void *arg)
{
	(void)arg;
	while (producing) {
		ticks++;
		uthread_sleep_ms(1);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *dev = argc > 1 ? argv[1] : "/dev/ring0";
	uint32_t capacity = CAPACITY, usual = RING_DEFAULT_CAPACITY;
	struct uthread *t[3];
	int ring = 1, fds[2];

	rfd = open(dev, O_RDONLY | O_NONBLOCK);
	if (rfd >= 0) {
		wfd = open(dev, O_WRONLY);
		if (wfd < 0 || ioctl(wfd, RING_RESET) < 0 ||
		    ioctl(wfd, RING_SET_CAPACITY, &capacity) < 0)
			err(1, "%s", dev);
		printf("ringpc: %s, %d bytes\n", dev, CAPACITY);
	} else if (argc > 1) {
		err(1, "%s", dev);
	} else {
		if (pipe(fds) < 0)
			err(1, "pipe");
		rfd = fds[0];
		wfd = fds[1];
#ifdef F_SETPIPE_SZ
		fcntl(wfd, F_SETPIPE_SZ, 4096);
#endif
		ring = 0;
		printf("ringpc: no %s here: a pipe instead\n", dev);
	}
	t[0] = uthread_spawn("producer", producer, NULL);
	t[1] = uthread_spawn("consumer", consumer, NULL);
	t[2] = uthread_spawn("ticker", ticker, NULL);
	for (int i = 0; i < 3; i++)
		if (!t[i] || uthread_join(t[i], NULL) != 0)
			errx(1, "thread %d", i);
	printf("ticker: ran while the others waited: %s\n",
	       ticks > 0 ? "yes" : "no");
	if (ring && ioctl(rfd, RING_SET_CAPACITY, &usual) < 0)
		err(1, "%s: capacity", dev);
	return 0;
}
