/*
 * stat FILE...: prints what lstat(2) says of each file: size, blocks,
 * type, inode, links, mode, owner, and the three times.
 */
#include "ulib.h"

#include <err.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

static const char *type_name(mode_t mode)
{
	if (S_ISREG(mode))
		return "regular file";
	if (S_ISDIR(mode))
		return "directory";
	if (S_ISLNK(mode))
		return "symbolic link";
	if (S_ISCHR(mode))
		return "character device";
	if (S_ISBLK(mode))
		return "block device";
	if (S_ISFIFO(mode))
		return "fifo";
	return "socket";
}

static void print_time(const char *label, const struct timespec *t)
{
	char when[64];

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S",
		 localtime(&t->tv_sec));
	printf("%s: %s.%09ld\n", label, when, t->tv_nsec);
}

static void print_stat(const char *name, const struct stat *st)
{
	printf("  File: %s\n", name);
	printf("  Size: %lld\tBlocks: %lld\tIO Block: %ld\t%s\n",
	       (long long)st->st_size, (long long)st->st_blocks,
	       (long)st->st_blksize, type_name(st->st_mode));
	printf("Device: %llxh\tInode: %llu\tLinks: %lu\n",
	       (unsigned long long)st->st_dev, (unsigned long long)st->st_ino,
	       (unsigned long)st->st_nlink);
	printf("Access: (%04o)\tUid: %u\tGid: %u\n", st->st_mode & 07777,
	       st->st_uid, st->st_gid);
	print_time("Access", &st->st_atim);
	print_time("Modify", &st->st_mtim);
	print_time("Change", &st->st_ctim);
}

int main(int argc, char **argv)
{
	struct stat st;
	int status = 0;

	if (argc < 2)
		usage("FILE...");
	for (int i = 1; i < argc; i++) {
		if (lstat(argv[i], &st) < 0) {
			warn("%s", argv[i]);
			status = 1;
			continue;
		}
		print_stat(argv[i], &st);
	}
	return status;
}
