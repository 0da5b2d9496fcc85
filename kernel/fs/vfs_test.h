/*
 * The VFS conformance suite (vfs_test.c): Linux's semantics of every VFS
 * call, with Linux's errno values, checked on whatever file system holds
 * a directory. vfs_test.c runs it on ramfs (suite vfs); ext2's tests run
 * the very same cases on ext2.
 */
#ifndef KESTREL_VFS_TEST_H
#define KESTREL_VFS_TEST_H

#include "lib/ktest.h"

/* Run every case, each in a new subdirectory of dir (an existing, empty,
 * writable directory, given as an absolute path), which it removes
 * again. Returns how many cases failed; each failure has printed its
 * "ktest: FAIL:" lines and a "vfs_conformance: CASE: FAIL" line, and set
 * t->failed. */
int vfs_conformance(struct ktest_ctx *t, const char *dir);

/* Run the one case called name ("paths", "rename_dirs" ...): 0, 1 if it
 * failed, -ENOENT if there is no such case. */
int vfs_conformance_case(struct ktest_ctx *t, const char *dir,
			 const char *name);

/* For the VFS's own tests: a fresh ramfs mounted at /ktest-vfs (made in
 * the root file system meanwhile), or at "/" when nothing is mounted. */
struct vfs_scratch {
	const char *path; /* where it is mounted */
	bool made_dir;
};
int vfs_scratch_mount(struct vfs_scratch *s);
int vfs_scratch_unmount(struct vfs_scratch *s);

#endif
