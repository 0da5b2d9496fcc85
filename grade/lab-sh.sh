# Lab sh: the first screen, the shell and the coreutils in Kestrel, typed
# on the serial console as a student would; and a program built outside
# Kestrel's tree with stock musl, whose output inside Kestrel must be the
# host's. Sourced by grade/grade.sh; helpers in grade/lib.sh.

# ---- the first screen and the shell -------------------------------------
shell_boot shell timeout=240 &&
	serial_send 'ls /bin | cat\r' && wait_for -E '^uptime' &&
	serial_send 'echo one two three | wc -w\r' && wait_for -E '^ *3$' &&
	serial_send 'echo abc > /tmp/f; echo def >> /tmp/f; cat < /tmp/f\r' &&
	wait_for -E '^def$' &&
	serial_send 'ls /nonexistent 2> /tmp/err; cat /tmp/err\r' &&
	wait_for -E '^ls: .*nonexistent' &&
	serial_send 'ls /nonexistent > /tmp/both 2>&1; wc -l < /tmp/both\r' &&
	wait_for -E '^ *1$' &&
	serial_send 'false && echo no || echo or-works\r' &&
	wait_for -E '^or-works$' &&
	serial_send 'true; echo status $?; false; echo status $?\r' &&
	wait_for -E '^status 1$' &&
	serial_send 'X=42; export X; sh -c "echo x is \\$X"\r' &&
	wait_for -E '^x is 42$' &&
	serial_send 'sleep 1 & wait; echo waited\r' && wait_for -E '^waited$' &&
	serial_send 'cd /tmp; pwd\r' && wait_for -E '^/tmp$' &&
	serial_send "echo 'echo script-arg \$1 # a comment' > s.sh; sh s.sh A1\r" &&
	wait_for -E '^script-arg A1$' &&
	serial_send 'cat /etc/motd | grep Kestrel | wc -l\r' &&
	wait_for -E '^ *1$' &&
	serial_send 'nosuchcommand; echo missing $?\r' &&
	wait_for -E '^missing 127$' &&
	serial_send 'ps\r' && wait_for -E '^root +[0-9]+ +[0-9]+ R ps' &&
	serial_send 'ps -T\r' && wait_for -E '^root +[0-9]+ +[0-9]+ +[0-9]+ R ps -T$' &&
	serial_send 'su student -c ps\r' && wait_for -E '^student +[0-9]+ +[0-9]+ R ps$' &&
	serial_send 'su student\r' && wait_for -E '^/tmp \$ $' &&
	serial_send 'whoami; exit\r' && wait_for -E '^/tmp # $' &&
	serial_send '/tests/t_oom > /dev/null; echo oom-status $?\r' &&
	wait_for -E '^oom-status [0-9]+$' 120 &&
	serial_send 'echo still answering\r' &&
	wait_for -E '^still answering$' &&
	serial_send 'exit\r' && wait_for '$ ' &&
	serial_send 'poweroff\r'
boot_wait

test_start first_screen 10
expect_exit 1
ordered
need_re '^Kestrel [0-9]'
need_re '^Welcome to Kestrel'
need '/ # '
forbid 'KERNEL PANIC'
test_end

test_start ls_bin 5
expect_exit 1
for p in cat echo grep init ls mem ps sh sleep sort wc; do
	need_re "^$p\$"
done
test_end

test_start pipes_and_redirections 10
expect_exit 1
need_re '^ *3$'
need_re '^abc$'
need_re '^def$'
need_re 'nonexistent'
test_end

test_start lists_and_status 10
expect_exit 1
need_re '^or-works$'
need_re '^status 0$'
need_re '^status 1$'
need_re '^missing 127$'
forbid_re '^no$'
test_end

test_start variables_scripts_cd 10
expect_exit 1
need_re '^x is 42$'
need_re '^waited$'
need_re '^/tmp$'
need '/tmp # '
need_re '^script-arg A1$'
test_end

# A program that allocates until memory runs out is killed (its own
# checks pass: status 0), and the shell goes on answering.
test_start oom_then_shell_answers 5
expect_exit 1
ordered
need 'out of memory'
need_re '^oom-status 0$'
need_re '^still answering$'
forbid 'KERNEL PANIC'
test_end

# exit leaves the console's shell; init starts a new one, and poweroff
# ends every process, remounts / read-only (written back, marked clean)
# and powers off: e2fsck on the host finds the disk clean, with the
# shell's file in it.
test_start exit_respawn_poweroff 10
expect_exit 1
ordered
need_re '^root +[0-9]+ +[0-9]+ R ps'
need_re '^USER +PID +TID +PPID S COMMAND$'
need_re '^root +([0-9]+) +\1 +[0-9]+ R ps -T$'
need_re '^student +[0-9]+ +[0-9]+ R ps$'
need_re '^/tmp \$ whoami; exit$'
need_re '^student$'
need_re '^/tmp # '
need 'ext2: vda: remounted read-only'
if ! e2fsck -fn "$g_dir/shell.img" >"$g_dir/shell.e2fsck" 2>&1; then
	fail_because "e2fsck -fn finds the disk damaged:" \
		"$(tail -n 15 "$g_dir/shell.e2fsck")"
fi
if [ "$(debugfs -R 'cat /tmp/f' "$g_dir/shell.img" 2>/dev/null)" != "abc
def" ]; then
	fail_because "/tmp/f on the disk is not the two lines the shell wrote"
fi
test_end

# ---- scripts: Kestrel's sh against the host's dash ----------------------
# Each script of user/tests/sh/ (installed as /tests/sh) runs under
# Kestrel's sh in /tmp with the arguments a1 and "b 2"; its output,
# stdout and stderr and then "status N", must be what dash gives on this
# host for the same script (tools/hosttest/sh.sh also checks bash --posix
# and Kestrel's sh built for Linux).
sc_img=$(root_copy scripts)
boot_start scripts serial_input disk="$sc_img" cmdline="root=vda" \
	timeout=300 stall=120 && wait_for '$ ' 30 &&
	serial_send 'cd /tmp; for t in /tests/sh/*.sh; do n=${t##*/}; sh $t a1 "b 2" >${n%.sh}.out 2>&1; echo "status $?" >>${n%.sh}.out; done; echo scripts-ran\r' &&
	wait_for -E '^scripts-ran$' 240 &&
	serial_send 'poweroff\r'
boot_wait
sc_tmp=$g_dir/scripts.host
sc_top=$(pwd)
mkdir -p "$sc_tmp"
for sc_script in user/tests/sh/*.sh; do
	sc_name=$(basename "$sc_script" .sh)
	test_start "script_$sc_name" 4
	expect_exit 1
	need_re '^scripts-ran$'
	forbid 'KERNEL PANIC'
	(cd "$sc_tmp" && dash "$sc_top/$sc_script" a1 'b 2' >"$sc_name.want" 2>&1
		echo "status $?" >>"$sc_name.want")
	debugfs -R "cat /tmp/$sc_name.out" "$sc_img" >"$sc_tmp/$sc_name.got" \
		2>/dev/null
	if ! cmp -s "$sc_tmp/$sc_name.want" "$sc_tmp/$sc_name.got"; then
		fail_because "/tmp/$sc_name.out differs from dash's output:" \
			"$(diff "$sc_tmp/$sc_name.want" "$sc_tmp/$sc_name.got" |
				head -n 20)"
	fi
	test_end
done

# ---- job control on the console ----------------------------------------
# ^Z (\032) stops the foreground job and the shell answers; jobs lists it,
# bg resumes it in the background, fg brings it back and ^C (\003) then
# reaches it and not the shell; a stopped pipeline resumes as a whole and
# reads the terminal again; a background job killed by SIGTERM is
# collected by wait with status 143.
shell_boot jobs timeout=120 &&
	serial_send 'sleep 100\r' && sleep 2 && serial_send '\032' &&
	wait_for -E '^\[1\] Stopped +sleep 100$' &&
	serial_send 'jobs\r' && wait_for -E '^\[1\]\+ Stopped +sleep 100$' &&
	serial_send 'bg\r' && wait_for -E '^\[1\] sleep 100 &$' &&
	serial_send 'jobs\r' && wait_for -E '^\[1\]\+ Running +sleep 100$' &&
	serial_send 'fg %1\r' && wait_for -E '^sleep 100$' && sleep 1 &&
	serial_send '\003' && wait_for '$ ' &&
	serial_send 'echo fg-status $?\r' && wait_for -E '^fg-status 130$' &&
	serial_send 'cat | tr a-z A-Z\r' && sleep 2 && serial_send '\032' &&
	wait_for -E 'Stopped +cat \| tr a-z A-Z$' &&
	serial_send 'fg\r' && wait_for -E '^cat \| tr a-z A-Z$' &&
	serial_send 'resumed pipeline\r' && wait_for -E '^RESUMED PIPELINE$' &&
	serial_send '\004' && wait_for '$ ' &&
	serial_send 'echo pipe-status $?\r' && wait_for -E '^pipe-status 0$' &&
	serial_send 'sleep 100 & kill $!; wait $!; echo killed $?\r' &&
	wait_for -E '^killed 143$' &&
	serial_send 'jobs; echo no-jobs-left\r' && wait_for -E '^no-jobs-left$' &&
	serial_send 'poweroff\r'
boot_wait
test_start job_control 10
expect_exit 1
ordered
need_re '^\[1\] Stopped +sleep 100$'
need_re '^\[1\]\+ Stopped +sleep 100$'
need_re '^\[1\] sleep 100 &$'
need_re '^\[1\]\+ Running +sleep 100$'
need_re '^fg-status 130$'
need_re 'Stopped +cat \| tr a-z A-Z$'
need_re '^RESUMED PIPELINE$'
need_re '^pipe-status 0$'
need_re '^killed 143$'
need_re '^no-jobs-left$'
forbid 'KERNEL PANIC'
test_end

# ---- a program from outside the tree -------------------------------------
out_c=grade/progs/outside.c
out_bin=$g_dir/outside
out_img=$(root_copy outside)
if musl-gcc -static -O2 -o "$out_bin" "$out_c" 2>"$g_dir/outside.cc" &&
	OUTSIDE_VAR=from-the-grader "$out_bin" graded >"$g_dir/outside.host" &&
	debugfs -w -R "write $out_bin /outside" "$out_img" \
		>"$g_dir/outside.debugfs" 2>&1; then
	boot_start outside serial_input disk="$out_img" cmdline="root=vda" \
		timeout=60 && wait_for '$ ' 30 &&
		serial_send 'OUTSIDE_VAR=from-the-grader /outside graded; poweroff\r'
	boot_wait
	test_start outside_program 15
	expect_exit 1
	ordered
	while IFS= read -r line; do
		need "$line"
	done <"$g_dir/outside.host"
	forbid 'KERNEL PANIC'
	test_end
else
	host_test outside_program 15
	fail_because "could not build or install grade/progs/outside.c:" \
		"$(cat "$g_dir/outside.cc" "$g_dir/outside.debugfs" 2>/dev/null)"
	test_end
fi

# ---- the VGA screen and the keyboard -------------------------------------
# The console is both COM1 and VGA + keyboard: the banner and the prompt
# are on the screen, and a command typed on the PS/2 keyboard runs and
# shows there (the screen is read from guest memory, 0xb8000).
boot_start vga monitor disk="$(root_copy vga)" cmdline="root=vda" \
	timeout=90 stall=60 && wait_for '$ ' 30 &&
	type_keys 'echo typed on the keyboard' && key ret &&
	wait_for -E '^typed on the keyboard$' && sleep 1 &&
	vga_screen >"$g_dir/vga.screen" &&
	type_keys poweroff && key ret
boot_wait
test_start vga_keyboard 10
expect_exit 1
need_re '^typed on the keyboard$'
for want in 'Kestrel [0-9]' 'Welcome to Kestrel' '/ # echo typed on the keyboard$' \
	'^typed on the keyboard$'; do
	grep -q -E "$want" "$g_dir/vga.screen" ||
		fail_because "the VGA screen lacks /$want/; it shows:" \
			"$(sed 's/^/  | /' "$g_dir/vga.screen")"
done
test_end
