/*
 * exec: runs jobs. A pipeline of N commands is N children joined by N-1
 * pipes; the shell waits for all of them and $? is the last one's status.
 * A lone builtin runs in the shell itself (cd must change the shell's own
 * directory), with its redirections undone afterwards. A job ending in &
 * runs in a child of its own that the shell does not wait for (jobs.c);
 * it ignores ^C and reads /dev/null, as POSIX asks of a shell without job
 * control. ^C in the foreground reaches the children, which die of it,
 * while the shell ignores it (main.c).
 */
#include "sh.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Applies one redirection; -1 with a message on failure. */
static int redirect(const struct redir *r)
{
	char *target = expand_one(r->target);
	int fd;

	if (!target)
		return -1;
	if (r->kind == REDIR_DUP) {
		char *end;

		if (strcmp(target, "-") == 0)
			return close(r->fd), 0;
		fd = (int)strtol(target, &end, 10);
		if (*end || end == target || dup2(fd, r->fd) < 0) {
			fprintf(stderr, "sh: %s: bad file descriptor\n",
				target);
			return -1;
		}
		return 0;
	}
	int flags = r->kind == REDIR_IN    ? O_RDONLY
		    : r->kind == REDIR_OUT ? O_WRONLY | O_CREAT | O_TRUNC
					   : O_WRONLY | O_CREAT | O_APPEND;
	fd = open(target, flags, 0666);
	if (fd < 0) {
		fprintf(stderr, "sh: %s: %s\n", target, strerror(errno));
		return -1;
	}
	if (fd != r->fd) {
		dup2(fd, r->fd);
		close(fd);
	}
	return 0;
}

static int redirect_all(const struct redir *r)
{
	for (; r; r = r->next)
		if (redirect(r) < 0)
			return -1;
	return 0;
}

static int exit_code(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Leading NAME=value words; returns how many. */
static int count_assignments(char **words, int n)
{
	int i = 0;

	while (i < n && var_assignment(words[i]))
		i++;
	return i;
}

/* Cuts assignment WORD into its name (WORD itself, from now on) and
 * returns its expanded value, or NULL. */
static char *split_assignment(char *word)
{
	size_t len = var_assignment(word);
	char *value = expand_one(word + len + 1);

	word[len] = '\0';
	return value;
}

/* A command made only of assignments sets shell variables. */
static int assign(struct command *c, int n)
{
	for (int i = 0; i < n; i++) {
		char *value = split_assignment(c->words[i]);

		if (!value)
			return 1;
		var_set(c->words[i], value);
	}
	return 0;
}

/* Runs builtin ARGV in the shell with C's redirections, then puts the
 * shell's own descriptors back. */
static int run_builtin_here(struct command *c, char **argv)
{
	int saved[10], status = 1;

	for (int fd = 0; fd < 10; fd++)
		saved[fd] = fcntl(fd, F_DUPFD_CLOEXEC, 10);
	if (redirect_all(c->redirs) == 0)
		builtin_run(argv, &status);
	for (int fd = 0; fd < 10; fd++) {
		if (saved[fd] >= 0) {
			dup2(saved[fd], fd);
			close(saved[fd]);
		} else {
			close(fd);
		}
	}
	return status;
}

/* Looks PROGRAM up in PATH and runs it; only returns by exiting. */
void exec_program(char **argv)
{
	const char *path = var_get("PATH");
	int err = ENOENT;

	if (strchr(argv[0], '/')) {
		execv(argv[0], argv);
		err = errno;
	} else {
		if (!path)
			path = "/bin";
		for (const char *p = path;; p++) {
			size_t len = strcspn(p, ":");
			char file[4096];

			snprintf(file, sizeof(file), "%.*s%s%s", (int)len, p,
				 len ? "/" : "", argv[0]);
			execv(file, argv);
			if (errno != ENOENT && errno != ENOTDIR)
				err = errno;
			p += len;
			if (!*p)
				break;
		}
	}
	if (err == ENOENT)
		fprintf(stderr, "sh: %s: command not found\n", argv[0]);
	else
		fprintf(stderr, "sh: %s: %s\n", argv[0], strerror(err));
	exit(err == ENOENT ? 127 : 126);
}

/* In the child: put in the command's environment, redirect, run. */
static void run_child(struct command *c, char **argv, int nassign)
{
	for (int i = 0; i < nassign; i++) {
		char *value = split_assignment(c->words[i]);

		if (value)
			setenv(c->words[i], value, 1);
	}
	if (redirect_all(c->redirs) < 0)
		exit(1);
	if (!argv[0])
		exit(0);
	int status;
	if (builtin_run(argv, &status))
		exit(status);
	exec_program(argv);
}

/* A child takes ^C and ^\ as a program does, unless it belongs to a
 * background job, which ignores them. */
static void child_signals(void)
{
	struct sigaction sa;

	sigaction(SIGINT, NULL, &sa);
	if (sa.sa_handler != SIG_IGN) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
	}
}

/* Forks the commands of P joined by pipes, waits for them all. */
static int run_pipeline(struct pipeline *p)
{
	struct command *c = p->commands;
	int argc, nassign = count_assignments(c->words, c->nwords);
	char **argv =
		expand_words(c->words + nassign, c->nwords - nassign, &argc);
	pid_t pids[64], last = -1;
	int n = 0, in = -1, status = 0;

	if (!c->next && argc == 0 && !c->redirs)
		return assign(c, nassign);
	if (!c->next && argc > 0 && builtin_is(argv[0]) && nassign == 0)
		return run_builtin_here(c, argv);
	for (; c; c = c->next) {
		int fds[2] = { -1, -1 };

		if (n > 0) {
			nassign = count_assignments(c->words, c->nwords);
			argv = expand_words(c->words + nassign,
					    c->nwords - nassign, &argc);
		}
		if (c->next && pipe(fds) < 0) {
			perror("sh: pipe");
			break;
		}
		fflush(NULL);
		last = fork();
		if (last == 0) {
			child_signals();
			if (in >= 0) {
				dup2(in, 0);
				close(in);
			}
			if (c->next) {
				dup2(fds[1], 1);
				close(fds[0]);
				close(fds[1]);
			}
			run_child(c, argv, nassign);
		}
		if (last < 0)
			perror("sh: fork");
		else if (n < 64)
			pids[n++] = last;
		if (in >= 0)
			close(in);
		in = fds[0];
		if (fds[1] >= 0)
			close(fds[1]);
	}
	if (in >= 0)
		close(in);
	for (int i = 0; i < n; i++) {
		int st;

		while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR)
			;
		if (pids[i] == last)
			status = exit_code(st);
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGINT &&
		    pids[i] == last)
			fputc('\n', stderr);
	}
	return last < 0 ? 1 : status;
}

/* Runs the pipelines of a job, each according to the last one's status
 * and the && or || before it. */
static int run_and_or(struct pipeline *p)
{
	int status = run_pipeline(p);

	for (; p->next; p = p->next) {
		shell.status = status;
		if ((p->connector == TOK_AND) == (status == 0))
			status = run_pipeline(p->next);
	}
	return status;
}

/* The words of a job, for the jobs table. */
static char *job_text(struct job *j)
{
	static char text[128];
	size_t len = 0;

	text[0] = '\0';
	for (struct pipeline *p = j->pipelines; p; p = p->next)
		for (struct command *c = p->commands; c; c = c->next)
			for (int i = 0; i < c->nwords; i++)
				len += snprintf(text + len,
						len < sizeof(text)
							? sizeof(text) - len
							: 0,
						"%s%s", len ? " " : "",
						c->words[i]);
	return text;
}

static void run_background(struct job *j)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("sh: fork");
		shell.status = 1;
		return;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		if (null >= 0) {
			dup2(null, 0);
			close(null);
		}
		shell.interactive = false;
		exit(run_and_or(j->pipelines));
	}
	shell.last_background = pid;
	jobs_add(pid, job_text(j));
	shell.status = 0;
}

void exec_jobs(struct job *jobs)
{
	for (struct job *j = jobs; j; j = j->next) {
		if (j->background)
			run_background(j);
		else
			shell.status = run_and_or(j->pipelines);
	}
}
