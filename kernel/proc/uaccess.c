/*
 * Copies between the kernel and user space (syscall.h). Each checks that
 * the range lies below USER_TOP, then copies with copy_nofault, whose
 * exception-table entry turns a fault on an address no area covers into
 * -EFAULT. A fault on a page that is only not there yet (demand zero,
 * copy on write, a file page) is resolved by the page fault handler and
 * the copy goes on (trap.c). With SMAP the copy runs between stac and
 * clac, the only place the kernel may touch user pages.
 * docs/processes.md, "User memory from the kernel".
 */
#include "fs/vfs.h"
#include "mm/mm.h"
#include "syscall.h"

bool user_range_ok(uaddr_t addr, size_t n)
{
	return addr < USER_TOP && n <= USER_TOP - addr;
}

int copy_from_user(void *dst, uaddr_t src, size_t n)
{
	int err;

	if (!user_range_ok(src, n))
		return -EFAULT;
	user_access_begin();
	err = copy_nofault(dst, (const void *)src, n);
	user_access_end();
	return err;
}

int copy_to_user(uaddr_t dst, const void *src, size_t n)
{
	int err;

	if (!user_range_ok(dst, n))
		return -EFAULT;
	user_access_begin();
	err = copy_nofault((void *)dst, src, n);
	user_access_end();
	return err;
}

int user_cmpxchg32(uaddr_t addr, uint32_t old, uint32_t new, uint32_t *cur)
{
	int err;

	if (!user_range_ok(addr, sizeof(uint32_t)) || addr % 4)
		return -EFAULT;
	user_access_begin();
	err = cmpxchg_nofault((uint32_t *)addr, old, new, cur);
	user_access_end();
	return err;
}

int clear_user(uaddr_t dst, size_t n)
{
	static const uint8_t zeros[256];

	while (n) {
		size_t chunk = n < sizeof(zeros) ? n : sizeof(zeros);

		if (copy_to_user(dst, zeros, chunk))
			return -EFAULT;
		dst += chunk;
		n -= chunk;
	}
	return 0;
}

/* A page at a time: within one page a copy either faults or does not,
 * so no byte past the string's page is touched. */
long strncpy_from_user(char *dst, uaddr_t src, size_t size)
{
	size_t done = 0;

	while (done < size) {
		size_t chunk = PAGE_SIZE - ((src + done) & (PAGE_SIZE - 1));
		const char *nul;

		if (chunk > size - done)
			chunk = size - done;
		if (copy_from_user(dst + done, src + done, chunk))
			return -EFAULT;
		nul = memchr(dst + done, 0, chunk);
		if (nul)
			return nul - dst;
		done += chunk;
	}
	return -ENAMETOOLONG;
}

int user_path(uaddr_t src, char **out)
{
	char *buf = kmalloc(VFS_PATH_MAX);
	long len;

	if (!buf)
		return -ENOMEM;
	len = strncpy_from_user(buf, src, VFS_PATH_MAX);
	if (len == 0)
		len = -ENOENT;
	if (len < 0) {
		kfree(buf);
		return (int)len;
	}
	*out = buf;
	return 0;
}
