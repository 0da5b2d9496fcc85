# Lab debian: programs Kestrel did not write. Debian's own static
# binaries of busybox, bash (both built against glibc, not musl) and
# e2fsck run inside Kestrel, and what they print must be what the very
# same binaries print on this Linux host. tools/debian-bins.sh fetches
# them with apt-get download (nothing is installed on the host).
#
#   busybox   grade/debian/busybox.sh under busybox's own shell: text
#             tools, files, links, tar and gzip, shell jobs and traps
#   bash      user/tests/workout.bash: bash's builtins, arrays, regexes,
#             redirections, subshells, background jobs and traps
#   e2fsck    e2fsck -fn on a clean and on a damaged ext2 image, each a
#             virtio disk (/dev/vdb, /dev/vdc): the same report and exit
#             status as on the host; then e2fsck -fy repairs a third
#             disk inside Kestrel, and the host's e2fsck finds it clean
#   system    busybox ps, top, free, df, mount, id, stat, blockdev, fdisk,
#             stty, mkfifo and mknod on Kestrel: what they print is what
#             Kestrel is
#   root_clean  e2fsck -fn on the root disk afterwards, with a FIFO and
#             a device node made by busybox mkfifo and mknod on it
#   loadavg   the load averages rise under two spinners (/proc/loadavg
#             and sysinfo, as busybox uptime reads them)
# Sourced by grade/grade.sh; helpers in grade/lib.sh.

PATH=$PATH:/sbin:/usr/sbin
for _tool in mke2fs debugfs e2fsck; do
	command -v $_tool >/dev/null 2>&1 ||
		die "lab debian needs $_tool (e2fsprogs): run make setup"
done
deb_root=$(sh tools/debian-bins.sh "$BUILD") ||
	die "lab debian: cannot fetch Debian's static binaries (see above)"
deb_bb=$deb_root/bin/busybox
deb_bash=$deb_root/bin/bash-static
deb_fsck=$deb_root/sbin/e2fsck.static

# ---- the images --------------------------------------------------------

E2FSPROGS_FAKE_TIME=1700000000
export E2FSPROGS_FAKE_TIME
deb_uuid=6b657374-7265-6c00-0000-0000000deb12

# deb_debugfs IMAGE COMMAND...: debugfs -w, one request per argument.
deb_debugfs()
{
	_img=$1
	shift
	for _r in "$@"; do
		printf '%s\n' "$_r"
	done >"$g_dir/debugfs.in"
	debugfs -w -f "$g_dir/debugfs.in" "$_img" >"$g_dir/debugfs.out" 2>&1 ||
		die "debugfs on $_img failed: $(tail -n 3 "$g_dir/debugfs.out")"
}

# The root disk: make's image with the three programs and the two
# scripts in /opt/debian.
deb_img=$(root_copy debian)
deb_debugfs "$deb_img" "mkdir /opt" "mkdir /opt/debian" \
	"write $deb_bb /opt/debian/busybox" \
	"write $deb_bash /opt/debian/bash" \
	"write $deb_fsck /opt/debian/e2fsck" \
	"write grade/debian/busybox.sh /opt/debian/busybox.sh" \
	"write user/tests/workout.bash /opt/debian/workout.bash" \
	"write grade/debian/system.sh /opt/debian/system.sh" \
	"sif /opt/debian/busybox mode 0100755" \
	"sif /opt/debian/bash mode 0100755" \
	"sif /opt/debian/e2fsck mode 0100755"

# The e2fsck disks: a small tree on 1 KiB blocks; the damaged copy has a
# wrong link count, a cleared directory inode and a block bitmap bit off.
deb_tree=$g_dir/tree
mkdir -p "$deb_tree/docs/old" "$deb_tree/bin"
seq 1 3000 >"$deb_tree/docs/numbers"
printf 'a short note\n' >"$deb_tree/docs/note"
printf 'kept\n' >"$deb_tree/docs/old/kept"
head -c 70000 "$deb_bb" >"$deb_tree/bin/part"
ln "$deb_tree/docs/note" "$deb_tree/note-link"
ln -s docs/numbers "$deb_tree/numbers"
mke2fs -q -F -t ext2 -b 1024 -U $deb_uuid -E hash_seed=$deb_uuid \
	-d "$deb_tree" "$g_dir/clean.img" 4M >"$g_dir/mke2fs.out" 2>&1 ||
	die "mke2fs: $(cat "$g_dir/mke2fs.out")"
cp "$g_dir/clean.img" "$g_dir/broken.img"
deb_debugfs "$g_dir/broken.img" "sif /docs/note links_count 5" \
	"clri /docs/old" "freeb 300"
cp "$g_dir/broken.img" "$g_dir/repair.img"

# deb_host_fsck IMAGE OPTIONS OUT: the host's run of the same e2fsck,
# with the image's name written as the disk's, and its status.
deb_host_fsck()
{
	"$deb_fsck" "$2" "$1" 2>&1 | sed "s|$1|DISK|g" >"$3"
	echo "status $("$deb_fsck" "$2" "$1" >/dev/null 2>&1; echo $?)" >>"$3"
}
deb_host_fsck "$g_dir/clean.img" -fn "$g_dir/clean.host"
deb_host_fsck "$g_dir/broken.img" -fn "$g_dir/broken.host"

# ---- the host's answers ------------------------------------------------

rm -rf "$g_dir/bb.work" "$g_dir/bash.work"
mkdir -p "$g_dir/bash.work"
"$deb_bb" sh grade/debian/busybox.sh "$deb_bb" "$(cd "$g_dir" && pwd)/bb.work" \
	>"$g_dir/busybox.host" 2>&1
echo "status $?" >>"$g_dir/busybox.host"
"$deb_bash" user/tests/workout.bash "$g_dir/bash.work" >"$g_dir/bash.host" 2>&1
echo "status $?" >>"$g_dir/bash.host"

# ---- Kestrel's -----------------------------------------------------------

# deb_run TAG COMMAND: run COMMAND in Kestrel's shell with its output
# and status in /tmp/TAG.out, then print that file between two marker
# lines, and wait for the second.
deb_run()
{
	serial_send "$2 > /tmp/$1.out 2>&1; echo status \$? >> /tmp/$1.out\r" &&
		serial_send "echo '<<<'$1; cat /tmp/$1.out; echo $1'>>>'\r" &&
		wait_for -E "^$1>>>" 300
}

boot_start debian serial_input smp=2 timeout=900 stall=120 cmdline="root=vda" \
	disk="$deb_img" disk="$g_dir/clean.img" \
	disk="$g_dir/broken.img" disk="$g_dir/repair.img" &&
	wait_for "\$ " 30 &&
	deb_run busybox "/opt/debian/busybox sh /opt/debian/busybox.sh /opt/debian/busybox /tmp/bb.work" &&
	serial_send 'mkdir /tmp/bash.work\r' &&
	deb_run bash "/opt/debian/bash /opt/debian/workout.bash /tmp/bash.work" &&
	deb_run clean "/opt/debian/e2fsck -fn /dev/vdb" &&
	deb_run broken "/opt/debian/e2fsck -fn /dev/vdc" &&
	deb_run repair "/opt/debian/e2fsck -fy /dev/vdd" &&
	deb_run system "/opt/debian/busybox sh /opt/debian/system.sh /opt/debian/busybox" &&
	serial_send 'poweroff\r'
boot_wait

# deb_output TAG DEVICE: what Kestrel printed between TAG's markers, with
# the console's carriage returns gone and DEVICE written as DISK.
deb_output()
{
	tr -d '\r' <"$b_log" |
		sed -n "/^<<<$1\$/,/^$1>>>\$/p" | sed '1d;$d' |
		sed "s|${2:-/nonexistent/}|DISK|g" >"$g_dir/$1.kestrel"
}

# deb_same TAG POINTS [DEVICE]: the test TAG passes when Kestrel printed
# exactly what the host did.
deb_same()
{
	deb_output "$1" "${3:-}"
	test_start "$1" "$2"
	forbid 'KERNEL PANIC'
	if ! [ -s "$g_dir/$1.kestrel" ]; then
		fail_because "no output" "Kestrel printed nothing for $1"
	elif ! diff -u "$g_dir/$1.host" "$g_dir/$1.kestrel" \
		>"$g_dir/$1.diff"; then
		fail_because "differs from Linux" \
			"the host's output (-) and Kestrel's (+), $g_dir/$1.diff:" \
			"$(head -n 30 "$g_dir/$1.diff")"
	fi
	test_end
}

deb_same busybox 10
deb_same bash 10
deb_same clean 5 /dev/vdb
deb_same broken 5 /dev/vdc

# The repair: e2fsck -fy in Kestrel said it changed the disk (status 1),
# and the host's e2fsck finds the disk clean now.
deb_output repair
test_start repair 5
[ "$(tail -n 1 "$g_dir/repair.kestrel")" = "status 1" ] ||
	fail_because "e2fsck -fy did not report a repair" \
		"its last lines in Kestrel:" "$(tail -n 5 "$g_dir/repair.kestrel")"
forbid 'KERNEL PANIC'
if ! e2fsck -fn "$g_dir/repair.img" >"$g_dir/repair.host-check" 2>&1; then
	fail_because "not repaired" \
		"e2fsck -fn on the host after Kestrel's e2fsck -fy:" \
		"$(tail -n 15 "$g_dir/repair.host-check")"
fi
test_end

# Kestrel's system interfaces as busybox reads them (system.sh): each
# applet's output must hold what Kestrel is (two CPUs, root from
# /etc/passwd, the 512 MiB machine, the 4 MiB second disk).
deb_output system
test_start system 10
forbid 'KERNEL PANIC'
deb_sys=$g_dir/system.kestrel
deb_sys_need()
{
	grep -q -E -e "$1" "$deb_sys" || fail_because "$2" \
		"no line matching '$1' in $deb_sys"
}
deb_sys_need '^Kestrel$' "uname -s"
deb_sys_need '^2$' "nproc (the boot has -smp 2)"
deb_sys_need '^uid=0\(root\) gid=0\(root\)' "id (/etc/passwd, /etc/group)"
deb_sys_need '^root root 755$' "stat of /"
deb_sys_need '^ +1 root +/bin/init$' "ps (PID 1 is /bin/init)"
deb_sys_need '^ +1 +0 root +S .*/bin/init$' "top (PID 1 is /bin/init)"
deb_sys_need '^Mem: +5[0-2][0-9]{4} ' "free (a 512 MiB machine)"
deb_sys_need '^vda +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+% /$' "df /"
deb_sys_need '^vda on / type ext2 \(rw\)$' "mount"
deb_sys_need '^4194304$' "blockdev --getsize64 (BLKGETSIZE64)"
deb_sys_need '^512$' "blockdev --getss (BLKSSZGET)"
deb_sys_need '4194304 bytes, 8192 sectors' "fdisk -l"
deb_sys_need ' icanon ' "stty -a (the console's termios)"
deb_sys_need '^prw-r--r-- +1 root +root +0 .* /tmp/fifo$' "mkfifo, ls -l"
deb_sys_need '^crw-r--r-- +1 root +root +1, +3 .* /tmp/null$' "mknod, ls -l"
deb_sys_need '^through the fifo$' "a FIFO between two busybox processes"
deb_sys_need '^192\.168\.7\.0 +0\.0\.0\.0 +255\.255\.255\.0 +U +0 +0 +0 lo$' \
	"busybox route add, route -n (SIOCADDRT, /proc/net/route)"
deb_sys_need '^192\.168\.7\.0 +0\.0\.0\.0 +255\.255\.255\.0 +U +0 0 +0 lo$' \
	"busybox netstat -rn (/proc/net/route)"
[ "$(grep -c -E '^192\.168\.7\.0 .* lo$' "$deb_sys")" = 2 ] ||
	fail_because "busybox route del (SIOCDELRT)" \
		"192.168.7.0 is still listed after route del in $deb_sys"
deb_sys_need '^[0-9]+\.[0-9]+ [0-9]+\.[0-9]+ [0-9]+\.[0-9]+ [0-9]+/[0-9]+ [0-9]+$' \
	"/proc/loadavg"
# The clock (system.sh): hwclock -r shows the year date shows; date -s
# moves it to 2030; hwclock -s brings it back from the RTC.
deb_years=$(sed -n '/^--- date -u +%Y$/{n;p;}' "$deb_sys" | tr '\n' ' ')
deb_rtc_year=$(sed -n '/^--- hwclock -r -u$/{n;p;}' "$deb_sys" |
	awk '{ print $5 }')
case "$deb_years" in
"$deb_rtc_year 2030 $deb_rtc_year ") ;;
*)
	fail_because "hwclock, date -s (/dev/rtc0, clock_settime)" \
		"hwclock -r's year '$deb_rtc_year'; date's years before date -s," \
		"after it and after hwclock -s: '$deb_years' (want" \
		"'$deb_rtc_year 2030 $deb_rtc_year')"
	;;
esac
if grep -q -E '^--- status [1-9]' "$deb_sys"; then
	fail_because "an applet failed" \
		"$(grep -B 3 -E '^--- status [1-9]' "$deb_sys" | head -n 20)"
fi
test_end

# The root disk after the poweroff, with the FIFO and the device node
# system.sh left on it: the host's e2fsck finds it clean.
test_start root_clean 5
forbid 'KERNEL PANIC'
if ! e2fsck -fn "$deb_img" >"$g_dir/root.e2fsck" 2>&1; then
	fail_because "e2fsck" "e2fsck -fn on the root disk after the boot:" \
		"$(tail -n 15 "$g_dir/root.e2fsck")"
fi
test_end

# The load averages after two spinners ran for 11 s (system.sh): the
# 1-minute figure has risen above zero and stays below the tasks there
# are, in /proc/loadavg and in busybox uptime (the sysinfo call).
test_start loadavg 5
deb_after=$(sed -n '/^--- loaded$/,$p' "$deb_sys")
printf '%s\n' "$deb_after" >"$g_dir/loadavg.kestrel"
printf '%s\n' "$deb_after" | grep -q -E '^(0\.[1-9][0-9]|0\.0[1-9]|[1-3]\.[0-9][0-9]) [0-9]+\.[0-9]+ [0-9]+\.[0-9]+ [0-9]+/' ||
	fail_because "/proc/loadavg" "after the spinners, $g_dir/loadavg.kestrel:" \
		"$deb_after"
printf '%s\n' "$deb_after" | grep -q -E 'load average: (0\.[1-9][0-9]|0\.0[1-9]|[1-3]\.[0-9][0-9]),' ||
	fail_because "uptime (sysinfo)" "after the spinners:" "$deb_after"
test_end
