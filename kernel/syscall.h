/*
 * System calls: how a subsystem adds one, and how it touches user memory.
 *
 * A handler lives in the subsystem it belongs to and registers itself:
 *
 *	static long sys_dup(uint64_t oldfd)
 *	{
 *		...
 *	}
 *	SYSCALL(dup, sys_dup);
 *
 * SYSCALL puts {SYS_dup, "dup", sys_dup} in the .syscalls section;
 * syscall_table_init builds the table from it at boot (and panics on a
 * number registered twice). Arguments arrive as the registers the user put them
 * in (rdi, rsi, rdx, r10, r8, r9): declare them uint64_t, int64_t or
 * uaddr_t and narrow them explicitly, as Linux does (an fd is (int)a0).
 * The result is a value or a negative errno.
 *
 * User memory is never dereferenced: an address from user space is a
 * uaddr_t (a number), and the only way through it is copy_from_user /
 * copy_to_user and friends, which return -EFAULT for any address that is
 * not mapped user memory (kernel or non-canonical addresses included),
 * and which fault pages in (demand zero, copy on write) as user code
 * would. They may sleep: never call them holding a spinlock.
 */
#ifndef KESTREL_SYSCALL_H
#define KESTREL_SYSCALL_H

#include "arch/x86_64/arch.h"
#include "lib/lib.h"
#include "syscall_nr.h"

/* An address in user space: not a pointer the kernel may follow. */
typedef uint64_t uaddr_t;

typedef long (*syscall_fn)(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
			   uint64_t a4, uint64_t a5);

struct syscall_def {
	uint64_t nr;
	const char *name;
	syscall_fn fn;
};

/* A handler takes up to six register-sized arguments; calling it through
 * a six-argument pointer is what the x86-64 calling convention allows. */
#define SYSCALL(name, fn)                                                   \
	static const struct syscall_def syscall_def_##name                  \
		__attribute__((used, section(".syscalls"), aligned(8))) = { \
			SYS_##name, #name, (syscall_fn)(void (*)(void))(fn) \
		}

/* Boot: build the table. (The syscall MSRs are set on each CPU by
 * syscall_init, in kernel/arch/x86_64/cpu.c.) */
void syscall_table_init(void);
/* The name of call nr, or NULL (strace, logs). */
const char *syscall_name(uint64_t nr);

/* The user registers of the running process, saved at the top of its
 * kernel stack by the syscall or trap that entered the kernel: fork,
 * execve, sigreturn and signal delivery change them. */
struct trapframe *user_frame(void);

/* ---- user memory (kernel/proc/uaccess.c) ----------------------------- */

/* Is [addr, addr + n) entirely below USER_TOP (no wrap)? Mapped or not. */
bool user_range_ok(uaddr_t addr, size_t n);
/* 0, or -EFAULT (nothing or part may have been copied). */
int copy_from_user(void *dst, uaddr_t src, size_t n);
int copy_to_user(uaddr_t dst, const void *src, size_t n);
/* Zero n bytes of user memory: 0 or -EFAULT. */
int clear_user(uaddr_t dst, size_t n);
/* Copy the NUL-terminated string at src into dst (size bytes): its length,
 * -EFAULT, or -ENAMETOOLONG when it does not fit with its NUL. */
long strncpy_from_user(char *dst, uaddr_t src, size_t size);
/* A path argument: a new kmalloc'd copy (free with kfree) in *out; 0,
 * -EFAULT, -ENAMETOOLONG (VFS_PATH_MAX), -ENOENT (empty), -ENOMEM. */
int user_path(uaddr_t src, char **out);
/* One atomic compare-and-exchange on the aligned user word at addr
 * (futexes): *cur gets what was there, and new is stored if that was
 * old. 0 or -EFAULT. */
int user_cmpxchg32(uaddr_t addr, uint32_t old, uint32_t new, uint32_t *cur);
/* Typed helpers. */
#define get_user(kvar, uaddr) copy_from_user(&(kvar), (uaddr), sizeof(kvar))
#define put_user(kval, uaddr)                                             \
	({                                                                \
		__typeof__(kval) put_user_v_ = (kval);                    \
		copy_to_user((uaddr), &put_user_v_, sizeof(put_user_v_)); \
	})

#endif
