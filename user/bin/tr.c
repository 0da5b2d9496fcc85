/*
 * tr [-d] [-s] SET1 [SET2]: copies its input to its output, changing
 * each character of SET1 to the one at the same place in SET2 (the last
 * of SET2 repeats); -d deletes the characters of SET1 instead; -s
 * squeezes a run of one character of the last set into one. The sets
 * know ranges (a-z) and the escapes \n \t \r \\.
 */
#include "ulib.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Expands SET into OUT (at most 256 bytes); returns its length. */
static int expand(const char *s, unsigned char *out)
{
	int n = 0;

	while (*s && n < 256) {
		unsigned char c = *s++;
		if (c == '\\' && *s) {
			c = *s++;
			c = c == 'n'   ? '\n'
			    : c == 't' ? '\t'
			    : c == 'r' ? '\r'
				       : c;
		}
		if (*s == '-' && s[1]) {
			unsigned char hi = s[1];
			s += 2;
			for (int k = c; k <= hi && n < 256; k++)
				out[n++] = k;
			continue;
		}
		out[n++] = c;
	}
	return n;
}

int main(int argc, char **argv)
{
	unsigned char set1[256], set2[256], map[256];
	char in_set1[256] = { 0 }, squeeze[256] = { 0 };
	int opt, del = 0, sq = 0, n1, n2 = 0, c, prev = -1;

	while ((opt = getopt(argc, argv, "ds")) != -1) {
		if (opt == 'd')
			del = 1;
		else if (opt == 's')
			sq = 1;
		else
			usage("[-d] [-s] SET1 [SET2]");
	}
	if (argc - optind < 1 || argc - optind > 2 ||
	    (!del && !sq && argc - optind != 2))
		usage("[-d] [-s] SET1 [SET2]");
	n1 = expand(argv[optind], set1);
	if (argc - optind == 2)
		n2 = expand(argv[optind + 1], set2);
	for (int i = 0; i < 256; i++)
		map[i] = i;
	for (int i = 0; i < n1; i++) {
		in_set1[set1[i]] = 1;
		if (n2)
			map[set1[i]] = set2[i < n2 ? i : n2 - 1];
	}
	/* -s squeezes the last set given: SET2, or SET1 alone. */
	if (n2)
		for (int i = 0; i < n2; i++)
			squeeze[set2[i]] = 1;
	else
		memcpy(squeeze, in_set1, sizeof(squeeze));
	while ((c = getchar()) != EOF) {
		if (del && in_set1[c])
			continue;
		if (!del)
			c = map[c];
		if (sq && c == prev && squeeze[c])
			continue;
		putchar(c);
		prev = c;
	}
	return 0;
}
