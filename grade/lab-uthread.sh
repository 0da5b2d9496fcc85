# Lab uthread: the green-thread library (user/lib/uthread, docs/uthread.md)
# inside Kestrel. The test program user/tests/t_uthread runs first, and
# each of its cases is a test here; then the ported programs run from the
# shell, and their output must be what the same binaries print on this
# host (ringpc says which device it used; the rest is the same). Sourced
# by grade/grade.sh; helpers in grade/lib.sh.

# ---- the library's own test program -------------------------------------
run_usertests uthread 900 t_uthread

# case_pass CASE POINTS: t_uthread printed "ok CASE".
case_pass()
{
	test_start "$1" "$2"
	expect_end any
	if ! need_re "^ok $1"; then
		note "$(grep -a -E "^FAIL (user/tests/t_uthread|$1)" "$b_log" |
			tail -n 10)"
	fi
	forbid 'KERNEL PANIC'
	test_end
}

# thousands of threads created and joined
case_pass spawn_join_thousands 10
case_pass yield_round_robin 5
case_pass join_detach_and_errors 5
case_pass sleep_wakes_in_deadline_order 5
# what a switch keeps: stack alignment, MXCSR and x87 control, errno
case_pass switch_keeps_fpu_control_and_errno 5
case_pass mutex_excludes 5
case_pass cond_bounded_buffer 5
case_pass semaphore_counts 5
# channel and select semantics
case_pass chan_unbuffered_rendezvous 5
case_pass chan_buffered_and_close 5
case_pass chan_close_wakes_waiters 5
case_pass select_ready_default_and_nil 5
case_pass select_blocks_then_fires_once 5
# a thread blocked on a pipe does not stop the others
case_pass pipe_read_blocks_only_its_thread 10
case_pass all_blocked_waits_in_poll 5
# fairness under preemption: spinners do not starve each other or main
case_pass preemption_stops_spinners 10
case_pass preemption_keeps_the_library_consistent 10
# the stack overflow caught, with its message
case_pass stack_overflow_is_reported 10
case_pass deadlock_is_reported 5
case_pass main_may_exit_first 5
# O_NONBLOCK, set on a shared pipe, is taken off again at exit
case_pass nonblock_taken_off_at_exit 5
usertest_pass t_uthread 5

# ---- the ported programs -------------------------------------------------
# Each prints a line "NAME-status N" after it; the lines before it are
# checked against the host's run of the same binary.
bin=$BUILD/user/bin
"$bin/primes" 30 >"$g_dir/primes.host" 2>&1
"$bin/uthreads" >"$g_dir/uthreads.host" 2>&1
"$bin/pipeserv" 4 >"$g_dir/pipeserv.host" 2>&1
shell_boot demos timeout=600 &&
	serial_send 'primes 30; echo primes-status $?\r' &&
	wait_for -E '^primes-status' 120 &&
	serial_send 'uthreads; echo uthreads-status $?\r' &&
	wait_for -E '^uthreads-status' 120 &&
	serial_send 'ringpc; echo ringpc-status $?\r' &&
	wait_for -E '^ringpc-status' 180 &&
	serial_send 'pipeserv 4; echo pipeserv-status $?\r' &&
	wait_for -E '^pipeserv-status' 120 &&
	serial_send 'poweroff\r'
boot_wait

# demo_test NAME POINTS: the host's lines of NAME, in order, then
# "NAME-status 0".
demo_test()
{
	test_start "$1" "$2"
	expect_exit 1
	ordered
	while IFS= read -r line; do
		need "$line" || break
	done <"$g_dir/$1.host"
	need_re "^$1-status 0"
	forbid 'KERNEL PANIC'
	test_end
}

# the prime sieve: a chain of 30 filter threads joined by channels
demo_test primes 5
# xv6's demo: the same interleaving of three threads, line for line
demo_test uthreads 5
# producer and consumer through /dev/ring0 (64 bytes): every message in
# order, and the third thread ran while the other two waited
test_start ringpc 10
expect_exit 1
ordered
need_re '^ringpc: /dev/ring0, 64 bytes'
need_re '^producer: wrote 1000 messages'
need_re '^consumer: read 1000 messages, in order'
need_re '^ticker: ran while the others waited: yes'
need_re '^ringpc-status 0'
forbid 'KERNEL PANIC'
test_end
# the pipe server: four client processes served at once by one process
demo_test pipeserv 10
