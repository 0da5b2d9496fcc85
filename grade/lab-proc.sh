# Lab proc: user mode, system calls, loading programs, processes exiting
# and faulting. Sourced by grade/grade.sh; helpers in grade/lib.sh.
# Boots a copy of the root image as / (the tests run /bin/true and
# /bin/false, and write small programs of their own to /tmp).

pr_img=$BUILD/grade/proc/root.img
mkdir -p "$BUILD/grade/proc" && cp "$BUILD/root.img" "$pr_img" ||
	die "no $BUILD/root.img: run make first"

boot proc disk="$pr_img" cmdline="ktest=proc root=vda"
ktest_pass proc.true_and_false 10
ktest_pass proc.faults_kill_only_the_process 10
ktest_pass proc.syscalls 10
ktest_pass proc.not_programs 5

# The fault reports name the process, the fault and the address.
test_start fault_reports 5
need_re '^pid [0-9]+ \(null\): page fault \(#PF\) at rip 0x[0-9a-f]+, rsp 0x[0-9a-f]+, address 0: killed \(signal 11\)$'
need_re '^pid [0-9]+ \(ud2\): invalid opcode \(#UD\) at rip'
need_re '^pid [0-9]+ \(kwrite\): page fault .* address 0xffffffff80000000: killed \(signal 11\)$'
forbid 'KERNEL PANIC'
test_end

# /proc (kernel/fs/procfs/procfs_test.c, docs/procfs.md): the system's files, a
# process's while it runs, and ESRCH and ENOENT once it is reaped; a
# file read in pieces is one snapshot; /proc/interrupts.
boot procfs disk="$pr_img" cmdline="ktest=procfs root=vda"
ktest_pass procfs.system_files 5
ktest_pass procfs.process_files 5
ktest_pass procfs.pieces_are_one_text 5
ktest_pass procfs.interrupts 5

# Processes from user space: fork, exec, wait, orphans, groups and
# sessions, and the process limit, by the user test programs in /tests.
run_usertests user 180 t_proc t_forkbomb
usertest_pass t_proc 20
usertest_pass t_forkbomb 10

# Threads and futexes (user/tests/t_thread.c, t_futex.c; docs/threads.md)
# and CLONE_FS (t_clonefs.c),
# on one CPU and on four, where threads of one process really run at once.
run_usertests threads 700 t_thread t_futex t_clonefs
usertest_pass t_thread 10
usertest_pass t_futex 10
usertest_pass t_clonefs 5
run_usertests threads_smp4 900 smp=4 t_thread t_futex
usertest_pass t_thread 10 t_thread@smp4
usertest_pass t_futex 10 t_futex@smp4

# SMAP and SMEP, on a CPU that has them (-cpu max): the kernel reading a
# user page outside the user-copy routines, or running one, is a kernel
# page fault (a protection violation on a present page), not a success.
crash_test proc.smap_kernel_reads_user 5 cpu=max -- \
	"page fault (#PF), vector 14" "protection violation" \
	frame:ktest_proc_smap_kernel_reads_user
crash_test proc.smep_kernel_runs_user 5 cpu=max -- \
	"page fault (#PF), vector 14" "instruction fetch"

# The user tests that check pointers and processes again on -cpu max,
# with SMAP and SMEP on: every user copy must still work.
run_usertests user_cpu_max 180 cpu=max t_efault t_proc t_signal t_files
usertest_pass t_efault 5 t_efault@cpu_max
usertest_pass t_proc 5 t_proc@cpu_max
usertest_pass t_signal 5 t_signal@cpu_max
usertest_pass t_files 5 t_files@cpu_max
