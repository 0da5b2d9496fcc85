/*
 * ps: lists every process: its id, parent's id, state, and command line.
 * It reads /proc: each numeric directory is a process; /proc/PID/stat
 * gives the parent and state (fields 4 and 3 in Linux's format, after the
 * "(name)" field, which may itself hold spaces), /proc/PID/cmdline the
 * arguments separated by NULs (empty for a kernel thread: then [name]).
 */
#include "ulib.h"

#include <ctype.h>
#include <dirent.h>
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reads /proc/PID/NAME into BUF; returns its length, or -1. */
static ssize_t read_proc(const char *pid, const char *name, char *buf,
			 size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/%s", pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

static void show(const char *pid)
{
	char stat[1024], cmd[1024], state;
	int ppid;
	ssize_t n;

	if (read_proc(pid, "stat", stat, sizeof(stat)) < 0)
		return; /* it has exited since readdir */
	char *open_paren = strchr(stat, '('), *close_paren = strrchr(stat, ')');
	if (!open_paren || !close_paren ||
	    sscanf(close_paren + 1, " %c %d", &state, &ppid) != 2)
		return;
	n = read_proc(pid, "cmdline", cmd, sizeof(cmd));
	if (n > 0) {
		for (ssize_t i = 0; i < n - 1; i++)
			if (cmd[i] == '\0')
				cmd[i] = ' ';
	} else {
		*close_paren = '\0';
		snprintf(cmd, sizeof(cmd), "[%s]", open_paren + 1);
	}
	printf("%5s %5d %c %s\n", pid, ppid, state, cmd);
}

static int by_number(const void *a, const void *b)
{
	return atoi(*(char *const *)a) - atoi(*(char *const *)b);
}

int main(int argc, char **argv)
{
	DIR *d;
	struct dirent *e;
	char **pids = NULL;
	size_t n = 0, cap = 0;

	(void)argv;
	if (argc > 1)
		usage("");
	if (!(d = opendir("/proc")))
		err(1, "/proc");
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		if (n == cap)
			pids = xrealloc(pids, (cap = cap ? 2 * cap : 64) *
						      sizeof(char *));
		pids[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(pids, n, sizeof(char *), by_number);
	printf("  PID  PPID S COMMAND\n");
	for (size_t i = 0; i < n; i++)
		show(pids[i]);
	return 0;
}
