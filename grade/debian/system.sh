# grade/debian/system.sh BUSYBOX: Debian's busybox reading Kestrel's
# system interfaces (/proc, the block-device ioctls, the terminal's
# termios, /etc/passwd, the clock device). Its output is Kestrel's own, so the lab checks
# it line by line instead of against the host (grade/lab-debian.sh).
bb=$1
run()
{
	echo "--- $*"
	$bb "$@" 2>&1
	echo "--- status $?"
}
run uname -s
run nproc
run id
run stat -c '%U %G %a' /
run ps
run top -b -n 1
run free
run df /
run mount
run blockdev --getsize64 /dev/vdb
run blockdev --getss /dev/vdb
run fdisk -l /dev/vdb
run stty -a
run cat /proc/loadavg
# Two CPU-bound tasks for 11 s: at least two 5 s samples of the load
# averages see them, and uptime (sysinfo) and /proc/loadavg show it.
/bin/spin 14 >/dev/null &
/bin/spin 14 >/dev/null &
$bb sleep 11
echo "--- loaded"
run cat /proc/loadavg
run uptime
wait
# The clock device and setting the time: hwclock reads /dev/rtc (the CMOS
# clock), date -s moves the system time and not the RTC, hwclock -s puts
# the system time back from the RTC, and hwclock -w copies it there.
run hwclock -r -u
run date -u +%Y
run date -u -s '2030-01-02 03:04:05'
run date -u +%Y
run hwclock -s -u
run date -u +%Y
run hwclock -w -u
# Named pipes and device nodes on the ext2 root, left in place for the
# host's e2fsck after the poweroff.
run mkfifo /tmp/fifo
run mknod /tmp/null c 1 3
run ls -l /tmp/fifo /tmp/null
$bb sh -c "echo through the fifo >/tmp/fifo" &
run cat /tmp/fifo
wait
# Routes as busybox's route and netstat set and read them (a network
# through lo, whatever cards the boot has): SIOCADDRT and SIOCDELRT with
# glibc's struct rtentry, /proc/net/route read back, and gone after the
# del.
run route add -net 192.168.7.0 netmask 255.255.255.0 dev lo
run route -n
run netstat -rn
run route del -net 192.168.7.0 netmask 255.255.255.0 dev lo
run route -n
