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
# COMMAND names the programs bare: the GNU one runs with this host's
# PATH, ours with $bin first (so never write "$bin/" in COMMAND).
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
same cat "cat fruit words"
same cat-stdin "cat < fruit"
same echo "echo a  b 'c d'; echo -n x; echo"
same wc-l "wc -l < fruit"
same wc-w "wc -w < words"
same wc-c "wc -c < words"
same head "head -n 2 fruit"
same head-default "seq 20 | head"
same tail "tail -n 3 fruit"
same tail-pipe "seq 20 | tail"
same sort "sort fruit"
same sort-r "sort -r fruit"
same sort-n "sort -n fruit"
same sort-u "sort -u fruit"
same uniq "sort fruit | uniq"
same uniq-d "sort fruit | uniq -d"
same grep "grep an fruit"
same grep-v "grep -v an fruit"
same grep-c "grep -c a fruit"
same grep-n "grep -n 'e\$' fruit"
same grep-i "grep -i APPLE fruit"
same grep-E "grep -E '^(apple|cherry)\$' fruit"
same grep-none "grep zebra fruit"
check od-hexdump "$(hexdump -C "$tmp/words")
status=0" "od words"
same pwd "pwd"
same true "true"
same false "false"

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
same wc-files "wc words fruit"
same wc-stdin "wc < fruit; cat fruit | wc; wc -l fruit; wc -c - < words"

mkdir -p "$tmp/lsd/sub/deep"
printf 'x\n' >"$tmp/lsd/small"
head -c 5000 /dev/zero >"$tmp/lsd/big"
head -c 1500000 /dev/zero >"$tmp/lsd/huge"
touch -d '2020-01-01 00:00' "$tmp/lsd/small"
touch -d '2021-01-01 00:00' "$tmp/lsd/huge"
same ls-pipe "LC_ALL=C ls lsd"
same ls-R "LC_ALL=C ls -R lsd"
same ls-S "LC_ALL=C ls -S lsd; LC_ALL=C ls -S -r lsd"
same ls-t "LC_ALL=C ls -t lsd/small lsd/huge; LC_ALL=C ls -t -a -d lsd/big lsd/huge"
same ls-d "LC_ALL=C ls -d lsd lsd/sub"
same ls-h "LC_ALL=C ls -l -h lsd | awk 'NR > 1 { print \$5, \$NF }'"
same ls-l-names "ls -l lsd/small | awk '{ print \$3, \$4 }'"
# On a terminal (script(1)'s pseudo-terminal): columns across, colours.
check ls-columns "big  huge  small  sub
status=0" "script -qc 'ls lsd' /dev/null | tr -d '\r' | sed 's/\x1b\[[0-9;]*m//g'"
check ls-colour "yes
status=0" "script -qc 'ls --color lsd' /dev/null | /usr/bin/cat -v | grep -q '1;34msub' && echo yes"
check ls-no-colour "no
status=0" "script -qc 'ls lsd' /dev/null | /usr/bin/cat -v | grep -q '1;34m' && echo yes || echo no"

# ---- coreutils: the rest -----------------------------------------------
check usage "usage: ls [-1adhlrRSt] [--color] [FILE...]
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
check ps "USER       PID  PPID S COMMAND
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

# ---- the first hour's tools against GNU (LC_ALL=C for sort) ----------
mkdir -p "$tmp/tree/sub/deep"
printf 'x\n' >"$tmp/tree/a.c"
printf 'yy\n' >"$tmp/tree/sub/b.c"
printf 'zzz\n' >"$tmp/tree/sub/deep/c.txt"
printf 'b 3 x\na 10 y\nc 2 z\nd 10 a\n  e 1 q\n' >"$tmp/keys"
printf 'x:5:b\ny:40:a\nz:5:a\n' >"$tmp/colons"
same head-c "head -c 7 fruit"
same head-c-files "head -c 3 fruit words"
same cat-n "cat -n fruit words"
same grep-e "grep -e cherry -e '^10' fruit"
same grep-r "grep -r -n y tree | sort"
same grep-r-dot "cd tree && grep -r -i -c Z | sort"
same grep-r-file "grep -r -v x tree/a.c"
same sort-k "LC_ALL=C sort -k2,2n keys"
same sort-k-r "LC_ALL=C sort -k2,2n -r keys"
same sort-k-own-r "LC_ALL=C sort -k2,2nr keys"
same sort-k3 "LC_ALL=C sort -k 3 keys"
same sort-t "LC_ALL=C sort -t : -k 2n colons"
same sort-t-u "LC_ALL=C sort -u -t : -k3,3 colons"
same wc-several "wc fruit words keys"
same find "find tree | sort"
same find-name "find tree -name '*.c' | sort"
same find-type "find tree -type d | sort"
same find-maxdepth "find tree -maxdepth 1 -type f"
same find-mindepth "find tree -mindepth 2 -maxdepth 2 | sort"
same find-exec "find tree -name c.txt -exec cat {} ';'"
same find-exec-print "find tree -type f -exec grep -q y {} ';' -print"
same xargs "printf 'a b\nc\n' | xargs echo x"
same xargs-n "seq 7 | xargs -n 3 echo"
same xargs-I "printf 'one\ntwo\n' | xargs -I @ echo [@]"
same xargs-quotes "printf '\"a b\" c\n' | xargs -n 1 echo"
same xargs-empty "xargs echo empty </dev/null"
same xargs-status "echo 1 | xargs false"
same seq "seq 5"
same seq-range "seq 3 7"
same seq-step "seq 10 -3 1"
same seq-s "seq -s , 4"
same seq-w "seq -w 8 11"
same basename "basename /usr/lib/x.so .so; basename /; basename a/b/; basename x.c .c"
same dirname "dirname /usr/lib; dirname x; dirname /x; dirname a/b//; dirname //"
same tee "echo hi | tee t1 t2; cat t1 t2; echo more | tee -a t1 >/dev/null; cat t1"
same tr "echo hello | tr a-z A-Z"
same tr-d "echo hello world | tr -d lo"
same tr-s "echo 'a   b    c' | tr -s ' '"
same tr-short "echo abcdef | tr a-f xy"
same cut-f "printf 'a\tb\tc\nno tab\n' | cut -f 2,3"
same cut-d "cut -d : -f 1,3 colons"
same cut-s "printf 'a:b\nnone\n' | cut -d : -f 2 -s"
same cut-range "cut -c 2-4 fruit"
same cut-open "cut -d : -f 2- colons"
same date-format "date -u -d @86400 '+%Y-%m-%d %H:%M:%S %j %a'"
same date-epoch "date -u -d @1234567890"
same hexdump "hexdump -C words fruit"
same hexdump-stdin "printf 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab' | hexdump -C"
same hexdump-empty "hexdump -C </dev/null"
same sha256sum "sha256sum fruit words; sha256sum </dev/null"
same sha256sum-c "sha256sum fruit words >sums; sha256sum -c sums"
same du "du -s tree; du -a tree | sort -k 2"
check which "$bin/sh
status=1" "which sh; which -a nosuch-here"
same clear "clear | /usr/bin/od -c"
# Ours read between two readings of GNU date's: never before the first,
# never after the second (a second may tick between any two).
check date-now "yes
status=0" "a=\$(/bin/date +%s); b=\$(date +%s); c=\$(/bin/date +%s); test \$a -le \$b && test \$b -le \$c && echo yes"
check free "Mem: yes
status=0" "free | awk 'NR == 2 { print \$1, (\$2 > 0 && \$2 >= \$3 ? \"yes\" : \"no\") }'"
# df: the same sizes as GNU df for one file system, in 1K blocks.
check df "$(df -P . | awk 'NR == 2 { print $2, $3 + $4 }')
status=0" "df . | awk 'NR == 2 { print \$2, \$3 + \$4 }'"
check more-pipe "banana
status=0" "more fruit | head -n 1"
# The editor in a pseudo-terminal (script(1)): down, type, up, End, two
# Backspaces, X, Enter, find "tw", Delete, save, quit. The keys wait a
# moment for the editor's raw mode: typed before it, the line discipline
# would take Backspace, Ctrl-S and Ctrl-Q for itself.
printf 'one\ntwo\n' >"$tmp/ed.txt"
check edit "oX

new wo
status=0" "(sleep 1; printf '\033[Bnew \033[A\033[F\177\177X\r\006tw\r\033[3~\023\021') |
	timeout 30 script -qec 'edit ed.txt' /dev/null >/dev/null; cat ed.txt"
check edit-new "first
status=0" "(sleep 1; printf 'first\023\021') | timeout 30 script -qec 'edit new.txt' /dev/null >/dev/null; cat new.txt"
check edit-quit-unsaved "one
two
status=0" "printf 'one\ntwo\n' >u.txt; (sleep 1; printf 'zzz\021\021') |
	timeout 30 script -qec 'edit u.txt' /dev/null >/dev/null; cat u.txt"
check tail-f "2
3
4
status=0" "printf '1\n2\n3\n' >tf; (tail -f -n 2 tf >tout & p=\$!; sleep 0.5; echo 4 >>tf; sleep 0.7; kill \$p); cat tout"

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
# Interactive (on script(1)'s terminal) the prompt is the directory, then
# "# " for root and "$ " for anyone else.
prompt_mark='$'
[ "$(id -u)" -eq 0 ] && prompt_mark='#'
check sh-prompt "/tmp $prompt_mark echo hi
status=0" "printf 'cd /tmp\necho hi\nexit\n' | script -qc sh /dev/null | tr -d '\r' | grep '^/tmp [\$#] echo'"
check sh-reap "done
status=0" "printf 'sleep 0.1 &\nsleep 0.3\necho done\n' | sh"

echo "user: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
