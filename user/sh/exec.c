/*
 * exec: runs the tree parse.c built. exec_list() runs a list's nodes in
 * turn; exec_node() an and-or list or a pipeline; exec_command() one
 * command of a pipeline, simple or compound.
 *
 * What runs where:
 * - A pipeline of N commands is N children joined by N-1 pipes; the
 *   shell waits for all of them (jobs.c) and $? is the last one's status.
 * - A lone simple command that names a program runs in a child; one that
 *   names a builtin or a function runs in the shell itself (cd must
 *   change the shell's own directory), its redirections undone after.
 * - Compound commands ({ }, if, while, for, case) run in the shell;
 *   ( ) runs in a child, so nothing it changes reaches the shell.
 * - A list node ending in & runs in a child the shell does not wait for.
 *
 * break, continue and return unwind by flags in struct shell: exec_list
 * stops at the first command that sets one, and each loop or function
 * call takes what is meant for it. set -e ends the shell when a pipeline
 * fails outside a condition (shell.condition counts the ifs, whiles and
 * && || left sides we are inside).
 */
#include "sh.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_PIPELINE 64
#define SAVED_FDS 10

static int exec_node(struct node *n);
static int exec_command(struct node *c, bool in_child);

void sh_exit(int status)
{
	trap_run_exit();
	fflush(NULL);
	exit(status & 0xff);
}

/* Gives a here-document's text to descriptor FD through a pipe; a
 * writer child when the text may not fit in the pipe at once. */
static int heredoc(const struct redir *r)
{
	const char *body = r->quoted ? r->target : expand_heredoc(r->target);
	size_t len = strlen(body);
	int fds[2];

	if (pipe(fds) < 0) {
		perror("sh: pipe");
		return -1;
	}
	if (len <= 4096) {
		if (write(fds[1], body, len) < 0)
			perror("sh: here-document");
	} else {
		fflush(NULL);
		if (fork() == 0) {
			close(fds[0]);
			exit(write(fds[1], body, len) < 0);
		}
	}
	close(fds[1]);
	if (fds[0] != r->fd) {
		dup2(fds[0], r->fd);
		close(fds[0]);
	}
	return 0;
}

/* Applies one redirection; -1 with a message on failure. */
static int redirect(const struct redir *r)
{
	char *target, *end;
	int fd;

	if (r->kind == REDIR_HEREDOC)
		return heredoc(r);
	target = expand_string(r->target);
	if (r->kind == REDIR_DUP) {
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

/* Copies of descriptors 0..9, to put back after a command that ran in
 * the shell with redirections. */
struct saved_fds {
	int fd[SAVED_FDS];
};

static void save_fds(struct saved_fds *s)
{
	fflush(NULL);
	for (int fd = 0; fd < SAVED_FDS; fd++)
		s->fd[fd] = fcntl(fd, F_DUPFD_CLOEXEC, SAVED_FDS);
}

static void restore_fds(struct saved_fds *s)
{
	fflush(NULL);
	for (int fd = 0; fd < SAVED_FDS; fd++) {
		if (s->fd[fd] >= 0) {
			dup2(s->fd[fd], fd);
			close(s->fd[fd]);
		} else {
			close(fd);
		}
	}
}

/* Leading NAME=value words; returns how many. */
static int count_assignments(char **words, int n)
{
	int i = 0;

	while (i < n && var_assignment(words[i]))
		i++;
	return i;
}

/* A command's leading NAME=value words, expanded once. */
struct assignment {
	char *name;
	char *value;
};

static struct assignment *expand_assignments(char **words, int n)
{
	struct assignment *a = arena_alloc((n + 1) * sizeof(*a));

	for (int i = 0; i < n; i++) {
		size_t len = var_assignment(words[i]);

		a[i].name = arena_strndup(words[i], len);
		a[i].value = expand_string(words[i] + len + 1);
	}
	return a;
}

/* Prints what set -x shows: + and the command as it will run. */
static void trace(struct assignment *a, int nassign, char **argv)
{
	fputs("+", stderr);
	for (int i = 0; i < nassign; i++)
		fprintf(stderr, " %s=%s", a[i].name, a[i].value);
	for (; *argv; argv++)
		fprintf(stderr, " %s", *argv);
	fputc('\n', stderr);
}

/* Looks PROGRAM up in PATH and runs it; only returns by exiting. */
void exec_program(char **argv)
{
	const char *path = var_get("PATH");
	int err = ENOENT;

	fflush(NULL);
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

/* In a child that is to run a program: signals back to their defaults,
 * unless a background job without job control ignores them. */
static void child_signals(void)
{
	struct sigaction sa;

	trap_reset_in_child();
	sigaction(SIGINT, NULL, &sa);
	if (sa.sa_handler != SIG_IGN) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
	}
}

/* Appends the text of N (roughly as written) to TEXT, of SIZE bytes. */
static void append_text(char *text, size_t size, struct node *n)
{
	static const char *const compound[] = {
		[NODE_IF] = "if ...",        [NODE_WHILE] = "while ...",
		[NODE_UNTIL] = "until ...",  [NODE_FOR] = "for ...",
		[NODE_CASE] = "case ...",    [NODE_BRACE] = "{ ... }",
		[NODE_SUBSHELL] = "( ... )", [NODE_FUNCTION] = "function",
	};
	size_t len = strlen(text);

	switch (n->kind) {
	case NODE_SIMPLE:
		for (int i = 0; i < n->nwords && len + 1 < size; i++)
			len += snprintf(text + len, size - len, "%s%s",
					i ? " " : "", n->words[i]);
		break;
	case NODE_PIPELINE:
		for (struct node *c = n->commands; c; c = c->next) {
			append_text(text, size, c);
			if (c->next)
				strncat(text, " | ", size - strlen(text) - 1);
		}
		break;
	case NODE_AND:
	case NODE_OR:
		append_text(text, size, n->left);
		strncat(text, n->kind == NODE_AND ? " && " : " || ",
			size - strlen(text) - 1);
		append_text(text, size, n->right);
		break;
	default:
		strncat(text, compound[n->kind], size - len - 1);
	}
}

/* The text of N for the jobs table, in the arena. */
static const char *command_text(struct node *n)
{
	char *text = arena_alloc(128);

	append_text(text, 128, n);
	return text;
}

/* Forks a child for a foreground job of the shell's; the parent puts it
 * in process group *PGID (the first child's) under job control. */
static pid_t fork_child(pid_t *pgid)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("sh: fork");
		return pid;
	}
	if (pid == 0) {
		if (shell.job_control)
			jobs_child_setup(*pgid, true);
		shell.job_control = shell.interactive = false;
		shell.forked = true;
		child_signals();
		return 0;
	}
	if (shell.job_control) {
		if (!*pgid)
			*pgid = pid;
		setpgid(pid, *pgid);
	}
	return pid;
}

/* In the child: put in the command's environment, redirect, run. */
static void run_program(struct node *c, char **argv, struct assignment *a,
			int nassign)
{
	for (int i = 0; i < nassign; i++)
		setenv(a[i].name, a[i].value, 1);
	if (redirect_all(c->redirs) < 0)
		exit(1);
	exec_program(argv);
}

static int call_function(struct node *body, char **argv, int argc)
{
	int saved_argc = shell.argc, status;
	char **saved_argv = shell.argv;

	argv[0] = shell.argv[0];
	shell.argc = argc;
	shell.argv = argv;
	shell.functions++;
	status = exec_command(body, false);
	shell.returning = false;
	shell.functions--;
	shell.argc = saved_argc;
	shell.argv = saved_argv;
	return status;
}

/* A builtin or function in the shell: assignments before it last only
 * while it runs, unless it is a special builtin; exec's redirections
 * stay. */
static int run_here(struct node *c, char **argv, int argc, struct assignment *a,
		    int nassign, struct node *function)
{
	bool special = !function && builtin_is_special(argv[0]);
	char **old = arena_alloc((nassign + 1) * sizeof(char *));
	struct saved_fds saved;
	int status = 1;

	for (int i = 0; i < nassign; i++) {
		old[i] = (char *)var_get(a[i].name);
		if (old[i])
			old[i] = arena_strndup(old[i], strlen(old[i]));
		var_set(a[i].name, a[i].value);
	}
	if (strcmp(argv[0], "exec") == 0) {
		if (redirect_all(c->redirs) < 0)
			return 1;
		if (argc > 1) {
			for (int i = 0; i < nassign; i++)
				var_export(a[i].name, NULL);
			exec_program(argv + 1);
		}
		return 0;
	}
	save_fds(&saved);
	if (redirect_all(c->redirs) == 0) {
		if (function)
			status = call_function(function, argv, argc);
		else
			builtin_run(argv, &status);
	}
	restore_fds(&saved);
	for (int i = 0; i < nassign && !special; i++) {
		if (old[i])
			var_set(a[i].name, old[i]);
		else
			var_unset(a[i].name);
	}
	return status;
}

static int exec_simple(struct node *c, bool in_child)
{
	int argc, nassign = count_assignments(c->words, c->nwords);
	char **argv;
	struct assignment *a;
	struct node *function;
	pid_t pid, pgid = 0;

	shell.subst_status = 0;
	a = expand_assignments(c->words, nassign);
	argv = expand_words(c->words + nassign, c->nwords - nassign, &argc);
	if (shell.xtrace)
		trace(a, nassign, argv);
	if (argc == 0) {
		struct saved_fds saved;
		int status = shell.subst_status;

		for (int i = 0; i < nassign; i++)
			var_set(a[i].name, a[i].value);
		if (c->redirs) {
			save_fds(&saved);
			if (redirect_all(c->redirs) < 0)
				status = 1;
			restore_fds(&saved);
		}
		return nassign ? shell.subst_status : status;
	}
	function = var_function(argv[0]);
	if (function || builtin_is(argv[0]))
		return run_here(c, argv, argc, a, nassign, function);
	if (in_child)
		run_program(c, argv, a, nassign);
	pid = fork_child(&pgid);
	if (pid == 0)
		run_program(c, argv, a, nassign);
	if (pid < 0)
		return 1;
	return jobs_foreground(&pid, 1, pgid, command_text(c));
}

/* Runs a loop: while, until (until a status 0), or for over WORDS. */
static int exec_loop(struct node *n)
{
	int status = 0, argc = 0, i = 0;
	char **words = NULL;

	if (n->kind == NODE_FOR) {
		if (n->has_in) {
			words = expand_words(n->words, n->nwords, &argc);
		} else {
			words = shell.argv + 1;
			argc = shell.argc - 1;
		}
	}
	shell.loops++;
	for (;;) {
		if (n->kind == NODE_FOR) {
			if (i == argc)
				break;
			var_set(n->name, words[i++]);
		} else {
			shell.condition++;
			int c = exec_list(n->cond);
			shell.condition--;
			if (shell.breaking || shell.continuing ||
			    shell.returning)
				goto unwind;
			if ((c == 0) != (n->kind == NODE_WHILE))
				break;
		}
		status = exec_list(n->body);
unwind:
		if (shell.breaking) {
			shell.breaking--;
			break;
		}
		if (shell.continuing && --shell.continuing > 0)
			break;
		if (shell.returning)
			break;
	}
	shell.loops--;
	return status;
}

static int exec_case(struct node *n)
{
	const char *subject = expand_string(n->words[0]);

	for (struct case_item *item = n->items; item; item = item->next)
		for (int i = 0; i < item->npatterns; i++)
			if (fnmatch(expand_pattern(item->patterns[i]), subject,
				    0) == 0)
				return exec_list(item->body);
	return 0;
}

static int exec_if(struct node *n)
{
	int c;

	shell.condition++;
	c = exec_list(n->cond);
	shell.condition--;
	if (shell.breaking || shell.continuing || shell.returning)
		return c;
	if (c == 0)
		return exec_list(n->body);
	return n->orelse ? exec_list(n->orelse) : 0;
}

/* ( list ): in a child of its own, unless already in one. */
static int exec_subshell(struct node *n, bool in_child)
{
	pid_t pid, pgid = 0;

	if (in_child)
		sh_exit(exec_list(n->body));
	pid = fork_child(&pgid);
	if (pid == 0)
		sh_exit(exec_list(n->body));
	if (pid < 0)
		return 1;
	return jobs_foreground(&pid, 1, pgid, "( ... )");
}

/* A compound command's own work, its redirections already in place. */
static int exec_compound(struct node *c, bool in_child)
{
	switch (c->kind) {
	case NODE_IF:
		return exec_if(c);
	case NODE_WHILE:
	case NODE_UNTIL:
	case NODE_FOR:
		return exec_loop(c);
	case NODE_CASE:
		return exec_case(c);
	case NODE_BRACE:
		return exec_list(c->body);
	case NODE_SUBSHELL:
		return exec_subshell(c, in_child);
	case NODE_FUNCTION:
		var_set_function(c->name, c->body);
		arena_keep();
		return 0;
	default:
		return exec_node(c);
	}
}

/* One command of a pipeline. IN_CHILD: we are its own child already. */
static int exec_command(struct node *c, bool in_child)
{
	struct arena_mark mark = arena_mark();
	struct saved_fds saved;
	int status = 1;

	if (c->kind == NODE_SIMPLE) {
		status = exec_simple(c, in_child);
	} else if (in_child || !c->redirs) {
		if (redirect_all(c->redirs) == 0)
			status = exec_compound(c, in_child);
	} else {
		save_fds(&saved);
		if (redirect_all(c->redirs) == 0)
			status = exec_compound(c, in_child);
		restore_fds(&saved);
	}
	arena_release(mark);
	return status;
}

/* Forks the commands of pipeline PL joined by pipes, waits for them. */
static int exec_pipe(struct node *pl)
{
	pid_t pids[MAX_PIPELINE], pgid = 0;
	int n = 0, in = -1;

	for (struct node *c = pl->commands; c && n < MAX_PIPELINE;
	     c = c->next) {
		int fds[2] = { -1, -1 };
		pid_t pid;

		if (c->next && pipe(fds) < 0) {
			perror("sh: pipe");
			break;
		}
		pid = fork_child(&pgid);
		if (pid == 0) {
			if (in >= 0) {
				dup2(in, 0);
				close(in);
			}
			if (c->next) {
				dup2(fds[1], 1);
				close(fds[0]);
				close(fds[1]);
			}
			sh_exit(exec_command(c, true));
		}
		if (pid > 0)
			pids[n++] = pid;
		if (in >= 0)
			close(in);
		in = fds[0];
		if (fds[1] >= 0)
			close(fds[1]);
	}
	if (in >= 0)
		close(in);
	if (n == 0)
		return 1;
	return jobs_foreground(pids, n, pgid, command_text(pl));
}

static int exec_pipeline(struct node *pl)
{
	int status;

	if (pl->bang)
		shell.condition++;
	if (pl->commands->next)
		status = exec_pipe(pl);
	else
		status = exec_command(pl->commands, false);
	if (pl->bang) {
		shell.condition--;
		status = !status;
	} else if (status && shell.errexit && !shell.condition &&
		   !shell.breaking && !shell.continuing && !shell.returning) {
		sh_exit(status);
	}
	shell.status = status;
	return status;
}

/* An and-or list, a pipeline, or (as an if's elif part) a command. */
static int exec_node(struct node *n)
{
	int status;

	switch (n->kind) {
	case NODE_AND:
	case NODE_OR:
		shell.condition++;
		status = exec_node(n->left);
		shell.condition--;
		shell.status = status;
		if (shell.breaking || shell.continuing || shell.returning)
			return status;
		if ((n->kind == NODE_AND) == (status == 0))
			status = exec_node(n->right);
		return status;
	case NODE_PIPELINE:
		return exec_pipeline(n);
	default:
		return exec_command(n, false);
	}
}

/* N & : in a child the shell does not wait for. */
static int exec_background(struct node *n)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("sh: fork");
		return 1;
	}
	if (pid == 0) {
		if (shell.job_control) {
			jobs_child_setup(0, false);
		} else {
			int null = open("/dev/null", O_RDONLY);

			signal(SIGINT, SIG_IGN);
			signal(SIGQUIT, SIG_IGN);
			if (null >= 0) {
				dup2(null, 0);
				close(null);
			}
		}
		shell.job_control = shell.interactive = false;
		shell.forked = true;
		trap_reset_in_child();
		sh_exit(exec_node(n));
	}
	if (shell.job_control)
		setpgid(pid, pid);
	shell.last_background = pid;
	jobs_add(pid, shell.job_control ? pid : 0, command_text(n));
	return 0;
}

int exec_list(struct node *list)
{
	int status = 0;

	for (struct node *n = list; n; n = n->next) {
		status = n->background ? exec_background(n) : exec_node(n);
		shell.status = status;
		trap_run_pending();
		if (shell.breaking || shell.continuing || shell.returning)
			break;
	}
	return status;
}

int exec_text(const char *text)
{
	struct token *tokens;
	struct node *list;
	enum sh_result r = lex(text, &tokens);

	if (r == SH_OK)
		r = parse(tokens, &list);
	if (r == SH_MORE)
		fprintf(stderr, "sh: unexpected end of input\n");
	if (r != SH_OK)
		return 2;
	return exec_list(list);
}
