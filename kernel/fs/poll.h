/*
 * Readiness for poll and select. A file's poll operation says what it is
 * ready for now (never sleeps); whoever changes that (data arrives, room
 * appears, the other end closes) calls poll_notify(), which wakes every
 * task sleeping in poll, select or ppoll, and each looks again. That is
 * simpler than Linux's per-file wait entries and wakes more tasks than it
 * must, which is fine at Kestrel's scale. No wakeup is lost: a poller
 * reads the generation count before looking and sleeps only if it has not
 * moved (poll_wait).
 */
#ifndef KESTREL_FS_POLL_H
#define KESTREL_FS_POLL_H

#include "lib/lib.h"

/* Linux's values (include/uapi/asm-generic/poll.h). */
#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#define POLLRDNORM 0x040
#define POLLRDBAND 0x080
#define POLLWRNORM 0x100
#define POLLWRBAND 0x200

/* Something pollable changed; callable from interrupt handlers. */
void poll_notify(void);
/* The generation to pass to poll_wait, read before looking at files. */
uint64_t poll_generation(void);
/* Sleep until the generation moves past gen, the deadline (time_ns(); 0
 * for none) passes, or a signal arrives: 0, -ETIMEDOUT or -EINTR. */
int poll_wait(uint64_t gen, uint64_t deadline_ns);

#endif
