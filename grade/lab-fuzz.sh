# Lab fuzz: nothing a user program does may panic or hang the kernel, or
# leak memory, or damage the disk. sysfuzz (user/bin/sysfuzz,
# docs/testing.md) makes random system calls with typed arguments from
# children that are killed and replaced, with fixed seeds and a bounded
# number of calls, on one CPU and on four. Sourced by grade/grade.sh;
# helpers in grade/lib.sh.
#
# Each boot runs sysfuzz twice from the shell on a fresh copy of the root
# disk: a first run that warms the caches a first use fills for good
# (kernel stack page tables, the inode and page caches of /bin/sysfuzz),
# then the graded run with -m, which reads /proc/meminfo before its
# first child and after its last is reaped (docs/procfs.md: free memory
# counts MemFree + Buffers + Cached + SReclaimable, the heap SUnreclaim)
# and says whether both are back. Then poweroff, and e2fsck on the host.
#
# The watchdogs: sysfuzz kills a child that makes no call for -w seconds
# and reports a child that outlives its SIGKILL as a kernel hang; the
# grader stops a boot that prints nothing for its stall time or outlasts
# its time limit. No verdict depends on how fast the machine is: the
# calls are fixed by the seeds, a child killed for being slow is only
# counted, and the times scale with GRADE_TIME_SCALE.

fuzz_watchdog=$(awk -v f="$GRADE_TIME_SCALE" 'BEGIN { printf "%d\n", 10 * f + 0.5 }')

# fuzz_boot NAME SMP SECONDS WARMUP_SEED OPTION...: the boot described
# above, within SECONDS; the graded run is `sysfuzz -m OPTION...`.
fuzz_boot()
{
	_fn=$1 _fs=$2 _ft=$3 _fw=$4
	shift 4
	shell_boot "$_fn" smp="$_fs" timeout="$_ft" stall=60 net=none &&
		serial_send "sysfuzz -s $_fw -n 2000 -c 4 -w $fuzz_watchdog; sysfuzz -m -c 4 -w $fuzz_watchdog $*; echo sysfuzz-status \$?; poweroff\r"
	boot_wait
}

# fuzz_grade NAME SMP: the boot's three tests.
fuzz_grade()
{
	# The kernel survives: both runs end ("sysfuzz: done" once each,
	# every child reaped and the scratch directory removed), no panic,
	# no child that SIGKILL does not end, and the machine powers off.
	test_start "no_panic_no_hang@smp$2" 20
	expect_exit 1
	ordered
	need 'sysfuzz: done'
	need 'sysfuzz: done'
	need 'sysfuzz-status 0'
	need 'kestrel: power off (status 0)'
	unordered
	forbid 'KERNEL PANIC'
	forbid 'the kernel hangs'
	forbid 'sysfuzz: FAILED'
	test_end

	# No leak: after the calls and every child reaped, free memory and
	# the kernel heap are exactly where they were before the first
	# child (no tolerance: with the slab's empty pages counted apart,
	# a run that frees all it took comes back to the kilobyte).
	test_start "memory_back@smp$2" 20
	expect_end any
	need 'sysfuzz: memory: back to the starting level'
	if ! grep -q -a 'sysfuzz: memory: back' "$b_log"; then
		note "$(grep -a 'sysfuzz: memory:' "$b_log")"
	fi
	test_end

	# The disk: after the calls that made, renamed, truncated and
	# removed files in the scratch directories, and the poweroff's
	# read-only remount, e2fsck finds the file system clean.
	host_test "e2fsck_clean@smp$2" 10
	if [ "$b_end" != poweroff ]; then
		fail_because "the boot did not power off ($b_end_desc):" \
			"the disk was not unmounted"
	elif ! e2fsck -fn "$g_dir/$1.img" >"$g_dir/$1.e2fsck" 2>&1; then
		fail_because "e2fsck -fn finds the disk damaged:" \
			"$(tail -n 15 "$g_dir/$1.e2fsck")"
	fi
	test_end
}

# tools/soak.sh uses the two functions above for its long run.
[ -n "${fuzz_functions_only:-}" ] && return 0

fuzz_boot fuzz_smp1 1 300 1 -s 2 -n 8000
fuzz_grade fuzz_smp1 1

fuzz_boot fuzz_smp4 4 300 3 -s 4 -n 8000
fuzz_grade fuzz_smp4 4
