/*
 * kprof: the kernel profiler's user end (docs/profiling.md). The kernel
 * samples each CPU on its timer tick while profiling is on and shows the
 * samples in /proc/profile as folded stacks, already named from its own
 * symbol table; kprof turns them into a report.
 *
 *   kprof start | stop | reset   profiling on, off; forget the samples
 *   kprof run CMD [ARG...]       reset, start, run CMD, stop, report
 *   kprof report [-n N]          the N functions (default 20) with the
 *                                most samples: "self", where the CPU
 *                                was, and "total", with their callees
 *   kprof folded                 one line per distinct stack,
 *                                "comm;outer;...;leaf COUNT", most
 *                                frequent first: flamegraph.pl's input
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROFILE "/proc/profile"

struct stack {
	char *text; /* "comm;outer;...;leaf" */
	unsigned long count;
};

struct func {
	char *name;
	unsigned long self, total;
	unsigned long seen; /* the stack that last counted it in total */
};

static struct stack *stacks;
static size_t nstacks;
static unsigned long nsamples;

static struct func *funcs; /* an open-addressing table of fcap slots */
static size_t nfuncs, fcap;

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fprintf(stderr, "kprof: out of memory\n");
		exit(1);
	}
	return p;
}

static int control(const char *cmd)
{
	int fd = open(PROFILE, O_WRONLY);
	size_t n = strlen(cmd);

	if (fd < 0 || write(fd, cmd, n) != (ssize_t)n) {
		fprintf(stderr, "kprof: %s to %s: %s\n", cmd, PROFILE,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int by_text(const void *a, const void *b)
{
	return strcmp(((const struct stack *)a)->text,
		      ((const struct stack *)b)->text);
}

static int by_count(const void *a, const void *b)
{
	const struct stack *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->text, y->text);
}

/* Read /proc/profile: the stacks, each once, with their counts summed
 * over CPUs and runs. */
static int load(void)
{
	FILE *f = fopen(PROFILE, "r");
	char *line = NULL;
	size_t cap = 0, cap_stacks = 0, out = 0;
	ssize_t len;

	if (!f) {
		fprintf(stderr, "kprof: %s: %s\n", PROFILE, strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		char *sp;

		if (line[0] == '#')
			continue;
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		sp = strrchr(line, ' ');
		if (!sp)
			continue;
		*sp = '\0';
		if (nstacks == cap_stacks) {
			cap_stacks = cap_stacks ? 2 * cap_stacks : 256;
			stacks = xrealloc(stacks, cap_stacks * sizeof(*stacks));
		}
		stacks[nstacks].text = strdup(line);
		stacks[nstacks].count = strtoul(sp + 1, NULL, 10);
		if (!stacks[nstacks].text)
			xrealloc(NULL, (size_t)-1);
		nsamples += stacks[nstacks].count;
		nstacks++;
	}
	free(line);
	fclose(f);
	if (!nstacks)
		return 0;
	qsort(stacks, nstacks, sizeof(*stacks), by_text);
	for (size_t i = 1; i < nstacks; i++) {
		if (strcmp(stacks[i].text, stacks[out].text) == 0) {
			stacks[out].count += stacks[i].count;
			free(stacks[i].text);
		} else {
			stacks[++out] = stacks[i];
		}
	}
	nstacks = out + 1;
	return 0;
}

static size_t hash(const char *s, size_t len)
{
	size_t h = 5381;

	while (len--)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static struct func *func_get(const char *name, size_t len)
{
	size_t i;

	if (2 * (nfuncs + 1) > fcap) { /* grow: keep it half empty */
		struct func *old = funcs;
		size_t old_cap = fcap;

		fcap = fcap ? 2 * fcap : 256;
		funcs = calloc(fcap, sizeof(*funcs));
		if (!funcs)
			xrealloc(NULL, (size_t)-1);
		for (size_t j = 0; j < old_cap; j++) {
			if (!old[j].name)
				continue;
			i = hash(old[j].name, strlen(old[j].name)) % fcap;
			while (funcs[i].name)
				i = (i + 1) % fcap;
			funcs[i] = old[j];
		}
		free(old);
	}
	for (i = hash(name, len) % fcap; funcs[i].name; i = (i + 1) % fcap)
		if (strlen(funcs[i].name) == len &&
		    memcmp(funcs[i].name, name, len) == 0)
			return &funcs[i];
	funcs[i].name = strndup(name, len);
	if (!funcs[i].name)
		xrealloc(NULL, (size_t)-1);
	nfuncs++;
	return &funcs[i];
}

static int by_self(const void *a, const void *b)
{
	const struct func *x = a, *y = b;

	if (x->self != y->self)
		return x->self < y->self ? 1 : -1;
	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return strcmp(x->name, y->name);
}

static void report(int top)
{
	size_t n = 0;

	for (size_t s = 0; s < nstacks; s++) {
		/* Frames after the comm; the last one is the leaf. */
		char *frame = strchr(stacks[s].text, ';');

		while (frame) {
			char *next = strchr(frame + 1, ';');
			size_t len = next ? (size_t)(next - frame - 1)
					  : strlen(frame + 1);
			struct func *f = func_get(frame + 1, len);

			if (f->seen != s + 1) { /* recursion counts once */
				f->seen = s + 1;
				f->total += stacks[s].count;
			}
			if (!next)
				f->self += stacks[s].count;
			frame = next;
		}
	}
	for (size_t i = 0; i < fcap; i++)
		if (funcs[i].name)
			funcs[n++] = funcs[i];
	qsort(funcs, n, sizeof(*funcs), by_self);
	printf("kprof: %lu samples\n", nsamples);
	printf("%7s %6s %7s %6s  %s\n", "self", "%", "total", "%", "function");
	for (size_t i = 0; i < n && (int)i < top; i++)
		printf("%7lu %5.1f%% %7lu %5.1f%%  %s\n", funcs[i].self,
		       100.0 * funcs[i].self / nsamples, funcs[i].total,
		       100.0 * funcs[i].total / nsamples, funcs[i].name);
}

static void folded(void)
{
	qsort(stacks, nstacks, sizeof(*stacks), by_count);
	for (size_t i = 0; i < nstacks; i++)
		printf("%s %lu\n", stacks[i].text, stacks[i].count);
}

static int run(char **argv)
{
	int status;
	pid_t pid;

	if (control("reset") || control("start"))
		return -1;
	pid = fork();
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "kprof: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		perror("kprof");
	return control("stop");
}

static void usage(void)
{
	fprintf(stderr, "usage: kprof start | stop | reset | folded |"
			" report [-n N] | run CMD [ARG...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int top = 20;

	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "start") || !strcmp(argv[1], "stop") ||
	    !strcmp(argv[1], "reset"))
		return control(argv[1]) ? 1 : 0;
	if (!strcmp(argv[1], "folded")) {
		if (load())
			return 1;
		folded();
		return 0;
	}
	if (!strcmp(argv[1], "run")) {
		if (argc < 3)
			usage();
		if (run(argv + 2))
			return 1;
	} else if (!strcmp(argv[1], "report")) {
		if (argc == 4 && !strcmp(argv[2], "-n"))
			top = atoi(argv[3]);
		else if (argc != 2)
			usage();
	} else {
		usage();
	}
	if (load())
		return 1;
	if (!nsamples) {
		printf("kprof: no samples (kprof start, or kprof run CMD)\n");
		return 0;
	}
	report(top);
	return 0;
}
