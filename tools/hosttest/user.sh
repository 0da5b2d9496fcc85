#!/bin/sh
# tools/hosttest/user.sh [BUILD]: the userland's host test, a suite that
# tools/hosttest.sh runs. Builds user/ with `make user` into BUILD,
# then runs the programs on this Linux host: each check compares a command's output and exit status with what is
# expected, or with the GNU tool's. init and poweroff are not run: they
# would mount, kill every process and power this machine off.
# Prints a line per failure and "user: N passed, M failed". POSIX sh.

cd "$(dirname "$0")/../.." || exit 2
BUILD=${1:-${BUILD:-build}}
make -s --no-print-directory BUILD="$BUILD" user >/dev/null || {
	echo "user: 0 passed, 1 failed"
	exit 1
}
case $BUILD in
/*) bin=$BUILD/user/bin ;;
*) bin=$(pwd)/$BUILD/user/bin ;;
esac
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# check NAME EXPECTED COMMAND: COMMAND (run by /bin/sh with PATH=$bin
# first) prints EXPECTED, stdout and stderr together, then "status=N".
check()
{
	name=$1 expected=$2
	shift 2
	actual=$(cd "$tmp" && PATH="$bin:$PATH" /bin/sh -c "$*" 2>&1;
		echo "status=$?")
	if [ "$actual" = "$expected" ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL user $name: $*"
		echo "--- expected"
		echo "$expected"
		echo "--- got"
		echo "$actual"
	fi
}

# same NAME COMMAND: our program and the GNU one give the same output.
same()
{
	name=$1
	shift
	expected=$(cd "$tmp" && /bin/sh -c "$*" 2>&1; echo "status=$?")
	check "$name" "$expected" "$@"
}

# shell NAME EXPECTED SCRIPT: our sh runs SCRIPT from a file.
shell()
{
	printf '%s\n' "$3" >"$tmp/script.sh"
	check "$1" "$2" sh script.sh
}

printf 'banana\napple\ncherry\napple\n10\n9\n' >"$tmp/fruit"
printf 'one two\nthree\n\nfour five six\n' >"$tmp/words"

# ---- coreutils against GNU ---------------------------------------------
same cat "$bin/cat fruit words"
same cat-stdin "$bin/cat < fruit"
same echo "$bin/echo a  b 'c d'; $bin/echo -n x; $bin/echo"
same wc-l "$bin/wc -l < fruit"
same wc-w "$bin/wc -w < words"
same wc-c "$bin/wc -c < words"
same head "$bin/head -n 2 fruit"
same head-default "seq 20 | $bin/head"
same tail "$bin/tail -n 3 fruit"
same tail-pipe "seq 20 | $bin/tail"
same sort "$bin/sort fruit"
same sort-r "$bin/sort -r fruit"
same sort-n "$bin/sort -n fruit"
same sort-u "$bin/sort -u fruit"
same uniq "$bin/sort fruit | $bin/uniq"
same uniq-d "$bin/sort fruit | $bin/uniq -d"
same grep "$bin/grep an fruit"
same grep-v "$bin/grep -v an fruit"
same grep-c "$bin/grep -c a fruit"
same grep-n "$bin/grep -n 'e\$' fruit"
same grep-i "$bin/grep -i APPLE fruit"
same grep-E "$bin/grep -E '^(apple|cherry)\$' fruit"
same grep-none "$bin/grep zebra fruit"
same od "$bin/od words | sed 's/  */ /g'" # hexdump -C, spaces aside
check od-hexdump "$(hexdump -C "$tmp/words")
status=0" "od words"
same pwd "$bin/pwd"
same true "$bin/true"
same false "$bin/false"

# ---- coreutils: file operations ----------------------------------------
check mkdir-p "f
status=0" "mkdir -p d/e/f && mkdir -p d/e && ls d/e"
check mkdir-exists "mkdir: d: File exists
status=1" "mkdir d"
check rmdir "status=0" "rmdir d/e/f && ! ls d/e/f 2>/dev/null"
check touch-ls "a
b
status=0" "mkdir t && touch t/b t/a t/.h && ls t"
check ls-a ".
..
.h
a
b
status=0" "ls -a t"
check ls-l "-rw-r--r-- 1
status=0" "umask 022; touch t/l; ls -l t/l | awk '{ print \$1, \$2 }'"
check cp "banana
status=0" "cp fruit f2 && head -n 1 f2"
check cp-dir "cherry
status=0" "mkdir cd && cp fruit words cd && grep cherry cd/fruit"
check mv "status=0" "mv f2 f3 && test -f f3 && ! test -e f2"
check ln-s "fruit
status=0" "ln -s fruit link && readlink link"
check ln "1
status=0" "ln fruit hard && stat fruit | grep -c 'Links: 2'"
check rm-r "status=0" "rm -r cd && ! test -e cd"
check rm-dir "rm: t: is a directory (use -r)
status=1" "rm t"
check rm-f "status=0" "rm -f nothing-here"
check rm-missing "rm: nothing-here: No such file or directory
status=1" "rm nothing-here"
check cat-missing "cat: nothing: No such file or directory
status=1" "cat nothing"
check stat "  File: fruit
status=0" "stat fruit | head -n 1"
check wc-files "4 6 29 words
6 6 31 fruit
10 12 60 total
status=0" "wc words fruit"

# ---- coreutils: the rest -----------------------------------------------
check usage "usage: ls [-a] [-l] [FILE...]
status=2" "ls -z 2>&1 | grep usage; exit 2"
check env "HELLO=1
status=0" "env HELLO=1 env | grep ^HELLO="
check env-run "x
status=0" "env A=x sh -c 'echo \$A'"
check kill "143
status=0" "sh -c 'sleep 5 & kill \$!; wait \$!; echo \$?'"
check kill-bad "kill: NOPE: unknown signal
status=2" "$bin/kill -NOPE 1"
check sleep "status=0" "sleep 0.1"
check ps "  PID  PPID S COMMAND
status=0" "ps | head -n 1"
check ps-self "yes
status=0" "ps | grep -q ' ps\$' && echo yes"
check mem "yes
status=0" "mem self | grep -q '\\[stack\\]' && echo yes"
check mem-system "yes
status=0" "mem | grep -q MemTotal && echo yes"
check uptime "yes
status=0" "uptime | grep -q '^up [0-9]' && echo yes"
check dmesg "status=0" "dmesg >/dev/null"
# sysfuzz is built for the host but not run there (docs/testing.md):
# random system calls as root on this machine are no host test. Its
# option parsing is.
check sysfuzz-usage "usage: sysfuzz [-s SEED] [-n CALLS] [-c CHILDREN] [-t SECONDS] [-v] [-x NR,...] [-o NR,...] [-k CHILD] [-w SECONDS] [-m]
status=2" "sysfuzz -c 0"

# ---- the shell ---------------------------------------------------------
shell sh-echo "hello world
status=0" "echo hello   world # a comment"
shell sh-quotes "a \$HOME b c\"d \\ e
status=0" "echo 'a \$HOME' \"b\" c\\\"d '\\' e"
shell sh-status "1
0
127
status=0" "false; echo \$?; true; echo \$?
nosuch 2>/dev/null; echo \$?"
shell sh-andor "ok1
ok2
ok3
status=0" "true && echo ok1 || echo bad
false && echo bad || echo ok2
false || false || echo ok3"
shell sh-pipeline "3
status=0" "printf 'a\nb\nc\n' | cat | wc -l"
shell sh-pipe-status "status=1" "echo x | false"
shell sh-redirect "one
two
status=0" "echo one > f; echo two >> f; cat < f"
shell sh-stderr "status=0" "ls /nothing 2> err; grep -q nothing err"
shell sh-2to1 "1
status=0" "ls /nothing > both 2>&1; wc -l < both"
shell sh-vars "x=1 y=1z
status=0" "X=1; echo x=\$X y=\${X}z"
shell sh-export "local= exported=2
status=0" "A=1; export B=2; sh -c 'echo local=\$A exported=\$B'"
shell sh-prefix "7

status=0" "V=7 sh -c 'echo \$V'; echo \$V"
shell sh-split "3
1
status=0" "L='a b  c'; echo \$L | wc -w; sh -c 'echo \$#' x \"\$L\""
shell sh-background "first
second
status=0" "sleep 0.2 & echo first; wait; echo second"
shell sh-wait-status "3
status=0" "sh -c 'exit 3' & wait \$!; echo \$?"
shell sh-cd "/
status=0" "cd /; pwd"
shell sh-cd-bad "sh: cd: /nothing: No such file or directory
1
status=0" "cd /nothing; echo \$?"
shell sh-exit "status=4" "exit 4; echo not here"
shell sh-continue "a b
c
status=0" "echo a \\
b; echo c |
cat"
shell sh-multiline-quote "x
y
status=0" "echo 'x
y'"
shell sh-syntax "sh: syntax error near ';'
status=2" "; echo no"
shell sh-glob "fruit words
status=0" "echo [fw]*r[du]*"
check sh-args "2 a b
status=0" "printf 'echo \$# \$1 \$2\n' > s; sh s a b"
check sh-stdin "from stdin
1
status=0" "printf 'echo from stdin\nfalse\necho \$?\n' | sh"
check sh-c "c 0 x
status=0" "sh -c 'echo c \$# \$0' x"
check sh-notfound "sh: nosuch: command not found
status=127" "sh -c nosuch"
check sh-noexec "sh: ./fruit: Permission denied
status=126" "sh -c ./fruit"
check sh-reap "done
status=0" "printf 'sleep 0.1 &\nsleep 0.3\necho done\n' | sh"

echo "user: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
