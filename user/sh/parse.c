/*
 * parse: builds jobs from tokens by recursive descent over this grammar
 * (a small part of POSIX sh's):
 *
 *   list      = { job ( ";" | "&" | newline ) } [ job ]
 *   job       = pipeline { ( "&&" | "||" ) newline* pipeline }
 *   pipeline  = command { "|" newline* command }
 *   command   = ( word | redirection ) { word | redirection }
 *
 * A line that ends right after |, && or || is not finished: parse()
 * answers SH_MORE and the caller reads another line onto it.
 */
#include "sh.h"

#include <stdio.h>

struct parser {
	struct token *t; /* the next token */
};

static const char *token_name(const struct token *t)
{
	switch (t->kind) {
	case TOK_WORD:
		return t->text;
	case TOK_PIPE:
		return "|";
	case TOK_AND:
		return "&&";
	case TOK_OR:
		return "||";
	case TOK_SEMI:
		return ";";
	case TOK_AMP:
		return "&";
	case TOK_NEWLINE:
		return "newline";
	case TOK_REDIR:
		return "redirection";
	case TOK_END:
		break;
	}
	return "end of input";
}

static enum sh_result syntax_error(const struct token *t)
{
	fprintf(stderr, "sh: syntax error near '%s'\n", token_name(t));
	return SH_ERROR;
}

static void skip_newlines(struct parser *p)
{
	while (p->t->kind == TOK_NEWLINE)
		p->t++;
}

/* After an operator that needs something to follow: more input, or an
 * error if something else is there. */
static enum sh_result missing(struct parser *p)
{
	return p->t->kind == TOK_END ? SH_MORE : syntax_error(p->t);
}

static enum sh_result parse_command(struct parser *p, struct command **out)
{
	struct command *c = arena_alloc(sizeof(*c));
	struct redir **tail = &c->redirs;
	struct token *first = p->t;
	int n = 0;

	for (; p->t->kind == TOK_WORD || p->t->kind == TOK_REDIR; p->t++) {
		if (p->t->kind == TOK_WORD) {
			n++;
			continue;
		}
		struct redir *r = arena_alloc(sizeof(*r));

		r->kind = p->t->redir;
		r->fd = p->t->fd;
		if (p->t[1].kind != TOK_WORD)
			return syntax_error(&p->t[1]);
		p->t++;
		r->target = p->t->text;
		*tail = r;
		tail = &r->next;
	}
	if (p->t == first)
		return missing(p);
	c->words = arena_alloc((n + 1) * sizeof(char *));
	for (struct token *t = first; t < p->t; t++) {
		if (t->kind == TOK_REDIR)
			t++;
		else
			c->words[c->nwords++] = t->text;
	}
	*out = c;
	return SH_OK;
}

static enum sh_result parse_pipeline(struct parser *p, struct pipeline **out)
{
	struct pipeline *pl = arena_alloc(sizeof(*pl));
	struct command **tail = &pl->commands;

	for (;;) {
		enum sh_result r = parse_command(p, tail);

		if (r != SH_OK)
			return r;
		tail = &(*tail)->next;
		if (p->t->kind != TOK_PIPE)
			break;
		p->t++;
		skip_newlines(p);
	}
	pl->connector = TOK_END;
	*out = pl;
	return SH_OK;
}

static enum sh_result parse_job(struct parser *p, struct job **out)
{
	struct job *j = arena_alloc(sizeof(*j));
	struct pipeline **tail = &j->pipelines;

	for (;;) {
		enum sh_result r = parse_pipeline(p, tail);

		if (r != SH_OK)
			return r;
		if (p->t->kind != TOK_AND && p->t->kind != TOK_OR)
			break;
		(*tail)->connector = p->t->kind;
		tail = &(*tail)->next;
		p->t++;
		skip_newlines(p);
	}
	*out = j;
	return SH_OK;
}

enum sh_result parse(struct token *tokens, struct job **jobs)
{
	struct parser p = { tokens };

	*jobs = NULL;
	for (;;) {
		enum sh_result r;

		skip_newlines(&p);
		if (p.t->kind == TOK_END)
			return SH_OK;
		r = parse_job(&p, jobs);
		if (r != SH_OK)
			return r;
		if (p.t->kind == TOK_AMP)
			(*jobs)->background = true;
		else if (p.t->kind != TOK_SEMI && p.t->kind != TOK_NEWLINE &&
			 p.t->kind != TOK_END)
			return syntax_error(p.t);
		if (p.t->kind != TOK_END)
			p.t++;
		jobs = &(*jobs)->next;
	}
}
