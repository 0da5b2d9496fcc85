/*
 * The child's world: what a child makes before its first call, in its
 * own directory c<N> of the run's scratch directory, for the generators
 * (gen.c) to point at:
 *
 *   file, dir/, dir/sub/        a file of 8 KiB, two directories
 *   link -> file                symbolic links, two of them a loop
 *   loop1 -> loop2 -> loop1
 *   dangling -> missing
 *   descriptors (the pool)      file read-write, read-only and append,
 *                               dir, both ends of a pipe, /dev/null,
 *                               /dev/zero, /proc/self/stat; 0, 1 and 2
 *                               are /dev/null
 *   buf                         BUF_PAGES of random bytes, then a
 *                               guard page (PROT_NONE)
 *   ro                          a read-only page
 *   edge                        a page before a guard page: strings
 *                               without their NUL end there
 *   arena                       ARENA_PAGES the calls may map over,
 *                               unmap and protect, guard pages on both
 *                               sides
 *
 * Its random numbers come from xorshift64*, seeded from the run's seed
 * and the child's number. remove_tree clears a child's directory after.
 */
#define _GNU_SOURCE
#include "sysfuzz.h"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static struct world world;

uint64_t rnd(struct world *w)
{
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return w->rng * 0x2545f4914f6cdd1dULL;
}

void world_note_result(struct world *w, const struct call *c, long ret)
{
	if ((c->flags & C_FORKS) && ret > 0) {
		w->last_child = (pid_t)ret;
		w->forks++;
	}
}

/* Whether the child may make call c now. */
bool world_allows(struct world *w, const struct call *c)
{
	if ((c->flags & C_FORKS) && w->forks >= MAX_FORKS)
		return false;
	return true;
}

/* ---- the child's world -------------------------------------------------- */

static char *map_pages(size_t pages, int prot)
{
	void *p = mmap(NULL, pages * PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED)
		_exit(101);
	return p;
}

static void make_files(void)
{
	static char data[8192];
	int fd;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)('a' + i % 26);
	fd = open("file", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, data, sizeof(data)) != sizeof(data))
		_exit(102);
	close(fd);
	if (mkdir("dir", 0755) || mkdir("dir/sub", 0755) ||
	    symlink("file", "link") || symlink("loop2", "loop1") ||
	    symlink("loop1", "loop2") || symlink("missing", "dangling"))
		_exit(103);
}

static void open_pool(struct world *w)
{
	static const struct {
		const char *path;
		int flags;
	} files[] = {
		{ "file", O_RDWR },
		{ "file", O_RDONLY },
		{ "file", O_WRONLY | O_APPEND },
		{ "dir", O_RDONLY | O_DIRECTORY },
		{ "/dev/null", O_RDWR },
		{ "/dev/zero", O_RDONLY },
		{ "/proc/self/stat", O_RDONLY },
	};
	int p[2];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int fd = open(files[i].path, files[i].flags);

		if (fd >= 0)
			w->pool[w->npool++] = fd;
	}
	if (pipe(p) == 0) {
		w->pool[w->npool++] = p[0];
		w->pool[w->npool++] = p[1];
	}
	if (w->npool == 0)
		_exit(104);
}

/* A guard page: PROT_NONE rather than unmapped, so that no mapping a
 * call makes can take its place and let a write run on past it. */
static void guard(char *page)
{
	if (mprotect(page, PAGE, PROT_NONE))
		_exit(107);
}

/* Makes directory NAME (in the current one), goes into it and builds the
 * world there. Standard input, output and error become /dev/null. */
struct world *world_make(uint64_t seed, const char *name)
{
	struct world *w = &world;
	struct stat st;
	int null = open("/dev/null", O_RDWR);

	w->rng = seed ? seed : 1;
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
	    dup2(null, 2) < 0)
		_exit(105);
	close(null);
	if (mkdir(name, 0755) || chdir(name) || stat(".", &st))
		_exit(106);
	w->scratch_dev = st.st_dev;
	make_files();
	open_pool(w);
	w->buf = map_pages(BUF_PAGES + 1, PROT_READ | PROT_WRITE);
	guard(w->buf + BUF_SIZE);
	for (size_t i = 0; i < BUF_SIZE; i++)
		w->buf[i] = (char)rnd(w);
	w->ro = map_pages(1, PROT_READ);
	w->edge = map_pages(2, PROT_READ | PROT_WRITE);
	guard(w->edge + PAGE);
	w->arena = map_pages(ARENA_PAGES + 2, PROT_READ | PROT_WRITE) + PAGE;
	guard(w->arena - PAGE);
	guard(w->arena + ARENA_PAGES * PAGE);
	w->self = getpid();
	return w;
}

/* ---- removing what a child left ----------------------------------------- */

/* Removes NAME under DIRFD and everything in it, whatever the calls did
 * to its modes; returns whether NAME is gone. Uses no heap: the parent's
 * memory must stay as it was. A pass over the directory that removes
 * nothing ends the loop, so an entry that cannot go does not hang it. */
bool remove_tree(int dirfd, const char *name)
{
	char buf[2048];
	bool removed;
	int fd;

	if (unlinkat(dirfd, name, 0) == 0)
		return true;
	fchmodat(dirfd, name, 0700, 0);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	if (fd < 0)
		return false;
	do {
		removed = false;
		lseek(fd, 0, SEEK_SET);
		for (long n;
		     (n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0;)
			for (long off = 0; off < n;) {
				struct dirent64 *d = (void *)(buf + off);

				if (strcmp(d->d_name, ".") &&
				    strcmp(d->d_name, ".."))
					removed |= remove_tree(fd, d->d_name);
				off += d->d_reclen;
			}
	} while (removed);
	close(fd);
	return unlinkat(dirfd, name, AT_REMOVEDIR) == 0;
}
