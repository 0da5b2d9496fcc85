/*
 * wc [-l] [-w] [-c] [FILE...]: counts lines, words (runs of non-blanks)
 * and bytes of each FILE (or standard input), and a total line for more
 * than one file. Without options it prints all three, in that order, as
 * GNU wc does, and in GNU's columns: as wide as the digits of all the
 * files' sizes together (7 at least when one is not a regular file, a
 * pipe say), or unpadded for a single count of a single input.
 */
#include "ulib.h"

#include <ctype.h>
#include <err.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct counts {
	long long lines, words, bytes;
};

static int want_lines, want_words, want_bytes;
static int width = 1; /* of each number */

/* GNU wc's column width for the inputs NAMES ("-": standard input). */
static int column_width(char **names, int n)
{
	unsigned long long size = 0;
	int w = 1, minimum = 1;

	if (n <= 1 && want_lines + want_words + want_bytes == 1)
		return 1;
	for (int i = 0; i < n; i++) {
		struct stat st;
		int r = strcmp(names[i], "-") ? stat(names[i], &st)
					      : fstat(0, &st);
		if (r < 0)
			continue;
		if (S_ISREG(st.st_mode))
			size += st.st_size;
		else
			minimum = 7;
	}
	for (; size >= 10; size /= 10)
		w++;
	return w > minimum ? w : minimum;
}

static int count(int fd, const char *name, struct counts *c)
{
	char buf[4096];
	ssize_t n;
	int in_word = 0;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		c->bytes += n;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n')
				c->lines++;
			if (isspace((unsigned char)buf[i]))
				in_word = 0;
			else if (!in_word) {
				in_word = 1;
				c->words++;
			}
		}
	}
	if (n < 0) {
		warn("%s", name);
		return 1;
	}
	return 0;
}

static void print(const struct counts *c, const char *name)
{
	const char *sep = "";

	if (want_lines) {
		printf("%*lld", width, c->lines);
		sep = " ";
	}
	if (want_words) {
		printf("%s%*lld", sep, width, c->words);
		sep = " ";
	}
	if (want_bytes)
		printf("%s%*lld", sep, width, c->bytes);
	if (name)
		printf(" %s", name);
	putchar('\n');
}

int main(int argc, char **argv)
{
	struct counts total = { 0 };
	int opt, status = 0;

	while ((opt = getopt(argc, argv, "lwc")) != -1) {
		if (opt == 'l')
			want_lines = 1;
		else if (opt == 'w')
			want_words = 1;
		else if (opt == 'c')
			want_bytes = 1;
		else
			usage("[-l] [-w] [-c] [FILE...]");
	}
	if (!want_lines && !want_words && !want_bytes)
		want_lines = want_words = want_bytes = 1;
	if (optind == argc) {
		struct counts c = { 0 };
		char *stdin_name = "-";

		width = column_width(&stdin_name, 1);
		status = count(0, "-", &c);
		print(&c, NULL);
		return status;
	}
	width = column_width(argv + optind, argc - optind);
	for (int i = optind; i < argc; i++) {
		struct counts c = { 0 };
		int fd = open_input(argv[i]);

		if (fd < 0) {
			status = 1;
			continue;
		}
		status |= count(fd, argv[i], &c);
		close_input(fd);
		print(&c, argv[i]);
		total.lines += c.lines;
		total.words += c.words;
		total.bytes += c.bytes;
	}
	if (argc - optind > 1)
		print(&total, "total");
	return status;
}
