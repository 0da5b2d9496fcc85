/*
 * t_mmap: the address space. Demand paging: touching one page of a 1 GiB
 * anonymous mapping costs one page (Linux: one more resident page in
 * /proc/self/statm; Kestrel: MemFree falls by one frame plus at most three
 * page-table frames). Files mapped MAP_SHARED write through to the file and
 * to other processes; MAP_PRIVATE writes stay private; shared anonymous
 * memory is shared with a child; a page past the end of a file gives
 * SIGBUS; mprotect and munmap take effect (SIGSEGV after); madvise
 * MADV_DONTNEED empties private pages; brk grows and shrinks the heap; and
 * mmap, munmap and mprotect refuse bad arguments with Linux's errno
 * (mprotect through the raw system call: musl's rounds the address down).
 */
#include "t.h"
#include <sys/mman.h>
#include <sys/syscall.h>

#define PAGE 4096L
#define GIB (1024L * 1024 * 1024)

/* Resident pages from /proc/self/statm, read without touching the heap. */
static long resident_pages(void)
{
	char buf[128] = "";
	long size, resident;
	int fd = open("/proc/self/statm", O_RDONLY);

	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
		resident = -1;
	else if (sscanf(buf, "%ld %ld", &size, &resident) != 2)
		resident = -1;
	if (fd >= 0)
		close(fd);
	return resident;
}

static void one_page_of_a_gibibyte_costs_one_page(void)
{
	volatile char *m = mmap(NULL, GIB, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long before, after;

	CHECK(m != MAP_FAILED);
	if (m == MAP_FAILED)
		return;
	madvise((void *)m, GIB, MADV_NOHUGEPAGE);
	if (t_on_linux()) {
		before = resident_pages();
		m[GIB / 2] = 1;
		after = resident_pages();
		CHECK(before > 0);
		CHECK_EQ(after - before, 1);
	} else {
		t_memfree_kib();
		before = t_memfree_kib();
		m[GIB / 2] = 1;
		after = t_memfree_kib();
		CHECK(before - after >= 4 && before - after <= 16);
	}
	CHECK_EQ(m[GIB / 2], 1);
	CHECK_EQ(m[GIB / 2 + 1], 0);
	CHECK_EQ(m[0], 0);
	CHECK_OK(munmap((void *)m, GIB));
}

/* Run FN(ARG) in a child; return the child's wait status. */
static int in_child(void (*fn)(volatile char *), volatile char *arg)
{
	pid_t pid = fork();

	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	return t_wait(pid);
}

static void write_byte(volatile char *p)
{
	*p = 1;
}

static void read_byte(volatile char *p)
{
	(void)*p;
}

static int make_file(long size)
{
	int fd = open("f", O_CREAT | O_RDWR | O_TRUNC, 0644);
	char c = 'a';
	long i;

	for (i = 0; i < size; i++)
		pwrite(fd, &c, 1, i);
	return fd;
}

static void file_shared_writes_through(void)
{
	int fd = make_file(2 * PAGE), status;
	char *m =
		mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char c = 0;
	pid_t pid;

	CHECK(m != MAP_FAILED);
	CHECK_EQ(m[PAGE + 5], 'a');
	m[10] = 'S';
	CHECK_EQ(pread(fd, &c, 1, 10), 1);
	CHECK_EQ(c, 'S');
	pid = fork();
	if (pid == 0) {
		m[PAGE] = 'C';
		_exit(0);
	}
	status = t_wait(pid);
	CHECK_EQ(status, 0);
	CHECK_EQ(m[PAGE], 'C');
	CHECK_EQ(pwrite(fd, "W", 1, 20), 1);
	CHECK_EQ(m[20], 'W');
	CHECK_OK(munmap(m, 2 * PAGE));
	CHECK_EQ(pread(fd, &c, 1, PAGE), 1);
	CHECK_EQ(c, 'C');
	close(fd);
	CHECK_OK(unlink("f"));
}

static void file_private_stays_private(void)
{
	int fd = make_file(PAGE);
	char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char c = 0;

	CHECK(m != MAP_FAILED);
	m[0] = 'P';
	CHECK_EQ(pread(fd, &c, 1, 0), 1);
	CHECK_EQ(c, 'a');
	CHECK_EQ(m[0], 'P');
	CHECK_OK(munmap(m, PAGE));
	close(fd);
	CHECK_OK(unlink("f"));
}

static void past_end_of_file_is_sigbus(void)
{
	int fd = make_file(100), status;
	char *m = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, 0);

	CHECK(m != MAP_FAILED);
	CHECK_EQ(m[99], 'a');
	CHECK_EQ(m[100], 0);
	status = in_child(read_byte, m + PAGE);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS);
	CHECK_OK(munmap(m, 2 * PAGE));
	close(fd);
	CHECK_OK(unlink("f"));
}

static void shared_anonymous_is_shared(void)
{
	volatile int *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid;

	CHECK((void *)m != MAP_FAILED);
	pid = fork();
	if (pid == 0) {
		m[1] = 77;
		_exit(0);
	}
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(m[1], 77);
	CHECK_OK(munmap((void *)m, PAGE));
}

static void mprotect_and_munmap_take_effect(void)
{
	char *m = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int status;

	m[0] = 1;
	CHECK_OK(mprotect(m, PAGE, PROT_READ));
	CHECK_EQ(m[0], 1);
	status = in_child(write_byte, m);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
	CHECK_OK(mprotect(m, PAGE, PROT_NONE));
	status = in_child(read_byte, m);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
	CHECK_OK(mprotect(m, PAGE, PROT_READ | PROT_WRITE));
	m[0] = 2;
	CHECK_EQ(m[0], 2);
	CHECK_ERR(syscall(SYS_mprotect, m + 1, PAGE, PROT_READ), EINVAL);
	CHECK_OK(munmap(m + PAGE, PAGE));
	status = in_child(read_byte, m + PAGE);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
	m[2 * PAGE] = 3;
	CHECK_EQ(m[2 * PAGE], 3);
	CHECK_OK(munmap(m, 3 * PAGE));
	CHECK_ERR(mprotect(m, PAGE, PROT_READ), ENOMEM);
}

static void mmap_errors(void)
{
	int fd = make_file(PAGE), wfd = open("f", O_WRONLY), rfd;
	char *m =
		mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	rfd = open("f", O_RDONLY);
	CHECK_ERR(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
		  EINVAL);
	CHECK_ERR(mmap(m + 1, PAGE, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
		  EINVAL);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0), EINVAL);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, -1, 0), EBADF);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, wfd, 0), EACCES);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, rfd, 0),
		  EACCES);
	CHECK_ERR(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 1), EINVAL);
	CHECK_ERR(munmap(m + 1, PAGE), EINVAL);
	CHECK_ERR(munmap(m, 0), EINVAL);
	CHECK_OK(munmap(m, PAGE));
	close(fd);
	close(wfd);
	close(rfd);
	CHECK_OK(unlink("f"));
}

static void madvise_dontneed_empties_private_pages(void)
{
	char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	m[5] = 9;
	CHECK_OK(madvise(m, PAGE, MADV_DONTNEED));
	CHECK_EQ(m[5], 0);
	CHECK_ERR(madvise(m, PAGE, 12345), EINVAL);
	CHECK_ERR(madvise(m + 1, PAGE, MADV_DONTNEED), EINVAL);
	CHECK_OK(munmap(m, PAGE));
}

static void brk_grows_and_shrinks(void)
{
	char *start = (char *)syscall(SYS_brk, 0), *end;
	int status;

	CHECK(start != NULL);
	/* cppcheck-suppress nullPointerArithmeticRedundantCheck ; a failed
	 * CHECK is counted, and brk(0) never returns NULL on Linux */
	end = (char *)syscall(SYS_brk, start + 64 * 1024);
	CHECK_EQ(end, start + 64 * 1024);
	start[0] = 1;
	start[64 * 1024 - 1] = 2;
	CHECK_EQ(start[64 * 1024 - 1], 2);
	CHECK_EQ(syscall(SYS_brk, start), start);
	status = in_child(write_byte, start + 32 * 1024);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
	CHECK_EQ(syscall(SYS_brk, 1), start);
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 60);
	RUN(one_page_of_a_gibibyte_costs_one_page);
	RUN(file_shared_writes_through);
	RUN(file_private_stays_private);
	RUN(past_end_of_file_is_sigbus);
	RUN(shared_anonymous_is_shared);
	RUN(mprotect_and_munmap_take_effect);
	RUN(mmap_errors);
	RUN(madvise_dontneed_empties_private_pages);
	RUN(brk_grows_and_shrinks);
	return t_end();
}
