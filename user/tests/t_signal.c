/*
 * t_signal: signals. Default actions (terminate, ignore, stop and
 * continue, with wait statuses encoded as Linux does); handlers installed
 * with sigaction (musl supplies SA_RESTORER, so returning runs
 * rt_sigreturn) that return to the interrupted code with its mask restored;
 * SA_SIGINFO fields for kill and for SIGCHLD; SA_RESTART against EINTR;
 * blocked signals stay pending (rt_sigpending) until unblocked;
 * rt_sigsuspend; user faults give SIGSEGV (SEGV_MAPERR, SEGV_ACCERR),
 * SIGFPE (FPE_INTDIV), SIGILL (ILL_ILLOPN) and SIGBUS with si_addr;
 * SIGKILL and SIGSTOP cannot be caught or blocked; kill's errors; kill
 * of a large group while members fork and exit reaches every member.
 */
#include "t.h"
#include <setjmp.h>
#include <sys/mman.h>
#include <sys/syscall.h>

static volatile sig_atomic_t hits;
static siginfo_t last_info;
static sigjmp_buf fault_jump;

static void count_hit(int sig)
{
	(void)sig;
	hits++;
}

/* sa_sigaction's type: si cannot be const. */
/* cppcheck-suppress constParameter */
static void record_info(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	last_info = *si;
	hits++;
}

static void record_and_jump(int sig, siginfo_t *si, void *uc)
{
	record_info(sig, si, uc);
	siglongjmp(fault_jump, 1);
}

static void handle(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa = { .sa_handler = fn, .sa_flags = flags };

	sigaction(sig, &sa, NULL);
}

static void handle_info(int sig, void (*fn)(int, siginfo_t *, void *))
{
	struct sigaction sa = { .sa_sigaction = fn, .sa_flags = SA_SIGINFO };

	sigaction(sig, &sa, NULL);
}

static void default_actions(void)
{
	int status, go[2];
	pid_t pid = fork();

	if (pid == 0) {
		kill(getpid(), SIGCHLD);
		kill(getpid(), SIGURG);
		kill(getpid(), SIGTERM);
		_exit(0);
	}
	CHECK_EQ(t_wait(pid), SIGTERM);
	CHECK_OK(pipe(go));
	pid = fork();
	if (pid == 0) {
		char c;

		raise(SIGSTOP);
		/* Continued: exit only when told, so the parent's
		 * WCONTINUED wait sees the continue and not the exit (a
		 * zombie has no continue to report). */
		close(go[1]);
		_exit(read(go[0], &c, 1) == 1 ? 3 : 4);
	}
	close(go[0]);
	CHECK_EQ(waitpid(pid, &status, WUNTRACED), pid);
	CHECK(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
	CHECK_EQ(status, 0x137f);
	CHECK_OK(kill(pid, SIGCONT));
	CHECK_EQ(waitpid(pid, &status, WCONTINUED), pid);
	CHECK(WIFCONTINUED(status));
	CHECK_EQ(status, 0xffff);
	CHECK_EQ(write(go[1], "x", 1), 1);
	close(go[1]);
	CHECK_EQ(t_wait(pid), 3 << 8);
}

static void handler_returns_and_mask_is_restored(void)
{
	volatile long before = 12345;
	sigset_t now;

	hits = 0;
	handle(SIGUSR1, count_hit, 0);
	CHECK_OK(kill(getpid(), SIGUSR1));
	CHECK_EQ(hits, 1);
	CHECK_EQ(before, 12345);
	sigprocmask(SIG_SETMASK, NULL, &now);
	CHECK(!sigismember(&now, SIGUSR1));
	handle(SIGUSR1, SIG_DFL, 0);
}

static void siginfo_for_kill(void)
{
	hits = 0;
	handle_info(SIGUSR2, record_info);
	CHECK_OK(kill(getpid(), SIGUSR2));
	CHECK_EQ(hits, 1);
	CHECK_EQ(last_info.si_signo, SIGUSR2);
	CHECK_EQ(last_info.si_code, SI_USER);
	CHECK_EQ(last_info.si_pid, getpid());
	CHECK_EQ(last_info.si_uid, getuid());
	handle(SIGUSR2, SIG_DFL, 0);
}

static void sigchld_on_child_exit(void)
{
	pid_t pid;
	sigset_t block, old;

	hits = 0;
	handle_info(SIGCHLD, record_info);
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	pid = fork();
	if (pid == 0)
		_exit(17);
	while (!hits)
		sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	CHECK_EQ(last_info.si_signo, SIGCHLD);
	CHECK_EQ(last_info.si_code, CLD_EXITED);
	CHECK_EQ(last_info.si_pid, pid);
	CHECK_EQ(last_info.si_status, 17);
	CHECK_EQ(t_wait(pid), 17 << 8);
	handle(SIGCHLD, SIG_DFL, 0);
}

/* A child that sends SIGUSR1 to its parent, then writes to P. */
static pid_t interrupt_then_write(int p)
{
	pid_t parent = getpid(), pid = fork();

	if (pid == 0) {
		struct timespec d = { 0, 30 * 1000 * 1000 };

		nanosleep(&d, NULL);
		kill(parent, SIGUSR1);
		nanosleep(&d, NULL);
		_exit(write(p, "x", 1) == 1 ? 0 : 1);
	}
	return pid;
}

static void sa_restart_against_eintr(void)
{
	char c;
	int p[2];
	pid_t pid;

	CHECK_OK(pipe(p));
	hits = 0;
	handle(SIGUSR1, count_hit, 0);
	pid = interrupt_then_write(p[1]);
	CHECK_ERR(read(p[0], &c, 1), EINTR);
	CHECK_EQ(hits, 1);
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(read(p[0], &c, 1), 1);
	handle(SIGUSR1, count_hit, SA_RESTART);
	pid = interrupt_then_write(p[1]);
	CHECK_EQ(read(p[0], &c, 1), 1);
	CHECK_EQ(hits, 2);
	CHECK_EQ(t_wait(pid), 0);
	handle(SIGUSR1, SIG_DFL, 0);
	close(p[0]);
	close(p[1]);
}

static void blocked_signals_stay_pending(void)
{
	sigset_t block, pending, old;

	hits = 0;
	handle(SIGUSR1, count_hit, 0);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	CHECK_OK(sigprocmask(SIG_BLOCK, &block, &old));
	CHECK_OK(kill(getpid(), SIGUSR1));
	CHECK_OK(kill(getpid(), SIGUSR1));
	CHECK_EQ(hits, 0);
	CHECK_OK(sigpending(&pending));
	CHECK(sigismember(&pending, SIGUSR1));
	CHECK_OK(sigprocmask(SIG_SETMASK, &old, NULL));
	CHECK_EQ(hits, 1);
	CHECK_OK(sigpending(&pending));
	CHECK(!sigismember(&pending, SIGUSR1));
	CHECK_ERR(syscall(SYS_rt_sigprocmask, 99, &block, NULL, 8), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &block, NULL, 4),
		  EINVAL);
	handle(SIGUSR1, SIG_DFL, 0);
}

static void sigsuspend_waits_for_a_signal(void)
{
	sigset_t block, empty, now;
	pid_t pid;

	hits = 0;
	handle(SIGUSR1, count_hit, 0);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&empty);
	sigprocmask(SIG_BLOCK, &block, NULL);
	pid = fork();
	if (pid == 0) {
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	CHECK_ERR(sigsuspend(&empty), EINTR);
	CHECK_EQ(hits, 1);
	sigprocmask(SIG_SETMASK, NULL, &now);
	CHECK(sigismember(&now, SIGUSR1));
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	CHECK_EQ(t_wait(pid), 0);
	handle(SIGUSR1, SIG_DFL, 0);
}

/* Run FAULT with SIG caught; return 1 if the handler ran. */
static int catch_fault(int sig, void (*fault)(void))
{
	hits = 0;
	memset(&last_info, 0, sizeof(last_info));
	handle_info(sig, record_and_jump);
	if (sigsetjmp(fault_jump, 1) == 0)
		fault();
	handle(sig, SIG_DFL, 0);
	return hits == 1;
}

static char *fault_page;

static void write_unmapped(void)
{
	*(volatile int *)0x1000 = 1;
}

static void write_readonly(void)
{
	*(volatile char *)(fault_page + 8) = 1;
}

static void read_past_eof(void)
{
	(void)*(volatile char *)(fault_page + 4096);
}

static volatile int zero;

static void divide_by_zero(void)
{
	zero = 10 / zero;
}

extern char ud2_here[];

static void illegal_instruction(void)
{
	__asm__ volatile(".globl ud2_here\nud2_here: ud2");
}

static void user_faults_with_si_addr(void)
{
	int fd = open("f", O_CREAT | O_RDWR | O_TRUNC, 0644);

	CHECK(catch_fault(SIGSEGV, write_unmapped));
	CHECK_EQ(last_info.si_code, SEGV_MAPERR);
	CHECK_EQ(last_info.si_addr, 0x1000);
	fault_page =
		mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(catch_fault(SIGSEGV, write_readonly));
	CHECK_EQ(last_info.si_code, SEGV_ACCERR);
	CHECK_EQ(last_info.si_addr, fault_page + 8);
	munmap(fault_page, 4096);
	CHECK_EQ(write(fd, "x", 1), 1);
	fault_page = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(catch_fault(SIGBUS, read_past_eof));
	CHECK_EQ(last_info.si_addr, fault_page + 4096);
	munmap(fault_page, 8192);
	close(fd);
	CHECK_OK(unlink("f"));
	CHECK(catch_fault(SIGFPE, divide_by_zero));
	CHECK_EQ(last_info.si_code, FPE_INTDIV);
	CHECK(last_info.si_addr != NULL);
	CHECK(catch_fault(SIGILL, illegal_instruction));
	CHECK_EQ(last_info.si_code, ILL_ILLOPN);
	CHECK_EQ(last_info.si_addr, ud2_here);
}

static void kill_and_stop_cannot_be_caught(void)
{
	struct sigaction sa = { .sa_handler = count_hit };
	sigset_t all, now;

	CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
	CHECK_ERR(sigaction(SIGSTOP, &sa, NULL), EINVAL);
	CHECK_ERR(sigaction(SIGKILL,
			    &(struct sigaction){ .sa_handler = SIG_IGN }, NULL),
		  EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigaction, 0, NULL, NULL, 8), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigaction, 65, NULL, NULL, 8), EINVAL);
	sigfillset(&all);
	CHECK_OK(syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &now, 8));
	CHECK_OK(syscall(SYS_rt_sigprocmask, SIG_SETMASK, &now, &all, 8));
	CHECK(!sigismember(&all, SIGKILL) && !sigismember(&all, SIGSTOP));
	CHECK(sigismember(&all, SIGUSR1));
}

static void kill_errors(void)
{
	CHECK_ERR(kill(getpid(), 999), EINVAL);
	CHECK_ERR(kill(0x7ffffff0, 0), ESRCH);
	CHECK_OK(kill(getpid(), 0));
	CHECK_OK(kill(0, 0));
}

/*
 * kill(-pgrp) reaches every process in a group bigger than the kernel's
 * batch (proc_kill sends to 64 at a time, dropping its lock between
 * batches) while other members fork and exit and the first ones signalled
 * die: a member skipped would live on in pause() and never be reaped.
 */
#define GROUP_SLEEPERS 150
#define GROUP_CHURNERS 4
#define GROUP_ROUNDS 3

/* A group member that forks children (members too) that exit at once. */
static void churn(void)
{
	for (;;) {
		pid_t c = fork();

		if (c == 0)
			_exit(0);
		if (c > 0)
			waitpid(c, NULL, 0);
	}
}

static double now_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void kill_group_round(void)
{
	enum { N = 1 + GROUP_SLEEPERS + GROUP_CHURNERS };
	static pid_t pids[N];
	int reaped = 0, status;
	struct timespec pause_10ms = { 0, 10 * 1000 * 1000 };
	double deadline;
	pid_t pgrp = 0;

	for (int i = 0; i < N; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			setpgid(0, pgrp);
			if (i > GROUP_SLEEPERS)
				churn();
			for (;;)
				pause();
		}
		CHECK(pid > 0);
		if (pid < 0)
			break;
		if (!pgrp)
			pgrp = pid; /* the first is the leader */
		setpgid(pid, pgrp); /* before kill: no race with the child */
		pids[i] = pid;
	}
	CHECK_OK(kill(-pgrp, SIGTERM));
	/* A member that missed the signal would keep the loop waiting: give
	 * up after 30 s in which no member ended (a loaded host slows the
	 * reaping, never stops it). */
	deadline = now_seconds() + 30;
	while (reaped < N && now_seconds() < deadline) {
		pid_t pid = waitpid(-pgrp, &status, WNOHANG);

		if (pid <= 0) {
			nanosleep(&pause_10ms, NULL);
			continue;
		}
		deadline = now_seconds() + 30;
		CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
		for (int i = 0; i < N; i++)
			if (pids[i] == pid)
				pids[i] = 0;
		reaped++;
	}
	CHECK_EQ(reaped, N);
	for (int i = 0; i < N; i++) {
		if (pids[i]) {
			printf("pid %d (member %d) missed the signal\n",
			       (int)pids[i], i);
			kill(pids[i], SIGKILL);
			waitpid(pids[i], NULL, 0);
		}
	}
}

static void kill_reaches_every_group_member(void)
{
	handle(SIGTERM, SIG_DFL, 0);
	handle(SIGCHLD, SIG_DFL, 0);
	for (int r = 0; r < GROUP_ROUNDS; r++)
		kill_group_round();
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 300); /* a hang guard: the boot's limit comes first */
	RUN(default_actions);
	RUN(handler_returns_and_mask_is_restored);
	RUN(siginfo_for_kill);
	RUN(sigchld_on_child_exit);
	RUN(sa_restart_against_eintr);
	RUN(blocked_signals_stay_pending);
	RUN(sigsuspend_waits_for_a_signal);
	RUN(user_faults_with_si_addr);
	RUN(kill_and_stop_cannot_be_caught);
	RUN(kill_errors);
	RUN(kill_reaches_every_group_member);
	return t_end();
}
