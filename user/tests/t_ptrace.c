/*
 * t_ptrace: process tracing, as Linux's ptrace(2) defines it, from the
 * tracer's side. Each request with good and bad arguments; each kind of
 * stop with its exact wait status (signal-delivery, group, syscall
 * entry and exit with TRACESYSGOOD, event stops, the SIGTRAP after
 * execve); a tracer choosing which signal is delivered; syscall denial
 * by changing the number and a result changed at exit; SETREGS's checks;
 * PEEK/POKE and process_vm_readv/writev; a breakpoint poked into text and
 * forced writes to read-only pages; options and auto-attach of
 * forked, vforked and cloned children; a tracer that dies (detach, or
 * EXITKILL); PTRACE_SEIZE and INTERRUPT; SINGLESTEP counting
 * instructions; GETREGSET/SETREGSET's iovec rule and SETFPREGS's
 * checks; LISTEN through a group stop; a traced thread's exit. The program re-executes itself (t_self) for the exec
 * cases. docs/ptrace.md.
 */
#include "t.h"
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <elf.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>

#define SYSGOOD_TRAP (SIGTRAP | 0x80)

/* Linux's struct ptrace_syscall_info (include/uapi/linux/ptrace.h). */
struct syscall_info {
	uint8_t op;
	/* cppcheck-suppress unusedStructMember */
	uint8_t pad[3];
	uint32_t arch;
	uint64_t ip, sp;
	union {
		struct {
			uint64_t nr, args[6];
		} entry;
		struct {
			int64_t rval;
			uint8_t is_error;
		} exit;
	};
};

/* The raw system call: musl's ptrace() wrapper returns the PEEK word
 * itself, and hides the kernel's convention this test checks. */
static long pt(long req, pid_t pid, long addr, void *data)
{
	return syscall(SYS_ptrace, req, pid, addr, data);
}

static long pt_val(long req, pid_t pid, long addr, long data)
{
	return syscall(SYS_ptrace, req, pid, addr, data);
}

/* A child that asks to be traced and stops itself; then runs fn. */
static pid_t traced_child(void (*fn)(void))
{
	pid_t pid = fork();

	if (pid == 0) {
		if (pt(PTRACE_TRACEME, 0, 0, NULL) != 0)
			_exit(90);
		kill(getpid(), SIGSTOP);
		fn();
		_exit(0);
	}
	return pid;
}

/* Wait for pid (with __WALL) and return its status; -1 on error. */
static int wait_all(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, __WALL) != pid)
		return -1;
	return status;
}

static int is_stop(int status, int sig)
{
	return WIFSTOPPED(status) && (status >> 8) == sig;
}

/* Resume with PTRACE_SYSCALL until the stop where orig_rax is nr (an
 * entry stop); 1 if found, 0 if the child ended first. */
static int syscall_until(pid_t pid, long nr, struct user_regs_struct *r)
{
	for (int i = 0; i < 200; i++) {
		int st;

		if (pt(PTRACE_SYSCALL, pid, 0, NULL) != 0)
			return 0;
		st = wait_all(pid);
		if (!is_stop(st, SYSGOOD_TRAP))
			return 0;
		if (pt(PTRACE_GETREGS, pid, 0, r) != 0)
			return 0;
		if ((long)r->orig_rax == nr && (long)r->rax == -ENOSYS)
			return 1;
	}
	return 0;
}

/* Resume and expect a normal exit with code; the child is gone after. */
static void cont_to_exit(pid_t pid, int code)
{
	int st;

	CHECK_EQ(pt(PTRACE_CONT, pid, 0, NULL), 0);
	st = wait_all(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), code);
}

static void do_nothing(void)
{
}

/* ---- TRACEME, CONT, the exec SIGTRAP -------------------------------- */

static void exec_self_exit7(void)
{
	execl(t_self, t_self, "exit", "7", (char *)NULL);
	_exit(91);
}

static void traceme_and_exec_sigtrap(void)
{
	siginfo_t si;
	pid_t pid = traced_child(exec_self_exit7);
	int st = wait_all(pid);

	/* Its own SIGSTOP: a signal-delivery stop. */
	CHECK(is_stop(st, SIGSTOP));
	CHECK_EQ(pt(PTRACE_GETSIGINFO, pid, 0, &si), 0);
	CHECK_EQ(si.si_signo, SIGSTOP);
	CHECK_ERR(pt(PTRACE_GETSIGINFO, pid, 0, (void *)8), EFAULT);
	CHECK_EQ(pt(PTRACE_CONT, pid, 0, NULL), 0);
	/* The SIGTRAP after a successful execve. */
	st = wait_all(pid);
	CHECK(is_stop(st, SIGTRAP));
	cont_to_exit(pid, 7);
	/* A second TRACEME fails; one without a tracer is EPERM too only
	 * when already traced. */
	pid = fork();
	if (pid == 0) {
		if (pt(PTRACE_TRACEME, 0, 0, NULL) != 0)
			_exit(1);
		_exit(pt(PTRACE_TRACEME, 0, 0, NULL) == -1 && errno == EPERM
			      ? 2
			      : 3);
	}
	st = wait_all(pid);
	CHECK(WIFEXITED(st));
	CHECK_EQ(WEXITSTATUS(st), 2);
}

/* ---- signal-delivery stops: the tracer picks the signal --------------- */

static volatile sig_atomic_t usr1_hits;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_hits++;
}

static void send_three(void)
{
	signal(SIGUSR1, on_usr1);
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR2);
	kill(getpid(), SIGCHLD); /* ignored by default: the tracer sees it */
	_exit(usr1_hits);
}

static void tracer_chooses_the_signal(void)
{
	siginfo_t si;
	pid_t pid = traced_child(send_three);
	int st = wait_all(pid);

	CHECK(is_stop(st, SIGSTOP));
	CHECK_ERR(pt_val(PTRACE_CONT, pid, 0, 100), EIO); /* no signal 100 */
	CHECK_EQ(pt(PTRACE_CONT, pid, 0, NULL), 0);
	st = wait_all(pid);
	CHECK(is_stop(st, SIGUSR1));
	CHECK_EQ(pt(PTRACE_CONT, pid, 0, NULL), 0); /* suppressed */
	st = wait_all(pid);
	CHECK(is_stop(st, SIGUSR1));
	CHECK_EQ(pt_val(PTRACE_CONT, pid, 0, SIGUSR1), 0); /* delivered */
	st = wait_all(pid);
	CHECK(is_stop(st, SIGUSR2));
	CHECK_EQ(pt(PTRACE_GETSIGINFO, pid, 0, &si), 0);
	CHECK_EQ(si.si_signo, SIGUSR2);
	CHECK_EQ(si.si_pid, pid);
	si.si_code = SI_QUEUE; /* SETSIGINFO: read back as written */
	CHECK_EQ(pt(PTRACE_SETSIGINFO, pid, 0, &si), 0);
	memset(&si, 0, sizeof(si));
	CHECK_EQ(pt(PTRACE_GETSIGINFO, pid, 0, &si), 0);
	CHECK_EQ(si.si_code, SI_QUEUE);
	CHECK_ERR(pt(PTRACE_SETSIGINFO, pid, 0, (void *)8), EFAULT);
	CHECK_EQ(pt_val(PTRACE_CONT, pid, 0, SIGUSR1), 0); /* replaced */
	st = wait_all(pid);
	CHECK(is_stop(st, SIGCHLD));
	cont_to_exit(pid, 2);
	/* Requests to a process that is not a stopped tracee: ESRCH. */
	CHECK_ERR(pt(PTRACE_CONT, pid, 0, NULL), ESRCH);
	CHECK_ERR(pt(PTRACE_CONT, getpid(), 0, NULL), ESRCH);
	CHECK_ERR(pt(PTRACE_GETREGS, 999999, 0, NULL), ESRCH);
}

/* ---- syscall stops, registers, GET_SYSCALL_INFO ------------------------ */

static void call_getpid(void)
{
	_exit(syscall(SYS_getpid) == getpid() ? 0 : 1);
}

static void syscall_stops_and_regs(void)
{
	struct user_regs_struct r;
	struct syscall_info si;
	long word;
	pid_t pid = traced_child(call_getpid);
	int st = wait_all(pid);

	CHECK(is_stop(st, SIGSTOP));
	CHECK_ERR(pt_val(PTRACE_SETOPTIONS, pid, 0, 0x40000000), EINVAL);
	CHECK_EQ(pt_val(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD), 0);
	CHECK(syscall_until(pid, SYS_getpid, &r));
	CHECK_EQ((long)r.rax, -ENOSYS);
	CHECK_EQ(r.cs, 0x33);
	CHECK_EQ(r.ss, 0x2b);
	CHECK_EQ(pt(PTRACE_PEEKUSER, pid,
		    offsetof(struct user_regs_struct, orig_rax), &word),
		 0);
	CHECK_EQ(word, SYS_getpid);
	CHECK_ERR(pt(PTRACE_PEEKUSER, pid, 3, &word), EIO);
	CHECK_ERR(pt(PTRACE_PEEKUSER, pid, 1 << 20, &word), EIO);
	CHECK_ERR(pt(PTRACE_GETREGS, pid, 0, (void *)8), EFAULT);
	memset(&si, 0xff, sizeof(si));
	CHECK(pt(PTRACE_GET_SYSCALL_INFO, pid, sizeof(si), &si) > 0);
	CHECK_EQ(si.op, 1); /* PTRACE_SYSCALL_INFO_ENTRY */
	CHECK_EQ(si.arch, 0xc000003e);
	CHECK_EQ(si.entry.nr, SYS_getpid);
	CHECK_EQ(si.ip, r.rip);
	CHECK_EQ(si.sp, r.rsp);
	CHECK_EQ(si.entry.args[0], r.rdi);
	CHECK_EQ(si.entry.args[3], r.r10);
	/* The exit stop: the result in rax. */
	CHECK_EQ(pt(PTRACE_SYSCALL, pid, 0, NULL), 0);
	st = wait_all(pid);
	CHECK(is_stop(st, SYSGOOD_TRAP));
	CHECK_EQ(pt(PTRACE_GETREGS, pid, 0, &r), 0);
	CHECK_EQ((long)r.orig_rax, SYS_getpid);
	CHECK_EQ((long)r.rax, pid);
	CHECK(pt(PTRACE_GET_SYSCALL_INFO, pid, sizeof(si), &si) > 0);
	CHECK_EQ(si.op, 2); /* PTRACE_SYSCALL_INFO_EXIT */
	CHECK_EQ(si.exit.rval, pid);
	CHECK_EQ(si.exit.is_error, 0);
	/* GETREGSET gives the same registers; POKEUSER writes one. */
	{
		struct user_regs_struct r2;
		struct iovec iov = { &r2, sizeof(r2) };

		CHECK_EQ(pt(PTRACE_GETREGSET, pid, 1 /* NT_PRSTATUS */, &iov),
			 0);
		CHECK_EQ(iov.iov_len, sizeof(r2));
		CHECK_EQ(r2.rax, r.rax);
		CHECK_ERR(pt(PTRACE_GETREGSET, pid, 0x7777, &iov), EINVAL);
	}
	CHECK_EQ(pt_val(PTRACE_POKEUSER, pid,
			offsetof(struct user_regs_struct, rax), pid + 1),
		 0);
	CHECK_EQ(pt(PTRACE_GETREGS, pid, 0, &r), 0);
	CHECK_EQ((long)r.rax, pid + 1);
	CHECK_ERR(pt_val(PTRACE_POKEUSER, pid,
			 offsetof(struct user_regs_struct, cs), 0x08),
		  EIO);
	CHECK_EQ(pt_val(PTRACE_POKEUSER, pid,
			offsetof(struct user_regs_struct, rax), pid),
		 0);
	cont_to_exit(pid, 0);
}

/* ---- denying a call, changing a result ---------------------------------- */

static void denied_then_changed(void)
{
	long r = syscall(SYS_getppid);
	int denied = r == -1 && errno == ENOSYS;

	_exit(denied && syscall(SYS_getpid) == 12345 ? 0 : 1);
}

static void deny_and_change_result(void)
{
	struct user_regs_struct r;
	pid_t pid = traced_child(denied_then_changed);
	int st = wait_all(pid);

	CHECK(is_stop(st, SIGSTOP));
	CHECK_EQ(pt_val(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD), 0);
	CHECK(syscall_until(pid, SYS_getppid, &r));
	r.orig_rax = -1; /* skip it: the result stays -ENOSYS */
	CHECK_EQ(pt(PTRACE_SETREGS, pid, 0, &r), 0);
	CHECK_EQ(pt(PTRACE_SYSCALL, pid, 0, NULL), 0);
	st = wait_all(pid);
	CHECK(is_stop(st, SYSGOOD_TRAP));
	CHECK_EQ(pt(PTRACE_GETREGS, pid, 0, &r), 0);
	CHECK_EQ((long)r.rax, -ENOSYS);
	CHECK(syscall_until(pid, SYS_getpid, &r));
	CHECK_EQ(pt(PTRACE_SYSCALL, pid, 0, NULL), 0);
	st = wait_all(pid);
	CHECK(is_stop(st, SYSGOOD_TRAP));
	CHECK_EQ(pt(PTRACE_GETREGS, pid, 0, &r), 0);
	r.rax = 12345;
	CHECK_EQ(pt(PTRACE_SETREGS, pid, 0, &r), 0);
	cont_to_exit(pid, 0);
}

/* ---- SETREGS cannot hurt the kernel -------------------------------------- */

static void setregs_checks(void)
{
	struct user_regs_struct r, bad, back;
	pid_t pid = traced_child(do_nothing);
	int st = wait_all(pid);
	long res;

	CHECK(is_stop(st, SIGSTOP));
	CHECK_EQ(pt(PTRACE_GETREGS, pid, 0, &r), 0);
	bad = r;
	bad.cs = 0x08; /* a kernel code segment */
	CHECK_ERR(pt(PTRACE_SETREGS, pid, 0, &bad), EIO);
	bad = r;
	bad.ss = 0x10; /* a kernel data segment */
	CHECK_ERR(pt(PTRACE_SETREGS, pid, 0, &bad), EIO);
	bad = r;
	bad.fs_base = 0xffff800000000000UL; /* beyond user space */
	CHECK_ERR(pt(PTRACE_SETREGS, pid, 0, &bad), EIO);
	CHECK_ERR(pt(PTRACE_SETREGS, pid, 0, (void *)8), EFAULT);
	/* IOPL and a cleared IF are not the tracer's to give. */
	bad = r;
	bad.eflags = (r.eflags | 0x3000) & ~0x200UL;
	CHECK_EQ(pt(PTRACE_SETREGS, pid, 0, &bad), 0);
	CHECK_EQ(pt(PTRACE_GETREGS, pid, 0, &back), 0);
	CHECK_EQ(back.eflags & 0x3000, 0);
	CHECK_EQ(back.eflags & 0x200, 0x200);
	CHECK_EQ(pt(PTRACE_SETREGS, pid, 0, &r), 0);
	/* A non-canonical rip: refused (Kestrel), or the tracee faults
	 * cleanly on its way back (Linux). Either way the kernel lives. */
	bad = r;
	bad.rip = 0x8000000000000000UL;
	res = pt(PTRACE_SETREGS, pid, 0, &bad);
	if (res == 0) {
		CHECK_EQ(pt(PTRACE_CONT, pid, 0, NULL), 0);
		st = wait_all(pid);
		CHECK(is_stop(st, SIGSEGV));
		CHECK_EQ(pt(PTRACE_KILL, pid, 0, NULL), 0);
		st = wait_all(pid);
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
		return;
	}
	CHECK_EQ(errno, EIO);
	cont_to_exit(pid, 0);
}

/* ---- memory: PEEK/POKE, process_vm_readv/writev --------------------------- */

static volatile long secret = 0x1122334455667788L;

static void check_secret(void)
{
	_exit(secret == 42 ? 0 : 1);
}

static void memory_access(void)
{
	pid_t pid = traced_child(check_secret);
	int st = wait_all(pid);
	long word = 0, buf[2] = { 0 }, val = 99;
	struct iovec local = { buf, sizeof(long) };
	struct iovec remote = { (void *)&secret, sizeof(long) };
	struct iovec bad_remote = { (void *)16, sizeof(long) };
	struct iovec one = { &val, sizeof(long) };

	CHECK(is_stop(st, SIGSTOP));
	CHECK_EQ(pt(PTRACE_PEEKDATA, pid, (long)&secret, &word), 0);
	CHECK_EQ(word, 0x1122334455667788L);
	CHECK_ERR(pt(PTRACE_PEEKDATA, pid, 16, &word), EIO);
	CHECK_ERR(pt(PTRACE_PEEKDATA, pid, (long)&secret, (void *)8), EFAULT);
	CHECK_ERR(pt_val(PTRACE_POKEDATA, pid, 16, 1), EIO);
	CHECK_EQ(process_vm_readv(pid, &local, 1, &remote, 1, 0),
		 (long)sizeof(long));
	CHECK_EQ(buf[0], 0x1122334455667788L);
	CHECK_ERR(process_vm_readv(pid, &local, 1, &bad_remote, 1, 0), EFAULT);
	CHECK_ERR(process_vm_readv(pid, &local, 1, &remote, 1, 1), EINVAL);
	CHECK_ERR(process_vm_readv(999999, &local, 1, &remote, 1, 0), ESRCH);
	CHECK_EQ(process_vm_writev(pid, &one, 1, &remote, 1, 0),
		 (long)sizeof(long));
	CHECK_EQ(pt(PTRACE_PEEKDATA, pid, (long)&secret, &word), 0);
	CHECK_EQ(word, 99);
	CHECK_EQ(pt_val(PTRACE_POKEDATA, pid, (long)&secret, 42), 0);
	cont_to_exit(pid, 0);
	/* Our own memory is still ours: the child had a copy. */
	CHECK_EQ(secret, 0x1122334455667788L);
}

/* ---- forced access: a breakpoint into text, read-only pages ---------------- */

/* What a debugger does: PEEK and POKE ignore the protection of private
 * pages (the tracee gets its own copy: the program file and the tracer
 * keep the old bytes), but not of a shared read-only mapping; addresses
 * with nothing mapped, or in the kernel, give EIO. */
static const long ro_word = 7;
static long *none_page, *shared_ro;

__attribute__((noinline)) static int bp_target(void)
{
	return 5;
}

static void hit_breakpoint(void)
{
	int (*volatile call)(void) = bp_target;
	int r = call(); /* stops at the tracer's int3 */

	if (mprotect(none_page, 4096, PROT_READ) != 0)
		_exit(2);
	_exit(r == 5 && *(volatile const long *)&ro_word == 8 &&
			      none_page[0] == 9
		      ? 0
		      : 1);
}

static void breakpoint_and_forced_writes(void)
{
	struct user_regs_struct r;
	const long kernel_addr = (long)0xffffffff80000000UL;
	long text = (long)bp_target, orig = 0, word = 0;
	pid_t pid;
	int st;

	none_page =
		mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	shared_ro =
		mmap(NULL, 4096, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(none_page != MAP_FAILED && shared_ro != MAP_FAILED);
	pid = traced_child(hit_breakpoint);
	st = wait_all(pid);
	CHECK(is_stop(st, SIGSTOP));
	CHECK_EQ(pt(PTRACE_PEEKTEXT, pid, text, &orig), 0);
	CHECK_EQ(orig, *(volatile long *)text);
	CHECK_EQ(pt_val(PTRACE_POKETEXT, pid, text, (orig & ~0xffL) | 0xcc), 0);
	CHECK_EQ(pt(PTRACE_PEEKTEXT, pid, text, &word), 0);
	CHECK_EQ(word & 0xff, 0xcc);
	CHECK_EQ(pt_val(PTRACE_POKEDATA, pid, (long)&ro_word, 8), 0);
	CHECK_EQ(pt_val(PTRACE_POKEDATA, pid, (long)none_page, 9), 0);
	CHECK_EQ(pt(PTRACE_PEEKDATA, pid, (long)none_page, &word), 0);
	CHECK_EQ(word, 9);
	CHECK_ERR(pt_val(PTRACE_POKEDATA, pid, (long)shared_ro, 1), EIO);
	CHECK_EQ(pt(PTRACE_PEEKDATA, pid, (long)shared_ro, &word), 0);
	CHECK_EQ(word, 0);
	CHECK_ERR(pt(PTRACE_PEEKDATA, pid, kernel_addr, &word), EIO);
	CHECK_ERR(pt_val(PTRACE_POKEDATA, pid, kernel_addr, 1), EIO);
	CHECK_ERR(pt(PTRACE_PEEKTEXT, pid, 0, &word), EIO);
	{
		/* process_vm_writev is no debugger: it respects protection. */
		long val = 3;
		struct iovec local = { &val, sizeof(val) };
		struct iovec remote = { (void *)&ro_word, sizeof(val) };

		CHECK_ERR(process_vm_writev(pid, &local, 1, &remote, 1, 0),
			  EFAULT);
	}
	/* The breakpoint: a SIGTRAP stop just after the int3. */
	CHECK_EQ(pt(PTRACE_CONT, pid, 0, NULL), 0);
	st = wait_all(pid);
	CHECK(is_stop(st, SIGTRAP));
	CHECK_EQ(pt(PTRACE_GETREGS, pid, 0, &r), 0);
	CHECK_EQ(r.rip, text + 1);
	/* Put the byte back and run the function again from its start. */
	CHECK_EQ(pt_val(PTRACE_POKETEXT, pid, text, orig), 0);
	r.rip = text;
	CHECK_EQ(pt(PTRACE_SETREGS, pid, 0, &r), 0);
	cont_to_exit(pid, 0);
	/* The tracer's own pages (and the program file's) never changed. */
	CHECK_EQ(*(volatile unsigned char *)text, orig & 0xff);
	CHECK_EQ(*(volatile const long *)&ro_word, 7);
	CHECK_EQ(mprotect(none_page, 4096, PROT_READ), 0);
	CHECK_EQ(none_page[0], 0);
	munmap(none_page, 4096);
	munmap(shared_ro, 4096);
}

/* ---- attach, detach, the rules, TracerPid --------------------------------- */

static int tracer_pid_of(pid_t pid)
{
	char path[64], line[128];
	int tp = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "TracerPid: %d", &tp) == 1)
			break;
	fclose(f);
	return tp;
}

static pid_t sleeper(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		/* Let a sibling trace us under Linux's Yama too. */
		prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
		for (;;)
			pause();
	}
	return pid;
}

static void attach_detach_and_rules(void)
{
	pid_t pid = sleeper();
	int st;

	CHECK_ERR(pt(PTRACE_ATTACH, getpid(), 0, NULL), EPERM);
	CHECK_ERR(pt(PTRACE_ATTACH, 999999, 0, NULL), ESRCH);
	if (t_on_linux())
		t_kestrel_only(
			"attaching to init is EPERM (root may on Linux)");
	else
		CHECK_ERR(pt(PTRACE_ATTACH, 1, 0, NULL), EPERM);
	CHECK_ERR(pt(PTRACE_DETACH, pid, 0, NULL), ESRCH); /* not ours */
	CHECK_EQ(pt(PTRACE_ATTACH, pid, 0, NULL), 0);
	CHECK_ERR(pt(PTRACE_ATTACH, pid, 0, NULL), EPERM);
	CHECK_ERR(pt(PTRACE_SEIZE, pid, 0, NULL), EPERM);
	st = wait_all(pid);
	CHECK(is_stop(st, SIGSTOP));
	CHECK_EQ(tracer_pid_of(pid), getpid());
	CHECK_ERR(pt_val(PTRACE_DETACH, pid, 0, 100), EIO);
	CHECK_EQ(pt(PTRACE_DETACH, pid, 0, NULL), 0);
	CHECK_EQ(tracer_pid_of(pid), 0);
	/* It runs on, untraced: SIGTERM ends it as usual. */
	CHECK_OK(kill(pid, SIGTERM));
	st = wait_all(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	/* SEIZE's own argument checks. */
	pid = sleeper();
	CHECK_ERR(pt(PTRACE_SEIZE, pid, 1, NULL), EIO);
	CHECK_ERR(pt_val(PTRACE_SEIZE, pid, 0, 0x40000000), EIO);
	CHECK_ERR(pt(0x7777, pid, 0, NULL), ESRCH); /* not traced */
	CHECK_EQ(pt(PTRACE_ATTACH, pid, 0, NULL), 0);
	st = wait_all(pid);
	CHECK(is_stop(st, SIGSTOP));
	CHECK_ERR(pt(0x7777, pid, 0, NULL), EIO); /* no such request */
	CHECK_ERR(pt(PTRACE_INTERRUPT, pid, 0, NULL), EIO); /* not seized */
	/* PTRACE_KILL. */
	CHECK_EQ(pt(PTRACE_KILL, pid, 0, NULL), 0);
	st = wait_all(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

/* ---- group stops ---------------------------------------------------------- */

static void group_stop(void)
{
	pid_t pid = sleeper();
	siginfo_t si;
	int st;

	CHECK_EQ(pt(PTRACE_ATTACH, pid, 0, NULL), 0);
	st = wait_all(pid);
	CHECK(is_stop(st, SIGSTOP));
	CHECK_EQ(pt(PTRACE_CONT, pid, 0, NULL), 0);
	/* SIGSTOP, not SIGTSTP: Kestrel's shell ignores the latter, and
	 * its children inherit that. */
	CHECK_OK(kill(pid, SIGSTOP));
	st = wait_all(pid);
	CHECK(is_stop(st, SIGSTOP)); /* signal-delivery stop */
	CHECK_EQ(pt(PTRACE_GETSIGINFO, pid, 0, &si), 0);
	CHECK_EQ(si.si_signo, SIGSTOP);
	CHECK_EQ(pt_val(PTRACE_CONT, pid, 0, SIGSTOP), 0);
	st = wait_all(pid);
	CHECK(is_stop(st, SIGSTOP)); /* now the group stop */
	CHECK_ERR(pt(PTRACE_GETSIGINFO, pid, 0, &si), EINVAL);
	CHECK_EQ(pt(PTRACE_KILL, pid, 0, NULL), 0);
	st = wait_all(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

/* ---- SEIZE and INTERRUPT --------------------------------------------------- */

static void seize_and_interrupt(void)
{
	pid_t pid = sleeper();
	siginfo_t si;
	int st;

	CHECK_EQ(pt_val(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACESYSGOOD), 0);
	CHECK_EQ(tracer_pid_of(pid), getpid());
	/* No stop comes by itself. */
	CHECK_EQ(waitpid(pid, &st, WNOHANG | __WALL), 0);
	CHECK_EQ(pt(PTRACE_INTERRUPT, pid, 0, NULL), 0);
	st = wait_all(pid);
	CHECK(WIFSTOPPED(st));
	CHECK_EQ(st >> 16, PTRACE_EVENT_STOP);
	CHECK_EQ(WSTOPSIG(st), SIGTRAP);
	CHECK_EQ(pt(PTRACE_GETSIGINFO, pid, 0, &si), 0);
	CHECK_EQ(pt(PTRACE_CONT, pid, 0, NULL), 0);
	/* A signal still stops it first. */
	CHECK_OK(kill(pid, SIGUSR1));
	st = wait_all(pid);
	CHECK(is_stop(st, SIGUSR1));
	CHECK_EQ(pt(PTRACE_CONT, pid, 0, NULL), 0);
	CHECK_OK(kill(pid, SIGKILL));
	st = wait_all(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

/* ---- LISTEN: a seized tracee waits out its group stop --------------------- */

/* Is st a PTRACE_EVENT_STOP stop with this signal? */
static int is_event_stop(int st, int sig)
{
	return WIFSTOPPED(st) && (st >> 16) == PTRACE_EVENT_STOP &&
	       WSTOPSIG(st) == sig;
}

/* Bring seized pid into a group stop: the SIGSTOP's signal-delivery
 * stop, then (resumed with it) the group stop. */
static void seized_group_stop(pid_t pid)
{
	int st;

	CHECK_OK(kill(pid, SIGSTOP));
	st = wait_all(pid);
	CHECK(is_stop(st, SIGSTOP));
	CHECK_ERR(pt(PTRACE_LISTEN, pid, 0, NULL), EIO); /* not a group stop */
	CHECK_EQ(pt_val(PTRACE_CONT, pid, 0, SIGSTOP), 0);
	st = wait_all(pid);
	CHECK(is_event_stop(st, SIGSTOP));
}

static void listen_in_group_stop(void)
{
	struct user_regs_struct r;
	pid_t pid = sleeper();
	int st;

	CHECK_EQ(pt(PTRACE_SEIZE, pid, 0, NULL), 0);
	seized_group_stop(pid);
	/* Listening: still stopped, but neither reported nor open to
	 * requests, until SIGCONT ends the group stop: then a SIGTRAP
	 * event stop, and the SIGCONT's own signal-delivery stop after. */
	CHECK_EQ(pt(PTRACE_LISTEN, pid, 0, NULL), 0);
	CHECK_EQ(waitpid(pid, &st, WNOHANG | __WALL), 0);
	CHECK_ERR(pt(PTRACE_GETREGS, pid, 0, &r), ESRCH);
	CHECK_OK(kill(pid, SIGCONT));
	st = wait_all(pid);
	CHECK(is_event_stop(st, SIGTRAP));
	CHECK_EQ(pt(PTRACE_GETREGS, pid, 0, &r), 0);
	CHECK_EQ(pt(PTRACE_CONT, pid, 0, NULL), 0);
	st = wait_all(pid);
	CHECK(is_stop(st, SIGCONT));
	CHECK_EQ(pt(PTRACE_CONT, pid, 0, NULL), 0);
	/* INTERRUPT ends the listening early: the group is still stopped,
	 * so the new stop carries the stop signal. */
	seized_group_stop(pid);
	CHECK_EQ(pt(PTRACE_LISTEN, pid, 0, NULL), 0);
	CHECK_EQ(pt(PTRACE_INTERRUPT, pid, 0, NULL), 0);
	st = wait_all(pid);
	CHECK(is_event_stop(st, SIGSTOP));
	CHECK_OK(kill(pid, SIGKILL));
	st = wait_all(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	/* Only for seized tracees. */
	pid = traced_child(do_nothing);
	st = wait_all(pid);
	CHECK(is_stop(st, SIGSTOP));
	CHECK_ERR(pt(PTRACE_LISTEN, pid, 0, NULL), EIO);
	cont_to_exit(pid, 0);
}

/* ---- a thread's exit ------------------------------------------------------- */

static void *thread_exits_5(void *arg)
{
	(void)arg;
	syscall(SYS_exit, 5); /* this thread alone, without musl's goodbye */
	return NULL;
}

static volatile sig_atomic_t go;

static void on_go(int sig)
{
	(void)sig;
	go = 1;
}

/* A thread that exits with 5; then the leader waits for the tracer's
 * SIGUSR1 and exits with 3 (no pthread_join: musl's needs the thread
 * to leave through pthread_exit). */
static void thread_then_exit_3(void)
{
	pthread_t t;

	signal(SIGUSR1, on_go);
	if (pthread_create(&t, NULL, thread_exits_5, NULL) != 0)
		_exit(1);
	while (!go)
		pause();
	_exit(3);
}

static void *thread_waits(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* exit_group(4) with a second thread still running. */
static void thread_then_exit_group_4(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, thread_waits, NULL) != 0)
		_exit(1);
	sched_yield();
	_exit(4);
}

/* Run pid (stopped, traced, TRACECLONE set) to its end, continuing every
 * stop; the wait statuses of the process and of its other thread. */
static void run_to_end(pid_t pid, int *proc_status, int *thread_status)
{
	pid_t w, tid = -1, exited = -1;
	unsigned long msg;
	int st, guard = 0;

	*proc_status = *thread_status = -1;
	CHECK_EQ(pt(PTRACE_CONT, pid, 0, NULL), 0);
	while (*proc_status == -1 || *thread_status == -1) {
		w = waitpid(-1, &st, __WALL);
		if (w < 0 || guard++ > 50)
			break;
		if (WIFSTOPPED(st)) {
			if ((st >> 16) == PTRACE_EVENT_CLONE &&
			    pt(PTRACE_GETEVENTMSG, w, 0, &msg) == 0)
				tid = (pid_t)msg;
			pt(PTRACE_CONT, w, 0, NULL);
		} else if (w == pid) {
			*proc_status = st;
		} else {
			/* The thread: its stops may come before the clone
			 * event that names it. */
			exited = w;
			*thread_status = st;
		}
	}
	CHECK_EQ(exited, tid);
}

/* A traced thread that is not the leader: its PTRACE_EVENT_EXIT stop
 * with its own status, then its exit, reported to the tracer by its
 * thread id (with __WALL); the process's exit after. */
static void thread_exit_reported(void)
{
	pid_t pid = traced_child(thread_then_exit_3), tid = -1, w;
	int st = wait_all(pid), thread_events = 0, thread_exit = -1;
	int main_events = 0, guard = 0;
	pid_t exited = -1;
	unsigned long msg;

	CHECK(is_stop(st, SIGSTOP));
	CHECK_EQ(pt_val(PTRACE_SETOPTIONS, pid, 0,
			PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXIT),
		 0);
	CHECK_EQ(pt(PTRACE_CONT, pid, 0, NULL), 0);
	while ((w = waitpid(-1, &st, __WALL)) > 0 && guard++ < 50) {
		int event = WIFSTOPPED(st) ? st >> 16 : -1;

		if (w == pid && !WIFSTOPPED(st))
			break;
		if (w != pid && !WIFSTOPPED(st)) {
			/* The thread (whose stops may come before the clone
			 * event that names it). */
			exited = w;
			thread_exit = st;
			kill(pid, SIGUSR1); /* the leader may go now */
			continue;
		}
		if (event == PTRACE_EVENT_CLONE &&
		    pt(PTRACE_GETEVENTMSG, w, 0, &msg) == 0)
			tid = (pid_t)msg;
		if (event == PTRACE_EVENT_EXIT &&
		    pt(PTRACE_GETEVENTMSG, w, 0, &msg) == 0) {
			if (w != pid && msg == 5 << 8)
				thread_events++;
			else if (w == pid && msg == 3 << 8)
				main_events++;
		}
		/* SIGUSR1 is delivered; the new thread's SIGSTOP is not. */
		pt_val(PTRACE_CONT, w, 0,
		       event == 0 && WSTOPSIG(st) == SIGUSR1 ? SIGUSR1 : 0);
	}
	CHECK_EQ(w, pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	CHECK(tid > 0);
	CHECK_EQ(exited, tid);
	CHECK_EQ(thread_events, 1);
	CHECK_EQ(main_events, 1);
	CHECK(WIFEXITED(thread_exit) && WEXITSTATUS(thread_exit) == 5);
	/* A thread that exit_group ends has the group's status, and is
	 * reported besides the process. */
	pid = traced_child(thread_then_exit_group_4);
	st = wait_all(pid);
	CHECK(is_stop(st, SIGSTOP));
	CHECK_EQ(pt_val(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACECLONE), 0);
	run_to_end(pid, &st, &thread_exit);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 4);
	CHECK(WIFEXITED(thread_exit) && WEXITSTATUS(thread_exit) == 4);
}

/* ---- events: fork, exec, exit; auto-attach -------------------------------- */

static void fork_then_exec(void)
{
	pid_t g = fork();
	int st;

	if (g == 0)
		_exit(3);
	if (waitpid(g, &st, 0) != g || !WIFEXITED(st) || WEXITSTATUS(st) != 3)
		_exit(92);
	execl(t_self, t_self, "exit", "5", (char *)NULL);
	_exit(93);
}

static void events_fork_exec_exit(void)
{
	pid_t pid = traced_child(fork_then_exec), g = -1, who;
	int st, fork_ev = 0, g_stop = 0, g_exit_ev = 0, g_exit = 0;
	int exec_ev = 0, exit_ev = 0, done = 0;
	unsigned long msg;

	st = wait_all(pid);
	CHECK(is_stop(st, SIGSTOP));
	CHECK_EQ(pt_val(PTRACE_SETOPTIONS, pid, 0,
			PTRACE_O_TRACEFORK | PTRACE_O_TRACEEXEC |
				PTRACE_O_TRACEEXIT),
		 0);
	CHECK_EQ(pt(PTRACE_CONT, pid, 0, NULL), 0);
	for (int i = 0; i < 20 && !done; i++) {
		who = waitpid(-1, &st, __WALL);
		if (who < 0)
			break;
		if (who == pid &&
		    (st >> 8) == (SIGTRAP | PTRACE_EVENT_FORK << 8)) {
			fork_ev++;
			pt(PTRACE_GETEVENTMSG, pid, 0, &msg);
			g = (pid_t)msg;
		} else if (who == pid &&
			   (st >> 8) == (SIGTRAP | PTRACE_EVENT_EXEC << 8)) {
			exec_ev++;
			pt(PTRACE_GETEVENTMSG, pid, 0, &msg);
			CHECK_EQ(msg, pid);
		} else if (who == pid &&
			   (st >> 8) == (SIGTRAP | PTRACE_EVENT_EXIT << 8)) {
			exit_ev++;
			pt(PTRACE_GETEVENTMSG, pid, 0, &msg);
			CHECK_EQ(msg, 5 << 8);
		} else if (who == pid && WIFEXITED(st)) {
			CHECK_EQ(WEXITSTATUS(st), 5);
			done = 1;
			continue;
		} else if (who != pid && is_stop(st, SIGSTOP)) {
			g_stop++;
		} else if (who != pid &&
			   (st >> 8) == (SIGTRAP | PTRACE_EVENT_EXIT << 8)) {
			g_exit_ev++;
		} else if (who != pid && WIFEXITED(st)) {
			CHECK_EQ(WEXITSTATUS(st), 3);
			g_exit++;
			continue;
		} else if (!WIFSTOPPED(st)) {
			t_fail(__FILE__, __LINE__, "pid %d status %#x", who,
			       st);
			continue;
		}
		pt(PTRACE_CONT, who, 0, NULL);
	}
	CHECK(done);
	CHECK_EQ(fork_ev, 1);
	CHECK(g > 0);
	CHECK_EQ(g_stop, 1); /* auto-attached: its SIGSTOP first */
	CHECK_EQ(g_exit_ev, 1);
	CHECK_EQ(g_exit, 1); /* the tracer hears, then the parent */
	CHECK_EQ(exec_ev, 1);
	CHECK_EQ(exit_ev, 1);
}

static void vfork_child(void)
{
	pid_t g = vfork();

	if (g == 0)
		_exit(4);
	_exit(t_wait(g) == 4 << 8 ? 0 : 1);
}

static void *thread_fn(void *arg)
{
	return arg;
}

static void make_thread(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, thread_fn, NULL) != 0)
		_exit(1);
	pthread_join(t, NULL);
	_exit(0);
}

/* Run a traced child with these options to its exit, continuing every
 * stop; count the stops of (SIGTRAP | event << 8) and the SIGSTOP stops
 * of new tracees. */
static void count_events(void (*fn)(void), int options, int event, int *events,
			 int *new_stops)
{
	pid_t pid = traced_child(fn), who;
	int st;

	*events = *new_stops = 0;
	st = wait_all(pid);
	CHECK(is_stop(st, SIGSTOP));
	CHECK_EQ(pt_val(PTRACE_SETOPTIONS, pid, 0, options), 0);
	CHECK_EQ(pt(PTRACE_CONT, pid, 0, NULL), 0);
	for (int i = 0; i < 40; i++) {
		who = waitpid(-1, &st, __WALL);
		if (who < 0)
			break;
		if (who == pid && !WIFSTOPPED(st)) {
			CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
			return;
		}
		if (!WIFSTOPPED(st))
			continue;
		if ((st >> 8) == (SIGTRAP | event << 8))
			(*events)++;
		else if (who != pid && is_stop(st, SIGSTOP))
			(*new_stops)++;
		pt(PTRACE_CONT, who, 0, NULL);
	}
	t_fail(__FILE__, __LINE__, "the traced child did not exit");
}

static void events_vfork_and_clone(void)
{
	int events, stops;

	count_events(vfork_child, PTRACE_O_TRACEVFORK, PTRACE_EVENT_VFORK,
		     &events, &stops);
	CHECK_EQ(events, 1);
	CHECK_EQ(stops, 1);
	count_events(make_thread, PTRACE_O_TRACECLONE, PTRACE_EVENT_CLONE,
		     &events, &stops);
	CHECK_EQ(events, 1);
	CHECK_EQ(stops, 1);
	/* Without the option: no event, no auto-attach. */
	count_events(vfork_child, 0, PTRACE_EVENT_VFORK, &events, &stops);
	CHECK_EQ(events, 0);
	CHECK_EQ(stops, 0);
}

/* ---- a tracer that dies ---------------------------------------------------- */

/* Fork a tracer that attaches to pid (with options, by SEIZE if seize),
 * lets it run, and exits. */
static void tracer_that_exits(pid_t pid, int seize, long options)
{
	pid_t t = fork();

	if (t == 0) {
		int st;

		if (seize) {
			if (pt_val(PTRACE_SEIZE, pid, 0, options) != 0)
				_exit(1);
			_exit(0);
		}
		if (pt(PTRACE_ATTACH, pid, 0, NULL) != 0)
			_exit(2);
		if (waitpid(pid, &st, __WALL) != pid || !is_stop(st, SIGSTOP))
			_exit(3);
		if (pt(PTRACE_CONT, pid, 0, NULL) != 0)
			_exit(4);
		_exit(0);
	}
	CHECK_EQ(t_wait(t), 0);
}

static void tracer_dies(void)
{
	pid_t pid = sleeper();
	int st, tp = -1;

	tracer_that_exits(pid, 0, 0);
	/* Its tracer gone, the sleeper runs on, untraced. */
	for (int i = 0; i < 100 && tp != 0; i++) {
		tp = tracer_pid_of(pid);
		if (tp != 0)
			usleep(10000);
	}
	CHECK_EQ(tp, 0);
	CHECK_EQ(waitpid(pid, &st, WNOHANG), 0);
	CHECK_OK(kill(pid, SIGTERM));
	st = t_wait(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	/* With EXITKILL, the tracer's death kills it. */
	pid = sleeper();
	tracer_that_exits(pid, 1, PTRACE_O_EXITKILL);
	st = t_wait(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

/* ---- SINGLESTEP and GETFPREGS ---------------------------------------------- */

/* Five instructions between step_code and step_end. */
void step_code(void);
__asm__(".text\n"
	".globl step_code\n"
	"step_code:\n"
	"	nop\n"
	"	nop\n"
	"	xor %eax, %eax\n"
	"	inc %eax\n"
	"	nop\n"
	".globl step_end\n"
	"step_end:\n"
	"	ret\n");
extern char step_end[];

static void run_step_code(void)
{
	step_code();
}

static void singlestep_counts_instructions(void)
{
	struct user_regs_struct r;
	struct user_fpregs_struct fp;
	pid_t pid = traced_child(run_step_code);
	int st = wait_all(pid), steps = -1, i;

	CHECK(is_stop(st, SIGSTOP));
	CHECK_EQ(pt(PTRACE_GETFPREGS, pid, 0, &fp), 0);
	CHECK_EQ(fp.mxcsr & 0xffc0, 0x1f80);
	for (i = 0; i < 100000; i++) {
		if (pt(PTRACE_SINGLESTEP, pid, 0, NULL) != 0)
			break;
		st = wait_all(pid);
		if (!WIFSTOPPED(st) || pt(PTRACE_GETREGS, pid, 0, &r) != 0)
			break;
		if (r.rip == (uintptr_t)step_code)
			steps = 0;
		else if (steps >= 0)
			steps++;
		if (r.rip == (uintptr_t)step_end)
			break;
	}
	CHECK(is_stop(st, SIGTRAP));
	CHECK_EQ(steps, 5);
	cont_to_exit(pid, 0);
}

/* ---- register sets: GETREGSET/SETREGSET, SETFPREGS ------------------------- */

/* What the tracer put in the SSE registers: round toward zero in MXCSR,
 * and a pattern in xmm15 (which nothing between the stop and here uses). */
static void check_fp_state(void)
{
	uint32_t mxcsr;
	uint64_t x;

	__asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
	__asm__ volatile("movq %%xmm15, %0" : "=r"(x));
	_exit((mxcsr & 0x6000) == 0x6000 && x == 0x1234567890abcdefULL ? 0 : 1);
}

static void regsets_and_fpregs(void)
{
	struct user_regs_struct r, r2;
	struct user_fpregs_struct fp, fp2;
	char big[1024];
	long r15 = 0x5151;
	struct iovec iov;
	pid_t pid = traced_child(check_fp_state);
	int st = wait_all(pid);

	CHECK(is_stop(st, SIGSTOP));
	/* NT_PRSTATUS: user_regs_struct; iov_len says how much, and is
	 * a multiple of 8. */
	iov = (struct iovec){ &r, sizeof(r) };
	CHECK_EQ(pt(PTRACE_GETREGSET, pid, NT_PRSTATUS, &iov), 0);
	CHECK_EQ(iov.iov_len, sizeof(r));
	CHECK_EQ(pt(PTRACE_GETREGS, pid, 0, &r2), 0);
	CHECK_EQ(memcmp(&r, &r2, sizeof(r)), 0);
	iov = (struct iovec){ big, sizeof(big) };
	CHECK_EQ(pt(PTRACE_GETREGSET, pid, NT_PRSTATUS, &iov), 0);
	CHECK_EQ(iov.iov_len, sizeof(r));
	iov = (struct iovec){ big, 8 };
	CHECK_EQ(pt(PTRACE_GETREGSET, pid, NT_PRSTATUS, &iov), 0);
	CHECK_EQ(iov.iov_len, 8);
	iov = (struct iovec){ big, 12 };
	CHECK_ERR(pt(PTRACE_GETREGSET, pid, NT_PRSTATUS, &iov), EINVAL);
	iov = (struct iovec){ big, sizeof(big) };
	CHECK_ERR(pt(PTRACE_GETREGSET, pid, 0x999, &iov), EINVAL);
	CHECK_ERR(pt(PTRACE_GETREGSET, pid, NT_PRSTATUS, (void *)8), EFAULT);
	/* A short SETREGSET changes only what it covers (r15 comes first). */
	iov = (struct iovec){ &r15, sizeof(r15) };
	CHECK_EQ(pt(PTRACE_SETREGSET, pid, NT_PRSTATUS, &iov), 0);
	CHECK_EQ(pt(PTRACE_GETREGS, pid, 0, &r2), 0);
	CHECK_EQ(r2.r15, 0x5151);
	CHECK_EQ(r2.r14, r.r14);
	CHECK_EQ(r2.rip, r.rip);
	r2 = r;
	r2.cs = 0x8; /* a kernel segment */
	iov = (struct iovec){ &r2, sizeof(r2) };
	CHECK_ERR(pt(PTRACE_SETREGSET, pid, NT_PRSTATUS, &iov), EIO);
	iov = (struct iovec){ &r, sizeof(r) };
	CHECK_EQ(pt(PTRACE_SETREGSET, pid, NT_PRSTATUS, &iov), 0);
	/* NT_PRFPREG: the fxsave area, the same bytes as GETFPREGS. */
	CHECK_EQ(pt(PTRACE_GETFPREGS, pid, 0, &fp), 0);
	iov = (struct iovec){ &fp2, sizeof(fp2) };
	CHECK_EQ(pt(PTRACE_GETREGSET, pid, NT_PRFPREG, &iov), 0);
	CHECK_EQ(iov.iov_len, sizeof(fp2));
	CHECK_EQ(memcmp(&fp, &fp2, sizeof(fp)), 0);
	/* An MXCSR with a reserved bit is refused, and changes nothing. */
	fp2.mxcsr |= 0x80000000u;
	CHECK_ERR(pt(PTRACE_SETFPREGS, pid, 0, &fp2), EINVAL);
	CHECK_ERR(pt(PTRACE_SETREGSET, pid, NT_PRFPREG, &iov), EINVAL);
	CHECK_ERR(pt(PTRACE_SETFPREGS, pid, 0, (void *)8), EFAULT);
	CHECK_EQ(pt(PTRACE_GETFPREGS, pid, 0, &fp2), 0);
	CHECK_EQ(memcmp(&fp, &fp2, sizeof(fp)), 0);
	/* Round toward zero and a pattern in xmm15: read back, then seen
	 * by the tracee. */
	fp.mxcsr |= 0x6000;
	fp.xmm_space[60] = 0x90abcdef;
	fp.xmm_space[61] = 0x12345678;
	CHECK_EQ(pt(PTRACE_SETFPREGS, pid, 0, &fp), 0);
	CHECK_EQ(pt(PTRACE_GETFPREGS, pid, 0, &fp2), 0);
	CHECK_EQ(fp2.mxcsr, fp.mxcsr);
	CHECK_EQ(fp2.xmm_space[61], 0x12345678);
	cont_to_exit(pid, 0);
}

/* ---- many stops, on any CPU ------------------------------------------------- */

static void getpid_loop(void)
{
	for (int i = 0; i < 100; i++)
		syscall(SYS_getpid);
	_exit(0);
}

static void many_syscall_stops(void)
{
	struct user_regs_struct r;
	pid_t pid = traced_child(getpid_loop);
	int st = wait_all(pid), entries = 0, exits = 0, entering = 1;

	CHECK(is_stop(st, SIGSTOP));
	CHECK_EQ(pt_val(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD), 0);
	for (;;) {
		if (pt(PTRACE_SYSCALL, pid, 0, NULL) != 0)
			break;
		st = wait_all(pid);
		if (!is_stop(st, SYSGOOD_TRAP))
			break;
		if (pt(PTRACE_GETREGS, pid, 0, &r) != 0)
			break;
		if ((long)r.orig_rax == SYS_getpid) {
			if (entering)
				entries++;
			else
				exits += (long)r.rax == pid;
		}
		entering = !entering;
	}
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK_EQ(entries, 100);
	CHECK_EQ(exits, 100);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "exit") == 0)
		return atoi(argv[2]); /* re-executed by an exec case */
	t_begin(argv[0], 120);
	RUN(traceme_and_exec_sigtrap);
	RUN(tracer_chooses_the_signal);
	RUN(syscall_stops_and_regs);
	RUN(deny_and_change_result);
	RUN(setregs_checks);
	RUN(memory_access);
	RUN(breakpoint_and_forced_writes);
	RUN(attach_detach_and_rules);
	RUN(group_stop);
	RUN(seize_and_interrupt);
	RUN(events_fork_exec_exit);
	RUN(events_vfork_and_clone);
	RUN(tracer_dies);
	RUN(singlestep_counts_instructions);
	RUN(regsets_and_fpregs);
	RUN(listen_in_group_stop);
	RUN(thread_exit_reported);
	RUN(many_syscall_stops);
	return t_end();
}
