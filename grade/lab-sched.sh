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
