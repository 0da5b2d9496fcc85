#!/bin/sh
# tools/hosttest/desktop.sh [BUILD]: `make qemu` on a desktop, the suite
# tools/hosttest.sh runs. Starts a virtual X display (Xvfb), runs
# `make qemu` with DISPLAY set on a copy of the root image, waits for the
# shell prompt on the serial line, and checks that QEMU opened a window
# there, that the VGA screen shows the banner, and that the window shows
# what QEMU itself says is on the screen (its monitor's screendump found
# in xwd's picture of the window, by xwdfind.c). Also checks that with no
# display, or one that does not answer, make qemu chooses the serial
# console. Needs Xvfb, xwininfo and xwd (setup.sh installs xvfb,
# x11-utils, x11-apps); where they cannot be had it says why and counts
# nothing. Prints a line per failure and "desktop: N passed, M failed".
# POSIX sh.

cd "$(dirname "$0")/../.." || exit 2
BUILD=${1:-${BUILD:-build}}
passed=0
failed=0

ok()
{
	passed=$((passed + 1))
}

bad()
{
	failed=$((failed + 1))
	echo "FAIL desktop $*"
}

finish()
{
	echo "desktop: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

# ---- the choice, without a window ----------------------------------------
choice=$(env -u DISPLAY -u WAYLAND_DISPLAY sh tools/qemu-display.sh 2>&1)
case $choice in
*"no display here"*"-display none") ok ;;
*) bad "no DISPLAY: qemu-display.sh said: $choice" ;;
esac

for tool in Xvfb xwininfo xwd; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "desktop: no $tool on this machine (tools/setup.sh installs" \
			"xvfb, x11-utils and x11-apps; it could not here), so the" \
			"window is not tested"
		finish
	fi
done

tmp=$(mktemp -d) || exit 2
xpid=
qpid=
catpid=
cleanup()
{
	for p in $qpid $catpid $xpid; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# A display number no other X server holds.
n=90
while [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ]; do
	n=$((n + 1))
done
dead=$(DISPLAY=:$n sh tools/qemu-display.sh 2>&1)
case $dead in
*"does not answer"*"-display none") ok ;;
*) bad "DISPLAY=:$n with no server: qemu-display.sh said: $dead" ;;
esac

Xvfb ":$n" -screen 0 1024x768x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xpid=$!
i=0
until xwininfo -display ":$n" -root >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 $xpid 2>/dev/null; then
		echo "desktop: Xvfb :$n did not start: $(tail -n 3 "$tmp/xvfb.log")"
		bad "Xvfb"
		finish
	fi
	sleep 0.1
done

# ---- make qemu on it -----------------------------------------------------
make -s --no-print-directory BUILD="$BUILD" "$BUILD/kestrel.iso" \
	"$BUILD/root.img" >"$tmp/build.log" 2>&1 || {
	cat "$tmp/build.log"
	bad "build"
	finish
}
cp "$BUILD/root.img" "$tmp/root.img" || exit 2
mkfifo "$tmp/mon.in" "$tmp/mon.out" || exit 2
DISPLAY=:$n make -s --no-print-directory BUILD="$BUILD" NET=none \
	FSIMG="$tmp/root.img" QEMUEXTRA="-monitor pipe:$tmp/mon" qemu \
	</dev/null >"$tmp/serial" 2>"$tmp/make.err" &
qpid=$!
# Read-write, so opening does not wait for QEMU.
exec 8<>"$tmp/mon.in"
cat "$tmp/mon.out" >"$tmp/monlog" &
catpid=$!

# The shell's prompt on the serial line: booted (a limit only for a hang).
i=0
until grep -q '^/ [$#] ' "$tmp/serial" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 3000 ] || ! kill -0 $qpid 2>/dev/null; then
		bad "boot: no shell prompt on the serial line"
		tail -n 5 "$tmp/serial" "$tmp/make.err"
		finish
	fi
	sleep 0.1
done
ok

if grep -q "a gtk window on :$n" "$tmp/make.err"; then
	ok
else
	bad "make qemu did not say it chose a GTK window: $(cat "$tmp/make.err")"
fi

win=$(xwininfo -display ":$n" -root -tree |
	awk '/^ *0x[0-9a-f]+ "QEMU/ { print $1; exit }')
if [ -n "$win" ]; then
	ok
else
	bad "no QEMU window on :$n:"
	xwininfo -display ":$n" -root -tree | head -n 20
	finish
fi

# The banner, read from the VGA text memory through the monitor (the
# grader's vga_screen).
. grade/lib.sh
b_running=yes
b_monitor=yes
b_monlog=$tmp/monlog
vga_screen >"$tmp/vga.txt"
if grep -q '^Kestrel [^ ]* (x86_64)' "$tmp/vga.txt"; then
	ok
else
	bad "no banner on the VGA screen:"
	cat "$tmp/vga.txt"
fi

# QEMU's screendump against the window: the dump is complete when its
# size is the PPM header's promise.
monitor_cmd "screendump $tmp/screen.ppm"
i=0
while :; do
	want=$(head -c 20 "$tmp/screen.ppm" 2>/dev/null |
		awk 'NR == 2 { print $1 * $2 * 3 }')
	have=$(wc -c <"$tmp/screen.ppm" 2>/dev/null || echo 0)
	[ -n "$want" ] && [ "$have" -ge "$want" ] && break
	i=$((i + 1))
	if [ $i -gt 100 ]; then
		bad "no screendump from QEMU's monitor"
		finish
	fi
	sleep 0.1
done
xwd -display ":$n" -id "$win" -silent >"$tmp/win.xwd"
cc -O2 -o "$tmp/xwdfind" tools/hosttest/xwdfind.c || exit 2
if "$tmp/xwdfind" "$tmp/win.xwd" "$tmp/screen.ppm"; then
	ok
else
	bad "the window does not show QEMU's screen"
fi

monitor_cmd quit
wait $qpid
qpid=
finish
