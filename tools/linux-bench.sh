#!/bin/sh
# tools/linux-bench.sh: the part of `make bench` that puts Kestrel beside
# Linux (docs/profiling.md, README's Performance section). The same static
# benchmark programs (ubench, uthreadbench) run BENCH_RUNS times (default
# 3) in Kestrel and in Debian 12's Linux kernel, both in QEMU with the same
# -machine, -cpu, -m, -smp and -accel, and the same disk: a copy of
# Kestrel's root image (ext2) as a virtio-blk disk, so the file figures
# are ext2 on both. Kestrel boots it as its root and runs the programs
# from its shell; Linux boots from an initramfs of Debian's static busybox,
# the programs and the kernel's own virtio and ext4 modules (Debian builds
# them as modules), mounts the disk on /mnt and runs them with /tmp on it.
# Kestrel runs three times: the default configuration (what a student
# boots), with heap debugging off (heapdebug=0), and with the lock checker
# on (lockdep=1), so each aid's cost shows.
#
# Prints one table: each figure's median for Kestrel, for Linux, and
# Kestrel/Linux (below 1 is Kestrel faster for a time, slower for a rate
# in MB/s), with the QEMU version, its options, this machine, the date
# and the commit. Never passes or fails on a figure.
#
# The kernel is the linux-image-amd64 package's, fetched with
# `apt-get download` into BUILD/linux the first time (about 70 MB) and
# unpacked with dpkg -x: nothing is installed on the host, no root needed.
# The initramfs is written by tools/mkcpio.c. POSIX sh.

cd "$(dirname "$0")/.." || exit 2
. grade/lib.sh
g_dir=$BUILD/bench-linux
runs=${BENCH_RUNS:-3}
progs="ubench uthreadbench"
mem=512M cpu=qemu64 smp=1 accel=tcg
trap 'boot_cleanup' EXIT
trap 'boot_cleanup; trap - EXIT; exit 130' INT
trap 'boot_cleanup; trap - EXIT; exit 143' TERM HUP
rm -rf "$g_dir"
mkdir -p "$g_dir" || exit 2
ldir=$BUILD/linux

# ---- Debian's kernel -------------------------------------------------------

# fetch_linux: BUILD/linux/root holds the unpacked linux-image package;
# sets vmlinuz and kver.
fetch_linux()
{
	vmlinuz=$(ls "$ldir"/root/boot/vmlinuz-* 2>/dev/null | head -n 1)
	if [ -z "$vmlinuz" ]; then
		mkdir -p "$ldir/debs" || return 1
		# linux-image-amd64 only depends on the versioned package.
		pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' |
			head -n 1)
		if [ -z "$pkg" ]; then
			sudo=
			[ "$(id -u)" -eq 0 ] || sudo=sudo
			$sudo apt-get update -q >"$ldir/download.log" 2>&1
			pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
				sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' |
				head -n 1)
		fi
		[ -n "$pkg" ] || {
			echo "(no linux-image-amd64 in apt's lists: no Linux figures)"
			return 1
		}
		if ! (cd "$ldir/debs" && apt-get download -q "$pkg") \
			>>"$ldir/download.log" 2>&1; then
			echo "(apt-get download $pkg failed: $ldir/download.log)"
			return 1
		fi
		rm -rf "$ldir/root"
		dpkg -x "$ldir"/debs/"$pkg"_*.deb "$ldir/root" || return 1
		vmlinuz=$(ls "$ldir"/root/boot/vmlinuz-* 2>/dev/null | head -n 1)
		[ -n "$vmlinuz" ] || return 1
	fi
	kver=${vmlinuz##*/vmlinuz-}
	kpkg=$(ls "$ldir"/debs/*.deb 2>/dev/null | head -n 1)
	kpkg=${kpkg##*/}
}

# module_deps NAME: NAME's dependencies then NAME, each once, from the
# depends= line of each module's .modinfo (the package has no
# modules.dep: depmod makes it at install). Appends to $g_dir/modules.
module_deps()
{
	grep -qx "$1" "$g_dir/modules" 2>/dev/null && return 0
	_ko=$(find "$ldir/root/lib/modules/$kver" -name "$1.ko" | head -n 1)
	[ -n "$_ko" ] || { echo "no module $1" >&2; return 1; }
	for _d in $(strings "$_ko" | sed -n 's/^depends=//p' | tr ',' ' '); do
		module_deps "$_d" || return 1
	done
	grep -qx "$1" "$g_dir/modules" 2>/dev/null ||
		echo "$1" >>"$g_dir/modules"
}

# make_initramfs: $g_dir/initramfs.cpio: busybox and its applets, the
# modules the disk needs, the benchmark programs, and /init.
make_initramfs()
{
	bb=$(sh tools/debian-bins.sh "$BUILD")/bin/busybox || return 1
	mkdir -p "$BUILD/tools" &&
		${HOSTCC:-cc} -O2 -Wall -Wextra -Werror -o "$BUILD/tools/mkcpio" \
			tools/mkcpio.c || return 1
	: >"$g_dir/modules"
	# virtio_pci finds the disk, virtio_blk drives it, ext4 mounts
	# ext2 (CONFIG_EXT4_USE_FOR_EXT2); crc32c_generic for jbd2.
	for m in virtio_pci virtio_blk crc32c_generic ext4; do
		module_deps $m || return 1
	done
	{
		cat <<-'EOF'
		#!/bin/sh
		mount -t proc proc /proc
		mount -t sysfs sys /sys
		mount -t devtmpfs dev /dev
		EOF
		while read -r m; do
			echo "insmod /lib/modules/$m.ko"
		done <"$g_dir/modules"
		cat <<-'EOF'
		i=0
		while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		mount -t ext2 /dev/vda /mnt || echo "linux-bench: no ext2 on vda"
		mkdir -p /mnt/tmp
		cd /tmp/ || echo "linux-bench: no /tmp"
		echo "linux-bench: $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPU(s)"
		EOF
		r=1
		while [ $r -le "$runs" ]; do
			for p in $progs; do
				echo "/bin/$p"
			done
			r=$((r + 1))
		done
		cat <<-'EOF'
		cd /
		sync
		umount /mnt
		echo "linux-bench: done"
		poweroff -f
		EOF
	} >"$g_dir/init"
	{
		for d in /bin /sbin /dev /proc /sys /mnt /lib /lib/modules; do
			echo "dir $d 0755"
		done
		echo "nod /dev/console 0600 c 5 1"
		echo "slink /tmp /mnt/tmp 0777"
		echo "file /init $g_dir/init 0755"
		echo "file /bin/busybox $bb 0755"
		"$bb" --list | while read -r a; do
			[ "$a" = busybox ] || echo "slink /bin/$a busybox 0777"
		done
		for p in $progs; do
			echo "file /bin/$p $BUILD/user/bin/$p 0755"
		done
		while read -r m; do
			echo "file /lib/modules/$m.ko $(find "$ldir/root/lib/modules/$kver" -name "$m.ko" | head -n 1) 0644"
		done <"$g_dir/modules"
	} >"$g_dir/initramfs.list"
	"$BUILD/tools/mkcpio" <"$g_dir/initramfs.list" >"$g_dir/initramfs.cpio"
}

# boot_linux NAME DISK: Debian's kernel on the initramfs, with QEMU's
# options as grade/lib.sh gives Kestrel's, its console in NAME.log.
boot_linux()
{
	_log=$g_dir/$1.log
	timeout -s KILL $(scale_ms 600 | awk '{ print int($1 / 1000) }') \
		"$QEMU" -machine pc -cpu $cpu -m $mem -smp $smp -accel $accel \
		-no-reboot -display none -monitor none -serial "file:$_log" \
		-kernel "$vmlinuz" -initrd "$g_dir/initramfs.cpio" \
		-append "console=ttyS0 panic=-1 quiet" \
		-drive "file=$2,format=raw,if=none,id=disk0" \
		-device virtio-blk-pci,drive=disk0 \
		</dev/null >"$g_dir/$1.qemu.err" 2>&1
}

# ---- Kestrel --------------------------------------------------------------

# boot_kestrel NAME OPTIONS: Kestrel on a copy of its root image, the
# programs run from its shell `runs` times; the console in NAME.log.
boot_kestrel()
{
	_cmds=
	r=1
	while [ $r -le "$runs" ]; do
		for p in $progs; do
			_cmds="$_cmds$p; "
		done
		r=$((r + 1))
	done
	_img=$g_dir/$1.img
	cp "$BUILD/root.img" "$_img"
	boot_start "$1" serial_input disk="$_img" mem=$mem cpu=$cpu smp=$smp \
		accel=$accel timeout=600 stall=120 cmdline="root=vda $2" &&
		wait_for '$ ' 30 && serial_send "${_cmds}poweroff\r"
	boot_wait
	[ "$b_end" = poweroff ] || echo "(Kestrel $2: $b_end_desc; log $b_log)"
	rm -f "$_img"
}

# figures LOG OUT: each "PROG: NAME: FIGURE UNIT" line of LOG as
# "NAME<tab>FIGURE<tab>UNIT" in OUT, in order, one a run.
figures()
{
	tr -d '\r' <"$1" | sed -n -e 's/^ubench: //p' -e 's/^uthreadbench: //p' |
		awk -F': ' '$2 ~ /^[0-9.]+ / {
			split($2, f, " ")
			printf "%s\t%s\t%s\n", $1, f[1], f[2]
		}' >"$2"
}

# ---- the table ------------------------------------------------------------

echo "Kestrel beside Linux: the same static programs ($progs) in"
echo "each kernel, median of $runs runs"
if ! fetch_linux; then
	linux=no
elif ! make_initramfs >"$g_dir/initramfs.err" 2>&1; then
	echo "(initramfs: $(tail -n 1 "$g_dir/initramfs.err"))"
	linux=no
else
	linux=yes
fi
if [ $linux = yes ]; then
	img=$g_dir/linux.img
	cp "$BUILD/root.img" "$img"
	boot_linux linux "$img"
	rm -f "$img"
	grep -q '^linux-bench: done' "$g_dir/linux.log" ||
		echo "(Linux did not finish: $g_dir/linux.log)"
	figures "$g_dir/linux.log" "$g_dir/linux.fig"
fi
boot_kestrel kestrel ""
figures "$b_log" "$g_dir/kestrel.fig"
boot_kestrel heapdebug0 "heapdebug=0"
figures "$b_log" "$g_dir/heapdebug0.fig"
boot_kestrel lockdep1 "lockdep=1"
figures "$b_log" "$g_dir/lockdep1.fig"
[ -f "$g_dir/linux.fig" ] || : >"$g_dir/linux.fig"

echo "QEMU: $($QEMU --version | head -n 1)"
echo "options: -machine pc -cpu $cpu -m $mem -smp $smp -accel $accel;"
echo "  disk: a copy of build/root.img (ext2, $(($(wc -c <"$BUILD/root.img") >> 20)) MiB)," \
	"raw, virtio-blk-pci"
echo "Linux: ${kpkg:-none} (Debian), busybox initramfs, console=ttyS0"
echo "machine: $(uname -srm), $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo |
	head -n 1), $(nproc 2>/dev/null || echo ?) CPUs, load $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git rev-parse --short HEAD 2>/dev/null || echo ?)$(git diff --quiet HEAD 2>/dev/null || echo ' (with changes)')"
echo "Kestrel: default options; heapdebug=0: heap debugging off; lockdep=1:"
echo "the lock checker on (order checks and hold times). ratio = Kestrel/Linux"
awk -F '\t' '
function median(key,    n, i, j, t, v) {
	n = cnt[key]
	if (!n)
		return ""
	for (i = 1; i <= n; i++)
		v[i] = val[key, i]
	for (i = 2; i <= n; i++)	# insertion sort: a handful of runs
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function fmt(x) { return x == "" ? "-" : sprintf("%.1f", x) }
function ratio(a, b) { return a == "" || b == "" || b == 0 ? "-" : sprintf("%.2fx", a / b) }
BEGIN { for (i = 1; i < ARGC; i++) file[ARGV[i]] = i }
{
	cfg = file[FILENAME]
	key = cfg SUBSEP $1
	val[key, ++cnt[key]] = $2
	if (!($1 in unit)) { unit[$1] = $3; order[++names] = $1 }
}
END {
	printf "%-24s %-8s %9s %9s %7s %11s %7s %9s %7s\n", "figure", "unit",
		"Kestrel", "Linux", "ratio", "heapdebug=0", "ratio", "lockdep=1", "ratio"
	for (i = 1; i <= names; i++) {
		n = order[i]
		k = median(2 SUBSEP n); l = median(1 SUBSEP n)
		h = median(3 SUBSEP n); d = median(4 SUBSEP n)
		printf "%-24s %-8s %9s %9s %7s %11s %7s %9s %7s\n", n, unit[n],
			fmt(k), fmt(l), ratio(k, l), fmt(h), ratio(h, l), fmt(d), ratio(d, l)
	}
}' "$g_dir/linux.fig" "$g_dir/kestrel.fig" "$g_dir/heapdebug0.fig" \
	"$g_dir/lockdep1.fig"
echo "(figures, not a test: they depend on the machine and its load)"
