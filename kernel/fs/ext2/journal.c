/*
 * ext3's journal: metadata changes reach their home blocks only after
 * they are safe in the journal, so a crash leaves either the old state or
 * the new one (after replay), never half of an operation. The on-disk
 * format is JBD2's (ext2_fs.h has the structures; docs/ext2.md the
 * picture), so Linux's e2fsck and mount replay what Kestrel wrote, and
 * Kestrel replays what Linux left.
 *
 * The design is the simplest one that is correct:
 *
 *  - One running transaction. Every operation that changes the file
 *    system runs inside a handle (ext2_journal_start .. _stop); the
 *    metadata buffers it dirties (ext2_dirty_meta) join the transaction
 *    and are pinned in the buffer cache (bpin), so no write-back can take
 *    them home early. File data is dirtied as before (ordered mode).
 *  - A block freed in the running transaction is not reused before it
 *    commits: the group's bitmap as last committed is kept
 *    (ext2_journal_keep_bitmap) and alloc.c takes no block set in it.
 *  - A commit waits until no handle is open, then copies the superblock
 *    and group descriptors into their buffers, writes every other dirty
 *    buffer (the data, ordered mode), writes descriptor, data and commit
 *    blocks to the log, points the journal superblock at them (the
 *    transaction is now committed), unpins, writes everything home (the
 *    checkpoint) and marks the log empty again.
 *  - So the log holds at most one transaction and always starts at
 *    s_first: no wrapping, no revoke records to write. Replay still
 *    handles all of JBD2's log (several transactions, wrapping, revoke
 *    blocks), since Linux writes those.
 *  - Commits happen at sync, fsync (of any file: the commit is global),
 *    unmount, when an operation starts and the transaction is 5 s old,
 *    or is too full for another operation.
 *
 * Limits: a commit waits until no operation is in progress, so a steady
 * stream of overlapping operations from many tasks could delay it; an
 * operation that dirties more metadata blocks than the log holds (a
 * truncate of a very large file on a small journal) is written in place
 * without the journal's protection, with a message. Checksummed
 * journals (csum v2/v3, async commit, fast commit) are refused.
 *
 * Locking: j->lock (a spinlock) guards the handle table, the committing
 * flags and the transaction's block list; the bitmap copies are under
 * fs->lock. A commit runs with
 * j->committing set and no handle open, and takes fs->lock and buffer
 * locks below it, as an operation does.
 */
#include "arch/x86_64/arch.h"
#include "fs/ext2/ext2.h"
#include "mm/mm.h"

#define COMMIT_AGE_NS (5ULL * 1000 * 1000 * 1000)
/* Metadata blocks one operation may dirty, at most: a write is cut into
 * pieces small enough (ext2_journal_write_chunk). */
#define OP_BLOCKS 64

static uint32_t be32(uint32_t x)
{
	return __builtin_bswap32(x);
}

static uint16_t be16(uint16_t x)
{
	return __builtin_bswap16(x);
}

static uint64_t be64(uint64_t x)
{
	return __builtin_bswap64(x);
}

/* ---- log blocks ---------------------------------------------------------- */

/* Journal block n (log position) to or from buf, around the cache: the
 * log is written once and read only at replay. */
static int jio(struct ext2_journal *j, uint32_t n, void *buf, bool write)
{
	struct ext2_fs *fs = j->fs;
	uint32_t per = fs->block_size / SECTOR_SIZE;

	if (n >= j->maxlen)
		return -EIO;
	return block_rw(fs->dev, (uint64_t)j->map[n] * per, buf, per, write);
}

static uint32_t log_next(struct ext2_journal *j, uint32_t n)
{
	return n + 1 >= j->maxlen ? j->first : n + 1;
}

/* Write the journal superblock with log start and sequence. */
static int write_jsb(struct ext2_journal *j, uint32_t start, uint32_t seq)
{
	struct jbd2_superblock *jsb = (struct jbd2_superblock *)j->sb_block;

	jsb->s_start = be32(start);
	jsb->s_sequence = be32(seq);
	return jio(j, 0, j->sb_block, true);
}

/* ---- the journal inode's block map ------------------------------------ */

/* Physical block of logical block lblk of the journal inode, or 0. */
static uint32_t map_one(struct ext2_fs *fs, const struct ext2_inode *raw,
			uint32_t lblk)
{
	uint32_t path[4], blk;
	int depth = ext2_block_path(fs->addr_log, lblk, path);

	if (depth == 0)
		return 0;
	blk = raw->i_block[path[0]];
	for (int i = 1; i < depth && blk; i++) {
		struct buf *b;

		if (ext2_block_problem(fs, blk) ||
		    bread(fs->dev, blk, fs->block_size, &b) < 0)
			return 0;
		blk = ((uint32_t *)b->data)[path[i]];
		brelse(b);
	}
	if (blk && ext2_block_problem(fs, blk))
		return 0;
	return blk;
}

/* ---- loading and replay ------------------------------------------------ */

enum pass { PASS_SCAN, PASS_REVOKE, PASS_REPLAY };

struct revoke {
	uint64_t blk;
	uint32_t seq;
};

struct replay {
	uint32_t start_seq, end_seq; /* end: first transaction not committed */
	struct revoke *revokes;
	uint32_t nrevokes, cap;
	uint32_t replayed; /* blocks written home */
	uint8_t *buf, *data;
};

static int add_revoke(struct replay *r, uint64_t blk, uint32_t seq)
{
	for (uint32_t i = 0; i < r->nrevokes; i++) {
		if (r->revokes[i].blk == blk) {
			if ((int32_t)(seq - r->revokes[i].seq) > 0)
				r->revokes[i].seq = seq;
			return 0;
		}
	}
	if (r->nrevokes == r->cap) {
		uint32_t cap = r->cap ? 2 * r->cap : 64;
		struct revoke *n = kmalloc(cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		if (r->revokes)
			memcpy(n, r->revokes, r->nrevokes * sizeof(*n));
		kfree(r->revokes);
		r->revokes = n;
		r->cap = cap;
	}
	r->revokes[r->nrevokes++] = (struct revoke){ blk, seq };
	return 0;
}

/* Was blk revoked in transaction seq or later? */
static bool revoked(const struct replay *r, uint64_t blk, uint32_t seq)
{
	for (uint32_t i = 0; i < r->nrevokes; i++)
		if (r->revokes[i].blk == blk &&
		    (int32_t)(r->revokes[i].seq - seq) >= 0)
			return true;
	return false;
}

static int replay_block(struct ext2_journal *j, struct replay *r, uint32_t pos,
			uint64_t home, uint16_t flags)
{
	struct ext2_fs *fs = j->fs;
	struct buf *b;
	int err;

	if (home >= fs->blocks_count) {
		kprintf("ext2: %s: journal: block %lu out of range; not "
			"replayed\n",
			fs->name, home);
		return -EIO;
	}
	err = jio(j, pos, r->data, false);
	if (err < 0)
		return err;
	if (flags & JBD2_FLAG_ESCAPE)
		*(uint32_t *)r->data = be32(JBD2_MAGIC);
	err = bget_zero(fs->dev, home, fs->block_size, &b);
	if (err < 0)
		return err;
	memcpy(b->data, r->data, fs->block_size);
	bdirty(b);
	brelse(b);
	r->replayed++;
	return 0;
}

/* One of JBD2's three passes over the log from s_start: find the last
 * committed transaction, collect the revoke records, write the blocks
 * home. */
static int one_pass(struct ext2_journal *j, struct replay *r, enum pass pass)
{
	const struct jbd2_superblock *jsb =
		(const struct jbd2_superblock *)j->sb_block;
	uint32_t bs = j->fs->block_size;
	uint32_t seq = be32(jsb->s_sequence), pos = be32(jsb->s_start);
	uint32_t steps = 0;

	if (pass == PASS_SCAN)
		r->end_seq = seq;
	for (;;) {
		const struct jbd2_header *h =
			(const struct jbd2_header *)r->buf;
		uint32_t type;

		if (pass != PASS_SCAN && seq == r->end_seq)
			break;
		if (++steps > j->maxlen)
			break; /* a log cannot be longer than the journal */
		int err = jio(j, pos, r->buf, false);
		if (err < 0)
			return err;
		if (be32(h->h_magic) != JBD2_MAGIC ||
		    be32(h->h_sequence) != seq)
			break;
		type = be32(h->h_blocktype);
		pos = log_next(j, pos);
		if (type == JBD2_DESCRIPTOR_BLOCK) {
			uint32_t off = sizeof(*h);

			while (off + j->tag_bytes <= bs) {
				const uint8_t *t = r->buf + off;
				uint64_t blk = be32(*(const uint32_t *)t);
				uint16_t flags =
					be16(*(const uint16_t *)(t + 6));

				if (j->tag_bytes == JBD2_TAG_SIZE64)
					blk |= (uint64_t)be32(*(
						       const uint32_t *)(t + 8))
					       << 32;
				off += j->tag_bytes;
				if (!(flags & JBD2_FLAG_SAME_UUID))
					off += 16;
				if (pass == PASS_REPLAY &&
				    !revoked(r, blk, seq)) {
					err = replay_block(j, r, pos, blk,
							   flags);
					if (err < 0)
						return err;
				}
				pos = log_next(j, pos);
				if (flags & JBD2_FLAG_LAST_TAG)
					break;
			}
		} else if (type == JBD2_COMMIT_BLOCK) {
			seq++;
			if (pass == PASS_SCAN)
				r->end_seq = seq;
		} else if (type == JBD2_REVOKE_BLOCK) {
			uint32_t count = be32(*(const uint32_t *)(r->buf + 12));
			uint32_t rec = j->tag_bytes == JBD2_TAG_SIZE64 ? 8 : 4;

			if (pass != PASS_REVOKE)
				continue;
			if (count > bs)
				count = bs;
			for (uint32_t off = JBD2_REVOKE_HEADER;
			     off + rec <= count; off += rec) {
				uint64_t blk;

				if (rec == 8)
					blk = be64(*(const uint64_t *)(r->buf +
								       off));
				else
					blk = be32(*(const uint32_t *)(r->buf +
								       off));
				err = add_revoke(r, blk, seq);
				if (err < 0)
					return err;
			}
		} else {
			break;
		}
	}
	return 0;
}

/* Replay the committed transactions of the log, then mark it empty. */
static int replay(struct ext2_journal *j)
{
	struct ext2_fs *fs = j->fs;
	struct replay r = { 0 };
	const struct jbd2_superblock *jsb =
		(const struct jbd2_superblock *)j->sb_block;
	int err = -ENOMEM;

	r.start_seq = be32(jsb->s_sequence);
	r.buf = kmalloc(fs->block_size);
	r.data = kmalloc(fs->block_size);
	if (!r.buf || !r.data)
		goto out;
	err = one_pass(j, &r, PASS_SCAN);
	if (err == 0)
		err = one_pass(j, &r, PASS_REVOKE);
	if (err == 0)
		err = one_pass(j, &r, PASS_REPLAY);
	if (err == 0)
		err = bsync(fs->dev);
	if (err == 0) {
		j->seq = r.end_seq;
		err = write_jsb(j, 0, j->seq);
	}
	if (err == 0)
		kprintf("ext2: %s: journal replayed: transactions %u to %u, "
			"%u blocks, %u revoked\n",
			fs->name, r.start_seq, r.end_seq - 1, r.replayed,
			r.nrevokes);
	else
		kprintf("ext2: %s: journal replay failed (%d)\n", fs->name,
			err);
out:
	kfree(r.buf);
	kfree(r.data);
	kfree(r.revokes);
	return err;
}

static void free_journal(struct ext2_journal *j)
{
	if (!j)
		return;
	kfree(j->map);
	kfree(j->sb_block);
	kfree(j->blocks);
	if (j->committed) {
		for (uint32_t g = 0; g < j->fs->groups_count; g++)
			kfree(j->committed[g]);
		kfree(j->committed);
	}
	kfree(j);
}

/* Read the journal inode and superblock and check we can use them. */
static int load(struct ext2_fs *fs, struct ext2_journal *j)
{
	uint32_t inum = fs->sb.s_journal_inum;
	const struct jbd2_superblock *jsb;
	struct ext2_inode raw;
	uint32_t incompat, type, nblocks;
	int err;

	if (fs->sb.s_feature_incompat & EXT3_FEATURE_INCOMPAT_JOURNAL_DEV ||
	    inum == 0 || fs->sb.s_journal_dev) {
		kprintf("ext2: %s: journal on another device not supported; "
			"not mounted\n",
			fs->name);
		return -EINVAL;
	}
	if (inum >= fs->first_ino || inum > fs->inodes_count)
		goto bad;
	err = ext2_read_raw_inode(fs, inum, &raw);
	if (err < 0)
		return err;
	if (raw.i_flags & EXT4_EXTENTS_FL) {
		kprintf("ext2: %s: journal inode uses extents; not mounted\n",
			fs->name);
		return -EINVAL;
	}
	nblocks = raw.i_size >> fs->block_log;
	if (nblocks < 16)
		goto bad;
	j->map = kmalloc(nblocks * sizeof(uint32_t));
	j->sb_block = kmalloc(fs->block_size);
	if (!j->map || !j->sb_block)
		return -ENOMEM;
	for (uint32_t i = 0; i < nblocks; i++) {
		j->map[i] = map_one(fs, &raw, i);
		if (j->map[i] == 0)
			goto bad;
	}
	j->maxlen = nblocks;
	err = jio(j, 0, j->sb_block, false);
	if (err < 0)
		return err;
	jsb = (const struct jbd2_superblock *)j->sb_block;
	type = be32(jsb->s_header.h_blocktype);
	if (be32(jsb->s_header.h_magic) != JBD2_MAGIC ||
	    (type != JBD2_SUPERBLOCK_V1 && type != JBD2_SUPERBLOCK_V2) ||
	    be32(jsb->s_blocksize) != fs->block_size ||
	    be32(jsb->s_maxlen) > nblocks || be32(jsb->s_maxlen) < 16 ||
	    be32(jsb->s_first) == 0 ||
	    be32(jsb->s_first) >= be32(jsb->s_maxlen))
		goto bad;
	j->maxlen = be32(jsb->s_maxlen);
	j->first = be32(jsb->s_first);
	j->seq = be32(jsb->s_sequence);
	incompat = 0;
	if (type == JBD2_SUPERBLOCK_V2) {
		incompat = be32(jsb->s_feature_incompat);
		if (be32(jsb->s_feature_compat) &
			    JBD2_FEATURE_COMPAT_CHECKSUM ||
		    incompat & ~(JBD2_FEATURE_INCOMPAT_REVOKE |
				 JBD2_FEATURE_INCOMPAT_64BIT)) {
			kprintf("ext2: %s: journal features not supported "
				"(compat %#x, incompat %#x: checksums or fast "
				"commits); not mounted\n",
				fs->name, be32(jsb->s_feature_compat),
				incompat);
			return -EINVAL;
		}
		memcpy(j->uuid, jsb->s_uuid, 16);
	}
	j->tag_bytes = incompat & JBD2_FEATURE_INCOMPAT_64BIT ? JBD2_TAG_SIZE64
							      : JBD2_TAG_SIZE32;
	if (be32(jsb->s_errno)) {
		kprintf("ext2: %s: the journal recorded error %d; run e2fsck; "
			"not mounted\n",
			fs->name, (int)be32(jsb->s_errno));
		return -EINVAL;
	}
	return 0;
bad:
	kprintf("ext2: %s: journal inode %u is damaged; run e2fsck; not "
		"mounted\n",
		fs->name, inum);
	return -EIO;
}

int ext2_journal_load(struct ext2_fs *fs, bool *replayed)
{
	struct ext2_journal *j = kzalloc(sizeof(*j));
	struct bcache_stats st;
	uint32_t descs;
	int err;

	*replayed = false;
	if (!j)
		return -ENOMEM;
	j->fs = fs;
	spin_init(&j->lock, "ext2 journal");
	err = load(fs, j);
	if (err < 0)
		goto fail;
	if (be32(((struct jbd2_superblock *)j->sb_block)->s_start) != 0) {
		if (fs->dev->read_only) {
			kprintf("ext2: %s: the journal needs recovery and the "
				"device is read-only; not mounted\n",
				fs->name);
			err = -EROFS;
			goto fail;
		}
		err = replay(j);
		if (err < 0)
			goto fail;
		*replayed = true;
	}
	/* A transaction must fit in the log (data blocks, one descriptor per
	 * tags_per_desc of them, the commit block) and leave the cache room
	 * for everyone else. */
	j->tags_per_desc = (fs->block_size - sizeof(struct jbd2_header) - 16) /
			   j->tag_bytes;
	descs = (j->maxlen - j->first) / (j->tags_per_desc + 1) + 1;
	j->cap = j->maxlen - j->first - descs - 1;
	bcache_get_stats(&st);
	j->cap = MIN(j->cap, st.buffers / 2);
	if (j->cap < 2 * OP_BLOCKS) {
		kprintf("ext2: %s: journal of %u blocks too small (or bcache= "
			"too small); not mounted\n",
			fs->name, j->maxlen);
		err = -EINVAL;
		goto fail;
	}
	j->limit = j->cap - OP_BLOCKS;
	j->blocks = kmalloc(j->cap * sizeof(uint32_t));
	j->committed = kzalloc(fs->groups_count * sizeof(uint8_t *));
	if (!j->blocks || !j->committed) {
		err = -ENOMEM;
		goto fail;
	}
	fs->journal = j;
	return 0;
fail:
	free_journal(j);
	return err;
}

void ext2_journal_free(struct ext2_fs *fs)
{
	free_journal(fs->journal);
	fs->journal = NULL;
}

/* ---- handles ---------------------------------------------------------- */

/* Caller holds j->lock. The slot of the running task, or NULL. */
static struct ext2_jholder *find_holder(struct ext2_journal *j,
					const struct task *t)
{
	for (int i = 0; i < EXT2_JOURNAL_HOLDERS; i++)
		if (j->holders[i].task == t)
			return &j->holders[i];
	return NULL;
}

static bool too_full(struct ext2_journal *j)
{
	if (j->nblocks + OP_BLOCKS > j->limit)
		return true;
	return j->nblocks && time_ns() - j->started_ns > COMMIT_AGE_NS;
}

void ext2_journal_start(struct ext2_fs *fs)
{
	struct ext2_journal *j = fs->journal;
	struct task *me = current_task();
	struct ext2_jholder *h;

	if (!j)
		return;
	spin_lock(&j->lock);
	h = find_holder(j, me);
	if (h) {
		h->depth++; /* nested: an operation calls another */
		spin_unlock(&j->lock);
		return;
	}
	for (;;) {
		if (!j->committing && !j->commit_wanted) {
			if (too_full(j)) {
				spin_unlock(&j->lock);
				ext2_journal_commit(fs);
				spin_lock(&j->lock);
				continue;
			}
			h = find_holder(j, NULL);
			if (h)
				break;
		}
		sleep_on(&j->wq, &j->lock);
	}
	h->task = me;
	h->depth = 1;
	j->active++;
	if (j->nblocks == 0)
		j->started_ns = time_ns();
	spin_unlock(&j->lock);
}

void ext2_journal_stop(struct ext2_fs *fs)
{
	struct ext2_journal *j = fs->journal;
	struct ext2_jholder *h;

	if (!j)
		return;
	spin_lock(&j->lock);
	h = find_holder(j, current_task());
	assert(h);
	if (--h->depth == 0) {
		h->task = NULL;
		j->active--;
		wake_up(&j->wq);
	}
	spin_unlock(&j->lock);
}

void ext2_dirty_meta(struct ext2_fs *fs, struct buf *b)
{
	struct ext2_journal *j = fs->journal;

	bdirty(b);
	if (!j)
		return;
	if (b->pinned)
		return; /* already in the transaction (b is locked: stable) */
	spin_lock(&j->lock);
	if (j->nblocks == j->cap) {
		/* More than the log can take: the commit will write it in
		 * place. Keep the buffer unpinned, an ordinary dirty one. */
		j->overflow = true;
		spin_unlock(&j->lock);
		return;
	}
	j->blocks[j->nblocks++] = (uint32_t)b->blockno;
	spin_unlock(&j->lock);
	bpin(b);
}

int ext2_journal_keep_bitmap(struct ext2_fs *fs, uint32_t g, const uint8_t *map)
{
	struct ext2_journal *j = fs->journal;

	assert(sleep_held(&fs->lock));
	if (j->committed[g])
		return 0;
	j->committed[g] = kmalloc(fs->block_size);
	if (!j->committed[g])
		return -ENOMEM;
	memcpy(j->committed[g], map, fs->block_size);
	j->ncommitted++;
	return 0;
}

const uint8_t *ext2_journal_bitmap(struct ext2_fs *fs, uint32_t g)
{
	return fs->journal ? fs->journal->committed[g] : NULL;
}

/* The transaction committed: freed blocks may be reused. */
static void drop_bitmaps(struct ext2_fs *fs)
{
	struct ext2_journal *j = fs->journal;

	sleep_lock(&fs->lock);
	for (uint32_t g = 0; g < fs->groups_count && j->ncommitted; g++) {
		if (j->committed[g]) {
			kfree(j->committed[g]);
			j->committed[g] = NULL;
			j->ncommitted--;
		}
	}
	sleep_unlock(&fs->lock);
}

/* ---- commit ------------------------------------------------------------ */

/* Write the transaction's blocks (copies taken now) to the log from
 * s_first with their descriptors, then the commit block. */
static int write_log(struct ext2_journal *j, const uint32_t *blocks, uint32_t n,
		     uint32_t seq)
{
	struct ext2_fs *fs = j->fs;
	uint32_t bs = fs->block_size;
	uint8_t *desc = kmalloc(bs), *data = kmalloc(bs);
	uint32_t pos = j->first;
	int err = -ENOMEM;

	if (!desc || !data)
		goto out;
	for (uint32_t i = 0; i < n;) {
		uint32_t dpos = pos, off = sizeof(struct jbd2_header);
		uint32_t in_desc = MIN(n - i, j->tags_per_desc);
		struct jbd2_header *h = (struct jbd2_header *)desc;

		memset(desc, 0, bs);
		h->h_magic = be32(JBD2_MAGIC);
		h->h_blocktype = be32(JBD2_DESCRIPTOR_BLOCK);
		h->h_sequence = be32(seq);
		pos++;
		for (uint32_t k = 0; k < in_desc; k++, i++, pos++) {
			uint8_t *t = desc + off;
			uint16_t flags = k ? JBD2_FLAG_SAME_UUID : 0;
			struct buf *b;

			err = bread(fs->dev, blocks[i], bs, &b);
			if (err < 0)
				goto out;
			memcpy(data, b->data, bs);
			brelse(b);
			if (be32(*(uint32_t *)data) == JBD2_MAGIC) {
				*(uint32_t *)data = 0;
				flags |= JBD2_FLAG_ESCAPE;
			}
			if (k == in_desc - 1)
				flags |= JBD2_FLAG_LAST_TAG;
			*(uint32_t *)t = be32(blocks[i]);
			*(uint16_t *)(t + 6) = be16(flags);
			off += j->tag_bytes;
			if (k == 0) {
				memcpy(desc + off, j->uuid, 16);
				off += 16;
			}
			err = jio(j, pos, data, true);
			if (err < 0)
				goto out;
		}
		err = jio(j, dpos, desc, true);
		if (err < 0)
			goto out;
	}
	{
		struct jbd2_commit_block *c = (struct jbd2_commit_block *)desc;
		struct timespec64 now = vfs_now();

		memset(desc, 0, bs);
		c->h.h_magic = be32(JBD2_MAGIC);
		c->h.h_blocktype = be32(JBD2_COMMIT_BLOCK);
		c->h.h_sequence = be32(seq);
		c->h_commit_sec = be64((uint64_t)now.sec);
		c->h_commit_nsec = be32((uint32_t)now.nsec);
		err = jio(j, pos, desc, true);
	}
out:
	kfree(desc);
	kfree(data);
	return err;
}

static void unpin_all(struct ext2_fs *fs, const uint32_t *blocks, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct buf *b;

		/* Pinned, so cached: this bread cannot fail. */
		if (bread(fs->dev, blocks[i], fs->block_size, &b) < 0)
			panic("ext2: journal: pinned block %u not cached",
			      blocks[i]);
		bunpin(b);
		brelse(b);
	}
}

bool ext2_journal_crash_after_commit;

static int do_commit(struct ext2_fs *fs)
{
	struct ext2_journal *j = fs->journal;
	uint32_t *blocks, n, seq = j->seq;
	bool overflow;
	int err;

	/* The superblock and descriptors join the transaction. No handle
	 * is open: nothing else changes it. */
	err = ext2_write_super_and_groups(fs);
	if (err < 0)
		return err;
	blocks = j->blocks;
	n = j->nblocks;
	overflow = j->overflow;
	if (n == 0) {
		drop_bitmaps(fs);
		return bsync(fs->dev);
	}
	/* Ordered mode: the data the metadata points to goes first. */
	err = bsync(fs->dev);
	if (err < 0)
		return err;
	if (overflow) {
		kprintf("ext2: %s: journal: a transaction larger than the log "
			"(%u blocks); written in place, unprotected\n",
			fs->name, j->limit);
	} else {
		/* With a write cache each step is flushed before the next
		 * is written: the log (with its commit block) before the
		 * superblock that makes it live, that superblock before any
		 * block goes home (docs/ext2.md). */
		err = write_log(j, blocks, n, seq);
		if (err == 0)
			err = block_flush(fs->dev);
		if (err == 0)
			err = write_jsb(j, j->first, seq); /* committed */
		if (err == 0)
			err = block_flush(fs->dev);
		if (err < 0)
			return err;
	}
	if (ext2_journal_crash_after_commit && !overflow) {
		/* Test hook: as if the power went now. The blocks stay
		 * pinned, so they never reach home; the log holds them. */
		kprintf("ext2: %s: journal: transaction %u committed, not "
			"checkpointed (test)\n",
			fs->name, seq);
		j->nblocks = 0;
		j->seq = seq + 1;
		return 0;
	}
	unpin_all(fs, blocks, n);
	drop_bitmaps(fs);
	j->nblocks = 0;
	j->overflow = false;
	j->seq = seq + 1;
	err = bsync(fs->dev); /* the checkpoint */
	if (err < 0)
		return err; /* the log stays: a replay finishes the job */
	j->commits++;
	return write_jsb(j, 0, j->seq);
}

int ext2_journal_commit(struct ext2_fs *fs)
{
	struct ext2_journal *j = fs->journal;
	int err;

	if (!j)
		return 0;
	spin_lock(&j->lock);
	if (find_holder(j, current_task())) {
		spin_unlock(&j->lock);
		kprintf("ext2: %s: journal: commit inside an operation\n",
			fs->name);
		return -EBUSY;
	}
	while (j->active || j->committing) {
		j->commit_wanted = true;
		sleep_on(&j->wq, &j->lock);
	}
	j->committing = true;
	j->commit_wanted = false;
	spin_unlock(&j->lock);

	err = do_commit(fs);
	if (err < 0)
		kprintf("ext2: %s: journal: commit of transaction %u failed "
			"(%d)\n",
			fs->name, j->seq, err);

	spin_lock(&j->lock);
	j->committing = false;
	wake_up(&j->wq);
	spin_unlock(&j->lock);
	return err;
}
