/*
 * The VGA text screen (80x25 at physical 0xb8000), what a classroom sees.
 * Each cell is a character and an attribute byte; the hardware cursor is
 * moved through the CRT controller. Called with the console lock held.
 */
#include "arch/x86_64/arch.h"
#include "drivers/drivers.h"

#define VGA_TEXT_PHYS 0xb8000
#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_ATTR 0x07 /* light grey on black */

#define CRTC_INDEX 0x3d4
#define CRTC_DATA 0x3d5
#define CRTC_CURSOR_HIGH 0x0e
#define CRTC_CURSOR_LOW 0x0f

/* The console lock protects these and the screen. */
static volatile uint16_t *screen;
static int row, col;

static void move_cursor(void)
{
	uint16_t pos = row * VGA_COLS + col;

	outb(CRTC_INDEX, CRTC_CURSOR_HIGH);
	outb(CRTC_DATA, pos >> 8);
	outb(CRTC_INDEX, CRTC_CURSOR_LOW);
	outb(CRTC_DATA, pos & 0xff);
}

static void scroll(void)
{
	for (int i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++)
		screen[i] = screen[i + VGA_COLS];
	for (int i = 0; i < VGA_COLS; i++)
		screen[(VGA_ROWS - 1) * VGA_COLS + i] = VGA_ATTR << 8 | ' ';
	row = VGA_ROWS - 1;
}

void vga_init(void)
{
	screen = phys_to_virt(VGA_TEXT_PHYS);
	for (int i = 0; i < VGA_ROWS * VGA_COLS; i++)
		screen[i] = VGA_ATTR << 8 | ' ';
	row = col = 0;
	move_cursor();
}

void vga_putc(char c)
{
	if (!screen)
		return;
	switch (c) {
	case '\n':
		col = 0;
		row++;
		break;
	case '\r':
		col = 0;
		break;
	case '\b':
		if (col > 0)
			col--;
		break;
	case '\t':
		col = (col + 8) & ~7;
		break;
	default:
		screen[row * VGA_COLS + col] = VGA_ATTR << 8 | (uint8_t)c;
		col++;
	}
	if (col >= VGA_COLS) {
		col = 0;
		row++;
	}
	if (row >= VGA_ROWS)
		scroll();
	move_cursor();
}
