/*
 * ringctl: look at and control a ring device (/dev/ring0 .. ring3,
 * docs/drivers.md) with its ioctl commands:
 *
 *   ringctl [--stats] DEVICE     print its statistics (RING_GET_STATS)
 *   ringctl --reset DEVICE       empty it and zero the counts (RING_RESET)
 *   ringctl --capacity N DEVICE  set its capacity to N bytes
 *                                (RING_SET_CAPACITY)
 *
 * Errors say which device and why: "ringctl: /dev/ring0: Device or
 * resource busy (the stored bytes do not fit in 16)".
 */
#include "ulib.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <kestrel/ring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define SYNOPSIS "[--stats | --reset | --capacity N] DEVICE"

static void print_stats(const char *dev, const struct ring_stats *st)
{
	printf("%s:\n", dev);
	printf("  capacity        %llu\n", (unsigned long long)st->capacity);
	printf("  stored          %llu\n", (unsigned long long)st->stored);
	printf("  bytes written   %llu\n",
	       (unsigned long long)st->bytes_written);
	printf("  bytes read      %llu\n", (unsigned long long)st->bytes_read);
	printf("  writes          %llu\n", (unsigned long long)st->writes);
	printf("  reads           %llu\n", (unsigned long long)st->reads);
	printf("  writer waits    %llu\n", (unsigned long long)st->write_waits);
	printf("  writer refusals %llu\n",
	       (unsigned long long)st->write_refusals);
	printf("  high water      %llu\n", (unsigned long long)st->high_water);
	printf("  open readers    %u (ringctl's own included)\n", st->readers);
	printf("  open writers    %u\n", st->writers);
}

/* N as a capacity: decimal digits only, or a usage error. */
static uint32_t parse_capacity(const char *s)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (!*s || *end || s[0] == '-' || errno || n > UINT32_MAX)
		errx(2, "%s: not a capacity in bytes (1 to %u)", s,
		     RING_MAX_CAPACITY);
	return (uint32_t)n;
}

int main(int argc, char **argv)
{
	enum { STATS, RESET, CAPACITY } what = STATS;
	uint32_t capacity = 0;
	const char *dev;
	struct ring_stats st;
	int fd, i = 1;

	if (i < argc && strcmp(argv[i], "--stats") == 0) {
		i++;
	} else if (i < argc && strcmp(argv[i], "--reset") == 0) {
		what = RESET;
		i++;
	} else if (i < argc && strcmp(argv[i], "--capacity") == 0) {
		if (i + 1 >= argc)
			usage(SYNOPSIS);
		what = CAPACITY;
		capacity = parse_capacity(argv[i + 1]);
		i += 2;
	}
	if (i != argc - 1 || argv[i][0] == '-')
		usage(SYNOPSIS);
	dev = argv[i];

	/* O_RDONLY: looking is not writing, so a reader's end of file is
	 * not held off by ringctl. */
	fd = open(dev, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		err(1, "%s", dev);
	switch (what) {
	case STATS:
		if (ioctl(fd, RING_GET_STATS, &st) < 0)
			err(1, "%s: RING_GET_STATS%s", dev,
			    errno == ENOTTY ? " (not a ring device?)" : "");
		print_stats(dev, &st);
		break;
	case RESET:
		if (ioctl(fd, RING_RESET) < 0)
			err(1, "%s: RING_RESET%s", dev,
			    errno == ENOTTY ? " (not a ring device?)" : "");
		break;
	case CAPACITY:
		if (ioctl(fd, RING_SET_CAPACITY, &capacity) == 0)
			break;
		if (errno == EBUSY)
			err(1, "%s: capacity %u (the bytes stored do not fit)",
			    dev, capacity);
		if (errno == EINVAL)
			err(1, "%s: capacity %u (1 to %u bytes)", dev, capacity,
			    RING_MAX_CAPACITY);
		err(1, "%s: RING_SET_CAPACITY%s", dev,
		    errno == ENOTTY ? " (not a ring device?)" : "");
	}
	close(fd);
	return 0;
}
