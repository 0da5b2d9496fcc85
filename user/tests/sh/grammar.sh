# Compound commands, lists and exit statuses (docs/sh.md). Run by
# Kestrel's sh in lab sh and by dash and bash --posix on the host
# (tools/hosttest/sh.sh): the output must be the same.
for n in 1 2 3; do
	if [ $n -eq 1 ]; then
		echo one
	elif [ $n = 2 ]
	then
		echo two
	else
		echo other $n
	fi
done
i=0
while [ $i -lt 5 ]; do
	i=$((i + 1))
	[ $i -eq 2 ] && continue
	[ $i -eq 4 ] && break
	echo while $i
done
until [ $i -eq 0 ]; do i=$((i - 1)); done; echo until $i
for w in alpha "beta gamma" delta; do echo "[$w]"; done
for outer in a b; do
	for inner in 1 2 3; do
		[ $inner = 2 ] && continue 2
		echo $outer$inner
	done
done
for outer in a b; do for inner in 1 2; do break 2; done; echo never; done
echo after-break $outer$inner
for f in x.c y.h z.txt 'w w'; do
	case $f in
	*.c) echo "$f: C source" ;;
	*.h | *.hpp) echo "$f: header" ;;
	"w w") echo "quoted pattern" ;;
	*) echo "$f: something else"
	esac
done
case "a*" in a\*) echo literal star;; esac
case x in (x) echo paren pattern;; esac
case nothing in a) echo no;; esac; echo case-none $?
{ echo in; echo braces; } | wc -l | tr -d ' '
x=outer; (x=inner; echo sub $x); echo $x
(exit 3); echo subshell-status $?
true && echo and-true; false && echo never; false || echo or-false
! false; echo bang $?
! true; echo bang $?
false | true; echo pipe-status $?
true | false; echo pipe-status $?
if false; then :; fi; echo if-status $?
if ! grep -q zzz /dev/null; then echo not-found; fi
x=1; while false; do :; done; echo while-status $?
{ echo a
  echo b; } > /tmp/sh-grammar.$$; cat /tmp/sh-grammar.$$; rm -f /tmp/sh-grammar.$$
for i in 1 2 3; do echo $i; done | sort -r | tr '\n' ' '; echo
while read line; do echo "got $line"; done <<EOF
first
second
EOF
echo done
