#!/bin/sh
# tools/debian-bins.sh [BUILD]: Debian's own static binaries of busybox,
# bash and e2fsck, unpacked into BUILD/debian (bin/busybox,
# bin/bash-static, sbin/e2fsck.static). They are programs Kestrel did not
# write, built for Linux, and the debian lab runs them inside Kestrel and
# on this host to compare (grade/lab-debian.sh). The packages are fetched
# with `apt-get download` once and kept; nothing is installed on the host.
# Prints the directory. POSIX sh.

cd "$(dirname "$0")/.." || exit 2
build=${1:-${BUILD:-build}}
dir=$build/debian
pkgs="busybox-static bash-static e2fsck-static"

have_all()
{
	[ -x "$dir/root/bin/busybox" ] && [ -x "$dir/root/bin/bash-static" ] &&
		[ -x "$dir/root/sbin/e2fsck.static" ]
}

if ! have_all; then
	mkdir -p "$dir/debs" || exit 2
	# apt-get download writes into the current directory.
	if ! (cd "$dir/debs" && apt-get download -q $pkgs) >"$dir/download.log" 2>&1; then
		# A fresh machine may have no package lists yet.
		sudo=
		[ "$(id -u)" -eq 0 ] || sudo=sudo
		$sudo apt-get update -q >>"$dir/download.log" 2>&1
		if ! (cd "$dir/debs" && apt-get download -q $pkgs) \
			>>"$dir/download.log" 2>&1; then
			echo "debian-bins: apt-get download $pkgs failed:" >&2
			tail -n 5 "$dir/download.log" >&2
			exit 1
		fi
	fi
	rm -rf "$dir/root"
	for deb in "$dir"/debs/*.deb; do
		dpkg -x "$deb" "$dir/root" || {
			echo "debian-bins: dpkg -x $deb failed" >&2
			exit 1
		}
	done
	have_all || {
		echo "debian-bins: the packages lack the expected binaries" >&2
		exit 1
	}
fi
(cd "$dir/root" && pwd)
