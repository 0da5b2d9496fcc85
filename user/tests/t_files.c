/*
 * t_files: reading and writing regular files. read, write, readv, writev,
 * pread64 and pwrite64 move the bytes they say and keep (or, for the p*
 * calls, leave alone) the file offset; lseek with each whence; open and
 * openat with O_CREAT, O_EXCL, O_TRUNC, O_APPEND and O_DIRECTORY; stat,
 * fstat, lstat and newfstatat agree; umask shapes new modes; access and
 * faccessat; truncate and ftruncate shrink and extend with zeros; fsync and
 * sync; fstatat with AT_EMPTY_PATH and statx agree with fstat; chmod,
 * fchmod and utimensat change what stat shows (UTIME_OMIT leaves a time
 * alone); O_APPEND writes at the end even after a seek, and pwrite on an
 * O_APPEND file appends too (Linux's documented behaviour); a write
 * crossing RLIMIT_FSIZE is cut short there, and one starting at it is
 * EFBIG with SIGXFSZ; preadv and pwritev leave the offset alone and are
 * ESPIPE on a pipe; syncfs. Each usual
 * error gives Linux's errno.
 */
#include "t.h"
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>

static int make_file(const char *name, const char *text)
{
	int fd = open(name, O_CREAT | O_RDWR | O_TRUNC, 0644);

	if (fd >= 0 && text)
		CHECK_EQ(write(fd, text, strlen(text)), strlen(text));
	return fd;
}

static void write_then_read_back(void)
{
	char buf[64];
	int fd = make_file("f", "hello world");

	CHECK(fd >= 0);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(read(fd, buf, sizeof(buf)), 11);
	CHECK(memcmp(buf, "hello world", 11) == 0);
	CHECK_EQ(read(fd, buf, sizeof(buf)), 0);
	CHECK_OK(close(fd));
	CHECK_OK(unlink("f"));
}

static void readv_writev_gather_and_scatter(void)
{
	char a[4], b[10];
	struct iovec out[3] = { { "ab", 2 }, { "cde", 3 }, { "f", 1 } };
	struct iovec in[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	int fd = make_file("f", NULL);

	CHECK_EQ(writev(fd, out, 3), 6);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(readv(fd, in, 2), 6);
	CHECK(memcmp(a, "abcd", 4) == 0 && memcmp(b, "ef", 2) == 0);
	CHECK_ERR(writev(fd, out, -1), EINVAL);
	CHECK_OK(close(fd));
	CHECK_OK(unlink("f"));
}

static void pread_pwrite_leave_the_offset(void)
{
	char buf[8] = "";
	struct stat st;
	int fd = make_file("f", "0123");

	CHECK_EQ(pwrite(fd, "xyz", 3, 100), 3);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 4);
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, 103);
	CHECK_EQ(pread(fd, buf, 3, 100), 3);
	CHECK(memcmp(buf, "xyz", 3) == 0);
	CHECK_EQ(pread(fd, buf, 2, 50), 2);
	CHECK(buf[0] == 0 && buf[1] == 0);
	CHECK_EQ(pread(fd, buf, 8, 200), 0);
	CHECK_ERR(pread(fd, buf, 1, -1), EINVAL);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 4);
	CHECK_OK(close(fd));
	CHECK_OK(unlink("f"));
}

static void lseek_each_whence_and_errors(void)
{
	int p[2];
	int fd = make_file("f", "0123456789");

	CHECK_EQ(lseek(fd, -3, SEEK_END), 7);
	CHECK_EQ(lseek(fd, 2, SEEK_CUR), 9);
	CHECK_EQ(lseek(fd, 1000, SEEK_SET), 1000);
	CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
	CHECK_ERR(lseek(fd, 0, 99), EINVAL);
	CHECK_ERR(lseek(-1, 0, SEEK_SET), EBADF);
	CHECK_OK(pipe(p));
	CHECK_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
	close(p[0]);
	close(p[1]);
	CHECK_OK(close(fd));
	CHECK_OK(unlink("f"));
}

static void open_errors(void)
{
	char longname[300];
	char c;
	int fd = make_file("f", "x");

	CHECK_ERR(open("missing", O_RDONLY), ENOENT);
	CHECK_ERR(open("f", O_CREAT | O_EXCL | O_RDWR, 0644), EEXIST);
	CHECK_ERR(open(".", O_WRONLY), EISDIR);
	CHECK_ERR(open("f/x", O_RDONLY), ENOTDIR);
	CHECK_ERR(open("f", O_RDONLY | O_DIRECTORY), ENOTDIR);
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	CHECK_ERR(open(longname, O_RDONLY), ENAMETOOLONG);
	CHECK_OK(close(fd));
	fd = open("f", O_WRONLY);
	CHECK_ERR(read(fd, &c, 1), EBADF);
	CHECK_OK(close(fd));
	fd = open("f", O_RDONLY);
	CHECK_ERR(write(fd, "x", 1), EBADF);
	CHECK_OK(close(fd));
	CHECK_ERR(close(fd), EBADF);
	CHECK_ERR(close(-1), EBADF);
	CHECK_OK(unlink("f"));
}

static void o_trunc_and_o_append(void)
{
	struct stat st;
	int fd = make_file("f", "abcdef");

	CHECK_OK(close(fd));
	fd = open("f", O_WRONLY | O_APPEND);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(write(fd, "gh", 2), 2);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 8);
	CHECK_OK(close(fd));
	fd = open("f", O_WRONLY | O_TRUNC);
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, 0);
	CHECK_OK(close(fd));
	CHECK_OK(unlink("f"));
}

static void openat_relative_to_a_directory(void)
{
	struct stat st;
	int dfd, fd, ffd;

	CHECK_OK(mkdir("d", 0755));
	dfd = open("d", O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);
	fd = openat(dfd, "g", O_CREAT | O_WRONLY, 0600);
	CHECK(fd >= 0);
	CHECK_OK(stat("d/g", &st));
	CHECK_EQ(st.st_mode & 07777, 0600);
	ffd = openat(AT_FDCWD, "d/g", O_RDONLY);
	CHECK(ffd >= 0);
	CHECK_ERR(openat(ffd, "x", O_RDONLY), ENOTDIR);
	CHECK_ERR(openat(-1, "x", O_RDONLY), EBADF);
	CHECK_ERR(openat(dfd, "missing", O_RDONLY), ENOENT);
	close(ffd);
	close(fd);
	CHECK_OK(unlinkat(dfd, "g", 0));
	close(dfd);
	CHECK_OK(rmdir("d"));
}

static void stat_family_agrees(void)
{
	struct stat s1, s2, s3, s4;
	int fd = make_file("f", "12345");

	CHECK_OK(symlink("f", "l"));
	CHECK_OK(stat("f", &s1));
	CHECK_OK(fstat(fd, &s2));
	CHECK_OK(lstat("l", &s3));
	CHECK_OK(fstatat(AT_FDCWD, "l", &s4, 0));
	CHECK(S_ISREG(s1.st_mode));
	CHECK_EQ(s1.st_mode & 07777, 0644);
	CHECK_EQ(s1.st_size, 5);
	CHECK_EQ(s1.st_nlink, 1);
	CHECK_EQ(s1.st_ino, s2.st_ino);
	CHECK_EQ(s1.st_dev, s2.st_dev);
	CHECK(S_ISLNK(s3.st_mode));
	CHECK_EQ(s3.st_size, 1);
	CHECK(s3.st_ino != s1.st_ino);
	CHECK_EQ(s4.st_ino, s1.st_ino);
	CHECK_OK(fstatat(AT_FDCWD, "l", &s4, AT_SYMLINK_NOFOLLOW));
	CHECK(S_ISLNK(s4.st_mode));
	CHECK_ERR(fstatat(AT_FDCWD, "l", &s4, 0x12345), EINVAL);
	CHECK_ERR(stat("missing", &s1), ENOENT);
	CHECK_ERR(fstat(-1, &s1), EBADF);
	CHECK_OK(close(fd));
	CHECK_OK(unlink("l"));
	CHECK_OK(unlink("f"));
}

static void umask_shapes_new_modes(void)
{
	struct stat st;
	mode_t old = umask(077);
	int fd;

	CHECK_EQ(old, 022);
	fd = open("f", O_CREAT | O_WRONLY, 0666);
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_mode & 07777, 0600);
	CHECK_EQ(umask(old), 077);
	CHECK_OK(close(fd));
	CHECK_OK(unlink("f"));
}

static void access_and_faccessat(void)
{
	int fd = make_file("f", "x");

	CHECK_OK(access("f", F_OK));
	CHECK_OK(access("f", R_OK | W_OK));
	CHECK_ERR(access("f", X_OK), EACCES);
	CHECK_ERR(access("missing", F_OK), ENOENT);
	CHECK_ERR(access("f", 0100), EINVAL);
	CHECK_OK(faccessat(AT_FDCWD, "f", R_OK, 0));
	CHECK_ERR(faccessat(AT_FDCWD, "missing", R_OK, 0), ENOENT);
	CHECK_OK(close(fd));
	CHECK_OK(unlink("f"));
}

static void truncate_shrinks_and_extends(void)
{
	char buf[16];
	struct stat st;
	int fd = make_file("f", "0123456789"), rfd;

	CHECK_OK(ftruncate(fd, 4));
	CHECK_EQ(pread(fd, buf, sizeof(buf), 0), 4);
	CHECK_OK(ftruncate(fd, 8192));
	CHECK_EQ(pread(fd, buf, 4, 8000), 4);
	CHECK(buf[0] == 0 && buf[3] == 0);
	CHECK_OK(truncate("f", 0));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, 0);
	CHECK_ERR(ftruncate(fd, -1), EINVAL);
	rfd = open("f", O_RDONLY);
	CHECK_ERR(ftruncate(rfd, 0), EINVAL);
	CHECK_ERR(truncate(".", 0), EISDIR);
	CHECK_ERR(truncate("missing", 0), ENOENT);
	close(rfd);
	CHECK_OK(close(fd));
	CHECK_OK(unlink("f"));
}

static void fsync_and_sync(void)
{
	int fd = make_file("f", "data");

	CHECK_OK(fsync(fd));
	CHECK_ERR(fsync(-1), EBADF);
	sync();
	CHECK_OK(close(fd));
	CHECK_OK(unlink("f"));
}

static void big_file_round_trip(void)
{
	static unsigned char out[256 * 1024], in[256 * 1024];
	size_t i;
	int fd = make_file("f", NULL);

	for (i = 0; i < sizeof(out); i++)
		out[i] = (unsigned char)(i * 7 + i / 4096);
	CHECK_EQ(write(fd, out, sizeof(out)), sizeof(out));
	CHECK_EQ(pread(fd, in, sizeof(in), 0), sizeof(in));
	CHECK(memcmp(in, out, sizeof(in)) == 0);
	CHECK_OK(close(fd));
	CHECK_OK(unlink("f"));
}

/* A field of struct statx (include/uapi/linux/stat.h) by its offset: the
 * structure is not in every libc's headers. */
static unsigned long long statx_field(const unsigned char *sx, int off,
				      int size)
{
	unsigned long long v = 0;

	memcpy(&v, sx + off, size);
	return v;
}

static void fstatat_empty_path_and_statx(void)
{
	unsigned char sx[256];
	struct stat a, b;
	int fd = make_file("f", "hello");

	CHECK_OK(fstat(fd, &a));
	CHECK_OK(syscall(SYS_newfstatat, fd, "", &b, AT_EMPTY_PATH));
	CHECK_EQ(a.st_ino, b.st_ino);
	CHECK_EQ(a.st_size, 5);
	CHECK_EQ(b.st_size, 5);
	CHECK_ERR(syscall(SYS_newfstatat, fd, "", &b, 0), ENOENT);
	CHECK_ERR(fstatat(AT_FDCWD, "f", &b, 0x4000000), EINVAL);
	CHECK_OK(syscall(SYS_newfstatat, AT_FDCWD, "", &b, AT_EMPTY_PATH));
	CHECK(S_ISDIR(b.st_mode));
	memset(sx, 0xff, sizeof(sx));
	CHECK_OK(syscall(SYS_statx, AT_FDCWD, "f", 0, 0x7ff, sx));
	CHECK_EQ(statx_field(sx, 0, 4) & 0x7ff, 0x7ff); /* stx_mask */
	CHECK_EQ(statx_field(sx, 4, 4), a.st_blksize);
	CHECK_EQ(statx_field(sx, 16, 4), 1); /* stx_nlink */
	CHECK_EQ(statx_field(sx, 20, 4), a.st_uid);
	CHECK_EQ(statx_field(sx, 24, 4), a.st_gid);
	CHECK_EQ(statx_field(sx, 28, 2), a.st_mode);
	CHECK_EQ(statx_field(sx, 32, 8), a.st_ino);
	CHECK_EQ(statx_field(sx, 40, 8), 5); /* stx_size */
	CHECK_EQ(statx_field(sx, 48, 8), a.st_blocks);
	CHECK_EQ(statx_field(sx, 112, 8), a.st_mtim.tv_sec);
	CHECK_EQ(statx_field(sx, 120, 4), a.st_mtim.tv_nsec);
	CHECK_EQ(statx_field(sx, 96, 8), a.st_ctim.tv_sec);
	CHECK_ERR(syscall(SYS_statx, AT_FDCWD, "missing", 0, 0x7ff, sx),
		  ENOENT);
	close(fd);
	CHECK_OK(unlink("f"));
}

static void chmod_and_utimensat(void)
{
	struct timespec times[2] = { { 1000000, 5 }, { 2000000, 7 } };
	struct stat st;
	int fd = make_file("f", NULL);

	CHECK_OK(chmod("f", 0600));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_mode, S_IFREG | 0600);
	CHECK_OK(fchmod(fd, 04751));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_mode, S_IFREG | 04751);
	CHECK_OK(fchmodat(AT_FDCWD, "f", 0644, 0));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_mode & 07777, 0644);
	CHECK_ERR(chmod("missing", 0644), ENOENT);
	CHECK_OK(utimensat(AT_FDCWD, "f", times, 0));
	CHECK_OK(stat("f", &st));
	CHECK_EQ(st.st_atim.tv_sec, 1000000);
	CHECK_EQ(st.st_atim.tv_nsec, 5);
	CHECK_EQ(st.st_mtim.tv_sec, 2000000);
	CHECK_EQ(st.st_mtim.tv_nsec, 7);
	times[0].tv_nsec = UTIME_OMIT;
	times[1].tv_sec = 3000000;
	CHECK_OK(futimens(fd, times));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_atim.tv_sec, 1000000);
	CHECK_EQ(st.st_mtim.tv_sec, 3000000);
	CHECK_OK(utimensat(AT_FDCWD, "f", NULL, 0));
	CHECK_OK(stat("f", &st));
	CHECK(st.st_mtim.tv_sec > 3000000);
	times[1].tv_nsec = 1000000000;
	CHECK_ERR(utimensat(AT_FDCWD, "f", times, 0), EINVAL);
	close(fd);
	CHECK_OK(unlink("f"));
}

static void append_ignores_the_offset(void)
{
	char buf[16] = { 0 };
	int fd = make_file("f", "abc");

	close(fd);
	fd = open("f", O_RDWR | O_APPEND);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(write(fd, "de", 2), 2);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 5);
	CHECK_EQ(pwrite(fd, "f", 1, 0), 1);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 5);
	CHECK_EQ(pread(fd, buf, sizeof(buf), 0), 6);
	CHECK(strcmp(buf, "abcdef") == 0);
	close(fd);
	CHECK_OK(unlink("f"));
}

static void preadv_pwritev_and_syncfs(void)
{
	char a[3] = { 0 }, b[4] = { 0 };
	struct iovec w[2] = { { "abc", 3 }, { "defg", 4 } };
	struct iovec r[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	int fd = make_file("f", "0123456789"), p[2];

	CHECK_EQ(lseek(fd, 1, SEEK_SET), 1);
	CHECK_EQ(pwritev(fd, w, 2, 2), 7);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 1);
	CHECK_EQ(preadv(fd, r, 2, 3), 7);
	CHECK(memcmp(a, "bcd", 3) == 0 && memcmp(b, "efg9", 4) == 0);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 1);
	CHECK_EQ(preadv(fd, r, 2, 8), 2);
	CHECK_ERR(preadv(fd, r, 2, -1), EINVAL);
	CHECK_OK(pipe(p));
	CHECK_ERR(preadv(p[0], r, 2, 0), ESPIPE);
	CHECK_ERR(pwritev(p[1], w, 2, 0), ESPIPE);
	CHECK_OK(syncfs(fd));
	CHECK_ERR(syncfs(-1), EBADF);
	close(p[0]);
	close(p[1]);
	close(fd);
	CHECK_OK(unlink("f"));
}

static volatile sig_atomic_t got_xfsz;

static void on_xfsz(int sig)
{
	(void)sig;
	got_xfsz = 1;
}

static void fsize_limit_cuts_writes(void)
{
	struct rlimit old, rl;
	int fd = make_file("f", NULL);

	signal(SIGXFSZ, on_xfsz);
	CHECK_OK(getrlimit(RLIMIT_FSIZE, &old));
	rl = old;
	rl.rlim_cur = 10;
	CHECK_OK(setrlimit(RLIMIT_FSIZE, &rl));
	CHECK_EQ(write(fd, "0123456789abcdef", 16), 10);
	CHECK_EQ(got_xfsz, 0);
	CHECK_ERR(write(fd, "x", 1), EFBIG);
	CHECK_EQ(got_xfsz, 1);
	CHECK_EQ(pwrite(fd, "y", 1, 9), 1);
	CHECK_OK(setrlimit(RLIMIT_FSIZE, &old));
	signal(SIGXFSZ, SIG_DFL);
	close(fd);
	CHECK_OK(unlink("f"));
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 60);
	umask(022);
	RUN(write_then_read_back);
	RUN(readv_writev_gather_and_scatter);
	RUN(pread_pwrite_leave_the_offset);
	RUN(lseek_each_whence_and_errors);
	RUN(open_errors);
	RUN(o_trunc_and_o_append);
	RUN(openat_relative_to_a_directory);
	RUN(stat_family_agrees);
	RUN(umask_shapes_new_modes);
	RUN(access_and_faccessat);
	RUN(truncate_shrinks_and_extends);
	RUN(fsync_and_sync);
	RUN(big_file_round_trip);
	RUN(fstatat_empty_path_and_statx);
	RUN(chmod_and_utimensat);
	RUN(append_ignores_the_offset);
	RUN(fsize_limit_cuts_writes);
	RUN(preadv_pwritev_and_syncfs);
	return t_end();
}
