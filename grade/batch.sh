#!/bin/sh
# grade/batch.sh [-l LAB] [-j JOBS] [-t SECONDS] SUBMISSION...: grade many
# submissions with this checkout's grader. A submission is a Kestrel tree
# (a directory) or the tarball `make handin` writes (handin-LAB.tar.gz,
# unpacked into $BUILD/batch/NAME). For each: build its kernel image with
# its own Makefile into SUBMISSION/build-grade, grade that image with
# grade/grade.sh from here (so a submission cannot change how it is
# graded), keep the full report in SUBMISSION/grade.out, and print one CSV
# line: submission,points,total,passed,failed,note.
#
# -j runs that many submissions at once (default 1; each boots its own
# QEMUs); -t ends a submission that takes longer than SECONDS to build
# and grade (default 3600) with the note "time limit". The grader's own
# stall detector ends a hung boot long before that. The CSV lines come in
# the order the submissions were given. GRADE_TIME_SCALE applies as
# usual. POSIX sh; see docs/grading.md and docs/teaching.md.

here=$(cd "$(dirname "$0")/.." && pwd) || exit 2
lab=
jobs=1
limit=3600
one=
while [ $# -gt 0 ]; do
	case $1 in
	-l) lab=${2:?"-l needs a lab name"} ;;
	--one) one=${2:?} ;; # one submission, run by the loop below
	-j) jobs=${2:?"-j needs a number"} ;;
	-t) limit=${2:?"-t needs seconds"} ;;
	*) break ;;
	esac
	shift 2
done
[ $# -gt 0 ] || [ -n "$one" ] || {
	echo "usage: sh grade/batch.sh [-l LAB] [-j JOBS] [-t SECONDS]" \
		"SUBMISSION..." >&2
	exit 2
}
work=${BUILD:-$here/build}/batch
mkdir -p "$work" || exit 2
case $work in /*) ;; *) work=$(pwd)/$work ;; esac

# tree_of SUBMISSION: the directory to grade (a tarball is unpacked
# first); empty if there is none.
tree_of()
{
	if [ -d "$1" ]; then
		(cd "$1" && pwd)
		return
	fi
	case $1 in
	*.tar.gz | *.tgz)
		_name=$(basename "$1")
		_name=${_name%.tar.gz}
		_name=${_name%.tgz}
		rm -rf "$work/$_name" && mkdir -p "$work/$_name" &&
			tar xzf "$1" -C "$work/$_name" 2>/dev/null || return
		# The tree is the one directory holding a Makefile.
		_mk=$(find "$work/$_name" -maxdepth 2 -name Makefile | head -n 1)
		[ -n "$_mk" ] && dirname "$_mk"
		;;
	esac
}

# grade_one SUBMISSION: its CSV line.
grade_one()
{
	sub=$1
	dir=$(tree_of "$sub")
	if [ -z "$dir" ]; then
		echo "$sub,0,0,0,0,not a directory or a handin tarball"
		return
	fi
	out=$dir/grade.out
	if ! make -C "$dir" BUILD=build-grade iso >"$out" 2>&1; then
		echo "$sub,0,0,0,0,build failed (see $out)"
		return
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
}

if [ -n "$one" ]; then
	grade_one "$one"
	exit 0
fi

# Each submission runs in the background with its line in its own file,
# $jobs at a time (a batch is waited for before the next starts). timeout(1) kills the whole job (build, grader
# and its QEMUs: the grader's traps clean up on TERM).
echo "submission,points,total,passed,failed,note"
n=0
running=0
for sub in "$@"; do
	n=$((n + 1))
	(
		timeout -k 30 "$limit" sh "$0" ${lab:+-l "$lab"} --one "$sub" \
			>"$work/$n.csv"
		[ $? -eq 124 ] && echo "$sub,0,0,0,0,time limit ($limit s)" \
			>"$work/$n.csv"
	) &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait
i=1
while [ $i -le $n ]; do
	cat "$work/$i.csv"
	i=$((i + 1))
done
