/*
 * complete: what the word before the cursor may become when Tab is
 * pressed (edit.c inserts it). The first word of a command completes to
 * a builtin or a program in one of PATH's directories; any other word,
 * or one with a '/' in it, to a path, whose directories get a '/' so
 * that the next Tab goes on inside them. Names starting with '.' are
 * offered only when the word's last part starts with '.' too, as bash
 * does.
 */
#include "sh.h"
#include "ulib.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct list {
	char **v;
	size_t n, cap;
};

static void add(struct list *l, char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(char *));
	}
	l->v[l->n++] = s;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort and drop duplicates (a program in two PATH directories). */
static void sort_unique(struct list *l)
{
	size_t k = 0;

	if (l->n)
		qsort(l->v, l->n, sizeof(char *), by_name);
	for (size_t i = 0; i < l->n; i++) {
		if (k && strcmp(l->v[k - 1], l->v[i]) == 0)
			free(l->v[i]);
		else
			l->v[k++] = l->v[i];
	}
	l->n = k;
}

/* Each entry of directory DIR whose name starts with PREFIX, as
 * LEAD + name (+ '/' for a directory, when MARK_DIRS). With COMMANDS
 * only executable regular files. */
static void scan(struct list *l, const char *dir, const char *lead,
		 const char *prefix, bool mark_dirs, bool commands)
{
	size_t plen = strlen(prefix);
	DIR *d = opendir(*dir ? dir : ".");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[4096], *s;
		struct stat st;
		bool is_dir;

		if (strncmp(e->d_name, prefix, plen) != 0 ||
		    (e->d_name[0] == '.' && prefix[0] != '.') ||
		    strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s%s%s", dir,
			 *dir && dir[strlen(dir) - 1] != '/' ? "/" : "",
			 e->d_name);
		is_dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
		if (commands && (is_dir || access(path, X_OK) != 0))
			continue;
		s = xmalloc(strlen(lead) + strlen(e->d_name) + 2);
		sprintf(s, "%s%s%s", lead, e->d_name,
			mark_dirs && is_dir ? "/" : "");
		add(l, s);
	}
	closedir(d);
}

char **complete(const char *word, bool command, size_t *n)
{
	struct list l = { 0 };
	const char *slash = strrchr(word, '/');

	if (command && !slash) {
		const char *path = var_get("PATH");
		const char *name;

		for (size_t i = 0; (name = builtin_name(i)); i++)
			if (strncmp(name, word, strlen(word)) == 0)
				add(&l, xstrdup(name));
		if (!path)
			path = "/bin";
		for (const char *p = path;; p++) {
			size_t len = strcspn(p, ":");
			char dir[4096];

			snprintf(dir, sizeof(dir), "%.*s", (int)len, p);
			scan(&l, *dir ? dir : ".", "", word, false, true);
			p += len;
			if (!*p)
				break;
		}
	} else {
		/* "a/b/pre": look in "a/b/" for names starting "pre". */
		size_t dlen = slash ? (size_t)(slash - word) + 1 : 0;
		char *dir = xstrdup(word);

		dir[dlen] = '\0';
		scan(&l, dlen ? dir : "", dir, word + dlen, true, false);
		free(dir);
	}
	sort_unique(&l);
	*n = l.n;
	return l.v;
}

void complete_free(char **c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(c[i]);
	free(c);
}
