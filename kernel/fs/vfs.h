/*
 * The virtual file system: the one interface every file system plugs into
 * and the system calls call. Its pieces:
 *
 *   struct inode        a file, directory or symlink, cached in memory
 *                       while referenced (vfs_iget/vfs_iput)
 *   struct super_block  one mounted file system
 *   struct file         an open file: inode, offset, open flags
 *   the mount table     which file system covers which directory
 *   path lookup         names to inodes: "." "..", absolute and relative
 *                       paths, symlinks (at most VFS_SYMLINK_MAX of them),
 *                       mount points in both directions
 *
 * A file system provides a struct file_system_type (its mount function)
 * and operations tables for its super blocks and inodes. Errors are
 * negative Linux errno values throughout. Buffers here are kernel memory;
 * the system-call layer copies to and from user space. docs/vfs.md.
 */
#ifndef KESTREL_VFS_H
#define KESTREL_VFS_H

#include "fs/block.h"
#include "lib/sleeplock.h"
#include <kestrel/fcntl.h>
#include <kestrel/stat.h>

#define VFS_NAME_MAX 255   /* one path component (ENAMETOOLONG) */
#define VFS_PATH_MAX 4096  /* a whole path (ENAMETOOLONG) */
#define VFS_SYMLINK_MAX 40 /* symlinks followed in one lookup (ELOOP) */

struct timespec64 {
	int64_t sec;
	int64_t nsec;
};

/* What stat reports (the syscall layer turns it into Linux's struct
 * stat). */
struct kstat {
	uint64_t dev;
	uint64_t ino;
	uint32_t mode;
	uint32_t nlink;
	uint32_t uid, gid;
	uint64_t rdev;
	uint64_t size;
	uint32_t blksize;
	uint64_t blocks; /* 512-byte units */
	struct timespec64 atime, mtime, ctime;
};

struct kstatfs {
	uint64_t type; /* magic number, EXT2_SUPER_MAGIC for ext2 */
	uint64_t block_size;
	uint64_t blocks, blocks_free;
	uint64_t files, files_free;
	uint64_t name_max;
};

struct inode;
struct super_block;

/* readdir calls emit for each entry; emit returns nonzero to stop (the
 * caller's buffer is full), and that entry is not consumed. */
typedef int (*vfs_emit_fn)(void *ctx, const char *name, size_t namelen,
			   uint64_t ino, unsigned int type /* DT_* */);

/*
 * Inode operations. Names are (pointer, length), not NUL-terminated, and
 * already checked: 1..VFS_NAME_MAX bytes, no '/', not "." or "..".
 * The VFS holds dir->lock (and inode->lock where there is no dir) around
 * each call; rename is also serialized per super block. Inodes returned
 * through *out carry a reference for the caller (vfs_iput).
 */
struct inode_operations {
	int (*lookup)(struct inode *dir, const char *name, size_t len,
		      struct inode **out);
	int (*create)(struct inode *dir, const char *name, size_t len,
		      uint32_t mode, struct inode **out);
	int (*mkdir)(struct inode *dir, const char *name, size_t len,
		     uint32_t mode);
	int (*rmdir)(struct inode *dir, const char *name, size_t len);
	int (*unlink)(struct inode *dir, const char *name, size_t len);
	/* Replaces an existing new name (file over file, empty directory
	 * over directory), as rename(2). */
	int (*rename)(struct inode *old_dir, const char *old_name,
		      size_t old_len, struct inode *new_dir,
		      const char *new_name, size_t new_len);
	int (*link)(struct inode *target, struct inode *dir, const char *name,
		    size_t len);
	int (*symlink)(struct inode *dir, const char *name, size_t len,
		       const char *target);
	/* Copy the target (not NUL-terminated) into buf; its length. */
	int (*readlink)(struct inode *inode, char *buf, size_t size);
	/* Bytes read (0 at or past the end) or written; holes read as
	 * zeros; writing past the end extends the file. */
	ssize_t (*read)(struct inode *inode, void *buf, size_t n, uint64_t off);
	ssize_t (*write)(struct inode *inode, const void *buf, size_t n,
			 uint64_t off);
	/* Set the size: growing leaves a hole, shrinking frees blocks. */
	int (*truncate)(struct inode *inode, uint64_t size);
	/* Emit entries from the cookie *pos on ("." and ".." included),
	 * advancing *pos past each one consumed. */
	int (*readdir)(struct inode *dir, uint64_t *pos, vfs_emit_fn emit,
		       void *ctx);
	int (*stat)(struct inode *inode, struct kstat *st);
	/* Write the inode's data and metadata to the disk. */
	int (*fsync)(struct inode *inode);
};

struct super_operations {
	/* Read inode ino into a new in-memory inode (the file system
	 * allocates it, usually embedding struct inode in its own). */
	int (*read_inode)(struct super_block *sb, uint64_t ino,
			  struct inode **out);
	/* Write the inode's metadata back (it is dirty). */
	int (*write_inode)(struct inode *inode);
	/* The last reference is gone and nlink is 0: free its blocks and
	 * the inode on disk. */
	void (*evict_inode)(struct inode *inode);
	/* Free the in-memory inode. */
	void (*free_inode)(struct inode *inode);
	int (*statfs)(struct super_block *sb, struct kstatfs *st);
	/* Write everything back. */
	int (*sync)(struct super_block *sb);
	/* Clean unmount: mark the file system clean on disk, free it. */
	int (*unmount)(struct super_block *sb);
};

struct super_block {
	struct block_device *dev; /* NULL for memory file systems */
	const struct super_operations *ops;
	const struct file_system_type *type;
	uint64_t root_ino;
	bool read_only;
	uint64_t dev_id; /* st_dev of its files */
	/* Held across a whole rename, so two cannot cross (as Linux's
	 * s_vfs_rename_mutex). */
	struct sleeplock rename_lock;
	void *fs_private;
};

struct inode {
	/* Set when read, constant afterwards. */
	struct super_block *sb;
	uint64_t ino;
	const struct inode_operations *ops;

	/* The inode cache's lock (vfs.c) protects these. */
	unsigned int refcount;
	struct inode *cache_next;

	/* Protected by lock; the file system's operations read and update
	 * them, and mark the inode dirty with vfs_inode_dirty. */
	struct sleeplock lock;
	uint32_t mode;
	uint32_t nlink;
	uint32_t uid, gid;
	uint64_t size;
	struct timespec64 atime, mtime, ctime;
	bool dirty;
};

struct file_system_type {
	const char *name; /* "ext2", "ramfs" */
	/* Mount the file system on dev (NULL for memory file systems) and
	 * fill a new super block: -EINVAL if dev does not hold this file
	 * system or needs a feature this code lacks, -EIO if it is damaged;
	 * each with a kernel message saying why. A read-only-compatible
	 * feature it does not know makes it mount read-only (and say so). */
	int (*mount)(struct block_device *dev, bool read_only,
		     struct super_block **out);
};

/* An open file. */
struct file {
	struct inode *inode; /* referenced */
	int flags;           /* O_ACCMODE | O_APPEND | O_NONBLOCK ... */
	/* Protected by lock (reads and writes through one file are
	 * serialized, so the offset moves atomically). */
	struct sleeplock lock;
	uint64_t pos;
	/* Atomic. */
	unsigned int refcount;
};

/* ---- set-up ---------------------------------------------------------- */

void vfs_init(void);
void vfs_register_fs(struct file_system_type *type);

/* Mount type on the device called source ("vda"; NULL for memory file
 * systems) at the directory target ("/" for the first mount). */
int vfs_mount(const char *source, const char *target, const char *type,
	      bool read_only);
/* Sync and unmount the file system mounted at target: -EBUSY while any
 * of its inodes are referenced (other than its root) or something is
 * mounted below it. */
int vfs_unmount(const char *target);
/* Write back every mounted file system. */
int vfs_sync(void);

/* ---- inodes ---------------------------------------------------------- */

/* The inode ino of sb, from the cache or read, with a reference. */
int vfs_iget(struct super_block *sb, uint64_t ino, struct inode **out);
void vfs_iref(struct inode *inode);
/* Drop a reference; the last one writes a dirty inode back, evicts an
 * unlinked one, and frees it. */
void vfs_iput(struct inode *inode);
/* Caller holds inode->lock and changed its fields. */
void vfs_inode_dirty(struct inode *inode);
/* The current time, for timestamps. */
struct timespec64 vfs_now(void);

/* ---- path names -------------------------------------------------------
 * Relative paths start at cwd (NULL means the root). */

#define LOOKUP_FOLLOW 0x1 /* follow a symlink in the last component */

int vfs_lookup(struct inode *cwd, const char *path, int flags,
	       struct inode **out);
/* The directory that would hold path's last component, with a reference,
 * and that component (pointer into path, and length). -ENOENT for "/". */
int vfs_lookup_parent(struct inode *cwd, const char *path, struct inode **dir,
		      const char **name, size_t *len);

int vfs_mkdir(struct inode *cwd, const char *path, uint32_t mode);
int vfs_rmdir(struct inode *cwd, const char *path);
int vfs_unlink(struct inode *cwd, const char *path);
int vfs_rename(struct inode *cwd, const char *old_path, const char *new_path);
int vfs_link(struct inode *cwd, const char *old_path, const char *new_path);
int vfs_symlink(struct inode *cwd, const char *target, const char *path);
int vfs_readlink(struct inode *cwd, const char *path, char *buf, size_t size);
int vfs_truncate(struct inode *cwd, const char *path, uint64_t size);
int vfs_stat(struct inode *cwd, const char *path, int flags, struct kstat *st);
int vfs_statfs(struct inode *cwd, const char *path, struct kstatfs *st);

/* ---- open files ------------------------------------------------------ */

/* O_RDONLY/O_WRONLY/O_RDWR, O_CREAT (with mode), O_EXCL, O_TRUNC,
 * O_APPEND, O_DIRECTORY, O_NOFOLLOW. */
int vfs_open(struct inode *cwd, const char *path, int flags, uint32_t mode,
	     struct file **out);
void vfs_file_ref(struct file *f);
/* Drop a reference; the last closes the file. */
void vfs_close(struct file *f);
ssize_t vfs_read(struct file *f, void *buf, size_t n);
ssize_t vfs_write(struct file *f, const void *buf, size_t n);
ssize_t vfs_pread(struct file *f, void *buf, size_t n, uint64_t off);
ssize_t vfs_pwrite(struct file *f, const void *buf, size_t n, uint64_t off);
/* The new offset, or -EINVAL. */
int64_t vfs_lseek(struct file *f, int64_t off, int whence);
int vfs_ftruncate(struct file *f, uint64_t size);
int vfs_fstat(struct file *f, struct kstat *st);
int vfs_fsync(struct file *f);
/* Fill buf with struct linux_dirent64 records (Linux's layout: d_ino,
 * d_off, d_reclen, d_type, d_name); bytes filled, 0 at the end, -EINVAL
 * if not even one entry fits, -ENOTDIR. */
ssize_t vfs_getdents64(struct file *f, void *buf, size_t size);

#endif
