/*
 * expand: turns a word as written into the arguments it stands for, when
 * its command is about to run. Left to right: 'single quotes' keep
 * everything; "double quotes" keep all but $ and \; \ keeps the next
 * character; $NAME, ${NAME}, $?, $$, $!, $#, $0..$9 are replaced by their
 * values. Values from an unquoted $ are split into fields at blanks, and
 * a field with an unquoted * ? or [ and no quoted part is a glob(3)
 * pattern, replaced by the names it matches (kept as it is if none).
 */
#include "sh.h"
#include "ulib.h"

#include <ctype.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The fields a word is making; the one being built is in buf. */
struct fields {
	char **v;
	int n, cap;
	char *buf;
	size_t len, size;
	bool started; /* the current field exists, even if empty ("") */
	bool quoted;  /* part of it was quoted: no globbing */
	bool pattern; /* it has an unquoted * ? or [ */
};

static void push_field(struct fields *f, char *s)
{
	if (f->n + 1 >= f->cap) {
		f->cap = f->cap ? 2 * f->cap : 8;
		char **v = arena_alloc(f->cap * sizeof(char *));

		if (f->n)
			memcpy(v, f->v, f->n * sizeof(char *));
		f->v = v;
	}
	f->v[f->n++] = s;
}

static void add_char(struct fields *f, char c)
{
	if (f->len + 1 >= f->size) {
		f->size = f->size ? 2 * f->size : 64;
		f->buf = xrealloc(f->buf, f->size);
	}
	f->buf[f->len++] = c;
	f->started = true;
}

static void add_glob_matches(struct fields *f, const char *pattern)
{
	glob_t g;

	if (glob(pattern, 0, NULL, &g) != 0) {
		push_field(f, arena_strndup(pattern, strlen(pattern)));
		return;
	}
	for (size_t i = 0; i < g.gl_pathc; i++)
		push_field(f,
			   arena_strndup(g.gl_pathv[i], strlen(g.gl_pathv[i])));
	globfree(&g);
}

static void end_field(struct fields *f)
{
	if (!f->started)
		return;
	if (f->pattern && !f->quoted) {
		f->buf[f->len] = '\0';
		add_glob_matches(f, f->buf);
	} else {
		push_field(f, arena_strndup(f->buf ? f->buf : "", f->len));
	}
	f->len = 0;
	f->started = f->quoted = f->pattern = false;
}

/* The value of the parameter named at *P (just after the $), stepping
 * *P over the name; NULL if no name follows the $ (it is then literal). */
static const char *parameter(const char **p)
{
	static char number[24];
	const char *s = *p;
	char name[128];
	size_t len;

	if (*s == '{') {
		len = strcspn(s + 1, "}");
		if (s[1 + len] != '}' || len == 0 || len >= sizeof(name))
			return NULL;
		memcpy(name, s + 1, len);
		name[len] = '\0';
		*p = s + len + 2;
	} else if (*s == '?' || *s == '$' || *s == '!' || *s == '#' ||
		   isdigit((unsigned char)*s)) {
		name[0] = *s;
		name[1] = '\0';
		*p = s + 1;
	} else {
		for (len = 0; isalnum((unsigned char)s[len]) || s[len] == '_';
		     len++)
			;
		if (len == 0 || isdigit((unsigned char)s[0]) ||
		    len >= sizeof(name))
			return NULL;
		memcpy(name, s, len);
		name[len] = '\0';
		*p = s + len;
	}
	if (isdigit((unsigned char)name[0]) && name[1] == '\0') {
		int i = name[0] - '0';
		return i < shell.argc ? shell.argv[i] : "";
	}
	long value;
	switch (name[0]) {
	case '?':
		value = shell.status;
		break;
	case '$':
		value = getpid();
		break;
	case '!':
		value = shell.last_background;
		break;
	case '#':
		value = shell.argc > 0 ? shell.argc - 1 : 0;
		break;
	default: {
		const char *v = var_get(name);
		return v ? v : "";
	}
	}
	snprintf(number, sizeof(number), "%ld", value);
	return number;
}

/* Adds the value of a $ expansion; unquoted, blanks in it split fields. */
static void add_value(struct fields *f, const char *v, bool quoted)
{
	if (quoted) {
		f->started = f->quoted = true;
		for (; *v; v++)
			add_char(f, *v);
		return;
	}
	for (; *v; v++) {
		if (*v == ' ' || *v == '\t' || *v == '\n') {
			end_field(f);
			continue;
		}
		if (*v == '*' || *v == '?' || *v == '[')
			f->pattern = true;
		add_char(f, *v);
	}
}

/* At a $: the value if a name follows, else a literal $. */
static const char *dollar(struct fields *f, const char *p, bool quoted)
{
	const char *after = p + 1;
	const char *v = parameter(&after);

	if (!v) {
		add_char(f, '$');
		return p + 1;
	}
	add_value(f, v, quoted);
	return after;
}

/* Inside "...": from just after the opening quote to just after the
 * closing one. */
static const char *double_quoted(struct fields *f, const char *p)
{
	f->started = f->quoted = true;
	while (*p && *p != '"') {
		if (*p == '\\' && p[1] && strchr("$`\"\\\n", p[1])) {
			/* A backslash-newline inside a word (a continued
			 * line) stands for nothing. */
			/* cppcheck-suppress knownConditionTrueFalse */
			/* Backslash-newline inside a word (a continued line)
			 * stands for nothing. */
			/* cppcheck-suppress knownConditionTrueFalse */
			if (p[1] != '\n')
				add_char(f, p[1]);
			p += 2;
		} else if (*p == '$') {
			p = dollar(f, p, true);
		} else {
			add_char(f, *p++);
		}
	}
	return *p ? p + 1 : p;
}

static void expand_word(struct fields *f, const char *p)
{
	while (*p) {
		if (*p == '\\' && p[1]) {
			f->quoted = true;
			/* Backslash-newline inside a word (a continued line)
			 * stands for nothing. */
			/* cppcheck-suppress knownConditionTrueFalse */
			if (p[1] != '\n')
				add_char(f, p[1]);
			p += 2;
		} else if (*p == '\'') {
			const char *end = strchr(p + 1, '\'');

			f->started = f->quoted = true;
			for (p++; p < end; p++)
				add_char(f, *p);
			p++;
		} else if (*p == '"') {
			p = double_quoted(f, p + 1);
		} else if (*p == '$') {
			p = dollar(f, p, false);
		} else {
			if (*p == '*' || *p == '?' || *p == '[')
				f->pattern = true;
			add_char(f, *p++);
		}
	}
	end_field(f);
}

char **expand_words(char **words, int n, int *argc)
{
	struct fields f = { 0 };

	for (int i = 0; i < n; i++)
		expand_word(&f, words[i]);
	free(f.buf);
	push_field(&f, NULL);
	*argc = f.n - 1;
	return f.v;
}

char *expand_one(const char *word)
{
	char *w = (char *)word;
	int argc;
	char **argv = expand_words(&w, 1, &argc);

	if (argc != 1) {
		fprintf(stderr, "sh: %s: ambiguous redirect\n", word);
		return NULL;
	}
	return argv[0];
}
