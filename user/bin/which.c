/*
 * which [-a] NAME...: prints where in PATH each NAME is found, the first
 * executable file (every one with -a). A NAME with a slash is itself.
 * Exits 1 if any NAME is not found.
 */
#include "ulib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       access(path, X_OK) == 0;
}

static int which(const char *name, int all)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save;
	int found = 0;

	if (strchr(name, '/')) {
		if (!executable(name))
			return 0;
		puts(name);
		return 1;
	}
	copy = xstrdup(path ? path : "/bin:/usr/bin");
	for (dir = strtok_r(copy, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		char *full = xmalloc(strlen(dir) + strlen(name) + 2);
		sprintf(full, "%s/%s", dir, name);
		if (executable(full)) {
			puts(full);
			found = 1;
		}
		free(full);
		if (found && !all)
			break;
	}
	free(copy);
	return found;
}

int main(int argc, char **argv)
{
	int opt, all = 0, status = 0;

	while ((opt = getopt(argc, argv, "a")) != -1) {
		if (opt != 'a')
			usage("[-a] NAME...");
		all = 1;
	}
	if (optind == argc)
		usage("[-a] NAME...");
	for (int i = optind; i < argc; i++)
		if (!which(argv[i], all))
			status = 1;
	return status;
}
