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
	serial_send 'mkdir -p /tmp/www; seq 1 20000 >/tmp/www/a.txt; seq 3 15000 >/tmp/www/b.txt; mkfifo /tmp/hold /tmp/hold2; echo www-ready\r' &&
	wait_for -E '^www-ready' 120 &&
	serial_send 'httpd -g -p 8080 -n 7 -r /tmp/www &\r' &&
	wait_for 'with green threads' 60 &&
	serial_send 'nc 127.0.0.1 8080 </tmp/hold >/dev/null &\r' &&
	serial_send 'cat /tmp/hold2 >/tmp/hold &\r' &&
	serial_send 'sleep 2; echo idle-open\r' &&
	wait_for -E '^idle-open' 60 &&
	serial_send 'httpget -s -o /tmp/g1 http://127.0.0.1:8080/a.txt 2>/tmp/e1 & g1=$!\r' &&
	serial_send 'httpget -s -o /tmp/g2 http://127.0.0.1:8080/b.txt 2>/tmp/e2 & g2=$!\r' &&
	serial_send 'httpget -s -o /tmp/g3 http://127.0.0.1:8080/a.txt 2>/tmp/e3 & g3=$!\r' &&
	serial_send 'httpget -s -o /tmp/g4 http://127.0.0.1:8080/b.txt 2>/tmp/e4 & g4=$!\r' &&
	serial_send 'httpget -s -o /tmp/g5 http://127.0.0.1:8080/a.txt 2>/tmp/e5 & g5=$!\r' &&
	serial_send 'httpget -s -o /tmp/g6 http://127.0.0.1:8080/b.txt 2>/tmp/e6 & g6=$!\r' &&
	serial_send 'wait $g1 $g2 $g3 $g4 $g5 $g6; cat /tmp/e1 /tmp/e2 /tmp/e3 /tmp/e4 /tmp/e5 /tmp/e6; echo fetches-done\r' &&
	wait_for -E '^fetches-done' 300 &&
	serial_send 'echo bye >/tmp/hold2; wait; echo httpd-green-done\r' &&
	wait_for -E '^httpd-green-done' 120 &&
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
# httpd -g: one process, a green thread per connection, its sockets
# non-blocking and the scheduler waiting in poll(). An idle connection
# (nc reading a fifo nobody writes yet) is opened first; six clients then
# fetch two files at once, and each body must be the file (SHA-256 of the
# same seq output on this host). They can only finish while the idle
# connection waits, which is let go after them; httpd's own count says
# how many connections were open at once.
"$bin/seq" 1 20000 >"$g_dir/www-a.txt"
"$bin/seq" 3 15000 >"$g_dir/www-b.txt"
www_a="$(wc -c <"$g_dir/www-a.txt" | tr -d ' ') bytes sha256 $(sha256sum "$g_dir/www-a.txt" | cut -c1-64)"
www_b="$(wc -c <"$g_dir/www-b.txt" | tr -d ' ') bytes sha256 $(sha256sum "$g_dir/www-b.txt" | cut -c1-64)"
test_start httpd_green_threads 10
expect_exit 1
ordered
need 'httpd: serving /tmp/www on port 8080 with green threads'
for f in a b a b a b; do
	if [ $f = a ]; then
		need "httpget: $www_a"
	else
		need "httpget: $www_b"
	fi
done
need_re '^fetches-done'
need_re '^httpd: 7 connections, at most [2-7] at once'
need_re '^httpd-green-done'
forbid 'KERNEL PANIC'
test_end
