/*
 * t_forkbomb: a fork bomb hits the process limit and the system recovers.
 * A supervisor child, in a process group of its own, lowers RLIMIT_NPROC
 * to 64 and starts a bomb in which every process forks until fork fails;
 * the first EAGAIN is the limit being hit, and the supervisor then kills
 * the whole group. Afterwards this program must fork and run a child
 * again. Safety on a host: besides RLIMIT_NPROC, a shared counter stops
 * the bomb at 1000 processes, and on Linux, where root ignores
 * RLIMIT_NPROC, the supervisor first becomes the unprivileged user 65534.
 */
#include "t.h"
#include <sys/mman.h>
#include <sys/resource.h>

#define LIMIT 64
#define CAP 1000

struct bomb {
	int made;  /* processes the bomb has made */
	int hit;   /* a fork failed with EAGAIN */
	int other; /* a fork failed with another errno */
};

static struct bomb *bomb;

/* Every bomb process runs this: fork until a fork fails, then wait. */
static void explode(pid_t supervisor)
{
	for (;;) {
		pid_t pid;

		if (__atomic_load_n(&bomb->made, __ATOMIC_SEQ_CST) >= CAP)
			break;
		pid = fork();
		if (pid == 0) {
			__atomic_fetch_add(&bomb->made, 1, __ATOMIC_SEQ_CST);
			continue;
		}
		if (pid < 0) {
			if (errno == EAGAIN)
				__atomic_store_n(&bomb->hit, 1,
						 __ATOMIC_SEQ_CST);
			else
				__atomic_store_n(&bomb->other, errno,
						 __ATOMIC_SEQ_CST);
			break;
		}
	}
	if (getpid() != supervisor)
		for (;;)
			pause();
}

static void supervise(void)
{
	struct rlimit rl = { LIMIT, LIMIT };
	struct timespec d = { 0, 1000 * 1000 };
	int i;

	setpgid(0, 0);
	if (setrlimit(RLIMIT_NPROC, &rl) != 0 && t_on_linux())
		_exit(2);
	if (t_on_linux() && getuid() == 0 && setuid(65534) != 0)
		_exit(3);
	explode(getpid());
	for (i = 0; i < 5000 && !bomb->hit && bomb->made < CAP; i++)
		nanosleep(&d, NULL);
	kill(0, SIGKILL);
	_exit(4);
}

static void bomb_hits_the_limit(void)
{
	pid_t pid;

	bomb = mmap(NULL, sizeof(*bomb), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(bomb != MAP_FAILED);
	pid = fork();
	if (pid == 0)
		supervise();
	CHECK_EQ(t_wait(pid), SIGKILL);
	printf("note: the bomb made %d processes before fork failed\n",
	       bomb->made);
	CHECK_EQ(bomb->hit, 1);
	CHECK_EQ(bomb->other, 0);
	CHECK(bomb->made < CAP);
}

static void system_recovers(void)
{
	struct timespec d = { 0, 10 * 1000 * 1000 };
	pid_t pid = -1;
	int i;

	for (i = 0; i < 200 && pid < 0; i++) {
		pid = fork();
		if (pid < 0)
			nanosleep(&d, NULL);
	}
	if (pid == 0)
		_exit(33);
	CHECK(pid > 0);
	CHECK_EQ(t_wait(pid), 33 << 8);
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 60);
	RUN(bomb_hits_the_limit);
	RUN(system_recovers);
	return t_end();
}
