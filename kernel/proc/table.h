/*
 * Between the files of kernel/proc: the process table's lock and the
 * operations on it that fork, exit, wait, the group calls and kill
 * share. Nothing outside kernel/proc includes it.
 */
#ifndef KESTREL_PROC_TABLE_H
#define KESTREL_PROC_TABLE_H

#include "proc/proc.h"

#define PID_HASH 64

extern struct spinlock proc_lock;
extern struct proc *pid_hash[PID_HASH];
extern struct proc_counts counts;
extern struct proc *init_proc;

struct proc *proc_lookup_locked(int pid);
void child_add_locked(struct proc *parent, struct proc *c);
void proc_free(struct proc *p);
int proc_publish(struct proc *p, struct proc *parent, bool is_init);
void reap_locked(struct proc *p);
void set_cmdline(struct proc *p, char *const argv[]);
void set_name(struct proc *p, const char *path);
void vfork_release(struct proc *p);

#endif
