/*
 * The terminal line discipline (tty.h), after Linux's N_TTY.
 *
 * Bytes arrive one at a time in tty_receive, usually from an interrupt
 * handler. Each goes through input processing (ISTRIP, CR/NL mapping),
 * then the signal characters (ISIG), then in canonical mode the editing
 * characters, and lands in the input ring; what is echoed goes through
 * the same output processing as what programs write. A reader sleeps on
 * the tty's wait queue until a whole line (canonical) or enough bytes
 * (VMIN, VTIME) are there. ^C, ^\ and ^Z become signals for the
 * foreground process group (tty->pgrp).
 *
 * Everything here works on kernel memory and a struct tty; the files, the
 * ioctls and the sessions that choose the foreground group are in
 * tty_device.c. docs/tty.md.
 */
#include "drivers/tty.h"
#include "fs/poll.h"
#include "mm/mm.h"
#include "proc/proc.h"

#define AT(pos) ((pos) % TTY_BUF_SIZE)
#define MARK_DELIM 0x1 /* ends a line: '\n', EOL, EOL2 or ^D */
#define MARK_EOF 0x2   /* the ^D: ends the line, but is not data */

#define DECISECOND_NS 100000000ULL
#define CHUNK 128 /* bytes written under the tty lock at a time */

static bool lflag(const struct tty *tty, uint32_t flag)
{
	return tty->termios.c_lflag & flag;
}

static bool is_cc(const struct tty *tty, int index, char c)
{
	uint8_t cc = tty->termios.c_cc[index];

	return cc != POSIX_VDISABLE && cc == (uint8_t)c;
}

static bool is_control(char c)
{
	return (unsigned char)c < ' ' || c == 0x7f;
}

/* ---- output --------------------------------------------------------------- */

/* Column bookkeeping for one byte reaching the screen. */
static void advance_column(struct tty *tty, char c)
{
	if (c == '\r')
		tty->column = 0;
	else if (c == '\b')
		tty->column -= tty->column > 0;
	else if (c == '\t')
		tty->column = (tty->column | 7) + 1;
	else if (!is_control(c))
		tty->column++;
}

/* Write n bytes with output processing (OPOST: ONLCR turns \n into
 * \r\n, OCRNL \r into \n). Caller holds tty->lock. */
static void output(struct tty *tty, const char *s, size_t n)
{
	uint32_t oflag = tty->termios.c_oflag;
	char out[2 * CHUNK];
	size_t len = 0;

	while (n > 0) {
		char c = *s++;

		n--;
		if ((oflag & OPOST) && (oflag & ONLCR) && c == '\n') {
			out[len++] = '\r';
			tty->column = 0;
		} else if ((oflag & OPOST) && (oflag & OCRNL) && c == '\r') {
			c = '\n';
		}
		out[len++] = c;
		advance_column(tty, c);
		if (len >= sizeof(out) - 1 || n == 0) {
			tty->output(tty, out, len);
			len = 0;
		}
	}
}

/* Echo c as typed: with ECHOCTL a control character shows as ^X (DEL as
 * ^?), except tab and newline. Caller holds tty->lock. */
static void echo_char(struct tty *tty, char c)
{
	if (lflag(tty, ECHOCTL) && is_control(c) && c != '\t' && c != '\n') {
		char caret[2] = { '^', (char)(c ^ 0x40) };

		output(tty, caret, 2);
	} else {
		output(tty, &c, 1);
	}
}

/* ---- input ------------------------------------------------------------------ */

static unsigned int edit_len(const struct tty *tty)
{
	return tty->write_pos - tty->canon_pos;
}

static void flush_input(struct tty *tty)
{
	tty->read_pos = tty->canon_pos = tty->write_pos;
	tty->literal_next = false;
}

static void store(struct tty *tty, char c, uint8_t mark)
{
	tty->buf[AT(tty->write_pos)] = c;
	tty->mark[AT(tty->write_pos)] = mark;
	tty->write_pos++;
}

/* The column the cursor had after echoing the line being edited up to
 * (not including) pos: where to go back to when erasing a tab. */
static unsigned int column_at(const struct tty *tty, unsigned int pos)
{
	unsigned int col = tty->canon_column;

	for (unsigned int p = tty->canon_pos; p != pos; p++) {
		char c = tty->buf[AT(p)];

		if (c == '\t')
			col = (col | 7) + 1;
		else if (!is_control(c))
			col++;
		else if (lflag(tty, ECHOCTL))
			col += 2;
	}
	return col;
}

/* Remove the last byte of the line being edited and, with ECHOE, rub it
 * out on the screen. */
static void erase_one(struct tty *tty)
{
	char c = tty->buf[AT(tty->write_pos - 1)];

	tty->write_pos--;
	if (!lflag(tty, ECHO))
		return;
	if (!lflag(tty, ECHOE)) {
		echo_char(tty, (char)tty->termios.c_cc[VERASE]);
	} else if (c == '\t') {
		unsigned int col = column_at(tty, tty->write_pos);

		while (tty->column > col)
			output(tty, "\b", 1);
	} else if (is_control(c) && lflag(tty, ECHOCTL)) {
		output(tty, "\b \b\b \b", 6);
	} else if (!is_control(c)) {
		output(tty, "\b \b", 3);
	}
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* ERASE, WERASE or KILL (which) in canonical mode. */
static void erase(struct tty *tty, int which)
{
	if (edit_len(tty) == 0)
		return;
	if (which == VKILL && lflag(tty, ECHO) &&
	    !(lflag(tty, ECHOK) && lflag(tty, ECHOKE) && lflag(tty, ECHOE))) {
		/* Without ECHOKE the line is not rubbed out: show the kill
		 * character, and with ECHOK start a new line. */
		tty->write_pos = tty->canon_pos;
		echo_char(tty, (char)tty->termios.c_cc[VKILL]);
		if (lflag(tty, ECHOK))
			output(tty, "\n", 1);
		return;
	}
	if (which == VERASE) {
		erase_one(tty);
		return;
	}
	if (which == VWERASE) /* blanks before the word go too */
		while (edit_len(tty) &&
		       is_blank(tty->buf[AT(tty->write_pos - 1)]))
			erase_one(tty);
	while (edit_len(tty) &&
	       (which == VKILL || !is_blank(tty->buf[AT(tty->write_pos - 1)])))
		erase_one(tty);
}

/* A line is complete: readers may have it. (Ordinary bytes leave the
 * last slot free for this; only a full ring of lines drops it.) */
static void end_line(struct tty *tty, char c, uint8_t mark)
{
	if (tty->write_pos - tty->read_pos >= TTY_BUF_SIZE)
		return;
	store(tty, c, MARK_DELIM | mark);
	tty->canon_pos = tty->write_pos;
	wake_up(&tty->readers);
}

/* ^R: show the line being edited again, on a line of its own. */
static void reprint(struct tty *tty)
{
	echo_char(tty, (char)tty->termios.c_cc[VREPRINT]);
	output(tty, "\n", 1);
	tty->canon_column = tty->column;
	for (unsigned int p = tty->canon_pos; p != tty->write_pos; p++)
		echo_char(tty, tty->buf[AT(p)]);
}

/* Canonical mode: editing characters and line ends. True if c was one.
 * Backspace (^H) erases too, whatever VERASE is: terminals send either it
 * or DEL for the Backspace key (Linux erases only with VERASE). */
static bool canonical_special(struct tty *tty, char c)
{
	bool iexten = lflag(tty, IEXTEN);

	if (is_cc(tty, VERASE, c) || c == '\b') {
		erase(tty, VERASE);
	} else if (is_cc(tty, VKILL, c)) {
		erase(tty, VKILL);
	} else if (iexten && is_cc(tty, VWERASE, c)) {
		erase(tty, VWERASE);
	} else if (iexten && is_cc(tty, VLNEXT, c)) {
		tty->literal_next = true;
		if (lflag(tty, ECHO) && lflag(tty, ECHOCTL))
			output(tty, "^\b", 2);
	} else if (iexten && lflag(tty, ECHO) && is_cc(tty, VREPRINT, c)) {
		reprint(tty);
	} else if (c == '\n') {
		if (lflag(tty, ECHO) || lflag(tty, ECHONL))
			output(tty, "\n", 1);
		end_line(tty, c, 0);
	} else if (is_cc(tty, VEOF, c)) {
		end_line(tty, c, MARK_EOF);
	} else if (is_cc(tty, VEOL, c) || (iexten && is_cc(tty, VEOL2, c))) {
		if (lflag(tty, ECHO))
			echo_char(tty, c);
		end_line(tty, c, 0);
	} else {
		return false;
	}
	return true;
}

/* The signal ^C, ^\ or ^Z stand for with ISIG, or 0. */
static int signal_char(struct tty *tty, char c)
{
	if (!lflag(tty, ISIG))
		return 0;
	if (is_cc(tty, VINTR, c))
		return SIGINT;
	if (is_cc(tty, VQUIT, c))
		return SIGQUIT;
	if (is_cc(tty, VSUSP, c))
		return SIGTSTP;
	return 0;
}

/* An ordinary byte: into the ring (in canonical mode leaving room for the
 * byte that ends the line), echoed. */
static void receive_plain(struct tty *tty, char c)
{
	bool canonical = lflag(tty, ICANON);
	unsigned int room = TTY_BUF_SIZE - (canonical ? 1 : 0);

	if (tty->write_pos - tty->read_pos >= room)
		return; /* full: dropped, as a full UART drops it */
	if (canonical && edit_len(tty) == 0)
		tty->canon_column = tty->column;
	if (lflag(tty, ECHO))
		echo_char(tty, c);
	store(tty, c, 0);
	if (!canonical)
		wake_up(&tty->readers);
}

/* The line discipline proper; returns the signal to send, or 0. Caller
 * holds tty->lock. */
static int receive_locked(struct tty *tty, char c)
{
	uint32_t iflag = tty->termios.c_iflag;
	int sig;

	if (iflag & ISTRIP)
		c &= 0x7f;
	if (tty->literal_next) {
		tty->literal_next = false;
		receive_plain(tty, c); /* its echo covers the "^" */
		return 0;
	}
	sig = signal_char(tty, c);
	if (sig) {
		if (!lflag(tty, NOFLSH))
			flush_input(tty);
		if (lflag(tty, ECHO))
			echo_char(tty, c);
		return sig;
	}
	if (c == '\r' && (iflag & IGNCR))
		return 0;
	if (c == '\r' && (iflag & ICRNL))
		c = '\n';
	else if (c == '\n' && (iflag & INLCR))
		c = '\r';
	if (!lflag(tty, ICANON) || !canonical_special(tty, c))
		receive_plain(tty, c);
	return 0;
}

void tty_receive(struct tty *tty, char c)
{
	int sig, pgrp;

	spin_lock(&tty->lock);
	sig = receive_locked(tty, c);
	pgrp = tty->pgrp;
	spin_unlock(&tty->lock);
	/* Outside the tty lock: signal_send_pgrp takes the process locks. */
	if (sig && pgrp > 0)
		signal_send_pgrp(pgrp, sig);
	poll_notify();
}

/* ---- reading ------------------------------------------------------------------ */

/* Bytes a reader may take now. Caller holds tty->lock. */
static unsigned int readable_locked(const struct tty *tty)
{
	if (lflag(tty, ICANON))
		return tty->canon_pos - tty->read_pos;
	return tty->write_pos - tty->read_pos;
}

unsigned int tty_readable(struct tty *tty)
{
	unsigned int n;

	spin_lock(&tty->lock);
	n = readable_locked(tty);
	spin_unlock(&tty->lock);
	return n;
}

/* Sleep until woken or the deadline (0: none); -ERESTARTSYS if a signal
 * is pending instead. Caller holds tty->lock. */
static int wait_input(struct tty *tty, uint64_t deadline)
{
	if (signal_pending())
		return -ERESTARTSYS;
	if (deadline)
		sleep_on_until(&tty->readers, &tty->lock, deadline);
	else
		sleep_on(&tty->readers, &tty->lock);
	return 0;
}

/* Canonical: one line at most; its ^D is consumed but not returned. */
static ssize_t read_canonical(struct tty *tty, char *buf, size_t n,
			      bool nonblock)
{
	size_t done = 0;

	while (tty->canon_pos == tty->read_pos) {
		int err;

		if (nonblock)
			return -EAGAIN;
		err = wait_input(tty, 0);
		if (err)
			return err;
		if (!lflag(tty, ICANON))
			return -EAGAIN; /* switched to raw: the caller retries */
	}
	while (done < n && tty->read_pos != tty->canon_pos) {
		uint8_t mark = tty->mark[AT(tty->read_pos)];
		char c = tty->buf[AT(tty->read_pos++)];

		if (mark & MARK_EOF)
			break;
		buf[done++] = c;
		if (mark & MARK_DELIM)
			break;
	}
	return (ssize_t)done;
}

/*
 * Non-canonical, POSIX's four cases with MIN = VMIN and TIME = VTIME
 * (tenths of a second):
 *   MIN 0, TIME 0   what is there, possibly nothing
 *   MIN 0, TIME t   the first byte, or nothing after t
 *   MIN m, TIME 0   at least m bytes (or n if fewer)
 *   MIN m, TIME t   m bytes, or fewer once t passes without a new byte
 *                   (after the first one)
 */
static ssize_t read_raw(struct tty *tty, char *buf, size_t n, bool nonblock)
{
	size_t min = MIN((size_t)tty->termios.c_cc[VMIN], n);
	uint64_t timer = tty->termios.c_cc[VTIME] * DECISECOND_NS;
	uint64_t deadline = min == 0 && timer ? time_ns() + timer : 0;
	size_t done = 0;

	for (;;) {
		size_t before = done;
		int err;

		while (done < n && tty->read_pos != tty->write_pos)
			buf[done++] = tty->buf[AT(tty->read_pos++)];
		if (done == n || (min == 0 && (!timer || done > 0)) ||
		    (min > 0 && done >= min))
			break;
		if (nonblock)
			return done ? (ssize_t)done : -EAGAIN;
		if (min > 0 && timer && done > before)
			deadline = time_ns() + timer; /* the byte timer */
		if (deadline && time_ns() >= deadline)
			break;
		err = wait_input(tty, deadline);
		if (err)
			return done ? (ssize_t)done : err;
		if (lflag(tty, ICANON)) /* switched: give what we have */
			return done ? (ssize_t)done : -EAGAIN;
	}
	return (ssize_t)done;
}

ssize_t tty_read(struct tty *tty, char *buf, size_t n, bool nonblock)
{
	ssize_t r;

	if (n == 0)
		return 0;
	spin_lock(&tty->lock);
	do {
		if (lflag(tty, ICANON))
			r = read_canonical(tty, buf, n, nonblock);
		else
			r = read_raw(tty, buf, n, nonblock);
		/* A mode change while asleep makes the other reader retry. */
	} while (r == -EAGAIN && !nonblock);
	spin_unlock(&tty->lock);
	return r;
}

/* ---- writing ------------------------------------------------------------------ */

ssize_t tty_write(struct tty *tty, const char *buf, size_t n)
{
	for (size_t done = 0; done < n; done += CHUNK) {
		spin_lock(&tty->lock);
		output(tty, buf + done, MIN(n - done, CHUNK));
		spin_unlock(&tty->lock);
	}
	return (ssize_t)n;
}

struct tty *tty_alloc(const char *name,
		      void (*out)(struct tty *tty, const char *buf, size_t len))
{
	static const struct termios std = TTY_STD_TERMIOS;
	struct tty *tty = kzalloc(sizeof(*tty));

	if (!tty)
		return NULL;
	tty->name = name;
	tty->output = out;
	sleep_lock_init(&tty->write_lock, "tty write");
	spin_init(&tty->lock, "tty");
	tty->termios = std;
	tty->winsize = (struct winsize){ .ws_row = 25, .ws_col = 80 };
	return tty;
}

/* ---- termios ------------------------------------------------------------------ */

void tty_set_termios(struct tty *tty, const struct termios *t, bool flush)
{
	bool was_canonical;
	struct termios new = *t; /* t may be &tty->termios */

	spin_lock(&tty->lock);
	if (flush)
		flush_input(tty);
	was_canonical = lflag(tty, ICANON);
	tty->termios = new;
	if (was_canonical && !lflag(tty, ICANON)) {
		tty->canon_pos = tty->write_pos;
	} else if (!was_canonical && lflag(tty, ICANON)) {
		tty->canon_pos = tty->read_pos;
		tty->canon_column = tty->column;
	}
	wake_up(&tty->readers); /* readers look again, in the new mode */
	spin_unlock(&tty->lock);
	poll_notify();
}

void tty_flush_input(struct tty *tty)
{
	spin_lock(&tty->lock);
	flush_input(tty);
	spin_unlock(&tty->lock);
}
