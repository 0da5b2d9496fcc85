# test, read, eval, ., set -e/-x, trap, exit, export and sh -c (docs/sh.md).
t() { if "$@"; then echo "yes: $*"; else echo "no: $*"; fi; }
t test -n abc; t test -z abc; t [ -z "" ]; t [ abc = abc ]; t [ a != a ]
t [ 3 -lt 10 ]; t [ 10 -le 9 ]; t [ 5 -ge 5 ]; t [ 2 -gt 1 ]; t [ 1 -ne 1 ]
t [ -d / ]; t [ -f / ]; t [ -e /nonexistent ]; t [ ! -e /nonexistent ]
t [ -n x -a -z "" ]; t [ -z x -o -n x ]; t [ \( 1 -eq 1 \) ]; t [ ]; t [ x ]
t test 1 -eq 2 -o 2 -eq 2
f=/tmp/sh-builtins.$$
echo data > $f; [ -s $f ] && [ -r $f ] && [ -w $f ] && echo "-s -r -w: yes"
read line < $f; echo "read: $line"
echo "  lead  trail  " | { read a; echo "[$a]"; }
echo "x y z w" | { read a b c; echo "[$a] [$b] [$c]"; }
echo "a:b:c" | { IFS=: read p q; echo "[$p] [$q]"; }
echo 'back\slash' | { read -r r; echo "raw [$r]"; }
echo 'back\slash' | { read r; echo "cooked [$r]"; }
: > $f; read nothing < $f; echo "read at eof: $?"
eval 'echo eval one; echo eval two'
eval "x=5"; echo "x=$x"
echo 'dotted=yes; dotfn() { echo "from dot $1"; }' > $f
. $f; echo "dotted=$dotted"; dotfn arg
export EXPORTED=exp-value
sh -c 'echo "child sees $EXPORTED"'
NOTEXPORTED=local; sh -c 'echo "child sees [$NOTEXPORTED]"'
ONCE=just-this sh -c 'echo "prefix: $ONCE"'; echo "after prefix: [$ONCE]"
sh -c 'echo "sh -c args: $0 $1 $2 $#"' name a b
sh -c 'exit 7'; echo "sh -c exit $?"
echo 'echo "script $# $1"; exit 9' > $f; sh $f s1 s2; echo "script status $?"
(set -e; echo set-e-start; false; echo never) ; echo "set -e subshell $?"
(set -e; false || true; if false; then :; fi; ! true; echo set-e-survives)
(set -e; f() { false; echo in-f; }; f && echo cond-ok)
(set -x; echo traced; y=1) 2> $f; cat $f
(trap 'echo exit trap ran' EXIT; echo in-subshell)
(trap 'echo trap on exit 3' EXIT; exit 3); echo "trap status $?"
sh -c 'trap "echo got INT" INT; kill -INT $$; echo after-kill'
(exit 300); echo "exit 300 -> $?"
rm -f $f
echo "unset: [${unsetvar-}]"; (set -u; echo "${unsetvar-ok-with-default}")
(set -u; echo $unsetvar; echo never) 2>/dev/null || echo "set -u fails"
printf '%s=%d [%5s] [%-3s] %x %o %c %%\n' answer 42 right l 255 8 xyz
printf '%s\n' one two three
printf '%b|%03d|%.2s\n' 'a\tb' 7 abcdef
printf 'no newline'; printf '\n'
printf '%d\n' notanumber 2>/dev/null || echo "printf bad number fails"
echo done
