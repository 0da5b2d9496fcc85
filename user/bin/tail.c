/*
 * tail [-n COUNT] [FILE]: prints the last COUNT lines (10) of FILE or of
 * standard input. It reads everything and keeps the last COUNT lines in
 * a ring, so it works on pipes as well as on files.
 */
#include "ulib.h"

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void tail(FILE *fp, long count)
{
	char **ring = xmalloc((count ? count : 1) * sizeof(char *));
	char *line = NULL;
	size_t size = 0;
	long n = 0;

	memset(ring, 0, (count ? count : 1) * sizeof(char *));
	while (count > 0 && getline(&line, &size, fp) >= 0) {
		free(ring[n % count]);
		ring[n % count] = xstrdup(line);
		n++;
	}
	for (long i = n > count ? n - count : 0; i < n; i++) {
		fputs(ring[i % count], stdout);
		free(ring[i % count]);
	}
	free(line);
	free(ring);
}

int main(int argc, char **argv)
{
	long count = 10;
	int opt;
	char *end;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n')
			usage("[-n COUNT] [FILE]");
		count = strtol(optarg, &end, 10);
		if (*end || end == optarg || count < 0)
			errx(2, "%s: not a line count", optarg);
	}
	if (argc - optind > 1)
		usage("[-n COUNT] [FILE]");
	FILE *fp = stdin;
	if (optind < argc && strcmp(argv[optind], "-") != 0) {
		fp = fopen(argv[optind], "r");
		if (!fp)
			err(1, "%s", argv[optind]);
	}
	tail(fp, count);
	return 0;
}
