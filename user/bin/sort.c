/*
 * sort [-r] [-n] [-u] [-t SEP] [-k FIELD[,FIELD]] [FILE...]: prints all
 * lines of the files (or of standard input) in order: by bytes (strcmp),
 * or by the number a line starts with (-n); -r reverses the order, -u
 * prints equal lines once. -k sorts by a key, from the start of one field
 * to the end of the other (or of the line); fields are split at SEP, or
 * where blanks start (a field keeps its leading blanks, as POSIX says).
 * Lines with equal keys are ordered by the whole line.
 */
#include "ulib.h"

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int reverse, numeric, unique;
static long key_first, key_last; /* -k, fields from 1; 0: none / the end */
/* A key with options of its own (-k2n) takes none of the global ones. */
static int key_opts, key_numeric, key_reverse;
static int separator = -1; /* -t, or -1: blanks */
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

/* Where field N (from 1) of LINE starts; the end of LINE if it has none. */
static const char *field(const char *line, long n)
{
	const char *p = line;

	while (--n > 0 && *p) {
		if (separator >= 0) {
			p = strchr(p, separator);
			if (!p)
				return line + strlen(line);
			p++;
		} else {
			while (*p == ' ' || *p == '\t')
				p++;
			while (*p && *p != ' ' && *p != '\t')
				p++;
		}
	}
	return p;
}

/* The -k key of LINE: its start, and its length in *len. */
static const char *key(const char *line, size_t *len)
{
	const char *start = field(line, key_first), *end;

	if (!key_last) {
		*len = strlen(start);
		return start;
	}
	/* The end of field key_last: where field key_last + 1 starts, less
	 * the separator that opens it. */
	end = field(line, key_last + 1);
	if (separator >= 0 && end > start && end[-1] == separator)
		end--;
	*len = end > start ? (size_t)(end - start) : 0;
	return start;
}

static int compare_keys(const char *a, size_t alen, const char *b, size_t blen,
			int by_number)
{
	int c;

	if (by_number) {
		double x = strtod(a, NULL), y = strtod(b, NULL);

		if (x != y)
			return x < y ? -1 : 1;
		return 0;
	}
	c = memcmp(a, b, alen < blen ? alen : blen);
	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

/* Orders A and B by their keys alone (for -u), or, with LAST_RESORT,
 * by the whole lines when the keys are equal. */
static int compare_lines(const char *a, const char *b, int last_resort)
{
	int by_number = key_opts ? key_numeric : numeric;
	int backwards = key_opts ? key_reverse : reverse;
	size_t alen = strlen(a), blen = strlen(b);
	const char *ka = a, *kb = b;
	int c;

	if (key_first) {
		ka = key(a, &alen);
		kb = key(b, &blen);
	}
	c = compare_keys(ka, alen, kb, blen, by_number);
	if (c)
		return backwards ? -c : c;
	if (!last_resort)
		return 0;
	c = strcmp(a, b);
	return reverse ? -c : c;
}

static int compare(const char *a, const char *b)
{
	return compare_lines(a, b, 1);
}

/* The options after a -k field number (2n, 3r); past them. */
static char *key_options(char *p)
{
	for (; *p == 'n' || *p == 'r'; p++) {
		key_opts = 1;
		if (*p == 'n')
			key_numeric = 1;
		else
			key_reverse = 1;
	}
	return p;
}

/* -k FIELD[,FIELD]: the options after the numbers (1n, 2r) apply. */
static void parse_key(const char *arg)
{
	char *end;

	key_first = strtol(arg, &end, 10);
	end = key_options(end);
	if (*end == ',') {
		key_last = strtol(end + 1, &end, 10);
		end = key_options(end);
	}
	if (*end || key_first < 1 || key_last < 0 ||
	    (key_last && key_last < key_first))
		errx(2, "invalid key: %s", arg);
}

static int by_order(const void *a, const void *b)
{
	return compare(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	int opt, status = 0;

	while ((opt = getopt(argc, argv, "rnuk:t:")) != -1) {
		if (opt == 'r')
			reverse = 1;
		else if (opt == 'n')
			numeric = 1;
		else if (opt == 'u')
			unique = 1;
		else if (opt == 'k')
			parse_key(optarg);
		else if (opt == 't' && strlen(optarg) == 1)
			separator = (unsigned char)optarg[0];
		else
			usage("[-r] [-n] [-u] [-t SEP] [-k FIELD[,FIELD]] "
			      "[FILE...]");
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
		if (!unique || i == 0 ||
		    compare_lines(lines[i - 1], lines[i], 0))
			puts(lines[i]);
	return status;
}
