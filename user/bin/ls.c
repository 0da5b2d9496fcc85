/*
 * ls [-a] [-l] [FILE...]: lists each directory's entries sorted by name
 * (without names starting with "." unless -a), or the FILE itself if it
 * is no directory. -l gives one line per entry: type and permissions,
 * links, owner and group ids, size, modification time, name (and a
 * symbolic link's target).
 */
#include "ulib.h"

#include <dirent.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int show_all, long_format;

static char type_char(mode_t mode)
{
	if (S_ISDIR(mode))
		return 'd';
	if (S_ISLNK(mode))
		return 'l';
	if (S_ISCHR(mode))
		return 'c';
	if (S_ISBLK(mode))
		return 'b';
	if (S_ISFIFO(mode))
		return 'p';
	if (S_ISSOCK(mode))
		return 's';
	return '-';
}

/* "drwxr-xr-x" into BUF (11 bytes). */
static void mode_string(mode_t mode, char *buf)
{
	const char *rwx = "rwxrwxrwx";

	buf[0] = type_char(mode);
	for (int i = 0; i < 9; i++)
		buf[i + 1] = (mode & (0400 >> i)) ? rwx[i] : '-';
	buf[10] = '\0';
}

/* Prints NAME, whose path is PATH; returns 1 if it cannot be read. */
static int show(const char *path, const char *name)
{
	struct stat st;
	char mode[11], when[32], target[4096];
	ssize_t n;

	if (!long_format) {
		puts(name);
		return 0;
	}
	if (lstat(path, &st) < 0) {
		warn("%s", path);
		return 1;
	}
	mode_string(st.st_mode, mode);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M", localtime(&st.st_mtime));
	printf("%s %3lu %4u %4u %8lld %s %s", mode, (unsigned long)st.st_nlink,
	       st.st_uid, st.st_gid, (long long)st.st_size, when, name);
	if (S_ISLNK(st.st_mode) &&
	    (n = readlink(path, target, sizeof(target) - 1)) >= 0) {
		target[n] = '\0';
		printf(" -> %s", target);
	}
	putchar('\n');
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_directory(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, path[4096];
	size_t n = 0, cap = 0;
	int status = 0;

	if (!d) {
		warn("%s", dir);
		return 1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' && !show_all)
			continue;
		if (n == cap)
			names = xrealloc(names, (cap = cap ? 2 * cap : 64) *
							sizeof(char *));
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(char *), by_name);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		status |= show(path, names[i]);
		free(names[i]);
	}
	free(names);
	return status;
}

static int list(const char *path, int heading)
{
	struct stat st;

	if (stat(path, &st) < 0 && lstat(path, &st) < 0) {
		warn("%s", path);
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return show(path, path);
	if (heading)
		printf("%s:\n", path);
	return list_directory(path);
}

int main(int argc, char **argv)
{
	int opt, status = 0;

	while ((opt = getopt(argc, argv, "al")) != -1) {
		if (opt == 'a')
			show_all = 1;
		else if (opt == 'l')
			long_format = 1;
		else
			usage("[-a] [-l] [FILE...]");
	}
	if (optind == argc)
		return list(".", 0);
	for (int i = optind; i < argc; i++) {
		if (i > optind && argc - optind > 1)
			putchar('\n');
		status |= list(argv[i], argc - optind > 1);
	}
	return status;
}
