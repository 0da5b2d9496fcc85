# Lab sched: kernel tasks, the context switch, sleeping and waking.
# Sourced by grade/grade.sh; helpers in grade/lib.sh. The scheduler issue
# adds policies, preemption and SMP to this lab.

# One boot runs the suite; each test's line is graded alone.
boot sched cmdline="ktest=sched"
ktest_pass sched.spawn_exit 10
ktest_pass sched.ping_pong 10
ktest_pass sched.sleeplock_exclusion 10
ktest_pass sched.timed_sleep 5

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
