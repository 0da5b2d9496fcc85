/*
 * kill [-SIGNAL] PID...: sends SIGNAL (a number or a name such as TERM,
 * KILL, INT; TERM if none) to each process. kill -l lists the names.
 */
#include "ulib.h"

#include <err.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *name;
	int number;
} signals[] = {
	{ "HUP", SIGHUP },   { "INT", SIGINT },   { "QUIT", SIGQUIT },
	{ "KILL", SIGKILL }, { "SEGV", SIGSEGV }, { "PIPE", SIGPIPE },
	{ "ALRM", SIGALRM }, { "TERM", SIGTERM }, { "USR1", SIGUSR1 },
	{ "USR2", SIGUSR2 }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT },
	{ "STOP", SIGSTOP }, { "TSTP", SIGTSTP },
};

#define NSIGNALS (sizeof(signals) / sizeof(signals[0]))

static int signal_number(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*end == '\0' && end != s && n >= 0 && n < 65)
		return (int)n;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < NSIGNALS; i++)
		if (strcasecmp(s, signals[i].name) == 0)
			return signals[i].number;
	errx(2, "%s: unknown signal", s);
}

int main(int argc, char **argv)
{
	int sig = SIGTERM, i = 1, status = 0;

	if (argc == 2 && strcmp(argv[1], "-l") == 0) {
		for (size_t j = 0; j < NSIGNALS; j++)
			printf("%d %s\n", signals[j].number, signals[j].name);
		return 0;
	}
	if (argc > 1 && argv[1][0] == '-' && argv[1][1]) {
		sig = signal_number(argv[1] + 1);
		i++;
	}
	if (i == argc)
		usage("[-SIGNAL] PID... | -l");
	for (; i < argc; i++) {
		char *end;
		long pid = strtol(argv[i], &end, 10);

		if (*end || end == argv[i]) {
			warnx("%s: not a process id", argv[i]);
			status = 1;
		} else if (kill((pid_t)pid, sig) < 0) {
			warn("%s", argv[i]);
			status = 1;
		}
	}
	return status;
}
