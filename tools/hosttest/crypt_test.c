/*
 * Host test of SHA-256-crypt (user/lib/auth/sha256crypt.c) against the
 * host's own crypt() (libxcrypt, as glibc's): the same password and
 * setting must give the same string, for passwords of every length
 * around the digest's 32 bytes and beyond, salts of 0 to 16 characters
 * (and a longer one, cut at 16), the default and explicit rounds
 * (clamped to 1000 below it), and the specification's own example. A setting
 * that is not "$5$" is refused.
 *
 * hosttest-sources: user/lib/auth/sha256crypt.c user/lib/sha256.c
 * hosttest-libs: -lcrypt
 */
#include <crypt.h>
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"

static unsigned int passed, failed;

static void same_as_host(const char *key, const char *setting)
{
	char ours[128];
	const char *theirs = crypt(key, setting);
	const char *r = sha256_crypt(key, setting, ours, sizeof(ours));

	if (r && theirs && strcmp(ours, theirs) == 0) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL crypt(\"%s\", \"%s\"): ours %s, host %s\n", key, setting,
	       r ? ours : "(null)", theirs ? theirs : "(null)");
}

int main(void)
{
	char key[200], salt[40], setting[64], out[128];
	const char *saltchars = "./09AZaz";

	/* The example of the specification ("Unix crypt using SHA-256"). */
	if (strcmp(sha256_crypt("Hello world!", "$5$saltstring", out,
				sizeof(out)),
		   "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5") ==
	    0)
		passed++;
	else
		failed++, printf("FAIL the specification's example: %s\n", out);
	for (int len = 0; len < 150; len += len < 70 ? 1 : 13) {
		for (int i = 0; i < len; i++)
			key[i] = (char)('!' + (i * 7 + len) % 90);
		key[len] = '\0';
		snprintf(setting, sizeof(setting), "$5$%.*s", len % 17 + 0,
			 "abcdefghijklmnopqrstuvwxyz");
		same_as_host(key, setting);
	}
	for (int n = 0; n <= 20; n++) {
		for (int i = 0; i < n; i++)
			salt[i] = saltchars[i % 8];
		salt[n] = '\0';
		snprintf(setting, sizeof(setting), "$5$%s", salt);
		same_as_host("student", setting);
		snprintf(setting, sizeof(setting), "$5$%s$ignored", salt);
		same_as_host("password with spaces", setting);
	}
	same_as_host("root", "$5$rounds=1000$roundstoolow");
	/* Below 1000 rounds: clamped to 1000, as glibc and the
	 * specification do (libxcrypt refuses such a setting). */
	{
		const char *host = crypt("root", "$5$rounds=1000$roundstoolow");
		const char *r = sha256_crypt(
			"root", "$5$rounds=10$roundstoolow", out, sizeof(out));

		if (r && host && strcmp(r, host) == 0)
			passed++;
		else
			failed++,
				printf("FAIL rounds=10 not clamped: %s\n", out);
	}
	same_as_host("root", "$5$rounds=5001$abc");
	same_as_host("\xc3\xa9t\xc3\xa9", "$5$utf8");
	if (sha256_crypt("x", "$6$sha512", out, sizeof(out)) == NULL &&
	    sha256_crypt("x", "plain", out, sizeof(out)) == NULL &&
	    sha256_crypt("x", "$5$rounds=x$a", out, sizeof(out)) == NULL)
		passed++;
	else
		failed++, printf("FAIL a setting that is not $5$ was taken\n");
	printf("crypt_test: %u passed, %u failed\n", passed, failed);
	return failed != 0;
}
