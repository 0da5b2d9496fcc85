/*
 * The COM1 16550 UART: what the grader reads and types into. Output polls
 * the transmitter (simple, and safe in a panic); input is taken on the
 * receive interrupt and handed to the console. Register offsets from the
 * PC16550D data sheet, table 2.
 */
#include "arch/x86_64/arch.h"
#include "drivers/drivers.h"

#define COM1 0x3f8

#define UART_DATA 0         /* receive buffer / transmit holding (DLAB 0) */
#define UART_IER 1          /* interrupt enable (DLAB 0) */
#define UART_DIVISOR_LOW 0  /* (DLAB 1) */
#define UART_DIVISOR_HIGH 1 /* (DLAB 1) */
#define UART_FCR 2          /* FIFO control */
#define UART_LCR 3          /* line control */
#define UART_MCR 4          /* modem control */
#define UART_LSR 5          /* line status */
#define UART_SCRATCH 7

#define IER_RX_AVAILABLE 0x01
#define FCR_ENABLE_CLEAR 0x07 /* enable FIFOs, clear both */
#define LCR_8N1 0x03
#define LCR_DLAB 0x80
#define MCR_DTR_RTS_OUT2 0x0b /* OUT2 gates the IRQ line on PCs */
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

#define UART_CLOCK 115200 /* divisor 1 = 115200 baud */
#define BAUD 115200

/* Set by uart_init, the first thing kmain does, before any other CPU
 * runs or any interrupt is enabled; only read afterwards, so no lock.
 * The registers need none of their own either: uart_putc's callers hold
 * the console lock (console.c), and only uart_interrupt reads input. */
static bool present;

bool uart_present(void)
{
	return present;
}

void uart_init(void)
{
	/* The scratch register tells whether a UART is there at all. */
	outb(COM1 + UART_SCRATCH, 0x5a);
	if (inb(COM1 + UART_SCRATCH) != 0x5a)
		return;
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, LCR_DLAB);
	outb(COM1 + UART_DIVISOR_LOW, (UART_CLOCK / BAUD) & 0xff);
	outb(COM1 + UART_DIVISOR_HIGH, (UART_CLOCK / BAUD) >> 8);
	outb(COM1 + UART_LCR, LCR_8N1);
	outb(COM1 + UART_FCR, FCR_ENABLE_CLEAR);
	outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
	present = true;
}

void uart_putc(char c)
{
	if (!present)
		return;
	for (int spins = 0; spins < 100000; spins++)
		if (inb(COM1 + UART_LSR) & LSR_THR_EMPTY)
			break;
	outb(COM1 + UART_DATA, c);
}

static void uart_interrupt(void)
{
	while (inb(COM1 + UART_LSR) & LSR_DATA_READY)
		console_input(inb(COM1 + UART_DATA));
}

void uart_enable_irq(void)
{
	if (!present)
		return;
	irq_register_isa(ISA_IRQ_COM1, uart_interrupt);
	outb(COM1 + UART_IER, IER_RX_AVAILABLE);
	/* Drain anything typed before now. */
	uart_interrupt();
}
