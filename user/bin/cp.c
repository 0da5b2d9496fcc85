/*
 * cp SOURCE DEST, cp SOURCE... DIR: copies files. A DEST that is a
 * directory receives the copy under the source's own name. The copy gets
 * the source's permission bits. Directories are not copied.
 */
#include "ulib.h"

#include <err.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_directory(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int copy_file(const char *from, const char *to)
{
	struct stat st;
	char buf[8192];
	ssize_t n;
	int in, out, status = 0;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0 || fstat(in, &st) < 0) {
		warn("%s", from);
		return 1;
	}
	if (S_ISDIR(st.st_mode)) {
		warnx("%s: is a directory (not copied)", from);
		close(in);
		return 1;
	}
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		   st.st_mode & 07777);
	if (out < 0) {
		warn("%s", to);
		close(in);
		return 1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write_all(out, buf, n) < 0) {
			warn("%s", to);
			status = 1;
			break;
		}
	if (n < 0) {
		warn("%s", from);
		status = 1;
	}
	close(in);
	if (close(out) < 0) {
		warn("%s", to);
		status = 1;
	}
	return status;
}

int main(int argc, char **argv)
{
	char path[4096];
	int status = 0;

	if (argc < 3)
		usage("SOURCE DEST | SOURCE... DIR");
	const char *dest = argv[argc - 1];
	if (!is_directory(dest)) {
		if (argc > 3)
			errx(1, "%s: not a directory", dest);
		return copy_file(argv[1], dest);
	}
	for (int i = 1; i < argc - 1; i++) {
		char *name = xstrdup(argv[i]);

		snprintf(path, sizeof(path), "%s/%s", dest, basename(name));
		status |= copy_file(argv[i], path);
		free(name);
	}
	return status;
}
