/*
 * t_misc: the remaining calls. uname names an x86_64 machine; getrandom
 * fills a buffer (two draws differ) and refuses unknown flags; getrlimit,
 * setrlimit and prlimit64 agree; sysinfo's figures are sane; arch_prctl
 * sets and reads the FS base; set_tid_address returns the thread id; the
 * user and group ids agree; terminal ioctls on a pipe or a file give
 * ENOTTY (and work on a terminal, when standard input is one); reboot with
 * a wrong magic number gives EINVAL (it is never called for real).
 */
#include "t.h"
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/resource.h>
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
}

static void sysinfo_is_sane(void)
{
	struct sysinfo si;

	CHECK_OK(sysinfo(&si));
	CHECK(si.mem_unit >= 1);
	CHECK(si.totalram > 0);
	CHECK(si.freeram <= si.totalram);
	CHECK(si.procs >= 1);
	CHECK(si.uptime < 100L * 365 * 24 * 3600);
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
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 60);
	RUN(uname_fields);
	RUN(getrandom_fills);
	RUN(rlimits_agree);
	RUN(sysinfo_is_sane);
	RUN(arch_prctl_fs_base);
	RUN(tid_address_and_ids);
	RUN(terminal_ioctls);
	RUN(reboot_with_wrong_magic);
	return t_end();
}
