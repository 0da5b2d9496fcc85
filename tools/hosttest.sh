#!/bin/sh
# tools/hosttest.sh [BUILD]: the host-side unit tests. Each
# tools/hosttest/NAME_test.c is built with the host compiler (HOSTCC, or
# cc) together with the kernel or tool sources its
# "hosttest-sources: ..." line names (and the libraries its
# "hosttest-libs: ..." line names), and run; it prints a line per
# failure and "NAME: N passed, M failed". This script adds them up and
# ends with "hosttest: N passed, M failed"; it exits 1 if any failed.
# POSIX sh.

cd "$(dirname "$0")/.." || exit 2
build=${1:-${BUILD:-build}}
cc=${HOSTCC:-cc}
out=$build/hosttest
mkdir -p "$out" || exit 2

passed=0
failed=0
for src in tools/hosttest/*_test.c; do
	[ -f "$src" ] || continue
	name=$(basename "$src" .c)
	sources=$(sed -n 's/.*hosttest-sources:\(.*\)/\1/p' "$src" | head -n 1)
	libs=$(sed -n 's/.*hosttest-libs:\(.*\)/\1/p' "$src" | head -n 1)
	# The sources are file names without spaces: split them.
	if ! $cc -std=gnu11 -O2 -g -Wall -Wextra -Werror -Ikernel -Iinclude \
		-Iuser/lib -o "$out/$name" "$src" $sources $libs \
		2>"$out/$name.cc.log"; then
		cat "$out/$name.cc.log"
		echo "FAIL $name: does not compile"
		failed=$((failed + 1))
		continue
	fi
	"$out/$name" >"$out/$name.log" 2>&1
	status=$?
	cat "$out/$name.log"
	counts=$(sed -n 's/^[^ ]*: \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2/p' \
		"$out/$name.log" | tail -n 1)
	if [ -z "$counts" ]; then
		echo "FAIL $name: exited $status without its count line"
		failed=$((failed + 1))
		continue
	fi
	# Each program is one test: it passes when all its checks do.
	if [ "${counts#* }" -ne 0 ]; then
		echo "FAIL $name: ${counts#* } checks failed"
		failed=$((failed + 1))
	elif [ "$status" -ne 0 ]; then
		echo "FAIL $name: exited $status"
		failed=$((failed + 1))
	else
		passed=$((passed + 1))
	fi
done
# Each tools/hosttest/NAME.sh runs a whole suite (usertests.sh: the user
# test programs, built with musl-gcc and run on this host) and ends with
# "NAME: N passed, M failed"; a suite is one test, passing when it exits 0
# with nothing failed.
for script in tools/hosttest/*.sh; do
	[ -f "$script" ] || continue
	name=$(basename "$script" .sh)
	sh "$script" "$build" >"$out/$name.log" 2>&1
	status=$?
	cat "$out/$name.log"
	counts=$(sed -n "s/^$name: \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed\$/\1 \2/p" \
		"$out/$name.log" | tail -n 1)
	if [ -z "$counts" ] || [ "$status" -ne 0 ] || [ "${counts#* }" -ne 0 ]; then
		echo "FAIL $name: exited $status, ${counts#* } failed"
		failed=$((failed + 1))
	else
		passed=$((passed + 1))
	fi
done
echo "hosttest: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
