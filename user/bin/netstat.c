/*
 * netstat: the TCP, UDP and AF_UNIX sockets, read from /proc/net/tcp,
 * /proc/net/udp and /proc/net/unix (Linux's formats, so it runs on
 * both), always numeric; or, with -s, the protocols' counters from
 * /proc/net/snmp, one "Name: value" a line under each protocol.
 *
 *   netstat [-t] [-u] [-x] [-l | -a]
 *   netstat -s
 *
 * -t TCP, -u UDP, -x AF_UNIX (default all three); -l listening sockets
 * only, -a all; by default those not listening (a UDP socket counts as
 * listening unless connected, as in Linux's netstat).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ulib.h"

static const char *const states[] = {
	"",           "ESTABLISHED", "SYN_SENT",  "SYN_RECV",
	"FIN_WAIT1",  "FIN_WAIT2",   "TIME_WAIT", "CLOSE",
	"CLOSE_WAIT", "LAST_ACK",    "LISTEN",    "CLOSING",
};

#define LISTEN_STATE 10
#define STATES (sizeof(states) / sizeof(states[0]))
#define UDP_UNCONNECTED 7

static const char *state_name(const char *proto, unsigned int st)
{
	return strcmp(proto, "tcp") == 0 && st < STATES ? states[st] : "";
}

/* "a.b.c.d:port" from /proc's hex (the address as this machine reads the
 * four bytes, the port in host order); port 0 is "*". */
static void endpoint(char *out, size_t size, unsigned int addr,
		     unsigned int port)
{
	struct in_addr a = { .s_addr = addr };

	if (port)
		snprintf(out, size, "%s:%u", inet_ntoa(a), port);
	else
		snprintf(out, size, "%s:*", inet_ntoa(a));
}

static int show(const char *proto, const char *path, int want_listen,
		int want_other)
{
	char line[512], local[32], remote[32];
	FILE *f = fopen(path, "r");

	if (!f) {
		perror(path);
		return 1;
	}
	if (!fgets(line, sizeof(line), f)) { /* the heading */
		fprintf(stderr, "netstat: %s: empty\n", path);
		fclose(f);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned int la, lp, ra, rp, st, txq, rxq;
		int listening;

		if (sscanf(line, " %*d: %x:%x %x:%x %x %x:%x", &la, &lp, &ra,
			   &rp, &st, &txq, &rxq) != 7)
			continue;
		listening = strcmp(proto, "tcp") == 0 ? st == LISTEN_STATE
						      : st == UDP_UNCONNECTED;
		if (listening ? !want_listen : !want_other)
			continue;
		endpoint(local, sizeof(local), la, lp);
		endpoint(remote, sizeof(remote), ra, rp);
		printf("%-5s %6u %6u %-23s %-23s %s\n", proto, rxq, txq, local,
		       remote, state_name(proto, st));
	}
	fclose(f);
	return 0;
}

#define UNIX_ACCEPTCON 0x10000 /* Linux's __SO_ACCEPTCON */

static const char *unix_type(unsigned int type)
{
	return type == 1   ? "STREAM"
	       : type == 2 ? "DGRAM"
	       : type == 5 ? "SEQPACKET"
			   : "?";
}

/* /proc/net/unix: "Num: RefCount Protocol Flags Type St Inode [Path]". */
static int show_unix(int want_listen, int want_other)
{
	char line[512], path[256];
	FILE *f = fopen("/proc/net/unix", "r");

	if (!f) {
		perror("/proc/net/unix");
		return 1;
	}
	printf("Active UNIX domain sockets (%s)\n",
	       want_listen && want_other ? "servers and established"
	       : want_listen             ? "only servers"
					 : "w/o servers");
	printf("Proto RefCnt Flags       Type       State         I-Node   "
	       "Path\n");
	if (!fgets(line, sizeof(line), f)) { /* the heading */
		fclose(f);
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned int refs, proto, flags, type, st;
		unsigned long inode;
		const char *state;
		int listening;

		path[0] = 0;
		if (sscanf(line, "%*[0-9a-fA-F]: %x %x %x %x %x %lu %255s",
			   &refs, &proto, &flags, &type, &st, &inode, path) < 6)
			continue;
		listening = (flags & UNIX_ACCEPTCON) != 0;
		/* SS_UNCONNECTED 1, SS_CONNECTING 2, SS_CONNECTED 3 */
		state = listening ? "LISTENING"
			: st == 3 ? "CONNECTED"
			: st == 2 ? "CONNECTING"
				  : "";
		if (listening ? !want_listen : !want_other)
			continue;
		printf("unix  %-6u %-11s %-10s %-13s %-8lu%s%s\n", refs,
		       listening ? "[ ACC ]" : "[ ]", unix_type(type), state,
		       inode, *path ? " " : "", path);
	}
	fclose(f);
	return 0;
}

/* /proc/net/snmp's pairs of lines ("Ip: names" then "Ip: values"). */
static int statistics(void)
{
	static char names[4096], values[4096];
	FILE *f = fopen("/proc/net/snmp", "r");

	if (!f) {
		perror("netstat: /proc/net/snmp");
		return 1;
	}
	while (fgets(names, sizeof(names), f) &&
	       fgets(values, sizeof(values), f)) {
		char *ns, *vs, *n = strtok_r(names, " \n", &ns);
		char *v = strtok_r(values, " \n", &vs);

		if (!n || !v || strcmp(n, v) != 0)
			break;
		printf("%s\n", n);
		while ((n = strtok_r(NULL, " \n", &ns)) &&
		       (v = strtok_r(NULL, " \n", &vs)))
			printf("    %s: %s\n", n, v);
	}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	int tcp = 0, udp = 0, unx = 0, listen_only = 0, all = 0, c, r = 0;

	while ((c = getopt(argc, argv, "tuxlas")) != -1) {
		switch (c) {
		case 's':
			return statistics();
		case 't':
			tcp = 1;
			break;
		case 'u':
			udp = 1;
			break;
		case 'x':
			unx = 1;
			break;
		case 'l':
			listen_only = 1;
			break;
		case 'a':
			all = 1;
			break;
		default:
			usage("[-t] [-u] [-x] [-l | -a] | -s");
		}
	}
	if (!tcp && !udp && !unx)
		tcp = udp = unx = 1;
	if (tcp || udp) {
		printf("Active Internet connections (%s)\n",
		       all           ? "servers and established"
		       : listen_only ? "only servers"
				     : "w/o servers");
		printf("Proto Recv-Q Send-Q Local Address           Foreign Address  "
		       "       State\n");
	}
	if (tcp)
		r |= show("tcp", "/proc/net/tcp", all || listen_only,
			  all || !listen_only);
	if (udp)
		r |= show("udp", "/proc/net/udp", all || listen_only,
			  all || !listen_only);
	if (unx)
		r |= show_unix(all || listen_only, all || !listen_only);
	return r;
}
