/*
 * trap: commands the shell runs when a signal arrives or when it exits.
 *
 *   trap 'commands' SIGNAL...   run commands when SIGNAL arrives
 *   trap '' SIGNAL...           ignore SIGNAL (and so do the commands
 *                               the shell starts)
 *   trap - SIGNAL...            back to the default
 *   trap                        list the traps set
 *
 * SIGNAL is EXIT (or 0), a name with or without SIG (INT, SIGTERM) or a
 * number. The handler only notes the signal; the commands run between
 * two commands of a list (trap_run_pending), never inside a handler. A
 * child that runs shell code (a subshell) starts with the traps that have
 * commands back at their defaults; ignored ones stay ignored.
 */
#include "sh.h"
#include "ulib.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NSIG_TRAP 32

static const char *const names[NSIG_TRAP] = {
	[0] = "EXIT",       [SIGHUP] = "HUP",   [SIGINT] = "INT",
	[SIGQUIT] = "QUIT", [SIGABRT] = "ABRT", [SIGKILL] = "KILL",
	[SIGUSR1] = "USR1", [SIGUSR2] = "USR2", [SIGPIPE] = "PIPE",
	[SIGALRM] = "ALRM", [SIGTERM] = "TERM", [SIGCHLD] = "CHLD",
	[SIGCONT] = "CONT", [SIGTSTP] = "TSTP", [SIGTTIN] = "TTIN",
	[SIGTTOU] = "TTOU",
};

static char *commands[NSIG_TRAP]; /* NULL: no trap; "": ignored */
static volatile sig_atomic_t pending[NSIG_TRAP];
static volatile sig_atomic_t any_pending;

static void on_signal(int sig)
{
	pending[sig] = 1;
	any_pending = 1;
}

static int signal_number(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (end != s && !*end)
		return n >= 0 && n < NSIG_TRAP ? (int)n : -1;
	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	for (int i = 0; i < NSIG_TRAP; i++)
		if (names[i] && strcmp(names[i], s) == 0)
			return i;
	return -1;
}

static void set_trap(int sig, const char *action)
{
	struct sigaction sa = { 0 };

	free(commands[sig]);
	commands[sig] = action ? xstrdup(action) : NULL;
	if (sig == 0)
		return;
	sigemptyset(&sa.sa_mask);
	if (!action)
		sa.sa_handler = SIG_DFL;
	else if (!*action)
		sa.sa_handler = SIG_IGN;
	else
		sa.sa_handler = on_signal;
	sigaction(sig, &sa, NULL);
}

int trap_builtin(char **argv)
{
	int status = 0, i = 1;
	const char *action;

	if (!argv[1]) {
		for (int sig = 0; sig < NSIG_TRAP; sig++)
			if (commands[sig])
				printf("trap -- '%s' %s\n", commands[sig],
				       names[sig] ? names[sig] : "?");
		return 0;
	}
	/* "trap N..." with a number first resets, as "trap - N...". */
	action = argv[1];
	if (signal_number(action) >= 0 && strcmp(action, "") != 0 && !argv[2]) {
		action = "-";
	} else {
		i = 2;
	}
	if (strcmp(action, "-") == 0)
		action = NULL;
	for (; argv[i]; i++) {
		int sig = signal_number(argv[i]);

		if (sig < 0 || sig == SIGKILL || sig == SIGSTOP) {
			fprintf(stderr, "sh: trap: %s: bad signal\n", argv[i]);
			status = 1;
			continue;
		}
		set_trap(sig, action);
	}
	return status;
}

void trap_run_pending(void)
{
	if (!any_pending)
		return;
	any_pending = 0;
	for (int sig = 1; sig < NSIG_TRAP; sig++) {
		if (!pending[sig])
			continue;
		pending[sig] = 0;
		if (commands[sig] && *commands[sig]) {
			int status = shell.status;

			exec_text(commands[sig]);
			shell.status = status;
		}
	}
}

void trap_run_exit(void)
{
	char *text = commands[0];

	if (!text)
		return;
	commands[0] = NULL; /* once, even if it calls exit */
	exec_text(text);
	free(text);
}

void trap_reset_in_child(void)
{
	for (int sig = 0; sig < NSIG_TRAP; sig++)
		if (commands[sig] && *commands[sig])
			set_trap(sig, NULL);
}
