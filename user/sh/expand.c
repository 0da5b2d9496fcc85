/*
 * expand: turns a word as written into the arguments it stands for, when
 * its command is about to run. Left to right: 'single quotes' keep
 * everything; "double quotes" keep all but $, ` and \; \ keeps the next
 * character; ~ at the start is $HOME; and these are replaced by values:
 *
 *   $NAME ${NAME} $? $$ $! $# $0..$9 ${10} $@ $*    parameters
 *   ${NAME:-word} ${NAME-word} := = :? ? :+ +        defaults, checks
 *   ${#NAME} ${NAME%pat} ${NAME%%pat} ${NAME#pat} ${NAME##pat}
 *   $(commands) `commands`                          their output
 *   $((expression))                                  arith.c
 *
 * A value from an unquoted expansion is split into fields at the
 * characters of $IFS, and a field with an unquoted * ? or [ and no quoted
 * part is a glob(3) pattern, replaced by the names it matches (kept as it
 * is if none). "$@" makes one field per positional parameter.
 *
 * The same walk serves three modes: FIELDS (a command's arguments),
 * STRING (one string: an assignment's value, a case subject, a here-
 * document) and PATTERN (a case pattern, where quoted * ? [ are escaped
 * with \ so that fnmatch takes them literally).
 */
#include "sh.h"
#include "ulib.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum mode { FIELDS, STRING, PATTERN };

/* The fields a word is making; the one being built is in buf. */
struct fields {
	enum mode mode;
	char **v;
	int n, cap;
	char *buf;
	size_t len, size;
	bool started; /* the current field exists, even if empty ("") */
	bool quoted;  /* part of it was quoted: no globbing */
	bool pattern; /* it has an unquoted * ? or [ */
};

static void expand_word(struct fields *f, const char *p);

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
	if (f->len + 2 >= f->size) {
		f->size = f->size ? 2 * f->size : 64;
		f->buf = xrealloc(f->buf, f->size);
	}
	f->buf[f->len++] = c;
	f->started = true;
}

/* A character that was quoted: literal, even in a pattern. */
static void add_quoted(struct fields *f, char c)
{
	if (f->mode == PATTERN && strchr("*?[]\\", c))
		add_char(f, '\\');
	add_char(f, c);
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
	if (f->mode == FIELDS && f->pattern && !f->quoted && !shell.noglob) {
		f->buf[f->len] = '\0';
		add_glob_matches(f, f->buf);
	} else {
		push_field(f, arena_strndup(f->buf ? f->buf : "", f->len));
	}
	f->len = 0;
	f->started = f->quoted = f->pattern = false;
}

static const char *ifs(void)
{
	const char *v = var_get("IFS");

	return v ? v : " \t\n";
}

/* Adds the value of an expansion; unquoted in FIELDS mode, the
 * characters of $IFS in it split fields. */
static void add_value(struct fields *f, const char *v, bool quoted)
{
	const char *sep = ifs();

	if (quoted) {
		f->started = f->quoted = true;
		for (; *v; v++)
			add_quoted(f, *v);
		return;
	}
	for (; *v; v++) {
		if (f->mode == FIELDS && *sep && strchr(sep, *v)) {
			if (!strchr(" \t\n", *v))
				f->started = true;
			end_field(f);
			continue;
		}
		if (*v == '*' || *v == '?' || *v == '[')
			f->pattern = true;
		add_char(f, *v);
	}
}

/* Runs TEXT in a child and returns its output without trailing
 * newlines; its status goes to shell.subst_status. */
static char *command_output(const char *text)
{
	size_t len = 0, size = 256;
	char *out;
	int fds[2], st;
	ssize_t n;
	pid_t pid;

	if (pipe(fds) < 0) {
		perror("sh: pipe");
		return "";
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], 1);
		close(fds[1]);
		shell.forked = true;
		shell.interactive = shell.job_control = false;
		trap_reset_in_child();
		sh_exit(exec_text(text));
	}
	close(fds[1]);
	out = xmalloc(size);
	while ((n = read(fds[0], out + len, size - len - 1)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		len += n;
		if (size - len < 2)
			out = xrealloc(out, size *= 2);
	}
	close(fds[0]);
	while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (pid > 0)
		shell.subst_status = WIFSIGNALED(st) ? 128 + WTERMSIG(st)
						     : WEXITSTATUS(st);
	while (len > 0 && out[len - 1] == '\n')
		len--;
	char *result = arena_strndup(out, len);
	free(out);
	return result;
}

/* `text`: the commands inside, with \` \\ \$ unescaped. */
static const char *backquote(struct fields *f, const char *p, bool quoted)
{
	const char *end = lex_skip_subst(p);
	char *text, *out;

	if (!end) {
		add_char(f, *p);
		return p + 1;
	}
	text = out = arena_alloc(end - p);
	for (p++; p < end - 1; p++) {
		if (*p == '\\' && strchr("`\\$", p[1]))
			p++;
		*out++ = *p;
	}
	add_value(f, command_output(text), quoted);
	return end;
}

/* The positional parameters joined by SEP (none if SEP is '\0'). */
static char *joined_parameters(char sep)
{
	size_t len = 1;
	char *s;

	for (int i = 1; i < shell.argc; i++)
		len += strlen(shell.argv[i]) + 1;
	s = arena_alloc(len);
	for (int i = 1; i < shell.argc; i++) {
		if (i > 1 && sep)
			strncat(s, &sep, 1);
		strcat(s, shell.argv[i]);
	}
	return s;
}

/* The value of parameter NAME, NULL if it is not set. */
static const char *lookup(const char *name)
{
	char *number;
	long value;

	if (isdigit((unsigned char)name[0])) {
		int i = atoi(name);
		return i < shell.argc ? shell.argv[i] : NULL;
	}
	switch (name[0]) {
	case '@':
	case '*':
		return joined_parameters(name[0] == '*' ? *ifs() : ' ');
	case '?':
		value = shell.status;
		break;
	case '$':
		value = shell.pid;
		break;
	case '!':
		value = shell.last_background;
		break;
	case '#':
		value = shell.argc > 0 ? shell.argc - 1 : 0;
		break;
	case '-':
		number = arena_alloc(8);
		snprintf(number, 8, "%s%s%s%s", shell.errexit ? "e" : "",
			 shell.xtrace ? "x" : "", shell.nounset ? "u" : "",
			 shell.noglob ? "f" : "");
		return number;
	default:
		return var_get(name);
	}
	number = arena_alloc(24);
	snprintf(number, 24, "%ld", value);
	return number;
}

/* The length of the parameter name at S: one special character, digits
 * (only in braces, more than one), or a NAME. */
static size_t name_length(const char *s, bool braced)
{
	size_t len = 0;

	if (*s && strchr("?$!#@*-", *s))
		return 1;
	if (isdigit((unsigned char)*s)) {
		if (!braced)
			return 1;
		while (isdigit((unsigned char)s[len]))
			len++;
		return len;
	}
	if (!isalpha((unsigned char)*s) && *s != '_')
		return 0;
	while (isalnum((unsigned char)s[len]) || s[len] == '_')
		len++;
	return len;
}

static void unset_error(const char *name, const char *message)
{
	fprintf(stderr, "sh: %s: %s\n", name, message);
	if (!shell.interactive)
		sh_exit(2);
}

/* Adds $@ or $*: with "$@", one field per parameter. */
static void add_parameters(struct fields *f, char which, bool quoted)
{
	if (f->mode != FIELDS || (quoted && which == '*')) {
		add_value(f, lookup(which == '*' ? "*" : "@"), quoted);
		return;
	}
	for (int i = 1; i < shell.argc; i++) {
		if (i > 1) {
			if (quoted)
				f->started = true;
			end_field(f);
		}
		add_value(f, shell.argv[i], quoted);
	}
}

/* V with the shortest or longest prefix or suffix matching PATTERN cut
 * off: OP is one of # ## % %%. */
static const char *trim(const char *v, const char *op, const char *pattern)
{
	size_t len = strlen(v);
	bool longest = op[1] == op[0];
	char *copy = arena_strndup(v, len);

	if (op[0] == '#') {
		for (size_t i = 0; i <= len; i++) {
			size_t k = longest ? len - i : i;
			char c = copy[k];

			copy[k] = '\0';
			bool match = fnmatch(pattern, copy, 0) == 0;
			copy[k] = c;
			if (match)
				return v + k;
		}
		return v;
	}
	for (size_t i = 0; i <= len; i++) {
		size_t k = longest ? i : len - i;

		if (fnmatch(pattern, v + k, 0) == 0) {
			copy[k] = '\0';
			return copy;
		}
	}
	return v;
}

/* ${...}: S is just after the {, END at the }. */
static void braced(struct fields *f, const char *s, const char *end,
		   bool quoted)
{
	bool length = false;
	char name[128], op[3] = "";
	const char *v, *word;
	size_t len;

	if (*s == '#' && s + 1 < end) {
		length = true;
		s++;
	}
	len = name_length(s, true);
	if (len == 0 || len >= sizeof(name)) {
		fprintf(stderr, "sh: bad substitution\n");
		if (!shell.interactive)
			sh_exit(2);
		return;
	}
	memcpy(name, s, len);
	name[len] = '\0';
	s += len;
	if (s < end) {
		len = strspn(s, ":") + 1;
		memcpy(op, s, len < 3 ? len : 2);
		if ((op[0] == '#' || op[0] == '%') && s[1] == op[0])
			op[1] = op[0];
		s += strlen(op);
	}
	word = arena_strndup(s, end - s);
	v = lookup(name);
	bool empty = !v || (op[0] == ':' && !*v);
	char kind = op[0] == ':' ? op[1] : op[0];

	switch (kind) {
	case '\0':
		if (!v && shell.nounset && !strchr("@*", name[0]))
			unset_error(name, "parameter not set");
		break;
	case '-':
		if (empty)
			v = expand_string(word);
		break;
	case '=':
		if (empty) {
			v = expand_string(word);
			var_set(name, v);
		}
		break;
	case '?':
		if (empty)
			unset_error(name, *word ? expand_string(word)
						: "parameter not set");
		break;
	case '+':
		v = empty ? "" : expand_string(word);
		break;
	case '#':
	case '%':
		v = trim(v ? v : "", op, expand_pattern(word));
		break;
	default:
		fprintf(stderr, "sh: bad substitution\n");
		return;
	}
	if (!v)
		v = "";
	if (length) {
		char *n = arena_alloc(24);
		snprintf(n, 24, "%zu", strlen(v));
		v = n;
	}
	if (kind == '\0' && !length && strchr("@*", name[0]))
		add_parameters(f, name[0], quoted);
	else
		add_value(f, v, quoted);
}

/* $((expression)): S is just after the $((, END at the )). */
static void arithmetic(struct fields *f, const char *s, const char *end)
{
	char *expr = expand_string(arena_strndup(s, end - s));
	char *n = arena_alloc(24);
	long value;

	if (!arith_eval(expr, &value)) {
		if (!shell.interactive)
			sh_exit(2);
		value = 0;
	}
	snprintf(n, 24, "%ld", value);
	add_value(f, n, true);
}

/* At a $: an expansion, or a literal $ if none follows. */
static const char *dollar(struct fields *f, const char *p, bool quoted)
{
	char name[128];
	size_t len;

	if (p[1] == '(' || p[1] == '{') {
		const char *end = lex_skip_subst(p);

		if (!end) {
			add_char(f, '$');
			return p + 1;
		}
		if (p[1] == '{')
			braced(f, p + 2, end - 1, quoted);
		else if (p[2] == '(' && end[-2] == ')')
			arithmetic(f, p + 3, end - 2);
		else
			add_value(f,
				  command_output(
					  arena_strndup(p + 2, end - p - 3)),
				  quoted);
		return end;
	}
	len = name_length(p + 1, false);
	if (len == 0 || len >= sizeof(name)) {
		add_char(f, '$');
		return p + 1;
	}
	memcpy(name, p + 1, len);
	name[len] = '\0';
	if (name[0] == '@' || name[0] == '*') {
		add_parameters(f, name[0], quoted);
	} else {
		const char *v = lookup(name);

		if (!v && shell.nounset)
			unset_error(name, "parameter not set");
		add_value(f, v ? v : "", quoted);
	}
	return p + 1 + len;
}

/* Inside "...": from just after the opening quote to just after the
 * closing one. "$@" with no parameters makes no field. */
static const char *double_quoted(struct fields *f, const char *p)
{
	bool only_at = strncmp(p, "$@\"", 3) == 0;

	f->quoted = true;
	while (*p && *p != '"') {
		if (*p == '\\' && p[1] && strchr("$`\"\\\n", p[1])) {
			/* Backslash-newline (a continued line) is nothing. */
			if (p[1] != '\n')
				add_quoted(f, p[1]);
			p += 2;
		} else if (*p == '$') {
			p = dollar(f, p, true);
		} else if (*p == '`') {
			p = backquote(f, p, true);
		} else {
			add_quoted(f, *p++);
		}
	}
	if (!only_at)
		f->started = true;
	return *p ? p + 1 : p;
}

static void expand_word(struct fields *f, const char *p)
{
	if (*p == '~' && (p[1] == '/' || p[1] == '\0') && f->mode != PATTERN) {
		const char *home = var_get("HOME");

		add_value(f, home ? home : "~", true);
		f->quoted = false;
		p++;
	}
	while (*p) {
		if (*p == '\\' && p[1]) {
			if (f->mode == FIELDS)
				f->quoted = true;
			if (p[1] != '\n')
				add_quoted(f, p[1]);
			p += 2;
		} else if (*p == '\'') {
			const char *end = strchr(p + 1, '\'');

			if (!end)
				end = p + strlen(p);
			f->started = f->quoted = true;
			for (p++; p < end; p++)
				add_quoted(f, *p);
			p = *end ? end + 1 : end;
		} else if (*p == '"') {
			p = double_quoted(f, p + 1);
		} else if (*p == '$') {
			p = dollar(f, p, false);
		} else if (*p == '`') {
			p = backquote(f, p, false);
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
	struct fields f = { .mode = FIELDS };

	for (int i = 0; i < n; i++)
		expand_word(&f, words[i]);
	free(f.buf);
	push_field(&f, NULL);
	*argc = f.n - 1;
	return f.v;
}

static char *expand_as(const char *word, enum mode mode)
{
	struct fields f = { .mode = mode };

	expand_word(&f, word);
	free(f.buf);
	return f.n ? f.v[0] : "";
}

char *expand_string(const char *word)
{
	return expand_as(word, STRING);
}

char *expand_pattern(const char *word)
{
	return expand_as(word, PATTERN);
}

char *expand_heredoc(const char *p)
{
	struct fields f = { .mode = STRING };

	while (*p) {
		if (*p == '\\' && p[1] && strchr("$`\\\n", p[1])) {
			if (p[1] != '\n')
				add_char(&f, p[1]);
			p += 2;
		} else if (*p == '$') {
			p = dollar(&f, p, true);
		} else if (*p == '`') {
			p = backquote(&f, p, true);
		} else {
			add_char(&f, *p++);
		}
	}
	end_field(&f);
	free(f.buf);
	return f.n ? f.v[0] : "";
}
