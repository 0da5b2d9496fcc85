/*
 * cat [-n] [FILE...]: copies each FILE ("-" or none: standard input) to
 * standard output, in order; -n numbers the lines (across all files, as
 * GNU cat does).
 */
#include "ulib.h"

#include <err.h>
#include <stdio.h>
#include <unistd.h>

static int number_lines;
static long line_no;
static int at_line_start = 1;

static void numbered(const char *buf, ssize_t n)
{
	for (ssize_t i = 0; i < n; i++) {
		if (at_line_start)
			printf("%6ld\t", ++line_no);
		putchar(buf[i]);
		at_line_start = buf[i] == '\n';
	}
	fflush(stdout);
}

static int copy(int fd, const char *name)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (number_lines)
			numbered(buf, n);
		else if (write_all(1, buf, n) < 0)
			err(1, "write");
	}
	if (n < 0) {
		warn("%s", name);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int status = 0, opt;

	while ((opt = getopt(argc, argv, "n")) != -1) {
		if (opt != 'n')
			usage("[-n] [FILE...]");
		number_lines = 1;
	}
	if (optind == argc)
		return copy(0, "-");
	for (int i = optind; i < argc; i++) {
		int fd = open_input(argv[i]);

		if (fd < 0) {
			status = 1;
			continue;
		}
		status |= copy(fd, argv[i]);
		close_input(fd);
	}
	return status;
}
