/*
 * xwdfind WINDOW.xwd SCREEN.ppm: is QEMU's own picture of the screen
 * (its monitor's screendump, a binary PPM) inside the picture of its
 * window (xwd's dump, which adds GTK's menu bar)? Prints where it is and
 * how many pixels differ, and exits 0 when at most 1% do (the text
 * cursor blinks between the two dumps); exits 1 when it is not there.
 * Used by tools/hosttest/desktop.sh; built with the host compiler.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct image {
	int w, h;
	uint8_t *rgb; /* w * h * 3 bytes, row by row */
};

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f) {
		perror(path);
		exit(2);
	}
	do {
		if (n == cap) {
			cap = cap ? 2 * cap : 1 << 20;
			buf = realloc(buf, cap);
			if (!buf)
				exit(2);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	*len = n;
	return buf;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* An XWD file of a 24- or 32-bit TrueColor ZPixmap (what Xvfb gives). */
static int read_xwd(const char *path, struct image *im)
{
	size_t len;
	uint8_t *b = slurp(path, &len);
	uint32_t hsize, bpp, bpl, ncolors, lsb;
	const uint8_t *px;

	if (len < 100)
		return -1;
	hsize = be32(b);
	if (be32(b + 4) != 7 || be32(b + 8) != 2)
		return -1; /* version 7, ZPixmap */
	im->w = (int)be32(b + 16);
	im->h = (int)be32(b + 20);
	lsb = be32(b + 28) == 0; /* byte_order LSBFirst */
	bpp = be32(b + 44);
	bpl = be32(b + 48);
	ncolors = be32(b + 76);
	if (bpp != 32 && bpp != 24)
		return -1;
	px = b + hsize + 12 * ncolors;
	if (px + (size_t)bpl * im->h > b + len)
		return -1;
	im->rgb = malloc((size_t)im->w * im->h * 3);
	for (int y = 0; y < im->h; y++) {
		for (int x = 0; x < im->w; x++) {
			const uint8_t *p = px + (size_t)y * bpl + x * (bpp / 8);
			uint8_t *q = im->rgb + ((size_t)y * im->w + x) * 3;
			/* red mask 0xff0000: in memory B G R (LSB) or R G B. */
			q[0] = lsb ? p[2] : p[bpp / 8 - 3];
			q[1] = lsb ? p[1] : p[bpp / 8 - 2];
			q[2] = lsb ? p[0] : p[bpp / 8 - 1];
		}
	}
	return 0;
}

/* A binary PPM (P6, maxval 255) without comments, as QEMU writes it. */
static int read_ppm(const char *path, struct image *im)
{
	size_t len;
	uint8_t *b = slurp(path, &len);
	int maxval, off;

	if (sscanf((char *)b, "P6 %d %d %d%n", &im->w, &im->h, &maxval, &off) !=
		    3 ||
	    maxval != 255)
		return -1;
	off++; /* the one blank after maxval */
	if ((size_t)off + (size_t)im->w * im->h * 3 > len)
		return -1;
	im->rgb = b + off;
	return 0;
}

/* Pixels of s that differ from win with s's corner at (ox, oy). */
static long differ(const struct image *win, const struct image *s, int ox,
		   int oy, long give_up)
{
	long bad = 0;

	for (int y = 0; y < s->h; y++)
		for (int x = 0; x < s->w; x++) {
			const uint8_t *a =
				win->rgb +
				((size_t)(y + oy) * win->w + x + ox) * 3;
			const uint8_t *c = s->rgb + ((size_t)y * s->w + x) * 3;
			if (memcmp(a, c, 3) && ++bad > give_up)
				return bad;
		}
	return bad;
}

int main(int argc, char **argv)
{
	struct image win, s;
	long allowed, bad;

	if (argc != 3) {
		fprintf(stderr, "usage: xwdfind WINDOW.xwd SCREEN.ppm\n");
		return 2;
	}
	if (read_xwd(argv[1], &win) < 0) {
		fprintf(stderr, "xwdfind: %s: not a 24/32-bit ZPixmap XWD\n",
			argv[1]);
		return 2;
	}
	if (read_ppm(argv[2], &s) < 0) {
		fprintf(stderr, "xwdfind: %s: not a P6 PPM\n", argv[2]);
		return 2;
	}
	allowed = (long)s.w * s.h / 100;
	for (int oy = 0; oy + s.h <= win.h; oy++)
		for (int ox = 0; ox + s.w <= win.w; ox++) {
			bad = differ(&win, &s, ox, oy, allowed);
			if (bad <= allowed) {
				printf("xwdfind: the %dx%d screen is at %d,%d "
				       "in the %dx%d window, %ld pixels "
				       "differ\n",
				       s.w, s.h, ox, oy, win.w, win.h, bad);
				return 0;
			}
		}
	printf("xwdfind: the %dx%d screen is not in the %dx%d window\n", s.w,
	       s.h, win.w, win.h);
	return 1;
}
