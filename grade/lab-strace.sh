# Lab strace: process tracing (issue 13). The kernel's ptrace first: the
# user test program t_ptrace (docs/ptrace.md) makes every request with
# good and bad arguments, meets each kind of stop with Linux's wait
# status, denies a call by changing its number, checks SETREGS against
# kernel segments and bad addresses, watches forks, execs and exits, and
# outlives a tracer that dies. It runs on one CPU and on four, where
# tracer and tracee run on different CPUs. Sourced by grade/grade.sh;
# helpers in grade/lib.sh.

run_usertests ptrace_smp1 150 smp=1 t_ptrace
usertest_pass t_ptrace 20 t_ptrace@smp1

run_usertests ptrace_smp4 150 smp=4 t_ptrace
usertest_pass t_ptrace 20 t_ptrace@smp4
