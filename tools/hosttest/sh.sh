#!/bin/sh
# tools/hosttest/sh.sh [BUILD]: Kestrel's sh against the host's shells.
# Each script of user/tests/sh/ runs under dash, under bash --posix and
# under BUILD's sh (with only BUILD's programs in PATH, as in Kestrel: the
# "sh" a script starts is ours too, and a builtin ours lacks is not found
# in the host's /usr/bin); the three outputs, stdout and stderr and
# the exit status, must be the same. dash and bash agreeing is what keeps
# the scripts portable. Lab sh runs the same scripts inside Kestrel and
# compares with dash (grade/lab-sh.sh). Prints a line per failure and
# "sh: N passed, M failed". POSIX sh.

cd "$(dirname "$0")/../.." || exit 2
BUILD=${1:-${BUILD:-build}}
make -s --no-print-directory BUILD="$BUILD" user >/dev/null || {
	echo "sh: 0 passed, 1 failed"
	exit 1
}
case $BUILD in
/*) bin=$BUILD/user/bin ;;
*) bin=$(pwd)/$BUILD/user/bin ;;
esac
tests=$(pwd)/user/tests/sh
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# run NAME SHELL...: runs script NAME with arguments a1 and "b 2" in
# $tmp, output and status into $tmp/NAME.SHELL's first word.
run()
{
	_n=$1
	shift
	(cd "$tmp" && "$@" "$tests/$_n" a1 'b 2' >"$tmp/out" 2>&1
		echo "status $?" >>"$tmp/out")
	cat "$tmp/out"
}

for script in "$tests"/*.sh; do
	name=$(basename "$script")
	want=$(run "$name" dash)
	bash=$(run "$name" bash --posix)
	ours=$(PATH="$bin" run "$name" "$bin/sh")
	if [ "$want" != "$bash" ]; then
		failed=$((failed + 1))
		echo "FAIL sh $name: dash and bash --posix differ (not portable):"
		printf '%s\n' "$want" >"$tmp/want"
		printf '%s\n' "$bash" >"$tmp/bash"
		diff "$tmp/want" "$tmp/bash"
	elif [ "$want" != "$ours" ]; then
		failed=$((failed + 1))
		echo "FAIL sh $name: Kestrel's sh differs from dash:"
		printf '%s\n' "$want" >"$tmp/want"
		printf '%s\n' "$ours" >"$tmp/ours"
		diff "$tmp/want" "$tmp/ours"
	else
		passed=$((passed + 1))
	fi
done
echo "sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
