/*
 * ulib: the few helpers every Kestrel user program shares. Error messages
 * come from the C library's <err.h> (warn, err: "prog: what: strerror");
 * this adds the usage message, allocation that cannot fail quietly, and
 * opening a file argument where "-" means standard input.
 * See docs/userland.md.
 */
#ifndef ULIB_H
#define ULIB_H

#include <stddef.h>

/* Prints "usage: PROG SYNOPSIS" on stderr and exits 2. */
void usage(const char *synopsis) __attribute__((noreturn));

/* malloc, realloc and strdup that end the program on failure. */
void *xmalloc(size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);

/* Opens NAME for reading ("-" is standard input); on failure prints
 * "prog: NAME: reason" and returns -1. */
int open_input(const char *name);

/* Closes FD unless it is standard input. */
void close_input(int fd);

/* Writes all LEN bytes of BUF to FD; returns 0, or -1 with errno set. */
int write_all(int fd, const void *buf, size_t len);

#endif
