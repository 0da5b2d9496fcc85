/*
 * od [FILE]: dumps FILE (or standard input) as hexadecimal bytes, sixteen
 * to a line after the offset, with the printable characters at the right,
 * the layout of hexdump -C:
 *
 *   00000000  68 65 6c 6c 6f 0a                                 |hello.|
 *   00000006
 */
#include "ulib.h"

#include <ctype.h>
#include <err.h>
#include <stdio.h>
#include <unistd.h>

static void dump_line(unsigned long offset, const unsigned char *b, int n)
{
	printf("%08lx ", offset);
	for (int i = 0; i < 16; i++) {
		if (i == 8)
			putchar(' ');
		if (i < n)
			printf(" %02x", b[i]);
		else
			printf("   ");
	}
	printf("  |");
	for (int i = 0; i < n; i++)
		putchar(isprint(b[i]) ? b[i] : '.');
	printf("|\n");
}

int main(int argc, char **argv)
{
	unsigned char line[16];
	unsigned long offset = 0;
	int fd = 0, n = 0;
	ssize_t r;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1]))
		usage("[FILE]");
	if (argc == 2 && (fd = open_input(argv[1])) < 0)
		return 1;
	/* Fill whole lines even when read() returns less. */
	while ((r = read(fd, line + n, 16 - n)) > 0) {
		n += r;
		if (n == 16) {
			dump_line(offset, line, n);
			offset += 16;
			n = 0;
		}
	}
	if (r < 0)
		err(1, "%s", argc == 2 ? argv[1] : "-");
	if (n > 0)
		dump_line(offset, line, n);
	printf("%08lx\n", offset + n);
	return 0;
}
