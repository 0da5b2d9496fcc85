/*
 * Futexes: sleeping on a 32-bit user word until another thread wakes
 * it, the kernel half of musl's mutexes, condition variables,
 * semaphores and pthread_join. futex.c; docs/threads.md.
 */
#ifndef KESTREL_FUTEX_H
#define KESTREL_FUTEX_H

#include "proc/proc.h"

/* Wake at most n waiters on the word at uaddr in mm (a shared key when
 * the word lives in a shared mapping); how many were woken. */
int futex_wake_addr(struct mm *mm, uaddr_t uaddr, int n);
/* A thread is exiting, still on its address space: its robust futexes
 * get FUTEX_OWNER_DIED, its tid word (clear_child_tid) 0 and a wake. */
void futex_exit(struct proc *p);

#endif
