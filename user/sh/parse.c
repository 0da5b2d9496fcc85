/*
 * parse: builds the tree of nodes (sh.h) from tokens by recursive descent
 * over POSIX sh's grammar, one function per rule:
 *
 *   list      = { newline } [ and_or { ( ";" | "&" | newline ) and_or } ]
 *   and_or    = pipeline { ( "&&" | "||" ) { newline } pipeline }
 *   pipeline  = [ "!" ] command { "|" { newline } command }
 *   command   = simple | compound { redirection } | NAME "(" ")" compound
 *   compound  = "{" list "}" | "(" list ")"
 *             | "if" list "then" list { "elif" list "then" list }
 *                 [ "else" list ] "fi"
 *             | ( "while" | "until" ) list "do" list "done"
 *             | "for" NAME [ "in" { word } ] ( ";" | newline ) { newline }
 *                 "do" list "done"
 *             | "case" word "in" { [ "(" ] word { "|" word } ")" list
 *                 ";;" } "esac"
 *   simple    = ( word | redirection ) { word | redirection }
 *
 * A reserved word (if, then, do, {, }, ...) is one only where a command
 * could start; elsewhere it is an ordinary word ("echo if"). A list stops
 * at a reserved word that closes something, at ) or ;; or at the end.
 * Text that stops mid-construct ("if true; then") is not wrong but
 * unfinished: parse() answers SH_MORE and the caller reads another line.
 */
#include "sh.h"

#include <stdio.h>
#include <string.h>

struct parser {
	struct token *t; /* the next token */
};

static enum sh_result parse_list(struct parser *p, struct node **out);
static enum sh_result parse_command(struct parser *p, struct node **out);

static const char *token_name(const struct token *t)
{
	static const char *names[] = {
		[TOK_PIPE] = "|",
		[TOK_AND] = "&&",
		[TOK_OR] = "||",
		[TOK_SEMI] = ";",
		[TOK_DSEMI] = ";;",
		[TOK_AMP] = "&",
		[TOK_LPAREN] = "(",
		[TOK_RPAREN] = ")",
		[TOK_NEWLINE] = "newline",
		[TOK_REDIR] = "redirection",
		[TOK_END] = "end of input",
	};

	return t->kind == TOK_WORD ? t->text : names[t->kind];
}

static enum sh_result syntax_error(const struct token *t)
{
	fprintf(stderr, "sh: syntax error near '%s'\n", token_name(t));
	return SH_ERROR;
}

/* Where something must follow: more input, or an error if something else
 * is there. */
static enum sh_result missing(struct parser *p)
{
	return p->t->kind == TOK_END ? SH_MORE : syntax_error(p->t);
}

static void skip_newlines(struct parser *p)
{
	while (p->t->kind == TOK_NEWLINE)
		p->t++;
}

static bool is_word(const struct token *t, const char *word)
{
	return t->kind == TOK_WORD && strcmp(t->text, word) == 0;
}

/* Takes reserved word WORD, which must come next. */
static enum sh_result expect(struct parser *p, const char *word)
{
	if (!is_word(p->t, word))
		return missing(p);
	p->t++;
	return SH_OK;
}

/* A reserved word that ends a list. */
static bool ends_list(const struct token *t)
{
	static const char *const closers[] = { "then", "else", "elif", "fi",
					       "do",   "done", "esac", "}" };

	if (t->kind == TOK_END || t->kind == TOK_RPAREN || t->kind == TOK_DSEMI)
		return true;
	for (size_t i = 0; i < sizeof(closers) / sizeof(closers[0]); i++)
		if (is_word(t, closers[i]))
			return true;
	return false;
}

static struct node *new_node(enum node_kind kind)
{
	struct node *n = arena_alloc(sizeof(*n));

	n->kind = kind;
	return n;
}

/* Reads a redirection token and its word into a redir. */
static enum sh_result parse_redir(struct parser *p, struct redir ***tail)
{
	struct redir *r = arena_alloc(sizeof(*r));
	struct token *t = p->t;

	if (t[1].kind != TOK_WORD)
		return t[1].kind == TOK_END ? SH_MORE : syntax_error(&t[1]);
	r->kind = t->redir;
	r->fd = t->fd;
	r->target = t[1].text;
	if (r->kind == REDIR_HEREDOC) {
		r->target = t->heredoc;
		r->quoted = t->heredoc_quoted;
	}
	**tail = r;
	*tail = &r->next;
	p->t += 2;
	return SH_OK;
}

static enum sh_result parse_simple(struct parser *p, struct node **out)
{
	struct node *c = new_node(NODE_SIMPLE);
	struct redir **tail = &c->redirs;
	struct token *first = p->t;
	enum sh_result r;
	int n = 0;

	while (p->t->kind == TOK_WORD || p->t->kind == TOK_REDIR) {
		if (p->t->kind == TOK_WORD) {
			n++;
			p->t++;
		} else if ((r = parse_redir(p, &tail)) != SH_OK) {
			return r;
		}
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

/* A list that must not be empty, followed by reserved word END. */
static enum sh_result parse_body(struct parser *p, struct node **out,
				 const char *end)
{
	enum sh_result r = parse_list(p, out);

	if (r != SH_OK)
		return r;
	if (!*out)
		return missing(p);
	return end ? expect(p, end) : SH_OK;
}

/* After "if" or "elif". */
static enum sh_result parse_if(struct parser *p, struct node **out)
{
	struct node *n = new_node(NODE_IF);
	enum sh_result r;

	if ((r = parse_body(p, &n->cond, "then")) != SH_OK ||
	    (r = parse_body(p, &n->body, NULL)) != SH_OK)
		return r;
	if (is_word(p->t, "elif")) {
		p->t++;
		r = parse_if(p, &n->orelse);
	} else if (is_word(p->t, "else")) {
		p->t++;
		r = parse_body(p, &n->orelse, "fi");
	} else {
		r = expect(p, "fi");
	}
	*out = n;
	return r;
}

/* After "while" or "until". */
static enum sh_result parse_loop(struct parser *p, struct node **out,
				 enum node_kind kind)
{
	struct node *n = new_node(kind);
	enum sh_result r;

	if ((r = parse_body(p, &n->cond, "do")) != SH_OK ||
	    (r = parse_body(p, &n->body, "done")) != SH_OK)
		return r;
	*out = n;
	return SH_OK;
}

/* After "for". */
static enum sh_result parse_for(struct parser *p, struct node **out)
{
	struct node *n = new_node(NODE_FOR);
	struct token *first;

	if (p->t->kind != TOK_WORD || !var_is_name(p->t->text))
		return missing(p);
	n->name = p->t->text;
	p->t++;
	skip_newlines(p);
	if (is_word(p->t, "in")) {
		n->has_in = true;
		p->t++;
		first = p->t;
		while (p->t->kind == TOK_WORD)
			p->t++;
		n->nwords = p->t - first;
		n->words = arena_alloc((n->nwords + 1) * sizeof(char *));
		for (int i = 0; i < n->nwords; i++)
			n->words[i] = first[i].text;
		if (p->t->kind != TOK_SEMI && p->t->kind != TOK_NEWLINE)
			return missing(p);
		p->t++;
	} else if (p->t->kind == TOK_SEMI) {
		p->t++;
	}
	skip_newlines(p);
	enum sh_result r = expect(p, "do");

	if (r == SH_OK)
		r = parse_body(p, &n->body, "done");
	*out = n;
	return r;
}

/* One "pattern | pattern ) list ;;" of a case. */
static enum sh_result parse_case_item(struct parser *p, struct case_item **out)
{
	struct case_item *item = arena_alloc(sizeof(*item));
	struct token *first;
	enum sh_result r;

	if (p->t->kind == TOK_LPAREN)
		p->t++;
	first = p->t;
	for (;;) {
		if (p->t->kind != TOK_WORD)
			return missing(p);
		item->npatterns++;
		p->t++;
		if (p->t->kind != TOK_PIPE)
			break;
		p->t++;
	}
	if (p->t->kind != TOK_RPAREN)
		return missing(p);
	p->t++;
	item->patterns = arena_alloc(item->npatterns * sizeof(char *));
	for (int i = 0; i < item->npatterns; i++)
		item->patterns[i] = first[2 * i].text;
	if ((r = parse_list(p, &item->body)) != SH_OK)
		return r;
	if (p->t->kind == TOK_DSEMI)
		p->t++;
	else if (!is_word(p->t, "esac"))
		return missing(p);
	skip_newlines(p);
	*out = item;
	return SH_OK;
}

/* After "case". */
static enum sh_result parse_case(struct parser *p, struct node **out)
{
	struct node *n = new_node(NODE_CASE);
	struct case_item **tail = &n->items;
	enum sh_result r;

	if (p->t->kind != TOK_WORD)
		return missing(p);
	n->words = &p->t->text;
	n->nwords = 1;
	p->t++;
	skip_newlines(p);
	if ((r = expect(p, "in")) != SH_OK)
		return r;
	skip_newlines(p);
	while (!is_word(p->t, "esac")) {
		if ((r = parse_case_item(p, tail)) != SH_OK)
			return r;
		tail = &(*tail)->next;
	}
	p->t++;
	*out = n;
	return SH_OK;
}

/* A compound command at p->t, if there is one (*out stays NULL if not). */
static enum sh_result parse_compound(struct parser *p, struct node **out)
{
	struct token *t = p->t;
	enum sh_result r = SH_OK;

	if (t->kind == TOK_LPAREN) {
		p->t++;
		*out = new_node(NODE_SUBSHELL);
		r = parse_list(p, &(*out)->body);
		if (r == SH_OK && (!(*out)->body || p->t->kind != TOK_RPAREN))
			return missing(p);
		if (r == SH_OK)
			p->t++;
		return r;
	}
	if (t->kind != TOK_WORD)
		return SH_OK;
	p->t++;
	if (strcmp(t->text, "{") == 0) {
		*out = new_node(NODE_BRACE);
		return parse_body(p, &(*out)->body, "}");
	}
	if (strcmp(t->text, "if") == 0)
		return parse_if(p, out);
	if (strcmp(t->text, "while") == 0)
		return parse_loop(p, out, NODE_WHILE);
	if (strcmp(t->text, "until") == 0)
		return parse_loop(p, out, NODE_UNTIL);
	if (strcmp(t->text, "for") == 0)
		return parse_for(p, out);
	if (strcmp(t->text, "case") == 0)
		return parse_case(p, out);
	p->t--;
	return r;
}

/* NAME ( ) compound: a function definition. */
static enum sh_result parse_function(struct parser *p, struct node **out)
{
	struct node *n = new_node(NODE_FUNCTION);
	enum sh_result r;

	n->name = p->t->text;
	p->t += 3;
	skip_newlines(p);
	r = parse_command(p, &n->body);
	if (r == SH_OK && n->body->kind == NODE_SIMPLE)
		return syntax_error(p->t);
	*out = n;
	return r;
}

static enum sh_result parse_command(struct parser *p, struct node **out)
{
	struct token *t = p->t;
	enum sh_result r;

	*out = NULL;
	if (t->kind == TOK_WORD && t[1].kind == TOK_LPAREN &&
	    t[2].kind == TOK_RPAREN && var_is_name(t->text))
		return parse_function(p, out);
	if ((r = parse_compound(p, out)) != SH_OK)
		return r;
	if (!*out)
		return ends_list(p->t) && p->t->kind != TOK_END
			       ? syntax_error(p->t)
			       : parse_simple(p, out);
	struct redir **tail = &(*out)->redirs;
	while (p->t->kind == TOK_REDIR)
		if ((r = parse_redir(p, &tail)) != SH_OK)
			return r;
	return SH_OK;
}

static enum sh_result parse_pipeline(struct parser *p, struct node **out)
{
	struct node *pl = new_node(NODE_PIPELINE);
	struct node **tail = &pl->commands;

	if (is_word(p->t, "!")) {
		pl->bang = true;
		p->t++;
	}
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
	*out = pl;
	return SH_OK;
}

static enum sh_result parse_and_or(struct parser *p, struct node **out)
{
	enum sh_result r = parse_pipeline(p, out);

	while (r == SH_OK && (p->t->kind == TOK_AND || p->t->kind == TOK_OR)) {
		struct node *n =
			new_node(p->t->kind == TOK_AND ? NODE_AND : NODE_OR);

		n->left = *out;
		p->t++;
		skip_newlines(p);
		r = parse_pipeline(p, &n->right);
		*out = n;
	}
	return r;
}

static enum sh_result parse_list(struct parser *p, struct node **out)
{
	*out = NULL;
	for (;;) {
		enum sh_result r;

		skip_newlines(p);
		if (ends_list(p->t))
			return SH_OK;
		if ((r = parse_and_or(p, out)) != SH_OK)
			return r;
		if (p->t->kind == TOK_AMP)
			(*out)->background = true;
		else if (p->t->kind != TOK_SEMI && p->t->kind != TOK_NEWLINE)
			return ends_list(p->t) ? SH_OK : syntax_error(p->t);
		p->t++;
		out = &(*out)->next;
	}
}

enum sh_result parse(struct token *tokens, struct node **list)
{
	struct parser p = { tokens };
	enum sh_result r = parse_list(&p, list);

	if (r == SH_OK && p.t->kind != TOK_END)
		return syntax_error(p.t);
	return r;
}
