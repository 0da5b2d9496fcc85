/*
 * chown OWNER[:GROUP] FILE... (or :GROUP alone): gives each file to a
 * user and group, by name (/etc/passwd, /etc/group) or number. Only
 * root gives files away; an owner may change the group to one of its
 * own (EPERM otherwise).
 */
#include "ulib.h"

#include <err.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A name or number: its id, or -1 for an empty string. */
static long lookup(const char *s, bool group)
{
	char *end;
	long n;

	if (!*s)
		return -1;
	n = strtol(s, &end, 10);
	if (!*end && n >= 0)
		return n;
	if (group) {
		struct group *gr = getgrnam(s);

		if (gr)
			return gr->gr_gid;
	} else {
		struct passwd *pw = getpwnam(s);

		if (pw)
			return pw->pw_uid;
	}
	errx(2, "%s: no such %s", s, group ? "group" : "user");
}

int main(int argc, char **argv)
{
	char *spec, *colon;
	long uid, gid = -1;
	int status = 0;

	if (argc < 3)
		usage("OWNER[:GROUP] FILE... | :GROUP FILE...");
	spec = xstrdup(argv[1]);
	colon = strchr(spec, ':');
	if (colon) {
		*colon = '\0';
		gid = lookup(colon + 1, true);
	}
	uid = lookup(spec, false);
	for (int i = 2; i < argc; i++) {
		if (chown(argv[i], (uid_t)uid, (gid_t)gid) < 0) {
			warn("%s", argv[i]);
			status = 1;
		}
	}
	return status;
}
