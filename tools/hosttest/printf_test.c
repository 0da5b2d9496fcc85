/*
 * Host test of the kernel's formatter: kernel/lib/printf.c, compiled for
 * the host, must print what the C library's snprintf prints, with the
 * same return value, for every format below, into buffers of every size
 * (truncation, and not a byte written past the end).
 *
 * The formats are made from a grid of flags, widths, precisions, length
 * modifiers and conversions, leaving out the combinations the C standard
 * calls undefined ('#' on %d, '0' on %s, precision on %c ...). One check
 * is one format string with all its values and buffer sizes.
 *
 * hosttest-sources: kernel/lib/printf.c
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...);

#define BUF_SIZE 256
#define GUARD 0x5a
#define MAX_REPORTS 20

static unsigned int passed, failed, reported;

/* What was printed into a buffer of size bytes, and the return value. */
struct result {
	unsigned char buf[BUF_SIZE + 8];
	int ret;
};

/* The kind of argument a conversion takes, after the length modifier. */
enum arg_kind {
	ARG_INT,    /* int, also for hh and h */
	ARG_UINT,   /* unsigned int, also for hh and h */
	ARG_LONG,   /* l */
	ARG_ULONG,  /* l */
	ARG_LLONG,  /* ll */
	ARG_ULLONG, /* ll */
	ARG_SIZE,   /* z, unsigned */
	ARG_SSIZE,  /* z, signed */
	ARG_STRING,
	ARG_CHAR,
	ARG_POINTER,
	ARG_NONE, /* %% */
};

union arg {
	long long i;
	unsigned long long u;
	const char *s;
	void *p;
};

/* Call snprintf (libc) or ksnprintf (kernel) on one argument. */
static int call(int kernel, char *buf, size_t size, const char *fmt,
		enum arg_kind kind, union arg a)
{
#define CALL(...)                                        \
	(kernel ? ksnprintf(buf, size, fmt, __VA_ARGS__) \
		: snprintf(buf, size, fmt, __VA_ARGS__))
	switch (kind) {
	case ARG_INT:
		return CALL((int)a.i);
	case ARG_UINT:
		return CALL((unsigned int)a.u);
	case ARG_LONG:
		return CALL((long)a.i);
	case ARG_ULONG:
		return CALL((unsigned long)a.u);
	case ARG_LLONG:
		return CALL((long long)a.i);
	case ARG_ULLONG:
		return CALL((unsigned long long)a.u);
	case ARG_SIZE:
		return CALL((size_t)a.u);
	case ARG_SSIZE:
		return CALL((ptrdiff_t)a.i);
	case ARG_STRING:
		return CALL(a.s);
	case ARG_CHAR:
		return CALL((int)a.i);
	case ARG_POINTER:
		return CALL(a.p);
	case ARG_NONE:
		return CALL(0);
	}
#undef CALL
	return -1;
}

static void run(struct result *r, int kernel, size_t size, const char *fmt,
		enum arg_kind kind, union arg a)
{
	memset(r->buf, GUARD, sizeof(r->buf));
	r->ret = call(kernel, size ? (char *)r->buf : NULL, size, fmt, kind, a);
}

static void show(char *out, size_t outsize, const unsigned char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 5 < outsize; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f)
			out[o++] = s[i];
		else
			o += snprintf(out + o, outsize - o, "\\x%02x", s[i]);
	}
	out[o] = '\0';
}

static const char *arg_text(char *out, size_t size, enum arg_kind kind,
			    union arg a)
{
	switch (kind) {
	case ARG_STRING:
		snprintf(out, size, "\"%s\"", a.s ? a.s : "(NULL)");
		break;
	case ARG_POINTER:
		snprintf(out, size, "(void *)%p", a.p);
		break;
	case ARG_NONE:
		snprintf(out, size, "no argument");
		break;
	case ARG_INT:
	case ARG_LONG:
	case ARG_LLONG:
	case ARG_SSIZE:
	case ARG_CHAR:
		snprintf(out, size, "%lld", a.i);
		break;
	default:
		snprintf(out, size, "%llu", a.u);
		break;
	}
	return out;
}

/* Compare one format and argument at every buffer size; 0 if all agree. */
static int compare(const char *fmt, enum arg_kind kind, union arg a)
{
	static struct result want, got;
	size_t full, sizes[] = { 0, 0, 1, 2, 3, 7 };

	run(&want, 0, BUF_SIZE, fmt, kind, a);
	full = want.ret >= 0 ? (size_t)want.ret + 1 : BUF_SIZE;
	if (full > BUF_SIZE)
		full = BUF_SIZE;
	sizes[0] = full; /* first, so a report shows the whole output */
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t size = sizes[i];
		char w[512], g[512], at[300];

		run(&want, 0, size, fmt, kind, a);
		run(&got, 1, size, fmt, kind, a);
		if (want.ret == got.ret &&
		    memcmp(want.buf, got.buf, size + 8) == 0)
			continue;
		if (reported++ < MAX_REPORTS) {
			show(w, sizeof(w), want.buf, size + 1 < 80 ? size : 80);
			show(g, sizeof(g), got.buf, size + 1 < 80 ? size : 80);
			printf("FAIL printf: \"%s\" with %s, buffer %zu: libc "
			       "\"%s\" (returns %d), kernel \"%s\" "
			       "(returns %d)%s\n",
			       fmt, arg_text(at, sizeof(at), kind, a), size, w,
			       want.ret, g, got.ret,
			       memcmp(want.buf + size, got.buf + size, 8)
				       ? " [wrote past the buffer]"
				       : "");
		}
		return 1;
	}
	return 0;
}

/* One check: a format with a list of arguments. */
static void check(const char *fmt, enum arg_kind kind, const union arg *args,
		  size_t nargs)
{
	int bad = 0;

	/* Report the first value that differs, not every one. */
	for (size_t i = 0; i < nargs && !bad; i++)
		bad = compare(fmt, kind, args[i]);
	if (bad)
		failed++;
	else
		passed++;
}

static const long long signed_values[] = {
	0,         1,         -1,           7,         -42,
	127,       -128,      255,          300,       -300,
	32767,     -32768,    65535,        123456789, -987654321,
	INT32_MAX, INT32_MIN, 4294967295LL, 1LL << 40, -(1LL << 40),
	INT64_MAX, INT64_MIN,
};

/* The length modifiers, with the argument type each takes. */
static const struct {
	const char *mod;
	enum arg_kind sgn, uns;
} lengths[] = {
	{ "hh", ARG_INT, ARG_UINT },     { "h", ARG_INT, ARG_UINT },
	{ "", ARG_INT, ARG_UINT },       { "l", ARG_LONG, ARG_ULONG },
	{ "ll", ARG_LLONG, ARG_ULLONG }, { "z", ARG_SSIZE, ARG_SIZE },
};

/* Check one integer conversion spec ("-08.3" "l" 'x') over all values. */
static void integer_format(const char *flags, const char *width,
			   const char *precision, size_t length, char conv)
{
	int is_signed = conv == 'd' || conv == 'i';
	size_t nargs = sizeof(signed_values) / sizeof(signed_values[0]);
	union arg args[sizeof(signed_values) / sizeof(signed_values[0])];
	char fmt[32];

	/* '#' is undefined for d, i and u. */
	if (strchr(flags, '#') && (is_signed || conv == 'u'))
		return;
	snprintf(fmt, sizeof(fmt), "<%%%s%s%s%s%c>", flags, width, precision,
		 lengths[length].mod, conv);
	for (size_t i = 0; i < nargs; i++) {
		if (is_signed)
			args[i].i = signed_values[i];
		else
			args[i].u = (unsigned long long)signed_values[i];
	}
	check(fmt, is_signed ? lengths[length].sgn : lengths[length].uns, args,
	      nargs);
}

/* The integer grid: flags x width x precision x length x conversion. */
static void integer_grid(void)
{
	static const char *const flag_sets[] = {
		"",   "-",  "0", "+", "-0", "+ ", "-+",  "0+",
		"- ", "0 ", " ", "#", "-#", "0#", "#-0",
	};
	static const char *const widths[] = { "", "1", "6", "24" };
	static const char *const precisions[] = { "",   ".",  ".0",
						  ".1", ".5", ".20" };
	static const char conversions[] = "diuxXo";
	size_t nflags = sizeof(flag_sets) / sizeof(flag_sets[0]);

	/* One index over the whole grid, read as a mixed-radix number. */
	for (size_t i = 0; i < nflags * 4 * 6 * 6 * 6; i++)
		integer_format(flag_sets[i / (4 * 6 * 6 * 6)],
			       widths[i / (6 * 6 * 6) % 4],
			       precisions[i / (6 * 6) % 6], i / 6 % 6,
			       conversions[i % 6]);
}

static void string_char_pointer(void)
{
	static const char *const str_formats[] = {
		"%s",       "[%s]",  "%10s",   "%-10s", "%.0s", "%.3s",
		"%.30s",    "%8.2s", "%-8.2s", "%1s",   "%s%%", "a%sb",
		"%5s|%-5s", "%%s",   "%.*s",   "%*s",   "%-*s",
	};
	static const char *const char_formats[] = {
		"%c", "[%c]", "%3c", "%-3c", "%1c", "%c%c",
	};
	static const char *const pointer_formats[] = {
		"%p", "%20p", "%-20p", "[%p]", "%1p",
	};
	union arg strings[] = {
		{ .s = "" },
		{ .s = "a" },
		{ .s = "hello" },
		{ .s = "a rather longer string, past any width here" },
	};
	union arg chars[] = {
		{ .i = 'a' }, { .i = ' ' }, { .i = '%' }, { .i = '~' }
	};
	static int object;
	union arg pointers[] = { { .p = &object },
				 { .p = (void *)1 },
				 { .p = (void *)0xffffffff80100000UL },
				 { .p = (void *)UINTPTR_MAX } };
	union arg none[] = { { .i = 0 } };
	union arg null_string[] = { { .s = NULL } };

	for (size_t i = 0; i < sizeof(str_formats) / sizeof(str_formats[0]);
	     i++) {
		const char *fmt = str_formats[i];

		/* Formats with '*' or two conversions take their extra
		 * argument from below, so use fixed calls for them. */
		if (strchr(fmt, '*') || strstr(fmt, "%5s|"))
			continue;
		check(fmt, ARG_STRING, strings, 4);
	}
	for (size_t i = 0; i < sizeof(char_formats) / sizeof(char_formats[0]);
	     i++)
		if (!strstr(char_formats[i], "%c%c"))
			check(char_formats[i], ARG_CHAR, chars, 4);
	for (size_t i = 0;
	     i < sizeof(pointer_formats) / sizeof(pointer_formats[0]); i++)
		check(pointer_formats[i], ARG_POINTER, pointers, 4);
	check("%%", ARG_NONE, none, 1);
	check("100%% sure", ARG_NONE, none, 1);
	check("no conversion at all", ARG_NONE, none, 1);
	check("", ARG_NONE, none, 1);
	/* NULL for %s is undefined in C; both print (null) unless a
	 * precision cuts it, where glibc prints nothing. */
	check("%s", ARG_STRING, null_string, 1);
	check("%10s", ARG_STRING, null_string, 1);
}

/* Several conversions in one format, and '*' widths and precisions. */
static void multi(void)
{
	static const struct {
		const char *fmt;
		int w, p;
	} star[] = {
		{ "%*d", 6, 0 },    { "%*d", -6, 0 },    { "%-*d", 6, 0 },
		{ "%.*d", 0, 4 },   { "%.*d", 0, -1 },   { "%*.*d", 8, 3 },
		{ "%*.*x", -8, 3 }, { "%0*d", 7, 0 },    { "%*s|", 9, 0 },
		{ "%.*s|", 0, 2 },  { "%-*.*s|", 9, 2 },
	};
	char want[BUF_SIZE], got[BUF_SIZE];

	for (size_t i = 0; i < sizeof(star) / sizeof(star[0]); i++) {
		const char *fmt = star[i].fmt;
		int wr, gr, ns = strstr(fmt, "*.*") != NULL;

		if (strchr(fmt, 's')) {
			if (ns) {
				wr = snprintf(want, sizeof(want), fmt,
					      star[i].w, star[i].p, "hello");
				gr = ksnprintf(got, sizeof(got), fmt, star[i].w,
					       star[i].p, "hello");
			} else {
				int v = strstr(fmt, ".*") ? star[i].p
							  : star[i].w;

				wr = snprintf(want, sizeof(want), fmt, v,
					      "hello");
				gr = ksnprintf(got, sizeof(got), fmt, v,
					       "hello");
			}
		} else if (ns) {
			wr = snprintf(want, sizeof(want), fmt, star[i].w,
				      star[i].p, 42);
			gr = ksnprintf(got, sizeof(got), fmt, star[i].w,
				       star[i].p, 42);
		} else {
			int v = strstr(fmt, ".*") ? star[i].p : star[i].w;

			wr = snprintf(want, sizeof(want), fmt, v, -42);
			gr = ksnprintf(got, sizeof(got), fmt, v, -42);
		}
		if (wr == gr && strcmp(want, got) == 0) {
			passed++;
			continue;
		}
		failed++;
		printf("FAIL printf: \"%s\" (w %d, p %d): libc \"%s\" (%d), "
		       "kernel \"%s\" (%d)\n",
		       fmt, star[i].w, star[i].p, want, wr, got, gr);
	}

#define MULTI(...)                                                  \
	do {                                                        \
		int wr = snprintf(want, sizeof(want), __VA_ARGS__); \
		int gr = ksnprintf(got, sizeof(got), __VA_ARGS__);  \
		if (wr == gr && strcmp(want, got) == 0) {           \
			passed++;                                   \
			break;                                      \
		}                                                   \
		failed++;                                           \
		printf("FAIL printf: %s: libc \"%s\" (%d), kernel " \
		       "\"%s\" (%d)\n",                             \
		       #__VA_ARGS__, want, wr, got, gr);            \
	} while (0)
	MULTI("%d %s %c %x %%", -5, "str", 'z', 255u);
	MULTI("cpu: %s, %u CPUs found, %u running", "QEMU Virtual CPU", 4u, 1u);
	MULTI("memory: %lu KiB available (%lu MiB)", 523775ul, 511ul);
	MULTI("  [<%016lx>] %s+0x%lx/0x%lx", 0xffffffff80101234ul, "kmain",
	      0x1cul, 0x80ul);
	MULTI("%5s|%-5s|%05d|%-5d|", "ab", "cd", 42, 42);
	MULTI("%c%c%c", 'a', 'b', 'c');
	MULTI("%lld %llu %llx", (long long)INT64_MIN, (unsigned long long)-1,
	      (unsigned long long)-1);
	MULTI("%zu %zx %zd", (size_t)-1, (size_t)4096, (ptrdiff_t)-4096);
	MULTI("%hhd %hhu %hd %hu", 200, 200, 40000, 40000);
#undef MULTI
}

int main(void)
{
	integer_grid();
	string_char_pointer();
	multi();
	if (reported > MAX_REPORTS)
		printf("printf: %u failures reported, the first %d shown\n",
		       reported, MAX_REPORTS);
	printf("printf: %u passed, %u failed\n", passed, failed);
	return failed != 0;
}
