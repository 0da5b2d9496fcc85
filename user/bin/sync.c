/*
 * sync: writes every file system's dirty blocks back to its disk (the
 * buffer cache's, docs/bcache.md), as sync(2) does.
 */
#include "ulib.h"

#include <unistd.h>

int main(int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		usage("");
	sync();
	return 0;
}
