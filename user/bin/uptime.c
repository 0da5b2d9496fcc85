/*
 * uptime: how long the system has been up, from the first number of
 * /proc/uptime (seconds since boot, with a fraction), printed as
 * "up D days, HH:MM:SS".
 */
#include "ulib.h"

#include <err.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	double seconds;
	FILE *fp;

	(void)argv;
	if (argc > 1)
		usage("");
	if (!(fp = fopen("/proc/uptime", "r")))
		err(1, "/proc/uptime");
	if (fscanf(fp, "%lf", &seconds) != 1)
		errx(1, "/proc/uptime: no number");
	fclose(fp);
	long s = (long)seconds;
	printf("up ");
	if (s >= 86400)
		printf("%ld day%s, ", s / 86400, s >= 2 * 86400 ? "s" : "");
	printf("%02ld:%02ld:%02ld\n", s / 3600 % 24, s / 60 % 60, s % 60);
	return 0;
}
