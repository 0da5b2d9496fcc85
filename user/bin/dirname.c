/*
 * dirname NAME: the directory part of NAME: "." when it has none, "/"
 * for names directly under the root, as POSIX says.
 */
#include "ulib.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	char *s;
	size_t len;

	if (argc != 2)
		usage("NAME");
	s = argv[1];
	len = strlen(s);
	while (len > 1 && s[len - 1] == '/') /* trailing slashes */
		len--;
	while (len > 0 && s[len - 1] != '/') /* the last component */
		len--;
	if (len == 0) {
		puts(s[0] == '/' ? "/" : ".");
		return 0;
	}
	while (len > 1 && s[len - 1] == '/') /* the slashes before it */
		len--;
	printf("%.*s\n", (int)len, s);
	return 0;
}
