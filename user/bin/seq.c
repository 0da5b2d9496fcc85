/*
 * seq [FIRST [INCREMENT]] LAST: prints the numbers from FIRST (1) to
 * LAST by INCREMENT (1), one a line; -s SEP puts SEP between them
 * instead of a newline, -w pads them with zeros to one width. Integers
 * only.
 */
#include "ulib.h"

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static long number(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*end || end == s)
		errx(1, "invalid integer argument: '%s'", s);
	return n;
}

static int width_of(long n)
{
	return snprintf(NULL, 0, "%ld", n);
}

int main(int argc, char **argv)
{
	const char *sep = "\n";
	long first = 1, step = 1, last;
	int opt, width = 0, equal = 0;

	/* Negative numbers are not options: stop at the first "-DIGIT". */
	while (optind < argc && argv[optind][0] == '-' &&
	       !(argv[optind][1] >= '0' && argv[optind][1] <= '9') &&
	       (opt = getopt(argc, argv, "s:w")) != -1) {
		if (opt == 's')
			sep = optarg;
		else if (opt == 'w')
			equal = 1;
		else
			usage("[-s SEP] [-w] [FIRST [INCREMENT]] LAST");
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 3)
		usage("[-s SEP] [-w] [FIRST [INCREMENT]] LAST");
	last = number(argv[argc - 1]);
	if (argc >= 2)
		first = number(argv[0]);
	if (argc == 3)
		step = number(argv[1]);
	if (step == 0)
		errx(1, "invalid Zero increment value: '0'");
	if (equal)
		width = width_of(first) > width_of(last) ? width_of(first)
							 : width_of(last);
	for (long n = first; step > 0 ? n <= last : n >= last; n += step) {
		if (n != first)
			fputs(sep, stdout);
		if (n < 0 && width)
			printf("-%0*ld", width - 1, -n);
		else
			printf("%0*ld", width, n);
	}
	if ((step > 0 && first <= last) || (step < 0 && first >= last))
		putchar('\n');
	return 0;
}
