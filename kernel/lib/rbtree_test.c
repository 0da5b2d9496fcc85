/*
 * Tests of the red-black tree (in the sched suite, whose fair class is
 * its user): after every insert and erase of random keys the tree is
 * still a search tree with sound parent links, no red node has a red
 * child, and every path has the same number of black nodes.
 */
#include "lib/ktest.h"
#include "lib/random.h"
#include "lib/rbtree.h"

#define NODES 512

struct item {
	struct rb_node node;
	uint32_t key;
	bool in;
};

static struct item items[NODES];

static uint32_t key_of(const struct rb_node *n)
{
	return container_of(n, struct item, node)->key;
}

/* The black height of the subtree at n, or -1 if a rule is broken. */
static int check(const struct rb_node *n, const struct rb_node *parent)
{
	int l, r;

	if (!n)
		return 1;
	if (n->parent != parent)
		return -1;
	if (n->red &&
	    ((n->left && n->left->red) || (n->right && n->right->red)))
		return -1;
	if ((n->left && key_of(n->left) > key_of(n)) ||
	    (n->right && key_of(n->right) < key_of(n)))
		return -1;
	l = check(n->left, n);
	r = check(n->right, n);
	if (l < 0 || r < 0 || l != r)
		return -1;
	return l + !n->red;
}

static void insert(struct rb_root *root, struct item *it)
{
	struct rb_node **link = &root->node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = it->key < key_of(parent) ? &parent->left
						: &parent->right;
	}
	rb_link_node(&it->node, parent, link);
	rb_insert_fixup(root, &it->node);
	it->in = true;
}

/* In key order, and as many as are in. */
static bool walk_sorted(const struct rb_root *root, unsigned int want)
{
	unsigned int n = 0;
	uint32_t last = 0;

	for (struct rb_node *x = rb_first(root); x; x = rb_next(x), n++) {
		if (key_of(x) < last)
			return false;
		last = key_of(x);
	}
	return n == want;
}

KTEST(sched, rbtree_rules)
{
	struct rb_root root = RB_ROOT_INIT;
	unsigned int in = 0;

	for (unsigned int i = 0; i < NODES; i++) {
		random_bytes(&items[i].key, sizeof(items[i].key));
		items[i].key %= 1000; /* with repeats */
		insert(&root, &items[i]);
		in++;
		KT_ASSERT(root.node->red == false, "red root");
		KT_ASSERT(check(root.node, NULL) > 0, "broken after insert %u",
			  i);
	}
	KT_ASSERT(walk_sorted(&root, in), "not in order after inserts");
	/* Erase in a random order, checking all along. */
	for (unsigned int round = 0; round < NODES; round++) {
		uint32_t r;
		struct item *it;

		random_bytes(&r, sizeof(r));
		it = &items[r % NODES];
		if (!it->in)
			continue;
		rb_erase(&root, &it->node);
		it->in = false;
		in--;
		KT_ASSERT(check(root.node, NULL) > 0, "broken after erase");
	}
	KT_ASSERT(walk_sorted(&root, in), "not in order after erases");
	for (unsigned int i = 0; i < NODES; i++)
		if (items[i].in)
			rb_erase(&root, &items[i].node);
	KT_ASSERT(root.node == NULL, "not empty at the end");
	KT_ASSERT(rb_first(&root) == NULL && rb_last(&root) == NULL,
		  "first/last of an empty tree");
}
