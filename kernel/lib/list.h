/*
 * Circular doubly linked lists, as in Linux's list.h. One struct
 * list_head is both the head of a list and the link embedded in each
 * member; an empty list's head points at itself, so adding and removing
 * never test for NULL:
 *
 *	head <-> [A].link <-> [B].link <-> (back to head)
 *
 * container_of (lib.h) gets from a link to the structure around it. The
 * list has no lock: its owner's lock protects it. The rt and rr
 * scheduling classes queue their tasks on these (docs/sched.md).
 */
#ifndef KESTREL_LIB_LIST_H
#define KESTREL_LIB_LIST_H

#include "lib/lib.h"

struct list_head {
	struct list_head *next, *prev;
};

/* An empty list, or a link on no list. */
static inline void list_init(struct list_head *l)
{
	l->next = l->prev = l;
}

static inline bool list_empty(const struct list_head *l)
{
	return l->next == l;
}

/* Put n between prev and next. */
static inline void list_insert(struct list_head *n, struct list_head *prev,
			       struct list_head *next)
{
	n->prev = prev;
	n->next = next;
	prev->next = n;
	next->prev = n;
}

static inline void list_add_tail(struct list_head *head, struct list_head *n)
{
	list_insert(n, head->prev, head);
}

static inline void list_add_head(struct list_head *head, struct list_head *n)
{
	list_insert(n, head, head->next);
}

/* Take n off its list; it is left an empty list of its own. */
static inline void list_del(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}

#endif
