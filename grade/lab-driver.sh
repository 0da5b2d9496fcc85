# Lab driver: character devices, with the ring device (/dev/ring0 ..
# ring3, kernel/drivers/ring.c, docs/drivers.md) as the worked example:
# the buffer logic in the kernel (suite ring), then the device from user
# space (user/tests/t_ring.c: FIFO order, blocking and O_NONBLOCK, poll,
# signals, every ioctl, exact statistics, 4 writers and 4 readers, a
# process killed while blocked), then the shell and ringctl. The boots use
# -smp 4, so readers and writers really run at once on several CPUs.
# Sourced by grade/grade.sh; helpers in grade/lib.sh.

boot ring smp=4 cmdline="ktest=ring"
ktest_pass ring.fifo_across_the_wrap 5
ktest_pass ring.full_and_empty 5
ktest_pass ring.atomic_up_to_capacity 5
ktest_pass ring.capacity_one 5
ktest_pass ring.claims 5
ktest_pass ring.set_capacity_keeps_the_bytes 5
ktest_pass ring.reset 5
ktest_pass ring.devices 5

run_usertests t_ring 600 smp=4 t_ring
usertest_pass t_ring 40

# From the shell: the FIFO with echo and cat, /proc/ring, ringctl and its
# errors, the driver's line in the kernel log, and the classroom demo.
shell_boot shell smp=4 timeout=120 &&
	serial_send 'echo hello > /dev/ring0; cat /dev/ring0; echo cat-done\r' &&
	wait_for -E '^cat-done' &&
	serial_send 'ringctl --stats /dev/ring0\r' &&
	wait_for -E '^  open writers' &&
	serial_send 'echo abc > /dev/ring1; ringctl --capacity 2 /dev/ring1; echo status $?\r' &&
	wait_for -E '^status' &&
	serial_send 'ringctl --capacity 64 /dev/ring1 && ringctl /dev/ring1\r' &&
	wait_for -E '^  open writers' &&
	serial_send 'ringctl --reset /dev/ring1 && cat /proc/ring\r' &&
	wait_for -E '^ring3 ' &&
	serial_send 'ringctl --capacity 0 /dev/ring2; ringctl --stats /dev/null; ringctl --stats /nonexistent\r' &&
	wait_for -E 'nonexistent: No such file' &&
	serial_send 'dmesg | grep ring\r' && wait_for -E '] ring: ' &&
	serial_send 'ringdemo; echo demo-status $?\r' &&
	wait_for -E '^demo-status' 60 &&
	serial_send 'poweroff\r'
boot_wait

test_start echo_and_cat 10
expect_exit 1
ordered
need_re '^hello'
need_re '^cat-done'
forbid 'KERNEL PANIC'
test_end

test_start ringctl 10
expect_exit 1
ordered
need_re '^/dev/ring0:'
need_re '^  capacity +4096'
need_re '^  bytes written +6'
need_re '^  bytes read +6'
need_re '^  reads +1'
need_re '^ringctl: /dev/ring1: capacity 2 \(the bytes stored do not fit\): (Device or resource|Resource) busy'
need_re '^status 1'
need_re '^/dev/ring1:'
need_re '^  capacity +64'
need_re '^  stored +4'
need_re '^ringctl: /dev/ring2: capacity 0 \(1 to 1048576 bytes\): Invalid argument'
need_re '^ringctl: /dev/null: RING_GET_STATS \(not a ring device\?\): (Not a tty|Inappropriate ioctl)'
need_re '^ringctl: /nonexistent: No such file'
test_end

test_start proc_ring 5
expect_exit 1
ordered
need_re '^device capacity stored bytes_written bytes_read writes reads write_waits write_refusals high_water readers writers'
need_re '^ring0 4096 0 6 6 [0-9]+ 1 0 0 6 '
need_re '^ring1 64 0 0 0 0 0 0 0 0 '
need_re '^ring3 4096 0 '
test_end

test_start driver_announces 5
expect_exit 1
need_re '\] chardev: ring0 \(241,0\)'
need_re '\] ring: /dev/ring0-3, 4096 bytes each'
test_end

# ringdemo: the 64-byte ring fills with four messages without a wait;
# then each write sleeps for room once, and the consumer takes a message
# only when the producer sleeps, so every count is the same on every
# run; a non-blocking write to the full ring is refused; the consumer
# gets every message in order and then the end of file.
test_start ringdemo 10
expect_exit 1
ordered
need_re '^producer stored 16/64 +written  16 +read   0 +writer waits 0 '
need_re '^producer stored 64/64 +written  64 +read   0 +writer waits 0 '
need_re '^producer stored 64/64 +written  80 +read  16 +writer waits 1 '
need_re '^producer stored 64/64 +written 192 +read 128 +writer waits 8 '
need_re '^producer: full, and O_NONBLOCK: Resource temporarily unavailable'
need_re '^producer stored 64/64 +written 192 +read 128 +writer waits 8 +refused 1'
need_re '^at end +stored +0/4096 +written 192 +read 192 +writer waits 8 +refused 1'
need_re '^demo-status 0'
again_in_order
for i in 01 02 03 04 05 06 07 08 09 10 11 12; do
	need_re "^consumer got: message $i "
done
need_re '^consumer: end of file'
forbid 'consumer got: filler'
forbid 'KERNEL PANIC'
test_end
