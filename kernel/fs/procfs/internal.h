/*
 * What procfs's files (procfs.c, pid.c, fd.c, sched.c, sys.c) share: the text
 * buffer every file is generated into, and the generators. Nothing
 * outside kernel/fs/procfs/ includes it. docs/procfs.md.
 */
#ifndef KESTREL_PROCFS_INTERNAL_H
#define KESTREL_PROCFS_INTERNAL_H

#include "fs/procfs/procfs.h"
#include "proc/proc.h"
#include "trace/profile.h"

/*
 * A file's text is generated into a buffer of fixed size. A generator
 * that runs out of room keeps counting (len goes past size) and the
 * reader calls it again with a buffer as large as len said: so a
 * generator may run under a spinlock (it never allocates), and is run
 * whole each time, which gives every read a consistent snapshot.
 */
struct pbuf {
	char *buf;
	size_t size; /* bytes in buf */
	size_t len;  /* bytes generated: the text is complete if len < size */
};

void pbuf_printf(struct pbuf *b, const char *fmt, ...) __printf(2, 3);
/* Append n raw bytes (they may hold NULs). */
void pbuf_write(struct pbuf *b, const void *data, size_t n);

/* Clock ticks per second in /proc's files (Linux's USER_HZ). */
#define PROCFS_HZ 100
static inline uint64_t ns_to_ticks(uint64_t ns)
{
	return ns / (1000000000ULL / PROCFS_HZ);
}

/* ---- pid.c: the files in /proc/PID ------------------------------------- */

/* Each generates the file for p (referenced by the caller; it may be a
 * zombie, or exit meanwhile): 0 or a negative errno. */
int procfs_pid_stat(struct proc *p, struct pbuf *b);
int procfs_pid_status(struct proc *p, struct pbuf *b);
int procfs_pid_statm(struct proc *p, struct pbuf *b);
int procfs_pid_cmdline(struct proc *p, struct pbuf *b);
int procfs_pid_comm(struct proc *p, struct pbuf *b);
int procfs_pid_maps(struct proc *p, struct pbuf *b);

/* ---- fd.c: the links of /proc/PID -------------------------------------- */

#define PROCFS_LINK_CWD (-1)
#define PROCFS_LINK_EXE (-2)
/* The text of p's link (which: a file descriptor, or PROCFS_LINK_CWD or
 * _EXE) into buf (VFS_PATH_MAX bytes): its length, or -ENOENT. With
 * target, also the inode it stands for (referenced), or -ENXIO if none
 * (a pipe, a socket). */
int procfs_link(struct proc *p, int which, char *buf, struct inode **target);
/* The first descriptor at or after from that p has open, or -1. */
int procfs_fd_next(struct proc *p, int from);
/* The permission bits of /proc/PID/fd/fd as Linux gives them (r-x for
 * reading, -wx for writing), or -ENOENT. */
int procfs_fd_mode(struct proc *p, int fd);

/* ---- sched.c: the scheduler's files ----------------------------------- */

int procfs_pid_sched(struct proc *p, struct pbuf *b);
int procfs_schedstat(struct pbuf *b);
int procfs_schedtrace(struct pbuf *b);

/* The scheduling fields of /proc/PID/stat; a zombie's are those of a
 * normal task at nice 0 on CPU 0. */
struct procfs_sched_fields {
	int priority, nice;
	unsigned int processor, rt_priority, policy;
};
void procfs_sched_fields(struct proc *p, struct procfs_sched_fields *f);

/* ---- sys.c: the files in /proc itself ---------------------------------- */

int procfs_meminfo(struct pbuf *b);
int procfs_uptime(struct pbuf *b);
int procfs_cmdline(struct pbuf *b);
int procfs_mounts(struct pbuf *b);
int procfs_version(struct pbuf *b);
int procfs_filesystems(struct pbuf *b);
int procfs_cpuinfo(struct pbuf *b);
int procfs_interrupts(struct pbuf *b);
int procfs_loadavg(struct pbuf *b);
int procfs_stat(struct pbuf *b);
int procfs_ring(struct pbuf *b);

/* ---- kernel/net/procnet.c and socket.c: /proc/net's text --------------
 * (Declared here too: net.h's struct pbuf is another thing than ours.)
 * Each writes at most size bytes and returns the whole text's length. */
size_t net_proc_dev(char *buf, size_t size);
size_t net_proc_tcp(char *buf, size_t size);
size_t net_proc_udp(char *buf, size_t size);
size_t net_proc_unix(char *buf, size_t size);
size_t net_proc_arp(char *buf, size_t size);
size_t net_proc_route(char *buf, size_t size);
size_t net_proc_snmp(char *buf, size_t size);

/* ---- trace.c: the tracer's files --------------------------------------- */

int procfs_trace_events(struct pbuf *b);
int procfs_trace_stat(struct pbuf *b);

#endif
