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

# Then the strace tool (user/bin/strace, docs/userland.md) inside
# Kestrel, typed at the shell: the same runs of user/tests/stracee as
# tools/hosttest/strace.sh makes on the Linux host, whose output there
# matches Debian's strace. Here each is compared with what the same
# strace prints on the host for the same program, both normalized by
# tools/hosttest/strace-normalize.awk; what still differs between the
# two kernels must be exactly what grade/strace-kestrel-diffs.txt lists
# (a new difference fails, and so does a listed one that is gone); the
# host's name, descriptor limit and scratch directory are the machine's,
# and left out. Then strace -f on a shell pipeline and strace -p on a
# background job, checked for what they must show.
strace_section()
{
	serial_send "strace $2 -o k.$1 $3; echo BEGIN-$1; cat k.$1; echo END-$1\r" &&
		wait_for -E "^END-$1\$" 120
}
shell_boot strace_tool timeout=400 &&
	serial_send 'cd /tmp && cp /tests/stracee . && echo in-tmp\r' &&
	wait_for -E '^in-tmp$' &&
	strace_section calls '' './stracee calls' &&
	strace_section forksig '-f' './stracee forksig' &&
	strace_section count '-c' './stracee loop 200' &&
	strace_section decode '' './stracee decode' &&
	strace_section pipe '-f' "sh -c '/bin/echo hello | /bin/wc -c'" &&
	serial_send './stracee sleep 3 & strace -o k.attach -p $!; echo BEGIN-attach; cat k.attach; echo END-attach\r' &&
	wait_for -E '^END-attach$' 120 &&
	serial_send 'poweroff\r'
boot_wait

# The host's run of the same command, in a scratch directory like /tmp.
st_host=$g_dir/strace-host
rm -rf "$st_host" && mkdir -p "$st_host" &&
	cp "$BUILD/user/tests/stracee" "$st_host/" || die "strace: no stracee"
st_bin=$(cd "$BUILD/user/bin" && pwd)/strace
st_norm=tools/hosttest/strace-normalize.awk
st_known=grade/strace-kestrel-diffs.txt

# strace_compare NAME OPTIONS PIDS: the section NAME of the log against
# the host's run, normalized (PIDS=1 for -f runs).
strace_compare()
{
	sed -n "/^BEGIN-$1\$/,/^END-$1\$/p" "$b_log" | sed '1d;$d' |
		awk -v vars=1 -v pids="$3" -f "$st_norm" >"$g_dir/strace.$1.kestrel"
	# shellcheck disable=SC2086 # the options are single words
	(cd "$st_host" && "$st_bin" $2 -o "h.$1" ./stracee "$1" \
		>/dev/null 2>&1)
	awk -v vars=1 -v pids="$3" -f "$st_norm" <"$st_host/h.$1" \
		>"$g_dir/strace.$1.host"
	# What is the machine's, not the kernel's: the host's name, its
	# descriptor limit and the directory's name.
	for st_side in host kestrel; do
		sed -e 's/nodename="[^"]*"/nodename=HOST/' -e 's/^getcwd(.*/getcwd(CWD)/' \
			-e 's/(RLIMIT_NOFILE, {[^}]*})/(RLIMIT_NOFILE, LIMITS)/' \
			"$g_dir/strace.$1.$st_side" >"$g_dir/strace.$1.$st_side.tmp" &&
			mv "$g_dir/strace.$1.$st_side.tmp" "$g_dir/strace.$1.$st_side"
	done
	diff "$g_dir/strace.$1.host" "$g_dir/strace.$1.kestrel" |
		grep '^[<>]' | sed "s/^/$1 /" >"$g_dir/strace.$1.diff"
	sed -n "s/^$1 //p" "$st_known" | sed "s/^/$1 /" >"$g_dir/strace.$1.known"
	test_start "strace_$1" 10
	forbid 'KERNEL PANIC'
	need_re "^END-$1\$"
	[ -s "$g_dir/strace.$1.kestrel" ] ||
		fail_because "no trace" "strace printed nothing for stracee $1"
	if ! cmp -s "$g_dir/strace.$1.diff" "$g_dir/strace.$1.known"; then
		fail_because "differs from the host's strace of the same program" \
			"the differences now (< host, > Kestrel) against $st_known:" \
			"$(diff "$g_dir/strace.$1.known" "$g_dir/strace.$1.diff" | head -n 20)"
	fi
	test_end
}
strace_compare calls '' 0
strace_compare forksig '-f' 1
strace_compare decode '' 0

# strace -f on a shell pipeline: three processes, each followed from
# its fork to its exit, the bytes crossing the pipe seen on both sides
# (normalized: unfinished and resumed halves joined, pids P1 P2 P3).
sed -n '/^BEGIN-pipe$/,/^END-pipe$/p' "$b_log" | sed '1d;$d' | tr -d '\r' |
	awk -v pids=1 -v vars=1 -f "$st_norm" >"$g_dir/strace.pipe.kestrel"
test_start strace_pipeline 10
forbid 'KERNEL PANIC'
need_re '^END-pipe$'
for st_re in '^P1 pipe2?\(\[3, 4\]' \
	'^P[23] execve\("/bin/echo", \["/bin/echo", "hello"\].* = 0$' \
	'^P[23] execve\("/bin/wc", \["/bin/wc", "-c"\].* = 0$' \
	'^P[23] writev?\(1, .*"hello".* = 6$' \
	'^P[23] read\(0, "hello\\n", [0-9]+\) = 6$'; do
	grep -q -E "$st_re" "$g_dir/strace.pipe.kestrel" ||
		fail_because "pipeline" "no line matching $st_re in:" \
			"$(head -n 40 "$g_dir/strace.pipe.kestrel")"
done
st_exits=$(grep -c -E '^P[123] \+\+\+ exited with 0 \+\+\+$' \
	"$g_dir/strace.pipe.kestrel")
[ "$st_exits" = 3 ] ||
	fail_because "pipeline exits" "$st_exits processes exited with 0, want 3"
test_end

# strace -p: attached to a background job of the shell (the process $!
# names, which waits for the sleeping stracee), it follows it to its end.
sed -n '/^BEGIN-attach$/,/^END-attach$/p' "$b_log" | sed '1d;$d' |
	tr -d '\r' >"$g_dir/strace.attach.kestrel"
test_start strace_attach 10
forbid 'KERNEL PANIC'
need_re '^END-attach$'
need_re '^(strace: )?Process [0-9]+ attached'
grep -q -E '^exit_group\(0\) += \?$' "$g_dir/strace.attach.kestrel" &&
	grep -q -E '^\+\+\+ exited with 0 \+\+\+$' "$g_dir/strace.attach.kestrel" ||
	fail_because "attach" "the trace does not follow the sleeper to its exit:" \
		"$(cat "$g_dir/strace.attach.kestrel")"
test_end

# strace -c: the table's rows add up to its total line, and the 200
# getppid calls of the loop are all counted.
sed -n '/^BEGIN-count$/,/^END-count$/p' "$b_log" | sed '1d;$d' \
	>"$g_dir/strace.count.kestrel"
test_start strace_count 10
forbid 'KERNEL PANIC'
need_re '^END-count$'
grep -q -E '^ *[0-9.]+ +[0-9.]+ +[0-9]+ +200( +[0-9]+)? +getppid$' \
	"$g_dir/strace.count.kestrel" ||
	fail_because "getppid" "no row with 200 getppid calls:" \
		"$(cat "$g_dir/strace.count.kestrel")"
st_sum=$(awk '/^-/ { next } /total$/ { t = $4; next }
	NF >= 5 && $1 ~ /^[0-9.]+$/ { s += $4 } END { print s " " t }' \
	"$g_dir/strace.count.kestrel")
[ "${st_sum% *}" = "${st_sum#* }" ] ||
	fail_because "totals" "the calls column adds up to ${st_sum% *}," \
		"the total line says ${st_sum#* }"
test_end
