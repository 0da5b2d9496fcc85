# Lab smp: every CPU running. The banner counts the CPUs at -smp 1, 2, 4
# and 8 (and smp.max= limits them); the kernel tests check that every CPU
# runs tasks, that IPIs arrive, that a page unmapped on one CPU is
# unreadable from another (TLB shootdown), and that the lock checker
# reports an inversion and a lock held too long; then the user tests and
# a stress of many processes run on -smp 4. Sourced by grade/grade.sh;
# helpers in grade/lib.sh; docs/smp.md explains what is tested.

for n in 1 2 4 8; do
	s=s
	[ $n -eq 1 ] && s=
	boot cpus$n smp=$n cmdline="ktest=boot" timeout=120
	test_start cpus$n 3
	expect_exit 1
	need "$n CPU$s found, $n running"
	need_re "ktest: [0-9]+ passed, 0 failed"
	forbid 'KERNEL PANIC'
	test_end
done

boot smp_max smp=4 cmdline="ktest=boot smp.max=2"
test_start smp_max 2
expect_exit 1
need "4 CPUs found, 2 running"
test_end

# One boot runs the suite on four CPUs; each test's line is graded alone.
boot smp smp=4 cmdline="ktest=smp" timeout=120
ktest_pass smp.every_cpu_runs_a_task 5
ktest_pass smp.ipis_arrive 5
ktest_pass smp.tlb_shootdown 10
ktest_pass smp.lock_held_too_long 5

# A crash test written out: the checker's report (both places) comes
# before the panic it ends in.
boot lock_order_inversion smp=2 cmdline="ktest=smp.lock_order_inversion lockdep=1"
test_start smp.lock_order_inversion 10
expect_end panic
expect_exit 5
ordered
need "ktest: smp.lock_order_inversion: RUN (expecting a fault report)"
need "lockdep: lock order inversion"
need_re '"smp test B" held, taken at take_b_then_a'
need_re '"smp test A" taken at take_b_then_a'
need_re '"smp test A" held, taken at take_a_then_b'
need_re '"smp test B" taken at take_a_then_b'
need 'KERNEL PANIC: lockdep: lock order inversion'
need_frame take_b_then_a
test_end

# The scheduler's own tests, on four CPUs.
boot sched4 smp=4 cmdline="ktest=sched"
ktest_pass sched.spawn_exit 2 sched4.spawn_exit
ktest_pass sched.ping_pong 2 sched4.ping_pong
ktest_pass sched.sleeplock_exclusion 2 sched4.sleeplock_exclusion
ktest_pass sched.timed_sleep 2 sched4.timed_sleep
ktest_pass sched.kernel_code_is_preempted 2 sched4.kernel_code_is_preempted

run_usertests user4 400 smp=4 t_cow t_mmap t_pipe t_proc t_signal t_files \
	t_stress
usertest_pass t_cow 3
usertest_pass t_mmap 3
usertest_pass t_pipe 3
usertest_pass t_proc 3
usertest_pass t_signal 3
usertest_pass t_files 3
usertest_pass t_stress 15
