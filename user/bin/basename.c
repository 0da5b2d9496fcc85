/*
 * basename NAME [SUFFIX]: NAME without its directories (and without
 * SUFFIX, when NAME ends with it and is more than it), as POSIX says.
 */
#include "ulib.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	char *s, *slash;
	size_t len;

	if (argc < 2 || argc > 3)
		usage("NAME [SUFFIX]");
	s = argv[1];
	len = strlen(s);
	while (len > 1 && s[len - 1] == '/')
		s[--len] = '\0';
	slash = strrchr(s, '/');
	if (slash && slash[1])
		s = slash + 1;
	len = strlen(s);
	if (argc == 3) {
		size_t sl = strlen(argv[2]);
		if (sl < len && !strcmp(s + len - sl, argv[2]))
			s[len - sl] = '\0';
	}
	puts(s);
	return 0;
}
