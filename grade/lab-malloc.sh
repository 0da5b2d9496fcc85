# Lab malloc: Kestrel's own malloc (user/lib/malloc, docs/malloc.md),
# which every program in the image links. t_malloc, the same binary that
# passes on Linux (make test's host suite), runs in Kestrel: the API and
# its errno values, random traces against a shadow model, the hardening
# reports, the debug mode, and memory given back to the kernel (VmRSS).
# Then two of its crash cases are run by hand on the console, so the
# report lines themselves are in the log. Sourced by grade/grade.sh;
# helpers in grade/lib.sh.

shell_boot malloc timeout=300 &&
	serial_send '/tests/run-all t_malloc\r' &&
	wait_for -E '^run-all: [0-9]+ passed' 240 &&
	serial_send '/tests/t_malloc crash double-free; echo status $?\r' &&
	wait_for -E '^status [0-9]+$' &&
	serial_send 'KESTREL_MALLOC=debug /tests/t_malloc crash leak\r' &&
	wait_for -E 'still allocated at exit$' &&
	serial_send 'poweroff\r'
boot_wait

# The whole program: every check of every case (its FAIL lines if not).
usertest_pass t_malloc 40

# The report itself, from a program killed by SIGABRT (128 + 6).
test_start double_free_report 10
expect_end any
ordered
need_re '^malloc: double free of 0x[0-9a-f]+ \(size 48\)'
need_re '^status 134$'
forbid 'KERNEL PANIC'
test_end

# The debug mode chosen from the shell's environment lists what is live.
test_start leak_report 10
expect_end any
ordered
need_re '^malloc: leak: 0x[0-9a-f]+ \(size 40\) still allocated at exit'
need_re '^malloc: leak: 0x[0-9a-f]+ \(size 5000\) still allocated at exit'
need 'malloc: 2 blocks (5040 bytes) still allocated at exit'
forbid 'KERNEL PANIC'
test_end
