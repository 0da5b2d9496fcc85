#!/bin/bash
# user/tests/workout.bash DIR: a workout for Debian's static bash (a glibc
# program), run inside Kestrel and on the host; the two outputs must be
# the same (grade/lab-debian.sh). It uses only bash's builtins, so no
# other program's behaviour is under test, and prints nothing that
# depends on the machine.
d=$1
echo "== words"
name="Kestrel kernel"
echo "${name^^} ${name,,} ${#name} ${name/kernel/OS} ${name// /_} ${name:2:5}"
path=/usr/local/lib/libfoo.so.1
echo "${path##*/} ${path%/*} ${path#/usr} ${path%%.*}"
printf -v padded '%-8s|%6.3f|%05d' left 2.5 77
echo "$padded"
echo {1..5} {a..e..2} x{A,B}y
set -- one "two words" three
echo "$# args; second is '$2'; all: $*"
for a in "$@"; do echo "[$a]"; done
shift
echo "after shift: $1"

echo "== arrays"
arr=(zero one two three)
arr+=(four)
echo "${#arr[@]} ${arr[2]} ${arr[@]:1:2} ${!arr[*]}"
unset 'arr[1]'
echo "${arr[*]} (${#arr[@]})"
declare -A color=([sky]=blue [grass]=green [blood]=red)
for k in blood grass sky; do
	echo "$k is ${color[$k]}"
done
read -r -a parts <<<"a b  c   d"
echo "${#parts[@]} parts, last ${parts[-1]}"
mapfile -t lines <<'END'
first line
second line
third line
END
echo "${lines[1]} / ${#lines[@]} lines"

echo "== arithmetic"
echo $((2 ** 10)) $((17 % 5)) $((-7 / 2)) $((1 << 40)) $((0x1f + 010))
((n = 5, n *= 3, n++))
echo "n=$n"
fib()
{
	local -i a=0 b=1 i t
	for ((i = 0; i < $1; i++)); do
		((t = a + b, a = b, b = t))
	done
	echo $a
}
echo "fib(50) = $(fib 50)"
RANDOM=42
r1=$RANDOM
RANDOM=42
r2=$RANDOM
[ "$r1" = "$r2" ] && echo "RANDOM repeats with its seed"

echo "== tests"
[[ "kestrel-1.2" =~ ^([a-z]+)-([0-9]+)\.([0-9]+)$ ]] &&
	echo "match: ${BASH_REMATCH[1]} ${BASH_REMATCH[2]} ${BASH_REMATCH[3]}"
[[ abc == a* && ! -z "x" ]] && echo "pattern and"
shopt -s extglob
v=aaab
[[ $v == +(a)b ]] && echo "extglob"
case "$v" in
*ab) echo "case glob" ;;
esac

echo "== functions and scope"
counter=0
bump() { local counter=100; counter=$((counter + 1)); echo "inner $counter"; }
bump
echo "outer $counter"
fact() { (($1 <= 1)) && echo 1 || echo $(($1 * $(fact $(($1 - 1))))); }
echo "fact 12 = $(fact 12)"
declare -f bump | { read -r l; echo "$l"; }

echo "== files and redirection"
cd "$d" 2>/dev/null || { echo "no dir $d"; exit 1; }
exec 3>out.txt
echo "to fd 3" >&3
printf '%s\n' c a b >&3
exec 3>&-
while IFS= read -r l; do echo "got $l"; done <out.txt
{ echo stdout; echo stderr >&2; } 2>err.txt >std.txt
echo "$(<std.txt) / $(<err.txt)"
cat_builtin() { local l; while IFS= read -r l; do echo "$l"; done; }
cat_builtin <<<"here string"
cat_builtin <<EOF2
here doc with $((6 * 7))
EOF2
echo "files: $(echo *.txt)"
set -o noclobber
{ echo again >out.txt; } 2>/dev/null || echo "noclobber refused"
set +o noclobber

echo "== processes"
(exit 7)
echo "status $?"
true | false | true
echo "pipestatus ${PIPESTATUS[*]}"
set -o pipefail
true | false | true
echo "pipefail $?"
set +o pipefail
( echo "in a subshell: BASH_SUBSHELL=$BASH_SUBSHELL" )
echo "background:"
{ echo "job output"; exit 3; } &
wait $!
echo "job status $?"
trap 'echo "caught USR1"' USR1
kill -USR1 $$
trap 'echo "exit trap runs"' EXIT
echo "== done"
