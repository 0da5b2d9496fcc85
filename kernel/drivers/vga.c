/*
 * The VGA text screen (80x25 at physical 0xb8000), what a classroom sees.
 * Each cell is a character and an attribute byte. What is written goes
 * through a VT100 emulator (vt.c), so full-screen programs (edit, more,
 * clear, ls --color) draw on it as on a terminal window; the hardware
 * cursor follows the emulator's, and hides when a program asks. Called
 * with the console lock held.
 */
#include "arch/x86_64/arch.h"
#include "drivers/drivers.h"
#include "drivers/vt.h"

#define VGA_TEXT_PHYS 0xb8000
#define VGA_COLS 80
#define VGA_ROWS 25

#define CRTC_INDEX 0x3d4
#define CRTC_DATA 0x3d5
#define CRTC_CURSOR_START 0x0a
#define CRTC_CURSOR_HIGH 0x0e
#define CRTC_CURSOR_LOW 0x0f
#define CURSOR_DISABLE 0x20 /* in the cursor start register */

/* The console lock protects these and the screen. */
static struct vt vt;
static bool ready, cursor_shown;
static uint8_t cursor_start; /* the BIOS's cursor shape */

static void crtc_write(uint8_t reg, uint8_t v)
{
	outb(CRTC_INDEX, reg);
	outb(CRTC_DATA, v);
}

static void show_cursor(void)
{
	int col = vt.col < vt.cols ? vt.col : vt.cols - 1;
	uint16_t pos = (uint16_t)(vt.row * VGA_COLS + col);

	if (vt.cursor_visible != cursor_shown) {
		cursor_shown = vt.cursor_visible;
		crtc_write(CRTC_CURSOR_START,
			   cursor_shown ? cursor_start
					: cursor_start | CURSOR_DISABLE);
	}
	crtc_write(CRTC_CURSOR_HIGH, pos >> 8);
	crtc_write(CRTC_CURSOR_LOW, pos & 0xff);
}

void vga_init(void)
{
	outb(CRTC_INDEX, CRTC_CURSOR_START);
	cursor_start = inb(CRTC_DATA) & ~CURSOR_DISABLE;
	vt_init(&vt, phys_to_virt(VGA_TEXT_PHYS), VGA_ROWS, VGA_COLS);
	cursor_shown = !vt.cursor_visible; /* so show_cursor sets it */
	ready = true;
	show_cursor();
}

void vga_putc(char c)
{
	if (!ready)
		return;
	vt_putc(&vt, c);
	show_cursor();
}
