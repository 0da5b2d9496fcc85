# Lab files: the file system calls, pipes and poll/select, through the
# user test programs (user/tests, docs/files.md) run by the shell from a
# copy of the root image. Sourced by grade/grade.sh; helpers in
# grade/lib.sh. Each program prints "NAME: N passed, M failed" and
# run-all "run-all: PASS NAME"; a test here is one program.

fl_img=$BUILD/grade/files/root.img
mkdir -p "$BUILD/grade/files" && cp "$BUILD/root.img" "$fl_img" ||
	die "no $BUILD/root.img: run make first"
fl_progs="t_files t_dirs t_fd t_pipe t_poll t_efault"

boot_start run_all serial_input disk="$fl_img" cmdline="root=vda" timeout=240
wait_for -E '^\$ ' 30
serial_send "/tests/run-all $fl_progs\r"
wait_for -E '^run-all: [0-9]+ passed, [0-9]+ failed$' 200
serial_send 'poweroff\r'
boot_wait

for fl_p in $fl_progs; do
	test_start "$fl_p" 10
	need_re "^$fl_p: [1-9][0-9]* passed, 0 failed\$"
	need_re "^run-all: PASS $fl_p\$"
	forbid 'KERNEL PANIC'
	test_end
done
