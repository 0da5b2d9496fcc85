# Functions, positional parameters, $@ and $* (docs/sh.md).
count() { echo "$# args"; }
count
count a
count a "b c" d
count "$@"
show() {
	echo "1=$1 2=$2 #=$#"
	for a in "$@"; do echo "  @ [$a]"; done
	for a in "$*"; do echo "  * [$a]"; done
	for a in $*; do echo "  bare [$a]"; done
}
show one "two words" three
set -- x "y z"
echo "after set: $# $1 $2"
show "$@"
shift
echo "after shift: $# $1"
set -- 1 2 3 4 5
shift 2
echo "shift 2: $*"
fact() {
	if [ "$1" -le 1 ]; then echo 1; return; fi
	echo $(( $1 * $(fact $(( $1 - 1 ))) ))
}
echo "fact 6 = $(fact 6)"
status() { return $1; }
status 7; echo "return 7 -> $?"
status 0 && echo "return 0 is true"
early() { echo before; return 2; echo never; }
early; echo "early $?"
loopret() { for i in 1 2 3; do [ $i = 2 ] && return 5; echo "loop $i"; done; }
loopret; echo "loopret $?"
g=global; setg() { g=changed; }; setg; echo "g=$g"
outerf() { innerf() { echo "defined inside"; }; }
outerf; innerf
args() { echo "in function: $1"; }
set -- script-level
args func-level; echo "back: $1"
echo "dollar-zero-is-set: ${0:+yes}"
redir() { echo to-file; }
redir > /tmp/sh-fn.$$; cat /tmp/sh-fn.$$; rm -f /tmp/sh-fn.$$
piped() { while read x; do echo "piped $x"; done; }
echo a | piped
