/*
 * uname, sethostname and setdomainname (utsname.h). The names are one
 * structure under one lock; the fixed ones are set at build time.
 */
#include "utsname.h"
#include "lib/spinlock.h"
#include "syscall.h"

/* When this file was compiled, as Linux gives its build. */
#define KESTREL_BUILD "#1 " __DATE__ " " __TIME__

static struct {
	struct spinlock lock; /* "utsname": names */
	struct utsname names;
} uts = {
	.lock = SPINLOCK_INIT("utsname"),
	.names = {
		.sysname = "Kestrel",
		.nodename = "kestrel",
		.release = KESTREL_VERSION,
		.version = KESTREL_BUILD,
		.machine = "x86_64",
		.domainname = "(none)",
	},
};

void utsname_get(struct utsname *u)
{
	spin_lock(&uts.lock);
	*u = uts.names;
	spin_unlock(&uts.lock);
}

static long sys_uname(uaddr_t buf)
{
	/* LAB syscall: begin */
	struct utsname u;

	utsname_get(&u);
	return copy_to_user(buf, &u, sizeof(u));
#if 0 /* LAB syscall: stub */
	return -ENOSYS;

#endif /* LAB syscall: end */
}
SYSCALL(uname, sys_uname);

/* Set one of the names from len bytes at user address name (no NUL
 * needed): -EINVAL for a negative or too long length, as Linux. Everyone
 * is root, so there is no EPERM. */
static long set_name(char *field, uaddr_t name, int64_t len)
{
	/* LAB syscall: begin */
	char tmp[UTS_FIELD_LEN];

	if (len < 0 || len >= UTS_FIELD_LEN)
		return -EINVAL;
	if (copy_from_user(tmp, name, (size_t)len))
		return -EFAULT;
	tmp[len] = '\0';
	spin_lock(&uts.lock);
	memcpy(field, tmp, (size_t)len + 1);
	spin_unlock(&uts.lock);
	return 0;
#if 0 /* LAB syscall: stub */
	return -ENOSYS;

#endif /* LAB syscall: end */
}

static long sys_sethostname(uaddr_t name, uint64_t len)
{
	return set_name(uts.names.nodename, name, (int)len);
}
SYSCALL(sethostname, sys_sethostname);

static long sys_setdomainname(uaddr_t name, uint64_t len)
{
	return set_name(uts.names.domainname, name, (int)len);
}
SYSCALL(setdomainname, sys_setdomainname);
