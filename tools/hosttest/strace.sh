#!/bin/sh
# tools/hosttest/strace.sh [BUILD]: Kestrel's strace (user/bin/strace)
# against Debian's (/usr/bin/strace, or $STRACE_REF), on this Linux host;
# a suite that tools/hosttest.sh runs.
#
# Each "compare" check traces one program of the corpus (Kestrel's own
# tools and user/tests/stracee, built with musl-gcc) with both straces
# and the same options, normalizes both outputs with
# strace-normalize.awk (pids, addresses, CPU times; -f: unfinished and
# resumed lines joined, processes one after the other) and diffs them.
# What differs must be exactly what strace-known-diffs.txt lists for that
# check: a new difference fails, and so does a listed one that is gone.
# Then checks of our strace alone: -c's totals, -o/-ff files, -p attach
# and detach. Prints a line per failure and "strace: N passed, M failed".
# POSIX sh.

cd "$(dirname "$0")/../.." || exit 2
BUILD=${1:-${BUILD:-build}}
top=$(pwd)
ref=${STRACE_REF:-/usr/bin/strace}
known=$top/tools/hosttest/strace-known-diffs.txt
norm=$top/tools/hosttest/strace-normalize.awk
passed=0
failed=0

fail()
{
	failed=$((failed + 1))
	echo "FAIL strace $*"
}

if [ ! -x "$ref" ]; then
	echo "FAIL strace: no reference strace at $ref: install Debian's" \
		"strace (apt-get install strace, or make setup)"
	echo "strace: 0 passed, 1 failed"
	exit 1
fi
make -s --no-print-directory BUILD="$BUILD" user usertests >/dev/null || {
	echo "FAIL strace: make user usertests"
	echo "strace: 0 passed, 1 failed"
	exit 1
}
case $BUILD in
/*) bin=$BUILD/user/bin tests=$BUILD/user/tests ;;
*) bin=$top/$BUILD/user/bin tests=$top/$BUILD/user/tests ;;
esac
ours=$bin/strace
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
work=$tmp/work
mkdir "$work" "$work/dir"
printf 'banana\napple\ncherry\n' >"$work/fruit"
printf 'one two\nthree\n' >"$work/words"
touch "$work/dir/a" "$work/dir/b" "$work/dir/c"

# trace WHICH OUT OPTIONS... -- COMMAND...: one strace run in $work, its
# trace in OUT (-o), the program's own output thrown away.
trace()
{
	which=$1 out=$2
	shift 2
	(cd "$work" && "$which" -o "$out" "$@" >/dev/null 2>&1 </dev/null)
}

# compare NAME NORMOPTS OPTIONS... -- COMMAND...: both straces, same
# options; the normalized traces' differences must be the known ones.
compare()
{
	name=$1 normopts=$2
	shift 2
	trace "$ref" "$tmp/ref.out" "$@"
	trace "$ours" "$tmp/our.out" "$@"
	# shellcheck disable=SC2086
	awk $normopts -f "$norm" "$tmp/ref.out" >"$tmp/ref.n"
	# shellcheck disable=SC2086
	awk $normopts -f "$norm" "$tmp/our.out" >"$tmp/our.n"
	diff "$tmp/ref.n" "$tmp/our.n" | sed -n 's/^\([<>]\) /\1 /p' |
		sed "s|$work|WORK|g; s|$top|TOP|g; s|^|$name |" >"$tmp/got"
	grep "^$name " "$known" >"$tmp/want"
	if cmp -s "$tmp/want" "$tmp/got"; then
		passed=$((passed + 1))
	else
		fail "$name: differences not as strace-known-diffs.txt says"
		echo "--- listed (-) against found (+)"
		diff "$tmp/want" "$tmp/got" | sed -n 's/^< /- /p; s/^> /+ /p'
	fi
}

# ---- the corpus, traced by both ------------------------------------------
compare cat "" -- "$bin/cat" fruit words
compare cat-missing "" -- "$bin/cat" missing
compare ls "" -- "$bin/ls" dir
compare ls-l "" -- "$bin/ls" -l dir
compare wc "" -- "$bin/wc" -l fruit
compare head "" -- "$bin/head" -n 2 fruit
compare sort "" -- "$bin/sort" fruit
compare echo "" -- "$bin/echo" hello world
compare stat "" -- "$bin/stat" fruit
compare mkdir-rmdir "-v pids=1 -v racy=1" -f -- "$bin/sh" -c \
	"$bin/mkdir x; $bin/rmdir x"
compare calls "" -- "$tests/stracee" calls
compare forksig "-v pids=1" -f -- "$tests/stracee" forksig
compare decode "" -- "$tests/stracee" decode
# a pipeline: when SIGCHLD arrives against sh's wait4 is a race between
# the processes, so racy=1 drops those lines (the normalizer says which)
compare pipeline "-v pids=1 -v racy=1" -f -- "$bin/sh" -c \
	"$bin/echo hello | $bin/wc -c"

# ---- options, against Debian's -----------------------------------------
compare s8 "" -s 8 -- "$tests/stracee" calls
compare s0 "" -s 0 -- "$bin/cat" fruit
compare trace-file "" -e trace=%file -- "$tests/stracee" calls
compare trace-names "" -e trace=open,close,read -- "$tests/stracee" calls
compare trace-not "" -e 'trace=!write,mmap' -- "$bin/ls" dir
compare trace-process "-v pids=1" -f -e trace=%process -- \
	"$tests/stracee" forksig
compare trace-signal "-v pids=1" -f -e trace=%signal -- \
	"$tests/stracee" forksig
compare trace-memory "" -e trace=%memory -- "$bin/ls" dir
compare trace-network "" -e trace=%network -- "$tests/stracee" calls
compare signal-none "-v pids=1" -f -e signal=none -- "$tests/stracee" forksig
compare signal-usr1 "-v pids=1" -f -e signal=SIGUSR1 -- \
	"$tests/stracee" forksig
compare status-failed "" -e status=failed -- "$tests/stracee" calls
compare y "" -y -- "$tests/stracee" calls
compare v "" -v -- "$tests/stracee" calls
compare t "-v times=1" -t -- "$bin/cat" fruit
compare tt "-v times=1" -tt -- "$bin/cat" fruit
compare ttt "-v times=1" -ttt -- "$bin/cat" fruit
compare T "-v times=1" -T -- "$bin/cat" fruit
compare r "-v times=1" -r -- "$bin/cat" fruit

# ---- -ff: a file per process ------------------------------------------
# ff WHICH: the -ff files of stracee forksig, in pid order, each
# normalized alone, in $tmp/ff.WHICH; $nff: how many
ff()
{
	rm -rf "$tmp/ff"
	mkdir "$tmp/ff"
	(cd "$work" && "$1" -ff -o "$tmp/ff/t" "$tests/stracee" forksig \
		>/dev/null 2>&1)
	nff=$(ls "$tmp/ff" | wc -l)
	for f in $(ls "$tmp/ff" | sort -t. -k2 -n); do
		echo "== $nff files"
		awk -f "$norm" "$tmp/ff/$f"
	done >"$tmp/ff.$2"
}
ff "$ref" ref
ff "$ours" our
if [ "$nff" -eq 3 ] && diff "$tmp/ff.ref" "$tmp/ff.our" >"$tmp/ff.diff"; then
	passed=$((passed + 1))
else
	fail "-ff: $nff files (want 3), or they differ from Debian's:"
	cat "$tmp/ff.diff"
fi

# ---- -c: the summary adds up ----------------------------------------------
# sums FILE: the table's rows summed, then its total line:
# "calls errors seconds / calls errors seconds"
sums()
{
	awk '$1 ~ /^[0-9.]+$/ && NF >= 5 {
		errors = (NF == 6) ? $5 : 0
		if ($NF == "total") { tc = $4; te = errors; ts = $2; next }
		c += $4; e += errors; s += $2 }
	END { printf "%d %d %.6f / %d %d %.6f\n", c, e, s, tc, te, ts }' "$1"
}
trace "$ours" "$tmp/c.out" -c -- "$tests/stracee" loop 200
line=$(sums "$tmp/c.out")
rows=${line% / *} total=${line#* / }
getppid=$(awk '$NF == "getppid" { print $4 }' "$tmp/c.out")
# the seconds of the rows may round to a few microseconds off the total
if [ "${rows% *}" = "${total% *}" ] && [ "$getppid" = 200 ] &&
	awk -v a="${rows##* }" -v b="${total##* }" \
		'BEGIN { d = a - b; exit !(d < 0.00005 && d > -0.00005) }'; then
	passed=$((passed + 1))
else
	fail "-c: rows $rows, total $total, getppid calls $getppid (want 200)"
	cat "$tmp/c.out"
fi
# the calls and errors of each call as Debian's -c counts them
trace "$ref" "$tmp/c.ref" -c -- "$tests/stracee" calls
trace "$ours" "$tmp/c.our" -c -- "$tests/stracee" calls
for f in c.ref c.our; do
	awk '$1 ~ /^[0-9.]+$/ { print $NF, $4, (NF == 6 ? $5 : 0) }' \
		"$tmp/$f" | sort >"$tmp/$f.counts"
done
if diff "$tmp/c.ref.counts" "$tmp/c.our.counts" >"$tmp/c.diff"; then
	passed=$((passed + 1))
else
	fail "-c: counts differ from Debian's (name calls errors):"
	cat "$tmp/c.diff"
fi

# ---- -o: the trace in the file, the program's output where it was ---------
out=$(cd "$work" && "$ours" -o "$tmp/o.out" "$bin/echo" hi 2>&1)
if [ "$out" = hi ] && grep -q '^writev(1, \[{iov_base="hi", iov_len=2}, {iov_base="\\n", iov_len=1}\], 2) *= 3$' "$tmp/o.out"; then
	passed=$((passed + 1))
else
	fail "-o: program printed '$out'; the file:"
	cat "$tmp/o.out"
fi

# ---- -p: attach to a sleeping process, ^C detaches ------------------------
# field PID NAME: NAME's value in /proc/PID/status
field()
{
	awk -v name="$2:" '$1 == name { print $2 }' "/proc/$1/status" \
		2>/dev/null
}
# waitfor PID NAME VALUE: until NAME is VALUE (at most 10 s)
waitfor()
{
	i=0
	while [ "$(field "$1" "$2")" != "$3" ] && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}
"$tests/stracee" sleep 5 &
sleeper=$!
waitfor "$sleeper" State S
"$ours" -o "$tmp/p.out" -p "$sleeper" 2>"$tmp/p.err" &
tracer=$!
waitfor "$sleeper" TracerPid "$tracer"
sleep 0.2 # for the stop at attach to pass and the sleep to resume
tracerpid=$(field "$sleeper" TracerPid)
kill -INT "$tracer"
wait "$tracer"
status=$?
state=$(field "$sleeper" State)
after=$(field "$sleeper" TracerPid)
if [ "$tracerpid" = "$tracer" ] && [ "$after" = 0 ] && [ "$state" = S ] &&
	[ "$status" = 130 ] &&
	grep -q "^restart_syscall(<... resuming interrupted call ...> <detached ...>\$" \
		"$tmp/p.out" &&
	grep -q "Process $sleeper attached" "$tmp/p.err" &&
	grep -q "Process $sleeper detached" "$tmp/p.err"; then
	passed=$((passed + 1))
else
	fail "-p: tracer $tracerpid then $after (want $tracer then 0)," \
		"state $state (want S), exit $status (want 130); trace and stderr:"
	cat "$tmp/p.out" "$tmp/p.err"
fi
# the sleeper goes on and ends as if nothing had happened
wait "$sleeper"
status=$?
if [ "$status" = 0 ]; then
	passed=$((passed + 1))
else
	fail "-p: the detached sleeper exited $status, want 0"
fi

# both straces attached in turn to one sleeper, ^C each
"$tests/stracee" sleep 5 &
sleeper=$!
waitfor "$sleeper" State S
# attach WHICH OUT: WHICH attaches to the sleeper, then gets ^C
attach()
{
	"$1" -o "$2" -p "$sleeper" 2>/dev/null &
	tracer=$!
	waitfor "$sleeper" TracerPid "$tracer"
	sleep 0.2
	kill -INT "$tracer"
	wait "$tracer"
	waitfor "$sleeper" TracerPid 0
}
attach "$ref" "$tmp/ref.out"
attach "$ours" "$tmp/our.out"
kill "$sleeper"
wait "$sleeper" 2>/dev/null
awk -f "$norm" "$tmp/ref.out" >"$tmp/ref.n"
awk -f "$norm" "$tmp/our.out" >"$tmp/our.n"
diff "$tmp/ref.n" "$tmp/our.n" | sed -n 's/^\([<>]\) /attach \1 /p' >"$tmp/got"
grep "^attach " "$known" >"$tmp/want"
if cmp -s "$tmp/want" "$tmp/got"; then
	passed=$((passed + 1))
else
	fail "attach: differences not as strace-known-diffs.txt says"
	diff "$tmp/want" "$tmp/got" | sed -n 's/^< /- /p; s/^> /+ /p'
fi

echo "strace: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
