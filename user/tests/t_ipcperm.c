/*
 * t_ipcperm: System V IPC permissions. Root makes a shared memory
 * segment, a semaphore set and a message queue with given modes, and a
 * child that becomes an ordinary user (uid 1000, gid 1000, as t_perm's)
 * tries them: no bits for it gives EACCES for shmget with a mode,
 * shmat, IPC_STAT, semop, semctl's GETVAL and SETVAL, msgsnd and msgrcv,
 * and EPERM for IPC_RMID and IPC_SET; the others' read bits allow
 * reading and nothing else; the group's bits count for a member; the
 * owner given by IPC_SET may do all; a user's own objects carry its
 * ids; root may do anything whatever the mode; ipcs lists each kind
 * with its key, id, owner, mode and size. Needs root (it says so
 * and counts nothing otherwise). docs/ipc.md, "Permissions".
 */
#include "t.h"
#include <grp.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#define USER 1000

#define KEY 0x7e57a11 /* t_ipcperm's own */

static int shm_id, sem_id, msg_id, keyed_id;

struct msgbuf1 {
	/* cppcheck-suppress unusedStructMember */
	long type;
	char text[8];
};

/* Run fn as the ordinary user in a child; its checks come back as its
 * exit status. */
static void as_user(void (*fn)(void))
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		t_passed = t_failed = 0;
		if (setgroups(0, NULL) || setresgid(USER, USER, USER) ||
		    setresuid(USER, USER, USER)) {
			printf("FAIL could not become uid %d\n", USER);
			_exit(1);
		}
		fn();
		_exit(t_failed ? 1 : 0);
	}
	CHECK(pid > 0);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void make_all(int mode)
{
	shm_id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | mode);
	sem_id = semget(IPC_PRIVATE, 1, IPC_CREAT | mode);
	msg_id = msgget(IPC_PRIVATE, IPC_CREAT | mode);
	CHECK(shm_id >= 0 && sem_id >= 0 && msg_id >= 0);
}

static void remove_all(void)
{
	CHECK_OK(shmctl(shm_id, IPC_RMID, NULL));
	CHECK_OK(semctl(sem_id, 0, IPC_RMID));
	CHECK_OK(msgctl(msg_id, IPC_RMID, NULL));
}

static void user_has_no_access(void)
{
	struct shmid_ds ds;
	struct sembuf up = { 0, 1, IPC_NOWAIT }, zero = { 0, 0, IPC_NOWAIT };
	struct msgbuf1 m = { 1, "x" };

	CHECK_ERR(shmat(shm_id, NULL, 0), EACCES);
	CHECK_ERR(shmat(shm_id, NULL, SHM_RDONLY), EACCES);
	CHECK_ERR(shmctl(shm_id, IPC_STAT, &ds), EACCES);
	CHECK_ERR(shmctl(shm_id, IPC_RMID, NULL), EPERM);
	memset(&ds, 0, sizeof(ds));
	CHECK_ERR(shmctl(shm_id, IPC_SET, &ds), EPERM);
	CHECK_ERR(semop(sem_id, &up, 1), EACCES);
	CHECK_ERR(semop(sem_id, &zero, 1), EACCES);
	CHECK_ERR(semctl(sem_id, 0, GETVAL), EACCES);
	CHECK_ERR(semctl(sem_id, 0, SETVAL, 1), EACCES);
	CHECK_ERR(semctl(sem_id, 0, IPC_RMID), EPERM);
	CHECK_ERR(msgsnd(msg_id, &m, sizeof(m.text), IPC_NOWAIT), EACCES);
	CHECK_ERR(msgrcv(msg_id, &m, sizeof(m.text), 0, IPC_NOWAIT), EACCES);
	CHECK_ERR(msgctl(msg_id, IPC_RMID, NULL), EPERM);
}

static void no_bits_for_others(void)
{
	make_all(0600);
	as_user(user_has_no_access);
	remove_all();
}

static void user_reads_only(void)
{
	struct shmid_ds ds;
	struct sembuf up = { 0, 1, IPC_NOWAIT };
	struct msgbuf1 m = { 1, "x" };
	void *p;

	CHECK_ERR(shmat(shm_id, NULL, 0), EACCES);
	p = shmat(shm_id, NULL, SHM_RDONLY);
	CHECK(p != (void *)-1);
	if (p != (void *)-1)
		CHECK_OK(shmdt(p));
	CHECK_OK(shmctl(shm_id, IPC_STAT, &ds));
	CHECK_EQ(ds.shm_perm.uid, 0);
	CHECK_EQ(ds.shm_perm.cuid, 0);
	CHECK_EQ(semctl(sem_id, 0, GETVAL), 0);
	CHECK_ERR(semctl(sem_id, 0, SETVAL, 1), EACCES);
	CHECK_ERR(semop(sem_id, &up, 1), EACCES);
	CHECK_ERR(msgrcv(msg_id, &m, sizeof(m.text), 0, IPC_NOWAIT), ENOMSG);
	CHECK_ERR(msgsnd(msg_id, &m, sizeof(m.text), IPC_NOWAIT), EACCES);
	/* A get that asks for more than it may have. */
	CHECK_ERR(shmget(KEY, 0, 0600), EACCES);
	CHECK_ERR(msgget(KEY, 0200), EACCES);
	CHECK_EQ(shmget(KEY, 0, 0444), keyed_id);
	CHECK_EQ(shmget(KEY, 0, 0), keyed_id);
}

static void others_read_bits(void)
{
	int msg_keyed;

	make_all(0644);
	keyed_id = shmget(KEY, 4096, IPC_CREAT | IPC_EXCL | 0644);
	msg_keyed = msgget(KEY, IPC_CREAT | IPC_EXCL | 0644);
	CHECK(keyed_id >= 0 && msg_keyed >= 0);
	as_user(user_reads_only);
	CHECK_OK(shmctl(keyed_id, IPC_RMID, NULL));
	CHECK_OK(msgctl(msg_keyed, IPC_RMID, NULL));
	remove_all();
}

static void user_reads_and_writes(void)
{
	struct sembuf up = { 0, 1, IPC_NOWAIT };
	struct msgbuf1 m = { 1, "x" };
	void *p = shmat(shm_id, NULL, 0);

	CHECK(p != (void *)-1);
	if (p != (void *)-1)
		CHECK_OK(shmdt(p));
	CHECK_OK(semop(sem_id, &up, 1));
	CHECK_OK(msgsnd(msg_id, &m, sizeof(m.text), IPC_NOWAIT));
	CHECK_EQ(msgrcv(msg_id, &m, sizeof(m.text), 0, IPC_NOWAIT),
		 (long)sizeof(m.text));
	/* The group's bits do not make it the owner. */
	CHECK_ERR(shmctl(shm_id, IPC_RMID, NULL), EPERM);
}

static void group_bits_for_a_member(void)
{
	struct shmid_ds sds;
	struct semid_ds ems;
	struct msqid_ds mds;

	make_all(0060);
	CHECK_OK(shmctl(shm_id, IPC_STAT, &sds));
	sds.shm_perm.gid = USER;
	CHECK_OK(shmctl(shm_id, IPC_SET, &sds));
	CHECK_OK(semctl(sem_id, 0, IPC_STAT, &ems));
	ems.sem_perm.gid = USER;
	CHECK_OK(semctl(sem_id, 0, IPC_SET, &ems));
	CHECK_OK(msgctl(msg_id, IPC_STAT, &mds));
	mds.msg_perm.gid = USER;
	CHECK_OK(msgctl(msg_id, IPC_SET, &mds));
	as_user(user_reads_and_writes);
	remove_all();
}

static void owner_removes(void)
{
	struct shmid_ds ds;

	CHECK_OK(shmctl(shm_id, IPC_STAT, &ds));
	CHECK_EQ(ds.shm_perm.uid, USER);
	CHECK_EQ(ds.shm_perm.cuid, 0);
	CHECK_OK(shmctl(shm_id, IPC_RMID, NULL));
	CHECK_OK(semctl(sem_id, 0, IPC_RMID));
	CHECK_OK(msgctl(msg_id, IPC_RMID, NULL));
}

static void owner_given_by_ipc_set(void)
{
	struct shmid_ds sds;
	struct semid_ds ems;
	struct msqid_ds mds;

	make_all(0600);
	CHECK_OK(shmctl(shm_id, IPC_STAT, &sds));
	sds.shm_perm.uid = USER;
	CHECK_OK(shmctl(shm_id, IPC_SET, &sds));
	CHECK_OK(semctl(sem_id, 0, IPC_STAT, &ems));
	ems.sem_perm.uid = USER;
	CHECK_OK(semctl(sem_id, 0, IPC_SET, &ems));
	CHECK_OK(msgctl(msg_id, IPC_STAT, &mds));
	mds.msg_perm.uid = USER;
	CHECK_OK(msgctl(msg_id, IPC_SET, &mds));
	as_user(owner_removes);
}

static void user_owns_its_own(void)
{
	struct shmid_ds ds;
	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);

	CHECK(id >= 0);
	CHECK_OK(shmctl(id, IPC_STAT, &ds));
	CHECK_EQ(ds.shm_perm.uid, USER);
	CHECK_EQ(ds.shm_perm.gid, USER);
	CHECK_EQ(ds.shm_perm.cuid, USER);
	CHECK_EQ(ds.shm_perm.cgid, USER);
	CHECK_OK(shmctl(id, IPC_RMID, NULL));
}

static void users_objects_are_theirs(void)
{
	as_user(user_owns_its_own);
}

static void root_ignores_the_mode(void)
{
	struct sembuf up = { 0, 1, IPC_NOWAIT };
	struct msgbuf1 m = { 1, "x" };
	void *p;

	make_all(0);
	p = shmat(shm_id, NULL, 0);
	CHECK(p != (void *)-1);
	if (p != (void *)-1)
		CHECK_OK(shmdt(p));
	CHECK_OK(semop(sem_id, &up, 1));
	CHECK_OK(msgsnd(msg_id, &m, sizeof(m.text), IPC_NOWAIT));
	remove_all();
}

/* Run ipcs (ours in /bin on Kestrel, util-linux's on Linux) with arg,
 * its output in out. */
static void run_ipcs(const char *arg, char *out, size_t size)
{
	int fds[2];
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	out[0] = 0;
	if (pipe(fds) != 0)
		return;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		execlp("ipcs", "ipcs", arg, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while (got + 1 < size &&
	       (n = read(fds[0], out + got, size - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = 0;
	close(fds[0]);
	CHECK_EQ(t_wait(pid), 0);
}

/* The line for key in text: its id, owner, perms and the next number. */
static int ipcs_line(const char *text, int *id, char *who, unsigned *perms,
		     unsigned long *next)
{
	const char *line = strstr(text, "0x07e57a11 ");

	if (!line)
		return 0;
	return sscanf(line, "0x07e57a11 %d %31s %o %lu", id, who, perms,
		      next) == 4;
}

static void ipcs_lists_them(void)
{
	static char out[8192];
	int shm = shmget(KEY, 4096, IPC_CREAT | IPC_EXCL | 0640);
	int sem = semget(KEY, 3, IPC_CREAT | IPC_EXCL | 0604);
	int msg = msgget(KEY, IPC_CREAT | IPC_EXCL | 0620);
	unsigned long next;
	unsigned perms;
	char who[32];
	int id;

	CHECK(shm >= 0 && sem >= 0 && msg >= 0);
	run_ipcs("-m", out, sizeof(out));
	CHECK(strstr(out, "------ Shared Memory Segments --------") != NULL);
	CHECK(ipcs_line(out, &id, who, &perms, &next));
	CHECK_EQ(id, shm);
	CHECK(strcmp(who, "root") == 0);
	CHECK_EQ(perms, 0640);
	CHECK_EQ(next, 4096);
	run_ipcs("-s", out, sizeof(out));
	CHECK(strstr(out, "------ Semaphore Arrays --------") != NULL);
	CHECK(ipcs_line(out, &id, who, &perms, &next));
	CHECK_EQ(id, sem);
	CHECK_EQ(perms, 0604);
	CHECK_EQ(next, 3);
	run_ipcs("-q", out, sizeof(out));
	CHECK(strstr(out, "------ Message Queues --------") != NULL);
	CHECK(ipcs_line(out, &id, who, &perms, &next));
	CHECK_EQ(id, msg);
	CHECK_EQ(perms, 0620);
	CHECK_EQ(next, 0);
	CHECK_OK(shmctl(shm, IPC_RMID, NULL));
	CHECK_OK(semctl(sem, 0, IPC_RMID));
	CHECK_OK(msgctl(msg, IPC_RMID, NULL));
	run_ipcs("-m", out, sizeof(out));
	CHECK(!ipcs_line(out, &id, who, &perms, &next));
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 120);
	if (geteuid() != 0) {
		printf("skip (needs root): every case\n");
		return t_end();
	}
	RUN(no_bits_for_others);
	RUN(others_read_bits);
	RUN(group_bits_for_a_member);
	RUN(owner_given_by_ipc_set);
	RUN(users_objects_are_theirs);
	RUN(root_ignores_the_mode);
	RUN(ipcs_lists_them);
	return t_end();
}
