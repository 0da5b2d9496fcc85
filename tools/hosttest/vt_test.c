/*
 * Host test of the VGA console's terminal emulator (kernel/drivers/vt.c):
 * what the screen holds after the sequences that full-screen programs
 * send (Kestrel's edit, more, clear and ls --color among them): text and
 * the pending wrap at the last column, scrolling, cursor moves, erasing,
 * colours, inserting and deleting, the cursor's visibility, unknown
 * sequences swallowed, and a sequence split across writes.
 *
 * hosttest-sources: kernel/drivers/vt.c
 */
#include <stdio.h>
#include <string.h>

#include "drivers/vt.h"

#define ROWS 5
#define COLS 10

static unsigned int passed, failed;
static uint16_t cells[ROWS * COLS];
static struct vt vt;

static void check(int ok, int line, const char *what)
{
	if (ok) {
		passed++;
	} else {
		failed++;
		printf("FAIL tools/hosttest/vt_test.c:%d %s\n", line, what);
	}
}
#define CHECK(cond) check((cond) != 0, __LINE__, #cond)

static void put(const char *s)
{
	while (*s)
		vt_putc(&vt, *s++);
}

/* Row r's characters, trailing blanks cut. */
static const char *row_text(int r)
{
	static char buf[COLS + 1];
	int n = 0;

	for (int c = 0; c < COLS; c++)
		buf[c] = (char)(cells[r * COLS + c] & 0xff);
	for (n = COLS; n > 0 && buf[n - 1] == ' '; n--)
		;
	buf[n] = '\0';
	return buf;
}

static int attr_at(int r, int c)
{
	return cells[r * COLS + c] >> 8;
}

static void reset(void)
{
	vt_init(&vt, cells, ROWS, COLS);
}

static void text_and_wrap(void)
{
	reset();
	put("hello");
	CHECK(strcmp(row_text(0), "hello") == 0);
	CHECK(vt.row == 0 && vt.col == 5);
	CHECK(attr_at(0, 0) == 0x07);
	/* Ten characters fill the line; the wrap waits for the next one. */
	reset();
	put("0123456789");
	CHECK(vt.row == 0 && vt.col == COLS);
	put("\r\n");
	CHECK(vt.row == 1 && vt.col == 0);
	CHECK(strcmp(row_text(1), "") == 0);
	reset();
	put("0123456789x");
	CHECK(strcmp(row_text(1), "x") == 0);
	/* Tab stops every eight; backspace moves back. */
	reset();
	put("a\tb\bc");
	CHECK(strcmp(row_text(0), "a       c") == 0);
}

static void scrolling(void)
{
	reset();
	put("1\n2\n3\n4\n5\n6");
	CHECK(strcmp(row_text(0), "2") == 0);
	CHECK(strcmp(row_text(4), "6") == 0);
	CHECK(vt.row == ROWS - 1);
}

static void cursor_moves(void)
{
	reset();
	put("\033[3;4HX");
	CHECK(row_text(2)[3] == 'X');
	put("\033[HY");
	CHECK(row_text(0)[0] == 'Y');
	put("\033[2B\033[3CZ"); /* from (0,1): down 2, right 3 */
	CHECK(row_text(2)[4] == 'Z');
	put("\033[A\033[2DW"); /* up 1, left 2 */
	CHECK(row_text(1)[3] == 'W');
	put("\033[99;99H"); /* clamped to the corner */
	CHECK(vt.row == ROWS - 1 && vt.col == COLS - 1);
	put("\033[7G");
	CHECK(vt.col == 6);
	put("\0337\033[1;1H\0338");
	CHECK(vt.row == ROWS - 1 && vt.col == 6);
}

static void erasing(void)
{
	reset();
	put("abcdefghij\r\nklmnopqrst\r\nuvwxyz");
	put("\033[2;5H\033[K");
	CHECK(strcmp(row_text(1), "klmn") == 0);
	put("\033[1K");
	CHECK(strcmp(row_text(1), "") == 0);
	put("\033[1;3H\033[J");
	CHECK(strcmp(row_text(0), "ab") == 0);
	CHECK(strcmp(row_text(2), "") == 0);
	put("\033[2J");
	CHECK(strcmp(row_text(0), "") == 0);
	/* clear(1)'s sequence, with CSI 3 J for the scrollback. */
	put("x\033[H\033[2J\033[3J");
	CHECK(strcmp(row_text(0), "") == 0 && vt.row == 0 && vt.col == 0);
}

static void colours(void)
{
	reset();
	put("\033[1;34mB\033[0mN\033[7mR\033[m\033[31;42mG\033[39;49mD");
	CHECK(attr_at(0, 0) == 0x09); /* bright blue on black */
	CHECK(attr_at(0, 1) == 0x07);
	CHECK(attr_at(0, 2) == 0x70); /* reverse: black on grey */
	CHECK(attr_at(0, 3) == 0x24); /* red on green */
	CHECK(attr_at(0, 4) == 0x07);
	/* Erasing takes the current background. */
	put("\033[44m\033[2K");
	CHECK(attr_at(0, 0) == 0x17);
}

static void insert_delete(void)
{
	reset();
	put("abcdef\033[1;3H\033[2P");
	CHECK(strcmp(row_text(0), "abef") == 0);
	put("\033[2@");
	CHECK(strcmp(row_text(0), "ab  ef") == 0);
	put("\033[1;1H\033[3X");
	CHECK(strcmp(row_text(0), "    ef") == 0);
	reset();
	put("1\r\n2\r\n3\033[2;1H\033[L");
	CHECK(strcmp(row_text(1), "") == 0 && strcmp(row_text(2), "2") == 0);
	put("\033[M");
	CHECK(strcmp(row_text(1), "2") == 0 && strcmp(row_text(2), "3") == 0);
}

static void cursor_visibility_and_unknowns(void)
{
	reset();
	CHECK(vt.cursor_visible);
	put("\033[?25l");
	CHECK(!vt.cursor_visible);
	put("\033[?25h");
	CHECK(vt.cursor_visible);
	/* Unknown sequences leave nothing on the screen. */
	put("\033[>5;6q\033(Ba\033[12;1;2;3;4;5;6;7;8;9;10zb");
	CHECK(strcmp(row_text(0), "ab") == 0);
	/* A sequence split over two writes. */
	put("\033[2");
	put(";2HQ");
	CHECK(row_text(1)[1] == 'Q');
	/* ESC c resets everything. */
	put("\033[31m\033c");
	CHECK(strcmp(row_text(1), "") == 0 && vt.fg == 7);
}

int main(void)
{
	text_and_wrap();
	scrolling();
	cursor_moves();
	erasing();
	colours();
	insert_delete();
	cursor_visibility_and_unknowns();
	printf("vt_test: %u passed, %u failed\n", passed, failed);
	return failed != 0;
}
