/*
 * pipeserv: a concurrent server on green threads, with pipes where a
 * network server has connections (docs/uthread.md). pipeserv [CLIENTS]
 * (default 4, at most 16) forks CLIENTS client processes, each with a
 * pipe to the server and one back. The server is one process with one
 * green thread per client: each reads a request line with uthread_read,
 * answers it in capitals with uthread_write, and parks while its client
 * is quiet, so the server answers all clients at once although it is a
 * single kernel thread.
 *
 * Each client sends 5 requests, 2 ms apart, checks each answer and exits
 * 0 if all were right. The server prints, in client order, how many
 * requests each session served, whether sessions overlapped, and each
 * client's verdict: the same lines on every run.
 */
#include "ulib.h"
#include "uthread.h"

#include <ctype.h>
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 16
#define REQUESTS 5

struct session {
	int in, out; /* from the client, to it */
	int served;
};

static int open_sessions, most_open;

static void *serve(void *arg)
{
	struct session *s = arg;
	char line[128];
	size_t have = 0;
	ssize_t n;

	if (++open_sessions > most_open)
		most_open = open_sessions;
	while ((n = uthread_read(s->in, line + have, 1)) > 0) {
		if (line[have] != '\n' && ++have < sizeof(line) - 1)
			continue;
		for (size_t i = 0; i <= have; i++)
			line[i] = (char)toupper((unsigned char)line[i]);
		if (uthread_write(s->out, line, have + 1) < 0)
			break;
		s->served++;
		have = 0;
	}
	open_sessions--;
	close(s->in);
	close(s->out);
	return NULL;
}

/* A client process: REQUESTS requests, each answered in capitals. */
static void client(int id, int to_server, int from_server)
{
	struct timespec pause = { 0, 2 * 1000 * 1000 };
	char req[64], want[64], got[64];
	int ok = 1;

	for (int j = 1; j <= REQUESTS; j++) {
		size_t have = 0;
		int len = snprintf(req, sizeof(req), "client %d request %d\n",
				   id, j);

		for (int i = 0; i <= len; i++)
			want[i] = (char)toupper((unsigned char)req[i]);
		if (write_all(to_server, req, (size_t)len) < 0)
			_exit(1);
		while (have < (size_t)len) {
			ssize_t n = read(from_server, got + have,
					 (size_t)len - have);
			if (n <= 0)
				_exit(1);
			have += (size_t)n;
		}
		ok &= memcmp(got, want, (size_t)len) == 0;
		nanosleep(&pause, NULL);
	}
	_exit(ok ? 0 : 1);
}

int main(int argc, char **argv)
{
	static struct session sessions[MAX_CLIENTS];
	struct uthread *t[MAX_CLIENTS];
	pid_t pids[MAX_CLIENTS];
	int clients = argc > 1 ? atoi(argv[1]) : 4;

	if (argc > 2 || clients < 1 || clients > MAX_CLIENTS)
		usage("[CLIENTS]");
	fflush(stdout);
	for (int i = 0; i < clients; i++) {
		int up[2], down[2];

		if (pipe(up) < 0 || pipe(down) < 0)
			err(1, "pipe");
		pids[i] = fork();
		if (pids[i] < 0)
			err(1, "fork");
		if (pids[i] == 0) {
			for (int k = 0; k < i; k++) {
				close(sessions[k].in);
				close(sessions[k].out);
			}
			close(up[0]);
			close(down[1]);
			client(i + 1, up[1], down[0]);
		}
		close(up[1]);
		close(down[0]);
		sessions[i] = (struct session){ up[0], down[1], 0 };
		t[i] = uthread_spawn("session", serve, &sessions[i]);
		if (!t[i])
			err(1, "spawn");
	}
	for (int i = 0; i < clients; i++) {
		uthread_join(t[i], NULL);
		printf("pipeserv: session %d served %d requests\n", i + 1,
		       sessions[i].served);
	}
	printf("pipeserv: sessions overlapped: %s\n",
	       most_open > 1 ? "yes" : "no");
	for (int i = 0; i < clients; i++) {
		int status;

		if (waitpid(pids[i], &status, 0) != pids[i])
			err(1, "waitpid");
		printf("pipeserv: client %d %s\n", i + 1,
		       WIFEXITED(status) && WEXITSTATUS(status) == 0
			       ? "got every answer right"
			       : "FAILED");
	}
	return 0;
}
