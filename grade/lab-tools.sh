# Lab tools: the userland a student reaches for in the first hour, typed
# on the serial console as a student would: the editor driven by its
# keys, the pager, find, xargs, date, df, du, free and the small tools,
# and the options of the older ones (head -c, tail -f, cat -n, grep -r,
# sort -k, wc on several files), and the shell's tab completion. Each tool is also checked against GNU
# on the host (tools/hosttest/user.sh). Sourced by grade/grade.sh;
# helpers in grade/lib.sh; docs/userland.md.

# printf %b (serial_send): \0021 is Ctrl-Q, \0023 Ctrl-S, \0033 Esc.
shell_boot tools timeout=400 &&
	serial_send 'seq 3 5 | tr 0-9 a-j | xargs echo got\r' &&
	wait_for -E '^got d e f$' &&
	serial_send 'echo a:b:c | cut -d : -f 2,3; basename /a/b/c.txt .txt; dirname /a/b/c.txt\r' &&
	wait_for -E '^/a/b$' &&
	serial_send 'date -u -d @0 +epoch-%Y-%m-%dT%H:%M; date +year-%Y\r' &&
	wait_for -E '^year-' &&
	serial_send 'mkdir -p /tmp/t/sub; echo found-me > /tmp/t/sub/f.c; find /tmp/t -name "*.c"\r' &&
	wait_for -E '^/tmp/t/sub/f.c$' &&
	serial_send 'find /tmp/t -type d -maxdepth 1; find /tmp -name f.c -exec cat {} ";"\r' &&
	wait_for -E '^found-me$' &&
	serial_send 'echo hello | tee /tmp/tee.out | wc -c; cat /tmp/tee.out\r' &&
	wait_for -E '^hello$' &&
	serial_send 'echo abc | hexdump -C; echo abc | sha256sum\r' &&
	wait_for -E '  -$' &&
	serial_send 'free; df; du -s /etc; cat /proc/filesystems; which ls\r' &&
	wait_for -E '^/bin/ls$' &&
	serial_send 'head -c 4 /etc/passwd; echo; cat -n /etc/passwd | head -n 1\r' &&
	wait_for -E '^ +1.root' &&
	serial_send 'grep -r -n -i ^ROOT: /etc; grep -c -v -e zzz -e yyy /etc/passwd\r' &&
	wait_for -E '^[0-9]+$' &&
	serial_send 'seq 12 | sort -n -r | head -n 2; echo "b 2
a 10" | sort -k 2 -n\r' &&
	wait_for -E '^a 10$' &&
	serial_send 'wc /etc/passwd /etc/group\r' && wait_for -E ' total$' &&
	serial_send 'mkdir -p /tmp/cmp/beta; echo completed-alpha >/tmp/cmp/alpha.txt\r' &&
	serial_send 'cat /tmp/cmp/al\t\r' && wait_for -E '^completed-alpha$' &&
	serial_send 'sha256\t/tmp/cmp/al\t\r' && wait_for -E '  /tmp/cmp/alpha.txt$' &&
	serial_send 'ls /tmp/cmp/\t' && serial_send '\t' && wait_for 'alpha.txt  beta/' &&
	serial_send '\0025echo listed\r' && wait_for -E '^listed$' &&
	serial_send 'cd /tmp/cm\tbe\t\r' && serial_send 'pwd; cd /\r' &&
	wait_for -E '^/tmp/cmp/beta$' &&
	serial_send 'sh -c "tail -f /tmp/tee.out & sleep 1; echo appended >> /tmp/tee.out; sleep 2; kill \\$!"\r' &&
	wait_for -E '^appended$' &&
	serial_send 'clear; echo cleared\r' && wait_for -E 'cleared$' &&
	serial_send 'ls /bin; ls --color /bin; ls -l -d /etc/passwd /tmp; ls /bin | head -n 2\r' &&
	wait_for -E '^cat$' &&
	serial_send 'seq 60 | more\r' && wait_for '--More--' &&
	serial_send ' ' && wait_for -E '^48$' && wait_for '--More--' &&
	serial_send 'q' && serial_send 'echo pager-done\r' &&
	wait_for -E '^pager-done$' &&
	serial_send 'edit /tmp/e.txt\r' && wait_for 'new file' &&
	serial_send 'hello from the editor\rsecond line' &&
	wait_for 'second line' &&
	serial_send '\0033[A\0033[F!' && wait_for 'editor!' &&
	serial_send '\0033[B\0033[H\0033[3~S' && wait_for 'Second' &&
	serial_send '\0023' && wait_for 'lines, ' &&
	serial_send '\0021' && serial_send 'cat /tmp/e.txt; echo edit-done\r' &&
	wait_for -E '^edit-done$' &&
	serial_send 'poweroff\r'
boot_wait

test_start small_tools 10
expect_exit 1
need_re '^got d e f$'
need_re '^b:c$'
need_re '^c$'
need_re '^/a/b$'
need_re '^epoch-1970-01-01T00:00$'
need_re '^year-20[0-9][0-9]$'
need_re '^hello$'
need_re '^ *6$'
need_re '^/bin/ls$'
test_end

test_start find 10
expect_exit 1
ordered
need_re '^/tmp/t/sub/f.c$'
need_re '^/tmp/t$'
need_re '^/tmp/t/sub$'
need_re '^found-me$'
test_end

test_start hexdump_sha256sum 5
expect_exit 1
need '00000000  61 62 63 0a                                       |abc.|'
need 'edeaaff3f1774ad2888673770c6d64097e391bc362d7d6fb34982ddf0efd18cb  -'
test_end

# free, df and du read the kernel's /proc/meminfo, statfs and st_blocks.
test_start free_df_du 10
expect_exit 1
need_re '^ +total +used +free +shared +buff/cache +available$'
need_re '^Mem: +[1-9][0-9]* +[0-9]+ +[1-9][0-9]*'
need_re '^Filesystem +1K-blocks +Used +Available +Use% +Mounted on$'
need_re '^[^ ]+ +[1-9][0-9]* +[0-9]+ +[0-9]+ +[0-9]+% /$'
need_re '^[1-9][0-9]*	/etc$'
need_re '^nodev	proc$'
need_re '^	ext2$'
test_end

test_start older_tools_options 10
expect_exit 1
need_re '^root$'
need_re '^ +1	root:'
need_re '^/etc/passwd:1:root:'
need_re '^12$'
need_re '^11$'
ordered
need_re '^b 2$'
need_re '^a 10$'
unordered
need_re ' total$'
need_re '^appended$'
test_end

# ls on the terminal: columns (basename, the first name, shares its line
# with others), no colour without --color (GNU's default; the VGA console
# shows no ANSI escapes), with it executables green; into a pipe one name
# a line; -l with
# the names of root's user and group from /etc/passwd and /etc/group.
test_start ls_columns_names 10
expect_exit 1
need_re '^basename +[a-z]+ +[a-z]'
need_re "$(printf '\033')\\[1;32mbasename$(printf '\033')\\[0m +.*$(printf '\033')\\[1;32m"
need_re '^-rw-r--r-- +1 root +root +[0-9]+ .* /etc/passwd$'
need_re '^drwxrwxrwt +[0-9]+ root +root .*/tmp'
ordered
need_re '^basename$'
need_re '^cat$'
test_end

# clear sends ESC [ H ESC [ 2 J; more stops at a screenful (the console
# says 25 rows: 24 lines, then --More--), space shows the next, q quits.
test_start clear_and_more 10
expect_exit 1
need "$(printf '\033[H\033[2J')"
ordered
need_re '^24$'
need '--More--'
need_re '^48$'
need '--More--'
need_re '^pager-done$'
forbid_re '^49$'
test_end

# The shell's tab completion, typed on the serial line: a path completes
# to the only file that fits, a command to the only program, a directory
# gets its '/', and a second Tab lists what is left to choose from.
test_start tab_completion 10
expect_exit 1
ordered
need_re '^completed-alpha$'
need_re '^[0-9a-f]{64}  /tmp/cmp/alpha.txt$'
need 'alpha.txt  beta/'
need_re '^listed$'
need_re '^/tmp/cmp/beta$'
test_end

# The editor in raw mode, driven by keys on the serial line: typed text,
# Enter, arrows, End, Home, Delete, Ctrl-S saves, Ctrl-Q quits; cat then
# shows the file.
test_start editor 15
expect_exit 1
need 'new file'
need '"/tmp/e.txt" 2 lines, 35 bytes written'
ordered
need_re '^hello from the editor!$'
need_re '^Second line$'
need_re '^edit-done$'
test_end
