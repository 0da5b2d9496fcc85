/*
 * poweroff: asks init (process 1) to power the machine off, with SIGUSR2
 * as busybox's init understands it; init then stops every process, syncs
 * and unmounts the file systems, and calls reboot(2). poweroff -f skips
 * init and does the sync and reboot(2) itself.
 */
#include "ulib.h"

#include <err.h>
#include <signal.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "-f") != 0))
		usage("[-f]");
	if (argc == 1) {
		if (kill(1, SIGUSR2) < 0)
			err(1, "cannot signal init");
		return 0;
	}
	sync();
	reboot(RB_POWER_OFF);
	err(1, "reboot");
}
