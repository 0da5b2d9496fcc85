/*
 * grade/progs/outside.c: a program from outside Kestrel's tree, built by
 * the grader with stock musl-gcc -static (not with user/'s flags or
 * library) and run both on this host and inside Kestrel: its output must
 * be the same, line for line. It uses what ordinary programs use: stdio
 * with malloc'd buffers, argv and the environment, files, a child process
 * and a pipe, qsort, formatted floating point, and the time.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	char *words[] = { "kestrel", "falcon", "merlin", "hobby", "osprey" };
	char path[] = "/tmp/outside.XXXXXX";
	char buf[128];
	double sum = 0;
	int fds[2], status, fd;
	ssize_t n;
	char *big;

	printf("argc=%d argv[1]=%s\n", argc, argc > 1 ? argv[1] : "(none)");
	printf("OUTSIDE_VAR=%s\n", getenv("OUTSIDE_VAR") ? getenv("OUTSIDE_VAR")
							 : "(unset)");
	qsort(words, 5, sizeof(words[0]), cmp);
	for (int i = 0; i < 5; i++)
		printf("%d:%s%c", i, words[i], i == 4 ? '\n' : ' ');
	for (int i = 1; i <= 1000; i++)
		sum += 1.0 / ((double)i * i);
	printf("sum=%.9f pi^2/6~%.4f\n", sum, sum * 1.0);
	big = malloc(1 << 20);
	if (!big)
		return 2;
	memset(big, 'k', 1 << 20);
	printf("malloc: %zu bytes of %c\n", strspn(big, "k"), big[12345]);
	free(big);

	fd = mkstemp(path);
	if (fd < 0 || write(fd, "file contents\n", 14) != 14)
		return 3;
	lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("file: %s", buf);
	close(fd);
	unlink(path);

	if (pipe(fds) < 0)
		return 4;
	if (fork() == 0) {
		close(fds[0]);
		dprintf(fds[1], "hello from the child\n");
		_exit(7);
	}
	close(fds[1]);
	n = read(fds[0], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	wait(&status);
	printf("pipe: %sstatus: %d\n", buf, WEXITSTATUS(status));
	printf("done\n");
	return 0;
}
