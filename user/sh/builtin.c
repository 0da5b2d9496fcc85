/*
 * builtin: the commands the shell runs itself, because they change the
 * shell: cd (its directory), exit, export and unset (its variables), wait
 * (its children). Each takes ARGV as a program would and returns an exit
 * status.
 */
#include "sh.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int builtin_cd(char **argv)
{
	const char *dir = argv[1] ? argv[1] : var_get("HOME");
	char cwd[4096];

	if (!dir || !*dir)
		dir = "/";
	if (chdir(dir) < 0) {
		fprintf(stderr, "sh: cd: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (getcwd(cwd, sizeof(cwd)))
		var_set("PWD", cwd);
	return 0;
}

static int builtin_exit(char **argv)
{
	int code = shell.status;

	if (argv[1]) {
		char *end;

		code = (int)strtol(argv[1], &end, 10);
		if (*end || end == argv[1]) {
			fprintf(stderr, "sh: exit: %s: not a number\n",
				argv[1]);
			code = 2;
		}
	}
	exit(code & 0xff);
}

static bool is_name(const char *s)
{
	size_t len = strspn(s, "abcdefghijklmnopqrstuvwxyz"
			       "ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789");

	return len > 0 && s[len] == '\0' && !(s[0] >= '0' && s[0] <= '9');
}

static int builtin_export(char **argv)
{
	int status = 0;

	if (!argv[1]) {
		extern char **environ;

		for (char **e = environ; *e; e++)
			printf("export %s\n", *e);
		return 0;
	}
	for (int i = 1; argv[i]; i++) {
		size_t len = var_assignment(argv[i]);

		if (len) {
			argv[i][len] = '\0';
			var_export(argv[i], argv[i] + len + 1);
		} else if (is_name(argv[i])) {
			var_export(argv[i], NULL);
		} else {
			fprintf(stderr, "sh: export: %s: bad name\n", argv[i]);
			status = 1;
		}
	}
	return status;
}

static int builtin_unset(char **argv)
{
	for (int i = 1; argv[i]; i++)
		var_unset(argv[i]);
	return 0;
}

static int builtin_wait(char **argv)
{
	int status = 0;

	if (!argv[1])
		return jobs_wait(0);
	for (int i = 1; argv[i]; i++)
		status = jobs_wait(atoi(argv[i]));
	return status;
}

static const struct builtin {
	const char *name;
	int (*run)(char **argv);
} builtins[] = {
	{ "cd", builtin_cd },         { "exit", builtin_exit },
	{ "export", builtin_export }, { "unset", builtin_unset },
	{ "wait", builtin_wait },
};

static const struct builtin *find(const char *name)
{
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (strcmp(builtins[i].name, name) == 0)
			return &builtins[i];
	return NULL;
}

const char *builtin_name(size_t i)
{
	return i < sizeof(builtins) / sizeof(builtins[0]) ? builtins[i].name
							  : NULL;
}

bool builtin_is(const char *name)
{
	return find(name) != NULL;
}

bool builtin_run(char **argv, int *status)
{
	const struct builtin *b = find(argv[0]);

	if (!b)
		return false;
	fflush(stdout);
	*status = b->run(argv);
	fflush(stdout);
	return true;
}
