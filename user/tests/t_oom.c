/*
 * t_oom: running out of memory ends only the process that asked for too
 * much. A child maps and touches memory 1 MiB at a time, forever. On
 * Kestrel it must be killed (SIGKILL) when frames run out, or have mmap
 * refuse it with ENOMEM (it then exits 2); on Linux it first sets
 * RLIMIT_AS to 256 MiB (and refuses to start without it), so it ends with
 * ENOMEM and the host never runs short. Then this program must still
 * allocate and touch memory, fork and exec a program, and have the shell
 * answer: /bin/sh -c 'echo alive' prints "alive" (when there is a
 * /bin/sh; if not, that check is reported and counted neither way).
 */
#include "t.h"
#include <sys/mman.h>
#include <sys/resource.h>

#define MIB (1024L * 1024)

static void hog(void)
{
	struct rlimit rl = { 256 * MIB, 256 * MIB };
	long i;

	if (t_on_linux() && setrlimit(RLIMIT_AS, &rl) != 0)
		_exit(90);
	for (;;) {
		char *m = mmap(NULL, MIB, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED)
			_exit(errno == ENOMEM ? 2 : 3);
		for (i = 0; i < MIB; i += 4096)
			m[i] = 1;
	}
}

static void only_the_hog_dies(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		hog();
	status = t_wait(pid);
	printf("note: the hog ended with wait status 0x%x\n", status);
	CHECK(status == SIGKILL || status == 2 << 8);
	if (t_on_linux())
		CHECK_EQ(status, 2 << 8);
}

static void memory_still_usable(void)
{
	char *m = mmap(NULL, 8 * MIB, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long i, sum = 0;

	CHECK(m != MAP_FAILED);
	if (m == MAP_FAILED)
		return;
	for (i = 0; i < 8 * MIB; i += 4096)
		m[i] = 1;
	for (i = 0; i < 8 * MIB; i += 4096)
		sum += m[i];
	CHECK_EQ(sum, 8 * MIB / 4096);
	CHECK_OK(munmap(m, 8 * MIB));
}

/* Run ARGV with its output on a pipe; return what it printed. */
static int run_and_read(char *const argv[], char *out, size_t size)
{
	int p[2], n, total = 0;
	pid_t pid;

	if (pipe(p) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	while ((n = read(p[0], out + total, size - 1 - total)) > 0)
		total += n;
	out[total] = 0;
	close(p[0]);
	return t_wait(pid);
}

static void programs_and_shell_still_run(void)
{
	char out[64];
	char *self[] = { t_self, "say", NULL };
	char *sh[] = { "/bin/sh", "-c", "echo alive", NULL };

	CHECK_EQ(run_and_read(self, out, sizeof(out)), 0);
	CHECK(strcmp(out, "alive\n") == 0);
	if (access("/bin/sh", X_OK) != 0) {
		printf("skip: no /bin/sh here, the shell was not asked\n");
		return;
	}
	CHECK_EQ(run_and_read(sh, out, sizeof(out)), 0);
	CHECK(strcmp(out, "alive\n") == 0);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "say") == 0) {
		printf("alive\n");
		return 0;
	}
	t_begin(argv[0], 120);
	RUN(only_the_hog_dies);
	RUN(memory_still_usable);
	RUN(programs_and_shell_still_run);
	return t_end();
}
