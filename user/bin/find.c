/*
 * find [PATH...] [-maxdepth N] [-mindepth N] [-name GLOB] [-type f|d|l|p|c|b]
 *      [-print] [-exec COMMAND {} ;]: walks each PATH (.) and prints each
 * name that passes every test (the tests are and-ed, in order; no -o,
 * no parentheses). -exec runs COMMAND with {} replaced by the name, and
 * passes if it exits 0; with -exec, names are printed only if -print is
 * given too, after it.
 */
#include "ulib.h"

#include <dirent.h>
#include <err.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum kind { NAME, TYPE, EXEC, PRINT };

struct test {
	enum kind kind;
	const char *arg; /* NAME: the glob; TYPE: the letter */
	char **argv;     /* EXEC: the command, NULL-ended */
	int argc;
};

static struct test tests[64];
static int ntests, maxdepth = -1, mindepth, explicit_action, status;

static int type_letter(mode_t m)
{
	return S_ISDIR(m)    ? 'd'
	       : S_ISLNK(m)  ? 'l'
	       : S_ISFIFO(m) ? 'p'
	       : S_ISCHR(m)  ? 'c'
	       : S_ISBLK(m)  ? 'b'
	       : S_ISSOCK(m) ? 's'
			     : 'f';
}

static int run_exec(const struct test *t, const char *path)
{
	char *argv[t->argc + 1];
	pid_t pid;
	int st;

	for (int i = 0; i < t->argc; i++)
		argv[i] = strcmp(t->argv[i], "{}") ? t->argv[i] : (char *)path;
	argv[t->argc] = NULL;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		err(1, "fork");
	if (pid == 0) {
		execvp(argv[0], argv);
		warn("%s", argv[0]);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return 0;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Does PATH (its last name BASE, stat ST) pass the tests? Acts, too. */
static void visit(const char *path, const char *base, const struct stat *st)
{
	for (int i = 0; i < ntests; i++) {
		const struct test *t = &tests[i];
		switch (t->kind) {
		case NAME:
			if (fnmatch(t->arg, base, 0))
				return;
			break;
		case TYPE:
			if (type_letter(st->st_mode) != t->arg[0])
				return;
			break;
		case EXEC:
			if (!run_exec(t, path))
				return;
			break;
		case PRINT:
			puts(path);
			break;
		}
	}
	if (!explicit_action)
		puts(path);
}

static void walk(const char *path, int depth)
{
	struct stat st;
	const char *base = strrchr(path, '/');
	DIR *d;
	struct dirent *e;

	base = base && base[1] ? base + 1 : path;
	if (lstat(path, &st) < 0) {
		warn("%s", path);
		status = 1;
		return;
	}
	if (depth >= mindepth)
		visit(path, base, &st);
	if (!S_ISDIR(st.st_mode) || depth == maxdepth)
		return;
	d = opendir(path);
	if (!d) {
		warn("%s", path);
		status = 1;
		return;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *sub = xmalloc(strlen(path) + strlen(e->d_name) + 2);
		sprintf(sub, "%s%s%s", path,
			path[strlen(path) - 1] == '/' ? "" : "/", e->d_name);
		walk(sub, depth + 1);
		free(sub);
	}
	closedir(d);
}

static void bad(const char *why, const char *what)
{
	errx(1, "%s: %s", why, what);
}

int main(int argc, char **argv)
{
	int i = 1, first_path, npaths;

	while (i < argc && argv[i][0] != '-')
		i++;
	first_path = 1;
	npaths = i - 1;
	while (i < argc) {
		const char *opt = argv[i++];
		const char *arg = i < argc ? argv[i] : NULL;
		struct test *t = &tests[ntests];

		if (ntests == 64)
			bad("too many tests", opt);
		if (!strcmp(opt, "-print")) {
			t->kind = PRINT;
			explicit_action = 1;
			ntests++;
			continue;
		}
		if (!arg)
			bad("missing argument to", opt);
		i++;
		if (!strcmp(opt, "-maxdepth")) {
			maxdepth = atoi(arg);
		} else if (!strcmp(opt, "-mindepth")) {
			mindepth = atoi(arg);
		} else if (!strcmp(opt, "-name")) {
			t->kind = NAME;
			t->arg = arg;
			ntests++;
		} else if (!strcmp(opt, "-type")) {
			if (!arg[0] || arg[1] || !strchr("fdlpcbs", arg[0]))
				bad("unknown argument to -type", arg);
			t->kind = TYPE;
			t->arg = arg;
			ntests++;
		} else if (!strcmp(opt, "-exec")) {
			t->kind = EXEC;
			t->argv = argv + i - 1;
			while (i - 1 < argc && strcmp(argv[i - 1], ";"))
				i++;
			if (i - 1 == argc)
				bad("missing argument to", "-exec");
			t->argc = (int)(argv + i - 1 - t->argv);
			explicit_action = 1;
			ntests++;
		} else {
			bad("unknown predicate", opt);
		}
	}
	if (npaths == 0)
		walk(".", 0);
	for (int p = first_path; p <= npaths; p++)
		walk(argv[p], 0);
	return status;
}
