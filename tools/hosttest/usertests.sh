#!/bin/sh
# tools/hosttest/usertests.sh [BUILD]: builds the user test programs
# (user/tests, `make usertests`) and runs them all on this host with
# run-all. Linux is the reference: every program must pass here before
# Kestrel is held to it (docs/usertests.md). The fork bomb and the
# out-of-memory test set their own limits (RLIMIT_NPROC, RLIMIT_AS) before
# they start, so the host is never at risk. Ends with
# "usertests: N passed, M failed", counting programs; exits 1 if any
# failed. POSIX sh.

cd "$(dirname "$0")/../.." || exit 2
build=${1:-${BUILD:-build}}
log=$build/hosttest/usertests.run
mkdir -p "$build/hosttest" || exit 2

if ! make --no-print-directory BUILD="$build" usertests; then
	echo "FAIL usertests: the programs do not build"
	echo "usertests: 0 passed, 1 failed"
	exit 1
fi
"$build/user/tests/run-all" -d "$build/user/tests" >"$log" 2>&1
status=$?
cat "$log"
counts=$(sed -n 's/^run-all: \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2/p' \
	"$log" | tail -n 1)
if [ -z "$counts" ]; then
	echo "FAIL usertests: run-all exited $status without its count line"
	echo "usertests: 0 passed, 1 failed"
	exit 1
fi
echo "usertests: ${counts% *} passed, ${counts#* } failed"
[ "$status" -eq 0 ] && [ "${counts#* }" -eq 0 ]
