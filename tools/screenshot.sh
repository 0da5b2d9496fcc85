#!/bin/sh
# tools/screenshot.sh OUT.png: `make screenshot`, a picture of the VGA
# console from a real boot. Boots a copy of the root image to the shell,
# types a few commands on the PS/2 keyboard with QEMU's sendkey, and saves
# the screen with the monitor's screendump as PNG.
# POSIX sh; the QEMU handling is the grader's (grade/lib.sh).

out=${1:-docs/images/console.png}
cd "$(dirname "$0")/.." || exit 2
. grade/lib.sh
g_dir=$BUILD/screenshot
trap 'boot_cleanup' EXIT
trap 'boot_cleanup; trap - EXIT; exit 130' INT
trap 'boot_cleanup; trap - EXIT; exit 143' TERM HUP
case $out in
*[[:space:]]*) die "screenshot: no spaces in the file name, please" ;;
esac
mkdir -p "$g_dir" "$(dirname "$out")" || exit 2
rm -f "$out"

cp "$BUILD/root.img" "$g_dir/root.img" || exit 2
boot_start console monitor disk="$g_dir/root.img" cmdline="root=vda" \
	stall=60
wait_for '$ ' 30 || {
	echo "screenshot: no shell prompt: $b_end_desc (log $b_log)" >&2
	exit 1
}
for cmd in 'ls /' 'echo hello; uptime' 'ps'; do
	type_keys "$cmd"
	key ret
	sleep 2
done
# The monitor handles one command at a time, so quit waits for the dump.
monitor_cmd "screendump $out -f png"
monitor_cmd quit
boot_wait

if [ "$(od -An -tx1 -N8 "$out" 2>/dev/null | tr -d ' \n')" != \
	89504e470d0a1a0a ]; then
	echo "screenshot: $out is not a PNG (QEMU's monitor said:" \
		"$(tail -n 3 "$b_monlog" | tr -d '\033')" >&2
	exit 1
fi
echo "screenshot: $out ($(wc -c <"$out") bytes)"
