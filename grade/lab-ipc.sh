# Lab ipc: what processes share beyond pipes: advisory file locks
# (fcntl's record locks, OFD locks, flock), tmpfs on /dev/shm, and System
# V IPC with its permission checks (t_ipcperm, as root and as a user).
# The user test programs run at the shell, on one CPU and on four
# (where the waiters of a lock really race). docs/ipc.md. Sourced by
# grade/grade.sh; helpers in grade/lib.sh.

run_usertests ipc 300 t_lock t_tmpfs t_sysvipc t_ipcperm
usertest_pass t_lock 20
usertest_pass t_tmpfs 20
usertest_pass t_sysvipc 20
usertest_pass t_ipcperm 10
run_usertests ipc_smp4 300 smp=4 t_lock t_tmpfs t_sysvipc
usertest_pass t_lock 10 t_lock@smp4
usertest_pass t_tmpfs 10 t_tmpfs@smp4
usertest_pass t_sysvipc 10 t_sysvipc@smp4
