/* ipcs: the System V IPC objects, read from /proc/sysvipc/{msg,shm,sem}
 * and printed as util-linux's ipcs prints them: ipcs [-q] [-m] [-s]
 * (message queues, shared memory, semaphores; all three by default, or
 * with -a). The owner is a name from /etc/passwd, or its number.
 * docs/ipc.md. */
#include "ulib.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>

static void owner(unsigned int uid, char *buf, size_t size)
{
	struct passwd *pw = getpwuid(uid);

	if (pw)
		snprintf(buf, size, "%s", pw->pw_name);
	else
		snprintf(buf, size, "%u", uid);
}

/* Each line of /proc/sysvipc/NAME after the header, to show(line). */
static void each_line(const char *name, void (*show)(const char *line))
{
	char path[64], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sysvipc/%s", name);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(line, sizeof(line), f))
		while (fgets(line, sizeof(line), f))
			show(line);
	fclose(f);
}

static void show_msg(const char *line)
{
	int key, id;
	unsigned int perms, uid;
	unsigned long bytes, count;
	char who[32];

	/* key msqid perms cbytes qnum lspid lrpid uid ... */
	if (sscanf(line, "%d %d %o %lu %lu %*d %*d %u", &key, &id, &perms,
		   &bytes, &count, &uid) != 6)
		return;
	owner(uid, who, sizeof(who));
	printf("0x%08x %-10d %-10s %-10o %-12lu %-12lu\n", (unsigned)key, id,
	       who, perms & 0777, bytes, count);
}

static void show_shm(const char *line)
{
	int key, id;
	unsigned int perms, uid;
	unsigned long size, nattch;
	char who[32];

	/* key shmid perms size cpid lpid nattch uid ... */
	if (sscanf(line, "%d %d %o %lu %*d %*d %lu %u", &key, &id, &perms,
		   &size, &nattch, &uid) != 6)
		return;
	owner(uid, who, sizeof(who));
	printf("0x%08x %-10d %-10s %-10o %-10lu %-10lu\n", (unsigned)key, id,
	       who, perms & 0777, size, nattch);
}

static void show_sem(const char *line)
{
	int key, id;
	unsigned int perms, uid;
	unsigned long nsems;
	char who[32];

	/* key semid perms nsems uid ... */
	if (sscanf(line, "%d %d %o %lu %u", &key, &id, &perms, &nsems, &uid) !=
	    5)
		return;
	owner(uid, who, sizeof(who));
	printf("0x%08x %-10d %-10s %-10o %-10lu\n", (unsigned)key, id, who,
	       perms & 0777, nsems);
}

int main(int argc, char **argv)
{
	int q = 0, m = 0, s = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-q"))
			q = 1;
		else if (!strcmp(argv[i], "-m"))
			m = 1;
		else if (!strcmp(argv[i], "-s"))
			s = 1;
		else if (!strcmp(argv[i], "-a"))
			q = m = s = 1;
		else
			usage("[-a] [-q] [-m] [-s]");
	}
	if (!q && !m && !s)
		q = m = s = 1;
	if (q) {
		printf("\n------ Message Queues --------\n");
		printf("key        msqid      owner      perms      "
		       "used-bytes   messages    \n");
		each_line("msg", show_msg);
		printf("\n");
	}
	if (m) {
		printf("\n------ Shared Memory Segments --------\n");
		printf("key        shmid      owner      perms      bytes      "
		       "nattch     status      \n");
		each_line("shm", show_shm);
		printf("\n");
	}
	if (s) {
		printf("\n------ Semaphore Arrays --------\n");
		printf("key        semid      owner      perms      nsems     \n");
		each_line("sem", show_sem);
		printf("\n");
	}
	return 0;
}
