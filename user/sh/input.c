/*
 * input: where the shell's lines come from: a string (sh -c), a script
 * file, or standard input. A terminal gets line editing (edit.c); anything
 * else is read a byte at a time, so that a command started from a script
 * on standard input reads on from just after its own line.
 */
#include "sh.h"
#include "ulib.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int input_fd = -1;
static const char *input_string;
static bool use_editor;

void input_from_fd(int fd)
{
	input_fd = fd;
	use_editor = shell.interactive && isatty(fd);
}

void input_from_string(const char *s)
{
	input_string = s;
}

static char *line_from_string(void)
{
	if (!input_string)
		return NULL;
	char *line = xstrdup(input_string);
	input_string = NULL;
	return line;
}

/* Reads up to a newline; NULL at end of file with nothing read, or on ^C
 * (then interrupted is set). */
static char *line_from_fd(const char *prompt)
{
	size_t len = 0, size = 128;
	char *line = xmalloc(size);
	char c;
	ssize_t n;

	if (prompt) {
		fputs(prompt, stderr);
		fflush(stderr);
	}
	while ((n = read(input_fd, &c, 1)) == 1 && c != '\n') {
		if (len + 2 > size)
			line = xrealloc(line, size *= 2);
		line[len++] = c;
	}
	if (n < 0 && errno != EINTR)
		perror("sh: read");
	if ((n <= 0 && len == 0) || interrupted) {
		free(line);
		return NULL;
	}
	line[len] = '\0';
	return line;
}

char *input_line(const char *prompt)
{
	if (input_fd < 0)
		return line_from_string();
	if (use_editor) {
		char *line = edit_line(input_fd, prompt, &use_editor);

		if (use_editor || line)
			return line;
	}
	return line_from_fd(shell.interactive ? prompt : NULL);
}
