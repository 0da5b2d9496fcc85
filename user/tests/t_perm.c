/*
 * t_perm: users and permissions. Run as root, each case forks a child
 * that becomes an ordinary user (uid 1000, gid 1000, no supplementary
 * groups: setgroups, setresgid, setresuid) and tries things, so the
 * same checks run for root (in the parent) and for a user. Cases: the
 * id calls and their EPERM rules (setuid, setreuid, setresuid, setfsuid,
 * setgroups and the group forms); per-thread credentials, which musl's
 * setuid changes in every thread; open for reading, writing and
 * truncating by owner, group and others' bits; search permission on
 * every directory of a path; creating, removing and renaming in a
 * directory (write and search on it) and the sticky bit; chmod, chown
 * and utimensat by owner or root; new files' owner, umask and a
 * set-group-ID directory's group; exec needs an x bit (root too);
 * set-user-ID and set-group-ID programs (this program, copied and given
 * away) and access() with real against effective ids; kill of another
 * user's process; a user cannot write /etc, raise a hard limit, set the
 * clock, reboot, mount, choose a real-time policy or make a device
 * node; nor renice, pin or prlimit another user's process, nor lower
 * its own nice value again; a user's write or truncate clears a file's
 * set-user-ID bit. A tmpfs mounted nosuid, nodev, noexec (then
 * remounted with fewer) ignores set-user-ID, refuses device nodes and
 * refuses exec and executable mappings. Run as an ordinary user,
 * the cases that need root to set up (everything but the id rules) are
 * named and not counted, since no ordinary user can make the files
 * another user owns.
 */
#include "t.h"
#include <dirent.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/sysmacros.h>
#include <stdbool.h>
#include <sys/fsuid.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>

#define USER 1000
#define OTHER 1001

/* Run fn in a child as an ordinary user (all ids USER); its checks'
 * counts come back as its exit status: 0 all passed. */
static void as_user(void (*fn)(void), uid_t uid)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		t_passed = t_failed = 0;
		if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
		    setresuid(uid, uid, uid)) {
			printf("FAIL could not become uid %d\n", (int)uid);
			_exit(1);
		}
		fn();
		_exit(t_failed ? 1 : 0);
	}
	CHECK(pid > 0);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void make_file(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);

	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "data\n", 5), 5);
	close(fd);
	CHECK_OK(chown(path, uid, gid));
	CHECK_OK(chmod(path, mode));
}

static void make_dir(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	CHECK_OK(mkdir(path, 0700));
	CHECK_OK(chown(path, uid, gid));
	CHECK_OK(chmod(path, mode));
}

/* Copy this program to path (for exec tests). */
static void copy_self(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	char buf[8192];
	int in = open(t_self, O_RDONLY);
	int out = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0700);
	ssize_t n;

	CHECK(in >= 0 && out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		CHECK_EQ(write(out, buf, n), n);
	close(in);
	close(out);
	CHECK_OK(chown(path, uid, gid));
	CHECK_OK(chmod(path, mode)); /* after chown, which drops set-ID */
}

/* ---- the id calls ------------------------------------------------------- */

static void ids_agree(void)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;
	char line[256];
	unsigned a, b, c, d;
	int found = 0;
	FILE *f;

	CHECK_OK(getresuid(&r, &e, &s));
	CHECK(r == getuid() && e == geteuid());
	CHECK_OK(getresgid(&gr, &ge, &gs));
	CHECK(gr == getgid() && ge == getegid());
	f = fopen("/proc/self/status", "r");
	CHECK(f != NULL);
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Uid: %u %u %u %u", &a, &b, &c, &d) == 4) {
			CHECK(a == r && b == e && c == s && d == e);
			found++;
		}
		if (sscanf(line, "Gid: %u %u %u %u", &a, &b, &c, &d) == 4) {
			CHECK(a == gr && b == ge && c == gs && d == ge);
			found++;
		}
	}
	if (f)
		fclose(f);
	CHECK_EQ(found, 2);
}

/* As root: every form may set anything; then the rules of a user. */
static void uid_rules(void)
{
	uid_t r, e, s;
	gid_t groups[8], want[3] = { 3, 4, 5 }, given[3] = { 5, 3, 4 };

	CHECK_OK(setgroups(3, given));
	CHECK_EQ(getgroups(0, NULL), 3);
	CHECK_ERR(getgroups(1, groups), EINVAL);
	CHECK_EQ(getgroups(8, groups), 3);
	CHECK(memcmp(groups, want, sizeof(want)) == 0); /* sorted */
	CHECK_ERR(getgroups(-1, groups), EINVAL);
	CHECK_OK(setresgid(100, 101, 102));
	CHECK_ERR(setuid(-1), EINVAL);
	CHECK_OK(setresuid(USER, OTHER, 1002));
	CHECK_OK(getresuid(&r, &e, &s));
	CHECK(r == USER && e == OTHER && s == 1002);
	/* No longer root: only the three ids are allowed. */
	CHECK_ERR(setgroups(0, NULL), EPERM);
	CHECK_ERR(setuid(0), EPERM);
	CHECK_ERR(setresuid(-1, 7, -1), EPERM);
	CHECK_ERR(setgid(0), EPERM);
	CHECK_OK(setgid(102)); /* the saved gid: only egid changes */
	CHECK_EQ(getgid(), 100);
	CHECK_EQ(getegid(), 102);
	CHECK_OK(setuid(1002)); /* the saved uid: only euid changes */
	CHECK_OK(getresuid(&r, &e, &s));
	CHECK(r == USER && e == 1002 && s == 1002);
	CHECK_ERR(setuid(OTHER), EPERM); /* no longer any of the three */
	CHECK_OK(setreuid(-1, USER));    /* e == ruid: suid stays */
	CHECK_OK(getresuid(&r, &e, &s));
	CHECK(r == USER && e == USER && s == 1002);
	CHECK_ERR(setreuid(1002, -1), EPERM); /* r: only ruid or euid */
	CHECK_OK(setreuid(-1, 1002));         /* e != ruid: suid = new euid */
	CHECK_OK(getresuid(&r, &e, &s));
	CHECK(r == USER && e == 1002 && s == 1002);
	CHECK_OK(setresuid(1002, USER, -1));
	CHECK_OK(getresuid(&r, &e, &s));
	CHECK(r == 1002 && e == USER && s == 1002);
	/* setfsuid: the old fs id, whatever happens. */
	CHECK_EQ(setfsuid(1002), USER);
	CHECK_EQ(setfsuid(4242), 1002); /* refused, silently */
	CHECK_EQ(setfsuid(-1), 1002);
	CHECK_EQ(setfsgid(-1), 102);
}

static void id_calls(void)
{
	pid_t pid;
	int status;

	ids_agree();
	if (geteuid() != 0) {
		printf("skip (needs root): the set*id rules from root down\n");
		CHECK_ERR(setuid(0), EPERM);
		CHECK_ERR(setgroups(0, NULL), EPERM);
		return;
	}
	pid = fork();
	if (pid == 0) {
		t_passed = t_failed = 0;
		uid_rules();
		_exit(t_failed ? 1 : 0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* Credentials are per thread in the kernel; musl's setuid changes every
 * thread's (__synccall), so a thread sees the new ids. A raw setresuid
 * system call changes only the caller's. */
static int gate[2];

static void *thread_ids(void *arg)
{
	char c;
	long *out = arg;

	if (read(gate[0], &c, 1) != 1)
		return NULL;
	out[0] = syscall(SYS_getuid);
	out[1] = syscall(SYS_geteuid);
	return NULL;
}

static void thread_creds(void)
{
	pid_t pid;
	int status;

	if (geteuid() != 0) {
		printf("skip (needs root): setuid with threads\n");
		return;
	}
	pid = fork();
	if (pid == 0) {
		long seen[2] = { -1, -1 };
		pthread_t t;

		t_passed = t_failed = 0;
		CHECK_OK(pipe(gate));
		CHECK_EQ(pthread_create(&t, NULL, thread_ids, seen), 0);
		/* The raw call: this thread only. */
		CHECK_EQ(syscall(SYS_setresuid, -1, OTHER, -1), 0);
		CHECK_EQ(geteuid(), OTHER);
		CHECK_EQ(syscall(SYS_setresuid, -1, 0, -1), 0);
		CHECK_OK(setuid(USER)); /* musl's: every thread */
		CHECK_EQ(write(gate[1], "x", 1), 1);
		CHECK_EQ(pthread_join(t, NULL), 0);
		CHECK(seen[0] == USER && seen[1] == USER);
		_exit(t_failed ? 1 : 0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* A thread's own raw change is its own: another thread keeps its ids. */
static void *raw_change(void *arg)
{
	long *out = arg;

	out[0] = syscall(SYS_setresuid, -1, OTHER, -1);
	out[1] = syscall(SYS_geteuid);
	return NULL;
}

static void thread_own_creds(void)
{
	long seen[2] = { -1, -1 };
	pthread_t t;

	if (geteuid() != 0)
		return;
	CHECK_EQ(pthread_create(&t, NULL, raw_change, seen), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK(seen[0] == 0 && seen[1] == OTHER);
	CHECK_EQ(geteuid(), 0); /* this thread: unchanged */
}

/* ---- the file checks, as a user ------------------------------------------ */

/*
 * The tree the parent (root) makes in the scratch directory:
 *   secret 0600 root      pub 0644 root       world 0666 root
 *   grp 0640 root:USER    grp2 0604 root:USER noexec 0644 "#!/bin/sh"
 *   closed/ 0700 (f)      listonly/ 0744 (f)  searchonly/ 0711 (f)
 *   rodir/ 0755 root (f)  mine/ 0755 USER     sgid/ 2777 root:OTHER
 *   sticky/ 1777 root (rootf 0666 root, otherf 0666 OTHER)
 */
static void user_files(void)
{
	char buf[8];
	int fd;

	CHECK_ERR(open("secret", O_RDONLY), EACCES);
	fd = open("pub", O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, 5) == 5);
	close(fd);
	CHECK_ERR(open("pub", O_WRONLY), EACCES);
	CHECK_ERR(open("pub", O_RDONLY | O_TRUNC), EACCES);
	CHECK_ERR(truncate("pub", 0), EACCES);
	fd = open("world", O_RDWR);
	CHECK(fd >= 0);
	close(fd);
	fd = open("grp", O_RDONLY); /* the group's r */
	CHECK(fd >= 0);
	close(fd);
	CHECK_ERR(open("grp", O_WRONLY), EACCES);
	/* The group class decides, though others have r. */
	CHECK_ERR(open("grp2", O_RDONLY), EACCES);
	CHECK_ERR(open("/etc/passwd", O_WRONLY), EACCES);
	CHECK_ERR(open("/etc/t_perm_new", O_CREAT | O_WRONLY, 0644), EACCES);
	CHECK_ERR(access("secret", R_OK), EACCES);
	CHECK_OK(access("pub", R_OK));
	CHECK_ERR(access("pub", W_OK), EACCES);
}

static void user_search(void)
{
	struct stat st;
	DIR *d;

	CHECK_ERR(stat("closed/f", &st), EACCES);
	CHECK_ERR(open("closed/f", O_RDONLY), EACCES);
	CHECK_ERR(chdir("closed"), EACCES);
	/* The last name's directory is searched too: EACCES, not what the
	 * name would say (EEXIST, ENOENT). */
	CHECK_ERR(mkdir("closed/f", 0755), EACCES);
	CHECK_ERR(unlink("closed/nothing"), EACCES);
	CHECK_ERR(open("closed/new", O_CREAT | O_WRONLY, 0644), EACCES);
	CHECK_OK(stat("closed", &st)); /* the directory itself: yes */
	CHECK_ERR(stat("listonly/f", &st), EACCES);
	d = opendir("listonly"); /* r without x: the names, no more */
	CHECK(d != NULL);
	if (d)
		closedir(d);
	CHECK_OK(stat("searchonly/f", &st)); /* x without r */
	CHECK(opendir("searchonly") == NULL && errno == EACCES);
}

static void user_dirs(void)
{
	struct stat st;
	int fd;

	CHECK_ERR(open("rodir/new", O_CREAT | O_WRONLY, 0644), EACCES);
	CHECK_ERR(mkdir("rodir/d", 0755), EACCES);
	CHECK_ERR(unlink("rodir/f"), EACCES);
	CHECK_ERR(rename("rodir/f", "mine/f"), EACCES);
	CHECK_ERR(symlink("x", "rodir/l"), EACCES);
	CHECK_ERR(mkdir("rodir/f", 0755), EEXIST); /* EEXIST first */
	/* Existing files open without write permission on the directory. */
	fd = open("rodir/f", O_RDONLY | O_CREAT, 0644);
	CHECK(fd >= 0);
	close(fd);
	/* In a directory of one's own: owner and group the caller's, the
	 * mode less the umask. */
	umask(022);
	fd = open("mine/new", O_CREAT | O_WRONLY, 0666);
	CHECK(fd >= 0);
	close(fd);
	CHECK_OK(stat("mine/new", &st));
	CHECK(st.st_uid == USER && st.st_gid == USER);
	CHECK_EQ(st.st_mode & 07777, 0644);
	CHECK_ERR(link("mine/new", "rodir/l"), EACCES);
	/* Made with mode 0: the creating open still writes. */
	fd = open("mine/zero", O_CREAT | O_RDWR, 0);
	CHECK(fd >= 0 && write(fd, "x", 1) == 1);
	close(fd);
	CHECK_ERR(open("mine/zero", O_RDONLY), EACCES);
	CHECK_OK(mkdir("mine/d", 0777));
	CHECK_OK(stat("mine/d", &st));
	CHECK_EQ(st.st_mode & 07777, 0755);
	CHECK_OK(rename("mine/new", "mine/d/new"));
	CHECK_OK(unlink("mine/d/new"));
	CHECK_OK(unlink("mine/zero"));
	CHECK_OK(rmdir("mine/d"));
	/* A set-group-ID directory gives its group, and the bit to
	 * subdirectories. */
	fd = open("sgid/f", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
	CHECK_OK(stat("sgid/f", &st));
	CHECK(st.st_uid == USER && st.st_gid == OTHER);
	CHECK_OK(mkdir("sgid/d", 0755));
	CHECK_OK(stat("sgid/d", &st));
	CHECK(st.st_gid == OTHER && (st.st_mode & S_ISGID));
	CHECK_OK(rmdir("sgid/d"));
}

static void user_sticky(void)
{
	int fd;

	CHECK_ERR(unlink("sticky/rootf"), EPERM);
	CHECK_ERR(rename("sticky/rootf", "sticky/moved"), EPERM);
	CHECK_ERR(unlink("sticky/otherf"), EPERM);
	fd = open("sticky/mine", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
	CHECK_OK(rename("sticky/mine", "sticky/mine2"));
	CHECK_OK(unlink("sticky/mine2"));
	/* Without the sticky bit, the file's owner would not matter. */
	CHECK_OK(unlink("world_dir/rootf"));
}

static void user_attrs(void)
{
	struct timespec times[2] = { { 1000, 0 }, { 2000, 0 } };
	struct stat st;

	CHECK_ERR(chmod("pub", 0777), EPERM);
	CHECK_ERR(chown("pub", USER, -1), EPERM);
	CHECK_ERR(utimensat(AT_FDCWD, "pub", NULL, 0), EACCES);
	CHECK_ERR(utimensat(AT_FDCWD, "pub", times, 0), EPERM);
	CHECK_OK(utimensat(AT_FDCWD, "world", NULL, 0)); /* may write */
	CHECK_ERR(utimensat(AT_FDCWD, "world", times, 0), EPERM);
	/* sgid/f is the caller's, in group OTHER (not one of its own). */
	CHECK_OK(utimensat(AT_FDCWD, "sgid/f", times, 0));
	CHECK_OK(chmod("sgid/f", 02755)); /* not in OTHER: no set-GID */
	CHECK_OK(stat("sgid/f", &st));
	CHECK_EQ(st.st_mode & 07777, 0755);
	CHECK_ERR(chown("sgid/f", OTHER, -1), EPERM);
	CHECK_OK(chown("sgid/f", USER, -1)); /* no change: allowed */
	CHECK_OK(chown("sgid/f", -1, USER)); /* to its own group */
	CHECK_OK(stat("sgid/f", &st));
	CHECK_EQ(st.st_gid, USER);
	CHECK_ERR(chown("sgid/f", -1, OTHER), EPERM);
	CHECK_OK(unlink("sgid/f"));
}

static void user_exec(void)
{
	char *argv[] = { "xonly", "--exit", NULL };
	pid_t pid;
	int status;

	CHECK_ERR(execve("noexec", argv, NULL), EACCES);
	CHECK_ERR(execve("secret", argv, NULL), EACCES);
	CHECK_ERR(execve("closed", argv, NULL), EACCES);
	/* x without r runs: the kernel reads it, not the user. */
	pid = fork();
	if (pid == 0) {
		execve("xonly", argv, NULL);
		_exit(99);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
}

static void user_kill(void)
{
	pid_t mine = fork();

	if (mine == 0) {
		pause();
		_exit(0);
	}
	CHECK_ERR(kill(getppid(), 0), EPERM); /* root's process */
	CHECK_ERR(kill(1, SIGTERM), EPERM);
	CHECK_OK(kill(mine, SIGKILL)); /* one's own */
	CHECK_EQ(waitpid(mine, NULL, 0), mine);
}

/* Root's powers over the system: none of them for a user. */
static void user_system(void)
{
	struct rlimit rl = { 0, 100 };
	struct sched_param sp = { .sched_priority = 1 };

	CHECK_OK(setrlimit(RLIMIT_CORE, &rl)); /* lowering: anyone */
	rl.rlim_max = 200;
	CHECK_ERR(setrlimit(RLIMIT_CORE, &rl), EPERM);
	CHECK_ERR(syscall(SYS_reboot, 0, 0, 0, 0), EPERM); /* before EINVAL */
	CHECK_ERR(mount("none", "mine", "ramfs", 0, NULL), EPERM);
	CHECK_ERR(umount("/proc"), EPERM);
	CHECK_ERR(syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp), EPERM);
	CHECK_ERR(mknod("mine/null", S_IFCHR | 0666, makedev(1, 3)), EPERM);
	/* The clock: a good time, refused (a bad one is EINVAL first). */
	{
		struct timespec now;
		struct timeval tv;

		clock_gettime(CLOCK_REALTIME, &now);
		CHECK_ERR(syscall(SYS_clock_settime, CLOCK_REALTIME, &now),
			  EPERM);
		gettimeofday(&tv, NULL);
		CHECK_ERR(syscall(SYS_settimeofday, &tv, NULL), EPERM);
	}
}

/* Scheduling and limits of another user's process: EPERM; one's own
 * nice value may go up but not back down (EACCES, RLIMIT_NICE 0). */
static void user_sched(void)
{
	pid_t root_proc = getppid();
	cpu_set_t set;
	struct rlimit rl;

	CHECK_ERR(setpriority(PRIO_PROCESS, root_proc, 5), EPERM);
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	CHECK_ERR(sched_setaffinity(root_proc, sizeof(set), &set), EPERM);
	CHECK_ERR(prlimit(root_proc, RLIMIT_CORE, NULL, &rl), EPERM);
	CHECK_OK(prlimit(0, RLIMIT_CORE, NULL, &rl));
	CHECK_OK(setpriority(PRIO_PROCESS, 0, 5));
	CHECK_EQ(getpriority(PRIO_PROCESS, 0), 5);
	CHECK_ERR(setpriority(PRIO_PROCESS, 0, 0), EACCES);
	CHECK_OK(setpriority(PRIO_PROCESS, 0, 6));
	errno = 0; /* the lowest nice of the user's processes: found */
	getpriority(PRIO_USER, 0);
	CHECK_EQ(errno, 0);
}

/* A user's write or truncate takes set-user-ID off a file (and
 * set-group-ID where the group may execute or the writer is not in the
 * file's group), as Linux's file_remove_privs; root's does not. */
static void user_write_setid(void)
{
	struct stat st;
	int fd = open("setid", O_WRONLY);

	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "x", 1), 1);
	close(fd);
	CHECK_OK(stat("setid", &st));
	CHECK_EQ(st.st_mode & 07777, 0777);
	/* set-group-ID without g+x: kept only for a writer in the group */
	fd = open("sgid_nx", O_WRONLY);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "x", 1), 1);
	close(fd);
	CHECK_OK(stat("sgid_nx", &st));
	CHECK_EQ(st.st_mode & 07777, 0666);
	fd = open("sgid_grp", O_WRONLY);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "x", 1), 1);
	close(fd);
	CHECK_OK(stat("sgid_grp", &st));
	CHECK_EQ(st.st_mode & 07777, 02666);
	CHECK_OK(truncate("setid_tr", 1));
	CHECK_OK(stat("setid_tr", &st));
	CHECK_EQ(st.st_mode & 07777, 0766);
}

static void write_drops_setid(void)
{
	struct stat st;
	int fd;

	if (geteuid() != 0) {
		printf("skip (needs root): set-ID files of another user\n");
		return;
	}
	make_file("setid", 06777, OTHER, OTHER);
	make_file("sgid_nx", 02666, OTHER, OTHER);
	make_file("sgid_grp", 02666, OTHER, USER);
	make_file("setid_tr", 04766, OTHER, OTHER);
	as_user(user_write_setid, USER);
	CHECK_OK(chmod("setid", 04755)); /* root writes: kept */
	fd = open("setid", O_WRONLY | O_APPEND);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, "y", 1), 1);
	close(fd);
	CHECK_OK(stat("setid", &st));
	CHECK_EQ(st.st_mode & 07777, 04755);
	CHECK_OK(unlink("setid"));
	CHECK_OK(unlink("sgid_nx"));
	CHECK_OK(unlink("sgid_grp"));
	CHECK_OK(unlink("setid_tr"));
}

static void build_tree(void)
{
	CHECK_OK(chmod(".", 0755));
	make_file("secret", 0600, 0, 0);
	make_file("pub", 0644, 0, 0);
	make_file("world", 0666, 0, 0);
	make_file("grp", 0640, 0, USER);
	make_file("grp2", 0604, 0, USER);
	make_file("noexec", 0644, 0, 0);
	make_dir("closed", 0700, 0, 0);
	make_file("closed/f", 0644, 0, 0);
	make_dir("listonly", 0744, 0, 0);
	make_file("listonly/f", 0644, 0, 0);
	make_dir("searchonly", 0711, 0, 0);
	make_file("searchonly/f", 0644, 0, 0);
	make_dir("rodir", 0755, 0, 0);
	make_file("rodir/f", 0644, 0, 0);
	make_dir("mine", 0755, USER, USER);
	make_dir("sgid", 02777, 0, OTHER);
	make_dir("sticky", 01777, 0, 0);
	make_file("sticky/rootf", 0666, 0, 0);
	make_file("sticky/otherf", 0666, OTHER, OTHER);
	make_dir("world_dir", 0777, 0, 0);
	make_file("world_dir/rootf", 0644, 0, 0);
	copy_self("xonly", 0711, 0, 0);
}

static void remove_tree(void)
{
	const char *files[] = { "secret",   "pub",          "world",
				"grp",      "grp2",         "noexec",
				"closed/f", "listonly/f",   "searchonly/f",
				"rodir/f",  "sticky/rootf", "sticky/otherf",
				"xonly",    "suid",         "sgidprog" };
	const char *dirs[] = { "closed", "listonly", "searchonly", "rodir",
			       "mine",   "sgid",     "sticky",     "world_dir" };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlink(files[i]);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		CHECK_OK(rmdir(dirs[i]));
}

/* Root's own rules on the same tree. */
static void root_files(void)
{
	char *argv[] = { "noexec", NULL };
	int fd = open("secret", O_RDWR); /* any file, read and write */
	struct stat st;

	CHECK(fd >= 0);
	close(fd);
	CHECK_OK(stat("closed/f", &st)); /* any directory searched */
	CHECK_OK(access("closed/f", R_OK | W_OK));
	/* Execute needs some x bit, even for root. */
	CHECK_ERR(access("noexec", X_OK), EACCES);
	CHECK_ERR(execve("noexec", argv, NULL), EACCES);
	CHECK_OK(access("xonly", X_OK));
	CHECK_OK(access("closed", X_OK)); /* a directory: search */
}

static void file_checks(void)
{
	if (geteuid() != 0) {
		printf("skip (needs root): files owned by other users\n");
		CHECK_ERR(open("/etc/passwd", O_WRONLY), EACCES);
		return;
	}
	build_tree();
	root_files();
	as_user(user_files, USER);
	as_user(user_search, USER);
	as_user(user_dirs, USER);
	as_user(user_sticky, USER);
	as_user(user_attrs, USER);
	as_user(user_exec, USER);
	as_user(user_kill, USER);
	as_user(user_system, USER);
	as_user(user_sched, USER);
	remove_tree();
}

/* ---- set-user-ID programs and access() ----------------------------------- */

/* This program re-run as "--ids": print the six ids on stdout. */
static int print_ids(void)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;

	getresuid(&r, &e, &s);
	getresgid(&gr, &ge, &gs);
	printf("%u %u %u %u %u %u\n", r, e, s, gr, ge, gs);
	return 0;
}

/* Run path --ids as USER and read what it printed. */
static void ids_of_exec(const char *path, char *out, size_t size)
{
	int fds[2];
	pid_t pid;
	ssize_t n;

	out[0] = 0;
	CHECK_OK(pipe(fds));
	pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)path, "--ids", NULL };

		dup2(fds[1], 1);
		if (setgroups(0, NULL) || setresgid(USER, USER, USER) ||
		    setresuid(USER, USER, USER))
			_exit(1);
		execve(path, argv, NULL);
		_exit(99);
	}
	close(fds[1]);
	n = read(fds[0], out, size - 1);
	if (n > 0)
		out[n] = 0;
	close(fds[0]);
	waitpid(pid, NULL, 0);
}

static void setid_programs(void)
{
	char ids[128];
	pid_t pid;
	int status;

	if (geteuid() != 0) {
		printf("skip (needs root): set-user-ID files of another user\n");
		return;
	}
	copy_self("suid", 04755, OTHER, OTHER);
	copy_self("sgidprog", 02755, 0, OTHER);
	copy_self("xonly", 0755, OTHER, OTHER);
	ids_of_exec("./suid", ids, sizeof(ids));
	CHECK(strcmp(ids, "1000 1001 1001 1000 1000 1000\n") == 0);
	ids_of_exec("./sgidprog", ids, sizeof(ids));
	CHECK(strcmp(ids, "1000 1000 1000 1000 1001 1001\n") == 0);
	ids_of_exec("./xonly", ids, sizeof(ids)); /* no bit: no change */
	CHECK(strcmp(ids, "1000 1000 1000 1000 1000 1000\n") == 0);
	/* access() asks with the real ids: a set-user-ID root program
	 * run by a user must not open what the user could not. */
	make_file("secret", 0600, 0, 0);
	pid = fork();
	if (pid == 0) {
		t_passed = t_failed = 0;
		CHECK_OK(setresuid(USER, 0, 0)); /* as after exec of one */
		CHECK_ERR(access("secret", R_OK), EACCES);
		CHECK_OK(faccessat(AT_FDCWD, "secret", R_OK, AT_EACCESS));
		CHECK(open("secret", O_RDONLY) >= 0);
		_exit(t_failed ? 1 : 0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_OK(unlink("secret"));
	CHECK_OK(unlink("suid"));
	CHECK_OK(unlink("sgidprog"));
	CHECK_OK(unlink("xonly"));
}

/* Is there a line in /proc/mounts for a mount on a path ending in
 * "/name" whose options have each of the words in opts? */
static bool mount_has(const char *name, const char *opts)
{
	char line[512], target[256], options[256];
	FILE *f = fopen("/proc/mounts", "r");
	bool found = false;
	size_t n = strlen(name);

	while (f && fgets(line, sizeof(line), f)) {
		size_t t;
		char want[64], *w, *save = NULL;

		if (sscanf(line, "%*s %255s %*s %255s", target, options) != 2)
			continue;
		t = strlen(target);
		if (t <= n || target[t - n - 1] != '/' ||
		    strcmp(target + t - n, name) != 0)
			continue;
		found = true;
		snprintf(want, sizeof(want), "%s", opts);
		for (w = strtok_r(want, ",", &save); w;
		     w = strtok_r(NULL, ",", &save)) {
			char padded[300], word[70];

			snprintf(padded, sizeof(padded), ",%s,", options);
			snprintf(word, sizeof(word), ",%s,", w);
			if (!strstr(padded, word))
				found = false;
		}
	}
	if (f)
		fclose(f);
	return found;
}
/* The checks on mnt/suid and mnt/null under the mount's flags now:
 * suid_ids is what the set-user-ID program prints when it may run. */
/* exec, as a user, of path: the ids it printed, or "" if exec failed. */
static void mount_flag_checks(bool noexec, bool nodev, const char *suid_ids)
{
	char ids[128];
	void *p;
	int fd;

	ids_of_exec("./mnt/suid", ids, sizeof(ids));
	if (noexec) {
		CHECK_EQ(ids[0], 0);
		CHECK_ERR(access("mnt/suid", X_OK), EACCES);
	} else {
		CHECK(strcmp(ids, suid_ids) == 0);
		CHECK_OK(access("mnt/suid", X_OK));
	}
	fd = open("mnt/suid", O_RDONLY);
	CHECK(fd >= 0);
	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	if (noexec) {
		CHECK(p == MAP_FAILED && errno == EPERM);
	} else {
		CHECK(p != MAP_FAILED);
		munmap(p, 4096);
	}
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	if (noexec)
		CHECK_ERR(mprotect(p, 4096, PROT_READ | PROT_EXEC), EACCES);
	else
		CHECK_OK(mprotect(p, 4096, PROT_READ | PROT_EXEC));
	munmap(p, 4096);
	close(fd);
	fd = open("mnt/null", O_WRONLY);
	if (nodev) {
		CHECK(fd < 0 && errno == EACCES);
	} else {
		CHECK(fd >= 0);
		CHECK_EQ(write(fd, "x", 1), 1);
	}
	if (fd >= 0)
		close(fd);
}

/* mount(2)'s nosuid, nodev and noexec, on a tmpfs mounted here, then
 * changed by remounts: /proc/mounts shows them, and exec, mmap and
 * open obey them. */
static void mount_flags(void)
{
	const char *setuid_ids = "1000 1001 1001 1000 1000 1000\n";
	const char *plain_ids = "1000 1000 1000 1000 1000 1000\n";

	if (geteuid() != 0) {
		printf("skip (needs root): mount\n");
		return;
	}
	CHECK_OK(mkdir("mnt", 0755));
	CHECK_OK(mount("none", "mnt", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		       NULL));
	CHECK_OK(chmod("mnt", 0755));
	CHECK(mount_has("mnt", "nosuid,nodev,noexec"));
	copy_self("mnt/suid", 04755, OTHER, OTHER);
	CHECK_OK(mknod("mnt/null", S_IFCHR | 0666, makedev(1, 3)));
	CHECK_OK(chmod("mnt/null", 0666));
	mount_flag_checks(true, true, NULL);
	/* nosuid alone: it runs, with the user's own ids; devices open */
	CHECK_OK(mount("none", "mnt", "tmpfs", MS_REMOUNT | MS_NOSUID, NULL));
	CHECK(mount_has("mnt", "nosuid"));
	CHECK(!mount_has("mnt", "noexec") && !mount_has("mnt", "nodev"));
	mount_flag_checks(false, false, plain_ids);
	/* no flags: set-user-ID counts again */
	CHECK_OK(mount("none", "mnt", "tmpfs", MS_REMOUNT, NULL));
	CHECK(!mount_has("mnt", "nosuid"));
	mount_flag_checks(false, false, setuid_ids);
	CHECK_OK(unlink("mnt/suid"));
	CHECK_OK(unlink("mnt/null"));
	CHECK_OK(umount("mnt"));
	CHECK_OK(rmdir("mnt"));
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--ids") == 0)
		return print_ids();
	if (argc > 1 && strcmp(argv[1], "--exit") == 0)
		return 7;
	t_begin(argv[0], 60);
	RUN(id_calls);
	RUN(thread_creds);
	RUN(thread_own_creds);
	RUN(file_checks);
	RUN(setid_programs);
	RUN(write_drops_setid);
	RUN(mount_flags);
	return t_end();
}
