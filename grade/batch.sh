#!/bin/sh
# grade/batch.sh [-l LAB] SUBMISSION_DIR...: grade many submissions with
# this checkout's grader. For each submission (a Kestrel tree), build its
# kernel image with its own Makefile into SUBMISSION/build-grade, grade
# that image with grade/grade.sh from here (so a submission cannot change
# how it is graded), keep the full report in SUBMISSION/grade.out, and
# print one CSV line: submission,points,total,passed,failed,note.
# GRADE_TIME_SCALE applies as usual. POSIX sh; see docs/grading.md.

here=$(cd "$(dirname "$0")/.." && pwd) || exit 2
lab=
if [ "${1:-}" = -l ]; then
	lab=${2:?"-l needs a lab name"}
	shift 2
fi
[ $# -gt 0 ] || {
	echo "usage: sh grade/batch.sh [-l LAB] SUBMISSION_DIR..." >&2
	exit 2
}

echo "submission,points,total,passed,failed,note"
for sub in "$@"; do
	dir=$(cd "$sub" 2>/dev/null && pwd) || {
		echo "$sub,0,0,0,0,no such directory"
		continue
	}
	out=$dir/grade.out
	if ! make -C "$dir" BUILD=build-grade iso >"$out" 2>&1; then
		echo "$sub,0,0,0,0,build failed (see $out)"
		continue
	fi
	# The submission's own mkfs, so the mkfs lab grades the student's
	# code and not this checkout's (a failed build fails that lab).
	make -C "$dir" BUILD=build-grade build-grade/mkfs >>"$out" 2>&1
	MKFS=$dir/build-grade/mkfs BUILD=$dir/build-grade \
		sh "$here/grade/grade.sh" $lab >>"$out" 2>&1
	status=$?
	score=$(sed -n 's/^Score: \([0-9]*\)\/\([0-9]*\)$/\1,\2/p' "$out" |
		tail -n 1)
	counts=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1,\2/p' \
		"$out" | tail -n 1)
	note=
	[ "$status" -le 1 ] || note="grader error $status (see $out)"
	echo "$sub,${score:-0,0},${counts:-0,0},$note"
done
