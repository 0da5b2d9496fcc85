/*
 * tcppeer: the host side of the net lab's TCP tests. Linux's own TCP is
 * the peer Kestrel's is tested against: through QEMU's port forward to
 * the guest, and as the server the guest reaches at slirp's 10.0.2.2
 * (which slirp maps to the host's 127.0.0.1).
 *
 *   tcppeer send PORT FILE         connect to 127.0.0.1:PORT, send FILE,
 *                                  half-close, read until the peer closes
 *   tcppeer get PORT PATH OUT      an HTTP/1.1 GET of PATH; the body to OUT
 *   tcppeer recv PORTFILE OUT      listen on 127.0.0.1 (a free port, written
 *                                  to PORTFILE), take one connection, save
 *                                  what it sends to OUT
 *   tcppeer serve PORTFILE FILE    listen the same way; answer one HTTP
 *                                  request with FILE
 *   tcppeer freeport               print a port nothing listens on
 *
 * Each mode gives up after 120 seconds (alarm), so the grader never hangs.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[65536];

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			die("tcppeer: write");
		p += w;
		n -= (size_t)w;
	}
}

static int connect_local(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("tcppeer: connect");
	return fd;
}

/* A listener on 127.0.0.1 at a free port; its port in *port. */
static int listen_local(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fd, 1) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		die("tcppeer: listen");
	*port = ntohs(a.sin_port);
	return fd;
}

static void write_port(const char *portfile, int port)
{
	char tmp[512];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", portfile);
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%d\n", port) < 0 || fclose(f) != 0 ||
	    rename(tmp, portfile) != 0)
		die(portfile);
}

/* Copy fd to the file out until end of file: the byte count. */
static long long save(int fd, const char *out)
{
	FILE *f = fopen(out, "w");
	long long total = 0;
	ssize_t n;

	if (!f)
		die(out);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (fwrite(buf, 1, (size_t)n, f) != (size_t)n)
			die(out);
		total += n;
	}
	if (n < 0)
		die("tcppeer: read");
	if (fclose(f) != 0)
		die(out);
	return total;
}

static long long send_file(int fd, const char *name)
{
	FILE *f = fopen(name, "r");
	long long total = 0;
	size_t n;

	if (!f)
		die(name);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		write_all(fd, buf, n);
		total += (long long)n;
	}
	fclose(f);
	return total;
}

int main(int argc, char **argv)
{
	int fd, port;
	long long n;

	alarm(120);
	if (argc == 4 && strcmp(argv[1], "send") == 0) {
		fd = connect_local(atoi(argv[2]));
		n = send_file(fd, argv[3]);
		shutdown(fd, SHUT_WR);
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		printf("tcppeer: sent %lld bytes\n", n);
	} else if (argc == 5 && strcmp(argv[1], "get") == 0) {
		char req[512], *body;
		FILE *f = fopen(argv[4], "w");
		size_t have = 0;
		ssize_t r;

		if (!f)
			die(argv[4]);
		fd = connect_local(atoi(argv[2]));
		snprintf(req, sizeof(req),
			 "GET %s HTTP/1.1\r\nHost: kestrel\r\n"
			 "Connection: close\r\n\r\n",
			 argv[3]);
		write_all(fd, req, strlen(req));
		/* The head, then the body as it comes. */
		while (have < sizeof(buf) - 1 &&
		       (r = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
			have += (size_t)r;
			buf[have] = '\0';
			if (strstr(buf, "\r\n\r\n"))
				break;
		}
		body = strstr(buf, "\r\n\r\n");
		if (!body) {
			fprintf(stderr, "tcppeer: no HTTP head\n");
			return 1;
		}
		*body = '\0';
		printf("tcppeer: %s\n", strtok(buf, "\r\n"));
		body += 4;
		n = (long long)(have - (size_t)(body - buf));
		fwrite(body, 1, (size_t)n, f);
		while ((r = read(fd, buf, sizeof(buf))) > 0) {
			fwrite(buf, 1, (size_t)r, f);
			n += r;
		}
		if (fclose(f) != 0)
			die(argv[4]);
		printf("tcppeer: body %lld bytes\n", n);
	} else if (argc == 4 && strcmp(argv[1], "recv") == 0) {
		int l = listen_local(&port);

		write_port(argv[2], port);
		fd = accept(l, NULL, NULL);
		if (fd < 0)
			die("tcppeer: accept");
		n = save(fd, argv[3]);
		printf("tcppeer: received %lld bytes\n", n);
	} else if (argc == 4 && strcmp(argv[1], "serve") == 0) {
		char head[256];
		size_t have = 0;
		ssize_t r;
		FILE *f = fopen(argv[3], "r");
		int l = listen_local(&port);

		if (!f || fseek(f, 0, SEEK_END) != 0)
			die(argv[3]);
		n = ftell(f);
		fclose(f);
		write_port(argv[2], port);
		fd = accept(l, NULL, NULL);
		if (fd < 0)
			die("tcppeer: accept");
		while (have < sizeof(buf) - 1 &&
		       (r = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
			have += (size_t)r;
			buf[have] = '\0';
			if (strstr(buf, "\r\n\r\n"))
				break;
		}
		snprintf(head, sizeof(head),
			 "HTTP/1.1 200 OK\r\nContent-Length: %lld\r\n"
			 "Connection: close\r\n\r\n",
			 n);
		write_all(fd, head, strlen(head));
		send_file(fd, argv[3]);
		printf("tcppeer: served %lld bytes\n", n);
	} else if (argc == 2 && strcmp(argv[1], "freeport") == 0) {
		close(listen_local(&port));
		printf("%d\n", port);
		return 0;
	} else {
		fprintf(stderr, "usage: tcppeer send PORT FILE | get PORT PATH "
				"OUT | recv PORTFILE OUT | serve PORTFILE FILE "
				"| freeport\n");
		return 2;
	}
	close(fd);
	return 0;
}
