/*
 * The command line. Every option has a default chosen like mke2fs's (its
 * mke2fs.conf): the block size and the bytes per inode follow the image
 * size, inodes are 256 bytes, 5% of the blocks are reserved for root, a
 * group has as many blocks as a bitmap block has bits. The UUID and the
 * time stamp are fixed constants, so that the same tree gives the same
 * image; -U random and -T now ask for fresh ones. docs/mkfs.md lists them.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mkfs.h"

/* The time stamp of every inode and of the superblock unless -T says
 * otherwise: 2024-01-01 00:00:00 UTC. */
#define MKFS_DEFAULT_TIME 1704067200u

/* The UUID unless -U says otherwise: "kestrel-ext2" in ASCII, made a
 * valid version-4 UUID (6b657374-7265-4c2d-a578-74320000cafe). */
static const uint8_t default_uuid[MKFS_UUID_SIZE] = {
	0x6b, 0x65, 0x73, 0x74, 0x72, 0x65, 0x4c, 0x2d,
	0xa5, 0x78, 0x74, 0x32, 0x00, 0x00, 0xca, 0xfe,
};

#define UUID_VERSION_BYTE 6 /* RFC 4122: version in the high nibble */
#define UUID_VARIANT_BYTE 8 /* RFC 4122: variant in the high two bits */
#define UUID_TEXT_LEN 36    /* 8-4-4-4-12 hex digits and dashes */

#define DEFAULT_INODE_SIZE 256
#define DEFAULT_RESERVED_PERCENT 5
#define MAX_RESERVED_PERCENT 50
#define MIN_BLOCKS_PER_GROUP 256

/* mke2fs.conf's size classes: "floppy" below 3 MiB, "small" below 512
 * MiB, the defaults above. */
static const struct size_class {
	uint64_t below;
	uint32_t block_size;
	uint32_t bytes_per_inode;
} size_classes[] = {
	{ 3ull << 20, 1024, 8192 },
	{ 512ull << 20, 1024, 4096 },
	{ UINT64_MAX, 4096, 16384 },
};

static void usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: mkfs [-b 1024|2048|4096] [-I 128|256] [-N inodes | -i bytes-per-inode]\n"
		"            [-m reserved-percent] [-g blocks-per-group] [-L label]\n"
		"            [-U uuid|random] [-T unix-time|now] [-P] [-o PATH:UID:GID]...\n"
		"            [-j] [-J size=MiB] [-v] -s SIZE -d DIR IMAGE\n"
		"Builds an ext2 file system of SIZE bytes (K, M, G suffixes: KiB, MiB,\n"
		"GiB) in the file IMAGE holding the tree DIR. -P keeps the tree's\n"
		"owners (by default everything belongs to root), -o gives the file PATH\n"
		"(relative to DIR) to UID:GID, -j adds an ext3 journal (-J size=MiB of\n"
		"it), -v prints the layout.\n"
		"See docs/mkfs.md.\n");
	exit(status);
}

/* A decimal number that fits max, or fatal. */
static uint64_t parse_number(const char *opt, const char *s, uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || errno || v > max)
		fatal("-%s: '%s' is not a number from 0 to %llu", opt, s,
		      (unsigned long long)max);
	return v;
}

/* SIZE: a number of bytes with an optional K, M or G (powers of 1024). */
static uint64_t parse_size(const char *s)
{
	static const char units[] = "KMG";
	char *end;
	unsigned long long v;
	unsigned int shift = 0;
	const char *u;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0' && end[1] == '\0' && (u = strchr(units, *end)))
		shift = 10 * (unsigned int)(u - units + 1);
	else if (*end != '\0')
		end = NULL;
	if (*s < '0' || *s > '9' || !end || errno || v > UINT64_MAX >> shift)
		fatal("-s: '%s' is not a size (a number, then K, M or G)", s);
	return (uint64_t)v << shift;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A UUID in its text form, 8-4-4-4-12 hex digits. */
static void parse_uuid(const char *s, uint8_t *uuid)
{
	size_t i = 0, n = 0;

	if (strlen(s) != UUID_TEXT_LEN)
		goto bad;
	while (n < MKFS_UUID_SIZE) {
		int hi, lo;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i++] != '-')
				goto bad;
			continue;
		}
		hi = hex_digit(s[i]);
		lo = hex_digit(s[i + 1]);
		if (hi < 0 || lo < 0)
			goto bad;
		uuid[n++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	return;
bad:
	fatal("-U: '%s' is not a UUID (like %s) nor 'random'", s,
	      "6b657374-7265-4c2d-a578-74320000cafe");
}

static void random_uuid(uint8_t *uuid)
{
	int fd = open("/dev/urandom", O_RDONLY);

	if (fd < 0 || read(fd, uuid, MKFS_UUID_SIZE) != MKFS_UUID_SIZE)
		fatal_errno("-U random: cannot read /dev/urandom");
	close(fd);
	uuid[UUID_VERSION_BYTE] = (uuid[UUID_VERSION_BYTE] & 0x0f) | 0x40;
	uuid[UUID_VARIANT_BYTE] = (uuid[UUID_VARIANT_BYTE] & 0x3f) | 0x80;
}

/* The defaults that depend on the size, for options not given. */
static void size_defaults(struct mkfs_options *opt)
{
	const struct size_class *c = size_classes;

	while (opt->size >= c->below)
		c++;
	if (!opt->block_size)
		opt->block_size = c->block_size;
	if (!opt->bytes_per_inode)
		opt->bytes_per_inode = c->bytes_per_inode;
}

/* -o PATH:UID:GID */
static void parse_owner(struct mkfs_options *opt, char *arg)
{
	char *gid = strrchr(arg, ':'), *uid;
	struct mkfs_owner *o;

	if (!gid || gid == arg)
		fatal("-o %s: not PATH:UID:GID", arg);
	*gid++ = '\0';
	uid = strrchr(arg, ':');
	if (!uid || uid == arg)
		fatal("-o %s: not PATH:UID:GID", arg);
	*uid++ = '\0';
	if (opt->nowners == MKFS_OWNERS_MAX)
		fatal("-o: at most %d of them", MKFS_OWNERS_MAX);
	o = &opt->owners[opt->nowners++];
	o->path = arg;
	o->uid = (uint32_t)parse_number("o", uid, UINT32_MAX);
	o->gid = (uint32_t)parse_number("o", gid, UINT32_MAX);
}

static void parse_one(struct mkfs_options *opt, int c, const char *arg)
{
	switch (c) {
	case 'b':
		opt->block_size = (uint32_t)parse_number("b", arg, 4096);
		if (opt->block_size != 1024 && opt->block_size != 2048 &&
		    opt->block_size != 4096)
			fatal("-b: the block size is 1024, 2048 or 4096");
		break;
	case 'I':
		opt->inode_size = (uint32_t)parse_number("I", arg, 256);
		if (opt->inode_size != 128 && opt->inode_size != 256)
			fatal("-I: the inode size is 128 or 256");
		break;
	case 'N':
		opt->inodes = (uint32_t)parse_number("N", arg, UINT32_MAX);
		break;
	case 'i':
		opt->bytes_per_inode =
			(uint32_t)parse_number("i", arg, 1u << 26);
		if (opt->bytes_per_inode < 1024)
			fatal("-i: at least 1024 bytes per inode");
		break;
	case 'm':
		opt->reserved_percent =
			(uint32_t)parse_number("m", arg, MAX_RESERVED_PERCENT);
		break;
	case 'g':
		opt->blocks_per_group =
			(uint32_t)parse_number("g", arg, 8 * 4096);
		if (opt->blocks_per_group < MIN_BLOCKS_PER_GROUP ||
		    opt->blocks_per_group % 8)
			fatal("-g: blocks per group is a multiple of 8, at least %d",
			      MIN_BLOCKS_PER_GROUP);
		break;
	case 'L':
		if (strlen(arg) > MKFS_LABEL_MAX)
			fatal("-L: a label has at most %d bytes",
			      MKFS_LABEL_MAX);
		strncpy(opt->label, arg, MKFS_LABEL_MAX);
		break;
	case 'U':
		if (strcmp(arg, "random") == 0)
			random_uuid(opt->uuid);
		else
			parse_uuid(arg, opt->uuid);
		break;
	case 'T':
		if (strcmp(arg, "now") == 0)
			opt->time = (uint32_t)time(NULL);
		else
			opt->time =
				(uint32_t)parse_number("T", arg, UINT32_MAX);
		break;
	case 's':
		opt->size = parse_size(arg);
		break;
	case 'd':
		opt->dir = arg;
		break;
	case 'P':
		opt->keep_owners = true;
		break;
	case 'o':
		parse_owner(opt, xstrdup(arg));
		break;
	case 'j':
		opt->journal = true;
		break;
	case 'J':
		if (strncmp(arg, "size=", 5) != 0)
			fatal("-J: '%s': only size=MiB is known", arg);
		opt->journal = true;
		opt->journal_mib =
			(uint32_t)parse_number("J size", arg + 5, 1u << 20);
		if (opt->journal_mib == 0)
			fatal("-J size=0: a journal needs blocks");
		break;
	case 'v':
		opt->verbose = true;
		break;
	case 'h':
		usage(0);
		break;
	default:
		usage(2);
	}
}

void options_parse(int argc, char **argv, struct mkfs_options *opt)
{
	int c;

	memset(opt, 0, sizeof(*opt));
	opt->inode_size = DEFAULT_INODE_SIZE;
	opt->reserved_percent = DEFAULT_RESERVED_PERCENT;
	opt->time = MKFS_DEFAULT_TIME;
	memcpy(opt->uuid, default_uuid, MKFS_UUID_SIZE);

	while ((c = getopt(argc, argv, "b:I:N:i:m:g:L:U:T:s:d:Po:jJ:vh")) != -1)
		parse_one(opt, c, optarg);
	if (optind != argc - 1) {
		fprintf(stderr, "mkfs: %s\n",
			optind < argc ? "one IMAGE only" : "no IMAGE");
		usage(2);
	}
	opt->image = argv[optind];
	if (!opt->size || !opt->dir) {
		fprintf(stderr, "mkfs: -s SIZE and -d DIR are needed\n");
		usage(2);
	}
	size_defaults(opt);
}
