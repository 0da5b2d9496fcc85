/*
 * t_misc: the remaining calls. uname names an x86_64 machine (on Kestrel:
 * sysname Kestrel, and sethostname changes its nodename); getrandom
 * fills a buffer (two draws differ) and refuses unknown flags; getrlimit,
 * setrlimit and prlimit64 agree, also on another process; getrusage and
 * times count the CPU time of the process and of its reaped children;
 * sysinfo's figures are sane (and on Kestrel agree with /proc/meminfo);
 * arch_prctl sets and reads the FS base; set_tid_address returns the
 * thread id; the user and group ids agree, and setting them to themselves
 * works; getpriority and setpriority check their arguments; terminal
 * ioctls on a pipe or a file give ENOTTY (and work on a terminal, when
 * standard input is one); reboot with a wrong magic number or command
 * gives EINVAL (it is never called to power off; on Kestrel CAD_OFF is).
 */
#include "t.h"
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <termios.h>

/* arch_prctl codes (Linux's asm/prctl.h, which musl does not ship). */
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

static void uname_fields(void)
{
	struct utsname u;

	CHECK_OK(uname(&u));
	CHECK(strcmp(u.machine, "x86_64") == 0);
	CHECK(u.sysname[0] && u.release[0] && u.version[0]);
	CHECK(u.nodename[0]);
	if (t_on_linux()) {
		t_kestrel_only("sysname Kestrel, sethostname");
		return;
	}
	CHECK(strcmp(u.sysname, "Kestrel") == 0);
	CHECK_OK(sethostname("t-misc-host", 11));
	CHECK_OK(uname(&u));
	CHECK(strcmp(u.nodename, "t-misc-host") == 0);
	CHECK_OK(sethostname("kestrel", 7));
	CHECK_ERR(sethostname("x", 65), EINVAL);
}

static void getrandom_fills(void)
{
	unsigned char a[32] = { 0 }, b[32] = { 0 };

	CHECK_EQ(getrandom(a, sizeof(a), 0), 32);
	CHECK_EQ(getrandom(b, sizeof(b), GRND_NONBLOCK), 32);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	CHECK_ERR(getrandom(a, sizeof(a), 0x100), EINVAL);
}

static void rlimits_agree(void)
{
	struct rlimit r, p, n;

	CHECK_OK(getrlimit(RLIMIT_STACK, &r));
	CHECK(r.rlim_cur <= r.rlim_max);
	CHECK_OK(prlimit(0, RLIMIT_STACK, NULL, &p));
	CHECK_EQ(p.rlim_cur, r.rlim_cur);
	CHECK_OK(getrlimit(RLIMIT_NOFILE, &r));
	n = r;
	n.rlim_cur = 32;
	CHECK_OK(prlimit(getpid(), RLIMIT_NOFILE, &n, &p));
	CHECK_EQ(p.rlim_cur, r.rlim_cur);
	CHECK_OK(getrlimit(RLIMIT_NOFILE, &p));
	CHECK_EQ(p.rlim_cur, 32);
	CHECK_OK(setrlimit(RLIMIT_NOFILE, &r));
	n.rlim_cur = n.rlim_max + 1;
	if (n.rlim_max != RLIM_INFINITY)
		CHECK_ERR(setrlimit(RLIMIT_NOFILE, &n), EINVAL);
	CHECK_ERR(getrlimit(999, &r), EINVAL);
	CHECK_ERR(prlimit(0x7ffffff0, RLIMIT_NOFILE, NULL, &r), ESRCH);
	CHECK_OK(getrlimit(RLIMIT_CORE, &r));
	n.rlim_cur = 2;
	n.rlim_max = 1;
	CHECK_ERR(setrlimit(RLIMIT_CORE, &n), EINVAL);
}

/* prlimit64 on a child: its limit changes, ours does not. */
static void rlimits_of_another_process(void)
{
	struct rlimit mine, theirs, n;
	pid_t pid = fork();

	if (pid == 0) {
		pause();
		_exit(0);
	}
	CHECK_OK(getrlimit(RLIMIT_NOFILE, &mine));
	n = mine;
	n.rlim_cur = 17;
	CHECK_OK(prlimit(pid, RLIMIT_NOFILE, &n, &theirs));
	CHECK_EQ(theirs.rlim_cur, mine.rlim_cur);
	CHECK_OK(prlimit(pid, RLIMIT_NOFILE, NULL, &theirs));
	CHECK_EQ(theirs.rlim_cur, 17);
	CHECK_OK(getrlimit(RLIMIT_NOFILE, &n));
	CHECK_EQ(n.rlim_cur, mine.rlim_cur);
	kill(pid, SIGKILL);
	CHECK_EQ(t_wait(pid), SIGKILL);
}

static long long tv_us(struct timeval tv)
{
	return tv.tv_sec * 1000000LL + tv.tv_usec;
}

/* Compute until the process's CPU clock has moved by ms milliseconds
 * (at most 10 s of the monotonic clock). */
static void spin_cpu_ms(int ms)
{
	struct timespec c0, c, t0, t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((c.tv_sec - c0.tv_sec) * 1000LL +
				 (c.tv_nsec - c0.tv_nsec) / 1000000 <
			 ms &&
		 t.tv_sec - t0.tv_sec < 10);
}

static void rusage_and_times(void)
{
	struct rusage self, kids;
	struct tms tms;
	long hz = sysconf(_SC_CLK_TCK);
	pid_t pid;

	spin_cpu_ms(100);
	CHECK_OK(getrusage(RUSAGE_SELF, &self));
	CHECK(tv_us(self.ru_utime) + tv_us(self.ru_stime) >= 50000);
	CHECK(self.ru_utime.tv_usec >= 0 && self.ru_utime.tv_usec < 1000000);
	CHECK(self.ru_minflt >= 0 && self.ru_majflt >= 0);
	pid = fork();
	if (pid == 0) {
		spin_cpu_ms(100);
		_exit(0);
	}
	CHECK_EQ(t_wait(pid), 0);
	CHECK_OK(getrusage(RUSAGE_CHILDREN, &kids));
	CHECK(tv_us(kids.ru_utime) + tv_us(kids.ru_stime) >= 50000);
	CHECK_ERR(getrusage(99, &self), EINVAL);
	CHECK(times(&tms) != (clock_t)-1);
	CHECK(hz == 100);
	CHECK(tms.tms_utime + tms.tms_stime >= 5);
	CHECK(tms.tms_cutime + tms.tms_cstime >= 5);
}

static void priorities(void)
{
	int prio;

	errno = 0;
	prio = getpriority(PRIO_PROCESS, 0);
	CHECK_EQ(errno, 0);
	CHECK(prio >= -20 && prio <= 19);
	CHECK_OK(setpriority(PRIO_PROCESS, 0, prio));
	CHECK_OK(setpriority(PRIO_PROCESS, getpid(), prio));
	CHECK_ERR(getpriority(99, 0), EINVAL);
	CHECK_ERR(setpriority(99, 0, 0), EINVAL);
	CHECK_ERR(getpriority(PRIO_PROCESS, 0x7ffffff0), ESRCH);
}

static void sysinfo_is_sane(void)
{
	struct sysinfo si;
	long total_kb = -1;
	FILE *f;

	CHECK_OK(sysinfo(&si));
	CHECK(si.mem_unit >= 1);
	CHECK(si.totalram > 0);
	CHECK(si.freeram <= si.totalram);
	CHECK(si.procs >= 1);
	CHECK(si.uptime < 100L * 365 * 24 * 3600);
	if (t_on_linux()) {
		t_kestrel_only("sysinfo's totalram equals MemTotal");
		return;
	}
	f = fopen("/proc/meminfo", "r");
	CHECK(f != NULL);
	if (f) {
		CHECK_EQ(fscanf(f, "MemTotal: %ld kB", &total_kb), 1);
		fclose(f);
	}
	CHECK_EQ((long long)si.totalram * si.mem_unit / 1024, total_kb);
}

/*
 * arch_prctl without libc: while FS points elsewhere, errno (in musl's
 * thread block, reached through FS) must not be touched.
 */
static long raw_arch_prctl(long code, unsigned long arg)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"((long)SYS_arch_prctl), "D"(code), "S"(arg)
			 : "rcx", "r11", "memory");
	return ret;
}

static void arch_prctl_fs_base(void)
{
	static unsigned long block[4];
	unsigned long fs = 0, other = 0, mine = 0;
	long set, get, back;

	CHECK_OK(syscall(SYS_arch_prctl, ARCH_GET_FS, &fs));
	CHECK(fs != 0);
	block[0] = (unsigned long)block;
	set = raw_arch_prctl(ARCH_SET_FS, (unsigned long)block);
	__asm__ volatile("mov %%fs:0, %0" : "=r"(mine));
	get = raw_arch_prctl(ARCH_GET_FS, (unsigned long)&other);
	back = raw_arch_prctl(ARCH_SET_FS, fs);
	CHECK_EQ(set, 0);
	CHECK_EQ(get, 0);
	CHECK_EQ(back, 0);
	CHECK_EQ(other, block);
	CHECK_EQ(mine, block);
	CHECK_ERR(syscall(SYS_arch_prctl, 0x9999, 0), EINVAL);
	CHECK_EQ(raw_arch_prctl(ARCH_SET_FS, 0x800000000000UL), -EPERM);
}

static void tid_address_and_ids(void)
{
	static int tid_word;

	CHECK_EQ(syscall(SYS_set_tid_address, &tid_word), getpid());
	CHECK_EQ(getuid(), geteuid());
	CHECK_EQ(getgid(), getegid());
}

static void ids_agree(void)
{
	uid_t r = 1, e = 1, s = 1;
	gid_t gr = 1, ge = 1, gs = 1;

	CHECK_OK(getresuid(&r, &e, &s));
	CHECK(r == getuid() && e == geteuid() && s == geteuid());
	CHECK_OK(getresgid(&gr, &ge, &gs));
	CHECK(gr == getgid() && ge == getegid() && gs == getegid());
	CHECK(getgroups(0, NULL) >= 0);
	CHECK_ERR(getgroups(-1, NULL), EINVAL);
	CHECK_OK(setuid(getuid()));
	CHECK_OK(setgid(getgid()));
}

static void terminal_ioctls(void)
{
	struct termios t;
	struct winsize w;
	int p[2], fd = open("f", O_CREAT | O_RDWR, 0644);

	CHECK_OK(pipe(p));
	CHECK_ERR(ioctl(p[0], TCGETS, &t), ENOTTY);
	CHECK_ERR(ioctl(fd, TIOCGWINSZ, &w), ENOTTY);
	CHECK_ERR(ioctl(-1, TCGETS, &t), EBADF);
	if (isatty(0)) {
		CHECK_OK(ioctl(0, TCGETS, &t));
		CHECK_OK(ioctl(0, TCSETS, &t));
	} else {
		printf("note: standard input is no terminal: TCGETS on a "
		       "terminal not checked\n");
	}
	close(p[0]);
	close(p[1]);
	close(fd);
	CHECK_OK(unlink("f"));
}

static void reboot_with_wrong_magic(void)
{
	CHECK_ERR(syscall(SYS_reboot, 0x12345678, 0x9abcdef, 0x4321fedc, NULL),
		  EINVAL);
	CHECK_ERR(syscall(SYS_reboot, 0xfee1dead, 12345, 0x4321fedc, NULL),
		  EINVAL);
	if (t_on_linux()) {
		t_kestrel_only("reboot CAD_OFF and an unknown command");
		return;
	}
	CHECK_OK(syscall(SYS_reboot, 0xfee1dead, 672274793, 0, NULL));
	CHECK_ERR(syscall(SYS_reboot, 0xfee1dead, 672274793, 0x1111, NULL),
		  EINVAL);
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 60);
	RUN(uname_fields);
	RUN(getrandom_fills);
	RUN(rlimits_agree);
	RUN(rlimits_of_another_process);
	RUN(rusage_and_times);
	RUN(sysinfo_is_sane);
	RUN(arch_prctl_fs_base);
	RUN(tid_address_and_ids);
	RUN(ids_agree);
	RUN(priorities);
	RUN(terminal_ioctls);
	RUN(reboot_with_wrong_magic);
	return t_end();
}
