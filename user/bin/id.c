/*
 * id [USER]: the user and group ids, with their names from /etc/passwd
 * and /etc/group, as "uid=1000(student) gid=1000(student)
 * groups=1000(student),50(staff)" (the gid first, as GNU id); an
 * effective id that differs from the real one is shown too (euid=,
 * egid=). With USER: that user's ids from the files instead of the
 * caller's.
 */
#include "ulib.h"

#include <err.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <unistd.h>

#define GROUPS_MAX 64

static void show_user(const char *key, uid_t uid)
{
	struct passwd *pw = getpwuid(uid);

	printf(pw ? "%s=%u(%s)" : "%s=%u", key, (unsigned)uid,
	       pw ? pw->pw_name : "");
}

static void show_group(const char *key, gid_t gid)
{
	struct group *gr = getgrgid(gid);

	if (key)
		printf("%s=", key);
	printf(gr ? "%u(%s)" : "%u", (unsigned)gid, gr ? gr->gr_name : "");
}

int main(int argc, char **argv)
{
	gid_t groups[GROUPS_MAX];
	uid_t uid = getuid(), euid = geteuid();
	gid_t gid = getgid(), egid = getegid();
	int n;

	if (argc > 2)
		usage("[USER]");
	if (argc == 2) {
		const struct passwd *pw = getpwnam(argv[1]);

		if (pw == NULL) {
			warnx("%s: no such user", argv[1]);
			return 1;
		}
		uid = euid = pw->pw_uid;
		gid = egid = pw->pw_gid;
		n = GROUPS_MAX;
		if (getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
			errx(1, "%s: too many groups", argv[1]);
	} else {
		n = getgroups(GROUPS_MAX, groups);
		if (n < 0)
			err(1, "getgroups");
	}
	show_user("uid", uid);
	printf(" ");
	show_group("gid", gid);
	if (euid != uid) {
		printf(" ");
		show_user("euid", euid);
	}
	if (egid != gid) {
		printf(" ");
		show_group("egid", egid);
	}
	/* As GNU id: the (effective) gid first, then the others. */
	printf(" groups=");
	show_group(NULL, egid);
	for (int i = 0; i < n; i++) {
		if (groups[i] == egid)
			continue;
		printf(",");
		show_group(NULL, groups[i]);
	}
	printf("\n");
	return 0;
}
