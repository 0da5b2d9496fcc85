/*
 * mv SOURCE DEST, mv SOURCE... DIR: renames files and directories with
 * rename(2); a DEST that is a directory receives each source under its
 * own name. Moving between file systems is not supported (EXDEV).
 */
#include "ulib.h"

#include <err.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static int move(const char *from, const char *to)
{
	if (rename(from, to) < 0) {
		warn("%s -> %s", from, to);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct stat st;
	char path[4096];
	int status = 0;

	if (argc < 3)
		usage("SOURCE DEST | SOURCE... DIR");
	const char *dest = argv[argc - 1];
	if (stat(dest, &st) < 0 || !S_ISDIR(st.st_mode)) {
		if (argc > 3)
			errx(1, "%s: not a directory", dest);
		return move(argv[1], dest);
	}
	for (int i = 1; i < argc - 1; i++) {
		char *name = xstrdup(argv[i]);

		snprintf(path, sizeof(path), "%s/%s", dest, basename(name));
		status |= move(argv[i], path);
		free(name);
	}
	return status;
}
