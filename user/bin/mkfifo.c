/*
 * mkfifo [-m MODE] NAME...: makes each name a FIFO (a named pipe,
 * docs/files.md), mode 0666 less the umask, or MODE (octal) as given.
 */
#include "ulib.h"

#include <err.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int opt, status = 0;
	mode_t mode = 0666;
	char *end;

	while ((opt = getopt(argc, argv, "m:")) != -1) {
		if (opt != 'm')
			usage("[-m MODE] NAME...");
		mode = (mode_t)strtoul(optarg, &end, 8);
		if (*end || !*optarg || mode > 07777)
			errx(1, "invalid mode '%s'", optarg);
		umask(0); /* -m is the mode exactly, as coreutils has it */
	}
	if (optind == argc)
		usage("[-m MODE] NAME...");
	for (int i = optind; i < argc; i++) {
		if (mkfifo(argv[i], mode) < 0) {
			warn("%s", argv[i]);
			status = 1;
		}
	}
	return status;
}
