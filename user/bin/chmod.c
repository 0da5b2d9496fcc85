/* chmod MODE FILE...: sets each file's permission bits to MODE, an octal
 * number (755, 4755, 1777). Only the owner or root may (EPERM). */
#include "ulib.h"

#include <err.h>
#include <stdlib.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	char *end;
	long mode;
	int status = 0;

	if (argc < 3)
		usage("OCTAL-MODE FILE...");
	mode = strtol(argv[1], &end, 8);
	if (*end || end == argv[1] || mode < 0 || mode > 07777)
		errx(2, "%s: not an octal mode", argv[1]);
	for (int i = 2; i < argc; i++) {
		if (chmod(argv[i], (mode_t)mode) < 0) {
			warn("%s", argv[i]);
			status = 1;
		}
	}
	return status;
}
