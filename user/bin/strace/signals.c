/*
 * Signals as strace prints them: names (SIGCHLD; the real-time ones from
 * the kernel's SIGRTMIN, 32, as SIGRTMIN, SIGRT_1 ...), sets as
 * [INT CHLD] or, when more than half the signals are in, ~[...] with
 * those that are not, and the siginfo of a signal-delivery stop with the
 * fields its si_code says are meaningful.
 */
#include "strace.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const names[32] = {
	[1] = "SIGHUP",     [2] = "SIGINT",     [3] = "SIGQUIT",
	[4] = "SIGILL",     [5] = "SIGTRAP",    [6] = "SIGABRT",
	[7] = "SIGBUS",     [8] = "SIGFPE",     [9] = "SIGKILL",
	[10] = "SIGUSR1",   [11] = "SIGSEGV",   [12] = "SIGUSR2",
	[13] = "SIGPIPE",   [14] = "SIGALRM",   [15] = "SIGTERM",
	[16] = "SIGSTKFLT", [17] = "SIGCHLD",   [18] = "SIGCONT",
	[19] = "SIGSTOP",   [20] = "SIGTSTP",   [21] = "SIGTTIN",
	[22] = "SIGTTOU",   [23] = "SIGURG",    [24] = "SIGXCPU",
	[25] = "SIGXFSZ",   [26] = "SIGVTALRM", [27] = "SIGPROF",
	[28] = "SIGWINCH",  [29] = "SIGIO",     [30] = "SIGPWR",
	[31] = "SIGSYS",
};

const char *signal_name(int sig)
{
	static char buf[32];
	if (sig > 0 && sig < 32)
		return names[sig];
	if (sig == 32)
		return "SIGRTMIN";
	if (sig > 32 && sig <= 64) {
		snprintf(buf, sizeof(buf), "SIGRT_%d", sig - 32);
		return buf;
	}
	snprintf(buf, sizeof(buf), "%d", sig);
	return buf;
}

/* A name with or without "SIG", or a number. */
int signal_lookup(const char *name)
{
	char full[32];
	if (name[0] >= '0' && name[0] <= '9')
		return atoi(name);
	snprintf(full, sizeof(full), "%s%s",
		 strncasecmp(name, "SIG", 3) ? "SIG" : "", name);
	for (int sig = 1; sig <= 64; sig++)
		if (!strcasecmp(signal_name(sig), full))
			return sig;
	return -1;
}

void print_sigset(struct tracee *t, const uint64_t *set, size_t bytes)
{
	int nsig = (int)bytes * 8, count = 0;
	uint64_t s = *set;
	for (int i = 0; i < nsig; i++)
		count += (s >> i) & 1;
	bool invert = count > nsig / 2;
	if (invert) {
		s = ~s;
		tputs(t, "~");
	}
	tputs(t, "[");
	for (int i = 0, first = 1; i < nsig; i++) {
		if (!((s >> i) & 1))
			continue;
		tprintf(t, "%s%s", first ? "" : " ", signal_name(i + 1) + 3);
		first = 0;
	}
	tputs(t, "]");
}

static const struct flag_name si_codes_user[] = {
	{ 0, "SI_USER" },
	{ 0x80, "SI_KERNEL" },
	{ (unsigned long)-1, "SI_QUEUE" },
	{ (unsigned long)-2, "SI_TIMER" },
	{ (unsigned long)-3, "SI_MESGQ" },
	{ (unsigned long)-4, "SI_ASYNCIO" },
	{ (unsigned long)-5, "SI_SIGIO" },
	{ (unsigned long)-6, "SI_TKILL" },
	{ 0, NULL },
};

static const char *const cld_codes[] = { NULL,           "CLD_EXITED",
					 "CLD_KILLED",   "CLD_DUMPED",
					 "CLD_TRAPPED",  "CLD_STOPPED",
					 "CLD_CONTINUED" };
static const char *const segv_codes[] = { NULL, "SEGV_MAPERR", "SEGV_ACCERR",
					  "SEGV_BNDERR", "SEGV_PKUERR" };
static const char *const bus_codes[] = { NULL, "BUS_ADRALN", "BUS_ADRERR",
					 "BUS_OBJERR" };
static const char *const ill_codes[] = {
	NULL,         "ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR", "ILL_ILLTRP",
	"ILL_PRVOPC", "ILL_PRVREG", "ILL_COPROC", "ILL_BADSTK"
};
static const char *const fpe_codes[] = {
	NULL,         "FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV", "FPE_FLTOVF",
	"FPE_FLTUND", "FPE_FLTRES", "FPE_FLTINV", "FPE_FLTSUB"
};
static const char *const trap_codes[] = { NULL, "TRAP_BRKPT", "TRAP_TRACE",
					  "TRAP_BRANCH", "TRAP_HWBKPT" };

#define CODES(x) (*n = sizeof(x) / sizeof(x[0]), x)

/* The names of a signal's own si_code values, n of them. */
static const char *const *signal_codes(int sig, int *n)
{
	switch (sig) {
	case SIGCHLD:
		return CODES(cld_codes);
	case SIGSEGV:
		return CODES(segv_codes);
	case SIGBUS:
		return CODES(bus_codes);
	case SIGILL:
		return CODES(ill_codes);
	case SIGFPE:
		return CODES(fpe_codes);
	case SIGTRAP:
		return CODES(trap_codes);
	}
	return NULL;
}

static void print_code(struct tracee *t, const siginfo_t *si)
{
	if (si->si_code > 0 && si->si_code != 0x80) {
		int n = 0;
		const char *const *table = signal_codes(si->si_signo, &n);
		if (table && si->si_code < n && table[si->si_code]) {
			tputs(t, table[si->si_code]);
			return;
		}
	}
	if (!print_enum(t, si_codes_user, (unsigned long)(long)si->si_code))
		tprintf(t, "%d", si->si_code);
}

static void print_clock_t(struct tracee *t, const char *name, long v)
{
	tprintf(t, ", %s=%ld", name, v);
	if (v)
		tprintf(t, " /* %ld.%02ld s */", v / 100, v % 100);
}

void print_siginfo(struct tracee *t, const siginfo_t *si)
{
	tprintf(t, "{si_signo=%s, si_code=", signal_name(si->si_signo));
	print_code(t, si);
	if (si->si_errno)
		tprintf(t, ", si_errno=%s",
			errno_name(si->si_errno) ? errno_name(si->si_errno)
						 : "?");
	if (si->si_code <= 0) {
		tprintf(t, ", si_pid=%d, si_uid=%u", si->si_pid, si->si_uid);
		if (si->si_code == -1 || si->si_code == -2)
			tprintf(t, ", si_int=%d, si_ptr=%p",
				si->si_value.sival_int, si->si_value.sival_ptr);
	} else {
		switch (si->si_signo) {
		case SIGCHLD:
			tprintf(t, ", si_pid=%d, si_uid=%u, si_status=",
				si->si_pid, si->si_uid);
			if (si->si_code == 1)
				tprintf(t, "%d", si->si_status);
			else
				tputs(t, signal_name(si->si_status));
			print_clock_t(t, "si_utime", (long)si->si_utime);
			print_clock_t(t, "si_stime", (long)si->si_stime);
			break;
		case SIGILL:
		case SIGFPE:
		case SIGSEGV:
		case SIGBUS:
			tputs(t, ", si_addr=");
			print_ptr(t, (unsigned long)si->si_addr);
			break;
		default:
			if (si->si_pid || si->si_uid)
				tprintf(t, ", si_pid=%d, si_uid=%u", si->si_pid,
					si->si_uid);
		}
	}
	tputs(t, "}");
}
