/*
 * The formatter behind kprintf and ksnprintf. It writes into a bounded
 * buffer, so it needs no console and no locks, and the host tests compile
 * this same file and compare it with the C library's snprintf
 * (tools/hosttest/printf_test.c).
 */
#include "lib/lib.h"

struct outbuf {
	char *buf;
	size_t size; /* bytes available, including the final NUL */
	size_t len;  /* bytes that would have been written */
};

static void put(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct outbuf *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left;    /* '-': pad on the right */
	bool zero;    /* '0': pad numbers with zeros */
	bool alt;     /* '#': 0x prefix for %x, leading 0 for %o */
	bool plus;    /* '+': sign on positive numbers (%d, %i) */
	bool space;   /* ' ': space before positive numbers (%d, %i) */
	bool pointer; /* %p: 0x prefix even for 0 */
	int width;
	int precision; /* -1 when not given */
};

static void put_string(struct outbuf *o, const struct spec *sp, const char *s)
{
	int len;

	if (!s)
		s = "(null)";
	len = sp->precision >= 0 ? (int)strnlen(s, sp->precision)
				 : (int)strlen(s);
	if (!sp->left)
		pad(o, ' ', sp->width - len);
	for (int i = 0; i < len; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - len);
}

static void put_number(struct outbuf *o, const struct spec *sp,
		       unsigned long long v, bool negative, int base,
		       bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, prefix_len, zeros, total;
	const char *prefix = "";
	bool is_zero = v == 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (sp->precision == 0 && n == 1 && tmp[0] == '0')
		n = 0;

	if (negative)
		prefix = "-";
	else if (sp->plus)
		prefix = "+";
	else if (sp->space)
		prefix = " ";
	else if (base == 16 && (sp->pointer || (sp->alt && !is_zero)))
		prefix = upper ? "0X" : "0x";
	prefix_len = strlen(prefix);

	zeros = sp->precision > n ? sp->precision - n : 0;
	/* %#o: the first digit printed must be a 0. */
	if (sp->alt && base == 8 && zeros == 0 && (n == 0 || tmp[n - 1] != '0'))
		zeros = 1;
	total = prefix_len + zeros + n;
	if (sp->zero && !sp->left && sp->precision < 0 && sp->width > total) {
		zeros += sp->width - total;
		total = sp->width;
	}

	if (!sp->left)
		pad(o, ' ', sp->width - total);
	for (int i = 0; i < prefix_len; i++)
		put(o, prefix[i]);
	pad(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		pad(o, ' ', sp->width - total);
}

static const char *parse_flags(const char *f, struct spec *sp, va_list *ap)
{
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f == '#')
			sp->alt = true;
		else if (*f == '+')
			sp->plus = true;
		else if (*f == ' ')
			sp->space = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		sp->precision = 0;
		if (*f == '*') {
			sp->precision = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			sp->precision = sp->precision * 10 + (*f++ - '0');
	}
	return f;
}

/* Length modifier: 0 int, 1 long, 2 long long, -1 short, -2 char. */
static const char *parse_length(const char *f, int *len)
{
	*len = 0;
	if (*f == 'l') {
		*len = 1;
		if (*++f == 'l') {
			*len = 2;
			f++;
		}
	} else if (*f == 'z') {
		*len = 1;
		f++;
	} else if (*f == 'h') {
		*len = -1;
		if (*++f == 'h') {
			*len = -2;
			f++;
		}
	}
	return f;
}

static unsigned long long arg_unsigned(va_list *ap, int len)
{
	if (len == 2)
		return va_arg(*ap, unsigned long long);
	if (len == 1)
		return va_arg(*ap, unsigned long);
	if (len == -1)
		return (unsigned short)va_arg(*ap, unsigned int);
	if (len == -2)
		return (unsigned char)va_arg(*ap, unsigned int);
	return va_arg(*ap, unsigned int);
}

static long long arg_signed(va_list *ap, int len)
{
	if (len == 2)
		return va_arg(*ap, long long);
	if (len == 1)
		return va_arg(*ap, long);
	if (len == -1)
		return (short)va_arg(*ap, int);
	if (len == -2)
		return (signed char)va_arg(*ap, int);
	return va_arg(*ap, int);
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = { buf, size, 0 };
	va_list args;

	va_copy(args, ap);
	for (const char *f = fmt; *f; f++) {
		struct spec sp = { .precision = -1 };
		long long sv;
		int len;

		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f = parse_flags(f + 1, &sp, &args);
		f = parse_length(f, &len);
		switch (*f) {
		case 'd':
		case 'i':
			sv = arg_signed(&args, len);
			put_number(&o, &sp,
				   sv < 0 ? -(unsigned long long)sv
					  : (unsigned long long)sv,
				   sv < 0, 10, false);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			/* '+' and ' ' apply to signed conversions only. */
			sp.plus = sp.space = false;
			put_number(&o, &sp, arg_unsigned(&args, len), false,
				   *f == 'u'   ? 10
				   : *f == 'o' ? 8
					       : 16,
				   *f == 'X');
			break;
		case 'p':
			sp.pointer = true;
			put_number(&o, &sp, (uintptr_t)va_arg(args, void *),
				   false, 16, false);
			break;
		case 's':
			put_string(&o, &sp, va_arg(args, const char *));
			break;
		case 'c':
			if (!sp.left)
				pad(&o, ' ', sp.width - 1);
			put(&o, (char)va_arg(args, int));
			if (sp.left)
				pad(&o, ' ', sp.width - 1);
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			f--;
			break;
		default:
			/* Unknown conversion: show it rather than guess. */
			put(&o, '%');
			put(&o, *f);
			break;
		}
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
