/*
 * t_stack: the user stack. It grows on demand: a 4 MiB array on the stack,
 * written from its top page down and read back, works without any call to
 * grow it. Running off its end (unbounded recursion) hits the guard and
 * ends in SIGSEGV: by default the process dies of it; with a handler on a
 * sigaltstack the handler runs (on the alternate stack, as it must) and the
 * process can still exit normally.
 */
#include "t.h"

#define PAGE 4096
#define DEEP (4 * 1024 * 1024)

static long touch_deep_array(void)
{
	volatile char big[DEEP];
	long i, sum = 0;

	for (i = DEEP - 1; i >= 0; i -= PAGE)
		big[i] = (char)(i / PAGE);
	for (i = DEEP - 1; i >= 0; i -= PAGE)
		sum += big[i] == (char)(i / PAGE);
	return sum;
}

static void stack_grows_on_demand(void)
{
	CHECK_EQ(touch_deep_array(), DEEP / PAGE);
}

/* Recurse until the stack runs out (the depth bound is never reached). */
static long recurse_forever(const volatile char *prev, long depth)
{
	volatile char frame[1024];

	frame[0] = prev ? prev[0] + 1 : 0;
	if (depth > (1L << 40))
		return 0;
	return recurse_forever(frame, depth + 1) + frame[1];
}

static void overflow_dies_of_sigsegv(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		recurse_forever(NULL, 0);
		_exit(0);
	}
	status = t_wait(pid);
	CHECK(WIFSIGNALED(status));
	CHECK_EQ(WTERMSIG(status), SIGSEGV);
}

static char *alt_base;

static void on_overflow(int sig)
{
	char here;
	int on_alt = &here > alt_base && &here < alt_base + SIGSTKSZ * 4;

	(void)sig;
	_exit(on_alt ? 7 : 8);
}

static void overflow_caught_on_sigaltstack(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct sigaction sa = { .sa_handler = on_overflow,
					.sa_flags = SA_ONSTACK };
		stack_t ss = { .ss_size = SIGSTKSZ * 4 };

		alt_base = malloc(ss.ss_size);
		ss.ss_sp = alt_base;
		if (sigaltstack(&ss, NULL) != 0 ||
		    sigaction(SIGSEGV, &sa, NULL) != 0)
			_exit(9);
		recurse_forever(NULL, 0);
		_exit(0);
	}
	CHECK_EQ(t_wait(pid), 7 << 8);
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 60);
	RUN(stack_grows_on_demand);
	RUN(overflow_dies_of_sigsegv);
	RUN(overflow_caught_on_sigaltstack);
	return t_end();
}
