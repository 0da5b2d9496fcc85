# Lab boot: the kernel comes up, reports the machine it found, and talks
# on both consoles. Sourced by grade/grade.sh; helpers in grade/lib.sh.

# The banner, in order, then the boot suite's own check.
boot banner mem=512M cmdline="ktest=boot"
test_start banner 10
ordered
need_re '^Kestrel [0-9]+\.[0-9]+\.[0-9]+ \(x86_64\)$'
need_re '^cpu: .+, [0-9]+ CPUs? found, [1-9][0-9]* running$'
need_re '^memory: [0-9]+ KiB available \([0-9]+ MiB\)$'
need_re '^kestrel: ready in [0-9]+(\.[0-9]+)? ms$'
unordered
need_re '^ktest: boot\.ready: PASS( |$)'
test_end

# What the boot read from the firmware: memory map, ACPI, command line.
for t in memory_map acpi cmdline; do
	ktest_pass "boot.$t" 5
done

# memory_test MIB: the "memory:" line of the last boot is within 2% of
# the MIB MiB QEMU was given.
memory_test()
{
	test_start "memory_$2" 5
	if need_re '^memory: [0-9]+ KiB available'; then
		_kib=$(sed -n 's/^memory: \([0-9][0-9]*\) KiB available.*/\1/p' \
			"$b_log" | head -n 1)
		_want=$(($1 * 1024))
		_diff=$((_want - _kib))
		[ "$_diff" -ge 0 ] || _diff=$((-_diff))
		if [ $((_diff * 50)) -gt "$_want" ]; then
			fail_because "wrong memory size" "expected about" \
				"$_want KiB (within 2%), the kernel found $_kib KiB"
		fi
	fi
	test_end
}

memory_test 512 512M
for m in 128:128M 1024:1G 4096:4G; do
	boot "memory_${m#*:}" mem="${m#*:}" cmdline="ktest=boot"
	memory_test "${m%:*}" "${m#*:}"
done

# Every test the kernel has (but the crash tests), on the newest CPU model
# TCG offers, with (a copy of) the root image, whose programs the proc
# tests run.
mkdir -p "$BUILD/grade/boot" && cp "$BUILD/root.img" "$BUILD/grade/boot/all.img" ||
	die "no $BUILD/root.img: run make first"
boot cpu_max cpu=max mem=512M disk="$BUILD/grade/boot/all.img" \
	cmdline="ktest=all root=vda" timeout=120
test_start cpu_max 10
expect_exit 1
need_re '^ktest: [1-9][0-9]* passed, 0 failed$'
forbid_re '^ktest: [^ ]+: FAIL'
test_end

# The monitor reads the serial port.
boot_start serial_input serial_input
wait_for 'K> '
serial_send 'echo hello from serial\r'
wait_for -E '^hello from serial$'
wait_for 'K> '
serial_send 'poweroff\r'
boot_wait
test_start serial_input 10
expect_exit 1
need_re '^hello from serial$'
test_end

# The root file system: make's root image (a copy) mounted at / from
# vda, read and written at the kernel monitor (init=none keeps /bin/init
# from starting; the shell's own tests are in the sh lab); the monitor's
# poweroff syncs and unmounts, so e2fsck on the host finds the disk clean
# and the file there.
rd_dir=$BUILD/grade/boot
rd_img=$rd_dir/root.img
mkdir -p "$rd_dir" && cp "$BUILD/root.img" "$rd_img" ||
	die "no $BUILD/root.img: run make first"
boot_start root_disk serial_input disk="$rd_img" cmdline="root=vda init=none"
wait_for 'K> '
serial_send 'cat /etc/motd\r'
wait_for 'K> '
serial_send 'write /tmp/graded.txt written by the grader\r'
wait_for 'K> '
serial_send 'cat /tmp/graded.txt\r'
wait_for -E '^written by the grader$'
wait_for 'K> '
serial_send 'poweroff\r'
boot_wait
test_start root_disk 10
expect_exit 1
ordered
need 'root: ext2 on vda'
need_re '^Welcome to Kestrel'
need_re '^written by the grader$'
need 'ext2: vda: unmounted'
unordered
if ! e2fsck -fn "$rd_img" >"$rd_dir/root.e2fsck" 2>&1; then
	fail_because "e2fsck -fn finds the root disk damaged:" \
		"$(tail -n 15 "$rd_dir/root.e2fsck")"
elif [ "$(debugfs -R 'cat /tmp/graded.txt' "$rd_img" 2>/dev/null)" != \
	"written by the grader" ]; then
	fail_because "the file written in the guest is not on the disk" \
		"(debugfs -R 'cat /tmp/graded.txt' $rd_img)"
fi
test_end

# ... and the PS/2 keyboard: shift, and ctrl-u erasing the line.
boot_start keyboard_input monitor
wait_for 'K> '
type_keys 'echo Hi'
key ret
wait_for -E '^Hi$'
wait_for 'K> '
type_keys xyz
key ctrl-u
type_keys 'echo ok'
key ret
wait_for -E '^ok$'
wait_for 'K> '
type_keys poweroff
key ret
boot_wait
test_start keyboard_input 10
expect_exit 1
need_re '^Hi$'
need_re '^ok$'
forbid xyzecho
test_end

# The kernel library: spinlocks keep interrupts off while held and catch
# misuse (a recursive acquire, a release by a CPU that does not hold it)
# with a panic; per-CPU data through %gs; the command-line parser.
boot lib cmdline="ktest=lib"
for t in spinlock_irq percpu cmdline; do
	ktest_pass "lib.$t" 5
done
crash_test lib.spinlock_recursive 5 -- \
	"spin_lock: test already held by this CPU" frame:ktest_lib_spinlock_recursive
crash_test lib.spinlock_unlock_unheld 5 -- \
	"spin_unlock: test not held by this CPU" frame:ktest_lib_spinlock_unlock_unheld
