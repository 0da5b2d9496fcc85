/*
 * Mounting an ext2 file system, and what is kept in memory while it is
 * mounted: a copy of the superblock and of the group descriptors. The
 * disk is divided into block groups of s_blocks_per_group blocks; each
 * group has a block bitmap, an inode bitmap and a slice of the inode
 * table, and some groups (0, 1 and the powers of 3, 5 and 7 with
 * sparse_super) start with a copy of the superblock and the descriptor
 * table. docs/ext2.md has the picture.
 *
 * Mounting reads the superblock straight from the device (its block
 * size is not known yet), refuses what this code cannot handle (a foreign
 * magic, unknown incompatible features, a journal that needs recovery, a
 * geometry that does not add up, descriptors that point outside their
 * group) with a kernel message, and mounts read-only when it meets
 * read-only-compatible features it does not know. A writable mount
 * clears EXT2_VALID_FS on the disk at once and sets it again at a clean
 * unmount, so a crash in between shows as "not clean" to e2fsck.
 *
 * Only the primary superblock and descriptor table are written; the
 * backups hold the geometry, which never changes (as Linux's ext2).
 * Corruption found later (ext2_error) never stops the kernel: the
 * operation fails with -EIO and the superblock is marked EXT2_ERROR_FS.
 */
#include "fs/ext2/ext2.h"
#include "mm/mm.h"

struct feature_name {
	uint32_t mask;
	const char *name;
};

/* As e2fsprogs names them (dumpe2fs, mke2fs -O). */
static const struct feature_name incompat_names[] = {
	{ EXT2_FEATURE_INCOMPAT_COMPRESSION, "compression" },
	{ EXT2_FEATURE_INCOMPAT_FILETYPE, "filetype" },
	{ EXT3_FEATURE_INCOMPAT_RECOVER, "needs_recovery" },
	{ EXT3_FEATURE_INCOMPAT_JOURNAL_DEV, "journal_dev" },
	{ EXT2_FEATURE_INCOMPAT_META_BG, "meta_bg" },
	{ EXT4_FEATURE_INCOMPAT_EXTENTS, "extent" },
	{ EXT4_FEATURE_INCOMPAT_64BIT, "64bit" },
	{ EXT4_FEATURE_INCOMPAT_MMP, "mmp" },
	{ EXT4_FEATURE_INCOMPAT_FLEX_BG, "flex_bg" },
	{ EXT4_FEATURE_INCOMPAT_EA_INODE, "ea_inode" },
	{ EXT4_FEATURE_INCOMPAT_DIRDATA, "dirdata" },
	{ EXT4_FEATURE_INCOMPAT_CSUM_SEED, "metadata_csum_seed" },
	{ EXT4_FEATURE_INCOMPAT_LARGEDIR, "large_dir" },
	{ EXT4_FEATURE_INCOMPAT_INLINE_DATA, "inline_data" },
	{ EXT4_FEATURE_INCOMPAT_ENCRYPT, "encrypt" },
};

static const struct feature_name ro_compat_names[] = {
	{ EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER, "sparse_super" },
	{ EXT2_FEATURE_RO_COMPAT_LARGE_FILE, "large_file" },
	{ EXT2_FEATURE_RO_COMPAT_BTREE_DIR, "btree_dir" },
	{ EXT4_FEATURE_RO_COMPAT_HUGE_FILE, "huge_file" },
	{ EXT4_FEATURE_RO_COMPAT_GDT_CSUM, "uninit_bg" },
	{ EXT4_FEATURE_RO_COMPAT_DIR_NLINK, "dir_nlink" },
	{ EXT4_FEATURE_RO_COMPAT_EXTRA_ISIZE, "extra_isize" },
	{ EXT4_FEATURE_RO_COMPAT_QUOTA, "quota" },
	{ EXT4_FEATURE_RO_COMPAT_BIGALLOC, "bigalloc" },
	{ EXT4_FEATURE_RO_COMPAT_METADATA_CSUM, "metadata_csum" },
};

static const struct super_operations ext2_super_ops;

void ext2_error(struct ext2_fs *fs, const char *fmt, ...)
{
	char msg[192];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kprintf("ext2: %s: %s\n", fs->name, msg);
	__atomic_store_n(&fs->errors, true, __ATOMIC_RELAXED);
}

int ext2_check_writable(struct ext2_fs *fs)
{
	return fs->vfs.read_only ? -EROFS : 0;
}

static bool is_power_of(uint32_t n, uint32_t base)
{
	while (n > 1 && n % base == 0)
		n /= base;
	return n == 1;
}

bool ext2_group_has_super(struct ext2_fs *fs, uint32_t g)
{
	if (!(fs->sb.s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER))
		return true;
	return g <= 1 || is_power_of(g, 3) || is_power_of(g, 5) ||
	       is_power_of(g, 7);
}

uint32_t ext2_group_first_block(struct ext2_fs *fs, uint32_t g)
{
	return fs->first_data_block + g * fs->blocks_per_group;
}

uint32_t ext2_group_blocks(struct ext2_fs *fs, uint32_t g)
{
	if (g == fs->groups_count - 1)
		return fs->blocks_count - ext2_group_first_block(fs, g);
	return fs->blocks_per_group;
}

static uint32_t now_seconds(void)
{
	return (uint32_t)vfs_now().sec;
}

/* "extent 64bit 0x20000": the names of the bits of set. */
static void feature_list(char *buf, size_t size,
			 const struct feature_name *names, size_t n,
			 uint32_t set)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++) {
		if (set & names[i].mask) {
			used += ksnprintf(buf + used, size - used, "%s%s",
					  used ? " " : "", names[i].name);
			set &= ~names[i].mask;
		}
	}
	if (set && used < size)
		ksnprintf(buf + used, size - used, "%s%#x", used ? " " : "",
			  set);
}

/* Refuse unknown incompatible features; go read-only for unknown
 * read-only-compatible ones. */
static int check_features(struct ext2_fs *fs, bool *read_only)
{
	const struct ext2_superblock *s = &fs->sb;
	uint32_t incompat = s->s_feature_incompat & ~EXT2_KESTREL_INCOMPAT;
	uint32_t ro = s->s_feature_ro_compat & ~EXT2_KESTREL_RO_COMPAT;
	char list[128];

	if (s->s_rev_level == EXT2_GOOD_OLD_REV)
		return 0; /* no feature fields before revision 1 */
	if ((incompat & EXT3_FEATURE_INCOMPAT_RECOVER) &&
	    (s->s_feature_compat & EXT3_FEATURE_COMPAT_HAS_JOURNAL))
		incompat &= ~EXT3_FEATURE_INCOMPAT_RECOVER; /* journal.c */
	if (incompat & EXT3_FEATURE_INCOMPAT_RECOVER) {
		kprintf("ext2: %s: the journal needs recovery (run e2fsck); "
			"not mounted\n",
			fs->name);
		return -EINVAL;
	}
	if (incompat) {
		feature_list(list, sizeof(list), incompat_names,
			     ARRAY_SIZE(incompat_names), incompat);
		kprintf("ext2: %s: incompatible features not supported: %s; "
			"not mounted\n",
			fs->name, list);
		return -EINVAL;
	}
	if (ro && !*read_only) {
		feature_list(list, sizeof(list), ro_compat_names,
			     ARRAY_SIZE(ro_compat_names), ro);
		kprintf("ext2: %s: read-only-compatible features not "
			"supported: %s; mounting read-only\n",
			fs->name, list);
		*read_only = true;
	}
	return 0;
}

/*
 * The largest file the block map can describe with i_blocks (512-byte
 * units, data and indirect blocks together) below 2^32, as Linux's
 * ext2_max_size works it out.
 */
static uint64_t max_file_size(uint32_t block_log)
{
	uint64_t per = 1ULL << (block_log - 2); /* addresses per block */
	uint64_t tree = EXT2_NDIR_BLOCKS + per + per * per + per * per * per;
	uint64_t meta = 1 + (1 + per) + (1 + per + per * per);
	uint64_t limit = 0xffffffffULL >> (block_log - 9); /* blocks */
	uint64_t rest;

	if (tree + meta <= limit)
		return tree << block_log;
	/* i_blocks runs out first: take the indirect blocks off. */
	rest = limit - EXT2_NDIR_BLOCKS - per;
	meta = 1;
	if (rest < per * per) {
		meta += 1 + (rest + per - 1) / per;
	} else {
		meta += 1 + per;
		rest -= per * per;
		meta += 1 + (rest + per - 1) / per +
			(rest + per * per - 1) / (per * per);
	}
	return (limit - meta) << block_log;
}

/* One reason a superblock's geometry is impossible, or NULL. */
static const char *geometry_problem(struct ext2_fs *fs)
{
	const struct ext2_superblock *s = &fs->sb;
	uint32_t bs = fs->block_size, bits = 8 * bs;
	uint64_t groups;

	if (s->s_blocks_per_group == 0 || s->s_blocks_per_group > bits ||
	    s->s_blocks_per_group % 8)
		return "impossible blocks per group";
	if (s->s_inodes_per_group == 0 || s->s_inodes_per_group > bits)
		return "impossible inodes per group";
	if (fs->inode_size < EXT2_GOOD_OLD_INODE_SIZE || fs->inode_size > bs ||
	    (fs->inode_size & (fs->inode_size - 1)))
		return "impossible inode size";
	if (s->s_first_data_block != (bs == 1024 ? 1u : 0u))
		return "wrong first data block";
	if (s->s_blocks_count <= s->s_first_data_block)
		return "impossible block count";
	groups = (s->s_blocks_count - s->s_first_data_block +
		  s->s_blocks_per_group - 1) /
		 s->s_blocks_per_group;
	if ((uint64_t)s->s_inodes_per_group * groups != s->s_inodes_count)
		return "inode count does not match the groups";
	if (fs->first_ino < EXT2_GOOD_OLD_FIRST_INO ||
	    fs->first_ino >= s->s_inodes_count)
		return "impossible first inode";
	if (s->s_reserved_gdt_blocks > bs / 4)
		return "impossible reserved descriptor blocks";
	return NULL;
}

/* Derive the geometry from the superblock, and check it adds up. */
static int read_geometry(struct ext2_fs *fs)
{
	const struct ext2_superblock *s = &fs->sb;
	const char *why;
	uint64_t fs_bytes;

	if (s->s_log_block_size > EXT2_MAX_BLOCK_LOG - EXT2_MIN_BLOCK_LOG) {
		kprintf("ext2: %s: block size 2^(10+%u) not supported (1, 2 "
			"or 4 KiB); not mounted\n",
			fs->name, s->s_log_block_size);
		return -EINVAL;
	}
	fs->block_log = EXT2_MIN_BLOCK_LOG + s->s_log_block_size;
	fs->block_size = 1u << fs->block_log;
	fs->addr_log = fs->block_log - 2;
	fs->addr_per_block = fs->block_size / 4;
	if (s->s_rev_level == EXT2_GOOD_OLD_REV) {
		fs->inode_size = EXT2_GOOD_OLD_INODE_SIZE;
		fs->first_ino = EXT2_GOOD_OLD_FIRST_INO;
	} else {
		fs->inode_size = s->s_inode_size;
		fs->first_ino = s->s_first_ino;
	}
	why = geometry_problem(fs);
	if (why) {
		kprintf("ext2: %s: superblock: %s (%u blocks of %u bytes, %u "
			"per group; %u inodes of %u bytes, %u per group); not "
			"mounted\n",
			fs->name, why, s->s_blocks_count, fs->block_size,
			s->s_blocks_per_group, s->s_inodes_count,
			fs->inode_size, s->s_inodes_per_group);
		return -EIO;
	}
	fs_bytes = (uint64_t)s->s_blocks_count << fs->block_log;
	if (fs_bytes > fs->dev->sectors * SECTOR_SIZE) {
		kprintf("ext2: %s: superblock: %u blocks of %u bytes, but the "
			"device has only %lu bytes; not mounted\n",
			fs->name, s->s_blocks_count, fs->block_size,
			fs->dev->sectors * SECTOR_SIZE);
		return -EIO;
	}
	fs->blocks_count = s->s_blocks_count;
	fs->inodes_count = s->s_inodes_count;
	fs->first_data_block = s->s_first_data_block;
	fs->blocks_per_group = s->s_blocks_per_group;
	fs->inodes_per_group = s->s_inodes_per_group;
	fs->groups_count = s->s_inodes_count / s->s_inodes_per_group;
	fs->inodes_per_block = fs->block_size / fs->inode_size;
	fs->itable_blocks = (fs->inodes_per_group + fs->inodes_per_block - 1) /
			    fs->inodes_per_block;
	fs->gdt_blocks = (fs->groups_count * sizeof(struct ext2_group_desc) +
			  fs->block_size - 1) >>
			 fs->block_log;
	if (s->s_feature_compat & EXT2_FEATURE_COMPAT_RESIZE_INODE)
		fs->reserved_gdt_blocks = s->s_reserved_gdt_blocks;
	fs->filetype = s->s_rev_level != EXT2_GOOD_OLD_REV &&
		       (s->s_feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE);
	fs->max_file_size = max_file_size(fs->block_log);
	/* Revision 1 sets large_file when a file first passes 2 GiB
	 * (file.c); revision 0 has no feature fields to say so. */
	if (s->s_rev_level == EXT2_GOOD_OLD_REV)
		fs->max_file_size = MIN(fs->max_file_size, 0x7fffffffULL);
	return 0;
}

/* One reason group g's descriptor is impossible, or NULL: without
 * flex_bg each group's bitmaps and inode table lie inside the group,
 * after its superblock copy and descriptor blocks. */
static const char *group_problem(struct ext2_fs *fs, uint32_t g)
{
	const struct ext2_group_desc *gd = &fs->groups[g];
	uint32_t first = ext2_group_first_block(fs, g);
	uint32_t end = first + ext2_group_blocks(fs, g);
	uint32_t meta = first;

	if (ext2_group_has_super(fs, g))
		meta += 1 + fs->gdt_blocks + fs->reserved_gdt_blocks;
	if (gd->bg_block_bitmap < meta || gd->bg_block_bitmap >= end)
		return "block bitmap outside the group";
	if (gd->bg_inode_bitmap < meta || gd->bg_inode_bitmap >= end)
		return "inode bitmap outside the group";
	if (gd->bg_inode_table < meta || gd->bg_inode_table >= end ||
	    end - gd->bg_inode_table < fs->itable_blocks)
		return "inode table outside the group";
	if (gd->bg_block_bitmap == gd->bg_inode_bitmap)
		return "both bitmaps in one block";
	if (gd->bg_block_bitmap - gd->bg_inode_table < fs->itable_blocks ||
	    gd->bg_inode_bitmap - gd->bg_inode_table < fs->itable_blocks)
		return "a bitmap inside the inode table";
	if (gd->bg_free_blocks_count > ext2_group_blocks(fs, g))
		return "more free blocks than blocks";
	if (gd->bg_free_inodes_count > fs->inodes_per_group ||
	    gd->bg_used_dirs_count > fs->inodes_per_group)
		return "impossible inode counts";
	return NULL;
}

static int read_groups(struct ext2_fs *fs)
{
	size_t bytes = fs->groups_count * sizeof(struct ext2_group_desc);
	struct buf *b;

	fs->groups = kmalloc(bytes);
	if (!fs->groups)
		return -ENOMEM;
	for (uint32_t i = 0; i < fs->gdt_blocks; i++) {
		size_t done = (size_t)i << fs->block_log;

		if (bread(fs->dev, fs->first_data_block + 1 + i, fs->block_size,
			  &b) < 0) {
			kprintf("ext2: %s: cannot read group descriptor block "
				"%u; not mounted\n",
				fs->name, fs->first_data_block + 1 + i);
			return -EIO;
		}
		memcpy((uint8_t *)fs->groups + done, b->data,
		       MIN(fs->block_size, bytes - done));
		brelse(b);
	}
	for (uint32_t g = 0; g < fs->groups_count; g++) {
		const char *why = group_problem(fs, g);

		if (why) {
			kprintf("ext2: %s: group %u: %s (block bitmap %u, "
				"inode bitmap %u, inode table %u); not "
				"mounted\n",
				fs->name, g, why, fs->groups[g].bg_block_bitmap,
				fs->groups[g].bg_inode_bitmap,
				fs->groups[g].bg_inode_table);
			return -EIO;
		}
	}
	return 0;
}

/* The superblock's free counts are the sums of the groups' (Linux's ext2
 * recounts them the same way). Caller holds fs->lock. */
static void sum_free_counts(struct ext2_fs *fs)
{
	uint32_t blocks = 0, inodes = 0;

	for (uint32_t g = 0; g < fs->groups_count; g++) {
		blocks += fs->groups[g].bg_free_blocks_count;
		inodes += fs->groups[g].bg_free_inodes_count;
	}
	fs->sb.s_free_blocks_count = blocks;
	fs->sb.s_free_inodes_count = inodes;
}

/* Copy the superblock into its buffer; with now, write it to the disk at
 * once. Caller holds fs->lock. */
static int write_super(struct ext2_fs *fs, bool now)
{
	uint32_t blk = EXT2_SUPERBLOCK_OFFSET >> fs->block_log;
	uint32_t off = EXT2_SUPERBLOCK_OFFSET & (fs->block_size - 1);
	struct buf *b;
	int err;

	sum_free_counts(fs);
	if (fs->errors)
		fs->sb.s_state |= EXT2_ERROR_FS;
	fs->sb.s_wtime = now_seconds();
	err = bread(fs->dev, blk, fs->block_size, &b);
	if (err < 0)
		return err;
	memcpy(b->data + off, &fs->sb, sizeof(fs->sb));
	if (now) {
		/* Around the journal: only when its log is empty. */
		bdirty(b);
		err = bwrite(b);
	} else {
		ext2_dirty_meta(fs, b);
	}
	brelse(b);
	return err;
}

/* Copy the group descriptors into their buffers. Caller holds fs->lock. */
static int write_groups(struct ext2_fs *fs)
{
	size_t bytes = fs->groups_count * sizeof(struct ext2_group_desc);
	struct buf *b;

	for (uint32_t i = 0; i < fs->gdt_blocks; i++) {
		size_t done = (size_t)i << fs->block_log;
		int err = bread(fs->dev, fs->first_data_block + 1 + i,
				fs->block_size, &b);

		if (err < 0)
			return err;
		memcpy(b->data, (uint8_t *)fs->groups + done,
		       MIN(fs->block_size, bytes - done));
		ext2_dirty_meta(fs, b);
		brelse(b);
	}
	return 0;
}

int ext2_write_super_and_groups(struct ext2_fs *fs)
{
	int err;

	sleep_lock(&fs->lock);
	err = write_groups(fs);
	if (err == 0)
		err = write_super(fs, false);
	sleep_unlock(&fs->lock);
	return err;
}

/* The root must be a directory in use; anything else is a damaged file
 * system. */
static int check_root(struct ext2_fs *fs)
{
	struct ext2_inode raw;
	int err = ext2_read_raw_inode(fs, EXT2_ROOT_INO, &raw);

	if (err < 0)
		return err;
	if (!S_ISDIR(raw.i_mode) || raw.i_links_count == 0) {
		kprintf("ext2: %s: root inode is not a directory in use (mode "
			"%#o, %u links); not mounted\n",
			fs->name, raw.i_mode, raw.i_links_count);
		return -EIO;
	}
	return 0;
}

/* A writable mount: the disk says "in use, not clean" until unmount. */
static int mark_mounted(struct ext2_fs *fs)
{
	int err;

	fs->mount_state = fs->sb.s_state;
	if (fs->journal) {
		/* ext3: the disk stays "clean"; needs_recovery says that the
		 * journal must be looked at after a crash. */
		sleep_lock(&fs->lock);
		fs->sb.s_feature_incompat |= EXT3_FEATURE_INCOMPAT_RECOVER;
		fs->sb.s_mnt_count++;
		fs->sb.s_mtime = now_seconds();
		err = write_super(fs, true);
		sleep_unlock(&fs->lock);
		return err;
	}
	if (!(fs->sb.s_state & EXT2_VALID_FS))
		kprintf("ext2: %s: warning: not cleanly unmounted; run "
			"e2fsck\n",
			fs->name);
	if (fs->sb.s_state & EXT2_ERROR_FS)
		kprintf("ext2: %s: warning: errors were found on it; run "
			"e2fsck\n",
			fs->name);
	sleep_lock(&fs->lock);
	fs->sb.s_state &= ~EXT2_VALID_FS;
	fs->sb.s_mnt_count++;
	fs->sb.s_mtime = now_seconds();
	err = write_super(fs, true);
	sleep_unlock(&fs->lock);
	return err;
}

/* The superblock, read around the buffer cache: its block size is what
 * it tells us. */
static int read_superblock(struct ext2_fs *fs)
{
	uint32_t sectors = EXT2_SUPERBLOCK_SIZE / SECTOR_SIZE;
	uint8_t *buf;
	int err;

	if (fs->dev->sectors <
	    (EXT2_SUPERBLOCK_OFFSET >> SECTOR_SHIFT) + sectors) {
		kprintf("ext2: %s: too small for an ext2 file system\n",
			fs->name);
		return -EINVAL;
	}
	buf = kmalloc(EXT2_SUPERBLOCK_SIZE);
	if (!buf)
		return -ENOMEM;
	err = block_rw(fs->dev, EXT2_SUPERBLOCK_OFFSET >> SECTOR_SHIFT, buf,
		       sectors, false);
	if (err < 0) {
		kprintf("ext2: %s: cannot read the superblock (%d)\n", fs->name,
			err);
		goto out;
	}
	memcpy(&fs->sb, buf, sizeof(fs->sb));
	err = 0;
	if (fs->sb.s_magic != EXT2_SUPER_MAGIC) {
		kprintf("ext2: %s: no ext2 file system (magic %#x, not %#x)\n",
			fs->name, fs->sb.s_magic, EXT2_SUPER_MAGIC);
		err = -EINVAL;
	} else if (fs->sb.s_rev_level > EXT2_DYNAMIC_REV) {
		kprintf("ext2: %s: revision %u not supported (0 or 1); not "
			"mounted\n",
			fs->name, fs->sb.s_rev_level);
		err = -EINVAL;
	}
out:
	kfree(buf);
	return err;
}

/* has_journal: load the journal and replay it if needed; after a replay
 * the superblock and descriptors are read again, and on a read-only
 * mount the disk is marked recovered at once. */
static int load_journal(struct ext2_fs *fs, bool *read_only)
{
	bool dirty = fs->sb.s_feature_incompat & EXT3_FEATURE_INCOMPAT_RECOVER;
	bool replayed;
	int err = ext2_journal_load(fs, &replayed);

	if (err < 0)
		return err;
	if (!replayed) {
		/* needs_recovery over an empty log (a crash between two
		 * commits): nothing to do but say it is recovered. */
		if (dirty && *read_only && !fs->dev->read_only) {
			sleep_lock(&fs->lock);
			fs->sb.s_feature_incompat &=
				~EXT3_FEATURE_INCOMPAT_RECOVER;
			err = write_super(fs, true);
			sleep_unlock(&fs->lock);
		}
		return err;
	}
	kfree(fs->groups);
	fs->groups = NULL;
	err = read_superblock(fs);
	if (err == 0)
		err = check_features(fs, read_only);
	if (err == 0)
		err = read_geometry(fs);
	if (err == 0)
		err = read_groups(fs);
	if (err == 0 && *read_only) {
		sleep_lock(&fs->lock);
		fs->sb.s_feature_incompat &= ~EXT3_FEATURE_INCOMPAT_RECOVER;
		err = write_super(fs, true);
		sleep_unlock(&fs->lock);
	}
	return err;
}

static int ext2_mount(struct block_device *dev, bool read_only,
		      struct super_block **out)
{
	struct ext2_fs *fs = kzalloc(sizeof(*fs));
	int err;

	if (!fs)
		return -ENOMEM;
	fs->dev = dev;
	fs->name = dev->name;
	sleep_lock_init(&fs->lock, "ext2 super");
	read_only = read_only || dev->read_only;
	err = read_superblock(fs);
	if (err < 0)
		goto out_free;
	err = check_features(fs, &read_only);
	if (err < 0)
		goto out_free;
	err = read_geometry(fs);
	if (err < 0)
		goto out_free;
	err = read_groups(fs);
	if (err < 0)
		goto out_groups;
	if (fs->sb.s_feature_compat & EXT3_FEATURE_COMPAT_HAS_JOURNAL) {
		err = load_journal(fs, &read_only);
		if (err < 0)
			goto out_groups;
	}
	err = check_root(fs);
	if (err < 0)
		goto out_groups;
	sleep_lock(&fs->lock);
	sum_free_counts(fs);
	sleep_unlock(&fs->lock);

	fs->vfs.dev = dev;
	fs->vfs.ops = &ext2_super_ops;
	fs->vfs.root_ino = EXT2_ROOT_INO;
	fs->vfs.read_only = read_only;
	sleep_lock_init(&fs->vfs.rename_lock, "ext2 rename");
	if (!read_only) {
		err = mark_mounted(fs);
		if (err < 0)
			goto out_groups;
	}
	kprintf("ext2: %s: mounted%s: %u blocks of %u bytes, %u groups, %u "
		"inodes of %u bytes, %u blocks and %u inodes free\n",
		fs->name, read_only ? " read-only" : "", fs->blocks_count,
		fs->block_size, fs->groups_count, fs->inodes_count,
		fs->inode_size, fs->sb.s_free_blocks_count,
		fs->sb.s_free_inodes_count);
	*out = &fs->vfs;
	return 0;

out_groups:
	ext2_journal_free(fs);
	kfree(fs->groups);
	binvalidate(dev);
out_free:
	kfree(fs);
	return err;
}

/* Write the superblock and descriptors to their buffers, then every
 * dirty buffer of the device to the disk. */
static int ext2_sync(struct super_block *sb)
{
	struct ext2_fs *fs = to_ext2_fs(sb);
	int err;

	if (sb->read_only)
		return 0;
	if (fs->journal)
		return ext2_journal_commit(fs);
	sleep_lock(&fs->lock);
	err = write_groups(fs);
	if (err == 0)
		err = write_super(fs, false);
	sleep_unlock(&fs->lock);
	if (err < 0) {
		ext2_error(fs, "cannot write the superblock or descriptors");
		return err;
	}
	return bsync(fs->dev);
}

/* The journal is empty and everything is home: clear needs_recovery. */
static int mark_recovered(struct ext2_fs *fs)
{
	int err;

	sleep_lock(&fs->lock);
	fs->sb.s_feature_incompat &= ~EXT3_FEATURE_INCOMPAT_RECOVER;
	err = write_super(fs, true);
	sleep_unlock(&fs->lock);
	return err;
}

/* A clean unmount: the state found at mount (clean, unless it was not)
 * and any errors since, written with everything else; then the buffers
 * are dropped and the memory freed. */
static int ext2_unmount(struct super_block *sb)
{
	struct ext2_fs *fs = to_ext2_fs(sb);
	int err = 0;

	if (!sb->read_only) {
		sleep_lock(&fs->lock);
		fs->sb.s_state = fs->mount_state;
		sleep_unlock(&fs->lock);
		err = ext2_sync(sb);
		if (err == 0 && fs->journal)
			err = mark_recovered(fs);
	}
	if (binvalidate(fs->dev) < 0 && err == 0)
		err = -EIO;
	if (err == 0)
		kprintf("ext2: %s: unmounted\n", fs->name);
	else
		kprintf("ext2: %s: unmounted, but writing it failed (%d)\n",
			fs->name, err);
	ext2_journal_free(fs);
	kfree(fs->groups);
	kfree(fs);
	return err;
}

/* Read-only: everything written, and the disk marked as cleanly
 * unmounted, so a power-off after this leaves it clean. Read-write
 * again: marked in use, as at mount. */
static int ext2_remount(struct super_block *sb, bool read_only)
{
	struct ext2_fs *fs = to_ext2_fs(sb);
	int err;

	if (!read_only && fs->dev->read_only)
		return -EROFS;
	if (fs->journal && !read_only) {
		err = mark_mounted(fs); /* needs_recovery again */
		if (err == 0) {
			sb->read_only = false;
			kprintf("ext2: %s: remounted read-write\n", fs->name);
		}
		return err;
	}
	sleep_lock(&fs->lock);
	if (read_only) {
		fs->sb.s_state = fs->mount_state;
	} else {
		fs->mount_state = fs->sb.s_state;
		fs->sb.s_state &= ~EXT2_VALID_FS;
	}
	sleep_unlock(&fs->lock);
	err = ext2_sync(sb);
	if (err == 0 && fs->journal)
		err = mark_recovered(fs);
	if (err == 0) {
		sb->read_only = read_only;
		kprintf("ext2: %s: remounted %s\n", fs->name,
			read_only ? "read-only" : "read-write");
	}
	return err;
}

static int ext2_statfs(struct super_block *sb, struct kstatfs *st)
{
	struct ext2_fs *fs = to_ext2_fs(sb);

	sleep_lock(&fs->lock);
	sum_free_counts(fs);
	st->type = EXT2_SUPER_MAGIC;
	st->block_size = fs->block_size;
	st->blocks = fs->blocks_count;
	st->blocks_free = fs->sb.s_free_blocks_count;
	st->files = fs->inodes_count;
	st->files_free = fs->sb.s_free_inodes_count;
	st->name_max = EXT2_NAME_LEN;
	sleep_unlock(&fs->lock);
	return 0;
}

/* The VFS's entries that change the disk run inside a journal handle
 * (nothing happens without a journal). */
static int j_write_inode(struct inode *inode)
{
	struct ext2_fs *fs = to_ext2_fs(inode->sb);
	int err;

	ext2_journal_start(fs);
	err = ext2_write_inode(inode);
	ext2_journal_stop(fs);
	return err;
}

static void j_evict_inode(struct inode *inode)
{
	struct ext2_fs *fs = to_ext2_fs(inode->sb);

	ext2_journal_start(fs);
	ext2_evict_inode(inode);
	ext2_journal_stop(fs);
}

static const struct super_operations ext2_super_ops = {
	.read_inode = ext2_read_inode,
	.write_inode = j_write_inode,
	.evict_inode = j_evict_inode,
	.free_inode = ext2_free_inode,
	.statfs = ext2_statfs,
	.sync = ext2_sync,
	.unmount = ext2_unmount,
	.remount = ext2_remount,
};

static struct file_system_type ext2_type = {
	.name = "ext2",
	.requires_device = true,
	.mount = ext2_mount,
};

void ext2_init(void)
{
	vfs_register_fs(&ext2_type);
}
