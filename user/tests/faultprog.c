/*
 * faultprog: fixed page-fault patterns for pfa and lab trace, each a
 * known number of faults of one kind in one region (docs/tracing.md).
 *
 *   faultprog zero N       touch N fresh pages of an anonymous mapping:
 *                          N demand-zero faults
 *   faultprog cow N        touch N pages, fork, the child writes them:
 *                          N demand-zero, then N COW faults (the child's)
 *   faultprog file PATH N  write N pages to PATH, map it and read each
 *                          page twice over two mappings, the file kept
 *                          open: 2N minor faults (write(2) left the
 *                          pages in the page cache)
 *   faultprog stack N      use N pages of stack, a page per call
 *   faultprog late N       wait until mm:page_fault is on (someone ran
 *                          pfa -p on us; at most 60 s; on Linux not at
 *                          all), then zero N
 *
 * No malloc and no stdio before the faults, so nothing else lands in
 * the regions checked. Runs on Linux too, with the same file faults.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static char *anon(long pages)
{
	char *p = mmap(NULL, (size_t)pages * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static void touch(char *p, long pages, char value)
{
	for (long i = 0; i < pages; i++)
		((volatile char *)p)[i * PAGE] = value;
}

static void cow(long pages)
{
	char *p = anon(pages);
	pid_t pid;
	int status;

	touch(p, pages, 1);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		touch(p, pages, 2);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) < 0 || status != 0)
		die("child");
}

static long read_pages(int fd, long pages)
{
	long sum = 0;
	char *p =
		mmap(NULL, (size_t)pages * PAGE, PROT_READ, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		die("mmap file");
	for (long i = 0; i < pages; i++)
		sum += ((volatile char *)p)[i * PAGE];
	munmap(p, (size_t)pages * PAGE);
	return sum;
}

static void file(const char *path, long pages)
{
	static char page[PAGE];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		die(path);
	memset(page, 'x', sizeof(page));
	for (long i = 0; i < pages; i++)
		if (write(fd, page, sizeof(page)) != sizeof(page))
			die("write");
	if (read_pages(fd, pages) != read_pages(fd, pages))
		die("the two readings differ");
	close(fd);
	unlink(path);
}

/* A page of stack per call; the volatile keeps the frames. */
static long stack(long pages)
{
	volatile char frame[PAGE - 256];

	frame[0] = (char)pages;
	if (pages > 1)
		return stack(pages - 1) + frame[0];
	return frame[0];
}

/* Is mm:page_fault on? /proc/trace_events's line "mm:page_fault on ...";
 * read raw into bss, to take no fault in the anonymous regions. -1 where
 * there is no such file (Linux): nothing to wait for. */
static int page_faults_traced(void)
{
	static char buf[4096];
	const char *line;
	int fd = open("/proc/trace_events", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	line = strstr(buf, "mm:page_fault ");
	return line && strncmp(line + 14, "on", 2) == 0;
}

static void late(long pages)
{
	const struct timespec tick = { 0, 20 * 1000 * 1000 };

	for (int i = 0; i < 3000 && page_faults_traced() == 0; i++)
		nanosleep(&tick, NULL);
	touch(anon(pages), pages, 1);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "zero") == 0)
		touch(anon(atol(argv[2])), atol(argv[2]), 1);
	else if (argc == 3 && strcmp(argv[1], "cow") == 0)
		cow(atol(argv[2]));
	else if (argc == 4 && strcmp(argv[1], "file") == 0)
		file(argv[2], atol(argv[3]));
	else if (argc == 3 && strcmp(argv[1], "stack") == 0)
		stack(atol(argv[2]));
	else if (argc == 3 && strcmp(argv[1], "late") == 0)
		late(atol(argv[2]));
	else {
		fprintf(stderr, "usage: faultprog zero|cow|stack|late N, "
				"faultprog file PATH N\n");
		return 2;
	}
	return 0;
}
