#!/bin/sh
# grade/grade.sh [LAB...]: grade the named labs (boot, mm, trap, ...: one
# grade/lab-NAME.sh each), or all of them, against the kernel image
# $BUILD/kestrel.iso. `make grade` and `make grade LAB=mm` call this.
# Prints a line per test, then "Score: X/Y" and "N passed, M failed";
# exits 1 if any test failed, 2 if the grader itself could not run.
# POSIX sh; docs/grading.md explains it all.

cd "$(dirname "$0")/.." || exit 2
. grade/lib.sh

# Every grade/lab-NAME.sh is a lab.
all_labs=$(for f in grade/lab-*.sh; do
	f=${f#grade/lab-}
	echo "${f%.sh}"
done)
all_labs=$(echo $all_labs)
labs=$*
[ -n "$labs" ] || labs=$all_labs
for lab in $labs; do
	[ -f "grade/lab-$lab.sh" ] ||
		die "no lab '$lab' (labs: $all_labs)"
done
check_time_scale
command -v "$QEMU" >/dev/null 2>&1 || die "$QEMU not found: run make setup"
[ -f "$g_iso" ] || die "no kernel image $g_iso: run make first"

# Never leave a QEMU behind: not on an error, not on Ctrl-C.
trap 'boot_cleanup' EXIT
trap 'boot_cleanup; trap - EXIT; exit 130' INT
trap 'boot_cleanup; trap - EXIT; exit 143' TERM HUP

for lab in $labs; do
	lab_begin "$lab"
	. "grade/lab-$lab.sh"
	lab_end
done
grade_summary
[ "$g_failed" -eq 0 ]
