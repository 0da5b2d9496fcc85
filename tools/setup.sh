#!/bin/sh
# tools/setup.sh: make sure this machine has what building, running and
# grading Kestrel need, and install the missing Debian packages. Runs on
# every `make qemu`, `make test` ...: silent and quick when all is there.
# POSIX sh.

# command-or-path:package pairs; a path may be a glob. qemu-system-gui
# holds QEMU's GTK window (make qemu on a desktop); xvfb and x11-utils let
# the desktop test (tools/hosttest/desktop.sh) run one without a screen;
# strace is the reference tools/hosttest/strace.sh compares Kestrel's
# strace with.
needs="qemu-system-x86_64:qemu-system-x86
grub-mkrescue:grub-common
/usr/lib/grub/i386-pc:grub-pc-bin
xorriso:xorriso
mformat:mtools
gcc:gcc
make:make
musl-gcc:musl-tools
e2fsck:e2fsprogs
clang-format:clang-format
cppcheck:cppcheck
gdb:gdb
/usr/lib/*/qemu/ui-gtk.so:qemu-system-gui
Xvfb:xvfb
xwininfo:x11-utils
xwd:x11-apps
/usr/bin/strace:strace"

have()
{
	case $1 in
	/*)
		for f in $1; do
			[ -e "$f" ] && return 0
		done
		return 1
		;;
	*)
		command -v "$1" >/dev/null 2>&1 ||
			[ -x "/sbin/$1" ] || [ -x "/usr/sbin/$1" ]
		;;
	esac
}

missing=
for pair in $needs; do
	have "${pair%%:*}" || missing="$missing ${pair#*:}"
done
[ -z "$missing" ] && exit 0

echo "setup: missing Debian packages:$missing"
if ! command -v apt-get >/dev/null 2>&1; then
	echo "setup: no apt-get here: install the packages above (or your" \
		"system's equivalents) and run make again" >&2
	exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
	sudo=
elif command -v sudo >/dev/null 2>&1; then
	sudo=sudo
else
	echo "setup: not root and no sudo: as root, run" \
		"apt-get install$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "setup: apt-get update && apt-get install$missing"
$sudo apt-get update -q >/dev/null || {
	echo "setup: apt-get update failed" >&2
	exit 1
}
$sudo apt-get install -y -q --no-install-recommends $missing || {
	echo "setup: apt-get install failed" >&2
	exit 1
}
for pair in $needs; do
	have "${pair%%:*}" || {
		echo "setup: ${pair%%:*} still missing after installing" \
			"${pair#*:}" >&2
		exit 1
	}
done
echo "setup: done"
