/*
 * t_clonefs: CLONE_FS. Threads (pthread_create passes CLONE_FS) share
 * the working directory and the umask: a chdir or umask in one is seen
 * by the others, in getcwd, relative opens and /proc/self/cwd; a
 * process made by clone with CLONE_FS shares them with its parent; one
 * made by fork gets a copy, so its chdir and umask are its own; many
 * threads changing directory at once leave a working directory that is
 * one of theirs. docs/threads.md, "CLONE_FS".
 */
#include "t.h"
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>

static char base[256]; /* the scratch directory, absolute */

static void *chdir_sub(void *arg)
{
	(void)arg;
	if (chdir("sub") != 0)
		return (void *)1;
	umask(027);
	return NULL;
}

static void threads_share_cwd_and_umask(void)
{
	char cwd[512], want[300], link[512];
	pthread_t th;
	void *ret = (void *)-1;
	mode_t old;
	ssize_t n;
	int fd;

	CHECK_OK(chdir(base));
	CHECK_OK(mkdir("sub", 0755));
	old = umask(022);
	CHECK_EQ(pthread_create(&th, NULL, chdir_sub, NULL), 0);
	CHECK_EQ(pthread_join(th, &ret), 0);
	CHECK(ret == NULL);
	snprintf(want, sizeof(want), "%s/sub", base);
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK(strcmp(cwd, want) == 0);
	n = readlink("/proc/self/cwd", link, sizeof(link) - 1);
	CHECK(n > 0);
	if (n > 0) {
		link[n] = 0;
		CHECK(strcmp(link, want) == 0);
	}
	/* A relative name now starts in sub, with the thread's umask. */
	fd = open("made-here", O_CREAT | O_WRONLY, 0666);
	CHECK(fd >= 0);
	close(fd);
	{
		struct stat st;

		CHECK_OK(stat(want, &st));
		snprintf(link, sizeof(link), "%s/made-here", want);
		CHECK_OK(stat(link, &st));
		CHECK_EQ(st.st_mode & 0777, 0640);
	}
	CHECK_EQ(umask(old), 027);
	CHECK_OK(unlink("made-here"));
	CHECK_OK(chdir(base));
	CHECK_OK(rmdir("sub"));
}

static char clone_stack[64 * 1024] __attribute__((aligned(16)));

static int clone_child(void *arg)
{
	(void)arg;
	umask(077);
	return chdir("/") != 0;
}

static void clone_fs_process_shares(void)
{
	char cwd[512];
	mode_t old = umask(022);
	int pid, status;

	CHECK_OK(chdir(base));
	pid = clone(clone_child, clone_stack + sizeof(clone_stack),
		    CLONE_FS | SIGCHLD, NULL);
	CHECK(pid > 0);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK_EQ(status, 0);
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK(strcmp(cwd, "/") == 0);
	CHECK_EQ(umask(old), 077);
	CHECK_OK(chdir(base));
}

static void fork_copies(void)
{
	char cwd[512];
	mode_t old = umask(022);
	pid_t pid;

	CHECK_OK(chdir(base));
	pid = fork();
	if (pid == 0) {
		umask(077);
		_exit(chdir("/") != 0);
	}
	CHECK_EQ(t_wait(pid), 0);
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK(strcmp(cwd, base) == 0);
	CHECK_EQ(umask(old), 022);
	/* clone without CLONE_FS: a copy too. */
	pid = clone(clone_child, clone_stack + sizeof(clone_stack), SIGCHLD,
		    NULL);
	CHECK(pid > 0);
	CHECK_EQ(t_wait(pid), 0);
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK(strcmp(cwd, base) == 0);
}

#define RACERS 4

static void *racer(void *arg)
{
	const char *dir = arg;

	for (int i = 0; i < 200; i++) {
		if (chdir(dir) != 0 || chdir(base) != 0)
			return (void *)1;
	}
	return chdir(dir) != 0 ? (void *)1 : NULL;
}

static void racing_chdirs(void)
{
	char dirs[RACERS][300], cwd[512];
	pthread_t th[RACERS];
	int found = 0;

	CHECK_OK(chdir(base));
	for (int i = 0; i < RACERS; i++) {
		snprintf(dirs[i], sizeof(dirs[i]), "%s/r%d", base, i);
		CHECK_OK(mkdir(dirs[i], 0755));
	}
	for (int i = 0; i < RACERS; i++)
		CHECK_EQ(pthread_create(&th[i], NULL, racer, dirs[i]), 0);
	for (int i = 0; i < RACERS; i++) {
		void *ret = (void *)-1;

		CHECK_EQ(pthread_join(th[i], &ret), 0);
		CHECK(ret == NULL);
	}
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	for (int i = 0; i < RACERS; i++)
		found += strcmp(cwd, dirs[i]) == 0;
	CHECK_EQ(found, 1);
	CHECK_OK(chdir(base));
	for (int i = 0; i < RACERS; i++)
		CHECK_OK(rmdir(dirs[i]));
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 120);
	if (!getcwd(base, sizeof(base)))
		return 1;
	RUN(threads_share_cwd_and_umask);
	RUN(clone_fs_process_shares);
	RUN(fork_copies);
	RUN(racing_chdirs);
	return t_end();
}
