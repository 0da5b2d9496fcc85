/*
 * Red-black trees (rbtree.h), as in Cormen, Leiserson, Rivest and Stein,
 * "Introduction to Algorithms", chapter 13, with NULL for the leaves
 * (which count as black) instead of a sentinel node. The tests in
 * rbtree_test.c check every rule after random inserts and erases.
 */
#include "lib/rbtree.h"

static bool is_red(const struct rb_node *n)
{
	return n && n->red;
}

/* Make new take old's place under parent (or at the root). */
static void replace_child(struct rb_root *root, struct rb_node *parent,
			  const struct rb_node *old, struct rb_node *new)
{
	if (!parent)
		root->node = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
}

/*
 *      x                y
 *     / \              / \
 *    a   y    ==>     x   c
 *       / \          / \
 *      b   c        a   b
 */
static void rotate_left(struct rb_root *root, struct rb_node *x)
{
	struct rb_node *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	y->parent = x->parent;
	replace_child(root, x->parent, x, y);
	y->left = x;
	x->parent = y;
}

/* The mirror image of rotate_left. */
static void rotate_right(struct rb_root *root, struct rb_node *x)
{
	struct rb_node *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	y->parent = x->parent;
	replace_child(root, x->parent, x, y);
	y->right = x;
	x->parent = y;
}

void rb_insert_fixup(struct rb_root *root, struct rb_node *z)
{
	/* z is red; the only rule that can be broken is a red parent. The
	 * parent is red, so not the root, so the grandparent exists. */
	while (is_red(z->parent)) {
		struct rb_node *p = z->parent, *g = p->parent;
		bool left = p == g->left;
		struct rb_node *uncle = left ? g->right : g->left;

		if (is_red(uncle)) {
			/* Push the grandparent's black down a level and
			 * carry on from the grandparent. */
			p->red = false;
			uncle->red = false;
			g->red = true;
			z = g;
			continue;
		}
		/* Rotate z to the outside, then rotate the grandparent
		 * down under the parent, which becomes black. */
		if (left && z == p->right) {
			rotate_left(root, p);
			z = p;
			p = z->parent;
		} else if (!left && z == p->left) {
			rotate_right(root, p);
			z = p;
			p = z->parent;
		}
		p->red = false;
		g->red = true;
		if (left)
			rotate_right(root, g);
		else
			rotate_left(root, g);
	}
	root->node->red = false;
}

/* Put v (maybe NULL) where u is. */
static void transplant(struct rb_root *root, struct rb_node *u,
		       struct rb_node *v)
{
	replace_child(root, u->parent, u, v);
	if (v)
		v->parent = u->parent;
}

/* A black node left the path through x (maybe NULL, a leaf), whose parent
 * is parent: x counts one black short. Move the missing black up or
 * borrow one from x's sibling, which has at least one black node. */
static void erase_fixup(struct rb_root *root, struct rb_node *x,
			struct rb_node *parent)
{
	while (x != root->node && !is_red(x)) {
		bool left = x == parent->left;
		struct rb_node *w = left ? parent->right : parent->left;

		if (w->red) {
			/* Make the sibling black by rotating the parent. */
			w->red = false;
			parent->red = true;
			if (left)
				rotate_left(root, parent);
			else
				rotate_right(root, parent);
			w = left ? parent->right : parent->left;
		}
		if (!is_red(w->left) && !is_red(w->right)) {
			/* Both sides short a black: go up a level. */
			w->red = true;
			x = parent;
			parent = x->parent;
			continue;
		}
		if (left && !is_red(w->right)) {
			w->left->red = false;
			w->red = true;
			rotate_right(root, w);
			w = parent->right;
		} else if (!left && !is_red(w->left)) {
			w->right->red = false;
			w->red = true;
			rotate_left(root, w);
			w = parent->left;
		}
		/* The sibling's outer child is red: one rotation at the
		 * parent gives x's side its black back. */
		w->red = parent->red;
		parent->red = false;
		if (left) {
			w->right->red = false;
			rotate_left(root, parent);
		} else {
			w->left->red = false;
			rotate_right(root, parent);
		}
		x = root->node;
	}
	if (x)
		x->red = false;
}

void rb_erase(struct rb_root *root, struct rb_node *z)
{
	struct rb_node *x, *x_parent, *y;
	bool removed_red = z->red;

	if (!z->left || !z->right) {
		/* At most one child: it takes z's place. */
		x = z->left ? z->left : z->right;
		x_parent = z->parent;
		transplant(root, z, x);
	} else {
		/* Two children: z's successor y (no left child) leaves its
		 * own place and takes z's, in z's colour. */
		y = z->right;
		while (y->left)
			y = y->left;
		removed_red = y->red;
		x = y->right;
		if (y->parent == z) {
			x_parent = y;
		} else {
			x_parent = y->parent;
			transplant(root, y, y->right);
			y->right = z->right;
			y->right->parent = y;
		}
		transplant(root, z, y);
		y->left = z->left;
		y->left->parent = y;
		y->red = z->red;
	}
	z->parent = z->left = z->right = NULL;
	if (!removed_red)
		erase_fixup(root, x, x_parent);
}

struct rb_node *rb_first(const struct rb_root *root)
{
	struct rb_node *n = root->node;

	if (!n)
		return NULL;
	while (n->left)
		n = n->left;
	return n;
}

struct rb_node *rb_last(const struct rb_root *root)
{
	struct rb_node *n = root->node;

	if (!n)
		return NULL;
	while (n->right)
		n = n->right;
	return n;
}

struct rb_node *rb_next(const struct rb_node *node)
{
	struct rb_node *n = (struct rb_node *)node;

	if (n->right) {
		n = n->right;
		while (n->left)
			n = n->left;
		return n;
	}
	while (n->parent && n == n->parent->right)
		n = n->parent;
	return n->parent;
}
