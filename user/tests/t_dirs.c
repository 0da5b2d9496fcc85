/*
 * t_dirs: the name space. mkdir and mkdirat, rmdir, unlink and unlinkat,
 * rename and renameat, link and linkat, symlink and symlinkat, readlink and
 * readlinkat, getdents64 (every entry once, with its type, even read
 * through a small buffer), chdir, fchdir and getcwd. Each usual error gives
 * Linux's errno: EEXIST, ENOENT, ENOTDIR, EISDIR, ENOTEMPTY, EINVAL, EPERM,
 * ELOOP, ERANGE.
 */
#include "t.h"
#include <sys/mount.h>
#include <dirent.h>
#include <sys/syscall.h>

/* Linux's record layout: every field is part of it, used or not. */
struct linux_dirent64 {
	/* cppcheck-suppress unusedStructMember */
	unsigned long long d_ino;
	/* cppcheck-suppress unusedStructMember */
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static void touch(const char *name)
{
	int fd = open(name, O_CREAT | O_WRONLY, 0644);

	CHECK(fd >= 0);
	close(fd);
}

static void mkdir_and_rmdir(void)
{
	struct stat st, parent0, parent1;

	CHECK_OK(stat(".", &parent0));
	CHECK_OK(mkdir("d", 0755));
	CHECK_OK(stat("d", &st));
	CHECK(S_ISDIR(st.st_mode));
	CHECK_EQ(st.st_mode & 07777, 0755);
	CHECK_EQ(st.st_nlink, 2);
	CHECK_OK(stat(".", &parent1));
	CHECK_EQ(parent1.st_nlink, parent0.st_nlink + 1);
	CHECK_ERR(mkdir("d", 0755), EEXIST);
	CHECK_ERR(mkdir("no/sub", 0755), ENOENT);
	touch("d/f");
	CHECK_ERR(rmdir("d"), ENOTEMPTY);
	CHECK_ERR(rmdir("d/f"), ENOTDIR);
	CHECK_ERR(rmdir("d/."), EINVAL);
	CHECK_ERR(mkdir("d/f/x", 0755), ENOTDIR);
	CHECK_OK(unlink("d/f"));
	CHECK_OK(rmdir("d"));
	CHECK_ERR(stat("d", &st), ENOENT);
	CHECK_ERR(rmdir("d"), ENOENT);
}

static void mkdirat_and_unlinkat(void)
{
	struct stat st;
	int dfd;

	CHECK_OK(mkdir("d", 0755));
	dfd = open("d", O_RDONLY | O_DIRECTORY);
	CHECK_OK(mkdirat(dfd, "sub", 0700));
	CHECK_OK(stat("d/sub", &st));
	CHECK_EQ(st.st_mode & 07777, 0700);
	CHECK_ERR(unlinkat(dfd, "sub", 0), EISDIR);
	CHECK_ERR(unlink("d/sub"), EISDIR);
	CHECK_ERR(unlinkat(dfd, "sub", 0x12345), EINVAL);
	CHECK_OK(unlinkat(dfd, "sub", AT_REMOVEDIR));
	CHECK_ERR(unlinkat(dfd, "sub", AT_REMOVEDIR), ENOENT);
	CHECK_ERR(unlink("missing"), ENOENT);
	close(dfd);
	CHECK_OK(rmdir("d"));
}

static void rename_and_renameat(void)
{
	char buf[8];
	int fd, dfd;

	fd = open("a", O_CREAT | O_WRONLY, 0644);
	CHECK_EQ(write(fd, "A", 1), 1);
	close(fd);
	touch("b");
	CHECK_OK(rename("a", "b"));
	CHECK_ERR(access("a", F_OK), ENOENT);
	fd = open("b", O_RDONLY);
	CHECK_EQ(read(fd, buf, sizeof(buf)), 1);
	CHECK_EQ(buf[0], 'A');
	close(fd);
	CHECK_OK(mkdir("d", 0755));
	CHECK_OK(mkdir("e", 0755));
	touch("e/x");
	CHECK_ERR(rename("d", "d/sub"), EINVAL);
	CHECK_ERR(rename("b", "d"), EISDIR);
	CHECK_ERR(rename("d", "b"), ENOTDIR);
	CHECK_ERR(rename("d", "e"), ENOTEMPTY);
	CHECK_ERR(rename("missing", "z"), ENOENT);
	dfd = open("d", O_RDONLY | O_DIRECTORY);
	CHECK_OK(renameat(AT_FDCWD, "b", dfd, "b2"));
	CHECK_OK(access("d/b2", F_OK));
	CHECK_OK(renameat(dfd, "b2", AT_FDCWD, "e/x"));
	CHECK_OK(rename("d", "e2"));
	close(dfd);
	CHECK_OK(unlink("e/x"));
	CHECK_OK(rmdir("e"));
	CHECK_OK(rmdir("e2"));
}

static void hard_links(void)
{
	struct stat s1, s2;

	touch("a");
	CHECK_OK(link("a", "b"));
	CHECK_OK(stat("a", &s1));
	CHECK_OK(stat("b", &s2));
	CHECK_EQ(s1.st_ino, s2.st_ino);
	CHECK_EQ(s1.st_nlink, 2);
	CHECK_ERR(link("a", "b"), EEXIST);
	CHECK_ERR(link("missing", "c"), ENOENT);
	CHECK_ERR(link(".", "dirlink"), EPERM);
	CHECK_OK(linkat(AT_FDCWD, "a", AT_FDCWD, "c", 0));
	CHECK_OK(unlink("a"));
	CHECK_OK(stat("b", &s2));
	CHECK_EQ(s2.st_nlink, 2);
	CHECK_OK(unlink("b"));
	CHECK_OK(unlink("c"));
}

static void symlinks_and_readlink(void)
{
	char buf[16];
	struct stat st;
	int dfd;

	touch("target");
	CHECK_OK(symlink("target", "s"));
	memset(buf, 'Z', sizeof(buf));
	CHECK_EQ(readlink("s", buf, sizeof(buf)), 6);
	CHECK(memcmp(buf, "target", 6) == 0 && buf[6] == 'Z');
	CHECK_EQ(readlink("s", buf, 3), 3);
	CHECK_ERR(readlink("target", buf, sizeof(buf)), EINVAL);
	CHECK_ERR(readlink("missing", buf, sizeof(buf)), ENOENT);
	dfd = open(".", O_RDONLY | O_DIRECTORY);
	CHECK_OK(symlinkat("nowhere", dfd, "dangling"));
	CHECK_EQ(readlinkat(dfd, "dangling", buf, sizeof(buf)), 7);
	CHECK_ERR(stat("dangling", &st), ENOENT);
	CHECK_OK(lstat("dangling", &st));
	CHECK_ERR(symlink("x", "s"), EEXIST);
	CHECK_OK(symlink("loop2", "loop1"));
	CHECK_OK(symlink("loop1", "loop2"));
	CHECK_ERR(open("loop1", O_RDONLY), ELOOP);
	close(dfd);
	CHECK_OK(unlink("loop1"));
	CHECK_OK(unlink("loop2"));
	CHECK_OK(unlink("dangling"));
	CHECK_OK(unlink("s"));
	CHECK_OK(unlink("target"));
}

/* Read a whole directory with getdents64 through a buffer of SIZE bytes. */
static int count_entries(int fd, size_t size, int *files, int *dirs)
{
	char buf[1024];
	int total = 0;
	long n, off;

	while ((n = syscall(SYS_getdents64, fd, buf, size)) > 0) {
		for (off = 0; off < n;) {
			struct linux_dirent64 *d = (void *)(buf + off);

			CHECK_EQ(d->d_reclen % 8, 0);
			if (d->d_type == DT_REG && d->d_name[0] == 'f')
				(*files)++;
			if (d->d_type == DT_DIR)
				(*dirs)++;
			total++;
			off += d->d_reclen;
		}
	}
	CHECK_EQ(n, 0);
	return total;
}

static void getdents64_lists_every_entry_once(void)
{
	char name[16];
	int i, fd, files = 0, dirs = 0, tiny;

	CHECK_OK(mkdir("d", 0755));
	CHECK_OK(mkdir("d/sub", 0755));
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "d/f%03d", i);
		touch(name);
	}
	fd = open("d", O_RDONLY | O_DIRECTORY);
	CHECK_EQ(count_entries(fd, 256, &files, &dirs), 103);
	CHECK_EQ(files, 100);
	CHECK_EQ(dirs, 3);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_ERR(syscall(SYS_getdents64, fd, name, 1), EINVAL);
	tiny = open("d/f000", O_RDONLY);
	CHECK_ERR(syscall(SYS_getdents64, tiny, name, sizeof(name)), ENOTDIR);
	CHECK_ERR(syscall(SYS_getdents64, -1, name, sizeof(name)), EBADF);
	close(tiny);
	close(fd);
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "d/f%03d", i);
		CHECK_OK(unlink(name));
	}
	CHECK_OK(rmdir("d/sub"));
	CHECK_OK(rmdir("d"));
}

static void chdir_fchdir_getcwd(void)
{
	char here[256], there[256], want[300];
	int dfd, ffd;

	CHECK(getcwd(here, sizeof(here)) != NULL);
	CHECK_OK(mkdir("d", 0755));
	touch("f");
	CHECK_OK(chdir("d"));
	CHECK(getcwd(there, sizeof(there)) != NULL);
	snprintf(want, sizeof(want), "%s/d", here);
	CHECK(strcmp(there, want) == 0);
	CHECK_OK(chdir(".."));
	CHECK(getcwd(there, sizeof(there)) && strcmp(there, here) == 0);
	dfd = open("d", O_RDONLY | O_DIRECTORY);
	CHECK_OK(fchdir(dfd));
	CHECK(getcwd(there, sizeof(there)) && strcmp(there, want) == 0);
	CHECK(getcwd(there, 2) == NULL && errno == ERANGE);
	CHECK_OK(chdir(here));
	ffd = open("f", O_RDONLY);
	CHECK_ERR(fchdir(ffd), ENOTDIR);
	CHECK_ERR(fchdir(-1), EBADF);
	CHECK_ERR(chdir("f"), ENOTDIR);
	CHECK_ERR(chdir("missing"), ENOENT);
	close(ffd);
	close(dfd);
	CHECK_OK(unlink("f"));
	CHECK_OK(rmdir("d"));
}

/* The *at calls with two different start directories; getdents64 into a
 * bad buffer leaves the offset alone; getcwd in a removed directory. */
static void two_directories_and_loose_ends(void)
{
	char here[256], abs[300], buf[16];
	static char d1[4096], d2[4096];
	struct stat a, b;
	long n1, n2;
	int dfd, fd1, fd2;

	CHECK(getcwd(here, sizeof(here)) != NULL);
	CHECK_OK(mkdir("d", 0755));
	touch("d/x");
	dfd = open("d", O_RDONLY | O_DIRECTORY);
	CHECK_OK(linkat(dfd, "x", AT_FDCWD, "y", 0));
	CHECK_OK(linkat(AT_FDCWD, "y", dfd, "z", 0));
	CHECK_OK(stat("d/x", &a));
	CHECK_OK(stat("d/z", &b));
	CHECK_EQ(a.st_ino, b.st_ino);
	CHECK_EQ(b.st_nlink, 3);
	CHECK_OK(symlinkat("x", dfd, "s"));
	CHECK_EQ(readlinkat(dfd, "s", buf, sizeof(buf)), 1);
	CHECK_OK(fstatat(dfd, "s", &b, 0));
	CHECK_EQ(a.st_ino, b.st_ino);
	CHECK_ERR(linkat(dfd, "x", -1, "w", 0), EBADF);
	/* An absolute path ignores its directory descriptor. */
	snprintf(abs, sizeof(abs), "%s/w", here);
	CHECK_OK(linkat(dfd, "x", -1, abs, 0));
	CHECK_OK(unlink("w"));

	fd1 = open("d", O_RDONLY | O_DIRECTORY);
	CHECK_ERR(syscall(SYS_getdents64, fd1, (void *)16, sizeof(d1)), EFAULT);
	n1 = syscall(SYS_getdents64, fd1, d1, sizeof(d1));
	fd2 = open("d", O_RDONLY | O_DIRECTORY);
	n2 = syscall(SYS_getdents64, fd2, d2, sizeof(d2));
	CHECK(n1 > 0);
	CHECK_EQ(n1, n2);
	CHECK(memcmp(d1, d2, n1 > 0 ? n1 : 0) == 0);
	close(fd1);
	close(fd2);

	CHECK_OK(unlinkat(dfd, "s", 0));
	CHECK_OK(unlinkat(dfd, "z", 0));
	CHECK_OK(unlinkat(dfd, "x", 0));
	CHECK_OK(unlink("y"));
	close(dfd);

	CHECK_OK(chdir("d"));
	CHECK_OK(rmdir("../d"));
	CHECK(getcwd(buf, sizeof(buf)) == NULL && errno == ENOENT);
	CHECK_OK(chdir(here));
}

/* getcwd walks up across a mount point. Mounting needs privilege on Linux:
 * without it the case says so and checks nothing. */
static void getcwd_across_a_mount(void)
{
	char here[256], there[256], want[300];
	struct stat top, inside;
	int fd;

	CHECK(getcwd(here, sizeof(here)) != NULL);
	CHECK_OK(mkdir("m", 0755));
	if (mount("none", "m", t_on_linux() ? "tmpfs" : "ramfs", 0, NULL) < 0) {
		CHECK(t_on_linux() && errno == EPERM);
		printf("skip (mount needs privilege here): %s\n", __func__);
		CHECK_OK(rmdir("m"));
		return;
	}
	CHECK_ERR(mount("none", "missing", "ramfs", 0, NULL), ENOENT);
	CHECK_ERR(mount("none", "m", "nosuchfs", 0, NULL), ENODEV);
	CHECK_OK(mkdir("m/sub", 0755));
	CHECK_OK(chdir("m/sub"));
	CHECK(getcwd(there, sizeof(there)) != NULL);
	snprintf(want, sizeof(want), "%s/m/sub", here);
	CHECK(strcmp(there, want) == 0);
	CHECK_OK(chdir(".."));
	CHECK(getcwd(there, sizeof(there)) != NULL);
	snprintf(want, sizeof(want), "%s/m", here);
	CHECK(strcmp(there, want) == 0);
	CHECK_OK(stat(".", &inside));
	CHECK_OK(stat("..", &top));
	CHECK(inside.st_dev != top.st_dev);
	CHECK_OK(chdir(".."));
	fd = open("m/sub", O_RDONLY | O_DIRECTORY);
	CHECK_ERR(umount2("m", 0), EBUSY);
	close(fd);
	CHECK_OK(umount2("m", 0));
	CHECK_ERR(umount2("m", 0), EINVAL);
	CHECK_ERR(stat("m/sub", &inside), ENOENT);
	CHECK_OK(rmdir("m"));
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 60);
	umask(022);
	RUN(mkdir_and_rmdir);
	RUN(mkdirat_and_unlinkat);
	RUN(rename_and_renameat);
	RUN(hard_links);
	RUN(symlinks_and_readlink);
	RUN(getdents64_lists_every_entry_once);
	RUN(chdir_fchdir_getcwd);
	RUN(two_directories_and_loose_ends);
	RUN(getcwd_across_a_mount);
	return t_end();
}
