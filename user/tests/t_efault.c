/*
 * t_efault: every call that takes a pointer, given a bad one, fails with
 * EFAULT and the caller lives on. Each call is made through the raw
 * system call (musl's wrappers would sometimes touch the pointer
 * themselves), once with an unmapped user address and once with a kernel
 * address, with the other arguments valid so that the pointer is the only
 * thing wrong.
 */
#include "t.h"
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#define E(...) CHECK_ERR(syscall(__VA_ARGS__), EFAULT)

static int file_fd, dir_fd, pipe_fd[2];

static void file_calls(void *bad)
{
	struct iovec iov = { bad, 4 };

	lseek(file_fd, 0, SEEK_SET);
	E(SYS_read, file_fd, bad, 4);
	E(SYS_write, file_fd, bad, 4);
	E(SYS_readv, file_fd, bad, 1);
	E(SYS_writev, file_fd, bad, 1);
	lseek(file_fd, 0, SEEK_SET);
	E(SYS_readv, file_fd, &iov, 1);
	E(SYS_writev, file_fd, &iov, 1);
	E(SYS_preadv, file_fd, bad, 1, 0, 0);
	E(SYS_pwritev, file_fd, bad, 1, 0, 0);
	E(SYS_preadv, file_fd, &iov, 1, 0, 0);
	E(SYS_pwritev, file_fd, &iov, 1, 0, 0);
	E(SYS_pread64, file_fd, bad, 4, 0);
	E(SYS_pwrite64, file_fd, bad, 4, 0);
	E(SYS_open, bad, O_RDONLY);
	E(SYS_openat, AT_FDCWD, bad, O_RDONLY);
	E(SYS_stat, bad, &(struct stat){ 0 });
	E(SYS_stat, "f", bad);
	E(SYS_fstat, file_fd, bad);
	E(SYS_lstat, "f", bad);
	E(SYS_newfstatat, AT_FDCWD, "f", bad, 0);
	E(SYS_getdents64, dir_fd, bad, 4096);
	E(SYS_access, bad, F_OK);
	E(SYS_faccessat, AT_FDCWD, bad, F_OK);
	E(SYS_truncate, bad, 0);
	E(SYS_ioctl, pipe_fd[0], FIONREAD, bad);
}

static void name_calls(void *bad)
{
	char buf[16];

	E(SYS_mkdir, bad, 0755);
	E(SYS_mkdirat, AT_FDCWD, bad, 0755);
	E(SYS_rmdir, bad);
	E(SYS_unlink, bad);
	E(SYS_unlinkat, AT_FDCWD, bad, 0);
	E(SYS_rename, bad, "g");
	E(SYS_rename, "f", bad);
	E(SYS_renameat, AT_FDCWD, "f", AT_FDCWD, bad);
	E(SYS_link, "f", bad);
	E(SYS_linkat, AT_FDCWD, bad, AT_FDCWD, "g", 0);
	E(SYS_symlink, bad, "g");
	E(SYS_symlinkat, "f", AT_FDCWD, bad);
	E(SYS_readlink, "l", bad, 16);
	E(SYS_readlink, bad, buf, sizeof(buf));
	E(SYS_readlinkat, AT_FDCWD, "l", bad, 16);
	E(SYS_chdir, bad);
	E(SYS_getcwd, bad, 256);
	E(SYS_execve, bad, (char *[]){ NULL }, (char *[]){ NULL });
	E(SYS_execve, t_self, bad, (char *[]){ NULL });
}

static void process_calls(void *bad)
{
	pid_t pid;

	E(SYS_pipe, bad);
	E(SYS_pipe2, bad, 0);
	E(SYS_poll, bad, 1, 0);
	E(SYS_ppoll, bad, 1, &(struct timespec){ 0, 0 }, NULL, 8);
	E(SYS_select, 1, bad, NULL, NULL, &(struct timeval){ 0, 0 });
	pid = fork();
	if (pid == 0)
		_exit(0);
	E(SYS_wait4, pid, bad, 0, NULL);
	waitpid(pid, NULL, WNOHANG);
	pid = fork();
	if (pid == 0)
		_exit(0);
	E(SYS_waitid, P_PID, pid, bad, WEXITED, NULL);
	waitpid(pid, NULL, 0);
}

static void signal_and_misc_calls(void *bad)
{
	E(SYS_rt_sigaction, SIGUSR1, bad, NULL, 8);
	E(SYS_rt_sigaction, SIGUSR1, NULL, bad, 8);
	E(SYS_rt_sigprocmask, SIG_BLOCK, bad, NULL, 8);
	E(SYS_rt_sigprocmask, SIG_BLOCK, NULL, bad, 8);
	E(SYS_rt_sigpending, bad, 8);
	E(SYS_rt_sigsuspend, bad, 8);
	E(SYS_sigaltstack, bad, NULL);
	E(SYS_sigaltstack, NULL, bad);
	E(SYS_nanosleep, bad, NULL);
	E(SYS_clock_gettime, CLOCK_MONOTONIC, bad);
	E(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, bad, NULL);
	E(SYS_gettimeofday, bad, NULL);
	E(SYS_time, bad);
	E(SYS_uname, bad);
	E(SYS_getrandom, bad, 16, 0);
	E(SYS_getrlimit, RLIMIT_NOFILE, bad);
	E(SYS_setrlimit, RLIMIT_NOFILE, bad);
	E(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, bad);
	E(SYS_prlimit64, 0, RLIMIT_NOFILE, bad, NULL);
	E(SYS_sysinfo, bad);
	E(SYS_arch_prctl, 0x1003, bad);
}

static void unmapped_user_address(void)
{
	void *bad = (void *)0x10;

	file_calls(bad);
	name_calls(bad);
	process_calls(bad);
	signal_and_misc_calls(bad);
}

static void kernel_address(void)
{
	void *bad = (void *)0xffff888000000000UL;

	file_calls(bad);
	name_calls(bad);
	process_calls(bad);
	signal_and_misc_calls(bad);
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 60);
	file_fd = open("f", O_CREAT | O_RDWR, 0644);
	CHECK_EQ(write(file_fd, "data", 4), 4);
	CHECK_OK(symlink("f", "l"));
	dir_fd = open(".", O_RDONLY | O_DIRECTORY);
	CHECK_OK(pipe(pipe_fd));
	CHECK_EQ(write(pipe_fd[1], "x", 1), 1);
	RUN(unmapped_user_address);
	RUN(kernel_address);
	close(file_fd);
	close(dir_fd);
	close(pipe_fd[0]);
	close(pipe_fd[1]);
	CHECK_OK(unlink("l"));
	CHECK_OK(unlink("f"));
	return t_end();
}
