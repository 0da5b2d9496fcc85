/*
 * run-all: runs every user test program, one after another, and reports
 * "run-all: N passed, M failed", counting programs. Usage:
 * run-all [-d DIR] [NAME...]. DIR is where the programs are (default
 * /tests, where the root image has them); with NAMEs only those run. A
 * program passes when it exits 0; a program that is missing, is killed,
 * or exits otherwise fails. Each program prints its own checks. The list
 * below is the whole suite in a fixed order, so a missing program is never
 * skipped silently. docs/usertests.md says what each one checks.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const all_tests[] = {
	"t_files",     "t_dirs",  "t_fd",     "t_pipe",    "t_fifo",
	"t_poll",      "t_proc",  "t_cow",    "t_mmap",    "t_stack",
	"t_signal",    "t_time",  "t_misc",   "t_proc_fs", "t_efault",
	"t_forkbomb",  "t_oom",   "t_dev",    "t_tty",     "t_fuzz",
	"t_stress",    "t_ring",  "t_sched",  "t_uthread", "t_thread",
	"t_futex",     "t_tcp",   "t_malloc", "t_trace",   "t_ptrace",
	"t_unix",      "t_perm",  "t_lock",   "t_tmpfs",   "t_sysvipc",
	"t_pagecache", "t_rtsig", "t_ptimer", "t_fdsig",   "t_clonefs",
	"t_ipcperm",
};

/* Run DIR/NAME; return 1 if it passed. */
static int run_one(const char *dir, const char *name)
{
	char path[256];
	int status;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("run-all: FAIL %s: fork: %s\n", name, strerror(errno));
		return 0;
	}
	if (pid == 0) {
		char *argv[] = { path, NULL };
		char *envp[] = { NULL };

		execve(path, argv, envp);
		printf("run-all: FAIL %s: execve: %s\n", name, strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid) {
		printf("run-all: FAIL %s: waitpid: %s\n", name,
		       strerror(errno));
		return 0;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("run-all: PASS %s\n", name);
		return 1;
	}
	if (WIFSIGNALED(status))
		printf("run-all: FAIL %s: killed by signal %d\n", name,
		       WTERMSIG(status));
	else
		printf("run-all: FAIL %s: exit status %d\n", name,
		       WEXITSTATUS(status));
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = "/tests";
	int passed = 0, failed = 0, i = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2 && strcmp(argv[1], "-d") == 0) {
		dir = argv[2];
		i = 3;
	}
	if (i < argc) {
		for (; i < argc; i++)
			run_one(dir, argv[i]) ? passed++ : failed++;
	} else {
		for (size_t j = 0; j < sizeof(all_tests) / sizeof(all_tests[0]);
		     j++)
			run_one(dir, all_tests[j]) ? passed++ : failed++;
	}
	printf("run-all: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
