/*
 * procfs: the file system mounted at /proc, whose files are text the
 * kernel generates when they are read: a directory per process
 * (/proc/PID/stat, status, cmdline, maps, ...), /proc/self, and the
 * system's figures (/proc/meminfo, uptime, mounts, ...), each in Linux's
 * format so that the same tools read both. docs/procfs.md.
 */
#ifndef KESTREL_PROCFS_H
#define KESTREL_PROCFS_H

#include "fs/vfs.h"

#define PROC_SUPER_MAGIC 0x9fa0 /* Linux's, for statfs */

/* Boot: register the file system type "proc"; mount it with
 * vfs_mount(NULL, "/proc", "proc", false). */
void procfs_init(void);

#endif
