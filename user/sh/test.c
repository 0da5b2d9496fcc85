/*
 * test: the test and [ builtin. POSIX decides by the number of
 * arguments: none is false; one is true if not empty; two is a unary
 * test or "! arg"; three a binary test, or "! a b", or "( a )"; more go
 * through a small grammar with ! ( ) -a -o (here: or = and { -o and },
 * and = not { -a not }, not = ! not | ( or ) | primary).
 *
 * Status: 0 true, 1 false, 2 a usage error.
 */
#include "sh.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct test {
	char **argv;
	int argc, i;
	bool error;
};

static bool integer(struct test *t, const char *s, long *v)
{
	char *end;

	*v = strtol(s, &end, 10);
	if (end == s || *end) {
		fprintf(stderr, "sh: test: %s: integer expected\n", s);
		t->error = true;
		return false;
	}
	return true;
}

static bool is_unary(const char *op)
{
	return op[0] == '-' && op[1] && !op[2] &&
	       strchr("bcdefghLnprsSwxz", op[1]);
}

static bool unary(const char *op, const char *arg)
{
	struct stat st;

	switch (op[1]) {
	case 'n':
		return *arg;
	case 'z':
		return !*arg;
	case 'r':
		return access(arg, R_OK) == 0;
	case 'w':
		return access(arg, W_OK) == 0;
	case 'x':
		return access(arg, X_OK) == 0;
	case 'h':
	case 'L':
		return lstat(arg, &st) == 0 && S_ISLNK(st.st_mode);
	case 't':
		return isatty(atoi(arg));
	}
	if (stat(arg, &st) < 0)
		return false;
	switch (op[1]) {
	case 'b':
		return S_ISBLK(st.st_mode);
	case 'c':
		return S_ISCHR(st.st_mode);
	case 'd':
		return S_ISDIR(st.st_mode);
	case 'f':
		return S_ISREG(st.st_mode);
	case 'g':
		return st.st_mode & S_ISGID;
	case 'u':
		return st.st_mode & S_ISUID;
	case 'p':
		return S_ISFIFO(st.st_mode);
	case 's':
		return st.st_size > 0;
	case 'S':
		return S_ISSOCK(st.st_mode);
	}
	return true; /* -e */
}

static bool is_binary(const char *op)
{
	static const char *const ops[] = { "=",   "!=",  "-eq", "-ne",
					   "-lt", "-le", "-gt", "-ge" };

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(op, ops[i]) == 0)
			return true;
	return false;
}

static bool binary(struct test *t, const char *a, const char *op, const char *b)
{
	long x, y;

	if (strcmp(op, "=") == 0)
		return strcmp(a, b) == 0;
	if (strcmp(op, "!=") == 0)
		return strcmp(a, b) != 0;
	if (!integer(t, a, &x) || !integer(t, b, &y))
		return false;
	switch (op[1] * 256 + op[2]) {
	case 'e' * 256 + 'q':
		return x == y;
	case 'n' * 256 + 'e':
		return x != y;
	case 'l' * 256 + 't':
		return x < y;
	case 'l' * 256 + 'e':
		return x <= y;
	case 'g' * 256 + 't':
		return x > y;
	}
	return x >= y;
}

static bool or_expr(struct test *t);

static const char *next(struct test *t)
{
	return t->i < t->argc ? t->argv[t->i] : NULL;
}

static bool primary(struct test *t)
{
	const char *a = next(t);

	if (!a) {
		fprintf(stderr, "sh: test: argument expected\n");
		t->error = true;
		return false;
	}
	if (strcmp(a, "!") == 0) {
		t->i++;
		return !primary(t);
	}
	if (strcmp(a, "(") == 0) {
		t->i++;
		bool v = or_expr(t);
		if (!next(t) || strcmp(next(t), ")") != 0) {
			fprintf(stderr, "sh: test: ) expected\n");
			t->error = true;
		}
		t->i++;
		return v;
	}
	if (t->i + 2 < t->argc && is_binary(t->argv[t->i + 1])) {
		t->i += 3;
		return binary(t, a, t->argv[t->i - 2], t->argv[t->i - 1]);
	}
	if (is_unary(a) && t->i + 1 < t->argc) {
		t->i += 2;
		return unary(a, t->argv[t->i - 1]);
	}
	t->i++;
	return *a;
}

static bool and_expr(struct test *t)
{
	bool v = primary(t);

	while (next(t) && strcmp(next(t), "-a") == 0) {
		t->i++;
		v = primary(t) && v;
	}
	return v;
}

static bool or_expr(struct test *t)
{
	bool v = and_expr(t);

	while (next(t) && strcmp(next(t), "-o") == 0) {
		t->i++;
		v = and_expr(t) || v;
	}
	return v;
}

/* POSIX's rules for one to four arguments, before the grammar. */
static bool evaluate(struct test *t)
{
	char **a = t->argv;

	switch (t->argc) {
	case 0:
		return false;
	case 1:
		return *a[0];
	case 2:
		if (strcmp(a[0], "!") == 0)
			return !*a[1];
		if (is_unary(a[0]))
			return unary(a[0], a[1]);
		break;
	case 3:
		if (is_binary(a[1])) {
			t->i = 3;
			return binary(t, a[0], a[1], a[2]);
		}
		if (strcmp(a[0], "!") == 0) {
			t->argv++;
			t->argc--;
			return !evaluate(t);
		}
		if (strcmp(a[0], "(") == 0 && strcmp(a[2], ")") == 0)
			return *a[1];
		break;
	case 4:
		if (strcmp(a[0], "!") == 0) {
			t->argv++;
			t->argc--;
			return !evaluate(t);
		}
		break;
	}
	t->i = 0;
	bool v = or_expr(t);
	if (t->i < t->argc && !t->error) {
		fprintf(stderr, "sh: test: %s: unexpected\n", t->argv[t->i]);
		t->error = true;
	}
	return v;
}

int builtin_test(char **argv)
{
	struct test t = { argv + 1, 0, 0, false };
	bool v;

	while (t.argv[t.argc])
		t.argc++;
	if (strcmp(argv[0], "[") == 0) {
		if (t.argc == 0 || strcmp(t.argv[t.argc - 1], "]") != 0) {
			fprintf(stderr, "sh: [: missing ]\n");
			return 2;
		}
		t.argc--;
	}
	v = evaluate(&t);
	if (t.error)
		return 2;
	return v ? 0 : 1;
}
