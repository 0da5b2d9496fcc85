/*
 * The kernel monitor (monitor.c): the prompt a machine booted without
 * ktest= ends up at, until there is a user space to run instead.
 */
#ifndef KESTREL_MONITOR_H
#define KESTREL_MONITOR_H

#include "lib/lib.h"

/* Read commands from the console and run them, forever. Called by kmain
 * last, once the console input devices (uart_enable_irq, keyboard_init)
 * and the timer are running; it waits for input with interrupts on. */
__noreturn void monitor_run(void);

#endif
