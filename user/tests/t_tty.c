/*
 * t_tty: the terminal line discipline, driven by typing into a terminal.
 * On Linux the terminal is a new pseudo-terminal and the test types by
 * writing to its master side; on Kestrel, which has no pseudo-terminals,
 * it is the controlling terminal (/dev/tty, the console) and the test
 * types with TIOCSTI. Either way the same checks follow: Linux's default
 * termios, TCGETS/TCSETS round trips, canonical lines with erase (DEL),
 * word erase (^W), kill (^U), literal next (^V) and end of file (^D), CR
 * to NL, VMIN/VTIME in non-canonical mode, O_NONBLOCK, FIONREAD, TCFLSH,
 * the window size, and ^C ^\ ^Z reaching the foreground process group
 * (TIOCSPGRP). The echo is checked on Linux only (there the master side
 * reads it; on Kestrel it goes to the screen). Without a terminal on
 * Kestrel (no controlling terminal) the program says so and checks
 * nothing.
 */
#include "t.h"

#include <sys/ioctl.h>
#include <termios.h>

#define SETTLE_US 30000 /* for Linux's pty to pass typed bytes on */

static struct {
	int fd;     /* the terminal under test */
	int master; /* Linux: the pty master, which types; -1 on Kestrel */
	struct termios saved;
} term = { .fd = -1, .master = -1 };

/* Type s into fd's terminal (fd: term.fd, or another open of it). */
static void type_on(int fd, const char *s)
{
	size_t n = strlen(s);

	if (term.master >= 0) {
		CHECK_EQ(write(term.master, s, n), (ssize_t)n);
		usleep(SETTLE_US);
		return;
	}
	for (size_t i = 0; i < n; i++)
		CHECK_OK(ioctl(fd, TIOCSTI, &s[i]));
}

static void type(const char *s)
{
	type_on(term.fd, s);
}

/* What the master side reads now (Linux), as a string. */
static const char *echoed(void)
{
	static char buf[256];
	ssize_t n = read(term.master, buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void drain_master(void)
{
	if (term.master >= 0)
		while (*echoed())
			;
}

/* The saved (default) settings with echo off, and no input waiting. */
static void reset(void)
{
	struct termios t = term.saved;

	t.c_lflag &= ~(tcflag_t)ECHO;
	CHECK_OK(tcsetattr(term.fd, TCSAFLUSH, &t));
	drain_master();
}

/* Change the settings: clear clear_lflag, and set VMIN and VTIME. */
static void set_mode(tcflag_t clear_lflag, int vmin, int vtime)
{
	struct termios t;

	CHECK_OK(tcgetattr(term.fd, &t));
	t.c_lflag &= ~clear_lflag;
	t.c_cc[VMIN] = (cc_t)vmin;
	t.c_cc[VTIME] = (cc_t)vtime;
	CHECK_OK(tcsetattr(term.fd, TCSANOW, &t));
}

/* read(2) of at most n bytes must give exactly want. */
static void read_is(size_t n, const char *want)
{
	char buf[256];
	ssize_t r = read(term.fd, buf, n < sizeof(buf) ? n : sizeof(buf));

	CHECK_EQ(r, (ssize_t)strlen(want));
	CHECK(r >= 0 && memcmp(buf, want, (size_t)r) == 0);
}

static int open_terminal(void)
{
	if (t_on_linux()) {
		term.master = posix_openpt(O_RDWR | O_NOCTTY);
		if (term.master < 0 || grantpt(term.master) ||
		    unlockpt(term.master))
			return -1;
		term.fd = open(ptsname(term.master), O_RDWR | O_NOCTTY);
		fcntl(term.master, F_SETFL, O_NONBLOCK);
	} else {
		term.fd = open("/dev/tty", O_RDWR);
	}
	if (term.fd < 0 || tcgetattr(term.fd, &term.saved) < 0)
		return -1;
	return 0;
}

static void defaults(void)
{
	const struct termios *t = &term.saved;
	tcflag_t lflags = ICANON | ECHO | ECHOE | ECHOK | ISIG | IEXTEN |
			  ECHOCTL | ECHOKE;

	CHECK_EQ(t->c_lflag & lflags, lflags);
	CHECK_EQ(t->c_oflag & (OPOST | ONLCR), OPOST | ONLCR);
	CHECK(t->c_iflag & ICRNL);
	CHECK_EQ(t->c_cc[VINTR], 003);
	CHECK_EQ(t->c_cc[VQUIT], 034);
	CHECK_EQ(t->c_cc[VERASE], 0177);
	CHECK_EQ(t->c_cc[VKILL], 025);
	CHECK_EQ(t->c_cc[VEOF], 004);
	CHECK_EQ(t->c_cc[VSUSP], 032);
	CHECK_EQ(t->c_cc[VWERASE], 027);
	CHECK_EQ(t->c_cc[VLNEXT], 026);
	CHECK_EQ(t->c_cc[VMIN], 1);
	CHECK_EQ(t->c_cc[VTIME], 0);
}

static void termios_round_trip(void)
{
	struct termios t, back;
	int actions[] = { TCSANOW, TCSADRAIN, TCSAFLUSH };

	for (int i = 0; i < 3; i++) {
		t = term.saved;
		t.c_lflag &= ~(tcflag_t)(ECHO | ICANON);
		t.c_cc[VMIN] = (cc_t)(7 + i);
		t.c_cc[VTIME] = 3;
		CHECK_OK(tcsetattr(term.fd, actions[i], &t));
		CHECK_OK(tcgetattr(term.fd, &back));
		CHECK_EQ(back.c_lflag, t.c_lflag);
		CHECK_EQ(back.c_iflag, t.c_iflag);
		CHECK_EQ(back.c_oflag, t.c_oflag);
		CHECK_EQ(back.c_cc[VMIN], 7 + i);
		CHECK_EQ(back.c_cc[VTIME], 3);
	}
	CHECK_ERR(tcsetattr(term.fd, TCSANOW, (struct termios *)8), EFAULT);
	reset();
}

static void canonical_lines(void)
{
	reset();
	type("hello\n");
	read_is(100, "hello\n");
	type("abcdef\nxy\n");
	read_is(3, "abc");
	read_is(100, "def\n"); /* a read ends with its line */
	read_is(100, "xy\n");
	type("a\r");
	read_is(100, "a\n"); /* ICRNL */
}

static void editing(void)
{
	reset();
	type("abx\177c\n");
	read_is(100, "abc\n");
	type("foo bar\027baz\n");
	read_is(100, "foo baz\n");
	type("junk\025ok\n");
	read_is(100, "ok\n");
	type("\026\177\n"); /* ^V DEL: the DEL itself */
	read_is(100, "\177\n");
	if (t_on_linux()) {
		t_kestrel_only("^H erases as DEL does");
	} else {
		type("ay\bb\n");
		read_is(100, "ab\n");
	}
}

static void end_of_file(void)
{
	reset();
	type("abc\004");
	read_is(100, "abc"); /* ^D hands over the line so far */
	type("\004");
	read_is(100, ""); /* on an empty line it is the end of input */
	type("x\n");
	read_is(100, "x\n"); /* and the terminal reads on afterwards */
}

static void noncanonical(void)
{
	struct timespec t0, t1;
	long ms;

	reset();
	set_mode(ICANON, 0, 0);
	read_is(10, ""); /* MIN 0, TIME 0: whatever is there */
	type("xy");
	read_is(10, "xy");
	set_mode(ICANON, 0, 2);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	read_is(10, ""); /* MIN 0, TIME 2: nothing within 0.2 s */
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	     (t1.tv_nsec - t0.tv_nsec) / 1000000;
	CHECK(ms >= 150);
	set_mode(ICANON, 3, 0);
	type("abc\177");
	read_is(10, "abc\177"); /* MIN 3, and no editing */
	reset();
}

static void nonblocking_and_counts(void)
{
	int flags = fcntl(term.fd, F_GETFL);
	int n = -1;

	reset();
	CHECK_OK(fcntl(term.fd, F_SETFL, flags | O_NONBLOCK));
	CHECK_ERR(read(term.fd, &n, 1), EAGAIN);
	type("abc\nde");
	CHECK_OK(ioctl(term.fd, FIONREAD, &n));
	CHECK_EQ(n, 4); /* the complete line only */
	read_is(100, "abc\n");
	CHECK_ERR(read(term.fd, &n, 1), EAGAIN); /* "de" is no line yet */
	CHECK_OK(tcflush(term.fd, TCIFLUSH));
	type("\n");
	read_is(100, "\n"); /* the flush threw "de" away */
	CHECK_OK(fcntl(term.fd, F_SETFL, flags));
}

static void window_size(void)
{
	struct winsize ws, saved, back;

	CHECK_OK(ioctl(term.fd, TIOCGWINSZ, &saved));
	ws = (struct winsize){ .ws_row = 30, .ws_col = 100 };
	CHECK_OK(ioctl(term.fd, TIOCSWINSZ, &ws));
	CHECK_OK(ioctl(term.fd, TIOCGWINSZ, &back));
	CHECK_EQ(back.ws_row, 30);
	CHECK_EQ(back.ws_col, 100);
	CHECK_OK(ioctl(term.fd, TIOCSWINSZ, &saved));
	if (!t_on_linux()) {
		CHECK_EQ(saved.ws_row, 25);
		CHECK_EQ(saved.ws_col, 80);
	}
}

static void echo(void)
{
	struct termios t = term.saved;

	if (!t_on_linux()) {
		printf("note: the echo goes to Kestrel's screen: checked by "
		       "the kernel's tty tests\n");
		return;
	}
	reset();
	CHECK_OK(tcsetattr(term.fd, TCSANOW, &t)); /* echo on */
	type("ab\177\001\n");
	CHECK(strcmp(echoed(), "ab\b \b^A\r\n") == 0);
	read_is(100, "a\001\n");
	reset();
}

/*
 * In a new process group, made the terminal's foreground group, wait for
 * what typing c does to it: the signal that killed it, 100 + the signal
 * that stopped it, or 1 to 3 when something else went wrong. fd is this
 * process's controlling terminal.
 */
static int foreground_victim(int fd, const char *c)
{
	int ready[2], status, r;
	char byte = 0;
	pid_t v;

	if (pipe(ready) < 0)
		return 1;
	v = fork();
	if (v == 0) {
		/* The default actions, even if a shell ignored some of them
		 * (Kestrel's sh ignores SIGTSTP, and so its children do). */
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGTSTP, SIG_DFL);
		setpgid(0, 0);
		write(ready[1], "r", 1);
		for (;;)
			pause();
	}
	close(ready[1]);
	read(ready[0], &byte, 1); /* the victim is ready */
	close(ready[0]);
	setpgid(v, v);
	signal(SIGTTOU, SIG_IGN); /* tcsetpgrp from the background, later */
	if (byte != 'r' || tcsetpgrp(fd, v) < 0 || tcgetpgrp(fd) != v) {
		kill(v, SIGKILL);
		waitpid(v, NULL, 0);
		return 2;
	}
	type_on(fd, c);
	if (waitpid(v, &status, WUNTRACED) != v)
		return 3;
	r = WIFSIGNALED(status) ? WTERMSIG(status) : 3;
	if (WIFSTOPPED(status)) {
		kill(v, SIGKILL);
		waitpid(v, NULL, 0);
		r = 100 + WSTOPSIG(status);
	}
	return r;
}

/* Linux: a child in a session of its own, on the pty as its controlling
 * terminal, does it. Kestrel: this process, in the session of the
 * console. */
static int typed_signal(const char *c)
{
	pid_t pid;
	int r;

	if (!t_on_linux()) {
		r = foreground_victim(term.fd, c);
		CHECK_OK(tcsetpgrp(term.fd, getpgrp()));
		return r;
	}
	pid = fork();
	if (pid == 0) {
		int fd;

		setsid();
		fd = open(ptsname(term.master), O_RDWR); /* takes it */
		_exit(fd < 0 ? 4 : foreground_victim(fd, c));
	}
	r = t_wait(pid);
	return WIFEXITED(r) ? WEXITSTATUS(r) : 5;
}

static void job_control_signals(void)
{
	reset();
	CHECK_EQ(typed_signal("\003"), SIGINT);
	CHECK_EQ(typed_signal("\034"), SIGQUIT);
	CHECK_EQ(typed_signal("\032"), 100 + SIGTSTP);
	if (!t_on_linux()) {
		CHECK_EQ(tcgetpgrp(term.fd), getpgrp());
		CHECK_ERR(tcsetpgrp(term.fd, 999999), ESRCH);
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 60);
	if (open_terminal() < 0) {
		printf("note: no terminal to test (%s): nothing checked\n",
		       strerror(errno));
		return t_end();
	}
	RUN(defaults);
	RUN(termios_round_trip);
	RUN(canonical_lines);
	RUN(editing);
	RUN(end_of_file);
	RUN(noncanonical);
	RUN(nonblocking_and_counts);
	RUN(window_size);
	RUN(echo);
	RUN(job_control_signals);
	tcsetattr(term.fd, TCSAFLUSH, &term.saved);
	return t_end();
}
