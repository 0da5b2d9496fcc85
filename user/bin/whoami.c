/* whoami: the name of the effective user, from /etc/passwd (its number
 * if it has none there). */
#include "ulib.h"

#include <pwd.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct passwd *pw;

	(void)argv;
	if (argc != 1)
		usage("");
	pw = getpwuid(geteuid());
	if (pw)
		printf("%s\n", pw->pw_name);
	else
		printf("%u\n", (unsigned)geteuid());
	return 0;
}
