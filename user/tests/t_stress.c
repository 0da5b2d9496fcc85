/*
 * t_stress: many processes at once, each doing a fixed amount of work
 * that touches most of the kernel: fork, exec, pipes, anonymous mmap with
 * copy-on-write, and file I/O, each step checked. On -smp 4 (grade/
 * lab-smp.sh) it is the SMP stress: it must finish without a deadlock, a
 * panic or a lost wakeup (the alarm ends a hang as a failure), and the
 * free memory must come back to where it started.
 */
#include "t.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define WORKERS 12
#define ROUNDS 8
#define MAP_PAGES 16
#define FILE_BYTES 8192

/* A child execs echo into a pipe; the parent reads what it said. */
static int pipe_exec_round(int id, int round)
{
	char want[32], got[64];
	int p[2], n = 0, r;
	pid_t pid;

	snprintf(want, sizeof(want), "w%d-%d\n", id, round);
	if (pipe(p) < 0)
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		want[strlen(want) - 1] = '\0';
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execl("/bin/echo", "echo", want, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	while (n < (int)sizeof(got) - 1 &&
	       (r = read(p[0], got + n, sizeof(got) - 1 - n)) > 0)
		n += r;
	got[n] = '\0';
	close(p[0]);
	return t_wait(pid) != 0 || strcmp(got, want) != 0;
}

/* A private mapping the child changes after fork: the parent's copy
 * stays as it was. */
static int mmap_cow_round(int id, int round)
{
	size_t size = MAP_PAGES * 4096;
	unsigned char fill = (unsigned char)(id * 16 + round);
	unsigned char *m = mmap(NULL, size, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int bad = 0;
	pid_t pid;

	if (m == MAP_FAILED)
		return 1;
	memset(m, fill, size);
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		for (size_t i = 0; i < size; i += 512)
			if (m[i] != fill)
				_exit(1);
		memset(m, fill ^ 0xff, size);
		_exit(0);
	}
	bad |= t_wait(pid) != 0;
	for (size_t i = 0; i < size; i += 512)
		bad |= m[i] != fill;
	return bad | (munmap(m, size) != 0);
}

/* Write a file, read it back, remove it. */
static int file_round(int id, int round)
{
	static char buf[FILE_BYTES], back[FILE_BYTES];
	char name[32];
	int fd, bad = 0;

	snprintf(name, sizeof(name), "f%d", id);
	memset(buf, 'a' + (id + round) % 26, sizeof(buf));
	fd = open(name, O_CREAT | O_TRUNC | O_RDWR, 0644);
	if (fd < 0)
		return 1;
	bad |= write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf);
	bad |= lseek(fd, 0, SEEK_SET) != 0;
	bad |= read(fd, back, sizeof(back)) != (ssize_t)sizeof(back);
	bad |= memcmp(buf, back, sizeof(buf)) != 0;
	close(fd);
	return bad | (unlink(name) != 0);
}

static int worker(int id, int rounds)
{
	int errors = 0;

	for (int r = 0; r < rounds; r++) {
		errors += pipe_exec_round(id, r);
		errors += mmap_cow_round(id, r);
		errors += file_round(id, r);
	}
	return errors;
}

/* WORKERS processes at once; how many failed. */
static int run_workers(int rounds)
{
	pid_t pids[WORKERS];
	int failed = 0;

	for (int i = 0; i < WORKERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(worker(i, rounds) ? 1 : 0);
		if (pids[i] < 0)
			failed++;
	}
	for (int i = 0; i < WORKERS; i++)
		if (pids[i] > 0 && t_wait(pids[i]) != 0)
			failed++;
	return failed;
}

static void many_processes_finish_their_work(void)
{
	long before, after;

	/* Read meminfo once first, so that the first run forks this
	 * process as the measured run will: with what its C library and
	 * malloc set up on first use (stdio's buffer, malloc's mappings).
	 * That run brings in what stays (echo's pages, the directory's
	 * blocks, the kernel heap's pages). */
	t_memfree_kib();
	CHECK_EQ(run_workers(1), 0);
	before = t_memfree_kib();
	CHECK_EQ(run_workers(ROUNDS), 0);
	after = t_memfree_back_to(before);
	CHECK(before > 0 && after > 0);
	printf("note: MemFree %ld kB before, %ld kB after %d workers x %d "
	       "rounds\n",
	       before, after, WORKERS, ROUNDS);
	/* On Linux the host's other processes move MemFree too. */
	if (t_on_linux())
		t_kestrel_only("MemFree back to its start after the workers");
	else
		CHECK_EQ(after, before);
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 240);
	RUN(many_processes_finish_their_work);
	return t_end();
}
