/*
 * edit: line editing and history on a terminal. The terminal is put in
 * raw mode for one line (no echo, bytes as they are typed; ISIG stays on,
 * so ^C still sends SIGINT) and the line is redrawn with nothing but
 * backspaces, spaces and characters (on standard error, like the prompt), which every console understands,
 * Kestrel's VGA screen included. Keys: printable characters insert at the
 * cursor; Backspace; the left and right arrows (ESC [ D, ESC [ C), ^B and
 * ^F; the up and down arrows (ESC [ A, ESC [ B), ^P and ^N walk the
 * history; ^A and ^E go to the start and end; ^U erases the line; ^D on an
 * empty line is end of input; Enter ends the line. Tab completes the word
 * before the cursor (complete.c) as far as all its completions agree; a
 * second Tab lists them when they disagree.
 */
#include "sh.h"
#include "ulib.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define HISTORY_SIZE 100
#define LINE_MAX_LEN 1024

static char *history[HISTORY_SIZE];
static int history_count;

void edit_history_add(const char *line)
{
	if (!*line ||
	    (history_count && strcmp(history[history_count - 1], line) == 0))
		return;
	if (history_count == HISTORY_SIZE) {
		free(history[0]);
		memmove(history, history + 1,
			(HISTORY_SIZE - 1) * sizeof(char *));
		history_count--;
	}
	history[history_count++] = xstrdup(line);
}

struct editor {
	int fd;
	const char *prompt;
	char buf[LINE_MAX_LEN];
	size_t len, cursor;
	int recall;    /* the history entry shown; history_count: none */
	bool tab_last; /* the key before this one was a Tab */
};

static void out(const char *s, size_t n)
{
	write_all(STDERR_FILENO, s, n);
}

static void cursor_to(struct editor *e, size_t pos)
{
	for (; e->cursor > pos; e->cursor--)
		out("\b", 1);
	if (pos > e->cursor)
		out(e->buf + e->cursor, pos - e->cursor);
	e->cursor = pos;
}

/* Redraws from the cursor to the end, blanking OLD_LEN - len characters
 * left over from a longer line, and puts the cursor back. */
static void redraw_tail(struct editor *e, size_t old_len)
{
	size_t pos = e->cursor;

	out(e->buf + pos, e->len - pos);
	e->cursor = e->len;
	for (size_t i = e->len; i < old_len; i++)
		out(" ", 1);
	for (size_t i = e->len; i < old_len; i++)
		out("\b", 1);
	cursor_to(e, pos);
}

static void insert(struct editor *e, char c)
{
	if (e->len + 1 >= LINE_MAX_LEN)
		return;
	memmove(e->buf + e->cursor + 1, e->buf + e->cursor, e->len - e->cursor);
	e->buf[e->cursor] = c;
	e->len++;
	out(&c, 1);
	e->cursor++;
	redraw_tail(e, e->len);
}

static void erase_before_cursor(struct editor *e)
{
	if (e->cursor == 0)
		return;
	cursor_to(e, e->cursor - 1);
	memmove(e->buf + e->cursor, e->buf + e->cursor + 1,
		e->len - e->cursor - 1);
	e->len--;
	redraw_tail(e, e->len + 1);
}

/* Replaces the whole line with S. */
static void replace(struct editor *e, const char *s)
{
	size_t old_len = e->len;

	cursor_to(e, 0);
	e->len = strlen(s) < LINE_MAX_LEN ? strlen(s) : LINE_MAX_LEN - 1;
	memcpy(e->buf, s, e->len);
	redraw_tail(e, old_len);
	cursor_to(e, e->len);
}

static void recall(struct editor *e, int delta)
{
	int to = e->recall + delta;

	if (to < 0 || to > history_count)
		return;
	e->recall = to;
	replace(e, to == history_count ? "" : history[to]);
}

/* Handles ESC [ X; other escape sequences are dropped. */
static void escape(struct editor *e)
{
	char seq[2];

	if (read(e->fd, seq, 1) != 1 || seq[0] != '[' ||
	    read(e->fd, seq + 1, 1) != 1)
		return;
	switch (seq[1]) {
	case 'A':
		recall(e, -1);
		break;
	case 'B':
		recall(e, 1);
		break;
	case 'C':
		if (e->cursor < e->len)
			cursor_to(e, e->cursor + 1);
		break;
	case 'D':
		if (e->cursor > 0)
			cursor_to(e, e->cursor - 1);
		break;
	}
}

/* Characters that end a word for completion. */
static bool word_break(char c)
{
	return strchr(" \t;|&<>()", c) != NULL;
}

/* The candidates after a second Tab, by their last part (as bash shows
 * them), then the prompt and the line again. */
static void list_candidates(struct editor *e, char **c, size_t n)
{
	size_t pos = e->cursor;

	out("\r\n", 2);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(c[i]);
		const char *last = c[i];

		/* "dir/sub/" shows as "sub/", "dir/f" as "f". */
		for (size_t j = 0; j + 1 < len; j++)
			if (c[i][j] == '/')
				last = c[i] + j + 1;
		out(last, strlen(last));
		out(i + 1 < n ? "  " : "\r\n", 2);
	}
	out(e->prompt, strlen(e->prompt));
	out(e->buf, e->len);
	e->cursor = e->len;
	cursor_to(e, pos);
}

/* Complete the word before the cursor; list the candidates if this is
 * a second Tab that could not add to it. */
static void tab(struct editor *e, bool second)
{
	size_t start = e->cursor, before, wlen, common, n;
	char word[LINE_MAX_LEN], **c;

	while (start > 0 && !word_break(e->buf[start - 1]))
		start--;
	before = start;
	while (before > 0 && strchr(" \t", e->buf[before - 1]))
		before--;
	wlen = e->cursor - start;
	memcpy(word, e->buf + start, wlen);
	word[wlen] = '\0';
	c = complete(word, before == 0 || strchr(";|&(", e->buf[before - 1]),
		     &n);
	if (n == 0) {
		complete_free(c, n);
		return;
	}
	/* As far as every candidate agrees. */
	common = strlen(c[0]);
	for (size_t i = 1; i < n; i++) {
		size_t k = 0;

		while (k < common && c[i][k] == c[0][k])
			k++;
		common = k;
	}
	for (size_t k = wlen; k < common; k++)
		insert(e, c[0][k]);
	if (n == 1 && c[0][common - 1] != '/')
		insert(e, ' ');
	else if (n > 1 && common == wlen && second)
		list_candidates(e, c, n);
	complete_free(c, n);
}

#define CTRL(c) ((c)&0x1f)

/* One key; returns 1 at Enter, -1 at end of input, 0 otherwise. */
static int key(struct editor *e, char c)
{
	bool second_tab = e->tab_last && c == '\t';

	e->tab_last = c == '\t';
	switch (c) {
	case '\t':
		tab(e, second_tab);
		break;
	case '\r':
	case '\n':
		return 1;
	case CTRL('D'):
		return e->len == 0 ? -1 : 0;
	case 0x7f:
	case '\b':
		erase_before_cursor(e);
		break;
	case 0x1b:
		escape(e);
		break;
	case CTRL('A'):
		cursor_to(e, 0);
		break;
	case CTRL('E'):
		cursor_to(e, e->len);
		break;
	case CTRL('B'):
		if (e->cursor > 0)
			cursor_to(e, e->cursor - 1);
		break;
	case CTRL('F'):
		if (e->cursor < e->len)
			cursor_to(e, e->cursor + 1);
		break;
	case CTRL('P'):
		recall(e, -1);
		break;
	case CTRL('N'):
		recall(e, 1);
		break;
	case CTRL('U'):
		replace(e, "");
		break;
	default:
		if ((unsigned char)c >= ' ')
			insert(e, c);
	}
	return 0;
}

char *edit_line(int fd, const char *prompt, bool *editing)
{
	struct termios saved, raw;
	struct editor e = { .fd = fd,
			    .prompt = prompt,
			    .recall = history_count };
	char c;
	int done = 0;

	if (tcgetattr(fd, &saved) < 0) {
		*editing = false;
		return NULL;
	}
	raw = saved;
	raw.c_lflag &= ~(ICANON | ECHO);
	raw.c_iflag &= ~(ICRNL | IXON);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	tcsetattr(fd, TCSADRAIN, &raw);
	write_all(STDERR_FILENO, prompt, strlen(prompt));
	while (!done) {
		ssize_t n = read(fd, &c, 1);

		if (n <= 0 && !(n < 0 && errno == EINTR && !interrupted))
			done = -1;
		else if (n == 1)
			done = key(&e, c);
	}
	tcsetattr(fd, TCSADRAIN, &saved);
	write_all(STDERR_FILENO, "\r\n", 2);
	if (done < 0 && (e.len == 0 || interrupted))
		return NULL;
	e.buf[e.len] = '\0';
	return xstrdup(e.buf);
}
