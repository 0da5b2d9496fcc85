/*
 * df [-h] [-k] [FILE...]: the size, use and room of each mounted file
 * system (those /proc/mounts lists), or of those holding each FILE,
 * from statfs. In 1K blocks, or human sizes with -h.
 */
#include "ulib.h"

#include <err.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

static int human;

static void size(unsigned long long bytes)
{
	const char *units = "KMGTP";
	double v = bytes;
	int u = -1;

	if (!human) {
		printf(" %10llu", bytes / 1024);
		return;
	}
	if (bytes < 1024) {
		printf(" %5llu", bytes);
		return;
	}
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (v < 10)
		printf(" %4.1f%c", v, units[u]);
	else
		printf(" %4.0f%c", v, units[u]);
}

static int show(const char *dev, const char *dir)
{
	struct statfs sf;
	unsigned long long bs, total, avail, used;

	if (statfs(dir, &sf) < 0) {
		warn("%s", dir);
		return 1;
	}
	bs = sf.f_frsize ? sf.f_frsize : sf.f_bsize;
	total = sf.f_blocks * bs;
	avail = sf.f_bavail * bs;
	used = (sf.f_blocks - sf.f_bfree) * bs;
	printf("%-15s", dev);
	size(total);
	size(used);
	size(avail);
	/* Use%, rounded up, of what ordinary users may have. */
	if (used + avail)
		printf(" %4llu%%",
		       (used * 100 + used + avail - 1) / (used + avail));
	else
		printf("    -");
	printf(" %s\n", dir);
	return 0;
}

int main(int argc, char **argv)
{
	char dev[256], dir[256], line[600];
	int opt, status = 0;
	FILE *fp;

	while ((opt = getopt(argc, argv, "hk")) != -1) {
		if (opt == 'h')
			human = 1;
		else if (opt != 'k')
			usage("[-h] [-k] [FILE...]");
	}
	printf("%-15s %10s %10s %10s %4s %s\n", "Filesystem",
	       human ? "Size" : "1K-blocks", "Used", "Available", "Use%",
	       "Mounted on");
	if (optind < argc) {
		for (int i = optind; i < argc; i++)
			status |= show("-", argv[i]);
		return status;
	}
	fp = fopen("/proc/mounts", "r");
	if (!fp)
		err(1, "/proc/mounts");
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line, "%255s %255s", dev, dir) == 2)
			status |= show(dev, dir);
	fclose(fp);
	return status;
}
