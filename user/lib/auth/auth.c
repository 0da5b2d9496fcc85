/*
 * Passwords and logging in: checking a password against /etc/shadow,
 * reading one with echo off, changing one, and becoming a user
 * (auth.h has the file's format).
 */
#include "auth.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <shadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define SHADOW_NEW "/etc/shadow+"
#define SHADOW_LOCK "/etc/.pwd.lock"
#define LINE_MAX_SHADOW 1024

/* Compare every byte, so the time taken does not tell how much of a
 * guess was right. */
static bool same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char diff = la != lb;

	for (size_t i = 0; i < la && i < lb; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

bool auth_password_ok(const char *user, const char *password)
{
	struct spwd *sp = getspnam(user);
	char hash[128];

	if (!sp || !sp->sp_pwdp)
		return false;
	if (sp->sp_pwdp[0] == '\0')
		return true; /* no password set */
	if (sp->sp_pwdp[0] == '!' || sp->sp_pwdp[0] == '*')
		return false; /* locked */
	if (!sha256_crypt(password, sp->sp_pwdp, hash, sizeof(hash)))
		return false;
	return same(hash, sp->sp_pwdp);
}

char *auth_read_password(const char *prompt, char *buf, size_t size)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY);
	struct termios old, quiet;
	bool have_tty;
	char *r = NULL;
	size_t n = 0;
	char c;

	if (fd < 0)
		fd = STDIN_FILENO;
	have_tty = tcgetattr(fd, &old) == 0;
	if (have_tty) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
		quiet.c_lflag |= ECHONL;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	if (write(have_tty ? fd : STDERR_FILENO, prompt, strlen(prompt)) < 0)
		goto out;
	while (read(fd, &c, 1) == 1) {
		if (c == '\n') {
			r = buf;
			break;
		}
		if (n + 1 < size)
			buf[n++] = c;
	}
	buf[n] = '\0';
	if (!r && n > 0)
		r = buf; /* a last line without a newline */
out:
	if (have_tty)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (fd != STDIN_FILENO)
		close(fd);
	return r;
}

/* A "$5$SALT" setting with 16 random characters of salt. */
static int new_setting(char *out, size_t size)
{
	static const char b64[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz";
	unsigned char r[16];
	char salt[17];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -1;
	for (int i = 0; i < 16; i++)
		salt[i] = b64[r[i] & 0x3f];
	salt[16] = '\0';
	snprintf(out, size, "$5$%s", salt);
	return 0;
}

/* Copy /etc/shadow to out with user's hash and last change replaced:
 * 0, or -1 (errno ENOENT if user has no line). */
static int rewrite(FILE *in, FILE *out, const char *user, const char *hash)
{
	char line[LINE_MAX_SHADOW];
	size_t ulen = strlen(user);
	bool found = false;

	while (fgets(line, sizeof(line), in)) {
		char *rest;

		if (strncmp(line, user, ulen) != 0 || line[ulen] != ':') {
			fputs(line, out);
			continue;
		}
		/* name:hash:lastchange:rest */
		rest = strchr(line + ulen + 1, ':');
		rest = rest ? strchr(rest + 1, ':') : NULL;
		fprintf(out, "%s:%s:%ld%s", user, hash,
			(long)(time(NULL) / 86400),
			rest ? rest : ":0:99999:7:::\n");
		found = true;
	}
	if (!found) {
		errno = ENOENT;
		return -1;
	}
	return ferror(in) || ferror(out) ? -1 : 0;
}

int auth_set_password(const char *user, const char *password)
{
	char setting[32], hash[128];
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	FILE *in = NULL, *out = NULL;
	int lock, fd, err = -1, saved;

	if (new_setting(setting, sizeof(setting)) ||
	    !sha256_crypt(password, setting, hash, sizeof(hash)))
		return -1;
	/* One passwd at a time: the others wait on the lock file. */
	lock = open(SHADOW_LOCK, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0 || fcntl(lock, F_SETLKW, &fl) < 0)
		goto out;
	in = fopen(AUTH_SHADOW, "re");
	fd = open(SHADOW_NEW, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (!in || fd < 0 || fchmod(fd, 0600) < 0) {
		if (fd >= 0)
			close(fd);
		goto out;
	}
	out = fdopen(fd, "w");
	if (!out) {
		close(fd);
		goto out;
	}
	if (rewrite(in, out, user, hash) == 0 && fflush(out) == 0 &&
	    fsync(fileno(out)) == 0)
		err = 0;
	if (fclose(out) != 0)
		err = -1;
	out = NULL;
	if (err == 0)
		err = rename(SHADOW_NEW, AUTH_SHADOW);
	else
		unlink(SHADOW_NEW);
out:
	saved = errno;
	if (in)
		fclose(in);
	if (lock >= 0)
		close(lock); /* and the lock with it */
	errno = saved;
	return err;
}

int auth_become(const struct passwd *pw)
{
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0)
		return -1;
	return 0;
}

void auth_login_environment(const struct passwd *pw, const char *shell)
{
	const char *term = getenv("TERM");
	char *keep = term ? strdup(term) : NULL;

	clearenv();
	setenv("PATH", "/bin", 1);
	if (keep)
		setenv("TERM", keep, 1);
	free(keep);
	setenv("HOME", pw->pw_dir, 1);
	setenv("SHELL", shell, 1);
	setenv("USER", pw->pw_name, 1);
	setenv("LOGNAME", pw->pw_name, 1);
}

const char *auth_shell(const struct passwd *pw)
{
	return pw->pw_shell && *pw->pw_shell ? pw->pw_shell : "/bin/sh";
}
