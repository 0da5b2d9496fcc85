/*
 * lex: cuts a line into tokens. A word keeps its quotes and $ signs as
 * written (expand.c removes and replaces them when the command runs, so
 * that $? is read then and not now); the lexer only has to know where a
 * word ends: at an unquoted blank, newline or operator character.
 * Operators: | || & && ; newline, and the redirections < > >> <& >&, each
 * optionally preceded by a descriptor number ("2>", "2>&1"). A # that
 * starts a word starts a comment to the end of the line.
 */
#include "sh.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static bool is_operator_char(char c)
{
	return c == '|' || c == '&' || c == ';' || c == '<' || c == '>';
}

static bool ends_word(char c)
{
	return c == '\0' || c == ' ' || c == '\t' || c == '\n' ||
	       is_operator_char(c);
}

/* Steps over one word starting at *S; SH_MORE if a quote is left open or
 * the line ends in a backslash. */
static enum sh_result scan_word(const char **s)
{
	const char *p = *s;

	while (!ends_word(*p)) {
		if (*p == '\\') {
			if (p[1] == '\0')
				return SH_MORE;
			p += 2;
		} else if (*p == '\'') {
			p = strchr(p + 1, '\'');
			if (!p)
				return SH_MORE;
			p++;
		} else if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (*p == '\0')
					return SH_MORE;
				if (*p == '\\' && p[1] != '\0')
					p++;
			}
			p++;
		} else {
			p++;
		}
	}
	*s = p;
	return SH_OK;
}

/* Reads a redirection operator at *S (after any descriptor number). */
static void scan_redir(const char **s, struct token *t)
{
	const char *p = *s;
	bool input = *p == '<';

	t->kind = TOK_REDIR;
	if (t->fd < 0)
		t->fd = input ? 0 : 1;
	p++;
	if (*p == '&') {
		t->redir = REDIR_DUP;
		p++;
	} else if (!input && *p == '>') {
		t->redir = REDIR_APPEND;
		p++;
	} else {
		t->redir = input ? REDIR_IN : REDIR_OUT;
	}
	*s = p;
}

/* Reads the operator at *S into T. */
static void scan_operator(const char **s, struct token *t)
{
	const char *p = *s;

	if (*p == '<' || *p == '>') {
		scan_redir(s, t);
		return;
	}
	if (*p == ';') {
		t->kind = TOK_SEMI;
	} else if (*p == '|') {
		t->kind = p[1] == '|' ? TOK_OR : TOK_PIPE;
	} else {
		t->kind = p[1] == '&' ? TOK_AND : TOK_AMP;
	}
	p += (t->kind == TOK_OR || t->kind == TOK_AND) ? 2 : 1;
	*s = p;
}

/* A descriptor number written right before < or >, as in 2>file. */
static bool scan_io_number(const char **s, struct token *t)
{
	const char *p = *s;

	while (isdigit((unsigned char)*p))
		p++;
	if (p == *s || (*p != '<' && *p != '>') || p - *s > 4)
		return false;
	t->fd = atoi(*s);
	*s = p;
	scan_redir(s, t);
	return true;
}

enum sh_result lex(const char *line, struct token **tokens)
{
	/* Every token but the last takes at least one character. */
	struct token *t = arena_alloc((strlen(line) + 1) * sizeof(*t));
	const char *s = line;
	int n = 0;

	*tokens = t;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '#')
			s += strcspn(s, "\n");
		if (*s == '\0')
			break;
		t[n].fd = -1;
		if (*s == '\n') {
			t[n].kind = TOK_NEWLINE;
			s++;
		} else if (scan_io_number(&s, &t[n])) {
			/* a redirection such as 2>, read whole */
		} else if (is_operator_char(*s)) {
			scan_operator(&s, &t[n]);
		} else {
			const char *start = s;

			if (scan_word(&s) == SH_MORE)
				return SH_MORE;
			t[n].kind = TOK_WORD;
			t[n].text = arena_strndup(start, s - start);
		}
		n++;
	}
	t[n].kind = TOK_END;
	return SH_OK;
}
