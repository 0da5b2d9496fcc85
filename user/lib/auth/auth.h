/*
 * Passwords and logging in, for login, su and passwd (docs/security.md).
 * /etc/shadow holds one line per user, readable by root only (0600):
 *
 *   name:$5$SALT$HASH:lastchange:min:max:warn:inactive:expire:
 *
 * The hash is SHA-256-crypt ("$5$", sha256crypt.c), the same as glibc's,
 * so a line made here checks on Linux and the other way round. A hash
 * field of "" means no password; one starting with '!' or '*' is locked
 * (no password matches it).
 */
#ifndef AUTH_H
#define AUTH_H

#include <pwd.h>
#include <stdbool.h>
#include <stddef.h>

#define AUTH_SHADOW "/etc/shadow"
#define AUTH_PASSWORD_MAX 128

/* key hashed with setting's salt and rounds into out (size >= 128):
 * out, or NULL for a setting that is not "$5$...". */
char *sha256_crypt(const char *key, const char *setting, char *out,
		   size_t size);

/* Does password open user's account? Reads /etc/shadow (root only);
 * false for a user with no shadow line or a locked one. */
bool auth_password_ok(const char *user, const char *password);

/* Print prompt on the terminal and read a line into buf (without the
 * newline) with echo off, as getpass does; NULL at end of input. */
char *auth_read_password(const char *prompt, char *buf, size_t size);

/* Give user the new password: a fresh random salt, /etc/shadow written
 * whole to a new file and renamed over the old, so a crash leaves one or
 * the other. 0, or -1 with errno set. */
int auth_set_password(const char *user, const char *password);

/* Become pw's user: supplementary groups, gid, then uid (once the uid is
 * not 0 the others can no longer change). 0, or -1 with errno set. */
int auth_become(const struct passwd *pw);

/* A login's environment: only PATH, TERM (kept), HOME, SHELL, USER and
 * LOGNAME. */
void auth_login_environment(const struct passwd *pw, const char *shell);

/* pw's shell, /bin/sh when the field is empty. */
const char *auth_shell(const struct passwd *pw);

#endif
