/*
 * t_dev: the device files in /dev. null, zero, full, random and urandom
 * behave as on Linux; the nodes of the memory devices and /dev/tty are
 * character devices with Linux's numbers; getrandom fills and checks its
 * flags; /dev/tty without a controlling terminal is ENXIO; /dev/kmsg
 * reads as records "priority,seq,usec,flags;text\n" and ends with EAGAIN,
 * and syslog(2) reads it whole as "<6>[time] text" lines;
 * /dev/stdin is a symlink to /proc/self/fd/0. On Kestrel also: the
 * listing of /dev, the kernel's own lines in /dev/kmsg, and the root disk
 * /dev/vda read at byte offsets (its ext2 superblock).
 */
#include "t.h"

#include <dirent.h>
#include <sys/klog.h>
#include <sys/random.h>
#include <sys/sysmacros.h>

#define EXT2_SUPER_OFFSET 1024
#define EXT2_MAGIC_OFFSET 56
#define EXT2_MAGIC 0xef53

static void null_device(void)
{
	char buf[16] = "unchanged";
	int fd = open("/dev/null", O_RDWR);

	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "gone", 4), 4);
	CHECK_EQ(write(fd, buf, 0), 0);
	CHECK_EQ(read(fd, buf, sizeof(buf)), 0);
	CHECK(strcmp(buf, "unchanged") == 0);
	CHECK_EQ(lseek(fd, 100, SEEK_SET), 0);
	CHECK_OK(close(fd));
}

static void zero_and_full(void)
{
	static char buf[8192];
	int fd = open("/dev/zero", O_RDWR);
	int nonzero = 0;

	CHECK(fd >= 0);
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ(read(fd, buf, sizeof(buf)), sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		nonzero += buf[i] != 0;
	CHECK_EQ(nonzero, 0);
	CHECK_EQ(write(fd, buf, 100), 100);
	CHECK_ERR(read(fd, (void *)8, 16), EFAULT);
	CHECK_OK(close(fd));

	fd = open("/dev/full", O_RDWR);
	CHECK(fd >= 0);
	CHECK_ERR(write(fd, "x", 1), ENOSPC);
	buf[0] = 'x';
	CHECK_EQ(read(fd, buf, 1), 1);
	CHECK_EQ(buf[0], 0);
	CHECK_OK(close(fd));
}

/* Not all 64 bytes zero, and never the same 64 bytes twice. */
static void random_devices(void)
{
	const char *names[] = { "/dev/urandom", "/dev/random" };
	unsigned char a[64], b[64];

	for (int i = 0; i < 2; i++) {
		int fd = open(names[i], O_RDWR);
		int zeros = 0;

		CHECK(fd >= 0);
		CHECK_EQ(read(fd, a, sizeof(a)), sizeof(a));
		CHECK_EQ(read(fd, b, sizeof(b)), sizeof(b));
		CHECK(memcmp(a, b, sizeof(a)) != 0);
		for (size_t j = 0; j < sizeof(a); j++)
			zeros += a[j] == 0;
		CHECK(zeros < 8);
		/* Writing stirs the pool and needs no privilege. */
		CHECK_EQ(write(fd, "seed", 4), 4);
		CHECK_OK(close(fd));
	}
}

static void getrandom_call(void)
{
	unsigned char a[256], b[256];

	CHECK_EQ(getrandom(a, sizeof(a), 0), sizeof(a));
	CHECK_EQ(getrandom(b, sizeof(b), GRND_NONBLOCK | GRND_RANDOM),
		 sizeof(b));
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	CHECK_EQ(getrandom(a, 0, 0), 0);
	CHECK_ERR(getrandom(a, sizeof(a), 0x40), EINVAL);
	CHECK_ERR(getrandom((void *)8, 16, 0), EFAULT);
}

/* stat of path: a character device with these numbers and permissions. */
static void check_node(const char *path, unsigned int maj, unsigned int min,
		       mode_t perm)
{
	struct stat st;

	CHECK_OK(stat(path, &st));
	CHECK(S_ISCHR(st.st_mode));
	CHECK_EQ(major(st.st_rdev), maj);
	CHECK_EQ(minor(st.st_rdev), min);
	CHECK_EQ(st.st_mode & 07777, perm);
}

static void node_numbers(void)
{
	char target[64];
	ssize_t n;

	check_node("/dev/null", 1, 3, 0666);
	check_node("/dev/zero", 1, 5, 0666);
	check_node("/dev/full", 1, 7, 0666);
	check_node("/dev/random", 1, 8, 0666);
	check_node("/dev/urandom", 1, 9, 0666);
	check_node("/dev/tty", 5, 0, 0666);
	n = readlink("/dev/stdin", target, sizeof(target) - 1);
	CHECK_EQ(n, 15);
	if (n > 0) {
		target[n] = '\0';
		CHECK(strcmp(target, "/proc/self/fd/0") == 0);
	}
}

/* A new session has no controlling terminal: /dev/tty is ENXIO. */
static void tty_without_terminal(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		setsid();
		_exit(open("/dev/tty", O_RDWR) < 0 && errno == ENXIO ? 0 : 1);
	}
	CHECK_EQ(t_wait(pid), 0);
}

/* Each read is one record; the last read says EAGAIN. */
static void kmsg_records(void)
{
	char rec[8192], mine[64];
	unsigned int prio, flags_ok = 0, records = 0, mine_seen = 0;
	unsigned long long seq, usec, last_seq = 0;
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ssize_t n;

	if (fd < 0 && t_on_linux()) {
		printf("note: /dev/kmsg: %s here; not checked\n",
		       strerror(errno));
		return;
	}
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	snprintf(mine, sizeof(mine), "t_dev %d was here", getpid());
	if (!t_on_linux()) {
		int w = open("/dev/kmsg", O_WRONLY);

		CHECK_EQ(write(w, mine, strlen(mine)), (ssize_t)strlen(mine));
		close(w);
	} else {
		t_kestrel_only("writing to /dev/kmsg (the host's log)");
	}
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || errno == EPIPE) {
		if (n <= 0)
			continue; /* records were overwritten meanwhile */
		rec[n] = '\0';
		records++;
		if (sscanf(rec, "%u,%llu,%llu,", &prio, &seq, &usec) == 3 &&
		    strchr(rec, ';') && rec[n - 1] == '\n' &&
		    (records == 1 || seq > last_seq))
			flags_ok++;
		last_seq = seq;
		mine_seen += strstr(rec, mine) != NULL;
	}
	CHECK_ERR(read(fd, rec, sizeof(rec)), EAGAIN);
	CHECK(records > 0);
	CHECK_EQ(flags_ok, records);
	if (!t_on_linux())
		CHECK_EQ(mine_seen, 1);
	CHECK_OK(close(fd));
}

/* syslog(2)'s READ_ALL: the newest records that fit, "<6>[   1.234] text"
 * lines, left in the log. Linux may refuse it to a container (EPERM). */
static void syslog_read_all(void)
{
	static char buf[8192];
	int size = klogctl(10, NULL, 0); /* SYSLOG_ACTION_SIZE_BUFFER */
	int n;

	if (size < 0 && errno == EPERM && t_on_linux()) {
		printf("note: syslog(2): EPERM here; not checked\n");
		return;
	}
	CHECK(size > 0);
	n = klogctl(3, buf, sizeof(buf) - 1); /* SYSLOG_ACTION_READ_ALL */
	CHECK(n > 0 && n < (int)sizeof(buf));
	if (n <= 0 || n >= (int)sizeof(buf))
		return;
	buf[n] = '\0';
	CHECK(buf[0] == '<' && strchr(buf, ']') != NULL);
	CHECK_EQ(buf[n - 1], '\n');
	CHECK(klogctl(3, buf, 10) <= 10);
	CHECK_ERR(klogctl(3, buf, -1), EINVAL);
}

/* Kestrel: /dev lists its devices, and /dev/vda is the root disk. */
static void kestrel_devices(void)
{
	unsigned char sb[2];
	struct dirent *d;
	struct stat st;
	int found = 0, fd;
	DIR *dir;

	if (t_on_linux()) {
		t_kestrel_only("the listing of /dev and reading /dev/vda");
		return;
	}
	dir = opendir("/dev");
	CHECK(dir != NULL);
	while (dir && (d = readdir(dir)))
		found += strcmp(d->d_name, "null") == 0 ||
			 strcmp(d->d_name, "console") == 0 ||
			 strcmp(d->d_name, "vda") == 0;
	if (dir)
		closedir(dir);
	CHECK_EQ(found, 3);
	check_node("/dev/console", 5, 1, 0600);
	check_node("/dev/kmsg", 1, 11, 0644);
	CHECK_OK(stat("/dev/vda", &st));
	CHECK(S_ISBLK(st.st_mode));
	CHECK_EQ(major(st.st_rdev), 254);
	CHECK_EQ(minor(st.st_rdev), 0);
	fd = open("/dev/vda", O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ(pread(fd, sb, 2, EXT2_SUPER_OFFSET + EXT2_MAGIC_OFFSET), 2);
	CHECK_EQ(sb[0] | sb[1] << 8, EXT2_MAGIC);
	CHECK(lseek(fd, 0, SEEK_END) > 1024 * 1024);
	CHECK_EQ(read(fd, sb, 2), 0);
	CHECK_OK(close(fd));
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 30);
	RUN(null_device);
	RUN(zero_and_full);
	RUN(random_devices);
	RUN(getrandom_call);
	RUN(node_numbers);
	RUN(tty_without_terminal);
	RUN(kmsg_records);
	RUN(syslog_read_all);
	RUN(kestrel_devices);
	return t_end();
}
