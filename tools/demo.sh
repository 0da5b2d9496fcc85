#!/bin/sh
# tools/demo.sh [--check] [NAME]: the classroom demos (docs/demos.md).
# Without a name it lists them. With one it runs grade/demos/NAME.sh: it
# boots Kestrel, prints the narration, types each command at the shell
# and shows what Kestrel answered; on a terminal it waits for Enter
# before each step, so a lecturer talks through it at the room's pace.
# `make demo NAME=x` runs one; `make demo` lists them.
#
# --check (what make test runs for every demo) never waits, and checks
# the key line of each step: one line per demo, then
# "demo: N passed, M failed"; a demo passes when every step's key line
# came. POSIX sh; the boots are the grader's (grade/lib.sh).
#
# A demo file is sh sourced here, with these words:
#   demo_title TEXT       its one-line title (the list shows it)
#   demo_boot [OPTION...] boot to the shell (the grader's boot options)
#   say TEXT...           narration, printed as it is
#   step COMMAND REGEX [SECONDS]
#                         type COMMAND at Kestrel's shell, show the
#                         output, and require a line matching REGEX
#                         (extended) before SECONDS (default 60)
#   host COMMAND [REGEX]  run COMMAND on this machine and show it (the
#                         host's view beside Kestrel's: debugfs, say);
#                         with REGEX, a line of its output must match
#   demo_end              power off

cd "$(dirname "$0")/.." || exit 2
: "${BUILD:=build}"
export BUILD
check=no
if [ "${1:-}" = --check ]; then
	check=yes
	shift
fi
name=${1:-}

# The list: each demo's title line.
demo_list()
{
	for f in grade/demos/*.sh; do
		n=$(basename "$f" .sh)
		t=$(sed -n 's/^demo_title "\(.*\)"$/\1/p' "$f" | head -n 1)
		printf '  %-10s %s\n' "$n" "$t"
	done
}

if [ -z "$name" ] && [ $check = no ]; then
	echo "make demo NAME=x runs one of these (docs/demos.md):"
	demo_list
	exit 0
fi

. grade/lib.sh
check_time_scale
trap 'boot_cleanup' EXIT
trap 'boot_cleanup; trap - EXIT; exit 130' INT

d_failed=0
d_interactive=no
[ $check = no ] && [ -t 0 ] && d_interactive=yes

demo_title()
{
	echo "== $d_name: $*"
}

say()
{
	[ $check = yes ] && return 0
	echo
	printf '%s\n' "$@" | sed 's/^/   /'
}

# pause: on a terminal, wait for Enter.
d_pause()
{
	[ $d_interactive = yes ] || return 0
	printf '   [Enter] '
	read -r _
}

demo_boot()
{
	g_dir=$BUILD/demo/$d_name
	mkdir -p "$g_dir" || die "cannot create $g_dir"
	boot_start "$d_name" serial_input disk="$(root_copy "$d_name")" \
		cmdline="root=vda" timeout=600 stall=60 "$@" &&
		wait_for '$ ' 60 || {
		echo "demo $d_name: the boot did not reach the shell ($b_log)"
		d_failed=$((d_failed + 1))
		return 1
	}
}

step()
{
	[ -n "$b_running" ] || {
		d_failed=$((d_failed + 1))
		return 1
	}
	d_pause
	[ $check = yes ] || printf '\n   $ %s\n' "$1"
	mark
	serial_send "$1\r"
	# The key line, then the prompt back: the command has finished.
	# (The prompt is the working directory and "# " for root: "/tmp # ".)
	if wait_for -E "$2" "${3:-60}" && wait_for -E '^[^ ]* ?[$#] $' 60; then
		# Kestrel's answer: what came after the command's echo.
		[ $check = yes ] || tail -c +$((b_mark + 1)) "$b_log" |
			tr -d '\r' | awk -v c="$1" '
			seen { line[n++] = $0 }
			!seen && index($0, c) { seen = 1 }
			END {
				if (n && line[n - 1] ~ /^[^ ]* ?\$ ?$/) n--
				for (i = 0; i < n; i++) print "   | " line[i]
			}'
		return 0
	fi
	echo "demo $d_name: no line matching '$2' after '$1' ($b_log)"
	d_failed=$((d_failed + 1))
	return 1
}

host()
{
	d_pause
	[ $check = yes ] || printf '\n   host$ %s\n' "$1"
	_hout=$(sh -c "$1" 2>&1)
	[ $check = yes ] || printf '%s\n' "$_hout" | sed 's/^/   : /'
	if [ -n "${2:-}" ] && ! printf '%s\n' "$_hout" | grep -q -E -e "$2"; then
		echo "demo $d_name: no line matching '$2' from the host's '$1'"
		d_failed=$((d_failed + 1))
		return 1
	fi
}

demo_end()
{
	[ -n "$b_running" ] && serial_send 'poweroff\r'
	boot_wait
}

# run_demo NAME: 0 if every step's key line came.
run_demo()
{
	d_name=$1
	d_failed=0
	[ -f "grade/demos/$d_name.sh" ] || {
		echo "demo: no demo '$d_name'; the demos are:"
		demo_list
		return 2
	}
	. "grade/demos/$d_name.sh"
	[ "$d_failed" -eq 0 ]
}

if [ $check = no ]; then
	run_demo "$name"
	exit $?
fi

passed=0
failed=0
names=$name
[ -n "$names" ] || names=$(for f in grade/demos/*.sh; do basename "$f" .sh; done)
for n in $names; do
	if run_demo "$n" >"$BUILD/demo-$n.out" 2>&1; then
		echo "PASS  demo: $n"
		passed=$((passed + 1))
	else
		echo "FAIL  demo: $n"
		sed 's/^/      /' "$BUILD/demo-$n.out" | tail -n 20
		failed=$((failed + 1))
	fi
done
echo "demo: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
