/*
 * dmesg: prints the kernel's log. It reads /dev/kmsg as Linux provides
 * it: opened non-blocking, each read() returns one record
 * "priority,sequence,microseconds,flags;text\n" and EAGAIN at the end of
 * what has been logged. Each record is printed as "[seconds] text".
 */
#include "ulib.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void print_record(char *rec)
{
	unsigned long long usec = 0;
	char *text = strchr(rec, ';');

	if (!text || sscanf(rec, "%*u,%*u,%llu", &usec) != 1) {
		fputs(rec, stdout);
		return;
	}
	printf("[%5llu.%06llu] %s", usec / 1000000, usec % 1000000, text + 1);
}

int main(int argc, char **argv)
{
	char rec[8192];
	ssize_t n;
	int fd;

	(void)argv;
	if (argc > 1)
		usage("");
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		err(1, "/dev/kmsg");
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue; /* records were overwritten: go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		print_record(rec);
	}
	if (n < 0 && errno != EAGAIN)
		err(1, "/dev/kmsg");
	return 0;
}
