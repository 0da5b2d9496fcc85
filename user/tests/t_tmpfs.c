/*
 * t_tmpfs: the memory file system. /dev/shm is a tmpfs (statfs's magic,
 * mode 1777); shm_open's objects live there, and a MAP_SHARED mapping of
 * one is shared with a child and with a second mapping of another open;
 * sem_open's named semaphores work across fork; directories, files,
 * symlinks, rename and truncate behave there as on any file system, and
 * the free blocks statfs reports fall as a file grows and come back when
 * it goes. mount -t tmpfs with size= and mode= makes a file system of
 * that size (ENOSPC beyond) and root mode; unknown or malformed options
 * are EINVAL. Mounting needs privilege on Linux: as another user that
 * case says so and checks nothing. docs/ipc.md.
 */
#include "t.h"
#include <semaphore.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/statfs.h>

#define TMPFS_MAGIC 0x01021994

static void dev_shm_is_tmpfs(void)
{
	struct statfs sf;
	struct stat st;

	CHECK_OK(statfs("/dev/shm", &sf));
	CHECK_EQ(sf.f_type, TMPFS_MAGIC);
	CHECK_EQ(sf.f_bsize, 4096);
	CHECK(sf.f_blocks > 0);
	CHECK(sf.f_bfree <= sf.f_blocks);
	CHECK_OK(stat("/dev/shm", &st));
	CHECK(S_ISDIR(st.st_mode));
	CHECK_EQ(st.st_mode & 07777, 01777);
}

/* shm_open makes /dev/shm/NAME; a MAP_SHARED mapping of it is one
 * memory for the parent, a child, and another open's mapping. */
static void shm_open_shares_memory(void)
{
	char name[64], path[80];
	struct stat st;
	int fd, fd2;
	char *p, *q;
	pid_t pid;

	snprintf(name, sizeof(name), "/t_tmpfs.%d", getpid());
	snprintf(path, sizeof(path), "/dev/shm%s", name);
	fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	CHECK(fd >= 0);
	CHECK_ERR(shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600), EEXIST);
	CHECK_OK(ftruncate(fd, 8192));
	CHECK_OK(stat(path, &st));
	CHECK_EQ(st.st_size, 8192);
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	if (p == MAP_FAILED)
		return;
	CHECK_EQ(p[100], 0);
	pid = fork();
	if (pid == 0) {
		int cfd = shm_open(name, O_RDWR, 0);
		char *c = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED,
			       cfd, 0);

		if (c == MAP_FAILED)
			_exit(2);
		strcpy(p + 100, "from the child");
		strcpy(c + 5000, "through another open");
		_exit(0);
	}
	CHECK_EQ(t_wait(pid), 0);
	CHECK(strcmp(p + 100, "from the child") == 0);
	CHECK(strcmp(p + 5000, "through another open") == 0);
	/* read() sees what the mappings wrote, and a second mapping too. */
	fd2 = shm_open(name, O_RDONLY, 0);
	CHECK(fd2 >= 0);
	q = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd2, 4096);
	CHECK(q != MAP_FAILED);
	if (q != MAP_FAILED) {
		CHECK(strcmp(q + 5000 - 4096, "through another open") == 0);
		munmap(q, 4096);
	}
	{
		char buf[16] = { 0 };

		CHECK_EQ(pread(fd2, buf, 14, 100), 14);
		CHECK(memcmp(buf, "from the child", 14) == 0);
	}
	CHECK_OK(munmap(p, 8192));
	CHECK_OK(close(fd2));
	CHECK_OK(close(fd));
	CHECK_OK(shm_unlink(name));
	CHECK_ERR(shm_open(name, O_RDWR, 0), ENOENT);
	CHECK_ERR(shm_unlink(name), ENOENT);
}

/* A named semaphore (a file in /dev/shm, mapped shared, with futexes)
 * posted by a child. */
static void named_semaphore(void)
{
	char name[64];
	sem_t *s;
	pid_t pid;
	int v = -1;

	snprintf(name, sizeof(name), "/t_tmpfs_sem.%d", getpid());
	s = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
	CHECK(s != SEM_FAILED);
	if (s == SEM_FAILED)
		return;
	CHECK_OK(sem_getvalue(s, &v));
	CHECK_EQ(v, 0);
	pid = fork();
	if (pid == 0) {
		sem_t *c = sem_open(name, 0);
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		if (c == SEM_FAILED)
			_exit(2);
		nanosleep(&ts, NULL);
		sem_post(c);
		sem_post(c);
		_exit(0);
	}
	CHECK_OK(sem_wait(s));
	CHECK_EQ(t_wait(pid), 0);
	CHECK_OK(sem_getvalue(s, &v));
	CHECK_EQ(v, 1);
	CHECK_OK(sem_trywait(s));
	CHECK_ERR(sem_trywait(s), EAGAIN);
	CHECK_OK(sem_close(s));
	CHECK_OK(sem_unlink(name));
	CHECK(sem_open(name, 0) == SEM_FAILED);
}

/* Directories, files, symlinks, rename and truncate in /dev/shm; the
 * free blocks follow a 1 MiB file. */
static void files_in_dev_shm(void)
{
	static char buf[1 << 20];
	char dir[64], path[128], path2[128], link[128], got[64];
	struct statfs before, during, after;
	struct stat st;
	int fd;

	snprintf(dir, sizeof(dir), "/dev/shm/t_tmpfs_dir.%d", getpid());
	CHECK_OK(mkdir(dir, 0700));
	CHECK_ERR(mkdir(dir, 0700), EEXIST);
	snprintf(path, sizeof(path), "%s/a", dir);
	snprintf(path2, sizeof(path2), "%s/b", dir);
	snprintf(link, sizeof(link), "%s/l", dir);
	CHECK_OK(statfs(dir, &before));
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
	CHECK(fd >= 0);
	memset(buf, 'z', sizeof(buf));
	CHECK_EQ(write(fd, buf, sizeof(buf)), sizeof(buf));
	CHECK_OK(statfs(dir, &during));
	CHECK(before.f_bfree - during.f_bfree >= 200);
	CHECK_OK(ftruncate(fd, 10));
	CHECK_OK(fstat(fd, &st));
	CHECK_EQ(st.st_size, 10);
	CHECK_OK(ftruncate(fd, 20));
	CHECK_EQ(pread(fd, got, 20, 0), 20);
	CHECK(memcmp(got, "zzzzzzzzzz", 10) == 0 && got[10] == 0 &&
	      got[19] == 0);
	CHECK_OK(close(fd));
	CHECK_OK(symlink("a", link));
	CHECK_EQ(readlink(link, got, sizeof(got)), 1);
	CHECK_OK(rename(path, path2));
	CHECK_ERR(stat(link, &st), ENOENT); /* dangling now */
	CHECK_OK(stat(path2, &st));
	CHECK_EQ(st.st_size, 20);
	CHECK_ERR(rmdir(dir), ENOTEMPTY);
	CHECK_OK(unlink(link));
	CHECK_OK(unlink(path2));
	CHECK_OK(rmdir(dir));
	CHECK_OK(statfs("/dev/shm", &after));
	CHECK(after.f_bfree + 64 >= before.f_bfree);
}

/* mount -t tmpfs with options, in the scratch directory. */
static void mount_with_options(void)
{
	static char buf[100 * 1024];
	struct statfs sf;
	struct stat st;
	ssize_t n;
	int fd;

	CHECK_OK(mkdir("m", 0755));
	if (mount("none", "m", "tmpfs", 0, "size=64k,mode=0700") != 0 &&
	    errno == EPERM) {
		printf("skip (mounting needs privilege here): tmpfs options\n");
		CHECK_OK(rmdir("m"));
		return;
	}
	CHECK_OK(statfs("m", &sf));
	CHECK_EQ(sf.f_type, TMPFS_MAGIC);
	CHECK_EQ(sf.f_blocks, 16);
	CHECK_OK(stat("m", &st));
	CHECK_EQ(st.st_mode & 07777, 0700);
	fd = open("m/big", O_WRONLY | O_CREAT, 0600);
	CHECK(fd >= 0);
	memset(buf, 'x', sizeof(buf));
	n = write(fd, buf, sizeof(buf));
	CHECK(n <= 64 * 1024);
	if (n > 0)
		CHECK_ERR(write(fd, buf, sizeof(buf)), ENOSPC);
	CHECK_OK(close(fd));
	CHECK_OK(unlink("m/big"));
	CHECK_OK(umount("m"));
	CHECK_ERR(mount("none", "m", "tmpfs", 0, "bogus=1"), EINVAL);
	CHECK_ERR(mount("none", "m", "tmpfs", 0, "size=12q"), EINVAL);
	CHECK_ERR(mount("none", "m", "tmpfs", 0, "mode=9"), EINVAL);
	/* No options: the defaults. */
	CHECK_OK(mount("none", "m", "tmpfs", 0, NULL));
	CHECK_OK(stat("m", &st));
	CHECK_EQ(st.st_mode & 07777, 01777);
	CHECK_OK(umount("m"));
	CHECK_OK(rmdir("m"));
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 60);
	RUN(dev_shm_is_tmpfs);
	RUN(shm_open_shares_memory);
	RUN(named_semaphore);
	RUN(files_in_dev_shm);
	RUN(mount_with_options);
	return t_end();
}
