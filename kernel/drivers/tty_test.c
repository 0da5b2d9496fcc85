/*
 * Tests of the line discipline (suite tty), on a terminal of their own:
 * bytes go in through tty_receive as a device would deliver them, reads
 * are tty_read with nonblock (so a test never sleeps on a mistake), and
 * what the terminal sends to its device is captured in `screen`. The
 * terminal belongs to no session, so ^C sends no signal.
 */
#include "arch/x86_64/arch.h"
#include "drivers/tty.h"
#include "lib/ktest.h"
#include "mm/mm.h"

#define SCREEN_MAX 8192

/* What the test terminal wrote (one test at a time). */
static char screen[SCREEN_MAX];
static size_t screen_len;

static void capture(struct tty *tty, const char *buf, size_t len)
{
	for (size_t i = 0; i < len && screen_len < SCREEN_MAX; i++)
		screen[screen_len++] = buf[i];
}

static struct tty *start(void)
{
	screen_len = 0;
	return tty_alloc("ktest", capture);
}

static void type(struct tty *tty, const char *s)
{
	while (*s)
		tty_receive(tty, *s++);
}

static void type_bytes(struct tty *tty, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tty_receive(tty, s[i]);
}

static bool screen_is(const char *want)
{
	return screen_len == strlen(want) &&
	       memcmp(screen, want, screen_len) == 0;
}

/* Read (without sleeping) and compare with want. */
static bool reads(struct tty *tty, size_t n, const char *want)
{
	char buf[64];
	ssize_t r = tty_read(tty, buf, MIN(n, sizeof(buf)), true);

	return r == (ssize_t)strlen(want) && memcmp(buf, want, (size_t)r) == 0;
}

static void set_raw(struct tty *tty, uint8_t vmin, uint8_t vtime)
{
	struct termios t = tty->termios;

	t.c_lflag &= ~(uint32_t)(ICANON | ECHO);
	t.c_cc[VMIN] = vmin;
	t.c_cc[VTIME] = vtime;
	tty_set_termios(tty, &t, false);
}

KTEST(tty, canonical_line)
{
	struct tty *tty = start();
	char buf[8];

	KT_ASSERT(tty, "no memory");
	type(tty, "hello");
	KT_ASSERT_EQ(tty_readable(tty), 0); /* no line yet */
	KT_ASSERT_EQ(tty_read(tty, buf, 1, true), -EAGAIN);
	type(tty, "\r"); /* Enter: ICRNL makes it \n, ONLCR echoes \r\n */
	KT_ASSERT_EQ(tty_readable(tty), 6);
	KT_ASSERT(reads(tty, 64, "hello\n"), "the line");
	KT_ASSERT(screen_is("hello\r\n"), "echo: %.*s", (int)screen_len,
		  screen);
	KT_ASSERT_EQ(tty_read(tty, buf, 1, true), -EAGAIN);
	kfree(tty);
}

KTEST(tty, line_in_pieces)
{
	struct tty *tty = start();

	KT_ASSERT(tty, "no memory");
	type(tty, "abcdef\nxy\n");
	KT_ASSERT(reads(tty, 3, "abc"), "first piece");
	KT_ASSERT(reads(tty, 64, "def\n"), "a read stops at the line's end");
	KT_ASSERT(reads(tty, 64, "xy\n"), "the second line");
	kfree(tty);
}

KTEST(tty, erase)
{
	struct tty *tty = start();

	KT_ASSERT(tty, "no memory");
	type(tty, "abx\x7f");
	KT_ASSERT(screen_is("abx\b \b"), "DEL rubs out one character");
	type(tty, "c\n");
	KT_ASSERT(reads(tty, 64, "abc\n"), "DEL");
	type(tty, "ay\bb\n");
	KT_ASSERT(reads(tty, 64, "ab\n"), "^H erases too");
	type(tty, "\x7f\x7fz\n");
	KT_ASSERT(reads(tty, 64, "z\n"), "erasing an empty line does nothing");
	kfree(tty);
}

KTEST(tty, kill_and_word_erase)
{
	struct tty *tty = start();

	KT_ASSERT(tty, "no memory");
	type(tty, "foo bar  \x17"
		  "baz\n");
	KT_ASSERT(reads(tty, 64, "foo baz\n"),
		  "^W takes the blanks and a word");
	type(tty, "junk\x15ok\n");
	KT_ASSERT(reads(tty, 64, "ok\n"), "^U kills the line");
	tty->termios.c_lflag &= ~(uint32_t)ECHOKE; /* show the kill, newline */
	screen_len = 0;
	type(tty, "x\x15");
	KT_ASSERT(screen_is("x^U\r\n"), "ECHOK without ECHOKE: %.*s",
		  (int)screen_len, screen);
	kfree(tty);
}

KTEST(tty, end_of_file)
{
	struct tty *tty = start();
	char buf[8];

	KT_ASSERT(tty, "no memory");
	type(tty, "abc\x04");
	KT_ASSERT(reads(tty, 64, "abc"), "^D after text hands it over");
	KT_ASSERT_EQ(tty_read(tty, buf, 1, true), -EAGAIN);
	type(tty, "\x04");
	KT_ASSERT_EQ(tty_read(tty, buf, 8, true), 0); /* end of input */
	KT_ASSERT_EQ(tty_read(tty, buf, 8, true), -EAGAIN);
	KT_ASSERT(screen_is("abc"), "^D is not echoed");
	kfree(tty);
}

KTEST(tty, control_echo_and_tabs)
{
	struct tty *tty = start();

	KT_ASSERT(tty, "no memory");
	type(tty, "\x01");
	KT_ASSERT(screen_is("^A"), "ECHOCTL shows ^A");
	type(tty, "\x7f");
	KT_ASSERT(screen_is("^A\b \b\b \b"), "and rubs out both cells");
	screen_len = 0;
	type(tty, "a\t\x7f");
	/* a at column 0, the tab to 8; erasing it goes back to column 1. */
	KT_ASSERT(screen_is("a\t\b\b\b\b\b\b\b"), "tab erase: %.*s",
		  (int)screen_len, screen);
	type(tty, "\x16\x7f\n"); /* ^V DEL: a literal DEL */
	KT_ASSERT(reads(tty, 64, "a\x7f\n"), "^V quotes the next byte");
	kfree(tty);
}

KTEST(tty, signal_characters_flush)
{
	struct tty *tty = start();

	KT_ASSERT(tty, "no memory");
	type(tty, "abc\x03");
	KT_ASSERT_EQ(tty_readable(tty), 0);
	type(tty, "\n");
	KT_ASSERT(reads(tty, 64, "\n"), "^C threw the line away");
	KT_ASSERT(screen_is("abc^C\r\n"), "^C echoes: %.*s", (int)screen_len,
		  screen);
	tty->termios.c_lflag &= ~(uint32_t)ISIG;
	type(tty, "\x03\n");
	KT_ASSERT(reads(tty, 64, "\x03\n"), "without ISIG ^C is data");
	kfree(tty);
}

KTEST(tty, raw_vmin_vtime)
{
	struct tty *tty = start();
	uint64_t t0;
	char buf[8];

	KT_ASSERT(tty, "no memory");
	set_raw(tty, 0, 0);
	KT_ASSERT_EQ(tty_read(tty, buf, 8, false), 0); /* polling read */
	type(tty, "x\r");
	KT_ASSERT(reads(tty, 8, "x\n"), "bytes one by one, ICRNL still on");
	set_raw(tty, 0, 1);
	t0 = time_ns();
	KT_ASSERT_EQ(tty_read(tty, buf, 8, false), 0); /* VTIME ran out */
	KT_ASSERT(time_ns() - t0 >= 90000000ULL, "VTIME 1 waited %lu ns",
		  time_ns() - t0);
	set_raw(tty, 3, 0);
	type(tty, "abcd");
	KT_ASSERT_EQ(tty_read(tty, buf, 8, false), 4); /* at least VMIN */
	set_raw(tty, 5, 1);
	type(tty, "ab");
	t0 = time_ns();
	KT_ASSERT_EQ(tty_read(tty, buf, 8, false), 2); /* the byte timer */
	KT_ASSERT(time_ns() - t0 >= 90000000ULL, "inter-byte timer");
	KT_ASSERT_EQ(tty_read(tty, buf, 8, true), -EAGAIN);
	kfree(tty);
}

KTEST(tty, mode_switch)
{
	struct tty *tty = start();

	KT_ASSERT(tty, "no memory");
	type(tty, "half");
	set_raw(tty, 1, 0);
	KT_ASSERT_EQ(tty_readable(tty), 4);
	KT_ASSERT(reads(tty, 2, "ha"), "raw reads the unfinished line");
	type(tty, "\x7f"); /* no editing in raw mode: DEL is data */
	KT_ASSERT(reads(tty, 8, "lf\x7f"), "DEL as data");
	type(tty, "ab");
	tty_set_termios(tty, &(struct termios)TTY_STD_TERMIOS, false);
	type(tty, "c\n");
	KT_ASSERT(reads(tty, 8, "abc\n"), "unread bytes begin the line");
	type(tty, "zz");
	tty_set_termios(tty, &tty->termios, true);
	type(tty, "\n");
	KT_ASSERT(reads(tty, 8, "\n"), "TCSETSF flushed the input");
	kfree(tty);
}

KTEST(tty, output_processing)
{
	struct tty *tty = start();

	KT_ASSERT(tty, "no memory");
	KT_ASSERT_EQ(tty_write(tty, "a\nb", 3), 3);
	KT_ASSERT(screen_is("a\r\nb"), "ONLCR");
	screen_len = 0;
	tty->termios.c_oflag &= ~(uint32_t)OPOST;
	tty_write(tty, "a\nb", 3);
	KT_ASSERT(screen_is("a\nb"), "no OPOST: bytes as they are");
	kfree(tty);
}

KTEST(tty, full_buffer)
{
	struct tty *tty = start();
	char *buf = kmalloc(TTY_BUF_SIZE);

	KT_ASSERT(tty && buf, "no memory");
	tty->termios.c_lflag &= ~(uint32_t)ECHO;
	for (int i = 0; i < TTY_BUF_SIZE + 100; i++)
		tty_receive(tty, 'x');
	type_bytes(tty, "\n", 1); /* room was kept for the line's end */
	KT_ASSERT_EQ(tty_readable(tty), TTY_BUF_SIZE);
	KT_ASSERT_EQ(tty_read(tty, buf, TTY_BUF_SIZE, true), TTY_BUF_SIZE);
	KT_ASSERT_EQ(buf[TTY_BUF_SIZE - 1], '\n');
	for (int i = 0; i < TTY_BUF_SIZE + 100; i++)
		tty_receive(tty, '\n'); /* a ring full of empty lines */
	KT_ASSERT_EQ(tty_readable(tty), TTY_BUF_SIZE);
	kfree(buf);
	kfree(tty);
}
