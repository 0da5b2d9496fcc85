/*
 * tail [-f] [-n COUNT] [FILE]: prints the last COUNT lines (10) of FILE or
 * of standard input. It reads everything and keeps the last COUNT lines in
 * a ring, so it works on pipes as well as on files. -f then follows the
 * file: it prints what is written to it from then on, looking every
 * quarter second, until it is killed (Ctrl-C). A pipe is not followed.
 */
#include "ulib.h"

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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

/* -f: copies what is appended to FP, forever. */
static void follow(FILE *fp)
{
	const struct timespec quarter = { 0, 250000000 };
	char buf[4096];

	for (;;) {
		size_t n;

		while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
			if (write_all(1, buf, n) < 0)
				err(1, "write");
		clearerr(fp); /* end of file now, maybe not in a moment */
		nanosleep(&quarter, NULL);
	}
}

int main(int argc, char **argv)
{
	long count = 10;
	int opt, following = 0;
	char *end;
	struct stat st;

	while ((opt = getopt(argc, argv, "fn:")) != -1) {
		if (opt == 'f') {
			following = 1;
			continue;
		}
		if (opt != 'n')
			usage("[-f] [-n COUNT] [FILE]");
		count = strtol(optarg, &end, 10);
		if (*end || end == optarg || count < 0)
			errx(2, "%s: not a line count", optarg);
	}
	if (argc - optind > 1)
		usage("[-f] [-n COUNT] [FILE]");
	FILE *fp = stdin;
	if (optind < argc && strcmp(argv[optind], "-") != 0) {
		fp = fopen(argv[optind], "r");
		if (!fp)
			err(1, "%s", argv[optind]);
	}
	tail(fp, count);
	if (following && fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode)) {
		fflush(stdout);
		follow(fp);
	}
	return 0;
}
