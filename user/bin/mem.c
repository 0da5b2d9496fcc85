/*
 * mem [PID]: shows memory. With PID (or "self"), the process's memory
 * map: each line of /proc/PID/maps (Linux's format: "start-end perms
 * offset dev inode path") with the region's size added. Without, the
 * system's memory from /proc/meminfo ("Name:   value kB" lines).
 */
#include "ulib.h"

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int show_maps(const char *pid)
{
	char path[64], line[512], perms[8], rest[400];
	unsigned long start, end, total = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%s/maps", pid);
	if (!(fp = fopen(path, "r")))
		err(1, "%s", path);
	printf("%-12s %-12s %8s %-4s %s\n", "START", "END", "SIZE", "PERM",
	       "MAPPING");
	while (fgets(line, sizeof(line), fp)) {
		rest[0] = '\0';
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %399[^\n]", &start,
			   &end, perms, rest) < 3)
			continue;
		printf("%012lx %012lx %7luK %-4s %s\n", start, end,
		       (end - start) / 1024, perms, rest);
		total += end - start;
	}
	fclose(fp);
	printf("total %luK\n", total / 1024);
	return 0;
}

static int show_system(void)
{
	char line[256];
	FILE *fp = fopen("/proc/meminfo", "r");

	if (!fp)
		err(1, "/proc/meminfo");
	while (fgets(line, sizeof(line), fp))
		fputs(line, stdout);
	fclose(fp);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
		usage("[PID | self]");
	return argc == 2 ? show_maps(argv[1]) : show_system();
}
