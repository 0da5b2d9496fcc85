/*
 * System V IPC (kernel/ipc/): shared memory segments (shm.c), semaphore
 * sets (sem.c) and message queues (msg.c), each named by a key and found
 * by an id, with Linux's system calls, structures and errno values.
 * What the rest of the kernel needs from them is here; docs/ipc.md has
 * the picture.
 */
#ifndef KESTREL_IPC_H
#define KESTREL_IPC_H

#include "lib/lib.h"

/* Process exit (the last thread of the group tgid is gone): undo its
 * SEM_UNDO adjustments. Never sleeps; called under proc_lock. */
void sem_exit(int tgid);

/* /proc/sysvipc/shm, sem and msg, Linux's format: at most size bytes
 * into buf; the whole text's length. Never sleep. */
size_t shm_proc_text(char *buf, size_t size);
size_t sem_proc_text(char *buf, size_t size);
size_t msg_proc_text(char *buf, size_t size);

#endif
