/*
 * edit FILE: a small full-screen text editor, after antirez's kilo. It
 * puts the terminal in raw mode (keys one at a time, no echo, no signals)
 * and draws with ANSI escapes, so it works on Kestrel's console (the
 * serial line and the VGA screen) and on any xterm.
 *
 *   arrows, Home, End, PgUp, PgDn   move
 *   a character, Enter, Tab         insert
 *   Backspace, Delete               delete
 *   Ctrl-F                          find (Enter: next match, Esc: stop)
 *   Ctrl-S                          save
 *   Ctrl-Q                          quit (twice if there are unsaved changes)
 *
 * The text is an array of lines, each a malloc'ed string without its
 * newline; the screen shows rows [top, top + text_rows) and columns from
 * left, both moved to keep the cursor in view.
 */
#include "ulib.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#define CTRL(k) ((k)&0x1f)
#define TABSTOP 8

enum key {
	BACKSPACE = 127,
	ARROW_LEFT = 1000,
	ARROW_RIGHT,
	ARROW_UP,
	ARROW_DOWN,
	DEL_KEY,
	HOME_KEY,
	END_KEY,
	PAGE_UP,
	PAGE_DOWN,
};

struct line {
	char *s;
	size_t len;
};

static struct {
	struct line *lines;
	int nlines;
	int cx, cy;        /* the cursor: byte in the line, line */
	int top, left;     /* the first line and column shown */
	int rows, cols;    /* the text area */
	int dirty;         /* changes since the last save */
	const char *name;  /* the file */
	char message[128]; /* the status message */
	struct termios saved;
} E;

/* ---- the terminal -------------------------------------------------- */

static void out(const char *s)
{
	write_all(1, s, strlen(s));
}

static void restore_terminal(void)
{
	out("\033[2J\033[H");
	tcsetattr(0, TCSAFLUSH, &E.saved);
}

static void die(const char *what)
{
	int e = errno;

	restore_terminal();
	fprintf(stderr, "edit: %s: %s\n", what, strerror(e));
	exit(1);
}

static void raw_mode(void)
{
	struct termios raw;

	if (tcgetattr(0, &E.saved) < 0)
		die("standard input is not a terminal");
	raw = E.saved;
	raw.c_iflag &= ~(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
	raw.c_oflag &= ~OPOST;
	raw.c_cflag |= CS8;
	raw.c_lflag &= ~(ECHO | ICANON | IEXTEN | ISIG);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	/* TCSANOW, not TCSAFLUSH: keys typed ahead (a test on the serial
	 * line) are kept. */
	if (tcsetattr(0, TCSANOW, &raw) < 0)
		die("tcsetattr");
}

static int read_byte(void)
{
	unsigned char c;
	ssize_t n;

	while ((n = read(0, &c, 1)) != 1)
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			die("read");
		else if (n == 0)
			return CTRL('q'); /* the input ended */
	return c;
}

/* One key: a byte, or an escape sequence as an enum key. */
static int read_key(void)
{
	int c = read_byte(), a, b;

	if (c != 27)
		return c;
	a = read_byte();
	if (a != '[' && a != 'O')
		return 27;
	b = read_byte();
	if (b >= '0' && b <= '9') {
		if (read_byte() != '~')
			return 27;
		switch (b) {
		case '1':
		case '7':
			return HOME_KEY;
		case '3':
			return DEL_KEY;
		case '4':
		case '8':
			return END_KEY;
		case '5':
			return PAGE_UP;
		case '6':
			return PAGE_DOWN;
		}
		return 27;
	}
	switch (b) {
	case 'A':
		return ARROW_UP;
	case 'B':
		return ARROW_DOWN;
	case 'C':
		return ARROW_RIGHT;
	case 'D':
		return ARROW_LEFT;
	case 'H':
		return HOME_KEY;
	case 'F':
		return END_KEY;
	}
	return 27;
}

static void window_size(void)
{
	struct winsize ws;

	E.rows = 24;
	E.cols = 80;
	if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 3 && ws.ws_col > 0) {
		E.rows = ws.ws_row;
		E.cols = ws.ws_col;
	}
	E.rows -= 2; /* the status bar and the message line */
}

/* ---- the text ------------------------------------------------------ */

static void insert_line(int at, const char *s, size_t len)
{
	E.lines = xrealloc(E.lines, (E.nlines + 1) * sizeof(struct line));
	memmove(&E.lines[at + 1], &E.lines[at],
		(E.nlines - at) * sizeof(struct line));
	E.lines[at].s = xmalloc(len + 1);
	memcpy(E.lines[at].s, s, len);
	E.lines[at].s[len] = '\0';
	E.lines[at].len = len;
	E.nlines++;
}

static void delete_line(int at)
{
	free(E.lines[at].s);
	memmove(&E.lines[at], &E.lines[at + 1],
		(E.nlines - at - 1) * sizeof(struct line));
	E.nlines--;
}

/* Appends LEN bytes of S to line AT. */
static void append(int at, const char *s, size_t len)
{
	struct line *l = &E.lines[at];

	l->s = xrealloc(l->s, l->len + len + 1);
	memcpy(l->s + l->len, s, len);
	l->len += len;
	l->s[l->len] = '\0';
}

static void insert_char(int c)
{
	struct line *l;

	if (E.cy == E.nlines)
		insert_line(E.nlines, "", 0);
	l = &E.lines[E.cy];
	l->s = xrealloc(l->s, l->len + 2);
	memmove(l->s + E.cx + 1, l->s + E.cx, l->len - E.cx + 1);
	l->s[E.cx++] = c;
	l->len++;
	E.dirty = 1;
}

static void insert_newline(void)
{
	if (E.cy == E.nlines) {
		insert_line(E.nlines, "", 0);
	} else {
		struct line *l = &E.lines[E.cy];
		insert_line(E.cy + 1, l->s + E.cx, l->len - E.cx);
		l = &E.lines[E.cy]; /* insert_line moved the array */
		l->len = E.cx;
		l->s[l->len] = '\0';
	}
	E.cy++;
	E.cx = 0;
	E.dirty = 1;
}

/* Backspace: deletes the character before the cursor, or joins the line
 * to the one above. */
static void delete_back(void)
{
	struct line *l;

	if (E.cy == E.nlines || (E.cx == 0 && E.cy == 0))
		return;
	l = &E.lines[E.cy];
	if (E.cx > 0) {
		memmove(l->s + E.cx - 1, l->s + E.cx, l->len - E.cx + 1);
		l->len--;
		E.cx--;
	} else {
		E.cx = E.lines[E.cy - 1].len;
		append(E.cy - 1, l->s, l->len);
		delete_line(E.cy);
		E.cy--;
	}
	E.dirty = 1;
}

/* ---- files --------------------------------------------------------- */

static void open_file(const char *name)
{
	FILE *fp = fopen(name, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	E.name = name;
	if (!fp) {
		if (errno != ENOENT)
			die(name);
		snprintf(E.message, sizeof(E.message), "new file");
		return;
	}
	while ((len = getline(&line, &cap, fp)) >= 0) {
		while (len > 0 &&
		       (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		insert_line(E.nlines, line, len);
	}
	free(line);
	fclose(fp);
}

static void set_message(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(E.message, sizeof(E.message), fmt, ap);
	va_end(ap);
}

static void save(void)
{
	size_t total = 0;
	int fd = open(E.name, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0) {
		set_message("cannot save %s: %s", E.name, strerror(errno));
		return;
	}
	for (int i = 0; i < E.nlines; i++) {
		if (write_all(fd, E.lines[i].s, E.lines[i].len) < 0 ||
		    write_all(fd, "\n", 1) < 0) {
			set_message("cannot write %s: %s", E.name,
				    strerror(errno));
			close(fd);
			return;
		}
		total += E.lines[i].len + 1;
	}
	close(fd);
	E.dirty = 0;
	set_message("\"%s\" %d lines, %zu bytes written", E.name, E.nlines,
		    total);
}

/* ---- the screen ---------------------------------------------------- */

/* The screen column of byte CX of line L, tabs expanded. */
static int render_x(const struct line *l, int cx)
{
	int rx = 0;

	for (int i = 0; i < cx; i++)
		rx += l->s[i] == '\t' ? TABSTOP - rx % TABSTOP : 1;
	return rx;
}

static void scroll(void)
{
	int rx = E.cy < E.nlines ? render_x(&E.lines[E.cy], E.cx) : 0;

	if (E.cy < E.top)
		E.top = E.cy;
	if (E.cy >= E.top + E.rows)
		E.top = E.cy - E.rows + 1;
	if (rx < E.left)
		E.left = rx;
	if (rx >= E.left + E.cols)
		E.left = rx - E.cols + 1;
}

/* Draws line L from column E.left, at most E.cols columns. */
static void draw_line(const struct line *l)
{
	char buf[512];
	int rx = 0, n = 0;

	for (size_t i = 0; i < l->len && rx < E.left + E.cols; i++) {
		int width = l->s[i] == '\t' ? TABSTOP - rx % TABSTOP : 1;
		for (int k = 0; k < width; k++, rx++) {
			if (rx < E.left || rx >= E.left + E.cols)
				continue;
			unsigned char c = l->s[i] == '\t' ? ' ' : l->s[i];
			buf[n++] = c < ' ' || c == 127 ? '?' : c;
			if (n == (int)sizeof(buf)) {
				write_all(1, buf, n);
				n = 0;
			}
		}
	}
	write_all(1, buf, n);
}

static void refresh(void)
{
	char status[256], right[64];
	int len;

	scroll();
	out("\033[?25l\033[H");
	for (int y = 0; y < E.rows; y++) {
		int at = E.top + y;
		if (at < E.nlines)
			draw_line(&E.lines[at]);
		else
			out("~");
		out("\033[K\r\n");
	}
	/* The status bar, reversed: the file on the left, the line on the
	 * right (\033[NG: to column N). */
	snprintf(status, sizeof(status), "\033[7m %.40s%s - %d lines\033[K",
		 E.name, E.dirty ? " (modified)" : "", E.nlines);
	out(status);
	len = snprintf(right, sizeof(right), "line %d/%d ", E.cy + 1, E.nlines);
	snprintf(status, sizeof(status), "\033[%dG%s\033[m\r\n",
		 E.cols - len + 1 > 0 ? E.cols - len + 1 : 1, right);
	out(status);
	out(E.message);
	out("\033[K");
	snprintf(status, sizeof(status), "\033[%d;%dH\033[?25h",
		 E.cy - E.top + 1,
		 (E.cy < E.nlines ? render_x(&E.lines[E.cy], E.cx) : 0) -
			 E.left + 1);
	out(status);
}

/* ---- keys ---------------------------------------------------------- */

static void move(int key)
{
	const struct line *l = E.cy < E.nlines ? &E.lines[E.cy] : NULL;

	switch (key) {
	case ARROW_LEFT:
		if (E.cx > 0) {
			E.cx--;
		} else if (E.cy > 0) {
			E.cy--;
			E.cx = E.lines[E.cy].len;
		}
		break;
	case ARROW_RIGHT:
		if (l && E.cx < (int)l->len) {
			E.cx++;
		} else if (l) {
			E.cy++;
			E.cx = 0;
		}
		break;
	case ARROW_UP:
		if (E.cy > 0)
			E.cy--;
		break;
	case ARROW_DOWN:
		if (E.cy < E.nlines)
			E.cy++;
		break;
	}
	/* Keep the cursor within its (new) line. */
	l = E.cy < E.nlines ? &E.lines[E.cy] : NULL;
	if (E.cx > (l ? (int)l->len : 0))
		E.cx = l ? (int)l->len : 0;
}

/* Reads a line of text on the message line; NULL if Esc. CALLBACK sees
 * the text after each key (the incremental search). */
static char *prompt(const char *what, void (*callback)(const char *, int))
{
	size_t cap = 64, len = 0;
	char *text = xmalloc(cap);

	text[0] = '\0';
	for (;;) {
		set_message("%s%s", what, text);
		refresh();
		int c = read_key();
		if (c == 27) {
			set_message("");
			if (callback)
				callback(text, c);
			free(text);
			return NULL;
		}
		if (c == '\r' || c == '\n') {
			set_message("");
			if (callback)
				callback(text, c);
			return text;
		}
		if ((c == BACKSPACE || c == CTRL('h')) && len > 0) {
			text[--len] = '\0';
		} else if (c >= ' ' && c < 127) {
			if (len + 2 > cap)
				text = xrealloc(text, cap *= 2);
			text[len++] = c;
			text[len] = '\0';
		}
		if (callback)
			callback(text, c);
	}
}

/* Ctrl-F: moves to the next line (from the cursor's) holding the text,
 * as it is typed; arrows go on to the next or the previous match. */
static void find_step(const char *text, int key)
{
	static int last = -1; /* the line of the match shown, or -1 */
	int at, direction = 1;

	if (key == '\r' || key == 27) {
		last = -1;
		return;
	}
	if (key == ARROW_UP || key == ARROW_LEFT)
		direction = -1;
	else if (key != ARROW_DOWN && key != ARROW_RIGHT)
		last = -1; /* the text changed: from the cursor again */
	if (!*text)
		return;
	at = last == -1 ? E.cy - 1 : last;
	for (int i = 0; i < E.nlines; i++) {
		at += direction;
		if (at < 0)
			at = E.nlines - 1;
		if (at >= E.nlines)
			at = 0;
		char *hit = strstr(E.lines[at].s, text);
		if (hit) {
			last = at;
			E.cy = at;
			E.cx = hit - E.lines[at].s;
			return;
		}
	}
}

static void find(void)
{
	int cx = E.cx, cy = E.cy, top = E.top, left = E.left;
	char *text = prompt("find (Enter, Esc, arrows): ", find_step);

	if (text) {
		free(text);
		return;
	}
	E.cx = cx; /* Esc: back where the search began */
	E.cy = cy;
	E.top = top;
	E.left = left;
}

/* Handles one key; returns 0 to quit. */
static int process_key(void)
{
	static int quit_warned;
	int c = read_key();

	switch (c) {
	case CTRL('q'):
		if (E.dirty && !quit_warned) {
			set_message("unsaved changes: Ctrl-S saves, Ctrl-Q "
				    "again quits without saving");
			quit_warned = 1;
			return 1;
		}
		return 0;
	case CTRL('s'):
		save();
		break;
	case CTRL('f'):
		find();
		break;
	case '\r':
	case '\n': /* typed ahead, before raw mode stopped ICRNL */
		insert_newline();
		break;
	case BACKSPACE:
	case CTRL('h'):
		delete_back();
		break;
	case DEL_KEY:
		move(ARROW_RIGHT);
		delete_back();
		break;
	case HOME_KEY:
		E.cx = 0;
		break;
	case END_KEY:
		if (E.cy < E.nlines)
			E.cx = E.lines[E.cy].len;
		break;
	case PAGE_UP:
	case PAGE_DOWN:
		for (int i = 0; i < E.rows; i++)
			move(c == PAGE_UP ? ARROW_UP : ARROW_DOWN);
		break;
	case ARROW_LEFT:
	case ARROW_RIGHT:
	case ARROW_UP:
	case ARROW_DOWN:
		move(c);
		break;
	case CTRL('l'):
	case 27:
		break;
	default:
		if (c == '\t' || (c >= ' ' && c < 127) || c >= 128)
			insert_char(c);
		break;
	}
	quit_warned = 0;
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 2)
		usage("FILE");
	open_file(argv[1]);
	raw_mode();
	window_size();
	if (!E.message[0])
		set_message("Ctrl-S save, Ctrl-Q quit, Ctrl-F find");
	do
		refresh();
	while (process_key());
	restore_terminal();
	return 0;
}
