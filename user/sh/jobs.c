/*
 * jobs: the shell's children that it does not simply wait for: commands
 * started with &, and, with job control, foreground jobs stopped by ^Z.
 *
 * Job control (an interactive shell on a terminal, set -m): each
 * pipeline is a process group of its own, its first process the leader.
 * The shell hands the terminal to a foreground job's group (tcsetpgrp),
 * so ^C and ^Z reach that job and not the shell, and takes it back when
 * the job ends or stops. A stopped job waits in the table; fg gives it
 * the terminal again and sends SIGCONT, bg sends SIGCONT only. Kestrel's
 * terminal sends no SIGTTIN or SIGTTOU, so a job in the background that
 * reads the terminal competes with the shell for the input (docs/tty.md).
 *
 * Without job control (scripts, sh -c) children stay in the shell's
 * group, and a job is only a pid to wait for. A finished job stays in the
 * table until it is reported (interactive, before the next prompt) or
 * waited for (wait PID), so that wait $! still finds its status.
 */
#include "sh.h"
#include "ulib.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define MAX_JOBS 64
#define MAX_PROCS 64

struct job {
	pid_t pgid;            /* 0: a free slot; the group, or the pid */
	pid_t pids[MAX_PROCS]; /* processes not yet collected */
	int npids;
	pid_t last; /* whose status is the job's */
	int status; /* the job's exit code, once known */
	bool stopped;
	char *text;
};

static struct job table[MAX_JOBS];
static int current = -1; /* the job fg and bg take by default */
static int tty = -1;     /* the terminal, under job control */

static int exit_code(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

void jobs_init(void)
{
	if (!shell.interactive)
		return;
	tty = fcntl(0, F_DUPFD_CLOEXEC, 10);
	if (tty < 0 || !isatty(tty))
		return;
	shell.pgid = getpid();
	if (getpgrp() != shell.pgid)
		setpgid(0, 0);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	if (tcsetpgrp(tty, shell.pgid) < 0)
		return;
	shell.job_control = true;
}

void jobs_child_setup(pid_t pgid, bool foreground)
{
	setpgid(0, pgid);
	if (foreground)
		tcsetpgrp(tty, getpgrp());
	signal(SIGTSTP, SIG_DFL);
	signal(SIGTTIN, SIG_DFL);
	signal(SIGTTOU, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
}

/* Removes PID from J's processes; the job's status if it was the last. */
static void collected(struct job *j, pid_t pid, int status)
{
	for (int i = 0; i < j->npids; i++) {
		if (j->pids[i] != pid)
			continue;
		j->pids[i] = j->pids[--j->npids];
		if (pid == j->last)
			j->status = exit_code(status);
		return;
	}
}

/* Waits until job J ends or stops; true if it stopped. INTERRUPTIBLE
 * (the wait builtin): ^C ends the wait, not the job. */
static bool wait_job(struct job *j, bool interruptible)
{
	while (j->npids > 0) {
		int st;
		pid_t r = waitpid(j->pids[0], &st,
				  shell.job_control ? WUNTRACED : 0);

		if (r < 0 && errno == EINTR) {
			if (interruptible && interrupted)
				return false;
			continue;
		}
		if (r < 0) {
			j->npids--; /* collected elsewhere: gone */
			j->pids[0] = j->pids[j->npids];
			continue;
		}
		if (WIFSTOPPED(st)) {
			j->stopped = true;
			return true;
		}
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGINT && r == j->last)
			fputc('\n', stderr);
		collected(j, r, st);
	}
	return false;
}

static int add(const struct job *j)
{
	for (int i = 0; i < MAX_JOBS; i++) {
		if (table[i].pgid == 0) {
			table[i] = *j;
			table[i].text = xstrdup(j->text);
			current = i;
			return i;
		}
	}
	return -1; /* a full table: the job runs on, as an orphan */
}

static void drop(int i)
{
	free(table[i].text);
	table[i].pgid = 0;
	if (current == i)
		current = -1;
}

/* Gives the terminal back to the shell after a foreground job. */
static void take_terminal(void)
{
	if (shell.job_control)
		tcsetpgrp(tty, shell.pgid);
}

static int foreground(struct job *j, int slot)
{
	if (shell.job_control)
		tcsetpgrp(tty, j->pgid);
	bool stopped = wait_job(j, false);
	int status = j->status;

	take_terminal();
	if (!stopped) {
		if (slot >= 0)
			drop(slot);
		return status;
	}
	if (slot < 0)
		slot = add(j);
	else
		current = slot;
	if (slot >= 0)
		fprintf(stderr, "\n[%d] Stopped  %s\n", slot + 1, j->text);
	return 128 + SIGTSTP;
}

int jobs_foreground(pid_t *pids, int n, pid_t pgid, const char *text)
{
	struct job j = { .pgid = pgid ? pgid : pids[0],
			 .npids = n,
			 .last = pids[n - 1],
			 .text = (char *)text };

	memcpy(j.pids, pids, n * sizeof(pid_t));
	return foreground(&j, -1);
}

void jobs_add(pid_t pid, pid_t pgid, const char *text)
{
	struct job j = { .pgid = pgid ? pgid : pid,
			 .npids = 1,
			 .pids = { pid },
			 .last = pid,
			 .text = (char *)text };
	int i = add(&j);

	if (i >= 0 && shell.interactive)
		fprintf(stderr, "[%d] %d\n", i + 1, pid);
}

static const char *state(const struct job *j)
{
	return j->npids == 0 ? "Done" : j->stopped ? "Stopped" : "Running";
}

void jobs_reap(bool report)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status,
			      WNOHANG | (shell.job_control ? WUNTRACED : 0))) >
	       0) {
		for (int i = 0; i < MAX_JOBS; i++) {
			if (!table[i].pgid)
				continue;
			if (WIFSTOPPED(status)) {
				for (int k = 0; k < table[i].npids; k++)
					if (table[i].pids[k] == pid)
						table[i].stopped = true;
				continue;
			}
			collected(&table[i], pid, status);
		}
	}
	for (int i = 0; report && i < MAX_JOBS; i++) {
		if (!table[i].pgid || table[i].npids > 0)
			continue;
		fprintf(stderr, "[%d] Done (%d)  %s\n", i + 1, table[i].status,
			table[i].text);
		drop(i);
	}
}

/* The job ARG names: %N, a pid, or (ARG NULL) the current job. */
static int find(const char *arg, const char *who)
{
	int i = -1;

	if (!arg) {
		i = current;
		for (int k = MAX_JOBS - 1; i < 0 && k >= 0; k--)
			if (table[k].pgid)
				i = k;
	} else if (arg[0] == '%') {
		i = atoi(arg + 1) - 1;
	} else {
		pid_t pid = atoi(arg);

		for (int k = 0; k < MAX_JOBS; k++)
			for (int p = 0; p < table[k].npids; p++)
				if (table[k].pids[p] == pid ||
				    table[k].last == pid)
					i = k;
	}
	if (i < 0 || i >= MAX_JOBS || !table[i].pgid) {
		fprintf(stderr, "sh: %s: %s: no such job\n", who,
			arg ? arg : "current");
		return -1;
	}
	return i;
}

/* Waits for job PID, or for every job if PID is 0; returns the exit status
 * of the last one waited for (127 if PID is no child of ours). */
int jobs_wait(pid_t pid)
{
	char arg[24];
	int code = 0;

	for (int i = 0; !pid && i < MAX_JOBS; i++) {
		if (!table[i].pgid || table[i].stopped)
			continue;
		wait_job(&table[i], true);
		if (interrupted)
			return 130;
		code = table[i].status;
		drop(i);
	}
	if (!pid)
		return code;
	snprintf(arg, sizeof(arg), "%d", pid);
	int i = find(arg, "wait");
	if (i < 0)
		return 127;
	wait_job(&table[i], true);
	if (interrupted)
		return 130;
	code = table[i].status;
	drop(i);
	return code;
}

int jobs_list(char **argv)
{
	(void)argv;
	jobs_reap(false);
	for (int i = 0; i < MAX_JOBS; i++) {
		if (!table[i].pgid)
			continue;
		printf("[%d]%c %-8s %s\n", i + 1, i == current ? '+' : ' ',
		       state(&table[i]), table[i].text);
		if (!table[i].npids)
			drop(i);
	}
	return 0;
}

int jobs_fg(char **argv)
{
	int i = find(argv[1], "fg");

	if (i < 0)
		return 1;
	if (!shell.job_control) {
		fprintf(stderr, "sh: fg: no job control\n");
		return 1;
	}
	printf("%s\n", table[i].text);
	fflush(stdout);
	tcsetpgrp(tty, table[i].pgid);
	kill(-table[i].pgid, SIGCONT);
	table[i].stopped = false;
	return foreground(&table[i], i);
}

int jobs_bg(char **argv)
{
	int i = find(argv[1], "bg");

	if (i < 0)
		return 1;
	if (!shell.job_control) {
		fprintf(stderr, "sh: bg: no job control\n");
		return 1;
	}
	table[i].stopped = false;
	kill(-table[i].pgid, SIGCONT);
	printf("[%d] %s &\n", i + 1, table[i].text);
	return 0;
}
