/*
 * more [FILE...]: shows the files (or standard input) a screen at a time.
 * At the "--More--" prompt: space shows the next screen, Enter the next
 * line, /PATTERN Enter skips to the next line containing PATTERN (plain
 * text), q quits. The keys come from /dev/tty, so a pipe can be paged
 * (ls -l /bin | more). When standard output is not a terminal it copies,
 * like cat. The screen's size is the terminal's (TIOCGWINSZ), 80x24 if it
 * gives none.
 */
#include "ulib.h"

#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static int tty = -1; /* where the keys come from */
static struct termios saved;
static int rows = 24, cols = 80;

static int key(void)
{
	unsigned char c;

	return read(tty, &c, 1) == 1 ? c : 'q';
}

/* Reads a search pattern after '/', echoing it; NULL if cancelled. */
static char *read_pattern(void)
{
	static char pat[128];
	size_t n = 0;
	int c;

	printf("\r\033[K/");
	fflush(stdout);
	while ((c = key()) != '\r' && c != '\n') {
		if (c == 27 || c == 3)
			return NULL;
		if ((c == 127 || c == 8) && n > 0) {
			n--;
			printf("\b \b");
		} else if (c >= ' ' && n < sizeof(pat) - 1) {
			pat[n++] = c;
			putchar(c);
		}
		fflush(stdout);
	}
	pat[n] = '\0';
	return pat;
}

/* Screen lines a text line takes (it wraps at cols). */
static int height(const char *line)
{
	size_t len = strcspn(line, "\n");

	return len == 0 ? 1 : (int)((len + cols - 1) / cols);
}

/* Pages FP; returns 1 when the user quit. */
static int page(FILE *fp)
{
	char *line = NULL, *pattern = NULL;
	size_t size = 0;
	int left = rows - 1, c;

	while (getline(&line, &size, fp) >= 0) {
		if (pattern) {
			if (!strstr(line, pattern))
				continue;
			pattern = NULL;
			printf("...skipping\n");
			left--;
		}
		fputs(line, stdout);
		left -= height(line);
		if (left > 0)
			continue;
		for (;;) {
			printf("\033[7m--More--\033[m");
			fflush(stdout);
			c = key();
			printf("\r\033[K");
			if (c == ' ') {
				left = rows - 1;
			} else if (c == '\r' || c == '\n') {
				left = 1;
			} else if (c == '/') {
				pattern = read_pattern();
				printf("\r\033[K");
				if (!pattern)
					continue;
				left = rows - 2;
			} else if (c == 'q' || c == 'Q' || c == 3) {
				free(line);
				return 1;
			} else {
				continue;
			}
			break;
		}
	}
	free(line);
	return 0;
}

static void restore(void)
{
	tcsetattr(tty, TCSAFLUSH, &saved);
}

int main(int argc, char **argv)
{
	struct winsize ws;
	struct termios raw;
	int status = 0;

	if (argc > 1 && argv[1][0] == '-' && argv[1][1])
		usage("[FILE...]");
	if (!isatty(1)) {
		execvp("cat", argv); /* cat's arguments are the same */
		err(1, "cat");
	}
	if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 2 && ws.ws_col > 0) {
		rows = ws.ws_row;
		cols = ws.ws_col;
	}
	tty = open("/dev/tty", O_RDONLY);
	if (tty < 0)
		err(1, "/dev/tty");
	/* Keys one at a time, not echoed. */
	if (tcgetattr(tty, &saved) == 0) {
		raw = saved;
		raw.c_lflag &= ~(ICANON | ECHO);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		tcsetattr(tty, TCSAFLUSH, &raw);
		atexit(restore);
	}
	if (argc == 1) {
		page(stdin);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		FILE *fp = strcmp(argv[i], "-") ? fopen(argv[i], "r") : stdin;

		if (!fp) {
			warn("%s", argv[i]);
			status = 1;
			continue;
		}
		if (argc > 2)
			printf("::::::::::::::\n%s\n::::::::::::::\n", argv[i]);
		if (page(fp))
			break;
		if (fp != stdin)
			fclose(fp);
	}
	return status;
}
