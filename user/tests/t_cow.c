/*
 * t_cow: fork's copy-on-write. After fork, parent and child each see their
 * own globals, heap and stack: a write on either side after the fork is
 * invisible to the other, and both still read what was there before it.
 * A 4 MiB heap region rewritten page by page in the child stays intact in
 * the parent. Then 1000 fork+exit+wait cycles must leak nothing: on Kestrel
 * the free frames (MemFree of /proc/meminfo) before and after are equal;
 * on Linux, whose MemFree moves with the rest of the machine, they must
 * agree within 64 MiB (a leaked page per fork would be 4 MiB). And fork
 * copies nothing before a write: on Kestrel a child of a parent with
 * 8 MiB written costs less than a quarter of that (a fork that copied
 * every page, as the mm lab's handout does, costs all of it).
 */
#include "t.h"

#define REGION (4 * 1024 * 1024)
#define PAGE 4096
#define SHARED (8 * 1024 * 1024)

static int global_value = 1;

static void each_sees_its_own_copy(void)
{
	int stack_value = 10, to_child[2], to_parent[2], ok = 0;
	int *heap_value = malloc(sizeof(int));
	char go;
	pid_t pid;

	*heap_value = 100;
	CHECK_OK(pipe(to_child));
	CHECK_OK(pipe(to_parent));
	pid = fork();
	if (pid == 0) {
		int good = global_value == 1 && stack_value == 10 &&
			   *heap_value == 100;

		global_value = 2;
		stack_value = 20;
		*heap_value = 200;
		write(to_parent[1], "w", 1);
		read(to_child[0], &go, 1);
		/* The parent has written its own values by now. */
		good = good && global_value == 2 && stack_value == 20 &&
		       *heap_value == 200;
		_exit(good ? 0 : 1);
	}
	CHECK_EQ(read(to_parent[0], &go, 1), 1);
	CHECK_EQ(global_value, 1);
	CHECK_EQ(stack_value, 10);
	CHECK_EQ(*heap_value, 100);
	global_value = 3;
	stack_value = 30;
	*heap_value = 300;
	ok = write(to_child[1], "g", 1) == 1;
	CHECK(ok);
	CHECK_EQ(t_wait(pid), 0);
	CHECK_EQ(global_value, 3);
	CHECK_EQ(stack_value, 30);
	CHECK_EQ(*heap_value, 300);
	free(heap_value);
	close(to_child[0]);
	close(to_child[1]);
	close(to_parent[0]);
	close(to_parent[1]);
}

static void big_region_survives_child_writes(void)
{
	unsigned char *r = malloc(REGION);
	long i, bad = 0;
	pid_t pid;

	for (i = 0; i < REGION; i++)
		r[i] = (unsigned char)i;
	pid = fork();
	if (pid == 0) {
		for (i = 0; i < REGION; i += PAGE)
			r[i] ^= 0xff;
		for (i = 0; i < REGION; i += PAGE)
			if (r[i] != (unsigned char)(i ^ 0xff))
				_exit(1);
		_exit(0);
	}
	CHECK_EQ(t_wait(pid), 0);
	for (i = 0; i < REGION; i++)
		bad += r[i] != (unsigned char)i;
	CHECK_EQ(bad, 0);
	free(r);
}

static int fork_exit_wait(int n)
{
	int i, failures = 0;

	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(i & 0x7f);
		if (pid < 0 || t_wait(pid) != (i & 0x7f) << 8)
			failures++;
	}
	return failures;
}

static void thousand_forks_leak_no_frame(void)
{
	long before, after;

	CHECK_EQ(fork_exit_wait(10), 0);
	/* The first reading costs memory of its own (stdio's buffer, the
	 * parsing code paged in on demand): take it before measuring. */
	t_memfree_kib();
	before = t_memfree_kib();
	CHECK_EQ(fork_exit_wait(1000), 0);
	after = t_memfree_back_to(before);
	CHECK(before > 0 && after > 0);
	printf("note: MemFree %ld kB before 1000 forks, %ld kB after\n", before,
	       after);
	/* On Linux the host's other processes move MemFree too: a busy
	 * host made this fail by 550 MB. Only Kestrel's is this test's. */
	if (t_on_linux())
		t_kestrel_only("MemFree back to its start after the forks");
	else
		CHECK_EQ(after, before);
}

static void fork_copies_nothing_before_a_write(void)
{
	unsigned char *r = malloc(SHARED);
	long before;
	int status;
	pid_t pid;

	CHECK(r != NULL);
	if (!r)
		return;
	memset(r, 1, SHARED);
	/* As above: the first reading costs memory of its own. */
	t_memfree_kib();
	before = t_memfree_kib();
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		long cost = before - t_memfree_kib();

		printf("note: a child of 8 MiB written costs %ld kB\n", cost);
		fflush(stdout);
		_exit(r[SHARED - 1] == 1 && cost < SHARED / 1024 / 4 ? 0 : 1);
	}
	status = t_wait(pid);
	free(r);
	/* On Linux other processes move MemFree (see above). */
	if (t_on_linux())
		t_kestrel_only("a forked child costs less than its parent");
	else
		CHECK_EQ(status, 0);
}

int main(int argc, char **argv)
{
	(void)argc;
	t_begin(argv[0], 120);
	RUN(each_sees_its_own_copy);
	RUN(big_region_survives_child_writes);
	RUN(thousand_forks_leak_no_frame);
	RUN(fork_copies_nothing_before_a_write);
	return t_end();
}
