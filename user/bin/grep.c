/*
 * grep [-i] [-v] [-c] [-n] [-q] [-E] [-r] [-e PATTERN]... [PATTERN] [FILE...]:
 * prints the lines that match PATTERN (any of the -e PATTERNs), a POSIX
 * regular expression (basic, or extended with -E) compiled by the C
 * library's regcomp(3). -i ignores case, -v selects the lines that do not
 * match, -c prints only how many lines were selected, -n puts each line's
 * number before it, -q prints nothing. -r searches the files under each
 * directory (under . when no FILE is given). With several files, or -r,
 * each line starts with its file's name. Exit status: 0 if a line was
 * selected, 1 if none, 2 on an error.
 */
#include "ulib.h"

#include <dirent.h>
#include <err.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAXPATTERNS 32
#define USAGE \
	"[-i] [-v] [-c] [-n] [-q] [-E] [-r] [-e PATTERN]... [PATTERN] [FILE...]"

static regex_t regex[MAXPATTERNS];
static const char *patterns[MAXPATTERNS];
static int npatterns;
static int invert, count_only, numbers, quiet, show_names, recursive, error;
static int implicit_dot; /* -r with no FILE: names without "./" */

static int matches(const char *line)
{
	for (int i = 0; i < npatterns; i++)
		if (regexec(&regex[i], line, 0, NULL, 0) == 0)
			return 1;
	return 0;
}

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
		if (matches(line) == invert)
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

/* Searches the file NAME, or with -r everything under it; how many
 * lines were selected. */
static long search_name(const char *name)
{
	struct stat st;
	long selected = 0;

	if (recursive && stat(name, &st) == 0 && S_ISDIR(st.st_mode)) {
		DIR *d = opendir(name);
		struct dirent *e;

		if (!d) {
			warn("%s", name);
			error = 1;
			return 0;
		}
		while ((e = readdir(d))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char *sub =
				xmalloc(strlen(name) + strlen(e->d_name) + 2);
			if (implicit_dot && !strcmp(name, "."))
				strcpy(sub, e->d_name);
			else
				sprintf(sub, "%s%s%s", name,
					name[strlen(name) - 1] == '/' ? ""
								      : "/",
					e->d_name);
			selected += search_name(sub);
			free(sub);
		}
		closedir(d);
		return selected;
	}
	FILE *fp = strcmp(name, "-") ? fopen(name, "r") : stdin;
	if (!fp) {
		warn("%s", name);
		error = 1;
		return 0;
	}
	selected = search(fp, fp == stdin ? "(standard input)" : name);
	if (fp != stdin)
		fclose(fp);
	return selected;
}

int main(int argc, char **argv)
{
	int opt, flags = REG_NOSUB;
	long selected = 0;

	while ((opt = getopt(argc, argv, "ivcnqEre:")) != -1) {
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
		case 'r':
			recursive = 1;
			break;
		case 'e':
			if (npatterns == MAXPATTERNS)
				errx(2, "more than %d patterns", MAXPATTERNS);
			patterns[npatterns++] = optarg;
			break;
		default:
			usage(USAGE);
		}
	}
	if (npatterns == 0) {
		if (optind == argc)
			usage(USAGE);
		patterns[npatterns++] = argv[optind++];
	}
	for (int i = 0; i < npatterns; i++) {
		int r = regcomp(&regex[i], patterns[i], flags);
		if (r != 0) {
			char msg[256];

			regerror(r, &regex[i], msg, sizeof(msg));
			errx(2, "%s: %s", patterns[i], msg);
		}
	}
	show_names = argc - optind > 1;
	if (recursive) {
		struct stat st;
		show_names |= optind == argc || (stat(argv[optind], &st) == 0 &&
						 S_ISDIR(st.st_mode));
	}
	implicit_dot = recursive && optind == argc;
	if (optind == argc)
		selected = search_name(recursive ? "." : "-");
	for (int i = optind; i < argc; i++)
		selected += search_name(argv[i]);
	return error ? 2 : selected ? 0 : 1;
}
