/*
 * ls [-1aldhRtSr] [FILE...]: lists each directory's entries (without
 * names starting with "." unless -a), or the FILE itself if it is no
 * directory (or with -d). Sorted by name, by modification time with -t
 * (newest first), by size with -S (largest first); -r reverses.
 *
 * On a terminal the names go in columns across its width (TIOCGWINSZ),
 * down then across as GNU ls does, and with --color coloured by type (as
 * GNU ls, colour is asked for: Kestrel's VGA console shows no ANSI
 * escapes): directories blue, links cyan, executables green, devices
 * yellow, pipes brown; into a
 * pipe or a file, one name a line and no colour. -1 forces one a line.
 * -l gives a line per entry: type and permissions, links, owner and group
 * (names from /etc/passwd and /etc/group, else the numbers), size (-h:
 * 1.5K, 12M), modification time, name and a symbolic link's target.
 * -R lists each directory's subdirectories after it.
 */
#include "ulib.h"

#include <dirent.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int show_all, long_format, human, recursive, dir_itself, by_time,
	by_size, reverse, one_per_line, colour;
static int width = 80; /* the terminal's */

struct entry {
	char *name; /* as shown */
	char *path; /* to stat and open */
	struct stat st;
	int ok; /* st is valid */
};

/* ---- names of users and groups (/etc/passwd, /etc/group) ------------ */

/* NAME for ID from a passwd- or group-style FILE (name:x:id:...), or the
 * number in BUF. */
static const char *id_name(const char *file, unsigned id, char *buf,
			   size_t size)
{
	FILE *fp = fopen(file, "r");
	char line[512];

	snprintf(buf, size, "%u", id);
	if (!fp)
		return buf;
	while (fgets(line, sizeof(line), fp)) {
		char *name = strtok(line, ":"), *x = strtok(NULL, ":"),
		     *num = strtok(NULL, ":");
		if (name && x && num && strtoul(num, NULL, 10) == id) {
			snprintf(buf, size, "%s", name);
			break;
		}
	}
	fclose(fp);
	return buf;
}

/* ---- one entry ------------------------------------------------------ */

static char type_char(mode_t mode)
{
	if (S_ISDIR(mode))
		return 'd';
	if (S_ISLNK(mode))
		return 'l';
	if (S_ISCHR(mode))
		return 'c';
	if (S_ISBLK(mode))
		return 'b';
	if (S_ISFIFO(mode))
		return 'p';
	if (S_ISSOCK(mode))
		return 's';
	return '-';
}

/* "drwxr-xr-x" into BUF (11 bytes). */
static void mode_string(mode_t mode, char *buf)
{
	const char *rwx = "rwxrwxrwx";

	buf[0] = type_char(mode);
	for (int i = 0; i < 9; i++)
		buf[i + 1] = (mode & (0400 >> i)) ? rwx[i] : '-';
	/* set-user-id, set-group-id and sticky replace their x. */
	if (mode & S_ISUID)
		buf[3] = (mode & S_IXUSR) ? 's' : 'S';
	if (mode & S_ISGID)
		buf[6] = (mode & S_IXGRP) ? 's' : 'S';
	if (mode & S_ISVTX)
		buf[9] = (mode & S_IXOTH) ? 't' : 'T';
	buf[10] = '\0';
}

/* The ANSI colour of a name (GNU's defaults), or "" for none. */
static const char *colour_of(const struct entry *e)
{
	mode_t m = e->st.st_mode;

	if (!colour || !e->ok)
		return "";
	if (S_ISDIR(m))
		return "\033[1;34m";
	if (S_ISLNK(m))
		return "\033[1;36m";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "\033[1;33m";
	if (S_ISFIFO(m))
		return "\033[33m";
	if (S_ISSOCK(m))
		return "\033[1;35m";
	if (m & 0111)
		return "\033[1;32m";
	return "";
}

static void print_name(const struct entry *e)
{
	const char *c = colour_of(e);

	printf("%s%s%s", c, e->name, *c ? "\033[0m" : "");
}

/* A size as ls -h gives it: 999, 1.0K, 15K, 2.3M. */
static void human_size(long long n, char *buf, size_t size)
{
	const char *units = "KMGTP";
	double v = n;
	int u = -1;

	if (n < 1024) {
		snprintf(buf, size, "%lld", n);
		return;
	}
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	/* GNU rounds up: 1025 bytes is 1.1K. */
	if (v < 10)
		snprintf(buf, size, "%.1f%c",
			 (long long)(v * 10 + 0.999) / 10.0, units[u]);
	else
		snprintf(buf, size, "%.0f%c", v + 0.499, units[u]);
}

static void long_line(const struct entry *e)
{
	char mode[11], when[32], target[4096], user[64], group[64], size[32];
	ssize_t n;

	mode_string(e->st.st_mode, mode);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M",
		 localtime(&e->st.st_mtime));
	if (human)
		human_size(e->st.st_size, size, sizeof(size));
	else
		snprintf(size, sizeof(size), "%lld", (long long)e->st.st_size);
	printf("%s %3lu %-8s %-8s %8s %s ", mode, (unsigned long)e->st.st_nlink,
	       id_name("/etc/passwd", e->st.st_uid, user, sizeof(user)),
	       id_name("/etc/group", e->st.st_gid, group, sizeof(group)), size,
	       when);
	print_name(e);
	if (S_ISLNK(e->st.st_mode) &&
	    (n = readlink(e->path, target, sizeof(target) - 1)) >= 0) {
		target[n] = '\0';
		printf(" -> %s", target);
	}
	putchar('\n');
}

/* ---- a list of entries ---------------------------------------------- */

static int compare(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = 0;

	if (by_size && x->st.st_size != y->st.st_size)
		c = x->st.st_size > y->st.st_size ? -1 : 1;
	else if (by_time && x->st.st_mtim.tv_sec != y->st.st_mtim.tv_sec)
		c = x->st.st_mtim.tv_sec > y->st.st_mtim.tv_sec ? -1 : 1;
	else if (by_time && x->st.st_mtim.tv_nsec != y->st.st_mtim.tv_nsec)
		c = x->st.st_mtim.tv_nsec > y->st.st_mtim.tv_nsec ? -1 : 1;
	if (!c)
		c = strcmp(x->name, y->name);
	return reverse ? -c : c;
}

/* Width of column C of V laid out in ROWS rows: its widest name. */
static size_t column_width(const struct entry *v, size_t n, size_t rows,
			   size_t c)
{
	size_t w = 0;

	for (size_t i = c * rows; i < n && i < (c + 1) * rows; i++)
		if (strlen(v[i].name) > w)
			w = strlen(v[i].name);
	return w;
}

/* Columns, down then across, as GNU ls: the fewest rows whose columns
 * (each as wide as its widest name, two blanks between) fit the width. */
static void columns(const struct entry *v, size_t n)
{
	size_t rows, cols;

	for (rows = 1; rows < n; rows++) {
		size_t total = 0;
		cols = (n + rows - 1) / rows;
		for (size_t c = 0; c < cols; c++)
			total += column_width(v, n, rows, c) +
				 (c + 1 < cols ? 2 : 0);
		if (total <= (size_t)width)
			break;
	}
	cols = n ? (n + rows - 1) / rows : 0;
	for (size_t r = 0; r < rows && n; r++) {
		for (size_t c = 0; c < cols; c++) {
			size_t i = c * rows + r;
			if (i >= n)
				break;
			print_name(&v[i]);
			if (i + rows < n) /* not the last in its row */
				printf("%*s",
				       (int)(column_width(v, n, rows, c) + 2 -
					     strlen(v[i].name)),
				       "");
		}
		putchar('\n');
	}
}

/* Sorts and prints V; returns 1 if an entry could not be read. */
static int print_entries(struct entry *v, size_t n)
{
	int status = 0;

	for (size_t i = 0; i < n; i++)
		if (!v[i].ok)
			status = 1;
	qsort(v, n, sizeof(*v), compare);
	if (long_format) {
		for (size_t i = 0; i < n; i++)
			if (v[i].ok)
				long_line(&v[i]);
	} else if (one_per_line) {
		for (size_t i = 0; i < n; i++) {
			print_name(&v[i]);
			putchar('\n');
		}
	} else {
		columns(v, n);
	}
	return status;
}

static void fill(struct entry *e, const char *name, const char *path)
{
	e->name = xstrdup(name);
	e->path = xstrdup(path);
	e->ok = lstat(path, &e->st) == 0;
	if (!e->ok)
		warn("%s", path);
}

static void free_entries(struct entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].path);
	}
	free(v);
}

static int list_directory(const char *dir, int heading)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct entry *v = NULL;
	size_t n = 0, cap = 0;
	int status;
	char path[4096];

	if (!d) {
		warn("%s", dir);
		return 1;
	}
	if (heading)
		printf("%s:\n", dir);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' && !show_all)
			continue;
		if (n == cap)
			v = xrealloc(v,
				     (cap = cap ? 2 * cap : 64) * sizeof(*v));
		snprintf(path, sizeof(path), "%s%s%s", dir,
			 dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
		fill(&v[n++], e->d_name, path);
	}
	closedir(d);
	if (long_format) {
		long long blocks = 0; /* st_blocks are of 512 bytes */
		char total[32];

		for (size_t i = 0; i < n; i++)
			blocks += v[i].ok ? v[i].st.st_blocks : 0;
		if (human)
			human_size(blocks * 512, total, sizeof(total));
		else
			snprintf(total, sizeof(total), "%lld", blocks / 2);
		printf("total %s\n", total);
	}
	status = print_entries(v, n);
	/* -R: each subdirectory (not . or ..), in the order shown. */
	for (size_t i = 0; recursive && i < n; i++) {
		if (!v[i].ok || !S_ISDIR(v[i].st.st_mode) ||
		    !strcmp(v[i].name, ".") || !strcmp(v[i].name, ".."))
			continue;
		putchar('\n');
		status |= list_directory(v[i].path, 1);
	}
	free_entries(v, n);
	return status;
}

int main(int argc, char **argv)
{
	struct entry *files;
	size_t nfiles = 0;
	char **dirs;
	int ndirs = 0, opt, status = 0;
	struct winsize ws;

	/* --color (=auto): colours on a terminal; taken out before getopt. */
	int want_colour = 0, kept = 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--color") ||
		    !strcmp(argv[i], "--color=auto"))
			want_colour = 1;
		else
			argv[kept++] = argv[i];
	}
	argc = kept;
	argv[argc] = NULL;
	while ((opt = getopt(argc, argv, "1adhlrRSt")) != -1) {
		switch (opt) {
		case '1':
			one_per_line = 1;
			break;
		case 'a':
			show_all = 1;
			break;
		case 'd':
			dir_itself = 1;
			break;
		case 'h':
			human = 1;
			break;
		case 'l':
			long_format = 1;
			break;
		case 'r':
			reverse = 1;
			break;
		case 'R':
			recursive = 1;
			break;
		case 'S':
			by_size = 1;
			break;
		case 't':
			by_time = 1;
			break;
		default:
			usage("[-1adhlrRSt] [--color] [FILE...]");
		}
	}
	if (isatty(1)) {
		colour = want_colour;
		if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
			width = ws.ws_col;
	} else {
		one_per_line = 1;
	}
	if (optind == argc)
		argv[--optind] = ".";
	/* The FILEs that are no directories (or all, with -d) first, as one
	 * list; then each directory. */
	files = xmalloc((argc - optind) * sizeof(*files));
	dirs = xmalloc((argc - optind) * sizeof(char *));
	for (int i = optind; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) < 0 && lstat(argv[i], &st) < 0) {
			warn("%s", argv[i]);
			status = 1;
		} else if (S_ISDIR(st.st_mode) && !dir_itself) {
			dirs[ndirs++] = argv[i];
		} else {
			fill(&files[nfiles++], argv[i], argv[i]);
		}
	}
	if (nfiles)
		status |= print_entries(files, nfiles);
	free_entries(files, nfiles);
	for (int i = 0; i < ndirs; i++) {
		if (nfiles || i > 0)
			putchar('\n');
		status |=
			list_directory(dirs[i], recursive || argc - optind > 1);
	}
	return status;
}
