/*
 * The console: kernel output goes to the serial line and the VGA screen;
 * input from the serial line and the PS/2 keyboard goes to one terminal,
 * console_tty (drivers/tty.h), whose line discipline edits, echoes and
 * turns ^C into signals. Programs use it as /dev/console; before there
 * are programs, the monitor reads lines from it with console_readline.
 *
 * Output is written whole under console_lock, so lines from different CPUs
 * and from interrupt handlers never interleave. Every kprintf line is
 * also kept in the kernel log (lib/klog.h) for dmesg. docs/console.md.
 */
#include "arch/x86_64/arch.h"
#include "drivers/drivers.h"
#include "drivers/tty.h"
#include "lib/klog.h"
#include "lib/spinlock.h"

#define KPRINTF_MAX 512

static struct spinlock console_lock = SPINLOCK_INIT("console");

static void tty_output(struct tty *tty, const char *buf, size_t len);

struct tty console_tty = TTY_INIT("console", tty_output);

/* Kernel messages: a '\n' is "\r\n" on the serial line. */
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

/* The terminal's output, already processed (ONLCR made "\r\n" if asked):
 * to both devices as it is. */
static void tty_output(struct tty *tty, const char *buf, size_t len)
{
	spin_lock(&console_lock);
	for (size_t i = 0; i < len; i++) {
		uart_putc(buf[i]);
		vga_putc(buf[i]);
	}
	spin_unlock(&console_lock);
}

void console_break_lock(void)
{
	spin_init(&console_lock, "console");
	klog_break_lock();
}

int kvprintf(const char *fmt, va_list ap)
{
	char buf[KPRINTF_MAX];
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = MIN((size_t)n, sizeof(buf) - 1);

	klog_write(buf, len);
	console_write(buf, len);
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
	tty_receive(&console_tty, c);
}

int console_readline(char *buf, size_t size)
{
	ssize_t n;

	do {
		n = tty_read(&console_tty, buf, size - 1, false);
	} while (n < 0); /* a kernel task gets no signals: not expected */
	if (n == 0)
		return -1; /* ^D on an empty line */
	if (buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return (int)n;
}
