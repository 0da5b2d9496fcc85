/*
 * env [NAME=VALUE...] [COMMAND [ARG...]]: with no command, prints the
 * environment, one NAME=VALUE a line; otherwise runs COMMAND (found in
 * PATH) with the assignments added to the environment.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
	int i = 1;

	for (; i < argc && strchr(argv[i], '='); i++)
		if (putenv(argv[i]) != 0)
			err(1, "putenv");
	if (i == argc) {
		for (char **e = environ; *e; e++)
			puts(*e);
		return 0;
	}
	execvp(argv[i], argv + i);
	warn("%s", argv[i]);
	return 127;
}
