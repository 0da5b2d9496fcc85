/*
 * ps: lists every process: its user, id, parent's id, state, and command
 * line. It reads /proc: each numeric directory is a process; its status
 * file's Uid line gives the effective user (named from /etc/passwd, or
 * its number), /proc/PID/stat
 * gives the parent and state (fields 4 and 3 in Linux's format, after the
 * "(name)" field, which may itself hold spaces), /proc/PID/cmdline the
 * arguments separated by NULs (empty for a kernel thread: then [name]).
 * With -T, each process's threads too, one line each (the TID column),
 * from /proc/PID/task/TID/stat.
 */
#include "ulib.h"

#include <ctype.h>
#include <dirent.h>
#include <err.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reads /proc/DIR/NAME into BUF; returns its length, or -1. */
static ssize_t read_proc(const char *dir, const char *name, char *buf,
			 size_t size)
{
	char path[96];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* The effective user of the process whose files are in /proc/DIR, by
 * name if /etc/passwd has it, into buf. */
static const char *user_of(const char *dir, char *buf, size_t size)
{
	char status[2048], *line;
	unsigned int ruid, euid;
	struct passwd *pw;

	snprintf(buf, size, "?");
	if (read_proc(dir, "status", status, sizeof(status)) < 0 ||
	    !(line = strstr(status, "\nUid:")) ||
	    sscanf(line + 5, "%u %u", &ruid, &euid) != 2)
		return buf;
	pw = getpwuid(euid);
	if (pw)
		snprintf(buf, size, "%s", pw->pw_name);
	else
		snprintf(buf, size, "%u", euid);
	return buf;
}

/* One line: the process pid, or with tid (not NULL) one of its threads,
 * whose files are in /proc/DIR. */
static void show(const char *pid, const char *tid, const char *dir)
{
	char stat[1024], cmd[1024], user[32], state;
	int ppid;
	ssize_t n;

	if (read_proc(dir, "stat", stat, sizeof(stat)) < 0)
		return; /* it has exited since readdir */
	char *open_paren = strchr(stat, '('), *close_paren = strrchr(stat, ')');
	if (!open_paren || !close_paren ||
	    sscanf(close_paren + 1, " %c %d", &state, &ppid) != 2)
		return;
	n = read_proc(dir, "cmdline", cmd, sizeof(cmd));
	if (n > 0) {
		for (ssize_t i = 0; i < n - 1; i++)
			if (cmd[i] == '\0')
				cmd[i] = ' ';
	} else {
		*close_paren = '\0';
		snprintf(cmd, sizeof(cmd), "[%s]", open_paren + 1);
	}
	user_of(dir, user, sizeof(user));
	if (tid)
		printf("%-8s %5s %5s %5d %c %s\n", user, pid, tid, ppid, state,
		       cmd);
	else
		printf("%-8s %5s %5d %c %s\n", user, pid, ppid, state, cmd);
}

static int by_number(const void *a, const void *b)
{
	return atoi(*(char *const *)a) - atoi(*(char *const *)b);
}

/* The numeric names in directory path, sorted; how many in *n (NULL
 * if it cannot be read: the process has gone). */
static char **numbers_in(const char *path, size_t *n)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char **names = NULL;
	size_t cap = 0;

	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		if (*n == cap)
			names = xrealloc(names, (cap = cap ? 2 * cap : 64) *
							sizeof(char *));
		names[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof(char *), by_number);
	return names;
}

static void show_threads(const char *pid)
{
	char path[64], dir[96];
	size_t n;
	char **tids;

	snprintf(path, sizeof(path), "/proc/%s/task", pid);
	tids = numbers_in(path, &n);
	for (size_t i = 0; i < n; i++) {
		snprintf(dir, sizeof(dir), "%s/task/%s", pid, tids[i]);
		show(pid, tids[i], dir);
	}
}

int main(int argc, char **argv)
{
	bool threads = argc == 2 && strcmp(argv[1], "-T") == 0;
	char **pids;
	size_t n;

	if (argc > 1 && !threads)
		usage("[-T]");
	pids = numbers_in("/proc", &n);
	if (!pids && n == 0 && access("/proc", F_OK) != 0)
		err(1, "/proc");
	printf(threads ? "USER       PID   TID  PPID S COMMAND\n"
		       : "USER       PID  PPID S COMMAND\n");
	for (size_t i = 0; i < n; i++) {
		if (threads)
			show_threads(pids[i]);
		else
			show(pids[i], NULL, pids[i]);
	}
	return 0;
}
