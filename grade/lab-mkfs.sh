# Lab mkfs: the host program mkfs (mkfs/) builds ext2 images that Linux's
# own tools find clean and read back exactly. Nothing boots: mkfs runs on
# a test tree made here, e2fsck checks each image, debugfs reads it back.
# Sourced by grade/grade.sh; helpers in grade/lib.sh (host_test);
# docs/mkfs.md describes the tool and this lab.
#
# The tree has files of many sizes (0, 1, around each block size, around
# where each block size needs indirect and double-indirect blocks), one
# with a block of zeros inside, a sparse file big enough to need triple-
# indirect blocks with 1 KiB blocks, deep directories, a directory of
# hundreds of names with spaces, 255-byte names, fast and slow symbolic
# links, hard links, a fifo, and modes like 0640, 1777 and 4755. It is
# built into images of 1, 2 and 4 KiB blocks and 128- and 256-byte
# inodes, some with small groups so that they have many.
#
# MKFS=path grades that program instead of building this tree's.

m_dir=$g_dir
m_tree=$m_dir/tree
m_tool=${MKFS:-$BUILD/mkfs}
m_fail=

PATH=$PATH:/sbin:/usr/sbin
export LC_ALL=C

# ---- the test tree --------------------------------------------------------

# mk_file PATH SIZE: SIZE bytes of the pattern, whose 16-byte lines are
# all different, so that a block in the wrong place shows.
mk_file()
{
	head -c "$2" "$m_dir/pattern" >"$1"
}

# mk_name CHAR N: a name of N times CHAR.
mk_name()
{
	printf "%0$2d" 0 | tr 0 "$1"
}

mk_tree()
{
	t=$m_tree
	rm -rf "$t"
	mkdir -p "$t/sizes" "$t/many" "$t/modes" "$t/links/sub" "$t/empty" \
		"$t/long" || return 1
	# 5 MiB: more than 4 KiB blocks map without double-indirect blocks.
	awk 'BEGIN { for (i = 0; i < 327680; i++) printf "%015d\n", i }' \
		>"$m_dir/pattern"
	cp "$m_dir/pattern" "$t/double-indirect"
	# Around 1, 2 and 4 KiB; 12 blocks (the direct ones); 12 + 256 and
	# 12 + 512 blocks (where 1 and 2 KiB blocks need double indirect).
	for n in 0 1 2 1023 1024 1025 2047 2048 2049 4095 4096 4097 \
		12288 12289 24576 24577 49152 49153 274432 274433 \
		1073152 1073153; do
		mk_file "$t/sizes/$n" "$n"
	done
	{
		head -c 8192 "$m_dir/pattern"
		head -c 8192 /dev/zero
		head -c 8192 "$m_dir/pattern"
	} >"$t/zeros-inside"
	# 70 MiB with three bits of data: block 71679 of 1 KiB blocks is
	# mapped through the triple-indirect block.
	printf start >"$t/sparse"
	printf middle | dd of="$t/sparse" bs=1 seek=30000000 conv=notrunc \
		2>/dev/null
	printf end | dd of="$t/sparse" bs=1 seek=73400317 conv=notrunc \
		2>/dev/null

	i=1
	while [ $i -le 500 ]; do
		echo "$i" >"$t/many/entry number $i"
		i=$((i + 1))
	done
	p=$t/deep
	for i in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20 \
		21 22 23 24 25 26 27 28 29 30 31 32; do
		p=$p/d$i
	done
	mkdir -p "$p" && echo bottom >"$p/file"
	ln -s ../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../../sizes/1 \
		"$p/up"
	echo "a name of 255 bytes" >"$t/long/$(mk_name n 255)"
	mkdir "$t/long/$(mk_name d 255)"
	echo "file in a directory of a 255-byte name" \
		>"$t/long/$(mk_name d 255)/$(mk_name f 254)"

	ln -s ../sizes/1 "$t/links/fast"
	ln -s "$(mk_name a 59)" "$t/links/fast-59"
	ln -s "$(mk_name b 60)" "$t/links/slow-60"
	ln -s "$(mk_name c 900)" "$t/links/slow-900"
	ln -s ../many "$t/links/to-dir"
	ln "$t/sizes/4097" "$t/links/hard"
	ln "$t/sizes/4097" "$t/links/sub/hard"
	ln "$t/zeros-inside" "$t/links/sub/hard zeros"
	mkfifo "$t/links/fifo"

	for m in 0755 0640 0600 0444 4755 2755 6711; do
		echo "mode $m" >"$t/modes/file-$m"
		chmod "$m" "$t/modes/file-$m"
	done
	for m in 1777 0700 0711 2775; do
		mkdir "$t/modes/dir-$m"
		chmod "$m" "$t/modes/dir-$m"
	done
	echo "in a sticky directory" >"$t/modes/dir-1777/file"
	# Owners that are not root, for mkfs to make root's (or keep, -P).
	[ "$(id -u)" -ne 0 ] || chown -R 1234:5678 "$t/modes"
}

# ---- what the tree should look like --------------------------------------

# One line per name: path, type, mode, size, links, fast/slow for symbolic
# links; paths from /, sorted. Directory sizes are the host's own, so "-";
# a directory has 2 + subdirectories links.
mk_expected()
{
	(cd "$m_tree" && find . -mindepth 1 -printf '/%P\t%y\t%m\t%s\t%n\t%l\n') |
		sort | awk -F '\t' -v OFS='\t' '
		{ path[NR] = $1; type[NR] = $2; mode[NR] = $3; size[NR] = $4
		  links[NR] = $5; target[NR] = $6
		  if ($2 == "d") { parent = $1; sub(/\/[^\/]*$/, "", parent)
			subdirs[parent]++ } }
		END {
			name["f"] = "regular"; name["d"] = "directory"
			name["l"] = "symlink"; name["p"] = "FIFO"
			name["s"] = "socket"; name["c"] = "character special"
			name["b"] = "block special"
			for (i = 1; i <= NR; i++) {
				m = mode[i]; sub(/^0+/, "", m)
				s = size[i]; n = links[i]; f = "-"
				if (type[i] == "d") { s = "-"; n = 2 + subdirs[path[i]] }
				if (type[i] == "l") f = length(target[i]) < 60 ? "fast" : "slow"
				print path[i], name[type[i]], m, s, n, f
			}
		}'
}

# The same from an image, with debugfs's stat of every path; also the
# inode numbers, uid and gid, as "ino uid gid" after the six fields. A
# symbolic link is fast when it has no block (debugfs's own "Fast link
# dest" goes by the size alone).
mk_actual()
{
	cut -f 1 "$m_dir/expected" | sed 's/.*/stat "&"/' >"$m_dir/stat.cmds"
	debugfs -f "$m_dir/stat.cmds" "$1" 2>/dev/null | awk -v OFS='\t' '
		function emit() {
			if (path == "") return
			print path, type, mode, (type == "directory" ? "-" : size), \
				links, (type == "symlink" ? (blocks ? "slow" : "fast") : "-"), \
				ino, uid, gid
			path = ""
		}
		/^debugfs: stat "/ { emit(); path = $0
			sub(/^debugfs: stat "/, "", path); sub(/"$/, "", path)
			type = "missing"; mode = size = links = ino = uid = gid = "?"
			blocks = 0; next }
		/^Inode: / { ino = $2; type = $0
			sub(/.*Type: /, "", type); sub(/ *Mode:.*/, "", type)
			mode = $0; sub(/.*Mode: */, "", mode); sub(/ .*/, "", mode)
			sub(/^0+/, "", mode) }
		/^User: / { uid = $2; gid = $4; size = $NF }
		/^Links: / { links = $2; blocks = $4 }
		END { emit() }'
}

# ---- checks -----------------------------------------------------------------

# mk_build NAME OPTIONS...: build image NAME.img from the test tree;
# its messages go to NAME.out. Returns mkfs's status.
mk_build()
{
	m_img=$m_dir/$1.img
	m_out=$m_dir/$1.out
	shift
	"$m_tool" "$@" -d "$m_tree" "$m_img" >"$m_out" 2>&1
}

# The last lines of a file, indented, as a note.
mk_note_file()
{
	note "$1:"
	note "$(tail -n "${2:-15}" "$1" | sed 's/^/  | /')"
}

# e2fsck -fn finds nothing: status 0, and nothing but its pass lines and
# its summary.
mk_check_fsck()
{
	host_test "fsck@$1" 5
	e2fsck -fn "$m_img" >"$m_dir/$1.fsck" 2>&1
	st=$?
	extra=$(grep -v -E '^e2fsck [0-9.]+ \(|^Pass [1-5]: |^[^:]+: [0-9]+/[0-9]+ files \(' \
		"$m_dir/$1.fsck")
	if [ $st -ne 0 ] || [ -n "$extra" ]; then
		fail_because "e2fsck found problems" "e2fsck -fn exited $st"
		mk_note_file "$m_dir/$1.fsck" 30
	fi
	test_end
}

# mk_sums DIR: a checksum line per file and a line per symbolic link.
mk_sums()
{
	(cd "$1" && find . -type f -print0 | sort -z | xargs -0 cksum &&
		find . -type l -printf '%p -> %l\n' | sort)
}

# Every file's bytes and every link's target, read back with rdump.
mk_check_contents()
{
	host_test "contents@$1" 5
	rm -rf "$m_dir/$1.dump"
	mkdir "$m_dir/$1.dump"
	debugfs -R "rdump / $m_dir/$1.dump" "$m_img" >"$m_dir/$1.rdump" 2>&1
	mk_sums "$m_dir/$1.dump" >"$m_dir/$1.sums" 2>&1
	if ! diff "$m_dir/tree.sums" "$m_dir/$1.sums" >"$m_dir/$1.sums.diff"
	then
		fail_because "wrong contents" "cksum and links of the tree" \
			"(<) and of debugfs's rdump (>):"
		mk_note_file "$m_dir/$1.sums.diff" 20
	else
		rm -rf "$m_dir/$1.dump" # 100 MB, mostly the sparse file
	fi
	test_end
}

# Type, mode, size, links and fast/slow for every name; everything owned
# by root; the names of one host inode share one inode in the image.
mk_check_metadata()
{
	host_test "metadata@$1" 5
	mk_actual "$m_img" >"$m_dir/$1.stat"
	cut -f 1-6 "$m_dir/$1.stat" >"$m_dir/$1.stat6"
	if ! diff "$m_dir/expected" "$m_dir/$1.stat6" >"$m_dir/$1.stat.diff"; then
		fail_because "wrong metadata" "path, type, mode, size, links," \
			"fast/slow: expected (<) and debugfs stat (>):"
		mk_note_file "$m_dir/$1.stat.diff" 20
	fi
	owners=$(awk -F '\t' '$8 != 0 || $9 != 0 { print $1 ": uid " $8 ", gid " $9 }' \
		"$m_dir/$1.stat" | head -n 5)
	[ -z "$owners" ] ||
		fail_because "not owned by root" "$owners"
	# Host inode -> image inode must be one to one.
	(cd "$m_tree" && find . -mindepth 1 -printf '/%P\t%i\n') | sort >"$m_dir/hostino"
	split=$(cut -f 1,7 "$m_dir/$1.stat" | join -t "$(printf '\t')" \
		"$m_dir/hostino" - | awk -F '\t' '
		{ if (($2 in img) && img[$2] != $3 || ($3 in host) && host[$3] != $2)
			print $1 " (host inode " $2 ", image inode " $3 ")"
		  img[$2] = $3; host[$3] = $2 }' | head -n 5)
	[ -z "$split" ] ||
		fail_because "hard links" "names of one inode differ in the image:" \
			"$split"
	test_end
}

# mk_blocks PATH: "Blockcount indirect-kinds" of PATH in the image, like
# "10264 IND DIND".
mk_blocks()
{
	debugfs -R "stat \"$1\"" "$m_img" 2>/dev/null | awk '
		/^Links: / { count = $4 }
		/\((IND|DIND|TIND)\)/ { s = $0
			while (match(s, /\((IND|DIND|TIND)\)/)) {
				k = substr(s, RSTART + 1, RLENGTH - 2); seen[k] = 1
				s = substr(s, RSTART + RLENGTH) } }
		END { printf "%s", count
			if (seen["IND"]) printf " IND"
			if (seen["DIND"]) printf " DIND"
			if (seen["TIND"]) printf " TIND"
			print "" }'
}

# i_blocks of the 5 MiB file counts its data and its indirect blocks,
# which reach double indirect; the sparse file keeps its holes (and with
# 1 KiB blocks reaches triple indirect); the block of zeros is a hole.
mk_check_blockmap()
{
	bs=$2
	host_test "blockmap@$1" 5
	ptrs=$((bs / 4))
	data=$(((5242880 + bs - 1) / bs))
	ind=$((1 + 1 + (data - 12 - ptrs + ptrs - 1) / ptrs))
	want="$(((data + ind) * bs / 512)) IND DIND"
	got=$(mk_blocks /double-indirect)
	[ "$got" = "$want" ] || fail_because "wrong block map" \
		"/double-indirect: Blockcount and indirect blocks '$got'," \
		"expected '$want'"
	# Blocks 0, 30000000 / bs and the last: with 1 KiB blocks, one
	# under a double-indirect block (2 indirect blocks), one under the
	# triple (3); else both under the double, in two single ones (3).
	if [ "$bs" -eq 1024 ]; then
		want="$(((3 + 5) * 2)) IND DIND TIND"
	else
		want="$(((3 + 3) * bs / 512)) IND DIND"
	fi
	got=$(mk_blocks /sparse)
	[ "$got" = "$want" ] || fail_because "wrong block map" \
		"/sparse (70 MiB, 3 blocks of data): '$got', expected '$want'"
	# 16 KiB of data; with 1 KiB blocks the last 8 need a single-
	# indirect block.
	want=32
	[ "$bs" -eq 1024 ] && want="34 IND"
	got=$(mk_blocks /zeros-inside)
	[ "$got" = "$want" ] || fail_because "wrong block map" \
		"/zeros-inside (8 KiB of zeros between 8 KiB of data): '$got'" \
		"sectors, expected '$want' (the zeros a hole)"
	test_end
}

# mk_super_groups N: the groups of N that hold a superblock copy: 0, 1
# and the powers of 3, 5 and 7.
mk_super_groups()
{
	awk -v n="$1" 'BEGIN {
		for (g = 0; g < n; g++) {
			ok = g <= 1
			for (b = 3; b <= 7; b += 2) {
				x = g; while (x > 1 && x % b == 0) x /= b
				if (x == 1) ok = 1
			}
			if (ok) printf "%d ", g
		}
		print "" }'
}

# mk_copies DUMPE2FS BLOCK_SIZE: the groups whose first block starts
# with a superblock (or at byte 1024 for group 0): magic 0xef53 at byte
# 56 and the group's own number in s_block_group_nr at byte 90.
mk_copies()
{
	sed -n 's/^Group \([0-9]*\): (Blocks \([0-9]*\)-.*/\1 \2/p' "$1" |
		while read -r g first; do
			at=$((first * $2))
			[ "$g" -eq 0 ] && at=1024
			magic=$(od -A n -t x2 -j $((at + 56)) -N 2 "$m_img" | tr -d ' ')
			nr=$(od -A n -t u2 -j $((at + 90)) -N 2 "$m_img" | tr -d ' ')
			[ "$magic" = ef53 ] && [ "$nr" = "$g" ] && printf '%d ' "$g"
		done
	echo
}

# mk_field FILE NAME: the value of "NAME:   value" in dumpe2fs's output.
mk_field()
{
	sed -n "s/^$2:[[:space:]]*//p" "$1"
}

# Revision 1, just the three features, the asked sizes, copies of the
# superblock where sparse_super puts them, root inode 2 and lost+found 11.
mk_check_layout()
{
	host_test "layout@$1" 5
	d=$m_dir/$1.dumpe2fs
	dumpe2fs "$m_img" >"$d" 2>/dev/null
	[ "$(mk_field "$d" 'Filesystem revision #')" = "1 (dynamic)" ] ||
		fail_because "wrong superblock" "revision: $(mk_field "$d" 'Filesystem revision #')"
	[ "$(mk_field "$d" 'Filesystem features')" = "filetype sparse_super large_file" ] ||
		fail_because "wrong superblock" "features: $(mk_field "$d" 'Filesystem features')"
	[ "$(mk_field "$d" 'Block size')" = "$2" ] ||
		fail_because "wrong superblock" "block size $(mk_field "$d" 'Block size'), asked $2"
	[ "$(mk_field "$d" 'Inode size')" = "$3" ] ||
		fail_because "wrong superblock" "inode size, asked $3"
	[ "$(mk_field "$d" 'First inode')" = 11 ] ||
		fail_because "wrong superblock" "first inode $(mk_field "$d" 'First inode')"
	groups=$(grep -c '^Group [0-9]' "$d")
	want=$(mk_super_groups "$groups")
	got=$(mk_copies "$d" "$2")
	[ "$got" = "$want" ] || fail_because "wrong superblock copies" \
		"in groups $got; expected $want ($groups groups)"
	[ "$groups" -ge "${4:-1}" ] || fail_because "too few groups" \
		"$groups, expected at least $4"
	lf=$(debugfs -R 'stat /lost+found' "$m_img" 2>/dev/null | sed -n 1p)
	case $lf in
	"Inode: 11 "*"Type: directory "*"Mode:  0700 "*) ;;
	*) fail_because "wrong lost+found" "${lf:-none}" ;;
	esac
	test_end
}

# mk_image NAME BLOCK INODE MIN_GROUPS OPTIONS...: build it and check it.
mk_image()
{
	name=$1 bs=$2 is=$3 groups=$4
	shift 4
	if ! mk_build "$name" -b "$bs" -I "$is" "$@"; then
		for t in fsck contents metadata blockmap layout; do
			host_test "$t@$name" 5
			fail_because "mkfs failed" "$m_tool -b $bs -I $is $*:"
			mk_note_file "$m_out"
			test_end
		done
		return
	fi
	mk_check_fsck "$name"
	mk_check_contents "$name"
	mk_check_metadata "$name"
	mk_check_blockmap "$name" "$bs"
	mk_check_layout "$name" "$bs" "$is" "$groups"
}

# ---- the lab ----------------------------------------------------------------

host_test build 5
if [ -z "${MKFS:-}" ] &&
	! make --no-print-directory -s BUILD="$BUILD" "$m_tool" \
		>"$m_dir/build.out" 2>&1; then
	fail_because "mkfs does not build" "make $m_tool:"
	mk_note_file "$m_dir/build.out"
elif [ ! -x "$m_tool" ]; then
	fail_because "no mkfs" "$m_tool is not there"
fi
test_end

if ! mk_tree >"$m_dir/tree.out" 2>&1; then
	die "lab mkfs: cannot make the test tree in $m_tree" \
		"($(tail -n 3 "$m_dir/tree.out"))"
fi
mk_expected >"$m_dir/expected"
mk_sums "$m_tree" >"$m_dir/tree.sums"

mk_image 1k-128 1024 128 2 -s 16M
mk_image 1k-256 1024 256 16 -s 16M -g 1024
mk_image 2k-128 2048 128 4 -s 16M -g 2048
mk_image 2k-256 2048 256 1 -s 16M
mk_image 4k-128 4096 128 1 -s 16M
mk_image 4k-256 4096 256 6 -s 24M -g 1024

# The same tree, copied (other host inodes, other times, maybe another
# readdir order), gives the same bytes; and the names of a directory are
# stored in bytewise order, whatever order readdir gave them in.
host_test reproducible 10
for dir in / /many /sizes /links; do
	debugfs -R "ls -p $dir" "$m_dir/1k-256.img" 2>/dev/null |
		awk -F / 'NF > 6 && $6 != "." && $6 != ".." { print $6 }' \
			>"$m_dir/order"
	if ! sort -c "$m_dir/order" 2>/dev/null || [ ! -s "$m_dir/order" ]; then
		fail_because "names out of order" "in $dir:" \
			"$(head -n 5 "$m_dir/order" | tr '\n' ' ')..."
	fi
done
rm -rf "$m_tree.copy"
cp -a "$m_tree" "$m_tree.copy" && touch "$m_tree.copy/sizes/1"
"$m_tool" -b 1024 -I 256 -g 1024 -s 16M -d "$m_tree.copy" \
	"$m_dir/copy.img" >"$m_dir/copy.out" 2>&1 ||
	fail_because "mkfs failed" "$(cat "$m_dir/copy.out")"
if ! cmp "$m_dir/1k-256.img" "$m_dir/copy.img" >"$m_dir/copy.cmp" 2>&1; then
	fail_because "not reproducible" "the image of a copy of the tree" \
		"differs: $(cat "$m_dir/copy.cmp")"
fi
rm -rf "$m_tree.copy"
test_end

# -P keeps the tree's owners instead of making everything root's.
host_test keep_owners 5
want=$(stat -c '%u %g' "$m_tree/modes/file-0640")
if "$m_tool" -P -s 16M -d "$m_tree" "$m_dir/owners.img" \
	>"$m_dir/owners.out" 2>&1; then
	got=$(debugfs -R 'stat /modes/file-0640' "$m_dir/owners.img" \
		2>/dev/null | awk '/^User: / { print $2, $4 }')
	[ "$got" = "$want" ] || fail_because "wrong owner" \
		"/modes/file-0640: uid and gid '$got', the tree's '$want'"
else
	fail_because "mkfs -P failed" "$(cat "$m_dir/owners.out")"
fi
test_end

# -o gives one file of the tree to an owner (how the root image's
# /home/student becomes uid 1000's), and leaves the others root's.
host_test give_owner 5
if "$m_tool" -o modes/file-0640:1000:50 -s 16M -d "$m_tree" \
	"$m_dir/give.img" >"$m_dir/give.out" 2>&1; then
	got=$(debugfs -R 'stat /modes/file-0640' "$m_dir/give.img" \
		2>/dev/null | awk '/^User: / { print $2, $4 }')
	[ "$got" = "1000 50" ] || fail_because "wrong owner" \
		"/modes/file-0640: uid and gid '$got', not '1000 50'"
	got=$(debugfs -R 'stat /modes' "$m_dir/give.img" \
		2>/dev/null | awk '/^User: / { print $2, $4 }')
	[ "$got" = "0 0" ] || fail_because "another file changed hands" \
		"/modes: uid and gid '$got', not root's"
else
	fail_because "mkfs -o failed" "$(cat "$m_dir/give.out")"
fi
test_end

# A tree that does not fit: a clear message, status 1, and the image
# that was there before left as it was, with no temporary file beside it.
host_test too_small 10
echo "an older image" >"$m_dir/small.img"
"$m_tool" -b 1024 -s 2M -N 1024 -d "$m_tree" "$m_dir/small.img" \
	>"$m_dir/small.out" 2>&1
st=$?
[ $st -eq 1 ] || fail_because "wrong exit status" "mkfs exited $st, not 1"
grep -q -E '^mkfs: .* needs [0-9]+ blocks of 1024 bytes, the image has [0-9]+' \
	"$m_dir/small.out" || fail_because "unclear message" \
	"expected 'mkfs: ... needs N blocks of 1024 bytes, the image has M'," \
	"got: $(cat "$m_dir/small.out")"
[ "$(cat "$m_dir/small.img")" = "an older image" ] ||
	fail_because "image overwritten" "$m_dir/small.img changed"
left=$(ls "$m_dir" | grep '^small\.img.' | head -n 3)
[ -z "$left" ] || fail_because "left a file behind" "$left"
"$m_tool" -s 16M -N 64 -d "$m_tree" "$m_dir/few.img" >"$m_dir/few.out" 2>&1
st=$?
[ $st -eq 1 ] && grep -q -E '^mkfs: .* needs [0-9]+ inodes, the image has' \
	"$m_dir/few.out" || fail_because "unclear message" "with -N 64, status" \
	"$st: $(cat "$m_dir/few.out")"
[ ! -e "$m_dir/few.img" ] || fail_because "left a file behind" few.img
test_end

# -j: an ext3 journal as mke2fs -j makes one: e2fsck finds the image
# clean, dumpe2fs sees has_journal, inode 8, an empty v2 log whose first
# transaction is 1, the same journal size mke2fs picks for the same size
# of file system (and -J size=8 gives 8 MiB); the tree reads back the
# same; a file system too small for a journal, or -J with a bad size, is
# refused with status 1.
mk_jfield()
{
	dumpe2fs -h "$1" 2>/dev/null | sed -n "s/^$2: *//p"
}
host_test journal 10
if "$m_tool" -j -b 1024 -s 64M -d "$m_tree" "$m_dir/j.img" \
	>"$m_dir/j.out" 2>&1; then
	m_img=$m_dir/j.img
	e2fsck -fn "$m_img" >"$m_dir/j.fsck" 2>&1 ||
		fail_because "e2fsck found problems" "$(tail -n 5 "$m_dir/j.fsck")"
	case " $(mk_jfield "$m_img" 'Filesystem features') " in
	*" has_journal "*) ;;
	*) fail_because "no has_journal" "$(mk_jfield "$m_img" 'Filesystem features')" ;;
	esac
	[ "$(mk_jfield "$m_img" 'Journal inode')" = 8 ] ||
		fail_because "journal inode" "not 8"
	[ "$(mk_jfield "$m_img" 'Journal sequence')" = 0x00000001 ] &&
		[ "$(mk_jfield "$m_img" 'Journal start')" = 0 ] ||
		fail_because "journal not empty" \
			"sequence $(mk_jfield "$m_img" 'Journal sequence')," \
			"start $(mk_jfield "$m_img" 'Journal start')"
	[ "$(mk_jfield "$m_img" 'Journal backup')" = "inode blocks" ] ||
		fail_because "no backup" "s_jnl_blocks not kept"
	rm -f "$m_dir/linux-j.img"
	mke2fs -q -F -t ext3 -b 1024 "$m_dir/linux-j.img" 64M \
		>"$m_dir/linux-j.out" 2>&1 ||
		fail_because "mke2fs failed" "$(cat "$m_dir/linux-j.out")"
	ours=$(mk_jfield "$m_img" 'Total journal blocks')
	theirs=$(mk_jfield "$m_dir/linux-j.img" 'Total journal blocks')
	[ -n "$ours" ] && [ "$ours" = "$theirs" ] ||
		fail_because "journal size" "ours $ours blocks, mke2fs's $theirs"
	debugfs -R "cat /sizes/1025" "$m_img" 2>/dev/null | cksum >"$m_dir/j.sum"
	cksum <"$m_tree/sizes/1025" | cmp -s - "$m_dir/j.sum" ||
		fail_because "contents" "/sizes/1025 differs in the -j image"
else
	fail_because "mkfs -j failed" "$(cat "$m_dir/j.out")"
fi
if "$m_tool" -J size=8 -b 1024 -s 64M -d "$m_tree" "$m_dir/j8.img" \
	>"$m_dir/j8.out" 2>&1; then
	[ "$(mk_jfield "$m_dir/j8.img" 'Total journal blocks')" = 8192 ] ||
		fail_because "-J size=8" "journal of" \
			"$(mk_jfield "$m_dir/j8.img" 'Total journal blocks') blocks"
	e2fsck -fn "$m_dir/j8.img" >"$m_dir/j8.fsck" 2>&1 ||
		fail_because "e2fsck found problems" "in the -J size=8 image"
else
	fail_because "mkfs -J size=8 failed" "$(cat "$m_dir/j8.out")"
fi
"$m_tool" -j -b 1024 -s 1M -N 64 -d "$m_tree/modes" "$m_dir/j1.img" \
	>"$m_dir/j1.out" 2>&1
st=$?
[ $st -eq 1 ] && grep -q '^mkfs: -j: .* too few for a journal' \
	"$m_dir/j1.out" || fail_because "1 MiB with -j" "status $st:" \
	"$(cat "$m_dir/j1.out")"
"$m_tool" -J size=x -s 64M -d "$m_tree" "$m_dir/jx.img" >"$m_dir/jx.out" 2>&1
st=$?
[ $st -ne 0 ] && [ ! -e "$m_dir/jx.img" ] ||
	fail_because "-J size=x" "status $st: $(cat "$m_dir/jx.out")"
test_end
