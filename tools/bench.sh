#!/bin/sh
# tools/bench.sh: `make bench`, boot-time figures. Boots the kernel
# BENCH_RUNS times (default 5) under QEMU/TCG with a short ktest, so each run
# powers off by itself, and prints per run and the median: the time from
# starting QEMU to the banner line on the serial port (BIOS, GRUB and
# the kernel's early init), and the kernel's own "ready in X ms". Prints
# figures beside the goals; never passes or fails on time. POSIX sh; the
# QEMU handling is the grader's (grade/lib.sh).

cd "$(dirname "$0")/.." || exit 2
. grade/lib.sh
g_dir=$BUILD/bench
runs=${BENCH_RUNS:-5}
trap 'boot_cleanup' EXIT
trap 'boot_cleanup; trap - EXIT; exit 130' INT
trap 'boot_cleanup; trap - EXIT; exit 143' TERM HUP
rm -rf "$g_dir"
mkdir -p "$g_dir" || exit 2

# median FILE: the median of the numbers in FILE, one a line.
median()
{
	sort -n "$1" | awk '{ v[NR] = $1 }
		END {
			if (NR == 0) { print "-"; exit }
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			print m
		}'
}

echo "Boot time: $runs boots of $g_iso under QEMU TCG, -m 512M"
printf '%-6s %-24s %s\n' run "QEMU start to banner" "kernel init (ready in)"
: >"$g_dir/banner.ms"
: >"$g_dir/ready.ms"
i=1
while [ "$i" -le "$runs" ]; do
	# time.tick_rate keeps the kernel up for half a second after the
	# banner, so the poll below sees the banner before QEMU exits.
	boot_start "boot-$i" cmdline="ktest=time.tick_rate"
	banner=
	while boot_poll; do
		if grep -q -a '^Kestrel ' "$b_log"; then
			banner=$(($(now_ms) - b_start))
			break
		fi
		sleep 0.01
	done
	boot_wait
	ready=$(sed -n 's/^kestrel: ready in \([0-9.]*\) ms$/\1/p' "$b_log" |
		head -n 1)
	if [ -n "$banner" ]; then
		echo "$banner" >>"$g_dir/banner.ms"
		banner="$banner ms"
	else
		banner="no banner"
	fi
	if [ -n "$ready" ]; then
		echo "$ready" >>"$g_dir/ready.ms"
		ready="$ready ms"
	else
		ready="no 'ready in' line"
	fi
	printf '%-6s %-24s %s\n' "$i" "$banner" "$ready"
	[ "$b_end" = poweroff ] || echo "       (run $i: $b_end_desc; log $b_log)"
	i=$((i + 1))
done
printf '%-6s %-24s %s\n' median "$(median "$g_dir/banner.ms") ms" \
	"$(median "$g_dir/ready.ms") ms"
echo "goals: QEMU start to banner < 1000 ms under TCG; kernel init < 50 ms"

# Kernel init grows with memory: the frame array (16 bytes per 4 KiB
# frame) and the page tables are zeroed at boot.
echo
echo "Kernel init by memory size (one boot each)"
for mem in 128M 512M 1G 4G; do
	boot_start "mem-$mem" mem="$mem" cmdline="ktest=boot.cmdline"
	boot_wait
	ready=$(sed -n 's/^kestrel: ready in \([0-9.]*\) ms$/\1/p' "$b_log" |
		head -n 1)
	printf '%-6s %s\n' "$mem" "${ready:-no 'ready in' line} ms"
done
echo "(figures, not a test: they depend on the machine and its load)"
