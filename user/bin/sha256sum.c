/*
 * sha256sum [-c] [FILE...]: the SHA-256 digest of each FILE (standard
 * input when none), as "HEX  NAME", coreutils' format; -c reads such lines
 * from the FILEs and checks them. The digest is user/lib/sha256.c's.
 */
#include "sha256.h"
#include "ulib.h"

#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The digest of NAME ("-": standard input) in HEX; -1 if unreadable. */
static int digest(const char *name, char hex[65])
{
	unsigned char buf[4096];
	struct sha256 s;
	ssize_t n;
	int fd = open_input(name);

	if (fd < 0)
		return -1;
	sha256_init(&s);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sha256_update(&s, buf, (size_t)n);
	close_input(fd);
	if (n < 0) {
		warn("%s", name);
		return -1;
	}
	sha256_hex(&s, hex);
	return 0;
}

/* -c: checks each "HEX  NAME" line of LIST. */
static int check(const char *list)
{
	FILE *fp = strcmp(list, "-") ? fopen(list, "r") : stdin;
	char line[4200], want[65], hex[65], *name;
	int bad = 0;

	if (!fp) {
		warn("%s", list);
		return 1;
	}
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\n")] = '\0';
		if (strlen(line) < 67 || line[64] != ' ') {
			warnx("%s: not a sha256sum line: %s", list, line);
			bad = 1;
			continue;
		}
		memcpy(want, line, 64);
		want[64] = '\0';
		name = line + 66;
		if (digest(name, hex) < 0 || strcmp(hex, want)) {
			printf("%s: FAILED\n", name);
			bad = 1;
		} else {
			printf("%s: OK\n", name);
		}
	}
	if (fp != stdin)
		fclose(fp);
	return bad;
}

int main(int argc, char **argv)
{
	char hex[65];
	int opt, checking = 0, status = 0;

	while ((opt = getopt(argc, argv, "c")) != -1) {
		if (opt != 'c')
			usage("[-c] [FILE...]");
		checking = 1;
	}
	if (optind == argc)
		argv[--optind] = "-";
	for (int i = optind; i < argc; i++) {
		if (checking)
			status |= check(argv[i]);
		else if (digest(argv[i], hex) < 0)
			status = 1;
		else
			printf("%s  %s\n", hex, argv[i]);
	}
	return status;
}
