/*
 * How ioctl command numbers are made: Linux's encoding
 * (include/uapi/asm-generic/ioctl.h, the one x86-64 uses), so a command
 * says in its bits which way its argument goes and how big it is:
 *
 *   bits 31-30  direction: 0 none, 1 write (user to kernel), 2 read
 *   bits 29-16  size of the argument the command points to
 *   bits 15-8   the driver's magic number (a letter)
 *   bits 7-0    the command's number within the driver
 *
 * The names carry a KIOC prefix rather than Linux's _IOR and _IOW, which
 * <sys/ioctl.h> defines too: a program may include both.
 * docs/drivers.md.
 */
#ifndef KESTREL_IOCTL_H
#define KESTREL_IOCTL_H

#define KIOC_NONE 0U
#define KIOC_WRITE 1U
#define KIOC_READ 2U

#define KIOC(dir, type, nr, size) \
	(((dir) << 30) | ((unsigned int)(size) << 16) | ((type) << 8) | (nr))

/* No argument; the kernel reads *arg; the kernel fills *arg. */
#define KIO(type, nr) KIOC(KIOC_NONE, (type), (nr), 0)
#define KIOW(type, nr, argtype) KIOC(KIOC_WRITE, (type), (nr), sizeof(argtype))
#define KIOR(type, nr, argtype) KIOC(KIOC_READ, (type), (nr), sizeof(argtype))

#endif
