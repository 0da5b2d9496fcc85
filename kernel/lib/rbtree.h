/*
 * Red-black trees: a binary search tree whose nodes are red or black,
 * kept so that no red node has a red child and every path from the root
 * to a leaf passes the same number of black nodes. So the longest path is
 * at most twice the shortest, and insert, erase and lookup are O(log n).
 *
 * The tree does not know its keys. As with Linux's rbtree, the caller
 * walks down comparing its own keys, links the new node where the walk
 * ended (rb_link_node) and lets the tree rebalance (rb_insert_fixup):
 *
 *	struct rb_node **link = &root->node, *parent = NULL;
 *	while (*link) {
 *		parent = *link;
 *		link = key(new) < key(parent) ? &parent->left : &parent->right;
 *	}
 *	rb_link_node(&new->node, parent, link);
 *	rb_insert_fixup(root, &new->node);
 *
 * Nodes are embedded in the caller's structures (container_of). The tree
 * has no lock: its owner's lock protects it. Used by the fair scheduling
 * policy (kernel/sched/policy_fair.c); docs/sched.md has a picture.
 */
#ifndef KESTREL_RBTREE_H
#define KESTREL_RBTREE_H

#include "lib/lib.h"

struct rb_node {
	struct rb_node *parent, *left, *right;
	bool red;
};

struct rb_root {
	struct rb_node *node; /* NULL when empty */
};

#define RB_ROOT_INIT \
	{            \
		NULL \
	}

static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **link)
{
	node->parent = parent;
	node->left = node->right = NULL;
	node->red = true;
	*link = node;
}

/* Restore the red-black rules after rb_link_node put node in the tree. */
void rb_insert_fixup(struct rb_root *root, struct rb_node *node);
/* Take node out of the tree. */
void rb_erase(struct rb_root *root, struct rb_node *node);
/* The smallest node, or NULL for an empty tree. */
struct rb_node *rb_first(const struct rb_root *root);
/* The node after node in key order, or NULL. */
struct rb_node *rb_next(const struct rb_node *node);
/* The largest node, or NULL. */
struct rb_node *rb_last(const struct rb_root *root);

#endif
