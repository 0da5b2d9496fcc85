/*
 * Kernel-wide helpers: fixed-width types, a few macros, string functions,
 * kprintf and panic. Every kernel file may include this; it pulls in
 * nothing from other subsystems.
 */
#ifndef KESTREL_LIB_H
#define KESTREL_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kestrel/errno.h>

typedef uint64_t physaddr_t;
typedef int64_t ssize_t;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((a)-1)) == 0)
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr)-offsetof(type, member)))

/* Units of time: the kernel's clocks count nanoseconds (time_ns). */
#define NS_PER_SEC 1000000000UL
#define NS_PER_MS 1000000UL
#define NS_PER_USEC 1000UL

#define __packed __attribute__((packed))
#define __noreturn __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __unused __attribute__((unused))
#define __noinline __attribute__((noinline))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* string.c */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);
unsigned long kstrtoul(const char *s, const char **end, int base);

/* printf.c: the formatter behind kprintf. Supports %d %i %u %x %X %o %p %s
 * %c %%, the l, ll, z and h length modifiers, field width, '-' and '0'. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* kprintf writes to every console (serial and VGA), a line at a time
 * under the console lock, so lines from different CPUs never interleave. */
int kprintf(const char *fmt, ...) __printf(1, 2);
int kvprintf(const char *fmt, va_list ap);

/* panic: for broken kernel invariants only, never for bad input. Prints
 * the message, the registers and a backtrace, then stops the machine. */
__noreturn void panic(const char *fmt, ...) __printf(1, 2);

#define assert(cond)                                                  \
	do {                                                          \
		if (unlikely(!(cond)))                                \
			panic("assertion failed: %s at %s:%d", #cond, \
			      __FILE__, __LINE__);                    \
	} while (0)

/* cmdline.c: the kernel command line, "key=value key2 ..." */
void cmdline_set(const char *multiboot_cmdline, const char *extra);
const char *cmdline_get(void);
/* Value of "key=value" copied into buf (0), or -ENOENT. A bare "key" gives
 * an empty value. */
int cmdline_option(const char *key, char *buf, size_t size);
unsigned long cmdline_ulong(const char *key, unsigned long fallback);
bool cmdline_flag(const char *key);

#endif
