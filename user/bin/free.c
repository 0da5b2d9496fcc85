/*
 * free [-k|-m|-h]: memory in use and free, from /proc/meminfo, in
 * procps's layout (KiB by default). Kestrel has no swap: its line shows
 * what /proc/meminfo says, zeros.
 */
#include "ulib.h"

#include <err.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char unit = 'k';

/* KB of the /proc/meminfo line NAME, 0 if it has none. */
static unsigned long field(FILE *fp, const char *name)
{
	char line[128];
	size_t len = strlen(name);
	unsigned long kb;

	rewind(fp);
	while (fgets(line, sizeof(line), fp))
		if (!strncmp(line, name, len) && line[len] == ':' &&
		    sscanf(line + len + 1, "%lu", &kb) == 1)
			return kb;
	return 0;
}

static void show(unsigned long kb)
{
	if (unit == 'm') {
		printf("%12lu", kb / 1024);
	} else if (unit == 'h') {
		char buf[16];
		if (kb >= 1024 * 1024)
			snprintf(buf, sizeof(buf), "%.1fGi",
				 kb / (1024.0 * 1024));
		else if (kb >= 1024)
			snprintf(buf, sizeof(buf), "%.1fMi", kb / 1024.0);
		else
			snprintf(buf, sizeof(buf), "%luKi", kb);
		printf("%12s", buf);
	} else {
		printf("%12lu", kb);
	}
}

int main(int argc, char **argv)
{
	unsigned long total, mfree, avail, buffers, cached, shmem, sreclaim;
	unsigned long used, buffcache;
	int opt;
	FILE *fp;

	while ((opt = getopt(argc, argv, "kmh")) != -1) {
		if (opt != 'k' && opt != 'm' && opt != 'h')
			usage("[-k|-m|-h]");
		unit = opt;
	}
	fp = fopen("/proc/meminfo", "r");
	if (!fp)
		err(1, "/proc/meminfo");
	total = field(fp, "MemTotal");
	mfree = field(fp, "MemFree");
	avail = field(fp, "MemAvailable");
	buffers = field(fp, "Buffers");
	cached = field(fp, "Cached");
	shmem = field(fp, "Shmem");
	sreclaim = field(fp, "SReclaimable");
	buffcache = buffers + cached + sreclaim;
	/* procps 4: used is what is not available. */
	used = total > avail ? total - avail : 0;
	printf("%-8s%12s%12s%12s%12s%12s%12s\n", "", "total", "used", "free",
	       "shared", "buff/cache", "available");
	printf("%-8s", "Mem:");
	show(total);
	show(used);
	show(mfree);
	show(shmem);
	show(buffcache);
	show(avail);
	printf("\n%-8s", "Swap:");
	show(field(fp, "SwapTotal"));
	show(field(fp, "SwapTotal") - field(fp, "SwapFree"));
	show(field(fp, "SwapFree"));
	putchar('\n');
	fclose(fp);
	return 0;
}
