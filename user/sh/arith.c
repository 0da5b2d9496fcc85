/*
 * arith: the value of $(( expression )), by recursive descent over C's
 * integer operators with C's precedence, one function per level:
 *
 *   assign   = NAME ( "=" | "+=" | "-=" | "*=" | "/=" | "%=" ) assign
 *            | ternary
 *   ternary  = or [ "?" assign ":" ternary ]
 *   or  = and { "||" and }        and = bitor { "&&" bitor }
 *   bitor = xor { "|" xor }       xor = bitand { "^" bitand }
 *   bitand = equal { "&" equal }  equal = compare { ( "==" | "!=" ) ... }
 *   compare = shift { ( "<" | "<=" | ">" | ">=" ) shift }
 *   shift = sum { ( "<<" | ">>" ) sum }
 *   sum = product { ( "+" | "-" ) product }
 *   product = unary { ( "*" | "/" | "%" ) unary }
 *   unary = ( "-" | "+" | "!" | "~" ) unary | "(" assign ")"
 *         | number | NAME
 *
 * Parameters ($x) are already replaced by expand.c; a bare NAME is read
 * as a variable holding a number (unset or empty is 0). Numbers are
 * decimal, 0x hexadecimal or 0 octal, as C writes them. A side not taken
 * by && || ?: is still parsed but has no effect (skip counts them).
 */
#include "sh.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arith {
	const char *p;
	bool error;
	int skip; /* > 0: evaluating a side that does not count */
};

static long assign(struct arith *a);

static void blanks(struct arith *a)
{
	while (isspace((unsigned char)*a->p))
		a->p++;
}

/* Takes operator OP if it comes next, and is not the start of a longer
 * one (the < of <<, the = of ==). */
static bool take(struct arith *a, const char *op)
{
	static const char *const longer[] = {
		"<<", "<=", ">>", ">=", "==", "!=", "&&",
		"||", "+=", "-=", "*=", "/=", "%="
	};
	size_t len = strlen(op);

	blanks(a);
	if (strncmp(a->p, op, len) != 0)
		return false;
	for (size_t i = 0; len == 1 && i < sizeof(longer) / sizeof(*longer);
	     i++)
		if (longer[i][0] == op[0] && longer[i][1] == a->p[1])
			return false;
	a->p += len;
	return true;
}

static long fail(struct arith *a, const char *why)
{
	if (!a->error)
		fprintf(stderr, "sh: arithmetic: %s\n", why);
	a->error = true;
	return 0;
}

static long variable(struct arith *a)
{
	const char *start = a->p;
	char name[128];
	size_t len = 0;

	while (isalnum((unsigned char)a->p[len]) || a->p[len] == '_')
		len++;
	if (len >= sizeof(name))
		return fail(a, "name too long");
	memcpy(name, start, len);
	name[len] = '\0';
	a->p += len;
	blanks(a);
	/* NAME op= value */
	static const char *const ops[] = { "=", "+=", "-=", "*=", "/=", "%=" };
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t n = strlen(ops[i]);

		if (strncmp(a->p, ops[i], n) != 0 || a->p[n] == '=')
			continue;
		const char *v = var_get(name);
		long old = v ? strtol(v, NULL, 0) : 0, rhs, value;

		a->p += n;
		rhs = assign(a);
		switch (ops[i][0]) {
		case '+':
			value = old + rhs;
			break;
		case '-':
			value = old - rhs;
			break;
		case '*':
			value = old * rhs;
			break;
		case '/':
		case '%':
			if (rhs == 0)
				return a->skip ? 0 : fail(a, "division by 0");
			value = ops[i][0] == '/' ? old / rhs : old % rhs;
			break;
		default:
			value = rhs;
		}
		if (!a->skip) {
			char text[24];

			snprintf(text, sizeof(text), "%ld", value);
			var_set(name, text);
		}
		return value;
	}
	const char *v = var_get(name);
	return v && *v ? strtol(v, NULL, 0) : 0;
}

static long unary(struct arith *a)
{
	long v;
	char *end;

	blanks(a);
	if (take(a, "-"))
		return -unary(a);
	if (take(a, "+"))
		return unary(a);
	if (take(a, "!"))
		return !unary(a);
	if (take(a, "~"))
		return ~unary(a);
	if (take(a, "(")) {
		v = assign(a);
		if (!take(a, ")"))
			return fail(a, "missing )");
		return v;
	}
	if (isdigit((unsigned char)*a->p)) {
		v = strtol(a->p, &end, 0);
		if (isalnum((unsigned char)*end))
			return fail(a, "bad number");
		a->p = end;
		return v;
	}
	if (isalpha((unsigned char)*a->p) || *a->p == '_')
		return variable(a);
	return fail(a, *a->p ? "syntax error" : "missing operand");
}

static long product(struct arith *a)
{
	long v = unary(a);

	for (;;) {
		char op = take(a, "*")   ? '*'
			  : take(a, "/") ? '/'
			  : take(a, "%") ? '%'
					 : 0;
		if (!op)
			return v;
		long r = unary(a);
		if (op == '*') {
			v *= r;
		} else if (r == 0) {
			if (!a->skip)
				return fail(a, "division by 0");
			v = 0;
		} else {
			v = op == '/' ? v / r : v % r;
		}
	}
}

static long sum(struct arith *a)
{
	long v = product(a);

	for (;;) {
		if (take(a, "+"))
			v += product(a);
		else if (take(a, "-"))
			v -= product(a);
		else
			return v;
	}
}

static long shift(struct arith *a)
{
	long v = sum(a);

	for (;;) {
		if (take(a, "<<"))
			v <<= sum(a);
		else if (take(a, ">>"))
			v >>= sum(a);
		else
			return v;
	}
}

static long compare(struct arith *a)
{
	long v = shift(a);

	for (;;) {
		if (take(a, "<="))
			v = v <= shift(a);
		else if (take(a, ">="))
			v = v >= shift(a);
		else if (take(a, "<"))
			v = v < shift(a);
		else if (take(a, ">"))
			v = v > shift(a);
		else
			return v;
	}
}

static long equal(struct arith *a)
{
	long v = compare(a);

	for (;;) {
		if (take(a, "=="))
			v = v == compare(a);
		else if (take(a, "!="))
			v = v != compare(a);
		else
			return v;
	}
}

static long bitand(struct arith *a)
{
	long v = equal(a);

	while (take(a, "&"))
		v &= equal(a);
	return v;
}

static long bitxor(struct arith *a)
{
	long v = bitand(a);

	while (take(a, "^"))
		v ^= bitand(a);
	return v;
}

static long bitor (struct arith * a)
{
	long v = bitxor(a);

	while (take(a, "|"))
		v |= bitxor(a);
	return v;
}

/* && and ||: the right side is parsed, but counts only when needed. */
static long logical_and(struct arith *a)
{
	long v = bitor (a);

	while (take(a, "&&")) {
		a->skip += !v;
		long r = bitor (a);
		a->skip -= !v;
		v = v && r;
	}
	return v;
}

static long logical_or(struct arith *a)
{
	long v = logical_and(a);

	while (take(a, "||")) {
		a->skip += !!v;
		long r = logical_and(a);
		a->skip -= !!v;
		v = v || r;
	}
	return v;
}

static long ternary(struct arith *a)
{
	long c = logical_or(a), yes, no;

	if (!take(a, "?"))
		return c;
	a->skip += !c;
	yes = assign(a);
	a->skip -= !c;
	if (!take(a, ":"))
		return fail(a, "missing : after ?");
	a->skip += !!c;
	no = ternary(a);
	a->skip -= !!c;
	return c ? yes : no;
}

static long assign(struct arith *a)
{
	return ternary(a);
}

bool arith_eval(const char *expr, long *value)
{
	struct arith a = { expr, false, 0 };

	*value = assign(&a);
	blanks(&a);
	if (!a.error && *a.p)
		fail(&a, "syntax error");
	return !a.error;
}
