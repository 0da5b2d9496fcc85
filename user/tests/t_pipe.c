/*
 * t_pipe: pipes. A read blocks until a writer writes; read gives 0 (end of
 * file) once every write end is closed; a write with no reader raises
 * SIGPIPE, which by default kills the writer, and gives EPIPE when SIGPIPE
 * is ignored; O_NONBLOCK gives EAGAIN on an empty or full pipe; pipe2 takes
 * O_CLOEXEC and O_NONBLOCK and refuses other flags; 1 MiB goes from a
 * child to its parent in odd-sized pieces with its checksum intact; a pipe
 * holds exactly 64 KiB; writes of PIPE_BUF bytes from two writers never
 * interleave, nor do writevs of PIPE_BUF bytes in three buffers; readv
 * returns what is there without waiting to fill every buffer; fstat calls
 * a pipe a FIFO and lseek and pread refuse it.
 */
#include "t.h"
#include <limits.h>
#include <sys/uio.h>
#include <time.h>

#define BIG (1024 * 1024)

static void read_blocks_until_a_write(void)
{
	struct timespec t0, t1;
	char c = 0;
	int p[2];
	pid_t pid;

	/* t0 is read before the fork, so the write comes at least 50 ms
	 * after it whenever each process happens to run: a read that
	 * returned sooner did not wait for the write. */
	CHECK_OK(pipe(p));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid == 0) {
		struct timespec d = { 0, 50 * 1000 * 1000 };

		nanosleep(&d, NULL);
		_exit(write(p[1], "x", 1) == 1 ? 0 : 1);
	}
	CHECK_EQ(read(p[0], &c, 1), 1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK_EQ(c, 'x');
	CHECK((t1.tv_sec - t0.tv_sec) * 1000000000L + t1.tv_nsec - t0.tv_nsec >=
	      50 * 1000 * 1000);
	CHECK_EQ(t_wait(pid), 0);
	close(p[0]);
	close(p[1]);
}

static void eof_when_every_writer_is_closed(void)
{
	char buf[8];
	int p[2];
	pid_t pid;

	CHECK_OK(pipe(p));
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		_exit(write(p[1], "abc", 3) == 3 ? 0 : 1);
	}
	close(p[1]);
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 3);
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 0);
	CHECK_EQ(t_wait(pid), 0);
	close(p[0]);
}

static void write_without_reader_raises_sigpipe(void)
{
	int p[2], status;
	pid_t pid;

	CHECK_OK(pipe(p));
	close(p[0]);
	pid = fork();
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		write(p[1], "x", 1);
		_exit(0);
	}
	status = t_wait(pid);
	CHECK(WIFSIGNALED(status));
	CHECK_EQ(WTERMSIG(status), SIGPIPE);
	signal(SIGPIPE, SIG_IGN);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	signal(SIGPIPE, SIG_DFL);
	close(p[1]);
}

static void nonblocking_empty_and_full(void)
{
	char buf[4096] = { 0 };
	long total = 0, n;
	int p[2];

	CHECK_OK(pipe2(p, O_NONBLOCK | O_CLOEXEC));
	CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
	CHECK_EQ(fcntl(p[1], F_GETFD), FD_CLOEXEC);
	CHECK_ERR(read(p[0], buf, 1), EAGAIN);
	while ((n = write(p[1], buf, sizeof(buf))) > 0)
		total += n;
	CHECK_EQ(n, -1);
	CHECK_EQ(errno, EAGAIN);
	CHECK(total >= 4096);
	CHECK_ERR(pipe2(p, 0x1), EINVAL);
	close(p[0]);
	close(p[1]);
}

/* The byte at position I of the transfer. */
static unsigned char pattern(long i)
{
	return (unsigned char)(i * 131 + (i >> 12));
}

static void one_mebibyte_with_checksum(void)
{
	static unsigned char buf[BIG];
	unsigned long want = 0, got = 0;
	long i, total = 0, n;
	int p[2];
	pid_t pid;

	for (i = 0; i < BIG; i++) {
		buf[i] = pattern(i);
		want = want * 31 + buf[i];
	}
	CHECK_OK(pipe(p));
	pid = fork();
	if (pid == 0) {
		long off = 0, chunk = 1;

		close(p[0]);
		while (off < BIG) {
			chunk = chunk * 3 % 9001 + 1;
			n = write(p[1], buf + off,
				  chunk < BIG - off ? chunk : BIG - off);
			if (n <= 0)
				_exit(1);
			off += n;
		}
		_exit(0);
	}
	close(p[1]);
	memset(buf, 0, sizeof(buf));
	while (total < BIG && (n = read(p[0], buf + total, 7919)) > 0)
		total += n;
	CHECK_EQ(total, BIG);
	CHECK_EQ(read(p[0], buf, 1), 0);
	for (i = 0; i < BIG; i++)
		got = got * 31 + buf[i];
	CHECK_EQ(got, want);
	CHECK_EQ(t_wait(pid), 0);
	close(p[0]);
}

static void holds_64_kib(void)
{
	char buf[4096] = { 0 };
	long total = 0, n;
	int p[2];

	CHECK_OK(pipe2(p, O_NONBLOCK));
	while ((n = write(p[1], buf, sizeof(buf))) > 0)
		total += n;
	CHECK_EQ(total, 65536);
	CHECK_ERR(write(p[1], buf, 1), EAGAIN);
	CHECK_EQ(read(p[0], buf, 100), 100);
	/* 100 bytes of room: too few for an atomic write of PIPE_BUF... */
	CHECK_ERR(write(p[1], buf, PIPE_BUF), EAGAIN);
	close(p[0]);
	close(p[1]);
}

/* Two children each write blocks of PIPE_BUF bytes of their own letter
 * (with write, or with writev in three pieces); every PIPE_BUF-aligned
 * block the parent reads must be one letter. */
static void two_writers(int use_writev)
{
	enum { BLOCKS = 64 };
	static char got[2 * BLOCKS * PIPE_BUF];
	long total = 0, n, mixed = 0;
	pid_t pid[2];
	int p[2];

	CHECK_OK(pipe(p));
	for (int w = 0; w < 2; w++) {
		pid[w] = fork();
		if (pid[w] == 0) {
			char block[PIPE_BUF];

			close(p[0]);
			struct iovec iov[3] = { { block, 1000 },
						{ block + 1000, 2000 },
						{ block + 3000,
						  PIPE_BUF - 3000 } };

			memset(block, 'a' + w, sizeof(block));
			for (int i = 0; i < BLOCKS; i++)
				if ((use_writev ? writev(p[1], iov, 3)
						: write(p[1], block,
							sizeof(block))) !=
				    sizeof(block))
					_exit(1);
			_exit(0);
		}
	}
	close(p[1]);
	while (total < (long)sizeof(got) &&
	       (n = read(p[0], got + total, sizeof(got) - total)) > 0)
		total += n;
	CHECK_EQ(total, sizeof(got));
	for (long b = 0; b < total / PIPE_BUF; b++)
		for (long i = 1; i < PIPE_BUF; i++)
			if (got[b * PIPE_BUF + i] != got[b * PIPE_BUF]) {
				mixed++;
				break;
			}
	CHECK_EQ(mixed, 0);
	CHECK_EQ(t_wait(pid[0]), 0);
	CHECK_EQ(t_wait(pid[1]), 0);
	close(p[0]);
}

static void pipe_buf_writes_are_atomic(void)
{
	two_writers(0);
	two_writers(1);
}

/* readv takes what a pipe holds and does not wait to fill its second
 * buffer; writev's buffers arrive in order. */
static void readv_writev_on_a_pipe(void)
{
	char a[4], b[4], out[8];
	struct iovec rv[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	struct iovec wv[2] = { { "abc", 3 }, { "def", 3 } };
	int p[2];

	CHECK_OK(pipe(p));
	CHECK_EQ(writev(p[1], wv, 2), 6);
	CHECK_EQ(read(p[0], out, sizeof(out)), 6);
	CHECK(memcmp(out, "abcdef", 6) == 0);
	CHECK_EQ(write(p[1], "wxyz", 4), 4);
	CHECK_EQ(readv(p[0], rv, 2), 4); /* would hang if it waited */
	CHECK(memcmp(a, "wxyz", 4) == 0);
	CHECK_EQ(write(p[1], "123456", 6), 6);
	CHECK_EQ(readv(p[0], rv, 2), 6);
	CHECK(memcmp(a, "1234", 4) == 0 && memcmp(b, "56", 2) == 0);
	close(p[0]);
	close(p[1]);
}

static void fstat_says_fifo(void)
{
	struct stat a, b;
	char c;
	int p[2];

	CHECK_OK(pipe(p));
	CHECK_OK(fstat(p[0], &a));
	CHECK_OK(fstat(p[1], &b));
	CHECK(S_ISFIFO(a.st_mode));
	CHECK(S_ISFIFO(b.st_mode));
	CHECK_EQ(a.st_ino, b.st_ino);
	CHECK_EQ(a.st_size, 0);
	CHECK_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
	CHECK_ERR(pread(p[0], &c, 1, 0), ESPIPE);
	CHECK_ERR(read(p[1], &c, 1), EBADF);
	CHECK_ERR(write(p[0], "x", 1), EBADF);
	close(p[0]);
	close(p[1]);
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 60);
	RUN(read_blocks_until_a_write);
	RUN(eof_when_every_writer_is_closed);
	RUN(write_without_reader_raises_sigpipe);
	RUN(nonblocking_empty_and_full);
	RUN(one_mebibyte_with_checksum);
	RUN(holds_64_kib);
	RUN(pipe_buf_writes_are_atomic);
	RUN(readv_writev_on_a_pipe);
	RUN(fstat_says_fifo);
	return t_end();
}
