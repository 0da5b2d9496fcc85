#!/bin/sh
# tools/qemu-display.sh [QEMU]: the -display option `make qemu` boots with,
# on stdout; on stderr, one line saying which it chose and why.
# A window (GTK, else SDL) when there is a display to open it on and this
# QEMU has the module for it (Debian's qemu-system-gui, which setup.sh
# installs); otherwise the serial console only, as make qemu-nox.
# POSIX sh.

qemu=${1:-qemu-system-x86_64}

serial_only()
{
	echo "make qemu: $1; serial console only (as make qemu-nox)" >&2
	echo "-display none"
	exit 0
}

[ -n "$DISPLAY$WAYLAND_DISPLAY" ] || serial_only "no display here (DISPLAY unset)"
# An X display that is set but does not answer (a stale ssh -X, say) would
# make QEMU refuse to start: ask it first when the X tools are here.
if [ -z "$WAYLAND_DISPLAY" ] && command -v xwininfo >/dev/null 2>&1 &&
	! xwininfo -root >/dev/null 2>&1; then
	serial_only "DISPLAY=$DISPLAY does not answer"
fi
backends=$("$qemu" -display help 2>/dev/null)
for ui in gtk sdl; do
	if echo "$backends" | grep -qx "$ui"; then
		echo "make qemu: a $ui window on ${WAYLAND_DISPLAY:-$DISPLAY}" \
			"(VGA console), serial console on this terminal" >&2
		echo "-display $ui"
		exit 0
	fi
done
serial_only "this QEMU has no GTK or SDL window (install qemu-system-gui)"
