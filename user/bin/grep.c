/*
 * grep [-i] [-v] [-c] [-n] [-q] [-E] PATTERN [FILE...]: prints the lines that
 * match PATTERN, a POSIX regular expression (basic, or extended with -E)
 * compiled by the C library's regcomp(3). -i ignores case, -v selects the
 * lines that do not match, -c prints only how many lines were selected,
 * -n puts each line's number before it, -q prints nothing. With several files each line
 * starts with its file's name. Exit status: 0 if a line was selected, 1
 * if none, 2 on an error.
 */
#include "ulib.h"

#include <err.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static regex_t regex;
static int invert, count_only, numbers, quiet, show_names;

/* Returns how many lines of FP were selected. */
static long search(FILE *fp, const char *name)
{
	char *line = NULL;
	size_t size = 0;
	ssize_t len;
	long number = 0, selected = 0;

	while ((len = getline(&line, &size, fp)) >= 0) {
		number++;
		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		if ((regexec(&regex, line, 0, NULL, 0) == 0) == invert)
			continue;
		selected++;
		if (count_only || quiet)
			continue;
		if (show_names)
			printf("%s:", name);
		if (numbers)
			printf("%ld:", number);
		puts(line);
	}
	free(line);
	if (count_only && !quiet) {
		if (show_names)
			printf("%s:", name);
		printf("%ld\n", selected);
	}
	return selected;
}

int main(int argc, char **argv)
{
	int opt, flags = REG_NOSUB, error = 0;
	long selected = 0;

	while ((opt = getopt(argc, argv, "ivcnqE")) != -1) {
		switch (opt) {
		case 'i':
			flags |= REG_ICASE;
			break;
		case 'v':
			invert = 1;
			break;
		case 'c':
			count_only = 1;
			break;
		case 'n':
			numbers = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'E':
			flags |= REG_EXTENDED;
			break;
		default:
			usage("[-i] [-v] [-c] [-n] [-q] [-E] PATTERN [FILE...]");
		}
	}
	if (optind == argc)
		usage("[-i] [-v] [-c] [-n] [-q] [-E] PATTERN [FILE...]");
	int r = regcomp(&regex, argv[optind++], flags);
	if (r != 0) {
		char msg[256];

		regerror(r, &regex, msg, sizeof(msg));
		errx(2, "%s: %s", argv[optind - 1], msg);
	}
	show_names = argc - optind > 1;
	if (optind == argc)
		selected = search(stdin, "(standard input)");
	for (int i = optind; i < argc; i++) {
		FILE *fp = strcmp(argv[i], "-") ? fopen(argv[i], "r") : stdin;

		if (!fp) {
			warn("%s", argv[i]);
			error = 1;
			continue;
		}
		selected += search(fp, argv[i]);
		if (fp != stdin)
			fclose(fp);
	}
	return error ? 2 : selected ? 0 : 1;
}
