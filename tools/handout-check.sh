#!/bin/sh
# tools/handout-check.sh [LAB...]: what CI checks of every lab handout
# (default: every lab with regions, tools/handout.sh --list). For each:
#
#   builds      the handout builds without a warning (-Werror), as a
#               student receives it
#   stub_fails  its own lab's graded tests fail on the stub: the cut took
#               out what the lab asks for (the tests stub_fails_of names
#               each fail, and the grader still ran to its count line)
#   others_pass the labs that do not depend on this lab's code pass on
#               the handout: the rest of the kernel is whole (the list
#               is others_of below; the sh lab unless it says more)
#
# One line per check, PASS or FAIL, then "handout: N passed, M failed";
# exits 1 if any failed. make test runs it (tools/test.sh). The
# reference passing every lab is make test's own job. POSIX sh.
#
# The build is shared with the reference (docs/teaching.md, "What CI
# checks"): the reference is built first (make test has done so), its
# outputs are copied into the handout's build directory with their
# times, and make rebuilds only what the cut changed. A file that holds
# regions of other labs only differs from the reference by comments and
# #if 0 blocks, so it keeps the reference's time and its object; a file
# with a region of the lab is new, and everything that depends on it
# (the .d files, the Makefile's lists) is rebuilt with -Werror.
# HANDOUT_FRESH=1 builds every handout from nothing instead.

cd "$(dirname "$0")/.." || exit 2
: "${BUILD:=build}"
out=${HANDOUT_CHECK_DIR:-$BUILD/handout-check}
rm -rf "$out" && mkdir -p "$out" || exit 2
case $out in /*) ;; *) out=$(pwd)/$out ;; esac

# others_of LAB: the labs that must still pass on LAB's handout. Not the
# boot lab: it runs every ktest, the cut lab's included. Every program
# links user/lib/malloc, so the malloc handout (a stub that never frees)
# must still run the shell and the driver lab; the uthread library is
# linked only into its own programs, so the shell is the rest of it.
others_of()
{
	case $1 in
	malloc) echo sh driver ;;
	*) echo sh ;;
	esac
}

# stub_fails_of LAB: the graded tests that must fail on LAB's stub: the
# tests of the work the lab asks for, so that the lab fails for the
# stub's reason and not for one that happens to be broken beside it.
stub_fails_of()
{
	case $1 in
	driver) echo ring.fifo_across_the_wrap ring.claims t_ring echo_and_cat ;;
	trap) echo trap.divide_error trap.null_deref trap.stack_overflow \
		trap.breakpoint trap.copy_nofault ;;
	mm) echo uvm.cow_fork_refcounts t_cow ;;
	sched) echo sched.fair_order_and_weights sched.fair_placement t_sched ;;
	fs) echo ext2.block_path ;;
	syscall) echo t_misc ;;
	uthread) echo t_uthread ;;
	malloc) echo t_malloc double_free_report ;;
	esac
}

# probe_of LAB: for a lab whose whole grader runs long (fs: minutes of
# big files), the part of it that stub_fails runs instead: grader lines
# (grade/lib.sh) that run the tests stub_fails_of names. Empty: the whole
# lab runs.
probe_of()
{
	case $1 in
	fs) echo 'boot ext2 cmdline="ktest=ext2.block_path"
		ktest_pass ext2.block_path 5' ;;
	syscall) echo 'run_usertests misc 240 t_misc
		usertest_pass t_misc 5' ;;
	esac
}

# grade_lab LAB TREE: the grader's verdicts on the stub, the whole lab
# or its probe.
grade_lab()
{
	_probe=$(probe_of "$1")
	if [ -z "$_probe" ]; then
		BUILD=$2/build sh grade/grade.sh "$1"
		return
	fi
	# As grade/grade.sh does, with the probe for the lab's script.
	BUILD=$2/build LAB=$1 PROBE=$_probe sh -c '
		. grade/lib.sh
		check_time_scale
		trap boot_cleanup EXIT
		lab_begin "$LAB"
		eval "$PROBE"
		lab_end
		grade_summary
		[ "$g_failed" -eq 0 ]'
}

# The outputs of the reference build a handout starts from (the
# Makefile's; anything else is left to make).
ref_outputs='kernel user mkfs rootfs isodir rootfs.stamp usertests.stamp
	root.img kestrel.elf kestrel.pass1.elf kestrel.iso ksyms0.S ksyms0.d
	ksyms0.o ksyms.S ksyms.d ksyms.o syms1 syms2'

# seed_build TREE LAB: TREE/build from the reference build, and the
# marked files without a region of LAB back to the reference's times.
seed_build()
{
	_have=
	for _e in $ref_outputs; do
		[ -e "$BUILD/$_e" ] && _have="$_have $_e"
	done
	mkdir -p "$1/build" &&
		(cd "$BUILD" && tar cf - $_have) | (cd "$1/build" && tar xf -) ||
		return 1
	# The dependency files name their targets under the reference's
	# BUILD; the handout's is build.
	if [ "$BUILD" != build ]; then
		find "$1/build" -name '*.d' | while read -r _d; do
			sed "s|$BUILD/|build/|g" "$_d" >"$_d.tmp" && mv "$_d.tmp" "$_d"
		done
	fi
	git ls-files -z -- '*.c' '*.h' '*.S' |
		xargs -0 grep -l -E 'LAB [a-z0-9_-]+: begin' 2>/dev/null |
		while read -r _f; do
			grep -q -E "LAB $2: begin" "$_f" || touch -r "$_f" "$1/$_f"
		done
	# The copy made the directories anew; the root tree's rule counts
	# mkfs/skel's directories among its sources.
	find mkfs/skel -type d | while read -r _f; do
		touch -r "$_f" "$1/$_f"
	done
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

# The reference build every handout starts from (nothing to do after
# make test's own make all).
seed=yes
[ "${HANDOUT_FRESH:-0}" = 1 ] && seed=no
if [ $seed = yes ] &&
	! make --no-print-directory BUILD="$BUILD" all >"$out/reference.build.log" 2>&1; then
	echo "handout-check: the reference does not build" \
		"($out/reference.build.log); building each handout from nothing"
	seed=no
fi

for lab in $labs; do
	tree=$out/$lab
	t0=$(date +%s)
	if ! sh tools/handout.sh "$lab" "$tree" >"$out/$lab.handout.log" 2>&1; then
		verdict no "$lab.builds" "tools/handout.sh failed:" \
			"$(tail -n 5 "$out/$lab.handout.log")"
		continue
	fi
	if [ $seed = yes ] && ! seed_build "$tree" "$lab"; then
		echo "      (could not copy the reference build: building $lab from nothing)"
		rm -rf "$tree/build"
	fi
	if ! make -C "$tree" BUILD=build all >"$out/$lab.build.log" 2>&1; then
		verdict no "$lab.builds" "the handout does not build" \
			"($out/$lab.build.log):" \
			"$(grep -E 'error|warning' "$out/$lab.build.log" | head -n 10)"
		continue
	fi
	verdict yes "$lab.builds"
	echo "      ($(grep -c -E '^  (CC|AS|MUSLCC|HOSTCC) ' "$out/$lab.build.log") files compiled)"

	grade_lab "$lab" "$tree" >"$out/$lab.grade.log" 2>&1
	counts=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' \
		"$out/$lab.grade.log" | tail -n 1)
	set -- $counts
	passing=
	for t in $(stub_fails_of "$lab"); do
		grep -q -F "FAIL  $lab: $t (" "$out/$lab.grade.log" ||
			passing="$passing $t"
	done
	if [ -z "$counts" ]; then
		verdict no "$lab.stub_fails" "the grader did not finish" \
			"($out/$lab.grade.log):" "$(tail -n 5 "$out/$lab.grade.log")"
	elif [ "$2" -eq 0 ]; then
		verdict no "$lab.stub_fails" "every test of lab $lab passes" \
			"on the stub: the cut leaves the lab's work done"
	elif [ -n "$passing" ]; then
		verdict no "$lab.stub_fails" "on the stub these tests of lab" \
			"$lab do not fail:$passing (stub_fails_of): the cut" \
			"leaves their work done ($out/$lab.grade.log)"
	else
		verdict yes "$lab.stub_fails"
		echo "      (on the stub: $1 passed, $2 failed)"
	fi

	others=$(others_of "$lab")
	BUILD=$tree/build sh grade/grade.sh $others >"$out/$lab.others.log" 2>&1
	if tail -n 1 "$out/$lab.others.log" | grep -q -E '^[0-9]+ passed, 0 failed$'; then
		verdict yes "$lab.others_pass"
		echo "      (labs $others; $lab checked in $(($(date +%s) - t0)) s)"
	else
		verdict no "$lab.others_pass" "lab(s) $others fail on the handout" \
			"($out/$lab.others.log):" \
			"$(grep -E '^FAIL' "$out/$lab.others.log" | head -n 5)"
	fi
done
echo "handout: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
