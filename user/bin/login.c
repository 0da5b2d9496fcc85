/*
 * login: asks for a user name and a password on the terminal, checks
 * them against /etc/passwd and /etc/shadow, and starts that user's
 * shell as a login shell (argv[0] "-sh", in the home directory, with a
 * fresh environment). init runs it on each console when the kernel
 * command line has the word "login" (make qemu CMDLINE=login); it must
 * run as root, since it reads /etc/shadow and changes ids. Three wrong
 * tries end it with status 1 (init starts another). A wrong user name
 * and a wrong password get the same answer, so the prompt does not
 * tell which user names exist.
 */
#include "ulib.h"

#include <err.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"

#define TRIES 3
#define NAME_MAX_LOGIN 64

/* Read the user name (echoed): false at end of input. */
static bool read_name(char *buf, size_t size)
{
	char host[64] = "kestrel";

	gethostname(host, sizeof(host) - 1);
	printf("%s login: ", host);
	fflush(stdout);
	if (!fgets(buf, (int)size, stdin))
		return false;
	buf[strcspn(buf, "\n")] = '\0';
	return true;
}

static void show_motd(void)
{
	FILE *f = fopen("/etc/motd", "r");
	char line[256];

	while (f && fgets(line, sizeof(line), f))
		fputs(line, stdout);
	if (f)
		fclose(f);
}

int main(int argc, char **argv)
{
	char name[NAME_MAX_LOGIN], password[AUTH_PASSWORD_MAX];
	const char *shell;
	struct passwd *pw;

	(void)argv;
	if (argc != 1)
		usage("");
	if (geteuid() != 0)
		errx(1, "must be run by root");
	for (int try = 0; try < TRIES; try++) {
		bool ok;

		if (!read_name(name, sizeof(name)))
			return 1;
		if (name[0] == '\0') {
			try--; /* an empty line asks again */
			continue;
		}
		if (!auth_read_password("Password: ", password,
					sizeof(password)))
			return 1;
		pw = getpwnam(name);
		ok = pw && auth_password_ok(name, password);
		memset(password, 0, sizeof(password));
		if (!ok) {
			sleep(1); /* a little cost for each guess */
			printf("Login incorrect\n\n");
			continue;
		}
		shell = auth_shell(pw);
		if (auth_become(pw) < 0)
			err(1, "cannot become %s", name);
		auth_login_environment(pw, shell);
		if (chdir(pw->pw_dir) < 0) {
			warn("%s", pw->pw_dir);
			chdir("/");
		}
		show_motd();
		/* "-sh": a login shell, by the old convention. */
		execl(shell, "-sh", (char *)NULL);
		err(127, "%s", shell);
	}
	return 1;
}
