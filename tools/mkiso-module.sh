#!/bin/sh
# tools/mkiso-module.sh BUILD OUT.iso MODULE [WORD...]: a copy of the
# kernel ISO that make built in BUILD whose GRUB menu also loads MODULE as
# a Multiboot2 module, with WORD... as its command line. The kernel makes
# each module a RAM disk (ram0, ram1...; docs/block.md); the block lab
# boots such an ISO with iso=OUT.iso. POSIX sh.

if [ $# -lt 3 ]; then
	echo "usage: $0 BUILD OUT.iso MODULE [WORD...]" >&2
	exit 2
fi
build=$1
out=$2
module=$3
shift 3
[ -f "$build/isodir/boot/grub/grub.cfg" ] ||
	{ echo "mkiso-module: no $build/isodir: run make first" >&2; exit 2; }
[ -f "$module" ] || { echo "mkiso-module: no file $module" >&2; exit 2; }

work=$(mktemp -d) || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# Stage the ISO's tree, add the module, and put a module2 line right
# after the kernel's multiboot2 line.
cp -R "$build/isodir" "$work/iso" || exit 1
name=$(basename "$module")
cp "$module" "$work/iso/boot/$name" || exit 1
line="module2 /boot/$name${*:+ $*}"
awk -v line="$line" '
	{ print }
	/^[ \t]*multiboot2 / { match($0, /^[ \t]*/); print substr($0, 1, RLENGTH) line }
' "$build/isodir/boot/grub/grub.cfg" >"$work/iso/boot/grub/grub.cfg" || exit 1
grep -q '^[ 	]*module2 ' "$work/iso/boot/grub/grub.cfg" ||
	{ echo "mkiso-module: no multiboot2 line in grub.cfg" >&2; exit 1; }
grub-mkrescue -o "$out" "$work/iso" >"$work/log" 2>&1 ||
	{ cat "$work/log" >&2; exit 1; }
