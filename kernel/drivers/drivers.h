/*
 * The device drivers' public face: the console (serial + VGA screen +
 * keyboard) and the init function of each driver kmain calls.
 */
#ifndef KESTREL_DRIVERS_H
#define KESTREL_DRIVERS_H

#include "lib/lib.h"

/* ---- console: output ---- */

/* Write len bytes to every console device, under the console lock. */
void console_write(const char *buf, size_t len);
/* After a panic starts: forget any holder of the console lock, so the
 * report gets out even if the panicking CPU held it. */
void console_break_lock(void);

/* ---- console: input ---- */

/* Called by the serial and keyboard interrupt handlers with each byte
 * typed: it goes to the console's terminal (drivers/tty.h). */
void console_input(char c);
/* For the monitor: read a line from the console terminal, which echoes
 * and edits it (erase ^H DEL, kill ^U, word erase ^W). NUL-terminated
 * without its newline; returns its length, or -1 for ^D on an empty line.
 * A longer line than fits comes in pieces. Sleeps until a line is typed
 * (a task, after sched_init). */
int console_readline(char *buf, size_t size);

/* ---- the devices ---- */

void uart_init(void);       /* COM1 at 115200 8N1, output only */
void uart_enable_irq(void); /* receive interrupts on, for input */
void uart_putc(char c);
bool uart_present(void);

void vga_init(void);
void vga_putc(char c);

void keyboard_init(void);

/* The memory devices: null, zero, full, random, urandom, kmsg (mem.c). */
void memdev_init(void);
/* /dev/rtc0, the CMOS clock (rtc.c). */
void rtc_dev_init(void);

/* Storage (docs/block.md). pci_init enumerates the bus (drivers/pci.h is
 * the API); the disk drivers find their devices and register them with
 * the block layer (block/block.h). */
void pci_init(void);
void ramdisk_init(void);    /* ram0, ram1...: one per boot module */
void virtio_blk_init(void); /* vda, vdb...: virtio-blk PCI devices */
struct block_device;
/* Test hook (block.timeout): drop the next n completions of dev, as if
 * the device never answered them, so block_wait's timeout and the reset
 * run. 0, or -ENODEV if dev is not a virtio-blk disk. */
int virtio_blk_drop_completions(struct block_device *dev, unsigned int n);

/* Network cards (docs/net.md): eth0, eth1... registered with the stack
 * (net/net.h), which net_init has started. */
void e1000_init(void);

#endif
