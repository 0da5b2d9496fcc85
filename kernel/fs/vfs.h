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

#include "block/block.h"
#include "lib/sleeplock.h"
#include <kestrel/fcntl.h>
#include <kestrel/stat.h>

#define VFS_NAME_MAX 255   /* one path component (ENAMETOOLONG) */
#define VFS_PATH_MAX 4096  /* a whole path (ENAMETOOLONG) */
#define VFS_SYMLINK_MAX 40 /* symlinks followed in one lookup (ELOOP) */

/* The generic ioctl whose answer depends on the kind of file (Linux's
 * asm-generic/ioctls.h): the bytes a read would get now, as an int.
 * A pipe's or a terminal's ioctl operation answers it; sys_ioctl
 * answers it for a file on a file system. */
#define FIONREAD 0x541B

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
 * already checked: 1..VFS_NAME_MAX bytes, no '/', not "." or ".." (but
 * lookup is also asked for "..": the parent, and the root's is itself).
 * The VFS holds dir->lock (and inode->lock where there is no dir) around
 * each call; rename holds both directories' locks, and is serialized per
 * super block. The file system locks the other inodes it changes (the
 * child unlinked or removed, link's target, the inodes rename moves or
 * replaces), always after the directories. Inodes returned through *out
 * carry a reference for the caller (vfs_iput).
 *
 * The VFS has already checked what makes Linux's errno values the same
 * on every file system: the name exists (EEXIST) or not (ENOENT), the
 * types (ENOTDIR, EISDIR), read-only mounts (EROFS), a removed directory
 * (nlink 0: ENOENT). Left to the file system: ENOTEMPTY, ENOSPC, EMLINK,
 * EFBIG, EIO. The mode given to create and mkdir has the file type
 * (S_IFREG, S_IFDIR) and the permission bits. File systems update the
 * timestamps and link counts their operations change.
 *
 * A directory needs lookup and readdir; an operation left NULL makes the
 * call fail with Linux's answer for a file system without it (-EPERM to
 * change names or truncate, -EINVAL to read or write); stat and fsync
 * are optional.
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
	/* A FIFO, a socket or a device node: mode has its type (S_IFIFO,
	 * S_IFSOCK, S_IFCHR, S_IFBLK); rdev is a device's number, else 0. */
	int (*mknod)(struct inode *dir, const char *name, size_t len,
		     uint32_t mode, uint64_t rdev);
	/* Copy the target (not NUL-terminated, at most size bytes) into
	 * buf; the bytes copied. */
	int (*readlink)(struct inode *inode, char *buf, size_t size);
	/* Optional, for a "magic" link (/proc/PID/fd/N, cwd, exe): the
	 * inode it stands for (referenced), where a walk goes on instead of
	 * following the text, so that it reaches a file no path names any
	 * more (a deleted one) and the very device or FIFO that is open. */
	int (*get_link)(struct inode *inode, struct inode **target);
	/* Bytes read (0 at or past the end) or written; holes read as
	 * zeros; writing past the end extends the file. */
	ssize_t (*read)(struct inode *inode, void *buf, size_t n, uint64_t off);
	/* Optional, for regular files: read as read does, but buf is
	 * physically contiguous direct-mapped memory (frames), so the file
	 * system may have the device fill it directly. Having it puts the
	 * file's read() through the page cache (mm/pagecache.h). */
	ssize_t (*read_pages)(struct inode *inode, void *buf, size_t n,
			      uint64_t off);
	/* Instead of read, for a file whose text is made when it is read
	 * (procfs): the whole text, in a buffer from kmalloc that the VFS
	 * frees. A read at offset 0 (or the first) makes it; the open file
	 * keeps it and later reads copy from it, so a reader that takes it
	 * in pieces gets one consistent text, as from Linux's seq_file. */
	int (*generate)(struct inode *inode, char **text, size_t *len);
	ssize_t (*write)(struct inode *inode, const void *buf, size_t n,
			 uint64_t off);
	/* Set the size: growing leaves a hole, shrinking frees blocks. */
	int (*truncate)(struct inode *inode, uint64_t size);
	/* Emit entries from the cookie *pos on ("." and ".." included),
	 * advancing *pos past each one consumed before emitting the next
	 * (the VFS uses it as the previous entry's d_off). */
	int (*readdir)(struct inode *dir, uint64_t *pos, vfs_emit_fn emit,
		       void *ctx);
	/* Optional: *st is filled from the inode's fields (blocks from the
	 * size, blksize a page); correct what the file system knows better.
	 * The VFS sets dev. */
	int (*stat)(struct inode *inode, struct kstat *st);
	/* Write the inode's data to the disk (the VFS has just had the
	 * inode written back with write_inode if it was dirty). */
	int (*fsync)(struct inode *inode);
};

struct super_operations {
	/* Read inode ino into a new in-memory inode (the file system
	 * allocates it, usually embedding struct inode in its own, and fills
	 * ops and the attributes; the VFS sets sb, ino, refcount, lock and
	 * dirty). Must not call vfs_iget. */
	int (*read_inode)(struct super_block *sb, uint64_t ino,
			  struct inode **out);
	/* Write the inode's metadata back (it is dirty); inode->lock held. */
	int (*write_inode)(struct inode *inode);
	/* The last reference is gone and nlink is 0: free its blocks and
	 * the inode on disk. inode->lock held; not on read-only mounts. */
	void (*evict_inode)(struct inode *inode);
	/* Free the in-memory inode. */
	void (*free_inode)(struct inode *inode);
	int (*statfs)(struct super_block *sb, struct kstatfs *st);
	/* Write everything back (the VFS has written the dirty inodes). */
	int (*sync)(struct super_block *sb);
	/* Clean unmount: mark the file system clean on disk, free it (the
	 * VFS then drops the device's buffers with binvalidate). Also
	 * called when mount fails after the file system's mount worked. */
	int (*unmount)(struct super_block *sb);
	/* Optional: switch between read-only and read-write (the VFS has
	 * written the inodes back) and set sb->read_only. */
	int (*remount)(struct super_block *sb, bool read_only);
};

/* The file system's mount fills ops, root_ino and fs_private, and may set
 * read_only and no_mmap; the VFS then sets type, dev, dev_id and
 * rename_lock. */
struct super_block {
	struct block_device *dev; /* NULL for memory file systems */
	const struct super_operations *ops;
	const struct file_system_type *type;
	uint64_t root_ino;
	bool read_only;
	/* The mount's flags (mount(2)'s nosuid, nodev, noexec; MNT_*):
	 * Kestrel has one mount per super block. Written under the mount
	 * table's mutex, read unlocked (one word). */
	unsigned int mnt_flags;
	/* Its files' contents are made when read (procfs): mmap of one is
	 * -ENODEV, as on Linux (a page cache copy would be stale, and a
	 * fault on /proc/self/maps would wait on its own mm's lock). */
	bool no_mmap;
	uint64_t dev_id; /* st_dev of its files */
	/* Held across a whole rename, so two cannot cross (as Linux's
	 * s_vfs_rename_mutex). */
	struct sleeplock rename_lock;
	void *fs_private;
};

struct pipe;

struct inode {
	/* Set when read, constant afterwards. */
	struct super_block *sb;
	uint64_t ino;
	const struct inode_operations *ops;

	/* The inode cache's lock ("icache", vfs.c) protects these. */
	unsigned int refcount;
	struct inode *cache_next;

	/* Protected by lock; the file system's operations read and update
	 * them, and mark the inode dirty with vfs_inode_dirty. The type
	 * bits of mode never change, and may be read without the lock. A
	 * directory with nlink 0 has been removed. */
	struct sleeplock lock;
	uint32_t mode;
	uint32_t nlink;
	uint32_t uid, gid;
	uint64_t size;
	struct timespec64 atime, mtime, ctime;
	bool dirty;

	/* A FIFO's pipe while any open of it lasts (fs/pipe.c's fifo_lock). */
	struct pipe *fifo;
};

struct file_system_type {
	const char *name; /* "ext2", "ramfs" */
	/* Mounts a block device (ext2): vfs_mount refuses a NULL source
	 * with -ENOTBLK. Memory file systems leave it false. */
	bool requires_device;
	/* Mount the file system on dev (NULL for memory file systems) and
	 * fill a new super block: -EINVAL if dev does not hold this file
	 * system or needs a feature this code lacks, -EIO if it is damaged;
	 * each with a kernel message saying why. A read-only-compatible
	 * feature it does not know makes it mount read-only (and say so). */
	int (*mount)(struct block_device *dev, bool read_only,
		     struct super_block **out);
};

/*
 * What a file that is not a plain file of a file system does when used:
 * a device (kernel/fs/chardev.h registers these by number), a pipe, a
 * terminal. The buffers are user addresses: the driver copies with
 * copy_to_user/copy_from_user (kernel/syscall.h), as a Linux driver does.
 * Every operation is optional: a missing read or write is -EINVAL, poll
 * reports readable and writable, ioctl is -ENOTTY, llseek is -ESPIPE.
 * Blocking operations sleep interruptibly and return -ERESTARTSYS when a
 * signal is pending (signal_pending(), kernel/proc/proc.h); with
 * O_NONBLOCK in f->flags they return -EAGAIN instead of sleeping.
 */
struct file;
/* One buffer of readv/writev, as user space passes it. */
struct iovec {
	uint64_t base; /* a user address */
	uint64_t len;
};

struct file_operations {
	/* The file was just opened (f->inode is the device's inode, f->flags
	 * set); may set f->private. An error fails the open. */
	int (*open)(struct inode *inode, struct file *f);
	/* The last reference to the open file is gone. */
	void (*release)(struct file *f);
	ssize_t (*read)(struct file *f, uint64_t ubuf, size_t n, uint64_t *pos);
	ssize_t (*write)(struct file *f, uint64_t ubuf, size_t n,
			 uint64_t *pos);
	/* writev at the file's offset, for a file whose writes must not be
	 * cut at the buffers' edges: all count buffers (total bytes) as one
	 * write, so another writer's bytes never come between them (a
	 * pipe's, atomic up to PIPE_BUF; a terminal's lines). Without it,
	 * writev calls write once a buffer. */
	ssize_t (*writev)(struct file *f, const struct iovec *iov, int count,
			  size_t total);
	/* POLLIN/POLLOUT/POLLHUP/POLLERR (fs/poll.h) ready now; never sleeps.
	 * Whoever makes the answer change calls poll_notify(). */
	unsigned int (*poll)(struct file *f);
	/* arg is a number or a user address, as the command says. */
	long (*ioctl)(struct file *f, unsigned int cmd, uint64_t arg);
	int64_t (*llseek)(struct file *f, int64_t off, int whence);
	/* fsync and fdatasync: what was written is on the device. Without it
	 * they fail with EINVAL, as a pipe's or a terminal's do on Linux. */
	int (*fsync)(struct file *f);
	/* fstat of a file with no inode (a socket): fill *st. */
	int (*stat)(struct file *f, struct kstat *st);
};

/* An open file. */
struct file {
	/* Constant after the open. fops is NULL for a file of a file system
	 * (read and write go through its inode_operations); otherwise it
	 * says what the file does, and inode is the device node, or NULL
	 * for a pipe. private is the driver's. */
	const struct file_operations *fops;
	void *private;
	struct inode *inode; /* referenced, or NULL */
	int flags; /* O_ACCMODE | O_APPEND | O_NONBLOCK ...: the open flags
		    * but O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC */
	/* Protected by lock (reads and writes through one file are
	 * serialized, so the offset moves atomically). */
	struct sleeplock lock;
	uint64_t pos;
	/* A generated file's text (inode_operations.generate), or NULL;
	 * under the inode's lock. */
	char *text;
	size_t text_len;
	/* Constant after the open: the path it was opened by (kmalloc) and
	 * the directory a relative one started from (referenced), or NULL
	 * for a file not opened by path (a pipe, a socket).
	 * /proc/PID/fd/N makes its name from them (real_path). */
	char *open_path;
	struct inode *open_dir;
	/* Atomic. */
	unsigned int refcount;
};

/* One getdents64 record, Linux's layout: d_name (NUL-terminated) at
 * byte 19, each record padded to a multiple of 8 bytes. d_off is the
 * cookie of the next entry (for lseek). */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type; /* DT_* */
	char d_name[];
};

/* ---- set-up ---------------------------------------------------------- */

/* Boot: register the file systems built into the VFS (ramfs). */
void vfs_init(void);
void vfs_register_fs(struct file_system_type *type);
/* Copies up to max registered types, in registration order, into out;
 * returns how many (types are never unregistered: the pointers stay
 * good). For /proc/filesystems. */
unsigned int vfs_fs_types(struct file_system_type **out, unsigned int max);
/* Built-in file systems: vfs_init registers ramfs; kmain calls these. */
void ext2_init(void);

/* Mount type on the device called source ("vda"; NULL for memory file
 * systems) at the directory target ("/" for the first mount; mounting
 * over a mount point stacks, over the root is -EBUSY): -ENODEV (no such
 * type), -ENOTBLK (no source for a type that needs a device), -ENOENT
 * (no such device or target), -ENOTDIR, -EBUSY (the
 * device is mounted), -EROFS (read-write on a read-only device), or the
 * file system's error. */
int vfs_mount(const char *source, const char *target, const char *type,
	      bool read_only);
/* Sync and unmount the file system mounted at target: -EINVAL if none
 * is, -EBUSY while any of its inodes are referenced (other than its
 * root) or something is mounted below it. */
int vfs_unmount(const char *target);
/* Make the file system mounted at target read-only (its data written
 * back and, for ext2, marked clean on the disk, as a clean unmount does)
 * or read-write again: -EINVAL if nothing is mounted there or the file
 * system cannot, -EROFS for read-write on a read-only device. Files open
 * for writing are not looked for (Linux refuses with -EBUSY); writes
 * through them fail with -EROFS from then on. */
int vfs_remount(const char *target, bool read_only);
/* Per-mount flags, as mount(2)'s MS_NOSUID, MS_NODEV, MS_NOEXEC:
 *   nosuid   exec ignores set-user-ID and set-group-ID bits
 *   nodev    device nodes on it do not open (EACCES)
 *   noexec   nothing on it executes (EACCES) or maps executable (EPERM)
 * vfs_mount_set_flags replaces the mounted target's flags. */
#define MNT_NOSUID 0x1
#define MNT_NODEV 0x2
#define MNT_NOEXEC 0x4
int vfs_mount_set_flags(const char *target, unsigned int flags);
/* Write back every mounted file system. */
int vfs_sync(void);

/* One mounted file system, as /proc/mounts lists it. */
struct vfs_mount_info {
	const char *source; /* the device ("vda"), or the type's name for a
			     * memory file system */
	const char *target; /* the path it was mounted on, absolute */
	const char *type;
	bool read_only;
	unsigned int mnt_flags; /* MNT_* */
};
/* Call fn for each mount, the oldest first, under the mount table's
 * spinlock: fn must not sleep, and the strings last only during the
 * call. */
void vfs_for_each_mount(void (*fn)(const struct vfs_mount_info *m, void *arg),
			void *arg);

struct vfs_stats {
	unsigned int inodes; /* in the inode cache: all referenced */
	unsigned int files;  /* open */
	unsigned int mounts;
};
void vfs_get_stats(struct vfs_stats *st);

/* ---- inodes ---------------------------------------------------------- */

/* The inode ino of sb, from the cache or read, with a reference. */
int vfs_iget(struct super_block *sb, uint64_t ino, struct inode **out);
void vfs_iref(struct inode *inode);
/* Drop a reference; the last one writes a dirty inode back, evicts an
 * unlinked one, and frees it. The caller must not hold inode->lock. */
void vfs_iput(struct inode *inode);
/* Caller holds inode->lock and changed its fields. */
void vfs_inode_dirty(struct inode *inode);
/* The time of day (time_realtime_ns: the CMOS clock read at boot plus
 * the TSC clock), for timestamps. */
struct timespec64 vfs_now(void);

/* ---- permissions (permission.c, docs/security.md) ---------------------
 * The running thread's fs ids against the inode's owner, group and mode;
 * root (fsuid 0) passes all but executing a file with no x bit. */

#define MAY_EXEC 0x1
#define MAY_WRITE 0x2
#define MAY_READ 0x4

/* 0, -EACCES, or -EROFS to write on a read-only mount. */
int vfs_permission(struct inode *inode, int mask);
/* May the caller change the inode's attributes (chmod, utimes)? */
bool vfs_owner_or_root(const struct inode *inode);
/* A write or truncate by anyone but root clears set-user-ID (and
 * set-group-ID on a group executable, or when the writer is not in the
 * file's group), as Linux's file_remove_privs:
 * a user who may write a setuid program must not keep its power.
 * Called with ip->lock held. */
void vfs_kill_setid(struct inode *ip);
/* A new name in dir: write and search on it. 0 or -EACCES. */
int vfs_may_create(struct inode *dir);
/* Removing or renaming victim's name in dir: write and search on dir,
 * and the sticky bit's rule: 0, -EACCES or -EPERM. */
int vfs_may_delete(struct inode *dir, const struct inode *victim);
/* File systems, making an inode in dir: its owner (the caller's fs ids,
 * or dir's group if dir is set-group-ID) and its mode's set-group-ID
 * bit. */
void vfs_init_owner(const struct inode *dir, uint32_t *mode, uint32_t *uid,
		    uint32_t *gid);

/* ---- path names -------------------------------------------------------
 * Relative paths start at cwd (NULL means the root). */

#define LOOKUP_FOLLOW 0x1 /* follow a symlink in the last component */

int vfs_lookup(struct inode *cwd, const char *path, int flags,
	       struct inode **out);
/* The directory that would hold path's last component, with a reference,
 * and that component (pointer into path, and length; name[len] is '/'
 * when the path had a trailing slash). The component may be "." or "..".
 * -ENOENT for "/", -EACCES if the caller may not search the directory. */
int vfs_lookup_parent(struct inode *cwd, const char *path, struct inode **dir,
		      const char **name, size_t *len);

int vfs_mkdir(struct inode *cwd, const char *path, uint32_t mode);
int vfs_rmdir(struct inode *cwd, const char *path);
int vfs_unlink(struct inode *cwd, const char *path);
int vfs_rename(struct inode *cwd, const char *old_path, const char *new_path);
int vfs_link(struct inode *cwd, const char *old_path, const char *new_path);
int vfs_symlink(struct inode *cwd, const char *target, const char *path);
/* mknod: a new inode of mode's type, S_IFREG (an empty file), S_IFIFO,
 * S_IFSOCK, S_IFCHR or S_IFBLK (rdev its number); -EPERM for a
 * directory and for a file system without such inodes, -EINVAL for no
 * known type. */
int vfs_mknod(struct inode *cwd, const char *path, uint32_t mode,
	      uint64_t rdev);
int vfs_readlink(struct inode *cwd, const char *path, char *buf, size_t size);
int vfs_truncate(struct inode *cwd, const char *path, uint64_t size);
int vfs_stat(struct inode *cwd, const char *path, int flags, struct kstat *st);
int vfs_statfs(struct inode *cwd, const char *path, struct kstatfs *st);

/* ---- open files ------------------------------------------------------ */

/* O_RDONLY/O_WRONLY/O_RDWR, O_CREAT (with mode), O_EXCL, O_TRUNC,
 * O_APPEND, O_DIRECTORY, O_NOFOLLOW, with Linux's errno values and
 * permission checks (a file this call created opens whatever its
 * mode). */
int vfs_open(struct inode *cwd, const char *path, int flags, uint32_t mode,
	     struct file **out);
/* execve's open: a regular file (else -EACCES) that the caller may
 * execute (not necessarily read), opened for reading by the kernel. */
int vfs_open_exec(struct inode *cwd, const char *path, struct file **out);
/* A new open file (refcount 1) that is not a plain file: a pipe, a
 * device; inode's reference (if any) passes to it. NULL without memory. */
struct file *vfs_file_alloc(const struct file_operations *fops, void *private,
			    struct inode *inode, int flags);
void vfs_file_ref(struct file *f);
/* Drop a reference; the last closes the file. */
void vfs_close(struct file *f);
/* Bytes read (0 at the end), or -EBADF (not open for reading), -EISDIR,
 * the file system's error. */
ssize_t vfs_read(struct file *f, void *buf, size_t n);
/* Bytes written at the offset, or at the end with O_APPEND; -EBADF if
 * not open for writing. Writing past the end leaves a hole. */
ssize_t vfs_write(struct file *f, const void *buf, size_t n);
/* The same at off, leaving the offset alone (pwrite appends with
 * O_APPEND, as on Linux). */
ssize_t vfs_pread(struct file *f, void *buf, size_t n, uint64_t off);
ssize_t vfs_pwrite(struct file *f, const void *buf, size_t n, uint64_t off);
/* The new offset, or -EINVAL. */
int64_t vfs_lseek(struct file *f, int64_t off, int whence);
/* -EINVAL unless open for writing (Linux's errno for that). */
int vfs_ftruncate(struct file *f, uint64_t size);
int vfs_fstat(struct file *f, struct kstat *st);
int vfs_fsync(struct file *f);
/* Fill buf with struct linux_dirent64 records (Linux's layout: d_ino,
 * d_off, d_reclen, d_type, d_name); bytes filled, 0 at the end, -EINVAL
 * if not even one entry fits, -ENOTDIR. */
ssize_t vfs_getdents64(struct file *f, void *buf, size_t size);

/* eventfd.c: count the expiries of the armed timerfds (timer
 * interrupt). */
void timerfd_tick(void);

#endif
