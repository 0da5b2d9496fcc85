/*
 * The output file. The image is built in a temporary file beside IMAGE
 * (IMAGE.tmp-XXXXXX) and renamed over IMAGE only once it is complete: a
 * run that fails, or is interrupted, leaves no half-written image behind,
 * and an image that was there before stays as it was. The file starts as
 * SIZE bytes of zeros (ftruncate, sparse on the host), so only blocks
 * that hold something are written, and every write is checked to lie
 * inside it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkfs.h"

#define TEMP_SUFFIX ".tmp-XXXXXX"

/* The temporary file while there is one: removed by image_discard, also
 * from a signal handler. */
static char *temp_path;
static uint64_t image_size;

static void on_signal(int sig)
{
	if (temp_path)
		unlink(temp_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], on_signal);
}

/* Refuse to replace anything but a regular file (a device, a directory). */
static void check_target(const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		fatal("%s exists and is not a regular file", path);
}

void image_create(struct fs *fs, const char *path, uint64_t size)
{
	size_t n = strlen(path) + sizeof(TEMP_SUFFIX);
	char *tmp = xcalloc(n, 1);
	mode_t mask;

	check_target(path);
	snprintf(tmp, n, "%s" TEMP_SUFFIX, path);
	catch_signals();
	fs->fd = mkstemp(tmp);
	if (fs->fd < 0)
		fatal_errno("cannot create %s (as %s)", path, tmp);
	temp_path = tmp;
	mask = umask(0);
	umask(mask);
	if (fchmod(fs->fd, 0666 & ~mask) < 0)
		fatal_errno("cannot set the mode of %s", tmp);
	if (ftruncate(fs->fd, (off_t)size) < 0)
		fatal_errno("cannot make %s %llu bytes long", tmp,
			    (unsigned long long)size);
	image_size = size;
}

void image_write(struct fs *fs, uint64_t offset, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (offset > image_size || len > image_size - offset)
		fatal("bug: a write past the end of the image (%zu bytes at "
		      "%llu)",
		      len, (unsigned long long)offset);
	while (len) {
		ssize_t n = pwrite(fs->fd, p, len, (off_t)offset);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			fatal_errno("cannot write %s", temp_path);
		p += n;
		offset += (uint64_t)n;
		len -= (size_t)n;
	}
}

/* Block 0 is never handed out: alloc_block returns it once the image is
 * full, and the data is dropped (mkfs fails at the end). */
void image_write_block(struct fs *fs, uint32_t block, const void *buf)
{
	if (block)
		image_write(fs, (uint64_t)block * fs->block_size, buf,
			    fs->block_size);
}

void image_commit(struct fs *fs)
{
	if (close(fs->fd) < 0)
		fatal_errno("cannot write %s", temp_path);
	fs->fd = -1;
	if (rename(temp_path, fs->opt->image) < 0)
		fatal_errno("cannot rename %s to %s", temp_path,
			    fs->opt->image);
	free(temp_path);
	temp_path = NULL;
}

void image_discard(void)
{
	if (temp_path)
		unlink(temp_path);
	temp_path = NULL;
}
