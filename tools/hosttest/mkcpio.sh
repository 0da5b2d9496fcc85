#!/bin/sh
# tools/hosttest/mkcpio.sh [BUILD]: the initramfs writer's host test
# (tools/mkcpio.c, used by make bench's Linux boot, docs/profiling.md), a
# suite that tools/hosttest.sh runs. Builds mkcpio, gives it a list with
# one entry of each kind, and compares its output byte for byte with an
# archive spelled out here from the newc format (Linux's
# Documentation/driver-api/early-userspace/buffer-format.rst): each entry
# a 110-byte header of "070701" and thirteen 8-digit hex fields (ino,
# mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor,
# rdevminor, namesize, check), the name with its NUL padded to 4 bytes,
# the data padded to 4; a TRAILER!!! entry; the whole padded to 512.
# Also checks that a bad line is refused. Prints a line per failure and
# "mkcpio: N passed, M failed". POSIX sh.

cd "$(dirname "$0")/../.." || exit 2
BUILD=${1:-${BUILD:-build}}
dir=$BUILD/hosttest/mkcpio
rm -rf "$dir"
mkdir -p "$dir" || exit 2
passed=0
failed=0
check()
{
	if [ "$1" = ok ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL mkcpio: $2"
	fi
}

if ! ${HOSTCC:-cc} -O2 -Wall -Wextra -Werror -o "$dir/mkcpio" tools/mkcpio.c; then
	echo "FAIL mkcpio: does not compile"
	echo "mkcpio: 0 passed, 1 failed"
	exit 1
fi
printf 'hello' >"$dir/data"
cat >"$dir/list" <<EOF
# a comment, then one entry of each kind
dir /d 0755
file /d/f $dir/data 0644

slink /l d 0777
nod /dev/console 0600 c 5 1
EOF
"$dir/mkcpio" <"$dir/list" >"$dir/out.cpio"
check "$([ $? -eq 0 ] && echo ok)" "exit status on a good list"

# hdr INO MODE NLINK SIZE RMAJ RMIN NAMESIZE: one header, hex fields.
hdr()
{
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		"$1" "$2" 0 0 "$3" 0 "$4" 0 0 "$5" "$6" "$7" 0
}
{
	# "d": 110 + 2 = 112, a multiple of 4: no padding.
	hdr 1 $((0040755)) 2 0 0 0 2
	printf 'd\0'
	# "d/f": 110 + 4 = 114, padded to 116; "hello" padded to 8.
	hdr 2 $((0100644)) 1 5 0 0 4
	printf 'd/f\0\0\0'
	printf 'hello\0\0\0'
	# "l": 112; its data is the target "d", padded to 4.
	hdr 3 $((0120777)) 1 1 0 0 2
	printf 'l\0'
	printf 'd\0\0\0'
	# "dev/console": 110 + 12 = 122, padded to 124; rdev 5,1.
	hdr 4 $((0020600)) 1 0 5 1 12
	printf 'dev/console\0\0\0'
	# The trailer: 110 + 11 = 121, padded to 124.
	hdr 5 0 1 0 0 0 11
	printf 'TRAILER!!!\0\0\0\0'
} >"$dir/expected.head"
size=$(wc -c <"$dir/expected.head")
cp "$dir/expected.head" "$dir/expected.cpio"
# Zeros up to the next 512 bytes.
head -c $(((512 - size % 512) % 512)) /dev/zero >>"$dir/expected.cpio"
if cmp -s "$dir/out.cpio" "$dir/expected.cpio"; then
	check ok
else
	check no "the archive differs from the format's (cmp $dir/out.cpio $dir/expected.cpio)"
fi
check "$([ $(($(wc -c <"$dir/out.cpio") % 512)) -eq 0 ] && echo ok)" \
	"the archive is not a whole number of 512-byte blocks"

echo "frob /x 0755" | "$dir/mkcpio" >/dev/null 2>"$dir/bad.err"
check "$([ $? -ne 0 ] && grep -q 'line 1' "$dir/bad.err" && echo ok)" \
	"a line of an unknown kind is not refused with its number"
echo "file /x $dir/missing 0644" | "$dir/mkcpio" >/dev/null 2>&1
check "$([ $? -ne 0 ] && echo ok)" "a missing source file is not refused"

echo "mkcpio: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
