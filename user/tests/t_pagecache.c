/*
 * t_pagecache: one file, three ways in, several processes. What one
 * process writes with write() another sees through its MAP_SHARED
 * mapping, and what it stores through the mapping a third reads with
 * read() at once (no msync); a truncate is seen by every reader; a file
 * larger than the read-ahead window, written by one process, reads back
 * whole in another, and an overwrite in its middle is seen through a
 * mapping. On Kestrel the file lives on the root file system (ext2),
 * whose read() goes through the page cache (docs/memory.md).
 */
#include "t.h"
#include <sys/mman.h>
#include <sys/param.h>

#define PAGE 4096L
#define BIG (1024L * 1024 + 1000) /* 1 MiB and a bit: several windows */

/* The byte at offset i of the big file, with seed s. */
static char pattern(long i, int s)
{
	return (char)('a' + (i / 7 + i % 13 + s) % 26);
}

static int make_file(const char *name, long size, char c)
{
	int fd = open(name, O_CREAT | O_RDWR | O_TRUNC, 0644);
	char buf[PAGE];

	memset(buf, c, sizeof(buf));
	for (long done = 0; fd >= 0 && done < size; done += PAGE)
		if (write(fd, buf, MIN(PAGE, size - done)) < 0)
			break;
	return fd;
}

/* Wait for one byte on fd (the other side says "go on"). */
static void wait_go(int fd)
{
	char c;

	if (read(fd, &c, 1) != 1)
		_exit(3);
}

static void go(int fd)
{
	if (write(fd, "g", 1) != 1)
		_exit(3);
}

/* A child maps the file; the parent writes with write(), the child sees
 * it; the child stores through the mapping, the parent and a fresh
 * process read it with read(). */
static void write_map_read_across_processes(void)
{
	int fd = make_file("f", 3 * PAGE, 'a'), to_child[2], to_parent[2];
	char buf[16] = "";
	pid_t pid, reader;

	CHECK(fd >= 0);
	CHECK_OK(pipe(to_child));
	CHECK_OK(pipe(to_parent));
	pid = fork();
	if (pid == 0) {
		char *m = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
			       MAP_SHARED, fd, 0);

		if (m == MAP_FAILED)
			_exit(4);
		go(to_parent[1]);     /* mapped */
		wait_go(to_child[0]); /* the parent wrote */
		if (memcmp(m + 5000, "written", 7) != 0)
			_exit(5);
		memcpy(m + 9000, "mapped", 6);
		go(to_parent[1]);
		wait_go(to_child[0]);
		_exit(0);
	}
	wait_go(to_parent[0]);
	CHECK_EQ(pwrite(fd, "written", 7, 5000), 7);
	go(to_child[1]);
	wait_go(to_parent[0]); /* the child stored through its mapping */
	CHECK_EQ(pread(fd, buf, 6, 9000), 6);
	CHECK(memcmp(buf, "mapped", 6) == 0);
	reader = fork();
	if (reader == 0) {
		int rfd = open("f", O_RDONLY);
		char rbuf[8] = "";

		_exit(rfd >= 0 && pread(rfd, rbuf, 6, 9000) == 6 &&
				      memcmp(rbuf, "mapped", 6) == 0
			      ? 0
			      : 6);
	}
	CHECK_EQ(t_wait(reader), 0);
	go(to_child[1]);
	CHECK_EQ(t_wait(pid), 0);
	for (int i = 0; i < 2; i++) {
		close(to_child[i]);
		close(to_parent[i]);
	}
	close(fd);
	CHECK_OK(unlink("f"));
}

/* Truncated by one process: another's read() ends at the new size, and
 * bytes after it read as zeros once the file grows again. */
static void truncate_is_seen_by_readers(void)
{
	int fd = make_file("t", 2 * PAGE, 'x'), other;
	char buf[2 * PAGE];
	pid_t pid;

	CHECK(fd >= 0);
	other = open("t", O_RDONLY);
	CHECK(other >= 0);
	CHECK_EQ(pread(other, buf, sizeof(buf), 0), 2 * PAGE); /* cached */
	pid = fork();
	if (pid == 0)
		_exit(ftruncate(fd, 100) == 0 && ftruncate(fd, PAGE + 1) == 0
			      ? 0
			      : 7);
	CHECK_EQ(t_wait(pid), 0);
	memset(buf, 1, sizeof(buf));
	CHECK_EQ(pread(other, buf, sizeof(buf), 0), PAGE + 1);
	CHECK_EQ(buf[99], 'x');
	CHECK_EQ(buf[100], 0);
	CHECK_EQ(buf[PAGE], 0);
	close(other);
	close(fd);
	CHECK_OK(unlink("t"));
}

/* A big file written by a child reads back whole in the parent; an
 * overwrite in the middle by the parent is seen by a child's mapping. */
static void big_file_across_processes(void)
{
	static char buf[BIG];
	long bad = -1;
	pid_t pid = fork();
	int fd;

	if (pid == 0) {
		for (long i = 0; i < BIG; i++)
			buf[i] = pattern(i, 0);
		fd = open("big", O_CREAT | O_WRONLY | O_TRUNC, 0644);
		_exit(fd >= 0 && write(fd, buf, BIG) == BIG ? 0 : 8);
	}
	CHECK_EQ(t_wait(pid), 0);
	fd = open("big", O_RDWR);
	CHECK(fd >= 0);
	memset(buf, 0, sizeof(buf));
	for (long done = 0, r = 1; done < BIG && r > 0; done += r)
		r = read(fd, buf + done, 3000); /* not page-aligned pieces */
	for (long i = 0; i < BIG && bad < 0; i++)
		if (buf[i] != pattern(i, 0))
			bad = i;
	CHECK_EQ(bad, -1);
	CHECK_EQ(read(fd, buf, 10), 0); /* at the end */
	for (long i = 0; i < 3 * PAGE; i++)
		buf[i] = pattern(i, 1);
	CHECK_EQ(pwrite(fd, buf, 3 * PAGE, 100 * PAGE + 10), 3 * PAGE);
	pid = fork();
	if (pid == 0) {
		char *m = mmap(NULL, BIG, PROT_READ, MAP_SHARED, fd, 0);

		if (m == MAP_FAILED)
			_exit(9);
		for (long i = 0; i < BIG; i++) {
			long o = i - (100 * PAGE + 10);
			int s = o >= 0 && o < 3 * PAGE ? 1 : 0;

			if (m[i] != pattern(s ? o : i, s))
				_exit(10);
		}
		_exit(0);
	}
	CHECK_EQ(t_wait(pid), 0);
	close(fd);
	CHECK_OK(unlink("big"));
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 120);
	RUN(write_map_read_across_processes);
	RUN(truncate_is_seen_by_readers);
	RUN(big_file_across_processes);
	return t_end();
}
