/*
 * Terminals. A struct tty sits between a device that moves bytes (the
 * console: serial line, VGA screen and keyboard) and the processes that
 * read and write it, and does what Linux's N_TTY line discipline does:
 *
 *   input   bytes typed -> tty_receive: ^C ^\ ^Z become signals for the
 *           foreground process group; in canonical mode lines are edited
 *           (erase, kill, word erase) and handed out a line at a time,
 *           ^D ends the input; otherwise bytes go out as VMIN and VTIME
 *           say; everything is echoed as asked
 *   output  bytes written -> output processing (\n becomes \r\n) -> device
 *   control termios (TCGETS/TCSETS), the window size, the foreground
 *           process group and the session the terminal controls
 *
 * The layouts and numbers are Linux's x86-64 ones (include/uapi/asm-
 * generic/termbits.h, ioctls.h), so that musl's tcgetattr works unchanged.
 * docs/tty.md has the pictures.
 */
#ifndef KESTREL_TTY_H
#define KESTREL_TTY_H

#include "fs/vfs.h"
#include "lib/spinlock.h"
#include "sched/sched.h"

/* struct termios as the TCGETS ioctl passes it: the kernel's, 36 bytes
 * (C libraries have their own, longer one and convert). */
#define NCCS 19
struct termios {
	uint32_t c_iflag;
	uint32_t c_oflag;
	uint32_t c_cflag;
	uint32_t c_lflag;
	uint8_t c_line;
	uint8_t c_cc[NCCS];
};

struct winsize {
	uint16_t ws_row, ws_col;
	uint16_t ws_xpixel, ws_ypixel;
};

/* c_cc indexes */
#define VINTR 0
#define VQUIT 1
#define VERASE 2
#define VKILL 3
#define VEOF 4
#define VTIME 5
#define VMIN 6
#define VSWTC 7
#define VSTART 8
#define VSTOP 9
#define VSUSP 10
#define VEOL 11
#define VREPRINT 12
#define VDISCARD 13
#define VWERASE 14
#define VLNEXT 15
#define VEOL2 16
#define POSIX_VDISABLE 0 /* a c_cc entry of 0 matches no byte */

/* c_iflag */
#define IGNBRK 0000001
#define BRKINT 0000002
#define ISTRIP 0000040
#define INLCR 0000100
#define IGNCR 0000200
#define ICRNL 0000400
#define IXON 0002000
/* c_oflag */
#define OPOST 0000001
#define ONLCR 0000004
#define OCRNL 0000010
/* c_cflag */
#define B38400 0000017
#define CS8 0000060
#define CREAD 0000200
#define HUPCL 0002000
/* c_lflag */
#define ISIG 0000001
#define ICANON 0000002
#define ECHO 0000010
#define ECHOE 0000020
#define ECHOK 0000040
#define ECHONL 0000100
#define NOFLSH 0000200
#define TOSTOP 0000400
#define ECHOCTL 0001000
#define ECHOKE 0004000
#define IEXTEN 0100000

/* ioctl commands (include/uapi/asm-generic/ioctls.h) */
#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TCFLSH 0x540B
#define TIOCSCTTY 0x540E
#define TIOCGPGRP 0x540F
#define TIOCSPGRP 0x5410
#define TIOCOUTQ 0x5411
#define TIOCSTI 0x5412
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define TIOCGSID 0x5429
/* TCFLSH's argument */
#define TCIFLUSH 0
#define TCOFLUSH 1
#define TCIOFLUSH 2

/* Linux's default control characters (INIT_C_CC): ^C ^\ DEL ^U ^D, TIME 0,
 * MIN 1, -, ^Q ^S ^Z, -, ^R ^O ^W ^V. */
#define TTY_STD_CC "\003\034\177\025\004\0\1\0\021\023\032\0\022\017\027\026"

/* Linux's defaults (tty_std_termios): cooked, echoing, signals on. */
#define TTY_STD_TERMIOS                                                     \
	{                                                                   \
		.c_iflag = ICRNL, .c_oflag = OPOST | ONLCR,                 \
		.c_cflag = B38400 | CS8 | CREAD | HUPCL,                    \
		.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | \
			   ECHOKE | IEXTEN,                                 \
		.c_cc = TTY_STD_CC,                                         \
	}

#define TTY_BUF_SIZE 4096 /* bytes of input waiting to be read */

struct tty {
	/* Set at creation, constant afterwards. output writes bytes to the
	 * device as they are (output processing is done); it is called
	 * with the tty lock held, from interrupt handlers too (echo). */
	const char *name;
	void (*output)(struct tty *tty, const char *buf, size_t len);
	struct tty *next; /* the list of terminals (tty_device.c's lock) */

	/* Held by a write(2) or writev(2) from its first byte to its last
	 * (tty_device.c), so one call's bytes are never mixed with
	 * another's, as Linux's atomic_write_lock keeps them: two processes
	 * printing lines on -smp 4 print whole lines. Echo and the
	 * kernel's messages do not take it. */
	struct sleeplock write_lock;

	/* The tty lock ("tty", a spinlock: interrupt handlers take it)
	 * protects everything below. */
	struct spinlock lock;
	struct termios termios;
	struct winsize winsize;
	/*
	 * Input, a ring indexed by free-running counters (mod TTY_BUF_SIZE):
	 *   [read_pos, canon_pos)   complete lines, readable in canonical mode
	 *   [canon_pos, write_pos)  the line being edited (canonical mode)
	 * In non-canonical mode all of [read_pos, write_pos) is readable.
	 * mark[] says which bytes end a line, and which is a ^D (not data).
	 */
	char buf[TTY_BUF_SIZE];
	uint8_t mark[TTY_BUF_SIZE];
	unsigned int read_pos, canon_pos, write_pos;
	bool literal_next;         /* ^V was typed: take the next byte as is */
	unsigned int column;       /* of the output cursor, to erase tabs */
	unsigned int canon_column; /* where the line being edited began */
	int session;               /* the session it controls, or 0 */
	int pgrp;                  /* its foreground process group, or 0 */
	struct waitqueue readers;
};

/* A terminal defined statically: struct tty t = TTY_INIT(...). */
#define TTY_INIT(name_, output_)                                          \
	{                                                                 \
		.name = (name_), .output = (output_),                     \
		.write_lock = SLEEPLOCK_INIT("tty write"),                \
		.lock = SPINLOCK_INIT("tty"), .termios = TTY_STD_TERMIOS, \
		.winsize = { .ws_row = 25, .ws_col = 80 },                \
		.readers = WAITQUEUE_INIT,                                \
	}

/* The console's terminal (console.c): serial line, VGA and keyboard. */
extern struct tty console_tty;

/* Boot: register the terminal devices, /dev/console (5,1) and /dev/tty
 * (5,0: the opener's controlling terminal). */
void tty_init(void);
/* A new terminal on the heap (kfree it), not registered: for tests. */
struct tty *tty_alloc(const char *name,
		      void (*output)(struct tty *tty, const char *buf,
				     size_t len));

/* The device received byte c: the line discipline. Callable from
 * interrupt handlers; sends job-control signals, wakes readers. */
void tty_receive(struct tty *tty, char c);
/* Read into kernel memory, as read(2) on the terminal (canonical lines,
 * or VMIN/VTIME): bytes read, 0 at end of input (^D), -EAGAIN when
 * nonblock and nothing is there, -ERESTARTSYS on a signal. Sleeps. */
ssize_t tty_read(struct tty *tty, char *buf, size_t n, bool nonblock);
/* Write from kernel memory with output processing: bytes written. */
ssize_t tty_write(struct tty *tty, const char *buf, size_t n);
/* TCSETS (TCSETSF with flush: the unread input is thrown away first).
 * Turning ICANON on makes the unread bytes the start of the line being
 * edited; turning it off makes the line being edited readable. */
void tty_set_termios(struct tty *tty, const struct termios *t, bool flush);
/* The bytes a read would find now (FIONREAD). */
unsigned int tty_readable(struct tty *tty);
/* TCFLSH: throw away the input not yet read. */
void tty_flush_input(struct tty *tty);

/* The file operations of a terminal device (tty_device.c); f->private
 * is the tty. */
extern const struct file_operations tty_fops;

#endif
