/*
 * jobs: the commands started with &. The shell remembers each one's
 * process id and text, collects the finished ones before each prompt
 * (printing "[n] Done  text" when interactive), and the wait builtin
 * waits for them. The shell waits for a foreground command by its own
 * process id, so it never collects a background one by accident.
 */
#include "sh.h"
#include "ulib.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define MAX_JOBS 64

struct bgjob {
	pid_t pid; /* 0: free slot */
	char *text;
};

static struct bgjob table[MAX_JOBS];

void jobs_add(pid_t pid, const char *text)
{
	for (int i = 0; i < MAX_JOBS; i++) {
		if (table[i].pid == 0) {
			table[i].pid = pid;
			table[i].text = xstrdup(text);
			if (shell.interactive)
				fprintf(stderr, "[%d] %d\n", i + 1, pid);
			return;
		}
	}
	/* A full table: the job runs, and is collected as an orphan. */
}

static void job_done(int i, int status, bool report)
{
	if (report) {
		if (WIFSIGNALED(status))
			fprintf(stderr, "[%d] Killed (signal %d)  %s\n", i + 1,
				WTERMSIG(status), table[i].text);
		else
			fprintf(stderr, "[%d] Done (%d)  %s\n", i + 1,
				WEXITSTATUS(status), table[i].text);
	}
	free(table[i].text);
	table[i].pid = 0;
}

static int slot_of(pid_t pid)
{
	for (int i = 0; i < MAX_JOBS; i++)
		if (table[i].pid == pid)
			return i;
	return -1;
}

void jobs_reap(bool report)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		int i = slot_of(pid);

		if (i >= 0)
			job_done(i, status, report);
	}
}

static int exit_code(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Waits for job PID, or for every job if PID is 0; returns the exit status
 * of the last one waited for (127 if PID is no child of ours). */
int jobs_wait(pid_t pid)
{
	int status, code = 0;

	for (int i = 0; i < MAX_JOBS; i++) {
		if (table[i].pid == 0 || (pid && table[i].pid != pid))
			continue;
		pid_t r;

		while ((r = waitpid(table[i].pid, &status, 0)) < 0 &&
		       errno == EINTR && !interrupted)
			;
		if (r < 0 && errno == EINTR)
			return 130; /* ^C ends wait, not the jobs */
		code = r < 0 ? 127 : exit_code(status);
		job_done(i, status, false);
		if (pid)
			return code;
	}
	if (pid) {
		fprintf(stderr, "sh: wait: %d: no such job\n", pid);
		return 127;
	}
	return code;
}
