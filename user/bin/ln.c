/*
 * ln [-s] TARGET LINK: makes LINK a hard link to TARGET, or with -s a
 * symbolic link whose contents are TARGET (which need not exist).
 */
#include "ulib.h"

#include <err.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int opt, symbolic = 0;

	while ((opt = getopt(argc, argv, "s")) != -1) {
		if (opt != 's')
			usage("[-s] TARGET LINK");
		symbolic = 1;
	}
	if (argc - optind != 2)
		usage("[-s] TARGET LINK");
	const char *target = argv[optind], *link_name = argv[optind + 1];
	if ((symbolic ? symlink(target, link_name) : link(target, link_name)) <
	    0)
		err(1, "%s", link_name);
	return 0;
}
