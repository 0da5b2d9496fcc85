/*
 * su [-] [USER] [-c COMMAND]: runs a shell (or sh -c COMMAND) as USER
 * (root if none), with the ids, groups, home and shell from /etc/passwd
 * and /etc/group. With "-" it is a login: the working directory is the
 * home and the environment only HOME, SHELL, USER, LOGNAME, PATH and
 * TERM. Root switches without a password; anyone else must give the
 * target user's password (checked against /etc/shadow), so su is
 * set-user-ID root (/bin/su is 4755) and asks who is calling by the
 * real uid. A wrong password is refused with status 1. The order
 * matters: groups first, then the gid, then the uid, because once the
 * uid is not 0 the others can no longer change.
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

#include "auth.h"

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
	if (getuid() != 0) {
		char password[AUTH_PASSWORD_MAX];
		bool ok;

		if (geteuid() != 0)
			errx(1, "not set-user-ID root: cannot switch users");
		if (!auth_read_password("Password: ", password,
					sizeof(password)))
			return 1;
		ok = auth_password_ok(pw->pw_name, password);
		memset(password, 0, sizeof(password));
		if (!ok) {
			sleep(1);
			errx(1, "Authentication failure");
		}
	}
	shell = auth_shell(pw);
	if (auth_become(pw) < 0)
		err(1, "cannot become %s", pw->pw_name);
	if (login) {
		auth_login_environment(pw, shell);
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
