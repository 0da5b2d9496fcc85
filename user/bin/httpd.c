/*
 * httpd: a small static-file web server (HTTP/1.1, RFC 9112). It serves
 * the files under a root directory: GET and HEAD, a directory's
 * index.html or else a listing of it, persistent connections unless the
 * client says "Connection: close", one child process per connection, or
 * with -g one green thread per connection in a single process.
 *
 *   httpd [-g] [-p port] [-r root] [-n count]
 *
 * Default: port 80 and root /var/www; -n ends after count connections
 * (for tests). Each request is logged on standard error as
 * "httpd: METHOD PATH STATUS BYTES". A path with ".." is refused.
 *
 * -g: the green threads of user/lib/uthread (docs/uthread.md). The
 * sockets are non-blocking; a thread whose read, write or accept would
 * block parks, and the scheduler waits for all of them in one poll(), so
 * an idle or slow client holds up only its own thread. At the end (-n)
 * httpd says how many connections it served and how many were open at
 * once: "httpd: 7 connections, at most 7 at once".
 * The classroom demo: `make qemu`, run httpd in Kestrel, and browse
 * http://127.0.0.1:5580/ on the host (the port forward).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ulib.h"
#include "uthread.h"

#define REQ_MAX 8192

static const char *root = "/var/www";
static int green; /* -g: a green thread per connection */

/* One connection's state: its own buffers, since with -g many
 * connections are served at once by one process. */
struct conn {
	int fd;
	char req[REQ_MAX + 1]; /* the request being read */
	char buf[65536];       /* a file being sent */
};

/* read and write for a connection: with -g only the calling green
 * thread waits. */
static ssize_t conn_read(int fd, void *buf, size_t len)
{
	return green ? uthread_read(fd, buf, len) : read(fd, buf, len);
}

static int conn_write(int fd, const void *buf, size_t len)
{
	if (!green)
		return write_all(fd, buf, len);
	return uthread_write(fd, buf, len) == (ssize_t)len ? 0 : -1;
}

static const char *content_type(const char *path)
{
	static const char *const types[][2] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".htm", "text/html; charset=utf-8" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".css", "text/css" },
		{ ".js", "text/javascript" },
		{ ".png", "image/png" },
		{ ".jpg", "image/jpeg" },
		{ ".gif", "image/gif" },
		{ ".svg", "image/svg+xml" },
	};
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcasecmp(dot, types[i][0]) == 0)
			return types[i][1];
	return "application/octet-stream";
}

static void log_request(const char *method, const char *path, int status,
			long long bytes)
{
	fprintf(stderr, "httpd: %s %s %d %lld\n", method, path, status, bytes);
}

static int send_head(int fd, int status, const char *reason, const char *type,
		     long long len, int keep)
{
	char h[512];
	int n = snprintf(h, sizeof(h),
			 "HTTP/1.1 %d %s\r\nServer: kestrel-httpd\r\n"
			 "Content-Type: %s\r\nContent-Length: %lld\r\n"
			 "Connection: %s\r\n\r\n",
			 status, reason, type, len,
			 keep ? "keep-alive" : "close");

	return conn_write(fd, h, (size_t)n);
}

static int send_error(int fd, int status, const char *reason, int head,
		      int keep)
{
	char body[128];
	int n = snprintf(body, sizeof(body), "<h1>%d %s</h1>\n", status,
			 reason);

	if (send_head(fd, status, reason, "text/html", n, keep) < 0)
		return -1;
	return head ? 0 : conn_write(fd, body, (size_t)n);
}

/* A listing of directory dir (URL path url) as HTML. */
static int send_listing(int fd, const char *dir, const char *url, int head,
			int keep, long long *bytes)
{
	size_t cap = 4096, len = 0;
	char *body = xmalloc(cap);
	DIR *d = opendir(dir);
	struct dirent *e;
	int r;

	if (!d) {
		free(body);
		return send_error(fd, 404, "Not Found", head, keep);
	}
	len += (size_t)snprintf(body, cap,
				"<html><body><h1>Index of %s</h1><ul>\n", url);
	while ((e = readdir(d))) {
		size_t need = 2 * strlen(e->d_name) + strlen(url) + 64;

		if (e->d_name[0] == '.')
			continue;
		if (len + need > cap) {
			cap = 2 * cap + need;
			body = xrealloc(body, cap);
		}
		len += (size_t)snprintf(body + len, cap - len,
					"<li><a href=\"%s%s%s\">%s</a></li>\n",
					url,
					url[strlen(url) - 1] == '/' ? "" : "/",
					e->d_name, e->d_name);
	}
	closedir(d);
	if (len + 32 > cap)
		body = xrealloc(body, cap = len + 32);
	len += (size_t)snprintf(body + len, cap - len, "</ul></body></html>\n");
	r = send_head(fd, 200, "OK", "text/html; charset=utf-8", (long long)len,
		      keep);
	if (r == 0 && !head)
		r = conn_write(fd, body, len);
	*bytes = (long long)len;
	free(body);
	return r;
}

/* Answer one request for url: 0, or -1 to close the connection. */
static int serve(struct conn *c, const char *method, const char *url, int keep)
{
	int fd = c->fd;
	int head = strcmp(method, "HEAD") == 0;
	char path[1024];
	long long bytes = 0;
	struct stat st;
	int f, r = 0;

	if (strcmp(method, "GET") != 0 && !head) {
		log_request(method, url, 501, 0);
		return send_error(fd, 501, "Not Implemented", 0, keep);
	}
	if (url[0] != '/' || strstr(url, "..") ||
	    strlen(root) + strlen(url) + 1 > sizeof(path)) {
		log_request(method, url, 400, 0);
		return send_error(fd, 400, "Bad Request", head, keep);
	}
	snprintf(path, sizeof(path), "%s%s", root, url);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		char idx[1100];

		snprintf(idx, sizeof(idx), "%s/index.html", path);
		if (stat(idx, &st) != 0) {
			r = send_listing(fd, path, url, head, keep, &bytes);
			log_request(method, url, 200, bytes);
			return r;
		}
		memcpy(path, idx, sizeof(path) - 1);
		path[sizeof(path) - 1] = '\0';
	}
	f = open(path, O_RDONLY);
	if (f < 0 || fstat(f, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (f >= 0)
			close(f);
		log_request(method, url, 404, 0);
		return send_error(fd, 404, "Not Found", head, keep);
	}
	r = send_head(fd, 200, "OK", content_type(path), (long long)st.st_size,
		      keep);
	while (r == 0 && !head) {
		ssize_t n = read(f, c->buf, sizeof(c->buf));

		if (n <= 0)
			break;
		r = conn_write(fd, c->buf, (size_t)n);
		bytes += n;
	}
	close(f);
	log_request(method, url, 200, bytes);
	return r;
}

/* Requests on one connection until it closes or asks to. */
static void connection(struct conn *c)
{
	char *req = c->req;
	int fd = c->fd;
	size_t len = 0;

	for (;;) {
		char method[16], url[1024], version[16], *end, *p;
		int keep;

		while (!(end = strstr(req, "\r\n\r\n"))) {
			ssize_t n;

			if (len == REQ_MAX) {
				send_error(fd, 431,
					   "Request Header Fields Too "
					   "Large",
					   0, 0);
				return;
			}
			n = conn_read(fd, req + len, REQ_MAX - len);
			if (n <= 0)
				return;
			len += (size_t)n;
			req[len] = '\0';
		}
		*end = '\0';
		if (sscanf(req, "%15s %1023s %15s", method, url, version) !=
		    3) {
			send_error(fd, 400, "Bad Request", 0, 0);
			return;
		}
		/* HTTP/1.1 keeps the connection unless told not to; 1.0
		 * closes it unless told to keep it. */
		keep = strcmp(version, "HTTP/1.1") == 0;
		for (p = strchr(req, '\n'); p; p = strchr(p + 1, '\n')) {
			if (strncasecmp(p + 1, "Connection:", 11) == 0) {
				const char *v = p + 12;

				while (*v == ' ')
					v++;
				keep = strncasecmp(v, "keep-alive", 10) == 0;
			}
		}
		if ((p = strchr(url, '?')))
			*p = '\0'; /* no queries: a static server */
		if (serve(c, method, url, keep) < 0 || !keep)
			return;
		end += 4;
		len -= (size_t)(end - req);
		memmove(req, end, len + 1);
	}
}

/* Serve connection fd and close it. */
static void serve_and_close(int fd)
{
	struct conn *c = xmalloc(sizeof(*c));

	c->fd = fd;
	c->req[0] = '\0';
	connection(c);
	close(fd);
	free(c);
}

/* -g: open connections now and at most. No lock: green threads switch
 * only inside the library's calls (httpd turns no preemption on). */
static int open_now, open_most;

static void *connection_thread(void *arg)
{
	if (++open_now > open_most)
		open_most = open_now;
	serve_and_close((int)(long)arg);
	open_now--;
	return NULL;
}

/* -g: accept in the main thread, a detached green thread for each
 * connection; with -n, main ends after count connections and the
 * process once the last one is served. */
static void serve_green(int fd, int count)
{
	int served = 0;

	while (count == 0 || served < count) {
		int conn = uthread_accept(fd, NULL, NULL);
		struct uthread *t;

		if (conn < 0) {
			if (errno == EINTR)
				continue;
			perror("httpd: accept");
			exit(1);
		}
		served++;
		t = uthread_spawn("conn", connection_thread,
				  (void *)(long)conn);
		if (!t) { /* no stack to spare: serve it ourselves */
			connection_thread((void *)(long)conn);
			continue;
		}
		uthread_detach(t);
	}
	close(fd);
	while (open_now)
		uthread_sleep_ms(10);
	fprintf(stderr, "httpd: %d connections, at most %d at once\n", served,
		open_most);
	exit(0);
}

int main(int argc, char **argv)
{
	struct sockaddr_in me = { .sin_family = AF_INET };
	int port = 80, count = 0, served = 0, fd, one = 1, c;

	while ((c = getopt(argc, argv, "gp:r:n:")) != -1) {
		switch (c) {
		case 'g':
			green = 1;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'r':
			root = optarg;
			break;
		case 'n':
			count = atoi(optarg);
			break;
		default:
			usage("[-g] [-p port] [-r root] [-n count]");
		}
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_IGN); /* children are reaped for us */
	me.sin_port = htons((uint16_t)port);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0 ||
	    listen(fd, 16) < 0) {
		perror("httpd");
		return 1;
	}
	fprintf(stderr, "httpd: serving %s on port %d%s\n", root, port,
		green ? " with green threads" : "");
	if (green)
		serve_green(fd, count);
	while (count == 0 || served < count) {
		int conn = accept(fd, NULL, NULL);
		pid_t pid;

		if (conn < 0) {
			if (errno == EINTR)
				continue;
			perror("httpd: accept");
			return 1;
		}
		served++;
		pid = fork();
		if (pid == 0) {
			close(fd);
			serve_and_close(conn);
			_exit(0);
		}
		if (pid < 0) /* no process to spare: serve it ourselves */
			serve_and_close(conn);
		else
			close(conn);
	}
	close(fd);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}
