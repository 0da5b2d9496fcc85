# Lab journal: ext3's journal in kernel/fs/ext2/journal.c (docs/ext2.md),
# on images made by Linux's mke2fs -t ext3 and checked by e2fsck and
# debugfs on the host. Sourced by grade/grade.sh; helpers in grade/lib.sh.
# Everything lives in $BUILD/grade/journal, made afresh on each run.
#
#   write-ext3    the ext2 lab's workload (ext2.write) on an ext3 image:
#                 e2fsck -fn clean, needs_recovery cleared at unmount,
#                 debugfs sees the files
#   crash         ext2.journal_crash: a transaction committed to the log
#                 but never written home (a test hook stops the commit
#                 there, as a power cut would); the home blocks lack it
#   crash-e2fsck  e2fsck -fy replays the journal Kestrel wrote: clean,
#                 and the transaction's changes are there
#   crash-kestrel Kestrel's own mount replays it: the same
#   linux-dirty   a transaction written by debugfs (journal_write) with a
#                 revoke, left needing recovery: Kestrel replays the
#                 block, honours the revoke, and e2fsck is clean
#   csum          a journal with checksums (metadata_csum's csum v3) is
#                 refused with a message, never mounted
#   powercut-S    the power-cut test, seed S (1, 2, 3): /tests/powercut
#                 writes, appends, truncates, renames and unlinks files on
#                 an ext3 disk, printing a line after each fsync; the host
#                 SIGKILLs QEMU after a delay drawn from the seed. Then
#                 e2fsck -fy replays (powercut-S.e2fsck) or Kestrel's mount
#                 does (powercut-S.kestrel): e2fsck -fn clean, and every
#                 file whose last line was printed holds what it said

PATH=$PATH:/sbin:/usr/sbin
for _tool in mke2fs debugfs e2fsck dumpe2fs cksum dd; do
	command -v $_tool >/dev/null 2>&1 ||
		die "lab journal needs $_tool (e2fsprogs, coreutils): run make setup"
done
E2FSPROGS_FAKE_TIME=1700000000
export E2FSPROGS_FAKE_TIME
jn_uuid=6b657374-7265-6c00-0000-0000000ee3f5

# jn_mke2fs MKE2FS-OPTIONS... IMAGE SIZE: an ext3 image.
jn_mke2fs()
{
	mke2fs -q -F -t ext3 -U $jn_uuid -E hash_seed=$jn_uuid "$@" \
		>"$g_dir/mke2fs.out" 2>&1 ||
		die "mke2fs $*: $(cat "$g_dir/mke2fs.out")"
}

# jn_clean IMAGE: e2fsck -fn finds nothing.
jn_clean()
{
	if ! e2fsck -fn "$1" >"$1.fsck" 2>&1; then
		fail_because "e2fsck" "e2fsck -fn $1 found problems:"
		note "$(grep -v '^Pass \|^e2fsck ' "$1.fsck" | head -n 15 |
			sed 's/^/  /')"
	fi
}

jn_debugfs()
{
	debugfs -R "$2" "$1" 2>/dev/null
}

# jn_cat IMAGE PATH: the file's contents, as debugfs reads them.
jn_cat()
{
	jn_debugfs "$1" "cat $2"
}

# jn_features IMAGE: the superblock's feature list.
jn_features()
{
	dumpe2fs -h "$1" 2>/dev/null | sed -n 's/^Filesystem features: *//p'
}

# jn_expect_file IMAGE PATH CONTENTS
jn_expect_file()
{
	_c=$(jn_cat "$1" "$2")
	[ "$_c" = "$3" ] || fail_because "contents" \
		"$2 holds '$(printf '%s' "$_c" | head -c 60)', expected '$3'"
}

# jn_expect_size IMAGE PATH SIZE
jn_expect_size()
{
	_s=$(jn_debugfs "$1" "stat $2" | sed -n 's/.*Size: *\([0-9]*\).*/\1/p' |
		head -n 1)
	[ "$_s" = "$3" ] || fail_because "size" "$2: size '$_s', expected $3"
}

# jn_no_recovery IMAGE: needs_recovery is clear.
jn_no_recovery()
{
	case " $(jn_features "$1") " in
	*" needs_recovery "*)
		fail_because "needs_recovery" "still set on $1" ;;
	esac
}

# ---- write-ext3: the ext2 lab's workload ---------------------------------

jn_img=$g_dir/write.img
jn_mke2fs -b 1024 -I 256 -g 4096 "$jn_img" 100M
boot write-ext3 disk="$jn_img" cmdline="ktest=ext2.write ext2.disk=vda" \
	timeout=300 stall=60
ktest_pass ext2.write 10 write-ext3
test_start write-ext3.e2fsck 10
expect_end any
need "ktest: ext2.write: PASS"
jn_clean "$jn_img"
jn_no_recovery "$jn_img"
case $(dumpe2fs -h "$jn_img" 2>/dev/null | sed -n 's/^Filesystem state: *//p') in
clean) ;;
*) fail_because "state" "not marked clean after unmount" ;;
esac
test_end
test_start write-ext3.debugfs 10
expect_end any
need "ktest: ext2.write: PASS"
jn_expect_size "$jn_img" /w/big.bin 67108864
jn_expect_size "$jn_img" /w/d5/c.txt 13
jn_expect_size "$jn_img" /w/s-slow 200
test_end

# ---- crash: committed to the log, never home --------------------------------

jn_img=$g_dir/crash.img
jn_mke2fs -b 1024 "$jn_img" 16M
boot crash disk="$jn_img" cmdline="ktest=ext2.journal_crash ext2.disk=vda"
ktest_pass ext2.journal_crash 10 crash
test_start crash.home 5
expect_end any
need "committed, not checkpointed"
case " $(jn_features "$jn_img") " in
*" needs_recovery "*) ;;
*) fail_because "needs_recovery" "not set after the crash" ;;
esac
# The home blocks hold the first transaction only.
jn_expect_file "$jn_img" /old "old file"
jn_debugfs "$jn_img" "stat /new" | grep -q '^Inode:' &&
	fail_because "home" "/new is at home before any replay"
jn_debugfs "$jn_img" "logdump" | grep -q 'Found expected sequence' ||
	fail_because "log" "debugfs logdump finds no transaction"
test_end
cp "$jn_img" "$g_dir/crash-k.img"

test_start crash-e2fsck 10
expect_end any
need "committed, not checkpointed"
e2fsck -fy "$jn_img" >"$jn_img.replay" 2>&1
grep -q 'recovering journal' "$jn_img.replay" ||
	fail_because "replay" "e2fsck -fy did not recover the journal"
jn_clean "$jn_img"
jn_expect_file "$jn_img" /new "journaled"
jn_expect_file "$jn_img" /d/moved "old file"
jn_expect_size "$jn_img" /trunc 5
test_end

jn_img=$g_dir/crash-k.img
boot crash-kestrel disk="$jn_img" cmdline="ktest=ext2.tree ext2.disk=vda"
test_start crash-kestrel 10
expect_end any
need "journal replayed"
need "ktest: ext2.tree: PASS"
need_re "^tree: /new 100644 1 10 "
need_re "^tree: /d/moved 100644 1 9 "
need_re "^tree: /trunc 100644 1 5 "
jn_clean "$jn_img"
jn_no_recovery "$jn_img"
jn_expect_file "$jn_img" /new "journaled"
test_end

# ---- linux-dirty: a journal debugfs wrote -----------------------------------

jn_img=$g_dir/linux.img
jn_mke2fs -b 1024 "$jn_img" 16M
printf 'before\n' >"$g_dir/a.txt"
printf 'kept\n' >"$g_dir/b.txt"
debugfs -w -R "write $g_dir/a.txt a.txt" "$jn_img" >/dev/null 2>&1
debugfs -w -R "write $g_dir/b.txt b.txt" "$jn_img" >/dev/null 2>&1
jn_blk_a=$(jn_debugfs "$jn_img" "bmap a.txt 0")
jn_blk_b=$(jn_debugfs "$jn_img" "bmap b.txt 0")
# Transaction 1 writes new bytes over both files' blocks (a block of the
# file each); transaction 2 revokes b's, so only a's may be replayed.
head -c 1024 /dev/zero | tr '\0' 'J' >"$g_dir/jblock"
printf 'after\n' | dd of="$g_dir/jblock" conv=notrunc 2>/dev/null
cat "$g_dir/jblock" "$g_dir/jblock" >"$g_dir/jblocks"
printf 'jo\njw -b %s,%s %s\njc\njo\njw -r %s\njc\n' "$jn_blk_a" "$jn_blk_b" \
	"$g_dir/jblocks" "$jn_blk_b" >"$g_dir/jcmds"
debugfs -w -f "$g_dir/jcmds" "$jn_img" >"$g_dir/jcmds.out" 2>&1
case " $(jn_features "$jn_img") " in
*" needs_recovery "*) jn_dirty=yes ;;
*) jn_dirty=no ;;
esac
boot linux-dirty disk="$jn_img" cmdline="ktest=ext2.tree ext2.disk=vda"
test_start linux-dirty 10
expect_end any
[ $jn_dirty = yes ] ||
	fail_because "setup" "debugfs did not leave the journal needing recovery"
need "journal replayed: transactions 1 to 2, 1 blocks, 1 revoked"
need "ktest: ext2.tree: PASS"
jn_clean "$jn_img"
jn_no_recovery "$jn_img"
_a=$(jn_cat "$jn_img" a.txt | head -c 5)
[ "$_a" = after ] || fail_because "replay" "a.txt begins '$_a', not 'after'"
jn_expect_file "$jn_img" b.txt "kept"
test_end

# ---- csum: checksummed journals are refused ---------------------------------

jn_img=$g_dir/csum.img
jn_mke2fs -b 1024 "$jn_img" 16M
# Set csum v3 (0x10) in the journal superblock's incompatible features
# (big-endian, at byte 0x28 of journal block 0).
jn_jsb=$(jn_debugfs "$jn_img" "bmap <8> 0")
printf '\020' | dd of="$jn_img" bs=1 seek=$((jn_jsb * 1024 + 0x2b)) \
	conv=notrunc 2>/dev/null
boot csum disk="$jn_img" cmdline="ktest=ext2.walk ext2.disk=vda"
test_start csum 5
expect_end any
need "journal features not supported"
need "ext2.walk: mount refused"
test_end

# ---- powercut: SIGKILL in the middle of a workload ---------------------------

# jn_expected LOG: "NAME SIZE CKSUM" or "NAME gone" for every name the
# workload's printed lines vouch for; names of an operation begun but
# not finished are left out (either state is right for them).
jn_expected()
{
	awk '
	/^begin / { delete unsure; unsure[$3] = 1; if (NF > 3) unsure[$4] = 1; next }
	/^synced / { st[$3] = $4 " " $5; delete unsure; next }
	/^gone / { st[$3] = "gone"; next }
	END { for (n in st) if (!(n in unsure)) print n, st[n] }' "$1" |
		LC_ALL=C sort
}

# jn_check_host IMAGE EXPECTED: what debugfs reads is what was vouched for.
jn_check_host()
{
	_bad=0
	while read -r _n _size _sum; do
		if [ "$_size" = gone ]; then
			jn_debugfs "$1" "stat /$_n" | grep -q '^Inode:' && {
				fail_because "contents" "/$_n exists, but its unlink was synced"
				_bad=1
			}
			continue
		fi
		jn_debugfs "$1" "dump /$_n $g_dir/dumped" >/dev/null
		_got="$(stat -c %s "$g_dir/dumped" 2>/dev/null) $(cksum <"$g_dir/dumped" | cut -d ' ' -f 1)"
		[ "$_got" = "$_size $_sum" ] || {
			fail_because "contents" "/$_n: size and cksum '$_got', synced '$_size $_sum'"
			_bad=1
		}
		rm -f "$g_dir/dumped"
		[ $_bad = 0 ] || break
	done <"$2"
}

# jn_check_tree EXPECTED: the last boot's ext2.tree listing agrees.
jn_check_tree()
{
	while read -r _n _size _sum; do
		_line=$(grep -a "^tree: /$_n " "$b_log")
		if [ "$_size" = gone ]; then
			[ -z "$_line" ] ||
				fail_because "contents" "/$_n exists, but its unlink was synced"
			continue
		fi
		case $_line in
		"tree: /$_n 100644 1 $_size $_sum") ;;
		*) fail_because "contents" "/$_n: '$_line', synced '$_size $_sum'"
		   break ;;
		esac
	done <"$1"
}

for jn_seed in 1 2 3; do
	jn_img=$g_dir/powercut-$jn_seed.img
	jn_mke2fs -b 1024 "$jn_img" 32M
	# The delay before the cut, from the seed: 0.5 to 4.5 s (scaled).
	jn_delay=$((500 + (jn_seed * 2654435761) % 4000))
	boot_start "powercut-$jn_seed" serial_input \
		disk="$(root_copy "powercut-$jn_seed-root")" disk="$jn_img" \
		cmdline="root=vda" timeout=300 stall=60
	jn_ran=no
	if wait_for '$ ' 60; then
		serial_send "/tests/powercut /mnt/pc $jn_seed 1000000 /dev/vdb\r"
		if wait_for "powercut: running" 60; then
			jn_ran=yes
			sleep "$(awk -v ms=$jn_delay -v f="$GRADE_TIME_SCALE" \
				'BEGIN { printf "%.1f\n", ms * f / 1000 }')"
			jn_pid=$(cat "$b_pid_file" 2>/dev/null)
			if [ -n "$jn_pid" ]; then
				pkill -KILL -P "$jn_pid" 2>/dev/null
				kill -KILL "$jn_pid" 2>/dev/null
			fi
			boot_stop killed "power cut after $jn_delay ms"
		fi
	fi
	[ -z "$b_running" ] || boot_stop killed "power cut"
	jn_log=$g_dir/powercut-$jn_seed.log
	jn_expected "$jn_log" >"$g_dir/powercut-$jn_seed.expected"
	cp "$jn_img" "$g_dir/powercut-$jn_seed-k.img"

	test_start "powercut-$jn_seed.e2fsck" 10
	expect_end any
	[ $jn_ran = yes ] || fail_because "workload" "powercut never started"
	grep -q '^synced ' "$jn_log" ||
		fail_because "workload" "no fsync finished before the cut"
	forbid "powercut: FAIL"
	e2fsck -fy "$jn_img" >"$jn_img.replay" 2>&1
	jn_clean "$jn_img"
	jn_check_host "$jn_img" "$g_dir/powercut-$jn_seed.expected"
	note "$(grep -c '^synced ' "$jn_log") fsyncs before the cut; $(wc -l <"$g_dir/powercut-$jn_seed.expected") names checked"
	test_end

	jn_img=$g_dir/powercut-$jn_seed-k.img
	boot "powercut-$jn_seed-kestrel" disk="$jn_img" \
		cmdline="ktest=ext2.tree ext2.disk=vda"
	test_start "powercut-$jn_seed.kestrel" 10
	expect_end any
	need "ktest: ext2.tree: PASS"
	jn_check_tree "$g_dir/powercut-$jn_seed.expected"
	jn_clean "$jn_img"
	jn_no_recovery "$jn_img"
	test_end
done

# ---- mkfs -j: Kestrel's own mkfs makes the journal Kestrel then writes ------
# The image comes from mkfs -j (not mke2fs): Kestrel mounts it as ext3,
# logs its writes (the journal's sequence moves past 1, its first
# transaction), unmounts clean, and e2fsck agrees.

jn_img=$g_dir/mkfs-j.img
rm -rf "$g_dir/mkfs-j.tree" && mkdir -p "$g_dir/mkfs-j.tree/etc" &&
	echo kestrel >"$g_dir/mkfs-j.tree/etc/hello" &&
	"$BUILD/mkfs" -j -b 1024 -I 256 -g 4096 -s 100M \
		-d "$g_dir/mkfs-j.tree" "$jn_img" >"$jn_img.out" 2>&1 ||
	die "mkfs -j: $(cat "$jn_img.out")"
boot mkfs-j disk="$jn_img" cmdline="ktest=ext2.write ext2.disk=vda" \
	timeout=300 stall=60
ktest_pass ext2.write 5 mkfs-j
test_start mkfs-j.e2fsck 10
expect_end any
need "ktest: ext2.write: PASS"
jn_clean "$jn_img"
jn_no_recovery "$jn_img"
jn_seq=$(dumpe2fs -h "$jn_img" 2>/dev/null | sed -n 's/^Journal sequence: *//p')
case $jn_seq in
'' | 0x00000001)
	fail_because "journal unused" "sequence '$jn_seq' after the writes" ;;
esac
[ "$(jn_cat "$jn_img" /etc/hello)" = kestrel ] ||
	fail_because "contents" "/etc/hello lost"
jn_expect_size "$jn_img" /w/d5/c.txt 13
test_end
