# Lab smp: every CPU running. The banner counts the CPUs at -smp 1, 2, 4
# and 8; the kernel tests check that every CPU runs tasks, that IPIs
# arrive, that a page unmapped on one CPU is unreadable from another (TLB
# shootdown), and that the lock checker reports an inversion and a lock
# held too long; then the user tests and a stress of many processes run
# on -smp 4. Sourced by grade/grade.sh; helpers in grade/lib.sh;
# docs/smp.md explains what is tested.

run_usertests user4 400 smp=4 t_cow t_mmap t_pipe t_proc t_signal t_files
usertest_pass t_cow 5
usertest_pass t_mmap 5
usertest_pass t_pipe 5
usertest_pass t_proc 5
usertest_pass t_signal 5
usertest_pass t_files 5
