/*
 * powercut DIR SEED OPS [DEVICE]: the guest half of the journal lab's
 * power-cut test (grade/lab-journal.sh, docs/testing.md). With DEVICE,
 * mounts it (ext2, which takes ext3 images) on DIR first. Then OPS
 * operations chosen by a pseudo-random generator seeded with SEED, on
 * eight files: write a new file, append, truncate, rename (f3 <-> g3),
 * unlink, each followed by fsync. Before each it prints
 *
 *   begin N NAME [NEWNAME]
 *
 * and after fsync returned
 *
 *   synced N NAME SIZE CKSUM     (CKSUM as POSIX cksum(1) computes it)
 *   gone N NAME
 *
 * so the host, which kills the machine at some moment, knows which files
 * must be on the disk with which contents: every name whose last line
 * is synced or gone, but those of the operation begun and not finished.
 * It runs on the Linux host too (with DIR any directory, no DEVICE).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define SLOTS 8
#define MAX_SIZE 40000

struct slot {
	int exists;
	int renamed; /* named g<k>, not f<k> */
	size_t size;
	unsigned char data[MAX_SIZE];
};

static struct slot slots[SLOTS];
static unsigned long long rng_state;

static unsigned int rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned int)(rng_state >> 11);
}

/* POSIX cksum: CRC-32 with polynomial 0x04c11db7, MSB first, over the
 * bytes and then the length's bytes (least significant first), inverted. */
static unsigned int cksum(const unsigned char *p, size_t n)
{
	unsigned int crc = 0;
	size_t len = n;

	for (size_t i = 0; i < n; i++) {
		crc ^= (unsigned int)p[i] << 24;
		for (int b = 0; b < 8; b++)
			crc = crc & 0x80000000u ? (crc << 1) ^ 0x04c11db7u
						: crc << 1;
	}
	for (; len; len >>= 8) {
		crc ^= (unsigned int)(len & 0xff) << 24;
		for (int b = 0; b < 8; b++)
			crc = crc & 0x80000000u ? (crc << 1) ^ 0x04c11db7u
						: crc << 1;
	}
	return ~crc;
}

static void die(const char *what, const char *name)
{
	printf("powercut: FAIL %s %s: %s\n", what, name, strerror(errno));
	fflush(stdout);
	exit(1);
}

static void name_of(int k, int renamed, char *buf)
{
	snprintf(buf, 16, "%c%d", renamed ? 'g' : 'f', k);
}

static void sync_dir(void)
{
	int fd = open(".", O_RDONLY | O_DIRECTORY);

	if (fd < 0 || fsync(fd) < 0)
		die("fsync", ".");
	close(fd);
}

/* Write the slot's bytes from off on, and fsync. */
static void put(const char *name, struct slot *s, size_t off, int flags)
{
	int fd = open(name, O_WRONLY | O_CREAT | flags, 0644);

	if (fd < 0)
		die("open", name);
	if (pwrite(fd, s->data + off, s->size - off, (off_t)off) !=
	    (ssize_t)(s->size - off))
		die("write", name);
	if (fsync(fd) < 0)
		die("fsync", name);
	close(fd);
}

static void fill(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)rng();
}

static void one_op(int n)
{
	int k = (int)(rng() % SLOTS);
	struct slot *s = &slots[k];
	char name[16], other[16];
	unsigned int op = rng() % 8;

	name_of(k, s->renamed, name);
	name_of(k, !s->renamed, other);
	if (!s->exists)
		op = 0;
	if (op == 6) { /* rename */
		printf("begin %d %s %s\n", n, name, other);
		fflush(stdout);
		if (rename(name, other) < 0)
			die("rename", name);
		sync_dir();
		s->renamed = !s->renamed;
		printf("gone %d %s\n", n, name);
		printf("synced %d %s %zu %u\n", n, other, s->size,
		       cksum(s->data, s->size));
		fflush(stdout);
		return;
	}
	printf("begin %d %s\n", n, name);
	fflush(stdout);
	if (op == 7) { /* unlink */
		if (unlink(name) < 0)
			die("unlink", name);
		sync_dir();
		s->exists = 0;
		printf("gone %d %s\n", n, name);
		fflush(stdout);
		return;
	}
	if (op == 0 || op == 1) { /* a new file */
		s->size = rng() % MAX_SIZE + 1;
		fill(s->data, s->size);
		put(name, s, 0, O_TRUNC);
		if (!s->exists)
			sync_dir();
		s->exists = 1;
	} else if (op <= 3) { /* append */
		size_t old = s->size;

		s->size = old + rng() % (MAX_SIZE - old + 1);
		fill(s->data + old, s->size - old);
		put(name, s, old, 0);
	} else { /* truncate, shorter */
		int fd = open(name, O_WRONLY);

		s->size = s->size ? rng() % s->size : 0;
		if (fd < 0)
			die("open", name);
		if (ftruncate(fd, (off_t)s->size) < 0)
			die("ftruncate", name);
		if (fsync(fd) < 0)
			die("fsync", name);
		close(fd);
	}
	printf("synced %d %s %zu %u\n", n, name, s->size,
	       cksum(s->data, s->size));
	fflush(stdout);
}

int main(int argc, char **argv)
{
	int ops;

	if (argc < 4) {
		fprintf(stderr, "usage: powercut DIR SEED OPS [DEVICE]\n");
		return 2;
	}
	rng_state = strtoull(argv[2], NULL, 0) * 0x9e3779b97f4a7c15ULL + 1;
	ops = atoi(argv[3]);
	mkdir(argv[1], 0755);
	if (argc > 4 && mount(argv[4], argv[1], "ext2", 0, NULL) < 0)
		die("mount", argv[4]);
	if (chdir(argv[1]) < 0)
		die("chdir", argv[1]);
	printf("powercut: running, seed %s\n", argv[2]);
	fflush(stdout);
	for (int n = 0; n < ops; n++)
		one_op(n);
	if (chdir("/") < 0)
		die("chdir", "/");
	if (argc > 4 && umount(argv[1]) < 0)
		die("umount", argv[1]);
	printf("powercut: done\n");
	fflush(stdout);
	return 0;
}
