/*
 * ulib: shared helpers for the user programs (see ulib.h). Every program
 * links this file; it stays small so that a student reading one program
 * meets nothing surprising here.
 */
#include "ulib.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char *__progname;

void usage(const char *synopsis)
{
	fprintf(stderr, "usage: %s %s\n", __progname, synopsis);
	exit(2);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		err(1, "out of memory");
	return p;
}

void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		err(1, "out of memory");
	return p;
}

char *xstrdup(const char *s)
{
	char *copy = strdup(s);

	if (!copy)
		err(1, "out of memory");
	return copy;
}

int open_input(const char *name)
{
	int fd;

	if (strcmp(name, "-") == 0)
		return 0;
	fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		warn("%s", name);
	return fd;
}

void close_input(int fd)
{
	if (fd > 0)
		close(fd);
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}
