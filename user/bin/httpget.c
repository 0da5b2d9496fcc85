/*
 * httpget: fetch one URL with an HTTP/1.1 GET (RFC 9112) and write the
 * body to a file or standard output.
 *
 *   httpget [-o file] [-s] http://host[:port]/path
 *
 * The status line and the byte count go to standard error; -s adds the
 * body's SHA-256 (to compare with sha256sum where it came from). The body
 * is delimited by Content-Length, chunked transfer coding, or the end of
 * the connection. Exit status 0 for a 2xx answer, 1 otherwise. host is a
 * dotted quad or "localhost".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sha256.h"
#include "ulib.h"

static char buf[65536];
static size_t have, at; /* bytes in buf, and the next one to use */
static int sock;

static struct sha256 hash;
static long long body_bytes;

/* Refill buf: bytes read, 0 at end of the connection. */
static ssize_t fill(void)
{
	ssize_t n;

	if (at < have)
		return (ssize_t)(have - at);
	n = read(sock, buf, sizeof(buf));
	if (n < 0) {
		perror("httpget: read");
		exit(1);
	}
	at = 0;
	have = (size_t)n;
	return n;
}

/* One line (CRLF or LF ended, without it) into line: its length, or -1
 * at the end of the connection. */
static int get_line(char *line, size_t size)
{
	size_t n = 0;

	for (;;) {
		char c;

		if (fill() <= 0)
			return n ? (int)n : -1;
		c = buf[at++];
		if (c == '\n')
			break;
		if (n + 1 < size)
			line[n++] = c;
	}
	if (n && line[n - 1] == '\r')
		n--;
	line[n] = '\0';
	return (int)n;
}

/* Copy len bytes of body (len < 0: to the end) to out. */
static void copy_body(int out, long long len)
{
	while (len != 0) {
		ssize_t n = fill();
		size_t take;

		if (n <= 0) {
			if (len > 0) {
				fprintf(stderr, "httpget: connection ended "
						"early\n");
				exit(1);
			}
			return;
		}
		take = (size_t)n;
		if (len > 0 && (long long)take > len)
			take = (size_t)len;
		if (write_all(out, buf + at, take) < 0) {
			perror("httpget: write");
			exit(1);
		}
		sha256_update(&hash, buf + at, take);
		body_bytes += (long long)take;
		at += take;
		if (len > 0)
			len -= (long long)take;
	}
}

static int open_url(const char *url, char *host, size_t hsize,
		    const char **path)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(80) };
	const char *h, *slash, *colon;
	size_t hl;

	if (strncmp(url, "http://", 7) != 0) {
		fprintf(stderr, "httpget: %s: only http:// URLs\n", url);
		exit(2);
	}
	h = url + 7;
	slash = strchr(h, '/');
	*path = slash ? slash : "/";
	hl = slash ? (size_t)(slash - h) : strlen(h);
	if (hl == 0 || hl >= hsize)
		usage("[-o file] [-s] http://host[:port]/path");
	memcpy(host, h, hl);
	host[hl] = '\0';
	colon = strchr(host, ':');
	if (colon) {
		to.sin_port = htons((uint16_t)atoi(colon + 1));
		host[colon - host] = '\0';
	}
	if (!inet_aton(strcmp(host, "localhost") ? host : "127.0.0.1",
		       &to.sin_addr)) {
		fprintf(stderr, "httpget: %s: not an address\n", host);
		exit(1);
	}
	if (colon)
		host[colon - host] = ':'; /* the Host header keeps the port */
	sock = socket(AF_INET, SOCK_STREAM, 0);
	if (sock < 0 || connect(sock, (struct sockaddr *)&to, sizeof(to)) < 0) {
		perror("httpget: connect");
		exit(1);
	}
	return sock;
}

int main(int argc, char **argv)
{
	const char *outname = NULL, *path;
	char host[256], line[4096], req[4400];
	long long len = -1;
	int show_hash = 0, chunked = 0, status, out = 1, c, n;

	while ((c = getopt(argc, argv, "o:s")) != -1) {
		if (c == 'o')
			outname = optarg;
		else if (c == 's')
			show_hash = 1;
		else
			usage("[-o file] [-s] http://host[:port]/path");
	}
	if (argc - optind != 1)
		usage("[-o file] [-s] http://host[:port]/path");
	open_url(argv[optind], host, sizeof(host), &path);
	n = snprintf(
		req, sizeof(req),
		"GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: kestrel-httpget"
		"\r\nConnection: close\r\n\r\n",
		path, host);
	if (n >= (int)sizeof(req) || write_all(sock, req, (size_t)n) < 0) {
		perror("httpget: send");
		return 1;
	}
	if (get_line(line, sizeof(line)) < 0 ||
	    sscanf(line, "HTTP/%*d.%*d %d", &status) != 1) {
		fprintf(stderr, "httpget: not an HTTP answer\n");
		return 1;
	}
	fprintf(stderr, "httpget: %s\n", line);
	while ((n = get_line(line, sizeof(line))) > 0) {
		if (strncasecmp(line, "Content-Length:", 15) == 0)
			len = atoll(line + 15);
		else if (strncasecmp(line, "Transfer-Encoding:", 18) == 0 &&
			 strstr(line, "chunked"))
			chunked = 1;
	}
	if (outname) {
		out = open(outname, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (out < 0) {
			perror(outname);
			return 1;
		}
	}
	sha256_init(&hash);
	if (chunked) {
		/* RFC 9112 7.1: size line, data, CRLF; size 0 ends it. */
		while (get_line(line, sizeof(line)) >= 0) {
			long long size = strtoll(line, NULL, 16);

			if (size <= 0)
				break;
			copy_body(out, size);
			get_line(line, sizeof(line));
		}
	} else {
		copy_body(out, len);
	}
	if (outname && close(out) < 0) {
		perror(outname);
		return 1;
	}
	close(sock);
	if (show_hash) {
		char hex[65];

		sha256_hex(&hash, hex);
		fprintf(stderr, "httpget: %lld bytes sha256 %s\n", body_bytes,
			hex);
	} else {
		fprintf(stderr, "httpget: %lld bytes\n", body_bytes);
	}
	return status >= 200 && status < 300 ? 0 : 1;
}
