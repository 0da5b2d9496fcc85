/*
 * The system's names, as uname(2) reports them and /proc/version prints
 * them: "Kestrel" (never "Linux": programs tell the two apart by it), the
 * host name (sethostname), the release (the Makefile's VERSION) and the
 * build. kernel/utsname.c.
 */
#ifndef KESTREL_UTSNAME_H
#define KESTREL_UTSNAME_H

#include "lib/lib.h"

#define UTS_FIELD_LEN 65 /* Linux's __NEW_UTS_LEN + 1 */

/* Linux's struct new_utsname, as uname(2) copies it out. */
struct utsname {
	char sysname[UTS_FIELD_LEN];
	char nodename[UTS_FIELD_LEN];
	char release[UTS_FIELD_LEN];
	char version[UTS_FIELD_LEN];
	char machine[UTS_FIELD_LEN];
	char domainname[UTS_FIELD_LEN];
};

/* A consistent copy of the names (the host name may change). */
void utsname_get(struct utsname *u);

#endif
