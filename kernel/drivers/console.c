/*
 * The console: kernel output goes to the serial line and the VGA screen;
 * input from the serial line and the PS/2 keyboard meets in one queue.
 *
 * Output is written whole under console_lock, so lines from different CPUs
 * and from interrupt handlers never interleave. Input is a ring buffer the
 * interrupt handlers fill (under input_lock) and readers drain.
 */
#include "arch/x86_64/arch.h"
#include "drivers/drivers.h"
#include "lib/spinlock.h"
#include "sched/sched.h"

#define KPRINTF_MAX 512
#define INPUT_SIZE 256

static struct spinlock console_lock = SPINLOCK_INIT("console");

static struct spinlock input_lock = SPINLOCK_INIT("console input");
static struct waitqueue input_wait = WAITQUEUE_INIT; /* readers */
/* Protected by input_lock. read == write means empty. */
static char input[INPUT_SIZE];
static unsigned int input_read, input_write;

static void write_locked(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			uart_putc('\r');
		uart_putc(buf[i]);
		vga_putc(buf[i]);
	}
}

void console_write(const char *buf, size_t len)
{
	spin_lock(&console_lock);
	write_locked(buf, len);
	spin_unlock(&console_lock);
}

void console_break_lock(void)
{
	spin_init(&console_lock, "console");
}

int kvprintf(const char *fmt, va_list ap)
{
	char buf[KPRINTF_MAX];
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);

	console_write(buf, MIN((size_t)n, sizeof(buf) - 1));
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

void console_input(char c)
{
	spin_lock(&input_lock);
	/* When full, the newest byte is dropped, as a UART would. */
	if (input_write - input_read < INPUT_SIZE)
		input[input_write++ % INPUT_SIZE] = c;
	wake_up(&input_wait);
	spin_unlock(&input_lock);
}

int console_getc_nowait(void)
{
	int c = -EAGAIN;

	spin_lock(&input_lock);
	if (input_read != input_write)
		c = (unsigned char)input[input_read++ % INPUT_SIZE];
	spin_unlock(&input_lock);
	return c;
}

/* Sleep until a byte is typed; console_input wakes us under the same
 * lock, so no byte is missed (kernel/sched/sched.h). */
static char getc_wait(void)
{
	char c;

	spin_lock(&input_lock);
	while (input_read == input_write)
		sleep_on(&input_wait, &input_lock);
	c = input[input_read++ % INPUT_SIZE];
	spin_unlock(&input_lock);
	return c;
}

#define CTRL(c) ((c) - '@')
#define ESC 0x1b

/* After an ESC: swallow a VT100 sequence (ESC [ params final, or ESC O x)
 * such as a cursor key sends, since this line editor cannot move the
 * cursor. Returns the byte that follows a lone ESC, or 0. */
static char skip_escape_sequence(void)
{
	char c = getc_wait();

	if (c == 'O') {
		getc_wait();
		return 0;
	}
	if (c != '[')
		return c;
	do {
		c = getc_wait();
	} while (c >= 0x30 && c <= 0x3f); /* parameter bytes: digits ; ? */
	return 0;
}

int console_readline(char *buf, size_t size)
{
	size_t len = 0;
	char pending = 0;

	for (;;) {
		char c = pending ? pending : getc_wait();

		pending = 0;
		if (c == ESC) {
			pending = skip_escape_sequence();
			continue;
		}

		if (c == '\r' || c == '\n') {
			console_write("\n", 1);
			buf[len] = '\0';
			return len;
		} else if (c == CTRL('D') && len == 0) {
			return -1;
		} else if (c == '\b' || c == 0x7f) {
			if (len > 0) {
				len--;
				console_write("\b \b", 3);
			}
		} else if (c == CTRL('U')) {
			for (; len > 0; len--)
				console_write("\b \b", 3);
		} else if ((unsigned char)c >= ' ' && len + 1 < size) {
			buf[len++] = c;
			console_write(&c, 1);
		}
	}
}
