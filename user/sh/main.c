/*
 * sh: Kestrel's shell (the pieces are listed in sh.h).
 *
 *   sh                   commands from standard input; interactive, with
 *                        a prompt and line editing, on a terminal
 *   sh -c COMMANDS [NAME [ARG...]]
 *   sh SCRIPT [ARG...]   $0 is SCRIPT, $1... the arguments
 *
 * The main loop reads a line, reads more while the line is unfinished (an
 * open quote, a trailing | && ||), parses it, runs it, and frees the
 * line's memory. Interactive, ^C abandons the line being typed and the
 * shell itself ignores it while a command runs (the command dies of it).
 */
#include "sh.h"
#include "ulib.h"

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
 * ^Z is ignored: without job control the shell could only wait forever
 * for a stopped command, so the shell and (since an ignored signal stays
 * ignored across exec) the commands it runs take no notice of it. */
static void catch_interrupt(void)
{
	struct sigaction sa = { .sa_handler = on_interrupt };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
}

/* The prompt: $PS1 if set, else the current directory and "$ ", as
 * "/tmp $ " (what a student needs to know before typing a path). */
static const char *prompt(void)
{
	static char buf[PATH_MAX + 8];
	char cwd[PATH_MAX];
	const char *ps1 = var_get("PS1");

	if (ps1)
		return ps1;
	if (!getcwd(cwd, sizeof(cwd)))
		return "$ ";
	snprintf(buf, sizeof(buf), "%s $ ", cwd);
	return buf;
}

/* Reads one complete command line: NULL at end of input. On ^C, an
 * empty line. On a syntax error, *jobs is NULL and $? is 2. */
static char *read_command(struct job **jobs)
{
	char *text = input_line(prompt());
	struct token *tokens;
	enum sh_result r;

	*jobs = NULL;
	if (!text)
		return NULL;
	while ((r = lex(text, &tokens)) == SH_MORE ||
	       (r == SH_OK && (r = parse(tokens, jobs)) == SH_MORE)) {
		char *more = input_line("> ");

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
		*jobs = NULL;
		shell.status = 2;
	}
	return text;
}

static int run(void)
{
	struct job *jobs;

	for (;;) {
		char *text;

		jobs_reap(shell.interactive);
		interrupted = 0;
		text = read_command(&jobs);
		if (!text && interrupted && shell.interactive) {
			fputc('\n', stderr);
			continue;
		}
		if (!text)
			break;
		if (shell.interactive)
			edit_history_add(text);
		free(text);
		exec_jobs(jobs);
		arena_reset();
	}
	if (shell.interactive)
		fputc('\n', stderr);
	return shell.status;
}

int main(int argc, char **argv)
{
	shell.argc = argc;
	shell.argv = argv;
	if (argc > 1 && strcmp(argv[1], "-c") == 0) {
		if (argc < 3)
			usage("[-c COMMANDS [NAME [ARG...]] | SCRIPT [ARG...]]");
		input_from_string(argv[2]);
		shell.argc = argc - 3;
		shell.argv = argv + 3;
		if (shell.argc == 0) {
			shell.argc = 1;
			shell.argv = argv;
		}
	} else if (argc > 1) {
		int fd = open(argv[1], O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			perror(argv[1]);
			return 127;
		}
		input_from_fd(fd);
		shell.argc = argc - 1;
		shell.argv = argv + 1;
	} else {
		shell.interactive = isatty(0) && isatty(2);
		input_from_fd(0);
	}
	if (shell.interactive)
		catch_interrupt();
	if (!var_get("PATH"))
		var_export("PATH", "/bin");
	return run();
}
