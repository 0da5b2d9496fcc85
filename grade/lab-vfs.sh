# Lab vfs: the buffer cache and the virtual file system (docs/bcache.md,
# docs/vfs.md). Sourced by grade/grade.sh; helpers in grade/lib.sh.

# The buffer cache, on a disk made of memory inside the tests.
boot bcache mem=512M cmdline="ktest=bcache"
for t in read_and_hit block_sizes refcounts lru_order writeback_on_evict \
	writeback_on_sync invalidate read_error write_error get_zero \
	all_referenced clustered_sync; do
	ktest_pass "bcache.$t" 5
done

# The same with a cache of 16 buffers: recycling all the time.
boot bcache-16 mem=512M cmdline="ktest=bcache bcache=16"
for t in lru_order writeback_on_evict write_error all_referenced; do
	ktest_pass "bcache.$t" 2 "bcache.$t@16"
done

# The VFS: each conformance case on a fresh ramfs, then all of them in
# one directory, then mounts and the inode cache.
boot vfs mem=512M cmdline="ktest=vfs"
for t in paths name_limits create_open read_write lseek_holes big_file \
	truncate mkdir_rmdir unlink links symlinks rename_files rename_dirs \
	readdir stat_times statfs unlinked_open dead_dir fsync; do
	ktest_pass "vfs.$t" 5
done
ktest_pass vfs.conformance 10
for t in mount_cross mount_busy mount_errors mount_stacked read_only \
	icache_refs icache_writeback icache_unlinked ramfs_enospc \
	dirent_layout; do
	ktest_pass "vfs.$t" 5
done

# bcache= past what one kmalloc block holds is not a panic: the count is
# cut to what fits, with a message (and halved again should memory be
# short), and the kernel boots.
boot bcache-huge mem=128M cmdline="bcache=65536 ktest=boot.ready"
test_start bcache_too_many 5
expect_exit 1
ordered
need_re '^bcache: bcache=65536 is above [0-9]+; using [0-9]+$'
need_re '^bcache: [0-9]+ buffers$'
need 'ktest: boot.ready: PASS'
test_end

# The page cache (docs/memory.md): one file through write(), read() and
# MAP_SHARED in several processes, on the root file system (ext2).
run_usertests pagecache 300 t_pagecache
usertest_pass t_pagecache 10
