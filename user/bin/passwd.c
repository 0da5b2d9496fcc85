/*
 * passwd [USER]: changes a password in /etc/shadow. An ordinary user
 * changes only their own, and must give the current one first; root
 * changes anyone's without it. The new password is asked twice, and
 * must not be empty. passwd is set-user-ID root (the image's
 * /bin/passwd is 4755), since only root may read and write
 * /etc/shadow; who is asking is the real uid.
 */
#include "ulib.h"

#include <err.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"

int main(int argc, char **argv)
{
	char new1[AUTH_PASSWORD_MAX], new2[AUTH_PASSWORD_MAX];
	uid_t me = getuid();
	struct passwd *pw;
	char name[64];

	if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
		usage("[USER]");
	pw = argc == 2 ? getpwnam(argv[1]) : getpwuid(me);
	if (!pw)
		errx(1, "user %s does not exist",
		     argc == 2 ? argv[1] : "(of this uid)");
	snprintf(name, sizeof(name), "%s", pw->pw_name);
	if (me != 0 && pw->pw_uid != me)
		errx(1, "you may not change the password of %s", name);
	if (geteuid() != 0)
		errx(1, "not set-user-ID root: cannot write %s", AUTH_SHADOW);
	printf("Changing password for %s.\n", name);
	if (me != 0) {
		char old[AUTH_PASSWORD_MAX];

		if (!auth_read_password("Current password: ", old, sizeof(old)))
			return 1;
		if (!auth_password_ok(name, old)) {
			sleep(1);
			errx(1, "Authentication token manipulation error");
		}
	}
	if (!auth_read_password("New password: ", new1, sizeof(new1)) ||
	    !auth_read_password("Retype new password: ", new2, sizeof(new2)))
		return 1;
	if (strcmp(new1, new2) != 0)
		errx(1, "Sorry, passwords do not match.");
	if (new1[0] == '\0')
		errx(1, "No password given: unchanged.");
	if (auth_set_password(name, new1) < 0)
		err(1, "%s", AUTH_SHADOW);
	printf("passwd: password updated successfully\n");
	return 0;
}
