/*
 * Kernel tests of the file system calls' own machinery (suite files):
 * dir_path, which getcwd and the two-directory *at calls rest on, and
 * poll's generation counter. What goes through user memory (the calls
 * themselves, pipes) is tested by the user programs in user/tests
 * (docs/files.md).
 */
#include "fs/fs_syscalls.h"
#include "fs/vfs_test.h"
#include "mm/mm.h"

#define PATH_LEN 128

/* dir_path of the directory at path (absolute) into buf: its length. */
static int path_of(const char *path, char *buf)
{
	struct inode *dir;
	int len;

	len = vfs_lookup(NULL, path, LOOKUP_FOLLOW, &dir);
	if (len)
		return len;
	len = dir_path(dir, buf);
	vfs_iput(dir);
	return len;
}

/* dir_path walks up by "..", within a file system and out of a mount, and
 * gives back every inode it took. */
KTEST(files, dir_path)
{
	char base[PATH_LEN], want[PATH_LEN], *buf = kmalloc(VFS_PATH_MAX);
	struct vfs_stats before, after;
	struct vfs_scratch s;
	struct inode *gone;

	KT_ASSERT(buf, "no memory");
	KT_ASSERT_EQ(vfs_scratch_mount(&s), 0);
	strlcpy(base, strcmp(s.path, "/") ? s.path : "", sizeof(base));
	ksnprintf(want, sizeof(want), "%s/a", base);
	KT_ASSERT_EQ(vfs_mkdir(NULL, want, 0755), 0);
	ksnprintf(want, sizeof(want), "%s/a/b", base);
	KT_ASSERT_EQ(vfs_mkdir(NULL, want, 0755), 0);
	ksnprintf(want, sizeof(want), "%s/a/b/m", base);
	KT_ASSERT_EQ(vfs_mkdir(NULL, want, 0755), 0);
	KT_ASSERT_EQ(vfs_mount(NULL, want, "ramfs", false), 0);
	ksnprintf(want, sizeof(want), "%s/a/b/m/c", base);
	KT_ASSERT_EQ(vfs_mkdir(NULL, want, 0755), 0);
	vfs_get_stats(&before);

	KT_ASSERT_EQ(dir_path(NULL, buf), 1);
	KT_ASSERT(!strcmp(buf, "/"), "the root is \"%s\"", buf);
	KT_ASSERT_EQ(path_of(want, buf), (long)strlen(want));
	KT_ASSERT(!strcmp(buf, want), "\"%s\" != \"%s\"", buf, want);
	ksnprintf(want, sizeof(want), "%s/a/b/m", base);
	KT_ASSERT_EQ(path_of(want, buf), (long)strlen(want));
	KT_ASSERT(!strcmp(buf, want), "\"%s\" != \"%s\"", buf, want);
	ksnprintf(want, sizeof(want), "%s/a/b/m/c/../..", base);
	KT_ASSERT_EQ(path_of(want, buf), (long)strlen(base) + 4);
	ksnprintf(want, sizeof(want), "%s/a/b", base);
	KT_ASSERT(!strcmp(buf, want), "\"%s\" != \"%s\"", buf, want);

	/* A removed directory has no path. */
	ksnprintf(want, sizeof(want), "%s/a/b/m/c", base);
	KT_ASSERT_EQ(vfs_lookup(NULL, want, 0, &gone), 0);
	KT_ASSERT_EQ(vfs_rmdir(NULL, want), 0);
	KT_ASSERT_EQ(dir_path(gone, buf), -ENOENT);
	vfs_iput(gone);

	vfs_get_stats(&after);
	KT_ASSERT_EQ(after.inodes, before.inodes);
	KT_ASSERT_EQ(after.files, before.files);
	ksnprintf(want, sizeof(want), "%s/a/b/m", base);
	KT_ASSERT_EQ(vfs_unmount(want), 0);
	KT_ASSERT_EQ(vfs_rmdir(NULL, want), 0);
	ksnprintf(want, sizeof(want), "%s/a/b", base);
	KT_ASSERT_EQ(vfs_rmdir(NULL, want), 0);
	ksnprintf(want, sizeof(want), "%s/a", base);
	KT_ASSERT_EQ(vfs_rmdir(NULL, want), 0);
	KT_ASSERT_EQ(vfs_scratch_unmount(&s), 0);
	kfree(buf);
}

/* A change after the generation was read ends the wait at once; with no
 * change the wait lasts until its deadline. */
KTEST(files, poll_generation)
{
	uint64_t gen = poll_generation(), t0;

	poll_notify();
	KT_ASSERT(poll_generation() != gen, "poll_notify moved nothing");
	KT_ASSERT_EQ(poll_wait(gen, 0), 0);
	gen = poll_generation();
	t0 = time_ns();
	KT_ASSERT_EQ(poll_wait(gen, t0 + 20 * 1000 * 1000), -ETIMEDOUT);
	KT_ASSERT(time_ns() - t0 >= 20 * 1000 * 1000, "woke after %lu ns",
		  time_ns() - t0);
}

/* A pipe's states as poll and fstat see them, and its errors, through its
 * file operations. (Moving bytes needs user memory: user/tests/t_pipe.) */
KTEST(files, pipe_states)
{
	struct vfs_stats before, after;
	struct file *rf, *wf;
	struct kstat st;
	uint64_t pos = 0;

	vfs_get_stats(&before);
	KT_ASSERT_EQ(pipe_create(O_NONBLOCK, &rf, &wf), 0);
	KT_ASSERT_EQ(file_poll(rf), 0);
	KT_ASSERT_EQ(file_poll(wf), POLLOUT | POLLWRNORM);
	KT_ASSERT_EQ(rf->fops->read(rf, 0x1000, 1, &pos), -EAGAIN);
	/* A kernel address is no user buffer: nothing moves. */
	KT_ASSERT_EQ(wf->fops->write(wf, (uint64_t)&st, 1, &pos), -EFAULT);
	KT_ASSERT_EQ(file_poll(rf), 0);
	KT_ASSERT_EQ(rf->fops->write, NULL);
	KT_ASSERT_EQ(wf->fops->read, NULL);
	KT_ASSERT_EQ(pipe_stat(rf, &st), true);
	KT_ASSERT_EQ(st.mode, S_IFIFO | 0600);
	KT_ASSERT_EQ(pipe_stat(wf, &st), true);
	KT_ASSERT_EQ(st.size, 0);
	vfs_close(wf);
	KT_ASSERT_EQ(file_poll(rf), POLLHUP);
	KT_ASSERT_EQ(rf->fops->read(rf, 0x1000, 1, &pos), 0); /* end of file */
	vfs_close(rf);

	KT_ASSERT_EQ(pipe_create(0, &rf, &wf), 0);
	vfs_close(rf);
	KT_ASSERT_EQ(file_poll(wf), POLLOUT | POLLWRNORM | POLLERR);
	vfs_close(wf);
	vfs_get_stats(&after);
	KT_ASSERT_EQ(after.files, before.files);
}
