/* rmdir DIR...: removes each directory, which must be empty. */
#include "ulib.h"

#include <err.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2)
		usage("DIR...");
	for (int i = 1; i < argc; i++) {
		if (rmdir(argv[i]) < 0) {
			warn("%s", argv[i]);
			status = 1;
		}
	}
	return status;
}
