/*
 * cut -f LIST [-d DELIM] [-s] | -c LIST | -b LIST [FILE...]: prints the
 * chosen fields (split at DELIM, a tab unless given), characters or bytes
 * of each line. LIST is comma-separated numbers and ranges: 1,3-5,7-.
 * A line without the delimiter is printed whole, or not at all with -s.
 */
#include "ulib.h"

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXPOS 4096

static char chosen[MAXPOS + 1]; /* chosen[i]: position i (from 1) */
static int open_end;            /* a range "N-": everything from N on */

static int is_chosen(long i)
{
	if (open_end && i >= open_end)
		return 1;
	return i <= MAXPOS && chosen[i];
}

static void parse_list(const char *list)
{
	char *copy = xstrdup(list), *save, *tok;

	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *end;
		long lo = 1, hi;

		if (*tok != '-')
			lo = strtol(tok, &end, 10);
		else
			end = tok;
		if (*end == '-') {
			if (end[1] == '\0') {
				if (!open_end || lo < open_end)
					open_end = lo;
				hi = lo - 1;
				end++;
			} else {
				hi = strtol(end + 1, &end, 10);
			}
		} else {
			hi = lo;
		}
		if (*end || lo < 1 || hi > MAXPOS)
			errx(1, "invalid list: %s", list);
		for (long i = lo; i <= hi; i++)
			chosen[i] = 1;
	}
	free(copy);
}

static void cut_line(const char *line, size_t len, int fields, char delim,
		     int only_delimited)
{
	if (!fields) {
		for (size_t i = 0; i < len; i++)
			if (is_chosen(i + 1))
				putchar(line[i]);
		putchar('\n');
		return;
	}
	if (!memchr(line, delim, len)) {
		if (!only_delimited)
			printf("%.*s\n", (int)len, line);
		return;
	}
	long field = 1;
	int printed = 0;
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && line[i] != delim)
			continue;
		if (is_chosen(field)) {
			if (printed++)
				putchar(delim);
			printf("%.*s", (int)(i - start), line + start);
		}
		field++;
		start = i + 1;
	}
	putchar('\n');
}

int main(int argc, char **argv)
{
	int opt, fields = -1, only_delimited = 0, status = 0;
	char delim = '\t', *line = NULL;
	size_t cap = 0;
	ssize_t len;

	while ((opt = getopt(argc, argv, "b:c:d:f:s")) != -1) {
		switch (opt) {
		case 'b':
		case 'c':
		case 'f':
			if (fields != -1)
				errx(1, "only one list may be given");
			fields = opt == 'f';
			parse_list(optarg);
			break;
		case 'd':
			if (strlen(optarg) != 1)
				errx(1, "the delimiter must be one character");
			delim = optarg[0];
			break;
		case 's':
			only_delimited = 1;
			break;
		default:
			usage("-f LIST [-d DELIM] [-s] | -c LIST | -b LIST "
			      "[FILE...]");
		}
	}
	if (fields == -1)
		usage("-f LIST [-d DELIM] [-s] | -c LIST | -b LIST [FILE...]");
	for (int i = optind; i < argc || i == optind; i++) {
		FILE *fp = stdin;
		if (i < argc && strcmp(argv[i], "-"))
			fp = fopen(argv[i], "r");
		if (!fp) {
			warn("%s", argv[i]);
			status = 1;
			continue;
		}
		while ((len = getline(&line, &cap, fp)) > 0) {
			if (line[len - 1] == '\n')
				len--;
			cut_line(line, len, fields, delim, only_delimited);
		}
		if (fp != stdin)
			fclose(fp);
	}
	return status;
}
