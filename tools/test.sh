#!/bin/sh
# tools/test.sh: `make test`, everything a change must pass: the host unit
# tests, lint (formatting and cppcheck, one test), every graded lab, then
# the lab handouts (tools/handout-check.sh) and the classroom demos
# (tools/demo.sh --check) (BUILD in the environment). Ends with one
# line adding both up, "N passed, M failed", which CI reads; exits 1 if
# anything failed. POSIX sh.

cd "$(dirname "$0")/.." || exit 2
: "${BUILD:=build}"
export BUILD
tmp=$BUILD/test
mkdir -p "$tmp" || exit 2

# run NAME COMMAND...: run it, show its output, keep a copy to count from.
run()
{
	name=$1
	shift
	{
		"$@"
		echo $? >"$tmp/$name.status"
	} 2>&1 | tee "$tmp/$name.out"
}

# The last "N passed, M failed" of a part's output, as "N M"; a part
# that printed none counts as one failure.
counts()
{
	c=$(sed -n 's/^\([^ ]*: \)\{0,1\}\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\2 \3/p' \
		"$tmp/$1.out" | tail -n 1)
	echo "${c:-0 1}"
}

echo "== host tests"
run hosttest sh tools/hosttest.sh "$BUILD"
echo
echo "== lint"
run lint sh -c 'if sh tools/lint.sh; then echo "lint: 1 passed, 0 failed";
	else echo "lint: 0 passed, 1 failed"; exit 1; fi'
echo
echo "== graded labs"
run grade sh grade/grade.sh
echo
echo "== lab handouts (docs/teaching.md)"
run handout sh tools/handout-check.sh
echo
echo "== classroom demos (docs/demos.md)"
run demo sh tools/demo.sh --check

set -- $(counts hosttest) $(counts lint) $(counts grade) $(counts handout) \
	$(counts demo)
passed=$(($1 + $3 + $5 + $7 + $9))
failed=$(($2 + $4 + $6 + $8 + ${10}))
# A part that failed without counting a failure (the grader could not
# run, say) still fails the whole.
for part in hosttest lint grade handout demo; do
	st=$(cat "$tmp/$part.status" 2>/dev/null)
	if [ "${st:-1}" -ne 0 ] && [ "$failed" -eq 0 ]; then
		echo "test: $part exited ${st:-?}"
		failed=1
	fi
done
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
