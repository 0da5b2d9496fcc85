/*
 * builtin: the commands the shell runs itself, because they change the
 * shell (cd, exit, set, shift, read, export, unset, trap, ., eval, exec,
 * break, continue, return, wait, jobs, fg, bg) or because a script runs
 * them so often that a fork each time would cost (:, true, false, echo,
 * printf, test, [). Each takes ARGV as a program would and returns an exit
 * status. POSIX's "special" builtins keep the assignments written before
 * them (exec.c).
 */
#include "sh.h"
#include "ulib.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int builtin_true(char **argv)
{
	(void)argv;
	return 0;
}

static int builtin_false(char **argv)
{
	(void)argv;
	return 1;
}

/* echo [-n] ARG...: no backslash escapes (printf-free scripts that need
 * them are not portable anyway: dash's echo has them, bash's not). */
static int builtin_echo(char **argv)
{
	bool newline = true;

	if (argv[1] && strcmp(argv[1], "-n") == 0) {
		newline = false;
		argv++;
	}
	for (int i = 1; argv[i]; i++)
		printf("%s%s", i > 1 ? " " : "", argv[i]);
	if (newline)
		putchar('\n');
	return ferror(stdout) ? 1 : 0;
}

static int builtin_cd(char **argv)
{
	const char *dir = argv[1] ? argv[1] : var_get("HOME");
	char cwd[4096];

	if (!dir || !*dir)
		dir = "/";
	if (strcmp(dir, "-") == 0 && var_get("OLDPWD"))
		dir = var_get("OLDPWD");
	if (getcwd(cwd, sizeof(cwd)))
		var_set("OLDPWD", cwd);
	if (chdir(dir) < 0) {
		fprintf(stderr, "sh: cd: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (getcwd(cwd, sizeof(cwd)))
		var_set("PWD", cwd);
	return 0;
}

/* A number argument of exit, return, shift, break, continue; DEFAULT if
 * none; -1 with a message if it is no number. */
static int number_arg(char **argv, int fallback)
{
	char *end;
	long n;

	if (!argv[1])
		return fallback;
	n = strtol(argv[1], &end, 10);
	if (*end || end == argv[1] || n < 0) {
		fprintf(stderr, "sh: %s: %s: bad number\n", argv[0], argv[1]);
		return -1;
	}
	return (int)n;
}

static int builtin_exit(char **argv)
{
	int code = number_arg(argv, shell.status);

	sh_exit(code < 0 ? 2 : code);
}

static int builtin_return(char **argv)
{
	int code = number_arg(argv, shell.status);

	shell.returning = shell.functions > 0;
	return code < 0 ? 2 : code & 0xff;
}

/* break [N] and continue [N]: leave N loops (at most as many as there
 * are), the last of them to go round again for continue. */
static int builtin_break(char **argv)
{
	int n = number_arg(argv, 1);

	if (n <= 0)
		return n < 0 ? 2 : 1;
	if (n > shell.loops)
		n = shell.loops;
	if (strcmp(argv[0], "break") == 0)
		shell.breaking = n;
	else
		shell.continuing = n;
	return 0;
}

static int builtin_shift(char **argv)
{
	int n = number_arg(argv, 1);

	if (n < 0 || n > shell.argc - 1) {
		fprintf(stderr, "sh: shift: can't shift that many\n");
		return 1;
	}
	/* $0 stays: move it up over the shifted ones. */
	shell.argv[n] = shell.argv[0];
	shell.argv += n;
	shell.argc -= n;
	return 0;
}

/* set [-+exufm] [--] [ARG...]: options, and new positional parameters
 * if any ARG (or a --) is there. */
static int builtin_set(char **argv)
{
	int i = 1;

	for (; argv[i] && (argv[i][0] == '-' || argv[i][0] == '+'); i++) {
		bool on = argv[i][0] == '-';

		if (strcmp(argv[i], "--") == 0 || strcmp(argv[i], "-") == 0) {
			i++;
			goto parameters;
		}
		for (const char *o = argv[i] + 1; *o; o++) {
			switch (*o) {
			case 'e':
				shell.errexit = on;
				break;
			case 'x':
				shell.xtrace = on;
				break;
			case 'u':
				shell.nounset = on;
				break;
			case 'f':
				shell.noglob = on;
				break;
			case 'm':
				break;
			default:
				fprintf(stderr, "sh: set: -%c: bad option\n",
					*o);
				return 2;
			}
		}
	}
	if (!argv[i])
		return 0;
parameters:;
	int n = 0;
	while (argv[i + n])
		n++;
	char **v = xmalloc((n + 2) * sizeof(char *));
	v[0] = shell.argv[0];
	for (int k = 0; k < n; k++)
		v[k + 1] = xstrdup(argv[i + k]);
	v[n + 1] = NULL;
	shell.argv = v; /* the old array may be a caller's: not freed */
	shell.argc = n + 1;
	return 0;
}

static int builtin_export(char **argv)
{
	int status = 0;

	if (!argv[1] || strcmp(argv[1], "-p") == 0) {
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
		} else if (var_is_name(argv[i])) {
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
	int i = 1;

	if (argv[1] &&
	    (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "-f") == 0))
		i++;
	for (; argv[i]; i++)
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

/* The arguments joined by blanks, in the arena. */
static char *joined(char **argv)
{
	size_t len = 1;
	char *s;

	for (int i = 0; argv[i]; i++)
		len += strlen(argv[i]) + 1;
	s = arena_alloc(len);
	for (int i = 0; argv[i]; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

static int builtin_eval(char **argv)
{
	return argv[1] ? exec_text(joined(argv + 1)) : 0;
}

/* . FILE: FILE's commands, run in this shell; a FILE without a / is
 * looked for in PATH, then here. */
static int builtin_dot(char **argv)
{
	char path[4096], *text;
	const char *dirs = var_get("PATH");
	int fd = -1, status;
	size_t len = 0, size = 4096;
	ssize_t n;

	if (!argv[1]) {
		fprintf(stderr, "sh: .: file name expected\n");
		return 2;
	}
	for (const char *p = dirs; !strchr(argv[1], '/') && p && *p; p++) {
		size_t dl = strcspn(p, ":");

		snprintf(path, sizeof(path), "%.*s/%s", (int)dl, p, argv[1]);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0)
			break;
		p += dl;
		if (!*p)
			break;
	}
	if (fd < 0)
		fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "sh: .: %s: %s\n", argv[1], strerror(errno));
		if (!shell.interactive)
			sh_exit(2);
		return 2;
	}
	text = xmalloc(size);
	while ((n = read(fd, text + len, size - len - 1)) > 0)
		if ((len += n) + 1 >= size)
			text = xrealloc(text, size *= 2);
	close(fd);
	text[len] = '\0';
	shell.functions++; /* return leaves the file */
	status = exec_text(text);
	shell.functions--;
	shell.returning = false;
	free(text);
	return status;
}

/* read [-r] [NAME...]: a line from standard input, split at $IFS into
 * the NAMEs, the last taking the rest (REPLY if none). Without -r, a
 * backslash keeps the next character and joins a line to the next. */
static int builtin_read(char **argv)
{
	const char *ifs = var_get("IFS");
	bool raw = false, eof = false;
	size_t len = 0, size = 128;
	char *line = xmalloc(size), c;
	bool *quoted = xmalloc(size);
	int i = 1;

	if (!ifs)
		ifs = " \t\n";
	if (argv[1] && strcmp(argv[1], "-r") == 0) {
		raw = true;
		i++;
	}
	for (;;) {
		ssize_t n = read(0, &c, 1);

		if (n <= 0) {
			eof = true;
			break;
		}
		bool q = false;
		if (c == '\\' && !raw) {
			if (read(0, &c, 1) <= 0) {
				eof = true;
				break;
			}
			if (c == '\n')
				continue;
			q = true;
		} else if (c == '\n') {
			break;
		}
		if (len + 2 > size) {
			size *= 2;
			line = xrealloc(line, size);
			quoted = xrealloc(quoted, size);
		}
		quoted[len] = q;
		line[len++] = c;
	}
	line[len] = '\0';
	char *reply[] = { "read", "REPLY", NULL };
	char **names = argv[i] ? argv + i : reply + 1;
	size_t p = 0;

#define IS_IFS(k) (!quoted[k] && line[k] && strchr(ifs, line[k]))
#define IS_BLANK(k) (IS_IFS(k) && strchr(" \t\n", line[k]))
	for (int k = 0; names[k]; k++) {
		while (p < len && IS_BLANK(p))
			p++;
		size_t start = p, end;

		if (!names[k + 1]) {
			end = len;
			while (end > start && IS_BLANK(end - 1))
				end--;
		} else {
			while (p < len && !IS_IFS(p))
				p++;
			end = p;
			if (p < len)
				p++;
		}
		char *value = arena_strndup(line + start, end - start);
		var_set(names[k], value);
	}
#undef IS_IFS
#undef IS_BLANK
	free(line);
	free(quoted);
	return eof ? 1 : 0;
}

static const struct builtin {
	const char *name;
	int (*run)(char **argv);
	bool special;
} builtins[] = {
	{ ":", builtin_true, true },
	{ ".", builtin_dot, true },
	{ "[", builtin_test, false },
	{ "bg", jobs_bg, false },
	{ "break", builtin_break, true },
	{ "cd", builtin_cd, false },
	{ "continue", builtin_break, true },
	{ "echo", builtin_echo, false },
	{ "eval", builtin_eval, true },
	{ "exec", builtin_true, true },
	{ "exit", builtin_exit, true },
	{ "export", builtin_export, true },
	{ "false", builtin_false, false },
	{ "fg", jobs_fg, false },
	{ "jobs", jobs_list, false },
	{ "printf", builtin_printf, false },
	{ "read", builtin_read, false },
	{ "return", builtin_return, true },
	{ "set", builtin_set, true },
	{ "shift", builtin_shift, true },
	{ "test", builtin_test, false },
	{ "trap", trap_builtin, true },
	{ "true", builtin_true, false },
	{ "unset", builtin_unset, true },
	{ "wait", builtin_wait, false },
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

bool builtin_is_special(const char *name)
{
	const struct builtin *b = find(name);

	return b && b->special;
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
