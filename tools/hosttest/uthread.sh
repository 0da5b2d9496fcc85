#!/bin/sh
# tools/hosttest/uthread.sh [BUILD]: the green-thread library's host
# test (user/lib/uthread, docs/uthread.md), a suite that tools/hosttest.sh
# runs. Builds the programs ported onto the library with make, then runs
# them on this Linux host: each must print what is expected, worked out
# here independently of the program (the primes by trial division in
# awk, xv6's interleaving by a loop). The library's own test program,
# user/tests/t_uthread, runs with the other user tests (usertests.sh).
# Prints a line per failure and "uthread: N passed, M failed". POSIX sh.

cd "$(dirname "$0")/../.." || exit 2
BUILD=${1:-${BUILD:-build}}
bin=$BUILD/user/bin
progs="primes uthreads ringpc pipeserv uthreadbench"
targets=
# httpd -g is a green-thread program too; httpget, nc and seq test it.
for p in $progs httpd httpget nc seq; do
	targets="$targets $bin/$p"
done
# shellcheck disable=SC2086 # the targets are words without spaces
make -s --no-print-directory BUILD="$BUILD" $targets >/dev/null || {
	echo "uthread: 0 passed, 1 failed"
	exit 1
}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# check NAME EXPECTED_FILE COMMAND...: COMMAND's output and "status=N"
# are EXPECTED_FILE's lines.
check()
{
	name=$1 expected=$2
	shift 2
	"$@" >"$tmp/out" 2>&1
	echo "status=$?" >>"$tmp/out"
	if cmp -s "$expected" "$tmp/out"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL uthread $name: $*"
		diff "$expected" "$tmp/out" | head -n 20
	fi
}

# primes: the first 30 primes, by trial division.
awk 'BEGIN {
	for (n = 2; found < 30; n++) {
		p = 1
		for (d = 2; d * d <= n; d++)
			if (n % d == 0) { p = 0; break }
		if (p) { print n; found++ }
	}
	print "status=0"
}' >"$tmp/primes.want"
check primes "$tmp/primes.want" "$bin/primes" 30
printf 'usage: primes [N]\nstatus=2\n' >"$tmp/primes-usage.want"
check primes_usage "$tmp/primes-usage.want" "$bin/primes" 0

# uthreads: xv6's order; each waits for all three, then c, a, b in turn.
{
	echo "thread_a started"
	echo "thread_b started"
	echo "thread_c started"
	i=0
	while [ $i -lt 100 ]; do
		printf 'thread_c %d\nthread_a %d\nthread_b %d\n' $i $i $i
		i=$((i + 1))
	done
	echo "thread_c: exit after 100"
	echo "thread_a: exit after 100"
	echo "thread_b: exit after 100"
	echo "thread_schedule: no runnable threads"
	echo "status=0"
} >"$tmp/uthreads.want"
check uthreads "$tmp/uthreads.want" "$bin/uthreads"

# ringpc: no ring device here, so a pipe of 4 KiB.
cat >"$tmp/ringpc.want" <<'END'
ringpc: no /dev/ring0 here: a pipe instead
producer: wrote 1000 messages
consumer: read 1000 messages, in order
ticker: ran while the others waited: yes
status=0
END
check ringpc "$tmp/ringpc.want" "$bin/ringpc"

# pipeserv: 6 clients, each served 5 requests, all at once.
{
	for i in 1 2 3 4 5 6; do
		echo "pipeserv: session $i served 5 requests"
	done
	echo "pipeserv: sessions overlapped: yes"
	for i in 1 2 3 4 5 6; do
		echo "pipeserv: client $i got every answer right"
	done
	echo "status=0"
} >"$tmp/pipeserv.want"
check pipeserv "$tmp/pipeserv.want" "$bin/pipeserv" 6

# httpd -g: six clients fetch two files at once while an idle connection
# (nc reading a fifo nobody writes yet) waits; every body must be the
# file, the fetches must end while the idle connection is still open (it
# is let go only after them), and httpd must count more than one open at
# once. A port of this shell's own, as several engineers share the host.
www=$tmp/www
mkdir -p "$www"
"$bin/seq" 1 20000 >"$www/a.txt"
"$bin/seq" 3 15000 >"$www/b.txt"
port=$((20000 + $$ % 20000))
timeout 120 "$bin/httpd" -g -p "$port" -n 7 -r "$www" 2>"$tmp/httpd.log" &
i=0
while ! grep -q 'with green threads' "$tmp/httpd.log" && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
mkfifo "$tmp/hold" "$tmp/hold2"
timeout 120 "$bin/nc" 127.0.0.1 "$port" <"$tmp/hold" >/dev/null &
timeout 120 cat "$tmp/hold2" >"$tmp/hold" &
sleep 1
pids=
for i in 1 2 3 4 5 6; do
	f=a
	[ $((i % 2)) -eq 0 ] && f=b
	timeout 60 "$bin/httpget" -s -o "$tmp/got$i" \
		"http://127.0.0.1:$port/$f.txt" 2>"$tmp/get$i.err" &
	pids="$pids $!"
done
# shellcheck disable=SC2086 # the pids are words
wait $pids
bad=0
for i in 1 2 3 4 5 6; do
	f=a
	[ $((i % 2)) -eq 0 ] && f=b
	cmp -s "$www/$f.txt" "$tmp/got$i" || bad=1
	grep -q "bytes sha256 $(sha256sum <"$www/$f.txt" | cut -c1-64)" \
		"$tmp/get$i.err" || bad=1
done
echo bye >"$tmp/hold2"
wait
if [ $bad -eq 0 ] &&
	grep -q '^httpd: 7 connections, at most [2-7] at once$' \
		"$tmp/httpd.log"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
	echo "FAIL uthread httpd_green: bodies or concurrency wrong"
	cat "$tmp/httpd.log" "$tmp"/get*.err | head -n 20
fi

echo "uthread: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
