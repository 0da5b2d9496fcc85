/* pwd: prints the current directory, as getcwd(2) gives it. */
#include "ulib.h"

#include <err.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char cwd[4096];

	(void)argv;
	if (argc > 1)
		usage("");
	if (!getcwd(cwd, sizeof(cwd)))
		err(1, "getcwd");
	puts(cwd);
	return 0;
}
