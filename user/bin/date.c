/*
 * date [-u] [-d @SECONDS] [+FORMAT]: prints the time (now, or SECONDS
 * since the epoch) in FORMAT, strftime's conversions (%Y-%m-%d %H:%M:%S,
 * %s, ...), or like "Mon Dec  7 01:10:30 UTC 2026". Kestrel has no time
 * zones: with no /etc/localtime (or TZ) the time is UTC, as on Linux.
 */
#include "ulib.h"

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *format = "%a %b %e %H:%M:%S %Z %Y";
	char out[1024];
	int opt, utc = 0;
	time_t t = time(NULL);
	struct tm tm;

	while ((opt = getopt(argc, argv, "ud:")) != -1) {
		if (opt == 'u') {
			utc = 1;
		} else if (opt == 'd' && optarg[0] == '@') {
			char *end;
			t = strtoll(optarg + 1, &end, 10);
			if (*end || end == optarg + 1)
				errx(1, "invalid date '%s'", optarg);
		} else {
			usage("[-u] [-d @SECONDS] [+FORMAT]");
		}
	}
	if (optind < argc) {
		if (argv[optind][0] != '+' || optind + 1 < argc)
			usage("[-u] [-d @SECONDS] [+FORMAT]");
		format = argv[optind] + 1;
	}
	if (utc)
		setenv("TZ", "UTC0", 1);
	tzset();
	localtime_r(&t, &tm);
	/* strftime returns 0 both for an empty result and for overflow. */
	out[0] = '\0';
	if (*format && !strftime(out, sizeof(out), format, &tm))
		errx(1, "the format gives too long a date");
	puts(out);
	return 0;
}
