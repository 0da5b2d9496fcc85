/*
 * rm [-r] [-f] FILE...: removes each file. -r removes directories and
 * everything in them; -f says nothing about files that do not exist (and
 * makes rm succeed without arguments).
 */
#include "ulib.h"

#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int recursive, force;

static int remove_path(const char *path);

static int remove_contents(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	int status = 0;

	if (!d) {
		warn("%s", dir);
		return 1;
	}
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		status |= remove_path(path);
	}
	closedir(d);
	return status;
}

static int remove_path(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		if (force && errno == ENOENT)
			return 0;
		warn("%s", path);
		return 1;
	}
	if (S_ISDIR(st.st_mode)) {
		if (!recursive) {
			warnx("%s: is a directory (use -r)", path);
			return 1;
		}
		if (remove_contents(path) != 0)
			return 1;
		if (rmdir(path) < 0) {
			warn("%s", path);
			return 1;
		}
		return 0;
	}
	if (unlink(path) < 0) {
		warn("%s", path);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int opt, status = 0;

	while ((opt = getopt(argc, argv, "rRf")) != -1) {
		if (opt == 'r' || opt == 'R')
			recursive = 1;
		else if (opt == 'f')
			force = 1;
		else
			usage("[-r] [-f] FILE...");
	}
	if (optind == argc && !force)
		usage("[-r] [-f] FILE...");
	for (int i = optind; i < argc; i++)
		status |= remove_path(argv[i]);
	return status;
}
