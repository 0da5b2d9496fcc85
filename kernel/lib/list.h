/*
 * A circular doubly linked list, moved here from the scheduler's
 * policy.h.
 */
#ifndef KESTREL_LIB_LIST_H
#define KESTREL_LIB_LIST_H

#include "lib/lib.h"

/* A circular doubly linked list of queued entities (rt and rr). */
struct run_list {
	struct run_list *next, *prev;
};

static inline void run_list_init(struct run_list *l)
{
	l->next = l->prev = l;
}
static inline bool run_list_empty(const struct run_list *l)
{
	return l->next == l;
}
/* Put n between prev and next. */
static inline void run_list_insert(struct run_list *n, struct run_list *prev,
				   struct run_list *next)
{
	n->prev = prev;
	n->next = next;
	prev->next = n;
	next->prev = n;
}
static inline void run_list_add_tail(struct run_list *head, struct run_list *n)
{
	run_list_insert(n, head->prev, head);
}
static inline void run_list_add_head(struct run_list *head, struct run_list *n)
{
	run_list_insert(n, head, head->next);
}
static inline void run_list_del(struct run_list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}

#endif
