/*
 * sort [-r] [-n] [-u] [FILE...]: prints all lines of the files (or of
 * standard input) in order: by bytes (strcmp), or by the number a line
 * starts with (-n); -r reverses the order, -u prints equal lines once.
 */
#include "ulib.h"

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int reverse, numeric, unique;
static char **lines;
static size_t nlines, cap;

static void read_lines(FILE *fp)
{
	char *line = NULL;
	size_t size = 0;
	ssize_t len;

	while ((len = getline(&line, &size, fp)) >= 0) {
		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (nlines == cap)
			lines = xrealloc(lines, (cap = cap ? 2 * cap : 256) *
							sizeof(char *));
		lines[nlines++] = xstrdup(line);
	}
	free(line);
}

static int compare(const char *a, const char *b)
{
	if (numeric) {
		double x = strtod(a, NULL), y = strtod(b, NULL);

		if (x != y)
			return x < y ? -1 : 1;
	}
	return strcmp(a, b);
}

static int by_order(const void *a, const void *b)
{
	int c = compare(*(char *const *)a, *(char *const *)b);

	return reverse ? -c : c;
}

int main(int argc, char **argv)
{
	int opt, status = 0;

	while ((opt = getopt(argc, argv, "rnu")) != -1) {
		if (opt == 'r')
			reverse = 1;
		else if (opt == 'n')
			numeric = 1;
		else if (opt == 'u')
			unique = 1;
		else
			usage("[-r] [-n] [-u] [FILE...]");
	}
	if (optind == argc)
		read_lines(stdin);
	for (int i = optind; i < argc; i++) {
		FILE *fp = strcmp(argv[i], "-") ? fopen(argv[i], "r") : stdin;

		if (!fp) {
			warn("%s", argv[i]);
			status = 2;
			continue;
		}
		read_lines(fp);
		if (fp != stdin)
			fclose(fp);
	}
	qsort(lines, nlines, sizeof(char *), by_order);
	for (size_t i = 0; i < nlines; i++)
		if (!unique || i == 0 || compare(lines[i - 1], lines[i]) != 0)
			puts(lines[i]);
	return status;
}
