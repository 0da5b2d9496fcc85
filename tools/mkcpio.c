/*
 * tools/mkcpio.c: write an initramfs, a cpio archive in the "newc" format
 * Linux unpacks at boot, from a list on stdin in the format of Linux's
 * own usr/gen_init_cpio (a subset), one entry a line:
 *
 *   dir   NAME MODE
 *   file  NAME SOURCE MODE      SOURCE is a file on this host
 *   slink NAME TARGET MODE
 *   nod   NAME MODE c|b MAJOR MINOR
 *
 * NAME is the path in the archive ("/bin/sh"); MODE is octal. Every
 * entry is owned by root and dated 0, so the same list gives the same
 * bytes. `make bench` builds it to boot Debian's Linux beside Kestrel
 * (tools/linux-bench.sh), needing neither cpio nor root. The archive
 * goes to stdout. Each newc entry is a 110-byte ASCII header ("070701"
 * and thirteen 8-digit hex fields), the name and its NUL padded to 4
 * bytes, then the data padded to 4; "TRAILER!!!" ends the archive.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static unsigned long next_ino = 1;
static unsigned long written;

static void pad4(void)
{
	while (written % 4) {
		putchar(0);
		written++;
	}
}

/* One entry: header, name, data (size bytes of it, or none). */
static void entry(const char *name, unsigned long mode,
		  unsigned long rdev_major, unsigned long rdev_minor,
		  const char *data, unsigned long size)
{
	/* The archive's names are relative: "bin/sh", not "/bin/sh". */
	while (*name == '/')
		name++;
	if (!*name)
		name = ".";
	written += printf("070701%08lX%08lX%08lX%08lX%08lX%08lX%08lX%08lX"
			  "%08lX%08lX%08lX%08lX%08lX",
			  next_ino++, mode, 0UL, 0UL, S_ISDIR(mode) ? 2UL : 1UL,
			  0UL, size, 0UL, 0UL, rdev_major, rdev_minor,
			  (unsigned long)strlen(name) + 1, 0UL);
	fputs(name, stdout);
	putchar(0);
	written += strlen(name) + 1;
	pad4();
	if (size) {
		fwrite(data, 1, size, stdout);
		written += size;
		pad4();
	}
}

static char *slurp(const char *path, unsigned long *size)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "mkcpio: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	buf = malloc(n ? n : 1);
	if (!buf || fread(buf, 1, n, f) != (size_t)n) {
		fprintf(stderr, "mkcpio: %s: cannot read\n", path);
		exit(1);
	}
	fclose(f);
	*size = n;
	return buf;
}

int main(void)
{
	char line[4096], kind[16], name[1024], arg[1024], type[4];
	unsigned long mode, maj, min, size;
	unsigned int lineno = 0;

	while (fgets(line, sizeof(line), stdin)) {
		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%15s", kind) != 1)
			continue;
		if (!strcmp(kind, "dir") &&
		    sscanf(line, "%*s %1023s %lo", name, &mode) == 2) {
			entry(name, S_IFDIR | (mode & 07777), 0, 0, NULL, 0);
		} else if (!strcmp(kind, "file") &&
			   sscanf(line, "%*s %1023s %1023s %lo", name, arg,
				  &mode) == 3) {
			char *data = slurp(arg, &size);

			entry(name, S_IFREG | (mode & 07777), 0, 0, data, size);
			free(data);
		} else if (!strcmp(kind, "slink") &&
			   sscanf(line, "%*s %1023s %1023s %lo", name, arg,
				  &mode) == 3) {
			entry(name, S_IFLNK | (mode & 07777), 0, 0, arg,
			      strlen(arg));
		} else if (!strcmp(kind, "nod") &&
			   sscanf(line, "%*s %1023s %lo %3s %lu %lu", name,
				  &mode, type, &maj, &min) == 5 &&
			   (!strcmp(type, "c") || !strcmp(type, "b"))) {
			entry(name,
			      (type[0] == 'c' ? S_IFCHR : S_IFBLK) |
				      (mode & 07777),
			      maj, min, NULL, 0);
		} else {
			fprintf(stderr, "mkcpio: line %u: cannot read: %s",
				lineno, line);
			return 1;
		}
	}
	entry("TRAILER!!!", 0, 0, 0, NULL, 0);
	/* Linux reads the archive in 512-byte blocks, as cpio writes it. */
	while (written % 512) {
		putchar(0);
		written++;
	}
	return fflush(stdout) ? 1 : 0;
}
