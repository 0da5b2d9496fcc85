/*
 * lex: cuts text into tokens. A word keeps its quotes and $ signs as
 * written (expand.c removes and replaces them when the command runs, so
 * that $? is read then and not now); the lexer only has to know where a
 * word ends: at an unquoted blank, newline or operator character, and not
 * inside quotes, $( ), ${ }, $(( )) or ` `.
 *
 * Operators: | || & && ; ;; ( ) newline, and the redirections < > >> >|
 * <& >& <<, <<-, each optionally preceded by a descriptor number ("2>",
 * "2>&1"). A # that starts a word starts a comment to the end of the line.
 * Reserved words (if, then, ...) are plain words here: only the parser
 * knows where a word is a command's first.
 *
 * Here-documents: after <<WORD the lexer notes the redirection; at the
 * next newline it takes the lines that follow, up to one that is WORD, as
 * the body (with <<-, leading tabs are dropped). Text that stops before
 * WORD answers SH_MORE, like an open quote.
 */
#include "sh.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static bool is_operator_char(char c)
{
	return c == '|' || c == '&' || c == ';' || c == '<' || c == '>' ||
	       c == '(' || c == ')';
}

static bool ends_word(char c)
{
	return c == '\0' || c == ' ' || c == '\t' || c == '\n' ||
	       is_operator_char(c);
}

static const char *skip_quoted(const char *p);

/* From the opening " to just after the closing one; NULL if none. */
static const char *skip_double(const char *p)
{
	for (p++; *p != '"'; p++) {
		if (*p == '\0')
			return NULL;
		if (*p == '\\' && p[1] != '\0') {
			p++;
		} else if (*p == '$' || *p == '`') {
			const char *end = lex_skip_subst(p);

			if (!end)
				return NULL;
			p = end - 1;
		}
	}
	return p + 1;
}

/* Steps over one quoted thing at P: '...', "...", \c, $(...), ${...},
 * `...`; NULL if the text ends inside it. Anything else: one character. */
static const char *skip_quoted(const char *p)
{
	const char *end;

	switch (*p) {
	case '\\':
		return p[1] ? p + 2 : NULL;
	case '\'':
		end = strchr(p + 1, '\'');
		return end ? end + 1 : NULL;
	case '"':
		return skip_double(p);
	case '$':
	case '`':
		return lex_skip_subst(p);
	}
	return p + 1;
}

const char *lex_skip_subst(const char *p)
{
	int depth = 0;
	char open, close;

	if (*p == '`') {
		for (p++; *p != '`'; p++) {
			if (*p == '\0')
				return NULL;
			if (*p == '\\' && p[1])
				p++;
		}
		return p + 1;
	}
	if (p[1] != '(' && p[1] != '{')
		return p + 1;
	open = p[1];
	close = open == '(' ? ')' : '}';
	for (p++; *p;) {
		if (*p == open) {
			depth++;
			p++;
		} else if (*p == close) {
			p++;
			if (--depth == 0)
				return p;
		} else {
			p = skip_quoted(p);
			if (!p)
				return NULL;
		}
	}
	return NULL;
}

/* Steps over one word starting at *S; SH_MORE if a quote is left open or
 * the text ends in a backslash. */
static enum sh_result scan_word(const char **s)
{
	const char *p = *s;

	while (!ends_word(*p)) {
		p = skip_quoted(p);
		if (!p)
			return SH_MORE;
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
	} else if (input && *p == '<') {
		t->redir = REDIR_HEREDOC;
		p++;
		if (*p == '-') {
			t->strip_tabs = true;
			p++;
		}
	} else if (!input && *p == '>') {
		t->redir = REDIR_APPEND;
		p++;
	} else {
		if (!input && *p == '|')
			p++;
		t->redir = input ? REDIR_IN : REDIR_OUT;
	}
	*s = p;
}

/* Reads the operator at *S into T. */
static void scan_operator(const char **s, struct token *t)
{
	const char *p = *s;
	int len = 1;

	if (*p == '<' || *p == '>') {
		scan_redir(s, t);
		return;
	}
	switch (*p) {
	case ';':
		t->kind = p[1] == ';' ? TOK_DSEMI : TOK_SEMI;
		break;
	case '|':
		t->kind = p[1] == '|' ? TOK_OR : TOK_PIPE;
		break;
	case '(':
		t->kind = TOK_LPAREN;
		break;
	case ')':
		t->kind = TOK_RPAREN;
		break;
	default:
		t->kind = p[1] == '&' ? TOK_AND : TOK_AMP;
	}
	if (t->kind == TOK_OR || t->kind == TOK_AND || t->kind == TOK_DSEMI)
		len = 2;
	*s = p + len;
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

/* The delimiter of a here-document: its word without quotes. */
static char *heredoc_delimiter(const char *word, bool *quoted)
{
	char *d = arena_strndup(word, strlen(word));
	char *out = d;

	*quoted = false;
	for (const char *p = word; *p; p++) {
		if (*p == '\'' || *p == '"') {
			*quoted = true;
		} else if (*p == '\\' && p[1]) {
			*quoted = true;
			*out++ = *++p;
		} else {
			*out++ = *p;
		}
	}
	*out = '\0';
	return d;
}

/* Reads the body of here-document T from *S (the start of a line) to its
 * delimiter line, leaving *S after it; SH_MORE if the text ends first. */
static enum sh_result read_heredoc(const char **s, struct token *t,
				   const char *word)
{
	char *delim = heredoc_delimiter(word, &t->heredoc_quoted);
	size_t dlen = strlen(delim), len = 0;
	const char *p = *s;
	char *body = arena_alloc(strlen(p) + 1);

	for (;;) {
		size_t n;

		if (*p == '\0')
			return SH_MORE;
		if (t->strip_tabs)
			while (*p == '\t')
				p++;
		n = strcspn(p, "\n");
		if (n == dlen && strncmp(p, delim, dlen) == 0) {
			p += n;
			break;
		}
		memcpy(body + len, p, n);
		len += n;
		body[len++] = '\n';
		p += n;
		if (*p == '\0')
			return SH_MORE;
		p++;
	}
	if (*p == '\n')
		p++;
	body[len] = '\0';
	t->heredoc = body;
	*s = p;
	return SH_OK;
}

enum sh_result lex(const char *text, struct token **tokens)
{
	/* Every token but the last takes at least one character. */
	struct token *t = arena_alloc((strlen(text) + 1) * sizeof(*t));
	const char *s = text;
	int n = 0, pending = 0; /* here-documents waiting for a newline */
	int heredocs[16];

	*tokens = t;
	for (;;) {
		while (*s == ' ' || *s == '\t' || (*s == '\\' && s[1] == '\n'))
			s += *s == '\\' ? 2 : 1;
		if (*s == '#')
			s += strcspn(s, "\n");
		if (*s == '\0')
			break;
		t[n].fd = -1;
		if (*s == '\n') {
			t[n].kind = TOK_NEWLINE;
			s++;
			for (int i = 0; i < pending; i++) {
				struct token *h = &t[heredocs[i]];

				if (read_heredoc(&s, h, h[1].text) == SH_MORE)
					return SH_MORE;
			}
			pending = 0;
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
			if (n > 0 && t[n - 1].kind == TOK_REDIR &&
			    t[n - 1].redir == REDIR_HEREDOC) {
				if (pending == 16)
					return SH_ERROR;
				heredocs[pending++] = n - 1;
			}
		}
		n++;
	}
	t[n].kind = TOK_END;
	return pending ? SH_MORE : SH_OK;
}
