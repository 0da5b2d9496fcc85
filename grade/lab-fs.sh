# Lab fs: the ext2 file system (kernel/fs/ext2, docs/ext2.md), on disk
# images made here by Linux's own tools (mke2fs, debugfs, e2fsck from
# e2fsprogs) and checked by them afterwards. Sourced by grade/grade.sh;
# helpers in grade/lib.sh. Everything lives in $BUILD/grade/fs, made
# afresh on each run.
#
#   unit        ktest=ext2 without a disk: the pieces that need none
#   tree-*      a tree of files copied in by mke2fs -d (directories
#               indexed by e2fsck -D), listed by the kernel with a cksum
#               per file; the listing must equal the host's, and the
#               read-only mount must leave the image as it was
#   indexed_dir names added to and removed from the indexed directory:
#               e2fsck clean, the index flag cleared
#   attr_blocks attribute blocks kept, shared ones counted down, the last
#               reference freeing the block
#   write-*     a workload (ext2.write); e2fsck -fn must be clean, the
#               files debugfs dumps must be what the kernel listed, link
#               counts and block placement as expected
#   enospc      fill the disk (ENOSPC), e2fsck clean; a second boot
#               deletes everything: the free counts come back
#   state       a mount that is never unmounted leaves "not clean"
#   damaged     named damage made with debugfs and dd: the mount is
#               refused or the damaged parts give EIO; the kernel never
#               panics or hangs
#   fuzz        random bytes flipped in the metadata of a small image
#               (fixed seeds): the kernel ends every boot cleanly
#   conformance the VFS conformance suite on ext2 (1 and 2 KiB blocks,
#               256- and 128-byte inodes); e2fsck clean afterwards
#   pagecache   read-ahead never past the end of a file; reads see writes
#               and truncates through another open file; after the
#               unmount debugfs finds the bytes written, e2fsck clean
#   fsync-cut   QEMU killed right after fsync returned: the host's image
#               holds the file (size and cksum), e2fsck clean
#   pressure    a 160 MiB file written and read twice on a 128 MiB
#               guest: the page cache gives pages back, nothing fails

PATH=$PATH:/sbin:/usr/sbin
for _tool in mke2fs debugfs e2fsck dumpe2fs cksum dd truncate; do
	command -v $_tool >/dev/null 2>&1 ||
		die "lab fs needs $_tool (e2fsprogs, coreutils): run make setup"
done
# Reproducible images: fixed times, UUID and directory hash seed.
E2FSPROGS_FAKE_TIME=1700000000
export E2FSPROGS_FAKE_TIME
fs_uuid=6b657374-7265-6c00-0000-00000000e2f5
fs_mke2fs()
{
	mke2fs -q -F -t ext2 -U $fs_uuid -E hash_seed=$fs_uuid "$@" \
		>"$g_dir/mke2fs.out" 2>&1 ||
		die "mke2fs $*: $(cat "$g_dir/mke2fs.out")"
}

# ---- what the host sees ------------------------------------------------

# fs_cksum FILE: the cksum of FILE's bytes.
fs_cksum()
{
	cksum <"$1" | cut -d ' ' -f 1
}

# fs_listing DIR: the lines ext2.tree prints for a file system holding
# what DIR holds, sorted: "tree: /path mode links size cksum".
fs_listing()
{
	(cd "$1" && find . | LC_ALL=C sort) | while IFS= read -r _p; do
		_f=$1/${_p#./}
		_path=${_p#.}
		_mode=$(printf '%o' "0x$(stat -c %f "$_f")")
		if [ -L "$_f" ]; then
			_t=$(readlink "$_f")
			_sum=$(printf '%s' "$_t" | cksum | cut -d ' ' -f 1)
			echo "tree: ${_path:-/} $_mode 1 ${#_t} $_sum"
		elif [ -d "$_f" ]; then
			_n=$(find "$_f" -mindepth 1 -maxdepth 1 -type d | wc -l)
			echo "tree: ${_path:-/} $_mode $((_n + 2)) - -"
		else
			echo "tree: $_path $_mode $(stat -c %h "$_f")" \
				"$(stat -c %s "$_f") $(fs_cksum "$_f")"
		fi
	done | LC_ALL=C sort
}

# fs_kernel_listing: the tree: lines of the last boot, sorted.
fs_kernel_listing()
{
	grep -a '^tree: ' "$b_log" | LC_ALL=C sort
}

# fs_compare_listings EXPECTED ACTUAL: fail the test unless they are the
# same, showing the first differences.
fs_compare_listings()
{
	if ! cmp -s "$1" "$2"; then
		fail_because "wrong listing" \
			"listing differs from the host's ($1 vs $2):"
		note "$(diff "$1" "$2" | head -n 20 | sed 's/^/  /')"
	fi
}

# fs_clean IMAGE: e2fsck -fn finds nothing.
fs_clean()
{
	if ! e2fsck -fn "$1" >"$1.fsck" 2>&1; then
		fail_because "e2fsck" "e2fsck -fn $1 found problems:"
		note "$(grep -v '^Pass \|^e2fsck ' "$1.fsck" | head -n 15 |
			sed 's/^/  /')"
	fi
}

# fs_debugfs IMAGE COMMAND: debugfs's answer.
fs_debugfs()
{
	debugfs -R "$2" "$1" 2>/dev/null
}

# fs_stat_field IMAGE PATH FIELD: a field of debugfs's stat ("Links").
fs_stat_field()
{
	fs_debugfs "$1" "stat $2" |
		sed -n "s/.*$3: *\\([^ ]*\\).*/\\1/p" | head -n 1
}

# fs_expect_field IMAGE PATH FIELD VALUE
fs_expect_field()
{
	_v=$(fs_stat_field "$1" "$2" "$3")
	[ "$_v" = "$4" ] || fail_because "debugfs" \
		"debugfs stat $2: $3 is '$_v', expected '$4'"
}

# fs_poke IMAGE OFFSET VALUE BYTES: write VALUE as BYTES (1, 2 or 4)
# little-endian bytes at byte OFFSET.
fs_poke()
{
	_v=$3
	_s=
	_k=0
	while [ $_k -lt "$4" ]; do
		_s="$_s$(printf '\\%03o' $((_v & 255)))"
		_v=$((_v >> 8))
		_k=$((_k + 1))
	done
	# shellcheck disable=SC2059
	printf "$_s" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# ---- tree-*: reading ---------------------------------------------------

# fs_make_tree DIR: files of sizes around the block-map boundaries of 1,
# 2 and 4 KiB blocks, sparse files (one with data behind the triple
# indirect block of 1 KiB blocks), hard links, symlinks fast and slow,
# deep and wide directories, odd modes and names.
fs_make_tree()
{
	_d=$1
	rm -rf "$_d"
	mkdir -p "$_d/deep/a/b/c/d/e/f/g/h" "$_d/many" "$_d/empty" "$_d/priv"
	head -c 6000000 /dev/urandom >"$g_dir/random"
	for _n in 0 1 100 1023 1024 1025 4095 4096 4097 12288 12289 24576 \
		24577 49152 49153 274432 274433 1073152 1073153 4243456 \
		4243457 5000000; do
		head -c $_n "$g_dir/random" >"$_d/size-$_n"
	done
	dd if="$g_dir/random" of="$_d/sparse-start" bs=1 count=100 \
		seek=200000 2>/dev/null
	head -c 5000 "$g_dir/random" >"$_d/sparse-middle"
	dd if="$g_dir/random" of="$_d/sparse-middle" bs=4096 count=3 \
		seek=300 conv=notrunc 2>/dev/null
	head -c 3000 "$g_dir/random" >"$_d/sparse-end"
	truncate -s 1000000 "$_d/sparse-end"
	dd if="$g_dir/random" of="$_d/sparse-triple" bs=1024 count=5 \
		seek=66000 2>/dev/null
	echo "at the bottom" >"$_d/deep/a/b/c/d/e/f/g/h/file"
	_i=0
	while [ $_i -lt 400 ]; do
		printf 'file %d\n' $_i >"$_d/many/entry-number-$_i"
		_i=$((_i + 1))
	done
	_long=$(printf '%0255d' 0 | tr 0 n)
	echo "a name of 255 bytes" >"$_d/many/$_long"
	echo odd >"$_d/many/a-b_c.d+e=f~g#h"
	echo accent >"$_d/many/caf$(printf '\303\251')"
	ln "$_d/size-1025" "$_d/deep/hard-1"
	ln "$_d/size-1025" "$_d/deep/a/hard-2"
	ln -s size-100 "$_d/link-short"
	ln -s "$(printf '%059d' 0 | tr 0 t)" "$_d/link-59"
	ln -s "$(printf '%060d' 0 | tr 0 t)" "$_d/link-60"
	ln -s "$(printf '%0500d' 0 | tr 0 s)" "$_d/link-500"
	ln -s deep/a/b "$_d/link-dir"
	ln -s does/not/exist "$_d/link-dangling"
	echo secret >"$_d/priv/secret"
	chmod 700 "$_d/priv"
	chmod 600 "$_d/priv/secret"
	chmod 4755 "$_d/size-100"
	chmod 1777 "$_d/empty"
	chmod 755 "$_d"
}

fs_src=$g_dir/tree
fs_make_tree "$fs_src"
{
	fs_listing "$fs_src" | grep -v '^tree: / '
	echo "tree: /lost+found 40700 2 - -"
	_n=$(find "$fs_src" -mindepth 1 -maxdepth 1 -type d | wc -l)
	echo "tree: / 40755 $((_n + 3)) - -"
} | LC_ALL=C sort >"$g_dir/tree.expected"

# fs_read_test NAME MKE2FS-OPTIONS...: the tree in an image, listed.
fs_read_test()
{
	_name=$1
	shift
	_img=$g_dir/$_name.img
	fs_mke2fs "$@" -d "$fs_src" "$_img" 48M
	# Index the big directories (dir_index): ext2 reads them linearly.
	e2fsck -fyD "$_img" >"$_img.fsckD" 2>&1
	cp "$_img" "$_img.before"
	boot "$_name" disk="$_img" cmdline="ktest=ext2.tree ext2.disk=vda" \
		timeout=120
	fs_kernel_listing >"$g_dir/$_name.listing"
	test_start "$_name" 10
	need "ktest: ext2.tree: PASS"
	forbid "KERNEL PANIC"
	case $(fs_stat_field "$_img" /many Flags) in
	0x1000) ;;
	*) fail_because "setup" "e2fsck -D did not index /many" ;;
	esac
	fs_compare_listings "$g_dir/tree.expected" "$g_dir/$_name.listing"
	cmp -s "$_img" "$_img.before" || fail_because "changed" \
		"the read-only mount changed the image"
	test_end
	rm -f "$_img.before"
}

# ---- the boots ---------------------------------------------------------

# The pieces that need no disk.
boot unit cmdline="ktest=ext2"
for t in cksum block_path find_zero_bit dir_check; do
	ktest_pass "ext2.$t" 5
done

fs_read_test tree-1k -b 1024 -I 256 -g 2048
fs_read_test tree-2k -b 2048 -I 128
fs_read_test tree-4k -b 4096 -I 256

# Names added to and removed from the hashed directory: its index flag
# must go, leaving a linear directory e2fsck accepts.
fs_img=$g_dir/indexed.img
cp "$g_dir/tree-1k.img" "$fs_img"
boot indexed disk="$fs_img" cmdline="ktest=ext2.indexed_dir ext2.disk=vda"
test_start indexed_dir 10
need "ktest: ext2.indexed_dir: PASS"
fs_clean "$fs_img"
fs_expect_field "$fs_img" /many Flags 0x0
test_end

# ---- attributes: blocks kept, shared ones counted down ----------------------

# /a and /b share an attribute block (reference count 2: made with
# debugfs, then the count and /b's i_blocks set by hand), /c has its own.
fs_img=$g_dir/attr.img
rm -rf "$g_dir/attr"
mkdir -p "$g_dir/attr"
for _f in a b c; do
	echo "file $_f" >"$g_dir/attr/$_f"
done
fs_mke2fs -b 1024 -I 128 -d "$g_dir/attr" "$fs_img" 4M
debugfs -w -R "ea_set /a user.kestrel shared-value" "$fs_img" >/dev/null 2>&1
debugfs -w -R "ea_set /c user.kestrel own-value" "$fs_img" >/dev/null 2>&1
fs_ea=$(fs_stat_field "$fs_img" /a "File ACL")
fs_ea_c=$(fs_stat_field "$fs_img" /c "File ACL")
fs_bc=$(fs_stat_field "$fs_img" /b Blockcount)
debugfs -w -R "sif /b file_acl $fs_ea" "$fs_img" >/dev/null 2>&1
debugfs -w -R "sif /b blocks $((fs_bc + 2))" "$fs_img" >/dev/null 2>&1
fs_poke "$fs_img" $((fs_ea * 1024 + 4)) 2 4
e2fsck -fn "$fs_img" >"$fs_img.setup" 2>&1
fs_setup=$?
boot attr disk="$fs_img" cmdline="ktest=ext2.attr_blocks ext2.disk=vda"
test_start attr_blocks 10
need "ktest: ext2.attr_blocks: PASS"
[ $fs_setup -eq 0 ] && [ "$fs_ea" -gt 0 ] && [ "$fs_ea_c" -gt 0 ] ||
	fail_because "setup" "the shared attribute block was not made" 		"(e2fsck $fs_setup, blocks '$fs_ea' '$fs_ea_c')"
fs_clean "$fs_img"
fs_debugfs "$fs_img" "ea_get /a user.kestrel" | grep -q shared-value ||
	fail_because "attribute" "/a lost its attribute"
fs_debugfs "$fs_img" "testb $fs_ea" | grep -q "marked in use" ||
	fail_because "attribute" "the shared block $fs_ea was freed"
fs_debugfs "$fs_img" "testb $fs_ea_c" | grep -q "not in use" ||
	fail_because "attribute" "/c's block $fs_ea_c was not freed"
test_end

# ---- write-*: the workload ----------------------------------------------

# fs_write_test NAME MKE2FS-OPTIONS...: ext2.write on an empty image,
# then the host's checks of what it left.
fs_write_test()
{
	_name=$1
	shift
	_img=$g_dir/$_name.img
	fs_mke2fs "$@" "$_img" 100M
	# Reading 64 MiB back through 1 KiB blocks takes a while.
	boot "$_name" disk="$_img" cmdline="ktest=ext2.write ext2.disk=vda" \
		timeout=300 stall=60
	ktest_pass ext2.write 10 "$_name"

	test_start "$_name.e2fsck" 10
	expect_end any
	need "ktest: ext2.write: PASS"
	fs_clean "$_img"
	case $(dumpe2fs -h "$_img" 2>/dev/null | sed -n 's/^Filesystem state: *//p') in
	clean) ;;
	*) fail_because "state" "not marked clean after unmount" ;;
	esac
	test_end

	# What debugfs dumps is what the kernel listed (link counts of
	# files aside: a dump makes one file per name).
	test_start "$_name.contents" 10
	expect_end any
	need "ktest: ext2.write: PASS"
	rm -rf "$g_dir/$_name.dump"
	mkdir -p "$g_dir/$_name.dump"
	fs_debugfs "$_img" "rdump / $g_dir/$_name.dump" >/dev/null
	fs_listing "$g_dir/$_name.dump" |
		awk '$3 !~ /^4/ { $4 = "-" } { print }' >"$g_dir/$_name.expected"
	fs_kernel_listing | awk '$3 !~ /^4/ { $4 = "-" } { print }' \
		>"$g_dir/$_name.listing"
	fs_compare_listings "$g_dir/$_name.expected" "$g_dir/$_name.listing"
	rm -rf "$g_dir/$_name.dump"
	test_end

	# Link counts, sizes, the indirect blocks, where blocks went.
	test_start "$_name.debugfs" 10
	expect_end any
	need "ktest: ext2.write: PASS"
	fs_expect_field "$_img" /w/mid.bin Links 2
	fs_expect_field "$_img" /w/d1/mid-link Size 102400
	fs_expect_field "$_img" /w Links 5
	fs_expect_field "$_img" /w/d1 Links 3
	fs_expect_field "$_img" /w/d5/c.txt Size 13
	fs_expect_field "$_img" /w/big.bin Size 67108864
	fs_expect_field "$_img" /w/s-slow Size 200
	_bs=$(dumpe2fs -h "$_img" 2>/dev/null | sed -n 's/^Block size: *//p')
	if [ "$_bs" = 1024 ]; then
		fs_debugfs "$_img" "stat /w/sparse.bin" | grep -q '(TIND)' ||
			fail_because "debugfs" \
				"/w/sparse.bin has no triple indirect block"
	fi
	fs_debugfs "$_img" "stat /w/big.bin" | grep -q '(DIND)' ||
		fail_because "debugfs" "/w/big.bin has no double indirect block"
	fs_near_inode "$_img" /w/log.txt
	fs_near_inode "$_img" /w/mid.bin
	dumpe2fs -h "$_img" 2>/dev/null | grep -q '^Filesystem features:.*large_file' ||
		fail_because "features" "large_file not set after a file of 4 GiB"
	test_end
}

# fs_near_inode IMAGE PATH: PATH's first block is in its inode's group.
fs_near_inode()
{
	_ino=$(fs_debugfs "$1" "stat $2" | sed -n 's/^Inode: *\([0-9]*\).*/\1/p')
	_blk=$(fs_debugfs "$1" "bmap $2 0")
	_ipg=$(dumpe2fs -h "$1" 2>/dev/null | sed -n 's/^Inodes per group: *//p')
	_bpg=$(dumpe2fs -h "$1" 2>/dev/null | sed -n 's/^Blocks per group: *//p')
	_first=$(dumpe2fs -h "$1" 2>/dev/null | sed -n 's/^First block: *//p')
	if [ -z "$_ino" ] || [ -z "$_blk" ] ||
		[ $(((_ino - 1) / _ipg)) -ne $(((_blk - _first) / _bpg)) ]; then
		fail_because "placement" "$2: inode $_ino, first block $_blk:" \
			"not in one group ($_ipg inodes, $_bpg blocks a group)"
	fi
}

fs_write_test write-1k -b 1024 -I 256 -g 4096
# Without large_file: the sparse file past 4 GiB makes ext2 set it.
fs_write_test write-4k -b 4096 -I 128 -g 8192 -O ^large_file

# ---- conformance: the VFS's suite on ext2 ----------------------------------

for fs_cfg in 1k:1024:256 2k:2048:128; do
	fs_img=$g_dir/conformance-${fs_cfg%%:*}.img
	fs_opts=${fs_cfg#*:}
	fs_mke2fs -b "${fs_opts%:*}" -I "${fs_opts#*:}" "$fs_img" 32M
	boot "conformance-${fs_cfg%%:*}" disk="$fs_img" \
		cmdline="ktest=ext2.conformance ext2.disk=vda"
	ktest_pass ext2.conformance 10 "conformance-${fs_cfg%%:*}"
	test_start "conformance-${fs_cfg%%:*}.e2fsck" 5
	expect_end any
	need "ktest: ext2.conformance: PASS"
	fs_clean "$fs_img"
	test_end
done

# ---- enospc: a full disk --------------------------------------------------

fs_img=$g_dir/enospc.img
fs_mke2fs -b 1024 -N 256 "$fs_img" 4M
boot enospc-fill disk="$fs_img" cmdline="ktest=ext2.enospc_fill ext2.disk=vda"
test_start enospc.fill 10
need "ktest: ext2.enospc_fill: PASS"
fs_clean "$fs_img"
test_end
fs_before=$(sed -n 's/^ext2.enospc: free before: //p' "$b_log")
boot enospc-free disk="$fs_img" cmdline="ktest=ext2.enospc_free ext2.disk=vda"
test_start enospc.free 10
need "ktest: ext2.enospc_free: PASS"
fs_after=$(sed -n 's/^ext2.enospc: free after delete: //p' "$b_log")
[ -n "$fs_before" ] && [ "$fs_before" = "$fs_after" ] ||
	fail_because "free counts" \
		"free before the fill: '$fs_before'; after deleting: '$fs_after'"
fs_clean "$fs_img"
test_end

# ---- the page cache (docs/memory.md) --------------------------------------

fs_img=$g_dir/pagecache.img
fs_mke2fs -b 4096 "$fs_img" 16M
boot pagecache disk="$fs_img" cmdline="ktest=ext2.pagecache ext2.disk=vda"
test_start pagecache 10
need "ktest: ext2.pagecache: PASS"
fs_clean "$fs_img"
fs_expect_field "$fs_img" /five Size $((3 * 4096 + 3))
fs_debugfs "$fs_img" "dump /five $g_dir/five" >/dev/null
[ "$(dd if="$g_dir/five" bs=1 skip=4093 count=7 2>/dev/null)" = written ] ||
	fail_because "contents" "/five lacks 'written' at 4093"
[ "$(tail -c 3 "$g_dir/five" 2>/dev/null)" = end ] ||
	fail_because "contents" "/five does not end in 'end'"
[ "$(dd if="$g_dir/five" bs=1 skip=8202 count=4086 2>/dev/null |
	tr -d '\000' | wc -c)" -eq 0 ] ||
	fail_because "contents" "/five: the hole after the truncate is not zeros"
test_end

# fsync, then the power cut: QEMU killed as soon as fsync has returned.
fs_img=$g_dir/fsync-cut.img
fs_mke2fs -b 1024 "$fs_img" 8M
boot_start fsync-cut disk="$fs_img" timeout=300 stall=60 \
	cmdline="ktest=ext2.fsync_cut ext2.disk=vda"
fs_cut=no
if wait_for "ext2.fsync_cut: fsync returned" 120; then
	fs_cut=yes
	fs_pid=$(cat "$b_pid_file" 2>/dev/null)
	if [ -n "$fs_pid" ]; then
		pkill -KILL -P "$fs_pid" 2>/dev/null
		kill -KILL "$fs_pid" 2>/dev/null
	fi
	boot_stop killed "power cut right after fsync"
fi
[ -z "$b_running" ] || boot_stop killed "power cut"
test_start fsync-cut 10
expect_end any
[ $fs_cut = yes ] || fail_because "fsync" "fsync never returned"
fs_want=$(sed -n 's/^ext2.fsync_cut: fsync returned: //p' "$b_log" |
	tr -d '\r' | head -n 1)
fs_debugfs "$fs_img" "dump /synced $g_dir/synced" >/dev/null
fs_got="$(fs_cksum "$g_dir/synced" 2>/dev/null) $(stat -c %s "$g_dir/synced" 2>/dev/null)"
[ "$fs_got" = "$fs_want" ] ||
	fail_because "contents" "/synced on the host: cksum and size '$fs_got', fsynced '$fs_want'"
# ext2 has no journal: after a crash the group descriptors' and the
# superblock's free counts may lag (fsync writes the file and its inode,
# as on Linux), which e2fsck corrects; anything else is a problem.
e2fsck -fn "$fs_img" >"$fs_img.fsck" 2>&1
fs_bad=$(grep -v -e '^Pass ' -e '^e2fsck ' -e '^Fix? no' -e '^$' \
	-e '^Free \(blocks\|inodes\) count wrong' -e "^$fs_img: " \
	"$fs_img.fsck")
[ -z "$fs_bad" ] || {
	fail_because "e2fsck" "e2fsck -fn $fs_img found more than stale free counts:"
	note "$(printf '%s\n' "$fs_bad" | head -n 15 | sed 's/^/  /')"
}
test_end

# A file larger than memory: reclaim instead of failure.
fs_img=$g_dir/pressure.img
fs_mke2fs -b 4096 "$fs_img" 256M
boot pressure mem=128M disk="$fs_img" timeout=900 stall=300 \
	cmdline="ktest=ext2.pressure ext2.disk=vda"
test_start pressure 10
need "ktest: ext2.pressure: PASS"
need_re '^ext2.pressure: [0-9]+ pages reclaimed'
fs_clean "$fs_img"
test_end
rm -f "$fs_img"

# ---- state: a mount never unmounted ---------------------------------------

fs_img=$g_dir/state.img
fs_mke2fs -b 4096 "$fs_img" 8M
boot state disk="$fs_img" cmdline="ktest=ext2.mount_state ext2.disk=vda"
test_start state.not_clean 5
need "ktest: ext2.mount_state: PASS"
fs_state=$(dumpe2fs -h "$fs_img" 2>/dev/null | sed -n 's/^Filesystem state: *//p')
[ "$fs_state" = "not clean" ] ||
	fail_because "state" "state after a crash: '$fs_state', not 'not clean'"
fs_expect_field "$fs_img" /written Size 7
test_end
# Mounted again, it says so; a clean unmount keeps "not clean".
boot state-again disk="$fs_img" cmdline="ktest=ext2.walk ext2.disk=vda"
test_start state.warned 5
need "not cleanly unmounted"
need "ktest: ext2.walk: PASS"
fs_state=$(dumpe2fs -h "$fs_img" 2>/dev/null | sed -n 's/^Filesystem state: *//p')
[ "$fs_state" = "not clean" ] ||
	fail_because "state" "state after the next unmount: '$fs_state'"
test_end

# ---- damaged: corruption made on purpose ----------------------------------

# The base image: a small tree in a 1 KiB-block file system, made the same
# on every run.
fs_base=$g_dir/damaged-base.img
rm -rf "$g_dir/small"
mkdir -p "$g_dir/small/dir" "$g_dir/small/sub/deeper"
_i=0
while [ $_i -lt 30 ]; do
	echo "file $_i" >"$g_dir/small/dir/f$_i"
	_i=$((_i + 1))
done
awk 'BEGIN { for (i = 0; i < 40000; i++) printf "%07d\n", i }' \
	>"$g_dir/small/file-ind"
echo small >"$g_dir/small/small"
echo deeper >"$g_dir/small/sub/deeper/file"
ln -s "$(printf '%0100d' 0 | tr 0 l)" "$g_dir/small/slowlink"
fs_mke2fs -b 1024 -N 64 -d "$g_dir/small" "$fs_base" 2M

# fs_block IMAGE PATH KIND: the block of PATH's first data block (KIND
# data), its single indirect block (IND) or its inode (inode: table
# block).
fs_block()
{
	case $3 in
	data) fs_debugfs "$1" "bmap $2 0" ;;
	IND) fs_debugfs "$1" "stat $2" |
		sed -n 's/.*(IND):\([0-9]*\).*/\1/p' ;;
	itable) fs_debugfs "$1" "imap $2" |
		sed -n 's/.*located at block \([0-9]*\),.*/\1/p' ;;
	esac
}

# fs_damage IMAGE CASE: make the damage CASE names.
fs_damage()
{
	_dir=$(fs_block "$1" /dir data)
	_ind=$(fs_block "$1" /file-ind IND)
	_it=$(dumpe2fs "$1" 2>/dev/null |
		sed -n 's/^  Inode table at \([0-9]*\)-.*/\1/p' | head -n 1)
	_bb=$(dumpe2fs "$1" 2>/dev/null |
		sed -n 's/^  Block bitmap at \([0-9]*\).*/\1/p' | head -n 1)
	_ib=$(dumpe2fs "$1" 2>/dev/null |
		sed -n 's/^  Inode bitmap at \([0-9]*\).*/\1/p' | head -n 1)
	case $2 in
	sb-magic) fs_poke "$1" $((1024 + 56)) 0 2 ;;
	sb-extents) _w="feature extent" ;;
	sb-recover) _w="feature needs_recovery" ;;
	sb-ro-compat) _w="feature huge_file" ;;
	sb-block-size) _w="ssv log_block_size 9" ;;
	sb-inode-count) _w="ssv inodes_count 12345" ;;
	sb-block-count) _w="ssv blocks_count 4096" ;;
	gd-inode-table) _w="set_bg 0 inode_table 99999" ;;
	gd-block-bitmap) _w="set_bg 0 block_bitmap 0" ;;
	root-not-dir) _w="sif <2> mode 0100644" ;;
	inode-type) _w="sif /small mode 0170644" ;;
	inode-block-range) _w="sif /small block[0] 9999999" ;;
	inode-block-meta) _w="sif /small block[0] $_it" ;;
	inode-cleared) _w="clri /small" ;;
	dir-huge) _w="sif /dir size 0x7ffffc00" ;;
	symlink-size) _w="sif /slowlink size 5000" ;;
	ind-range) fs_poke "$1" $((_ind * 1024)) 4000000000 4 ;;
	ind-loop) fs_poke "$1" $((_ind * 1024 + 4)) "$_ind" 4 ;;
	dir-reclen-zero) fs_poke "$1" $((_dir * 1024 + 28)) 0 2 ;;
	dir-reclen-overrun) fs_poke "$1" $((_dir * 1024 + 28)) 2048 2 ;;
	dir-zeroed) dd if=/dev/zero of="$1" bs=1024 seek="$_dir" count=1 \
		conv=notrunc 2>/dev/null ;;
	dir-inode-past-end) fs_poke "$1" $((_dir * 1024 + 24)) 99999 4 ;;
	bitmap-full) dd if=/dev/zero bs=1024 count=1 2>/dev/null |
		tr '\0' '\377' |
		dd of="$1" bs=1024 seek="$_bb" conv=notrunc 2>/dev/null ;;
	bitmap-itable-free) _w="freeb $_it 4" ;;
	ibitmap-empty) dd if=/dev/zero of="$1" bs=1024 seek="$_ib" count=1 \
		conv=notrunc 2>/dev/null ;;
	esac
	case $2 in
	sb-magic) ;;
	sb-* | gd-* | root-* | inode-* | dir-huge | symlink-* | bitmap-itable-*)
		debugfs -w -R "$_w" "$1" >/dev/null 2>&1 ;;
	esac
	_w=
}

# fs_damaged_test CASE EXPECT MESSAGE: the kernel, given the damaged
# image, refuses it (EXPECT refused), reports EIO (eio), mounts it
# read-only (ro), or goes on (reported: a block freed twice while
# deleting is reported, the deletion still done); and prints MESSAGE.
fs_damaged_test()
{
	_img=$g_dir/damaged-$1.img
	cp "$fs_base" "$_img"
	fs_damage "$_img" "$1"
	boot "damaged-$1" disk="$_img" cmdline="ktest=ext2.walk ext2.disk=vda"
	test_start "damaged.$1" 3
	need "ktest: ext2.walk: PASS"
	forbid "KERNEL PANIC"
	case $2 in
	refused) need "ext2.walk: mount refused" ;;
	eio) need_re "^ext2.walk: .*EIO seen" ;;
	ro)
		need "mounting read-only"
		need "error -30"
		;;
	esac
	need "$3"
	test_end
}

fs_damaged_test sb-magic refused "no ext2 file system"
fs_damaged_test sb-extents refused "incompatible features not supported: extent"
fs_damaged_test sb-recover refused "journal needs recovery"
fs_damaged_test sb-ro-compat ro "features not supported: huge_file"
fs_damaged_test sb-block-size refused "block size"
fs_damaged_test sb-inode-count refused "inode count does not match"
fs_damaged_test sb-block-count refused "superblock"
fs_damaged_test gd-inode-table refused "group 0: inode table outside the group"
fs_damaged_test gd-block-bitmap refused "group 0: block bitmap outside the group"
fs_damaged_test root-not-dir refused "root inode is not a directory"
fs_damaged_test inode-type eio "has no known file type"
fs_damaged_test inode-block-range eio "block 9999999 out of range"
fs_damaged_test inode-block-meta eio "is in an inode table"
fs_damaged_test inode-cleared eio "is not in use"
fs_damaged_test dir-huge eio "directory larger than its blocks"
fs_damaged_test symlink-size eio "impossible size"
fs_damaged_test ind-range eio "block 4000000000 out of range"
fs_damaged_test ind-loop reported "freeing block"
fs_damaged_test dir-reclen-zero eio "rec_len too small"
fs_damaged_test dir-reclen-overrun eio "rec_len runs past the block end"
fs_damaged_test dir-zeroed eio "rec_len too small"
fs_damaged_test dir-inode-past-end eio "inode number past the end"
fs_damaged_test bitmap-full eio "none by the bitmap"
fs_damaged_test bitmap-itable-free eio "but it is in an inode table"
fs_damaged_test ibitmap-empty eio "is free in the bitmap but has"

# ---- fuzz: random damage --------------------------------------------------

# Bytes flipped at random (awk's rand, fixed seeds) in the superblock,
# descriptors, bitmaps, inode table and the first directory blocks.
fs_meta_end=$(($(dumpe2fs "$fs_base" 2>/dev/null |
	sed -n 's/^  Inode table at [0-9]*-\([0-9]*\).*/\1/p' | head -n 1) + 24))
fs_seed=1
while [ $fs_seed -le 20 ]; do
	_img=$g_dir/fuzz-$fs_seed.img
	cp "$fs_base" "$_img"
	awk -v seed=$fs_seed -v lo=1024 -v hi=$((fs_meta_end * 1024)) 'BEGIN {
		srand(seed)
		for (i = 0; i < 24; i++)
			printf "%d %d\n", lo + int(rand() * (hi - lo)),
				int(rand() * 256)
	}' | while read -r _off _byte; do
		fs_poke "$_img" "$_off" "$_byte" 1
	done
	boot "fuzz-$fs_seed" disk="$_img" cmdline="ktest=ext2.walk ext2.disk=vda"
	test_start "fuzz.$fs_seed" 2
	need "ktest: ext2.walk: PASS"
	need_re "^ext2.walk: (mount refused|.* changes failed)"
	forbid "KERNEL PANIC"
	test_end
	fs_seed=$((fs_seed + 1))
done
