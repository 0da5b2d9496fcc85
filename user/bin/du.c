/*
 * du [-s] [-a] [-h] [-k] [FILE...]: the disk space (allocated blocks,
 * st_blocks) of each FILE (.) and of every directory under it, in 1K
 * units or human sizes with -h; -s only the totals, -a files too. A file
 * with several links is counted once.
 */
#include "ulib.h"

#include <dirent.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int summary, all, human, status;

/* The (dev, inode) pairs of files with several links already counted. */
static struct seen {
	dev_t dev;
	ino_t ino;
} * seen;
static size_t nseen, capseen;

static int counted(const struct stat *st)
{
	for (size_t i = 0; i < nseen; i++)
		if (seen[i].dev == st->st_dev && seen[i].ino == st->st_ino)
			return 1;
	if (nseen == capseen)
		seen = xrealloc(seen, (capseen = capseen ? 2 * capseen : 16) *
					      sizeof(*seen));
	seen[nseen].dev = st->st_dev;
	seen[nseen++].ino = st->st_ino;
	return 0;
}

static void print(unsigned long long kb, const char *path)
{
	if (!human) {
		printf("%llu\t%s\n", kb, path);
		return;
	}
	const char *units = "KMGT";
	double v = kb;
	int u = 0;
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	if (u == 0 || v >= 10)
		printf("%.0f%c\t%s\n", v + 0.999, units[u], path);
	else
		printf("%.1f%c\t%s\n", v, units[u], path);
}

/* The KB under PATH, printing each directory's (and file's, -a). */
static unsigned long long du(const char *path, int top)
{
	struct stat st;
	unsigned long long kb;
	DIR *d;
	struct dirent *e;

	if (lstat(path, &st) < 0) {
		warn("%s", path);
		status = 1;
		return 0;
	}
	kb = st.st_nlink > 1 && !S_ISDIR(st.st_mode) && counted(&st)
		     ? 0
		     : (unsigned long long)st.st_blocks / 2;
	if (!S_ISDIR(st.st_mode)) {
		if (top || (all && !summary))
			print(kb, path);
		return kb;
	}
	d = opendir(path);
	if (!d) {
		warn("%s", path);
		status = 1;
	}
	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *sub = xmalloc(strlen(path) + strlen(e->d_name) + 2);
		sprintf(sub, "%s%s%s", path,
			path[strlen(path) - 1] == '/' ? "" : "/", e->d_name);
		kb += du(sub, 0);
		free(sub);
	}
	if (d)
		closedir(d);
	if (top || !summary)
		print(kb, path);
	return kb;
}

int main(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "sahk")) != -1) {
		if (opt == 's')
			summary = 1;
		else if (opt == 'a')
			all = 1;
		else if (opt == 'h')
			human = 1;
		else if (opt != 'k')
			usage("[-s] [-a] [-h] [-k] [FILE...]");
	}
	if (optind == argc)
		du(".", 1);
	for (int i = optind; i < argc; i++)
		du(argv[i], 1);
	return status;
}
