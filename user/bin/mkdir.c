/*
 * mkdir [-p] DIR...: makes each directory. With -p, makes the missing
 * parents too and says nothing about directories that already exist.
 */
#include "ulib.h"

#include <err.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkdir -p: each prefix of PATH in turn, ignoring those that exist. */
static int make_parents(char *path)
{
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(path, 0777) < 0 && errno != EEXIST) {
			warn("%s", path);
			return 1;
		}
		*p = saved;
		if (!saved)
			return 0;
	}
}

int main(int argc, char **argv)
{
	int opt, parents = 0, status = 0;

	while ((opt = getopt(argc, argv, "p")) != -1) {
		if (opt != 'p')
			usage("[-p] DIR...");
		parents = 1;
	}
	if (optind == argc)
		usage("[-p] DIR...");
	for (int i = optind; i < argc; i++) {
		if (parents)
			status |= make_parents(argv[i]);
		else if (mkdir(argv[i], 0777) < 0) {
			warn("%s", argv[i]);
			status = 1;
		}
	}
	return status;
}
