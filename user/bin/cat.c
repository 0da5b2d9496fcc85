/*
 * cat [FILE...]: copies each FILE ("-" or none: standard input) to
 * standard output, in order.
 */
#include "ulib.h"

#include <err.h>
#include <unistd.h>

static int copy(int fd, const char *name)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (write_all(1, buf, n) < 0)
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
	int status = 0;

	if (argc < 2)
		return copy(0, "-");
	for (int i = 1; i < argc; i++) {
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
