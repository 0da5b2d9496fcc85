/*
 * The tracing loop. Every tracee runs under PTRACE_SYSCALL, so the
 * kernel stops it twice per system call (entry and exit, reported by
 * waitpid as SIGTRAP|0x80 thanks to PTRACE_O_TRACESYSGOOD), once per
 * signal it is about to receive (the signal-delivery stop: we print the
 * siginfo and hand the signal back), and at the events we asked for
 * (fork, vfork, clone, exec). waitpid tells the stops of all tracees in
 * the order they happen, and this file prints a line per call as strace
 * does: the arguments known at entry when the call starts, the rest and
 * the result when it returns. If another tracee's line comes between,
 * the first line is closed with " <unfinished ...>" and its end later
 * starts with "<... NAME resumed>".
 *
 * Registers come from PTRACE_GET_SYSCALL_INFO, which says whether a stop
 * is an entry or an exit; on a kernel without it, from PTRACE_GETREGS,
 * and a flag per tracee tells entry from exit.
 */
#include "strace.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_TRACEES 256
#define ALIGN_COLUMN 39 /* " = " starts after it, as in strace */

static struct tracee tracees[MAX_TRACEES];
int ntracees;
volatile int interrupted;
pid_t child_pid;
int child_status;
static bool have_syscall_info = true;
static struct timespec last_ts; /* -r: the previous line's time */

struct tracee *tracee_add(pid_t pid, bool attach_pending)
{
	for (int i = 0; i < MAX_TRACEES; i++) {
		struct tracee *t = &tracees[i];
		if (t->in_use)
			continue;
		memset(t, 0, sizeof(*t));
		t->in_use = true;
		t->pid = pid;
		t->attach_pending = attach_pending;
		t->prev_nr = -1;
		ntracees++;
		return t;
	}
	fprintf(stderr, "strace: too many processes, %d not traced\n", pid);
	return NULL;
}

static struct tracee *tracee_find(pid_t pid)
{
	for (int i = 0; i < MAX_TRACEES; i++)
		if (tracees[i].in_use && tracees[i].pid == pid)
			return &tracees[i];
	return NULL;
}

/* The output of a tracee: opened at its first line (-ff: PATH.PID). */
static struct out *out_of(struct tracee *t)
{
	static struct out shared;
	if (t->out)
		return t->out;
	if (opt.follow == 2 && opt.outname) {
		char name[4096];
		snprintf(name, sizeof(name), "%s.%d", opt.outname, t->pid);
		t->out = calloc(1, sizeof(struct out));
		t->out->fp = t->out ? fopen(name, "w") : NULL;
		if (!t->out->fp) {
			perror(name);
			exit(1);
		}
		return t->out;
	}
	if (!shared.fp) {
		shared.fp = stderr;
		if (opt.outname) {
			shared.fp = fopen(opt.outname, "w");
			if (!shared.fp) {
				perror(opt.outname);
				exit(1);
			}
		}
	}
	t->out = &shared;
	return t->out;
}

/* Where -c's table goes: the -o file, stderr with -ff. */
FILE *output_file(void)
{
	static struct tracee none;
	if (opt.follow == 2 && opt.outname)
		return stderr;
	return out_of(&none)->fp;
}

void tputs(struct tracee *t, const char *s)
{
	struct out *o = out_of(t);
	fputs(s, o->fp);
	for (; *s; s++)
		o->column = *s == '\n' ? 0 : o->column + 1;
}

void tprintf(struct tracee *t, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tputs(t, buf);
}

static void end_line(struct tracee *t)
{
	struct out *o = out_of(t);
	tputs(t, "\n");
	fflush(o->fp);
	if (o->open_line == t)
		o->open_line = NULL;
}

/*
 * Starts a line for t: closes another tracee's open line on the same
 * output first, then prints the prefix (the pid and the time).
 */
static void begin_line(struct tracee *t)
{
	struct out *o = out_of(t);
	struct tracee *other = o->open_line;
	if (other && other != t) {
		tputs(other, " <unfinished ...>");
		other->unfinished = true;
		end_line(other);
	}
	o->open_line = t;
	if (opt.follow == 2 && opt.outname) {
		/* one file per process: no pid */
	} else if (opt.outname && opt.follow == 1) {
		tprintf(t, "%-5d ", t->pid);
	} else if (ntracees > 1) {
		tprintf(t, "[pid %5d] ", t->pid);
	}
	if (opt.timestamps || opt.relative) {
		struct timespec now;
		clock_gettime(opt.relative ? CLOCK_MONOTONIC : CLOCK_REALTIME,
			      &now);
		if (opt.relative) {
			struct timespec d = now;
			if (last_ts.tv_sec || last_ts.tv_nsec) {
				d.tv_sec -= last_ts.tv_sec;
				d.tv_nsec -= last_ts.tv_nsec;
				if (d.tv_nsec < 0) {
					d.tv_nsec += 1000000000;
					d.tv_sec--;
				}
			} else {
				d.tv_sec = d.tv_nsec = 0;
			}
			last_ts = now;
			tprintf(t, "%6ld.%06ld ", (long)d.tv_sec,
				d.tv_nsec / 1000);
		} else if (opt.timestamps == 3) {
			tprintf(t, "%ld.%06ld ", (long)now.tv_sec,
				now.tv_nsec / 1000);
		} else {
			struct tm tm;
			time_t s = now.tv_sec;
			localtime_r(&s, &tm);
			tprintf(t, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min,
				tm.tm_sec);
			if (opt.timestamps == 2)
				tprintf(t, ".%06ld", now.tv_nsec / 1000);
			tputs(t, " ");
		}
	}
}

/* Reads the stop's call number, arguments and (at exit) result. */
static int read_syscall(struct tracee *t, bool *entry, long *ret)
{
	if (have_syscall_info) {
		struct __ptrace_syscall_info info;
		long n = ptrace(PTRACE_GET_SYSCALL_INFO, t->pid,
				(void *)sizeof(info), &info);
		if (n > 0 && (info.op == PTRACE_SYSCALL_INFO_ENTRY ||
			      info.op == PTRACE_SYSCALL_INFO_EXIT)) {
			if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
				*entry = true;
				t->nr = (long)info.entry.nr;
				for (int i = 0; i < MAX_ARGS; i++)
					t->args[i] = info.entry.args[i];
				t->sp = info.stack_pointer;
			} else {
				*entry = false;
				*ret = info.exit.rval;
			}
			return 0;
		}
		if (n < 0 && errno == ESRCH)
			return -1;
		/* not there, or no op for this stop: registers it is */
		if (n < 0)
			have_syscall_info = false;
	}
	struct user_regs_struct regs;
	if (ptrace(PTRACE_GETREGS, t->pid, 0, &regs) < 0)
		return -1;
	*entry = !t->in_syscall;
	if (*entry) {
		t->nr = (long)regs.orig_rax;
		t->args[0] = regs.rdi;
		t->args[1] = regs.rsi;
		t->args[2] = regs.rdx;
		t->args[3] = regs.r10;
		t->args[4] = regs.r8;
		t->args[5] = regs.r9;
		t->sp = regs.rsp;
	} else {
		*ret = (long)regs.rax;
	}
	return 0;
}

static bool call_traced(long nr)
{
	if (nr >= 0 && nr < NR_SYSCALL_TABLE)
		return opt.trace_set[nr];
	return opt.trace_set[0] && opt.trace_set[1]; /* "all" */
}

/* The entry half: name and the arguments the kernel will only read. */
static void print_entry(struct tracee *t)
{
	char name[32];
	begin_line(t);
	tprintf(t, "%s(", syscall_name(t->nr, name, sizeof(name)));
	if (t->nr == 219) { /* restart_syscall */
		char prev[32];
		tprintf(t, "<... resuming interrupted %s ...>",
			t->prev_nr >= 0
				? syscall_name(t->prev_nr, prev, sizeof(prev))
				: "call");
		t->first_out = 0;
		t->line_open = true;
		return;
	}
	int nargs = effective_nargs(t);
	int first_out = nargs;
	for (int i = 0; i < nargs; i++) {
		if (arg_at_exit(t, i)) {
			first_out = i;
			break;
		}
	}
	for (int i = 0; i < first_out; i++) {
		if (i)
			tputs(t, ", ");
		print_arg(t, i, 0);
	}
	if (first_out > 0 && first_out < nargs)
		tputs(t, ", ");
	t->first_out = first_out;
	t->line_open = true;
}

static void syscall_entry(struct tracee *t)
{
	t->in_syscall = true;
	t->traced_call = call_traced(t->nr) && !opt.count;
	t->line_open = false;
	t->unfinished = false;
	clock_gettime(CLOCK_MONOTONIC, &t->entry_ts);
	if (t->traced_call && !opt.failed_only)
		print_entry(t);
}

static void print_result(struct tracee *t, long ret, bool known)
{
	struct out *o = out_of(t);
	if (o->column < ALIGN_COLUMN)
		tprintf(t, "%*s", ALIGN_COLUMN - o->column, "");
	tputs(t, " = ");
	if (!known)
		tputs(t, "?");
	else
		print_return(t, ret);
}

/* Resumes t's line if another tracee's line came between. */
static void resume_line(struct tracee *t)
{
	struct out *o = out_of(t);
	if (o->open_line == t)
		return;
	char name[32];
	begin_line(t);
	tprintf(t, "<... %s resumed>", syscall_name(t->nr, name, sizeof(name)));
}

static void syscall_exit(struct tracee *t, long ret)
{
	struct timespec now, d;
	clock_gettime(CLOCK_MONOTONIC, &now);
	d.tv_sec = now.tv_sec - t->entry_ts.tv_sec;
	d.tv_nsec = now.tv_nsec - t->entry_ts.tv_nsec;
	if (d.tv_nsec < 0) {
		d.tv_nsec += 1000000000;
		d.tv_sec--;
	}
	t->in_syscall = false;
	bool failed = ret < 0 && ret >= -4095;
	if (opt.count && call_traced(t->nr))
		summary_add(t->nr, &d, failed);
	if (t->nr != 219)
		t->prev_nr = t->nr;
	if (!t->traced_call)
		return;
	if (opt.failed_only) {
		if (!failed)
			return;
		print_entry(t);
	}
	resume_line(t);
	int nargs = effective_nargs(t);
	for (int i = t->first_out; i < nargs && t->nr != 219; i++) {
		if (i > t->first_out)
			tputs(t, ", ");
		print_arg(t, i, ret);
	}
	tputs(t, ")");
	print_result(t, ret, true);
	if (opt.syscall_time)
		tprintf(t, " <%ld.%06ld>", (long)d.tv_sec, d.tv_nsec / 1000);
	t->line_open = false;
	end_line(t);
}

/* A tracee is gone: its open call never returns, then its end. */
static void tracee_gone(struct tracee *t, int status)
{
	if (t->in_syscall && t->line_open && t->traced_call) {
		resume_line(t);
		/* arguments still to print: strace says it was cut */
		if (t->first_out < effective_nargs(t))
			tputs(t, " <unfinished ...>");
		tputs(t, ")");
		print_result(t, 0, false);
		end_line(t);
	}
	if (!opt.count &&
	    (WIFEXITED(status) || opt.signal_set[WTERMSIG(status)])) {
		begin_line(t);
		if (WIFEXITED(status))
			tprintf(t, "+++ exited with %d +++",
				WEXITSTATUS(status));
		else
			tprintf(t, "+++ killed by %s%s +++",
				signal_name(WTERMSIG(status)),
				WCOREDUMP(status) ? " (core dumped)" : "");
		end_line(t);
	}
	if (t->pid == child_pid)
		child_status = status;
	if (opt.follow == 2 && opt.outname && t->out) {
		fclose(t->out->fp);
		free(t->out);
	}
	t->in_use = false;
	ntracees--;
}

static void print_signal(struct tracee *t, int sig, const siginfo_t *si)
{
	if (opt.count || sig < 1 || sig > 64 || !opt.signal_set[sig])
		return;
	begin_line(t);
	if (si) {
		tprintf(t, "--- %s ", signal_name(sig));
		print_siginfo(t, si);
		tputs(t, " ---");
	} else {
		tprintf(t, "--- stopped by %s ---", signal_name(sig));
	}
	end_line(t);
}

static long trace_options(void)
{
	long o = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC;
	if (opt.follow)
		o |= PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
		     PTRACE_O_TRACECLONE;
	return o;
}

/* A tracee's first stop: set the options and let it run. */
void tracee_start(struct tracee *t)
{
	t->attach_pending = false;
	ptrace(PTRACE_SETOPTIONS, t->pid, 0, (void *)trace_options());
	ptrace(PTRACE_SYSCALL, t->pid, 0, 0);
}

/* A syscall stop: entry or exit. */
static void syscall_stop(struct tracee *t)
{
	bool entry;
	long ret = 0;
	if (read_syscall(t, &entry, &ret) < 0)
		return;
	if (entry)
		syscall_entry(t);
	else if (t->in_syscall)
		syscall_exit(t, ret);
}

/* A stop that is not a system call: an event or a signal. */
static void other_stop(struct tracee *t, int status)
{
	int sig = WSTOPSIG(status);
	int event = (unsigned)status >> 16;
	if (event) {
		unsigned long msg = 0;
		ptrace(PTRACE_GETEVENTMSG, t->pid, 0, &msg);
		if ((event == PTRACE_EVENT_FORK ||
		     event == PTRACE_EVENT_VFORK ||
		     event == PTRACE_EVENT_CLONE) &&
		    !tracee_find((pid_t)msg)) {
			tracee_add((pid_t)msg, true);
			fprintf(stderr, "strace: Process %lu attached\n", msg);
		}
		ptrace(PTRACE_SYSCALL, t->pid, 0, 0);
		return;
	}
	siginfo_t si;
	if (ptrace(PTRACE_GETSIGINFO, t->pid, 0, &si) < 0) {
		/* a group stop: the tracee stays stopped until SIGCONT */
		print_signal(t, sig, NULL);
		ptrace(PTRACE_SYSCALL, t->pid, 0, 0);
		return;
	}
	print_signal(t, sig, &si);
	ptrace(PTRACE_SYSCALL, t->pid, 0, (void *)(long)sig);
}

/* ^C: let every tracee go, each left running where it was. */
static void detach_all(void)
{
	for (int i = 0; i < MAX_TRACEES; i++) {
		struct tracee *t = &tracees[i];
		if (!t->in_use)
			continue;
		if (ptrace(PTRACE_DETACH, t->pid, 0, 0) < 0 && errno == ESRCH) {
			/* running: stop it with a SIGSTOP we then swallow */
			kill(t->pid, SIGSTOP);
			for (;;) {
				int status;
				if (waitpid(t->pid, &status, __WALL) < 0 ||
				    !WIFSTOPPED(status))
					break;
				int sig = WSTOPSIG(status);
				if (sig == SIGSTOP) {
					ptrace(PTRACE_DETACH, t->pid, 0, 0);
					break;
				}
				if (sig == (SIGTRAP | 0x80) || status >> 16)
					sig = 0;
				ptrace(PTRACE_CONT, t->pid, 0,
				       (void *)(long)sig);
			}
		}
		if (t->line_open && t->traced_call) {
			resume_line(t);
			tputs(t, " <detached ...>");
			end_line(t);
		}
		fprintf(stderr, "strace: Process %d detached\n", t->pid);
		t->in_use = false;
		ntracees--;
	}
}

int trace_loop(void)
{
	while (ntracees > 0) {
		if (interrupted) {
			detach_all();
			break;
		}
		int status;
		pid_t pid = waitpid(-1, &status, __WALL);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		struct tracee *t = tracee_find(pid);
		if (!t) {
			/* a new child stopped before its parent's event */
			t = tracee_add(pid, true);
			if (!t)
				continue;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			tracee_gone(t, status);
			continue;
		}
		if (!WIFSTOPPED(status))
			continue;
		if (t->attach_pending && WSTOPSIG(status) == SIGSTOP &&
		    !(status >> 16)) {
			tracee_start(t);
			continue;
		}
		if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			syscall_stop(t);
			ptrace(PTRACE_SYSCALL, pid, 0, 0);
		} else {
			other_stop(t, status);
		}
	}
	if (opt.count)
		summary_print(output_file());
	fflush(output_file());
	return 0;
}
