/*
 * The sampling profiler (profile.c, docs/profiling.md): while it is on,
 * every timer interrupt records where its CPU was, the interrupted RIP
 * and the kernel stack above it, read through the frame pointers.
 * /proc/profile shows the samples as folded stacks and takes "start",
 * "stop" and "reset"; kprof=1 on the command line starts it at boot.
 */
#ifndef KESTREL_PROFILE_H
#define KESTREL_PROFILE_H

#include "arch/x86_64/arch.h"

#define PROFILE_DEPTH 16     /* frames kept per sample, the RIP included */
#define PROFILE_SAMPLES 4096 /* per CPU; later samples are dropped */

/* Read by every tick; set by profile_control. */
extern bool profile_on;

void profile_init(void);
/* The timer interrupt's hook: record a sample of tf on this CPU. Called
 * with interrupts off, only when profile_on. */
void profile_tick(const struct trapframe *tf);
/* "start", "stop" or "reset" (a trailing newline allowed): 0, -EINVAL
 * for anything else, -ENOMEM if the sample buffers cannot be had. */
int profile_control(const char *cmd, size_t len);
/* The samples as text, at most size bytes of it into buf; returns the
 * whole text's length. A header of '#' lines, then one line per run of
 * identical samples on a CPU: "comm;frame;...;leaf COUNT", outermost
 * frame first, as flamegraph.pl reads. */
size_t profile_format(char *buf, size_t size);

#endif
