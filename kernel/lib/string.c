/*
 * The string and memory functions the kernel (and gcc's code generation,
 * which may emit calls to memset/memcpy) needs. Plain C byte loops except
 * where the x86 string instructions are both simpler and faster.
 *
 * memset and memcpy move 8 bytes per iteration (stosq/movsq) and finish
 * with single bytes: under QEMU's TCG every iteration of a rep prefix is
 * emulated separately, so byte-wide strings made zeroing the frame array
 * and page tables the largest part of boot.
 */
#include "lib/lib.h"

void *memset(void *dst, int c, size_t n)
{
	uint64_t pattern = 0x0101010101010101ULL * (uint8_t)c;
	size_t words = n / 8, bytes = n % 8;
	void *d = dst;

	asm volatile("rep stosq\n\t"
		     "movq %[bytes], %%rcx\n\t"
		     "rep stosb"
		     : "+D"(d), "+c"(words)
		     : "a"(pattern), [bytes] "r"(bytes)
		     : "memory");
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	size_t words = n / 8, bytes = n % 8;
	void *d = dst;

	asm volatile("rep movsq\n\t"
		     "movq %[bytes], %%rcx\n\t"
		     "rep movsb"
		     : "+D"(d), "+S"(src), "+c"(words)
		     : [bytes] "r"(bytes)
		     : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (size_t i = 0; i < n; i++)
		if (p[i] == (unsigned char)c)
			return (void *)(p + i);
	return NULL;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

/* Copies at most size-1 bytes and always terminates; returns strlen(src),
 * so a result >= size means the copy was cut short (as in OpenBSD). */
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = MIN(len, size - 1);

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* Base 0 means: 0x prefix is hex, a leading 0 is octal, else decimal. */
unsigned long kstrtoul(const char *s, const char **end, int base)
{
	unsigned long v = 0;

	if (base == 0) {
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
			base = 16;
			s += 2;
		} else if (s[0] == '0' && s[1]) {
			base = 8;
		} else {
			base = 10;
		}
	} else if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
	}
	for (; digit_value(*s) < base; s++)
		v = v * base + digit_value(*s);
	if (end)
		*end = s;
	return v;
}
