/*
 * su [-] [USER] [-c COMMAND]: runs a shell (or sh -c COMMAND) as USER
 * (root if none), with the ids, groups, home and shell from /etc/passwd
 * and /etc/group. With "-" it is a login: the working directory is the
 * home and the environment only HOME, SHELL, USER, LOGNAME, PATH and
 * TERM. Only root may switch users: Kestrel has no passwords, so an
 * ordinary user is refused (exit 1) rather than let in unchecked. The
 * order matters: groups first, then the gid, then the uid, because once
 * the uid is not 0 the others can no longer change.
 */
#include "ulib.h"

#include <err.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void login_environment(const struct passwd *pw, const char *shell)
{
	const char *term = getenv("TERM");
	char *keep = term ? xstrdup(term) : NULL;

	clearenv();
	setenv("PATH", "/bin", 1);
	if (keep)
		setenv("TERM", keep, 1);
	setenv("HOME", pw->pw_dir, 1);
	setenv("SHELL", shell, 1);
	setenv("USER", pw->pw_name, 1);
	setenv("LOGNAME", pw->pw_name, 1);
}

int main(int argc, char **argv)
{
	const char *name = "root", *command = NULL, *shell;
	struct passwd *pw;
	bool login = false;
	int i = 1;

	if (i < argc &&
	    (strcmp(argv[i], "-") == 0 || strcmp(argv[i], "-l") == 0)) {
		login = true;
		i++;
	}
	if (i < argc && argv[i][0] != '-')
		name = argv[i++];
	if (i + 1 < argc && strcmp(argv[i], "-c") == 0) {
		command = argv[i + 1];
		i += 2;
	}
	if (i != argc)
		usage("[-] [USER] [-c COMMAND]");
	pw = getpwnam(name);
	if (!pw)
		errx(1, "user %s does not exist", name);
	if (getuid() != 0)
		errx(1, "only root may switch users (there are no passwords)");
	shell = pw->pw_shell && *pw->pw_shell ? pw->pw_shell : "/bin/sh";
	if (initgroups(pw->pw_name, pw->pw_gid) < 0)
		err(1, "initgroups");
	if (setgid(pw->pw_gid) < 0)
		err(1, "setgid");
	if (setuid(pw->pw_uid) < 0)
		err(1, "setuid");
	if (login) {
		login_environment(pw, shell);
		if (chdir(pw->pw_dir) < 0)
			warn("%s", pw->pw_dir);
	} else {
		setenv("HOME", pw->pw_dir, 1);
		setenv("USER", pw->pw_name, 1);
		setenv("LOGNAME", pw->pw_name, 1);
	}
	if (command)
		execl(shell, shell, "-c", command, (char *)NULL);
	else
		execl(shell, shell, (char *)NULL);
	err(127, "%s", shell);
}
