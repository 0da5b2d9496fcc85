/*
 * t_proc: processes. fork, vfork and clone(SIGCHLD) make children; execve
 * runs a program (this one, re-executed with a role in argv) keeping the
 * pid, and refuses missing, non-executable and non-ELF files with ENOENT,
 * EACCES and ENOEXEC; exit and exit_group end with a status; wait4, waitpid
 * and waitid report it encoded as Linux does (exit code << 8, or the
 * signal number); WNOHANG; ECHILD with no children; a child stays a zombie
 * (kill(pid, 0) still finds it) until reaped; an orphan is re-parented to
 * init; getpid, getppid, gettid; process groups (setpgid, getpgid, getpgrp)
 * and sessions (setsid, getsid) with their EPERM and ESRCH cases.
 */
#include "t.h"
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>

/* Fork a child that re-executes this program as "ROLE ARG". */
static pid_t spawn(const char *role, const char *arg)
{
	pid_t pid = fork();

	if (pid == 0) {
		char *argv[] = { t_self, (char *)role, (char *)arg, NULL };

		execv(t_self, argv);
		_exit(99);
	}
	return pid;
}

static void exit_status_encoding(void)
{
	pid_t pid = fork();
	int status;

	if (pid == 0)
		_exit(42);
	status = t_wait(pid);
	CHECK_EQ(status, 42 << 8);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42);
	pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	CHECK_OK(kill(pid, SIGKILL));
	status = t_wait(pid);
	CHECK_EQ(status, SIGKILL);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	pid = fork();
	if (pid == 0)
		syscall(SYS_exit_group, 3);
	CHECK_EQ(t_wait(pid), 3 << 8);
	pid = fork();
	if (pid == 0)
		syscall(SYS_exit, 4);
	CHECK_EQ(t_wait(pid), 4 << 8);
}

static void execve_runs_a_program(void)
{
	int p[2];
	pid_t pid, seen = 0;
	char fd[8];

	CHECK_OK(pipe(p));
	snprintf(fd, sizeof(fd), "%d", p[1]);
	pid = spawn("report-pid", fd);
	close(p[1]);
	CHECK_EQ(read(p[0], &seen, sizeof(seen)), sizeof(seen));
	CHECK_EQ(seen, pid);
	CHECK_EQ(t_wait(pid), 0);
	close(p[0]);
	CHECK_EQ(t_wait(spawn("exit", "7")), 7 << 8);
}

static void execve_errors(void)
{
	char *argv[] = { "x", NULL };
	int fd = open("script", O_CREAT | O_WRONLY, 0755);

	CHECK_EQ(write(fd, "not an ELF file\n", 16), 16);
	close(fd);
	fd = open("noexec", O_CREAT | O_WRONLY, 0644);
	close(fd);
	CHECK_ERR(execve("missing", argv, NULL), ENOENT);
	CHECK_ERR(execve("script", argv, NULL), ENOEXEC);
	CHECK_ERR(execve("noexec", argv, NULL), EACCES);
	CHECK_ERR(execve(".", argv, NULL), EACCES);
	CHECK_OK(unlink("script"));
	CHECK_OK(unlink("noexec"));
}

static void wait_variants(void)
{
	struct rusage ru;
	siginfo_t si;
	int status;
	pid_t pid;

	CHECK_ERR(wait(&status), ECHILD);
	CHECK_ERR(waitpid(12345678, &status, 0), ECHILD);
	pid = fork();
	if (pid == 0) {
		struct timespec d = { 0, 50 * 1000 * 1000 };

		nanosleep(&d, NULL);
		_exit(9);
	}
	CHECK_EQ(waitpid(pid, &status, WNOHANG), 0);
	CHECK_EQ(wait4(pid, &status, 0, &ru), pid);
	CHECK_EQ(status, 9 << 8);
	pid = fork();
	if (pid == 0)
		_exit(11);
	memset(&si, 0, sizeof(si));
	CHECK_OK(waitid(P_PID, pid, &si, WEXITED));
	CHECK_EQ(si.si_pid, pid);
	CHECK_EQ(si.si_signo, SIGCHLD);
	CHECK_EQ(si.si_code, CLD_EXITED);
	CHECK_EQ(si.si_status, 11);
	CHECK_ERR(waitid(P_PID, pid, &si, WEXITED), ECHILD);
	CHECK_ERR(waitid(P_ALL, 0, &si, 0), EINVAL);
	CHECK_ERR(waitpid(-1, &status, 0x40000), EINVAL);
}

static void zombie_until_reaped(void)
{
	siginfo_t si;
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	memset(&si, 0, sizeof(si));
	CHECK_OK(waitid(P_PID, pid, &si, WEXITED | WNOWAIT));
	CHECK_EQ(si.si_pid, pid);
	CHECK_OK(kill(pid, 0));
	CHECK_EQ(t_wait(pid), 0);
	CHECK_ERR(kill(pid, 0), ESRCH);
}

static void orphan_goes_to_init(void)
{
	pid_t pid, middle, newparent = 0;
	int p[2];

	CHECK_OK(pipe(p));
	middle = fork();
	if (middle == 0) {
		pid_t me = getpid(); /* middle is 0 in here */

		pid = fork();
		if (pid == 0) {
			pid_t pp;

			while ((pp = getppid()) == me)
				sched_yield();
			write(p[1], &pp, sizeof(pp));
			_exit(0);
		}
		_exit(0);
	}
	close(p[1]);
	CHECK_EQ(t_wait(middle), 0);
	CHECK_EQ(read(p[0], &newparent, sizeof(newparent)), sizeof(newparent));
	CHECK(newparent != middle && newparent != 0);
	if (t_on_linux())
		printf("note: on this host the orphan went to pid %d (1, or a "
		       "subreaper)\n",
		       newparent);
	else
		CHECK_EQ(newparent, 1);
	close(p[0]);
}

static volatile int shared_by_vfork;

static void vfork_and_clone(void)
{
	pid_t pid;

	shared_by_vfork = 0;
	pid = vfork();
	if (pid == 0) {
		shared_by_vfork = 1;
		_exit(5);
	}
	CHECK_EQ(shared_by_vfork, 1);
	CHECK_EQ(t_wait(pid), 5 << 8);
	pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (pid == 0)
		_exit(6);
	CHECK(pid > 0);
	CHECK_EQ(t_wait(pid), 6 << 8);
	CHECK_ERR(syscall(SYS_clone, CLONE_SIGHAND | SIGCHLD, 0, 0, 0, 0),
		  EINVAL);
}

static void ids(void)
{
	pid_t me = getpid(), pid;
	int p[2];
	pid_t seen[2] = { 0, 0 };

	CHECK(me > 0);
	CHECK_EQ(syscall(SYS_gettid), me);
	CHECK_OK(pipe(p));
	pid = fork();
	if (pid == 0) {
		pid_t r[2] = { getpid(), getppid() };

		write(p[1], r, sizeof(r));
		_exit(0);
	}
	CHECK_EQ(read(p[0], seen, sizeof(seen)), sizeof(seen));
	CHECK_EQ(seen[0], pid);
	CHECK_EQ(seen[1], me);
	CHECK_EQ(t_wait(pid), 0);
	close(p[0]);
	close(p[1]);
}

/* In a child: the process-group and session checks; exit 0 if all hold. */
static int groups_in_child(void)
{
	pid_t me = getpid();

	if (getpgrp() != getpgid(0) || getsid(0) != getsid(me))
		return 1;
	if (setpgid(0, 0) != 0 || getpgid(0) != me || getpgrp() != me)
		return 2;
	if (setsid() != -1 || errno != EPERM)
		return 3;
	if (getpgid(0x7ffffff0) != -1 || errno != ESRCH)
		return 4;
	if (getsid(0x7ffffff0) != -1 || errno != ESRCH)
		return 5;
	if (setpgid(0x7ffffff0, 0) != -1 || errno != ESRCH)
		return 6;
	if (setpgid(0, -1) != -1 || errno != EINVAL)
		return 7;
	return 0;
}

/* In a grandchild that is no group leader: a new session. */
static int session_in_child(void)
{
	pid_t me = getpid();

	if (setsid() != me || getsid(0) != me || getpgrp() != me)
		return 1;
	if (setpgid(0, getppid()) != -1 || errno != EPERM)
		return 2;
	return 0;
}

static void process_groups_and_sessions(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(groups_in_child());
	CHECK_EQ(t_wait(pid), 0);
	pid = fork();
	if (pid == 0)
		_exit(session_in_child());
	CHECK_EQ(t_wait(pid), 0);
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	CHECK_OK(setpgid(pid, pid));
	CHECK_EQ(getpgid(pid), pid);
	kill(pid, SIGKILL);
	t_wait(pid);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "exit") == 0)
		return atoi(argv[2]);
	if (argc == 3 && strcmp(argv[1], "report-pid") == 0) {
		pid_t me = getpid();

		return write(atoi(argv[2]), &me, sizeof(me)) == sizeof(me) ? 0
									   : 1;
	}
	t_begin(argv[0], 60);
	RUN(exit_status_encoding);
	RUN(execve_runs_a_program);
	RUN(execve_errors);
	RUN(wait_variants);
	RUN(zombie_until_reaped);
	RUN(orphan_goes_to_init);
	RUN(vfork_and_clone);
	RUN(ids);
	RUN(process_groups_and_sessions);
	return t_end();
}
