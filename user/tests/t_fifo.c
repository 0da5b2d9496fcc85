/*
 * t_fifo: named pipes and mknod. mkfifo makes an inode that stat calls a
 * FIFO, with the umask applied and no blocks; bytes written by one
 * process come out of another that opened the same name, in order, and
 * never reach the disk; an O_RDONLY open waits for a writer and an
 * O_WRONLY open for a reader; O_RDONLY|O_NONBLOCK opens at once and
 * reads end of file, O_WRONLY|O_NONBLOCK without a reader is ENXIO;
 * O_RDWR never waits; a signal interrupts a waiting open (EINTR); every
 * reader gone, a write is EPIPE; the FIFO can be reopened after all its
 * ends closed; lseek is ESPIPE. mknod makes FIFOs and empty files,
 * refuses directories (EPERM) and unknown types (EINVAL), gives EEXIST
 * for a name in use; a character device node made with mknod opens the
 * device (root only, so checked only where the test runs as root).
 */
#include "t.h"
#include <sys/sysmacros.h>

static void on_alarm(int sig)
{
	(void)sig;
}

static void mkfifo_makes_a_fifo(void)
{
	struct stat st;
	mode_t old = umask(022);

	CHECK_OK(mkfifo("f", 0666));
	umask(old);
	CHECK_OK(stat("f", &st));
	CHECK(S_ISFIFO(st.st_mode));
	CHECK_EQ(st.st_mode & 0777, 0644);
	CHECK_EQ(st.st_size, 0);
	CHECK_EQ(st.st_blocks, 0);
	CHECK_ERR(mkfifo("f", 0600), EEXIST);
	CHECK_OK(unlink("f"));
}

/* A child writes 100 KiB (more than the pipe holds) in odd pieces
 * through the name; the parent reads the same bytes in order. */
static void bytes_pass_between_processes(void)
{
	static char buf[100 * 1024], got[sizeof(buf)];
	size_t have = 0;
	struct stat st;
	pid_t pid;
	int fd;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 7 + i / 251);
	CHECK_OK(mkfifo("f", 0600));
	pid = fork();
	if (pid == 0) {
		int w = open("f", O_WRONLY);
		size_t off = 0;

		while (w >= 0 && off < sizeof(buf)) {
			size_t n = sizeof(buf) - off < 3001 ? sizeof(buf) - off
							    : 3001;
			if (write(w, buf + off, n) != (ssize_t)n)
				_exit(1);
			off += n;
		}
		_exit(w >= 0 ? 0 : 2);
	}
	fd = open("f", O_RDONLY);
	CHECK(fd >= 0);
	while (fd >= 0 && have < sizeof(got)) {
		ssize_t n = read(fd, got + have, sizeof(got) - have);

		if (n <= 0)
			break;
		have += (size_t)n;
	}
	CHECK_EQ(have, sizeof(buf));
	CHECK(memcmp(buf, got, sizeof(buf)) == 0);
	CHECK_EQ(read(fd, got, 1), 0); /* the writer is gone: end of file */
	CHECK_EQ(t_wait(pid), 0);
	CHECK_OK(fstat(fd, &st));
	CHECK(S_ISFIFO(st.st_mode));
	CHECK_ERR(lseek(fd, 0, SEEK_SET), ESPIPE);
	close(fd);
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_size, 0); /* nothing went to the disk */
	CHECK_OK(unlink("f"));
}

/* The writer opens 100 ms late. A reader's open that did not wait for
 * it would find no writer, and its read would give end of file instead
 * of the byte. */
static void read_open_waits_for_a_writer(void)
{
	char c = 0;
	pid_t pid;
	int fd;

	CHECK_OK(mkfifo("f", 0600));
	pid = fork();
	if (pid == 0) {
		struct timespec d = { 0, 100 * 1000 * 1000 };
		int w;

		nanosleep(&d, NULL);
		w = open("f", O_WRONLY);
		_exit(w >= 0 && write(w, "w", 1) == 1 ? 0 : 1);
	}
	fd = open("f", O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ(read(fd, &c, 1), 1);
	CHECK_EQ(c, 'w');
	CHECK_EQ(t_wait(pid), 0);
	close(fd);
	CHECK_OK(unlink("f"));
}

static void nonblocking_opens(void)
{
	char c;
	int r, w;

	CHECK_OK(mkfifo("f", 0600));
	CHECK_ERR(open("f", O_WRONLY | O_NONBLOCK), ENXIO);
	r = open("f", O_RDONLY | O_NONBLOCK);
	CHECK(r >= 0);
	CHECK_EQ(read(r, &c, 1), 0); /* no writer: end of file */
	w = open("f", O_WRONLY | O_NONBLOCK);
	CHECK(w >= 0);
	CHECK_ERR(read(r, &c, 1), EAGAIN); /* a writer, no bytes yet */
	CHECK_EQ(write(w, "ab", 2), 2);
	CHECK_EQ(read(r, &c, 1), 1);
	CHECK_EQ(c, 'a');
	close(r);
	/* Every reader gone: a write is EPIPE (SIGPIPE ignored here). */
	signal(SIGPIPE, SIG_IGN);
	CHECK_ERR(write(w, "c", 1), EPIPE);
	signal(SIGPIPE, SIG_DFL);
	close(w);
	CHECK_OK(unlink("f"));
}

static void rdwr_never_waits(void)
{
	char buf[4] = { 0 };
	int fd;

	CHECK_OK(mkfifo("f", 0600));
	fd = open("f", O_RDWR);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "xyz", 3), 3);
	CHECK_EQ(read(fd, buf, 3), 3);
	CHECK(strcmp(buf, "xyz") == 0);
	close(fd);
	/* All ends closed: the bytes left are gone, and it opens again. */
	fd = open("f", O_RDWR);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "q", 1), 1);
	close(fd);
	fd = open("f", O_RDONLY | O_NONBLOCK);
	CHECK(fd >= 0);
	CHECK_EQ(read(fd, buf, 1), 0);
	close(fd);
	CHECK_OK(unlink("f"));
}

static void signal_interrupts_a_waiting_open(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm; /* no SA_RESTART: open returns EINTR */
	CHECK_OK(sigaction(SIGALRM, &sa, NULL));
	CHECK_OK(mkfifo("f", 0600));
	alarm(1);
	CHECK_ERR(open("f", O_RDONLY), EINTR);
	alarm(1);
	CHECK_ERR(open("f", O_WRONLY), EINTR);
	alarm(60); /* t_begin's limit again */
	signal(SIGALRM, SIG_DFL);
	CHECK_OK(unlink("f"));
}

static void mknod_types(void)
{
	struct stat st;

	CHECK_OK(mknod("p", S_IFIFO | 0600, 0));
	CHECK_OK(stat("p", &st));
	CHECK(S_ISFIFO(st.st_mode));
	CHECK_OK(mknod("r", S_IFREG | 0640, 0));
	CHECK_OK(stat("r", &st));
	CHECK(S_ISREG(st.st_mode));
	CHECK_EQ(st.st_size, 0);
	CHECK_OK(mknod("z", 0600, 0)); /* no type: a regular file */
	CHECK_OK(stat("z", &st));
	CHECK(S_ISREG(st.st_mode));
	CHECK_ERR(mknod("p", S_IFIFO | 0600, 0), EEXIST);
	CHECK_ERR(mknod("d", S_IFDIR | 0700, 0), EPERM);
	CHECK_ERR(mknod("x", 0170000 | 0600, 0), EINVAL);
	CHECK_ERR(mknod("no/such/dir/p", S_IFIFO | 0600, 0), ENOENT);
	CHECK_ERR(mknod((const char *)1, S_IFIFO | 0600, 0), EFAULT);
	CHECK_OK(mknodat(AT_FDCWD, "q", S_IFIFO | 0600, 0));
	CHECK_OK(unlink("q"));
	CHECK_OK(unlink("p"));
	CHECK_OK(unlink("r"));
	CHECK_OK(unlink("z"));
}

/* /dev/null's numbers (1, 3) on a node in the scratch directory: it
 * opens the device, and stat gives the numbers back. */
static void mknod_device_node(void)
{
	struct stat st;
	char c;
	int fd;

	if (geteuid() != 0) {
		printf("skip (needs root): mknod of a device node\n");
		return;
	}
	CHECK_OK(mknod("null", S_IFCHR | 0666, makedev(1, 3)));
	CHECK_OK(stat("null", &st));
	CHECK(S_ISCHR(st.st_mode));
	CHECK_EQ(major(st.st_rdev), 1);
	CHECK_EQ(minor(st.st_rdev), 3);
	fd = open("null", O_RDWR);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "gone", 4), 4);
	CHECK_EQ(read(fd, &c, 1), 0);
	close(fd);
	/* A number no driver has (major 60 is for local use on Linux): the
	 * node is made, its open is ENXIO. */
	CHECK_OK(mknod("none", S_IFCHR | 0600, makedev(60, 300)));
	CHECK_OK(stat("none", &st));
	CHECK_EQ(major(st.st_rdev), 60);
	CHECK_EQ(minor(st.st_rdev), 300);
	CHECK_ERR(open("none", O_RDONLY), ENXIO);
	CHECK_OK(unlink("none"));
	CHECK_OK(unlink("null"));
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 60);
	RUN(mkfifo_makes_a_fifo);
	RUN(bytes_pass_between_processes);
	RUN(read_open_waits_for_a_writer);
	RUN(nonblocking_opens);
	RUN(rdwr_never_waits);
	RUN(signal_interrupts_a_waiting_open);
	RUN(mknod_types);
	RUN(mknod_device_node);
	return t_end();
}
