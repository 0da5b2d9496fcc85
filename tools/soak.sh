#!/bin/sh
# tools/soak.sh: `make soak [SECONDS=600] [SEED=1] [SMP=1]`. The fuzz
# lab's boot (grade/lab-fuzz.sh), for as long as asked: boots a fresh
# copy of the root disk, runs sysfuzz for SECONDS with seed SEED on SMP
# CPUs (after the lab's warm-up run), and checks what the lab checks: no
# panic or hang, memory and the kernel heap back where they were, e2fsck
# clean. Prints a line per check, then "soak: PASS" or "soak: FAIL" and
# exits 0 or 1. Logs in $BUILD/grade/soak/. POSIX sh; docs/testing.md.

cd "$(dirname "$0")/.." || exit 2
. grade/lib.sh

SECONDS_=${SECONDS:-600}
SEED=${SEED:-1}
SMP=${SMP:-1}
for v in "$SECONDS_" "$SEED" "$SMP"; do
	case $v in
	'' | *[!0-9]*) die "soak: SECONDS, SEED and SMP are numbers" ;;
	esac
done
check_time_scale
command -v "$QEMU" >/dev/null 2>&1 || die "$QEMU not found: run make setup"

trap 'boot_cleanup' EXIT
trap 'boot_cleanup; trap - EXIT; exit 130' INT
trap 'boot_cleanup; trap - EXIT; exit 143' TERM HUP

fuzz_functions_only=yes
lab_begin soak
. grade/lab-fuzz.sh
echo "soak: sysfuzz -s $SEED -t $SECONDS_ on $SMP CPUs" \
	"(log: $g_dir/soak.log)"
# The children running at the time limit finish their slices: give the
# boot a few minutes beyond it.
fuzz_boot soak "$SMP" $((SECONDS_ + 300)) $((SEED + 1000)) \
	-s "$SEED" -t "$SECONDS_"
fuzz_grade soak "$SMP"
lab_end
grep -a '^sysfuzz: [0-9]* calls made' "$b_log" | tail -n 1
if [ "$g_failed" -eq 0 ]; then
	echo "soak: PASS"
else
	echo "soak: FAIL"
	exit 1
fi
