# Lab sched: kernel tasks, the context switch, sleeping and waking, the
# scheduling classes and preemption, and the tools that show them.
# Sourced by grade/grade.sh; helpers in grade/lib.sh; docs/sched.md.

# One boot runs the suite; each test's line is graded alone.
boot sched cmdline="ktest=sched"
ktest_pass sched.spawn_exit 10
ktest_pass sched.ping_pong 10
ktest_pass sched.sleeplock_exclusion 10
ktest_pass sched.timed_sleep 5
ktest_pass sched.kernel_code_is_preempted 5
# The classes and their tree, on a run queue of the test's own.
ktest_pass sched.rbtree_rules 5
ktest_pass sched.fair_order_and_weights 5
ktest_pass sched.fair_placement 5
ktest_pass sched.rt_priority_order 5
ktest_pass sched.rr_fifo_order 5

# Sleeping while holding a spinlock is a kernel bug the scheduler reports.
crash_test sched.sleep_holding_spinlock 5 -- \
	"switches with a spinlock held besides the sched lock" \
	frame:ktest_sched_sleep_holding_spinlock

# A task's stack has an unmapped guard page below it, like the boot
# stack: running off it is reported, not a silent heap overwrite.
crash_test sched.task_stack_overflow 10 -- \
	"double fault (#DF), vector 8" "kernel stack overflow" \
	frame:task_stack_recurse

# Policies, from user space (user/tests/t_sched.c): the scheduling calls,
# fairness among equals and by nice weight, SCHED_FIFO before every
# normal task, wakeup latency under load, no starvation, affinity. Under
# the default fair class, then again with round robin for normal tasks.
run_usertests user 180 t_sched
usertest_pass t_sched 30

shell_boot user_rr timeout=180 stall=60 cmdline="root=vda sched=rr" &&
	serial_send "/tests/run-all t_sched; poweroff\r"
boot_wait
usertest_pass t_sched 10 t_sched@rr

# The tools, typed at the shell, on two CPUs whatever GRADE_SMP says:
# schedviz's summary names what runs, the switches per second and a
# timeline, and names the nice 19 spinner as starving beside a nice -5
# one on CPU 0 (weights 15 and 3121: it runs a 10 ms tick about every
# 2 s); a nice 0 spinner keeps CPU 1 busy. top puts the nice -5 spinner
# first (the nice 19 one, at about 0%, comes after the sleepers), and
# shows the CPU each spinner is kept on.
shell_boot tools smp=2 timeout=240 &&
	serial_send 'spin -c 0 -n -5 600 > /dev/null & spin -c 0 -n 19 600 > /dev/null & spin -c 1 600 > /dev/null &\r' &&
	serial_send 'schedviz -s 4 -t 1000\r' &&
	wait_for -E '^starving: ' 60 &&
	serial_send 'top -n 1 -d 1 | cat; echo top-done\r' &&
	wait_for -E '^top-done' 60 &&
	serial_send 'poweroff\r'
boot_wait

test_start schedviz_summary 10
expect_exit 1
ordered
need_re '^schedviz: [0-9]+\.[0-9] s, policy fair, 2 CPUs$'
need_re '^CPU0: now [^ ]+\(-?[0-9]+\), [0-9.]+ switches/s, run queue '
need_re '^CPU0: [^ ]+\([0-9-]+\)( -> [^ ]+\([0-9-]+\))+'
need_re '^starving: spin\([0-9]+\) runnable, not run for [0-9]+ ms$'
forbid 'KERNEL PANIC'
test_end

test_start top_sorted 5
expect_exit 1
ordered
need_re '^ +PID S +NI CPU +%CPU +TIME +COMMAND'
need_re '^ +[0-9]+ R +-5 +0 +[0-9.]+ +[0-9.]+s +spin$'
need_re '^ +[0-9]+ R +19 +0 +[0-9.]+ +[0-9.]+s +spin$'
forbid 'KERNEL PANIC'
test_end

test_start top_cpu_column 5
expect_exit 1
need_re '^ +[0-9]+ R +0 +1 +[0-9.]+ +[0-9.]+s +spin$'
forbid 'KERNEL PANIC'
test_end
