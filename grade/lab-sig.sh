# Lab sig: signals. The user test program t_signal checks actions, masks,
# handlers and their frames, restarts, stop and continue, and faults as
# signals; t_rtsig queued real-time signals, sigqueue and sigtimedwait;
# t_ptimer POSIX timers (timer_create...); t_fdsig signalfd, eventfd
# and timerfd;
# then the terminal: ^C ends the shell's foreground job, not the
# shell, and ^Z stops it. Sourced by grade/grade.sh; helpers in
# grade/lib.sh.

run_usertests user 300 t_signal t_rtsig t_ptimer t_fdsig
usertest_pass t_signal 20
usertest_pass t_rtsig 10
usertest_pass t_ptimer 10
usertest_pass t_fdsig 10

# ^C (0x03) on the serial console: the line discipline sends SIGINT to
# the foreground process group; sleep dies of it, the shell stays.
shell_boot ctrl_c timeout=60 &&
	serial_send 'sleep 30; echo after-status $?\r' && sleep 2 &&
	serial_send '\003' && wait_for 'after-status 130' &&
	serial_send 'echo still-here\r' && wait_for -E '^still-here' &&
	serial_send 'poweroff\r'
boot_wait
test_start ctrl_c 10
expect_exit 1
ordered
need 'after-status 130'
need_re '^still-here'
forbid 'KERNEL PANIC'
test_end

# ^Z (0x1a): the tty sends SIGTSTP to the foreground group; the shell's
# job control (docs/sh.md) reports the job stopped, the rest of the
# list runs on with status 148 (128 + SIGTSTP, as bash), and fg
# continues the stopped sleep to its end.
shell_boot ctrl_z timeout=60 &&
	serial_send 'sleep 2; echo after-z $?\r' && sleep 1 &&
	serial_send '\032' && wait_for 'after-z 148' &&
	serial_send 'jobs; fg; echo after-fg $?\r' && wait_for 'after-fg 0' &&
	serial_send 'poweroff\r'
boot_wait
test_start ctrl_z 5
expect_exit 1
ordered
need_re 'Stopped +sleep 2'
need 'after-z 148'
need_re 'Stopped +sleep 2'
need 'after-fg 0'
forbid 'KERNEL PANIC'
test_end
