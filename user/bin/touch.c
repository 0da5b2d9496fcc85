/*
 * touch FILE...: sets each file's access and modification times to now,
 * creating it empty if it does not exist.
 */
#include "ulib.h"

#include <err.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2)
		usage("FILE...");
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_WRONLY | O_CREAT | O_CLOEXEC, 0666);

		if (fd < 0 || futimens(fd, NULL) < 0) {
			warn("%s", argv[i]);
			status = 1;
		}
		if (fd >= 0)
			close(fd);
	}
	return status;
}
