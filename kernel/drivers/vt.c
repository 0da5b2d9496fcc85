/*
 * vt (vt.h): a VT100 subset over a grid of cells. Printable bytes go at
 * the cursor; control bytes and escape sequences (ECMA-48's CSI, "ESC [
 * params final") move it, erase, scroll and set colours. What is not
 * understood is swallowed whole, so an unknown sequence never shows as
 * garbage. As on a real VT100 the cursor stays on the last column after
 * a character is written there, and the line wraps only when the next
 * printable character comes ("pending wrap"), so a program may fill a
 * line to its end and then write "\r\n".
 */
#include "drivers/vt.h"

#define DEFAULT_FG 7 /* light grey */
#define DEFAULT_BG 0 /* black */

/* ANSI's colour numbers (black red green yellow blue magenta cyan white)
 * as VGA's palette has them. */
static const uint8_t ansi_to_vga[8] = { 0, 4, 2, 6, 1, 5, 3, 7 };

static uint16_t attr(const struct vt *vt)
{
	uint8_t fg = vt->fg | (vt->bold ? 8 : 0), bg = vt->bg;

	if (vt->reverse) {
		uint8_t t = fg;

		fg = bg;
		bg = t & 7; /* bit 3 of the background is blink */
	}
	return (uint16_t)((bg << 4 | fg) << 8);
}

static uint16_t blank(const struct vt *vt)
{
	return attr(vt) | ' ';
}

static void fill(struct vt *vt, int from, int to)
{
	for (int i = from; i < to; i++)
		vt->cells[i] = blank(vt);
}

static void scroll_up(struct vt *vt, int top, int n)
{
	int cols = vt->cols;

	for (int r = top; r < vt->rows; r++)
		for (int c = 0; c < cols; c++)
			vt->cells[r * cols + c] =
				r + n < vt->rows ? vt->cells[(r + n) * cols + c]
						 : blank(vt);
}

static void scroll_down(struct vt *vt, int top, int n)
{
	int cols = vt->cols;

	for (int r = vt->rows - 1; r >= top; r--)
		for (int c = 0; c < cols; c++)
			vt->cells[r * cols + c] =
				r - n >= top ? vt->cells[(r - n) * cols + c]
					     : blank(vt);
}

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Put the cursor at (row, col), inside the screen; no wrap pending. */
static void move_to(struct vt *vt, int row, int col)
{
	vt->row = clamp(row, 0, vt->rows - 1);
	vt->col = clamp(col, 0, vt->cols - 1);
}

static void newline(struct vt *vt)
{
	if (++vt->row >= vt->rows) {
		scroll_up(vt, 0, 1);
		vt->row = vt->rows - 1;
	}
}

void vt_init(struct vt *vt, uint16_t *cells, int rows, int cols)
{
	*vt = (struct vt){ .cells = cells,
			   .rows = rows,
			   .cols = cols,
			   .fg = DEFAULT_FG,
			   .bg = DEFAULT_BG,
			   .cursor_visible = true };
	fill(vt, 0, rows * cols);
}

/* The n-th parameter, or def if it is missing or 0. */
static int param(const struct vt *vt, int n, int def)
{
	return n < vt->nparams && vt->params[n] ? vt->params[n] : def;
}

static void sgr(struct vt *vt)
{
	if (vt->nparams == 0) { /* "CSI m" is "CSI 0 m" */
		vt->params[0] = 0;
		vt->nparams = 1;
	}
	for (int i = 0; i < vt->nparams; i++) {
		int p = vt->params[i];

		if (p == 0) {
			vt->fg = DEFAULT_FG;
			vt->bg = DEFAULT_BG;
			vt->bold = vt->reverse = false;
		} else if (p == 1) {
			vt->bold = true;
		} else if (p == 7) {
			vt->reverse = true;
		} else if (p == 22) {
			vt->bold = false;
		} else if (p == 27) {
			vt->reverse = false;
		} else if (p >= 30 && p <= 37) {
			vt->fg = ansi_to_vga[p - 30];
		} else if (p == 39) {
			vt->fg = DEFAULT_FG;
		} else if (p >= 40 && p <= 47) {
			vt->bg = ansi_to_vga[p - 40];
		} else if (p == 49) {
			vt->bg = DEFAULT_BG;
		} else if (p >= 90 && p <= 97) {
			vt->fg = ansi_to_vga[p - 90] | 8;
		} else if (p >= 100 && p <= 107) {
			vt->bg =
				ansi_to_vga[p - 100]; /* no bright backgrounds */
		}
	}
}

/* Erase in display (J) or line (K): 0 from the cursor on, 1 up to and
 * with it, 2 (and 3) all. */
static void erase(struct vt *vt, int how, bool line)
{
	int here = vt->row * vt->cols +
		   (vt->col < vt->cols ? vt->col : vt->cols - 1);
	int start = line ? vt->row * vt->cols : 0;
	int end = line ? start + vt->cols : vt->rows * vt->cols;

	if (how == 0)
		fill(vt, here, end);
	else if (how == 1)
		fill(vt, start, here + 1);
	else
		fill(vt, start, end);
}

/* Delete (n < 0: -n) or insert n blank cells at the cursor, in its line. */
static void shift_line(struct vt *vt, int n)
{
	uint16_t *line = vt->cells + vt->row * vt->cols;
	int col = vt->col < vt->cols ? vt->col : vt->cols - 1;

	if (n > 0) {
		for (int c = vt->cols - 1; c >= col; c--)
			line[c] = c - n >= col ? line[c - n] : blank(vt);
	} else {
		for (int c = col; c < vt->cols; c++)
			line[c] = c - n < vt->cols ? line[c - n] : blank(vt);
	}
}

static void csi(struct vt *vt, char final)
{
	int n = param(vt, 0, 1);
	int col = vt->col < vt->cols ? vt->col : vt->cols - 1;

	switch (final) {
	case 'A':
		move_to(vt, vt->row - n, col);
		break;
	case 'B':
		move_to(vt, vt->row + n, col);
		break;
	case 'C':
		move_to(vt, vt->row, col + n);
		break;
	case 'D':
		move_to(vt, vt->row, col - n);
		break;
	case 'E':
		move_to(vt, vt->row + n, 0);
		break;
	case 'F':
		move_to(vt, vt->row - n, 0);
		break;
	case 'G':
		move_to(vt, vt->row, n - 1);
		break;
	case 'd':
		move_to(vt, n - 1, col);
		break;
	case 'H':
	case 'f':
		move_to(vt, param(vt, 0, 1) - 1, param(vt, 1, 1) - 1);
		break;
	case 'J':
		erase(vt, vt->nparams ? vt->params[0] : 0, false);
		break;
	case 'K':
		erase(vt, vt->nparams ? vt->params[0] : 0, true);
		break;
	case 'L':
		scroll_down(vt, vt->row, clamp(n, 1, vt->rows));
		break;
	case 'M':
		scroll_up(vt, vt->row, clamp(n, 1, vt->rows));
		break;
	case '@':
		shift_line(vt, clamp(n, 1, vt->cols));
		break;
	case 'P':
		shift_line(vt, -clamp(n, 1, vt->cols));
		break;
	case 'X':
		for (int c = col; c < col + n && c < vt->cols; c++)
			vt->cells[vt->row * vt->cols + c] = blank(vt);
		break;
	case 'm':
		sgr(vt);
		break;
	case 'h':
	case 'l':
		if (vt->private_mode && param(vt, 0, 0) == 25)
			vt->cursor_visible = final == 'h';
		break;
	case 's':
		vt->saved_row = vt->row;
		vt->saved_col = col;
		break;
	case 'u':
		move_to(vt, vt->saved_row, vt->saved_col);
		break;
	default:
		break; /* not ours: swallowed */
	}
}

static void printable(struct vt *vt, char c)
{
	if (vt->col >= vt->cols) { /* the pending wrap */
		vt->col = 0;
		newline(vt);
	}
	vt->cells[vt->row * vt->cols + vt->col] = attr(vt) | (uint8_t)c;
	vt->col++;
}

static void control(struct vt *vt, char c)
{
	switch (c) {
	case '\n': /* the console's newline is also a carriage return */
		vt->col = 0;
		newline(vt);
		break;
	case '\r':
		vt->col = 0;
		break;
	case '\b':
		if (vt->col >= vt->cols)
			vt->col = vt->cols - 1;
		if (vt->col > 0)
			vt->col--;
		break;
	case '\t':
		if (vt->col < vt->cols)
			vt->col = clamp((vt->col + 8) & ~7, 0, vt->cols - 1);
		break;
	case '\033':
		vt->state = VT_ESC;
		break;
	default:
		break; /* bell and the rest: nothing to show */
	}
}

void vt_putc(struct vt *vt, char c)
{
	switch (vt->state) {
	case VT_NORMAL:
		if ((unsigned char)c < 0x20 || c == 0x7f)
			control(vt, c);
		else
			printable(vt, c);
		return;
	case VT_ESC:
		vt->state = VT_NORMAL;
		if (c == '[') {
			vt->state = VT_CSI;
			vt->nparams = 0;
			vt->private_mode = false;
		} else if (c == '7') {
			vt->saved_row = vt->row;
			vt->saved_col = vt->col < vt->cols ? vt->col
							   : vt->cols - 1;
		} else if (c == '8') {
			move_to(vt, vt->saved_row, vt->saved_col);
		} else if (c == 'c') {
			vt_init(vt, vt->cells, vt->rows, vt->cols);
		} else if (c >= 0x20 && c <= 0x2f) {
			vt->state = VT_ESC_MORE; /* ESC ( B and the like */
		}
		return;
	case VT_ESC_MORE:
		if (c >= 0x30 && c <= 0x7e)
			vt->state = VT_NORMAL; /* its final byte */
		return;
	case VT_CSI:
		if (c >= '0' && c <= '9') {
			if (vt->nparams == 0)
				vt->params[vt->nparams++] = 0;
			if (vt->nparams <= VT_MAX_PARAMS) {
				int *p = &vt->params[vt->nparams - 1];

				*p = *p < 10000 ? *p * 10 + (c - '0') : *p;
			}
		} else if (c == ';') {
			if (vt->nparams == 0)
				vt->params[vt->nparams++] = 0;
			if (vt->nparams < VT_MAX_PARAMS)
				vt->params[vt->nparams++] = 0;
			else
				vt->nparams = VT_MAX_PARAMS + 1; /* too many */
		} else if (c == '?') {
			vt->private_mode = true;
		} else if (c >= 0x40 && c <= 0x7e) {
			vt->state = VT_NORMAL;
			if (vt->nparams > VT_MAX_PARAMS)
				vt->nparams = VT_MAX_PARAMS;
			csi(vt, c);
		} else if ((unsigned char)c < 0x20) {
			control(vt, c); /* allowed inside a sequence */
		}
		return;
	}
}
