/*
 * var: the shell's variables. An exported variable lives in the
 * environment (setenv), which every program the shell starts inherits; a
 * variable that is not exported lives in a list of its own here. Setting
 * a variable that is already exported changes the environment. Functions
 * are kept here too, in a list of their own.
 */
#include "sh.h"
#include "ulib.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct var {
	char *name;
	char *value;
	struct var *next;
};

static struct var *locals;

static struct var **find_local(const char *name)
{
	struct var **v;

	for (v = &locals; *v; v = &(*v)->next)
		if (strcmp((*v)->name, name) == 0)
			break;
	return v;
}

const char *var_get(const char *name)
{
	struct var *v = *find_local(name);

	return v ? v->value : getenv(name);
}

void var_set(const char *name, const char *value)
{
	struct var **slot = find_local(name);

	if (!*slot && getenv(name)) {
		setenv(name, value, 1);
		return;
	}
	if (!*slot) {
		*slot = xmalloc(sizeof(**slot));
		(*slot)->name = xstrdup(name);
		(*slot)->next = NULL;
	} else {
		free((*slot)->value);
	}
	(*slot)->value = xstrdup(value);
}

void var_unset(const char *name)
{
	struct var **slot = find_local(name);
	struct var *v = *slot;

	unsetenv(name);
	if (!v)
		return;
	*slot = v->next;
	free(v->name);
	free(v->value);
	free(v);
}

/* export NAME or export NAME=VALUE (VALUE non-NULL). */
void var_export(const char *name, const char *value)
{
	const char *old = var_get(name);
	char *keep = xstrdup(value ? value : old ? old : "");

	var_unset(name);
	setenv(name, keep, 1);
	free(keep);
}

size_t var_assignment(const char *word)
{
	size_t len = 0;

	if (!isalpha((unsigned char)word[0]) && word[0] != '_')
		return 0;
	while (isalnum((unsigned char)word[len]) || word[len] == '_')
		len++;
	return word[len] == '=' ? len : 0;
}

bool var_is_name(const char *s)
{
	size_t len = 0;

	if (!isalpha((unsigned char)s[0]) && s[0] != '_')
		return false;
	while (isalnum((unsigned char)s[len]) || s[len] == '_')
		len++;
	return s[len] == '\0';
}

/* The functions, by name. A body lives in arena memory set aside for
 * good (arena_keep), so redefining a function leaves the old body
 * behind: a script defines its functions once. */
struct function {
	char *name;
	struct node *body;
	struct function *next;
};

static struct function *functions;

void var_set_function(const char *name, struct node *body)
{
	struct function *f;

	for (f = functions; f; f = f->next)
		if (strcmp(f->name, name) == 0)
			break;
	if (!f) {
		f = xmalloc(sizeof(*f));
		f->name = xstrdup(name);
		f->next = functions;
		functions = f;
	}
	f->body = body;
}

struct node *var_function(const char *name)
{
	for (struct function *f = functions; f; f = f->next)
		if (strcmp(f->name, name) == 0)
			return f->body;
	return NULL;
}
