/*
 * vt: the part of a VT100 (ECMA-48) terminal that full-screen programs
 * use, over a grid of character cells, for the VGA screen (vga.c). It
 * knows nothing of hardware, so the host tests it too
 * (tools/hosttest/vt_test.c). docs/console.md has the sequences.
 *
 * A cell is VGA's: the character in the low byte, the attribute (the
 * background colour in bits 12-14, the foreground in bits 8-11) above.
 */
#ifndef KESTREL_VT_H
#define KESTREL_VT_H

#include <stdbool.h>
#include <stdint.h>

#define VT_MAX_PARAMS 8

struct vt {
	uint16_t *cells; /* rows * cols, row after row */
	int rows, cols;
	int row, col; /* the cursor; col == cols: a wrap is pending */
	int saved_row, saved_col;
	uint8_t fg, bg; /* colours 0-15 and 0-7 (VGA's palette) */
	bool bold, reverse;
	bool cursor_visible;
	/* The escape sequence being read. */
	enum { VT_NORMAL, VT_ESC, VT_ESC_MORE, VT_CSI } state;
	bool private_mode; /* CSI ? ... */
	int params[VT_MAX_PARAMS], nparams;
};

/* A blank screen, the cursor home, grey on black. */
void vt_init(struct vt *vt, uint16_t *cells, int rows, int cols);
/* Take one byte of output. */
void vt_putc(struct vt *vt, char c);

#endif
