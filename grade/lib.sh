# grade/lib.sh: the grader's shared helpers. POSIX sh (runs under dash);
# sourced by grade/grade.sh before the lab scripts, and by tools/bench.sh
# and tools/screenshot.sh for their QEMU handling. docs/grading.md has the
# whole story; in short, a lab boots the kernel and grades its serial log:
#
#	boot mm mem=512M cmdline="ktest=mm"	# one boot, runs to its end
#	ktest_pass mm.frames_all 10		# one graded ktest line
#
#	test_start trap.divide_error 5		# a test with its own checks
#	expect_crash trap.divide_error
#	need "divide error (#DE), vector 0"
#	need_frame ktest_trap_divide_error
#	test_end
#
# While QEMU runs, the helpers watch for its end: the kernel's power-off,
# a kernel panic (given a moment to finish its report), a triple fault, a
# stall (no new serial output for a while) and the time limit. QEMU is
# always stopped, also when the grader itself is interrupted.
#
# Shell variables: b_* describe the current boot, t_* the current test,
# g_* the whole run; names starting with _ are scratch.

: "${BUILD:=build}"
: "${QEMU:=qemu-system-x86_64}"
: "${GRADE_TIME_SCALE:=1}"

g_iso=$BUILD/kestrel.iso
g_dir=$BUILD/grade
g_lab=
g_passed=0
g_failed=0
g_points=0
g_total=0
g_labs_summary=
# GRADE_FORMAT=json: the results also go to $GRADE_JSON (default
# $BUILD/grade/results.json) in Gradescope's autograder format; each
# test's record is kept in g_json_parts until grade_summary joins them.
g_json_parts=
if [ "${GRADE_FORMAT:-text}" = json ]; then
	: "${GRADE_JSON:=$BUILD/grade/results.json}"
	g_json_parts=$BUILD/grade/.results.parts
	mkdir -p "$BUILD/grade" && : >"$g_json_parts"
fi

b_running=
b_name=
b_end=

die()
{
	echo "grade: $*" >&2
	exit 2
}

# ---- time ---------------------------------------------------------------

# Milliseconds since the epoch (GNU date's %N; dash arithmetic is 64-bit).
now_ms()
{
	_ns=$(date +%s%N)
	echo $((_ns / 1000000))
}

# The grader's clock, in milliseconds, for every limit it enforces (time
# limits, stalls, wait_for). A busy host gives QEMU less CPU than an idle
# one, so a wall-clock limit would turn load into failures. Each poll
# advances this clock by the wall time since the last one, times the
# share of a CPU each runnable task gets now: ncpu / (tasks runnable,
# from /proc/loadavg, not counting the grader), at most 1, at least
# 1/CLOCK_MAX_SLOWDOWN (so a hang on a swamped host still ends). On an
# idle host it is the wall clock; with a parallel build beside the
# tests it runs at about the speed QEMU does.
CLOCK_MAX_SLOWDOWN=20
g_ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
g_clock=0
g_clock_wall=

clock_tick()
{
	_cw=$(now_ms)
	if [ -n "$g_clock_wall" ]; then
		_cdt=$((_cw - g_clock_wall))
		_crun=$g_ncpu
		if read -r _c1 _c2 _c3 _crt _c4 </proc/loadavg 2>/dev/null; then
			_crun=$((${_crt%/*} - 1))
		fi
		[ "$_crun" -gt $((g_ncpu * CLOCK_MAX_SLOWDOWN)) ] &&
			_crun=$((g_ncpu * CLOCK_MAX_SLOWDOWN))
		[ "$_crun" -gt "$g_ncpu" ] && _cdt=$((_cdt * g_ncpu / _crun))
		g_clock=$((g_clock + _cdt))
	fi
	g_clock_wall=$_cw
}

# scale_ms SECONDS: a time limit in milliseconds, times GRADE_TIME_SCALE.
scale_ms()
{
	awk -v s="$1" -v f="$GRADE_TIME_SCALE" \
		'BEGIN { printf "%d\n", s * f * 1000 }'
}

# "1.5 s" from milliseconds.
fmt_s()
{
	echo "$(($1 / 1000)).$(($1 % 1000 / 100)) s"
}

check_time_scale()
{
	case $GRADE_TIME_SCALE in
	'' | *[!0-9.]* | *.*.* | .* | *.)
		die "GRADE_TIME_SCALE must be a positive number, not" \
			"'$GRADE_TIME_SCALE'"
		;;
	esac
	[ "$(scale_ms 1)" -gt 0 ] || die "GRADE_TIME_SCALE must be above 0"
}

# ---- booting --------------------------------------------------------------

# spawn_qemu IN OUT COMMAND...: run QEMU in the background with stdin IN
# (opened read-write, so a FIFO does not block) and stdout OUT; record its
# pid in b_pid_file and, when it ends, its exit status in b_status_file.
spawn_qemu()
{
	_sq_in=$1
	_sq_out=$2
	shift 2
	(
		"$@" <>"$_sq_in" >"$_sq_out" 2>"$b_err" &
		echo $! >"$b_pid_file"
		wait $!
		echo $? >"$b_status_file.tmp"
		mv "$b_status_file.tmp" "$b_status_file"
	) &
	b_spid=$!
}

# boot_options [option...]: read boot_start's options into _mem,
# _cpu, _smp, _accel, _cmdline, _timeout, _stall, _disks, _iso,
# _serial_in and _monitor.
boot_options()
{
	_mem=512M _cpu=qemu64 _smp=${GRADE_SMP:-1} _cmdline= _timeout=60 _stall=15
	_accel=${GRADE_ACCEL:-tcg}
	_serial_in=no _monitor=no _disks= _iso=$g_iso _net=
	for _a in "$@"; do
		case $_a in
		net) _net=yes ;;
		net=*) _net=${_a#*=} ;;
		disk=*) _disks="$_disks ${_a#*=}" ;;
		iso=*) _iso=${_a#*=} ;;
		mem=*) _mem=${_a#*=} ;;
		cpu=*) _cpu=${_a#*=} ;;
		smp=*) _smp=${_a#*=} ;;
		accel=*) _accel=${_a#*=} ;;
		cmdline=*) _cmdline=${_a#*=} ;;
		timeout=*) _timeout=${_a#*=} ;;
		stall=*) _stall=${_a#*=} ;;
		serial_input) _serial_in=yes ;;
		monitor) _monitor=yes ;;
		*) die "boot $b_name: unknown option '$_a'" ;;
		esac
	done
	[ -f "$_iso" ] || die "no kernel image $_iso: run make first"
}

# boot_cmdline: the kernel command line the boot gets, b_cmdline, from
# the test's (_cmdline) and the grader's policy.
boot_cmdline()
{
	# Disks a test attaches are the test's: no root mount unless the test
	# names one (root=vda).
	case " $_cmdline " in
	*" root="*) ;;
	*) _cmdline="${_cmdline:+$_cmdline }root=none" ;;
	esac
	# The lock checker: in every boot with GRADE_LOCKDEP=1, unless a test
	# names lockdep= itself. Off by default: it slows locking enough that
	# lock-heavy user tests (t_proc_fs's process churn) outrun their
	# time limits under TCG.
	case " $_cmdline " in
	*" lockdep="*) ;;
	*) [ "${GRADE_LOCKDEP:-0}" = 1 ] && _cmdline="$_cmdline lockdep=1" ;;
	esac
	b_cmdline="${_cmdline:+$_cmdline }panic=poweroff"
}

# boot_files: the boot's limits, and the names of its files in $g_dir
# (logs, FIFOs, pid and status files), with any left from a boot of the
# same name removed.
boot_files()
{
	b_desc="-cpu $_cpu -m $_mem -smp $_smp${_disks:+, disks$_disks}, command line '$b_cmdline'"
	b_timeout_ms=$(scale_ms "$_timeout")
	b_stall_ms=$(scale_ms "$_stall")
	# BIOS and GRUB print nothing on the serial port: allow them longer
	# than a stall before the kernel's first line.
	b_silence_ms=$(scale_ms 20)
	b_grace_ms=$(scale_ms 2)

	mkdir -p "$g_dir" || die "cannot create $g_dir"
	b_log=$g_dir/$b_name.log
	b_qlog=$g_dir/$b_name.qemu.log
	b_err=$g_dir/$b_name.qemu.err
	b_pid_file=$g_dir/.$b_name.pid
	b_status_file=$g_dir/.$b_name.status
	b_in=$g_dir/.$b_name.in
	b_mon=$g_dir/$b_name.monitor
	b_monlog=$b_mon.out
	rm -f "$b_log" "$b_qlog" "$b_err" "$b_pid_file" "$b_status_file" \
		"$b_status_file.tmp" "$b_in" "$b_mon.in" "$b_monlog"
	: >"$b_log"
}

# boot_running: the state of a boot that has just started.
boot_running()
{
	b_serial_in=$_serial_in
	b_monitor=$_monitor
	b_running=yes
	b_input=
	b_end=
	b_end_desc=
	b_exit=
	b_kstatus=
	b_size=0
	b_last=$b_start
	b_panic_at=
	b_mark=0
}

# boot_start NAME [option...]: start QEMU on the kernel image, in the
# background, with its serial output going to $g_dir/NAME.log and QEMU's
# own log (-d cpu_reset, where "Triple fault" shows) to NAME.qemu.log.
# Options, each one word:
#	mem=512M cpu=qemu64 smp=1	QEMU's -m, -cpu, -smp (smp defaults
#					to GRADE_SMP, so that every lab can
#					run on several CPUs: GRADE_SMP=4)
#	accel=tcg			QEMU's -accel (GRADE_ACCEL by default;
#					tcg,thread=multi runs each CPU on a
#					host thread)
#	cmdline="ktest=mm hz=100"	kernel options; panic=poweroff is added,
#					root=none unless a root= is given, and
#					lockdep=1 with GRADE_LOCKDEP=1 unless a
#					lockdep= is
#	timeout=60			seconds for the whole boot
#	stall=15			seconds without new serial output
#	disk=PATH			attach PATH as a virtio disk (raw;
#					repeat for more: vda, vdb, ... in
#					order); QEMU writes to it
#	iso=PATH			boot PATH instead of the kernel ISO
#	net, net=PORT			an e1000 on QEMU's user network
#					(10.0.2.0/24; tests talk only to
#					slirp's 10.0.2.2), its frames in
#					NAME.pcap; with PORT, UDP to host
#					127.0.0.1:PORT reaches guest port 5555
#					and TCP to 127.0.0.1:PORT guest port 80.
#					Without it a boot keeps QEMU's
#					default NIC, as before
#	net=none			no network card at all (QEMU adds an
#					e1000 on its user network otherwise)
#	serial_input			serial_send may type into COM1
#	monitor				monitor_cmd/type_keys may use the
#					QEMU monitor (sendkey, screendump)
# Every time is multiplied by GRADE_TIME_SCALE.
boot_start()
{
	[ -z "$b_running" ] || die "boot_start: boot $b_name still running"
	b_name=$1
	shift
	# The options, quoted, should QEMU itself crash and the boot be made
	# again (boot_crash_retry).
	[ "${_b_retrying:-}" = yes ] || b_retried=
	b_argv=
	for _a in "$@"; do
		b_argv="$b_argv '$(printf '%s' "$_a" | sed "s/'/'\\\\''/g")'"
	done
	boot_options "$@"
	boot_cmdline
	boot_files

	# QEMU's argv. In its option syntax a comma inside a value is
	# written twice.
	_esc=$(printf '%s\n' "$b_cmdline" | sed 's/,/,,/g')
	set -- -machine pc -cpu "$_cpu" -m "$_mem" -smp "$_smp" -accel "$_accel" \
		-no-reboot -display none -cdrom "$_iso" -boot d \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-fw_cfg "name=opt/kestrel/cmdline,string=$_esc" \
		-d cpu_reset -D "$b_qlog"
	_n=0
	for _d in $_disks; do
		[ -f "$_d" ] || die "boot $b_name: no disk image $_d"
		set -- "$@" -drive "file=$_d,format=raw,if=none,id=disk$_n" \
			-device "virtio-blk-pci,drive=disk$_n"
		_n=$((_n + 1))
	done
	if [ "$_net" = none ]; then
		set -- "$@" -nic none
	elif [ -n "$_net" ]; then
		_fwd=
		[ "$_net" = yes ] ||
			_fwd=",hostfwd=udp:127.0.0.1:$_net-:5555,hostfwd=tcp:127.0.0.1:$_net-:80"
		set -- "$@" -netdev "user,id=net0$_fwd" \
			-device e1000,netdev=net0 \
			-object "filter-dump,id=dump0,netdev=net0,file=$g_dir/$b_name.pcap"
	fi
	if [ $_monitor = yes ]; then
		# A pipe chardev reads PATH.in and writes PATH.out; .in is a
		# FIFO we write commands into, .out a plain file.
		mkfifo "$b_mon.in" || die "mkfifo $b_mon.in failed"
		: >"$b_monlog"
		set -- "$@" -chardev "pipe,id=mon0,path=$b_mon" \
			-mon chardev=mon0,mode=readline
	else
		set -- "$@" -monitor none
	fi
	# A safety net: should the grader itself be killed outright (no trap
	# runs on SIGKILL), QEMU still ends a minute after the time limit
	# would on the slowest grader clock.
	if command -v timeout >/dev/null 2>&1; then
		set -- timeout -s KILL \
			$((b_timeout_ms * CLOCK_MAX_SLOWDOWN / 1000 + 60)) \
			"$QEMU" "$@"
	else
		set -- "$QEMU" "$@"
	fi

	b_start_wall=$(now_ms)
	clock_tick
	b_start=$g_clock
	if [ $_serial_in = yes ]; then
		# COM1 on QEMU's stdio: stdin is a FIFO, stdout the log. Both
		# QEMU and we open the FIFO read-write, so no open blocks.
		mkfifo "$b_in" || die "mkfifo $b_in failed"
		spawn_qemu "$b_in" "$b_log" "$@" -serial stdio
		exec 7<>"$b_in"
	else
		spawn_qemu /dev/null /dev/null "$@" -serial "file:$b_log"
	fi
	[ $_monitor = yes ] && exec 8<>"$b_mon.in"
	boot_running
}

# One look at the running boot. Returns 0 while it goes on; otherwise it
# has ended (QEMU exited, or was stopped for a panic, stall or timeout):
# b_end says how, and it returns 1.
boot_poll()
{
	[ -n "$b_running" ] || return 1
	clock_tick
	_now=$g_clock
	if [ -e "$b_status_file" ]; then
		b_exit=$(cat "$b_status_file")
		boot_classify
		boot_finish
		boot_crash_retry && return 0
		return 1
	fi
	_sz=$(wc -c 2>/dev/null <"$b_log") || _sz=0
	_sz=$((_sz + 0))
	if [ "$_sz" -ne "$b_size" ]; then
		b_size=$_sz
		b_last=$_now
		if [ -z "$b_panic_at" ] &&
			grep -q -a -F 'KERNEL PANIC' "$b_log"; then
			b_panic_at=$_now
		fi
	fi
	if [ -n "$b_panic_at" ] &&
		[ $((_now - b_panic_at)) -ge "$b_grace_ms" ]; then
		boot_stop panic "kernel panic: $(panic_line); the kernel did" \
			"not power off within $(fmt_s "$b_grace_ms")," \
			"QEMU stopped"
		return 1
	fi
	if [ $((_now - b_start)) -ge "$b_timeout_ms" ]; then
		boot_stop timeout "timeout: still running after" \
			"$(fmt_s "$b_timeout_ms"), QEMU stopped"
		return 1
	fi
	if [ "$b_size" -gt 0 ] &&
		[ $((_now - b_last)) -ge "$b_stall_ms" ]; then
		boot_stop stall "stall: no new serial output for" \
			"$(fmt_s "$b_stall_ms"), QEMU stopped"
		return 1
	fi
	if [ "$b_size" -eq 0 ] &&
		[ $((_now - b_start)) -ge "$b_silence_ms" ]; then
		boot_stop stall "stall: no serial output at all" \
			"$(fmt_s "$b_silence_ms") after QEMU started, QEMU stopped"
		return 1
	fi
	return 0
}

# QEMU itself crashed (killed by a signal: QEMU 7.2 under TCG has been
# seen to segfault, now and then, while the kernel probes PCI) before the
# kernel was ready and before the test said anything to it: nothing the
# kernel did can have been graded yet, and its disk is as it was, so the
# same boot is made again, once, with a note. Any later crash, or a
# second one, is the boot's end (b_end qemu) and fails its tests.
boot_crash_retry()
{
	[ "$b_end" = qemu ] && [ "$b_exit" -gt 128 ] 2>/dev/null &&
		[ "$b_exit" -ne 137 ] && [ -z "$b_input" ] &&
		[ -z "$b_retried" ] &&
		! grep -q -a -F 'kestrel: ready' "$b_log" || return 1
	echo "note: boot $b_name: $b_end_desc, before the kernel was ready;" \
		"booting again (the crashed boot's log: $b_log.crashed)"
	mv "$b_log" "$b_log.crashed"
	_b_retrying=yes
	eval "boot_start \"\$b_name\" $b_argv"
	_b_retrying=
	b_retried=yes
}

# The first panic line of the log, quoted.
panic_line()
{
	_p=$(grep -a -m 1 -F 'KERNEL PANIC' "$b_log" | tr -d '\r')
	echo "\"$_p\""
}

# QEMU exited by itself with status $b_exit: say why.
boot_classify()
{
	_off=$(grep -a -o 'kestrel: power off (status [0-9]*)' "$b_log" |
		tail -n 1)
	b_kstatus=
	if [ -n "$_off" ]; then
		b_kstatus=${_off#*status }
		b_kstatus=${b_kstatus%)}
	fi
	if grep -q -a -F 'Triple fault' "$b_qlog" 2>/dev/null; then
		b_end=triple
		b_end_desc="triple fault: QEMU logged \"Triple fault\" and exited"
		b_end_desc="$b_end_desc $b_exit (a CPU reset; -no-reboot)"
	elif grep -q -a -F 'KERNEL PANIC' "$b_log"; then
		b_end=panic
		b_end_desc="kernel panic: $(panic_line); QEMU exit $b_exit"
		[ -n "$b_kstatus" ] &&
			b_end_desc="$b_end_desc (power off status $b_kstatus)"
	elif [ -n "$b_kstatus" ]; then
		b_end=poweroff
		b_end_desc="power off with status $b_kstatus (QEMU exit $b_exit)"
	elif [ "$b_exit" = 0 ]; then
		b_end=reset
		b_end_desc="reset: QEMU exited 0 without the kernel's power-off"
		b_end_desc="$b_end_desc line (a triple fault, a reset or an"
		b_end_desc="$b_end_desc ACPI power-off)"
	else
		b_end=qemu
		_e=$(head -n 3 "$b_err" 2>/dev/null | tr '\n' ' ')
		b_end_desc="QEMU exited $b_exit without the kernel's power-off"
		b_end_desc="$b_end_desc line${_e:+: $_e}"
	fi
}

# boot_stop END DESCRIPTION...: stop QEMU now and record why.
boot_stop()
{
	b_end=$1
	shift
	b_end_desc="$*"
	qemu_kill
	b_exit=killed
	boot_finish
}

# Stop QEMU: SIGTERM, then SIGKILL if it is still there after two seconds.
# The pid is timeout(1)'s when QEMU runs under it: it passes SIGTERM on,
# and for SIGKILL its child is named (pkill -P) as well.
qemu_kill()
{
	_i=0
	while [ ! -s "$b_pid_file" ] && [ $_i -lt 20 ]; do
		sleep 0.05
		_i=$((_i + 1))
	done
	_pid=$(cat "$b_pid_file" 2>/dev/null)
	if [ -n "$_pid" ] && [ ! -e "$b_status_file" ]; then
		kill -TERM "$_pid" 2>/dev/null
		_i=0
		while [ ! -e "$b_status_file" ] && [ $_i -lt 40 ]; do
			sleep 0.05
			_i=$((_i + 1))
		done
		if [ ! -e "$b_status_file" ]; then
			pkill -KILL -P "$_pid" 2>/dev/null
			kill -KILL "$_pid" 2>/dev/null
		fi
	fi
	[ -n "$_pid" ] || kill -KILL "$b_spid" 2>/dev/null
	wait "$b_spid" 2>/dev/null
}

# After QEMU is gone: close our ends of the FIFOs, remove them, and drop
# the serial line's \r so the log reads (and greps) as plain text.
boot_finish()
{
	wait "$b_spid" 2>/dev/null
	[ "$b_serial_in" = yes ] && exec 7>&-
	[ "$b_monitor" = yes ] && exec 8>&-
	rm -f "$b_in" "$b_mon.in" "$b_pid_file" "$b_status_file"
	[ -s "$b_err" ] || rm -f "$b_err"
	if [ -f "$b_log" ]; then
		tr -d '\r' <"$b_log" >"$b_log.tmp" && mv "$b_log.tmp" "$b_log"
	fi
	b_elapsed=$(($(now_ms) - b_start_wall))
	clock_tick
	b_elapsed_clock=$((g_clock - b_start))
	b_running=
}

# boot_wait: wait for the running boot to end (see boot_poll).
boot_wait()
{
	while boot_poll; do
		sleep 0.1
	done
	return 0
}

# boot NAME [option...]: boot_start and boot_wait.
boot()
{
	boot_start "$@"
	boot_wait
}

# Stop any QEMU of ours; for the traps below.
boot_cleanup()
{
	if [ -n "$b_running" ]; then
		b_running=
		qemu_kill
		rm -f "$b_in" "$b_mon.in" "$b_pid_file" "$b_status_file"
	fi
}

# ---- talking to a running boot ------------------------------------------

# mark: output before this point is not searched by wait_for.
mark()
{
	_sz=$(wc -c 2>/dev/null <"$b_log") || _sz=0
	b_mark=$((_sz + 0))
}

# wait_for [-E] PATTERN [SECONDS]: wait until the serial output after the
# mark has a line containing PATTERN (fixed string; with -E an extended
# regular expression; \r dropped, so $ works). Returns 1 at once if the
# boot has ended, and ends it (as a timeout) if the pattern does not come
# within SECONDS (default 20, scaled).
wait_for()
{
	_wmode=-F
	if [ "$1" = -E ]; then
		_wmode=-E
		shift
	fi
	_wpat=$1
	# '$ ' stands for Kestrel's shell prompt: "/dir $ " for a user,
	# "/dir # " for root (user/sh/main.c).
	if [ "$_wmode" = -F ] && [ "$_wpat" = '$ ' ]; then
		_wmode=-E
		_wpat='[$#] '
	fi
	_wlim=$(scale_ms "${2:-20}")
	clock_tick
	_wt0=$g_clock
	_wseen=-1
	while boot_poll; do
		if [ "$b_size" -ne "$_wseen" ]; then
			_wseen=$b_size
			if tail -c +$((b_mark + 1)) "$b_log" | tr -d '\r' |
				grep -q -a $_wmode -e "$_wpat"; then
				return 0
			fi
		fi
		if [ $((g_clock - _wt0)) -ge "$_wlim" ]; then
			boot_stop timeout "timeout: waited $(fmt_s "$_wlim")" \
				"for \"$_wpat\" on the console, QEMU stopped"
			return 1
		fi
		sleep 0.1
	done
	return 1
}

# serial_send TEXT: type TEXT into COM1 (printf %b escapes: \r is Enter).
# The boot needs the serial_input option. Sets the mark first.
serial_send()
{
	[ -n "$b_running" ] || return 1
	[ "$b_serial_in" = yes ] || die "serial_send: boot $b_name has no" \
		"serial_input option"
	mark
	b_input=yes
	printf '%b' "$1" >&7
}

# monitor_cmd COMMAND: one QEMU monitor command (boot option monitor).
monitor_cmd()
{
	[ -n "$b_running" ] || return 1
	[ "$b_monitor" = yes ] || die "monitor_cmd: boot $b_name has no" \
		"monitor option"
	b_input=yes
	printf '%s\n' "$1" >&8
}

# key NAME...: press keys on the PS/2 keyboard with QEMU's sendkey (names
# as QEMU spells them: ret, spc, shift-h, ctrl-u, ...). Sets the mark.
key()
{
	[ -n "$b_running" ] || return 1
	mark
	for _k in "$@"; do
		monitor_cmd "sendkey $_k"
	done
}

# type_keys TEXT: type TEXT on the PS/2 keyboard, a key at a time.
type_keys()
{
	_txt=$1
	set --
	while [ -n "$_txt" ]; do
		_c=${_txt%"${_txt#?}"}
		_txt=${_txt#?}
		case $_c in
		[a-z0-9]) set -- "$@" "$_c" ;;
		[A-Z]) set -- "$@" "shift-$(printf '%s' "$_c" | tr A-Z a-z)" ;;
		' ') set -- "$@" spc ;;
		-) set -- "$@" minus ;;
		=) set -- "$@" equal ;;
		.) set -- "$@" dot ;;
		,) set -- "$@" comma ;;
		/) set -- "$@" slash ;;
		\;) set -- "$@" semicolon ;;
		*) die "type_keys: no key for '$_c'" ;;
		esac
	done
	key "$@"
}

# vga_screen: the VGA text screen of the running boot (option monitor),
# 25 lines of 80 characters (trailing blanks dropped), read from guest
# memory at 0xb8000 through the QEMU monitor; printed on stdout.
vga_screen()
{
	_vs0=$(wc -c <"$b_monlog")
	monitor_cmd 'xp /2000hx 0xb8000'
	_vst=0
	while [ "$_vst" -lt 50 ] &&
		[ "$(tail -c +$((_vs0 + 1)) "$b_monlog" | grep -c '^0*b8f[89a-f]')" -eq 0 ]; do
		sleep 0.1
		_vst=$((_vst + 1))
	done
	tail -c +$((_vs0 + 1)) "$b_monlog" | tr -d '\r' | awk '
		function hex(s, v, i) {
			s = tolower(s)
			sub(/^0x/, "", s)
			v = 0
			for (i = 1; i <= length(s); i++)
				v = v * 16 + index("0123456789abcdef",
						   substr(s, i, 1)) - 1
			return v
		}
		/^[0-9a-f]+: / {
			for (i = 2; i <= NF; i++)
				cell[n++] = hex($i) % 256
		}
		END {
			for (r = 0; r < 25; r++) {
				line = ""
				for (c = 0; c < 80; c++) {
					ch = cell[r * 80 + c]
					line = line sprintf("%c",
					    ch >= 32 && ch < 127 ? ch : 32)
				}
				sub(/ +$/, "", line)
				print line
			}
		}'
}

# ---- grading ------------------------------------------------------------

# lab_begin NAME: the tests that follow belong to lab NAME; their logs go
# to $BUILD/grade/NAME/.
lab_begin()
{
	g_lab=$1
	g_dir=$BUILD/grade/$1
	case $g_dir in
	*/grade/?*) rm -rf "$g_dir" ;;
	esac
	mkdir -p "$g_dir" || die "cannot create $g_dir"
	g_lab_points=$g_points
	g_lab_total=$g_total
}

lab_end()
{
	g_labs_summary="$g_labs_summary  $g_lab: $((g_points - g_lab_points))"
	g_labs_summary="$g_labs_summary/$((g_total - g_lab_total))
"
}

# test_start NAME POINTS: a test graded on the last boot's log. By default
# the boot must have ended in a power-off (any status); the need/forbid
# lines and expect_* calls that follow add to that.
test_start()
{
	[ -z "$b_running" ] || die "test_start $1: boot $b_name still running"
	t_name=$1
	t_points=$2
	t_end=poweroff
	t_exit=
	t_ordered=no
	t_pos=1
	t_missing=
	t_forbidden=
	t_reasons=
	t_notes=
	t_host=no
}

# host_test NAME POINTS: a test of work done on the host, without a boot
# (lab-mkfs.sh). It is judged by its own fail_because and note calls
# only, and a failure shows those, not a boot's log.
host_test()
{
	test_start "$1" "$2"
	expect_end any
	t_host=yes
}

# ordered: the need lines that follow must appear in this order (each at
# or after the line the one before matched). unordered: anywhere.
ordered()
{
	t_ordered=yes
}
unordered()
{
	t_ordered=no
}
# again_in_order: the checks that follow form a second ordered sequence,
# looked for from the top of the log again (two processes' lines that
# interleave differently from run to run, each in its own order).
again_in_order()
{
	t_ordered=yes
	t_pos=1
}

# expect_end poweroff|panic|triple|stall|any: how the boot must have ended.
expect_end()
{
	t_end=$1
}

# expect_exit N: QEMU's exit status must be N (2*status+1 from the kernel's
# poweroff(status): 1 all passed, 3 a test failed, 5 panic).
expect_exit()
{
	t_exit=$1
}

# expect_crash SUITE.NAME: a crash test: it starts, then a kernel panic
# report follows and the kernel powers off with status 2 (QEMU exit 5).
expect_crash()
{
	expect_end panic
	expect_exit 5
	ordered
	need "ktest: $1: RUN (expecting a fault report)"
	need "KERNEL PANIC"
}

t_reason()
{
	case "  $t_reasons, " in
	*" $1, "*) ;;
	*) t_reasons="${t_reasons:+$t_reasons, }$1" ;;
	esac
}

# note TEXT...: a line of detail to show if the test fails.
note()
{
	t_notes="$t_notes$*
"
}

# fail_because REASON [DETAIL...]: fail the test for a reason of its own.
fail_because()
{
	t_reason "$1"
	shift
	[ $# -eq 0 ] || note "$@"
}

_need()
{
	_from=1
	[ $t_ordered = yes ] && _from=$t_pos
	_n=$(tail -n +"$_from" "$b_log" | grep -a -n -m 1 "$1" -e "$2" |
		cut -d: -f1)
	if [ -n "$_n" ]; then
		[ $t_ordered = yes ] && t_pos=$((_from + _n - 1))
		return 0
	fi
	_shown=$2
	[ "$1" = -E ] && _shown="$2  (regular expression)"
	if [ $t_ordered = yes ] && grep -q -a "$1" -e "$2" "$b_log"; then
		_shown="$_shown  (it appears, but not after the line before)"
	fi
	t_missing="$t_missing$_shown
"
	t_reason "missing lines"
	return 1
}

# need TEXT: a line containing TEXT must appear. need_re ERE: a line
# matching ERE (grep -E) must appear.
need()
{
	_need -F "$1"
}
need_re()
{
	_need -E "$1"
}

# need_frame FUNCTION: a backtrace frame "[<address>] FUNCTION+0x..".
need_frame()
{
	_need -E "\[<[0-9a-fA-F]+>\] $1(\.[a-z]+\.[0-9]+)?\+0x[0-9a-fA-F]+"
}

_forbid()
{
	_lines=$(grep -a -n "$1" -e "$2" "$b_log" | head -n 5)
	[ -z "$_lines" ] && return 0
	t_forbidden="$t_forbidden$_lines
"
	t_reason "forbidden lines"
	return 1
}

# forbid TEXT, forbid_re ERE: no line may contain TEXT or match ERE.
forbid()
{
	_forbid -F "$1"
}
forbid_re()
{
	_forbid -E "$1"
}

# The reason word for how the boot ended.
end_word()
{
	case $1 in
	poweroff) echo "power off" ;;
	panic) echo "kernel panic" ;;
	triple) echo "triple fault" ;;
	reset) echo "reset without power-off" ;;
	stall) echo "stall" ;;
	timeout) echo "timeout" ;;
	*) echo "QEMU failed" ;;
	esac
}

# test_end: judge the test, print its PASS or FAIL line (with the detail
# on a failure) and count it.
# test_end: grade the test that test_start began: print its PASS or FAIL
# block (and record it for GRADE_FORMAT=json); 0 if it passed.
test_end()
{
	_report=$g_dir/.report
	test_verdict >"$_report"
	_st=$?
	cat "$_report"
	[ -z "$g_json_parts" ] || json_record "$_st" "$_report"
	return $_st
}

# json_record STATUS REPORT: one test as a Gradescope record (a line of
# JSON), its output the report's text, escaped.
json_record()
{
	_score=0
	[ "$1" -eq 0 ] && _score=$t_points
	awk -v name="$g_lab: $t_name" -v score="$_score" -v max="$t_points" '
	# A character at a time: awks differ in what a backslash in a
	# gsub replacement means.
	function esc(s,    r, i, c) {
		r = ""
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (c == "\\")
				r = r "\\\\"
			else if (c == "\"")
				r = r "\\\""
			else if (c == "\t")
				r = r "\\t"
			else if (c >= " ")
				r = r c
		}
		return r
	}
	{ out = out esc($0) "\\n" }
	END {
		printf "{\"name\": \"%s\", \"score\": %d, \"max_score\": %d, ", \
			esc(name), score, max
		printf "\"output\": \"%s\", \"visibility\": \"visible\"}\n", out
	}' "$2" >>"$g_json_parts"
}

test_verdict()
{
	if [ "$t_end" != any ] && [ "$b_end" != "$t_end" ]; then
		t_reason "$(end_word "$b_end")"
		[ "$t_end" = poweroff ] ||
			note "expected the boot to end in: $(end_word "$t_end")"
	fi
	if [ -n "$t_exit" ] && [ "$b_exit" != "$t_exit" ]; then
		t_reason "exit status"
		note "expected QEMU exit status $t_exit, got $b_exit"
	fi
	# A test that misses lines because the boot ended badly says so.
	if [ -n "$t_missing" ] && [ "$b_end" != poweroff ]; then
		t_reason "$(end_word "$b_end")"
	fi

	g_total=$((g_total + t_points))
	if [ -z "$t_reasons" ]; then
		echo "PASS  $g_lab: $t_name ($t_points pts)"
		g_passed=$((g_passed + 1))
		g_points=$((g_points + t_points))
		return 0
	fi
	echo "FAIL  $g_lab: $t_name (0/$t_points pts)"
	g_failed=$((g_failed + 1))
	echo "      reason: $t_reasons"
	if [ -n "$t_missing" ]; then
		echo "      expected, but not in the log:"
		printf '%s' "$t_missing" | sed 's/^/        /'
	fi
	if [ -n "$t_forbidden" ]; then
		echo "      forbidden, but in the log (line: text):"
		printf '%s' "$t_forbidden" | sed 's/^/        /'
	fi
	[ -z "$t_notes" ] || printf '%s' "$t_notes" | sed 's/^/      /'
	[ "$t_host" = yes ] && return 1
	echo "      boot: $b_desc"
	_ec=
	[ $((b_elapsed - b_elapsed_clock)) -gt 1000 ] &&
		_ec=" ($(fmt_s "$b_elapsed_clock") on the grader's clock, a busy host)"
	echo "      ended: $b_end_desc, after $(fmt_s "$b_elapsed")$_ec"
	echo "      log: $b_log (QEMU's: $b_qlog)"
	echo "      last lines of the log:"
	tail -n 15 "$b_log" | sed 's/^/        | /'
	return 1
}

# ktest_pass SUITE.NAME POINTS [TEST]: the boot printed
# "ktest: SUITE.NAME: PASS", graded as test TEST (default SUITE.NAME).
# Other tests of the same boot may fail or crash after it; if the line is
# missing, the failure shows the test's own FAIL lines or how the boot
# ended before reaching it.
ktest_pass()
{
	test_start "${3:-$1}" "$2"
	expect_end any
	if ! need "ktest: $1: PASS"; then
		_why=$(K="ktest: $1: FAIL" awk '
			index($0, "ktest: FAIL:") == 1 { buf = buf $0 "\n"; next }
			/^ktest: [^ ]+: (PASS|FAIL|RUN)/ {
				if (index($0, ENVIRON["K"]) == 1)
					printf "%s%s\n", buf, $0
				buf = ""
			}' "$b_log")
		if [ -n "$_why" ]; then
			note "the test failed:"
			note "$(printf '%s\n' "$_why" | sed 's/^/  /')"
		else
			note "no result line for $1 (the boot ended first," \
				"or no such test)"
		fi
	fi
	test_end
}

# root_copy NAME: a fresh copy of make's root image for one boot, in the
# lab's directory; prints its path.
root_copy()
{
	_rc=$g_dir/$1.img
	cp "$BUILD/root.img" "$_rc" || die "no $BUILD/root.img: run make first"
	printf '%s\n' "$_rc"
}

# shell_boot NAME [boot option...]: boot a copy of the root image to the
# shell on the serial console (init, then sh) and wait for its prompt
# (root's: "/ # ").
# Returns 1 if the prompt never came (the boot has ended then).
shell_boot()
{
	_sb=$1
	shift
	boot_start "$_sb" serial_input disk="$(root_copy "$_sb")" \
		cmdline="root=vda" stall=60 "$@"
	wait_for '$ ' 30
}

# run_usertests NAME SECONDS [boot option...] PROG...: boot to the shell,
# run /tests/run-all PROG... (user/tests, docs/usertests.md), then
# poweroff, all within SECONDS. Words with a = are boot options (cpu=max).
# usertest_pass grades each program.
run_usertests()
{
	_un=$1
	_us=$2
	shift 2
	_uo=
	_up=
	for _ua in "$@"; do
		case $_ua in
		*=*) _uo="$_uo $_ua" ;;
		*) _up="$_up $_ua" ;;
		esac
	done
	# shellcheck disable=SC2086 # the options are single words
	shell_boot "$_un" timeout="$_us" stall=60 $_uo &&
		serial_send "/tests/run-all$_up; poweroff\r"
	boot_wait
}

# usertest_pass PROG POINTS [TEST]: the last run_usertests printed
# "run-all: PASS PROG", graded as test TEST (default PROG); if not, the
# failure shows the program's FAIL lines and how it ended.
usertest_pass()
{
	test_start "${3:-$1}" "$2"
	expect_end any
	if ! need "run-all: PASS $1"; then
		_why=$(P="$1" awk '
			/^FAIL / { buf = buf $0 "\n"; next }
			/^run-all: (PASS|FAIL) / {
				if ($3 == ENVIRON["P"] || $3 == ENVIRON["P"] ":")
					printf "%s%s\n", buf, $0
				buf = ""
			}' "$b_log" | tail -n 20)
		if [ -n "$_why" ]; then
			note "the program failed:"
			note "$(printf '%s\n' "$_why" | sed 's/^/  /')"
		else
			note "no result line for $1 (the boot ended first)"
		fi
	fi
	forbid 'KERNEL PANIC'
	test_end
}

# crash_test SUITE.NAME POINTS [boot option...] -- TEXT...: boot with
# ktest=SUITE.NAME and expect a crash report holding every TEXT, in order
# after the panic line. A TEXT of the form frame:FUNCTION is a backtrace
# frame (need_frame); re:ERE is a regular expression.
crash_test()
{
	_ct=$1
	_cp=$2
	shift 2
	_cmd="ktest=$_ct"
	_opts=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		case $1 in
		cmdline=*) _cmd="$_cmd ${1#*=}" ;;
		*) _opts="$_opts $1" ;;
		esac
		shift
	done
	[ "${1:-}" = -- ] && shift
	# The options are single words: split them.
	boot "${_ct#*.}" cmdline="$_cmd" $_opts
	test_start "$_ct" "$_cp"
	expect_crash "$_ct"
	for _x in "$@"; do
		case $_x in
		frame:*) need_frame "${_x#frame:}" ;;
		re:*) need_re "${_x#re:}" ;;
		*) need "$_x" ;;
		esac
	done
	test_end
}

# The closing lines: per-lab scores, the total, and the count line.
grade_summary()
{
	echo
	printf '%s' "$g_labs_summary"
	echo "Score: $g_points/$g_total"
	if [ -n "$g_json_parts" ]; then
		{
			printf '{"score": %d, "tests": [\n' "$g_points"
			sed '$!s/$/,/' "$g_json_parts"
			printf ']}\n'
		} >"$GRADE_JSON"
		echo "grade: the results in Gradescope's format are in $GRADE_JSON"
	fi
	echo "$g_passed passed, $g_failed failed"
}
