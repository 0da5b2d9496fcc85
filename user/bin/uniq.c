/*
 * uniq [-c] [-d] [FILE]: prints each run of equal adjacent lines once;
 * -c puts the run's length before the line, -d prints only lines that
 * were repeated. Sort first to find equal lines anywhere.
 */
#include "ulib.h"

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int show_count, only_repeated;

static void emit(const char *line, long n)
{
	if (only_repeated && n < 2)
		return;
	if (show_count)
		printf("%7ld ", n);
	fputs(line, stdout);
}

int main(int argc, char **argv)
{
	char *line = NULL, *previous = NULL;
	size_t size = 0;
	long run = 0;
	int opt;

	while ((opt = getopt(argc, argv, "cd")) != -1) {
		if (opt == 'c')
			show_count = 1;
		else if (opt == 'd')
			only_repeated = 1;
		else
			usage("[-c] [-d] [FILE]");
	}
	if (argc - optind > 1)
		usage("[-c] [-d] [FILE]");
	FILE *fp = stdin;
	if (optind < argc && !(fp = fopen(argv[optind], "r")))
		err(1, "%s", argv[optind]);
	while (getline(&line, &size, fp) >= 0) {
		if (previous && strcmp(previous, line) == 0) {
			run++;
			continue;
		}
		if (previous)
			emit(previous, run);
		free(previous);
		previous = xstrdup(line);
		run = 1;
	}
	if (previous)
		emit(previous, run);
	return 0;
}
