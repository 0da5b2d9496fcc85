/* sleep SECONDS: waits that long; SECONDS may have a fraction (0.5). */
#include "ulib.h"

#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	char *end;
	double seconds;
	struct timespec t;

	if (argc != 2)
		usage("SECONDS");
	seconds = strtod(argv[1], &end);
	if (*end || end == argv[1] || seconds < 0)
		errx(1, "%s: not a number of seconds", argv[1]);
	t.tv_sec = (time_t)seconds;
	t.tv_nsec = (long)((seconds - t.tv_sec) * 1e9);
	while (nanosleep(&t, &t) < 0)
		if (errno != EINTR)
			err(1, "nanosleep");
	return 0;
}
