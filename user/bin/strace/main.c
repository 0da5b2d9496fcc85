/*
 * strace's options, and how tracing starts: either a new program (a
 * child that asks to be traced with PTRACE_TRACEME, stops itself with
 * SIGSTOP so that we can set the options, then execs) or a running
 * process (-p: PTRACE_ATTACH, which stops it with a SIGSTOP). trace.c
 * runs the loop; ^C, SIGTERM or SIGHUP make it detach every tracee and
 * leave it running. strace exits as its program did.
 */
#include "strace.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct options opt = { .strsize = 32 };

static void usage(void)
{
	fprintf(stderr,
		"usage: strace [-cfrtTvyZ] [-e EXPR] [-o FILE] [-s N] "
		"{-p PID | PROG [ARGS]}\n"
		"  -f, -ff   follow children (-ff -o F: one F.PID each)\n"
		"  -e trace=NAME,%%file,%%process,%%network,%%signal,"
		"%%memory\n"
		"  -e signal=SIG,...  -e status=failed (-Z)\n"
		"  -c summary  -s N string size  -t/-tt/-ttt -r -T times\n"
		"  -y paths of descriptors  -p PID attach\n"
		"  -v environments, stat and uname in full\n");
	exit(1);
}

static void on_interrupt(int sig)
{
	interrupted = sig;
}

/* The classes of -e trace=%NAME, as strace names them. */
static const struct {
	const char *name;
	int class;
} classes[] = {
	{ "%file", C_FILE },       { "file", C_FILE },
	{ "%process", C_PROCESS }, { "process", C_PROCESS },
	{ "%network", C_NETWORK }, { "%net", C_NETWORK },
	{ "network", C_NETWORK },  { "%signal", C_SIGNAL },
	{ "signal", C_SIGNAL },    { "%memory", C_MEMORY },
	{ "memory", C_MEMORY },    { "%desc", C_DESC },
	{ "desc", C_DESC },        { "%stat", C_STAT },
};

/* -e trace=LIST: names and classes, "all", "none", "!" negates. */
static void parse_trace(char *list)
{
	bool negate = list[0] == '!';
	bool set[NR_SYSCALL_TABLE] = { false };
	if (negate)
		list++;
	for (char *item = strtok(list, ","); item; item = strtok(NULL, ",")) {
		bool found = false;
		if (!strcmp(item, "all")) {
			for (int i = 0; i < NR_SYSCALL_TABLE; i++)
				set[i] = true;
			continue;
		}
		if (!strcmp(item, "none"))
			continue;
		for (size_t c = 0; c < sizeof(classes) / sizeof(classes[0]);
		     c++) {
			if (strcmp(item, classes[c].name))
				continue;
			for (int i = 0; i < NR_SYSCALL_TABLE; i++)
				if (syscall_table[i].class & classes[c].class)
					set[i] = true;
			found = true;
		}
		long nr = syscall_lookup(item);
		if (nr >= 0) {
			set[nr] = true;
			found = true;
		}
		if (!found) {
			fprintf(stderr, "strace: invalid system call '%s'\n",
				item);
			exit(1);
		}
	}
	for (int i = 0; i < NR_SYSCALL_TABLE; i++)
		opt.trace_set[i] = negate ? !set[i] : set[i];
}

/* -e signal=LIST */
static void parse_signals(char *list)
{
	bool negate = list[0] == '!';
	bool set[65] = { false };
	if (negate)
		list++;
	for (char *item = strtok(list, ","); item; item = strtok(NULL, ",")) {
		if (!strcmp(item, "all")) {
			for (int i = 1; i <= 64; i++)
				set[i] = true;
			continue;
		}
		if (!strcmp(item, "none"))
			continue;
		int sig = signal_lookup(item);
		if (sig <= 0) {
			fprintf(stderr, "strace: invalid signal '%s'\n", item);
			exit(1);
		}
		set[sig] = true;
	}
	for (int i = 1; i <= 64; i++)
		opt.signal_set[i] = negate ? !set[i] : set[i];
}

static void parse_expr(char *expr)
{
	char *eq = strchr(expr, '=');
	if (!eq) {
		parse_trace(expr);
		return;
	}
	*eq = '\0';
	char *value = eq + 1;
	if (!strcmp(expr, "trace") || !strcmp(expr, "t"))
		parse_trace(value);
	else if (!strcmp(expr, "signal") || !strcmp(expr, "signals"))
		parse_signals(value);
	else if (!strcmp(expr, "status") && !strcmp(value, "failed"))
		opt.failed_only = true;
	else {
		fprintf(stderr, "strace: invalid -e expression '%s=%s'\n", expr,
			value);
		exit(1);
	}
}

/* The file execv will run: PROG if it has a '/', else found in PATH. */
static const char *find_program(const char *prog, char *buf, size_t len)
{
	struct stat st;
	if (strchr(prog, '/'))
		return stat(prog, &st) == 0 ? prog : NULL;
	const char *path = getenv("PATH");
	if (!path)
		path = "/bin:/usr/bin";
	while (*path) {
		const char *end = strchr(path, ':');
		size_t n = end ? (size_t)(end - path) : strlen(path);
		snprintf(buf, len, "%.*s%s%s", (int)n, path, n ? "/" : "",
			 prog);
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(buf, X_OK) == 0)
			return buf;
		path += n;
		if (*path == ':')
			path++;
	}
	return NULL;
}

static void start_program(char **argv)
{
	char buf[4096];
	const char *path = find_program(argv[0], buf, sizeof(buf));
	if (!path) {
		fprintf(stderr, "strace: Can't stat '%s': %s\n", argv[0],
			strerror(errno ? errno : ENOENT));
		exit(1);
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("strace: fork");
		exit(1);
	}
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0) {
			perror("strace: PTRACE_TRACEME");
			_exit(1);
		}
		kill(getpid(), SIGSTOP);
		execv(path, argv);
		fprintf(stderr, "strace: exec %s: %s\n", path, strerror(errno));
		_exit(1);
	}
	child_pid = pid;
	tracee_add(pid, true);
}

static void attach(pid_t pid)
{
	if (ptrace(PTRACE_ATTACH, pid, 0, 0) < 0) {
		fprintf(stderr,
			"strace: attach: ptrace(PTRACE_ATTACH, %d): %s\n", pid,
			strerror(errno));
		exit(1);
	}
	tracee_add(pid, true);
	fprintf(stderr, "strace: Process %d attached\n", pid);
}

int main(int argc, char **argv)
{
	pid_t pids[16];
	int npids = 0;
	int c;
	for (int i = 0; i < NR_SYSCALL_TABLE; i++)
		opt.trace_set[i] = true;
	for (int i = 1; i <= 64; i++)
		opt.signal_set[i] = true;
	while ((c = getopt(argc, argv, "+ce:fho:p:rs:tTvyZ")) != -1) {
		switch (c) {
		case 'c':
			opt.count = 1;
			break;
		case 'e':
			parse_expr(optarg);
			break;
		case 'f':
			opt.follow++;
			break;
		case 'o':
			opt.outname = optarg;
			break;
		case 'p':
			if (npids == 16 || atoi(optarg) <= 0)
				usage();
			pids[npids++] = atoi(optarg);
			break;
		case 'r':
			opt.relative = true;
			break;
		case 's':
			opt.strsize = atoi(optarg);
			break;
		case 't':
			opt.timestamps++;
			break;
		case 'T':
			opt.syscall_time = true;
			break;
		case 'v':
			opt.verbose = true;
			break;
		case 'y':
			opt.paths = true;
			break;
		case 'Z':
			opt.failed_only = true;
			break;
		default:
			usage();
		}
	}
	if (opt.follow > 2)
		opt.follow = 2;
	if (opt.follow == 2 && !opt.outname)
		opt.follow = 1;
	if ((optind == argc) == (npids == 0))
		usage();

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);

	if (npids) {
		for (int i = 0; i < npids; i++)
			attach(pids[i]);
	} else {
		/* the tracee must not inherit the handlers above */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		start_program(argv + optind);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		sigaction(SIGQUIT, &sa, NULL);
	}
	trace_loop();
	if (interrupted) /* as Linux strace: 128 + the signal */
		return 128 + interrupted;
	if (!child_pid)
		return 0;
	if (WIFSIGNALED(child_status)) {
		int sig = WTERMSIG(child_status);
		signal(sig, SIG_DFL);
		/* no core file of our own */
		if (sig != SIGSEGV && sig != SIGABRT && sig != SIGBUS &&
		    sig != SIGILL && sig != SIGFPE && sig != SIGQUIT &&
		    sig != SIGSYS && sig != SIGTRAP)
			kill(getpid(), sig);
		return 128 + sig;
	}
	return WEXITSTATUS(child_status);
}
