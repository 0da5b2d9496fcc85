/*
 * tee [-a] [FILE...]: copies its input to its output and to each FILE
 * (appending with -a).
 */
#include "ulib.h"

#include <err.h>
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int opt, flags = O_WRONLY | O_CREAT | O_TRUNC, status = 0, nfd = 0;
	int *fds;
	const char **names;
	char buf[4096];
	ssize_t n;

	while ((opt = getopt(argc, argv, "a")) != -1) {
		if (opt != 'a')
			usage("[-a] [FILE...]");
		flags = O_WRONLY | O_CREAT | O_APPEND;
	}
	fds = xmalloc(sizeof(int) * (argc - optind + 1));
	names = xmalloc(sizeof(char *) * (argc - optind + 1));
	names[nfd] = "standard output";
	fds[nfd++] = 1;
	for (int i = optind; i < argc; i++) {
		int fd = open(argv[i], flags, 0666);
		if (fd < 0) {
			warn("%s", argv[i]);
			status = 1;
		} else {
			names[nfd] = argv[i];
			fds[nfd++] = fd;
		}
	}
	while ((n = read(0, buf, sizeof(buf))) > 0)
		for (int i = 0; i < nfd; i++)
			if (fds[i] >= 0 && write_all(fds[i], buf, n) < 0) {
				warn("%s", names[i]);
				fds[i] = -1;
				status = 1;
			}
	if (n < 0)
		err(1, "read");
	return status;
}
