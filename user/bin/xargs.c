/*
 * xargs [-n MAX] [-I STR] [-0] [-t] [COMMAND [ARG...]]: runs COMMAND (echo)
 * with the words of its input as more arguments, as few times as it can
 * (MAX words a time with -n). Words are split at blanks and newlines, and
 * quotes ('..', "..") and backslash keep blanks in one; -0 splits at NUL
 * bytes only. -I STR runs COMMAND once per input line, each STR in the
 * arguments replaced by the line. -t prints each command before it runs.
 * Exits 123 if a command failed, 127 if it could not be run.
 */
#include "ulib.h"

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAXWORDS 4096

static int trace;

/* The next input word (malloc'ed), or NULL at the end of the input. */
static char *next_word(int nul, int whole_line)
{
	size_t cap = 64, len = 0;
	char *w = xmalloc(cap);
	int c, quote = 0, any = 0;

	while ((c = getchar()) != EOF) {
		if (nul ? c == '\0'
			: (!quote &&
			   (c == '\n' ||
			    (!whole_line && (c == ' ' || c == '\t'))))) {
			if (any)
				break;
			continue;
		}
		if (!nul && !whole_line) {
			if (quote && c == quote) {
				quote = 0;
				continue;
			}
			if (!quote && (c == '\'' || c == '"')) {
				quote = c;
				any = 1;
				continue;
			}
			if (!quote && c == '\\' && (c = getchar()) == EOF)
				break;
		}
		if (len + 2 > cap)
			w = xrealloc(w, cap *= 2);
		w[len++] = c;
		any = 1;
	}
	if (quote)
		errx(1, "unmatched %s quote",
		     quote == '"' ? "double" : "single");
	if (!any) {
		free(w);
		return NULL;
	}
	w[len] = '\0';
	return w;
}

/* Runs ARGV; returns its status as xargs reports it. */
static int run(char **argv)
{
	pid_t pid;
	int st;

	if (trace) {
		for (int i = 0; argv[i]; i++)
			fprintf(stderr, "%s%s", i ? " " : "", argv[i]);
		fputc('\n', stderr);
	}
	pid = fork();
	if (pid < 0)
		err(1, "fork");
	if (pid == 0) {
		execvp(argv[0], argv);
		warn("%s", argv[0]);
		_exit(errno == ENOENT ? 127 : 126);
	}
	if (waitpid(pid, &st, 0) < 0)
		err(1, "waitpid");
	if (WIFEXITED(st) && WEXITSTATUS(st) >= 126)
		exit(WEXITSTATUS(st));
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 123;
}

/* argv with each REPL replaced by LINE, for -I. */
static char *replace(const char *arg, const char *repl, const char *line)
{
	size_t rl = strlen(repl), n = 0;
	char *out = xmalloc(strlen(arg) * (strlen(line) + 1) + 1);
	const char *p;

	while ((p = strstr(arg, repl))) {
		memcpy(out + n, arg, p - arg);
		n += p - arg;
		strcpy(out + n, line);
		n += strlen(line);
		arg = p + rl;
	}
	strcpy(out + n, arg);
	return out;
}

int main(int argc, char **argv)
{
	static char *cmd[MAXWORDS + 64];
	static char *echo[] = { "echo", NULL };
	char **base, *w, *repl = NULL;
	long max = MAXWORDS;
	int opt, nul = 0, status = 0, nbase, n, first = 1;

	while ((opt = getopt(argc, argv, "+n:I:0t")) != -1) {
		switch (opt) {
		case 'n':
			max = atol(optarg);
			if (max < 1 || max > MAXWORDS)
				errx(1, "-n %s: not 1 to %d", optarg, MAXWORDS);
			break;
		case 'I':
			repl = optarg;
			break;
		case '0':
			nul = 1;
			break;
		case 't':
			trace = 1;
			break;
		default:
			usage("[-n MAX] [-I STR] [-0] [-t] [COMMAND [ARG...]]");
		}
	}
	base = optind < argc ? argv + optind : echo;
	nbase = optind < argc ? argc - optind : 1;
	if (nbase > 60)
		errx(1, "too many arguments to the command");
	if (repl) {
		while ((w = next_word(nul, 1))) {
			for (int i = 0; i < nbase; i++)
				cmd[i] = replace(base[i], repl, w);
			cmd[nbase] = NULL;
			status |= run(cmd);
			for (int i = 0; i < nbase; i++)
				free(cmd[i]);
			free(w);
		}
		return status;
	}
	memcpy(cmd, base, nbase * sizeof(char *));
	do {
		n = 0;
		while (n < max && (w = next_word(nul, 0)))
			cmd[nbase + n++] = w;
		cmd[nbase + n] = NULL;
		/* With no input at all the command still runs once. */
		if (n > 0 || first)
			status |= run(cmd);
		first = 0;
		for (int i = 0; i < n; i++)
			free(cmd[nbase + i]);
	} while (n == max);
	return status;
}
