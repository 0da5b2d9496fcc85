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
# and left out.
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
