/*
 * t_sysvipc: System V IPC. Shared memory: a segment attached in a child
 * and the parent is one memory, shm_nattch counts the attaches (fork
 * included), IPC_RMID while attached keeps the memory until shmdt.
 * Semaphores: semop's all-or-nothing, a sleeper woken by a child's post,
 * IPC_NOWAIT's EAGAIN, semtimedop's timeout, SEM_UNDO undone at exit,
 * SETVAL/GETVAL/GETALL, EIDRM for a sleeper when the set goes. Message
 * queues: order, types (exact, lowest, MSG_EXCEPT), E2BIG and
 * MSG_NOERROR, ENOMSG, a receiver woken by a child. Keys: IPC_CREAT,
 * IPC_EXCL (EEXIST), ENOENT. Errors: EINVAL, EFAULT, ERANGE, EFBIG,
 * E2BIG. docs/ipc.md.
 */
#include "t.h"
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static void on_signal(int sig)
{
	(void)sig;
}

static void shm_shared_across_fork(void)
{
	int id = shmget(IPC_PRIVATE, 10000, IPC_CREAT | 0600);
	struct shmid_ds ds;
	char *p;
	pid_t pid;

	CHECK(id >= 0);
	p = shmat(id, NULL, 0);
	CHECK(p != (void *)-1);
	if (p == (void *)-1)
		return;
	CHECK_OK(shmctl(id, IPC_STAT, &ds));
	CHECK_EQ(ds.shm_segsz, 10000);
	CHECK_EQ(ds.shm_nattch, 1);
	CHECK_EQ(ds.shm_cpid, getpid());
	CHECK_EQ(ds.shm_perm.mode & 0777, 0600);
	pid = fork();
	if (pid == 0) {
		char *q = shmat(id, NULL, 0);
		struct shmid_ds cds;

		if (q == (void *)-1 || shmctl(id, IPC_STAT, &cds) != 0 ||
		    cds.shm_nattch != 3)
			_exit(2);
		strcpy(p + 9000, "inherited");
		strcpy(q + 100, "attached again");
		_exit(shmdt(q) == 0 ? 0 : 3);
	}
	CHECK_EQ(t_wait(pid), 0);
	CHECK(strcmp(p + 100, "attached again") == 0);
	CHECK(strcmp(p + 9000, "inherited") == 0);
	CHECK_OK(shmctl(id, IPC_STAT, &ds));
	CHECK_EQ(ds.shm_nattch, 1);
	/* Removed while attached: the memory stays until shmdt. */
	CHECK_OK(shmctl(id, IPC_RMID, NULL));
	CHECK(strcmp(p + 100, "attached again") == 0);
	p[0] = 1;
	CHECK_OK(shmdt(p));
	CHECK_ERR(shmdt(p), EINVAL);
	CHECK_ERR(shmat(id, NULL, 0), EINVAL);
}

static void shm_keys_and_errors(void)
{
	key_t key = 0x4b000000 | (getpid() & 0xffff);
	int id, id2;
	char *p;

	CHECK_ERR(shmget(key, 4096, 0600), ENOENT);
	id = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	CHECK(id >= 0);
	CHECK_ERR(shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600), EEXIST);
	id2 = shmget(key, 100, 0);
	CHECK_EQ(id2, id);
	CHECK_ERR(shmget(key, 8192, 0), EINVAL);
	CHECK_ERR(shmget(IPC_PRIVATE, 0, IPC_CREAT | 0600), EINVAL);
	CHECK_ERR(shmat(-1, NULL, 0), EINVAL);
	CHECK_ERR(shmat(id, (void *)0x1001, 0), EINVAL);
	CHECK_ERR(shmctl(id, 12345, NULL), EINVAL);
	CHECK_ERR(syscall(SYS_shmctl, id, IPC_STAT, (void *)16), EFAULT);
	p = shmat(id, NULL, SHM_RDONLY);
	CHECK(p != (void *)-1);
	CHECK_EQ(p[0], 0);
	CHECK_OK(shmdt(p));
	CHECK_OK(shmctl(id, IPC_RMID, NULL));
	CHECK_ERR(shmget(key, 4096, 0), ENOENT);
	CHECK_ERR(shmctl(id, IPC_RMID, NULL), EINVAL);
}

static void sem_basics(void)
{
	int id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
	unsigned short vals[3];
	struct sembuf ops[2];
	union semun arg;
	struct semid_ds ds;

	CHECK(id >= 0);
	arg.buf = &ds;
	CHECK_OK(semctl(id, 0, IPC_STAT, arg));
	CHECK_EQ(ds.sem_nsems, 3);
	arg.val = 5;
	CHECK_OK(semctl(id, 1, SETVAL, arg));
	CHECK_EQ(semctl(id, 1, GETVAL), 5);
	CHECK_EQ(semctl(id, 1, GETPID), getpid());
	/* All or nothing: the second op would block, so the first does
	 * not happen either. */
	ops[0] = (struct sembuf){ 1, -2, IPC_NOWAIT };
	ops[1] = (struct sembuf){ 0, -1, IPC_NOWAIT };
	CHECK_ERR(semop(id, ops, 2), EAGAIN);
	CHECK_EQ(semctl(id, 1, GETVAL), 5);
	ops[1] = (struct sembuf){ 2, 4, 0 };
	CHECK_OK(semop(id, ops, 2));
	arg.array = vals;
	CHECK_OK(semctl(id, 0, GETALL, arg));
	CHECK_EQ(vals[0], 0);
	CHECK_EQ(vals[1], 3);
	CHECK_EQ(vals[2], 4);
	/* Errors. */
	ops[0] = (struct sembuf){ 3, 1, 0 };
	CHECK_ERR(semop(id, ops, 1), EFBIG);
	ops[0] = (struct sembuf){ 0, 32767, 0 };
	ops[1] = (struct sembuf){ 0, 1, 0 };
	CHECK_ERR(semop(id, ops, 2), ERANGE);
	CHECK_ERR(semop(id, ops, 0), EINVAL);
	CHECK_ERR(semop(-1, ops, 1), EINVAL);
	CHECK_ERR(syscall(SYS_semop, id, (void *)16, 1), EFAULT);
	arg.val = 40000;
	CHECK_ERR(semctl(id, 0, SETVAL, arg), ERANGE);
	CHECK_ERR(semctl(id, 7, GETVAL), EINVAL);
	CHECK_ERR(semget(IPC_PRIVATE, 0, IPC_CREAT | 0600), EINVAL);
	CHECK_ERR(semget(IPC_PRIVATE, -1, IPC_CREAT | 0600), EINVAL);
	/* A zero wait and a timed wait. */
	{
		struct timespec ts = { 0, 20 * 1000 * 1000 };

		ops[0] = (struct sembuf){ 1, 0, 0 };
		CHECK_ERR(semtimedop(id, ops, 1, &ts), EAGAIN);
		ts.tv_nsec = -1;
		CHECK_ERR(semtimedop(id, ops, 1, &ts), EINVAL);
	}
	CHECK_OK(semctl(id, 0, IPC_RMID));
	CHECK_ERR(semctl(id, 0, GETVAL), EINVAL);
}

/* A sleeper woken by a child's post; SEM_UNDO undone when a child
 * exits; EINTR; EIDRM when the set goes under a sleeper. */
static void sem_wait_undo_and_removal(void)
{
	int id = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	struct sigaction sa = { .sa_handler = on_signal }, old;
	struct sembuf op = { 0, -1, 0 };
	pid_t pid, parent = getpid();

	CHECK(id >= 0);
	pid = fork();
	if (pid == 0) {
		struct sembuf up = { 0, 1, 0 };

		usleep(50000);
		_exit(semop(id, &up, 1) == 0 ? 0 : 1);
	}
	CHECK_OK(semop(id, &op, 1));
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(semctl(id, 0, GETVAL), 0);
	/* The child takes 2 with SEM_UNDO and exits: they come back. */
	{
		union semun arg = { .val = 3 };

		CHECK_OK(semctl(id, 0, SETVAL, arg));
	}
	pid = fork();
	if (pid == 0) {
		struct sembuf take = { 0, -2, SEM_UNDO };

		_exit(semop(id, &take, 1) == 0 && semctl(id, 0, GETVAL) == 1
			      ? 0
			      : 1);
	}
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(semctl(id, 0, GETVAL), 3);
	/* EINTR: a signal without SA_RESTART (semop never restarts). */
	op.sem_op = -10;
	CHECK_OK(sigaction(SIGUSR1, &sa, &old));
	pid = fork();
	if (pid == 0) {
		for (;;) {
			usleep(50000);
			kill(parent, SIGUSR1);
		}
	}
	CHECK_ERR(semop(id, &op, 1), EINTR);
	kill(pid, SIGKILL);
	t_wait(pid);
	CHECK_OK(sigaction(SIGUSR1, &old, NULL));
	/* EIDRM: a child sleeps; the parent removes the set. */
	pid = fork();
	if (pid == 0) {
		int r = semop(id, &op, 1);

		_exit(r == -1 && errno == EIDRM ? 0 : 1);
	}
	while (semctl(id, 0, GETNCNT) < 1)
		usleep(10000);
	CHECK_OK(semctl(id, 0, IPC_RMID));
	CHECK_EQ(t_wait(pid), 0);
}

struct text_msg {
	long type;
	char text[64];
};

static void msg_queues(void)
{
	int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	struct text_msg m;
	struct msqid_ds ds;
	pid_t pid;

	CHECK(id >= 0);
	for (long t = 1; t <= 3; t++) {
		m.type = 4 - t; /* types 3, 2, 1 in that order */
		snprintf(m.text, sizeof(m.text), "msg %ld", 4 - t);
		CHECK_OK(msgsnd(id, &m, strlen(m.text) + 1, 0));
	}
	CHECK_OK(msgctl(id, IPC_STAT, &ds));
	CHECK_EQ(ds.msg_qnum, 3);
	CHECK_EQ(ds.msg_cbytes, 18);
	CHECK_EQ(ds.msg_lspid, getpid());
	/* Exact type, lowest type up to 2, any but 3, the first. */
	CHECK_EQ(msgrcv(id, &m, sizeof(m.text), 2, 0), 6);
	CHECK(strcmp(m.text, "msg 2") == 0);
	CHECK_EQ(msgrcv(id, &m, sizeof(m.text), -2, 0), 6);
	CHECK_EQ(m.type, 1);
	m.type = 7;
	strcpy(m.text, "a long message");
	CHECK_OK(msgsnd(id, &m, 15, 0));
	CHECK_EQ(msgrcv(id, &m, sizeof(m.text), 7, MSG_EXCEPT), 6);
	CHECK_EQ(m.type, 3);
	CHECK_ERR(msgrcv(id, &m, 4, 7, 0), E2BIG);
	CHECK_EQ(msgrcv(id, &m, 4, 7, MSG_NOERROR), 4);
	CHECK(memcmp(m.text, "a lo", 4) == 0);
	CHECK_ERR(msgrcv(id, &m, sizeof(m.text), 0, IPC_NOWAIT), ENOMSG);
	/* Errors. */
	m.type = 0;
	CHECK_ERR(msgsnd(id, &m, 1, 0), EINVAL);
	m.type = 1;
	CHECK_ERR(msgsnd(id, &m, 100000, 0), EINVAL);
	CHECK_ERR(msgsnd(-1, &m, 1, 0), EINVAL);
	CHECK_ERR(syscall(SYS_msgsnd, id, (void *)16, 1, 0), EFAULT);
	CHECK_ERR(msgrcv(id, &m, (size_t)-1, 0, IPC_NOWAIT), EINVAL);
	/* A receiver asleep until a child sends. */
	pid = fork();
	if (pid == 0) {
		struct text_msg c = { 9, "from the child" };

		usleep(50000);
		_exit(msgsnd(id, &c, 15, 0) == 0 ? 0 : 1);
	}
	CHECK_EQ(msgrcv(id, &m, sizeof(m.text), 9, 0), 15);
	CHECK(strcmp(m.text, "from the child") == 0);
	CHECK_EQ(t_wait(pid), 0);
	CHECK_OK(msgctl(id, IPC_RMID, NULL));
	CHECK_ERR(msgsnd(id, &m, 1, 0), EINVAL);
	CHECK_ERR(msgctl(id, IPC_STAT, &ds), EINVAL);
}

/* /proc/sysvipc/shm lists a segment by its id. */
static void proc_sysvipc(void)
{
	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0640), found = 0;
	char line[512];
	FILE *f = fopen("/proc/sysvipc/shm", "r");

	CHECK(f != NULL);
	while (f && fgets(line, sizeof(line), f)) {
		int key, sid;
		unsigned mode;
		unsigned long size;

		if (sscanf(line, "%d %d %o %lu", &key, &sid, &mode, &size) ==
			    4 &&
		    sid == id) {
			found++;
			CHECK_EQ(key, 0);
			CHECK_EQ(mode & 0777, 0640);
			CHECK_EQ(size, 4096);
		}
	}
	if (f)
		fclose(f);
	CHECK_EQ(found, 1);
	CHECK_OK(shmctl(id, IPC_RMID, NULL));
	f = fopen("/proc/sysvipc/sem", "r");
	CHECK(f && fgets(line, sizeof(line), f) && strstr(line, "semid"));
	if (f)
		fclose(f);
	f = fopen("/proc/sysvipc/msg", "r");
	CHECK(f && fgets(line, sizeof(line), f) && strstr(line, "msqid"));
	if (f)
		fclose(f);
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 60);
	RUN(shm_shared_across_fork);
	RUN(shm_keys_and_errors);
	RUN(sem_basics);
	RUN(sem_wait_undo_and_removal);
	RUN(msg_queues);
	RUN(proc_sysvipc);
	return t_end();
}
