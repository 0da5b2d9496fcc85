# grade/debian/busybox.sh BUSYBOX DIR: a workout for Debian's busybox,
# run by its own shell (BUSYBOX sh busybox.sh BUSYBOX DIR) inside Kestrel
# and on the host; the two outputs must be the same (grade/lab-debian.sh).
# Everything it prints depends only on what it makes in DIR: no dates,
# no owners, no process ids, no host names.
bb=$1
d=$2
$bb rm -rf "$d"
$bb mkdir -p "$d/tree/a/b" "$d/tree/c" || exit 1
cd "$d" || exit 1

echo "== text"
$bb seq 1 20 >nums
$bb printf '%s\n' pear apple fig apple banana fig apple >fruit
$bb sort fruit | $bb uniq -c | $bb sort -k1,1nr -k2 | $bb sed 's/^ *//'
$bb sort -n -r nums | $bb head -n 3 | $bb tr '\n' ' '
echo
$bb awk '{ s += $1 } END { print "sum", s, "mean", s / NR }' nums
$bb awk -F: '$3 >= 2 { print $1 }' <<'END'
a:x:1
b:y:2
c:z:3
END
echo "one two three" | $bb cut -d' ' -f2
echo "Hello, World" | $bb tr 'a-z' 'A-Z'
$bb sed -n '3,5p;/^1[89]$/s/^/line /p' nums
$bb grep -c apple fruit
$bb grep -n -E '^(fig|pear)$' fruit
$bb wc -l <nums
$bb tail -n 2 fruit
$bb expr 6 \* 7
$bb basename /usr/local/lib.so .so
$bb dirname /usr/local/lib.so

echo "== files"
i=0
while [ $i -lt 50 ]; do
	echo "line $i of the file" >>tree/a/b/log
	i=$((i + 1))
done
echo small >tree/c/small
$bb dd if=nums of=tree/c/copy bs=7 count=3 2>/dev/null
$bb cat tree/c/copy
echo
$bb ln -s ../a/b/log tree/c/link
$bb readlink tree/c/link
$bb cat tree/c/link | $bb wc -l
$bb find tree | $bb sort
$bb find tree -type f -name '*l*' | $bb sort
$bb stat -c '%n %s %F' tree/a/b/log tree/c/small tree/c/link | $bb sort
$bb cp -r tree tree2
$bb diff -r tree tree2 && echo "copies agree"
$bb mv tree2/c/small tree2/c/moved
$bb ls tree2/c
$bb cmp tree/c/small tree2/c/moved && echo "moved intact"
$bb rm -r tree2
[ -e tree2 ] || echo "tree2 gone"
$bb md5sum tree/a/b/log nums | $bb sed 's/  / /'
$bb sha256sum fruit | $bb cut -c1-16
$bb od -A d -t x1 tree/c/small

echo "== archives"
$bb tar cf t.tar tree
$bb tar tf t.tar | $bb sort
$bb mkdir x && cd x && $bb tar xf ../t.tar && cd ..
$bb diff -r tree x/tree && echo "tar round trip"
$bb gzip -9 -c tree/a/b/log >log.gz
$bb gunzip -c log.gz | $bb md5sum
$bb ls -1 x/tree

echo "== shell"
f()
{
	local n=$1
	if [ "$n" -le 1 ]; then
		echo 1
	else
		echo $((n * $(f $((n - 1)))))
	fi
}
echo "10! = $(f 10)"
for w in alpha beta gamma; do
	case $w in
	a*) echo "$w starts with a" ;;
	*m*) echo "$w has an m" ;;
	*) echo "$w is other" ;;
	esac
done
$bb seq 3 | while read -r n; do echo "read $n"; done
(exit 3)
echo "subshell status $?"
false | true
echo "pipeline status $?"
x=outer
(x=inner; echo "in $x")
echo "out $x"
sleep_and_say()
{
	$bb sleep "$1"
	echo "slept $1"
}
sleep_and_say 1 &
pid=$!
kill -0 $pid && echo "job alive"
wait $pid
echo "wait status $?"
trap 'echo trapped USR1' USR1
kill -USR1 $$
echo "after trap"
echo "$(echo nested $(echo deeper))"
echo "${undefined:-default} ${#d}" | $bb sed "s|${#d}|LEN|"
$bb printf '%5.2f|%-4s|%04d|%x\n' 3.14159 ab 42 255
$bb seq 5 | $bb xargs -n 2 echo
echo "== done"
