#!/bin/sh
# tools/handout-check.sh [LAB...]: what CI checks of every lab handout
# (default: every lab with regions, tools/handout.sh --list). For each:
#
#   builds      the handout builds without a warning (-Werror), as a
#               student receives it
#   stub_fails  its own lab's graded tests fail on the stub: the cut took
#               out what the lab asks for (at least one test fails and the
#               grader still ran to its count line)
#   others_pass the labs that do not depend on this lab's code pass on
#               the handout: the rest of the kernel is whole (the list
#               is others_of below; the sh lab unless it says more)
#
# One line per check, PASS or FAIL, then "handout: N passed, M failed";
# exits 1 if any failed. make test runs it (tools/test.sh). The
# reference passing every lab is make test's own job. POSIX sh.

cd "$(dirname "$0")/.." || exit 2
: "${BUILD:=build}"
out=$BUILD/handout-check
rm -rf "$out" && mkdir -p "$out" || exit 2
case $out in /*) ;; *) out=$(pwd)/$out ;; esac

# others_of LAB: the labs that must still pass on LAB's handout. Not the
# boot lab: it runs every ktest, the cut lab's included. Every program
# links user/lib/malloc, so the malloc handout (a stub that never frees)
# must still run the shell and the driver lab; the uthread library is
# linked only into its own programs, and malloc's lab checks that the
# rest of the userland still allocates.
others_of()
{
	case $1 in
	uthread) echo sh malloc ;;
	malloc) echo sh driver ;;
	*) echo sh ;;
	esac
}

labs=$*
[ -n "$labs" ] || labs=$(sh tools/handout.sh --list)
passed=0
failed=0

# verdict OK NAME DETAIL...: count and print one check.
verdict()
{
	_ok=$1
	_name=$2
	shift 2
	if [ "$_ok" = yes ]; then
		echo "PASS  handout: $_name"
		passed=$((passed + 1))
	else
		echo "FAIL  handout: $_name"
		for _l in "$@"; do
			printf '      %s\n' "$_l"
		done
		failed=$((failed + 1))
	fi
}

for lab in $labs; do
	tree=$out/$lab
	if ! sh tools/handout.sh "$lab" "$tree" >"$out/$lab.handout.log" 2>&1; then
		verdict no "$lab.builds" "tools/handout.sh failed:" \
			"$(tail -n 5 "$out/$lab.handout.log")"
		continue
	fi
	if ! make -C "$tree" BUILD=build all >"$out/$lab.build.log" 2>&1; then
		verdict no "$lab.builds" "the handout does not build" \
			"($out/$lab.build.log):" \
			"$(grep -E 'error|warning' "$out/$lab.build.log" | head -n 10)"
		continue
	fi
	verdict yes "$lab.builds"

	BUILD=$tree/build sh grade/grade.sh "$lab" >"$out/$lab.grade.log" 2>&1
	counts=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' \
		"$out/$lab.grade.log" | tail -n 1)
	set -- $counts
	if [ -z "$counts" ]; then
		verdict no "$lab.stub_fails" "the grader did not finish" \
			"($out/$lab.grade.log):" "$(tail -n 5 "$out/$lab.grade.log")"
	elif [ "$2" -eq 0 ]; then
		verdict no "$lab.stub_fails" "every test of lab $lab passes" \
			"on the stub: the cut leaves the lab's work done"
	else
		verdict yes "$lab.stub_fails"
		echo "      (on the stub: $1 passed, $2 failed)"
	fi

	others=$(others_of "$lab")
	BUILD=$tree/build sh grade/grade.sh $others >"$out/$lab.others.log" 2>&1
	if tail -n 1 "$out/$lab.others.log" | grep -q -E '^[0-9]+ passed, 0 failed$'; then
		verdict yes "$lab.others_pass"
		echo "      (labs $others)"
	else
		verdict no "$lab.others_pass" "lab(s) $others fail on the handout" \
			"($out/$lab.others.log):" \
			"$(grep -E '^FAIL' "$out/$lab.others.log" | head -n 5)"
	fi
done
echo "handout: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
