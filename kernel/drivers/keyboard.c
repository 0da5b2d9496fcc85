/*
 * The PS/2 keyboard behind the i8042 controller: what a classroom types at
 * on the VGA console. Each key pressed or released makes the keyboard send
 * a scancode; the controller translates it to scancode set 1, holds it in
 * its one-byte output buffer and raises IRQ 1. The interrupt handler turns
 * scancodes into the bytes a terminal would send (US layout, Shift, Caps
 * Lock, Ctrl, VT100 escape sequences for the cursor keys) and hands them to
 * console_input(), the same terminal the serial line feeds.
 *
 *   key -> keyboard -> i8042 (set 2 -> set 1) -> IRQ 1 -> keyboard_interrupt
 *       -> scancode() -> key_event() -> console_input()
 *
 * Controller registers from the IBM PS/2 Hardware Interface Technical
 * Reference ("Keyboard/Auxiliary Device Controller") and the OSDev wiki
 * page '"8042" PS/2 Controller'; set 1 codes from the OSDev wiki page
 * "PS/2 Keyboard" (scan code set 1). docs/console.md has the picture.
 */
#include "arch/x86_64/arch.h"
#include "drivers/drivers.h"

/* ---- the i8042 controller -------------------------------------------- */

#define I8042_DATA 0x60    /* read: a byte from a device or a reply */
#define I8042_STATUS 0x64  /* read */
#define I8042_COMMAND 0x64 /* write */

#define STATUS_OUTPUT_FULL 0x01 /* a byte waits in I8042_DATA for us */
#define STATUS_INPUT_FULL 0x02  /* our last byte not taken yet: wait */
#define STATUS_AUX_DATA 0x20    /* the waiting byte is from the mouse port */
#define STATUS_ABSENT 0xff      /* what a floating bus reads: no 8042 */

#define CMD_READ_CONFIG 0x20  /* reply: the configuration byte */
#define CMD_WRITE_CONFIG 0x60 /* the next data byte is the new one */
#define CMD_DISABLE_AUX 0xa7  /* second (mouse) port off */
#define CMD_DISABLE_KBD 0xad  /* first (keyboard) port off */
#define CMD_ENABLE_KBD 0xae   /* first (keyboard) port on */

/* The controller's configuration byte. */
#define CONFIG_KBD_IRQ 0x01   /* IRQ 1 when a keyboard byte arrives */
#define CONFIG_AUX_IRQ 0x02   /* IRQ 12 when a mouse byte arrives */
#define CONFIG_TRANSLATE 0x40 /* translate set 2 to set 1 */

/* Status polls before deciding the controller is not answering. */
#define I8042_SPINS 100000
/* Bytes to throw away when flushing: more than the keyboard's own
 * buffer (16 bytes) can hold. */
#define I8042_FLUSH_MAX 32

/* ---- scancode set 1 --------------------------------------------------- */

#define SC_RELEASE 0x80  /* or-ed into a key's code when it goes up */
#define SC_EXTENDED 0xe0 /* the next code is a grey (extended) key */
#define SC_PAUSE 0xe1    /* Pause sends e1 1d 45 e1 9d c5 */
#define SC_PAUSE_TAIL 2  /* bytes that follow each e1 */
#define SC_CODES 0x80    /* codes without the release bit */

#define SC_LEFT_SHIFT 0x2a
#define SC_RIGHT_SHIFT 0x36
#define SC_CTRL 0x1d /* left; e0 1d is right Ctrl */
#define SC_CAPS_LOCK 0x3a

/* Modifier keys held down, as bits of `modifiers`. */
#define MOD_LEFT_SHIFT 0x01
#define MOD_RIGHT_SHIFT 0x02
#define MOD_LEFT_CTRL 0x04
#define MOD_RIGHT_CTRL 0x08
#define MOD_CAPS_LOCK 0x10 /* the key, not the lock state */
#define MOD_SHIFT (MOD_LEFT_SHIFT | MOD_RIGHT_SHIFT)
#define MOD_CTRL (MOD_LEFT_CTRL | MOD_RIGHT_CTRL)

#define ESC 0x1b
#define DEL 0x7f /* what Backspace sends, as on a Linux console */

/* The US layout: the byte each set 1 code types, without and with Shift.
 * 0 means the key types nothing. The keypad types its digits and
 * operators (Num Lock is taken to be on). */
static const char keymap[SC_CODES] = {
	/* 0x00 */ 0,    ESC, '1', '2',  '3',  '4', '5', '6',
	/* 0x08 */ '7',  '8', '9', '0',  '-',  '=', DEL, '\t',
	/* 0x10 */ 'q',  'w', 'e', 'r',  't',  'y', 'u', 'i',
	/* 0x18 */ 'o',  'p', '[', ']',  '\r', 0,   'a', 's',
	/* 0x20 */ 'd',  'f', 'g', 'h',  'j',  'k', 'l', ';',
	/* 0x28 */ '\'', '`', 0,   '\\', 'z',  'x', 'c', 'v',
	/* 0x30 */ 'b',  'n', 'm', ',',  '.',  '/', 0,   '*',
	/* 0x38 */ 0,    ' ', 0,   0,    0,    0,   0,   0,
	/* 0x40 */ 0,    0,   0,   0,    0,    0,   0,   '7',
	/* 0x48 */ '8',  '9', '-', '4',  '5',  '6', '+', '1',
	/* 0x50 */ '2',  '3', '0', '.',
};

static const char keymap_shift[SC_CODES] = {
	/* 0x00 */ 0,   ESC, '!', '@', '#',  '$', '%', '^',
	/* 0x08 */ '&', '*', '(', ')', '_',  '+', DEL, '\t',
	/* 0x10 */ 'Q', 'W', 'E', 'R', 'T',  'Y', 'U', 'I',
	/* 0x18 */ 'O', 'P', '{', '}', '\r', 0,   'A', 'S',
	/* 0x20 */ 'D', 'F', 'G', 'H', 'J',  'K', 'L', ':',
	/* 0x28 */ '"', '~', 0,   '|', 'Z',  'X', 'C', 'V',
	/* 0x30 */ 'B', 'N', 'M', '<', '>',  '?', 0,   '*',
	/* 0x38 */ 0,   ' ', 0,   0,   0,    0,   0,   0,
	/* 0x40 */ 0,   0,   0,   0,   0,    0,   0,   '7',
	/* 0x48 */ '8', '9', '-', '4', '5',  '6', '+', '1',
	/* 0x50 */ '2', '3', '0', '.',
};

/* The grey keys (e0 prefix) and what a Linux console sends for each. */
static const char *const extended_keys[SC_CODES] = {
	[0x1c] = "\r",      /* keypad Enter */
	[0x35] = "/",       /* keypad / */
	[0x47] = "\033[1~", /* Home */
	[0x48] = "\033[A",  /* Up */
	[0x49] = "\033[5~", /* Page Up */
	[0x4b] = "\033[D",  /* Left */
	[0x4d] = "\033[C",  /* Right */
	[0x4f] = "\033[4~", /* End */
	[0x50] = "\033[B",  /* Down */
	[0x51] = "\033[6~", /* Page Down */
	[0x52] = "\033[2~", /* Insert */
	[0x53] = "\033[3~", /* Delete */
};

/*
 * Decoder state, touched only by keyboard_interrupt(). IRQ 1 is routed to
 * one CPU and runs through an interrupt gate (IF clear), so the handler
 * never runs twice at once and needs no lock.
 */
static bool extended;           /* the last byte was SC_EXTENDED */
static unsigned int pause_skip; /* bytes of a Pause sequence still to skip */
static unsigned int modifiers;  /* MOD_* bits of the keys held down */
static bool caps_lock;          /* Caps Lock is on */

/* ---- controller access, used only by keyboard_init -------------------- */

static bool wait_status(uint8_t mask, uint8_t want)
{
	for (int spins = 0; spins < I8042_SPINS; spins++)
		if ((inb(I8042_STATUS) & mask) == want)
			return true;
	return false;
}

/* Write a byte to port once the controller has taken the previous one. */
static int i8042_write(uint16_t port, uint8_t value)
{
	if (!wait_status(STATUS_INPUT_FULL, 0))
		return -ENODEV;
	outb(port, value);
	return 0;
}

/* Throw away whatever waits in the output buffer. */
static void i8042_flush(void)
{
	for (int i = 0; i < I8042_FLUSH_MAX; i++) {
		if (!(inb(I8042_STATUS) & STATUS_OUTPUT_FULL))
			return;
		inb(I8042_DATA);
	}
}

/* The configuration byte (0..255), or -ENODEV. */
static int i8042_read_config(void)
{
	if (i8042_write(I8042_COMMAND, CMD_READ_CONFIG) < 0 ||
	    !wait_status(STATUS_OUTPUT_FULL, STATUS_OUTPUT_FULL))
		return -ENODEV;
	return inb(I8042_DATA);
}

static int i8042_write_config(uint8_t config)
{
	if (i8042_write(I8042_COMMAND, CMD_WRITE_CONFIG) < 0)
		return -ENODEV;
	return i8042_write(I8042_DATA, config);
}

/* ---- decoding --------------------------------------------------------- */

/* The modifier bit a key is, or 0. e0 2a and e0 36 are "fake shifts"
 * some keyboards wrap around the grey keys; they are not Shift. */
static unsigned int modifier_of(uint8_t code, bool grey)
{
	switch (code) {
	case SC_LEFT_SHIFT:
		return grey ? 0 : MOD_LEFT_SHIFT;
	case SC_RIGHT_SHIFT:
		return grey ? 0 : MOD_RIGHT_SHIFT;
	case SC_CTRL:
		return grey ? MOD_RIGHT_CTRL : MOD_LEFT_CTRL;
	case SC_CAPS_LOCK:
		return grey ? 0 : MOD_CAPS_LOCK;
	}
	return 0;
}

/* Ctrl with a letter or one of @ [ \ ] ^ _ gives the control character
 * 0x00-0x1f (^C = 0x03); Ctrl with anything else changes nothing. */
static char control(char c)
{
	if (c >= 'a' && c <= 'z')
		c -= 'a' - 'A';
	if (c >= '@' && c <= '_')
		return c & 0x1f;
	return c;
}

/* The byte a key of the main block or keypad types now, or 0. */
static char translate(uint8_t code)
{
	bool shift = modifiers & MOD_SHIFT;
	char c = keymap[code];

	if (caps_lock && c >= 'a' && c <= 'z')
		shift = !shift;
	if (shift)
		c = keymap_shift[code];
	if (modifiers & MOD_CTRL)
		c = control(c);
	return c;
}

static void key_press(uint8_t code, bool grey)
{
	if (grey) {
		for (const char *s = extended_keys[code]; s && *s; s++)
			console_input(*s);
	} else {
		char c = translate(code);

		if (c)
			console_input(c);
	}
}

/* A key went down (or repeats while held) or came up. Only modifiers
 * care about releases. A held Caps Lock repeats its code; only the
 * first press toggles the lock. */
static void key_event(uint8_t code, bool down, bool grey)
{
	unsigned int mod = modifier_of(code, grey);

	if (!mod) {
		if (down)
			key_press(code, grey);
		return;
	}
	if (mod == MOD_CAPS_LOCK && down && !(modifiers & MOD_CAPS_LOCK))
		caps_lock = !caps_lock;
	if (down)
		modifiers |= mod;
	else
		modifiers &= ~mod;
}

/* One byte from the keyboard: a prefix, or a key's code. Bytes that are
 * not keys (0xfa acknowledge, 0xaa self-test passed...) land on codes the
 * tables leave empty or on a Shift release, and do no harm. */
static void scancode(uint8_t byte)
{
	if (pause_skip > 0) {
		pause_skip--;
	} else if (byte == SC_PAUSE) {
		pause_skip = SC_PAUSE_TAIL;
	} else if (byte == SC_EXTENDED) {
		extended = true;
	} else {
		key_event(byte & ~SC_RELEASE, !(byte & SC_RELEASE), extended);
		extended = false;
	}
}

static void keyboard_interrupt(void)
{
	uint8_t status;

	while ((status = inb(I8042_STATUS)) & STATUS_OUTPUT_FULL) {
		uint8_t byte = inb(I8042_DATA);

		if (!(status & STATUS_AUX_DATA))
			scancode(byte);
	}
}

/*
 * Take the keyboard over from the firmware: ports off, buffer flushed,
 * keyboard interrupt and set 1 translation on, the mouse port and its
 * interrupt off (a mouse byte left unread would block the keyboard), the
 * IRQ routed, then the keyboard port on. The port stays off until the
 * route exists, so no byte can arrive while IRQ 1 is masked and leave the
 * buffer full with its interrupt lost.
 */
void keyboard_init(void)
{
	int config;

	if (inb(I8042_STATUS) == STATUS_ABSENT)
		goto out_absent;
	if (i8042_write(I8042_COMMAND, CMD_DISABLE_KBD) < 0 ||
	    i8042_write(I8042_COMMAND, CMD_DISABLE_AUX) < 0)
		goto out_absent;
	i8042_flush();
	config = i8042_read_config();
	if (config < 0)
		goto out_absent;
	config |= CONFIG_KBD_IRQ | CONFIG_TRANSLATE;
	config &= ~CONFIG_AUX_IRQ;
	if (i8042_write_config(config) < 0)
		goto out_absent;
	irq_register_isa(ISA_IRQ_KEYBOARD, keyboard_interrupt);
	if (i8042_write(I8042_COMMAND, CMD_ENABLE_KBD) < 0)
		goto out_absent;
	kprintf("keyboard: PS/2 keyboard on IRQ %d\n", ISA_IRQ_KEYBOARD);
	return;

out_absent:
	kprintf("keyboard: no i8042 controller answers; no keyboard\n");
}
