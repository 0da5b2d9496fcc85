/*
 * init [CONSOLE...]: process 1, the first program the kernel runs. It
 *
 *   1. mounts devtmpfs on /dev, a tmpfs on /dev/shm and proc on /proc
 *      (already mounted is fine);
 *   2. runs /bin/sh /etc/rc if that file exists, and waits for it;
 *   3. starts a shell on each CONSOLE (default /dev/console) in a session
 *      of its own, with the console as its controlling terminal, after
 *      printing /etc/motd there; or, when the kernel command line has
 *      the word "login" (/proc/cmdline; make qemu CMDLINE=login),
 *      /bin/login, which asks for a user and a password; a shell or a
 *      login that ends is started again;
 *   4. collects every process that ends, orphans included (their parent
 *      died, so the kernel made init their parent);
 *   5. on SIGUSR2 (sent by poweroff) or SIGTERM: stops every process
 *      (SIGTERM, a second's grace, SIGKILL), syncs, unmounts /proc,
 *      /dev/shm and /dev, remounts / read-only, syncs again, and powers off with
 *      reboot(2).
 *
 * It refuses to run as any process but 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONSOLES 4

static volatile sig_atomic_t power_off;

struct console {
	const char *path;
	pid_t shell; /* 0: none running */
};

static void on_power_off(int sig)
{
	(void)sig;
	power_off = 1;
}

static void mount_one(const char *source, const char *dir, const char *type)
{
	mkdir(dir, 0755);
	if (mount(source, dir, type, 0, NULL) < 0 && errno != EBUSY)
		fprintf(stderr, "init: mount %s on %s: %s\n", type, dir,
			strerror(errno));
}

/* Makes TTY this process's standard input, output and error, and its
 * controlling terminal (it is the first terminal the new session opens). */
static int open_console(const char *tty)
{
	int fd = open(tty, O_RDWR);

	if (fd < 0)
		return -1;
	for (int i = 0; i < 3; i++)
		dup2(fd, i);
	if (fd > 2)
		close(fd);
	return 0;
}

static void print_file(const char *path)
{
	char buf[1024];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		write(1, buf, n);
	close(fd);
}

static bool use_login; /* the kernel command line says "login" */

/* Is word one of the words of /proc/cmdline? */
static bool cmdline_has(const char *word)
{
	char line[1024], *save = NULL;
	FILE *f = fopen("/proc/cmdline", "r");
	bool found = false;

	if (!f)
		return false;
	if (fgets(line, sizeof(line), f))
		for (char *w = strtok_r(line, " \t\n", &save); w;
		     w = strtok_r(NULL, " \t\n", &save))
			if (strcmp(w, word) == 0)
				found = true;
	fclose(f);
	return found;
}

static pid_t start_shell(const char *tty)
{
	pid_t pid = fork();

	if (pid != 0) {
		if (pid < 0)
			perror("init: fork");
		return pid < 0 ? 0 : pid;
	}
	setsid();
	if (open_console(tty) < 0) {
		fprintf(stderr, "init: %s: %s\n", tty, strerror(errno));
		_exit(1);
	}
	signal(SIGUSR2, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (use_login) { /* login prints the motd once a user is in */
		execl("/bin/login", "login", (char *)NULL);
		perror("init: /bin/login");
		_exit(127);
	}
	print_file("/etc/motd");
	execl("/bin/sh", "sh", (char *)NULL);
	perror("init: /bin/sh");
	_exit(127);
}

static void run_rc(void)
{
	int status;
	pid_t pid;

	if (access("/etc/rc", R_OK) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "/etc/rc", (char *)NULL);
		_exit(127);
	}
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

/* Collects the children that have ended for up to SECONDS; true if none
 * is left. */
static int reap_for(int seconds)
{
	struct timespec tick = { 0, 100000000 };

	for (int i = 0; i < seconds * 10; i++) {
		pid_t pid;

		while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
			;
		if (pid < 0 && errno == ECHILD)
			return 1;
		nanosleep(&tick, NULL);
	}
	return 0;
}

static void shut_down(void)
{
	fprintf(stderr, "init: powering off\n");
	kill(-1, SIGTERM);
	if (!reap_for(1)) {
		kill(-1, SIGKILL);
		reap_for(1);
	}
	sync();
	umount("/proc");
	umount("/dev/shm");
	umount("/dev");
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY, NULL) < 0)
		perror("init: remount / read-only");
	sync();
	reboot(RB_POWER_OFF);
	perror("init: reboot");
	for (;;)
		pause();
}

/* Starts again the shell of a console whose shell has ended; a shell
 * that keeps failing is started at most once a second. */
static void respawn(struct console *c)
{
	static time_t last;
	struct timespec second = { 1, 0 };

	if (time(NULL) == last)
		nanosleep(&second, NULL);
	last = time(NULL);
	c->shell = start_shell(c->path);
}

int main(int argc, char **argv)
{
	struct console consoles[MAX_CONSOLES];
	struct sigaction sa = { .sa_handler = on_power_off };
	int n = 0;

	if (getpid() != 1) {
		fprintf(stderr, "init: must be process 1\n");
		return 1;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGINT, SIG_IGN);
	mount_one("devtmpfs", "/dev", "devtmpfs");
	mount_one("tmpfs", "/dev/shm", "tmpfs");
	mount_one("proc", "/proc", "proc");
	if (fcntl(0, F_GETFD) < 0)
		open_console("/dev/console");
	setenv("PATH", "/bin", 0);
	setenv("HOME", "/", 0);
	run_rc();
	use_login = cmdline_has("login");
	for (int i = 1; i < argc && n < MAX_CONSOLES; i++)
		consoles[n++].path = argv[i];
	if (n == 0)
		consoles[n++].path = "/dev/console";
	for (int i = 0; i < n; i++)
		consoles[i].shell = start_shell(consoles[i].path);
	while (!power_off) {
		pid_t pid = wait(NULL);

		for (int i = 0; pid > 0 && i < n; i++)
			if (consoles[i].shell == pid)
				respawn(&consoles[i]);
		if (pid < 0 && errno == ECHILD)
			pause();
	}
	shut_down();
}
