/*
 * sh: Kestrel's shell (the pieces are listed in sh.h; docs/sh.md).
 *
 *   sh                   commands from standard input; interactive, with
 *                        a prompt, line editing and job control, on a
 *                        terminal
 *   sh [-exuf] -c COMMANDS [NAME [ARG...]]
 *   sh [-exuf] SCRIPT [ARG...]   $0 is SCRIPT, $1... the arguments
 *
 * The main loop reads a line, reads more while the text is unfinished (an
 * open quote, a trailing | && ||, an if without its fi, a here-document
 * without its end), parses it, runs it, and frees the line's memory.
 * Interactive, ^C abandons the line being typed; a running command gets
 * ^C and ^Z itself, in its own process group (jobs.c).
 */
#include "sh.h"
#include "ulib.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct shell shell;
volatile int interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* ^C interrupts reads and waits (no SA_RESTART) and only sets a flag.
 * ^Z is ignored: under job control it stops the foreground job, not the
 * shell (jobs_init); without, the shell could only wait forever for a
 * stopped command, so the commands it runs (an ignored signal stays
 * ignored across exec) take no notice of it either. */
static void catch_interrupt(void)
{
	struct sigaction sa = { .sa_handler = on_interrupt };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
}

/* The prompt: $PS1 if set, else the current directory and "$ ", or
 * "# " for root as Linux's shells show it: "/tmp $ ", "/tmp # " (what a
 * student needs to know before typing a path, and as whom). */
static const char *prompt(void)
{
	static char buf[PATH_MAX + 8];
	char cwd[PATH_MAX];
	const char *ps1 = var_get("PS1");
	const char *mark = geteuid() == 0 ? "# " : "$ ";

	if (ps1)
		return ps1;
	if (!getcwd(cwd, sizeof(cwd)))
		return mark;
	snprintf(buf, sizeof(buf), "%s %s", cwd, mark);
	return buf;
}

/* Reads one complete command: NULL at end of input. On ^C, an empty
 * line. On a syntax error, *list is NULL and $? is 2. */
static char *read_command(struct node **list)
{
	char *text = input_line(prompt());
	struct token *tokens;
	enum sh_result r;

	*list = NULL;
	if (!text)
		return NULL;
	while ((r = lex(text, &tokens)) == SH_MORE ||
	       (r == SH_OK && (r = parse(tokens, list)) == SH_MORE)) {
		char *more = input_line("> ");

		arena_reset();
		if (!more) {
			fprintf(stderr, "sh: unexpected end of input\n");
			r = SH_ERROR;
			break;
		}
		text = xrealloc(text, strlen(text) + strlen(more) + 2);
		strcat(strcat(text, "\n"), more);
		free(more);
	}
	if (r == SH_ERROR) {
		*list = NULL;
		shell.status = 2;
		if (!shell.interactive)
			sh_exit(2);
	}
	return text;
}

static int run(void)
{
	struct node *list;

	for (;;) {
		char *text;

		jobs_reap(shell.interactive);
		interrupted = 0;
		text = read_command(&list);
		if (!text && interrupted && shell.interactive) {
			fputc('\n', stderr);
			continue;
		}
		if (!text)
			break;
		if (shell.interactive)
			edit_history_add(text);
		free(text);
		exec_list(list);
		arena_reset();
	}
	if (shell.interactive)
		fputc('\n', stderr);
	return shell.status;
}

/* Options before the commands: -e -x -u -f as set takes them, -c. */
static int options(int argc, char **argv, bool *command)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i + 1;
		for (const char *o = argv[i] + 1; *o; o++) {
			switch (*o) {
			case 'c':
				*command = true;
				break;
			case 'e':
				shell.errexit = true;
				break;
			case 'x':
				shell.xtrace = true;
				break;
			case 'u':
				shell.nounset = true;
				break;
			case 'f':
				shell.noglob = true;
				break;
			case 'i':
			case 'm':
			case 's':
				break;
			default:
				usage("[-exuf] [-c COMMANDS [NAME [ARG...]] | "
				      "SCRIPT [ARG...]]");
			}
		}
	}
	return i;
}

int main(int argc, char **argv)
{
	bool command = false;
	int first = options(argc, argv, &command);

	shell.pid = getpid();
	shell.argc = 1;
	shell.argv = argv;
	if (command) {
		if (first >= argc)
			usage("[-exuf] [-c COMMANDS [NAME [ARG...]] | "
			      "SCRIPT [ARG...]]");
		input_from_string(argv[first]);
		if (argc > first + 1) {
			shell.argc = argc - first - 1;
			shell.argv = argv + first + 1;
		}
	} else if (first < argc) {
		int fd = open(argv[first], O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			fprintf(stderr, "sh: %s: %s\n", argv[first],
				strerror(errno));
			return 127;
		}
		input_from_fd(fd);
		shell.argc = argc - first;
		shell.argv = argv + first;
	} else {
		shell.interactive = isatty(0) && isatty(2);
		input_from_fd(0);
	}
	if (shell.interactive) {
		catch_interrupt();
		jobs_init();
	}
	if (!var_get("PATH"))
		var_export("PATH", "/bin");
	sh_exit(run());
}
