/*
 * head [-n COUNT | -c BYTES] [FILE...]: prints the first COUNT lines (10),
 * or the first BYTES bytes, of each file, with a "==> name <==" heading
 * when there are several.
 */
#include "ulib.h"

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int bytes; /* -c: COUNT is of bytes */

static void head(FILE *fp, long count)
{
	int c;

	while (count > 0 && (c = getc(fp)) != EOF) {
		putchar(c);
		if (bytes || c == '\n')
			count--;
	}
}

/* The COUNT of -n COUNT; also accepts the old form -COUNT. */
static long parse_count(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*end || end == s || n < 0)
		errx(2, "%s: not a count", s);
	return n;
}

int main(int argc, char **argv)
{
	long count = 10;
	int opt, status = 0;

	if (argc > 1 && argv[1][0] == '-' && argv[1][1] >= '0' &&
	    argv[1][1] <= '9') {
		count = parse_count(argv[1] + 1);
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	while ((opt = getopt(argc, argv, "n:c:")) != -1) {
		if (opt != 'n' && opt != 'c')
			usage("[-n COUNT | -c BYTES] [FILE...]");
		bytes = opt == 'c';
		count = parse_count(optarg);
	}
	if (optind == argc)
		head(stdin, count);
	for (int i = optind; i < argc; i++) {
		FILE *fp = strcmp(argv[i], "-") ? fopen(argv[i], "r") : stdin;

		if (!fp) {
			warn("%s", argv[i]);
			status = 1;
			continue;
		}
		if (argc - optind > 1)
			printf("%s==> %s <==\n", i > optind ? "\n" : "",
			       argv[i]);
		head(fp, count);
		if (fp != stdin)
			fclose(fp);
	}
	return status;
}
