/*
 * printf: the printf builtin, as POSIX describes it. The format's
 * backslash escapes (\n \t \\ \a \b \f \r \v \NNN octal) and conversions
 * (%s %b %c %d %i %u %o %x %X %%, with flags, width and precision) are
 * applied to the arguments in turn; the format is used again while
 * arguments remain. %b takes escapes in its argument too. A number
 * argument may be 'c (the character's code). Status 1 if an argument
 * was not a number.
 */
#include "sh.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prints the escape at *P (just after the backslash), stepping over it. */
static void escape(const char **p)
{
	static const char from[] = "abfnrtv\\", to[] = "\a\b\f\n\r\t\v\\";
	const char *s = *p, *e = strchr(from, *s);

	if (*s >= '0' && *s <= '7') {
		int c = 0;

		for (int i = 0; i < 3 && *s >= '0' && *s <= '7'; i++)
			c = c * 8 + *s++ - '0';
		putchar(c);
		*p = s;
		return;
	}
	if (*s && e) {
		putchar(to[e - from]);
		*p = s + 1;
		return;
	}
	putchar('\\');
}

static long number(const char *s, int *status)
{
	char *end;
	long v;

	if (s[0] == '\'' || s[0] == '"')
		return (unsigned char)s[1];
	v = strtol(s, &end, 0);
	if (*end || end == s) {
		if (*s)
			fprintf(stderr, "sh: printf: %s: not a number\n", s);
		*status = 1;
	}
	return v;
}

/* One conversion at *P (just after the %), with argument ARG (NULL: none
 * left). Returns whether it took the argument. */
static bool conversion(const char **p, const char *arg, int *status)
{
	char spec[32] = "%";
	size_t n = strspn(*p, "-+ #0123456789.");
	char c = (*p)[n];

	if (n > sizeof(spec) - 4 || !c || !strchr("sbcdiuoxX%", c)) {
		putchar('%');
		return false;
	}
	memcpy(spec + 1, *p, n);
	*p += n + 1;
	if (c == '%') {
		putchar('%');
		return false;
	}
	if (c == 'b') {
		for (const char *s = arg ? arg : ""; *s; s++) {
			if (*s == '\\') {
				s++;
				escape(&s);
				s--;
			} else {
				putchar(*s);
			}
		}
		return true;
	}
	if (c == 's' || c == 'c') {
		strcat(spec, "s");
		if (c == 'c') {
			char one[2] = { arg ? arg[0] : '\0', '\0' };
			printf(spec, one);
		} else {
			printf(spec, arg ? arg : "");
		}
		return true;
	}
	spec[n + 1] = 'l';
	spec[n + 2] = c;
	printf(spec, arg ? number(arg, status) : 0L);
	return true;
}

int builtin_printf(char **argv)
{
	int status = 0, i = 2;

	if (!argv[1]) {
		fprintf(stderr, "sh: printf: format expected\n");
		return 2;
	}
	do {
		bool took = false;

		for (const char *p = argv[1]; *p;) {
			if (*p == '\\') {
				p++;
				escape(&p);
			} else if (*p == '%') {
				p++;
				if (conversion(&p, argv[i], &status)) {
					took = true;
					if (argv[i])
						i++;
				}
			} else {
				putchar(*p++);
			}
		}
		if (!took)
			break;
	} while (argv[i]);
	return status;
}
