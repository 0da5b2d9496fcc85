/*
 * hexdump -C [FILE...]: the canonical hex and ASCII dump: the offset, 16
 * bytes in hex (a gap after eight) and the same as text between bars;
 * a run of lines like the one before is a single "*". Only -C, the one
 * form people read; od prints the same.
 */
#include "ulib.h"

#include <err.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void line(unsigned long off, const unsigned char *b, size_t n)
{
	printf("%08lx ", off);
	for (size_t i = 0; i < 16; i++) {
		if (i == 8)
			putchar(' ');
		if (i < n)
			printf(" %02x", b[i]);
		else
			printf("   ");
	}
	printf("  |");
	for (size_t i = 0; i < n; i++)
		putchar(b[i] >= 0x20 && b[i] < 0x7f ? b[i] : '.');
	printf("|\n");
}

/* The files are one stream, as with hexdump(1): its next byte, or EOF. */
static char **files;
static int nfiles, next_file, status;
static FILE *fp;

static int next_byte(void)
{
	int c;

	for (;;) {
		if (!fp) {
			if (nfiles == 0 && next_file++ == 0)
				fp = stdin;
			else if (next_file < nfiles)
				fp = fopen(files[next_file++], "r");
			else
				return EOF;
			if (!fp) {
				warn("%s", files[next_file - 1]);
				status = 1;
				continue;
			}
		}
		if ((c = getc(fp)) != EOF)
			return c;
		if (fp != stdin)
			fclose(fp);
		fp = NULL;
	}
}

int main(int argc, char **argv)
{
	unsigned char cur[16], prev[16];
	unsigned long off = 0;
	size_t n = 0;
	int opt, c, starred = 0, have_prev = 0;

	while ((opt = getopt(argc, argv, "C")) != -1)
		if (opt != 'C')
			usage("-C [FILE...]");
	files = argv + optind;
	nfiles = argc - optind;
	while ((c = next_byte()) != EOF) {
		cur[n++] = c;
		if (n < 16)
			continue;
		if (have_prev && !memcmp(cur, prev, 16)) {
			if (!starred++)
				puts("*");
		} else {
			line(off, cur, 16);
			starred = 0;
		}
		memcpy(prev, cur, 16);
		have_prev = 1;
		off += 16;
		n = 0;
	}
	if (n)
		line(off, cur, n);
	if (off + n)
		printf("%08lx\n", off + (unsigned long)n);
	return status;
}
