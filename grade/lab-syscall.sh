# Lab syscall: the file, directory, descriptor, pipe, poll, time and
# information system calls, checked by the user test programs
# (user/tests, docs/usertests.md) running in Kestrel from /tests: the same
# binaries pass on Linux (make test's host suite). Sourced by
# grade/grade.sh; helpers in grade/lib.sh.

run_usertests syscall 240 t_files t_dirs t_fd t_pipe t_fifo t_poll t_efault \
	t_time t_misc t_proc_fs t_dev t_tty t_fuzz t_perm
usertest_pass t_files 10
usertest_pass t_dirs 10
usertest_pass t_fd 10
usertest_pass t_pipe 10
usertest_pass t_fifo 10
usertest_pass t_poll 10
usertest_pass t_efault 10
usertest_pass t_time 5
usertest_pass t_misc 5
usertest_pass t_proc_fs 10
usertest_pass t_dev 5
usertest_pass t_tty 5
# Users and permissions: the id calls' rules, and every file check made
# by root and again by an ordinary user (docs/security.md).
usertest_pass t_perm 10
# Thousands of random system calls with bad arguments from children that
# may wreck themselves: the kernel neither panics nor hangs, and files,
# pipes and fork work afterwards.
usertest_pass t_fuzz 10
